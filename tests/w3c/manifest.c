/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: reading manifest.ttl (mf:, qt:, ut:, dawgt:). */
#include "config.h"
#include "manifest.h"
#include "w3c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define RDFS "http://www.w3.org/2000/01/rdf-schema#"
#define MF "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
#define QT "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
#define UT "http://www.w3.org/2009/sparql/tests/test-update#"
#define DAWGT "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#"

char *w3c_iri_path(const char *iri)
{
    if (strncmp(iri, "file://", 7)) return NULL;
    const char *s = iri + 7;
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out) return NULL;
    for (; *s; s++) {
        unsigned v;
        if (*s == '%' && sscanf(s + 1, "%2x", &v) == 1) {
            *o++ = (char)v;
            s += 2;
        } else {
            *o++ = *s;
        }
    }
    *o = 0;
    return out;
}

static const char *local_name(const char *iri)
{
    const char *h = strrchr(iri, '#');
    if (!h) h = strrchr(iri, '/');
    return h ? h + 1 : iri;
}

static char *path_of(const w3c_term *t)
{
    return t && t->kind == BS_TERM_IRI ? w3c_iri_path(t->lex) : NULL;
}

static bool iri_is(const w3c_term *t, const char *iri)
{
    return t && t->kind == BS_TERM_IRI && !strcmp(t->lex, iri);
}

/* Append every object of (s, p) as a path. */
static int add_paths(const w3c_graph *g, const w3c_term *s, const char *p,
                     char ***arr, size_t *n)
{
    size_t pos = 0;
    const w3c_term *o;
    while ((o = w3c_graph_next(g, s, p, &pos))) {
        char **a = realloc(*arr, (*n + 1) * sizeof *a);
        if (!a) return -1;
        *arr = a;
        if (!(a[*n] = path_of(o))) return -1;
        ++*n;
    }
    return 0;
}

/* qt:graphData <file> (named by its IRI) or ut:graphData [ ut:graph <file>;
 * rdfs:label "name" ]. */
static int add_gdata(const w3c_graph *g, const w3c_term *s, const char *p,
                     w3c_gdata **arr, size_t *n)
{
    size_t pos = 0;
    const w3c_term *o;
    while ((o = w3c_graph_next(g, s, p, &pos))) {
        const w3c_term *file = o, *label = NULL;
        if (o->kind != BS_TERM_IRI) {
            file = w3c_graph_get(g, o, UT "graph");
            label = w3c_graph_get(g, o, RDFS "label");
        }
        if (!file || file->kind != BS_TERM_IRI) return -1;
        w3c_gdata *a = realloc(*arr, (*n + 1) * sizeof *a);
        if (!a) return -1;
        *arr = a;
        a[*n].file = path_of(file);
        a[*n].graph = strdup(label ? label->lex : file->lex);
        if (!a[(*n)++].file) return -1;
    }
    return 0;
}

/* qt:serviceData [ qt:endpoint <iri>; qt:data <file>; qt:graphData <file> ]. */
static int add_services(const w3c_graph *g, const w3c_term *act, w3c_test *t)
{
    size_t pos = 0;
    const w3c_term *o;
    while ((o = w3c_graph_next(g, act, QT "serviceData", &pos))) {
        const w3c_term *ep = w3c_graph_get(g, o, QT "endpoint");
        if (!ep || ep->kind != BS_TERM_IRI) return -1;
        w3c_service *v = realloc(t->services, (t->nservices + 1) * sizeof *v);
        if (!v) return -1;
        t->services = v;
        w3c_service *s = &v[t->nservices++];
        memset(s, 0, sizeof *s);
        if (!(s->endpoint = strdup(ep->lex)) ||
            add_paths(g, o, QT "data", &s->data, &s->ndata) ||
            add_gdata(g, o, QT "graphData", &s->gdata, &s->ngdata))
            return -1;
    }
    return 0;
}

/* Optional features (mf:requires) the engine claims; a test requiring
 * another one is skipped.  KnownTypesDefault2Neq (ill-typed literals of
 * known datatypes are != others) and XsdDateOperations (xsd:date
 * comparisons) are extensions SPARQL does not require. */
static const char *const claimed_features[] = {
    "LangTagAwareness", "StringSimpleLiteralCmp", "KnownTypesDefault2Neq",
    "XsdDateOperations", NULL};

static char *unclaimed_feature(const w3c_graph *g, const w3c_term *node)
{
    size_t pos = 0;
    const w3c_term *f;
    while ((f = w3c_graph_next(g, node, MF "requires", &pos))) {
        const char *name = local_name(f->lex);
        bool ok = false;
        for (int i = 0; claimed_features[i]; i++)
            if (!strcmp(name, claimed_features[i])) ok = true;
        if (ok) continue;
        char msg[200];
        snprintf(msg, sizeof msg, "requires the optional feature mf:%s", name);
        return strdup(msg);
    }
    return NULL;
}

static w3c_kind kind_of(const char *type)
{
    static const struct { const char *name; w3c_kind k; } map[] = {
        {"PositiveSyntaxTest", W3C_T_SYNTAX_POS},
        {"PositiveSyntaxTest11", W3C_T_SYNTAX_POS},
        {"NegativeSyntaxTest", W3C_T_SYNTAX_NEG},
        {"NegativeSyntaxTest11", W3C_T_SYNTAX_NEG},
        {"PositiveUpdateSyntaxTest11", W3C_T_USYNTAX_POS},
        {"NegativeUpdateSyntaxTest11", W3C_T_USYNTAX_NEG},
        {"QueryEvaluationTest", W3C_T_QUERY},
        {"UpdateEvaluationTest", W3C_T_UPDATE},
        {"CSVResultFormatTest", W3C_T_CSV},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(type, map[i].name)) return map[i].k;
    return W3C_T_OTHER;
}

/* The action: a file (syntax tests) or a node with qt:/ut: properties. */
static int read_action(const w3c_graph *g, const w3c_term *act, w3c_test *t)
{
    if (act->kind == BS_TERM_IRI) {
        t->query = path_of(act);
        return t->query ? 0 : -1;
    }
    const w3c_term *q = w3c_graph_get(g, act, QT "query");
    if (!q) q = w3c_graph_get(g, act, UT "request");
    t->query = path_of(q);
    if (add_paths(g, act, QT "data", &t->data, &t->ndata) ||
        add_paths(g, act, UT "data", &t->data, &t->ndata) ||
        add_gdata(g, act, QT "graphData", &t->gdata, &t->ngdata) ||
        add_gdata(g, act, UT "graphData", &t->gdata, &t->ngdata) ||
        add_services(g, act, t))
        return -1;
    return t->query ? 0 : -1;
}

static int read_result(const w3c_graph *g, const w3c_term *res, w3c_test *t)
{
    if (!res) return 0;
    if (res->kind == BS_TERM_IRI) {
        t->result = path_of(res);
        return t->result ? 0 : -1;
    }
    if (add_paths(g, res, UT "data", &t->rdata, &t->nrdata) ||
        add_gdata(g, res, UT "graphData", &t->rgdata, &t->nrgdata))
        return -1;
    return 0;
}

static int read_test(const w3c_graph *g, const w3c_term *node, w3c_test *t)
{
    const w3c_term *type = w3c_graph_get(g, node, RDF "type");
    const w3c_term *name = w3c_graph_get(g, node, MF "name");
    const w3c_term *act = w3c_graph_get(g, node, MF "action");
    const w3c_term *appr = w3c_graph_get(g, node, DAWGT "approval");
    t->iri = strdup(node->lex);
    t->name = name ? strdup(name->lex) : NULL;
    t->type = strdup(type ? local_name(type->lex) : "?");
    if (node->kind == BS_TERM_IRI && strchr(node->lex, '#'))
        t->id = strdup(local_name(node->lex));
    else
        t->id = strdup(name ? name->lex : node->lex);
    if (!t->iri || !t->type || !t->id) return -1;
    t->kind = kind_of(t->type);
    if (t->kind == W3C_T_OTHER && !t->skip) {
        char msg[200];
        snprintf(msg, sizeof msg, "test type %s not run", t->type);
        t->skip = strdup(msg);
    }
    if (iri_is(appr, DAWGT "Withdrawn") || iri_is(appr, DAWGT "NotApproved") ||
        iri_is(appr, DAWGT "Rejected")) {
        free(t->skip);
        t->skip = strdup("withdrawn or not approved");
    }
    if (!t->skip) t->skip = unclaimed_feature(g, node);
    const w3c_term *lax = w3c_graph_get(g, node, MF "resultCardinality");
    t->lax = iri_is(lax, MF "LaxCardinality");
    if (t->kind == W3C_T_OTHER) return 0;
    if (!act || read_action(g, act, t)) return -1;
    return read_result(g, w3c_graph_get(g, node, MF "result"), t);
}

void w3c_tests_free(w3c_test *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++) {
        w3c_test *x = &t[i];
        free(x->iri); free(x->id); free(x->name); free(x->type);
        free(x->skip); free(x->query); free(x->result);
        for (size_t k = 0; k < x->ndata; k++) free(x->data[k]);
        for (size_t k = 0; k < x->nrdata; k++) free(x->rdata[k]);
        for (size_t k = 0; k < x->ngdata; k++) {
            free(x->gdata[k].file);
            free(x->gdata[k].graph);
        }
        for (size_t k = 0; k < x->nrgdata; k++) {
            free(x->rgdata[k].file);
            free(x->rgdata[k].graph);
        }
        free(x->data); free(x->rdata); free(x->gdata); free(x->rgdata);
        for (size_t k = 0; k < x->nservices; k++) {
            w3c_service *s = &x->services[k];
            free(s->endpoint);
            for (size_t j = 0; j < s->ndata; j++) free(s->data[j]);
            for (size_t j = 0; j < s->ngdata; j++) {
                free(s->gdata[j].file);
                free(s->gdata[j].graph);
            }
            free(s->data);
            free(s->gdata);
        }
        free(x->services);
    }
    free(t);
}

int w3c_manifest_read(const char *dir, w3c_test **out, size_t *n, char *err,
                      size_t errcap)
{
    char path[4096];
    w3c_graph g = {0};
    w3c_test *tests = NULL;
    size_t nt = 0;
    int rc = -1;
    snprintf(path, sizeof path, "%s/manifest.ttl", dir);
    if (w3c_graph_read(&g, path, NULL, err, errcap) || w3c_graph_index(&g))
        goto done;
    size_t pos = 0;
    const w3c_term *man = w3c_graph_subject(&g, RDF "type", MF "Manifest", &pos);
    const w3c_term *list = man ? w3c_graph_get(&g, man, MF "entries") : NULL;
    while (list && !iri_is(list, RDF "nil")) {
        const w3c_term *item = w3c_graph_get(&g, list, RDF "first");
        if (!item) break;
        w3c_test *nt2 = realloc(tests, (nt + 1) * sizeof *nt2);
        if (!nt2) goto done;
        tests = nt2;
        memset(&tests[nt], 0, sizeof tests[nt]);
        if (read_test(&g, item, &tests[nt++])) { /* reported as a failure */
            w3c_test *t = &tests[nt - 1];
            t->kind = W3C_T_OTHER;
            free(t->skip);
            t->skip = NULL;
            if (!t->id && !(t->id = strdup(item->lex))) goto done;
        }
        list = w3c_graph_get(&g, list, RDF "rest");
    }
    rc = 0;
done:
    w3c_graph_free(&g);
    if (rc) {
        w3c_tests_free(tests, nt);
        tests = NULL;
        nt = 0;
    }
    *out = tests;
    *n = nt;
    return rc;
}
