/* SPDX-License-Identifier: MIT
 * battstore — a stand-in for the executor's interfaces that the expression
 * module uses (terms, constants, fresh blank nodes, now, EXISTS), all in
 * memory, for unit tests of expr*.c, func*.c, cast.c, agg.c. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expr_fake.h"

void fake_init(bs_sp_exec *ex)
{
    memset(ex, 0, sizeof *ex);
    ex->now.tv_sec = 1276947000; /* 2010-06-19T11:30:00Z */
    ex->now.tv_nsec = 250000000;
    ex->q.nvars = FAKE_NVARS;
}

void fake_clear(bs_sp_exec *ex)
{
    for (size_t i = 0; i < ex->nterms; i++) free(ex->terms[i]);
    free(ex->terms);
    free(ex->lens);
    memset(ex, 0, sizeof *ex);
}

bs_status bs_sp_term(bs_sp_exec *ex, bs_id id, bs_term *out)
{
    uint64_t seq = id & ((((uint64_t)1) << BS_ID_SEQ_BITS) - 1);
    if (!bs_sp_is_local(id) || seq == 0 || seq > ex->nterms) return BS_NOT_FOUND;
    return bs_term_decode(ex->terms[seq - 1], ex->lens[seq - 1], out);
}

bs_status bs_sp_match_score(bs_sp_exec *ex, bs_id lit, const char *q, size_t len,
                            double *out)
{
    (void)ex; (void)lit; (void)q; (void)len;
    *out = 0;
    return BS_ERR_UNSUPPORTED; /* no text index in the fake */
}

bs_status bs_sp_intern(bs_sp_exec *ex, const bs_term *t, bs_id *out)
{
    size_t n = bs_term_encoded_size(t);
    uint8_t *buf = malloc(n);
    if (!buf) return BS_ERR_NOMEM;
    bs_status st = bs_term_encode(t, buf, n, &n);
    if (st != BS_OK) {
        free(buf);
        return st;
    }
    for (size_t i = 0; i < ex->nterms; i++)
        if (ex->lens[i] == n && !memcmp(ex->terms[i], buf, n)) {
            free(buf);
            *out = BS_SP_LOCAL | bs_id_make(t->kind, i + 1);
            return BS_OK;
        }
    if (ex->nterms == ex->cap) {
        size_t cap = ex->cap ? 2 * ex->cap : 64;
        uint8_t **tt = realloc(ex->terms, cap * sizeof *tt);
        if (!tt) { free(buf); return BS_ERR_NOMEM; }
        ex->terms = tt;
        size_t *ll = realloc(ex->lens, cap * sizeof *ll);
        if (!ll) { free(buf); return BS_ERR_NOMEM; }
        ex->lens = ll;
        ex->cap = cap;
    }
    ex->terms[ex->nterms] = buf;
    ex->lens[ex->nterms++] = n;
    *out = BS_SP_LOCAL | bs_id_make(t->kind, ex->nterms);
    return BS_OK;
}

bs_status bs_sp_fresh_bnode(bs_sp_exec *ex, bs_id *out)
{
    char label[32];
    int n = snprintf(label, sizeof label, "fresh%u", ++ex->fresh);
    bs_term t = bs_term_bnode(label, (size_t)n);
    return bs_sp_intern(ex, &t, out);
}

bs_id bs_sp_const_id(bs_sp_exec *ex, int cid)
{
    return cid >= 0 && cid < FAKE_NCONSTS ? ex->cids[cid] : 0;
}

struct timespec bs_sp_exec_now(const bs_sp_exec *ex) { return ex->now; }

const bs_sparql *bs_sp_exec_query(bs_sp_exec *ex) { return &ex->q; }

bs_status bs_sp_mem(bs_sp_exec *ex, long long delta)
{
    ex->mem += delta;
    return ex->mem_cap && ex->mem > ex->mem_cap ? BS_ERR_LIMIT : BS_OK;
}

bs_id bs_sp_active_graph(bs_sp_exec *ex)
{
    (void)ex;
    return BS_SP_DEFAULT_GRAPH;
}

/* EXISTS: the fake's answer is whether slot 0 of the row is bound. */
bs_status bs_sp_exists(bs_sp_exec *ex, const bs_sp_node *pattern, bs_id graph,
                       const bs_id *row, bool *out)
{
    (void)pattern;
    (void)graph;
    ex->exists_calls++;
    *out = row && row[0] != 0;
    return BS_OK;
}
