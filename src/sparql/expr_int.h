/* SPDX-License-Identifier: MIT
 * battstore — the expression module's internal values (expr*.c, value.c,
 *             func*.c, cast.c, agg.c; not used outside them).
 *
 * Expressions are evaluated on bs_sp_val values: a decoded term with its
 * value parsed (numbers, booleans, dateTimes), so that intermediate
 * results are never interned.  Strings of a value are borrowed either
 * from a term view (valid until the exec is freed) or from the
 * evaluation's arena (valid until the evaluation ends). */
#ifndef BS_SPARQL_EXPR_INT_H
#define BS_SPARQL_EXPR_INT_H

#include <stdbool.h>
#include <stdint.h>
#include "sparql/sparql_int.h"

/// Value classes; the numeric ones are in promotion order.
typedef enum {
    BS_V_ERR = 0, ///< an expression error (not a failure)
    BS_V_IRI,
    BS_V_BNODE,
    BS_V_STR,     ///< simple literal = xsd:string
    BS_V_LANG,    ///< language-tagged string (x = tag)
    BS_V_BOOL,
    BS_V_INT,     ///< xsd:integer and its subtypes (x = the datatype)
    BS_V_DEC,
    BS_V_FLT,
    BS_V_DBL,
    BS_V_DT,      ///< xsd:dateTime
    BS_V_DATE,    ///< xsd:date (u.dt at 00:00:00)
    BS_V_OTHER    ///< other typed literal, or an ill-typed known one
} bs_sp_vt;

/// A decimal: m / 10^scale.
typedef struct {
    __int128 m;
    int scale;
} bs_sp_dec;

/// A dateTime's fields; sec as a decimal (fractional seconds).
typedef struct {
    int64_t year;
    int month, day, hour, min;
    bs_sp_dec sec;
    bool has_tz;
    int tz; ///< offset in minutes
} bs_sp_dt;

typedef struct {
    bs_sp_vt t;
    bs_id id;               ///< the term's id when known, 0 for computed
    const char *s;          ///< lexical form / string / IRI / blank label
    size_t n;
    const char *x;          ///< language tag or datatype IRI (NULL: none)
    size_t xn;
    union {
        int64_t i;
        bs_sp_dec dec;
        double d;           ///< FLT and DBL
        bool b;
        bs_sp_dt dt;
    } u;
} bs_sp_val;

/** Per-evaluation scratch memory: freed all at once at the end of the
 *  top-level call. */
typedef struct bs_sp_chunk bs_sp_chunk;
typedef struct {
    bs_sp_exec *ex;
    const bs_id *row;
    bs_sp_chunk *chunks;
} bs_sp_ectx;

/// n bytes from the arena (NULL when out of memory).
void *bs_sp_alloc(bs_sp_ectx *c, size_t n);
/// A NUL-terminated copy of s[0..n) in the arena.
char *bs_sp_strdup(bs_sp_ectx *c, const char *s, size_t n);
void bs_sp_arena_free(bs_sp_ectx *c);

/* ---- value.c ----------------------------------------------------------- */
#define BS_XSD_LEN (sizeof(BS_XSD) - 1)
/// The value of a term (no allocation; strings borrow from t).
void bs_sp_val_from_term(const bs_term *t, bs_id id, bs_sp_val *v);
/// The value of an id; BS_V_ERR for 0 or an unknown id.
void bs_sp_val_from_id(bs_sp_exec *ex, bs_id id, bs_sp_val *v);
/// The id of a value (interning computed ones); 0 for an error.
bs_status bs_sp_val_intern(bs_sp_ectx *c, const bs_sp_val *v, bs_id *out);
/** The term view of a value (lexical forms of computed numbers etc.
 *  written into the arena). */
bs_status bs_sp_val_term(bs_sp_ectx *c, const bs_sp_val *v, bs_term *out);

void bs_sp_val_err(bs_sp_val *v);
void bs_sp_val_bool(bs_sp_val *v, bool b);
void bs_sp_val_int(bs_sp_val *v, int64_t i);
void bs_sp_val_dec(bs_sp_val *v, bs_sp_dec d);
void bs_sp_val_dbl(bs_sp_val *v, double d);
void bs_sp_val_flt(bs_sp_val *v, double d);
/// A string value (simple literal, or tagged when lang != NULL).
void bs_sp_val_str(bs_sp_val *v, const char *s, size_t n, const char *lang,
                   size_t lang_n);
/// A typed literal value of datatype dt (parsed as that datatype).
void bs_sp_val_typed(bs_sp_val *v, const char *s, size_t n, const char *dt);

static inline bool bs_sp_is_num(const bs_sp_val *v)
{
    return v->t >= BS_V_INT && v->t <= BS_V_DBL;
}
static inline bool bs_sp_is_lit(const bs_sp_val *v)
{
    return v->t >= BS_V_STR;
}
/// A string literal (simple, xsd:string or language-tagged).
static inline bool bs_sp_is_strlit(const bs_sp_val *v)
{
    return v->t == BS_V_STR || v->t == BS_V_LANG;
}

/// Parsers of XSD lexical forms (whitespace-collapsed): false if invalid.
bool bs_sp_parse_int(const char *s, size_t n, int64_t *out);
bool bs_sp_parse_dec(const char *s, size_t n, bs_sp_dec *out);
bool bs_sp_parse_dbl(const char *s, size_t n, double *out);
bool bs_sp_parse_bool(const char *s, size_t n, bool *out);
bool bs_sp_parse_dt(const char *s, size_t n, bs_sp_dt *out);
bool bs_sp_parse_date(const char *s, size_t n, bs_sp_dt *out);

/// Canonical lexical forms, written to buf (>= 64 bytes); return length.
size_t bs_sp_fmt_int(int64_t i, char *buf);
size_t bs_sp_fmt_dec(bs_sp_dec d, char *buf);
size_t bs_sp_fmt_dbl(double d, bool is_float, char *buf);
size_t bs_sp_fmt_dt(const bs_sp_dt *dt, char *buf);

/* decimals */
bs_sp_dec bs_sp_dec_from_int(int64_t i);
double bs_sp_dec_to_dbl(bs_sp_dec d);
bool bs_sp_dec_from_dbl(double d, bs_sp_dec *out);
bool bs_sp_dec_add(bs_sp_dec a, bs_sp_dec b, bs_sp_dec *out);
bool bs_sp_dec_mul(bs_sp_dec a, bs_sp_dec b, bs_sp_dec *out);
bool bs_sp_dec_div(bs_sp_dec a, bs_sp_dec b, bs_sp_dec *out);
int bs_sp_dec_cmp(bs_sp_dec a, bs_sp_dec b);
bs_sp_dec bs_sp_dec_norm(bs_sp_dec d);
/// Round toward -inf (floor), +inf (ceil) or half up (round) to an integer.
bs_sp_dec bs_sp_dec_floor(bs_sp_dec d);
bs_sp_dec bs_sp_dec_ceil(bs_sp_dec d);
bs_sp_dec bs_sp_dec_round(bs_sp_dec d);

/** The numeric value as a double (INT, DEC, FLT, DBL). */
double bs_sp_num_dbl(const bs_sp_val *v);
/// Whether datatype IRI dt is xsd:boolean or a numeric XSD datatype.
bool bs_sp_dt_numeric_or_bool(const char *dt, size_t n);

/* ---- expr.c / compare ---------------------------------------------------- */
/// Evaluate e into v (errors are BS_V_ERR values).
bs_status bs_sp_eval_val(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v);
/// EBV: 1, 0, or -1 (error).
int bs_sp_ebv_val(const bs_sp_val *v);
/** Value comparison for = != < > <= >=: *out <0, 0, >0; returns false
 *  when the two are not comparable (an error), or for op = EQ/NE when
 *  they are literals of unknown relation.  eq_only: only = / != asked. */
bool bs_sp_val_cmp(const bs_sp_val *a, const bs_sp_val *b, bool eq_only,
                   int *out);
/// sameTerm on values.
bool bs_sp_val_same(const bs_sp_val *a, const bs_sp_val *b);
/// Arithmetic (op = BS_EX_ADD..DIV) with type promotion.
void bs_sp_arith(bs_sp_ectx *c, int op, const bs_sp_val *a,
                 const bs_sp_val *b, bs_sp_val *out);
/// Total order of values for ORDER BY (and MIN / MAX).
int bs_sp_val_order(const bs_sp_val *a, const bs_sp_val *b);

/* ---- func*.c / cast.c -------------------------------------------------- */
/// A builtin call (BS_EX_FUNC) on already-evaluated arguments.
bs_status bs_sp_func(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *args,
                     size_t nargs, bs_sp_val *out);
bs_status bs_sp_func_string(bs_sp_ectx *c, int fn, bs_sp_val *args,
                            size_t nargs, bs_sp_val *out);
bs_status bs_sp_func_regex(bs_sp_ectx *c, int fn, bs_sp_val *args,
                           size_t nargs, bs_sp_val *out);
bs_status bs_sp_func_num(bs_sp_ectx *c, int fn, bs_sp_val *args,
                         size_t nargs, bs_sp_val *out);
bs_status bs_sp_func_date(bs_sp_ectx *c, int fn, bs_sp_val *args,
                          size_t nargs, bs_sp_val *out);
bs_status bs_sp_func_hash(bs_sp_ectx *c, int fn, bs_sp_val *args,
                          size_t nargs, bs_sp_val *out);
/// An IRI function: XSD casts; any other IRI is an error value.
bs_status bs_sp_cast(bs_sp_ectx *c, const char *iri, size_t iri_n,
                     bs_sp_val *args, size_t nargs, bs_sp_val *out);
/// BNODE(str): the same blank node for the same string within one row.
bs_status bs_sp_bnode_for(bs_sp_ectx *c, const char *s, size_t n,
                          bs_sp_val *out);

/// IRI(str): an IRI, relative references resolved against the BASE.
bs_status bs_sp_iri_of(bs_sp_ectx *c, const char *s, size_t n, bs_sp_val *out);

/* UTF-8 helpers (func_string.c) */
/// Number of code points in s[0..n).
size_t bs_sp_ex_u8len(const char *s, size_t n);
/// Byte offset of code point index cp in s (n if past the end).
size_t bs_sp_ex_u8off(const char *s, size_t n, size_t cp);

#endif
