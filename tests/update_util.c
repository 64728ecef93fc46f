/* SPDX-License-Identifier: MIT
 * battstore — test helpers for the SPARQL Update tests (see update_util.h).
 * Failures abort: these are fixtures, the tests assert behaviour. */
#include "config.h"
#include "update_util.h"
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(x)                                                                 \
    do {                                                                         \
        if (!(x)) {                                                              \
            fprintf(stderr, "%s:%d: fixture failed: %s\n", __FILE__, __LINE__, #x); \
            abort();                                                             \
        }                                                                        \
    } while (0)

static char dirs[8][128];

bs_store *ut_store_new(void)
{
    for (int i = 0; i < 8; i++) {
        if (dirs[i][0]) continue;
        strcpy(dirs[i], "/tmp/bs_check_upd_XXXXXX");
        CHECK(mkdtemp(dirs[i]));
        char path[160];
        snprintf(path, sizeof path, "%s/store", dirs[i]);
        bs_store *s = NULL;
        CHECK(bs_store_open(path, BS_STORE_CREATE, &s) == BS_OK);
        return s;
    }
    CHECK(!"too many stores");
    return NULL;
}

void ut_store_free(bs_store *s)
{
    if (!s) return;
    char path[160];
    snprintf(path, sizeof path, "%s", bs_store_path(s));
    bs_store_close(s);
    for (int i = 0; i < 8; i++) {
        size_t n = strlen(dirs[i]);
        if (n && strncmp(path, dirs[i], n) == 0) {
            bs_fx_rmtree(dirs[i]);
            dirs[i][0] = 0;
        }
    }
}

static bs_id intern_iri(bs_txn *t, const char *iri)
{
    bs_term term = bs_term_iri(iri, strlen(iri));
    bs_id id = 0;
    CHECK(bs_dict_intern(t, &term, &id) == BS_OK);
    return id;
}

/* Id of an IRI in a read transaction: 0 when absent. */
static bs_id find_iri(bs_txn *t, const char *iri)
{
    if (!iri || !*iri) return BS_DEFAULT_GRAPH;
    bs_term term = bs_term_iri(iri, strlen(iri));
    bs_id id = 0;
    bs_status st = bs_dict_lookup(t, &term, &id);
    CHECK(st == BS_OK || st == BS_NOT_FOUND);
    return st == BS_OK ? id : BS_ANY - 1;
}

static void add_quad(bs_store *st, const bs_term *s, const char *p, const char *o, const char *g)
{
    bs_txn *t = NULL;
    bs_quad q;
    CHECK(bs_txn_begin(st, true, &t) == BS_OK);
    CHECK(bs_dict_intern(t, s, &q.s) == BS_OK);
    q.p = intern_iri(t, p);
    q.o = intern_iri(t, o);
    q.g = g && *g ? intern_iri(t, g) : BS_DEFAULT_GRAPH;
    CHECK(bs_quad_add(t, &q, NULL) == BS_OK);
    CHECK(bs_txn_commit(t) == BS_OK);
}

void ut_add(bs_store *st, const char *s, const char *p, const char *o, const char *g)
{
    bs_term ts = bs_term_iri(s, strlen(s));
    add_quad(st, &ts, p, o, g);
}

void ut_add_bnode(bs_store *st, const char *label, const char *p, const char *o)
{
    bs_term ts = bs_term_bnode(label, strlen(label));
    add_quad(st, &ts, p, o, NULL);
}

static uint64_t count_pattern(bs_store *st, const char *s, const char *p, const char *o,
                              const char *g, bool any_graph)
{
    bs_txn *t = NULL;
    uint64_t n = 0;
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    bs_quad q = {s ? find_iri(t, s) : BS_ANY, p ? find_iri(t, p) : BS_ANY,
                 o ? find_iri(t, o) : BS_ANY, any_graph ? BS_ANY : find_iri(t, g)};
    CHECK(bs_quad_count(t, &q, &n) == BS_OK);
    bs_txn_abort(t);
    return n;
}

uint64_t ut_count(bs_store *st, const char *g)
{
    return count_pattern(st, NULL, NULL, NULL, g, false);
}

uint64_t ut_total(bs_store *st)
{
    return count_pattern(st, NULL, NULL, NULL, NULL, true);
}

bool ut_has(bs_store *st, const char *s, const char *p, const char *o, const char *g)
{
    return count_pattern(st, s, p, o, g, false) > 0;
}

bool ut_has_lit(bs_store *st, const char *s, const char *p, const char *lex,
                const char *lang, const char *dt, const char *g)
{
    bs_txn *t = NULL;
    bs_id lit = 0;
    uint64_t n = 0;
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    bs_term term = bs_term_literal(lex, strlen(lex), lang, lang ? strlen(lang) : 0, dt,
                                   dt ? strlen(dt) : 0);
    if (bs_dict_lookup(t, &term, &lit) == BS_OK) {
        bs_quad q = {s ? find_iri(t, s) : BS_ANY, find_iri(t, p), lit, find_iri(t, g)};
        CHECK(bs_quad_count(t, &q, &n) == BS_OK);
    }
    bs_txn_abort(t);
    return n > 0;
}

size_t ut_ngraphs(bs_store *st)
{
    bs_txn *t = NULL;
    bs_graph_info *gl = NULL;
    size_t n = 0;
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    CHECK(bs_graph_list(t, &gl, &n) == BS_OK);
    free(gl);
    bs_txn_abort(t);
    return n;
}

bool ut_graph_exists(bs_store *st, const char *g)
{
    bs_txn *t = NULL;
    bs_graph_info info;
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    bs_id id = find_iri(t, g);
    bool ok = id != BS_ANY - 1 && bs_graph_get(t, id, &info) == BS_OK;
    bs_txn_abort(t);
    return ok;
}

bs_id ut_id(bs_store *st, const char *iri)
{
    bs_txn *t = NULL;
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    bs_id id = find_iri(t, iri);
    bs_txn_abort(t);
    return id == BS_ANY - 1 ? 0 : id;
}

static int cmp_id(const void *a, const void *b)
{
    bs_id x = *(const bs_id *)a, y = *(const bs_id *)b;
    return x < y ? -1 : x > y;
}

/* Distinct subjects of the quads matching object o (BS_ANY = any). */
static size_t distinct_subjects(bs_store *st, const char *o)
{
    bs_txn *t = NULL;
    bs_iter *it = NULL;
    bs_id *v = NULL;
    size_t n = 0, cap = 0, d = 0;
    bs_quad q;
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    bs_quad pat = {BS_ANY, BS_ANY, o ? find_iri(t, o) : BS_ANY, BS_ANY};
    CHECK(bs_iter_new(t, &pat, &it) == BS_OK);
    while (bs_iter_next(it, &q) == BS_OK) {
        if (n == cap) CHECK((v = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof *v)));
        v[n++] = q.s;
    }
    bs_iter_free(it);
    bs_txn_abort(t);
    if (n) qsort(v, n, sizeof *v, cmp_id);
    for (size_t i = 0; i < n; i++) d += i == 0 || v[i] != v[i - 1];
    free(v);
    return d;
}

size_t ut_distinct_subjects(bs_store *st)
{
    return distinct_subjects(st, NULL);
}

size_t ut_subjects_with(bs_store *st, const char *o)
{
    return distinct_subjects(st, o);
}

void ut_snap(bs_store *st, ut_snapshot *out)
{
    bs_txn *t = NULL;
    bs_iter *it = NULL;
    bs_quad q, pat = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    CHECK(bs_txn_begin(st, false, &t) == BS_OK);
    CHECK(bs_iter_new(t, &pat, &it) == BS_OK);
    while (bs_iter_next(it, &q) == BS_OK) {
        if (out->nquads == cap)
            CHECK((out->quads = realloc(out->quads, (cap = cap ? 2 * cap : 64) * sizeof q)));
        out->quads[out->nquads++] = q;
    }
    bs_iter_free(it);
    CHECK(bs_graph_list(t, &out->graphs, &out->ngraphs) == BS_OK);
    bs_txn_abort(t);
}

bool ut_snap_equal(const ut_snapshot *a, const ut_snapshot *b)
{
    if (a->nquads != b->nquads || a->ngraphs != b->ngraphs) return false;
    if (a->nquads && memcmp(a->quads, b->quads, a->nquads * sizeof *a->quads)) return false;
    return !a->ngraphs || !memcmp(a->graphs, b->graphs, a->ngraphs * sizeof *a->graphs);
}

void ut_snap_free(ut_snapshot *s)
{
    free(s->quads);
    free(s->graphs);
    memset(s, 0, sizeof *s);
}
