/* SPDX-License-Identifier: MIT
 * battstore — the librdf storage factory "lmdb": lifecycle, reads,
 * writes and transactions.  Node conversion and streams are in
 * stream.c, the table of open stores in attach.c. */
#include "config.h"
#include "redland/redland_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bs_rl_storage *inst_of(librdf_storage *storage)
{
    return librdf_storage_get_instance(storage);
}

/* ---- lifecycle ----------------------------------------------------- */

static unsigned open_flags(librdf_hash *options)
{
    unsigned flags = 0;
    if (options && librdf_hash_get_as_boolean(options, "new") > 0)
        flags |= BS_STORE_CREATE;
    if (options && librdf_hash_get_as_boolean(options, "write") == 0)
        flags |= BS_STORE_RDONLY;
    return flags;
}

/// Instance over the table entry `name`; BS_OK or a status to log.
static bs_status make_instance(librdf_storage *storage, const char *name,
                               unsigned flags)
{
    bs_rl_storage *s = calloc(1, sizeof *s);
    bs_status st;
    if (!s) return BS_ERR_NOMEM;
    s->world = librdf_storage_get_world(storage);
    TRY(st, bs_rl_table_acquire(name, flags, &s->key, &s->store));
    librdf_storage_set_instance(storage, s);
    return BS_OK;
fail:
    free(s);
    return st;
}

/* librdf hands the options over to the storage: free them here. */
static int lmdb_init(librdf_storage *storage, const char *name,
                     librdf_hash *options)
{
    unsigned flags = open_flags(options);
    if (options) librdf_free_hash(options);
    librdf_storage_set_instance(storage, NULL);
    if (!name) {
        librdf_log(librdf_storage_get_world(storage), 0, LIBRDF_LOG_ERROR,
                   LIBRDF_FROM_STORAGE, NULL,
                   "lmdb storage: the storage name must be a directory");
        return 1;
    }
    bs_status st = make_instance(storage, name, flags);
    if (st != BS_OK) {
        librdf_log(librdf_storage_get_world(storage), 0, LIBRDF_LOG_ERROR,
                   LIBRDF_FROM_STORAGE, NULL, "lmdb storage: opening %s: %s",
                   name, bs_strerror(st));
        return 1;
    }
    return 0;
}

/* A clone shares the store: LMDB gives each reader its own snapshot. */
static int lmdb_clone(librdf_storage *new_storage, librdf_storage *old)
{
    bs_status st = make_instance(new_storage, inst_of(old)->key, 0);
    if (st != BS_OK) bs_rl_log(inst_of(old)->world, st, "cloning");
    return st != BS_OK;
}

static void free_log(bs_rl_storage *s)
{
    for (size_t i = 0; i < s->nlog; i++) {
        if (s->log[i].st) librdf_free_statement(s->log[i].st);
        if (s->log[i].ctx) librdf_free_node(s->log[i].ctx);
    }
    free(s->log);
    s->log = NULL;
    s->nlog = s->caplog = 0;
}

static void end_txn(bs_rl_storage *s)
{
    bs_txn_abort(s->wtxn);
    s->wtxn = NULL;
    s->in_txn = false;
    free_log(s);
}

static void lmdb_terminate(librdf_storage *storage)
{
    bs_rl_storage *s = inst_of(storage);
    if (!s) return;
    end_txn(s); // an unfinished transaction is rolled back
    bs_txn_abort(s->rtxn);
    bs_rl_table_release(s->key);
    free(s->key);
    free(s);
}

static int lmdb_open(librdf_storage *storage, librdf_model *model)
{
    return 0;
}

static int lmdb_close(librdf_storage *storage)
{
    return 0;
}

static int lmdb_sync(librdf_storage *storage)
{
    return 0; // every committed LMDB transaction is durable
}

/* ---- reads --------------------------------------------------------- */

static bs_status count_all(bs_txn *txn, void *ctx)
{
    bs_quad all = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    return bs_quad_count(txn, &all, ctx);
}

/* Quads of all graphs: a triple in n graphs counts n times, as in
 * Redland's hashes storage with contexts. */
static int lmdb_size(librdf_storage *storage)
{
    uint64_t n = 0;
    bs_status st = bs_rl_read(inst_of(storage), count_all, &n);
    if (st != BS_OK) {
        bs_rl_log(inst_of(storage)->world, st, "counting");
        return -1;
    }
    return n > INT_MAX ? INT_MAX : (int)n;
}

typedef struct {
    librdf_statement *st; ///< NULL parts match anything
    librdf_node *ctx;
    bs_id gnone;          ///< graph for a NULL context
} exists_ctx;

static bs_status exists_fn(bs_txn *txn, void *vctx)
{
    exists_ctx *e = vctx;
    bs_quad pat, q;
    bs_iter *it = NULL;
    bs_status st;
    TRY(st, bs_rl_pattern(txn, e->st, e->ctx, e->gnone, &pat));
    TRY(st, bs_iter_new(txn, &pat, &it));
    st = bs_iter_next(it, &q);
    if (st == BS_END) st = BS_NOT_FOUND;
fail:
    bs_iter_free(it);
    return st;
}

/// 1 when a quad matches, 0 when none does or on error (logged).
static int exists(librdf_storage *storage, exists_ctx *e)
{
    bs_status st = bs_rl_read(inst_of(storage), exists_fn, e);
    if (st != BS_OK && st != BS_NOT_FOUND)
        bs_rl_log(inst_of(storage)->world, st, "matching");
    return st == BS_OK;
}

static int lmdb_contains(librdf_storage *storage, librdf_statement *statement)
{
    exists_ctx e = {statement, NULL, BS_ANY};
    return exists(storage, &e);
}

/// Is there a (?, property, node) triple?
static int lmdb_has_arc_in(librdf_storage *storage, librdf_node *node,
                           librdf_node *property)
{
    librdf_statement *pat = librdf_new_statement(inst_of(storage)->world);
    if (!pat) return 0;
    librdf_statement_set_predicate(pat, librdf_new_node_from_node(property));
    librdf_statement_set_object(pat, librdf_new_node_from_node(node));
    exists_ctx e = {pat, NULL, BS_ANY};
    int found = exists(storage, &e);
    librdf_free_statement(pat);
    return found;
}

/// Is there a (node, property, ?) triple?
static int lmdb_has_arc_out(librdf_storage *storage, librdf_node *node,
                            librdf_node *property)
{
    librdf_statement *pat = librdf_new_statement(inst_of(storage)->world);
    if (!pat) return 0;
    librdf_statement_set_subject(pat, librdf_new_node_from_node(node));
    librdf_statement_set_predicate(pat, librdf_new_node_from_node(property));
    exists_ctx e = {pat, NULL, BS_ANY};
    int found = exists(storage, &e);
    librdf_free_statement(pat);
    return found;
}

static librdf_stream *lmdb_serialise(librdf_storage *storage)
{
    return bs_rl_find(storage, NULL, NULL, BS_ANY);
}

static librdf_stream *lmdb_find(librdf_storage *storage,
                                librdf_statement *statement)
{
    return bs_rl_find(storage, statement, NULL, BS_ANY);
}

/* As librdf documents: a NULL context searches every graph. */
static librdf_stream *lmdb_find_in_context(librdf_storage *storage,
                                           librdf_statement *statement,
                                           librdf_node *context)
{
    return bs_rl_find(storage, statement, context, BS_ANY);
}

/* The statements of one graph; a NULL context is the default graph. */
static librdf_stream *lmdb_context_serialise(librdf_storage *storage,
                                             librdf_node *context)
{
    return bs_rl_find(storage, NULL, context, BS_DEFAULT_GRAPH);
}

static librdf_iterator *lmdb_get_contexts(librdf_storage *storage)
{
    return bs_rl_contexts(storage);
}

static librdf_node *lmdb_get_feature(librdf_storage *storage,
                                     librdf_uri *feature)
{
    const char *f = feature ? (const char *)librdf_uri_as_string(feature) : NULL;
    if (!f || strcmp(f, LIBRDF_MODEL_FEATURE_CONTEXTS) != 0) return NULL;
    return librdf_new_node_from_typed_literal(inst_of(storage)->world,
                                              (const unsigned char *)"1",
                                              NULL, NULL);
}

/* ---- writes -------------------------------------------------------- */

/// Subject IRI/blank, predicate IRI, an object, context IRI/blank.
static bool valid_quad(librdf_statement *st, librdf_node *ctx)
{
    librdf_node *s = librdf_statement_get_subject(st);
    librdf_node *p = librdf_statement_get_predicate(st);
    return s && p && librdf_statement_get_object(st) &&
           !librdf_node_is_literal(s) && librdf_node_is_resource(p) &&
           (!ctx || !librdf_node_is_literal(ctx));
}

static bs_status apply_add(bs_txn *txn, const bs_rl_op *op)
{
    librdf_statement *st = op->st;
    bs_quad q;
    bs_status rc;
    TRY(rc, bs_rl_node_id(txn, librdf_statement_get_subject(st), true, 0, &q.s));
    TRY(rc, bs_rl_node_id(txn, librdf_statement_get_predicate(st), true, 0,
                          &q.p));
    TRY(rc, bs_rl_node_id(txn, librdf_statement_get_object(st), true, 0, &q.o));
    TRY(rc, bs_rl_node_id(txn, op->ctx, true, BS_DEFAULT_GRAPH, &q.g));
    rc = bs_quad_add(txn, &q, NULL);
fail:
    return rc;
}

static bs_status apply_op(bs_txn *txn, const bs_rl_op *op)
{
    bs_quad q;
    bs_status st;
    bs_id g;
    switch (op->kind) {
    case BS_RL_ADD:
        return apply_add(txn, op);
    case BS_RL_REMOVE:
        st = bs_rl_pattern(txn, op->st, op->ctx, BS_DEFAULT_GRAPH, &q);
        if (st == BS_OK) st = bs_quad_remove(txn, &q, NULL);
        return st == BS_NOT_FOUND ? BS_OK : st; // absent: nothing to do
    case BS_RL_CLEAR:
        st = bs_rl_node_id(txn, op->ctx, false, BS_DEFAULT_GRAPH, &g);
        // a named graph is forgotten too: Redland contexts exist by use
        if (st == BS_OK) st = bs_graph_clear(txn, g, g != BS_DEFAULT_GRAPH, NULL);
        return st == BS_NOT_FOUND ? BS_OK : st;
    }
    return BS_ERR_INTERNAL;
}

typedef struct {
    const bs_rl_op *ops;
    size_t n;
} op_batch;

/* Repeatable (bs_store_write may run it again after growing the map). */
static bs_status apply_batch(bs_txn *txn, void *ctx)
{
    const op_batch *b = ctx;
    bs_status st = BS_OK;
    for (size_t i = 0; i < b->n && st == BS_OK; i++) st = apply_op(txn, &b->ops[i]);
    return st;
}

/// Keep a copy of an op of the explicit transaction for a replay.
static bs_status log_op(bs_rl_storage *s, const bs_rl_op *op)
{
    if (s->nlog == s->caplog) {
        size_t cap = s->caplog ? 2 * s->caplog : 64;
        bs_rl_op *a = realloc(s->log, cap * sizeof *a);
        if (!a) return BS_ERR_NOMEM;
        s->log = a;
        s->caplog = cap;
    }
    bs_rl_op *c = &s->log[s->nlog];
    c->kind = op->kind;
    c->st = op->st ? librdf_new_statement_from_statement(op->st) : NULL;
    c->ctx = op->ctx ? librdf_new_node_from_node(op->ctx) : NULL;
    if ((op->st && !c->st) || (op->ctx && !c->ctx)) {
        if (c->st) librdf_free_statement(c->st);
        return BS_ERR_NOMEM;
    }
    s->nlog++;
    return BS_OK;
}

/* Inside an explicit transaction: write through its txn and log the op.
 * When the map fills, the txn is dropped and from then on the ops are
 * only logged; commit replays the whole log with bs_store_write(). */
static bs_status txn_write(bs_rl_storage *s, const bs_rl_op *ops, size_t n)
{
    bs_status st = BS_OK;
    for (size_t i = 0; i < n; i++) {
        TRY(st, log_op(s, &ops[i]));
        if (!s->wtxn) continue;
        st = apply_op(s->wtxn, &ops[i]);
        if (st == BS_ERR_FULL) {
            bs_txn_abort(s->wtxn);
            s->wtxn = NULL;
            st = BS_OK;
        }
        if (st != BS_OK) goto fail;
    }
fail:
    return st;
}

/// Run ops as one write: the explicit transaction's or a new one.
static int write_ops(librdf_storage *storage, const bs_rl_op *ops, size_t n)
{
    bs_rl_storage *s = inst_of(storage);
    bs_status st;
    for (size_t i = 0; i < n; i++) {
        if (ops[i].st && !valid_quad(ops[i].st, ops[i].ctx)) {
            librdf_log(s->world, 0, LIBRDF_LOG_ERROR, LIBRDF_FROM_STORAGE, NULL,
                       "lmdb storage: not a valid RDF statement");
            return 1;
        }
    }
    if (s->in_txn) {
        st = txn_write(s, ops, n);
    } else {
        op_batch b = {ops, n};
        st = bs_store_write(s->store, apply_batch, &b);
    }
    if (st != BS_OK) bs_rl_log(s->world, st, "writing");
    return st != BS_OK;
}

static int lmdb_context_add(librdf_storage *storage, librdf_node *context,
                            librdf_statement *statement)
{
    bs_rl_op op = {BS_RL_ADD, statement, context};
    return write_ops(storage, &op, 1);
}

static int lmdb_add(librdf_storage *storage, librdf_statement *statement)
{
    return lmdb_context_add(storage, NULL, statement);
}

static int lmdb_context_remove(librdf_storage *storage, librdf_node *context,
                               librdf_statement *statement)
{
    bs_rl_op op = {BS_RL_REMOVE, statement, context};
    return write_ops(storage, &op, 1);
}

static int lmdb_remove(librdf_storage *storage, librdf_statement *statement)
{
    return lmdb_context_remove(storage, NULL, statement);
}

static int lmdb_context_remove_all(librdf_storage *storage,
                                   librdf_node *context)
{
    bs_rl_op op = {BS_RL_CLEAR, NULL, context};
    return write_ops(storage, &op, 1);
}

/* A whole stream is one write: its statements are copied first (librdf
 * statements share their nodes, so a copy is cheap) because
 * bs_store_write() may have to run the write again. */
static int lmdb_context_add_all(librdf_storage *storage, librdf_node *context,
                                librdf_stream *stream)
{
    bs_rl_op *ops = NULL;
    size_t n = 0, cap = 0;
    int rc = 1;
    for (; !librdf_stream_end(stream); librdf_stream_next(stream)) {
        librdf_statement *st = librdf_stream_get_object(stream);
        if (!st) goto done;
        if (n == cap) {
            bs_rl_op *a = realloc(ops, (cap = cap ? 2 * cap : 256) * sizeof *a);
            if (!a) goto done;
            ops = a;
        }
        ops[n].kind = BS_RL_ADD;
        ops[n].ctx = context;
        if (!(ops[n].st = librdf_new_statement_from_statement(st))) goto done;
        n++;
    }
    rc = write_ops(storage, ops, n);
done:
    for (size_t i = 0; i < n; i++) librdf_free_statement(ops[i].st);
    free(ops);
    return rc;
}

static int lmdb_add_all(librdf_storage *storage, librdf_stream *stream)
{
    return lmdb_context_add_all(storage, NULL, stream);
}

/* ---- transactions -------------------------------------------------- */

static int lmdb_txn_start(librdf_storage *storage)
{
    bs_rl_storage *s = inst_of(storage);
    if (s->in_txn) return 1; // no nesting
    bs_status st = bs_txn_begin(s->store, true, &s->wtxn);
    if (st != BS_OK) {
        bs_rl_log(s->world, st, "starting a transaction");
        return 1;
    }
    s->in_txn = true;
    return 0;
}

static int lmdb_txn_commit(librdf_storage *storage)
{
    bs_rl_storage *s = inst_of(storage);
    bs_status st = BS_ERR_ARG;
    if (!s->in_txn) goto fail;
    st = BS_ERR_FULL;
    if (s->wtxn) {
        st = bs_txn_commit(s->wtxn); // frees the txn, even on failure
        s->wtxn = NULL;
    }
    if (st == BS_ERR_FULL) { // the map filled: replay it all, growing it
        op_batch b = {s->log, s->nlog};
        st = bs_store_write(s->store, apply_batch, &b);
    }
fail:
    end_txn(s);
    if (st != BS_OK) bs_rl_log(s->world, st, "committing");
    return st != BS_OK;
}

static int lmdb_txn_rollback(librdf_storage *storage)
{
    bs_rl_storage *s = inst_of(storage);
    if (!s->in_txn) return 1;
    end_txn(s);
    return 0;
}

/* ---- pinned snapshot ---------------------------------------------- */

bs_status bs_redland_snapshot_begin(librdf_storage *storage)
{
    bs_rl_storage *s = storage ? inst_of(storage) : NULL;
    if (!s) return BS_ERR_ARG;
    if (s->rtxn) return BS_ERR_BUSY;
    return bs_txn_begin(s->store, false, &s->rtxn);
}

void bs_redland_snapshot_end(librdf_storage *storage)
{
    bs_rl_storage *s = storage ? inst_of(storage) : NULL;
    if (!s) return;
    bs_txn_abort(s->rtxn);
    s->rtxn = NULL;
}

/* ---- registration -------------------------------------------------- */

/* Optional methods left NULL (find_sources/arcs/targets, get_arcs_in/out)
 * fall back in librdf to find_statements, which is what they would do. */
static void fill_factory(librdf_storage_factory *f)
{
    f->version = LIBRDF_STORAGE_INTERFACE_VERSION;
    f->init = lmdb_init;
    f->clone = lmdb_clone;
    f->terminate = lmdb_terminate;
    f->open = lmdb_open;
    f->close = lmdb_close;
    f->size = lmdb_size;
    f->add_statement = lmdb_add;
    f->add_statements = lmdb_add_all;
    f->remove_statement = lmdb_remove;
    f->contains_statement = lmdb_contains;
    f->has_arc_in = lmdb_has_arc_in;
    f->has_arc_out = lmdb_has_arc_out;
    f->serialise = lmdb_serialise;
    f->find_statements = lmdb_find;
    f->find_statements_in_context = lmdb_find_in_context;
    f->context_add_statement = lmdb_context_add;
    f->context_add_statements = lmdb_context_add_all;
    f->context_remove_statement = lmdb_context_remove;
    f->context_remove_statements = lmdb_context_remove_all;
    f->context_serialise = lmdb_context_serialise;
    f->get_contexts = lmdb_get_contexts;
    f->get_feature = lmdb_get_feature;
    f->sync = lmdb_sync;
    f->transaction_start = lmdb_txn_start;
    f->transaction_commit = lmdb_txn_commit;
    f->transaction_rollback = lmdb_txn_rollback;
}

bs_status bs_redland_register(librdf_world *world)
{
    const char *name;
    if (!world) return BS_ERR_ARG;
    librdf_world_open(world);
    for (unsigned i = 0; !librdf_storage_enumerate(world, i, &name, NULL); i++)
        if (strcmp(name, BS_REDLAND_STORAGE) == 0) return BS_OK;
    return librdf_storage_register_factory(world, BS_REDLAND_STORAGE,
                                           BS_REDLAND_LABEL, fill_factory)
               ? BS_ERR_INTERNAL
               : BS_OK;
}

/* A private factory (never registered, never freed by librdf) for
 * storages over a store the caller opened. */
static librdf_storage_factory private_factory;
static pthread_once_t private_once = PTHREAD_ONCE_INIT;

static void init_private_factory(void)
{
    private_factory.name = (char *)BS_REDLAND_STORAGE;
    private_factory.label = (char *)BS_REDLAND_LABEL;
    fill_factory(&private_factory);
}

bs_status bs_redland_storage_new(librdf_world *world, bs_store *store,
                                 librdf_storage **out)
{
    char key[64];
    bs_status st;
    if (!world || !store || !out) return BS_ERR_ARG;
    pthread_once(&private_once, init_private_factory);
    // a key no directory can clash with: the handle's address
    snprintf(key, sizeof key, "\001battstore-store:%p", (void *)store);
    TRY(st, bs_rl_table_attach_key(key, store));
    *out = librdf_new_storage_from_factory(world, &private_factory, key, NULL);
    bs_rl_table_unpin_key(key); // the storage holds the entry from now on
    if (!*out) st = BS_ERR_IO;
fail:
    return st;
}
