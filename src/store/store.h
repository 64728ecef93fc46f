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
 *  big write.  Waits for the other threads' transactions to end (see
 *  "Map growth" below); BS_ERR_BUSY when the calling thread holds one. */
bs_status bs_store_reserve(bs_store *store, uint64_t bytes);

/** Begin a transaction.  A read transaction sees a snapshot and never
 *  waits for a writer; at most one write transaction runs at a time
 *  (others block).  Caller ends it with bs_txn_commit() or
 *  bs_txn_abort().  Read transactions may move between threads.
 *
 *  Map growth.  When a write fills the map, the store grows it once the
 *  failing transaction has ended.  LMDB remaps the file then, so no
 *  transaction of the handle may be open: every transaction holds the
 *  handle's map lock shared from begin to end, growth holds it exclusive
 *  (it waits for open transactions to end, and transactions beginning
 *  meanwhile wait for it: writers first).  The rules that follow:
 *   - a thread that holds a transaction never waits to begin another;
 *   - a thread that holds a transaction cannot grow the map (it would
 *     wait for itself): a write of that thread that fills the map fails
 *     with BS_ERR_BUSY instead of BS_ERR_FULL and is not retried.  So end
 *     your read transactions before writing (bs_store_write), or write
 *     from a thread that holds none;
 *   - a transaction counts for the thread that began it until it ends,
 *     wherever it ends;
 *   - growth waits for long readers (a query streaming to a slow client):
 *     keep read transactions short-lived and bounded (query timeouts). */
bs_status bs_txn_begin(bs_store *store, bool write, bs_txn **out);

/** Commit and free the transaction.  On failure the transaction is
 *  aborted (nothing written) and freed all the same.  When the map was
 *  full the result is BS_ERR_FULL: the map has been grown and the caller
 *  may redo the whole transaction (see bs_store_write()); BS_ERR_BUSY
 *  when it could not grow because this thread holds another transaction
 *  (see "Map growth" above). */
bs_status bs_txn_commit(bs_txn *txn);

/// Abort and free the transaction.  NULL is safe.
void bs_txn_abort(bs_txn *txn);

/// True for a write transaction.
bool bs_txn_writable(const bs_txn *txn);

/// The store a transaction belongs to (borrowed).
bs_store *bs_txn_store(const bs_txn *txn);

/// The snapshot a read transaction sees (LMDB's txn id; a write txn: the id it commits as).
uint64_t bs_txn_id(const bs_txn *txn);

/** Run fn(txn, ctx) in a write transaction and commit it; when the map
 *  fills, grow it and run fn again from scratch (fn must be repeatable).
 *  fn's failure aborts everything.  Call it holding no transaction of
 *  the store, or a full map is BS_ERR_BUSY (see "Map growth"). */
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

/** Prefetch hints for ids a caller will decode a few rows later (no
 *  effect on what is read; nothing when the ids are not in the term
 *  file).  bs_dict_prefetch_offsets() loads where the encodings of the
 *  ids from..to (of one kind, ascending) are; bs_dict_prefetch_terms(),
 *  called a few rows after it, reads those offsets and loads the
 *  encodings (the last KiB of them).  Any transaction; not thread-safe
 *  with other uses of it. */
void bs_dict_prefetch_offsets(bs_txn *t, bs_id from, bs_id to);
void bs_dict_prefetch_terms(bs_txn *t, bs_id from, bs_id to);

/** bs_iter_reset(), cheaper when the new range begins inside the page
 *  of duplicates the iterator last read (a binary search there instead
 *  of a seek from the root): for probes in ascending order, such as a
 *  merge of sorted ids with one key's duplicates.  Same results. */
bs_status bs_iter_seek(bs_iter *it, const bs_quad *pattern);

/// Next matching quad, or BS_END.
bs_status bs_iter_next(bs_iter *it, bs_quad *out);

/** The next 1 to cap matching quads into out[0..*n) (at most the rest of
 *  one page of duplicates: no call per quad), or BS_END with *n = 0.
 *  The same quads in the same order as bs_iter_next(). */
bs_status bs_iter_next_n(bs_iter *it, bs_quad *out, size_t cap, size_t *n);

/** bs_iter_next_n writing only each quad's subject and object
 *  (so[2k], so[2k + 1]) and graph (g[k]): no quad to fill and copy. */
bs_status bs_iter_next_sog(bs_iter *it, bs_id *so, bs_id *g, size_t cap, size_t *n);

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
    uint64_t termfile_bytes; ///< size of the term file (terms.idx + terms.dat)
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

/** bs_bulk_add with the object's term at hand (o is q->o's, e.g. the
 *  parser's view of it): the hooks' on_bulk reads its text through
 *  bs_txn_bulk_term instead of the dictionary. */
bs_status bs_bulk_add_term(bs_bulk *b, const bs_quad *q, const bs_term *o);

/** Inside a hook's on_bulk: the term of lit when the loader handed it
 *  (bs_bulk_add_term; borrowed, valid for the call), else NULL. */
const bs_term *bs_txn_bulk_term(const bs_txn *txn, bs_id lit);

/** Write everything queued; *added (may be NULL) = quads that were new. */
bs_status bs_bulk_finish(bs_bulk *b, uint64_t *added);

/// Quads queued so far (including duplicates).
uint64_t bs_bulk_queued(const bs_bulk *b);

/// Free the loader.  NULL is safe.
void bs_bulk_free(bs_bulk *b);

/* ---- write hooks: derived indexes kept in the same transaction ------ */

/** A derived index (the text index of search/) kept up to date by the
 *  store's writers.  During each write transaction of a store handle the
 *  store collects the distinct literal object ids of the quads added or
 *  removed (through bs_quad_add/remove, bs_graph_clear, bs_bulk_finish)
 *  whose predicate is one of preds; bs_txn_commit() then calls
 *  before_commit(txn, ids ascending, n, ctx) before committing (not
 *  called when n is 0).  Its failure aborts the transaction and is
 *  returned by bs_txn_commit().  before_commit may read and write
 *  through txn (writing quads from it is not allowed).
 *
 *  Registration is recorded in the store (meta "hook:NAME"): when a
 *  handle WITHOUT the hook later commits a write transaction that wrote
 *  any quad, the record is marked stale in that same transaction, so the
 *  next attach rebuilds the index instead of trusting it. */
typedef struct {
    const char *name;          ///< unique per handle, e.g. "search" (copied)
    const bs_id *preds;        ///< watched predicate ids (copied)
    size_t npreds;
    /** Writing quads from it fails with BS_ERR_ARG (the txn aborts). */
    bs_status (*before_commit)(bs_txn *txn, const bs_id *lits, size_t n, void *ctx);
    void *ctx;
    /** Optional early work during a bulk load: called by bs_bulk_add for
     *  each queued quad (an addition) whose object is a literal under a
     *  watched predicate, with the hook's per-txn state *state (NULL at
     *  first).  It may write the derived index through txn (never
     *  quads); before_commit still receives the literal and decides.
     *  A literal noted outside the bulk loader (bs_quad_add/remove,
     *  bs_graph_clear) is handed to on_bulk with pred 0.
     *  bulk_flush(txn, state) runs at commit just before before_commit,
     *  bulk_free(state) when the txn ends (commit or abort). */
    bs_status (*on_bulk)(bs_txn *txn, bs_id lit, bs_id pred, void **state, void *ctx);
    bs_status (*bulk_flush)(bs_txn *txn, void *state, void *ctx);
    void (*bulk_free)(void *state, void *ctx);
} bs_store_hook;

/** Register a hook on this handle (no transaction may be active).  On a
 *  writable store also records meta "hook:NAME".  At most 4 hooks. */
bs_status bs_store_hook_add(bs_store *store, const bs_store_hook *h);

/// Remove the hook of that name from this handle (nothing recorded changes).
void bs_store_hook_remove(bs_store *store, const char *name);

/// ctx of the hook registered under name on this handle, or NULL.
void *bs_store_hook_ctx(bs_store *store, const char *name);

/** State of the derived index NAME as recorded in the store:
 *  BS_NOT_FOUND = never registered, BS_OK with *stale. */
bs_status bs_store_hook_state(bs_txn *txn, const char *name, bool *stale);

/// Mark the derived index NAME fresh (after a rebuild), write txn.
bs_status bs_store_hook_fresh(bs_txn *txn, const char *name);

/* ---- text index storage (what goes in is decided by search/) ------- */

/** One posting: document (a literal's id), term frequency, field, and
 *  the document's length in tokens (capped at 255). */
typedef struct {
    bs_id doc;
    uint8_t tf, field, len;
} bs_posting;

/** A document's record: its field and its length in tokens (BM25). */
typedef struct {
    uint8_t field;
    uint32_t len;     ///< tokens
} bs_tix_doc;

/// Add a posting of token tok[0..len) (write txn).  Idempotent.
bs_status bs_tix_put(bs_txn *txn, const char *tok, size_t len, const bs_posting *p);

/// Remove the posting of doc under tok; BS_NOT_FOUND when absent.
bs_status bs_tix_del(bs_txn *txn, const char *tok, size_t len, bs_id doc);

/** Call fn with the postings of tok (prefix=false) or of every token that
 *  starts with tok (prefix=true), token by token in byte order, each
 *  token's postings ascending by doc, in batches (ps valid for the call).
 *  fn returning BS_END stops the scan early (not an error). */
bs_status bs_tix_scan(bs_txn *txn, const char *tok, size_t len, bool prefix,
                      bs_status (*fn)(void *ctx, const char *tok, size_t toklen,
                                      const bs_posting *ps, size_t n),
                      void *ctx);

/// Number of documents holding tok (O(1)).
bs_status bs_tix_df(bs_txn *txn, const char *tok, size_t len, uint64_t *out);

/// A document's record; BS_NOT_FOUND when not indexed.
bs_status bs_tix_doc_get(bs_txn *txn, bs_id doc, bs_tix_doc *out);
bs_status bs_tix_doc_put(bs_txn *txn, bs_id doc, const bs_tix_doc *d);
/** The greatest document of kind kind that has a record, 0 when none: a
 *  literal of that kind with a greater id has no record. */
bs_status bs_tix_doc_last(bs_txn *txn, bs_term_kind kind, bs_id *out);
bs_status bs_tix_doc_del(bs_txn *txn, bs_id doc);

/** An appending writer for documents new to the index (no record, no
 *  posting yet), e.g. those of a bulk load: one cursor per database,
 *  MDB_APPEND / MDB_APPENDDUP where the key is past the end, counters
 *  written once by bs_tix_writer_finish.  Other writes (bs_tix_put, del,
 *  doc_put...) may be interleaved in the same txn. */
typedef struct bs_tix_writer bs_tix_writer;

/// A writer in the write txn txn; *out owned by the caller (finish or free).
bs_status bs_tix_writer_new(bs_txn *txn, bs_tix_writer **out);

/** Add ps[0..n) (strictly ascending by doc) under token tok[0..len):
 *  documents that hold no posting of tok yet. */
bs_status bs_tix_writer_postings(bs_tix_writer *w, const char *tok, size_t len,
                                 const bs_posting *ps, size_t n);

/// The record of a document that has none yet (ascending docs append).
bs_status bs_tix_writer_doc(bs_tix_writer *w, bs_id doc, const bs_tix_doc *d);

/// Write the totals (terms, tokens) and free w.
bs_status bs_tix_writer_finish(bs_tix_writer *w);

/// Free w without writing its totals (the txn is to be aborted); NULL ok.
void bs_tix_writer_free(bs_tix_writer *w);

/** Corpus totals kept with the index (BM25's N and average length:
 *  tokens / docs).  bs_tix_doc_put/del maintain docs and tokens. */
typedef struct {
    uint64_t docs, tokens, postings;
    uint64_t pages;   ///< LMDB pages the text index uses
    uint64_t terms;   ///< distinct tokens
    uint64_t bytes;   ///< pages × page size
} bs_tix_stats;
bs_status bs_tix_stat(bs_txn *txn, bs_tix_stats *out);

/// Drop the whole text index (write txn), e.g. before a rebuild.
bs_status bs_tix_clear(bs_txn *txn);

#endif
