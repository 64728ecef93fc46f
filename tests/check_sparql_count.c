/* SPDX-License-Identifier: MIT
 * battstore — tests of the counting join (src/sparql/exec_count.c): GROUP
 * BY with plain COUNTs over one or two triple patterns, counted without
 * building rows (value map of a functional second pattern, counters per
 * run of the first pattern's key ids).  Every query is compared with the
 * general GROUP operator (bs_sp_count_policy = -1) on data made to trip
 * it: copies of triples in several graphs under the union default graph,
 * a hidden graph, a subject with two values of the "functional"
 * predicate, keys read from either pattern in either order.  Also the
 * store scans they read through: bs_iter_next_n (batches) and
 * bs_iter_seek (a range begun from the page in hand) against plain
 * scans. */
#include "config.h"
#include "sparql/exec_int.h"
#include "fixture.h"
#include "sparql_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[BS_FX_DIR];
static bs_store *store;

static void setup(void)
{
    bs_fx_store_dir(dir, "check_count");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    bs_sp_count_policy = 0;
}

static void teardown(void)
{
    bs_store_close(store);
    store = NULL;
    bs_sp_count_policy = 0;
    bs_fx_store_dir_remove(dir);
}

static void update(const char *text) { bs_fx_update(store, text); }


/* The TSV result of text, its header first and its rows sorted; the
 * caller frees it. */
static char *rows_of(const char *text, const bs_sparql_opts *opts)
{
    return bs_fx_sorted_tsv(store, text, opts);
}

static bool hide_g3(void *ctx, bs_id g, bs_access level)
{
    (void)level;
    return g != *(bs_id *)ctx;
}

static bs_id id_of(const char *iri)
{
    bs_txn *t;
    bs_id id = 0;
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    bs_term term = bs_term_iri(iri, strlen(iri));
    if (bs_dict_lookup(t, &term, &id) != BS_OK) id = UINT64_MAX - 1; /* no such graph */
    bs_txn_abort(t);
    return id;
}

/* n datasets :dI with :wp (7 values) and :size (3 values, functional);
 * every other one copied into :g1, every third into :g2 (same triples);
 * :g3 (hidden in mode 2) holds datasets of its own and more :wp links of
 * visible ones.  Written in chunks (one INSERT DATA each). */
static void facet_data(int n)
{
    size_t cap = 64 * 1024;
    char *buf = malloc(cap);
    for (int lo = 0; lo < n; lo += 200) {
        size_t len = (size_t)sprintf(buf, "PREFIX : <http://ex/> INSERT DATA {\n");
        for (int i = lo; i < lo + 200 && i < n; i++) {
            const char *gs[3] = {"", "GRAPH :g1 {", "GRAPH :g2 {"};
            for (int g = 0; g < 3; g++) {
                if ((g == 1 && i % 2) || (g == 2 && i % 3)) continue;
                len += (size_t)sprintf(buf + len, "%s :d%d :wp :w%d ; :size :s%d . %s\n",
                                       gs[g], i, i % 7, (i / 5) % 3, g ? "}" : "");
            }
            if (i % 13 == 0)
                len += (size_t)sprintf(buf + len,
                                       "GRAPH :g3 { :h%d :wp :w%d ; :size :s9 . :d%d :wp :w8 }\n",
                                       i, i % 4, i);
        }
        len += (size_t)sprintf(buf + len, "}");
        ck_assert_uint_lt(len, cap);
        update(buf);
    }
    free(buf);
}

static const char *const facet_queries[] = {
    /* the benchmark's shape, both key orders */
    "SELECT ?w ?s (COUNT(?d) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?w ?s",
    "SELECT ?s ?w (COUNT(?d) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?s ?w",
    "SELECT ?w ?s (COUNT(?d) AS ?n) { ?d :size ?s ; :wp ?w } GROUP BY ?w ?s",
    /* key only from pattern 1, only from pattern 0 (multiplicity map) */
    "SELECT ?s (COUNT(*) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?s",
    "SELECT ?w (COUNT(*) AS ?n) (COUNT(?s) AS ?m) { ?d :wp ?w ; :size ?s } GROUP BY ?w",
    /* a run per row: the join variable is a key */
    "SELECT ?d ?s (COUNT(*) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?d ?s",
    "SELECT ?s ?d ?w (COUNT(*) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?s ?d ?w",
    /* one pattern */
    "SELECT ?w (COUNT(?d) AS ?n) { ?d :wp ?w } GROUP BY ?w",
    /* outside the shape: the general GROUP */
    "SELECT ?w (COUNT(DISTINCT ?s) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?w",
    "SELECT ?w (COUNT(?nope) AS ?n) { ?d :wp ?w ; :size ?s } GROUP BY ?w",
    "SELECT ?g ?w (COUNT(?d) AS ?n) { GRAPH ?g { ?d :wp ?w ; :size ?s } } GROUP BY ?g ?w",
    "SELECT ?w ?s (COUNT(?d) AS ?n) FROM :g1 FROM :g3 { ?d :wp ?w ; :size ?s } GROUP BY ?w ?s",
    "SELECT ?w ?s (COUNT(?d) AS ?n) FROM :g2 { ?d :wp ?w ; :size ?s } GROUP BY ?w ?s",
};

/* Every facet query in every dataset mode (plain default graph, union,
 * union with g3 hidden): counting join = general GROUP. */
static void check_facets(size_t nq, const char *const *qs)
{
    bs_id g3 = id_of("http://ex/g3");
    for (int mode = 0; mode < 3; mode++) {
        bs_sparql_opts o = {0};
        o.union_default = mode > 0;
        if (mode == 2) {
            o.visible = hide_g3;
            o.visible_ctx = &g3;
        }
        for (size_t i = 0; i < nq; i++) {
            char text[1024];
            snprintf(text, sizeof text, "PREFIX : <http://ex/> %s", qs[i]);
            bs_sp_count_policy = -1;
            char *want = rows_of(text, &o);
            bs_sp_count_policy = 0;
            char *got = rows_of(text, &o);
            ck_assert_msg(strchr(want, '\n') != strrchr(want, '\n'), "no rows: %s", text);
            ck_assert_msg(strcmp(want, got) == 0, "mode %d: %s\nwant:\n%.600s\ngot:\n%.600s",
                          mode, text, want, got);
            free(want);
            free(got);
        }
    }
}

#define NQUERIES (sizeof facet_queries / sizeof *facet_queries)

/* Thousands of datasets: pattern 0's runs cross LMDB pages. */
START_TEST(test_count_facets_same_rows)
{
    facet_data(3000);
    unsigned long taken = bs_sp_count_taken, mapped = bs_sp_count_mapped;
    check_facets(NQUERIES, facet_queries);
    /* the counting join and its value map really ran */
    ck_assert_uint_ge(bs_sp_count_taken - taken, 3 * 8);
    ck_assert_uint_ge(bs_sp_count_mapped - mapped, 3 * 7);
}
END_TEST

/* The hidden graph's rows are not counted: w8 and s9 occur only in g3. */
START_TEST(test_count_hidden_graph)
{
    facet_data(100);
    bs_id g3 = id_of("http://ex/g3");
    bs_sparql_opts o = {0};
    o.union_default = true;
    const char *q = "PREFIX : <http://ex/> SELECT ?w ?s (COUNT(?d) AS ?n) "
                    "{ ?d :wp ?w ; :size ?s } GROUP BY ?w ?s";
    char *all = rows_of(q, &o);
    ck_assert_ptr_nonnull(strstr(all, "<http://ex/w8>"));
    ck_assert_ptr_nonnull(strstr(all, "<http://ex/s9>"));
    o.visible = hide_g3;
    o.visible_ctx = &g3;
    char *vis = rows_of(q, &o);
    ck_assert_ptr_null(strstr(vis, "<http://ex/w8>"));
    ck_assert_ptr_null(strstr(vis, "<http://ex/s9>"));
    free(all);
    free(vis);
}
END_TEST

/* Copies of a triple in several graphs count once under the union
 * default graph; exact counts on a small hand-made store. */
START_TEST(test_count_exact_small)
{
    update("PREFIX : <http://ex/> INSERT DATA { :a :wp :w1 ; :size :s1 . :b :wp :w1 ; :size :s2 ."
           " :c :wp :w1 ; :size :s1 . GRAPH :g1 { :a :wp :w1 ; :size :s1 . :d :wp :w2 ; :size :s1 }"
           " GRAPH :g2 { :a :wp :w1 . :c :size :s1 } }");
    bs_sparql_opts o = {0};
    o.union_default = true;
    char *got = rows_of("PREFIX : <http://ex/> SELECT ?w ?s (COUNT(?d) AS ?n) "
                        "{ ?d :wp ?w ; :size ?s } GROUP BY ?w ?s", &o);
    ck_assert_str_eq(got, "?w\t?s\t?n\n"
                          "<http://ex/w1>\t<http://ex/s1>\t2\n"
                          "<http://ex/w1>\t<http://ex/s2>\t1\n"
                          "<http://ex/w2>\t<http://ex/s1>\t1\n");
    free(got);
}
END_TEST

/* A subject with two values of the "functional" predicate, and one with
 * two values of the first pattern: the map refuses or counts both rows. */
START_TEST(test_count_two_values)
{
    facet_data(400);
    update("PREFIX : <http://ex/> INSERT DATA { :d5 :size :s2 , :s7 . :d6 :wp :w3 , :w5 }");
    unsigned long taken = bs_sp_count_taken;
    check_facets(8, facet_queries);
    ck_assert_uint_ge(bs_sp_count_taken - taken, 3 * 8);
    bs_sparql_opts o = {0};
    char *got = rows_of("PREFIX : <http://ex/> SELECT ?s (COUNT(*) AS ?n) "
                        "{ :d5 :wp ?w ; :size ?s } GROUP BY ?s", &o);
    ck_assert_ptr_nonnull(strstr(got, "<http://ex/s7>\t1\n"));
    free(got);
}
END_TEST

/* Many distinct values of the second pattern (past what a run's
 * counters were sized for in a small store) and of the first. */
START_TEST(test_count_many_values)
{
    char *buf = malloc(256 * 1024);
    size_t len = (size_t)sprintf(buf, "PREFIX : <http://ex/> INSERT DATA {\n");
    for (int i = 0; i < 2500; i++)
        len += (size_t)sprintf(buf + len, ":d%d :wp :w%d ; :size \"%d\" .\n", i, i % 50,
                               (i * 7919) % 1200);
    strcpy(buf + len, "}");
    update(buf);
    free(buf);
    unsigned long mapped = bs_sp_count_mapped;
    check_facets(7, facet_queries);
    ck_assert_uint_ge(bs_sp_count_mapped - mapped, 3 * 6);
}
END_TEST

/* ---- the store scans the counting join and the text filter use ------- */

/* All quads of pat through a fresh iterator, one call per quad. */
static size_t scan_plain(bs_txn *t, const bs_quad *pat, bs_quad *out, size_t cap)
{
    bs_iter *it;
    bs_quad q;
    size_t n = 0;
    ck_assert_int_eq(bs_iter_new(t, pat, &it), BS_OK);
    while (bs_iter_next(it, &q) == BS_OK) {
        ck_assert_uint_lt(n, cap);
        out[n++] = q;
    }
    bs_iter_free(it);
    return n;
}

/* The rest of it's quads, read in batches of at most batch. */
static size_t scan_batches(bs_iter *it, size_t batch, bs_quad *out, size_t cap)
{
    size_t n = 0, got;
    bs_status st;
    bs_quad buf[300];
    while ((st = bs_iter_next_n(it, buf, batch, &got)) == BS_OK) {
        ck_assert_uint_ge(got, 1);
        ck_assert_uint_le(got, batch);
        ck_assert_uint_le(n + got, cap);
        memcpy(out + n, buf, got * sizeof *buf);
        n += got;
    }
    ck_assert_int_eq(st, BS_END);
    ck_assert_uint_eq(got, 0);
    return n;
}

#define NOBJ 1200

/* One predicate with thousands of (o, s, g) duplicates over many LMDB
 * pages: an object's range of 0 to 4 entries, some in two graphs. */
static void seek_data(bs_txn *t, bs_id *p, bs_id *o0)
{
    bs_id ids[NOBJ + 8];
    for (int i = 0; i < NOBJ + 8; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "http://ex/t%d", i);
        bs_term term = bs_term_iri(buf, (size_t)len);
        ck_assert_int_eq(bs_dict_intern(t, &term, &ids[i]), BS_OK);
    }
    *p = ids[0];
    *o0 = ids[8];
    for (int i = 0; i < NOBJ; i++)
        for (int k = 0; k < i % 5; k++) {
            bs_quad q = {ids[1 + k], ids[0], ids[8 + i], 0};
            ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
            if ((i + k) % 3 == 0) {
                q.g = ids[6];
                ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
            }
        }
}

/* bs_iter_seek from one iterator = a fresh scan, for objects in
 * ascending order (most ranges begin in the page in hand), descending,
 * scattered, and for patterns of another shape in between. */
static void check_seeks(bs_txn *t, bs_id p, bs_id o0)
{
    static bs_quad want[64], got[64];
    bs_iter *it = NULL;
    const int steps[] = {1, 3, -1, -7, 389};
    for (size_t si = 0; si < sizeof steps / sizeof *steps; si++) {
        int step = steps[si];
        for (int j = 0; j < NOBJ + 2; j++) {
            int i = step > 0 ? (j * step) % (NOBJ + 2) : NOBJ + 1 - (j * -step) % (NOBJ + 2);
            bs_quad pat = {BS_ANY, p, o0 + (bs_id)i, BS_ANY};
            if (j % 97 == 50) pat.s = o0; /* SPOG, then back */
            if (j % 89 == 40) pat.g = 0;  /* three bound: POSG still, a longer prefix */
            size_t nw = scan_plain(t, &pat, want, 64), ng = 0;
            if (!it) ck_assert_int_eq(bs_iter_new(t, &pat, &it), BS_OK);
            else ck_assert_int_eq(bs_iter_seek(it, &pat), BS_OK);
            bs_quad q;
            while (bs_iter_next(it, &q) == BS_OK) {
                ck_assert_uint_lt(ng, 64);
                got[ng++] = q;
            }
            ck_assert_uint_eq(ng, nw);
            ck_assert(ng == 0 || memcmp(got, want, ng * sizeof *got) == 0);
        }
    }
    bs_iter_free(it);
}

/* A write between two seeks of one iterator (it may change or move the
 * page in hand): the second seek still finds the range. */
static void check_seek_after_write(bs_txn *t, bs_id p, bs_id o0)
{
    bs_iter *it;
    bs_quad q, pat = {BS_ANY, p, o0 + 3, BS_ANY}, wgot[8], wwant[8];
    ck_assert_int_eq(bs_iter_new(t, &pat, &it), BS_OK);
    ck_assert_int_eq(bs_iter_next(it, &q), BS_OK);
    for (bs_id k = 0; k < 40; k++) {
        bs_quad add = {o0 + 100 + k, p, o0 + 4, 0};
        ck_assert_int_eq(bs_quad_add(t, &add, NULL), BS_OK);
    }
    pat.o = o0 + 6;
    ck_assert_int_eq(bs_iter_seek(it, &pat), BS_OK);
    size_t ng = 0, nw = scan_plain(t, &pat, wwant, 8);
    while (ng < 8 && bs_iter_next(it, &wgot[ng]) == BS_OK) ng++;
    ck_assert_uint_eq(ng, nw);
    ck_assert(memcmp(wgot, wwant, ng * sizeof *wgot) == 0);
    bs_iter_free(it);
}

START_TEST(test_store_seek_and_batches)
{
    bs_txn *t;
    bs_id p, o0;
    ck_assert_int_eq(bs_txn_begin(store, true, &t), BS_OK);
    seek_data(t, &p, &o0);
    check_seeks(t, p, o0); /* a write transaction: seeks from the root */
    check_seek_after_write(t, p, o0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    check_seeks(t, p, o0);
    const bs_quad pats[] = {
        {BS_ANY, p, BS_ANY, BS_ANY},        {BS_ANY, p, o0 + 7, BS_ANY},
        {BS_ANY, BS_ANY, BS_ANY, BS_ANY},   {o0, BS_ANY, BS_ANY, BS_ANY},
        {BS_ANY, p, o0 + 9, 0},             {BS_ANY, p, o0 + 4, BS_ANY},
    };
    size_t cap = 8 * NOBJ;
    bs_quad *want = malloc(cap * sizeof *want), *got = malloc(cap * sizeof *got);
    const size_t batches[] = {1, 2, 7, 256, 300};
    for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
        size_t nw = scan_plain(t, &pats[i], want, cap);
        ck_assert_uint_eq(nw > 0, i != 3);
        for (size_t b = 0; b < sizeof batches / sizeof *batches; b++) {
            bs_iter *it;
            ck_assert_int_eq(bs_iter_new(t, &pats[i], &it), BS_OK);
            size_t ng = scan_batches(it, batches[b], got, cap);
            ck_assert_uint_eq(ng, nw);
            ck_assert(nw == 0 || memcmp(got, want, nw * sizeof *got) == 0);
            bs_iter_free(it);
        }
    }
    free(want);
    free(got);
    bs_txn_abort(t);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sparql_count");
    TCase *tc = tcase_create("count");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_count_exact_small);
    tcase_add_test(tc, test_count_hidden_graph);
    tcase_add_test(tc, test_count_two_values);
    tcase_add_test(tc, test_count_many_values);
    tcase_add_test(tc, test_count_facets_same_rows);
    tcase_add_test(tc, test_store_seek_and_batches);
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
