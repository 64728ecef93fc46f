/* SPDX-License-Identifier: MIT
 * battstore — a bounded statement queue between a parser thread and the
 * thread that owns the write transaction (ingest-internal).
 *
 * The producer copies each statement's term views into the current batch
 * buffer; full batches go to the consumer, which reads the statements
 * back as views into the batch (valid until its next bs_pipe_next()).
 * Memory is bounded by BS_PIPE_BATCHES × BS_PIPE_BATCH_BYTES plus any
 * single statement larger than a batch. */
#ifndef BS_PIPE_H
#define BS_PIPE_H

#include <stdbool.h>
#include "term/term.h"
#include "util/status.h"

#define BS_PIPE_BATCHES 4
#define BS_PIPE_BATCH_BYTES ((size_t)1 << 20)

typedef struct bs_pipe bs_pipe;

/** A statement as the consumer sees it: views into the pipe's batch. */
typedef struct {
    bs_term s, p, o, g;
    bool has_graph;
} bs_pipe_stmt;

/** A new, open pipe.  Caller frees with bs_pipe_free() once both sides
 *  are done. */
bs_status bs_pipe_new(bs_pipe **out);

/** Producer: queue a statement (g may be NULL).  Blocks while every
 *  batch is full.  Returns BS_ERR_BUSY once the consumer has aborted:
 *  the producer should stop parsing. */
bs_status bs_pipe_push(bs_pipe *p, const bs_term *s, const bs_term *pr,
                       const bs_term *o, const bs_term *g);

/** Producer: no more statements; st is the producer's outcome (BS_OK or
 *  its error), handed to the consumer as bs_pipe_next()'s last result. */
void bs_pipe_close(bs_pipe *p, bs_status st);

/** Consumer: the next statement (BS_OK), BS_END after the last one of a
 *  successful producer, or the producer's error. */
bs_status bs_pipe_next(bs_pipe *p, bs_pipe_stmt *out);

/** Consumer: give up; wakes a blocked producer, whose pushes then fail.
 *  The consumer must still wait for the producer to finish before
 *  bs_pipe_free(). */
void bs_pipe_abort(bs_pipe *p);

/// Free the pipe.  NULL is safe.
void bs_pipe_free(bs_pipe *p);

#endif
