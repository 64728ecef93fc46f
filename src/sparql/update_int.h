/* SPDX-License-Identifier: MIT
 * battstore — SPARQL Update internals shared by update.c (the request,
 * its transaction, errors, terms), update_graph.c (graph management and
 * LOAD) and update_data.c (INSERT/DELETE DATA, DELETE WHERE, MODIFY). */
#ifndef BS_SP_UPDATE_INT_H
#define BS_SP_UPDATE_INT_H

#include "sparql/sparql_int.h"

/** One run of an update request's transaction.  bs_store_write() runs it
 *  again from scratch when the map fills, so everything below except the
 *  request and its options is reset at the start of a run. */
typedef struct {
    const bs_sparql *req;
    const bs_sparql_opts *opts;  ///< never NULL (zeroed defaults)
    const char *load_dir;
    bs_txn *txn;
    bs_sparql_update_stats stats;
    size_t opno;                 ///< 1-based number of the running operation
    const char *opname;          ///< its name for messages
    char *msg;                   ///< the failure's message (malloc'ed) or NULL
    bool semantic;               ///< the failure is the operation's (SILENT hides it)
    uint64_t bnonce;             ///< makes this run's blank node labels unique
    uint64_t bnext;              ///< number of the next fresh blank node
    bs_id ok_graph;              ///< last graph found writable (BS_ANY: none)
} bs_sp_upd;

/* ---- update.c ----------------------------------------------------------- */

/** Record the running operation's failure ("operation N (NAME): msg"),
 *  mark it semantic (a SILENT operation ignores it) and return
 *  BS_ERR_ARG.  The first message wins. */
bs_status bs_sp_upd_fail(bs_sp_upd *u, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** The term of constant cid of the request (a view of the request's
 *  strings; an xsd:string literal is made a simple literal). */
bs_term bs_sp_upd_const(const bs_sp_upd *u, int cid);

/// The text of IRI constant cid (borrowed from the request).
const char *bs_sp_upd_iri(const bs_sp_upd *u, int cid);

/** Id of IRI constant cid as a graph: BS_NOT_FOUND when the store has
 *  no such term. */
bs_status bs_sp_upd_lookup(bs_sp_upd *u, int cid, bs_id *out);

/** Whether graph g exists for this request: registered or holding
 *  quads, and visible.  The default graph always exists. */
bs_status bs_sp_upd_exists(bs_sp_upd *u, bs_id g, bool *out);

/** BS_OK when the request may write graph g (absent or visible), else a
 *  failure naming graph_name. */
bs_status bs_sp_upd_writable(bs_sp_upd *u, bs_id g);

/** A fresh blank node interned into the store: a label no term of the
 *  store has. */
bs_status bs_sp_upd_bnode(bs_sp_upd *u, bs_id *out);

/* ---- update_graph.c ------------------------------------------------------ */
/// CLEAR (drop false) / DROP (drop true).
bs_status bs_sp_upd_clear(bs_sp_upd *u, const bs_sp_update_op *op, bool drop);
bs_status bs_sp_upd_create(bs_sp_upd *u, const bs_sp_update_op *op);
/// COPY / MOVE / ADD (op->kind tells which).
bs_status bs_sp_upd_transfer(bs_sp_upd *u, const bs_sp_update_op *op);
bs_status bs_sp_upd_load(bs_sp_upd *u, const bs_sp_update_op *op);

/* ---- update_data.c ------------------------------------------------------- */
bs_status bs_sp_upd_insert_data(bs_sp_upd *u, const bs_sp_update_op *op);
bs_status bs_sp_upd_delete_data(bs_sp_upd *u, const bs_sp_update_op *op);
/// MODIFY and DELETE WHERE.
bs_status bs_sp_upd_modify(bs_sp_upd *u, const bs_sp_update_op *op);

#endif
