/* SPDX-License-Identifier: MIT
 * battstore — expression values: terms ⇄ values, XSD lexical forms and
 *             their canonical forms, the evaluation arena. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sparql/expr_int.h"

/* ---- arena ---------------------------------------------------------------- */
struct bs_sp_chunk {
    bs_sp_chunk *next;
    max_align_t data[];
};

void *bs_sp_alloc(bs_sp_ectx *c, size_t n)
{
    bs_sp_chunk *k = malloc(sizeof *k + n + 1);
    if (!k) return NULL;
    k->next = c->chunks;
    c->chunks = k;
    return k->data;
}

char *bs_sp_strdup(bs_sp_ectx *c, const char *s, size_t n)
{
    char *p = bs_sp_alloc(c, n + 1);
    if (!p) return NULL;
    if (n) memcpy(p, s, n);
    p[n] = 0;
    return p;
}

void bs_sp_arena_free(bs_sp_ectx *c)
{
    while (c->chunks) {
        bs_sp_chunk *k = c->chunks;
        c->chunks = k->next;
        free(k);
    }
}

/* ---- constructors -------------------------------------------------------- */
void bs_sp_val_err(bs_sp_val *v) { memset(v, 0, sizeof *v); }

void bs_sp_val_bool(bs_sp_val *v, bool b)
{
    memset(v, 0, sizeof *v);
    v->t = BS_V_BOOL;
    v->u.b = b;
}

void bs_sp_val_int(bs_sp_val *v, int64_t i)
{
    memset(v, 0, sizeof *v);
    v->t = BS_V_INT;
    v->u.i = i;
}

void bs_sp_val_dec(bs_sp_val *v, bs_sp_dec d)
{
    memset(v, 0, sizeof *v);
    v->t = BS_V_DEC;
    v->u.dec = d;
}

void bs_sp_val_dbl(bs_sp_val *v, double d)
{
    memset(v, 0, sizeof *v);
    v->t = BS_V_DBL;
    v->u.d = d;
}

void bs_sp_val_flt(bs_sp_val *v, double d)
{
    memset(v, 0, sizeof *v);
    v->t = BS_V_FLT;
    v->u.d = (float)d;
}

void bs_sp_val_str(bs_sp_val *v, const char *s, size_t n, const char *lang,
                   size_t lang_n)
{
    memset(v, 0, sizeof *v);
    v->t = lang ? BS_V_LANG : BS_V_STR;
    v->s = s;
    v->n = n;
    v->x = lang;
    v->xn = lang ? lang_n : 0;
}

/* ---- datatypes ----------------------------------------------------------- */
/* The integer subtypes with their bounds (INT64 bounds where unbounded). */
static const struct {
    const char *name;
    int64_t lo, hi;
} int_types[] = {
    {"integer", INT64_MIN, INT64_MAX},
    {"int", INT32_MIN, INT32_MAX},
    {"long", INT64_MIN, INT64_MAX},
    {"short", INT16_MIN, INT16_MAX},
    {"byte", INT8_MIN, INT8_MAX},
    {"nonNegativeInteger", 0, INT64_MAX},
    {"positiveInteger", 1, INT64_MAX},
    {"nonPositiveInteger", INT64_MIN, 0},
    {"negativeInteger", INT64_MIN, -1},
    {"unsignedLong", 0, INT64_MAX},
    {"unsignedInt", 0, UINT32_MAX},
    {"unsignedShort", 0, UINT16_MAX},
    {"unsignedByte", 0, UINT8_MAX},
};

static bool xsd_is(const char *dt, size_t n, const char *local)
{
    size_t l = strlen(local);
    return n == BS_XSD_LEN + l && !memcmp(dt, BS_XSD, BS_XSD_LEN) &&
           !memcmp(dt + BS_XSD_LEN, local, l);
}

static void val_typed_n(bs_sp_val *v, const char *s, size_t n,
                        const char *dt, size_t dtn)
{
    memset(v, 0, sizeof *v);
    v->s = s;
    v->n = n;
    v->x = dt;
    v->xn = dtn;
    v->t = BS_V_OTHER;
    if (dtn <= BS_XSD_LEN || memcmp(dt, BS_XSD, BS_XSD_LEN)) return;
    if (xsd_is(dt, dtn, "string")) {
        v->t = BS_V_STR;
        v->x = NULL;
        v->xn = 0;
    } else if (xsd_is(dt, dtn, "boolean")) {
        if (bs_sp_parse_bool(s, n, &v->u.b)) v->t = BS_V_BOOL;
    } else if (xsd_is(dt, dtn, "decimal")) {
        if (bs_sp_parse_dec(s, n, &v->u.dec)) v->t = BS_V_DEC;
    } else if (xsd_is(dt, dtn, "double")) {
        if (bs_sp_parse_dbl(s, n, &v->u.d)) v->t = BS_V_DBL;
    } else if (xsd_is(dt, dtn, "float")) {
        if (bs_sp_parse_dbl(s, n, &v->u.d)) {
            v->t = BS_V_FLT;
            v->u.d = (float)v->u.d;
        }
    } else if (xsd_is(dt, dtn, "dateTime")) {
        if (bs_sp_parse_dt(s, n, &v->u.dt)) v->t = BS_V_DT;
    } else if (xsd_is(dt, dtn, "date")) {
        if (bs_sp_parse_date(s, n, &v->u.dt)) v->t = BS_V_DATE;
    } else {
        for (size_t i = 0; i < sizeof int_types / sizeof *int_types; i++)
            if (xsd_is(dt, dtn, int_types[i].name)) {
                int64_t x;
                if (bs_sp_parse_int(s, n, &x) && x >= int_types[i].lo &&
                    x <= int_types[i].hi) {
                    v->t = BS_V_INT;
                    v->u.i = x;
                }
                return;
            }
    }
}

void bs_sp_val_typed(bs_sp_val *v, const char *s, size_t n, const char *dt)
{
    val_typed_n(v, s, n, dt, strlen(dt));
}

void bs_sp_val_from_term(const bs_term *t, bs_id id, bs_sp_val *v)
{
    switch (t->kind) {
    case BS_TERM_IRI:
    case BS_TERM_BNODE:
        memset(v, 0, sizeof *v);
        v->t = t->kind == BS_TERM_IRI ? BS_V_IRI : BS_V_BNODE;
        v->s = t->lex;
        v->n = t->lex_len;
        break;
    case BS_TERM_LITERAL:
        bs_sp_val_str(v, t->lex, t->lex_len, NULL, 0);
        break;
    case BS_TERM_LANG:
        bs_sp_val_str(v, t->lex, t->lex_len, t->extra, t->extra_len);
        break;
    case BS_TERM_TYPED:
        val_typed_n(v, t->lex, t->lex_len, t->extra, t->extra_len);
        break;
    default:
        bs_sp_val_err(v);
        return;
    }
    v->id = id;
}

void bs_sp_val_from_id(bs_sp_exec *ex, bs_id id, bs_sp_val *v)
{
    bs_term t;
    if (!id || bs_sp_term(ex, id, &t) != BS_OK) {
        bs_sp_val_err(v);
        return;
    }
    bs_sp_val_from_term(&t, id, v);
}

/* ---- values to terms ------------------------------------------------------ */
static const char *dt_of(const bs_sp_val *v)
{
    switch (v->t) {
    case BS_V_BOOL: return BS_XSD "boolean";
    case BS_V_INT: return BS_XSD "integer";
    case BS_V_DEC: return BS_XSD "decimal";
    case BS_V_FLT: return BS_XSD "float";
    case BS_V_DBL: return BS_XSD "double";
    case BS_V_DT: return BS_XSD "dateTime";
    case BS_V_DATE: return BS_XSD "date";
    default: return NULL;
    }
}

static size_t fmt_val(const bs_sp_val *v, char *buf)
{
    switch (v->t) {
    case BS_V_BOOL: return (size_t)sprintf(buf, "%s", v->u.b ? "true" : "false");
    case BS_V_INT: return bs_sp_fmt_int(v->u.i, buf);
    case BS_V_DEC: return bs_sp_fmt_dec(v->u.dec, buf);
    case BS_V_FLT: return bs_sp_fmt_dbl(v->u.d, true, buf);
    case BS_V_DBL: return bs_sp_fmt_dbl(v->u.d, false, buf);
    case BS_V_DT: return bs_sp_fmt_dt(&v->u.dt, buf);
    case BS_V_DATE: { /* the dateTime form without its time */
        size_t n = bs_sp_fmt_dt(&v->u.dt, buf);
        char *t = strchr(buf, 'T'), *z = t + 9;
        while (*z && *z != 'Z' && *z != '+' && *z != '-') z++;
        memmove(t, z, strlen(z) + 1);
        return n - (size_t)(z - t);
    }
    default: return 0;
    }
}

bs_status bs_sp_val_term(bs_sp_ectx *c, const bs_sp_val *v, bs_term *out)
{
    memset(out, 0, sizeof *out);
    switch (v->t) {
    case BS_V_IRI: *out = bs_term_iri(v->s, v->n); return BS_OK;
    case BS_V_BNODE: *out = bs_term_bnode(v->s, v->n); return BS_OK;
    case BS_V_STR:
    case BS_V_LANG:
        *out = bs_term_literal(v->s, v->n, v->x, v->xn, NULL, 0);
        return BS_OK;
    case BS_V_OTHER:
        *out = bs_term_literal(v->s, v->n, NULL, 0, v->x, v->xn);
        return BS_OK;
    case BS_V_ERR: return BS_ERR_ARG;
    default: break;
    }
    const char *dt = v->x ? v->x : dt_of(v);
    size_t dtn = v->x ? v->xn : strlen(dt);
    if (v->id || v->s) { /* keep the lexical form it came with */
        *out = bs_term_literal(v->s, v->n, NULL, 0, dt, dtn);
        return BS_OK;
    }
    char *buf = bs_sp_alloc(c, 128);
    if (!buf) return BS_ERR_NOMEM;
    size_t n = fmt_val(v, buf);
    *out = bs_term_literal(buf, n, NULL, 0, dt, dtn);
    return BS_OK;
}

bs_status bs_sp_val_intern(bs_sp_ectx *c, const bs_sp_val *v, bs_id *out)
{
    *out = 0;
    if (v->t == BS_V_ERR) return BS_OK;
    if (v->id) {
        *out = v->id;
        return BS_OK;
    }
    bs_term t;
    bs_status st = bs_sp_val_term(c, v, &t);
    if (st != BS_OK) return st;
    return bs_sp_intern(c->ex, &t, out);
}

double bs_sp_num_dbl(const bs_sp_val *v)
{
    switch (v->t) {
    case BS_V_INT: return (double)v->u.i;
    case BS_V_DEC: return bs_sp_dec_to_dbl(v->u.dec);
    case BS_V_FLT:
    case BS_V_DBL: return v->u.d;
    default: return NAN;
    }
}
