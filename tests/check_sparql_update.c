/* SPDX-License-Identifier: MIT
 * Unit tests: SPARQL Update (every operation, atomicity, SILENT, COPY /
 * MOVE / ADD edge cases, LOAD, access control, map growth).  Requests are
 * built by hand here (the parse tree of sparql_int.h), so that these
 * tests do not depend on the parser; check_sparql_update_text.c runs
 * requests written as text. */
#include "config.h"
#include "sparql/sparql_int.h"
#include "update_util.h"
#include "fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EX "http://example.org/"

static bs_store *store;

static void setup(void)
{
    store = ut_store_new();
}

static void teardown(void)
{
    ut_store_free(store);
    store = NULL;
}

/* ---- building requests by hand ------------------------------------------ */

static int cst(bs_sparql *q, bs_term_kind kind, const char *lex, const char *extra)
{
    q->consts = realloc(q->consts, (q->nconsts + 1) * sizeof *q->consts);
    bs_sp_const *c = &q->consts[q->nconsts];
    c->kind = kind;
    c->lex = strdup(lex);
    c->lex_len = strlen(lex);
    c->extra = extra ? strdup(extra) : NULL;
    c->extra_len = extra ? strlen(extra) : 0;
    return (int)q->nconsts++;
}

static int iri(bs_sparql *q, const char *local)
{
    char buf[256];
    snprintf(buf, sizeof buf, EX "%s", local);
    return cst(q, BS_TERM_IRI, buf, NULL);
}

static bs_sparql *req_new(void)
{
    bs_sparql *q = calloc(1, sizeof *q);
    q->form = BS_SPARQL_UPDATE;
    return q;
}

static bs_sp_update_op *op_add(bs_sparql *q, bs_sp_up_kind kind)
{
    q->ops = realloc(q->ops, (q->nops + 1) * sizeof *q->ops);
    bs_sp_update_op *op = &q->ops[q->nops++];
    memset(op, 0, sizeof *op);
    op->kind = kind;
    op->with = op->source = -1;
    return op;
}

static bs_sp_tpos C(int cid) { return (bs_sp_tpos){-1, cid}; }
static bs_sp_tpos V(int var) { return (bs_sp_tpos){var, -1}; }
static const bs_sp_tpos NONE = {-1, -1};

static void quad_add(bs_sp_quad **v, size_t *n, bs_sp_tpos s, bs_sp_tpos p, bs_sp_tpos o,
                     bs_sp_tpos g)
{
    *v = realloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = (bs_sp_quad){s, p, o, g};
}

static bs_sp_gref GIRI(int cid) { return (bs_sp_gref){BS_GREF_IRI, cid}; }
static const bs_sp_gref GDEFAULT = {BS_GREF_DEFAULT, -1};

static void req_free(bs_sparql *q)
{
    for (size_t i = 0; i < q->nconsts; i++) {
        free(q->consts[i].lex);
        free(q->consts[i].extra);
    }
    for (size_t i = 0; i < q->nops; i++) {
        free(q->ops[i].ins);
        free(q->ops[i].del);
    }
    for (size_t i = 0; i < q->nvars; i++) free(q->vars[i].name);
    free(q->vars);
    free(q->consts);
    free(q->ops);
    free(q);
}

/* A request of one graph operation (CLEAR, DROP, CREATE: to; COPY...:
 * from -> to).  Graph names are local names under EX; NULL = DEFAULT. */
static bs_sparql *graph_op(bs_sp_up_kind kind, bool silent, const char *from, const char *to)
{
    bs_sparql *q = req_new();
    bs_sp_update_op *op = op_add(q, kind);
    op->silent = silent;
    op->from = from ? GIRI(iri(q, from)) : GDEFAULT;
    op->to = to ? GIRI(iri(q, to)) : GDEFAULT;
    return q;
}

/* Run q and free it; returns the status, *err kept in errbuf. */
static char errbuf[512];
static bs_sparql_update_stats last;

static bs_status run_opts(bs_sparql *q, const bs_sparql_opts *o, const char *load_dir)
{
    char *err = NULL;
    bs_status st = bs_sparql_update(store, q, o, load_dir, &last, &err);
    snprintf(errbuf, sizeof errbuf, "%s", err ? err : "");
    if (st == BS_OK) ck_assert_ptr_null(err);
    else ck_assert_ptr_nonnull(err);
    free(err);
    req_free(q);
    return st;
}

static bs_status run(bs_sparql *q)
{
    return run_opts(q, NULL, NULL);
}

/* A store with <s1> <p> <o1> in the default graph, two triples in g1
 * and one in g2. */
static void fill(void)
{
    ut_add(store, EX "s1", EX "p", EX "o1", NULL);
    ut_add(store, EX "a", EX "p", EX "b", EX "g1");
    ut_add(store, EX "a", EX "p", EX "c", EX "g1");
    ut_add(store, EX "x", EX "p", EX "y", EX "g2");
}

/* ---- INSERT DATA / DELETE DATA --------------------------------------------- */

START_TEST(test_insert_delete_data)
{
    bs_sparql *q = req_new();
    bs_sp_update_op *op = op_add(q, BS_UP_INSERT_DATA);
    int s = iri(q, "s"), p = iri(q, "p"), g = iri(q, "g");
    int lit = cst(q, BS_TERM_LITERAL, "chat", NULL);
    int lang = cst(q, BS_TERM_LANG, "chat", "fr");
    int num = cst(q, BS_TERM_TYPED, "42", BS_XSD "integer");
    int str = cst(q, BS_TERM_TYPED, "chat", BS_XSD "string");
    quad_add(&op->ins, &op->nins, C(s), C(p), C(lit), NONE);
    quad_add(&op->ins, &op->nins, C(s), C(p), C(lang), NONE);
    quad_add(&op->ins, &op->nins, C(s), C(p), C(num), C(g));
    quad_add(&op->ins, &op->nins, C(s), C(p), C(str), NONE); /* = the simple literal */
    ck_assert_int_eq(run(q), BS_OK);
    ck_assert_uint_eq(last.inserted, 3);
    ck_assert_uint_eq(last.operations, 1);
    ck_assert_uint_eq(ut_count(store, ""), 2);
    ck_assert_uint_eq(ut_count(store, EX "g"), 1);
    ck_assert(ut_has_lit(store, EX "s", EX "p", "chat", "fr", NULL, NULL));
    ck_assert(ut_has_lit(store, EX "s", EX "p", "42", NULL, BS_XSD "integer", EX "g"));

    /* DELETE DATA: what is there goes, what is not (or has unknown terms) is ignored */
    q = req_new();
    op = op_add(q, BS_UP_DELETE_DATA);
    s = iri(q, "s"), p = iri(q, "p"), g = iri(q, "g");
    lang = cst(q, BS_TERM_LANG, "chat", "fr");
    num = cst(q, BS_TERM_TYPED, "42", BS_XSD "integer");
    int unknown = iri(q, "never-seen");
    quad_add(&op->del, &op->ndel, C(s), C(p), C(lang), NONE);
    quad_add(&op->del, &op->ndel, C(s), C(p), C(num), NONE);   /* not in the default graph */
    quad_add(&op->del, &op->ndel, C(s), C(p), C(unknown), NONE);
    ck_assert_int_eq(run(q), BS_OK);
    ck_assert_uint_eq(last.deleted, 1);
    ck_assert_uint_eq(ut_count(store, ""), 1);
    ck_assert_uint_eq(ut_count(store, EX "g"), 1);
}
END_TEST

/* Blank nodes of INSERT DATA: one per label in an operation, fresh in
 * each request, never one the store already has. */
START_TEST(test_insert_data_bnodes)
{
    ut_add_bnode(store, "u0b0", EX "p", EX "old");
    for (int round = 0; round < 2; round++) {
        bs_sparql *q = req_new();
        q->nvars = 2;
        q->vars = calloc(2, sizeof *q->vars);
        q->vars[0].name = strdup("b0");
        q->vars[1].name = strdup("b1");
        q->vars[0].hidden = q->vars[1].hidden = true;
        bs_sp_update_op *op = op_add(q, BS_UP_INSERT_DATA);
        int p = iri(q, "p"), o1 = iri(q, "o1"), o2 = iri(q, "o2");
        quad_add(&op->ins, &op->nins, V(0), C(p), C(o1), NONE);
        quad_add(&op->ins, &op->nins, V(0), C(p), C(o2), NONE);
        quad_add(&op->ins, &op->nins, V(1), C(p), C(o1), NONE);
        ck_assert_int_eq(run(q), BS_OK);
        ck_assert_uint_eq(last.inserted, 3);
    }
    /* 2 rounds × 2 blank nodes + the old one, each its own subject */
    ck_assert_uint_eq(ut_count(store, ""), 7);
    ck_assert_uint_eq(ut_distinct_subjects(store), 5);
    ck_assert_uint_eq(ut_subjects_with(store, EX "o2"), 2);
}
END_TEST

/* ---- CLEAR / DROP / CREATE -------------------------------------------------- */

START_TEST(test_clear_drop)
{
    fill();
    ck_assert_int_eq(run(graph_op(BS_UP_CLEAR, false, NULL, "g1")), BS_OK);
    ck_assert_uint_eq(last.deleted, 2);
    ck_assert_uint_eq(ut_count(store, EX "g1"), 0);
    ck_assert(ut_graph_exists(store, EX "g1")); /* CLEAR keeps the graph */
    ck_assert_uint_eq(ut_count(store, ""), 1);
    ck_assert_int_eq(run(graph_op(BS_UP_DROP, false, NULL, "g1")), BS_OK);
    ck_assert(!ut_graph_exists(store, EX "g1"));
    /* gone now: DROP fails, DROP SILENT does not */
    ck_assert_int_eq(run(graph_op(BS_UP_DROP, false, NULL, "g1")), BS_ERR_ARG);
    ck_assert_str_eq(errbuf, "operation 1 (DROP): graph <" EX "g1> does not exist");
    ck_assert_int_eq(run(graph_op(BS_UP_DROP, true, NULL, "g1")), BS_OK);
    ck_assert_uint_eq(last.operations, 1);
    ck_assert_int_eq(run(graph_op(BS_UP_CLEAR, false, NULL, "nope")), BS_ERR_ARG);
    ck_assert_int_eq(run(graph_op(BS_UP_CLEAR, true, NULL, "nope")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 1);
    ck_assert_uint_eq(ut_count(store, ""), 1);
}
END_TEST

static bs_sparql *gref_op(bs_sp_up_kind kind, bs_sp_gref_kind which)
{
    bs_sparql *q = req_new();
    op_add(q, kind)->to = (bs_sp_gref){which, -1};
    return q;
}

START_TEST(test_clear_default_named_all)
{
    fill();
    ck_assert_int_eq(run(gref_op(BS_UP_CLEAR, BS_GREF_DEFAULT)), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 0);
    ck_assert_uint_eq(ut_total(store), 3);
    fill();
    ck_assert_int_eq(run(gref_op(BS_UP_CLEAR, BS_GREF_NAMED)), BS_OK);
    ck_assert_uint_eq(last.deleted, 3);
    ck_assert_uint_eq(ut_total(store), 1);
    ck_assert(ut_graph_exists(store, EX "g1"));
    fill();
    ck_assert_int_eq(run(gref_op(BS_UP_DROP, BS_GREF_NAMED)), BS_OK);
    ck_assert_uint_eq(ut_total(store), 1);
    ck_assert(!ut_graph_exists(store, EX "g1"));
    ck_assert_uint_eq(ut_ngraphs(store), 0);
    fill();
    ck_assert_int_eq(run(gref_op(BS_UP_DROP, BS_GREF_ALL)), BS_OK);
    ck_assert_uint_eq(last.deleted, 4);
    ck_assert_uint_eq(ut_total(store), 0);
    ck_assert_uint_eq(ut_ngraphs(store), 0);
    fill();
    ck_assert_int_eq(run(gref_op(BS_UP_CLEAR, BS_GREF_ALL)), BS_OK);
    ck_assert_uint_eq(ut_total(store), 0);
    ck_assert_uint_eq(ut_ngraphs(store), 2);
    /* DROP DEFAULT empties the default graph */
    fill();
    ck_assert_int_eq(run(gref_op(BS_UP_DROP, BS_GREF_DEFAULT)), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 0);
    ck_assert_uint_eq(ut_total(store), 3);
}
END_TEST

START_TEST(test_create)
{
    ck_assert_int_eq(run(graph_op(BS_UP_CREATE, false, NULL, "new")), BS_OK);
    ck_assert(ut_graph_exists(store, EX "new"));
    ck_assert_uint_eq(ut_count(store, EX "new"), 0);
    ck_assert_int_eq(run(graph_op(BS_UP_CREATE, false, NULL, "new")), BS_ERR_ARG);
    ck_assert_str_eq(errbuf, "operation 1 (CREATE): graph <" EX "new> already exists");
    ck_assert_int_eq(run(graph_op(BS_UP_CREATE, true, NULL, "new")), BS_OK);
    /* a graph that only has quads exists too */
    ut_add(store, EX "a", EX "p", EX "b", EX "g1");
    ck_assert_int_eq(run(graph_op(BS_UP_CREATE, false, NULL, "g1")), BS_ERR_ARG);
}
END_TEST

/* ---- COPY / MOVE / ADD ----------------------------------------------------- */

START_TEST(test_copy)
{
    fill();
    ck_assert_int_eq(run(graph_op(BS_UP_COPY, false, "g1", "g2")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 2);
    ck_assert(!ut_has(store, EX "x", EX "p", EX "y", EX "g2")); /* target replaced */
    ck_assert(ut_has(store, EX "a", EX "p", EX "c", EX "g2"));
    ck_assert_uint_eq(ut_count(store, EX "g1"), 2);            /* source kept */
    ck_assert_uint_eq(last.inserted, 2);
    ck_assert_uint_eq(last.deleted, 1);
    /* to a new graph, to and from DEFAULT */
    ck_assert_int_eq(run(graph_op(BS_UP_COPY, false, "g1", "g3")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g3"), 2);
    ck_assert_int_eq(run(graph_op(BS_UP_COPY, false, NULL, "g3")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g3"), 1);
    ck_assert(ut_has(store, EX "s1", EX "p", EX "o1", EX "g3"));
    ck_assert_int_eq(run(graph_op(BS_UP_COPY, false, "g1", NULL)), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 2);
    ck_assert(!ut_has(store, EX "s1", EX "p", EX "o1", ""));
    /* an empty (created) source makes an empty target */
    ck_assert_int_eq(run(graph_op(BS_UP_CREATE, false, NULL, "empty")), BS_OK);
    ck_assert_int_eq(run(graph_op(BS_UP_COPY, false, "empty", "g4")), BS_OK);
    ck_assert(ut_graph_exists(store, EX "g4"));
    ck_assert_int_eq(run(graph_op(BS_UP_COPY, false, "empty", "g3")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g3"), 0);
}
END_TEST

START_TEST(test_move)
{
    fill();
    ck_assert_int_eq(run(graph_op(BS_UP_MOVE, false, "g1", "g2")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 2);
    ck_assert(!ut_graph_exists(store, EX "g1"));
    ck_assert_uint_eq(last.inserted, 2);
    ck_assert_uint_eq(last.deleted, 3);
    ck_assert_int_eq(run(graph_op(BS_UP_MOVE, false, NULL, "g2")), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 0);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 1);
    ck_assert_int_eq(run(graph_op(BS_UP_MOVE, false, "g2", NULL)), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 1);
    ck_assert(!ut_graph_exists(store, EX "g2"));
    ck_assert_uint_eq(ut_ngraphs(store), 0);
}
END_TEST

START_TEST(test_add)
{
    fill();
    ut_add(store, EX "a", EX "p", EX "b", EX "g2"); /* already there: not counted */
    ck_assert_int_eq(run(graph_op(BS_UP_ADD, false, "g1", "g2")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 3);
    ck_assert_uint_eq(ut_count(store, EX "g1"), 2);
    ck_assert_uint_eq(last.inserted, 1);
    ck_assert_uint_eq(last.deleted, 0);
    ck_assert_int_eq(run(graph_op(BS_UP_ADD, false, "g1", NULL)), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 3);
    ck_assert_int_eq(run(graph_op(BS_UP_ADD, false, NULL, "g9")), BS_OK);
    ck_assert_uint_eq(ut_count(store, EX "g9"), 3);
}
END_TEST

/* Source == target: nothing happens; a missing source fails unless SILENT. */
START_TEST(test_transfer_edges)
{
    static const bs_sp_up_kind kinds[] = {BS_UP_COPY, BS_UP_MOVE, BS_UP_ADD};
    fill();
    ut_snapshot before, after;
    ut_snap(store, &before);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(run(graph_op(kinds[i], false, "g1", "g1")), BS_OK);
        ck_assert_int_eq(run(graph_op(kinds[i], false, NULL, NULL)), BS_OK);
        ck_assert_uint_eq(last.inserted + last.deleted, 0);
        ck_assert_int_eq(run(graph_op(kinds[i], false, "nope", "g2")), BS_ERR_ARG);
        ck_assert_ptr_nonnull(strstr(errbuf, "graph <" EX "nope> does not exist"));
        ck_assert_int_eq(run(graph_op(kinds[i], true, "nope", "g2")), BS_OK);
        ck_assert_int_eq(run(graph_op(kinds[i], true, "nope", NULL)), BS_OK);
    }
    ut_snap(store, &after);
    ck_assert(ut_snap_equal(&before, &after));
    ut_snap_free(&before);
    ut_snap_free(&after);
}
END_TEST

/* ---- one transaction ---------------------------------------------------------- */

/* A request whose third operation fails leaves the store exactly as it
 * was; the error names the operation. */
START_TEST(test_atomic)
{
    fill();
    ut_snapshot before, after;
    ut_snap(store, &before);
    bs_sparql *q = req_new();
    bs_sp_update_op *op = op_add(q, BS_UP_INSERT_DATA);
    int s = iri(q, "new"), p = iri(q, "p"), g = iri(q, "g7");
    quad_add(&op->ins, &op->nins, C(s), C(p), C(s), C(g));
    op_add(q, BS_UP_CLEAR)->to = GDEFAULT;
    op_add(q, BS_UP_DROP)->to = GIRI(iri(q, "missing"));
    op_add(q, BS_UP_CLEAR)->to = (bs_sp_gref){BS_GREF_ALL, -1};
    ck_assert_int_eq(run(q), BS_ERR_ARG);
    ck_assert_str_eq(errbuf, "operation 3 (DROP): graph <" EX "missing> does not exist");
    ut_snap(store, &after);
    ck_assert(ut_snap_equal(&before, &after));
    ck_assert(!ut_graph_exists(store, EX "g7"));
    ut_snap_free(&before);
    ut_snap_free(&after);
}
END_TEST

/* Each operation sees what the earlier ones did; SILENT failures in the
 * middle do not stop the request. */
START_TEST(test_sequence)
{
    fill();
    bs_sparql *q = req_new();
    op_add(q, BS_UP_CREATE)->to = GIRI(iri(q, "g5"));
    bs_sp_update_op *op = op_add(q, BS_UP_ADD);
    op->from = GDEFAULT;
    op->to = GIRI(iri(q, "g5"));
    op = op_add(q, BS_UP_DROP);
    op->silent = true;
    op->to = GIRI(iri(q, "missing"));
    op = op_add(q, BS_UP_MOVE);
    op->from = GIRI(iri(q, "g5"));
    op->to = GIRI(iri(q, "g6"));
    ck_assert_int_eq(run(q), BS_OK);
    ck_assert_uint_eq(last.operations, 4);
    ck_assert(!ut_graph_exists(store, EX "g5"));
    ck_assert(ut_has(store, EX "s1", EX "p", EX "o1", EX "g6"));
}
END_TEST

/* The map fills in the middle of a request: it runs again from scratch
 * and does everything once. */
START_TEST(test_map_grows)
{
    ut_store_free(store);
    setenv("BATTSTORE_MAP_SIZE", "262144", 1); /* 256 KiB */
    store = ut_store_new();
    unsetenv("BATTSTORE_MAP_SIZE");
    bs_sparql *q = req_new();
    q->nvars = 1;
    q->vars = calloc(1, sizeof *q->vars);
    q->vars[0].name = strdup("b");
    bs_sp_update_op *op = op_add(q, BS_UP_INSERT_DATA);
    int p = iri(q, "p");
    quad_add(&op->ins, &op->nins, V(0), C(p), C(p), NONE);
    for (int i = 0; i < 6000; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "subject/with/a/long/enough/name/%d", i);
        int s = iri(q, buf);
        quad_add(&op->ins, &op->nins, C(s), C(p), C(s), NONE);
    }
    op = op_add(q, BS_UP_COPY);
    op->from = GDEFAULT;
    op->to = GIRI(iri(q, "copy"));
    ck_assert_int_eq(run(q), BS_OK);
    ck_assert_uint_eq(last.inserted, 2 * 6001);
    ck_assert_uint_eq(ut_count(store, ""), 6001);
    ck_assert_uint_eq(ut_count(store, EX "copy"), 6001);
    ck_assert_uint_eq(ut_distinct_subjects(store), 6001);
}
END_TEST

/* ---- LOAD ----------------------------------------------------------------------- */

static char tmpdir[128];

static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static bs_sparql *load_op(const char *src, const char *into, bool silent)
{
    bs_sparql *q = req_new();
    bs_sp_update_op *op = op_add(q, BS_UP_LOAD);
    op->source = cst(q, BS_TERM_IRI, src, NULL);
    op->silent = silent;
    if (into) op->to = GIRI(iri(q, into));
    return q;
}

START_TEST(test_load)
{
    strcpy(tmpdir, "/tmp/bs_check_update_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    char iri_buf[300];
    const char *path = write_file("d.ttl", "@prefix e: <" EX "> .\ne:s e:p e:o1, e:o2 .\n");
    snprintf(iri_buf, sizeof iri_buf, "file://%s", path);
    ck_assert_int_eq(run_opts(load_op(iri_buf, "lg", false), NULL, tmpdir), BS_OK);
    ck_assert_uint_eq(last.inserted, 2);
    ck_assert_uint_eq(ut_count(store, EX "lg"), 2);
    /* a plain path, into the default graph */
    ck_assert_int_eq(run_opts(load_op(path, NULL, false), NULL, "/"), BS_OK);
    ck_assert_uint_eq(ut_count(store, ""), 2);

    ut_snapshot before, after;
    ut_snap(store, &before);
    /* not allowed: no load_dir, outside it, remote, missing */
    ck_assert_int_eq(run_opts(load_op(iri_buf, NULL, false), NULL, NULL), BS_ERR_ARG);
    ck_assert_int_eq(run_opts(load_op(iri_buf, NULL, false), NULL, "/nonexistent"), BS_ERR_ARG);
    ck_assert_int_eq(run_opts(load_op("http://example.org/x.ttl", NULL, false), NULL, "/"),
                     BS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(errbuf, "operation 1 (LOAD): "));
    ck_assert_int_eq(run_opts(load_op("file:///nonexistent/x.ttl", NULL, false), NULL, "/"),
                     BS_ERR_ARG);
    ck_assert_int_eq(run_opts(load_op("somescheme://x/", "g", true), NULL, "/"), BS_OK);
    /* a syntax error: its line and column; SILENT goes on */
    const char *bad = write_file("bad.ttl", "@prefix e: <" EX "> .\ne:s e:p e:o .\ne:s e:p ;\n");
    ck_assert_int_eq(run_opts(load_op(bad, "lg", false), NULL, "/"), BS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(errbuf, "bad.ttl:3:"));
    ck_assert_int_eq(run_opts(load_op(bad, "lg", true), NULL, "/"), BS_OK);
    ut_snap(store, &after);
    ck_assert(ut_snap_equal(&before, &after));
    ut_snap_free(&before);
    ut_snap_free(&after);
    bs_fx_rmtree(tmpdir);   /* write_file's path is one buffer: both files go with the dir */
}
END_TEST

/* ---- access control ------------------------------------------------------------------ */

static bs_id hidden_graph;

static bool hide_one(void *ctx, bs_id g, bs_access level)
{
    (void)ctx;
    (void)level;
    return g != hidden_graph;
}

START_TEST(test_visible)
{
    fill();
    hidden_graph = ut_id(store, EX "g2");
    bs_sparql_opts o = {.visible = hide_one};
    ck_assert_int_eq(run_opts(graph_op(BS_UP_DROP, false, NULL, "g2"), &o, NULL), BS_ERR_ARG);
    ck_assert_int_eq(run_opts(graph_op(BS_UP_COPY, false, "g2", "g3"), &o, NULL), BS_ERR_ARG);
    ck_assert_int_eq(run_opts(graph_op(BS_UP_COPY, false, "g1", "g2"), &o, NULL), BS_ERR_ARG);
    ck_assert_int_eq(run_opts(gref_op(BS_UP_DROP, BS_GREF_ALL), &o, NULL), BS_OK);
    ck_assert_uint_eq(ut_total(store), 1);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 1);
    bs_sparql *q = req_new();
    bs_sp_update_op *op = op_add(q, BS_UP_INSERT_DATA);
    int s = iri(q, "s"), g = iri(q, "g2");
    quad_add(&op->ins, &op->nins, C(s), C(s), C(s), C(g));
    ck_assert_int_eq(run_opts(q, &o, NULL), BS_ERR_ARG);
    ck_assert_uint_eq(ut_count(store, EX "g2"), 1);
}
END_TEST

START_TEST(test_not_update)
{
    bs_sparql q = {.form = BS_SPARQL_SELECT};
    char *err = NULL;
    ck_assert_int_eq(bs_sparql_update(store, &q, NULL, NULL, NULL, &err), BS_ERR_ARG);
    ck_assert_ptr_nonnull(err);
    free(err);
    bs_sparql *e = req_new(); /* no operations: nothing to do */
    ck_assert_int_eq(run(e), BS_OK);
    ck_assert_uint_eq(last.operations, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sparql_update");
    TCase *tc = tcase_create("update");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_insert_delete_data);
    tcase_add_test(tc, test_insert_data_bnodes);
    tcase_add_test(tc, test_clear_drop);
    tcase_add_test(tc, test_clear_default_named_all);
    tcase_add_test(tc, test_create);
    tcase_add_test(tc, test_copy);
    tcase_add_test(tc, test_move);
    tcase_add_test(tc, test_add);
    tcase_add_test(tc, test_transfer_edges);
    tcase_add_test(tc, test_atomic);
    tcase_add_test(tc, test_sequence);
    tcase_add_test(tc, test_map_grows);
    tcase_add_test(tc, test_load);
    tcase_add_test(tc, test_visible);
    tcase_add_test(tc, test_not_update);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
