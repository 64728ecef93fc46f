/* SPDX-License-Identifier: MIT
 * battstore — aggregates (§18.5 set functions): COUNT, SUM, AVG, MIN, MAX,
 *             SAMPLE, GROUP_CONCAT, with DISTINCT. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "sparql/expr_int.h"

struct bs_sp_agg {
    bs_sp_exec *ex;
    bs_sp_agg_fn fn;
    bool distinct;
    const char *sep;
    size_t sepn;
    bool err;        ///< SUM / AVG / GROUP_CONCAT: an error was fed
    int64_t count;
    bs_sp_val acc;   ///< SUM / AVG running sum (numeric)
    bs_id best;      ///< MIN / MAX / SAMPLE
    char *buf;       ///< GROUP_CONCAT
    size_t n, cap;
    bs_id *seen;     ///< DISTINCT: open-addressing set of ids
    size_t nseen, seencap;
    long long held;  ///< bytes accounted with bs_sp_mem
};

/* Account for a buffer growing from old to new bytes (the query's cap). */
static bs_status account(bs_sp_agg *a, size_t old, size_t new)
{
    long long d = (long long)new - (long long)old;
    a->held += d; /* counted even when it passes the cap */
    return bs_sp_mem(a->ex, d);
}

bs_status bs_sp_agg_new(bs_sp_exec *ex, const bs_sp_aggspec *spec,
                        bs_sp_agg **out)
{
    bs_sp_agg *a = calloc(1, sizeof *a);
    *out = NULL;
    if (!a) return BS_ERR_NOMEM;
    a->ex = ex;
    a->fn = spec->fn;
    a->distinct = spec->distinct && spec->arg;
    a->sep = spec->separator ? spec->separator : " ";
    a->sepn = strlen(a->sep);
    bs_sp_val_int(&a->acc, 0);
    *out = a;
    return BS_OK;
}

void bs_sp_agg_free(bs_sp_agg *a)
{
    if (!a) return;
    if (a->held) bs_sp_mem(a->ex, -a->held);
    free(a->buf);
    free(a->seen);
    free(a);
}

static size_t slot_of(bs_id id, size_t cap)
{
    uint64_t h = id * 0x9E3779B97F4A7C15ULL;
    return (size_t)(h >> 7) & (cap - 1);
}

/* Add id to the DISTINCT set: *fresh = whether it was new. */
static bs_status seen_add(bs_sp_agg *a, bs_id id, bool *fresh)
{
    if (2 * (a->nseen + 1) > a->seencap) {
        size_t cap = a->seencap ? 2 * a->seencap : 16;
        bs_status st = account(a, a->seencap * sizeof *a->seen, cap * sizeof *a->seen);
        if (st != BS_OK) return st;
        bs_id *s = calloc(cap, sizeof *s);
        if (!s) return BS_ERR_NOMEM;
        for (size_t i = 0; i < a->seencap; i++)
            if (a->seen[i]) {
                size_t j = slot_of(a->seen[i], cap);
                while (s[j]) j = (j + 1) & (cap - 1);
                s[j] = a->seen[i];
            }
        free(a->seen);
        a->seen = s;
        a->seencap = cap;
    }
    size_t j = slot_of(id, a->seencap);
    while (a->seen[j] && a->seen[j] != id) j = (j + 1) & (a->seencap - 1);
    *fresh = !a->seen[j];
    if (*fresh) {
        a->seen[j] = id;
        a->nseen++;
    }
    return BS_OK;
}

static bs_status concat_step(bs_sp_agg *a, bs_id id)
{
    bs_term t;
    if (bs_sp_term(a->ex, id, &t) != BS_OK || t.kind == BS_TERM_BNODE) {
        a->err = true;
        return BS_OK;
    }
    size_t need = a->n + (a->count ? a->sepn : 0) + t.lex_len + 1;
    if (need > a->cap) {
        size_t cap = need * 2;
        bs_status st = account(a, a->cap, cap);
        if (st != BS_OK) return st;
        char *b = realloc(a->buf, cap);
        if (!b) return BS_ERR_NOMEM;
        a->buf = b;
        a->cap = cap;
    }
    if (a->count) {
        memcpy(a->buf + a->n, a->sep, a->sepn);
        a->n += a->sepn;
    }
    if (t.lex_len) memcpy(a->buf + a->n, t.lex, t.lex_len);
    a->n += t.lex_len;
    return BS_OK;
}

bs_status bs_sp_agg_step(bs_sp_agg *a, bs_id value)
{
    bs_status st;
    if (!value) { /* the argument raised an error */
        if (a->fn == BS_AGG_SUM || a->fn == BS_AGG_AVG || a->fn == BS_AGG_GROUP_CONCAT)
            a->err = true;
        return BS_OK;
    }
    if (a->distinct) {
        bool fresh;
        if ((st = seen_add(a, value, &fresh)) != BS_OK) return st;
        if (!fresh) return BS_OK;
    }
    switch (a->fn) {
    case BS_AGG_SUM:
    case BS_AGG_AVG:
        if (!a->err) {
            bs_sp_val v, r;
            bs_sp_val_from_id(a->ex, value, &v);
            bs_sp_arith(NULL, BS_EX_ADD, &a->acc, &v, &r);
            if (r.t == BS_V_ERR) a->err = true;
            else a->acc = r;
        }
        break;
    case BS_AGG_MIN:
    case BS_AGG_MAX:
        if (!a->best) {
            a->best = value;
        } else {
            int c = bs_sp_order_cmp(a->ex, value, a->best);
            if (a->fn == BS_AGG_MIN ? c < 0 : c > 0) a->best = value;
        }
        break;
    case BS_AGG_SAMPLE:
        if (!a->best) a->best = value;
        break;
    case BS_AGG_GROUP_CONCAT:
        if (!a->err && (st = concat_step(a, value)) != BS_OK) return st;
        break;
    default: break;
    }
    a->count++;
    return BS_OK;
}

bs_status bs_sp_agg_result(bs_sp_agg *a, bs_id *out)
{
    bs_sp_ectx c = {a->ex, NULL, NULL};
    bs_sp_val v;
    bs_status st = BS_OK;
    *out = 0;
    switch (a->fn) {
    case BS_AGG_COUNT: bs_sp_val_int(&v, a->count); break;
    case BS_AGG_SUM:
        if (a->err) return BS_OK;
        v = a->acc;
        break;
    case BS_AGG_AVG:
        if (a->err) return BS_OK;
        if (!a->count) {
            bs_sp_val_int(&v, 0);
        } else {
            bs_sp_val n;
            bs_sp_val_int(&n, a->count);
            bs_sp_arith(&c, BS_EX_DIV, &a->acc, &n, &v);
        }
        break;
    case BS_AGG_MIN:
    case BS_AGG_MAX:
    case BS_AGG_SAMPLE:
        *out = a->best;
        return BS_OK;
    case BS_AGG_GROUP_CONCAT:
        if (a->err) return BS_OK;
        bs_sp_val_str(&v, a->buf ? a->buf : "", a->n, NULL, 0);
        break;
    default: return BS_OK;
    }
    st = bs_sp_val_intern(&c, &v, out);
    bs_sp_arena_free(&c);
    return st;
}
