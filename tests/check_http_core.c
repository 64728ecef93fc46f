/* SPDX-License-Identifier: MIT
 * Unit tests: the HTTP core's pure parts — form decoding (bad escapes,
 * non-UTF-8), Content-Type, Accept negotiation, status codes, responses,
 * named-query headers and parameter binding. */
#include "config.h"
#include "http/core.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

static bs_status decode(const char *s, bs_http_kvs *kv)
{
    memset(kv, 0, sizeof *kv);
    return bs_http_form_decode(s, strlen(s), kv);
}

START_TEST(test_form_basic)
{
    bs_http_kvs kv;
    ck_assert_int_eq(decode("query=SELECT+*+%7B%3Fs+%3Fp+%3Fo%7D&a=1&&flag&a=%C3%A9&e=", &kv),
                     BS_OK);
    ck_assert_uint_eq(kv.n, 5);
    ck_assert_str_eq(kv.names[0], "query");
    ck_assert_str_eq(kv.values[0], "SELECT * {?s ?p ?o}");
    ck_assert_str_eq(kv.names[1], "a");
    ck_assert_str_eq(kv.values[1], "1");
    ck_assert_str_eq(kv.names[2], "flag");
    ck_assert_str_eq(kv.values[2], "");
    ck_assert_str_eq(kv.values[3], "\xc3\xa9");
    ck_assert_str_eq(kv.names[4], "e");
    ck_assert_str_eq(kv.values[4], "");
    bs_http_kvs_clear(&kv);
    ck_assert_uint_eq(kv.n, 0);
    ck_assert_int_eq(decode("", &kv), BS_OK);
    ck_assert_uint_eq(kv.n, 0);
    ck_assert_int_eq(decode("a%3Db=c%26d", &kv), BS_OK);
    ck_assert_str_eq(kv.names[0], "a=b");
    ck_assert_str_eq(kv.values[0], "c&d");
    bs_http_kvs_clear(&kv);
}
END_TEST

START_TEST(test_form_bad)
{
    static const char *const bad[] = {
        "q=%zz", "q=%4", "q=%", "q=abc%g1", "%xy=1", /* bad escapes */
        "q=%ff", "q=%C3", "q=%C0%AF", "q=%ED%A0%80", /* not UTF-8, overlong, surrogate */
        "q=\xff", "q=a%00b",                         /* raw bad byte, NUL */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bs_http_kvs kv;
        ck_assert_msg(decode(bad[i], &kv) == BS_ERR_PARSE, "accepted %s", bad[i]);
        bs_http_kvs_clear(&kv);
    }
    ck_assert(bs_http_utf8_ok("\xf0\x9f\x94\x8b ok", 8));
    ck_assert(!bs_http_utf8_ok("\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
}
END_TEST

START_TEST(test_ctype)
{
    char *t, *cs;
    ck_assert_int_eq(bs_http_ctype_parse(" Application/SPARQL-Query ; Charset=\"UTF-8\" ;x=y",
                                         &t, &cs), BS_OK);
    ck_assert_str_eq(t, "application/sparql-query");
    ck_assert_str_eq(cs, "utf-8");
    free(t); free(cs);
    ck_assert_int_eq(bs_http_ctype_parse("text/turtle", &t, &cs), BS_OK);
    ck_assert_str_eq(t, "text/turtle");
    ck_assert_ptr_null(cs);
    free(t);
    ck_assert_int_eq(bs_http_ctype_parse(NULL, &t, &cs), BS_OK);
    ck_assert_str_eq(t, "");
    ck_assert_ptr_null(cs);
    free(t);
}
END_TEST

static const char *const sel[] = {"application/sparql-results+json",
                                  "application/sparql-results+xml", "text/csv",
                                  "text/tab-separated-values"};
#define NEG(accept) bs_http_negotiate(accept, sel, 4)

START_TEST(test_negotiate)
{
    ck_assert_str_eq(NEG(NULL), sel[0]);
    ck_assert_str_eq(NEG(""), sel[0]);
    ck_assert_str_eq(NEG("*/*"), sel[0]);
    ck_assert_str_eq(NEG("text/csv"), "text/csv");
    ck_assert_str_eq(NEG("TEXT/CSV"), "text/csv");
    /* q-values */
    ck_assert_str_eq(NEG("text/csv;q=0.5, application/sparql-results+xml"), sel[1]);
    ck_assert_str_eq(NEG("text/csv;q=0.9, application/sparql-results+xml;q=0.8"), "text/csv");
    // specificity: text/csv is excluded though all of text is welcome
    ck_assert_str_eq(NEG("text/*, text/csv;q=0"), "text/tab-separated-values");
    ck_assert_str_eq(NEG("text/*;q=0.2, */*;q=0.1"), "text/csv");
    /* ties go to the server's order */
    ck_assert_str_eq(NEG("text/tab-separated-values, text/csv"), "text/csv");
    /* q=0 excludes, nothing fits: 406 */
    ck_assert_ptr_null(NEG("text/csv;q=0"));
    ck_assert_ptr_null(NEG("image/png"));
    ck_assert_ptr_null(NEG("*/*;q=0"));
    ck_assert_ptr_null(NEG("text/html, application/xhtml+xml"));
    /* malformed ranges are ignored */
    ck_assert_str_eq(NEG("garbage, text/csv"), "text/csv");
    ck_assert_str_eq(NEG("application/sparql-results+json;q=0.3;charset=utf-8, */*;q=0.2"),
                     sel[0]);
    ck_assert_ptr_null(bs_http_negotiate("text/csv", sel, 0));
}
END_TEST

START_TEST(test_status_and_text)
{
    ck_assert_uint_eq(bs_http_status_of(BS_ERR_PARSE), 400);
    ck_assert_uint_eq(bs_http_status_of(BS_ERR_ARG), 400);
    ck_assert_uint_eq(bs_http_status_of(BS_NOT_FOUND), 404);
    ck_assert_uint_eq(bs_http_status_of(BS_ERR_LIMIT), 413);
    ck_assert_uint_eq(bs_http_status_of(BS_ERR_TIMEOUT), 503);
    ck_assert_uint_eq(bs_http_status_of(BS_ERR_BUSY), 503);
    ck_assert_uint_eq(bs_http_status_of(BS_ERR_IO), 500);
    bs_http_resp rs = {0};
    ck_assert_int_eq(bs_http_text(&rs, 400, "bad %s\nat line %d", "query", 3), BS_OK);
    ck_assert_uint_eq(rs.status, 400);
    ck_assert_str_eq(rs.body, "bad query at line 3\n");
    ck_assert_uint_eq(rs.len, strlen(rs.body));
    ck_assert_str_eq(rs.ctype, "text/plain; charset=utf-8");
    for (int i = 0; i < 7; i++) ck_assert_int_eq(bs_http_add_header(&rs, "X-A", "1"), BS_OK);
    ck_assert_int_eq(bs_http_add_header(&rs, "X-B", "2"), BS_ERR_LIMIT);
    ck_assert_ptr_null(rs.headers[7][0]);
    free(rs.body);
    for (int i = 0; i < 7; i++) { free(rs.headers[i][0]); free(rs.headers[i][1]); }
}
END_TEST

static const char named_text[] =
    "# title: Things by code\n"
    "# description: Things whose code is given,\n"
    "#   on two lines.\n"
    "#\n"
    "# param: code = WP10 \xe2\x80\x94 the work package\n"
    "# param: $lang = en -- language of the labels\n"
    "# param: extra\n"
    "# a comment, not part of the description\n"
    "SELECT ?s WHERE { ?s <http://x/code$code> \"$code\" ; ?p $code . # $code\n"
    "  FILTER(LANG(?l) = $lang && ?n < $code && '''$lang''' != $extra) ?s ?code $codex }\n";

START_TEST(test_named_header)
{
    bs_named_query *q = NULL;
    char *err = NULL;
    ck_assert_int_eq(bs_named_parse("things", named_text, strlen(named_text), &q, &err), BS_OK);
    ck_assert_str_eq(q->name, "things");
    ck_assert_str_eq(q->title, "Things by code");
    ck_assert_str_eq(q->description, "Things whose code is given, on two lines.");
    ck_assert_uint_eq(q->nparams, 3);
    ck_assert_str_eq(q->params[0].name, "code");
    ck_assert_str_eq(q->params[0].def, "WP10");
    ck_assert_str_eq(q->params[0].description, "the work package");
    ck_assert_str_eq(q->params[1].name, "lang");
    ck_assert_str_eq(q->params[1].def, "en");
    ck_assert_str_eq(q->params[1].description, "language of the labels");
    ck_assert_str_eq(q->params[2].name, "extra");
    ck_assert_ptr_null(q->params[2].def);
    bs_named_free(q);
    ck_assert_int_eq(bs_named_parse("bad", "# param: = x\nASK {}", 19, &q, &err), BS_ERR_PARSE);
    ck_assert_str_eq(err, "bad.rq:1: a parameter line reads '# param: NAME = DEFAULT -- what it is'");
    free(err);
    bs_named_free(NULL);
    ck_assert(bs_named_name_ok("graphs-and_sizes2"));
    ck_assert(!bs_named_name_ok("../etc/passwd"));
    ck_assert(!bs_named_name_ok("a.rq"));
    ck_assert(!bs_named_name_ok(""));
}
END_TEST

START_TEST(test_named_bind)
{
    bs_named_query *q = NULL;
    char *text = NULL, *err = NULL;
    size_t len;
    ck_assert_int_eq(bs_named_parse("things", named_text, strlen(named_text), &q, NULL), BS_OK);
    const char *names[] = {"extra", "code"}, *vals[] = {"x", "a\"b\\c\nd"};
    ck_assert_int_eq(bs_named_bind(q, names, vals, 2, &text, &len, &err), BS_OK);
    ck_assert_uint_eq(len, strlen(text));
    const char *want =
        "SELECT ?s WHERE { ?s <http://x/code$code> \"$code\" ; ?p \"a\\\"b\\\\c\\nd\" . # $code\n"
        "  FILTER(LANG(?l) = \"en\" && ?n < \"a\\\"b\\\\c\\nd\" && '''$lang''' != \"x\") "
        "?s ?code $codex }\n";
    ck_assert_ptr_nonnull(strstr(text, want));
    ck_assert_ptr_nonnull(strstr(text, "# param: code = WP10")); /* header untouched */
    free(text);
    /* extra has no default */
    ck_assert_int_eq(bs_named_bind(q, NULL, NULL, 0, &text, &len, &err), BS_ERR_ARG);
    ck_assert_str_eq(err, "parameter 'extra' has no default: give a value");
    free(err);
    const char *n2[] = {"extra", "nope"}, *v2[] = {"1", "2"};
    ck_assert_int_eq(bs_named_bind(q, n2, v2, 2, &text, &len, &err), BS_ERR_ARG);
    ck_assert_str_eq(err, "unknown parameter 'nope'");
    free(err);
    /* defaults; the last of repeated values wins */
    const char *n3[] = {"extra", "extra"}, *v3[] = {"1", "2"};
    ck_assert_int_eq(bs_named_bind(q, n3, v3, 2, &text, &len, &err), BS_OK);
    ck_assert_ptr_nonnull(strstr(text, "?p \"WP10\" ."));
    ck_assert_ptr_nonnull(strstr(text, "!= \"2\")"));
    free(text);
    bs_named_free(q);
}
END_TEST

static Suite *http_core_suite(void)
{
    Suite *s = suite_create("http_core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_form_basic);
    tcase_add_test(tc, test_form_bad);
    tcase_add_test(tc, test_ctype);
    tcase_add_test(tc, test_negotiate);
    tcase_add_test(tc, test_status_and_text);
    tcase_add_test(tc, test_named_header);
    tcase_add_test(tc, test_named_bind);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(http_core_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
