/* SPDX-License-Identifier: MIT
 * battstore — exporting quads through a Raptor2 serializer.
 *
 * One read transaction: quads come from bs_iter_new() in index order,
 * their ids become Raptor terms (subject, predicate and graph are reused
 * while they repeat).  Raptor 2.0 has no TriG serializer: TriG is written
 * here as one block per graph, the triples inside each block written by
 * the N-Triples serializer (N-Triples lines are valid TriG triples). */
#include "config.h"
#include "ingest/ingest.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <raptor2.h>

static const struct {
    const char *name, *serializer;
} outputs[] = {
    {"turtle", "turtle"},    {"ttl", "turtle"},        {"ntriples", "ntriples"},
    {"nt", "ntriples"},      {"n-triples", "ntriples"}, {"nquads", "nquads"},
    {"nq", "nquads"},        {"n-quads", "nquads"},     {"rdfxml", "rdfxml"},
    {"xml", "rdfxml"},       {"rdf", "rdfxml"},         {"owl", "rdfxml"},
    {"rdfxml-abbrev", "rdfxml-abbrev"},                 {"trig", "trig"},
};

/* Prefixes declared to the serializers that abbreviate. */
static const char *const prefixes[][2] = {
    {"rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
    {"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
    {"owl", "http://www.w3.org/2002/07/owl#"},
    {"xsd", "http://www.w3.org/2001/XMLSchema#"},
    {"skos", "http://www.w3.org/2004/02/skos/core#"},
    {"dcterms", "http://purl.org/dc/terms/"},
};

enum { X_S, X_P, X_G, X_N };

typedef struct {
    bs_txn *txn;
    raptor_world *world;
    raptor_serializer *ser;
    bool quads;              /* the serializer keeps graph names */
    raptor_term *last[X_N];  /* reused while the id repeats */
    bs_id last_id[X_N];
} exporter;

static const char *serializer_name(const char *format)
{
    for (size_t i = 0; format && i < sizeof outputs / sizeof outputs[0]; i++)
        if (strcasecmp(format, outputs[i].name) == 0) return outputs[i].serializer;
    return NULL;
}

/* A Raptor term for an id (caller frees with raptor_free_term()). */
static bs_status make_term(exporter *x, bs_id id, raptor_term **out)
{
    bs_term t;
    bs_status st = bs_dict_get(x->txn, id, &t);
    if (st == BS_NOT_FOUND) return BS_ERR_CORRUPT; /* a quad names an unknown id */
    if (st != BS_OK) return st;
    const unsigned char *lex = t.lex_len ? (const unsigned char *)t.lex
                                         : (const unsigned char *)"";
    raptor_uri *dt = NULL;
    unsigned char lang[256];
    switch (t.kind) {
    case BS_TERM_IRI:
        *out = raptor_new_term_from_counted_uri_string(x->world, lex, t.lex_len);
        break;
    case BS_TERM_BNODE:
        *out = raptor_new_term_from_counted_blank(x->world, lex, t.lex_len);
        break;
    case BS_TERM_TYPED:
        dt = raptor_new_uri_from_counted_string(x->world, (const unsigned char *)t.extra,
                                                t.extra_len);
        if (!dt) return BS_ERR_NOMEM;
        /* fall through */
    case BS_TERM_LITERAL:
    case BS_TERM_LANG:
        if (t.kind == BS_TERM_LANG) {
            /* Raptor's Turtle serializer reads the tag up to a NUL */
            if (t.extra_len >= sizeof lang) return BS_ERR_UNSUPPORTED;
            memcpy(lang, t.extra, t.extra_len);
            lang[t.extra_len] = '\0';
        }
        *out = raptor_new_term_from_counted_literal(
            x->world, lex, t.lex_len, dt,
            t.kind == BS_TERM_LANG ? lang : NULL,
            t.kind == BS_TERM_LANG ? (unsigned char)t.extra_len : 0);
        raptor_free_uri(dt);
        break;
    default:
        return BS_ERR_CORRUPT;
    }
    return *out ? BS_OK : BS_ERR_NOMEM;
}

static bs_status cached_term(exporter *x, int slot, bs_id id, raptor_term **out)
{
    if (!x->last[slot] || x->last_id[slot] != id) {
        raptor_free_term(x->last[slot]);
        x->last[slot] = NULL;
        bs_status st = make_term(x, id, &x->last[slot]);
        if (st != BS_OK) return st;
        x->last_id[slot] = id;
    }
    *out = x->last[slot];
    return BS_OK;
}

static bs_status emit(exporter *x, const bs_quad *q)
{
    raptor_statement s;
    bs_status st;
    raptor_statement_init(&s, x->world);
    TRY(st, cached_term(x, X_S, q->s, &s.subject));
    TRY(st, cached_term(x, X_P, q->p, &s.predicate));
    if (x->quads && q->g != BS_DEFAULT_GRAPH) TRY(st, cached_term(x, X_G, q->g, &s.graph));
    TRY(st, make_term(x, q->o, &s.object));
    if (raptor_serializer_serialize_statement(x->ser, &s)) st = BS_ERR_IO;
    raptor_free_term(s.object);
fail:
    return st;
}

/* Every quad matching pat; with merge, a triple found in several graphs
 * (adjacent in S P O order) is written once. */
static bs_status emit_pattern(exporter *x, const bs_quad *pat, bool merge)
{
    bs_iter *it = NULL;
    bs_quad q, prev = {0, 0, 0, 0};
    bool have = false;
    bs_status st;
    TRY(st, bs_iter_new(x->txn, pat, &it));
    while ((st = bs_iter_next(it, &q)) == BS_OK) {
        if (merge && have && q.s == prev.s && q.p == prev.p && q.o == prev.o) continue;
        TRY(st, emit(x, &q));
        prev = q;
        have = true;
    }
    if (st == BS_END) st = BS_OK;
fail:
    bs_iter_free(it);
    return st;
}

static void declare_prefixes(exporter *x)
{
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        raptor_uri *u = raptor_new_uri(x->world, (const unsigned char *)prefixes[i][1]);
        if (!u) continue;
        raptor_serializer_set_namespace(x->ser, u, (const unsigned char *)prefixes[i][0]);
        raptor_free_uri(u);
    }
}

/* ---- TriG ---------------------------------------------------------- */

static bs_status trig_graph(exporter *x, raptor_iostream *io, bs_id g)
{
    bs_status st = BS_OK;
    raptor_term *gt = NULL;
    bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, g};
    if (g != BS_DEFAULT_GRAPH) {
        TRY(st, make_term(x, g, &gt));
        raptor_term_escaped_write(gt, RAPTOR_ESCAPED_WRITE_TURTLE_URI, io);
        raptor_iostream_write_byte(' ', io);
    }
    raptor_iostream_string_write("{\n", io);
    x->ser = raptor_new_serializer(x->world, "ntriples");
    if (!x->ser || raptor_serializer_start_to_iostream(x->ser, NULL, io)) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    TRY(st, emit_pattern(x, &pat, false));
    raptor_serializer_serialize_end(x->ser);
    raptor_iostream_string_write("}\n", io);
fail:
    raptor_free_serializer(x->ser);
    x->ser = NULL;
    raptor_free_term(gt);
    return st;
}

/* The default graph (when it has quads) and every named graph, or just
 * the graph asked for. */
static bs_status write_trig(exporter *x, FILE *out, bool one, bs_id g)
{
    bs_status st = BS_OK;
    bs_graph_info *gl = NULL;
    size_t n = 0;
    uint64_t nd = 0;
    bs_quad dpat = {BS_ANY, BS_ANY, BS_ANY, BS_DEFAULT_GRAPH};
    raptor_iostream *io = raptor_new_iostream_to_file_handle(x->world, out);
    if (!io) return BS_ERR_NOMEM;
    x->quads = false; /* the graph is the block, not part of the triple */
    if (one) {
        st = trig_graph(x, io, g);
        goto fail;
    }
    TRY(st, bs_quad_count(x->txn, &dpat, &nd));
    if (nd) TRY(st, trig_graph(x, io, BS_DEFAULT_GRAPH));
    TRY(st, bs_graph_list(x->txn, &gl, &n));
    for (size_t i = 0; i < n; i++) TRY(st, trig_graph(x, io, gl[i].graph));
fail:
    free(gl);
    raptor_free_iostream(io);
    return st;
}

/* ---- the export ---------------------------------------------------- */

/* Which graph to export: *one is false for all of them. */
static bs_status pick_graph(bs_txn *txn, const char *iri, bool *one, bs_id *g)
{
    bs_graph_info info;
    *one = iri != NULL;
    *g = BS_DEFAULT_GRAPH;
    if (!iri || !*iri) return BS_OK;
    bs_term t = bs_term_iri(iri, strlen(iri));
    bs_status st = bs_dict_lookup(txn, &t, g);
    if (st != BS_OK) return st;
    return bs_graph_get(txn, *g, &info);
}

static bs_status write_serialized(exporter *x, const char *name, FILE *out,
                                  bool one, bs_id g)
{
    bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, one ? g : BS_ANY};
    bs_status st;
    x->ser = raptor_new_serializer(x->world, name);
    if (!x->ser) return BS_ERR_NOMEM;
    x->quads = strcmp(name, "nquads") == 0;
    if (strcmp(name, "ntriples") != 0 && !x->quads) declare_prefixes(x);
    if (raptor_serializer_start_to_file_handle(x->ser, NULL, out)) {
        st = BS_ERR_IO;
        goto fail;
    }
    TRY(st, emit_pattern(x, &pat, !x->quads && !one));
    if (raptor_serializer_serialize_end(x->ser)) st = BS_ERR_IO;
fail:
    raptor_free_serializer(x->ser);
    x->ser = NULL;
    return st;
}

bs_status bs_export(bs_store *store, const char *graph_iri,
                    const char *format, FILE *out)
{
    const char *name = serializer_name(format ? format : "nquads");
    exporter x = {0};
    bool one;
    bs_id g;
    bs_status st;
    if (!name || !out) return BS_ERR_ARG;
    TRY(st, bs_txn_begin(store, false, &x.txn));
    TRY(st, pick_graph(x.txn, graph_iri, &one, &g));
    x.world = raptor_new_world();
    if (!x.world || raptor_world_open(x.world)) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    if (strcmp(name, "trig") == 0) TRY(st, write_trig(&x, out, one, g));
    else TRY(st, write_serialized(&x, name, out, one, g));
    if (fflush(out) != 0 || ferror(out)) st = BS_ERR_IO;
fail:
    for (int i = 0; i < X_N; i++) raptor_free_term(x.last[i]);
    raptor_free_world(x.world);
    bs_txn_abort(x.txn);
    return st;
}
