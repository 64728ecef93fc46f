/* SPDX-License-Identifier: MIT
 * battstore — jobs on a second thread: memory-only work (sorting,
 * filling arrays) that overlaps the caller's own (LMDB reads, which
 * must stay on the transaction's thread). */
#ifndef BS_WORKER_H
#define BS_WORKER_H

#include <stdbool.h>

typedef struct bs_job bs_job;

/** Process-wide policy: 0 = a thread of its own when more than one CPU
 *  is online and the environment's BATTSTORE_THREADS is not 1 (read
 *  once), 1 = always a thread (tests, even on one CPU), -1 = never (the
 *  job runs inside bs_job_start). */
extern int bs_job_policy;

/// Whether bs_job_start would start a thread now.
bool bs_job_threads(void);

/** Run fn(arg) on a thread of its own, or at once on the caller's when
 *  the policy says so or no thread can be started: either way fn has run
 *  or runs until bs_job_wait.  fn must not touch what the caller uses
 *  meanwhile (no LMDB, no accounting of the query).  Returns the job
 *  (NULL when fn already ran); caller joins it with bs_job_wait. */
bs_job *bs_job_start(void (*fn)(void *), void *arg);

/// Wait until the job's fn has returned, and free the job.  NULL is safe.
void bs_job_wait(bs_job *j);

#endif
