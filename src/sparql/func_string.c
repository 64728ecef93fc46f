/* SPDX-License-Identifier: MIT
 * battstore — string functions (§17.4.3): STRLEN, SUBSTR, UCASE, LCASE,
 *             STRSTARTS, STRENDS, CONTAINS, STRBEFORE, STRAFTER,
 *             ENCODE_FOR_URI, CONCAT; UTF-8 helpers. */
#include "config.h"
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unicase.h>
#include "sparql/expr_int.h"

/* ---- UTF-8 ----------------------------------------------------------------- */
size_t bs_sp_ex_u8len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
    return k;
}

size_t bs_sp_ex_u8off(const char *s, size_t n, size_t cp)
{
    size_t i = 0;
    while (i < n && cp) {
        i++;
        while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
        cp--;
    }
    return i;
}

/* UCASE / LCASE: XPath's fn:upper-case / fn:lower-case, that is
 * Unicode's full case mappings without language-specific rules
 * (libunistring: every script, "ß" -> "SS", U+0130 -> "i" U+0307, the
 * Kelvin sign -> "k").  ASCII text, nearly all of it, is mapped here
 * byte by byte; a form libunistring refuses (not UTF-8) gets the ASCII
 * mapping with its other bytes kept. */
static void case_ascii(bool upper, const unsigned char *s, size_t n, char *o)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (upper && ch >= 'a' && ch <= 'z') ch = (unsigned char)(ch - 32);
        else if (!upper && ch >= 'A' && ch <= 'Z') ch = (unsigned char)(ch + 32);
        o[i] = (char)ch;
    }
}

static bs_status fn_case(bs_sp_ectx *c, bool upper, const bs_sp_val *a,
                         bs_sp_val *out)
{
    const unsigned char *s = (const unsigned char *)a->s;
    size_t i = 0, k = 0;
    while (i < a->n && s[i] < 0x80) i++;
    uint8_t *m = NULL;
    if (i < a->n) {
        /* Only the part from the first non-ASCII byte goes through
         * libunistring (a title's "°C" at its end), with the ASCII part
         * before it as the casing context (Final_Sigma looks back past
         * it): the same mapping as the whole string's, at a fraction of
         * the cost. */
        casing_prefix_context_t ctx = u8_casing_prefix_context(s, i);
        m = (upper ? u8_ct_toupper : u8_ct_tolower)(s + i, a->n - i, ctx,
                                                    unicase_empty_suffix_context,
                                                    NULL, NULL, NULL, &k);
        if (!m && errno == ENOMEM) return BS_ERR_NOMEM;
    }
    size_t n = m ? i + k : a->n;
    char *o = bs_sp_alloc(c, n + 1);
    if (!o) {
        free(m);
        return BS_ERR_NOMEM;
    }
    case_ascii(upper, s, m ? i : a->n, o);
    if (m) memcpy(o + i, m, k);
    free(m);
    *out = *a;
    out->id = 0;
    out->s = o;
    out->n = n;
    return BS_OK;
}

/* ---- argument compatibility (§17.4.3.1.1) --------------------------------- */
static bool compatible(const bs_sp_val *a, const bs_sp_val *b)
{
    if (!bs_sp_is_strlit(a) || !bs_sp_is_strlit(b)) return false;
    if (b->t == BS_V_STR) return true;
    return a->t == BS_V_LANG && a->xn == b->xn && !strncasecmp(a->x, b->x, a->xn);
}

static const char *find(const char *h, size_t hn, const char *nd, size_t nn)
{
    if (!nn) return h;
    return memmem(h, hn, nd, nn);
}

/* A result string with the lang tag (or none) of a. */
static void like(bs_sp_val *out, const bs_sp_val *a, const char *s, size_t n)
{
    bs_sp_val_str(out, s, n, a->t == BS_V_LANG ? a->x : NULL, a->xn);
}

static void fn_before_after(int fn, const bs_sp_val *a, const bs_sp_val *b,
                            bs_sp_val *out)
{
    const char *p = find(a->s, a->n, b->s, b->n);
    if (!p) {
        bs_sp_val_str(out, "", 0, NULL, 0);
        return;
    }
    if (fn == BS_FN_STRBEFORE)
        like(out, a, a->s, (size_t)(p - a->s));
    else
        like(out, a, p + b->n, a->n - (size_t)(p - a->s) - b->n);
}

static void fn_two(int fn, const bs_sp_val *a, const bs_sp_val *b, bs_sp_val *out)
{
    if (!compatible(a, b)) {
        bs_sp_val_err(out);
        return;
    }
    switch (fn) {
    case BS_FN_CONTAINS:
        bs_sp_val_bool(out, find(a->s, a->n, b->s, b->n) != NULL);
        break;
    case BS_FN_STRSTARTS:
        bs_sp_val_bool(out, b->n <= a->n && !memcmp(a->s, b->s, b->n));
        break;
    case BS_FN_STRENDS:
        bs_sp_val_bool(out, b->n <= a->n && !memcmp(a->s + a->n - b->n, b->s, b->n));
        break;
    default:
        fn_before_after(fn, a, b, out);
        break;
    }
}

/* fn:substring: the characters at positions p with
 * round(start) <= p < round(start) + round(len). */
static void fn_substr(const bs_sp_val *a, size_t nargs, const bs_sp_val *st,
                      const bs_sp_val *len, bs_sp_val *out)
{
    if (!bs_sp_is_strlit(a) || !bs_sp_is_num(st) || (nargs == 3 && !bs_sp_is_num(len))) {
        bs_sp_val_err(out);
        return;
    }
    double s = floor(bs_sp_num_dbl(st) + 0.5);
    double e = nargs == 3 ? s + floor(bs_sp_num_dbl(len) + 0.5) : INFINITY;
    size_t total = bs_sp_ex_u8len(a->s, a->n);
    if (isnan(s) || isnan(e)) e = s = 1;
    double from = s < 1 ? 1 : s, to = e > (double)total + 1 ? (double)total + 1 : e;
    if (to <= from) {
        like(out, a, "", 0);
        return;
    }
    size_t b0 = bs_sp_ex_u8off(a->s, a->n, (size_t)from - 1);
    size_t b1 = bs_sp_ex_u8off(a->s, a->n, (size_t)to - 1);
    like(out, a, a->s + b0, b1 - b0);
}

static bs_status fn_encode(bs_sp_ectx *c, const bs_sp_val *a, bs_sp_val *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char *o = bs_sp_alloc(c, a->n * 3 + 1);
    if (!o) return BS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++) {
        unsigned char ch = (unsigned char)a->s[i];
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' ||
            ch == '~') {
            o[k++] = (char)ch;
        } else {
            o[k++] = '%';
            o[k++] = hex[ch >> 4];
            o[k++] = hex[ch & 15];
        }
    }
    bs_sp_val_str(out, o, k, NULL, 0);
    return BS_OK;
}

static bs_status fn_concat(bs_sp_ectx *c, const bs_sp_val *a, size_t nargs,
                           bs_sp_val *out)
{
    size_t total = 0;
    bool same_lang = nargs > 0;
    for (size_t i = 0; i < nargs; i++) {
        if (!bs_sp_is_strlit(&a[i])) {
            bs_sp_val_err(out);
            return BS_OK;
        }
        total += a[i].n;
        if (a[i].t != BS_V_LANG || a[i].xn != a[0].xn ||
            strncasecmp(a[i].x, a[0].x, a[0].xn))
            same_lang = false;
    }
    char *o = bs_sp_alloc(c, total + 1);
    if (!o) return BS_ERR_NOMEM;
    size_t k = 0;
    for (size_t i = 0; i < nargs; i++) {
        if (a[i].n) memcpy(o + k, a[i].s, a[i].n);
        k += a[i].n;
    }
    bs_sp_val_str(out, o, k, same_lang ? a[0].x : NULL, same_lang ? a[0].xn : 0);
    return BS_OK;
}

bs_status bs_sp_func_string(bs_sp_ectx *c, int fn, bs_sp_val *args,
                            size_t nargs, bs_sp_val *out)
{
    bs_sp_val *a = nargs ? &args[0] : NULL;
    if (fn == BS_FN_CONCAT) return fn_concat(c, args, nargs, out);
    if (!bs_sp_is_strlit(a)) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    switch (fn) {
    case BS_FN_STRLEN:
        bs_sp_val_int(out, (int64_t)bs_sp_ex_u8len(a->s, a->n));
        return BS_OK;
    case BS_FN_UCASE:
    case BS_FN_LCASE: return fn_case(c, fn == BS_FN_UCASE, a, out);
    case BS_FN_ENCODE_FOR_URI: return fn_encode(c, a, out);
    case BS_FN_SUBSTR:
        fn_substr(a, nargs, &args[1], nargs == 3 ? &args[2] : NULL, out);
        return BS_OK;
    case BS_FN_CONTAINS: case BS_FN_STRSTARTS: case BS_FN_STRENDS:
    case BS_FN_STRBEFORE: case BS_FN_STRAFTER:
        fn_two(fn, a, &args[1], out);
        return BS_OK;
    default:
        bs_sp_val_err(out);
        return BS_OK;
    }
}
