/* SPDX-License-Identifier: MIT
 * battstore — unit tests of the streamed result (bs_sparql_stream_*):
 *   byte-identical to bs_sparql_write() in every format, any buffer size,
 *   errors before the first byte and in the middle. */
#define _GNU_SOURCE
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sparql/sparql.h"

#define EX "http://example.org/"

static char dir[64];

static bs_store *make_store(void)
{
    strcpy(dir, "/tmp/bs_check_stream_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    bs_store *s = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    /* A mix of terms (IRIs, blank nodes, language and typed literals,
     * escapes) in the default graph and a named one, plus 300 numbered
     * subjects so that a cross join gives 90,000 rows. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    fprintf(f, "PREFIX : <" EX ">\nINSERT DATA {\n"
               " :a :p \"x\\\"y\\n\"@en, 42, 3.5e0, _:b1 .\n"
               " _:b1 :q <" EX "w%%20z>, \"tab\\there\" .\n"
               " GRAPH :g { :a :r \"in g\" . :c :r :a }\n");
    for (int i = 0; i < 300; i++) fprintf(f, " :n%d :num %d .\n", i, i);
    fprintf(f, "}\n");
    fclose(f);
    bs_sparql *u = NULL;
    ck_assert_int_eq(bs_sparql_parse(text, len, NULL, true, &u, NULL), BS_OK);
    ck_assert_int_eq(bs_sparql_update(s, u, NULL, NULL, NULL, NULL), BS_OK);
    bs_sparql_free(u);
    free(text);
    return s;
}

static void drop_store(bs_store *s)
{
    bs_store_close(s);
    char cmd[100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static bs_sparql *parse(const char *text)
{
    bs_sparql *q = NULL;
    bs_sparql_error e;
    ck_assert_msg(bs_sparql_parse(text, strlen(text), NULL, false, &q, &e) == BS_OK,
                  "%s: %s", text, e.msg);
    return q;
}

static char *written(bs_store *s, bs_sparql *q, const char *fmt, size_t *len)
{
    char *buf = NULL, *err = NULL;
    FILE *out = open_memstream(&buf, len);
    ck_assert_int_eq(bs_sparql_write(s, q, NULL, fmt, out, &err), BS_OK);
    fclose(out);
    free(err);
    return buf;
}

/* Everything a stream yields, read max bytes at a time. */
static char *streamed(bs_store *s, bs_sparql *q, const char *fmt, size_t max,
                      size_t *len)
{
    bs_sparql_stream *st = NULL;
    char *err = NULL, *all = NULL, *buf = malloc(max);
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, fmt, &st, &err), BS_OK);
    ck_assert_ptr_null(err);
    FILE *out = open_memstream(&all, len);
    size_t n;
    bs_status rc;
    while ((rc = bs_sparql_stream_read(st, buf, max, &n)) == BS_OK) {
        ck_assert_uint_gt(n, 0);
        ck_assert_uint_le(n, max);
        fwrite(buf, 1, n, out);
    }
    ck_assert_int_eq(rc, BS_END);
    ck_assert_uint_eq(n, 0);
    /* Reading past the end stays at the end. */
    ck_assert_int_eq(bs_sparql_stream_read(st, buf, max, &n), BS_END);
    fclose(out);
    bs_sparql_stream_close(st);
    free(buf);
    return all;
}

static const char *const queries[] = {
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
    "SELECT ?s ?o WHERE { ?s <" EX "num> ?o FILTER(?o < 3) OPTIONAL { ?s <" EX "none> ?x } }",
    "SELECT ?x WHERE { ?x <" EX "nothing> ?y }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    "ASK { <" EX "a> ?p 42 }",
    "ASK { <" EX "a> ?p 43 }",
    "CONSTRUCT { ?s <" EX "k> ?o } WHERE { ?s ?p ?o } ORDER BY ?s",
    "CONSTRUCT WHERE { ?s <" EX "nothing> ?o }",
    "DESCRIBE <" EX "a>",
};
static const char *const select_fmts[] = {"json", "xml", "csv", "tsv", "table", NULL};
static const char *const graph_fmts[] = {"turtle", "ntriples", "nquads", "rdfxml",
                                         "application/rdf+xml", NULL};

START_TEST(test_identical)
{
    bs_store *s = make_store();
    static const size_t sizes[] = {1, 7, 4096, 1 << 20};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        bs_sparql *q = parse(queries[i]);
        bs_sparql_form form = bs_sparql_form_of(q);
        bool graph = form == BS_SPARQL_CONSTRUCT || form == BS_SPARQL_DESCRIBE;
        const char *const *fmts = graph ? graph_fmts : select_fmts;
        for (size_t f = 0; f == 0 || fmts[f - 1]; f++) {
            const char *fmt = f ? fmts[f - 1] : NULL; /* NULL: the default */
            size_t wlen, slen;
            char *w = written(s, q, fmt, &wlen);
            for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
                char *got = streamed(s, q, fmt, sizes[k], &slen);
                ck_assert_msg(slen == wlen && !memcmp(got, w, wlen),
                              "%s as %s by %zu: streamed %zu bytes, written %zu",
                              queries[i], fmt ? fmt : "default", sizes[k], slen, wlen);
                free(got);
            }
            free(w);
        }
        bs_sparql_free(q);
    }
    drop_store(s);
}
END_TEST

START_TEST(test_mime)
{
    bs_store *s = make_store();
    bs_sparql *q = parse("SELECT * {}");
    bs_sparql_stream *st = NULL;
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, "csv", &st, NULL), BS_OK);
    ck_assert_str_eq(bs_sparql_stream_mime(st), "text/csv");
    bs_sparql_stream_close(st);
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, NULL, &st, NULL), BS_OK);
    ck_assert_str_eq(bs_sparql_stream_mime(st), "application/sparql-results+json");
    bs_sparql_stream_close(st);
    bs_sparql_free(q);
    q = parse("CONSTRUCT WHERE { ?s ?p ?o }");
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, "nt", &st, NULL), BS_OK);
    ck_assert_str_eq(bs_sparql_stream_mime(st), "application/n-triples");
    bs_sparql_stream_close(st);
    bs_sparql_free(q);
    bs_sparql_stream_close(NULL);
    drop_store(s);
}
END_TEST

/* Errors known before the first byte come from open(), with a message. */
START_TEST(test_open_errors)
{
    bs_store *s = make_store();
    bs_sparql *q = parse("SELECT * { ?s ?p ?o }");
    bs_sparql_stream *st = (void *)1;
    char *err = NULL;
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, "turtle", &st, &err), BS_ERR_ARG);
    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(strstr(err, "turtle"));
    free(err);
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, "nosuch", &st, &err), BS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err, "nosuch"));
    free(err);
    /* Cancelled before it starts: the first row fails in open(). */
    volatile int cancel = 1;
    bs_sparql_opts o = {.cancel = &cancel};
    ck_assert_int_eq(bs_sparql_stream_open(s, q, &o, "json", &st, &err), BS_ERR_TIMEOUT);
    ck_assert_ptr_null(st);
    ck_assert_ptr_nonnull(err);
    ck_assert_str_ne(err, "");
    free(err);
    bs_sparql_free(q);
    drop_store(s);
}
END_TEST

/* An error after bytes went out ends the stream with that error. */
START_TEST(test_error_midway)
{
    bs_store *s = make_store();
    bs_sparql *q = parse("SELECT * { ?a <" EX "num> ?x . ?b <" EX "num> ?y }");
    volatile int cancel = 0;
    bs_sparql_opts o = {.cancel = &cancel};
    bs_sparql_stream *st = NULL;
    ck_assert_int_eq(bs_sparql_stream_open(s, q, &o, "tsv", &st, NULL), BS_OK);
    char buf[1000];
    size_t n, total = 0;
    for (int i = 0; i < 50; i++) {
        ck_assert_int_eq(bs_sparql_stream_read(st, buf, sizeof buf, &n), BS_OK);
        total += n;
    }
    ck_assert_uint_eq(total, 50 * sizeof buf);
    cancel = 1;
    bs_status rc;
    while ((rc = bs_sparql_stream_read(st, buf, sizeof buf, &n)) == BS_OK) total += n;
    ck_assert_int_eq(rc, BS_ERR_TIMEOUT);
    ck_assert_ptr_nonnull(bs_sparql_stream_error(st));
    ck_assert_ptr_nonnull(strstr(bs_sparql_stream_error(st), "cancel"));
    /* Far fewer bytes than the 90,000 rows would take. */
    ck_assert_uint_lt(total, 500000);
    /* The error sticks. */
    ck_assert_int_eq(bs_sparql_stream_read(st, buf, sizeof buf, &n), BS_ERR_TIMEOUT);
    bs_sparql_stream_close(st);
    bs_sparql_free(q);
    drop_store(s);
}
END_TEST

/* The whole 90,000-row result streams in pieces without being held. */
START_TEST(test_big)
{
    bs_store *s = make_store();
    bs_sparql *q = parse("SELECT * { ?a <" EX "num> ?x . ?b <" EX "num> ?y }");
    bs_sparql_stream *st = NULL;
    ck_assert_int_eq(bs_sparql_stream_open(s, q, NULL, "csv", &st, NULL), BS_OK);
    char buf[65536];
    size_t n, lines = 0;
    bs_status rc;
    while ((rc = bs_sparql_stream_read(st, buf, sizeof buf, &n)) == BS_OK)
        for (size_t i = 0; i < n; i++) lines += buf[i] == '\n';
    ck_assert_int_eq(rc, BS_END);
    ck_assert_uint_eq(lines, 1 + 300 * 300);
    bs_sparql_stream_close(st);
    bs_sparql_free(q);
    drop_store(s);
}
END_TEST

static Suite *stream_suite(void)
{
    Suite *s = suite_create("sparql_stream");
    TCase *tc = tcase_create("stream");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_identical);
    tcase_add_test(tc, test_mime);
    tcase_add_test(tc, test_open_errors);
    tcase_add_test(tc, test_error_midway);
    tcase_add_test(tc, test_big);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stream_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
