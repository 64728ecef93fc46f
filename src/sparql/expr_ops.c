/* SPDX-License-Identifier: MIT
 * battstore — operators on values: comparison (=, <, ...), sameTerm,
 *             arithmetic with numeric type promotion, effective boolean
 *             value, and the ORDER BY total order. */
#include "config.h"
#include <math.h>
#include <strings.h>
#include <string.h>
#include "sparql/expr_int.h"

static bool bytes_eq(const char *a, size_t an, const char *b, size_t bn)
{
    return an == bn && (!an || !memcmp(a, b, an));
}

/// Whether dt is xsd:boolean or a numeric XSD datatype.
bool bs_sp_dt_numeric_or_bool(const char *dt, size_t n)
{
    static const char *const names[] = {
        "boolean", "decimal", "float", "double", "integer", "int", "long",
        "short", "byte", "nonNegativeInteger", "positiveInteger",
        "nonPositiveInteger", "negativeInteger", "unsignedLong",
        "unsignedInt", "unsignedShort", "unsignedByte"};
    if (!dt || n <= BS_XSD_LEN || memcmp(dt, BS_XSD, BS_XSD_LEN)) return false;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (bytes_eq(dt + BS_XSD_LEN, n - BS_XSD_LEN, names[i], strlen(names[i])))
            return true;
    return false;
}

/* ---- effective boolean value (§17.2.2) ------------------------------------- */
int bs_sp_ebv_val(const bs_sp_val *v)
{
    switch (v->t) {
    case BS_V_BOOL: return v->u.b;
    case BS_V_STR:
    case BS_V_LANG: return v->n > 0;
    case BS_V_INT: return v->u.i != 0;
    case BS_V_DEC: return v->u.dec.m != 0;
    case BS_V_FLT:
    case BS_V_DBL: return !(isnan(v->u.d) || v->u.d == 0);
    case BS_V_OTHER: /* ill-typed boolean / numeric: false */
        return bs_sp_dt_numeric_or_bool(v->x, v->xn) ? 0 : -1;
    default: return -1;
    }
}

/* ---- sameTerm ------------------------------------------------------------ */
static bool tag_eq(const bs_sp_val *a, const bs_sp_val *b)
{
    return a->xn == b->xn && (!a->xn || !strncasecmp(a->x, b->x, a->xn));
}

bool bs_sp_val_same(const bs_sp_val *a, const bs_sp_val *b)
{
    if (a->id && b->id && a->id == b->id) return true;
    if (a->id && b->id && (a->t != BS_V_LANG || b->t != BS_V_LANG)) return false;
    bs_term ta, tb;
    bs_sp_ectx c = {0};
    bool same = false;
    if (bs_sp_val_term(&c, a, &ta) == BS_OK &&
        bs_sp_val_term(&c, b, &tb) == BS_OK)
        same = bs_term_equal(&ta, &tb) ||
               (ta.kind == BS_TERM_LANG && tb.kind == BS_TERM_LANG &&
                bytes_eq(ta.lex, ta.lex_len, tb.lex, tb.lex_len) &&
                tag_eq(a, b));
    bs_sp_arena_free(&c);
    return same;
}

/* ---- comparison ------------------------------------------------------------ */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int r = memcmp(a, b, an < bn ? an : bn);
    if (r) return r < 0 ? -1 : 1;
    return an < bn ? -1 : an > bn;
}

/* Numeric comparison: 2 = unordered (NaN). */
static int cmp_num(const bs_sp_val *a, const bs_sp_val *b)
{
    bs_sp_vt t = a->t > b->t ? a->t : b->t;
    if (t == BS_V_INT) return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
    if (t == BS_V_DEC) {
        bs_sp_dec x = a->t == BS_V_INT ? bs_sp_dec_from_int(a->u.i) : a->u.dec;
        bs_sp_dec y = b->t == BS_V_INT ? bs_sp_dec_from_int(b->u.i) : b->u.dec;
        return bs_sp_dec_cmp(x, y);
    }
    double x = bs_sp_num_dbl(a), y = bs_sp_num_dbl(b);
    if (isnan(x) || isnan(y)) return 2;
    return x < y ? -1 : x > y;
}

/* Seconds since 0001-01-01 (proleptic), shifted to UTC. */
static __int128 dt_secs(const bs_sp_dt *d)
{
    int64_t y = d->year, m = d->month;
    if (m <= 2) { y--; m += 12; }
    int64_t days = 365 * y + y / 4 - y / 100 + y / 400 + (153 * (m - 3) + 2) / 5 + d->day;
    __int128 s = (__int128)days * 86400 + d->hour * 3600 + d->min * 60;
    return s - (d->has_tz ? d->tz * 60 : 0);
}

static int cmp_dt(const bs_sp_dt *a, const bs_sp_dt *b, bool *indet)
{
    bs_sp_dec x = {dt_secs(a), 0}, y = {dt_secs(b), 0}, sx, sy;
    bs_sp_dec_add(x, a->sec, &sx);
    bs_sp_dec_add(y, b->sec, &sy);
    if (a->has_tz != b->has_tz) { /* §10.4 of F&O: ±14h is indeterminate */
        bs_sp_dec d, neg = {-sy.m, sy.scale};
        bs_sp_dec_add(sx, neg, &d);
        bs_sp_dec lim = {14 * 3600, 0}, nlim = {-14 * 3600, 0};
        if (bs_sp_dec_cmp(d, lim) <= 0 && bs_sp_dec_cmp(d, nlim) >= 0) *indet = true;
    }
    return bs_sp_dec_cmp(sx, sy);
}

/* The class of a literal for "known types of different value spaces". */
static int known_class(const bs_sp_val *v)
{
    if (bs_sp_is_num(v)) return 1;
    switch (v->t) {
    case BS_V_STR: return 2;
    case BS_V_LANG: return 3;
    case BS_V_BOOL: return 4;
    case BS_V_DT: return 5;
    case BS_V_DATE: return 6;
    default: return 0;
    }
}

bool bs_sp_val_cmp(const bs_sp_val *a, const bs_sp_val *b, bool eq_only,
                   int *out)
{
    if (a->t == BS_V_ERR || b->t == BS_V_ERR) return false;
    int ka = known_class(a), kb = known_class(b);
    if (ka && ka == kb) {
        bool indet = false;
        switch (ka) {
        case 1: *out = cmp_num(a, b); return true;
        case 2: *out = cmp_bytes(a->s, a->n, b->s, b->n); return true;
        case 3:
            if (!eq_only) return false;
            *out = tag_eq(a, b) && bytes_eq(a->s, a->n, b->s, b->n) ? 0 : 1;
            return true;
        case 4: *out = (int)a->u.b - (int)b->u.b; return true;
        case 5:
        case 6: *out = cmp_dt(&a->u.dt, &b->u.dt, &indet); return !indet;
        }
    }
    if (!eq_only) return false;
    if (bs_sp_val_same(a, b)) {
        *out = 0;
        return true;
    }
    /* different terms: unequal unless both are literals of which one has
     * a datatype whose values we do not know (ill-typed or unknown) */
    if (!bs_sp_is_lit(a) || !bs_sp_is_lit(b)) {
        *out = 1;
        return true;
    }
    /* a language-tagged string is no typed literal: unequal to any */
    if ((ka && kb) || a->t == BS_V_LANG || b->t == BS_V_LANG) {
        *out = 1;
        return true;
    }
    return false;
}

/* ---- arithmetic ------------------------------------------------------------ */
static void arith_int(int op, int64_t x, int64_t y, bs_sp_val *out)
{
    int64_t r;
    bool ovf;
    switch (op) {
    case BS_EX_ADD: ovf = __builtin_add_overflow(x, y, &r); break;
    case BS_EX_SUB: ovf = __builtin_sub_overflow(x, y, &r); break;
    default: ovf = __builtin_mul_overflow(x, y, &r); break;
    }
    if (ovf) /* xsd:integer is unbounded; ours are 64-bit: an error */
        bs_sp_val_err(out);
    else
        bs_sp_val_int(out, r);
}

static void arith_dec(int op, bs_sp_dec x, bs_sp_dec y, bs_sp_val *out)
{
    bs_sp_dec r;
    bool ok;
    switch (op) {
    case BS_EX_ADD: ok = bs_sp_dec_add(x, y, &r); break;
    case BS_EX_SUB: ok = bs_sp_dec_add(x, (bs_sp_dec){-y.m, y.scale}, &r); break;
    case BS_EX_MUL: ok = bs_sp_dec_mul(x, y, &r); break;
    default: ok = bs_sp_dec_div(x, y, &r); break;
    }
    if (ok)
        bs_sp_val_dec(out, bs_sp_dec_norm(r));
    else
        bs_sp_val_err(out);
}

void bs_sp_arith(bs_sp_ectx *c, int op, const bs_sp_val *a,
                 const bs_sp_val *b, bs_sp_val *out)
{
    (void)c;
    if (!bs_sp_is_num(a) || !bs_sp_is_num(b)) {
        bs_sp_val_err(out);
        return;
    }
    bs_sp_vt t = a->t > b->t ? a->t : b->t;
    if (t == BS_V_INT && op != BS_EX_DIV) {
        arith_int(op, a->u.i, b->u.i, out);
        return;
    }
    if (t <= BS_V_DEC) {
        bs_sp_dec x = a->t == BS_V_INT ? bs_sp_dec_from_int(a->u.i) : a->u.dec;
        bs_sp_dec y = b->t == BS_V_INT ? bs_sp_dec_from_int(b->u.i) : b->u.dec;
        arith_dec(op, x, y, out);
        return;
    }
    double x = bs_sp_num_dbl(a), y = bs_sp_num_dbl(b), r;
    switch (op) {
    case BS_EX_ADD: r = x + y; break;
    case BS_EX_SUB: r = x - y; break;
    case BS_EX_MUL: r = x * y; break;
    default: r = x / y; break;
    }
    if (t == BS_V_FLT)
        bs_sp_val_flt(out, r);
    else
        bs_sp_val_dbl(out, r);
}

/* ---- ORDER BY (§15.1) -------------------------------------------------------- */
static int kind_rank(const bs_sp_val *v)
{
    switch (v->t) {
    case BS_V_ERR: return 0;
    case BS_V_BNODE: return 1;
    case BS_V_IRI: return 2;
    default: return 3;
    }
}

/* Literal families for the fallback order between incomparable literals. */
static int lit_rank(const bs_sp_val *v)
{
    switch (known_class(v)) {
    case 2: return 0; /* simple literals first */
    case 3: return 1;
    case 1: return 2;
    case 4: return 3;
    case 5: return 4;
    case 6: return 5;
    default: return 6;
    }
}

int bs_sp_val_order(const bs_sp_val *a, const bs_sp_val *b)
{
    int ra = kind_rank(a), rb = kind_rank(b), r;
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra == 0) return 0;
    if (ra < 3) return cmp_bytes(a->s, a->n, b->s, b->n);
    int la = lit_rank(a), lb = lit_rank(b);
    if (la != lb) return la < lb ? -1 : 1;
    if (la == 1) { /* language strings: by tag, then text */
        r = cmp_bytes(a->x, a->xn, b->x, b->xn);
        return r ? r : cmp_bytes(a->s, a->n, b->s, b->n);
    }
    if (bs_sp_val_cmp(a, b, false, &r) && r != 2 && r != 0) return r;
    if (la == 2 && (isnan(bs_sp_num_dbl(a)) || isnan(bs_sp_num_dbl(b)))) {
        bool na = isnan(bs_sp_num_dbl(a)), nb = isnan(bs_sp_num_dbl(b));
        if (na != nb) return na ? -1 : 1;
    }
    /* equal values or unknown types: datatype, then lexical form */
    r = cmp_bytes(a->x ? a->x : "", a->xn, b->x ? b->x : "", b->xn);
    if (r) return r;
    bs_sp_ectx c = {0};
    bs_term ta, tb;
    r = 0;
    if (bs_sp_val_term(&c, a, &ta) == BS_OK && bs_sp_val_term(&c, b, &tb) == BS_OK)
        r = cmp_bytes(ta.lex, ta.lex_len, tb.lex, tb.lex_len);
    bs_sp_arena_free(&c);
    return r;
}
