/* SPDX-License-Identifier: MIT
 * battstore — internals shared by the files of src/redland only. */
#ifndef BS_REDLAND_INT_H
#define BS_REDLAND_INT_H

#include <stdbool.h>
#include "redland/redland.h"

/* ---- process-wide table of open stores (attach.c) ------------------ */

/** Take a reference on the store known as `name`: an attached store, one
 *  a storage of this process already opened, or else open it now with
 *  bs_store_open(name, flags).  *key (caller frees with free()) is the
 *  table key to give back to bs_rl_table_release(). */
bs_status bs_rl_table_acquire(const char *name, unsigned flags, char **key,
                              bs_store **store);

/// Drop a reference; the last one closes a store the table opened.
void bs_rl_table_release(const char *key);

/// Attach `store` under an exact key (no canonicalisation).
bs_status bs_rl_table_attach_key(const char *key, bs_store *store);
/// Forget an attachment; busy entries are kept until their last release.
void bs_rl_table_unpin_key(const char *key);

/* ---- one librdf storage instance ----------------------------------- */

/// A pending write of an explicit transaction (kept for replay).
typedef enum { BS_RL_ADD, BS_RL_REMOVE, BS_RL_CLEAR } bs_rl_op_kind;
typedef struct {
    bs_rl_op_kind kind;
    librdf_statement *st; ///< NULL for CLEAR
    librdf_node *ctx;     ///< NULL = default graph
} bs_rl_op;

typedef struct {
    librdf_world *world;
    char *key;          ///< attach-table key (owned)
    bs_store *store;    ///< reference held through the table
    bool in_txn;        ///< between transaction_start and commit/rollback
    bs_txn *wtxn;       ///< its write txn; NULL once the map filled
    bs_txn *rtxn;       ///< pinned read snapshot (bs_redland_snapshot)
    bs_rl_op *log;      ///< its writes, replayed when the map filled
    size_t nlog, caplog;
} bs_rl_storage;

/* ---- node <-> term (stream.c) ------------------------------------- */

/** View of a node as a term, borrowing the node's strings.
 *  BS_ERR_ARG for a node that cannot be a term. */
bs_status bs_rl_node_term(librdf_node *node, bs_term *out);

/// A new node for a term (caller frees), NULL on failure.
librdf_node *bs_rl_term_node(librdf_world *world, const bs_term *t);

/** Id of a node: interned when `intern` (write txn), else looked up
 *  (BS_NOT_FOUND when unknown).  NULL node -> `none`. */
bs_status bs_rl_node_id(bs_txn *txn, librdf_node *node, bool intern,
                        bs_id none, bs_id *out);

/** Quad of a (partial) statement and context: NULL parts are BS_ANY,
 *  the NULL context is `gnone`.  BS_NOT_FOUND when a term is unknown. */
bs_status bs_rl_pattern(bs_txn *txn, librdf_statement *st, librdf_node *ctx,
                        bs_id gnone, bs_quad *out);

/// A new node for a term id (caller frees); NULL on failure.
librdf_node *bs_rl_id_node(librdf_world *world, bs_txn *txn, bs_id id);

/// Log a store error through librdf.
void bs_rl_log(librdf_world *world, bs_status st, const char *what);

/* ---- streams and iterators (stream.c) ------------------------------ */

/** Stream of the statements matching a partial statement (NULL = all)
 *  in context ctx (NULL context = graph `gnone`: BS_ANY for the union,
 *  BS_DEFAULT_GRAPH for the default graph).  Outside an explicit
 *  transaction it reads the pinned snapshot, or else holds its own, and
 *  converts lazily;
 *  inside, the matches are converted at once through the write
 *  transaction, so later writes cannot invalidate it.  NULL on error. */
librdf_stream *bs_rl_find(librdf_storage *storage, librdf_statement *st,
                          librdf_node *ctx, bs_id gnone);

/// Iterator over the IRI nodes of the named graphs; NULL on error.
librdf_iterator *bs_rl_contexts(librdf_storage *storage);

/** Run fn with a transaction that can read: the explicit write txn when
 *  there is one, else the pinned snapshot, else a fresh read txn. */
bs_status bs_rl_read(bs_rl_storage *s,
                     bs_status (*fn)(bs_txn *txn, void *ctx), void *ctx);

#endif
