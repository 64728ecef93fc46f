/* SPDX-License-Identifier: MIT
 * battstore — unit tests of the W3C runner's result readers and comparator. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "w3c/w3c.h"

/* A result set from a compact text: "x y | 1 _:a | 2 -" where a cell is
 * an integer, _:label, <iri>, "str", "str"@lang or - (unbound). */
static void rs_build(w3c_rs *rs, const char *spec)
{
    char *s = strdup(spec), *save = NULL;
    ck_assert_ptr_nonnull(s);
    memset(rs, 0, sizeof *rs);
    char *part = strtok_r(s, "|", &save);
    char *sv = NULL;
    for (char *v = strtok_r(part, " ", &sv); v; v = strtok_r(NULL, " ", &sv))
        ck_assert_int_ge(w3c_rs_col(rs, v), 0);
    while ((part = strtok_r(NULL, "|", &save))) {
        w3c_term *row = w3c_rs_add_row(rs);
        ck_assert_ptr_nonnull(row);
        size_t i = 0;
        for (char *v = strtok_r(part, " ", &sv); v; v = strtok_r(NULL, " ", &sv), i++) {
            ck_assert_uint_lt(i, rs->ncols);
            w3c_term *t = &rs->cells[(rs->nrows - 1) * rs->ncols + i];
            char *at = strchr(v, '@');
            if (!strcmp(v, "-")) continue;
            if (v[0] == '_') ck_assert_int_eq(w3c_term_make(t, BS_TERM_BNODE, v + 2, NULL), 0);
            else if (v[0] == '<') {
                v[strlen(v) - 1] = 0;
                ck_assert_int_eq(w3c_term_make(t, BS_TERM_IRI, v + 1, NULL), 0);
            } else if (v[0] == '"') {
                if (at) *at++ = 0;
                v[strlen(v) - 1] = 0;
                ck_assert_int_eq(w3c_term_make(t, at ? BS_TERM_LANG : BS_TERM_LITERAL,
                                               v + 1, at), 0);
            } else {
                ck_assert_int_eq(w3c_term_make(t, BS_TERM_TYPED, v, BS_XSD "integer"), 0);
            }
        }
    }
    free(s);
}

static bool rs_cmp(const char *a, const char *b, w3c_mode m, const char *key)
{
    w3c_rs x, y;
    char why[600];
    rs_build(&x, a);
    rs_build(&y, b);
    const char *keys[1] = {key};
    bool r = w3c_rs_equal(&x, &y, m, keys, key ? 1 : 0, why, sizeof why);
    w3c_rs_free(&x);
    w3c_rs_free(&y);
    return r;
}

START_TEST(test_terms)
{
    w3c_term a = {0}, b = {0};
    ck_assert_int_eq(w3c_term_make(&a, BS_TERM_LANG, "chat", "EN-us"), 0);
    ck_assert_int_eq(w3c_term_make(&b, BS_TERM_LANG, "chat", "en-US"), 0);
    ck_assert(w3c_term_eq(&a, &b));
    w3c_term_clear(&b);
    ck_assert_int_eq(w3c_term_make(&b, BS_TERM_LANG, "chat", "fr"), 0);
    ck_assert(!w3c_term_eq(&a, &b));
    w3c_term_clear(&a);
    w3c_term_clear(&b);
    /* xsd:string is the simple literal; other datatypes are not */
    ck_assert_int_eq(w3c_term_make(&a, BS_TERM_TYPED, "x", BS_XSD_STRING), 0);
    ck_assert_int_eq(w3c_term_make(&b, BS_TERM_LITERAL, "x", NULL), 0);
    ck_assert(w3c_term_eq(&a, &b));
    w3c_term_clear(&a);
    ck_assert_int_eq(w3c_term_make(&a, BS_TERM_TYPED, "x", BS_XSD "token"), 0);
    ck_assert(!w3c_term_eq(&a, &b));
    w3c_term_clear(&a);
    w3c_term_clear(&b);
    ck_assert_int_eq(w3c_term_make(&a, BS_TERM_TYPED, "01", BS_XSD "integer"), 0);
    ck_assert_int_eq(w3c_term_make(&b, BS_TERM_TYPED, "1", BS_XSD "integer"), 0);
    ck_assert(!w3c_term_eq(&a, &b)); /* terms, not values */
    w3c_term_clear(&a);
    w3c_term_clear(&b);
}
END_TEST

START_TEST(test_multiset)
{
    ck_assert(rs_cmp("x y | 1 2 | 3 4", "x y | 3 4 | 1 2", W3C_MULTISET, NULL));
    ck_assert(rs_cmp("x y | 1 2 | 3 4", "y x | 4 3 | 2 1", W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("x | 1 | 1 | 2", "x | 1 | 2 | 2", W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("x | 1 | 1", "x | 1", W3C_MULTISET, NULL));
    ck_assert(rs_cmp("x | 1 | 1 | 2", "x | 1 | 2", W3C_LAX, NULL));
    ck_assert(!rs_cmp("x | 1 | 3", "x | 1", W3C_LAX, NULL));
    ck_assert(!rs_cmp("x y | 1 -", "x y | 1 2", W3C_MULTISET, NULL));
    ck_assert(rs_cmp("x y | 1 -", "x | 1", W3C_MULTISET, NULL)); /* y never bound */
    ck_assert(rs_cmp("s | \"a\"@EN", "s | \"a\"@en", W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("s | \"a\"", "s | <a>", W3C_MULTISET, NULL));
    ck_assert(rs_cmp("n | 007 | -0", "n | 0 | 7", W3C_MULTISET, NULL)); /* integers by value */
}
END_TEST

START_TEST(test_bnodes)
{
    /* one bijection for the whole result */
    ck_assert(rs_cmp("b n | _:a 1 | _:a 2 | _:b 3", "b n | _:x 2 | _:y 3 | _:x 1",
                     W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("b n | _:a 1 | _:a 2 | _:b 3", "b n | _:x 1 | _:y 2 | _:z 3",
                      W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("b | _:a | _:b", "b | _:x | _:x", W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("b | _:a", "b | <a>", W3C_MULTISET, NULL));
    /* the first candidate is wrong: needs backtracking */
    ck_assert(rs_cmp("p q | _:a 1 | _:a 2 | _:b 1", "p q | _:x 1 | _:y 1 | _:y 2",
                     W3C_MULTISET, NULL));
    ck_assert(rs_cmp("p q | _:a _:b | _:b _:c | _:c 1",
                     "p q | _:y _:z | _:x _:y | _:z 1", W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("p q | _:a _:b | _:b _:c | _:c 1",
                      "p q | _:y _:z | _:x _:y | _:x 1", W3C_MULTISET, NULL));
    ck_assert(rs_cmp("p q | _:a 1 | _:b 1 | _:a 2", "p q | _:x 1 | _:y 2 | _:y 1",
                     W3C_MULTISET, NULL));
}
END_TEST

static bool num_eq(const char *dt, const char *a, const char *b, const char *dt2)
{
    w3c_rs x = {0}, y = {0};
    char why[600];
    ck_assert_int_ge(w3c_rs_col(&x, "v"), 0);
    ck_assert_int_ge(w3c_rs_col(&y, "v"), 0);
    ck_assert_int_eq(w3c_term_make(w3c_rs_add_row(&x), BS_TERM_TYPED, a, dt), 0);
    ck_assert_int_eq(w3c_term_make(w3c_rs_add_row(&y), BS_TERM_TYPED, b, dt2 ? dt2 : dt), 0);
    bool r = w3c_rs_equal(&x, &y, W3C_MULTISET, NULL, 0, why, sizeof why);
    w3c_rs_free(&x);
    w3c_rs_free(&y);
    return r;
}

START_TEST(test_numbers)
{
    ck_assert(num_eq(BS_XSD "decimal", "6", "6.0", NULL));
    ck_assert(num_eq(BS_XSD "decimal", "+06.50", "6.5", NULL));
    ck_assert(num_eq(BS_XSD "decimal", "-0.0", "0", NULL));
    ck_assert(num_eq(BS_XSD "decimal", ".5", "0.50", NULL));
    ck_assert(!num_eq(BS_XSD "decimal", "6.01", "6.1", NULL));
    ck_assert(!num_eq(BS_XSD "decimal", "60", "6", NULL));
    ck_assert(num_eq(BS_XSD "double", "1050", "1.05E3", NULL));
    ck_assert(num_eq(BS_XSD "double", "2.0E-1", "2E-1", NULL));
    ck_assert(num_eq(BS_XSD "float", "0E0", "0.0E0", NULL));
    ck_assert(!num_eq(BS_XSD "double", "1.5", "1.25", NULL));
    /* the datatype still counts, and so does an invalid lexical form */
    ck_assert(!num_eq(BS_XSD "decimal", "6", "6", BS_XSD "integer"));
    ck_assert(!num_eq(BS_XSD "integer", "xyz", "xyz ", NULL));
    ck_assert(num_eq(BS_XSD "integer", "xyz", "xyz", NULL));
    ck_assert(!num_eq(BS_XSD "token", "06", "6", NULL));
}
END_TEST

START_TEST(test_order)
{
    ck_assert(rs_cmp("n s | 1 \"a\" | 2 \"b\"", "n s | 2 \"b\" | 1 \"a\"", W3C_MULTISET, NULL));
    ck_assert(!rs_cmp("n s | 1 \"a\" | 2 \"b\"", "n s | 2 \"b\" | 1 \"a\"", W3C_ORDERED, "n"));
    /* ties on the key: any order among them */
    ck_assert(rs_cmp("n s | 1 \"a\" | 1 \"b\" | 2 \"c\"", "n s | 1 \"b\" | 1 \"a\" | 2 \"c\"",
                     W3C_ORDERED, "n"));
    /* no usable key: whole rows in order */
    ck_assert(!rs_cmp("n s | 1 \"a\" | 1 \"b\"", "n s | 1 \"b\" | 1 \"a\"", W3C_ORDERED, NULL));
    ck_assert(rs_cmp("n s | 1 \"a\" | 1 \"b\"", "n s | 1 \"a\" | 1 \"b\"", W3C_ORDERED, NULL));
    /* ordered still needs the same rows */
    ck_assert(!rs_cmp("n s | 1 \"a\" | 2 \"b\"", "n s | 1 \"a\" | 2 \"c\"", W3C_ORDERED, "n"));
}
END_TEST

static void tmp_file(char *path, const char *suffix, const char *text)
{
    snprintf(path, 256, "%s/bs-w3c-check-%d-%s", P_tmpdir, (int)getpid(), suffix);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(test_graphs)
{
    char p1[256], p2[256], p3[256], err[300], why[600];
    tmp_file(p1, "a.ttl", "@prefix : <http://e/> . _:a :p _:b . _:b :p _:a . :s :q \"x\"@en, 1 .\n");
    tmp_file(p2, "b.ttl", "@prefix : <http://e/> . :s :q 1, \"x\"@en . _:m :p _:n . _:n :p _:m .\n"
                          ":s :q 1 .\n");
    tmp_file(p3, "c.ttl", "@prefix : <http://e/> . _:a :p _:a . _:b :p _:b . :s :q \"x\"@en, 1 .\n");
    w3c_graph a = {0}, b = {0}, c = {0};
    ck_assert_int_eq(w3c_graph_read(&a, p1, NULL, err, sizeof err), 0);
    ck_assert_int_eq(w3c_graph_read(&b, p2, NULL, err, sizeof err), 0);
    ck_assert_int_eq(w3c_graph_read(&c, p3, NULL, err, sizeof err), 0);
    ck_assert_uint_eq(a.n, 4);
    ck_assert(w3c_graph_equal(&a, &b, why, sizeof why)); /* duplicates ignored */
    ck_assert(!w3c_graph_equal(&a, &c, why, sizeof why)); /* a 2-cycle is not two loops */
    ck_assert_ptr_nonnull(strstr(why, "blank"));
    w3c_graph_free(&a);
    w3c_graph_free(&b);
    w3c_graph_free(&c);
    ck_assert_int_ne(w3c_graph_read(&a, "/nonexistent/x.ttl", NULL, err, sizeof err), 0);
    w3c_graph_free(&a);
    unlink(p1);
    unlink(p2);
    unlink(p3);
}
END_TEST

START_TEST(test_srx_srj)
{
    char p1[256], p2[256], err[300], why[600];
    tmp_file(p1, "r.srx",
             "<?xml version='1.0'?><sparql xmlns='http://www.w3.org/2005/sparql-results#'>"
             "<head><variable name='x'/><variable name='y'/></head><results>"
             "<result><binding name='x'><uri>http://e/a</uri></binding>"
             "<binding name='y'><literal xml:lang='en'>hi</literal></binding></result>"
             "<result><binding name='x'><bnode>r1</bnode></binding>"
             "<binding name='y'><literal datatype='http://www.w3.org/2001/XMLSchema#integer'>7</literal>"
             "</binding></result><result></result></results></sparql>");
    tmp_file(p2, "r.srj",
             "{\"head\":{\"vars\":[\"y\",\"x\"]},\"results\":{\"bindings\":["
             "{\"x\":{\"type\":\"bnode\",\"value\":\"q\"},\"y\":{\"type\":\"literal\","
             "\"datatype\":\"http://www.w3.org/2001/XMLSchema#integer\",\"value\":\"7\"}},"
             "{},{\"x\":{\"type\":\"uri\",\"value\":\"http://e/a\"},"
             "\"y\":{\"type\":\"literal\",\"xml:lang\":\"EN\",\"value\":\"hi\"}}]}}");
    w3c_rs a = {0}, b = {0};
    ck_assert_int_eq(w3c_read_srx(p1, &a, err, sizeof err), 0);
    ck_assert_int_eq(w3c_read_srj(p2, &b, err, sizeof err), 0);
    ck_assert_uint_eq(a.nrows, 3);
    ck_assert_uint_eq(a.ncols, 2);
    ck_assert_int_eq(a.cells[1].kind, BS_TERM_LANG);
    ck_assert(w3c_rs_equal(&a, &b, W3C_MULTISET, NULL, 0, why, sizeof why));
    w3c_rs_free(&a);
    w3c_rs_free(&b);
    tmp_file(p1, "b.srx", "<sparql xmlns='http://www.w3.org/2005/sparql-results#'>"
                          "<head/><boolean>true</boolean></sparql>");
    tmp_file(p2, "b.srj", "{\"head\":{},\"boolean\":false}");
    ck_assert_int_eq(w3c_read_srx(p1, &a, err, sizeof err), 0);
    ck_assert_int_eq(w3c_read_srj(p2, &b, err, sizeof err), 0);
    ck_assert(a.is_bool && a.boolean && b.is_bool && !b.boolean);
    ck_assert(!w3c_rs_equal(&a, &b, W3C_MULTISET, NULL, 0, why, sizeof why));
    w3c_rs_free(&a);
    w3c_rs_free(&b);
    unlink(p1);
    unlink(p2);
}
END_TEST

START_TEST(test_tsv_csv)
{
    static const char tsv[] = "?s\t?o\n<http://e/s>\t\"a\\tb\"@en\n_:b0\t4\n<http://e/s>\t\n"
                              "<http://e/t>\t\"x\"^^<http://e/dt>\n";
    w3c_rs a = {0}, b = {0};
    char err[300], why[600];
    ck_assert_int_eq(w3c_parse_tsv(tsv, strlen(tsv), &a, err, sizeof err), 0);
    ck_assert_uint_eq(a.nrows, 4);
    ck_assert_str_eq(a.vars[1], "o");
    ck_assert_int_eq(a.cells[1].kind, BS_TERM_LANG);
    ck_assert_str_eq(a.cells[1].lex, "a\tb");
    ck_assert_int_eq(a.cells[3].kind, BS_TERM_TYPED);
    ck_assert_str_eq(a.cells[3].extra, BS_XSD "integer");
    ck_assert_int_eq(a.cells[5].kind, 0);
    ck_assert_str_eq(a.cells[7].extra, "http://e/dt");
    w3c_rs_free(&a);
    static const char c1[] = "s,o\r\nhttp://e/s,\"a,\"\"b\"\"\"\r\n_:x,\r\n";
    static const char c2[] = "o,s\nhttp://x,_:y\n\"a,\"\"b\"\"\",http://e/s\n,_:z\n";
    ck_assert_int_eq(w3c_parse_csv(c1, strlen(c1), &a, err, sizeof err), 0);
    ck_assert_uint_eq(a.nrows, 2);
    ck_assert_str_eq(a.cells[1].lex, "a,\"b\"");
    ck_assert_int_eq(a.cells[2].kind, BS_TERM_BNODE);
    ck_assert_int_eq(w3c_parse_csv(c2, strlen(c2), &b, err, sizeof err), 0);
    ck_assert(!w3c_rs_equal(&a, &b, W3C_MULTISET, NULL, 0, why, sizeof why));
    w3c_rs_free(&b);
    static const char c3[] = "o,s\n\"a,\"\"b\"\"\",http://e/s\n,_:z\n";
    ck_assert_int_eq(w3c_parse_csv(c3, strlen(c3), &b, err, sizeof err), 0);
    ck_assert(w3c_rs_equal(&a, &b, W3C_MULTISET, NULL, 0, why, sizeof why));
    w3c_rs_free(&a);
    w3c_rs_free(&b);
}
END_TEST

START_TEST(test_rs_vocabulary)
{
    char p[256], err[300];
    tmp_file(p, "rs.ttl",
             "@prefix rs: <http://www.w3.org/2001/sw/DataAccess/tests/result-set#> .\n"
             "[] a rs:ResultSet ; rs:resultVariable \"x\", \"y\" ;\n"
             " rs:solution [ rs:index 2 ; rs:binding [ rs:variable \"x\" ; rs:value \"b\" ] ] ;\n"
             " rs:solution [ rs:index 1 ; rs:binding [ rs:variable \"x\" ; rs:value \"a\" ] ;\n"
             "               rs:binding [ rs:variable \"y\" ; rs:value _:n ] ] .\n");
    w3c_graph g = {0};
    w3c_rs rs = {0};
    ck_assert_int_eq(w3c_graph_read(&g, p, NULL, err, sizeof err), 0);
    ck_assert_int_eq(w3c_graph_index(&g), 0);
    ck_assert_int_eq(w3c_graph_to_rs(&g, &rs, err, sizeof err), 0);
    ck_assert(rs.ordered);
    ck_assert_uint_eq(rs.nrows, 2);
    ck_assert_str_eq(rs.cells[0].lex, "a"); /* sorted by rs:index */
    ck_assert_int_eq(rs.cells[1].kind, BS_TERM_BNODE);
    ck_assert_str_eq(rs.cells[2].lex, "b");
    ck_assert_int_eq(rs.cells[3].kind, 0);
    w3c_rs_free(&rs);
    w3c_graph_free(&g);
    unlink(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sparql_w3c");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_terms);
    tcase_add_test(tc, test_multiset);
    tcase_add_test(tc, test_bnodes);
    tcase_add_test(tc, test_numbers);
    tcase_add_test(tc, test_order);
    tcase_add_test(tc, test_graphs);
    tcase_add_test(tc, test_srx_srj);
    tcase_add_test(tc, test_tsv_csv);
    tcase_add_test(tc, test_rs_vocabulary);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    w3c_model_done();
    return failed ? 1 : 0;
}
