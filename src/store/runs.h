/* SPDX-License-Identifier: MIT
 * battstore — sorted runs of quads for the bulk loader (store-internal).
 *
 * Quads are buffered in batches.  A full batch is handed to a worker
 * thread that sorts it in each of the six index orders and spills six run
 * files, while the caller goes on parsing into the other buffer.  At the
 * end the runs of each index are merged and written in key order; the
 * worker sorts the last batch for index i+1 while index i is written. */
#ifndef BS_RUNS_H
#define BS_RUNS_H

#include "store/store_int.h"

typedef struct bs_runs bs_runs;

/** A run builder holding at most 2 × batch quads in memory (plus two
 *  sorting areas).  Caller frees with bs_runs_free(). */
bs_status bs_runs_new(size_t batch, bs_runs **out);

/// Queue a quad (hands a full batch to the worker).
bs_status bs_runs_add(bs_runs *r, const bs_quad *q);

/** Merge everything queued into the six indexes of txn (duplicates,
 *  within the input and with the store, are skipped); *added = new quads.
 *  Must run in the transaction's thread. */
bs_status bs_runs_write(bs_runs *r, bs_txn *txn, uint64_t *added);

/// Stop the worker, delete run files, free memory.  NULL is safe.
void bs_runs_free(bs_runs *r);

#endif
