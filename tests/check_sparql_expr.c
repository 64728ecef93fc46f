/* SPDX-License-Identifier: MIT
 * battstore — unit tests of SPARQL expressions, builtins, casts and
 * aggregates, modelled on the W3C suite's cases, over a fake executor. */
#include "config.h"
#include <check.h>
#include <unicase.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "expr_fake.h"
#include "sparql/expr_int.h"

static bs_sp_exec EX;
static bs_id ROW[FAKE_NVARS];
static bs_sp_expr *pool[4096];
static size_t npool;
static int ncid;

/* ---- a small language for building expressions --------------------------- */
static bs_sp_expr *mk(bs_sp_ex_op op, int fn, size_t n, ...)
{
    bs_sp_expr *e = calloc(1, sizeof *e);
    ck_assert_ptr_nonnull(e);
    e->op = op;
    e->fn = fn;
    e->var = -1;
    e->cid = -1;
    e->nargs = n;
    e->args = calloc(n ? n : 1, sizeof *e->args);
    va_list ap;
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) e->args[i] = va_arg(ap, bs_sp_expr *);
    va_end(ap);
    ck_assert_uint_lt(npool, 4096);
    pool[npool++] = e;
    return e;
}

/* Parse a term: <iri>, _:b, "lex", "lex"@tag, "lex"^^xsd:type,
 * "lex"^^<dt>, or a bare number / true / false (Turtle shorthand). */
static bs_term parse_term(const char *s, char *buf)
{
    size_t n = strlen(s);
    if (s[0] == '<') return bs_term_iri(s + 1, n - 2);
    if (s[0] == '_') return bs_term_bnode(s + 2, n - 2);
    if (s[0] != '"') {
        const char *dt = !strcmp(s, "true") || !strcmp(s, "false") ? BS_XSD "boolean"
                       : strpbrk(s, "eE") ? BS_XSD "double"
                       : strchr(s, '.') ? BS_XSD "decimal" : BS_XSD "integer";
        return bs_term_literal(s, n, NULL, 0, dt, strlen(dt));
    }
    const char *end = strrchr(s, '"');
    size_t ln = (size_t)(end - s - 1);
    if (end[1] == '@') return bs_term_literal(s + 1, ln, end + 2, strlen(end + 2), NULL, 0);
    if (end[1] == '^') {
        const char *dt = end + 3;
        if (dt[0] == '<') return bs_term_literal(s + 1, ln, NULL, 0, dt + 1, strlen(dt) - 2);
        int k = sprintf(buf, BS_XSD "%s", dt + 4);
        return bs_term_literal(s + 1, ln, NULL, 0, buf, (size_t)k);
    }
    return bs_term_literal(s + 1, ln, NULL, 0, NULL, 0);
}

static bs_id tid(const char *s)
{
    char buf[256];
    bs_term t = parse_term(s, buf);
    bs_id id;
    ck_assert_int_eq(bs_sp_intern(&EX, &t, &id), BS_OK);
    return id;
}

static bs_sp_expr *K(const char *s)
{
    bs_sp_expr *e = mk(BS_EX_CONST, 0, 0);
    ck_assert_int_lt(ncid, FAKE_NCONSTS);
    EX.cids[ncid] = tid(s);
    e->cid = ncid++;
    return e;
}

static bs_sp_expr *V(int slot)
{
    bs_sp_expr *e = mk(BS_EX_VAR, 0, 0);
    e->var = slot;
    return e;
}

#define F(fn, ...) mk(BS_EX_FUNC, fn, sizeof((bs_sp_expr *[]){__VA_ARGS__}) / sizeof(bs_sp_expr *), __VA_ARGS__)
#define F0(fn) mk(BS_EX_FUNC, fn, 0)
#define O(op, a, b) mk(op, 0, 2, a, b)
#define ERRX V(7) /* slot 7 is never bound: an error */

static bs_sp_expr *CALL(const char *iri, bs_sp_expr *arg)
{
    bs_sp_expr *e = mk(BS_EX_CALL, 0, 1, arg);
    bs_sp_expr *k = K(iri);
    e->cid = k->cid;
    return e;
}

static char OUT[1024];

/* Render an id like the K() syntax; "ERR" for 0. */
static const char *show(bs_id id)
{
    bs_term t;
    if (!id) return "ERR";
    ck_assert_int_eq(bs_sp_term(&EX, id, &t), BS_OK);
    int n;
    switch (t.kind) {
    case BS_TERM_IRI: n = snprintf(OUT, sizeof OUT, "<%.*s>", (int)t.lex_len, t.lex); break;
    case BS_TERM_BNODE: n = snprintf(OUT, sizeof OUT, "_:%.*s", (int)t.lex_len, t.lex); break;
    case BS_TERM_LITERAL: n = snprintf(OUT, sizeof OUT, "\"%.*s\"", (int)t.lex_len, t.lex); break;
    case BS_TERM_LANG:
        n = snprintf(OUT, sizeof OUT, "\"%.*s\"@%.*s", (int)t.lex_len, t.lex,
                     (int)t.extra_len, t.extra);
        break;
    default:
        if (t.extra_len > BS_XSD_LEN && !memcmp(t.extra, BS_XSD, BS_XSD_LEN))
            n = snprintf(OUT, sizeof OUT, "\"%.*s\"^^xsd:%.*s", (int)t.lex_len, t.lex,
                         (int)(t.extra_len - BS_XSD_LEN), t.extra + BS_XSD_LEN);
        else
            n = snprintf(OUT, sizeof OUT, "\"%.*s\"^^<%.*s>", (int)t.lex_len, t.lex,
                         (int)t.extra_len, t.extra);
    }
    (void)n;
    return OUT;
}

static const char *ev(bs_sp_expr *e)
{
    bs_id id = 99;
    ck_assert_int_eq(bs_sp_expr_eval(&EX, e, ROW, &id), BS_OK);
    return show(id);
}

static int ebv(bs_sp_expr *e)
{
    int b = 7;
    ck_assert_int_eq(bs_sp_expr_ebv(&EX, e, ROW, &b), BS_OK);
    return b;
}

#define EQ(e, want) ck_assert_str_eq(ev(e), want)

static void setup(void)
{
    fake_init(&EX);
    memset(ROW, 0, sizeof ROW);
    npool = 0;
    ncid = 0;
}

static void teardown(void)
{
    for (size_t i = 0; i < npool; i++) {
        free(pool[i]->args);
        free(pool[i]);
    }
    fake_clear(&EX);
}

/* ---- lexical forms --------------------------------------------------------- */
START_TEST(test_lexical)
{
    char b[128];
    bs_sp_fmt_dbl(100, false, b);
    ck_assert_str_eq(b, "1.0E2");
    bs_sp_fmt_dbl(0.2, false, b);
    ck_assert_str_eq(b, "2.0E-1");
    bs_sp_fmt_dbl(32100, false, b);
    ck_assert_str_eq(b, "3.21E4");
    bs_sp_fmt_dbl(-7.875, true, b);
    ck_assert_str_eq(b, "-7.875E0");
    bs_sp_fmt_dbl(0.1f, true, b);
    ck_assert_str_eq(b, "1.0E-1");
    bs_sp_dec d;
    ck_assert(bs_sp_parse_dec("+033.3300", 9, &d));
    bs_sp_fmt_dec(d, b);
    ck_assert_str_eq(b, "33.33");
    ck_assert(bs_sp_parse_dec("-.5", 3, &d));
    bs_sp_fmt_dec(d, b);
    ck_assert_str_eq(b, "-0.5");
    ck_assert(bs_sp_parse_dec("7", 1, &d));
    bs_sp_fmt_dec(d, b);
    ck_assert_str_eq(b, "7.0");
    ck_assert(!bs_sp_parse_dec("1e0", 3, &d));
    ck_assert(!bs_sp_parse_dec(".", 1, &d));
    int64_t i;
    ck_assert(bs_sp_parse_int(" -12 ", 5, &i) && i == -12);
    ck_assert(!bs_sp_parse_int("1.0", 3, &i));
    ck_assert(!bs_sp_parse_int("99999999999999999999", 20, &i));
    double x;
    ck_assert(bs_sp_parse_dbl("-10.2E3", 7, &x) && x == -10200);
    ck_assert(bs_sp_parse_dbl("INF", 3, &x));
    ck_assert(!bs_sp_parse_dbl("1e", 2, &x));
    ck_assert(!bs_sp_parse_dbl("inf", 3, &x));
    bs_sp_dt dt;
    ck_assert(bs_sp_parse_dt("2010-12-21T15:38:02.5-08:00", 27, &dt));
    ck_assert_int_eq(dt.tz, -480);
    bs_sp_fmt_dt(&dt, b);
    ck_assert_str_eq(b, "2010-12-21T15:38:02.5-08:00");
    ck_assert(!bs_sp_parse_dt("2010-02-30T00:00:00Z", 20, &dt));
    ck_assert(!bs_sp_parse_dt("2010-12-21", 10, &dt));
}
END_TEST

/* ---- arithmetic and type promotion (expr-ops, type-promotion) --------------- */
START_TEST(test_arith)
{
    EQ(O(BS_EX_ADD, K("1"), K("2")), "\"3\"^^xsd:integer");
    EQ(O(BS_EX_DIV, K("1"), K("2")), "\"0.5\"^^xsd:decimal");
    EQ(O(BS_EX_DIV, K("3"), K("3")), "\"1.0\"^^xsd:decimal");
    EQ(O(BS_EX_DIV, K("1"), K("3")), "\"0.333333333333333333333333\"^^xsd:decimal");
    EQ(O(BS_EX_MUL, K("1.5"), K("2")), "\"3.0\"^^xsd:decimal");
    EQ(O(BS_EX_SUB, K("1.5"), K("2.25")), "\"-0.75\"^^xsd:decimal");
    EQ(O(BS_EX_ADD, K("1"), K("\"1\"^^xsd:double")), "\"2.0E0\"^^xsd:double");
    EQ(O(BS_EX_ADD, K("\"1\"^^xsd:float"), K("\"2\"^^xsd:short")), "\"3.0E0\"^^xsd:float");
    EQ(O(BS_EX_ADD, K("\"1\"^^xsd:short"), K("\"2\"^^xsd:short")), "\"3\"^^xsd:integer");
    EQ(O(BS_EX_ADD, K("\"1\"^^xsd:float"), K("\"2\"^^xsd:double")), "\"3.0E0\"^^xsd:double");
    EQ(O(BS_EX_DIV, K("1"), K("0")), "ERR");
    EQ(O(BS_EX_DIV, K("1.0"), K("0.0")), "ERR");
    EQ(O(BS_EX_DIV, K("1e0"), K("0")), "\"INF\"^^xsd:double");
    EQ(O(BS_EX_ADD, K("\"1\""), K("1")), "ERR");
    EQ(O(BS_EX_ADD, K("9223372036854775807"), K("1")), "ERR");
    EQ(O(BS_EX_ADD, ERRX, K("1")), "ERR");
    EQ(mk(BS_EX_NEG, 0, 1, K("2")), "\"-2\"^^xsd:integer");
    EQ(mk(BS_EX_NEG, 0, 1, K("-1.5")), "\"1.5\"^^xsd:decimal");
    EQ(mk(BS_EX_PLUS, 0, 1, K("\"01\"^^xsd:integer")), "\"01\"^^xsd:integer");
    EQ(mk(BS_EX_NEG, 0, 1, K("\"a\"")), "ERR");
}
END_TEST

/* ---- = and != (expr-equals, open-world) ---------------------------------- */
START_TEST(test_equality)
{
    EQ(O(BS_EX_EQ, K("1"), K("1.0")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"01\"^^xsd:integer"), K("1e0")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"a\""), K("\"a\"^^xsd:string")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"xyz\"@en"), K("\"xyz\"@EN")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"xyz\""), K("\"xyz\"@en")), "\"false\"^^xsd:boolean");
    EQ(O(BS_EX_NE, K("\"xyz\""), K("\"xyz\"@en")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"a\"^^<http://t/u>"), K("\"a\"^^<http://t/u>")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"a\"^^<http://t/u>"), K("\"b\"^^<http://t/u>")), "ERR");
    EQ(O(BS_EX_NE, K("\"a\"^^<http://t/u>"), K("\"b\"^^<http://t/u>")), "ERR");
    EQ(O(BS_EX_EQ, K("\"xyz\"^^xsd:integer"), K("\"abc\"")), "ERR");
    EQ(O(BS_EX_EQ, K("1"), K("\"1\"")), "\"false\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("<http://a>"), K("<http://a>")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("<http://a>"), K("\"http://a\"")), "\"false\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("_:x"), K("_:x")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("true"), K("\"1\"^^xsd:boolean")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"2002-04-02T12:00:00-01:00\"^^xsd:dateTime"),
         K("\"2002-04-02T17:00:00+04:00\"^^xsd:dateTime")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, K("\"NaN\"^^xsd:double"), K("\"NaN\"^^xsd:double")), "\"false\"^^xsd:boolean");
    EQ(O(BS_EX_NE, K("\"NaN\"^^xsd:double"), K("\"NaN\"^^xsd:double")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_EQ, ERRX, K("1")), "ERR");
    /* open-eq-08/12: a language-tagged string is unequal to any typed literal */
    EQ(O(BS_EX_NE, K("\"xyz\"@en"), K("\"xyz\"^^xsd:integer")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_NE, K("\"xyz\"@en"), K("\"xyz\"^^<http://t/u>")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_NE, K("\"xyz\""), K("\"xyz\"^^xsd:integer")), "ERR");
    EQ(O(BS_EX_NE, K("\"xyz\"^^xsd:integer"), K("\"xyz\"^^<http://t/u>")), "ERR");
    /* date-2, date-3: xsd:date values; with and without a timezone */
    const char *d = "\"2006-08-23\"^^xsd:date";
    EQ(O(BS_EX_NE, K("\"2001-01-01Z\"^^xsd:date"), K(d)), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_NE, K("\"2006-08-23Z\"^^xsd:date"), K(d)), "ERR");
    EQ(O(BS_EX_NE, K("\"2006-08-23T09:00:00+01:00\"^^xsd:dateTime"), K(d)), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_GT, K("\"2006-08-23Z\"^^xsd:date"), K("\"2006-08-22\"^^xsd:date")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_GT, K("\"2006-08-23T09:00:00+01:00\"^^xsd:dateTime"), K(d)), "ERR");
    EQ(O(BS_EX_EQ, K("\"2006-08-23+00:00\"^^xsd:date"), K("\"2006-08-23Z\"^^xsd:date")), "\"true\"^^xsd:boolean");
}
END_TEST

START_TEST(test_ordering_ops)
{
    EQ(O(BS_EX_LT, K("1"), K("2.5")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_GE, K("\"b\""), K("\"a\"")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_LT, K("\"a\"@en"), K("\"b\"@en")), "ERR");
    EQ(O(BS_EX_GT, K("true"), K("false")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_LT, K("\"2008-06-20T23:59:00Z\"^^xsd:dateTime"),
         K("\"2010-06-21T11:28:01Z\"^^xsd:dateTime")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_LE, K("1"), K("\"1\"")), "ERR");
    EQ(O(BS_EX_LT, K("<http://a>"), K("<http://b>")), "ERR");
    EQ(O(BS_EX_LT, K("\"a\"^^<http://t/u>"), K("\"b\"^^<http://t/u>")), "ERR");
}
END_TEST

/* ---- logical operators, EBV (boolean-effective-value) ------------------------ */
START_TEST(test_logic_ebv)
{
    EQ(O(BS_EX_OR, ERRX, K("true")), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_OR, K("true"), ERRX), "\"true\"^^xsd:boolean");
    EQ(O(BS_EX_OR, ERRX, K("false")), "ERR");
    EQ(O(BS_EX_AND, ERRX, K("false")), "\"false\"^^xsd:boolean");
    EQ(O(BS_EX_AND, K("false"), ERRX), "\"false\"^^xsd:boolean");
    EQ(O(BS_EX_AND, K("true"), ERRX), "ERR");
    EQ(O(BS_EX_AND, K("1"), K("\"x\"")), "\"true\"^^xsd:boolean");
    EQ(mk(BS_EX_NOT, 0, 1, K("\"\"")), "\"true\"^^xsd:boolean");
    EQ(mk(BS_EX_NOT, 0, 1, ERRX), "ERR");
    ck_assert_int_eq(ebv(K("\"\"")), 0);
    ck_assert_int_eq(ebv(K("\"a\"")), 1);
    ck_assert_int_eq(ebv(K("\"a\"@en")), 1);
    ck_assert_int_eq(ebv(K("0")), 0);
    ck_assert_int_eq(ebv(K("0.0")), 0);
    ck_assert_int_eq(ebv(K("\"NaN\"^^xsd:double")), 0);
    ck_assert_int_eq(ebv(K("\"-0.0E0\"^^xsd:double")), 0);
    ck_assert_int_eq(ebv(K("\"abc\"^^xsd:integer")), 0);
    ck_assert_int_eq(ebv(K("\"abc\"^^xsd:boolean")), 0);
    ck_assert_int_eq(ebv(K("\"true\"^^xsd:boolean")), 1);
    ck_assert_int_eq(ebv(K("<http://a>")), -1);
    ck_assert_int_eq(ebv(K("\"x\"^^<http://t/u>")), -1);
    ck_assert_int_eq(ebv(K("\"2002-04-02T12:00:00Z\"^^xsd:dateTime")), -1);
    ck_assert_int_eq(ebv(ERRX), -1);
}
END_TEST

START_TEST(test_in)
{
    EQ(mk(BS_EX_IN, 0, 3, K("2"), K("1"), K("2.0")), "\"true\"^^xsd:boolean");
    EQ(mk(BS_EX_IN, 0, 1, K("2")), "\"false\"^^xsd:boolean");
    EQ(mk(BS_EX_NOT_IN, 0, 1, K("2")), "\"true\"^^xsd:boolean");
    EQ(mk(BS_EX_IN, 0, 3, K("2"), K("1"), ERRX), "ERR");
    EQ(mk(BS_EX_IN, 0, 3, K("2"), K("2"), ERRX), "\"true\"^^xsd:boolean");
    EQ(mk(BS_EX_NOT_IN, 0, 3, K("2"), ERRX, K("2")), "\"false\"^^xsd:boolean");
    EQ(mk(BS_EX_NOT_IN, 0, 3, K("2"), K("<http://a>"), K("\"2\"")), "\"true\"^^xsd:boolean");
}
END_TEST

/* ---- string functions (functions/, expr-builtin) ------------------------------ */
/* LCASE/UCASE map text before the first non-ASCII byte byte by byte and
 * the rest through libunistring with that text as its casing context:
 * the result must be the whole string's mapping (a final sigma after
 * ASCII letters, case-ignorable ASCII between them, ASCII after). */
START_TEST(test_case_split)
{
    static const char *const texts[] = {
        "AΣ", "AB'Σ", "A Σ", "AΣB", "A.Σ", "A:Σ Σ", "At -10 °C RUN", "abc ß", "x İ Ǳ Kk",
        "ΣΑΣ", "ΑΣ'", "AΣ.", "ǅ", "", "plain ascii",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        for (int up = 0; up < 2; up++) {
            const char *t = texts[i];
            size_t k = 0;
            uint8_t *m = (up ? u8_toupper : u8_tolower)((const uint8_t *)t, strlen(t), NULL,
                                                      NULL, NULL, &k);
            ck_assert_ptr_nonnull(m);
            char lit[64], want[64];
            snprintf(lit, sizeof lit, "\"%s\"", t);
            snprintf(want, sizeof want, "\"%.*s\"", (int)k, (const char *)m);
            free(m);
            EQ(F(up ? BS_FN_UCASE : BS_FN_LCASE, K(lit)), want);
        }
    }
}
END_TEST

START_TEST(test_strings)
{
    EQ(F(BS_FN_STRLEN, K("\"食べ物\"")), "\"3\"^^xsd:integer");
    EQ(F(BS_FN_STRLEN, K("\"\"@en")), "\"0\"^^xsd:integer");
    EQ(F(BS_FN_STRLEN, K("1")), "ERR");
    EQ(F(BS_FN_SUBSTR, K("\"foobar\""), K("4")), "\"bar\"");
    EQ(F(BS_FN_SUBSTR, K("\"foobar\"@en"), K("4"), K("1")), "\"b\"@en");
    EQ(F(BS_FN_SUBSTR, K("\"食べ物\""), K("2"), K("1")), "\"べ\"");
    EQ(F(BS_FN_SUBSTR, K("\"12345\""), K("0"), K("3")), "\"12\"");
    EQ(F(BS_FN_SUBSTR, K("\"12345\""), K("1.5"), K("2.6")), "\"234\"");
    EQ(F(BS_FN_SUBSTR, K("\"abc\"^^xsd:string"), K("9")), "\"\"");
    EQ(F(BS_FN_UCASE, K("\"foo\"@en")), "\"FOO\"@en");
    EQ(F(BS_FN_LCASE, K("\"ÄÖÉ BAZ\"")), "\"äöé baz\"");
    /* Unicode's full case mappings (XPath fn:upper-case), every script */
    EQ(F(BS_FN_UCASE, K("\"straße ï\"")), "\"STRASSE Ï\"");
    EQ(F(BS_FN_UCASE, K("\"ǆ ǳ ḁ ａ ա ⰰ\"")), "\"Ǆ Ǳ Ḁ Ａ Ա Ⰰ\"");
    EQ(F(BS_FN_LCASE, K("\"Ǆ Ǳ Ḁ Ａ Ա Ⰰ ΣΑΣ\"")), "\"ǆ ǳ ḁ ａ ա ⰰ σας\"");
    EQ(F(BS_FN_STRSTARTS, K("\"foobar\""), K("\"foo\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_STRSTARTS, K("\"foobar\"@en"), K("\"foo\"@en")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_STRSTARTS, K("\"foobar\""), K("\"foo\"@en")), "ERR");
    EQ(F(BS_FN_STRSTARTS, K("\"foobar\"@en"), K("\"foo\"@fr")), "ERR");
    EQ(F(BS_FN_STRENDS, K("\"foobar\"@en"), K("\"bar\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_CONTAINS, K("\"foobar\""), K("\"oba\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_CONTAINS, K("\"foobar\""), K("\"\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_CONTAINS, K("1"), K("\"1\"")), "ERR");
    EQ(F(BS_FN_STRBEFORE, K("\"abc\"@en"), K("\"b\"")), "\"a\"@en");
    EQ(F(BS_FN_STRBEFORE, K("\"abc\"@en"), K("\"\"")), "\"\"@en");
    EQ(F(BS_FN_STRBEFORE, K("\"abc\"@en"), K("\"z\"")), "\"\"");
    EQ(F(BS_FN_STRAFTER, K("\"abc\"^^xsd:string"), K("\"b\"")), "\"c\"");
    EQ(F(BS_FN_STRAFTER, K("\"abc\""), K("\"b\"@cy")), "ERR");
    EQ(F(BS_FN_ENCODE_FOR_URI, K("\"Los Angeles~é\"")), "\"Los%20Angeles~%C3%A9\"");
    EQ(F(BS_FN_CONCAT, K("\"a\"@en"), K("\"b\"@en")), "\"ab\"@en");
    EQ(F(BS_FN_CONCAT, K("\"a\"@en"), K("\"b\"")), "\"ab\"");
    EQ(F(BS_FN_CONCAT, K("\"a\"^^xsd:string"), K("\"b\"")), "\"ab\"");
    EQ(F(BS_FN_CONCAT, K("\"a\""), K("1")), "ERR");
    EQ(F0(BS_FN_CONCAT), "\"\"");
}
END_TEST

START_TEST(test_regex)
{
    EQ(F(BS_FN_REGEX, K("\"Alice\""), K("\"^ali\""), K("\"i\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_REGEX, K("\"Alice\""), K("\"^ali\"")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_REGEX, K("\"食べ物\"@ja"), K("\"^.べ.$\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_REGEX, K("\"a\nb\""), K("\"^b\""), K("\"m\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_REGEX, K("\"a\""), K("\"(\"")), "ERR");
    EQ(F(BS_FN_REGEX, K("\"a\""), K("\"a\""), K("\"z\"")), "ERR");
    EQ(F(BS_FN_REGEX, K("<http://a>"), K("\"a\"")), "ERR");
    EQ(F(BS_FN_REPLACE, K("\"abcd\""), K("\"(ab)|(a)\""), K("\"[1=$1][2=$2]\"")),
       "\"[1=ab][2=]cd\"");
    EQ(F(BS_FN_REPLACE, K("\"aAbBaC\""), K("\"a\""), K("\"~/\""), K("\"i\"")),
       "\"~/~/bB~/C\"");
    EQ(F(BS_FN_REPLACE, K("\"食べ物\"@ja"), K("\"[^a-z0-9]\""), K("\"-\"")), "\"---\"@ja");
    EQ(F(BS_FN_REPLACE, K("\"banana\""), K("\"ana\""), K("\"*\"")), "\"b*na\"");
    EQ(F(BS_FN_REPLACE, K("\"a$b\""), K("\"\\$\""), K("\"\\$\\\\\"")), "\"a$\\b\"");
    EQ(F(BS_FN_REPLACE, K("\"abc\""), K("\"x*\""), K("\"-\"")), "ERR");
    EQ(F(BS_FN_REPLACE, K("\"abc\""), K("\"b\""), K("\"$\"")), "ERR");
}
END_TEST

/* ---- numeric functions --------------------------------------------------------- */
START_TEST(test_numeric)
{
    EQ(F(BS_FN_ABS, K("-1")), "\"1\"^^xsd:integer");
    EQ(F(BS_FN_ABS, K("-1.6")), "\"1.6\"^^xsd:decimal");
    EQ(F(BS_FN_ABS, K("\"-2\"^^xsd:float")), "\"2.0E0\"^^xsd:float");
    EQ(F(BS_FN_CEIL, K("-1.6")), "\"-1.0\"^^xsd:decimal");
    EQ(F(BS_FN_CEIL, K("1.1")), "\"2.0\"^^xsd:decimal");
    EQ(F(BS_FN_FLOOR, K("-1.6")), "\"-2.0\"^^xsd:decimal");
    EQ(F(BS_FN_FLOOR, K("2")), "\"2\"^^xsd:integer");
    EQ(F(BS_FN_ROUND, K("2.5")), "\"3.0\"^^xsd:decimal");
    EQ(F(BS_FN_ROUND, K("-2.5")), "\"-2.0\"^^xsd:decimal");
    EQ(F(BS_FN_ROUND, K("-1.6")), "\"-2.0\"^^xsd:decimal");
    EQ(F(BS_FN_ROUND, K("-2.5e0")), "\"-2.0E0\"^^xsd:double");
    EQ(F(BS_FN_ROUND, K("\"x\"")), "ERR");
    bs_id id;
    ck_assert_int_eq(bs_sp_expr_eval(&EX, F0(BS_FN_RAND), ROW, &id), BS_OK);
    bs_sp_val v;
    bs_sp_val_from_id(&EX, id, &v);
    ck_assert_int_eq(v.t, BS_V_DBL);
    ck_assert(v.u.d >= 0 && v.u.d < 1);
}
END_TEST

/* ---- date/time functions ---------------------------------------------------------- */
START_TEST(test_dates)
{
    const char *d = "\"2010-12-21T15:38:02-08:00\"^^xsd:dateTime";
    const char *z = "\"2011-02-01T01:02:03\"^^xsd:dateTime";
    EQ(F(BS_FN_YEAR, K(d)), "\"2010\"^^xsd:integer");
    EQ(F(BS_FN_MONTH, K(d)), "\"12\"^^xsd:integer");
    EQ(F(BS_FN_DAY, K(d)), "\"21\"^^xsd:integer");
    EQ(F(BS_FN_HOURS, K(d)), "\"15\"^^xsd:integer");
    EQ(F(BS_FN_MINUTES, K(d)), "\"38\"^^xsd:integer");
    EQ(F(BS_FN_SECONDS, K(d)), "\"2.0\"^^xsd:decimal");
    EQ(F(BS_FN_SECONDS, K("\"2010-12-21T15:38:02.25Z\"^^xsd:dateTime")), "\"2.25\"^^xsd:decimal");
    EQ(F(BS_FN_TIMEZONE, K(d)), "\"-PT8H\"^^xsd:dayTimeDuration");
    EQ(F(BS_FN_TIMEZONE, K("\"2010-06-21T11:28:01Z\"^^xsd:dateTime")), "\"PT0S\"^^xsd:dayTimeDuration");
    EQ(F(BS_FN_TIMEZONE, K(z)), "ERR");
    EQ(F(BS_FN_TZ, K(d)), "\"-08:00\"");
    EQ(F(BS_FN_TZ, K("\"2010-06-21T11:28:01Z\"^^xsd:dateTime")), "\"Z\"");
    EQ(F(BS_FN_TZ, K(z)), "\"\"");
    EQ(F(BS_FN_YEAR, K("\"2010-12-21T15:38:02\"")), "ERR");
    EQ(F0(BS_FN_NOW), "\"2010-06-19T11:30:00.25Z\"^^xsd:dateTime");
}
END_TEST

START_TEST(test_hashes)
{
    EQ(F(BS_FN_MD5, K("\"abc\"")), "\"900150983cd24fb0d6963f7d28e17f72\"");
    EQ(F(BS_FN_SHA1, K("\"abc\"^^xsd:string")), "\"a9993e364706816aba3e25717850c26c9cd0d89d\"");
    EQ(F(BS_FN_SHA256, K("\"abc\"")),
       "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"");
    EQ(F(BS_FN_SHA384, K("\"abc\"")),
       "\"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
       "8086072ba1e7cc2358baeca134c825a7\"");
    EQ(F(BS_FN_SHA512, K("\"abc\"")),
       "\"ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f\"");
    EQ(F(BS_FN_MD5, K("\"abc\"@en")), "ERR");
    EQ(F(BS_FN_MD5, K("1")), "ERR");
    char a[64];
    snprintf(a, sizeof a, "%s", ev(F0(BS_FN_STRUUID)));
    ck_assert_uint_eq(strlen(a), 38);
    ck_assert_str_ne(a, ev(F0(BS_FN_STRUUID)));
    ck_assert_int_eq(strncmp(ev(F0(BS_FN_UUID)), "<urn:uuid:", 10), 0);
    ck_assert_uint_eq(strlen(OUT), 47);
}
END_TEST

/* ---- functions on terms ------------------------------------------------------------- */
START_TEST(test_terms)
{
    EQ(F(BS_FN_STR, K("<http://a/b>")), "\"http://a/b\"");
    EQ(F(BS_FN_STR, K("\"1\"^^xsd:integer")), "\"1\"");
    EQ(F(BS_FN_STR, O(BS_EX_ADD, K("1"), K("1.5"))), "\"2.5\"");
    EQ(F(BS_FN_STR, K("_:b")), "ERR");
    EQ(F(BS_FN_LANG, K("\"a\"@en")), "\"en\"");
    EQ(F(BS_FN_LANG, K("\"a\"")), "\"\"");
    EQ(F(BS_FN_LANG, K("<http://a>")), "ERR");
    EQ(F(BS_FN_DATATYPE, K("\"a\"")), "<" BS_XSD "string>");
    EQ(F(BS_FN_DATATYPE, K("\"a\"@en")), "<http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>");
    EQ(F(BS_FN_DATATYPE, O(BS_EX_DIV, K("1"), K("2"))), "<" BS_XSD "decimal>");
    EQ(F(BS_FN_DATATYPE, K("\"x\"^^<http://t/u>")), "<http://t/u>");
    EQ(F(BS_FN_DATATYPE, K("<http://a>")), "ERR");
    EQ(F(BS_FN_LANGMATCHES, K("\"en-US\""), K("\"en\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_LANGMATCHES, K("\"EN\""), K("\"en\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_LANGMATCHES, K("\"english\""), K("\"en\"")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_LANGMATCHES, K("\"fr\""), K("\"*\"")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_LANGMATCHES, K("\"\""), K("\"*\"")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_IRI, K("\"http://x/\"")), "<http://x/>");
    EQ(F(BS_FN_URI, K("<http://x/>")), "<http://x/>");
    EQ(F(BS_FN_IRI, K("1")), "ERR");
    EQ(F(BS_FN_STRDT, K("\"1\""), K("<" BS_XSD "integer>")), "\"1\"^^xsd:integer");
    EQ(F(BS_FN_STRDT, K("\"1\"@en"), K("<" BS_XSD "integer>")), "ERR");
    EQ(F(BS_FN_STRLANG, K("\"a\""), K("\"en\"")), "\"a\"@en");
    EQ(F(BS_FN_STRLANG, K("\"a\"@fr"), K("\"en\"")), "ERR");
    EQ(F(BS_FN_SAMETERM, K("1"), K("1.0")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_SAMETERM, K("\"a\""), K("\"a\"^^xsd:string")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_SAMETERM, O(BS_EX_ADD, K("1"), K("1")), K("2")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_ISNUMERIC, K("\"1\"^^xsd:nonNegativeInteger")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_ISNUMERIC, K("\"-1\"^^xsd:nonNegativeInteger")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_ISNUMERIC, K("\"300\"^^xsd:byte")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_ISNUMERIC, K("\"1\"")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_ISIRI, K("<http://a>")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_ISBLANK, K("_:a")), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_ISLITERAL, K("_:a")), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_ISLITERAL, ERRX), "ERR");
}
END_TEST

START_TEST(test_iri_base)
{
    EX.q.text = (char *)"# c\nPREFIX : <x:> BASE <http://a/b/c/d;p?q>\nSELECT * {}";
    EQ(F(BS_FN_IRI, K("\"g\"")), "<http://a/b/c/g>");
    EQ(F(BS_FN_IRI, K("\"./g/\"")), "<http://a/b/c/g/>");
    EQ(F(BS_FN_IRI, K("\"../../g\"")), "<http://a/g>");
    EQ(F(BS_FN_IRI, K("\"../../../g\"")), "<http://a/g>");
    EQ(F(BS_FN_IRI, K("\"g/./h/../i\"")), "<http://a/b/c/g/i>");
    EQ(F(BS_FN_IRI, K("\"..\"")), "<http://a/b/>");
    EQ(F(BS_FN_IRI, K("\"/g\"")), "<http://a/g>");
    EQ(F(BS_FN_IRI, K("\"//g\"")), "<http://g>");
    EQ(F(BS_FN_IRI, K("\"?y\"")), "<http://a/b/c/d;p?y>");
    EQ(F(BS_FN_IRI, K("\"#s\"")), "<http://a/b/c/d;p?q#s>");
    EQ(F(BS_FN_IRI, K("\"\"")), "<http://a/b/c/d;p?q>");
    EQ(F(BS_FN_URI, K("\"g:h\"")), "<g:h>");
    EX.q.text = (char *)"BASE <http://example.org/> BASE <sub/> SELECT (IRI(\"x\") AS ?x) {}";
    EQ(F(BS_FN_IRI, K("\"iri\"")), "<http://example.org/sub/iri>");
    EX.q.text = NULL;
    EQ(F(BS_FN_IRI, K("\"iri\"")), "<iri>");
}
END_TEST

START_TEST(test_forms)
{
    ROW[0] = tid("5");
    EQ(F(BS_FN_BOUND, V(0)), "\"true\"^^xsd:boolean");
    EQ(F(BS_FN_BOUND, V(1)), "\"false\"^^xsd:boolean");
    EQ(F(BS_FN_IF, K("true"), K("1"), ERRX), "\"1\"^^xsd:integer");
    EQ(F(BS_FN_IF, O(BS_EX_LT, V(0), K("3")), ERRX, K("2")), "\"2\"^^xsd:integer");
    EQ(F(BS_FN_IF, ERRX, K("1"), K("2")), "ERR");
    EQ(F(BS_FN_COALESCE, ERRX, V(1), V(0), K("1")), "\"5\"^^xsd:integer");
    EQ(F(BS_FN_COALESCE, ERRX), "ERR");
    EQ(F0(BS_FN_COALESCE), "ERR");
    EQ(mk(BS_EX_EXISTS, 0, 0), "\"true\"^^xsd:boolean");
    EQ(mk(BS_EX_NOT_EXISTS, 0, 0), "\"false\"^^xsd:boolean");
    ROW[0] = 0;
    EQ(mk(BS_EX_EXISTS, 0, 0), "\"false\"^^xsd:boolean");
    ck_assert_int_eq(EX.exists_calls, 3);
    EQ(CALL("<http://example/unknown>", K("1")), "ERR");
}
END_TEST

START_TEST(test_bnode)
{
    ROW[0] = tid("\"r1\"");
    char b1[64], b2[64];
    snprintf(b1, sizeof b1, "%s", ev(F(BS_FN_BNODE, K("\"x\""))));
    ck_assert_int_eq(strncmp(b1, "_:", 2), 0);
    ROW[1] = tid(b1); /* the row grows with the result: same solution */
    ck_assert_str_eq(ev(F(BS_FN_BNODE, K("\"x\""))), b1);
    snprintf(b2, sizeof b2, "%s", ev(F(BS_FN_BNODE, K("\"y\""))));
    ck_assert_str_ne(b1, b2);
    memset(ROW, 0, sizeof ROW);
    ROW[0] = tid("\"r2\""); /* another solution */
    ck_assert_str_ne(ev(F(BS_FN_BNODE, K("\"x\""))), b1);
    snprintf(b1, sizeof b1, "%s", ev(F0(BS_FN_BNODE)));
    ck_assert_str_ne(ev(F0(BS_FN_BNODE)), b1);
    EQ(F(BS_FN_BNODE, K("1")), "ERR");
}
END_TEST

/* ---- casts (sparql11/cast, sparql10/cast) ------------------------------------------- */
#define X(t) "<" BS_XSD t ">"
START_TEST(test_casts)
{
    EQ(CALL(X("integer"), K("\"13\"")), "\"13\"^^xsd:integer");
    EQ(CALL(X("integer"), K("\"1.5\"")), "ERR");
    EQ(CALL(X("integer"), K("1.5")), "\"1\"^^xsd:integer");
    EQ(CALL(X("integer"), K("-1.5e0")), "\"-1\"^^xsd:integer");
    EQ(CALL(X("integer"), K("true")), "\"1\"^^xsd:integer");
    EQ(CALL(X("integer"), K("<http://a>")), "ERR");
    EQ(CALL(X("decimal"), K("\"+33.3300\"")), "\"33.33\"^^xsd:decimal");
    EQ(CALL(X("decimal"), K("\"1E0\"")), "ERR");
    EQ(CALL(X("decimal"), K("1.25e0")), "\"1.25\"^^xsd:decimal");
    EQ(CALL(X("decimal"), K("false")), "\"0.0\"^^xsd:decimal");
    EQ(CALL(X("double"), K("\"-10.2E3\"")), "\"-1.02E4\"^^xsd:double");
    EQ(CALL(X("double"), K("\"0\"")), "\"0.0E0\"^^xsd:double");
    EQ(CALL(X("double"), K("\"string\"")), "ERR");
    EQ(CALL(X("double"), K("\"2002-10-10T17:00:00Z\"")), "ERR");
    EQ(CALL(X("float"), K("\"1\"")), "\"1.0E0\"^^xsd:float");
    EQ(CALL(X("float"), K("-7.875")), "\"-7.875E0\"^^xsd:float");
    EQ(CALL(X("boolean"), K("\"0\"")), "\"false\"^^xsd:boolean");
    EQ(CALL(X("boolean"), K("\"true\"")), "\"true\"^^xsd:boolean");
    EQ(CALL(X("boolean"), K("\"1.5\"")), "ERR");
    EQ(CALL(X("boolean"), K("0.0")), "\"false\"^^xsd:boolean");
    EQ(CALL(X("boolean"), K("-1")), "\"true\"^^xsd:boolean");
    EQ(CALL(X("string"), K("1.0")), "\"1\"");
    EQ(CALL(X("string"), K("-1.0")), "\"-1\"");
    EQ(CALL(X("string"), K("2.5")), "\"2.5\"");
    EQ(CALL(X("string"), K("0E1")), "\"0\"");
    EQ(CALL(X("string"), K("1E0")), "\"1\"");
    EQ(CALL(X("string"), K("\"1.25\"^^xsd:float")), "\"1.25\"");
    EQ(CALL(X("string"), K("1e7")), "\"1.0E7\"");
    EQ(CALL(X("string"), K("\"0\"^^xsd:boolean")), "\"false\"");
    EQ(CALL(X("string"), K("<http://a>")), "\"http://a\"");
    EQ(CALL(X("string"), K("_:a")), "ERR");
    EQ(CALL(X("dateTime"), K("\"2002-10-10T17:00:00Z\"")),
       "\"2002-10-10T17:00:00Z\"^^xsd:dateTime");
    EQ(CALL(X("dateTime"), K("\"2002-10-10\"")), "ERR");
    EQ(CALL(X("dateTime"), K("1")), "ERR");
    EQ(CALL(X("int"), K("\"5\"")), "\"5\"^^xsd:int");
    EQ(CALL(X("int"), K("\"99999999999\"")), "ERR");
    EQ(CALL(X("nonNegativeInteger"), K("-1")), "ERR");
}
END_TEST

/* ---- ORDER BY ------------------------------------------------------------------------- */
START_TEST(test_order)
{
    bs_id ids[] = {0, tid("_:a"), tid("<http://a>"), tid("<http://b>"), tid("\"a\""),
                   tid("\"b\""), tid("\"a\"@en"), tid("2"), tid("10"), tid("10.5"),
                   tid("\"x\"^^<http://t/u>")};
    size_t n = sizeof ids / sizeof *ids;
    /* the listed order is ascending, and the order is total and antisymmetric */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            int c = bs_sp_order_cmp(&EX, ids[i], ids[j]);
            if (i == j) ck_assert_int_eq(c, 0);
            else if (i < j) ck_assert_msg(c < 0, "%zu < %zu: %d", i, j, c);
            else ck_assert_msg(c > 0, "%zu > %zu: %d", i, j, c);
        }
    bs_id one = tid("1"), one_dec = tid("1.0"), one_str = tid("\"01\"^^xsd:integer");
    int c1 = bs_sp_order_cmp(&EX, one, one_dec), c2 = bs_sp_order_cmp(&EX, one_dec, one);
    ck_assert(c1 != 0 && c1 == -c2);
    ck_assert_int_ne(bs_sp_order_cmp(&EX, one, one_str), 0);
    ck_assert_int_lt(bs_sp_order_cmp(&EX, tid("\"2008-06-20T23:59:00Z\"^^xsd:dateTime"),
                                     tid("\"2010-06-21T11:28:01Z\"^^xsd:dateTime")), 0);
}
END_TEST

/* ---- aggregates (sparql11/aggregates) -------------------------------------------------- */
static const char *agg(bs_sp_agg_fn fn, bool distinct, const char *sep, const char **vals,
                       size_t n)
{
    bs_sp_expr *arg = K("1");
    bs_sp_aggspec spec = {fn, distinct, arg, (char *)sep, 0};
    bs_sp_agg *a;
    ck_assert_int_eq(bs_sp_agg_new(&EX, &spec, &a), BS_OK);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(bs_sp_agg_step(a, vals[i] ? tid(vals[i]) : 0), BS_OK);
    bs_id id;
    ck_assert_int_eq(bs_sp_agg_result(a, &id), BS_OK);
    bs_sp_agg_free(a);
    return show(id);
}
#define AGG(fn, d, sep, want, ...) do { \
        const char *v_[] = {__VA_ARGS__}; \
        ck_assert_str_eq(agg(fn, d, sep, v_, sizeof v_ / sizeof *v_), want); \
    } while (0)

START_TEST(test_aggregates)
{
    AGG(BS_AGG_COUNT, false, NULL, "\"3\"^^xsd:integer", "1", NULL, "2", "2");
    AGG(BS_AGG_COUNT, true, NULL, "\"2\"^^xsd:integer", "1", NULL, "2", "2");
    AGG(BS_AGG_SUM, false, NULL, "\"6\"^^xsd:integer", "1", "2", "3");
    AGG(BS_AGG_SUM, false, NULL, "\"6.7\"^^xsd:decimal", "1.0", "2.2", "3.5");
    AGG(BS_AGG_SUM, false, NULL, "\"3.21E4\"^^xsd:double", "1.0E2", "2.0E3", "3.0E4");
    AGG(BS_AGG_SUM, true, NULL, "\"3\"^^xsd:integer", "1", "2", "2");
    AGG(BS_AGG_SUM, false, NULL, "ERR", "1", NULL);
    AGG(BS_AGG_SUM, false, NULL, "ERR", "1", "\"a\"");
    AGG(BS_AGG_AVG, false, NULL, "\"2.0\"^^xsd:decimal", "1", "2", "3");
    AGG(BS_AGG_AVG, false, NULL, "\"1.6\"^^xsd:decimal", "1", "2.2");
    AGG(BS_AGG_AVG, false, NULL, "\"2.0E-1\"^^xsd:double", "2E-1", "0.2");
    AGG(BS_AGG_AVG, false, NULL, "ERR", "1", "_:b", "3");
    AGG(BS_AGG_MIN, false, NULL, "_:b", "1", "_:b", "3");
    AGG(BS_AGG_MAX, false, NULL, "\"3\"^^xsd:integer", "1", "_:b", "3", NULL);
    AGG(BS_AGG_MIN, false, NULL, "\"1.0\"^^xsd:decimal", "2", "1.0", "3e0");
    AGG(BS_AGG_MAX, false, NULL, "\"b\"", "\"a\"", "\"b\"", "\"B\"");
    AGG(BS_AGG_MAX, false, NULL, "\"10\"^^xsd:integer", "\"a\"", "10", "<http://z>"); /* literals: strings, then numbers */
    AGG(BS_AGG_SAMPLE, false, NULL, "\"7\"^^xsd:integer", NULL, "7", "8");
    AGG(BS_AGG_GROUP_CONCAT, false, ":", "\"1:22\"", "1", "22");
    AGG(BS_AGG_GROUP_CONCAT, true, NULL, "\"a b a\"", "\"a\"", "\"b\"", "\"a\"@en", "\"a\"");
    AGG(BS_AGG_GROUP_CONCAT, false, NULL, "\"a b\"", "\"a\"", "\"b\"@en");
    AGG(BS_AGG_GROUP_CONCAT, false, NULL, "ERR", "\"a\"", NULL);
    /* empty groups */
    const char *none[] = {NULL};
    ck_assert_str_eq(agg(BS_AGG_COUNT, false, NULL, none, 0), "\"0\"^^xsd:integer");
    ck_assert_str_eq(agg(BS_AGG_SUM, false, NULL, none, 0), "\"0\"^^xsd:integer");
    ck_assert_str_eq(agg(BS_AGG_AVG, false, NULL, none, 0), "\"0\"^^xsd:integer");
    ck_assert_str_eq(agg(BS_AGG_MIN, false, NULL, none, 0), "ERR");
    ck_assert_str_eq(agg(BS_AGG_SAMPLE, false, NULL, none, 0), "ERR");
    ck_assert_str_eq(agg(BS_AGG_GROUP_CONCAT, false, NULL, none, 0), "\"\"");
    bs_sp_agg_free(NULL);
}
END_TEST

/* Aggregates account for their buffers with bs_sp_mem and stop at the cap. */
START_TEST(test_aggregate_memory)
{
    bs_sp_aggspec spec = {BS_AGG_GROUP_CONCAT, true, K("1"), NULL, 0};
    bs_sp_agg *a;
    ck_assert_int_eq(bs_sp_agg_new(&EX, &spec, &a), BS_OK);
    EX.mem_cap = 4096;
    bs_status st = BS_OK;
    char lex[32];
    for (int i = 0; i < 1000 && st == BS_OK; i++) {
        snprintf(lex, sizeof lex, "\"value %d\"", i);
        st = bs_sp_agg_step(a, tid(lex));
    }
    ck_assert_int_eq(st, BS_ERR_LIMIT);
    ck_assert_int_gt(EX.mem, 4096);
    bs_sp_agg_free(a);
    ck_assert_int_eq(EX.mem, 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sparql_expr");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_lexical);
    tcase_add_test(tc, test_arith);
    tcase_add_test(tc, test_equality);
    tcase_add_test(tc, test_ordering_ops);
    tcase_add_test(tc, test_logic_ebv);
    tcase_add_test(tc, test_in);
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_case_split);
    tcase_add_test(tc, test_regex);
    tcase_add_test(tc, test_numeric);
    tcase_add_test(tc, test_dates);
    tcase_add_test(tc, test_hashes);
    tcase_add_test(tc, test_terms);
    tcase_add_test(tc, test_iri_base);
    tcase_add_test(tc, test_forms);
    tcase_add_test(tc, test_bnode);
    tcase_add_test(tc, test_casts);
    tcase_add_test(tc, test_order);
    tcase_add_test(tc, test_aggregates);
    tcase_add_test(tc, test_aggregate_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
