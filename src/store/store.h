/* SPDX-License-Identifier: MIT
 * battstore — the LMDB quad store: term dictionary, six quad indexes,
 * graph registry.  One writer, many readers (LMDB MVCC). */
#ifndef BS_STORE_H
#define BS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "term/term.h"
#include "util/status.h"

typedef struct bs_store bs_store;
typedef struct bs_txn bs_txn;
typedef struct bs_iter bs_iter;
typedef struct bs_bulk bs_bulk;

/** A quad of term ids; g == BS_DEFAULT_GRAPH (0) is the default graph.
 *  In patterns, BS_ANY in a position leaves it unbound. */
typedef struct {
    bs_id s, p, o, g;
} bs_quad;

/** Access level of a graph (DMP FAIR rules); the default is public. */
typedef enum {
    BS_ACCESS_PUBLIC = 0,
    BS_ACCESS_RESTRICTED = 1,
    BS_ACCESS_CONFIDENTIAL = 2
} bs_access;

/** What the store records about a named graph. */
typedef struct {
    bs_id graph;    ///< graph id (0 = default graph)
    bs_id version;  ///< owl:versionIRI id of the ontology loaded into it, or 0
    bs_access access;
    uint64_t quads; ///< number of quads in the graph
} bs_graph_info;

enum {
    BS_STORE_RDONLY = 1, ///< open read-only (no write transactions)
    BS_STORE_CREATE = 2  ///< create the directory and store if missing
};

/** Open (or create) the store in directory dir.  The handle is shared by
 *  all threads of the process; transactions are per thread of use.
 *  Caller frees with bs_store_close(). */
bs_status bs_store_open(const char *dir, unsigned flags, bs_store **out);

/// Close the store; every transaction must have ended.  NULL is safe.
void bs_store_close(bs_store *store);

/// Directory of the store (borrowed; valid until bs_store_close()).
const char *bs_store_path(const bs_store *store);

/** Make sure the map has room for at least `bytes` more data before a
 *  big write (no transaction of this process may be active). */
bs_status bs_store_reserve(bs_store *store, uint64_t bytes);

/** Begin a transaction.  A read transaction sees a snapshot and never
 *  waits for a writer; at most one write transaction runs at a time
 *  (others block).  Caller ends it with bs_txn_commit() or
 *  bs_txn_abort().  Read transactions may move between threads. */
bs_status bs_txn_begin(bs_store *store, bool write, bs_txn **out);

/** Commit and free the transaction.  On failure the transaction is
 *  aborted (nothing written) and freed all the same.  When the map was
 *  full the result is BS_ERR_FULL: the map has been grown and the caller
 *  may redo the whole transaction (see bs_store_write()). */
bs_status bs_txn_commit(bs_txn *txn);

/// Abort and free the transaction.  NULL is safe.
void bs_txn_abort(bs_txn *txn);

/// True for a write transaction.
bool bs_txn_writable(const bs_txn *txn);

/** Run fn(txn, ctx) in a write transaction and commit it; when the map
 *  fills, grow it and run fn again from scratch (fn must be repeatable).
 *  fn's failure aborts everything. */
bs_status bs_store_write(bs_store *store,
                         bs_status (*fn)(bs_txn *txn, void *ctx), void *ctx);

/* ---- dictionary ---------------------------------------------------- */

/** Id of an existing term, or BS_NOT_FOUND. */
bs_status bs_dict_lookup(bs_txn *txn, const bs_term *term, bs_id *out);

/** Id of a term, adding it when new (write transaction). */
bs_status bs_dict_intern(bs_txn *txn, const bs_term *term, bs_id *out);

/** The term of an id.  The view borrows from the store: valid until the
 *  transaction ends (and, in a write transaction, until its next write).
 *  BS_NOT_FOUND for an unknown id. */
bs_status bs_dict_get(bs_txn *txn, bs_id id, bs_term *out);

/* ---- quads --------------------------------------------------------- */

/// Add a quad; *added (may be NULL) tells whether it was new.
bs_status bs_quad_add(bs_txn *txn, const bs_quad *q, bool *added);

/// Remove a quad; *removed (may be NULL) tells whether it was there.
bs_status bs_quad_remove(bs_txn *txn, const bs_quad *q, bool *removed);

/// BS_OK when the (fully bound) quad is stored, else BS_NOT_FOUND.
bs_status bs_quad_contains(bs_txn *txn, const bs_quad *q);

/** Iterate the quads matching a pattern (BS_ANY = unbound) in the order
 *  of the index chosen for it.  The iterator sees the transaction's state
 *  when it was created; writing through the same write transaction while
 *  iterating invalidates it.  Caller frees with bs_iter_free() before
 *  the transaction ends. */
bs_status bs_iter_new(bs_txn *txn, const bs_quad *pattern, bs_iter **out);

/** Re-aim the iterator at another pattern in the same transaction, as if
 *  it were new, keeping its LMDB cursor (cheaper than free + new for the
 *  inner scans of a nested loop).  On failure the iterator may only be
 *  freed. */
bs_status bs_iter_reset(bs_iter *it, const bs_quad *pattern);

/// Next matching quad, or BS_END.
bs_status bs_iter_next(bs_iter *it, bs_quad *out);

/// Free an iterator.  NULL is safe.
void bs_iter_free(bs_iter *it);

/** Number of quads matching a pattern.  Exact; O(1) for patterns with
 *  one bound position or none, a range scan otherwise. */
bs_status bs_quad_count(bs_txn *txn, const bs_quad *pattern, uint64_t *out);

/* ---- graphs -------------------------------------------------------- */

/** Register a named graph (so it exists while empty: SPARQL CREATE). */
bs_status bs_graph_create(bs_txn *txn, bs_id graph);

/** Remove every quad of a graph; with forget, also unregister it. */
bs_status bs_graph_clear(bs_txn *txn, bs_id graph, bool forget,
                         uint64_t *removed);

/** Info about a graph, BS_NOT_FOUND when it neither has quads nor was
 *  registered. */
bs_status bs_graph_get(bs_txn *txn, bs_id graph, bs_graph_info *out);

/// Record the owl:versionIRI of the ontology held in a graph (0 clears).
bs_status bs_graph_set_version(bs_txn *txn, bs_id graph, bs_id version);

/// Set a graph's access level.
bs_status bs_graph_set_access(bs_txn *txn, bs_id graph, bs_access level);

/** All named graphs (registered or holding quads), ascending by id,
 *  default graph excluded.  *out is malloc'ed: caller frees with free(). */
bs_status bs_graph_list(bs_txn *txn, bs_graph_info **out, size_t *n);

/** The ids of the same graphs as bs_graph_list(), without counting their
 *  quads (cheap: one key per graph).  *out is malloc'ed: caller frees. */
bs_status bs_graph_ids(bs_txn *txn, bs_id **out, size_t *n);

/** A graph's access level from its record alone (no counting); public
 *  when the graph has no record. */
bs_status bs_graph_access(bs_txn *txn, bs_id graph, bs_access *out);

/* ---- statistics ---------------------------------------------------- */

typedef struct {
    uint64_t quads;       ///< total quads
    uint64_t terms;       ///< dictionary entries
    uint64_t graphs;      ///< named graphs
    uint64_t file_bytes;  ///< size of the data file
    uint64_t used_bytes;  ///< pages in use × page size
    uint64_t map_bytes;   ///< current map size
} bs_store_stats;

bs_status bs_store_stat(bs_txn *txn, bs_store_stats *out);

/* ---- bulk load ----------------------------------------------------- */

/** A bulk loader inside a write transaction: terms are interned through
 *  an in-memory cache, quads are buffered, sorted per index in bounded
 *  batches (spilled to temporary files) and written in key order at
 *  bs_bulk_finish().  Heap use is bounded whatever the input size.
 *  Caller frees with bs_bulk_free() (which discards unfinished work). */
bs_status bs_bulk_new(bs_txn *txn, bs_bulk **out);

/// Intern a term through the loader's cache.
bs_status bs_bulk_intern(bs_bulk *b, const bs_term *term, bs_id *out);

/// Queue a quad (duplicates are removed at finish).
bs_status bs_bulk_add(bs_bulk *b, const bs_quad *q);

/** Write everything queued; *added (may be NULL) = quads that were new. */
bs_status bs_bulk_finish(bs_bulk *b, uint64_t *added);

/// Quads queued so far (including duplicates).
uint64_t bs_bulk_queued(const bs_bulk *b);

/// Free the loader.  NULL is safe.
void bs_bulk_free(bs_bulk *b);

#endif
