/* SPDX-License-Identifier: MIT
 * battstore — builtin functions on terms (§17.4.1–17.4.2): STR, LANG,
 *             DATATYPE, IRI, BNODE, STRLANG, STRDT, sameTerm, is*, and the
 *             dispatch of BS_EX_FUNC to the other function families. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sparql/expr_int.h"

#define RDF_LANGSTRING "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

/* ---- BNODE(str): one blank node per string within one solution --------------
 * The executor evaluates the expressions of one solution one after the
 * other, extending the row with each result; a row that extends the last
 * one seen is the same solution.  Kept per thread (an exec is used by one
 * thread at a time) and keyed by the exec and its creation time. */
typedef struct {
    char *s;
    size_t n;
    bs_id id;
} bnode_ent;

static _Thread_local struct {
    const bs_sp_exec *ex;
    struct timespec now;
    bs_id *row;
    size_t nvars;
    bnode_ent *ents;
    size_t nents, cap;
} bmap;

static void bmap_reset(void)
{
    for (size_t i = 0; i < bmap.nents; i++) free(bmap.ents[i].s);
    bmap.nents = 0;
}

/* Is row the solution of the last call (equal on every slot bound then)? */
static bool bmap_same_row(bs_sp_exec *ex, const bs_id *row, size_t nvars)
{
    struct timespec now = bs_sp_exec_now(ex);
    if (bmap.ex != ex || bmap.now.tv_sec != now.tv_sec ||
        bmap.now.tv_nsec != now.tv_nsec || bmap.nvars != nvars)
        return false;
    for (size_t i = 0; i < nvars; i++)
        if (bmap.row[i] && bmap.row[i] != row[i]) return false;
    return true;
}

static bs_status bmap_switch_row(bs_sp_exec *ex, const bs_id *row)
{
    const bs_sparql *q = bs_sp_exec_query(ex);
    size_t nvars = q ? q->nvars : 0;
    if (!row) nvars = 0;
    if (!bmap_same_row(ex, row, nvars)) {
        bmap_reset();
        if (bmap.nvars != nvars) {
            bs_id *r = realloc(bmap.row, (nvars ? nvars : 1) * sizeof *r);
            if (!r) return BS_ERR_NOMEM;
            bmap.row = r;
            bmap.nvars = nvars;
        }
        bmap.ex = ex;
        bmap.now = bs_sp_exec_now(ex);
    }
    if (nvars) memcpy(bmap.row, row, nvars * sizeof *row);
    return BS_OK;
}

bs_status bs_sp_bnode_for(bs_sp_ectx *c, const char *s, size_t n, bs_sp_val *out)
{
    bs_status st = bmap_switch_row(c->ex, c->row);
    bs_id id = 0;
    if (st != BS_OK) return st;
    for (size_t i = 0; i < bmap.nents && !id; i++)
        if (bmap.ents[i].n == n && !memcmp(bmap.ents[i].s, s, n)) id = bmap.ents[i].id;
    if (!id) {
        if (bmap.nents == bmap.cap) {
            size_t cap = bmap.cap ? 2 * bmap.cap : 8;
            bnode_ent *e = realloc(bmap.ents, cap * sizeof *e);
            if (!e) return BS_ERR_NOMEM;
            bmap.ents = e;
            bmap.cap = cap;
        }
        if ((st = bs_sp_fresh_bnode(c->ex, &id)) != BS_OK) return st;
        char *copy = malloc(n + 1);
        if (!copy) return BS_ERR_NOMEM;
        memcpy(copy, s, n);
        bmap.ents[bmap.nents++] = (bnode_ent){copy, n, id};
    }
    bs_sp_val_from_id(c->ex, id, out);
    return BS_OK;
}

/* ---- term functions ------------------------------------------------------------ */
/// The lexical form of a literal value (computed numbers formatted).
static bs_status lex_of(bs_sp_ectx *c, const bs_sp_val *v, const char **s, size_t *n)
{
    bs_term t;
    bs_status st = bs_sp_val_term(c, v, &t);
    if (st != BS_OK) return st;
    *s = t.lex;
    *n = t.lex_len;
    return BS_OK;
}

static bs_status fn_str(bs_sp_ectx *c, const bs_sp_val *a, bs_sp_val *out)
{
    const char *s;
    size_t n;
    if (a->t == BS_V_ERR || a->t == BS_V_BNODE) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    bs_status st = lex_of(c, a, &s, &n);
    if (st == BS_OK) bs_sp_val_str(out, s, n, NULL, 0);
    return st;
}

static bs_status fn_datatype(bs_sp_ectx *c, const bs_sp_val *a, bs_sp_val *out)
{
    bs_term t;
    if (!bs_sp_is_lit(a)) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    bs_status st = bs_sp_val_term(c, a, &t);
    if (st != BS_OK) return st;
    memset(out, 0, sizeof *out);
    out->t = BS_V_IRI;
    if (t.kind == BS_TERM_LANG) {
        out->s = RDF_LANGSTRING;
        out->n = sizeof RDF_LANGSTRING - 1;
    } else if (t.kind == BS_TERM_LITERAL) {
        out->s = BS_XSD_STRING;
        out->n = sizeof BS_XSD_STRING - 1;
    } else {
        out->s = t.extra;
        out->n = t.extra_len;
    }
    return BS_OK;
}

/* RFC 4647 basic filtering. */
static bool lang_matches(const char *tag, size_t tn, const char *rng, size_t rn)
{
    if (rn == 1 && rng[0] == '*') return tn > 0;
    if (rn > tn || strncasecmp(tag, rng, rn)) return false;
    return rn == tn || tag[rn] == '-';
}

static bool is_simple(const bs_sp_val *v) { return v->t == BS_V_STR; }

static bs_status fn_iri(bs_sp_ectx *c, const bs_sp_val *a, bs_sp_val *out)
{
    if (a->t == BS_V_IRI)
        *out = *a;
    else if (a->t == BS_V_STR)
        return bs_sp_iri_of(c, a->s, a->n, out);
    else
        bs_sp_val_err(out);
    return BS_OK;
}

static bs_status fn_bnode(bs_sp_ectx *c, const bs_sp_val *a, size_t nargs,
                          bs_sp_val *out)
{
    if (nargs == 0) {
        bs_id id;
        bs_status st = bs_sp_fresh_bnode(c->ex, &id);
        if (st == BS_OK) bs_sp_val_from_id(c->ex, id, out);
        return st;
    }
    if (!is_simple(a)) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    return bs_sp_bnode_for(c, a->s, a->n, out);
}

static void fn_strdt(const bs_sp_val *a, const bs_sp_val *b, bs_sp_val *out)
{
    if (!is_simple(a) || b->t != BS_V_IRI) {
        bs_sp_val_err(out);
        return;
    }
    bs_term t = bs_term_literal(a->s, a->n, NULL, 0, b->s, b->n);
    bs_sp_val_from_term(&t, 0, out);
}

static void fn_strlang(const bs_sp_val *a, const bs_sp_val *b, bs_sp_val *out)
{
    if (!is_simple(a) || !is_simple(b) || b->n == 0)
        bs_sp_val_err(out);
    else
        bs_sp_val_str(out, a->s, a->n, b->s, b->n);
}

/* Functions taking 1-2 plain arguments. */
static bs_status fn_term(bs_sp_ectx *c, int fn, bs_sp_val *a, size_t nargs,
                         bs_sp_val *out, bool *done)
{
    *done = true;
    bs_sp_val *x = nargs > 0 ? &a[0] : NULL, *y = nargs > 1 ? &a[1] : NULL;
    switch (fn) {
    case BS_FN_STR: return fn_str(c, x, out);
    case BS_FN_LANG:
        if (bs_sp_is_lit(x))
            bs_sp_val_str(out, x->t == BS_V_LANG ? x->x : "",
                          x->t == BS_V_LANG ? x->xn : 0, NULL, 0);
        else
            bs_sp_val_err(out);
        return BS_OK;
    case BS_FN_LANGMATCHES:
        if (is_simple(x) && is_simple(y))
            bs_sp_val_bool(out, lang_matches(x->s, x->n, y->s, y->n));
        else
            bs_sp_val_err(out);
        return BS_OK;
    case BS_FN_DATATYPE: return fn_datatype(c, x, out);
    case BS_FN_IRI:
    case BS_FN_URI: return fn_iri(c, x, out);
    case BS_FN_BNODE: return fn_bnode(c, x, nargs, out);
    case BS_FN_STRLANG: fn_strlang(x, y, out); return BS_OK;
    case BS_FN_STRDT: fn_strdt(x, y, out); return BS_OK;
    case BS_FN_SAMETERM:
        if (x->t == BS_V_ERR || y->t == BS_V_ERR) bs_sp_val_err(out);
        else bs_sp_val_bool(out, bs_sp_val_same(x, y));
        return BS_OK;
    case BS_FN_ISIRI:
    case BS_FN_ISURI:
    case BS_FN_ISBLANK:
    case BS_FN_ISLITERAL:
    case BS_FN_ISNUMERIC:
        if (x->t == BS_V_ERR) bs_sp_val_err(out);
        else bs_sp_val_bool(out, fn == BS_FN_ISBLANK ? x->t == BS_V_BNODE
                                 : fn == BS_FN_ISLITERAL ? bs_sp_is_lit(x)
                                 : fn == BS_FN_ISNUMERIC ? bs_sp_is_num(x)
                                 : x->t == BS_V_IRI);
        return BS_OK;
    default:
        *done = false;
        return BS_OK;
    }
}

/* Arity of each builtin: min, max (-1 = any). */
static bool arity_ok(int fn, size_t n)
{
    switch (fn) {
    case BS_FN_BNODE: return n <= 1;
    case BS_FN_RAND: case BS_FN_NOW: case BS_FN_UUID: case BS_FN_STRUUID:
        return n == 0;
    case BS_FN_CONCAT: case BS_FN_COALESCE: return true;
    case BS_FN_SUBSTR: return n == 2 || n == 3;
    case BS_FN_REGEX: return n == 2 || n == 3;
    case BS_FN_REPLACE: return n == 3 || n == 4;
    case BS_FN_LANGMATCHES: case BS_FN_CONTAINS: case BS_FN_STRSTARTS:
    case BS_FN_STRENDS: case BS_FN_STRBEFORE: case BS_FN_STRAFTER:
    case BS_FN_STRLANG: case BS_FN_STRDT: case BS_FN_SAMETERM:
        return n == 2;
    case BS_FN_IF: return n == 3;
    default: return n == 1;
    }
}

bs_status bs_sp_func(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *args,
                     size_t nargs, bs_sp_val *out)
{
    bool done;
    bs_status st;
    if (!arity_ok(e->fn, nargs)) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    if ((st = fn_term(c, e->fn, args, nargs, out, &done)) != BS_OK || done)
        return st;
    switch (e->fn) {
    case BS_FN_REGEX:
    case BS_FN_REPLACE: return bs_sp_func_regex(c, e->fn, args, nargs, out);
    case BS_FN_ABS: case BS_FN_CEIL: case BS_FN_FLOOR: case BS_FN_ROUND:
    case BS_FN_RAND:
        return bs_sp_func_num(c, e->fn, args, nargs, out);
    case BS_FN_YEAR: case BS_FN_MONTH: case BS_FN_DAY: case BS_FN_HOURS:
    case BS_FN_MINUTES: case BS_FN_SECONDS: case BS_FN_TIMEZONE:
    case BS_FN_TZ: case BS_FN_NOW:
        return bs_sp_func_date(c, e->fn, args, nargs, out);
    case BS_FN_MD5: case BS_FN_SHA1: case BS_FN_SHA256: case BS_FN_SHA384:
    case BS_FN_SHA512: case BS_FN_UUID: case BS_FN_STRUUID:
        return bs_sp_func_hash(c, e->fn, args, nargs, out);
    default:
        return bs_sp_func_string(c, e->fn, args, nargs, out);
    }
}
