/* SPDX-License-Identifier: MIT
 * battstore — XSD constructor functions (casts, §17.1 table) called as
 *             IRI functions: xsd:string, boolean, integer (and its
 *             subtypes), decimal, float, double, dateTime. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sparql/expr_int.h"

typedef enum {
    TO_NONE, TO_STRING, TO_BOOL, TO_INT, TO_DEC, TO_FLT, TO_DBL, TO_DT
} cast_to;

static cast_to target(const char *iri, size_t n, bool *subtype)
{
    static const struct { const char *name; cast_to to; } t[] = {
        {"string", TO_STRING}, {"boolean", TO_BOOL}, {"integer", TO_INT},
        {"decimal", TO_DEC}, {"float", TO_FLT}, {"double", TO_DBL},
        {"dateTime", TO_DT}, {"int", TO_INT}, {"long", TO_INT},
        {"short", TO_INT}, {"byte", TO_INT}, {"nonNegativeInteger", TO_INT},
        {"positiveInteger", TO_INT}, {"nonPositiveInteger", TO_INT},
        {"negativeInteger", TO_INT}, {"unsignedLong", TO_INT},
        {"unsignedInt", TO_INT}, {"unsignedShort", TO_INT},
        {"unsignedByte", TO_INT}};
    *subtype = false;
    if (n <= BS_XSD_LEN || memcmp(iri, BS_XSD, BS_XSD_LEN)) return TO_NONE;
    for (size_t i = 0; i < sizeof t / sizeof *t; i++)
        if (n - BS_XSD_LEN == strlen(t[i].name) &&
            !memcmp(iri + BS_XSD_LEN, t[i].name, n - BS_XSD_LEN)) {
            *subtype = i > 6;
            return t[i].to;
        }
    return TO_NONE;
}

/* XPath's cast of a number to xs:string: integers and decimals as plain
 * numbers ("1", "2.5"), doubles in [1e-6, 1e6) likewise, else "1.0E7". */
static size_t num_to_string(const bs_sp_val *v, char *buf)
{
    if (v->t == BS_V_INT) return bs_sp_fmt_int(v->u.i, buf);
    if (v->t == BS_V_DEC) {
        size_t n = bs_sp_fmt_dec(v->u.dec, buf);
        if (n > 2 && !strcmp(buf + n - 2, ".0")) buf[n -= 2] = 0;
        return n;
    }
    double d = v->u.d, a = fabs(d);
    if (d == 0) return (size_t)sprintf(buf, signbit(d) ? "-0" : "0");
    if (a >= 1e-6 && a < 1e6) {
        bs_sp_dec dec;
        if (bs_sp_dec_from_dbl(d, &dec)) {
            char tmp[64];
            int p = v->t == BS_V_FLT ? 9 : 17;
            for (int k = 1; k <= p; k++) { /* shortest round-trip digits */
                snprintf(tmp, sizeof tmp, "%.*g", k, d);
                double back = strtod(tmp, NULL);
                if (v->t == BS_V_FLT ? (float)back == (float)d : back == d) break;
            }
            if (bs_sp_parse_dec(tmp, strlen(tmp), &dec) && !strchr(tmp, 'e')) {
                bs_sp_val t;
                bs_sp_val_dec(&t, dec);
                return num_to_string(&t, buf);
            }
        }
    }
    return bs_sp_fmt_dbl(d, v->t == BS_V_FLT, buf);
}

static bs_status to_string(bs_sp_ectx *c, const bs_sp_val *a, bs_sp_val *out)
{
    if (a->t == BS_V_BNODE || a->t == BS_V_LANG) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    if (bs_sp_is_num(a)) {
        char *buf = bs_sp_alloc(c, 128);
        if (!buf) return BS_ERR_NOMEM;
        size_t n = num_to_string(a, buf);
        bs_sp_val_str(out, buf, n, NULL, 0);
        return BS_OK;
    }
    if (a->t == BS_V_BOOL) {
        bs_sp_val_str(out, a->u.b ? "true" : "false", a->u.b ? 4 : 5, NULL, 0);
        return BS_OK;
    }
    bs_term t;
    bs_status st = bs_sp_val_term(c, a, &t);
    if (st == BS_OK) bs_sp_val_str(out, t.lex, t.lex_len, NULL, 0);
    return st;
}

/* From a string: the target's lexical rules. */
static void from_string(cast_to to, const bs_sp_val *a, bs_sp_val *out)
{
    bs_sp_val_err(out);
    switch (to) {
    case TO_BOOL:
        if (bs_sp_parse_bool(a->s, a->n, &out->u.b)) out->t = BS_V_BOOL;
        break;
    case TO_INT:
        if (bs_sp_parse_int(a->s, a->n, &out->u.i)) out->t = BS_V_INT;
        break;
    case TO_DEC:
        if (bs_sp_parse_dec(a->s, a->n, &out->u.dec)) out->t = BS_V_DEC;
        break;
    case TO_FLT:
    case TO_DBL:
        if (bs_sp_parse_dbl(a->s, a->n, &out->u.d)) {
            out->t = to == TO_FLT ? BS_V_FLT : BS_V_DBL;
            if (to == TO_FLT) out->u.d = (float)out->u.d;
        }
        break;
    case TO_DT:
        if (bs_sp_parse_dt(a->s, a->n, &out->u.dt)) out->t = BS_V_DT;
        break;
    default: break;
    }
}

/* From a number or a boolean. */
static void from_num(cast_to to, const bs_sp_val *a, bs_sp_val *out)
{
    double d = a->t == BS_V_BOOL ? a->u.b : bs_sp_num_dbl(a);
    bs_sp_dec dec;
    bs_sp_val_err(out);
    switch (to) {
    case TO_BOOL:
        if (a->t == BS_V_BOOL) bs_sp_val_bool(out, a->u.b);
        else bs_sp_val_bool(out, bs_sp_ebv_val(a) == 1);
        break;
    case TO_INT:
        if (a->t == BS_V_INT) bs_sp_val_int(out, a->u.i);
        else if (a->t == BS_V_DEC) {
            bs_sp_dec t = a->u.dec.m < 0 ? bs_sp_dec_ceil(a->u.dec) : bs_sp_dec_floor(a->u.dec);
            if (t.m >= INT64_MIN && t.m <= INT64_MAX) bs_sp_val_int(out, (int64_t)t.m);
        } else if (isfinite(d) && fabs(d) < 9.2e18) {
            bs_sp_val_int(out, (int64_t)trunc(d));
        }
        break;
    case TO_DEC:
        if (a->t == BS_V_DEC) bs_sp_val_dec(out, a->u.dec);
        else if (a->t == BS_V_INT) bs_sp_val_dec(out, bs_sp_dec_from_int(a->u.i));
        else if (a->t == BS_V_BOOL) bs_sp_val_dec(out, bs_sp_dec_from_int(a->u.b));
        else if (bs_sp_dec_from_dbl(d, &dec)) bs_sp_val_dec(out, dec);
        break;
    case TO_FLT: bs_sp_val_flt(out, d); break;
    case TO_DBL: bs_sp_val_dbl(out, d); break;
    default: break;
    }
}

/* A cast to an integer subtype: range-checked, typed with the subtype. */
static bs_status to_subtype(bs_sp_ectx *c, const char *iri, size_t n,
                            bs_sp_val *out)
{
    if (out->t != BS_V_INT) return BS_OK;
    char *buf = bs_sp_alloc(c, 32), *dt = bs_sp_strdup(c, iri, n);
    if (!buf || !dt) return BS_ERR_NOMEM;
    size_t len = bs_sp_fmt_int(out->u.i, buf);
    bs_sp_val_typed(out, buf, len, dt);
    if (out->t != BS_V_INT) bs_sp_val_err(out);
    return BS_OK;
}

bs_status bs_sp_cast(bs_sp_ectx *c, const char *iri, size_t iri_n,
                     bs_sp_val *args, size_t nargs, bs_sp_val *out)
{
    bool subtype;
    cast_to to = target(iri, iri_n, &subtype);
    if (to == TO_NONE || nargs != 1 || args[0].t == BS_V_ERR) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    const bs_sp_val *a = &args[0];
    if (to == TO_STRING) return to_string(c, a, out);
    if (a->t == BS_V_STR)
        from_string(to, a, out);
    else if (bs_sp_is_num(a) || a->t == BS_V_BOOL)
        from_num(to, a, out);
    else if (a->t == BS_V_DT && to == TO_DT)
        *out = *a;
    else
        bs_sp_val_err(out);
    return subtype ? to_subtype(c, iri, iri_n, out) : BS_OK;
}
