/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: owned terms, result sets, in-memory graphs. */
#include "config.h"
#include "w3c.h"

#include <raptor2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- terms ------------------------------------------------------------ */

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    if (n) memcpy(d, s, n);
    d[n] = 0;
    return d;
}

int w3c_term_set(w3c_term *t, const bs_term *v)
{
    bs_term n = *v;
    if (n.kind == BS_TERM_TYPED && n.extra_len == strlen(BS_XSD_STRING) &&
        !memcmp(n.extra, BS_XSD_STRING, n.extra_len)) {
        n.kind = BS_TERM_LITERAL;
        n.extra = NULL;
        n.extra_len = 0;
    }
    t->kind = n.kind;
    t->lex = dupn(n.lex ? n.lex : "", n.lex ? n.lex_len : 0);
    t->lex_len = n.lex ? n.lex_len : 0;
    t->extra = NULL;
    t->extra_len = 0;
    if (n.kind == BS_TERM_LANG || n.kind == BS_TERM_TYPED) {
        t->extra = dupn(n.extra ? n.extra : "", n.extra ? n.extra_len : 0);
        t->extra_len = n.extra ? n.extra_len : 0;
        if (!t->extra) return -1;
    }
    return t->lex ? 0 : -1;
}

int w3c_term_make(w3c_term *t, bs_term_kind kind, const char *lex,
                  const char *extra)
{
    if (!kind) {
        memset(t, 0, sizeof *t);
        return 0;
    }
    bs_term v = {kind, lex, strlen(lex), extra, extra ? strlen(extra) : 0};
    if (kind == BS_TERM_LANG && (!extra || !*extra)) v.kind = BS_TERM_LITERAL;
    if (kind == BS_TERM_TYPED && !extra) v.kind = BS_TERM_LITERAL;
    return w3c_term_set(t, &v);
}

void w3c_term_clear(w3c_term *t)
{
    free(t->lex);
    free(t->extra);
    memset(t, 0, sizeof *t);
}

bool w3c_term_eq(const w3c_term *a, const w3c_term *b)
{
    if (a->kind != b->kind) return false;
    if (!a->kind) return true;
    if (a->lex_len != b->lex_len || memcmp(a->lex, b->lex, a->lex_len))
        return false;
    if (a->kind == BS_TERM_LANG)
        return a->extra_len == b->extra_len &&
               !strncasecmp(a->extra, b->extra, a->extra_len);
    if (a->kind == BS_TERM_TYPED)
        return a->extra_len == b->extra_len &&
               !memcmp(a->extra, b->extra, a->extra_len);
    return true;
}

const char *w3c_term_str(const w3c_term *t, char *buf, size_t cap)
{
    int lx = t->lex_len > 60 ? 60 : (int)t->lex_len;
    const char *more = t->lex_len > 60 ? "..." : "";
    switch (t->kind) {
    case BS_TERM_BNODE: snprintf(buf, cap, "_:%.*s", lx, t->lex); break;
    case BS_TERM_IRI: snprintf(buf, cap, "<%.*s%s>", lx, t->lex, more); break;
    case BS_TERM_LITERAL:
        snprintf(buf, cap, "\"%.*s%s\"", lx, t->lex, more);
        break;
    case BS_TERM_LANG:
        snprintf(buf, cap, "\"%.*s%s\"@%s", lx, t->lex, more, t->extra);
        break;
    case BS_TERM_TYPED: {
        const char *dt = t->extra;
        if (!strncmp(dt, BS_XSD, strlen(BS_XSD)))
            snprintf(buf, cap, "\"%.*s%s\"^^xsd:%s", lx, t->lex, more,
                     dt + strlen(BS_XSD));
        else
            snprintf(buf, cap, "\"%.*s%s\"^^<%s>", lx, t->lex, more, dt);
        break;
    }
    default: snprintf(buf, cap, "UNDEF"); break;
    }
    return buf;
}

/* ---- result sets ---------------------------------------------------------- */

void w3c_rs_free(w3c_rs *rs)
{
    if (!rs) return;
    for (size_t i = 0; i < rs->nrows * rs->ncols; i++)
        w3c_term_clear(&rs->cells[i]);
    for (size_t i = 0; i < rs->ncols; i++) free(rs->vars[i]);
    free(rs->cells);
    free(rs->vars);
    memset(rs, 0, sizeof *rs);
}

long w3c_rs_col(w3c_rs *rs, const char *name)
{
    for (size_t i = 0; i < rs->ncols; i++)
        if (!strcmp(rs->vars[i], name)) return (long)i;
    char **v = realloc(rs->vars, (rs->ncols + 1) * sizeof *v);
    if (!v) return -1;
    rs->vars = v;
    if (!(v[rs->ncols] = strdup(name))) return -1;
    if (rs->nrows) { /* widen every row by one unbound cell */
        size_t nc = rs->ncols + 1;
        w3c_term *c = calloc(rs->cap * nc, sizeof *c);
        if (!c) return -1;
        for (size_t r = 0; r < rs->nrows; r++)
            memcpy(c + r * nc, rs->cells + r * rs->ncols,
                   rs->ncols * sizeof *c);
        free(rs->cells);
        rs->cells = c;
    } else {
        free(rs->cells);
        rs->cells = NULL;
        rs->cap = 0;
    }
    return (long)rs->ncols++;
}

w3c_term *w3c_rs_add_row(w3c_rs *rs)
{
    if (rs->nrows == rs->cap) {
        size_t cap = rs->cap ? 2 * rs->cap : 16;
        size_t w = rs->ncols ? rs->ncols : 1;
        w3c_term *c = realloc(rs->cells, cap * w * sizeof *c);
        if (!c) return NULL;
        rs->cells = c;
        rs->cap = cap;
    }
    w3c_term *row = rs->cells + rs->nrows * rs->ncols;
    memset(row, 0, rs->ncols * sizeof *row);
    rs->nrows++;
    return row;
}

/* ---- graphs --------------------------------------------------------------- */

void w3c_graph_free(w3c_graph *g)
{
    if (!g) return;
    for (size_t i = 0; i < 3 * g->n; i++) w3c_term_clear(&g->t[i]);
    free(g->t);
    free(g->by_s);
    memset(g, 0, sizeof *g);
}

static w3c_term *graph_slot(w3c_graph *g)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        w3c_term *t = realloc(g->t, 3 * cap * sizeof *t);
        if (!t) return NULL;
        g->t = t;
        g->cap = cap;
    }
    w3c_term *r = g->t + 3 * g->n++;
    memset(r, 0, 3 * sizeof *r);
    return r;
}

int w3c_graph_add_views(w3c_graph *g, const bs_term v[3])
{
    w3c_term *r = graph_slot(g);
    if (!r) return -1;
    for (int i = 0; i < 3; i++)
        if (w3c_term_set(&r[i], &v[i])) return -1;
    return 0;
}

int w3c_graph_add(w3c_graph *g, const w3c_term *s, const w3c_term *p,
                  const w3c_term *o)
{
    const w3c_term *src[3] = {s, p, o};
    bs_term v[3];
    for (int i = 0; i < 3; i++)
        v[i] = (bs_term){src[i]->kind, src[i]->lex, src[i]->lex_len,
                         src[i]->extra, src[i]->extra_len};
    return w3c_graph_add_views(g, v);
}

/* Order of subjects for the index: kind, then lexical form. */
static int subj_cmp(const w3c_term *a, const w3c_term *b)
{
    if (a->kind != b->kind) return (int)a->kind - (int)b->kind;
    size_t n = a->lex_len < b->lex_len ? a->lex_len : b->lex_len;
    int c = memcmp(a->lex, b->lex, n);
    return c ? c : (a->lex_len > b->lex_len) - (a->lex_len < b->lex_len);
}

static const w3c_graph *sort_graph; /* qsort has no context argument */
static int idx_cmp(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    int c = subj_cmp(&sort_graph->t[3 * a], &sort_graph->t[3 * b]);
    return c ? c : (a > b) - (a < b);
}

int w3c_graph_index(w3c_graph *g)
{
    free(g->by_s);
    g->by_s = malloc((g->n ? g->n : 1) * sizeof *g->by_s);
    if (!g->by_s) return -1;
    for (size_t i = 0; i < g->n; i++) g->by_s[i] = i;
    sort_graph = g;
    qsort(g->by_s, g->n, sizeof *g->by_s, idx_cmp);
    return 0;
}

static bool is_iri(const w3c_term *t, const char *iri)
{
    return t->kind == BS_TERM_IRI && t->lex_len == strlen(iri) &&
           !memcmp(t->lex, iri, t->lex_len);
}

const w3c_term *w3c_graph_next(const w3c_graph *g, const w3c_term *s,
                               const char *p, size_t *pos)
{
    size_t i = *pos;
    if (i == 0) { /* first call: binary search for the subject's run */
        size_t lo = 0, hi = g->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (subj_cmp(&g->t[3 * g->by_s[mid]], s) < 0) lo = mid + 1;
            else hi = mid;
        }
        i = lo;
    } /* else *pos is the index after the last hit */
    for (; i < g->n; i++) {
        const w3c_term *r = &g->t[3 * g->by_s[i]];
        if (subj_cmp(r, s)) break;
        if (is_iri(&r[1], p)) {
            *pos = i + 1;
            return &r[2];
        }
    }
    *pos = g->n + 1;
    return NULL;
}

const w3c_term *w3c_graph_get(const w3c_graph *g, const w3c_term *s,
                              const char *p)
{
    size_t pos = 0;
    return w3c_graph_next(g, s, p, &pos);
}

const w3c_term *w3c_graph_subject(const w3c_graph *g, const char *p,
                                  const char *obj, size_t *pos)
{
    for (size_t i = *pos; i < g->n; i++) {
        const w3c_term *r = &g->t[3 * i];
        if (is_iri(&r[1], p) && (!obj || is_iri(&r[2], obj))) {
            *pos = i + 1;
            return &r[0];
        }
    }
    *pos = g->n;
    return NULL;
}

/* ---- reading RDF with Raptor ---------------------------------------------- */

static raptor_world *world;

void w3c_model_done(void)
{
    if (world) raptor_free_world(world);
    world = NULL;
}

typedef struct {
    w3c_graph *g;
    int failed;
    char *err;
    size_t errcap;
} read_ctx;

static void from_raptor(const raptor_term *r, bs_term *v)
{
    memset(v, 0, sizeof *v);
    if (r->type == RAPTOR_TERM_TYPE_URI) {
        size_t n;
        const char *s = (const char *)raptor_uri_as_counted_string(r->value.uri, &n);
        *v = bs_term_iri(s, n);
    } else if (r->type == RAPTOR_TERM_TYPE_BLANK) {
        *v = bs_term_bnode((const char *)r->value.blank.string,
                           r->value.blank.string_len);
    } else if (r->type == RAPTOR_TERM_TYPE_LITERAL) {
        const raptor_term_literal_value *l = &r->value.literal;
        size_t dl = 0;
        const char *dt = l->datatype ?
            (const char *)raptor_uri_as_counted_string(l->datatype, &dl) : NULL;
        *v = bs_term_literal((const char *)l->string, l->string_len,
                             (const char *)l->language, l->language_len, dt, dl);
    }
}

static void on_statement(void *user, raptor_statement *st)
{
    read_ctx *c = user;
    bs_term v[3];
    from_raptor(st->subject, &v[0]);
    from_raptor(st->predicate, &v[1]);
    from_raptor(st->object, &v[2]);
    if (w3c_graph_add_views(c->g, v)) c->failed = 1;
}

static void on_error(void *user, raptor_log_message *m)
{
    read_ctx *c = user;
    if (m->level < RAPTOR_LOG_LEVEL_ERROR) return;
    if (!c->failed)
        snprintf(c->err, c->errcap, "line %d: %s",
                 m->locator ? m->locator->line : -1, m->text);
    c->failed = 1;
}

int w3c_graph_read(w3c_graph *g, const char *path, const char *base,
                   char *err, size_t errcap)
{
    read_ctx c = {g, 0, err, errcap};
    const char *dot = strrchr(path, '.');
    const char *syntax = "turtle";
    if (dot && (!strcmp(dot, ".rdf") || !strcmp(dot, ".xml") || !strcmp(dot, ".owl")))
        syntax = "rdfxml";
    else if (dot && !strcmp(dot, ".nt"))
        syntax = "ntriples";
    if (!world) {
        world = raptor_new_world();
        if (!world || raptor_world_open(world)) return -1;
    }
    raptor_world_set_log_handler(world, &c, on_error);
    raptor_parser *p = raptor_new_parser(world, syntax);
    unsigned char *fu = raptor_uri_filename_to_uri_string(path);
    raptor_uri *file = fu ? raptor_new_uri(world, fu) : NULL;
    raptor_uri *b = base ? raptor_new_uri(world, (const unsigned char *)base) : NULL;
    int rc = -1;
    if (!p || !file) {
        snprintf(err, errcap, "cannot set up Raptor for %s", path);
        goto done;
    }
    raptor_parser_set_statement_handler(p, &c, on_statement);
    if (raptor_parser_parse_file(p, file, b ? b : file) && !c.failed)
        snprintf(err, errcap, "%s: parse error", path);
    else if (!c.failed)
        rc = 0;
done:
    raptor_world_set_log_handler(world, NULL, NULL);
    if (b) raptor_free_uri(b);
    if (file) raptor_free_uri(file);
    raptor_free_memory(fu);
    if (p) raptor_free_parser(p);
    return rc;
}
