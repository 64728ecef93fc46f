/* SPDX-License-Identifier: MIT
 * battstore — label completion: label-field literals holding the earlier
 * words as tokens and a token starting with the last one; classes and
 * short labels first, distinct labels, visible ones only.
 *
 * Speed: postings carry each label's length in tokens, so candidates are
 * visited shortest first and the visit stops once no later one can enter
 * the top list; only those visited are resolved to their resource. */
#include "config.h"
#include "search/query_int.h"

#include <stdlib.h>
#include <string.h>

#define NONCLASS_PENALTY 2   ///< a non-class label ranks as if this many tokens longer
#define MAX_CANDIDATES 200000

typedef struct {
    bs_id lit;
    uint8_t len;
} cand;

typedef struct {
    cand *v;
    size_t n, cap;
} cands;

typedef struct {
    char *label;
    bs_id subj;
    unsigned key;     ///< len + penalty
    size_t bytes;
} entry;

static bs_status on_label_postings(void *vctx, const char *tok, size_t toklen,
                                   const bs_posting *ps, size_t n)
{
    (void)tok; (void)toklen;
    cands *c = vctx;
    for (size_t i = 0; i < n; i++) {
        if (ps[i].field != BS_FIELD_LABEL) continue;
        if (c->n == c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 256;
            cand *v = realloc(c->v, cap * sizeof *v);
            if (!v) return BS_ERR_NOMEM;
            c->v = v;
            c->cap = cap;
        }
        c->v[c->n++] = (cand){ ps[i].doc, ps[i].len };
    }
    return c->n >= MAX_CANDIDATES ? BS_END : BS_OK;
}

static int cmp_cand_lit(const void *a, const void *b)
{
    bs_id x = ((const cand *)a)->lit, y = ((const cand *)b)->lit;
    return x < y ? -1 : x > y;
}

/* Label postings of tok (or its prefix), ascending by literal, distinct
 * (raw: as the index gives them, a literal once per token it holds). */
static bs_status label_cands(bs_txn *txn, const char *tok, bool prefix, bool raw, cands *out)
{
    bs_status st = bs_tix_scan(txn, tok, strlen(tok), prefix, on_label_postings, out);
    if (st == BS_END || st == BS_NOT_FOUND) st = BS_OK;
    if (st != BS_OK || out->n < 2 || raw) return st;
    if (out->n > 1) qsort(out->v, out->n, sizeof *out->v, cmp_cand_lit);
    size_t k = 0;
    for (size_t i = 1; i < out->n; i++)
        if (out->v[i].lit != out->v[k].lit) out->v[++k] = out->v[i];
    out->n = k + 1;
    return BS_OK;
}

/* a := a ∩ b (both ascending). */
static void cands_intersect(cands *a, const cands *b)
{
    size_t i = 0, j = 0, k = 0;
    while (i < a->n && j < b->n) {
        if (a->v[i].lit < b->v[j].lit) i++;
        else if (a->v[i].lit > b->v[j].lit) j++;
        else a->v[k++] = a->v[i], i++, j++;
    }
    a->n = k;
}

typedef struct {
    char **toks;
    size_t n;
    bs_status st;
} toks;

static void on_tok(void *vctx, const char *tok, size_t len, size_t s, size_t e)
{
    (void)s; (void)e;
    toks *t = vctx;
    if (t->st != BS_OK || t->n >= 16) return;
    if (!(t->toks[t->n] = strndup(tok, len))) t->st = BS_ERR_NOMEM;
    else t->n++;
}

/* The visible subject a label literal names (through a label-field
 * predicate), or 0. */
static bs_id labelled(bs_qctx *c, bs_iter **it, bs_id lit)
{
    bs_quad pat = { BS_ANY, BS_ANY, lit, BS_ANY }, q;
    if ((*it ? bs_iter_reset(*it, &pat) : bs_iter_new(c->txn, &pat, it)) != BS_OK) return 0;
    while (bs_iter_next(*it, &q) == BS_OK)
        if (bs_qctx_pred_field(c, q.p) == BS_FIELD_LABEL &&
            bs_qvis_ok(&c->vis, c->txn, q.g))
            return q.s;
    return 0;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    if (x->bytes != y->bytes) return x->bytes < y->bytes ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* Worst key among the top `limit` entries (or UINT_MAX when fewer). */
static unsigned cutoff(entry *v, size_t n, size_t limit)
{
    if (n < limit) return ~0u;
    if (n > 1) qsort(v, n, sizeof *v, cmp_entry);
    return v[limit - 1].key;
}

static bool seen_label(const entry *v, size_t n, const char *l)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].label, l)) return true;
    return false;
}

/* cs->v in runs by length (a counting sort): run len is
 * v[start[len]..start[len + 1]).  Sorting all of a short prefix's
 * candidates (hundreds of thousands on a big store) by (len, literal)
 * cost most of a suggestion; the visit sorts only the runs it reaches. */
static bs_status by_length(cands *cs, size_t start[257])
{
    size_t pos[256] = { 0 };
    for (size_t i = 0; i < cs->n; i++) pos[cs->v[i].len]++;
    start[0] = 0;
    for (size_t b = 0; b < 256; b++) {
        start[b + 1] = start[b] + pos[b];
        pos[b] = start[b];
    }
    cand *v = malloc((cs->n ? cs->n : 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    for (size_t i = 0; i < cs->n; i++) v[pos[cs->v[i].len]++] = cs->v[i];
    free(cs->v);
    cs->v = v;
    cs->cap = cs->n ? cs->n : 1;
    return BS_OK;
}

/* v[0..n) ascending by literal, distinct; the new n. */
static size_t sort_distinct(cand *v, size_t n)
{
    if (n < 2) return n;
    qsort(v, n, sizeof *v, cmp_cand_lit);
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (v[i].lit != v[k].lit) v[++k] = v[i];
    return k + 1;
}

/* Candidate x into the top entries v[0..*n) (cap of them) unless it
 * cannot enter; *worst updated. */
static bs_status visit(bs_qctx *c, bs_iter **it, const cand *x, entry *v, size_t *n,
                       size_t cap, size_t limit, unsigned *worst)
{
    bs_id subj = labelled(c, it, x->lit);
    if (!subj) return BS_OK;
    unsigned key = x->len + (bs_qis_class(c, subj) ? 0 : NONCLASS_PENALTY);
    if (key > *worst) return BS_OK;
    bs_term t;
    if (bs_dict_get(c->txn, x->lit, &t) != BS_OK) return BS_OK;
    char *label = strndup(t.lex, t.lex_len);
    if (!label) return BS_ERR_NOMEM;
    if (seen_label(v, *n, label)) { free(label); return BS_OK; }
    if (*n == cap) { /* drop the tail beyond limit */
        if (*n > 1) qsort(v, *n, sizeof *v, cmp_entry);
        for (size_t k = limit; k < *n; k++) free(v[k].label);
        *n = limit;
    }
    v[(*n)++] = (entry){ label, subj, key, t.lex_len };
    *worst = cutoff(v, *n, limit);
    return BS_OK;
}

/* Visit candidates shortest first (then by literal), keep the best
 * `limit` entries. */
static bs_status rank(bs_qctx *c, cands *cs, size_t limit, entry **out, size_t *nout)
{
    bs_iter *it = NULL;
    bs_status st = BS_OK;
    size_t cap = 4 * limit + 16, n = 0, start[257];
    entry *v = calloc(cap, sizeof *v);
    unsigned worst = ~0u;
    if (!v) return BS_ERR_NOMEM;
    TRY(st, by_length(cs, start));
    for (unsigned len = 0; len < 256 && len <= worst; len++) {
        cand *run = cs->v + start[len];
        size_t m = sort_distinct(run, start[len + 1] - start[len]);
        for (size_t i = 0; i < m && len <= worst; i++) { /* no later one can enter */
            TRY(st, bs_qclock_check(&c->clock));
            TRY(st, visit(c, &it, &run[i], v, &n, cap, limit, &worst));
        }
    }
    if (n > 1) qsort(v, n, sizeof *v, cmp_entry);
    for (size_t k = limit; k < n; k++) free(v[k].label);
    *out = v;
    *nout = n < limit ? n : limit;
    v = NULL;
fail:
    bs_iter_free(it);
    if (v) {
        for (size_t k = 0; k < n; k++) free(v[k].label);
        free(v);
    }
    return st;
}

static bs_status candidates(bs_txn *txn, const toks *t, cands *out)
{
    /* one word: unsorted (rank() orders what it visits) */
    bs_status st = label_cands(txn, t->toks[t->n - 1], true, t->n == 1, out);
    for (size_t i = 0; st == BS_OK && i + 1 < t->n && out->n; i++) {
        cands w = { 0 };
        st = label_cands(txn, t->toks[i], false, false, &w);
        if (st == BS_OK) cands_intersect(out, &w);
        free(w.v);
    }
    return st;
}

bs_status bs_search_suggest(bs_search *s, bs_txn *txn, const char *prefix, size_t limit,
                            bool (*visible)(void *ctx, bs_id graph, bs_access level),
                            void *visible_ctx, bs_search_suggestion **out, size_t *n)
{
    char *tokv[16];
    toks t = { tokv, 0, BS_OK };
    cands cs = { 0 };
    entry *e = NULL;
    size_t ne = 0;
    bs_qctx c;
    bs_status st;
    *out = NULL;
    *n = 0;
    if (!bs_search_fresh_in(s, txn)) return BS_ERR_UNSUPPORTED;
    if (!prefix) return BS_ERR_ARG;
    if (limit == 0) limit = 10;
    if (limit > 100) limit = 100;
    TRY(st, bs_qctx_init(&c, s, txn, visible, visible_ctx, 0, NULL));
    TRY(st, bs_search_tokenize(prefix, strlen(prefix), on_tok, &t));
    TRY(st, t.st);
    if (t.n == 0) goto fail; /* nothing to complete: no suggestions */
    TRY(st, candidates(txn, &t, &cs));
    TRY(st, rank(&c, &cs, limit, &e, &ne));
    *out = calloc(ne + 1, sizeof **out);
    if (!*out) { st = BS_ERR_NOMEM; goto fail; }
    for (size_t i = 0; i < ne; i++) {
        bs_search_suggestion *g = &(*out)[i];
        g->label = e[i].label;
        e[i].label = NULL;
        g->iri = bs_qterm_str(txn, e[i].subj);
        bs_quad pat = { e[i].subj, c.ids.rdf_type, BS_ANY, BS_ANY }, q;
        bs_iter *it;
        if (c.ids.rdf_type && bs_iter_new(txn, &pat, &it) == BS_OK) {
            while (!g->type && bs_iter_next(it, &q) == BS_OK)
                if (bs_qvis_ok(&c.vis, txn, q.g) && q.o != c.owl_named_ind)
                    g->type = bs_qterm_str(txn, q.o);
            bs_iter_free(it);
        }
        (*n)++;
        if (!g->iri) { st = BS_ERR_NOMEM; goto fail; }
    }
fail:
    for (size_t i = 0; i < t.n; i++) free(tokv[i]);
    for (size_t i = 0; i < ne; i++) free(e[i].label);
    free(e);
    free(cs.v);
    bs_qctx_free(&c);
    if (st != BS_OK) {
        bs_search_suggestions_free(*out, *n);
        *out = NULL;
        *n = 0;
    }
    return st;
}

void bs_search_suggestions_free(bs_search_suggestion *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].label);
        free(v[i].iri);
        free(v[i].type);
    }
    free(v);
}
