/* SPDX-License-Identifier: MIT
 * battstore — the substring conjuncts of a text-index level, tested once
 * per candidate literal instead of once per row.
 *
 * A conjunct of the shape of exec_textfilter.h mentions only ?v and
 * constants, and its functions are deterministic, so its value on a row
 * is its value on the row's literal: the level tests each candidate
 * literal once, skips those that fail, and a
 * filter made only of such conjuncts (through ANDs) is decided: the BGP
 * does not evaluate it again on the literal's rows (bs_sp_tfscan_decides).
 * A conjunct whose value is not true drops the row under any AND around
 * it (false && x = false; an error && x is an error or false), so the
 * rows kept are exactly those the filters keep.
 *
 * The byte test.  The evaluator (func_string.c, func_regex.c) computes,
 * for a literal of kind plain (xsd:string) or language-tagged and a
 * plain needle w:
 *   CONTAINS(?v, w), STRSTARTS(?v, w): a byte search of w in the lexical
 *     form (arguments compatible: w is plain);
 *   LCASE(?v): each ASCII byte lower-cased, each other character through
 *     its case mapping, the tag (or none) kept.  On well-formed UTF-8
 *     every character of U+0080 and above maps to characters of U+0080
 *     and above (so to bytes >= 0x80), except U+0130, which maps to 'i'
 *     U+0307, and the Kelvin sign U+212A, which maps to 'k' (Unicode's
 *     full lower-case mapping, func_string.c; a test runs LCASE on every
 *     code point).  So LCASE(x) is x with A-Z lower-cased, where its runs of
 *     non-ASCII bytes may have changed.  An ASCII needle lies within a run
 *     of ASCII bytes, which are the same in both: it occurs in LCASE(x)
 *     (at its start) exactly when it occurs in x lower-cased byte by byte
 *     (at its start).  A needle with other characters cannot occur in the
 *     LCASE of an ASCII form, which is ASCII;
 *   REGEX(X, w, flags) with w ASCII letters and digits and flags from
 *     imsx or from iq (PCRE2 refuses q with s, m or x: an error value,
 *     left to the evaluator): w has no metacharacter, no white space (x)
 *     and no '.', '^' or '$' (s, m), so on a well-formed UTF-8 X (PCRE2
 *     checks; not well-formed is an error) it matches where w occurs;
 *     caselessly with i, on an all-ASCII X (ASCII letters then fold to
 *     ASCII letters only: U+017F and U+212A are not in the text).
 * The byte test computes exactly that on the lexical form (lower-cased
 * where LCASE or i applies) and leaves every other case (a typed
 * literal, an IRI, a form that is not well-formed UTF-8 or holds U+0130
 * or U+212A where LCASE or REGEX is involved, a non-ASCII form with i or with a
 * non-ASCII needle under LCASE, a tagged or typed needle, a long form)
 * to the evaluator.  bs_sp_textfilter_policy = 1 sends every literal to
 * the evaluator (tests compare both). */
#include "config.h"
#include "sparql/exec_textfilter.h"

#include <stdlib.h>
#include <string.h>


/* ---- the shape ----------------------------------------------------------- */

/* The literal constant e, or NULL. */
static const bs_sp_const *literal_const(const bs_sp_exec *ex, const bs_sp_expr *e)
{
    if (e->op != BS_EX_CONST || e->cid < 0 || (size_t)e->cid >= ex->q->nconsts) return NULL;
    const bs_sp_const *c = &ex->q->consts[e->cid];
    bool lit = c->kind == BS_TERM_LITERAL || c->kind == BS_TERM_LANG || c->kind == BS_TERM_TYPED;
    return lit ? c : NULL;
}

bool bs_sp_tf_shape(const bs_sp_exec *ex, const bs_sp_expr *e, int v, bs_sp_tfshape *out)
{
    if (e->op != BS_EX_FUNC) return false;
    bool regex = e->fn == BS_FN_REGEX;
    if (e->fn != BS_FN_CONTAINS && e->fn != BS_FN_STRSTARTS && !regex) return false;
    if (e->nargs != 2 && !(regex && e->nargs == 3)) return false;
    const bs_sp_expr *a = e->args[0];
    bool lcase = a->op == BS_EX_FUNC && a->fn == BS_FN_LCASE && a->nargs == 1;
    if (lcase) a = a->args[0];
    if (a->op != BS_EX_VAR || a->var != v || v < 0) return false;
    const bs_sp_const *w = literal_const(ex, e->args[1]);
    const bs_sp_const *f = e->nargs == 3 ? literal_const(ex, e->args[2]) : NULL;
    if (!w || (e->nargs == 3 && !f)) return false;
    *out = (bs_sp_tfshape){ e->fn, lcase, w, f };
    return true;
}

/* ---- building the checks -------------------------------------------------- */

static bool all_of(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i])) return false;
    return true;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Check c for conjunct e of shape sh: the byte test's parameters. */
static bs_status check_init(bs_sp_expr *e, const bs_sp_tfshape *sh, bs_sp_tfcheck *c)
{
    const bs_sp_const *w = sh->w;
    bool ci = sh->flags && memchr(sh->flags->lex, 'i', sh->flags->lex_len);
    *c = (bs_sp_tfcheck){ .e = e, .fn = sh->fn };
    c->quick = w->kind == BS_TERM_LITERAL && bs_sp_textfilter_policy != 1;
    if (sh->fn == BS_FN_REGEX)
        c->quick = c->quick && w->lex_len > 0 &&
                   all_of(w->lex, w->lex_len,
                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") &&
                   (!sh->flags || (sh->flags->kind == BS_TERM_LITERAL &&
                                   (all_of(sh->flags->lex, sh->flags->lex_len, "imsx") ||
                                    all_of(sh->flags->lex, sh->flags->lex_len, "iq"))));
    c->fold = sh->lcase || ci;
    bool w_ascii = true;
    for (size_t i = 0; i < w->lex_len; i++) w_ascii = w_ascii && (unsigned char)w->lex[i] < 0x80;
    if (ci || (sh->lcase && !w_ascii)) c->text = BS_SP_TF_ASCII;
    else if (sh->lcase || sh->fn == BS_FN_REGEX) c->text = BS_SP_TF_UTF8;
    else c->text = BS_SP_TF_ANY;
    c->no_i130 = sh->lcase;
    if (!(c->w = malloc(w->lex_len + 1))) return BS_ERR_NOMEM;
    for (size_t i = 0; i < w->lex_len; i++) c->w[i] = ci ? lower(w->lex[i]) : w->lex[i];
    c->w[w->lex_len] = 0;
    c->wn = w->lex_len;
    return BS_OK;
}

/* Add the shaped conjuncts of e (through ANDs) to k; *whole: every
 * conjunct has the shape. */
static bs_status add_conjuncts(bs_sp_exec *ex, bs_sp_expr *e, bs_sp_tfchecks *k,
                               size_t *cap, bool *whole)
{
    if (e->op == BS_EX_AND) {
        for (size_t i = 0; i < e->nargs; i++) {
            bs_status st = add_conjuncts(ex, e->args[i], k, cap, whole);
            if (st != BS_OK) return st;
        }
        return BS_OK;
    }
    bs_sp_tfshape sh;
    if (!bs_sp_tf_shape(ex, e, k->var, &sh)) {
        *whole = false;
        return BS_OK;
    }
    if (k->n == *cap) {
        size_t ncap = *cap ? 2 * *cap : 4;
        bs_sp_tfcheck *v = realloc(k->v, ncap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        k->v = v;
        *cap = ncap;
    }
    bs_status st = check_init(e, &sh, &k->v[k->n]);
    if (st == BS_OK) k->n++;
    return st;
}

bs_status bs_sp_tfchecks_build(bs_sp_exec *ex, int var, bs_sp_expr *const *filters,
                               const size_t *flevel, size_t nfilters, size_t level,
                               bs_sp_tfchecks *out)
{
    *out = (bs_sp_tfchecks){ .var = var, .nfilters = nfilters };
    size_t cap = 0;
    out->decided = calloc(nfilters + 1, sizeof *out->decided);
    out->row = calloc(ex->nvars + 1, sizeof *out->row);
    if (!out->decided || !out->row) return BS_ERR_NOMEM;
    for (size_t i = 0; i < nfilters; i++) {
        if (flevel[i] != level) continue;
        bool whole = true;
        bs_status st = add_conjuncts(ex, filters[i], out, &cap, &whole);
        if (st != BS_OK) return st;
        out->decided[i] = whole;
    }
    return BS_OK;
}

void bs_sp_tfchecks_free(bs_sp_tfchecks *k)
{
    for (size_t i = 0; k->v && i < k->n; i++) free(k->v[i].w);
    free(k->v);
    free(k->decided);
    free(k->row);
    *k = (bs_sp_tfchecks){ 0 };
}

/* ---- testing a literal ---------------------------------------------------- */

/* The length of the well-formed UTF-8 character at s[0..n) (a lead
 * byte >= 0xC2), or 0: an overlong form, a surrogate, past U+10FFFF, a
 * lone or cut sequence. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) len = 3;
    else if (c >= 0xF0 && c <= 0xF4) len = 4;
    else return 0;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if ((s[k] & 0xC0) != 0x80) return 0;
    return len;
}

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

static inline uint64_t load8(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* 0x80 in each byte of y that is zero, 0 elsewhere (no carry crosses a
 * byte: (y & 0x7F) + 0x7F <= 0xFE). */
static inline uint64_t zero_bytes(uint64_t y)
{
    return ~(((y & ~HIGH) + ~HIGH) | y | ~HIGH);
}

/* The two characters whose lower case holds ASCII letters (U+0130 ->
 * "i" U+0307, the Kelvin sign U+212A -> "k"), at the start of p (a
 * whole UTF-8 character). */
static bool lcase_to_ascii(const unsigned char *p)
{
    return (p[0] == 0xC4 && p[1] == 0xB0) || (p[0] == 0xE2 && p[1] == 0x84 && p[2] == 0xAA);
}

/* 0: every byte of s[0..n) is ASCII; 1: well-formed UTF-8 with other
 * characters (not U+0130 or U+212A when no_i130); -1: anything else.
 * Eight ASCII bytes at a time. */
static int text_kind(const char *s, size_t n, bool no_i130)
{
    int kind = 0;
    size_t i = 0;
    uint64_t any = 0;
    for (; i + 8 <= n; i += 8) any |= load8(s + i);
    for (; i < n; i++) any |= (unsigned char)s[i];
    if (!(any & HIGH)) return 0;
    i = 0;
    while (i < n) {
        if (i + 8 <= n && !(load8(s + i) & HIGH)) {
            i += 8;
            continue;
        }
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x80) {
            i++;
            continue;
        }
        size_t len = utf8_len((const unsigned char *)s + i, n - i);
        if (!len || (no_i130 && lcase_to_ascii((const unsigned char *)s + i))) return -1;
        i += len;
        kind = 1;
    }
    return kind;
}

/* w with the bytes A-Z lower-cased, any byte values (no carry crosses a
 * byte: (b & 0x7F) + 0x3F <= 0xBE; a byte >= 0x80 is not A-Z). */
static inline uint64_t lower8(uint64_t w)
{
    uint64_t x = w & ~HIGH;
    uint64_t upper = (x + ONES * 0x3F) & ~(x + ONES * 0x25) & ~w & HIGH;
    return w | (upper >> 2);
}

/* Whether s[0..k) with A-Z lower-cased is w[0..k): eight bytes at a
 * time, the last eight overlapping. */
static bool fold_eq(const char *s, const char *w, size_t k)
{
    if (k < 8) {
        for (size_t j = 0; j < k; j++)
            if (lower(s[j]) != w[j]) return false;
        return true;
    }
    for (size_t j = 0; j + 8 < k; j += 8)
        if (lower8(load8(s + j)) != load8(w + j)) return false;
    return lower8(load8(s + k - 8)) == load8(w + k - 8);
}

/* Whether w[0..k) (1 <= k <= n) occurs in s[0..n) with A-Z lower-cased.
 * Eight positions at a time: a position is a candidate when its byte and
 * the byte k - 1 further equal w's first and last with the case bit
 * (0x20) set in both: every occurrence is one (a byte lower-cased keeps
 * its value ORed with 0x20).  Candidates are checked byte by byte. */
static bool fold_find(const char *s, size_t n, const char *w, size_t k)
{
    const uint64_t cb = ONES * 0x20;
    const uint64_t first = (ONES * (unsigned char)w[0]) | cb, last = (ONES * (unsigned char)w[k - 1]) | cb;
    size_t i = 0, end = n - k + 1; /* positions [0, end) */
    for (; i + 8 <= end; i += 8) {
        uint64_t m = zero_bytes((load8(s + i) | cb) ^ first) &
                     zero_bytes((load8(s + i + k - 1) | cb) ^ last);
        if (!m) continue;
        for (size_t j = i; j < i + 8; j++)
            if (fold_eq(s + j, w, k)) return true;
    }
    for (; i < end; i++)
        if (fold_eq(s + i, w, k)) return true;
    return false;
}

int bs_sp_tfcheck_quick(const bs_sp_tfcheck *c, const bs_term *t)
{
    if (!c->quick || (t->kind != BS_TERM_LITERAL && t->kind != BS_TERM_LANG)) return -1;
    const char *s = t->lex;
    size_t n = t->lex_len;
    if (c->text != BS_SP_TF_ANY) {
        int kind = text_kind(s, n, c->no_i130);
        if (kind < 0 || (kind > 0 && c->text == BS_SP_TF_ASCII)) return -1;
    }
    if (c->wn > n) return 0;
    if (c->wn == 0) return 1;
    if (c->fn == BS_FN_STRSTARTS)
        return c->fold ? fold_eq(s, c->w, c->wn) : memcmp(s, c->w, c->wn) == 0;
    return c->fold ? fold_find(s, n, c->w, c->wn) : memmem(s, n, c->w, c->wn) != NULL;
}

bs_status bs_sp_tfchecks_pass(bs_sp_exec *ex, bs_sp_tfchecks *k, bs_id graph, bs_id lit,
                              bool *pass)
{
    bs_term t;
    bool have = k->n && bs_sp_term(ex, lit, &t) == BS_OK;
    *pass = true;
    for (size_t i = 0; i < k->n && *pass; i++) {
        int r = have ? bs_sp_tfcheck_quick(&k->v[i], &t) : -1;
        if (r >= 0) {
            *pass = r;
            continue;
        }
        k->row[k->var] = lit;
        bs_status st = bs_sp_filters_pass(ex, &k->v[i].e, 1, graph, k->row, pass);
        if (st != BS_OK) return st;
    }
    return BS_OK;
}
