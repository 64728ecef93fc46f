/* SPDX-License-Identifier: MIT
 * Unit tests: the data highway's graph — WP lookup, route search (shortest
 * first, cycles, no route, limit), up/downstream reach, pair sizes, DOT. */
#include "config.h"
#include "dmp/dmp.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* WP1..WPn with IRIs in the dmp: namespace. */
static bs_dmp_graph *make(int n)
{
    bs_dmp_graph *g = bs_dmp_graph_new();
    ck_assert_ptr_nonnull(g);
    for (int i = 1; i <= n; i++) {
        char name[16], iri[96];
        snprintf(name, sizeof name, "WP%d", i);
        snprintf(iri, sizeof iri, BS_DMP_NS "WP%d", i);
        ck_assert_int_eq(bs_dmp_add_wp(g, iri, name, "t", i <= 2 ? "A" : "B",
                                       i <= 2 ? "g:a" : "g:b", NULL), BS_OK);
    }
    return g;
}

/* A flow between WPa and WPb (1-based) of size rank r. */
static void flow(bs_dmp_graph *g, int a, int b, int r, bool one)
{
    bs_dmp_flow f = {.iri = "f", .from = a - 1, .to = b - 1, .rank = r, .one_sided = one};
    ck_assert_int_eq(bs_dmp_add_flow(g, &f), BS_OK);
}

/* The route as "1-2-3". */
static const char *str(const bs_dmp_route *r)
{
    static char buf[128];
    size_t o = 0;
    for (size_t i = 0; i < r->len; i++)
        o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%d", i ? "-" : "", r->wps[i] + 1);
    return buf;
}

START_TEST(test_find)
{
    bs_dmp_graph *g = make(11);
    ck_assert_int_eq(bs_dmp_wp_find(g, "WP10"), 9);
    ck_assert_int_eq(bs_dmp_wp_find(g, "wp2"), 1);
    ck_assert_int_eq(bs_dmp_wp_find(g, "11"), 10);
    ck_assert_int_eq(bs_dmp_wp_find(g, BS_DMP_NS "WP3"), 2);
    ck_assert_int_eq(bs_dmp_wp_find(g, "WP12"), -1);
    ck_assert_int_eq(bs_dmp_wp_find(g, "WP"), -1);
    ck_assert_int_eq(bs_dmp_wp_find(g, ""), -1);
    bs_dmp_flow bad = {.from = 0, .to = 11};
    ck_assert_int_eq(bs_dmp_add_flow(g, &bad), BS_ERR_ARG);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_shortest_first_with_cycles)
{
    // 1→2→3→4, 1→4, 2→1 (cycle), 3→2 (cycle), 1→3
    bs_dmp_graph *g = make(4);
    flow(g, 1, 2, 1, false); flow(g, 2, 3, 2, false); flow(g, 3, 4, 3, false);
    flow(g, 1, 4, 4, false); flow(g, 2, 1, 1, false); flow(g, 3, 2, 1, false);
    flow(g, 1, 3, 1, false);
    bs_dmp_route *r;
    size_t n;
    ck_assert_int_eq(bs_dmp_routes(g, 0, 3, 0, &r, &n), BS_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(str(&r[0]), "1-4");
    ck_assert_str_eq(str(&r[1]), "1-3-4");
    ck_assert_str_eq(str(&r[2]), "1-2-3-4");
    for (size_t i = 1; i < n; i++) ck_assert_uint_le(r[i - 1].len, r[i].len);
    bs_dmp_routes_free(r, n);
    // limit keeps the shortest
    ck_assert_int_eq(bs_dmp_routes(g, 0, 3, 2, &r, &n), BS_OK);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(str(&r[1]), "1-3-4");
    bs_dmp_routes_free(r, n);
    // from 3 to 1 only through the cycle 3→2→1
    ck_assert_int_eq(bs_dmp_routes(g, 2, 0, 0, &r, &n), BS_OK);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(str(&r[0]), "3-2-1");
    bs_dmp_routes_free(r, n);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_no_route)
{
    bs_dmp_graph *g = make(4);
    flow(g, 1, 2, 1, false); flow(g, 2, 1, 1, false); flow(g, 4, 3, 1, false);
    bs_dmp_route *r = NULL;
    size_t n = 99;
    ck_assert_int_eq(bs_dmp_routes(g, 0, 2, 0, &r, &n), BS_OK);
    ck_assert_uint_eq(n, 0);
    bs_dmp_routes_free(r, n);
    ck_assert_int_eq(bs_dmp_routes(g, 0, 0, 0, &r, &n), BS_OK); // to itself: none
    ck_assert_uint_eq(n, 0);
    bs_dmp_routes_free(r, n);
    ck_assert_int_eq(bs_dmp_routes(g, 0, 7, 0, &r, &n), BS_ERR_ARG);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_complete_graph_counts)
{
    // complete digraph on 5: simple routes a→b = sum over k of 3!/(3-k)! = 1+3+6+6 = 16
    bs_dmp_graph *g = make(5);
    for (int a = 1; a <= 5; a++)
        for (int b = 1; b <= 5; b++)
            if (a != b) flow(g, a, b, 1, false);
    bs_dmp_route *r;
    size_t n;
    ck_assert_int_eq(bs_dmp_routes(g, 0, 4, 0, &r, &n), BS_OK);
    ck_assert_uint_eq(n, 16);
    ck_assert_uint_eq(r[0].len, 2);
    ck_assert_uint_eq(r[15].len, 5);
    for (size_t i = 0; i < n; i++) { // no WP twice
        bool seen[5] = {0};
        for (size_t k = 0; k < r[i].len; k++) {
            ck_assert(!seen[r[i].wps[k]]);
            seen[r[i].wps[k]] = true;
        }
    }
    bs_dmp_routes_free(r, n);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_reach_and_pairs)
{
    bs_dmp_graph *g = make(5);
    flow(g, 1, 2, 2, false); flow(g, 2, 3, 3, true); flow(g, 2, 3, 5, false);
    flow(g, 3, 1, 1, false); flow(g, 5, 4, 0, true);
    int d[5];
    bs_dmp_reach(g, 0, false, d);
    ck_assert_int_eq(d[0], 0); ck_assert_int_eq(d[1], 1); ck_assert_int_eq(d[2], 2);
    ck_assert_int_eq(d[3], -1); ck_assert_int_eq(d[4], -1);
    bs_dmp_reach(g, 0, true, d);
    ck_assert_int_eq(d[2], 1); ck_assert_int_eq(d[1], 2); ck_assert_int_eq(d[4], -1);
    size_t n, one;
    ck_assert_int_eq(bs_dmp_pair(g, 1, 2, &n, &one), 5);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(one, 1);
    ck_assert_int_eq(bs_dmp_pair(g, 4, 3, &n, &one), 0);
    ck_assert_int_eq(bs_dmp_pair(g, 3, 4, &n, NULL), -1);
    ck_assert_uint_eq(n, 0);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_dot)
{
    bs_dmp_graph *g = make(3);
    flow(g, 1, 2, 5, false); flow(g, 2, 3, 0, true);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_int_eq(bs_dmp_write_dot(g, NULL, f), BS_OK);
    fclose(f);
    ck_assert_ptr_nonnull(strstr(buf, "subgraph cluster_g_a"));
    ck_assert_ptr_nonnull(strstr(buf, "WP1 -> WP2 [penwidth=8.0"));
    ck_assert_ptr_nonnull(strstr(buf, "WP2 -> WP3 [penwidth=1.0"));
    ck_assert_ptr_nonnull(strstr(buf, "style=dashed"));
    ck_assert_ptr_nonnull(strstr(buf, "URL=\"" BS_DMP_NS "WP3\""));
    ck_assert_ptr_null(strstr(buf, "WP3 -> "));
    free(buf);
    bs_dmp_graph_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dmp");
    TCase *tc = tcase_create("highway");
    tcase_add_test(tc, test_find);
    tcase_add_test(tc, test_shortest_first_with_cycles);
    tcase_add_test(tc, test_no_route);
    tcase_add_test(tc, test_complete_graph_counts);
    tcase_add_test(tc, test_reach_and_pairs);
    tcase_add_test(tc, test_dot);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
