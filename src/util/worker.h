/* SPDX-License-Identifier: MIT
 * battstore — jobs on a second thread: memory-only work (sorting,
 * filling arrays) that overlaps the caller's own (LMDB reads, which
 * must stay on the transaction's thread). */
#ifndef BS_WORKER_H
#define BS_WORKER_H

#include <stdbool.h>
#include <stddef.h>

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

/** Run fn(arg) on a thread of its own if the policy allows and one can
 *  be started: the job, or NULL (fn not run).  For a fn that waits for
 *  the caller (a producer of bs_chunks): it must not run inline. */
bs_job *bs_job_try(void (*fn)(void *), void *arg);

/// Wait until the job's fn has returned, and free the job.  NULL is safe.
void bs_job_wait(bs_job *j);

/** A bounded queue of fixed-size chunks from one producer (a job) to
 *  one consumer, handed over in order: the producer fills a chunk while
 *  the consumer reads an earlier one. */
typedef struct bs_chunks bs_chunks;

/// nchunk buffers of size bytes; NULL when out of memory.
bs_chunks *bs_chunks_new(size_t nchunk, size_t size);
/** Producer: the next chunk to fill, once the consumer has released
 *  one; NULL when the consumer stopped. */
void *bs_chunks_put_begin(bs_chunks *q);
/// Producer: hand the chunk over, used bytes of it.
void bs_chunks_put_end(bs_chunks *q, size_t used);
/// Producer: no more chunks.
void bs_chunks_finish(bs_chunks *q);
/** Consumer: release the chunk it holds and take the next one (*used
 *  bytes), waiting for it; NULL after the producer's last. */
const void *bs_chunks_get(bs_chunks *q, size_t *used);
/// Consumer: take no more (a waiting producer gets NULL).
void bs_chunks_stop(bs_chunks *q);
/// Free the queue (both sides done).  NULL is safe.
void bs_chunks_free(bs_chunks *q);

#endif
