/* SPDX-License-Identifier: MIT
 * battstore — node <-> term conversion, librdf streams over quad
 * iterators, and the contexts iterator of the "lmdb" storage. */
#include "config.h"
#include "redland/redland_int.h"

#include <stdlib.h>
#include <string.h>

#define RDF_XML_LITERAL "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral"

void bs_rl_log(librdf_world *world, bs_status st, const char *what)
{
    librdf_log(world, 0, LIBRDF_LOG_ERROR, LIBRDF_FROM_STORAGE, NULL,
               "lmdb storage: %s: %s", what, bs_strerror(st));
}

static bs_status literal_term(librdf_node *node, bs_term *out)
{
    size_t len = 0, dlen = 0;
    const char *lex =
        (const char *)librdf_node_get_literal_value_as_counted_string(node, &len);
    const char *lang = librdf_node_get_literal_value_language(node);
    librdf_uri *dt = librdf_node_get_literal_value_datatype_uri(node);
    const char *dts = NULL;
    if (dt) {
        dts = (const char *)librdf_uri_as_counted_string(dt, &dlen);
    } else if (librdf_node_get_literal_value_is_wf_xml(node)) {
        dts = RDF_XML_LITERAL;
        dlen = sizeof RDF_XML_LITERAL - 1;
    }
    if (!lex) lex = "";
    // bs_term_literal() folds xsd:string into a plain literal
    *out = bs_term_literal(lex, len, lang, lang ? strlen(lang) : 0, dts, dlen);
    return BS_OK;
}

bs_status bs_rl_node_term(librdf_node *node, bs_term *out)
{
    size_t len = 0;
    const char *s;
    switch (librdf_node_get_type(node)) {
    case LIBRDF_NODE_TYPE_RESOURCE:
        s = (const char *)librdf_uri_as_counted_string(librdf_node_get_uri(node),
                                                       &len);
        if (!s) return BS_ERR_ARG;
        *out = bs_term_iri(s, len);
        return BS_OK;
    case LIBRDF_NODE_TYPE_BLANK:
        s = (const char *)librdf_node_get_counted_blank_identifier(node, &len);
        if (!s) return BS_ERR_ARG;
        *out = bs_term_bnode(s, len);
        return BS_OK;
    case LIBRDF_NODE_TYPE_LITERAL:
        return literal_term(node, out);
    default:
        return BS_ERR_ARG;
    }
}

/* librdf reads the language tag up to a NUL whatever length it is
 * given, and a term view's strings are not NUL-terminated. */
static librdf_node *lang_node(librdf_world *world, const bs_term *t)
{
    char buf[64];
    char *lang = t->extra_len < sizeof buf ? buf : malloc(t->extra_len + 1);
    if (!lang) return NULL;
    memcpy(lang, t->extra, t->extra_len);
    lang[t->extra_len] = '\0';
    librdf_node *n = librdf_new_node_from_typed_counted_literal(
        world, (const unsigned char *)(t->lex_len ? t->lex : ""), t->lex_len,
        lang, t->extra_len, NULL);
    if (lang != buf) free(lang);
    return n;
}

librdf_node *bs_rl_term_node(librdf_world *world, const bs_term *t)
{
    const unsigned char *lex = (const unsigned char *)(t->lex_len ? t->lex : "");
    librdf_uri *dt;
    librdf_node *n;
    switch (t->kind) {
    case BS_TERM_IRI:
        return librdf_new_node_from_counted_uri_string(world, lex, t->lex_len);
    case BS_TERM_BNODE:
        return librdf_new_node_from_counted_blank_identifier(world, lex,
                                                             t->lex_len);
    case BS_TERM_LITERAL:
        return librdf_new_node_from_typed_counted_literal(world, lex, t->lex_len,
                                                          NULL, 0, NULL);
    case BS_TERM_LANG:
        return lang_node(world, t);
    case BS_TERM_TYPED:
        dt = librdf_new_uri2(world, (const unsigned char *)t->extra,
                             t->extra_len);
        if (!dt) return NULL;
        n = librdf_new_node_from_typed_counted_literal(world, lex, t->lex_len,
                                                       NULL, 0, dt);
        librdf_free_uri(dt); // the node keeps its own reference
        return n;
    }
    return NULL;
}

bs_status bs_rl_node_id(bs_txn *txn, librdf_node *node, bool intern,
                        bs_id none, bs_id *out)
{
    bs_term t;
    bs_status st;
    if (!node) {
        *out = none;
        return BS_OK;
    }
    TRY(st, bs_rl_node_term(node, &t));
    return intern ? bs_dict_intern(txn, &t, out) : bs_dict_lookup(txn, &t, out);
fail:
    return st;
}

bs_status bs_rl_pattern(bs_txn *txn, librdf_statement *st, librdf_node *ctx,
                        bs_id gnone, bs_quad *out)
{
    bs_status rc;
    librdf_node *s = st ? librdf_statement_get_subject(st) : NULL;
    librdf_node *p = st ? librdf_statement_get_predicate(st) : NULL;
    librdf_node *o = st ? librdf_statement_get_object(st) : NULL;
    TRY(rc, bs_rl_node_id(txn, s, false, BS_ANY, &out->s));
    TRY(rc, bs_rl_node_id(txn, p, false, BS_ANY, &out->p));
    TRY(rc, bs_rl_node_id(txn, o, false, BS_ANY, &out->o));
    TRY(rc, bs_rl_node_id(txn, ctx, false, gnone, &out->g));
fail:
    return rc;
}

librdf_node *bs_rl_id_node(librdf_world *world, bs_txn *txn, bs_id id)
{
    bs_term t;
    bs_status st = bs_dict_get(txn, id, &t);
    if (st != BS_OK) {
        bs_rl_log(world, st == BS_NOT_FOUND ? BS_ERR_CORRUPT : st,
                  "reading a term");
        return NULL;
    }
    return bs_rl_term_node(world, &t);
}

/* ---- streams ------------------------------------------------------ */

/* A stream works in one of two modes.  Lazy (the usual one): it owns a
 * read transaction and an iterator, and converts the current quad to a
 * librdf_statement only when asked.  Eager (inside an explicit
 * transaction): the statements were converted up front, because the
 * write transaction they were read from may change or end before the
 * stream is freed. */
typedef struct {
    librdf_storage *storage; ///< reference held until the stream is freed
    librdf_world *world;
    bs_txn *txn;             ///< read snapshot (lazy mode)
    bool own_txn;            ///< txn is the stream's, not a pinned one
    bs_iter *it;
    bs_quad cur;
    bool have;               ///< cur holds a match
    librdf_statement *st;    ///< cur as a statement, made on demand
    librdf_node *ctx;        ///< context node of ctx_id (NULL = default)
    bs_id ctx_id;
    librdf_node *pred;       ///< last predicate: runs of equal p are common
    bs_id pred_id;
    bool eager;
    librdf_statement **sts;  ///< eager mode: all matches and their contexts
    librdf_node **ctxs;
    size_t n, cap, pos;
} rl_stream;

static librdf_node *cached_pred(rl_stream *s, bs_txn *txn, bs_id p)
{
    if (!s->pred || s->pred_id != p) {
        librdf_node *n = bs_rl_id_node(s->world, txn, p);
        if (!n) return NULL;
        if (s->pred) librdf_free_node(s->pred);
        s->pred = n;
        s->pred_id = p;
    }
    return librdf_new_node_from_node(s->pred);
}

/// Statement of a quad (caller frees), NULL on failure.
static librdf_statement *quad_statement(rl_stream *s, bs_txn *txn,
                                        const bs_quad *q)
{
    librdf_node *sn = bs_rl_id_node(s->world, txn, q->s);
    librdf_node *pn = sn ? cached_pred(s, txn, q->p) : NULL;
    librdf_node *on = pn ? bs_rl_id_node(s->world, txn, q->o) : NULL;
    if (!on) {
        if (sn) librdf_free_node(sn);
        if (pn) librdf_free_node(pn);
        return NULL;
    }
    return librdf_new_statement_from_nodes(s->world, sn, pn, on);
}

/// Make s->ctx the node of graph g; false on failure.
static bool set_context(rl_stream *s, bs_txn *txn, bs_id g)
{
    if (s->ctx_id == g && (s->ctx || g == BS_DEFAULT_GRAPH)) return true;
    if (s->ctx) librdf_free_node(s->ctx);
    s->ctx = NULL;
    s->ctx_id = g;
    if (g == BS_DEFAULT_GRAPH) return true;
    s->ctx = bs_rl_id_node(s->world, txn, g);
    return s->ctx != NULL;
}

static int stream_end(void *ctx)
{
    rl_stream *s = ctx;
    return s->eager ? s->pos >= s->n : !s->have;
}

static void advance(rl_stream *s)
{
    bs_status st = bs_iter_next(s->it, &s->cur);
    s->have = st == BS_OK;
    if (st != BS_OK && st != BS_END) bs_rl_log(s->world, st, "iterating");
}

static int stream_next(void *ctx)
{
    rl_stream *s = ctx;
    if (s->eager) {
        if (s->pos < s->n) s->pos++;
        return s->pos >= s->n;
    }
    if (s->st) librdf_free_statement(s->st);
    s->st = NULL;
    if (s->have) advance(s);
    return !s->have;
}

static void *stream_get(void *ctx, int flags)
{
    rl_stream *s = ctx;
    bool object = flags == LIBRDF_ITERATOR_GET_METHOD_GET_OBJECT;
    if (!object && flags != LIBRDF_ITERATOR_GET_METHOD_GET_CONTEXT)
        return NULL;
    if (s->eager) {
        if (s->pos >= s->n) return NULL;
        return object ? (void *)s->sts[s->pos] : (void *)s->ctxs[s->pos];
    }
    if (!s->have) return NULL;
    if (!object) return set_context(s, s->txn, s->cur.g) ? s->ctx : NULL;
    if (!s->st) s->st = quad_statement(s, s->txn, &s->cur);
    return s->st;
}

static void stream_free(void *ctx)
{
    rl_stream *s = ctx;
    if (s->st) librdf_free_statement(s->st);
    if (s->ctx) librdf_free_node(s->ctx);
    if (s->pred) librdf_free_node(s->pred);
    for (size_t i = 0; i < s->n; i++) {
        librdf_free_statement(s->sts[i]);
        if (s->ctxs[i]) librdf_free_node(s->ctxs[i]);
    }
    free(s->sts);
    free(s->ctxs);
    bs_iter_free(s->it);
    if (s->own_txn) bs_txn_abort(s->txn);
    if (s->storage) librdf_storage_remove_reference(s->storage);
    free(s);
}

static bs_status push_eager(rl_stream *s, bs_txn *txn, const bs_quad *q)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        librdf_statement **a = realloc(s->sts, cap * sizeof *a);
        if (!a) return BS_ERR_NOMEM;
        s->sts = a;
        librdf_node **c = realloc(s->ctxs, cap * sizeof *c);
        if (!c) return BS_ERR_NOMEM;
        s->ctxs = c;
        s->cap = cap;
    }
    librdf_statement *st = quad_statement(s, txn, q);
    if (!st) return BS_ERR_NOMEM;
    if (!set_context(s, txn, q->g)) {
        librdf_free_statement(st);
        return BS_ERR_NOMEM;
    }
    s->sts[s->n] = st;
    s->ctxs[s->n++] = s->ctx ? librdf_new_node_from_node(s->ctx) : NULL;
    return BS_OK;
}

/// Eager mode: convert every match now, through the write transaction.
static bs_status fill_eager(rl_stream *s, bs_txn *wtxn, const bs_quad *pat)
{
    bs_iter *it = NULL;
    bs_quad q;
    bs_status st;
    s->eager = true;
    TRY(st, bs_iter_new(wtxn, pat, &it));
    while ((st = bs_iter_next(it, &q)) == BS_OK)
        TRY(st, push_eager(s, wtxn, &q));
    if (st == BS_END) st = BS_OK;
fail:
    bs_iter_free(it);
    return st;
}

/// Lazy mode: the pinned snapshot or an own one; look up, prefetch.
static bs_status start_lazy(rl_stream *s, bs_rl_storage *inst,
                            librdf_statement *pst, librdf_node *ctx,
                            bs_id gnone)
{
    bs_quad pat;
    bs_status st;
    if (inst->rtxn) {
        s->txn = inst->rtxn;
    } else {
        TRY(st, bs_txn_begin(inst->store, false, &s->txn));
        s->own_txn = true;
    }
    st = bs_rl_pattern(s->txn, pst, ctx, gnone, &pat);
    if (st == BS_NOT_FOUND) return BS_OK; // an unknown term: no match
    if (st != BS_OK) goto fail;
    TRY(st, bs_iter_new(s->txn, &pat, &s->it));
    advance(s);
fail:
    return st;
}

librdf_stream *bs_rl_find(librdf_storage *storage, librdf_statement *pst,
                          librdf_node *ctx, bs_id gnone)
{
    bs_rl_storage *inst = librdf_storage_get_instance(storage);
    bs_status st = BS_ERR_NOMEM;
    bs_quad pat;
    rl_stream *s = calloc(1, sizeof *s);
    if (!s) goto fail;
    s->world = inst->world;
    s->ctx_id = BS_ANY;
    if (inst->wtxn) {
        st = bs_rl_pattern(inst->wtxn, pst, ctx, gnone, &pat);
        if (st == BS_OK) st = fill_eager(s, inst->wtxn, &pat);
        else if (st == BS_NOT_FOUND) st = BS_OK;
    } else {
        st = start_lazy(s, inst, pst, ctx, gnone);
    }
    if (st != BS_OK) goto fail;
    s->storage = storage;
    librdf_storage_add_reference(storage);
    librdf_stream *stream = librdf_new_stream(inst->world, s, stream_end,
                                              stream_next, stream_get,
                                              stream_free);
    if (stream) return stream;
    st = BS_ERR_NOMEM;
fail:
    bs_rl_log(inst->world, st, "finding statements");
    if (s) stream_free(s);
    return NULL;
}

bs_status bs_rl_read(bs_rl_storage *s,
                     bs_status (*fn)(bs_txn *txn, void *ctx), void *ctx)
{
    if (s->wtxn) return fn(s->wtxn, ctx);
    if (s->rtxn) return fn(s->rtxn, ctx);
    bs_txn *txn = NULL;
    bs_status st;
    TRY(st, bs_txn_begin(s->store, false, &txn));
    st = fn(txn, ctx);
fail:
    bs_txn_abort(txn);
    return st;
}

/* ---- contexts: the named graphs, few enough to list up front ------- */

typedef struct {
    librdf_node **nodes;
    size_t n, pos;
} rl_nodes;

static int nodes_end(void *ctx)
{
    rl_nodes *it = ctx;
    return it->pos >= it->n;
}

static int nodes_next(void *ctx)
{
    rl_nodes *it = ctx;
    if (it->pos < it->n) it->pos++;
    return it->pos >= it->n;
}

static void *nodes_get(void *ctx, int flags)
{
    rl_nodes *it = ctx;
    if (flags != LIBRDF_ITERATOR_GET_METHOD_GET_OBJECT || it->pos >= it->n)
        return NULL;
    return it->nodes[it->pos];
}

static void nodes_free(void *ctx)
{
    rl_nodes *it = ctx;
    for (size_t i = 0; i < it->n; i++) librdf_free_node(it->nodes[i]);
    free(it->nodes);
    free(it);
}

typedef struct {
    librdf_world *world;
    rl_nodes *it;
} list_ctx;

/* Only IRI graph names are listed: librdf's query engine turns every
 * context into a named data graph through its URI. */
static bs_status list_graphs(bs_txn *txn, void *vctx)
{
    list_ctx *lc = vctx;
    bs_graph_info *gi = NULL;
    size_t n = 0;
    bs_status st;
    TRY(st, bs_graph_list(txn, &gi, &n));
    if (n && !(lc->it->nodes = calloc(n, sizeof *lc->it->nodes))) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        if (bs_id_kind(gi[i].graph) != BS_TERM_IRI) continue;
        librdf_node *node = bs_rl_id_node(lc->world, txn, gi[i].graph);
        if (!node) {
            st = BS_ERR_NOMEM;
            goto fail;
        }
        lc->it->nodes[lc->it->n++] = node;
    }
fail:
    free(gi);
    return st;
}

librdf_iterator *bs_rl_contexts(librdf_storage *storage)
{
    bs_rl_storage *inst = librdf_storage_get_instance(storage);
    list_ctx lc = {inst->world, calloc(1, sizeof(rl_nodes))};
    bs_status st = BS_ERR_NOMEM;
    if (!lc.it) goto fail;
    TRY(st, bs_rl_read(inst, list_graphs, &lc));
    librdf_iterator *iter = librdf_new_iterator(inst->world, lc.it, nodes_end,
                                                nodes_next, nodes_get,
                                                nodes_free);
    if (iter) return iter;
    st = BS_ERR_NOMEM;
fail:
    bs_rl_log(inst->world, st, "listing contexts");
    if (lc.it) nodes_free(lc.it);
    return NULL;
}
