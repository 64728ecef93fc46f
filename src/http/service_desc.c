/* SPDX-License-Identifier: MIT
 * battstore — the SPARQL 1.1 Service Description of /sparql (what GET
 *   /sparql without a query answers): languages, result formats, features
 *   and the named graphs the caller may see, as Turtle, N-Triples or
 *   RDF/XML. */
#define _GNU_SOURCE
#include "config.h"
#include "http/protocol_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SD "http://www.w3.org/ns/sparql-service-description#"
#define FMT "http://www.w3.org/ns/formats/"
#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

/* A node: an IRI ('I'), a blank node label ('B') or a plain literal ('L'). */
typedef struct {
    char kind;
    char *v;
} node;

typedef struct {
    node s;
    const char *p; ///< static IRI
    node o;
} triple;

/* The description as a list of triples, grouped by subject. */
typedef struct {
    triple *t;
    size_t n, cap;
    bool oom;
} graph;

static void add(graph *g, char sk, const char *s, const char *p, char ok, const char *o)
{
    if (g->oom) return;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        triple *t = realloc(g->t, cap * sizeof *t);
        if (!t) {
            g->oom = true;
            return;
        }
        g->t = t;
        g->cap = cap;
    }
    triple *t = &g->t[g->n];
    t->s = (node){sk, strdup(s)};
    t->p = p;
    t->o = (node){ok, strdup(o)};
    if (!t->s.v || !t->o.v) {
        free(t->s.v);
        free(t->o.v);
        g->oom = true;
        return;
    }
    g->n++;
}

static void graph_free(graph *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->t[i].s.v);
        free(g->t[i].o.v);
    }
    free(g->t);
}

/* The service itself: endpoint, languages, formats, features. */
static void describe_service(graph *g, const char *e)
{
    static const char *const formats[] = {
        "SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
        "SPARQL_Results_TSV", "Turtle", "N-Triples", "RDF_XML", "N-Quads",
    };
    add(g, 'I', e, RDF "type", 'I', SD "Service");
    add(g, 'I', e, SD "endpoint", 'I', e);
    add(g, 'I', e, SD "supportedLanguage", 'I', SD "SPARQL11Query");
    add(g, 'I', e, SD "supportedLanguage", 'I', SD "SPARQL11Update");
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++) {
        char iri[80];
        snprintf(iri, sizeof iri, FMT "%s", formats[i]);
        add(g, 'I', e, SD "resultFormat", 'I', iri);
    }
    add(g, 'I', e, SD "feature", 'I', SD "UnionDefaultGraph");
    add(g, 'I', e, SD "feature", 'I', SD "BasicFederatedQuery");
    add(g, 'I', e, SD "defaultEntailmentRegime", 'I',
        "http://www.w3.org/ns/entailment/Simple");
    add(g, 'I', e, SD "defaultDataset", 'B', "dataset");
}

/* The dataset: the default graph (the union of what the caller may see)
 * and every named graph the caller may see — no other. */
static bs_status describe_dataset(bs_http_req *rq, graph *g)
{
    bs_txn *txn = NULL;
    bs_graph_info *gi = NULL;
    size_t n = 0, k = 0;
    bs_status st;
    add(g, 'B', "dataset", RDF "type", 'I', SD "Dataset");
    add(g, 'B', "dataset", SD "defaultGraph", 'B', "default");
    TRY(st, bs_txn_begin(rq->srv->store, false, &txn));
    TRY(st, bs_graph_list(txn, &gi, &n));
    for (size_t i = 0; i < n; i++) {
        bs_term t;
        if (!bs_http_visible(&rq->role, gi[i].graph, gi[i].access)) continue;
        if (bs_dict_get(txn, gi[i].graph, &t) != BS_OK || t.kind != BS_TERM_IRI) continue;
        char label[32], *iri = strndup(t.lex, t.lex_len);
        if (!iri) {
            st = BS_ERR_NOMEM;
            goto fail;
        }
        snprintf(label, sizeof label, "g%zu", ++k);
        add(g, 'B', "dataset", SD "namedGraph", 'B', label);
        add(g, 'B', label, RDF "type", 'I', SD "NamedGraph");
        add(g, 'B', label, SD "name", 'I', iri);
        free(iri);
    }
    add(g, 'B', "default", RDF "type", 'I', SD "Graph");
fail:
    free(gi);
    bs_txn_abort(txn);
    return st;
}

/* ---- writers --------------------------------------------------------------- */

static void put_nt_iri(FILE *f, const char *s)
{
    fputc('<', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || strchr("<>\"{}|^`\\", c)) fprintf(f, "\\u%04X", c);
        else fputc(c, f);
    }
    fputc('>', f);
}

static void put_nt_lit(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fprintf(f, "\\%c", *s);
        else if (*s == '\n') fputs("\\n", f);
        else if (*s == '\r') fputs("\\r", f);
        else fputc(*s, f);
    }
    fputc('"', f);
}

/* Turtle: the prefixed name of an IRI in sd:, formats: or rdf:, if any. */
static bool put_qname(FILE *f, const char *iri)
{
    static const struct { const char *ns, *prefix; } ns[] = {
        {SD, "sd"}, {FMT, "formats"}, {RDF, "rdf"},
    };
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
        size_t l = strlen(ns[i].ns);
        const char *local = iri + l;
        if (strncmp(iri, ns[i].ns, l) != 0 || !*local) continue;
        if (strspn(local, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
                != strlen(local) || local[0] == '-')
            continue;
        fprintf(f, "%s:%s", ns[i].prefix, local);
        return true;
    }
    return false;
}

static void put_node(FILE *f, const node *n, bool turtle)
{
    if (n->kind == 'B') fprintf(f, "_:%s", n->v);
    else if (n->kind == 'L') put_nt_lit(f, n->v);
    else if (!turtle || !put_qname(f, n->v)) put_nt_iri(f, n->v);
}

static void write_nt(FILE *f, const graph *g)
{
    for (size_t i = 0; i < g->n; i++) {
        put_node(f, &g->t[i].s, false);
        fputc(' ', f);
        put_nt_iri(f, g->t[i].p);
        fputc(' ', f);
        put_node(f, &g->t[i].o, false);
        fputs(" .\n", f);
    }
}

static bool same_subject(const triple *a, const triple *b)
{
    return a->s.kind == b->s.kind && !strcmp(a->s.v, b->s.v);
}

static void write_turtle(FILE *f, const graph *g)
{
    fputs("@prefix sd: <" SD "> .\n@prefix formats: <" FMT "> .\n"
          "@prefix rdf: <" RDF "> .\n", f);
    for (size_t i = 0; i < g->n; i++) {
        const triple *t = &g->t[i];
        bool first = i == 0 || !same_subject(t, t - 1);
        if (first) {
            fputc('\n', f);
            put_node(f, &t->s, true);
            fputs("\n    ", f);
        } else {
            fputs(" ;\n    ", f);
        }
        if (!strcmp(t->p, RDF "type")) fputc('a', f);
        else put_node(f, &(node){'I', (char *)t->p}, true);
        fputc(' ', f);
        put_node(f, &t->o, true);
        if (i + 1 == g->n || !same_subject(t, t + 1)) fputs(" .\n", f);
    }
}

static void put_xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* RDF/XML: one rdf:Description per subject; every predicate is in sd: or
 * rdf:, so each has a qualified name. */
static void write_rdfxml(FILE *f, const graph *g)
{
    fputs("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF xmlns:rdf=\"" RDF
          "\" xmlns:sd=\"" SD "\">\n", f);
    for (size_t i = 0; i < g->n; i++) {
        const triple *t = &g->t[i];
        if (i == 0 || !same_subject(t, t - 1)) {
            fputs("  <rdf:Description ", f);
            fputs(t->s.kind == 'B' ? "rdf:nodeID=\"" : "rdf:about=\"", f);
            put_xml(f, t->s.v);
            fputs("\">\n", f);
        }
        bool sd = !strncmp(t->p, SD, strlen(SD));
        const char *local = t->p + strlen(sd ? SD : RDF);
        fprintf(f, "    <%s:%s", sd ? "sd" : "rdf", local);
        if (t->o.kind == 'L') {
            fputc('>', f);
            put_xml(f, t->o.v);
            fprintf(f, "</%s:%s>\n", sd ? "sd" : "rdf", local);
        } else {
            fputs(t->o.kind == 'B' ? " rdf:nodeID=\"" : " rdf:resource=\"", f);
            put_xml(f, t->o.v);
            fputs("\"/>\n", f);
        }
        if (i + 1 == g->n || !same_subject(t, t + 1)) fputs("  </rdf:Description>\n", f);
    }
    fputs("</rdf:RDF>\n", f);
}

/* ---- the door --------------------------------------------------------------- */

static const struct {
    const char *mime, *format, *ctype;
    void (*write)(FILE *, const graph *);
} sd_types[] = {
    {"text/turtle", "turtle", "text/turtle; charset=utf-8", write_turtle},
    {"application/n-triples", "ntriples", "application/n-triples", write_nt},
    {"application/rdf+xml", "rdfxml", "application/rdf+xml", write_rdfxml},
};
#define NTYPES (sizeof sd_types / sizeof *sd_types)

static int pick(bs_http_req *rq)
{
    const char *format = bs_http_param(rq, "format");
    if (format && *format) {
        const char *mime = bs_sparql_format_mime(format);
        for (size_t i = 0; mime && i < NTYPES; i++)
            if (!strcmp(mime, sd_types[i].mime)) return (int)i;
        return -1;
    }
    const char *offered[NTYPES];
    for (size_t i = 0; i < NTYPES; i++) offered[i] = sd_types[i].mime;
    const char *m = bs_http_negotiate(bs_http_header(rq, "Accept"), offered, NTYPES);
    for (size_t i = 0; m && i < NTYPES; i++)
        if (!strcasecmp(m, sd_types[i].mime)) return (int)i;
    return -1;
}

bs_status bs_http_service_description(bs_http_req *rq, bs_http_resp *rs)
{
    graph g = {0};
    char *e = NULL, *buf = NULL;
    size_t len = 0;
    bs_status st = BS_ERR_NOMEM;
    int k = pick(rq);
    if (k < 0) {
        bs_http_text(rs, 406, "the service description is offered as text/turtle, "
                              "application/n-triples or application/rdf+xml");
        return BS_ERR_ARG;
    }
    if (!(e = bs_http_endpoint_iri(rq))) goto fail;
    describe_service(&g, e);
    TRY(st, describe_dataset(rq, &g));
    st = BS_ERR_NOMEM;
    if (g.oom) goto fail;
    FILE *f = open_memstream(&buf, &len);
    if (!f) goto fail;
    sd_types[k].write(f, &g);
    if (fclose(f) != 0) goto fail;
    bs_http_body(rs, 200, sd_types[k].ctype, buf, len);
    buf = NULL;
    bs_http_add_header(rs, "Vary", "Accept");
    st = BS_OK;
fail:
    if (st != BS_OK) bs_http_text(rs, bs_http_status_of(st), "%s", bs_strerror(st));
    free(buf);
    free(e);
    graph_free(&g);
    return st;
}
