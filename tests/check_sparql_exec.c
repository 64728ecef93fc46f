/* SPDX-License-Identifier: MIT
 * battstore — unit tests of the SPARQL executor: algebra built in C
 * (no parser needed) run through the public cursor over a temp store. */
#include "config.h"
#include "sparql/exec_int.h"
#include "fixture.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define EX "http://ex/"

/* ---- a temp store ------------------------------------------------------- */

static char dir[BS_FX_DIR];
static bs_store *store;
static bs_txn *wtxn;

static void setup(void)
{
    bs_fx_store_dir(dir, "check_exec");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, true, &wtxn), BS_OK);
}

static void teardown(void)
{
    if (wtxn) bs_txn_abort(wtxn);
    wtxn = NULL;
    bs_store_close(store);
    store = NULL;
    bs_fx_store_dir_remove(dir);
}

static bs_id id_of(const char *name)
{
    char buf[256];
    snprintf(buf, sizeof buf, EX "%s", name);
    bs_term t = bs_term_iri(buf, strlen(buf));
    bs_id id;
    ck_assert_int_eq(bs_dict_intern(wtxn, &t, &id), BS_OK);
    return id;
}

/// Add the triple (s p o) to graph g ("" = default graph); names under EX.
static void add(const char *s, const char *p, const char *o, const char *g)
{
    bs_quad q = {id_of(s), id_of(p), id_of(o), g[0] ? id_of(g) : 0};
    ck_assert_int_eq(bs_quad_add(wtxn, &q, NULL), BS_OK);
}

static void commit(void)
{
    ck_assert_int_eq(bs_txn_commit(wtxn), BS_OK);
    wtxn = NULL;
}

/* ---- an algebra builder (everything freed by q_free) -------------------- */

static void *allocs[4096];
static size_t nallocs;

static void *mem(size_t n)
{
    void *p = calloc(1, n ? n : 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_lt(nallocs, 4096);
    allocs[nallocs++] = p;
    return p;
}

static void q_free(void)
{
    while (nallocs) free(allocs[--nallocs]);
}

static bs_sparql *q_new(void)
{
    bs_sparql *q = mem(sizeof *q);
    q->form = BS_SPARQL_SELECT;
    q->vars = mem(64 * sizeof *q->vars);
    q->consts = mem(64 * sizeof *q->consts);
    q->proj = mem(64 * sizeof(int));
    return q;
}

/// Slot of variable name (made on first use); projected unless hidden.
static int var(bs_sparql *q, const char *name)
{
    for (size_t i = 0; i < q->nvars; i++)
        if (!strcmp(q->vars[i].name, name)) return (int)i;
    char *n = mem(strlen(name) + 1);
    strcpy(n, name);
    q->vars[q->nvars].name = n;
    q->vars[q->nvars].hidden = name[0] == '_';
    if (name[0] != '_') q->proj[q->nproj++] = (int)q->nvars;
    return (int)q->nvars++;
}

/// Declare variables in this order (so results print in it).
static void decl(bs_sparql *q, const char *names)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", names);
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        var(q, t);
}

static int cst(bs_sparql *q, const char *name)
{
    char *lex = mem(strlen(EX) + strlen(name) + 1);
    sprintf(lex, EX "%s", name);
    for (size_t i = 0; i < q->nconsts; i++)
        if (!strcmp(q->consts[i].lex, lex)) return (int)i;
    q->consts[q->nconsts].kind = BS_TERM_IRI;
    q->consts[q->nconsts].lex = lex;
    q->consts[q->nconsts].lex_len = strlen(lex);
    return (int)q->nconsts++;
}

/// A position: "?x" a variable, else a constant name under EX.
static bs_sp_tpos pos(bs_sparql *q, const char *s)
{
    bs_sp_tpos p = {-1, -1};
    if (s[0] == '?') p.var = var(q, s + 1);
    else p.cid = cst(q, s);
    return p;
}

static bs_sp_node *node(bs_sp_op op, bs_sp_node *a, bs_sp_node *b)
{
    bs_sp_node *n = mem(sizeof *n);
    n->op = op;
    n->a = a;
    n->b = b;
    n->offset = n->limit = -1;
    return n;
}

/// A BGP of "s p o" strings, NULL-terminated.
static bs_sp_node *bgp(bs_sparql *q, ...)
{
    bs_sp_node *n = node(BS_OP_BGP, NULL, NULL);
    n->triples = mem(16 * sizeof *n->triples);
    va_list ap;
    va_start(ap, q);
    for (const char *t; (t = va_arg(ap, const char *));) {
        char s[64], p[64], o[64];
        ck_assert_int_eq(sscanf(t, "%63s %63s %63s", s, p, o), 3);
        n->triples[n->ntriples++] = (bs_sp_triple){pos(q, s), pos(q, p), pos(q, o)};
    }
    va_end(ap);
    return n;
}

static bs_sp_node *graph(bs_sparql *q, const char *g, bs_sp_node *a)
{
    bs_sp_node *n = node(BS_OP_GRAPH, a, NULL);
    n->graph = pos(q, g);
    return n;
}

/// VALUES ?v { names... } (NULL-terminated; "" = UNDEF).
static bs_sp_node *values1(bs_sparql *q, const char *v, ...)
{
    bs_sp_node *n = node(BS_OP_VALUES, NULL, NULL);
    n->vars = mem(sizeof(int));
    n->vars[0] = var(q, v);
    n->nvars = 1;
    n->cells = mem(16 * sizeof(int));
    va_list ap;
    va_start(ap, v);
    for (const char *c; (c = va_arg(ap, const char *));)
        n->cells[n->nrows++] = c[0] ? cst(q, c) : -1;
    va_end(ap);
    return n;
}

static bs_sp_node *project(bs_sparql *q, bs_sp_node *a, const char *v1,
                           const char *v2)
{
    bs_sp_node *n = node(BS_OP_PROJECT, a, NULL);
    n->vars = mem(2 * sizeof(int));
    q->nproj = 0;
    n->vars[n->nvars++] = q->proj[q->nproj++] = var(q, v1);
    if (v2) n->vars[n->nvars++] = q->proj[q->nproj++] = var(q, v2);
    return n;
}

/* ---- running ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/** Run q; the rows as "x=a y=b" lines (names without EX, unbound left
 *  out), sorted unless `ordered`, joined by '\n'.  Caller frees. */
static char *run_opts(bs_sparql *q, const bs_sparql_opts *opts, bool ordered,
                      bs_status *st_out)
{
    bs_sparql_cursor *c = NULL;
    char *err = NULL;
    bs_status st = bs_sparql_open(store, q, opts, &c, &err);
    char **lines = NULL;
    size_t n = 0;
    const bs_term *const *row;
    while (st == BS_OK && (st = bs_sparql_next(c, &row)) == BS_OK) {
        char line[1024] = "";
        for (size_t i = 0; i < bs_sparql_cursor_nvars(c); i++) {
            if (!row[i]) continue;
            size_t skip = row[i]->kind == BS_TERM_IRI ? strlen(EX) : 0;
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s%s=%.*s",
                     line[0] ? " " : "", bs_sparql_cursor_var(c, i),
                     (int)(row[i]->lex_len - skip), row[i]->lex + skip);
        }
        if ((n & (n - 1)) == 0) /* grow at powers of two */
            lines = realloc(lines, (2 * n + 1) * sizeof *lines);
        lines[n++] = strdup(line);
    }
    if (st_out) *st_out = st == BS_END ? BS_OK : st;
    else ck_assert_msg(st == BS_END, "query failed: %s (%s)", bs_strerror(st),
                       err ? err : c ? bs_sparql_cursor_error(c) : "");
    free(err);
    bs_sparql_close(c);
    if (!ordered && n) qsort(lines, n, sizeof *lines, cmp_str);
    size_t len = 1;
    for (size_t i = 0; i < n; i++) len += strlen(lines[i]) + 1;
    char *out = calloc(1, len), *end = out;
    for (size_t i = 0; i < n; i++) {
        if (i) *end++ = '\n';
        end = stpcpy(end, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return out;
}

static void expect(bs_sparql *q, const bs_sparql_opts *opts, const char *want)
{
    char *got = run_opts(q, opts, false, NULL);
    ck_assert_str_eq(got, want);
    free(got);
}


/** Parse "PREFIX : <EX> " + text and run it like run_opts(). */
static char *run_text(const char *text, const bs_sparql_opts *opts,
                      bool ordered, bs_status *st)
{
    char buf[2048];
    snprintf(buf, sizeof buf, "PREFIX : <" EX ">\n%s", text);
    bs_sparql *q = NULL;
    bs_sparql_error perr;
    bs_status pst = bs_sparql_parse(buf, strlen(buf), NULL, false, &q, &perr);
    ck_assert_msg(pst == BS_OK, "parse: %s at %ld:%ld", perr.msg, perr.line, perr.col);
    char *out = run_opts(q, opts, ordered, st);
    bs_sparql_free(q);
    return out;
}

static void expect_text(const char *text, bool ordered, const char *want)
{
    char *got = run_text(text, NULL, ordered, NULL);
    ck_assert_msg(!strcmp(got, want), "%s\ngot:\n%s\nwant:\n%s", text, got, want);
    free(got);
}

/* ---- the data ------------------------------------------------------------ */

static void small_data(void)
{
    add("a", "knows", "b", "");
    add("b", "knows", "c", "");
    add("c", "knows", "a", "");
    add("a", "name", "na", "");
    add("b", "name", "nb", "");
    add("a", "age", "x30", "");
    add("a", "knows", "c", "g1");
    add("c", "name", "nc", "g1");
    add("a", "name", "na", "g1");
    add("d", "name", "nd", "g2");
    commit();
}

/* ---- tests ---------------------------------------------------------------- */

START_TEST(test_free_null)
{
    bs_sparql_close(NULL);
    bs_sp_exec_free(NULL);
    ck_assert_ptr_null(bs_sparql_cursor_error(NULL));
}
END_TEST

START_TEST(test_bgp_simple)
{
    small_data();
    bs_sparql *q = q_new();
    q->root = bgp(q, "?x knows ?y", "?y name ?n", NULL);
    expect(q, NULL, "x=a y=b n=nb\nx=c y=a n=na");
    q_free();
}
END_TEST

START_TEST(test_bgp_same_var_twice)
{
    add("a", "p", "a", "");
    add("a", "p", "b", "");
    add("b", "p", "b", "");
    commit();
    bs_sparql *q = q_new();
    q->root = bgp(q, "?x p ?x", NULL);
    expect(q, NULL, "x=a\nx=b");
    q_free();
}
END_TEST

START_TEST(test_bgp_unknown_const)
{
    small_data();
    bs_sparql *q = q_new();
    q->root = bgp(q, "?x nosuch ?y", NULL);
    expect(q, NULL, "");
    q_free();
}
END_TEST

/* BGP joins against a brute-force nested loop over random data. */
START_TEST(test_bgp_brute_force)
{
    enum { N = 300, NS = 12 };
    int tr[N][3];
    srand(42);
    char s[16], p[16], o[16];
    for (int i = 0; i < N; i++) {
        tr[i][0] = rand() % NS;
        tr[i][1] = rand() % 3;
        tr[i][2] = rand() % NS;
        sprintf(s, "n%d", tr[i][0]);
        sprintf(p, "p%d", tr[i][1]);
        sprintf(o, "n%d", tr[i][2]);
        add(s, p, o, "");
    }
    commit();
    /* distinct triples */
    int m = 0;
    for (int i = 0; i < N; i++) {
        bool dup = false;
        for (int j = 0; j < m && !dup; j++)
            dup = !memcmp(tr[i], tr[j], sizeof tr[i]);
        if (!dup) memcpy(tr[m++], tr[i], sizeof tr[i]);
    }
    /* ?a p0 ?b . ?b p1 ?c . ?c ?q ?a */
    long want = 0;
    for (int i = 0; i < m; i++) {
        if (tr[i][1] != 0) continue;
        for (int j = 0; j < m; j++) {
            if (tr[j][1] != 1 || tr[j][0] != tr[i][2]) continue;
            for (int k = 0; k < m; k++)
                if (tr[k][0] == tr[j][2] && tr[k][2] == tr[i][0]) want++;
        }
    }
    bs_sparql *q = q_new();
    q->root = bgp(q, "?a p0 ?b", "?b p1 ?c", "?c ?q ?a", NULL);
    char *got = run_opts(q, NULL, false, NULL);
    long lines = got[0] ? 1 : 0;
    for (char *c = got; *c; c++) lines += *c == '\n';
    ck_assert_int_eq(lines, want);
    ck_assert_int_gt(want, 0);
    free(got);
    q_free();
}
END_TEST

START_TEST(test_dataset_default_and_union)
{
    small_data();
    bs_sparql *q = q_new();
    q->root = bgp(q, "?x name ?n", NULL);
    expect(q, NULL, "x=a n=na\nx=b n=nb");
    bs_sparql_opts o = {0};
    o.union_default = true; /* a name na is in two graphs: once */
    expect(q, &o, "x=a n=na\nx=b n=nb\nx=c n=nc\nx=d n=nd");
    const char *dg[] = {EX "g1", EX "g2", EX "nosuchgraph"};
    bs_sparql_opts o2 = {0};
    o2.default_graphs = dg;
    o2.n_default = 3;
    expect(q, &o2, "x=a n=na\nx=c n=nc\nx=d n=nd");
    q_free();
}
END_TEST

START_TEST(test_from)
{
    small_data();
    bs_sparql *q = q_new();
    q->root = bgp(q, "?x name ?n", NULL);
    q->from = mem(2 * sizeof(int));
    q->from[0] = cst(q, "g1");
    q->from[1] = cst(q, "g2");
    q->nfrom = 2;
    expect(q, NULL, "x=a n=na\nx=c n=nc\nx=d n=nd");
    /* FROM NAMED alone: the default graph is empty */
    q->nfrom = 0;
    q->from_named = q->from;
    q->nfrom_named = 1;
    expect(q, NULL, "");
    q_free();
}
END_TEST

static bool hide_g2(void *ctx, bs_id g, bs_access level)
{
    (void)level;
    return g != *(bs_id *)ctx;
}

START_TEST(test_graph_var_and_access)
{
    small_data();
    bs_sparql *q = q_new();
    decl(q, "x n g");
    q->root = graph(q, "?g", bgp(q, "?x name ?n", NULL));
    expect(q, NULL, "x=a n=na g=g1\nx=c n=nc g=g1\nx=d n=nd g=g2");
    bs_id g2 = 0;
    {
        bs_txn *t;
        ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
        bs_term term = bs_term_iri(EX "g2", strlen(EX "g2"));
        ck_assert_int_eq(bs_dict_lookup(t, &term, &g2), BS_OK);
        bs_txn_abort(t);
    }
    bs_sparql_opts o = {0};
    o.visible = hide_g2;
    o.visible_ctx = &g2;
    expect(q, &o, "x=a n=na g=g1\nx=c n=nc g=g1");
    o.union_default = true;
    bs_sparql *q2 = q_new();
    q2->root = bgp(q2, "?x name ?n", NULL);
    expect(q2, &o, "x=a n=na\nx=b n=nb\nx=c n=nc");
    /* GRAPH <iri> */
    bs_sparql *q3 = q_new();
    q3->root = graph(q3, "g2", bgp(q3, "?x name ?n", NULL));
    expect(q3, NULL, "x=d n=nd");
    expect(q3, &o, "");
    q_free();
}
END_TEST

START_TEST(test_optional_union_minus)
{
    small_data();
    bs_sparql *q = q_new();
    decl(q, "x y a");
    /* { ?x knows ?y } OPTIONAL { ?y age ?a } */
    q->root = node(BS_OP_LEFTJOIN, bgp(q, "?x knows ?y", NULL), bgp(q, "?y age ?a", NULL));
    expect(q, NULL, "x=a y=b\nx=b y=c\nx=c y=a a=x30");
    bs_sparql *q2 = q_new();
    decl(q2, "x n");
    q2->root = node(BS_OP_UNION, bgp(q2, "?x name ?n", NULL), bgp(q2, "?x age ?n", NULL));
    expect(q2, NULL, "x=a n=na\nx=a n=x30\nx=b n=nb");
    bs_sparql *q3 = q_new();
    decl(q3, "x y n");
    /* { ?x knows ?y } MINUS { ?x name ?n } */
    q3->root = node(BS_OP_MINUS, bgp(q3, "?x knows ?y", NULL), bgp(q3, "?x name ?n", NULL));
    expect(q3, NULL, "x=c y=a");
    bs_sparql *q4 = q_new();
    decl(q4, "x y z n");
    /* MINUS with no shared variable removes nothing */
    q4->root = node(BS_OP_MINUS, bgp(q4, "?x age ?y", NULL), bgp(q4, "?z name ?n", NULL));
    expect(q4, NULL, "x=a y=x30");
    q_free();
}
END_TEST

/* An OPTIONAL whose right side cannot take seeds (a UNION inside an
 * OPTIONAL) goes through the hash join. */
START_TEST(test_hash_join)
{
    small_data();
    bs_sparql *q = q_new();
    decl(q, "x y z n a");
    bs_sp_node *right = node(BS_OP_LEFTJOIN, bgp(q, "?y name ?n", NULL),
                             bgp(q, "?y age ?a", NULL));
    q->root = node(BS_OP_JOIN, node(BS_OP_LEFTJOIN, bgp(q, "?x knows ?y", NULL),
                                    bgp(q, "?x age ?z", NULL)),
                   right);
    expect(q, NULL, "x=a y=b z=x30 n=nb\nx=c y=a n=na a=x30");
    q_free();
}
END_TEST

START_TEST(test_values_project_slice_distinct)
{
    small_data();
    bs_sparql *q = q_new();
    decl(q, "x y");
    q->root = node(BS_OP_JOIN, values1(q, "x", "a", "c", "zz", NULL),
                   bgp(q, "?x knows ?y", NULL));
    expect(q, NULL, "x=a y=b\nx=c y=a");
    bs_sparql *q2 = q_new();
    bs_sp_node *p = project(q2, bgp(q2, "?x knows ?y", NULL), "x", NULL);
    q2->root = node(BS_OP_DISTINCT, p, NULL);
    expect(q2, NULL, "x=a\nx=b\nx=c");
    q2->root = node(BS_OP_SLICE, p, NULL);
    q2->root->offset = 1;
    q2->root->limit = 1;
    char *got = run_opts(q2, NULL, false, NULL);
    ck_assert(!strcmp(got, "x=a") || !strcmp(got, "x=b") || !strcmp(got, "x=c"));
    free(got);
    q_free();
}
END_TEST

START_TEST(test_timeout_stops_cross_product)
{
    char s[16];
    for (int i = 0; i < 300; i++) {
        sprintf(s, "s%d", i);
        add(s, "p", "o", "");
    }
    commit();
    bs_sparql *q = q_new();
    /* 300^4 rows: never ends without the deadline */
    q->root = bgp(q, "?a p o", "?b p o", "?c p o", "?d p o", NULL);
    bs_sparql_opts o = {0};
    o.timeout = 0.2;
    bs_status st;
    char *got = run_opts(q, &o, true, &st);
    ck_assert_int_eq(st, BS_ERR_TIMEOUT);
    free(got);
    q_free();
}
END_TEST

START_TEST(test_mem_limit_stops_distinct)
{
    char s[16];
    for (int i = 0; i < 250; i++) {
        sprintf(s, "s%d", i);
        add(s, "p", "o", "");
    }
    commit();
    bs_sparql *q = q_new();
    q->root = node(BS_OP_DISTINCT, bgp(q, "?a p o", "?b p o", NULL), NULL);
    bs_sparql_opts o = {0};
    o.mem_limit = 256 << 10; /* 62,500 rows of 2 ids (1 MB) do not fit */
    bs_status st;
    char *got = run_opts(q, &o, true, &st);
    ck_assert_int_eq(st, BS_ERR_LIMIT);
    free(got);
    o.mem_limit = 64 << 20;
    got = run_opts(q, &o, true, &st);
    ck_assert_int_eq(st, BS_OK);
    free(got);
    q_free();
}
END_TEST

START_TEST(test_local_terms)
{
    small_data();
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    bs_sparql *q = q_new();
    cst(q, "a");
    cst(q, "not-in-store");
    bs_sp_exec *ex;
    ck_assert_int_eq(bs_sp_exec_new(t, q, NULL, &ex), BS_OK);
    bs_id a = bs_sp_const_id(ex, 0), l = bs_sp_const_id(ex, 1);
    ck_assert(!bs_sp_is_local(a));
    ck_assert(bs_sp_is_local(l));
    ck_assert_int_eq(bs_id_kind(l), BS_TERM_IRI);
    bs_term lit = bs_term_literal("hello", 5, "en", 2, NULL, 0), back;
    bs_id x, y, b1, b2;
    ck_assert_int_eq(bs_sp_intern(ex, &lit, &x), BS_OK);
    ck_assert_int_eq(bs_sp_intern(ex, &lit, &y), BS_OK);
    ck_assert_uint_eq(x, y);
    ck_assert_int_eq(bs_id_kind(x), BS_TERM_LANG);
    ck_assert_int_eq(bs_sp_term(ex, x, &back), BS_OK);
    ck_assert(bs_term_equal(&back, &lit));
    bs_term ia = bs_term_iri(EX "a", strlen(EX "a"));
    ck_assert_int_eq(bs_sp_intern(ex, &ia, &y), BS_OK);
    ck_assert_uint_eq(y, a);
    ck_assert_int_eq(bs_sp_fresh_bnode(ex, &b1), BS_OK);
    ck_assert_int_eq(bs_sp_fresh_bnode(ex, &b2), BS_OK);
    ck_assert_uint_ne(b1, b2);
    ck_assert_int_eq(bs_id_kind(b1), BS_TERM_BNODE);
    for (int i = 0; i < 5000; i++) { /* growth keeps earlier views valid */
        char buf[32];
        int n = sprintf(buf, "v%d", i);
        bs_term v = bs_term_literal(buf, (size_t)n, NULL, 0, NULL, 0);
        ck_assert_int_eq(bs_sp_intern(ex, &v, &y), BS_OK);
    }
    ck_assert(bs_term_equal(&back, &lit));
    ck_assert_int_eq(bs_sp_term(ex, x, &back), BS_OK);
    ck_assert(bs_term_equal(&back, &lit));
    bs_sp_exec_free(ex);
    bs_txn_abort(t);
    q_free();
}
END_TEST


START_TEST(test_text_filter_optional)
{
    small_data();
    /* the OPTIONAL's filter sees the merged row; rows without a match pass */
    expect_text("SELECT ?x ?y ?n { ?x :knows ?y OPTIONAL { ?y :name ?n FILTER(?x = :c) } }",
                false, "x=a y=b\nx=b y=c\nx=c y=a n=na");
    expect_text("SELECT ?x { ?x :knows ?y FILTER(?y != :b) }", false, "x=b\nx=c");
    expect_text("SELECT ?x { ?x :knows ?y FILTER NOT EXISTS { ?y :name ?n } }", false, "x=b");
    expect_text("SELECT ?x { ?x :knows ?y FILTER EXISTS { ?y :age ?n } }", false, "x=c");
    /* EXISTS inside GRAPH sees the named graph */
    expect_text("SELECT ?x { GRAPH :g1 { ?x :knows ?y FILTER EXISTS { ?y :name ?n } } }",
                false, "x=a");
}
END_TEST

START_TEST(test_text_group_order)
{
    small_data();
    expect_text("SELECT (COUNT(*) AS ?n) { ?x :nosuch ?y }", false, "n=0");
    expect_text("SELECT ?x (COUNT(*) AS ?n) { ?x :nosuch ?y } GROUP BY ?x", false, "");
    expect_text("SELECT ?x (COUNT(?y) AS ?n) { ?x ?p ?y } GROUP BY ?x ORDER BY ?x",
                true, "x=a n=3\nx=b n=2\nx=c n=1");
    expect_text("SELECT ?x ?y { ?x :knows ?y } ORDER BY DESC(?x)", true,
                "x=c y=a\nx=b y=c\nx=a y=b");
    expect_text("SELECT ?x { ?x :knows ?y } ORDER BY ?y LIMIT 2", true, "x=c\nx=a");
    expect_text("SELECT ?x { ?x :knows ?y } ORDER BY ?y OFFSET 2", true, "x=b");
    expect_text("SELECT DISTINCT ?p { ?x ?p ?y } ORDER BY ?p", true,
                "p=age\np=knows\np=name");
}
END_TEST

START_TEST(test_text_bind_values_subquery)
{
    small_data();
    expect_text("SELECT ?x ?z { ?x :knows ?y BIND(?y AS ?z) FILTER(?z = :a) }", false,
                "x=c z=a");
    /* a computed term the store does not hold gets a local id */
    expect_text("SELECT ?s { :a :name ?n BIND(CONCAT(\"x\", \"y\") AS ?s) }", false, "s=xy");
    expect_text("SELECT ?x ?y { VALUES ?x { :a :b } ?x :knows ?y }", false, "x=a y=b\nx=b y=c");
    expect_text("SELECT ?x ?n { ?x :knows ?y { SELECT ?y (COUNT(*) AS ?n) { ?y ?p ?o } GROUP BY ?y } }",
                false, "x=a n=2\nx=b n=1\nx=c n=3");
    expect_text("SELECT ?x { { ?x :knows :b } UNION { ?x :age ?a } }", false, "x=a\nx=a");
    expect_text("ASK { :a :knows :b }", false, "");
}
END_TEST

START_TEST(test_text_ask_construct)
{
    small_data();
    const char *texts[] = {"PREFIX : <" EX "> ASK { :a :knows :b }",
                           "PREFIX : <" EX "> ASK { :a :knows :a }"};
    for (int i = 0; i < 2; i++) {
        bs_sparql *q = NULL;
        ck_assert_int_eq(bs_sparql_parse(texts[i], strlen(texts[i]), NULL, false, &q, NULL), BS_OK);
        bs_sparql_cursor *c = NULL;
        ck_assert_int_eq(bs_sparql_open(store, q, NULL, &c, NULL), BS_OK);
        ck_assert_int_eq(bs_sparql_cursor_form(c), BS_SPARQL_ASK);
        bool yes = !i;
        ck_assert_int_eq(bs_sparql_ask(c, &yes), BS_OK);
        ck_assert(yes == !i);
        ck_assert_int_eq(bs_sparql_ask(c, &yes), BS_OK); /* asking again */
        ck_assert(yes == !i);
        bs_sparql_close(c);
        bs_sparql_free(q);
    }
    const char *ct = "PREFIX : <" EX "> CONSTRUCT { ?y :knownBy ?x } WHERE { ?x :knows ?y }";
    bs_sparql *q = NULL;
    ck_assert_int_eq(bs_sparql_parse(ct, strlen(ct), NULL, false, &q, NULL), BS_OK);
    bs_sparql_cursor *c = NULL;
    ck_assert_int_eq(bs_sparql_open(store, q, NULL, &c, NULL), BS_OK);
    bs_term t[3];
    int n = 0;
    while (bs_sparql_next_triple(c, t) == BS_OK) {
        ck_assert_int_eq(t[1].kind, BS_TERM_IRI);
        ck_assert(t[1].lex_len == strlen(EX "knownBy") && !memcmp(t[1].lex, EX "knownBy", t[1].lex_len));
        n++;
    }
    ck_assert_int_eq(n, 3);
    bs_sparql_close(c);
    bs_sparql_free(q);
}
END_TEST

START_TEST(test_text_service_and_errors)
{
    /* port 1 of the loopback: refused (no DNS, no network) */
    small_data();
    expect_text("SELECT ?x { ?x :age ?a SERVICE SILENT <http://127.0.0.1:1/> { ?x ?p ?o } }",
                false, "x=a");
    const char *t = "SELECT * { SERVICE <http://127.0.0.1:1/> { ?x ?p ?o } }";
    bs_sparql *q = NULL;
    ck_assert_int_eq(bs_sparql_parse(t, strlen(t), NULL, false, &q, NULL), BS_OK);
    bs_sparql_cursor *c = NULL;
    char *err = NULL;
    bs_status st = bs_sparql_open(store, q, NULL, &c, &err);
    const char *msg = err;
    if (st == BS_OK) {
        const bs_term *const *row;
        st = bs_sparql_next(c, &row);
        msg = bs_sparql_cursor_error(c);
    }
    ck_assert_ptr_nonnull(msg);
    ck_assert_msg(!strncmp(msg, "SERVICE <http://127.0.0.1:1/>: ", 31), "%s", msg);
    ck_assert_int_eq(st, BS_ERR_IO);
    free(err);
    bs_sparql_close(c);
    bs_sparql_free(q);
}
END_TEST

/* ORDER BY + LIMIT keeps only the top rows while reading: same answer
 * as the full sort. */
START_TEST(test_order_limit_topk)
{
    char name[16];
    for (int i = 0; i < 3000; i++) {
        sprintf(name, "s%04d", (i * 7919) % 3000);
        add(name, "p", "o", "");
    }
    commit();
    expect_text("SELECT ?x { ?x :p :o } ORDER BY DESC(?x) LIMIT 3", true,
                "x=s2999\nx=s2998\nx=s2997");
    expect_text("SELECT ?x { ?x :p :o } ORDER BY ?x LIMIT 2 OFFSET 1500", true,
                "x=s1500\nx=s1501");
    char *all = run_text("SELECT ?x { ?x :p :o } ORDER BY ?x", NULL, true, NULL);
    ck_assert(!strncmp(all, "x=s0000\nx=s0001\n", 16));
    ck_assert_uint_eq(strlen(all), 3000 * 8 - 1);
    free(all);
}
END_TEST

/* Language tags are case-insensitive; the store keeps them as written. */
START_TEST(test_lang_tag_case)
{
    bs_term l1 = bs_term_literal("x", 1, "en", 2, NULL, 0);
    bs_term l2 = bs_term_literal("y", 1, "en-GB", 5, NULL, 0);
    bs_id i1, i2, got;
    ck_assert_int_eq(bs_dict_intern(wtxn, &l1, &i1), BS_OK);
    ck_assert_int_eq(bs_dict_intern(wtxn, &l2, &i2), BS_OK);
    commit();
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(store, false, &t), BS_OK);
    bs_sparql *q = q_new();
    bs_sp_exec *ex;
    ck_assert_int_eq(bs_sp_exec_new(t, q, NULL, &ex), BS_OK);
    bs_term a = bs_term_literal("x", 1, "EN", 2, NULL, 0);
    ck_assert_int_eq(bs_sp_intern(ex, &a, &got), BS_OK);
    ck_assert_uint_eq(got, i1);
    bs_term b = bs_term_literal("y", 1, "EN-gb", 5, NULL, 0);
    ck_assert_int_eq(bs_sp_intern(ex, &b, &got), BS_OK);
    ck_assert_uint_eq(got, i2);
    bs_term c = bs_term_literal("y", 1, "fr", 2, NULL, 0);
    ck_assert_int_eq(bs_sp_intern(ex, &c, &got), BS_OK);
    ck_assert(bs_sp_is_local(got));
    bs_sp_exec_free(ex);
    bs_txn_abort(t);
    q_free();
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sparql_exec");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_free_null);
    tcase_add_test(tc, test_bgp_simple);
    tcase_add_test(tc, test_bgp_same_var_twice);
    tcase_add_test(tc, test_bgp_unknown_const);
    tcase_add_test(tc, test_bgp_brute_force);
    tcase_add_test(tc, test_dataset_default_and_union);
    tcase_add_test(tc, test_from);
    tcase_add_test(tc, test_graph_var_and_access);
    tcase_add_test(tc, test_optional_union_minus);
    tcase_add_test(tc, test_hash_join);
    tcase_add_test(tc, test_values_project_slice_distinct);
    tcase_add_test(tc, test_timeout_stops_cross_product);
    tcase_add_test(tc, test_mem_limit_stops_distinct);
    tcase_add_test(tc, test_local_terms);
    tcase_add_test(tc, test_text_filter_optional);
    tcase_add_test(tc, test_text_group_order);
    tcase_add_test(tc, test_text_bind_values_subquery);
    tcase_add_test(tc, test_text_ask_construct);
    tcase_add_test(tc, test_text_service_and_errors);
    tcase_add_test(tc, test_order_limit_topk);
    tcase_add_test(tc, test_lang_tag_case);
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
