/* SPDX-License-Identifier: MIT
 * battstore — search hits: the page's resources as strings (IRI, label,
 * type, snippet, why) and the snippet builder. */
#include "config.h"
#include "search/qres.h"

#include <stdlib.h>
#include <string.h>

#define SNIPPET_WIDTH 160
#define SNIPPET_LEAD 40   ///< bytes of context before the first match

/* ---- snippets --------------------------------------------------------- */

typedef struct {
    size_t start, end;
    bool hit;
} tokpos;

typedef struct {
    const bs_qparsed *p;
    tokpos *v;
    size_t n, cap;
    bs_status st;
} snip_ctx;

static bool tok_hits(const bs_qparsed *p, const char *tok, size_t len)
{
    for (size_t g = 0; g < p->ngroups; g++)
        for (size_t a = 0; a < p->groups[g].nalts; a++) {
            const bs_qterm *t = &p->groups[g].alts[a];
            for (size_t i = 0; i < t->ntoks; i++)
                if (bs_qterm_tok_matches(t, i, tok, len)) return true;
        }
    return false;
}

static void on_tok(void *vctx, const char *tok, size_t len, size_t start, size_t end)
{
    snip_ctx *c = vctx;
    if (c->st != BS_OK) return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 32;
        tokpos *v = realloc(c->v, cap * sizeof *v);
        if (!v) { c->st = BS_ERR_NOMEM; return; }
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = (tokpos){ start, end, tok_hits(c->p, tok, len) };
}

static bs_status push_span(bs_search_span **v, size_t *n, const char *text, size_t len,
                           bool hit)
{
    if (!len) return BS_OK;
    bs_search_span *nv = realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv) return BS_ERR_NOMEM;
    *v = nv;
    char *s = strndup(text, len);
    if (!s) return BS_ERR_NOMEM;
    nv[*n] = (bs_search_span){ s, hit };
    (*n)++;
    return BS_OK;
}

#define ELLIPSIS "\u2026"

/* The window [*from, *to) of text: from a token start about LEAD bytes
 * before the first hit to a token end within WIDTH. */
static void window(const snip_ctx *c, size_t len, size_t width, size_t *from, size_t *to)
{
    size_t first = 0;
    while (first < c->n && !c->v[first].hit) first++;
    if (first == c->n) first = 0;
    size_t s = first;
    while (s > 0 && c->v[first].start - c->v[s - 1].start <= SNIPPET_LEAD) s--;
    *from = c->n ? c->v[s].start : 0;
    if (s == 0) *from = 0;
    *to = len;
    if (len - *from <= width) return;
    size_t e = s;
    while (e + 1 < c->n && c->v[e + 1].end - *from <= width) e++;
    *to = c->n ? c->v[e].end : len;
}

bs_status bs_qsnippet(const char *text, size_t len, const bs_qparsed *p, size_t width,
                      bs_search_span **out, size_t *n)
{
    snip_ctx c = { .p = p };
    bs_status st = bs_search_tokenize(text, len, on_tok, &c);
    *out = NULL;
    *n = 0;
    if (st == BS_OK) st = c.st;
    if (st != BS_OK) goto fail;
    size_t from, to, at;
    window(&c, len, width, &from, &to);
    at = from;
    if (from > 0) TRY(st, push_span(out, n, ELLIPSIS, strlen(ELLIPSIS), false));
    for (size_t i = 0; i < c.n; i++) {
        if (!c.v[i].hit || c.v[i].start < from || c.v[i].end > to) continue;
        TRY(st, push_span(out, n, text + at, c.v[i].start - at, false));
        TRY(st, push_span(out, n, text + c.v[i].start, c.v[i].end - c.v[i].start, true));
        at = c.v[i].end;
    }
    TRY(st, push_span(out, n, text + at, to - at, false));
    if (to < len) TRY(st, push_span(out, n, ELLIPSIS, strlen(ELLIPSIS), false));
fail:
    free(c.v);
    if (st != BS_OK) { bs_qspans_free(*out, *n); *out = NULL; *n = 0; }
    return st;
}

void bs_qspans_free(bs_search_span *v, size_t n)
{
    for (size_t i = 0; i < n; i++) free(v[i].text);
    free(v);
}

/* ---- hits ------------------------------------------------------------- */

static char *iri_or_bnode(bs_txn *txn, bs_id id)
{
    bs_term t;
    if (bs_dict_get(txn, id, &t) != BS_OK) return NULL;
    char *s = malloc(t.lex_len + 3);
    if (!s) return NULL;
    size_t k = 0;
    if (t.kind == BS_TERM_BNODE) { memcpy(s, "_:", 2); k = 2; }
    memcpy(s + k, t.lex, t.lex_len);
    s[k + t.lex_len] = 0;
    return s;
}

/* One rdf:type of subj: a labelled specific one before generic ones. */
static bs_id pick_type(bs_qctx *c, bs_id subj)
{
    bs_quad pat = { subj, c->ids.rdf_type, BS_ANY, BS_ANY }, q;
    bs_iter *it;
    bs_id best = 0;
    int best_rank = 9;
    if (!c->ids.rdf_type || bs_qctx_iter(c, &pat, &it) != BS_OK) return 0;
    while (best_rank > 0 && bs_iter_next(it, &q) == BS_OK) {
        if (!bs_qvis_ok(&c->vis, c->txn, q.g) || bs_id_kind(q.o) != BS_TERM_IRI) continue;
        int rank = q.o == c->owl_named_ind || q.o == c->owl_thing ? 3
                 : q.o == c->owl_class || q.o == c->rdfs_class ? 2 : 0;
        if (rank < best_rank) { best = q.o; best_rank = rank; }
    }
    return best;
}

static bs_status add_why(bs_qctx *c, const bs_qparsed *p, size_t gi, const bs_qgm *g,
                         bool expansion, bs_search_hit *h)
{
    bs_search_why *w = &h->why[h->nwhy++];
    memset(w, 0, sizeof *w);
    const bs_qgroup *grp = &p->groups[gi];
    w->word = strdup(grp->alts[expansion ? g->xalt : g->alt].typed);
    if (!w->word) return BS_ERR_NOMEM;
    if (!expansion) {
        w->field = (bs_search_field)g->field;
        w->pred = bs_qterm_str(c->txn, g->pred);
        return BS_OK;
    }
    w->field = BS_FIELD_LABEL;
    w->class_iri = bs_qterm_str(c->txn, g->cls);
    w->class_label = bs_qterm_str(c->txn, g->cls_lit);
    w->via = bs_qterm_str(c->txn, g->via);
    return BS_OK;
}

static bs_status build_why(bs_qctx *c, const bs_qparsed *p, const bs_qresset *rs, size_t i,
                           bs_search_hit *h)
{
    const bs_qgm *g = &rs->gm[i * rs->ngroups];
    bs_status st = BS_OK;
    h->why = calloc(2 * rs->ngroups + 1, sizeof *h->why);
    if (!h->why) return BS_ERR_NOMEM;
    for (size_t j = 0; st == BS_OK && j < rs->ngroups; j++) {
        if (g[j].direct > 0) st = add_why(c, p, j, &g[j], false, h);
        if (st == BS_OK && g[j].expand > 0) st = add_why(c, p, j, &g[j], true, h);
    }
    return st;
}

static bs_status build_snippet(bs_qctx *c, const bs_qparsed *p, const bs_qresset *rs,
                               size_t i, bs_search_hit *h)
{
    const bs_qgm *g = &rs->gm[i * rs->ngroups];
    bs_id lit = 0;
    float best = 0;
    for (size_t j = 0; j < rs->ngroups; j++)
        if (g[j].direct > best) { best = g[j].direct; lit = g[j].lit; }
    bs_term t;
    if (lit && bs_dict_get(c->txn, lit, &t) == BS_OK)
        return bs_qsnippet(t.lex, t.lex_len, p, SNIPPET_WIDTH, &h->snippet, &h->nsnippet);
    if (h->label)
        return bs_qsnippet(h->label, strlen(h->label), p, SNIPPET_WIDTH, &h->snippet, &h->nsnippet);
    return BS_OK;
}

bs_status bs_qhit_build(bs_qctx *c, const bs_qparsed *p, const bs_qresset *rs,
                        size_t i, bs_search_hit *h)
{
    const bs_qres *r = &rs->res[i];
    memset(h, 0, sizeof *h);
    h->score = r->score;
    h->iri = iri_or_bnode(c->txn, r->subj);
    if (!h->iri) return BS_ERR_NOMEM;
    h->label = bs_qlabel(c, r->subj);
    bs_id type = pick_type(c, r->subj);
    if (type) {
        h->type = bs_qterm_str(c->txn, type);
        h->type_label = bs_qlabel(c, type);
        if (!h->type_label && h->type) h->type_label = strdup(bs_qlocal_name(h->type));
    }
    bs_status st = build_why(c, p, rs, i, h);
    if (st == BS_OK) st = build_snippet(c, p, rs, i, h);
    return st;
}
