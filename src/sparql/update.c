/* SPDX-License-Identifier: MIT
 * battstore — SPARQL Update: the request in one write transaction.
 *
 * bs_sparql_update() runs every operation of the request, in order, in
 * one bs_store_write() transaction: each operation sees what the earlier
 * ones did, and a failure aborts the transaction, so the store is left
 * exactly as it was.  When the map fills the transaction runs again from
 * scratch (all state of a run lives in bs_sp_upd and is reset first).
 *
 * A failure that belongs to the operation (a graph that does not exist,
 * a file that cannot be loaded) is "semantic": a SILENT operation ignores
 * it and the request goes on.  Failures of the machinery (a full map,
 * memory, a timeout) end the request whatever SILENT says.
 *
 * Blank nodes the request creates (INSERT DATA, INSERT templates) get
 * labels "u<nonce>b<n>": nonce is the store's term count when the run
 * began, and each label is checked to be new before it is used. */
#include "config.h"
#include "sparql/update_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ----------------------------------------------------------- */

bs_status bs_sp_upd_fail(bs_sp_upd *u, const char *fmt, ...)
{
    if (u->msg) return BS_ERR_ARG;
    char *what = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&what, fmt, ap);
    va_end(ap);
    if (n < 0) what = NULL;
    if (asprintf(&u->msg, "operation %zu (%s): %s", u->opno,
                 u->opname ? u->opname : "?", what ? what : "failed") < 0)
        u->msg = NULL;
    free(what);
    u->semantic = true;
    return BS_ERR_ARG;
}

/* ---- terms and graphs -------------------------------------------------- */

bs_term bs_sp_upd_const(const bs_sp_upd *u, int cid)
{
    const bs_sp_const *c = &u->req->consts[cid];
    switch (c->kind) {
    case BS_TERM_IRI: return bs_term_iri(c->lex, c->lex_len);
    case BS_TERM_BNODE: return bs_term_bnode(c->lex, c->lex_len);
    case BS_TERM_LANG:
        return bs_term_literal(c->lex, c->lex_len, c->extra, c->extra_len, NULL, 0);
    case BS_TERM_TYPED:
        return bs_term_literal(c->lex, c->lex_len, NULL, 0, c->extra, c->extra_len);
    default:
        return bs_term_literal(c->lex, c->lex_len, NULL, 0, NULL, 0);
    }
}

const char *bs_sp_upd_iri(const bs_sp_upd *u, int cid)
{
    return cid >= 0 && (size_t)cid < u->req->nconsts ? u->req->consts[cid].lex : "?";
}

bs_status bs_sp_upd_lookup(bs_sp_upd *u, int cid, bs_id *out)
{
    bs_term t = bs_sp_upd_const(u, cid);
    *out = 0;
    return bs_dict_lookup(u->txn, &t, out);
}

static bool visible(bs_sp_upd *u, bs_id g, bs_access level)
{
    return !u->opts->visible || u->opts->visible(u->opts->visible_ctx, g, level);
}

bs_status bs_sp_upd_exists(bs_sp_upd *u, bs_id g, bool *out)
{
    bs_graph_info info;
    bs_status st = bs_graph_get(u->txn, g, &info);
    *out = false;
    if (st == BS_NOT_FOUND) return g == BS_DEFAULT_GRAPH ? (*out = true, BS_OK) : BS_OK;
    if (st != BS_OK) return st;
    *out = visible(u, g, info.access);
    return BS_OK;
}

/* The name of a graph id for a message (an IRI in the store). */
static void graph_name(bs_sp_upd *u, bs_id g, char *buf, size_t cap)
{
    bs_term t;
    if (g == BS_DEFAULT_GRAPH) snprintf(buf, cap, "the default graph");
    else if (bs_dict_get(u->txn, g, &t) == BS_OK)
        snprintf(buf, cap, "graph <%.*s>", (int)(t.lex_len < 200 ? t.lex_len : 200), t.lex);
    else snprintf(buf, cap, "graph #%llu", (unsigned long long)g);
}

bs_status bs_sp_upd_writable(bs_sp_upd *u, bs_id g)
{
    if (!u->opts->visible || g == u->ok_graph) return BS_OK;
    bs_graph_info info;
    bs_status st = bs_graph_get(u->txn, g, &info);
    if (st == BS_NOT_FOUND) {
        info.access = BS_ACCESS_PUBLIC;
    } else if (st != BS_OK) {
        return st;
    }
    if (!visible(u, g, info.access)) {
        char name[256];
        graph_name(u, g, name, sizeof name);
        return bs_sp_upd_fail(u, "%s may not be written", name);
    }
    u->ok_graph = g;
    return BS_OK;
}

bs_status bs_sp_upd_bnode(bs_sp_upd *u, bs_id *out)
{
    char label[64];
    for (;;) {
        int n = snprintf(label, sizeof label, "u%llxb%llu",
                         (unsigned long long)u->bnonce, (unsigned long long)u->bnext++);
        bs_term t = bs_term_bnode(label, (size_t)n);
        bs_status st = bs_dict_lookup(u->txn, &t, out);
        if (st == BS_NOT_FOUND) return bs_dict_intern(u->txn, &t, out);
        if (st != BS_OK) return st;
    }
}

/* ---- the operations ----------------------------------------------------- */

static const char *op_name(const bs_sp_update_op *op)
{
    switch (op->kind) {
    case BS_UP_INSERT_DATA: return "INSERT DATA";
    case BS_UP_DELETE_DATA: return "DELETE DATA";
    case BS_UP_DELETE_WHERE: return "DELETE WHERE";
    case BS_UP_MODIFY:
        return !op->nins ? "DELETE" : !op->ndel ? "INSERT" : "DELETE/INSERT";
    case BS_UP_LOAD: return "LOAD";
    case BS_UP_CLEAR: return "CLEAR";
    case BS_UP_CREATE: return "CREATE";
    case BS_UP_DROP: return "DROP";
    case BS_UP_COPY: return "COPY";
    case BS_UP_MOVE: return "MOVE";
    case BS_UP_ADD: return "ADD";
    }
    return "?";
}

static bs_status dispatch(bs_sp_upd *u, const bs_sp_update_op *op)
{
    switch (op->kind) {
    case BS_UP_INSERT_DATA: return bs_sp_upd_insert_data(u, op);
    case BS_UP_DELETE_DATA: return bs_sp_upd_delete_data(u, op);
    case BS_UP_DELETE_WHERE:
    case BS_UP_MODIFY: return bs_sp_upd_modify(u, op);
    case BS_UP_LOAD: return bs_sp_upd_load(u, op);
    case BS_UP_CLEAR: return bs_sp_upd_clear(u, op, false);
    case BS_UP_DROP: return bs_sp_upd_clear(u, op, true);
    case BS_UP_CREATE: return bs_sp_upd_create(u, op);
    case BS_UP_COPY:
    case BS_UP_MOVE:
    case BS_UP_ADD: return bs_sp_upd_transfer(u, op);
    }
    return bs_sp_upd_fail(u, "unknown operation");
}

/* Run one operation; a SILENT one's own failure is forgotten. */
static bs_status run_op(bs_sp_upd *u, const bs_sp_update_op *op)
{
    if (u->opts->cancel && *u->opts->cancel) return BS_ERR_TIMEOUT;
    u->opname = op_name(op);
    u->ok_graph = BS_ANY;
    bs_status st = dispatch(u, op);
    if (st == BS_OK) {
        u->stats.operations++;
        return BS_OK;
    }
    if (u->semantic && op->silent) {
        free(u->msg);
        u->msg = NULL;
        u->semantic = false;
        u->stats.operations++;
        return BS_OK;
    }
    if (!u->msg && st != BS_ERR_FULL) {
        bs_sp_upd_fail(u, "%s", bs_strerror(st));
        u->semantic = false;
    }
    return st;
}

static void run_reset(bs_sp_upd *u, bs_txn *txn)
{
    memset(&u->stats, 0, sizeof u->stats);
    free(u->msg);
    u->msg = NULL;
    u->semantic = false;
    u->txn = txn;
    u->opno = 0;
    u->opname = NULL;
    u->bnext = 0;
}

/* The bs_store_write() callback: the whole request, repeatable. */
static bs_status run_txn(bs_txn *txn, void *ctx)
{
    bs_sp_upd *u = ctx;
    bs_store_stats ss;
    bs_status st;
    run_reset(u, txn);
    TRY(st, bs_store_stat(txn, &ss));
    u->bnonce = ss.terms;
    for (size_t i = 0; i < u->req->nops; i++) {
        u->opno = i + 1;
        TRY(st, run_op(u, &u->req->ops[i]));
    }
fail:
    return st;
}

bs_status bs_sparql_update(bs_store *store, const bs_sparql *req,
                           const bs_sparql_opts *opts, const char *load_dir,
                           bs_sparql_update_stats *stats, char **err)
{
    static const bs_sparql_opts defaults;
    bs_sp_upd u = {.req = req, .opts = opts ? opts : &defaults, .load_dir = load_dir};
    bs_status st;
    if (err) *err = NULL;
    if (stats) memset(stats, 0, sizeof *stats);
    if (!req || req->form != BS_SPARQL_UPDATE) {
        if (err) *err = strdup("not an update request");
        return BS_ERR_ARG;
    }
    st = bs_store_write(store, run_txn, &u);
    if (st == BS_OK && stats) *stats = u.stats;
    if (st != BS_OK && err) {
        *err = u.msg ? u.msg : strdup(bs_strerror(st));
        u.msg = NULL;
    }
    free(u.msg);
    return st;
}
