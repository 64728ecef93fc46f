/* SPDX-License-Identifier: MIT
 * End-to-end tests: property paths, CONSTRUCT and DESCRIBE through the
 * public API (bs_sparql_parse + bs_sparql_open), on Turtle data loaded
 * with bs_load_files — modelled on the W3C property-path suite. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ingest/ingest.h"
#include "sparql/sparql.h"
#include "fixture.h"

static char dir[BS_FX_DIR];
static bs_store *store;

#define PFX "PREFIX : <http://example/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "

static void setup(void)
{
    bs_fx_store_dir(dir, "check_sppath");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
}

static void teardown(void)
{
    bs_store_close(store);
    bs_fx_store_dir_remove(dir);
}

/// Load Turtle (prefix ":" = http://example/) into graph (NULL = default).
static void load(const char *ttl, const char *graph)
{
    char file[300];
    snprintf(file, sizeof file, "%s.ttl", dir);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "@prefix : <http://example/> .\n%s\n", ttl);
    fclose(f);
    const char *paths[] = { file };
    bs_load_opts opts = { .graph_iri = graph, .base_iri = "http://example/" };
    bs_load_report rep;
    bs_status st = bs_load_files(store, paths, 1, &opts, &rep);
    if (st != BS_OK) fprintf(stderr, "load: %s\n", rep.err_msg ? rep.err_msg : "?");
    ck_assert_int_eq(st, BS_OK);
    bs_load_report_free(&rep);
    unlink(file);
}

/* One term as text: IRIs under http://example/ by their local name,
 * other IRIs in <>, literals in "", blank nodes as "_". */
static void term_text(const bs_term *t, char *buf, size_t cap)
{
    if (!t) snprintf(buf, cap, "-");
    else if (t->kind == BS_TERM_BNODE) snprintf(buf, cap, "_");
    else if (t->kind == BS_TERM_IRI && t->lex_len > 15 && !memcmp(t->lex, "http://example/", 15))
        snprintf(buf, cap, "%.*s", (int)t->lex_len - 15, t->lex + 15);
    else if (t->kind == BS_TERM_IRI) snprintf(buf, cap, "<%.*s>", (int)t->lex_len, t->lex);
    else snprintf(buf, cap, "\"%.*s\"", (int)t->lex_len, t->lex);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/// Sort lines and join them with ", " (frees the lines).
static char *join_sorted(char **lines, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(lines[i]) + 2;
    if (n) qsort(lines, n, sizeof *lines, cmp_str);
    char *out = calloc(1, len);
    for (size_t i = 0; i < n; i++) {
        if (i) strcat(out, ", ");
        strcat(out, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

static void add_line(char ***lines, size_t *n, const char *line)
{
    *lines = realloc(*lines, (*n + 1) * sizeof **lines);
    (*lines)[(*n)++] = strdup(line);
}

/// SELECT rows as "v1 v2 ..." in the result variables' order.
static bs_status rows_of(bs_sparql_cursor *c, char ***lines, size_t *n)
{
    size_t nv = bs_sparql_cursor_nvars(c);
    const bs_term *const *row;
    bs_status st;
    char buf[200];
    while ((st = bs_sparql_next(c, &row)) == BS_OK) {
        char line[1000] = "";
        for (size_t i = 0; i < nv; i++) {
            term_text(row[i], buf, sizeof buf);
            if (i) strcat(line, " ");
            strncat(line, buf, sizeof line - strlen(line) - 1);
        }
        add_line(lines, n, line);
    }
    return st;
}

/// CONSTRUCT / DESCRIBE triples as "s p o".
static bs_status triples_of(bs_sparql_cursor *c, char ***lines, size_t *n)
{
    bs_term t[3];
    bs_status st;
    char b[3][200], line[700];
    while ((st = bs_sparql_next_triple(c, t)) == BS_OK) {
        for (int k = 0; k < 3; k++) term_text(&t[k], b[k], sizeof b[k]);
        snprintf(line, sizeof line, "%s %s %s", b[0], b[1], b[2]);
        add_line(lines, n, line);
    }
    return st;
}

/* Run a query: SELECT rows ("v1 v2"), CONSTRUCT/DESCRIBE triples
 * ("s p o"), sorted and joined by ", "; ASK "true" / "false". */
static char *run(const char *text)
{
    bs_sparql *q = NULL;
    bs_sparql_error err;
    bs_status st = bs_sparql_parse(text, strlen(text), NULL, false, &q, &err);
    if (st != BS_OK) fprintf(stderr, "%s: %ld:%ld: %s\n", text, err.line, err.col, err.msg);
    ck_assert_int_eq(st, BS_OK);
    bs_sparql_cursor *c = NULL;
    char *msg = NULL;
    st = bs_sparql_open(store, q, NULL, &c, &msg);
    if (st != BS_OK) fprintf(stderr, "%s: %s\n", text, msg ? msg : bs_strerror(st));
    free(msg);
    ck_assert_int_eq(st, BS_OK);
    char **lines = NULL;
    size_t n = 0;
    bool yes = false;
    switch (bs_sparql_cursor_form(c)) {
    case BS_SPARQL_SELECT: st = rows_of(c, &lines, &n); break;
    case BS_SPARQL_ASK:
        st = bs_sparql_ask(c, &yes);
        add_line(&lines, &n, yes ? "true" : "false");
        if (st == BS_OK) st = BS_END;
        break;
    default: st = triples_of(c, &lines, &n); break;
    }
    if (st != BS_END) fprintf(stderr, "%s: %s\n", text, bs_sparql_cursor_error(c));
    ck_assert_int_eq(st, BS_END);
    bs_sparql_close(c);
    bs_sparql_free(q);
    return join_sorted(lines, n);
}

/// The number of rows (triples) of a query's result.
static size_t count_rows(const char *text)
{
    char *all = run(text);
    size_t n = *all ? 1 : 0;
    for (char *c = all; *c; c++) n += *c == ',';
    free(all);
    return n;
}

#define EXPECT(call, want)            \
    do {                              \
        char *got_ = (call);          \
        ck_assert_str_eq(got_, want); \
        free(got_);                   \
    } while (0)

static const char *diamond_loop =
    ":a :p :b . :a :p :c . :b :p :z . :c :p :z . :z :p :a .";

START_TEST(test_closures)
{
    load(diamond_loop, NULL);
    EXPECT(run(PFX "SELECT ?x WHERE { :a :p+ ?x }"), "a, b, c, z");
    EXPECT(run(PFX "SELECT ?x WHERE { :b :p* ?x }"), "a, b, c, z");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p+ :b }"), "a, b, c, z");
    EXPECT(run(PFX "SELECT ?x WHERE { :a :p? ?x }"), "a, b, c");
    EXPECT(run(PFX "SELECT ?x WHERE { :a (:p/:p)? ?x }"), "a, z");
    EXPECT(run(PFX "SELECT ?x WHERE { :a (:p/:p)+ ?x }"), "a, b, c, z");
    EXPECT(run(PFX "SELECT ?x WHERE { :a ((:p)*)* ?x }"), "a, b, c, z");
    EXPECT(run(PFX "ASK { :a :p+ :a }"), "true");
    EXPECT(run(PFX "ASK { :a :p+ :q }"), "false");
    EXPECT(run(PFX "SELECT ?x ?y WHERE { VALUES ?x { :b } ?x :p+ ?y }"), "b a, b b, b c, b z");
    EXPECT(run(PFX "SELECT ?x ?y WHERE { ?x :p+ ?y VALUES ?x { :b } }"), "b a, b b, b c, b z");
}
END_TEST

START_TEST(test_sequences_and_alternatives)
{
    load(":a :p :b . :a :p :c . :b :q :d . :c :q :d . :a :r :b .", NULL);
    /* Sequences and alternatives are multisets: two ways, two rows. */
    EXPECT(run(PFX "SELECT ?x WHERE { :a :p/:q ?x }"), "d, d");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p/:q :d }"), "a, a");
    EXPECT(run(PFX "SELECT ?x WHERE { :a :p|:r ?x }"), "b, b, c");
    EXPECT(run(PFX "SELECT ?x ?y WHERE { ?x :p|:r ?y }"), "a b, a b, a c");
    EXPECT(run(PFX "SELECT ?x WHERE { :d ^:q/^:p ?x }"), "a, a");
    EXPECT(run(PFX "SELECT ?x WHERE { :d ^(:p/:q) ?x }"), "a, a");
    EXPECT(run(PFX "SELECT ?x WHERE { :b ^:p ?x }"), "a");
    EXPECT(run(PFX "SELECT * WHERE { ?x :p/:q ?y }"), "a d, a d");
    /* precedence: ^ binds tighter than /, / tighter than | */
    EXPECT(run(PFX "SELECT ?x WHERE { :a :r/^:p|:p ?x }"), "a, b, c");
    EXPECT(run(PFX "SELECT ?x WHERE { :a (:p|:r)+ ?x }"), "b, c");
    EXPECT(run(PFX "SELECT ?x WHERE { :a (:p|:r|:q)+ ?x }"), "b, c, d");
}
END_TEST

START_TEST(test_negated_sets)
{
    load(":a :p :b . :a :q :c . :d :r :a . :a :r :e . :a a :T .", NULL);
    EXPECT(run(PFX "SELECT ?x WHERE { :a !:p ?x }"), "T, c, e");
    EXPECT(run(PFX "SELECT ?x WHERE { :a !(:p|:q|a) ?x }"), "e");
    EXPECT(run(PFX "SELECT ?x WHERE { :a !^:q ?x }"), "d");
    EXPECT(run(PFX "SELECT ?x WHERE { :a !(^:r) ?x }"), "");
    EXPECT(run(PFX "SELECT ?x WHERE { :a !(:p|^:q|a) ?x }"), "c, d, e");
    EXPECT(run(PFX "SELECT ?x WHERE { :T !^a ?x }"), "");
    EXPECT(run(PFX "SELECT ?x WHERE { :T !(^:p) ?x }"), "a");
    EXPECT(run(PFX "SELECT ?x ?y WHERE { ?x !(:p|:q|:r|a) ?y }"), "");
}
END_TEST

START_TEST(test_zero_length)
{
    /* On an empty dataset a constant end still matches itself... */
    EXPECT(run(PFX "SELECT ?x WHERE { :a :p* ?x }"), "a");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p* :o }"), "o");
    EXPECT(run(PFX "SELECT ?x WHERE { :a :p? ?x }"), "a");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p? :o }"), "o");
    EXPECT(run(PFX "ASK { :a :p* :a }"), "true");
    EXPECT(run(PFX "ASK { :a :p+ :a }"), "false");
    /* ...but a value joined in is not a term of the graph. */
    EXPECT(run("SELECT * WHERE { VALUES ?v { 1 } ?v <http://example.com/p>? ?v }"), "");
    load(":a :p :b . :b :q \"lit\" .", NULL);
    EXPECT(run(PFX "SELECT ?x ?y WHERE { ?x :p* ?y }"),
           "\"lit\" \"lit\", a a, a b, b b");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p* ?x }"), "\"lit\", a, b");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p+ ?x }"), "");
    EXPECT(run(PFX "SELECT ?v WHERE { VALUES ?v { :b :zz } ?v :p* ?v }"), "b");
}
END_TEST

START_TEST(test_named_graphs)
{
    load(":a :p :b . :b :p :c .", "http://example/g1");
    load(":a :p :x .", "http://example/g2");
    load(":c :p :d .", NULL);
    EXPECT(run(PFX "SELECT ?g ?y WHERE { GRAPH ?g { :a :p+ ?y } }"), "g1 b, g1 c, g2 x");
    EXPECT(run(PFX "SELECT ?y WHERE { GRAPH :g1 { :a :p* ?y } }"), "a, b, c");
    EXPECT(run(PFX "SELECT ?y WHERE { :a :p* ?y }"), "a");
    EXPECT(run(PFX "SELECT ?y WHERE { :c :p* ?y }"), "c, d");
    EXPECT(run(PFX "SELECT ?g ?x WHERE { GRAPH ?g { ?x :p* ?x } }"),
           "g1 a, g1 b, g1 c, g2 a, g2 x");
}
END_TEST

START_TEST(test_joins_with_paths)
{
    load(":a :p :b . :b :p :c . :c :name \"C\" . :b :name \"B\" . :s :start :a .", NULL);
    EXPECT(run(PFX "SELECT ?n WHERE { :s :start ?x . ?x :p+ ?y . ?y :name ?n }"), "\"B\", \"C\"");
    EXPECT(run(PFX "SELECT ?n WHERE { ?y :name ?n . :s :start/:p+ ?y }"), "\"B\", \"C\"");
    EXPECT(run(PFX "SELECT ?x WHERE { ?x :p* :c MINUS { ?x :name ?n } }"), "a");
    EXPECT(run(PFX "SELECT ?x ?n WHERE { ?x :p* :c OPTIONAL { ?x :name ?n } }"),
           "a -, b \"B\", c \"C\"");
}
END_TEST

START_TEST(test_subclass_closure)
{
    /* A class tree of 1000 classes, 10 levels deep: every closure is
     * one breadth-first search, no re-scan per node. */
    enum { N = 1000 };
    size_t cap = (size_t)N * 80;
    char *ttl = malloc(cap), *w = ttl;
    for (int i = 1; i < N; i++)
        w += sprintf(w, ":c%d rdfs:subClassOf :c%d .\n", i, (i - 1) / 2);
    char *full = malloc(cap + 100);
    sprintf(full, "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n%s", ttl);
    load(full, NULL);
    free(ttl);
    free(full);
    EXPECT(run(PFX "SELECT ?c WHERE { :c999 rdfs:subClassOf* ?c }"),
           "c0, c124, c14, c2, c249, c30, c499, c6, c61, c999");
    ck_assert_uint_eq(count_rows(PFX "SELECT ?c WHERE { ?c rdfs:subClassOf* :c0 }"), 1000);
    ck_assert_uint_eq(count_rows(PFX "SELECT * WHERE { ?c rdfs:subClassOf+ ?d }"), 7987);
    EXPECT(run(PFX "ASK { :c999 rdfs:subClassOf+ :c2 }"), "true");
    EXPECT(run(PFX "ASK { :c999 rdfs:subClassOf+ :c1 }"), "false");
}
END_TEST

/* ---- CONSTRUCT / DESCRIBE ---- */

START_TEST(test_construct)
{
    load(":a :p :b . :a :q :b . :c :p \"lit\" .", NULL);
    EXPECT(run(PFX "CONSTRUCT { ?y :inv ?x } WHERE { ?x :p|:q ?y }"),
           "b inv a");
    /* A literal subject: that triple is left out. */
    EXPECT(run(PFX "CONSTRUCT { ?y :inv ?x . ?x :r ?y } WHERE { ?x :p ?y }"),
           "a r b, b inv a, c r \"lit\"");
    /* Template blank nodes: fresh per solution, shared within one. */
    char *got = run(PFX "CONSTRUCT { ?x :has _:n . _:n :val ?y } WHERE { ?x :p ?y }");
    ck_assert_str_eq(got, "_ val \"lit\", _ val b, a has _, c has _");
    free(got);
    EXPECT(run(PFX "CONSTRUCT { ?x :r ?unbound } WHERE { ?x :p ?y }"), "");
    EXPECT(run(PFX "CONSTRUCT WHERE { ?x :q ?y }"), "a q b");
}
END_TEST

START_TEST(test_describe)
{
    load(":a :p [ :q [ :r :c ] ; :s \"v\" ] . :c :p :d . :e :p :a . :a :t :a .", NULL);
    EXPECT(run(PFX "DESCRIBE :a"), "_ q _, _ r c, _ s \"v\", a p _, a t a");
    EXPECT(run(PFX "DESCRIBE ?x WHERE { ?x :p :d }"), "c p d");
    EXPECT(run(PFX "DESCRIBE ?x ?y WHERE { VALUES ?x { :e } ?x :p ?y }"),
           "_ q _, _ r c, _ s \"v\", a p _, a t a, e p a");
    EXPECT(run(PFX "DESCRIBE * WHERE { :c :p ?z }"), "");
    EXPECT(run(PFX "DESCRIBE :nothing"), "");
}
END_TEST

static Suite *path_suite(void)
{
    Suite *s = suite_create("sparql_path");
    TCase *tc = tcase_create("paths");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_closures);
    tcase_add_test(tc, test_sequences_and_alternatives);
    tcase_add_test(tc, test_negated_sets);
    tcase_add_test(tc, test_zero_length);
    tcase_add_test(tc, test_named_graphs);
    tcase_add_test(tc, test_joins_with_paths);
    tcase_add_test(tc, test_subclass_closure);
    tcase_add_test(tc, test_construct);
    tcase_add_test(tc, test_describe);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(path_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
