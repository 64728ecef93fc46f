/* SPDX-License-Identifier: MIT
 * battstore — tests of the engine's speed-ups: store scans read a page of
 * duplicates at a time and re-aim their cursor (bs_iter_reset), BGP
 * levels switch to hash joins, filters run inside the BGP.  Each
 * optimisation must give the same rows as the plain index nested loop on
 * adversarial data: duplicates, several graphs under the union default
 * graph, blank nodes, unbound variables, hidden graphs. */
#include "config.h"
#include "sparql/exec_star.h"
#include "sparql_fixture.h"
#include "store/store_int.h"
#include "util/worker.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static bs_store *store;

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)flag; (void)f;
    return remove(p);
}

static void setup(void)
{
    strcpy(dir, "/tmp/bs_check_plan_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    strcat(dir, "/store");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    bs_sp_bgp_hash_policy = 0;
    bs_sp_star_policy = 0;
    bs_sp_star_seeks = -1;
}

static void teardown(void)
{
    bs_store_close(store);
    store = NULL;
    bs_job_policy = 0;
    bs_sp_star_job_min = 65536;
    bs_sp_star_pipe = false;
    bs_sp_star_range_hook = NULL;
    bs_sp_bgp_hash_policy = 0;
    bs_sp_star_policy = 0;
    bs_sp_star_seeks = -1;
    char *slash = strrchr(dir, '/');
    *slash = 0;
    nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- store scans ------------------------------------------------------- */

#define NQ 3000

static bool matches(const bs_quad *q, const bs_quad *pat)
{
    return (pat->s == BS_ANY || pat->s == q->s) && (pat->p == BS_ANY || pat->p == q->p) &&
           (pat->o == BS_ANY || pat->o == q->o) && (pat->g == BS_ANY || pat->g == q->g);
}

static int quad_cmp(const void *a, const void *b)
{
    const bs_quad *x = a, *y = b;
    const bs_id u[4] = {x->s, x->p, x->o, x->g}, v[4] = {y->s, y->p, y->o, y->g};
    for (int i = 0; i < 4; i++)
        if (u[i] != v[i]) return u[i] < v[i] ? -1 : 1;
    return 0;
}

/* The iterator yields exactly the quads of all[] that match pat. */
static void check_scan(bs_iter *it, const bs_quad *all, size_t n, const bs_quad *pat)
{
    bs_quad *want = malloc((n + 1) * sizeof *want), *got = malloc((n + 1) * sizeof *got);
    size_t nw = 0, ng = 0;
    for (size_t i = 0; i < n; i++)
        if (matches(&all[i], pat)) want[nw++] = all[i];
    bs_status st;
    bs_quad q;
    while ((st = bs_iter_next(it, &q)) == BS_OK) {
        ck_assert_uint_lt(ng, n + 1);
        ck_assert(matches(&q, pat));
        got[ng++] = q;
    }
    ck_assert_int_eq(st, BS_END);
    ck_assert_int_eq(bs_iter_next(it, &q), BS_END);
    ck_assert_uint_eq(ng, nw);
    qsort(want, nw, sizeof *want, quad_cmp);
    qsort(got, ng, sizeof *got, quad_cmp);
    ck_assert(memcmp(want, got, nw * sizeof *want) == 0);
    free(want);
    free(got);
}

/* Batches of every size give the quads of bs_iter_next, in its order. */
/* A batch of bs_iter_next_n, or of bs_iter_next_sog (sog: only s, o
 * and g set, p copied from q's). */
static bs_status next_batch(bs_iter *it, bool sog, bs_quad *b, size_t max, size_t *got)
{
    if (!sog) return bs_iter_next_n(it, b, max, got);
    bs_id so[26], g[13];
    bs_status st = bs_iter_next_sog(it, so, g, max, got);
    for (size_t k = 0; k < *got; k++) {
        b[k].s = so[2 * k];
        b[k].o = so[2 * k + 1];
        b[k].g = g[k];
    }
    return st;
}

static void check_batches(bs_txn *t, const bs_quad *pat, bool sog)
{
    bs_iter *one, *many;
    ck_assert_int_eq(bs_iter_new(t, pat, &one), BS_OK);
    ck_assert_int_eq(bs_iter_new(t, pat, &many), BS_OK);
    bs_quad q, b[13];
    size_t got = 0, i = 0, max = 1, total = 0;
    for (;;) {
        if (i == got) {
            bs_status st = next_batch(many, sog, b, max, &got);
            max = max % 13 + 1; /* 1, 2, ... 13, 1, ... */
            i = 0;
            if (st == BS_END) {
                ck_assert_uint_eq(got, 0);
                break;
            }
            ck_assert_int_eq(st, BS_OK);
            ck_assert_uint_ge(got, 1);
        }
        ck_assert_int_eq(bs_iter_next(one, &q), BS_OK);
        if (sog) b[i].p = q.p;
        ck_assert(quad_cmp(&q, &b[i++]) == 0);
        total++;
    }
    ck_assert_int_eq(bs_iter_next(one, &q), BS_END);
    ck_assert_int_eq(next_batch(many, sog, b, 13, &got), BS_END);
    ck_assert_uint_eq(got, 0);
    bs_iter_free(one);
    bs_iter_free(many);
    ck_assert_uint_gt(total + 1, 0);
}

/* Many duplicates under one key (several LMDB pages of them), ranges that
 * start inside a page, keys with a single value, every index. */
static void scans_in(bs_txn *t, const bs_quad *all, size_t n, const bs_id *v)
{
    const bs_quad pats[] = {
        {v[1], BS_ANY, BS_ANY, BS_ANY},  {v[1], v[3], BS_ANY, BS_ANY},
        {v[1], v[4], v[9], BS_ANY},      {BS_ANY, v[3], BS_ANY, BS_ANY},
        {BS_ANY, v[4], v[8], BS_ANY},    {BS_ANY, BS_ANY, v[9], BS_ANY},
        {BS_ANY, BS_ANY, BS_ANY, BS_ANY}, {BS_ANY, BS_ANY, BS_ANY, v[2]},
        {v[2], BS_ANY, BS_ANY, BS_ANY},  {v[1], v[3], v[8], 0},
        {v[1], v[3], v[8], v[2]},        {v[5], BS_ANY, BS_ANY, BS_ANY},
        {BS_ANY, v[5], BS_ANY, BS_ANY},  {v[1], BS_ANY, v[10], BS_ANY},
        {v[6], BS_ANY, BS_ANY, BS_ANY},  {BS_ANY, v[3], BS_ANY, 0},
    };
    bs_iter *it = NULL;
    for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
        bs_iter *fresh;
        ck_assert_int_eq(bs_iter_new(t, &pats[i], &fresh), BS_OK);
        check_scan(fresh, all, n, &pats[i]);
        bs_iter_free(fresh);
        /* one iterator re-aimed at every pattern, twice, across indexes */
        if (!it) ck_assert_int_eq(bs_iter_new(t, &pats[i], &it), BS_OK);
        else ck_assert_int_eq(bs_iter_reset(it, &pats[i]), BS_OK);
        check_scan(it, all, n, &pats[i]);
        ck_assert_int_eq(bs_iter_reset(it, &pats[i]), BS_OK);
        check_scan(it, all, n, &pats[i]);
        check_batches(t, &pats[i], false);
        check_batches(t, &pats[i], true);
        uint64_t c;
        ck_assert_int_eq(bs_quad_count(t, &pats[i], &c), BS_OK);
        size_t w = 0;
        for (size_t j = 0; j < n; j++) w += matches(&all[j], &pats[i]);
        ck_assert_uint_eq(c, w);
    }
    /* a reset before the first scan ends also starts afresh */
    bs_quad q;
    ck_assert_int_eq(bs_iter_reset(it, &pats[0]), BS_OK);
    ck_assert_int_eq(bs_iter_next(it, &q), BS_OK);
    ck_assert_int_eq(bs_iter_reset(it, &pats[3]), BS_OK);
    check_scan(it, all, n, &pats[3]);
    bs_iter_free(it);
}

START_TEST(test_store_scan_pages_and_reset)
{
    bs_txn *t;
    bs_id v[12];
    ck_assert_int_eq(bs_txn_begin(store, true, &t), BS_OK);
    for (int i = 0; i < 12; i++) {
        char buf[32];
        int len = snprintf(buf, sizeof buf, "http://ex/v%d", i);
        bs_term term = bs_term_iri(buf, (size_t)len);
        ck_assert_int_eq(bs_dict_intern(t, &term, &v[i]), BS_OK);
    }
    bs_quad *all = malloc(NQ * sizeof *all);
    size_t n = 0;
    for (size_t i = 0; i < NQ - 2; i++) { /* one subject, thousands of quads */
        bs_quad q = {v[1], v[3 + i % 2], v[7 + i % 4] + 16 * (bs_id)(i / 4), i % 3 ? 0 : v[2]};
        all[n++] = q;
        ck_assert_int_eq(bs_quad_add(t, &all[n - 1], NULL), BS_OK);
    }
    const bs_quad lone[2] = {{v[5], v[3], v[8], 0}, {v[6], v[5], v[1], v[2]}};
    for (int i = 0; i < 2; i++) {
        all[n++] = lone[i];
        ck_assert_int_eq(bs_quad_add(t, &lone[i], NULL), BS_OK);
    }
    scans_in(t, all, n, v); /* in the write transaction, then in a snapshot */
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    scans_in(t, all, n, v);
    bs_txn_abort(t);
    free(all);
}
END_TEST

/* ---- same rows with and without the optimisations ---------------------- */

static void update(const char *text) { bs_fx_update(store, text); }

/* n subjects (every 7th a blank node), spread over the default graph and
 * two named graphs with copies of the same triples; :hidden only in g3. */
static void adversarial_data(int n)
{
    size_t cap = (size_t)n * 400 + 1024, len = 0;
    char *buf = malloc(cap);
    len += (size_t)sprintf(buf + len, "PREFIX : <http://ex/> INSERT DATA {\n");
    for (int pass = 0; pass < 3; pass++) {
        if (pass) len += (size_t)sprintf(buf + len, "GRAPH :g%d {\n", pass);
        for (int i = 0; i < n; i++) {
            if (pass == 2 && i % 3) continue; /* g2: every third, copies */
            if (pass == 1 && i % 2) continue; /* g1: every other */
            char s[32];
            if (i % 7 == 0) sprintf(s, "_:b%d", i);
            else sprintf(s, ":d%d", i);
            len += (size_t)sprintf(buf + len, "%s :p :o%d ; :q :v%d ; :name \"n%d\" .\n", s,
                                   i % 5, i % 3, i % 10);
            if (i % 4 == 0) len += (size_t)sprintf(buf + len, "%s :r %s .\n", s, s);
            if (i % 6 == 0) len += (size_t)sprintf(buf + len, ":v%d :lab \"L%d\" .\n", i % 3, i);
            if (i % 11 == 0) len += (size_t)sprintf(buf + len, "%s :q :v%d .\n", s, (i + 1) % 3);
        }
        if (pass) len += (size_t)sprintf(buf + len, "}\n");
    }
    len += (size_t)sprintf(buf + len, "GRAPH :g3 { :d1 :p :hidden . :d2 :q :v1 . }\n}");
    ck_assert_uint_lt(len, cap);
    update(buf);
    free(buf);
}


/* The query's TSV result with its rows sorted (a multiset's canonical
 * form); the caller frees it. */
static char *run_sorted(const char *text, const bs_sparql_opts *opts)
{
    return bs_fx_sorted_tsv(store, text, opts);
}

static bool hide_g3(void *ctx, bs_id g, bs_access level)
{
    (void)level;
    return g != *(bs_id *)ctx;
}

static const char *const same_queries[] = {
    "SELECT * { ?d :p ?x ; :q ?y }",
    "SELECT * { ?d :p ?x . ?e :p ?x }",
    "SELECT * { ?x :r ?x . ?x :p ?o }",
    "SELECT * { ?x :r ?y . ?y :r ?x . ?x :q ?v }",
    "SELECT * { GRAPH ?g { ?d :p ?x ; :q ?y } }",
    "SELECT * { ?d :p ?x OPTIONAL { ?d :q ?y . ?y :lab ?l } }",
    "SELECT ?x ?y (COUNT(?d) AS ?n) { ?d :p ?x ; :q ?y } GROUP BY ?x ?y",
    "SELECT ?y (COUNT(*) AS ?n) (COUNT(?x) AS ?m) { ?d :p ?x ; :q ?y } GROUP BY ?y",
    "SELECT ?x (COUNT(?d) AS ?n) { ?d :p ?x } GROUP BY ?x",
    "SELECT ?x ?y (COUNT(?d) AS ?n) { ?d :q ?y ; :p ?x } GROUP BY ?x ?y",
    "SELECT ?x ?m (COUNT(*) AS ?c) { ?d :p ?x ; :name ?m } GROUP BY ?x ?m",
    "SELECT ?l ?x (COUNT(*) AS ?n) { ?d :q ?y . ?y :lab ?l . } GROUP BY ?l ?x",
    "SELECT ?l ?d (COUNT(?y) AS ?n) { ?y :lab ?l . ?d :q ?y } GROUP BY ?l ?d",
    "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) { ?d :p ?x ; :q ?y } GROUP BY ?x",
    "SELECT ?x (COUNT(?d) AS ?n) { ?d :r ?d ; :p ?x } GROUP BY ?x",
    "SELECT ?g ?x (COUNT(?d) AS ?n) { GRAPH ?g { ?d :p ?x ; :q ?y } } GROUP BY ?g ?x",
    "SELECT ?x (COUNT(?d) AS ?n) { ?d :p ?x ; :q ?y } GROUP BY ?x HAVING(COUNT(?d) > 2)",
    "SELECT * { ?d :p ?x ; :name ?n FILTER(?n = \"n1\" || ?x = :o2) }",
    "SELECT * { ?d :p :o1 ; :q ?y ; :name ?n FILTER(?y != :v2) }",
    "SELECT * { ?d ?pp ?x . ?x ?pp2 ?z }",
    "SELECT * FROM :g1 FROM :g2 { ?d :p ?x ; :q ?y }",
    "SELECT * FROM NAMED :g1 FROM NAMED :g3 { GRAPH ?g { ?d :p ?x ; :q ?y } }",
    "SELECT * { VALUES ?x { :o1 :o2 :nosuch } ?d :p ?x ; :q ?y }",
    "SELECT * { ?d :q ?y . ?y :lab ?l . ?d :p ?x FILTER(?l != \"L0\") }",
    "SELECT ?d (COUNT(*) AS ?n) { ?d :q ?y . ?e :q ?y } GROUP BY ?d",
    "SELECT * { ?d :p ?x MINUS { ?d :q :v1 ; :name ?n } }",
    "SELECT * { ?d :p ?x ; :q ?y FILTER(?x = :o1) FILTER(BOUND(?y)) }",
    "SELECT * { ?d :p ?x ; :q ?y FILTER(!BOUND(?z) && ?x != :o3) }",
    "SELECT * { ?d :p ?x ; :q ?y FILTER(?y = :v0 || ?nope = 1) }",
    "SELECT * { ?d :p ?x ; :q ?y FILTER(STR(?d) > \"http://ex/d5\" && ?x IN (:o1, :o4)) }",
    "SELECT * { ?d :p ?x ; :q ?y FILTER NOT EXISTS { ?y :lab ?l FILTER(?l = \"L6\") } }",
    "SELECT * { ?d :r ?e ; :p ?x . ?e :q ?y FILTER(?d = ?e && ?y != :v1) }",
    "SELECT * { ?d :p ?x ; :name ?n FILTER(?n = \"n3\") OPTIONAL { ?d :q ?y FILTER(?x = :o3) } }",
    "SELECT * { ?d :p ?x FILTER EXISTS { ?d :q ?y . ?y :lab ?l } }",
};

/* Every query, every dataset mode: the rows do not depend on the policy. */
static void check_same_rows(void)
{
    bs_txn *t;
    bs_id g3 = 0;
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    bs_term g3t = bs_term_iri("http://ex/g3", strlen("http://ex/g3"));
    ck_assert_int_eq(bs_dict_lookup(t, &g3t, &g3), BS_OK);
    bs_txn_abort(t);
    for (int mode = 0; mode < 3; mode++) {
        bs_sparql_opts o = {0};
        o.union_default = mode > 0;
        if (mode == 2) {
            o.visible = hide_g3;
            o.visible_ctx = &g3;
        }
        for (size_t i = 0; i < sizeof same_queries / sizeof *same_queries; i++) {
            char text[1024];
            snprintf(text, sizeof text, "PREFIX : <http://ex/> %s", same_queries[i]);
            bs_sp_bgp_hash_policy = -2; /* the plain nested loop */
            bs_sp_count_policy = -1;    /* and the general GROUP */
            char *want = run_sorted(text, &o);
            bs_sp_count_policy = 0;
            ck_assert_msg(strchr(want, '\n') != NULL, "%s", text);
            for (int pol = -1; pol <= 1; pol++) {
                for (int lay = -1; lay <= 0; lay++) { /* hashed, dense */
                    bs_sp_bgp_hash_policy = pol;
                    bs_sp_qhash_layout = lay;
                    char *got = run_sorted(text, &o);
                    ck_assert_msg(strcmp(want, got) == 0,
                                  "mode %d policy %d layout %d: %s\nwant:\n%.400s\ngot:\n%.400s",
                                  mode, pol, lay, text, want, got);
                    free(got);
                }
            }
            free(want);
        }
    }
    bs_sp_bgp_hash_policy = 0;
    bs_sp_qhash_layout = 0;
    bs_sp_count_policy = 0;
}

START_TEST(test_same_rows_small)
{
    adversarial_data(40);
    unsigned long before = bs_sp_count_taken;
    check_same_rows();
    /* the counting join really ran (for the GROUP BY queries of the list) */
    ck_assert_uint_ge(bs_sp_count_taken - before, 3 * 5 * 3);
}
END_TEST

/* Facet counts over functional properties of IRI subjects (close ids):
 * the counting join's value map, compared with the general GROUP. */
START_TEST(test_count_value_map)
{
    char buf[64 * 1024];
    size_t len = (size_t)sprintf(buf, "PREFIX : <http://ex/> INSERT DATA {\n");
    for (int i = 0; i < 300; i++)
        len += (size_t)sprintf(buf + len, ":d%d :p :o%d ; :q :v%d ; :name \"n%d\" .\n", i,
                               i % 7, i % 3, i % 4);
    len += (size_t)sprintf(buf + len, ":d5 :q :v9 . :d6 :p :o1 , :o2 . :x :p :o0 . }");
    ck_assert_uint_lt(len, sizeof buf);
    update(buf);
    static const char *const qs[] = {
        "SELECT ?x ?y (COUNT(?d) AS ?n) { ?d :q ?y ; :name ?x } GROUP BY ?x ?y",
        "SELECT ?x (COUNT(*) AS ?n) { ?d :p ?x ; :name ?m } GROUP BY ?x",
        "SELECT ?m ?x (COUNT(?d) AS ?n) { ?d :p ?x ; :name ?m } GROUP BY ?m ?x",
        "SELECT ?x ?y (COUNT(?d) AS ?n) { ?d :name ?x ; :q ?y } GROUP BY ?x ?y",
    };
    bs_sparql_opts o = {0};
    unsigned long before = bs_sp_count_mapped;
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++) {
        char text[512];
        snprintf(text, sizeof text, "PREFIX : <http://ex/> %s", qs[i]);
        bs_sp_count_policy = -1;
        char *want = run_sorted(text, &o);
        bs_sp_count_policy = 0;
        char *got = run_sorted(text, &o);
        ck_assert_msg(strcmp(want, got) == 0, "%s\nwant:\n%.400s\ngot:\n%.400s", text, want, got);
        ck_assert_msg(strchr(want, '\n') != NULL, "%s", text);
        free(want);
        free(got);
    }
    /* the map ran where pattern 1 is functional (:name always, :q except d5) */
    ck_assert_uint_ge(bs_sp_count_mapped - before, 2);
}
END_TEST

/* Big enough for the statistics to switch levels to hash joins in the
 * middle of a run (after the first outer rows went through the index). */
START_TEST(test_same_rows_switch)
{
    adversarial_data(1500);
    check_same_rows();
}
END_TEST

/* The hash join is really taken: a huge inner range with a memory cap
 * fails (nested loop would not), a small one passes. */
START_TEST(test_hash_join_taken)
{
    adversarial_data(1500);
    const char *text = "PREFIX : <http://ex/> SELECT * { ?d :p ?x ; :q ?y }";
    bs_sparql_opts o = {0};
    o.union_default = true;
    o.mem_limit = 4096;
    bs_sparql *q;
    ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, NULL), BS_OK);
    FILE *f = fopen("/dev/null", "w");
    char *err = NULL;
    bs_sp_bgp_hash_policy = -1;
    ck_assert_int_eq(bs_sparql_write(store, q, &o, "tsv", f, &err), BS_OK);
    bs_sp_bgp_hash_policy = 0;
    ck_assert_int_eq(bs_sparql_write(store, q, &o, "tsv", f, &err), BS_ERR_LIMIT);
    free(err);
    fclose(f);
    bs_sparql_free(q);
}
END_TEST

/* ---- star joins ---------------------------------------------------------- */

static const char *const star_queries[] = {
    "SELECT * { ?d :p ?x ; :q ?y }",
    "SELECT * { ?d :p ?x ; :q ?y ; :name ?n }",
    "SELECT ?d ?n { ?d :p :o1 ; :q ?y ; :name ?n }",
    "SELECT * { ?d :q ?y ; :r ?e ; :p ?x }",
    "SELECT * { ?d :q :v1 ; :p :o2 }",
    "SELECT * { ?d :p ?x ; :nosuch ?y }",
    "SELECT * { ?d :p ?x ; :q ?x }",          /* not a star: one object variable twice */
    "SELECT * { ?d :p ?x ; :r ?d }",          /* not a star: the subject as object */
    "SELECT * { ?d :p ?x ; ?pp ?y }",         /* not a star: a variable predicate */
    "SELECT * { GRAPH ?g { ?d :p ?x ; :q ?y ; :name ?n } }",
    "SELECT * FROM :g1 FROM :g2 { ?d :p ?x ; :q ?y }",
    "SELECT * FROM NAMED :g1 FROM NAMED :g3 { GRAPH ?g { ?d :p ?x ; :q ?y } }",
    "SELECT * { ?v :lab \"L6\" OPTIONAL { ?d :q ?y ; :p :o1 } }", /* seeds bind ?v only */
    "SELECT * { ?d :name \"n3\" OPTIONAL { ?d :p ?x ; :q ?y } }", /* seeds bind ?d */
    "SELECT * { { ?d :p ?x ; :q ?y } UNION { ?d :name ?n ; :p :o4 } }",
    "SELECT * { ?d :p ?x ; :q ?y } ORDER BY ?d ?x ?y LIMIT 7",
    "SELECT * { ?d :p ?x ; :q ?y MINUS { ?d :name \"n1\" } }",
    "SELECT DISTINCT ?x ?y { ?d :p ?x ; :q ?y }",
    "SELECT * { ?d :p ?x ; :q ?y ; :name ?n FILTER(?n != \"n2\") }",
    "SELECT ?x (COUNT(*) AS ?c) { ?d :p ?x ; :q ?y ; :name ?n } GROUP BY ?x",
    /* star_shapes_data: :t nearly in subject order, :w many objects */
    "SELECT * { ?d :t ?t ; :p ?x ; :w ?w }",
    "SELECT * { ?d :w ?w ; :t ?t }",
    "SELECT * { ?d :p :o1 ; :q :v1 ; :t ?t }",
    "SELECT * { ?d :t ?t ; :name ?n ; :q ?y ; :r ?e }",
    "SELECT (COUNT(*) AS ?n) { SELECT * { ?d :p ?x ; :q ?y ; :t ?t } LIMIT 50 OFFSET 37 }",
    "SELECT (COUNT(*) AS ?n) { SELECT * { ?d :t ?t ; :w ?w } OFFSET 5 }",
    /* star_spread_data: IRI subjects only, spread over thousands of ids */
    "SELECT * { ?d :sa ?a ; :sb ?b ; :sc ?c }",
    "SELECT * { ?d :sb ?b ; :sc :k3 ; :sa ?a }",
    "SELECT * { ?d :sm ?m ; :sb ?b }",
    /* :sx's objects literals and IRIs (ids far apart: slots number pairs) */
    "SELECT * { ?d :sx ?x ; :sb ?b }",
    "SELECT * { ?d :sb ?b ; :sx ?x ; :sa ?a ; :sm ?m }",
    "SELECT * { ?d :sx \"xé中3\" ; :sa ?a }",
};

/* Shapes for the star join's range paths: :t a literal numbered right
 * after its subject (POSG: subjects ascending), every 11th one an
 * earlier subject's literal (pairs out of place); :w one of 1000 objects
 * (too many runs: sorted); copies of some in g1 and the hidden g3. */
static void star_shapes_data(int n)
{
    size_t cap = (size_t)n * 200 + 1024, len = 0;
    char *buf = malloc(cap);
    len += (size_t)sprintf(buf + len, "PREFIX : <http://ex/> INSERT DATA {\n");
    for (int i = 0; i < n; i++) {
        if (i % 7 == 0) continue; /* blank nodes: a new one per request */
        int t = i % 11 == 3 && i > 500 ? i - 500 : i;
        len += (size_t)sprintf(buf + len, ":d%d :t \"t%d\" ; :w :x%d .\n", i, t, i * 7919 % 1000);
        if (i % 5 == 0)
            len += (size_t)sprintf(buf + len, "GRAPH :g%d { :d%d :t \"t%d\" }\n", i % 2 ? 1 : 3, i, t);
    }
    len += (size_t)sprintf(buf + len, "}");
    ck_assert_uint_lt(len, cap);
    update(buf);
    free(buf);
}

/* IRI subjects (no blank node: their ids are far from the IRIs') whose
 * ids spread over 12 to 15 bits: 4 terms per subject, :sb one of 13
 * objects (runs), :sa literals partly out of subject order, a second
 * :sb now and then, 24 :sm every 10th, copies in g1 and the hidden g3;
 * :sx a non-ASCII literal or an IRI, two or three of them now and then
 * (one a copy in another graph). */
static void star_spread_data(int n)
{
    size_t cap = (size_t)n * 500 + 1024, len = 0;
    char *buf = malloc(cap);
    len += (size_t)sprintf(buf + len, "PREFIX : <http://ex/> INSERT DATA {\n");
    for (int i = 0; i < n; i++) {
        int a = i % 9 == 4 ? n - i : i;
        len += (size_t)sprintf(buf + len, ":s%d :sa \"a%d\" ; :sb :k%d ; :sc :k%d ; :sf \"f%d\" .\n",
                               i, a, i % 13, i * 7 % 5, i);
        if (i % 17 == 0) len += (size_t)sprintf(buf + len, ":s%d :sb :k%d .\n", i, i % 11);
        if (i % 3) len += (size_t)sprintf(buf + len, ":s%d :sx \"xé中%d\" .\n", i, i % 50);
        if (i % 3 != 1) len += (size_t)sprintf(buf + len, ":s%d :sx :k%d .\n", i, i % 7);
        if (i % 23 == 2)
            len += (size_t)sprintf(buf + len, "GRAPH :g%d { :s%d :sx :k%d , :k1 }\n", i % 2 ? 1 : 3, i, i % 5);
        for (int m = 0; i % 10 == 3 && m < 24; m++) /* > 16 pairs in a sort bucket */
            len += (size_t)sprintf(buf + len, ":s%d :sm :k%d .\n", i, (i + m) % 40);
        if (i % 6 == 0)
            len += (size_t)sprintf(buf + len, "GRAPH :g%d { :s%d :sa \"a%d\" ; :sb :k1 }\n",
                                   i % 4 ? 1 : 3, i, a);
    }
    len += (size_t)sprintf(buf + len, "}");
    ck_assert_uint_lt(len, cap);
    update(buf);
    free(buf);
}

/* Extra subjects with several objects per pattern (cross products), one
 * of them in two graphs with different objects. */
static void star_extra_data(void)
{
    update("PREFIX : <http://ex/> INSERT DATA {"
           " :m1 :p :o1 , :o2 , :o3 ; :q :v0 , :v1 ; :name \"a\" , \"b\" ; :r :m2 ."
           " _:mb :p :o1 , :o4 ; :q :v2 ; :name \"c\" ."
           " GRAPH :g1 { :m1 :p :o1 , :o5 ; :q :v2 ; :name \"a\" }"
           " GRAPH :g3 { :m1 :p :o6 ; :name \"hid\" . :m3 :p :o1 ; :q :v1 ; :name \"h\" } }");
}

/* Every star query, every dataset mode, against the plain nested loop:
 * the star join taken always, with 0, 1, 3, the default and all driver
 * quads sought before the ranges are merged, and by the statistics. */
static void check_star_rows(void)
{
    bs_txn *t;
    bs_id g3 = 0;
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    bs_term g3t = bs_term_iri("http://ex/g3", strlen("http://ex/g3"));
    ck_assert_int_eq(bs_dict_lookup(t, &g3t, &g3), BS_OK);
    bs_txn_abort(t);
    static const long seeks[] = {0, 1, 3, -1, 1000000};
    for (int mode = 0; mode < 3; mode++) {
        bs_sparql_opts o = {0};
        o.union_default = mode > 0;
        if (mode == 2) {
            o.visible = hide_g3;
            o.visible_ctx = &g3;
        }
        for (size_t i = 0; i < sizeof star_queries / sizeof *star_queries; i++) {
            char text[1024];
            snprintf(text, sizeof text, "PREFIX : <http://ex/> %s", star_queries[i]);
            bs_sp_bgp_hash_policy = -2;
            bs_sp_star_policy = -1;
            char *want = run_sorted(text, &o);
            bs_sp_bgp_hash_policy = 0;
            for (int k = 0; k <= 5; k++) {
                bs_sp_star_policy = k < 5 ? 1 : 0;
                bs_sp_star_seeks = k < 5 ? seeks[k] : -1;
                char *got = run_sorted(text, &o);
                ck_assert_msg(strcmp(want, got) == 0,
                              "mode %d case %d: %s\nwant:\n%.600s\ngot:\n%.600s", mode, k,
                              text, want, got);
                free(got);
            }
            free(want);
        }
    }
    bs_sp_star_policy = 0;
    bs_sp_star_seeks = -1;
}

START_TEST(test_star_same_rows_small)
{
    adversarial_data(40);
    star_extra_data();
    star_shapes_data(40);
    unsigned long taken = bs_sp_star_taken, merged = bs_sp_star_merged;
    check_star_rows();
    ck_assert_uint_ge(bs_sp_star_taken - taken, 3 * 10 * 5);
    ck_assert_uint_ge(bs_sp_star_merged - merged, 3 * 10 * 3);
}
END_TEST

static unsigned long jobs;
static volatile int cancel_flag;

static unsigned long ranges;

static void count_job(bool job)
{
    jobs += job;
}

static void cancel_at_second(bool job)
{
    jobs += job;
    if (++ranges == 2) cancel_flag = 1;
}

/* Ranges of several pages, subjects spread over many ids (12 to 15
 * bits: slots, sorted on the high digit first, and then least
 * significant digit first), on the query's thread and on a second
 * one. */
START_TEST(test_star_same_rows_big)
{
    adversarial_data(1500);
    star_extra_data();
    star_shapes_data(1500);
    star_spread_data(1500);
    unsigned long taken = bs_sp_star_taken, slots = bs_sp_star_slot_ranges,
                  indexed = bs_sp_star_slot_indexed, smerges = bs_sp_star_slot_merges;
    check_star_rows();
    ck_assert_uint_ge(bs_sp_star_taken - taken, 3 * 10 * 5);
    ck_assert_uint_ge(bs_sp_star_slot_ranges - slots, 3 * 10 * 3);
    ck_assert_uint_ge(bs_sp_star_slot_indexed - indexed, 3 * 2 * 3);
    /* every range slots: merge_slots (subjects of several objects in
     * some ranges, missing in others), with and without the prefetch */
    ck_assert_uint_ge(bs_sp_star_slot_merges - smerges, 3 * 5 * 3);
    bs_sp_star_prefetch = 1;
    check_star_rows();
    bs_sp_star_prefetch = 0;
    bs_sp_star_slot_merge = false; /* the per-pattern merge for all */
    smerges = bs_sp_star_slot_merges;
    check_star_rows();
    ck_assert_uint_eq(bs_sp_star_slot_merges, smerges);
    bs_sp_star_slot_merge = true;
    bs_sp_star_prefetch = 64;
    /* every range but the last on a second thread: slots, then sorts */
    bs_job_policy = 1;
    bs_sp_star_job_min = 0;
    bs_sp_star_pipe = true;
    bs_sp_star_range_hook = count_job;
    jobs = 0;
    unsigned long piped = bs_sp_star_piped;
    check_star_rows();
    ck_assert_uint_ge(jobs, 3 * 10 * 5);
    ck_assert_uint_ge(bs_sp_star_piped - piped, 3 * 10 * 3);
    bs_sp_star_slots = false;
    slots = bs_sp_star_slot_ranges;
    unsigned long msd = bs_sp_star_msd_sorts;
    check_star_rows();
    ck_assert_uint_eq(bs_sp_star_slot_ranges, slots);
    ck_assert_uint_ge(bs_sp_star_msd_sorts - msd, 3 * 10);
    bs_job_policy = -1; /* LSD, on the query's thread */
    bs_sp_star_msd = false;
    msd = bs_sp_star_msd_sorts;
    jobs = 0;
    check_star_rows();
    ck_assert_uint_eq(bs_sp_star_msd_sorts, msd);
    ck_assert_uint_eq(jobs, 0);
    bs_sp_star_msd = true;
    bs_sp_star_slots = true;
}
END_TEST

/* A star join stops while a range is made on the second thread: the
 * query cancelled (as by its deadline) while the next range is read, or
 * over its memory cap; and both on the query's thread alone. */
START_TEST(test_star_job_stops)
{
    star_spread_data(3000);
    const char *text = "PREFIX : <http://ex/> SELECT * { ?d :sb ?b ; :sx ?x ; :sa ?a ; :sf ?f }";
    bs_sparql *q;
    ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, NULL), BS_OK);
    FILE *f = fopen("/dev/null", "w");
    bs_sp_star_policy = 1;
    bs_sp_star_seeks = 0;
    bs_sp_star_job_min = 0;
    bs_sp_star_pipe = true;
    for (int policy = 1; policy >= -1; policy -= 2) {
        bs_job_policy = policy;
        bs_sparql_opts o = {0};
        o.union_default = true;
        o.cancel = &cancel_flag;
        char *err = NULL;
        /* the pairs read decide, not those left after the slots (none) */
        bs_sp_star_job_min = 1000;
        unsigned long piped = bs_sp_star_piped;
        ck_assert_int_eq(bs_sparql_write(store, q, &o, "tsv", f, &err), BS_OK);
        ck_assert_uint_eq(bs_sp_star_piped - piped, policy > 0);
        bs_sp_star_job_min = 0;
        bs_sp_star_range_hook = cancel_at_second; /* reading the third range */
        jobs = ranges = 0;
        cancel_flag = 0;
        ck_assert_int_eq(bs_sparql_write(store, q, &o, "tsv", f, &err), BS_ERR_TIMEOUT);
        ck_assert_uint_eq(jobs, policy > 0 ? 2 : 0);
        free(err);
        err = NULL;
        bs_sp_star_range_hook = NULL;
        cancel_flag = 0;
        o.mem_limit = 200 << 10; /* a range's pairs fit, not all four */
        ck_assert_int_eq(bs_sparql_write(store, q, &o, "tsv", f, &err), BS_ERR_LIMIT);
        free(err);
        o.mem_limit = 0; /* cancelled among the rows (the merge job running) */
        bs_sparql_cursor *c;
        ck_assert_int_eq(bs_sparql_open(store, q, &o, &c, NULL), BS_OK);
        const bs_term *const *row;
        size_t n = 0;
        bs_status st;
        while ((st = bs_sparql_next(c, &row)) == BS_OK)
            if (++n == 100) cancel_flag = 1;
        ck_assert_int_eq(st, BS_ERR_TIMEOUT);
        ck_assert_uint_lt(n, 100 + 2 * 16);
        bs_sparql_close(c);
        cancel_flag = 0;
    }
    fclose(f);
    bs_sparql_free(q);
}
END_TEST

/* Cursors closed in the middle of a star join's rows (phase 1 and phase
 * 2, merged on the query's thread and on a second one; leaks show under
 * ASan), then the whole result again. */
START_TEST(test_star_close_mid_stream)
{
    adversarial_data(1500);
    star_shapes_data(1500);
    const char *text = "PREFIX : <http://ex/> SELECT * { ?d :p ?x ; :q ?y ; :t ?t ; :w ?w }";
    bs_sparql *q;
    ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, NULL), BS_OK);
    bs_sparql_opts o = {0};
    o.union_default = true;
    bs_sp_star_policy = 1;
    static const long seeks[] = {0, 5, 100000};
    static const size_t stop[] = {0, 1, 3, 700};
    unsigned long piped = bs_sp_star_piped;
    bs_sp_star_pipe = true;
    for (int twice = 0; twice <= 1; twice++) {
        bs_job_policy = twice ? 1 : -1; /* the merge on a second thread, or not */
        bs_sp_star_job_min = twice ? 0 : 65536;
        for (size_t a = 0; a < 3; a++) {
            for (size_t b = 0; b < 4; b++) {
                bs_sp_star_seeks = seeks[a];
                bs_sparql_cursor *c;
                ck_assert_int_eq(bs_sparql_open(store, q, &o, &c, NULL), BS_OK);
                const bs_term *const *row;
                for (size_t i = 0; i < stop[b]; i++) {
                    ck_assert_int_eq(bs_sparql_next(c, &row), BS_OK);
                    ck_assert_ptr_nonnull(row[3]);
                }
                bs_sparql_close(c);
            }
        }
    }
    bs_sparql_free(q);
    ck_assert_uint_ge(bs_sp_star_piped - piped, 4); /* 1, 3, 700 rows; 700 after 5 seeks */
    bs_sp_star_policy = -1;
    char *want = run_sorted(text, &o);
    bs_sp_star_policy = 1;
    bs_sp_star_seeks = 0;
    char *got = run_sorted(text, &o);
    ck_assert_str_eq(want, got);
    ck_assert_uint_gt(strlen(want), 1000);
    free(want);
    free(got);
}
END_TEST

/* The statistics choose the star join for big ranges (and read them
 * whole), not when one pattern is selective or empty. */
START_TEST(test_star_by_statistics)
{
    adversarial_data(1500);
    bs_sparql_opts o = {0};
    o.union_default = true;
    static const struct {
        const char *q;
        bool star;
    } cases[] = {
        {"SELECT ?d { ?d :p ?x ; :q ?y ; :name ?n }", true},
        {"SELECT ?d { ?d :p ?x ; :name \"n3\" }", false},
        {"SELECT ?d { ?d :p ?x ; :q :nosuch }", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[512];
        snprintf(text, sizeof text, "PREFIX : <http://ex/> %s", cases[i].q);
        bs_sparql *q;
        ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, NULL), BS_OK);
        unsigned long taken = bs_sp_star_taken, merged = bs_sp_star_merged;
        bs_sparql_cursor *c;
        ck_assert_int_eq(bs_sparql_open(store, q, &o, &c, NULL), BS_OK);
        const bs_term *const *row;
        size_t n = 0;
        while (bs_sparql_next(c, &row) == BS_OK) {
            ck_assert_ptr_nonnull(row[0]);
            n++;
        }
        bs_sparql_close(c);
        bs_sparql_free(q);
        ck_assert_msg((bs_sp_star_taken - taken == 1) == cases[i].star, "%s", text);
        if (cases[i].star) {
            ck_assert_uint_eq(bs_sp_star_merged - merged, 1);
            ck_assert_uint_gt(n, 1000);
        }
    }
}
END_TEST

/* The dictionary's forward walk: ids looked up in ascending order with
 * gaps, then backwards and at random, give their own terms. */
START_TEST(test_dict_walk)
{
    enum { NT = 3000 };
    bs_id *ids = malloc(NT * sizeof *ids);
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(store, true, &t), BS_OK);
    for (int i = 0; i < NT; i++) {
        char buf[64];
        int len = snprintf(buf, sizeof buf, i % 3 ? "http://ex/t%d" : "literal %d", i);
        bs_term term = i % 3 ? bs_term_iri(buf, (size_t)len)
                             : bs_term_literal(buf, (size_t)len, NULL, 0, NULL, 0);
        ck_assert_int_eq(bs_dict_intern(t, &term, &ids[i]), BS_OK);
    }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    unsigned seed = 7;
    for (int pass = 0; pass < 4; pass++) {
        for (int k = 0; k < NT; k++) {
            int i = pass == 0 ? k : pass == 1 ? NT - 1 - k : (int)((seed = seed * 1103515245u + 12345u) >> 8) % NT;
            if (pass == 3) i = (k * 7 + (int)(seed % 3)) % NT; /* ascending runs with gaps */
            if (pass == 0 && k % 5 == 4) continue; /* gaps of 1 and 2 */
            bs_term term;
            ck_assert_int_eq(bs_dict_get(t, ids[i], &term), BS_OK);
            char buf[64];
            int len = snprintf(buf, sizeof buf, i % 3 ? "http://ex/t%d" : "literal %d", i);
            ck_assert_uint_eq(term.lex_len, (size_t)len);
            ck_assert(memcmp(term.lex, buf, (size_t)len) == 0);
            ck_assert_int_eq(term.kind, i % 3 ? BS_TERM_IRI : BS_TERM_LITERAL);
        }
    }
    bs_term term;
    ck_assert_int_eq(bs_dict_get(t, ids[NT - 1] + 1, &term), BS_NOT_FOUND);
    ck_assert_int_eq(bs_dict_get(t, ids[NT - 2], &term), BS_OK);
    ck_assert_int_eq(bs_dict_get(t, ids[NT - 1] + 3, &term), BS_NOT_FOUND);
    ck_assert_int_eq(bs_dict_get(t, ids[0], &term), BS_OK);
    bs_txn_abort(t);
    free(ids);
}
END_TEST

/* Term i of test_dict_pages: every kind, non-ASCII text, and now and
 * then a literal too long for a leaf page (LMDB keeps it on overflow
 * pages). */
static bs_term page_term(int i, char *buf, size_t cap)
{
    int len;
    switch (i % 6) {
    case 0: len = snprintf(buf, cap, "http://ex/p%d", i); return bs_term_iri(buf, (size_t)len);
    case 1: len = snprintf(buf, cap, "b%d", i); return bs_term_bnode(buf, (size_t)len);
    case 2:
        len = snprintf(buf, cap, "Zelle %d: Kathode \xc3\xa9\xc3\xbc \xe7\x94\xb5\xe6\xb1\xa0", i);
        return bs_term_literal(buf, (size_t)len, "de", 2, NULL, 0);
    case 3:
        len = snprintf(buf, cap, "%d", i);
        return bs_term_literal(buf, (size_t)len, NULL, 0, "http://www.w3.org/2001/XMLSchema#integer", 40);
    default:
        if (i % 97 == 4) { /* 3,000 to 9,000 bytes */
            size_t n = 3000 + (size_t)(i % 3) * 3000;
            len = snprintf(buf, cap, "long %d ", i);
            memset(buf + len, 'a' + i % 26, n - (size_t)len);
            return bs_term_literal(buf, n, NULL, 0, NULL, 0);
        }
        len = snprintf(buf, cap, "title %d %.*s", i, i % 40, "0123456789012345678901234567890123456789");
        return bs_term_literal(buf, (size_t)len, NULL, 0, NULL, 0);
    }
}

/* The dictionary read in the term file (dict.c) against the cursor
 * only: the same term or BS_NOT_FOUND for every id, stored or not, in
 * every order (ascending with and without gaps, jumps, backwards, at
 * random), with sequence numbers that have no entry; and the file does
 * answer (its bound covers every term). */
START_TEST(test_dict_pages)
{
    enum { NT = 6000 };
    bs_id *ids = malloc(NT * sizeof *ids);
    char *buf = malloc(10000);
    bs_txn *t, *ref;
    ck_assert_int_eq(bs_txn_begin(store, true, &t), BS_OK);
    for (int i = 0; i < NT; i++) {
        bs_term term = page_term(i, buf, 10000);
        ck_assert_int_eq(bs_dict_intern(t, &term, &ids[i]), BS_OK);
        if (i % 50 == 7) bs_dict_next_id(t, BS_TERM_IRI); /* a number without a term */
    }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, false, &ref), BS_OK);
    unsigned seed = 11;
    size_t looked = 0;
    for (int pass = 0; pass < 6; pass++) {
        for (int k = 0; k < NT; k++) {
            int i = pass == 1 ? NT - 1 - k : k;
            if (pass == 2 && k % 5 == 4) continue;               /* gaps of 1 */
            if (pass == 3) i = (int)((seed = seed * 1103515245u + 12345u) >> 8) % NT;
            if (pass == 4) i = (k * 331) % NT;                   /* jumps */
            bs_id id = ids[i] + (pass == 5 && k % 3 == 0);       /* ids not stored */
            bs_term a, b;
            bs_dict_direct = true;
            bs_status sa = bs_dict_get(t, id, &a);
            bs_dict_direct = false;
            bs_status sb = bs_dict_get(ref, id, &b);
            bs_dict_direct = true;
            ck_assert_int_eq(sa, sb);
            looked++;
            if (sa != BS_OK) continue;
            ck_assert(bs_term_equal(&a, &b));
            ck_assert_uint_eq(a.lex_len, b.lex_len);
            if (pass < 5) {
                bs_term want = page_term(i, buf, 10000);
                ck_assert(bs_term_equal(&a, &want));
            }
        }
    }
    ck_assert_uint_gt(looked, NT);
    ck_assert_uint_eq(ref->tf_bound, 0);
    ck_assert_uint_gt(t->tf_bound, ids[NT - 1] & ((((uint64_t)1) << BS_ID_SEQ_BITS) - 1));
    bs_txn_abort(t);
    bs_txn_abort(ref);
    free(buf);
    free(ids);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sparql_plan");
    TCase *tc = tcase_create("plan");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_store_scan_pages_and_reset);
    tcase_add_test(tc, test_same_rows_small);
    tcase_add_test(tc, test_same_rows_switch);
    tcase_add_test(tc, test_count_value_map);
    tcase_add_test(tc, test_hash_join_taken);
    tcase_add_test(tc, test_star_same_rows_small);
    tcase_add_test(tc, test_star_same_rows_big);
    tcase_add_test(tc, test_star_close_mid_stream);
    tcase_add_test(tc, test_star_job_stops);
    tcase_add_test(tc, test_star_by_statistics);
    tcase_add_test(tc, test_dict_walk);
    tcase_add_test(tc, test_dict_pages);
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
