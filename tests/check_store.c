/* SPDX-License-Identifier: MIT
 * Unit tests: the LMDB quad store (dictionary, 16 patterns against a
 * brute-force scan, graphs, reopen, bulk load, map growth, snapshots). */
#include "config.h"
#include "store/store.h"
#include "store/store_int.h"
#include "fixture.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[BS_FX_DIR];

static void setup(void)
{
    bs_fx_store_dir(dir, "check_store");
}

static void teardown(void)
{
    bs_fx_store_dir_remove(dir);
}

static bs_store *open_new(void)
{
    bs_store *s = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    return s;
}

static bs_id iri(bs_txn *t, const char *text)
{
    bs_term term = bs_term_iri(text, strlen(text));
    bs_id id = 0;
    ck_assert_int_eq(bs_dict_intern(t, &term, &id), BS_OK);
    return id;
}

START_TEST(test_free_null)
{
    bs_store_close(NULL);
    bs_txn_abort(NULL);
    bs_iter_free(NULL);
    bs_bulk_free(NULL);
    ck_assert_str_eq(bs_strerror(BS_NOT_FOUND), "not found");
}
END_TEST

START_TEST(test_open_missing)
{
    bs_store *s = (bs_store *)1;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_RDONLY, &s), BS_NOT_FOUND);
    ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_dict)
{
    bs_store *s = open_new();
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    static const char big_text[] = "x";
    char *big = malloc(100000);
    memset(big, 'y', 100000);
    bs_term terms[] = {
        bs_term_iri("http://a", 8), bs_term_bnode("b1", 2),
        bs_term_literal("caf\xc3\xa9\0z", 7, NULL, 0, NULL, 0),
        bs_term_literal("Anode", 5, "en", 2, NULL, 0),
        bs_term_literal("3.7", 3, NULL, 0, BS_XSD "decimal", strlen(BS_XSD "decimal")),
        bs_term_literal(big, 100000, NULL, 0, NULL, 0),
        bs_term_literal(big_text, 1, NULL, 0, NULL, 0),
    };
    size_t n = sizeof terms / sizeof *terms;
    bs_id ids[8];
    for (size_t i = 0; i < n; i++) {
        ck_assert_int_eq(bs_dict_intern(t, &terms[i], &ids[i]), BS_OK);
        ck_assert_int_eq(bs_id_kind(ids[i]), terms[i].kind);
    }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    bs_store_close(s);
    /* reopen: same ids, same terms, interning again gives the same id */
    ck_assert_int_eq(bs_store_open(dir, 0, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (size_t i = 0; i < n; i++) {
        bs_id id;
        bs_term got;
        ck_assert_int_eq(bs_dict_lookup(t, &terms[i], &id), BS_OK);
        ck_assert_uint_eq(id, ids[i]);
        ck_assert_int_eq(bs_dict_intern(t, &terms[i], &id), BS_OK);
        ck_assert_uint_eq(id, ids[i]);
        ck_assert_int_eq(bs_dict_get(t, ids[i], &got), BS_OK);
        ck_assert(bs_term_equal(&got, &terms[i]));
    }
    bs_term missing = bs_term_iri("http://nope", 11);
    bs_id id;
    ck_assert_int_eq(bs_dict_lookup(t, &missing, &id), BS_NOT_FOUND);
    bs_term got;
    ck_assert_int_eq(bs_dict_get(t, 0, &got), BS_NOT_FOUND);
    ck_assert_int_eq(bs_dict_get(t, bs_id_make(BS_TERM_IRI, 999999), &got), BS_NOT_FOUND);
    /* the right sequence number with the wrong kind is not a term */
    ck_assert_int_eq(bs_dict_get(t, bs_id_make(BS_TERM_LANG, ids[0] & 0xfffffff), &got),
                     BS_NOT_FOUND);
    bs_txn_abort(t);
    bs_store_close(s);
    free(big);
}
END_TEST

/* ---- the 16 patterns against brute force on random data ------------ */

#define NQ 3000
static bs_quad data[NQ];
static size_t ndata;

static int quad_match(const bs_quad *q, const bs_quad *p)
{
    return (p->s == BS_ANY || p->s == q->s) && (p->p == BS_ANY || p->p == q->p) &&
           (p->o == BS_ANY || p->o == q->o) && (p->g == BS_ANY || p->g == q->g);
}

static int quad_cmp(const void *a, const void *b)
{
    return memcmp(a, b, sizeof(bs_quad));
}

START_TEST(test_patterns)
{
    bs_store *s = open_new();
    bs_txn *t;
    srand(42);
    bs_id terms[60];
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int i = 0; i < 60; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "http://ex.org/t%d", i);
        terms[i] = iri(t, buf);
    }
    ndata = 0;
    for (int i = 0; i < NQ; i++) {
        bs_quad q = {terms[rand() % 40], terms[rand() % 8], terms[rand() % 60],
                     rand() % 3 ? terms[50 + rand() % 5] : BS_DEFAULT_GRAPH};
        bool added;
        ck_assert_int_eq(bs_quad_add(t, &q, &added), BS_OK);
        int dup = 0;
        for (size_t j = 0; j < ndata; j++) dup |= !quad_cmp(&data[j], &q);
        ck_assert_int_eq(added, !dup);
        if (!dup) data[ndata++] = q;
    }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    for (int trial = 0; trial < 200; trial++) {
        const bs_quad *src = &data[rand() % ndata];
        bs_quad pat;
        int mask = trial % 16;
        pat.s = (mask & 1) ? src->s : BS_ANY;
        pat.p = (mask & 2) ? src->p : BS_ANY;
        pat.o = (mask & 4) ? src->o : BS_ANY;
        pat.g = (mask & 8) ? src->g : BS_ANY;
        if (trial >= 160 && mask) pat.s = (mask & 1) ? terms[45] : BS_ANY; /* misses */
        size_t expect = 0;
        for (size_t j = 0; j < ndata; j++) expect += quad_match(&data[j], &pat);
        bs_iter *it;
        bs_quad q, prev = {0, 0, 0, 0};
        size_t got = 0;
        ck_assert_int_eq(bs_iter_new(t, &pat, &it), BS_OK);
        bs_status st;
        while ((st = bs_iter_next(it, &q)) == BS_OK) {
            ck_assert(quad_match(&q, &pat));
            ck_assert_int_eq(bs_quad_contains(t, &q), BS_OK);
            ck_assert(got == 0 || quad_cmp(&prev, &q) != 0);
            prev = q;
            got++;
        }
        ck_assert_int_eq(st, BS_END);
        bs_iter_free(it);
        ck_assert_uint_eq(got, expect);
        uint64_t cnt;
        ck_assert_int_eq(bs_quad_count(t, &pat, &cnt), BS_OK);
        ck_assert_uint_eq(cnt, expect);
    }
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

START_TEST(test_remove)
{
    bs_store *s = open_new();
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_quad q = {iri(t, "http://s"), iri(t, "http://p"), iri(t, "http://o"), 0};
    bool ok;
    ck_assert_int_eq(bs_quad_add(t, &q, &ok), BS_OK);
    ck_assert(ok);
    ck_assert_int_eq(bs_quad_add(t, &q, &ok), BS_OK);
    ck_assert(!ok);
    ck_assert_int_eq(bs_quad_remove(t, &q, &ok), BS_OK);
    ck_assert(ok);
    ck_assert_int_eq(bs_quad_remove(t, &q, &ok), BS_OK);
    ck_assert(!ok);
    ck_assert_int_eq(bs_quad_contains(t, &q), BS_NOT_FOUND);
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    uint64_t n;
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 0);
    bs_quad bad = {0, q.p, q.o, 0};
    ck_assert_int_eq(bs_quad_add(t, &bad, &ok), BS_ERR_ARG);
    bs_txn_abort(t);
    /* a read transaction cannot write */
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_add(t, &q, &ok), BS_ERR_READONLY);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

START_TEST(test_abort_and_reopen)
{
    bs_store *s = open_new();
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_quad q = {iri(t, "http://s"), iri(t, "http://p"), iri(t, "http://o"), 0};
    ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_quad q2 = {iri(t, "http://s2"), q.p, q.o, 0};
    ck_assert_int_eq(bs_quad_add(t, &q2, NULL), BS_OK);
    bs_txn_abort(t); /* never committed */
    bs_store_close(s);
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_RDONLY, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_contains(t, &q), BS_OK);
    bs_term term = bs_term_iri("http://s2", 9);
    bs_id id;
    ck_assert_int_eq(bs_dict_lookup(t, &term, &id), BS_NOT_FOUND);
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    uint64_t n;
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 1);
    bs_txn_abort(t);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_ERR_READONLY);
    bs_store_close(s);
}
END_TEST

START_TEST(test_graphs)
{
    bs_store *s = open_new();
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_id g1 = iri(t, "http://g1"), g2 = iri(t, "http://g2"), g3 = iri(t, "http://g3");
    bs_id p = iri(t, "http://p"), v = iri(t, "http://g1/1.0");
    for (int i = 0; i < 10; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "http://s%d", i);
        bs_quad q = {iri(t, buf), p, g3, i < 7 ? g1 : g2};
        ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
        q.g = BS_DEFAULT_GRAPH;
        ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
    }
    ck_assert_int_eq(bs_graph_create(t, g3), BS_OK);
    ck_assert_int_eq(bs_graph_set_version(t, g1, v), BS_OK);
    ck_assert_int_eq(bs_graph_set_access(t, g2, BS_ACCESS_RESTRICTED), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);

    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_graph_info *gl;
    size_t n;
    ck_assert_int_eq(bs_graph_list(t, &gl, &n), BS_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(gl[0].graph, g1);
    ck_assert_uint_eq(gl[0].quads, 7);
    ck_assert_uint_eq(gl[0].version, v);
    ck_assert_uint_eq(gl[1].quads, 3);
    ck_assert_int_eq(gl[1].access, BS_ACCESS_RESTRICTED);
    ck_assert_uint_eq(gl[2].graph, g3);
    ck_assert_uint_eq(gl[2].quads, 0);
    free(gl);
    bs_id *ids;
    ck_assert_int_eq(bs_graph_ids(t, &ids, &n), BS_OK); /* same graphs, no counts */
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(ids[0], g1);
    ck_assert_uint_eq(ids[1], g2);
    ck_assert_uint_eq(ids[2], g3);
    free(ids);
    bs_access acc;
    ck_assert_int_eq(bs_graph_access(t, g2, &acc), BS_OK);
    ck_assert_int_eq(acc, BS_ACCESS_RESTRICTED);
    ck_assert_int_eq(bs_graph_access(t, g1, &acc), BS_OK);
    ck_assert_int_eq(acc, BS_ACCESS_PUBLIC);
    ck_assert_int_eq(bs_graph_access(t, p, &acc), BS_OK); /* no record: public */
    ck_assert_int_eq(acc, BS_ACCESS_PUBLIC);
    uint64_t removed;
    ck_assert_int_eq(bs_graph_clear(t, g1, true, &removed), BS_OK);
    ck_assert_uint_eq(removed, 7);
    bs_graph_info gi;
    ck_assert_int_eq(bs_graph_get(t, g1, &gi), BS_NOT_FOUND);
    bs_quad dflt = {BS_ANY, BS_ANY, BS_ANY, BS_DEFAULT_GRAPH};
    uint64_t nd;
    ck_assert_int_eq(bs_quad_count(t, &dflt, &nd), BS_OK);
    ck_assert_uint_eq(nd, 10); /* the default graph is untouched */
    bs_quad bysubj = {BS_ANY, p, BS_ANY, BS_ANY};
    ck_assert_int_eq(bs_quad_count(t, &bysubj, &nd), BS_OK);
    ck_assert_uint_eq(nd, 13); /* no index keeps cleared quads */
    bs_quad byobj = {BS_ANY, BS_ANY, g3, BS_ANY};
    ck_assert_int_eq(bs_quad_count(t, &byobj, &nd), BS_OK);
    ck_assert_uint_eq(nd, 13);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* ---- bulk loading -------------------------------------------------- */

static void bulk_load(bs_store *s, int from, int to, uint64_t *added)
{
    bs_txn *t;
    bs_bulk *b;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_bulk_new(t, &b), BS_OK);
    for (int i = from; i < to; i++) {
        char sb[48], lb[48];
        snprintf(sb, sizeof sb, "http://ex.org/d/%d", i);
        snprintf(lb, sizeof lb, "dataset %d", i / 2); /* repeats */
        bs_term st = bs_term_iri(sb, strlen(sb)), pt = bs_term_iri("http://p", 8),
                lt = bs_term_literal(lb, strlen(lb), NULL, 0, NULL, 0);
        bs_quad q = {0, 0, 0, BS_DEFAULT_GRAPH};
        ck_assert_int_eq(bs_bulk_intern(b, &st, &q.s), BS_OK);
        ck_assert_int_eq(bs_bulk_intern(b, &pt, &q.p), BS_OK);
        ck_assert_int_eq(bs_bulk_intern(b, &lt, &q.o), BS_OK);
        ck_assert_int_eq(bs_bulk_add(b, &q), BS_OK);
        ck_assert_int_eq(bs_bulk_add(b, &q), BS_OK); /* duplicate */
    }
    ck_assert_int_eq(bs_bulk_finish(b, added), BS_OK);
    bs_bulk_free(b);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
}

static void check_bulk_content(bs_store *s, int n)
{
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    uint64_t cnt;
    ck_assert_int_eq(bs_quad_count(t, &any, &cnt), BS_OK);
    ck_assert_uint_eq(cnt, (uint64_t)n);
    bs_store_stats stats;
    ck_assert_int_eq(bs_store_stat(t, &stats), BS_OK);
    ck_assert_uint_eq(stats.terms, (uint64_t)(n + 1 + (n + 1) / 2));
    /* the term file holds every committed term: one offset each, at least */
    ck_assert_uint_ge(stats.termfile_bytes, stats.terms * 8);
    for (int i = 0; i < n; i += 97) {
        char sb[48], lb[48];
        snprintf(sb, sizeof sb, "http://ex.org/d/%d", i);
        snprintf(lb, sizeof lb, "dataset %d", i / 2);
        bs_term st = bs_term_iri(sb, strlen(sb)),
                lt = bs_term_literal(lb, strlen(lb), NULL, 0, NULL, 0);
        bs_id sid, lid;
        ck_assert_int_eq(bs_dict_lookup(t, &st, &sid), BS_OK);
        ck_assert_int_eq(bs_dict_lookup(t, &lt, &lid), BS_OK);
        bs_quad pat = {sid, BS_ANY, BS_ANY, BS_ANY};
        bs_iter *it;
        bs_quad q;
        ck_assert_int_eq(bs_iter_new(t, &pat, &it), BS_OK);
        ck_assert_int_eq(bs_iter_next(it, &q), BS_OK);
        ck_assert_uint_eq(q.o, lid);
        ck_assert_int_eq(bs_iter_next(it, &q), BS_END);
        bs_iter_free(it);
    }
    bs_txn_abort(t);
}

START_TEST(test_bulk_single_batch)
{
    bs_store *s = open_new();
    uint64_t added;
    bulk_load(s, 0, 5000, &added);
    ck_assert_uint_eq(added, 5000);
    check_bulk_content(s, 5000);
    /* a second load into the non-empty store: half old, half new */
    bulk_load(s, 2500, 7500, &added);
    ck_assert_uint_eq(added, 2500);
    check_bulk_content(s, 7500);
    bs_store_close(s);
}
END_TEST

START_TEST(test_bulk_spill)
{
    setenv("BATTSTORE_BULK_BATCH", "777", 1); /* many sorted runs */
    setenv("BATTSTORE_PENDING_MAX", "300", 1); /* t2i flushed mid-load */
    bs_store *s = open_new();
    uint64_t added;
    bulk_load(s, 0, 6000, &added);
    ck_assert_uint_eq(added, 6000);
    check_bulk_content(s, 6000);
    bulk_load(s, 3000, 9000, &added);
    ck_assert_uint_eq(added, 3000);
    check_bulk_content(s, 9000);
    bs_store_close(s);
    unsetenv("BATTSTORE_BULK_BATCH");
    unsetenv("BATTSTORE_PENDING_MAX");
}
END_TEST

/* Bulk load in small batches where some runs hold one graph (their
 * G-first orders are derived from their partners) and some several; then
 * every one of the 16 patterns must agree with a brute-force scan. */
START_TEST(test_bulk_graph_runs)
{
    setenv("BATTSTORE_BULK_BATCH", "500", 1);
    bs_store *s = open_new();
    bs_txn *t;
    bs_bulk *b;
    bs_id terms[40];
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_bulk_new(t, &b), BS_OK);
    for (int i = 0; i < 40; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "http://ex.org/b%d", i);
        bs_term term = bs_term_iri(buf, strlen(buf));
        ck_assert_int_eq(bs_bulk_intern(b, &term, &terms[i]), BS_OK);
    }
    srand(7);
    ndata = 0;
    for (int i = 0; i < NQ; i++) {
        /* the first 1500 quads in one graph, the rest in three */
        bs_id g = i < 1500 ? terms[37] : terms[37 + rand() % 3];
        bs_quad q = {terms[rand() % 30], terms[rand() % 5], terms[rand() % 37], g};
        ck_assert_int_eq(bs_bulk_add(b, &q), BS_OK);
        int dup = 0;
        for (size_t j = 0; j < ndata && !dup; j++) dup = !quad_cmp(&data[j], &q);
        if (!dup) data[ndata++] = q;
    }
    uint64_t added;
    ck_assert_int_eq(bs_bulk_finish(b, &added), BS_OK);
    ck_assert_uint_eq(added, ndata);
    bs_bulk_free(b);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    unsetenv("BATTSTORE_BULK_BATCH");
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    for (int trial = 0; trial < 160; trial++) {
        const bs_quad *src = &data[rand() % ndata];
        int mask = trial % 16;
        bs_quad pat = {(mask & 1) ? src->s : BS_ANY, (mask & 2) ? src->p : BS_ANY,
                       (mask & 4) ? src->o : BS_ANY, (mask & 8) ? src->g : BS_ANY};
        size_t expect = 0, got = 0;
        for (size_t j = 0; j < ndata; j++) expect += quad_match(&data[j], &pat);
        bs_iter *it;
        bs_quad q;
        ck_assert_int_eq(bs_iter_new(t, &pat, &it), BS_OK);
        while (bs_iter_next(it, &q) == BS_OK) {
            ck_assert(quad_match(&q, &pat));
            got++;
        }
        bs_iter_free(it);
        ck_assert_uint_eq(got, expect);
    }
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* ---- map growth: a tiny initial map must grow, not fail ------------ */

typedef struct { int from, to; } range;

static bs_status write_many(bs_txn *t, void *ctx)
{
    range *r = ctx;
    bs_status st = BS_OK;
    for (int i = r->from; i < r->to && st == BS_OK; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "http://example.org/growing/subject/%d", i);
        bs_term term = bs_term_iri(buf, strlen(buf));
        bs_quad q = {0, 0, 0, 0};
        st = bs_dict_intern(t, &term, &q.s);
        if (st == BS_OK) { q.p = q.s; q.o = q.s; st = bs_quad_add(t, &q, NULL); }
    }
    return st;
}

START_TEST(test_map_grows)
{
    setenv("BATTSTORE_MAP_SIZE", "262144", 1); /* 256 KiB */
    bs_store *s = open_new();
    unsetenv("BATTSTORE_MAP_SIZE");
    range r = {0, 40000};
    ck_assert_int_eq(bs_store_write(s, write_many, &r), BS_OK);
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    bs_store_stats st;
    ck_assert_int_eq(bs_store_stat(t, &st), BS_OK);
    ck_assert_uint_eq(st.quads, 40000);
    ck_assert_uint_gt(st.map_bytes, 262144);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* ---- readers see a snapshot while a write is in progress ----------- */

typedef struct {
    bs_store *s;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int phase; /* 1: writer has written but not committed; 2: reader done */
} snap_ctx;

static void *writer(void *arg)
{
    snap_ctx *c = arg;
    bs_txn *t;
    bs_bulk *b;
    bs_txn_begin(c->s, true, &t);
    bs_bulk_new(t, &b);
    for (int i = 0; i < 20000; i++) {
        char buf[48];
        snprintf(buf, sizeof buf, "http://ex.org/new/%d", i);
        bs_term term = bs_term_iri(buf, strlen(buf));
        bs_quad q = {0, 0, 0, 0};
        bs_bulk_intern(b, &term, &q.s);
        q.p = q.o = q.s;
        bs_bulk_add(b, &q);
    }
    bs_bulk_finish(b, NULL);
    bs_bulk_free(b);
    pthread_mutex_lock(&c->mu);
    c->phase = 1;
    pthread_cond_broadcast(&c->cv);
    while (c->phase != 2) pthread_cond_wait(&c->cv, &c->mu);
    pthread_mutex_unlock(&c->mu);
    bs_txn_commit(t);
    return NULL;
}

START_TEST(test_reader_snapshot)
{
    bs_store *s = open_new();
    uint64_t added;
    bulk_load(s, 0, 1000, &added);
    snap_ctx c = {s, PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0};
    pthread_t th;
    pthread_create(&th, NULL, writer, &c);
    pthread_mutex_lock(&c.mu);
    while (c.phase != 1) pthread_cond_wait(&c.cv, &c.mu);
    pthread_mutex_unlock(&c.mu);
    /* the write is done but not committed: a reader does not wait and
     * sees exactly the old content */
    bs_txn *t;
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    uint64_t n;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 1000);
    pthread_mutex_lock(&c.mu);
    c.phase = 2;
    pthread_cond_broadcast(&c.cv);
    pthread_mutex_unlock(&c.mu);
    pthread_join(th, NULL);
    /* the old snapshot is stable even after the commit */
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 1000);
    bs_txn_abort(t);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 21000);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* memcmp over the shorter length, then the shorter first: LMDB's
 * default order, which the store's comparator must keep. */
static int ref_cmp(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    size_t n = na < nb ? na : nb;
    int c = n ? memcmp(a, b, n) : 0;
    if (c) return c < 0 ? -1 : 1;
    return na < nb ? -1 : na > nb;
}

START_TEST(test_key_order)
{
    /* values from a few bytes (so that long prefixes are shared and the
     * second word decides), every size from 0 to 20 */
    static const uint8_t alphabet[] = { 0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF };
    uint8_t a[20], b[20];
    srand(7);
    for (int round = 0; round < 200000; round++) {
        size_t na = (size_t)rand() % 21, nb = rand() % 3 ? na : (size_t)rand() % 21;
        for (size_t i = 0; i < na; i++) a[i] = alphabet[rand() % 6];
        for (size_t i = 0; i < nb; i++) b[i] = i < na && rand() % 4 ? a[i] : alphabet[rand() % 6];
        MDB_val x = { na, a }, y = { nb, b };
        int c = bs_dict_mdb_cmp(&x, &y), sign = c < 0 ? -1 : c > 0;
        ck_assert_int_eq(sign, ref_cmp(a, na, b, nb));
    }
}
END_TEST

/* Terms numbered across the bytes of their ids (past 0xFF, 0xFFFF) and
 * quads on them: found by id, by term and by every bound position. */
START_TEST(test_ids_across_bytes)
{
    bs_store *s = open_new();
    bs_txn *t = NULL;
    enum { N = 70000 };
    bs_id *ids = malloc(N * sizeof *ids);
    char text[64];
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int i = 0; i < N; i++) {
        snprintf(text, sizeof text, "http://x/%d", i);
        ids[i] = iri(t, text);
    }
    for (int i = 0; i + 1 < N; i += 97) {
        bs_quad q = { ids[i], ids[i + 1], ids[N - 1 - i], ids[(i * 7) % N] };
        ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
    }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    for (int i = 0; i < N; i++) {
        bs_term term;
        bs_id id = 0;
        int len = snprintf(text, sizeof text, "http://x/%d", i);
        ck_assert_int_eq(bs_dict_get(t, ids[i], &term), BS_OK);
        ck_assert(term.lex_len == (size_t)len && memcmp(term.lex, text, (size_t)len) == 0);
        bs_term want = bs_term_iri(text, (size_t)len);
        ck_assert_int_eq(bs_dict_lookup(t, &want, &id), BS_OK);
        ck_assert_uint_eq(id, ids[i]);
    }
    for (int i = 0; i + 1 < N; i += 97) {
        bs_quad q = { ids[i], ids[i + 1], ids[N - 1 - i], ids[(i * 7) % N] };
        for (int mask = 1; mask < 16; mask++) {
            bs_quad pat = { mask & 1 ? q.s : BS_ANY, mask & 2 ? q.p : BS_ANY,
                            mask & 4 ? q.o : BS_ANY, mask & 8 ? q.g : BS_ANY };
            uint64_t n = 0;
            ck_assert_int_eq(bs_quad_count(t, &pat, &n), BS_OK);
            ck_assert_msg(mask & 1 ? n == 1 : n >= 1, "quad %d, pattern %d", i, mask);
        }
    }
    bs_txn_abort(t);
    free(ids);
    bs_store_close(s);
}
END_TEST

static Suite *store_suite(void)
{
    Suite *s = suite_create("store");
    TCase *tc = tcase_create("basics");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_free_null);
    tcase_add_test(tc, test_open_missing);
    tcase_add_test(tc, test_dict);
    tcase_add_test(tc, test_remove);
    tcase_add_test(tc, test_abort_and_reopen);
    tcase_add_test(tc, test_graphs);
    suite_add_tcase(s, tc);
    tc = tcase_create("patterns");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_patterns);
    suite_add_tcase(s, tc);
    tc = tcase_create("bulk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bulk_single_batch);
    tcase_add_test(tc, test_bulk_spill);
    tcase_add_test(tc, test_bulk_graph_runs);
    tcase_add_test(tc, test_map_grows);
    tcase_add_test(tc, test_reader_snapshot);
    tcase_add_test(tc, test_key_order);
    tcase_add_test(tc, test_ids_across_bytes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(store_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
