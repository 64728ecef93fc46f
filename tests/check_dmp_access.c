/* SPDX-License-Identifier: MIT
 * battstore — tests of bs_dmp_load_opts: the highway read with access
 * control (a restricted graph's work packages and flows stay hidden from a
 * caller who may not see it) and bs_dmp_select_opts. */
#include "config.h"
#include "dmp/dmp.h"
#include "fixture.h"
#include "sparql_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DMP "https://w3id.org/battstore/bigmap-dmp#"
#define G_PUB "https://example.org/g/public"
#define G_RES "https://example.org/g/restricted"

static char dir[BS_FX_DIR];
static bs_store *store;

static void update(const char *text) { bs_fx_update(store, text); }

static void set_access(const char *graph, bs_access level)
{
    bs_txn *txn;
    bs_id g;
    bs_term t = bs_term_iri(graph, strlen(graph));
    ck_assert_int_eq(bs_txn_begin(store, true, &txn), BS_OK);
    ck_assert_int_eq(bs_dict_lookup(txn, &t, &g), BS_OK);
    ck_assert_int_eq(bs_graph_set_access(txn, g, level), BS_OK);
    ck_assert_int_eq(bs_txn_commit(txn), BS_OK);
}

/* WP1 -> WP2 public; WP2 -> WP3 and WP3 itself only in the restricted
 * graph; WP1 -> WP2 has a second, restricted flow. */
static void setup(void)
{
    bs_fx_store_dir(dir, "check_dmpacc");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    update("PREFIX dmp: <" DMP ">\n"
           "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
           "INSERT DATA {\n"
           " GRAPH <" G_PUB "> {\n"
           "  dmp:WP1 a dmp:WorkPackage ; dmp:workPackageNumber 1 ; dcterms:title \"One\" .\n"
           "  dmp:WP2 a dmp:WorkPackage ; dmp:workPackageNumber 2 ; dcterms:title \"Two\" .\n"
           "  <urn:f:12> a dmp:DataFlow ; dmp:fromWorkPackage dmp:WP1 ;\n"
           "     dmp:toWorkPackage dmp:WP2 ; dcterms:description \"public flow\" . }\n"
           " GRAPH <" G_RES "> {\n"
           "  dmp:WP3 a dmp:WorkPackage ; dmp:workPackageNumber 3 ; dcterms:title \"Secret\" .\n"
           "  <urn:f:23> a dmp:DataFlow ; dmp:fromWorkPackage dmp:WP2 ;\n"
           "     dmp:toWorkPackage dmp:WP3 ; dcterms:description \"hidden flow\" .\n"
           "  <urn:f:12b> a dmp:DataFlow ; dmp:fromWorkPackage dmp:WP1 ;\n"
           "     dmp:toWorkPackage dmp:WP2 ; dcterms:description \"hidden twin\" . }\n"
           "}");
    set_access(G_RES, BS_ACCESS_RESTRICTED);
}

static void teardown(void)
{
    bs_store_close(store);
    store = NULL;
    bs_fx_store_dir_remove(dir);
}

/* Visible for a caller who may see up to level *max. */
static bool up_to(void *ctx, bs_id graph, bs_access level)
{
    (void)graph;
    return level <= *(const bs_access *)ctx;
}

static bool has_flow(const bs_dmp_graph *g, const char *iri)
{
    for (size_t i = 0; i < g->nflows; i++)
        if (!strcmp(g->flows[i].iri, iri)) return true;
    return false;
}

START_TEST(test_everything_without_opts)
{
    bs_dmp_graph *g = NULL;
    char *err = NULL;
    ck_assert_int_eq(bs_dmp_load(store, &g, &err), BS_OK);
    ck_assert_uint_eq(g->nwps, 3);
    ck_assert_uint_eq(g->nflows, 3);
    bs_dmp_graph_free(g);
    ck_assert_int_eq(bs_dmp_load_opts(store, NULL, &g, &err), BS_OK);
    ck_assert_uint_eq(g->nflows, 3);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_public_caller_sees_public_only)
{
    bs_access max = BS_ACCESS_PUBLIC;
    bs_sparql_opts o = {.visible = up_to, .visible_ctx = &max};
    bs_dmp_graph *g = NULL;
    char *err = NULL;
    ck_assert_int_eq(bs_dmp_load_opts(store, &o, &g, &err), BS_OK);
    ck_assert_uint_eq(g->nwps, 2);
    ck_assert_int_eq(bs_dmp_wp_find(g, "WP3"), -1);
    ck_assert_uint_eq(g->nflows, 1);
    ck_assert(has_flow(g, "urn:f:12"));
    ck_assert(!has_flow(g, "urn:f:12b"));
    ck_assert(!has_flow(g, "urn:f:23"));
    /* the drawing says nothing of the hidden part */
    char *dot = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&dot, &len);
    ck_assert_int_eq(bs_dmp_write_dot(g, NULL, mem), BS_OK);
    fclose(mem);
    ck_assert_ptr_null(strstr(dot, "WP3"));
    ck_assert_ptr_null(strstr(dot, "Secret"));
    ck_assert_ptr_nonnull(strstr(dot, "WP1 -> WP2"));
    ck_assert_ptr_nonnull(strstr(dot, "1 flow,"));
    free(dot);
    bs_dmp_graph_free(g);
}
END_TEST

START_TEST(test_restricted_caller_sees_all)
{
    bs_access max = BS_ACCESS_RESTRICTED;
    bs_sparql_opts o = {.visible = up_to, .visible_ctx = &max};
    bs_dmp_graph *g = NULL;
    char *err = NULL;
    ck_assert_int_eq(bs_dmp_load_opts(store, &o, &g, &err), BS_OK);
    ck_assert_uint_eq(g->nwps, 3);
    ck_assert_uint_eq(g->nflows, 3);
    ck_assert(has_flow(g, "urn:f:23"));
    bs_dmp_graph_free(g);
}
END_TEST

/* A caller who sees no plan at all gets BS_NOT_FOUND, as on an empty store. */
START_TEST(test_no_visible_plan)
{
    set_access(G_PUB, BS_ACCESS_CONFIDENTIAL);
    bs_access max = BS_ACCESS_RESTRICTED;
    bs_sparql_opts o = {.visible = up_to, .visible_ctx = &max};
    bs_dmp_graph *g = NULL;
    char *err = NULL;
    /* WP3 (restricted) is still visible: one WP, no flow it can place */
    ck_assert_int_eq(bs_dmp_load_opts(store, &o, &g, &err), BS_OK);
    ck_assert_uint_eq(g->nwps, 1);
    ck_assert_uint_eq(g->nflows, 0);
    bs_dmp_graph_free(g);
    g = NULL;
    max = BS_ACCESS_PUBLIC;
    ck_assert_int_eq(bs_dmp_load_opts(store, &o, &g, &err), BS_NOT_FOUND);
    ck_assert_ptr_null(g);
    ck_assert_ptr_nonnull(err);
    free(err);
}
END_TEST

static bs_status count_row(void *ctx, char **row, size_t n)
{
    (void)row; (void)n;
    (*(int *)ctx)++;
    return BS_OK;
}

START_TEST(test_select_opts)
{
    const char *q = "SELECT ?f WHERE { ?f a <" DMP "DataFlow> }";
    int rows = 0;
    bs_access max = BS_ACCESS_PUBLIC;
    bs_sparql_opts o = {.visible = up_to, .visible_ctx = &max};
    char *err = NULL;
    ck_assert_int_eq(bs_dmp_select_opts(store, &o, q, count_row, &rows, &err), BS_OK);
    ck_assert_int_eq(rows, 1);
    rows = 0;
    ck_assert_int_eq(bs_dmp_select(store, q, count_row, &rows, &err), BS_OK);
    ck_assert_int_eq(rows, 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dmp_access");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_everything_without_opts);
    tcase_add_test(tc, test_public_caller_sees_public_only);
    tcase_add_test(tc, test_restricted_caller_sees_all);
    tcase_add_test(tc, test_no_visible_plan);
    tcase_add_test(tc, test_select_opts);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
