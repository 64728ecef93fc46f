/* SPDX-License-Identifier: MIT
 * battstore — search query syntax: words (AND), OR, "phrases", word*
 * prefixes, -exclusions, folded into tokens as the index folds them. */
#include "config.h"
#include "search/query_int.h"

#include <stdlib.h>
#include <string.h>

/* One lexical item of a query before it becomes a term. */
typedef struct {
    const char *text;   ///< the words (inside the quotes for a phrase)
    size_t len;
    const char *raw;    ///< as typed, with quotes, '-' and '*'
    size_t raw_len;
    bool neg, prefix, phrase, is_or;
} item;

typedef struct {
    bs_qterm *t;
    bs_status st;
} tok_ctx;

static void add_tok(void *vctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start; (void)end;
    tok_ctx *c = vctx;
    if (c->st != BS_OK) return;
    if (c->t->ntoks >= BS_Q_MAX_TOKS) { c->st = BS_ERR_PARSE; return; }
    char *d = strndup(tok, len);
    if (!d) { c->st = BS_ERR_NOMEM; return; }
    c->t->toks[c->t->ntoks++] = d;
}

static void term_free(bs_qterm *t)
{
    for (size_t i = 0; i < t->ntoks; i++) free(t->toks[i]);
    free(t->toks);
    free(t->typed);
    memset(t, 0, sizeof *t);
}

/* Item → term; a term without tokens (punctuation only) has ntoks 0. */
static bs_status make_term(const item *it, bs_qterm *t)
{
    memset(t, 0, sizeof *t);
    t->toks = calloc(BS_Q_MAX_TOKS, sizeof *t->toks);
    t->typed = strndup(it->raw, it->raw_len);
    if (!t->toks || !t->typed) return BS_ERR_NOMEM;
    tok_ctx c = { t, BS_OK };
    bs_status st = bs_search_tokenize(it->text, it->len, add_tok, &c);
    if (st != BS_OK) return st;
    if (c.st != BS_OK) return c.st;
    t->prefix = it->prefix && t->ntoks > 0;
    return BS_OK;
}

/* Next item at *pp; *pp advances.  BS_END at the end of q. */
static bs_status next_item(const char **pp, item *it)
{
    const char *p = *pp;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (!*p) return BS_END;
    memset(it, 0, sizeof *it);
    it->raw = p;
    if (*p == '-' && p[1] && p[1] != ' ' && p[1] != '\t') { it->neg = true; p++; }
    if (*p == '"') {
        const char *q = strchr(p + 1, '"');
        if (!q) return BS_ERR_PARSE;
        it->phrase = true;
        it->text = p + 1;
        it->len = (size_t)(q - p - 1);
        p = q + 1;
        if (*p == '*') { it->prefix = true; p++; }
    } else {
        it->text = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '"') p++;
        it->len = (size_t)(p - it->text);
        if (it->len && it->text[it->len - 1] == '*') { it->prefix = true; it->len--; }
        it->is_or = !it->neg && it->len == 2 && !it->prefix && !memcmp(it->text, "OR", 2);
    }
    it->raw_len = (size_t)(p - it->raw);
    *pp = p;
    return BS_OK;
}

static bs_status push_group(bs_qparsed *out)
{
    if (out->ngroups >= BS_Q_MAX_GROUPS) return BS_ERR_PARSE;
    bs_qgroup *g = &out->groups[out->ngroups++];
    g->alts = calloc(BS_Q_MAX_ALTS, sizeof *g->alts);
    return g->alts ? BS_OK : BS_ERR_NOMEM;
}

/* Drop terms without tokens, then groups left empty. */
static void compact(bs_qparsed *p)
{
    size_t ng = 0;
    for (size_t i = 0; i < p->ngroups; i++) {
        bs_qgroup *g = &p->groups[i];
        size_t na = 0;
        for (size_t j = 0; j < g->nalts; j++) {
            if (g->alts[j].ntoks) g->alts[na++] = g->alts[j];
            else term_free(&g->alts[j]);
        }
        g->nalts = na;
        if (na) p->groups[ng++] = *g;
        else free(g->alts);
    }
    p->ngroups = ng;
    size_t nn = 0;
    for (size_t i = 0; i < p->nnots; i++) {
        if (p->nots[i].ntoks) p->nots[nn++] = p->nots[i];
        else term_free(&p->nots[i]);
    }
    p->nnots = nn;
}

static bs_status add_item(bs_qparsed *out, const item *it, bool join)
{
    bs_status st;
    if (it->neg) {
        if (join || out->nnots >= BS_Q_MAX_NOTS) return BS_ERR_PARSE;
        return make_term(it, &out->nots[out->nnots++]);
    }
    if (!join && (st = push_group(out)) != BS_OK) return st;
    bs_qgroup *g = &out->groups[out->ngroups - 1];
    if (g->nalts >= BS_Q_MAX_ALTS) return BS_ERR_PARSE;
    return make_term(it, &g->alts[g->nalts++]);
}

bs_status bs_qparse(const char *q, bs_qparsed *out)
{
    bs_status st;
    memset(out, 0, sizeof *out);
    out->groups = calloc(BS_Q_MAX_GROUPS, sizeof *out->groups);
    out->nots = calloc(BS_Q_MAX_NOTS, sizeof *out->nots);
    if (!out->groups || !out->nots) return BS_ERR_NOMEM;
    if (!q) return BS_ERR_PARSE;
    const char *p = q;
    item it;
    bool pending_or = false, last_neg = true; /* nothing to join to yet */
    while ((st = next_item(&p, &it)) == BS_OK) {
        if (it.is_or) {
            if (pending_or || last_neg) return BS_ERR_PARSE;
            pending_or = true;
            continue;
        }
        if (pending_or && it.neg) return BS_ERR_PARSE;
        TRY(st, add_item(out, &it, pending_or));
        pending_or = false;
        last_neg = it.neg;
    }
    if (st != BS_END) return st;
    if (pending_or) return BS_ERR_PARSE;
    compact(out);
    return out->ngroups ? BS_OK : BS_ERR_PARSE;
fail:
    return st;
}

void bs_qparsed_free(bs_qparsed *p)
{
    if (!p) return;
    for (size_t i = 0; p->groups && i < p->ngroups; i++) {
        for (size_t j = 0; j < p->groups[i].nalts; j++) term_free(&p->groups[i].alts[j]);
        free(p->groups[i].alts);
    }
    for (size_t i = 0; p->nots && i < p->nnots; i++) term_free(&p->nots[i]);
    free(p->groups);
    free(p->nots);
    memset(p, 0, sizeof *p);
}
