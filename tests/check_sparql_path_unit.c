/* SPDX-License-Identifier: MIT
 * Unit tests: property paths, CONSTRUCT instantiation and DESCRIBE over
 * a real store, with the executor replaced by tests/path_fake.c. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "path_fake.h"
#include "fixture.h"

static char dir[BS_FX_DIR];
static bs_store *store;
static bs_sp_exec ex;
static bs_sparql q;
static bs_sp_var vars[8];
static bs_sp_const consts[256];

/* ---- the data: "s p o . s p o" with names for IRIs (http://ex/NAME),
 * _:label for blank nodes, "text" for literals, and @g to put the
 * following triples in named graph g. ---- */

static bs_term term_of(const char *tok, char *buf)
{
    if (tok[0] == '_' && tok[1] == ':') return bs_term_bnode(tok + 2, strlen(tok + 2));
    if (tok[0] == '"') return bs_term_literal(tok + 1, strlen(tok + 1) - 1, NULL, 0, NULL, 0);
    snprintf(buf, 256, "http://ex/%s", tok);
    return bs_term_iri(buf, strlen(buf));
}

static bs_id wid(bs_txn *t, const char *tok)
{
    char buf[256];
    bs_term term = term_of(tok, buf);
    bs_id id;
    ck_assert_int_eq(bs_dict_intern(t, &term, &id), BS_OK);
    return id;
}

static void load(const char *data)
{
    bs_txn *t;
    char *copy = strdup(data), *save = NULL, *tok[3];
    bs_id g = BS_DEFAULT_GRAPH;
    int n = 0;
    ck_assert_int_eq(bs_txn_begin(store, true, &t), BS_OK);
    for (char *w = strtok_r(copy, " \n", &save); w; w = strtok_r(NULL, " \n", &save)) {
        if (w[0] == '@') { g = wid(t, w + 1); continue; }
        if (!strcmp(w, ".")) continue;
        tok[n++] = w;
        if (n < 3) continue;
        bs_quad qd = { wid(t, tok[0]), wid(t, tok[1]), wid(t, tok[2]), g };
        ck_assert_int_eq(bs_quad_add(t, &qd, NULL), BS_OK);
        n = 0;
    }
    free(copy);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(store, false, &ex.txn), BS_OK);
}

/// The id of a name: the store's, or a query-local id when it is absent.
static bs_id id_of(const char *tok)
{
    char buf[256];
    bs_term term = term_of(tok, buf);
    bs_id id;
    if (bs_dict_lookup(ex.txn, &term, &id) == BS_OK) return id;
    return BS_SP_LOCAL | bs_id_make(term.kind, 1000 + bs_hash64(tok, strlen(tok)) % 1000);
}

/// A constant of the request: its cid.
static char *cnames[256];

static int C(const char *tok)
{
    for (size_t i = 0; i < q.nconsts; i++)
        if (!strcmp(cnames[i], tok)) return (int)i;
    int cid = (int)q.nconsts++;
    cnames[cid] = strdup(tok);
    ck_assert_int_lt(cid, 256);
    consts[cid].kind = tok[0] == '_' ? BS_TERM_BNODE : tok[0] == '"' ? BS_TERM_LITERAL : BS_TERM_IRI;
    ex.cids[cid] = consts[cid].kind == BS_TERM_BNODE ? 0 : id_of(tok);
    return cid;
}

static void setup(void)
{
    bs_fx_store_dir(dir, "check_path");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    memset(&ex, 0, sizeof ex);
    memset(&q, 0, sizeof q);
    static const char *names[] = { "x", "y", "z", "w", "h1", "h2", "h3", "h4" };
    for (int i = 0; i < 8; i++) {
        vars[i].name = (char *)names[i];
        vars[i].hidden = i >= 4;
    }
    q.vars = vars;
    q.nvars = 8;
    q.consts = consts;
    ex.q = &q;
}

static void teardown(void)
{
    for (size_t i = 0; i < q.nconsts; i++) free(cnames[i]);
    bs_txn_abort(ex.txn);
    bs_store_close(store);
    bs_fx_store_dir_remove(dir);
}

/* ---- paths ---- */

static bs_sp_path *P(bs_sp_path_kind k, bs_sp_path *a, bs_sp_path *b)
{
    bs_sp_path *p = calloc(1, sizeof *p);
    p->kind = k;
    p->a = a;
    p->b = b;
    return p;
}

static bs_sp_path *L(const char *iri)
{
    bs_sp_path *p = P(BS_PATH_LINK, NULL, NULL);
    p->cid = C(iri);
    return p;
}

/// !(f1|f2|^i1...): names prefixed with ^ are inverse.
static bs_sp_path *NEG(const char *list)
{
    bs_sp_path *p = P(BS_PATH_NEG, NULL, NULL);
    char *copy = strdup(list), *save = NULL;
    p->fwd = calloc(8, sizeof(int));
    p->inv = calloc(8, sizeof(int));
    for (char *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save)) {
        if (w[0] == '^') p->inv[p->ninv++] = C(w + 1);
        else p->fwd[p->nfwd++] = C(w);
    }
    free(copy);
    return p;
}

static void path_free(bs_sp_path *p)
{
    if (!p) return;
    path_free(p->a);
    path_free(p->b);
    free(p->fwd);
    free(p->inv);
    free(p);
}

/// A position: "?x".."?w" (slots 0..3), "?h1".. (hidden 4..), else a constant.
static bs_sp_tpos pos(const char *tok)
{
    bs_sp_tpos t = { -1, -1 };
    if (tok[0] != '?') { t.cid = C(tok); return t; }
    for (int i = 0; i < 8; i++)
        if (!strcmp(tok + 1, vars[i].name)) t.var = i;
    ck_assert_int_ge(t.var, 0);
    return t;
}

static const char *name_of(bs_id id, char *buf)
{
    bs_term t;
    if (!id) return "-";
    if (bs_sp_is_local(id) || bs_dict_get(ex.txn, id, &t) != BS_OK) {
        snprintf(buf, 64, "local");
        return buf;
    }
    if (t.kind == BS_TERM_IRI) snprintf(buf, 64, "%.*s", (int)t.lex_len - 10, t.lex + 10);
    else if (t.kind == BS_TERM_BNODE) snprintf(buf, 64, "_:%.*s", (int)t.lex_len, t.lex);
    else snprintf(buf, 64, "\"%.*s\"", (int)t.lex_len, t.lex);
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run path s p o (graph: a name or NULL for the default graph; seed
 * "x=a" binds ?x) and return the rows as "x y" (slots 0 and 1, "-" =
 * unbound), sorted, joined by ", ". */
static char *run_seed(const char *s, bs_sp_path *p, const char *o,
                      const char *graph, const char *seed)
{
    bs_sp_node n = { .op = BS_OP_PATH, .path = p };
    bs_id sd[8] = { 0 }, row[8];
    n.path_s = pos(s);
    n.path_o = pos(o);
    if (seed) sd[seed[0] - 'x'] = id_of(seed + 2);
    bs_sp_iter *it = NULL;
    bs_status st = bs_sp_path_eval(&ex, &n, graph ? id_of(graph) : BS_SP_DEFAULT_GRAPH,
                                   seed ? sd : NULL, &it);
    ck_assert_int_eq(st, BS_OK);
    char **rows = NULL, b1[64], b2[64];
    size_t nrows = 0, len = 1;
    while ((st = it->next(it, row)) == BS_OK) {
        if (seed) ck_assert(row[seed[0] - 'x'] == sd[seed[0] - 'x']);
        rows = realloc(rows, (nrows + 1) * sizeof *rows);
        rows[nrows] = malloc(140);
        snprintf(rows[nrows], 140, "%s %s", name_of(row[0], b1), name_of(row[1], b2));
        len += strlen(rows[nrows++]) + 2;
    }
    ck_assert_int_eq(st, BS_END);
    it->free(it);
    path_free(p);
    ck_assert_int_eq(ex.mem, 0); // every byte accounted is given back
    if (nrows) qsort(rows, nrows, sizeof *rows, cmp_str);
    char *out = calloc(1, len);
    for (size_t i = 0; i < nrows; i++) {
        if (i) strcat(out, ", ");
        strcat(out, rows[i]);
        free(rows[i]);
    }
    free(rows);
    return out;
}

static char *run(const char *s, bs_sp_path *p, const char *o)
{
    return run_seed(s, p, o, NULL, NULL);
}

#define EXPECT(call, want)                         \
    do {                                           \
        char *got_ = (call);                       \
        ck_assert_str_eq(got_, want);              \
        free(got_);                                \
    } while (0)

#define STAR(x) P(BS_PATH_STAR, x, NULL)
#define PLUS(x) P(BS_PATH_PLUS, x, NULL)
#define OPT(x) P(BS_PATH_OPT, x, NULL)
#define INV(x) P(BS_PATH_INV, x, NULL)
#define SEQ(x, y) P(BS_PATH_SEQ, x, y)
#define ALT(x, y) P(BS_PATH_ALT, x, y)

static const char *cycle = "a p b . b p c . c p a . c q d . d p e";

START_TEST(test_plus_star_from_subject)
{
    load(cycle);
    EXPECT(run("a", PLUS(L("p")), "?y"), "- a, - b, - c");
    EXPECT(run("a", STAR(L("p")), "?y"), "- a, - b, - c");
    EXPECT(run("d", STAR(L("p")), "?y"), "- d, - e");
    EXPECT(run("d", PLUS(L("p")), "?y"), "- e");
    EXPECT(run("e", PLUS(L("p")), "?y"), "");
    EXPECT(run("e", STAR(L("p")), "?y"), "- e");
    EXPECT(run("a", OPT(L("p")), "?y"), "- a, - b");
    EXPECT(run("a", STAR(ALT(L("p"), L("q"))), "?y"), "- a, - b, - c, - d, - e");
}
END_TEST

START_TEST(test_from_object)
{
    load(cycle);
    EXPECT(run("?x", PLUS(L("p")), "e"), "d -");
    EXPECT(run("?x", STAR(L("p")), "e"), "d -, e -");
    EXPECT(run("?x", PLUS(L("p")), "a"), "a -, b -, c -");
    EXPECT(run("?x", STAR(ALT(L("p"), L("q"))), "e"), "a -, b -, c -, d -, e -");
    EXPECT(run("?x", OPT(L("q")), "d"), "c -, d -");
    EXPECT(run("?x", INV(L("p")), "b"), "c -");
    EXPECT(run("?x", PLUS(INV(L("p"))), "e"), "");
    EXPECT(run("?x", PLUS(INV(L("p"))), "d"), "e -");
}
END_TEST

START_TEST(test_both_bound)
{
    load(cycle);
    EXPECT(run("a", PLUS(L("p")), "a"), "- -");
    EXPECT(run("a", STAR(L("p")), "d"), "");
    EXPECT(run("a", SEQ(STAR(L("p")), L("q")), "d"), "- -");
    EXPECT(run("d", PLUS(L("p")), "d"), "");
    EXPECT(run("d", STAR(L("p")), "d"), "- -");
    EXPECT(run("d", OPT(L("p")), "e"), "- -");
    EXPECT(run("e", OPT(L("p")), "d"), "");
    EXPECT(run("e", INV(L("p")), "d"), "- -");
}
END_TEST

START_TEST(test_zero_length_constants)
{
    load(cycle);
    /* A constant absent from the graph still matches itself. */
    EXPECT(run("zz", STAR(L("p")), "?y"), "- local");
    EXPECT(run("?x", STAR(L("p")), "zz"), "local -");
    EXPECT(run("zz", STAR(L("p")), "zz"), "- -");
    EXPECT(run("zz", OPT(L("p")), "zz"), "- -");
    EXPECT(run("zz", PLUS(L("p")), "zz"), "");
    EXPECT(run("a", STAR(L("p")), "zz"), "");
    /* The literal of the graph is a node too, and a literal constant. */
    bs_txn_abort(ex.txn);
    ex.txn = NULL;
    load("e r \"lit\"");
    EXPECT(run("\"lit\"", STAR(L("p")), "?y"), "- \"lit\"");
    EXPECT(run("?x", STAR(L("r")), "\"lit\""), "\"lit\" -, e -");
}
END_TEST

START_TEST(test_both_free)
{
    load("a p b . b p a . b q \"l\" . c r c");
    EXPECT(run("?x", PLUS(L("p")), "?y"), "a a, a b, b a, b b");
    /* Every node of the graph (subjects and objects, not predicates) is
     * reached by the zero-length step. */
    EXPECT(run("?x", STAR(L("p")), "?y"),
           "\"l\" \"l\", a a, a b, b a, b b, c c");
    EXPECT(run("?x", OPT(L("q")), "?y"),
           "\"l\" \"l\", a a, b \"l\", b b, c c");
    EXPECT(run("?x", SEQ(L("p"), L("q")), "?y"), "a \"l\"");
    EXPECT(run("?x", INV(SEQ(L("p"), L("q"))), "?y"), "\"l\" a");
    EXPECT(run("?x", ALT(L("p"), L("r")), "?y"), "a b, b a, c c");
}
END_TEST

START_TEST(test_same_variable)
{
    load("a p b . b p a . b q c . c r c . d p e");
    EXPECT(run("?x", PLUS(L("p")), "?x"), "a -, b -");
    EXPECT(run("?x", STAR(L("p")), "?x"), "a -, b -, c -, d -, e -");
    EXPECT(run("?x", L("r"), "?x"), "c -");
    EXPECT(run("?x", SEQ(L("p"), L("p")), "?x"), "a -, b -");
    EXPECT(run("?x", OPT(L("q")), "?x"), "a -, b -, c -, d -, e -");
}
END_TEST

START_TEST(test_multisets)
{
    load("a p b . a p c . b q d . c q d . a r b");
    /* Two ways along p/q: two solutions. */
    EXPECT(run("a", SEQ(L("p"), L("q")), "?y"), "- d, - d");
    EXPECT(run("a", SEQ(L("p"), L("q")), "d"), "- -, - -");
    EXPECT(run("?x", SEQ(L("p"), L("q")), "d"), "a -, a -");
    EXPECT(run("a", ALT(L("p"), L("r")), "?y"), "- b, - b, - c");
    EXPECT(run("a", ALT(L("p"), L("r")), "b"), "- -, - -");
    /* ...but * and + give each end once. */
    EXPECT(run("a", PLUS(SEQ(L("p"), L("q"))), "?y"), "- d");
    EXPECT(run("a", PLUS(ALT(L("p"), L("r"))), "?y"), "- b, - c");
    EXPECT(run("?x", STAR(SEQ(L("p"), L("q"))), "d"), "a -, d -");
}
END_TEST

START_TEST(test_negated)
{
    load("a p b . a q c . d r a . a r e");
    EXPECT(run("a", NEG("p"), "?y"), "- c, - e");
    EXPECT(run("a", NEG("p|q"), "?y"), "- e");
    EXPECT(run("a", NEG("^q"), "?y"), "- d");
    EXPECT(run("a", NEG("^r"), "?y"), "");
    EXPECT(run("a", NEG("p|^r"), "?y"), "- c, - e");
    EXPECT(run("a", NEG("p|^q"), "?y"), "- c, - d, - e");
    EXPECT(run("?x", NEG("p|q"), "a"), "d -");
    EXPECT(run("?x", NEG("^p"), "a"), "c -, e -");
    EXPECT(run("?x", NEG("r"), "?y"), "a b, a c");
    EXPECT(run("?x", NEG("r|^p|^q"), "?y"), "a b, a c, a d, e a");
    EXPECT(run("d", PLUS(NEG("q")), "?y"), "- a, - b, - e");
}
END_TEST

START_TEST(test_seed_and_graphs)
{
    load("a p b . b p c . @g1 a p x . x p y");
    EXPECT(run_seed("?x", PLUS(L("p")), "?y", NULL, "x=a"), "a b, a c");
    EXPECT(run_seed("?x", PLUS(L("p")), "?y", NULL, "y=c"), "a c, b c");
    EXPECT(run_seed("?x", PLUS(L("p")), "?y", "g1", "x=a"), "a x, a y");
    EXPECT(run_seed("?x", PLUS(L("p")), "?x", NULL, "x=a"), "");
    EXPECT(run_seed("?x", STAR(L("p")), "?x", NULL, "x=a"), "a -");
    EXPECT(run_seed("?x", STAR(L("p")), "?y", "g1", NULL), "a a, a x, a y, x x, x y, y y");
    /* A seed is a join: a value outside the graph has no zero-length
     * match with a free end (values_and_path), but does with a constant. */
    EXPECT(run_seed("?x", OPT(L("p")), "?x", NULL, "x=zz"), "");
    EXPECT(run_seed("?x", STAR(L("p")), "?y", NULL, "x=zz"), "");
    EXPECT(run_seed("?x", STAR(L("p")), "?y", "g1", "x=c"), "");
    EXPECT(run_seed("?x", STAR(L("p")), "?y", NULL, "x=c"), "c c");
    EXPECT(run_seed("?x", STAR(L("p")), "zz", NULL, "x=zz"), "local -");
    EXPECT(run_seed("?x", STAR(L("p")), "?y", NULL, "y=zz"), "");
}
END_TEST

START_TEST(test_long_chain)
{
    /* 3000 classes in a chain: one start, one BFS, no re-scans. */
    enum { N = 3000 };
    size_t cap = N * 40;
    char *data = malloc(cap), *w = data;
    for (int i = 0; i < N; i++) w += sprintf(w, "c%d sub c%d . ", i, i + 1);
    load(data);
    free(data);
    bs_sp_node n = { .op = BS_OP_PATH };
    n.path = STAR(L("sub"));
    n.path_s = pos("c0");
    n.path_o = pos("?y");
    bs_sp_iter *it;
    bs_id row[8];
    size_t count = 0;
    ck_assert_int_eq(bs_sp_path_eval(&ex, &n, BS_SP_DEFAULT_GRAPH, NULL, &it), BS_OK);
    while (it->next(it, row) == BS_OK) count++;
    it->free(it);
    ck_assert_uint_eq(count, N + 1);
    ck_assert_int_lt(ex.ticks, 10 * N);
    /* Reachability stops at the target. */
    ex.ticks = 0;
    n.path_o = pos("c10");
    ck_assert_int_eq(bs_sp_path_eval(&ex, &n, BS_SP_DEFAULT_GRAPH, NULL, &it), BS_OK);
    ck_assert_int_eq(it->next(it, row), BS_OK);
    ck_assert_int_eq(it->next(it, row), BS_END);
    it->free(it);
    ck_assert_int_lt(ex.ticks, 100);
    /* The deadline ends the search. */
    ex.ticks = 0;
    ex.tick_limit = 50;
    n.path_o = pos("?y");
    ck_assert_int_eq(bs_sp_path_eval(&ex, &n, BS_SP_DEFAULT_GRAPH, NULL, &it), BS_OK);
    ck_assert_int_eq(it->next(it, row), BS_ERR_TIMEOUT);
    it->free(it);
    path_free(n.path);
    ck_assert_int_eq(ex.mem, 0);
}
END_TEST

/* ---- CONSTRUCT / DESCRIBE ---- */

typedef struct {
    bs_quad q[32];
    int n;
} quads;

static bs_status keep(void *ctx, const bs_quad *qd)
{
    quads *k = ctx;
    k->q[k->n++] = *qd;
    return BS_OK;
}

static bs_sp_quad T3(const char *s, const char *p, const char *o)
{
    bs_sp_quad t = { pos(s), pos(p), pos(o), { -1, -1 } };
    return t;
}

START_TEST(test_instantiate)
{
    load("a p b");
    bs_sp_quad tpl[] = {
        T3("?x", "p", "_:b1"), T3("_:b1", "q", "?y"), T3("?h1", "r", "_:b1"),
        T3("?y", "p", "?x"),   /* literal subject: skipped */
        T3("?x", "?y", "a"),   /* literal predicate: skipped */
        T3("?x", "p", "?z"),   /* unbound: skipped */
    };
    bs_id row[8] = { id_of("a"), 0, 0, 0, 0, 0, 0, 0 };
    row[1] = BS_SP_LOCAL | bs_id_make(BS_TERM_LITERAL, 7);
    quads k1 = { .n = 0 }, k2 = { .n = 0 };
    ck_assert_int_eq(bs_sp_instantiate(&ex, tpl, 6, row, keep, &k1), BS_OK);
    ck_assert_int_eq(bs_sp_instantiate(&ex, tpl, 6, row, keep, &k2), BS_OK);
    ck_assert_int_eq(k1.n, 3);
    ck_assert_int_eq(k2.n, 3);
    bs_id b1 = k1.q[0].o, h1 = k1.q[2].s;
    ck_assert_int_eq(bs_id_kind(b1), BS_TERM_BNODE);
    ck_assert(k1.q[1].s == b1 && k1.q[2].o == b1);
    ck_assert(h1 != b1 && bs_id_kind(h1) == BS_TERM_BNODE);
    ck_assert(k1.q[0].s == row[0] && k1.q[1].o == row[1]);
    ck_assert(k1.q[0].g == BS_DEFAULT_GRAPH);
    /* fresh per call */
    ck_assert(k2.q[0].o != b1 && k2.q[1].s == k2.q[0].o && k2.q[2].s != h1);
}
END_TEST

/// A solutions iterator over fixed rows (2 slots used).
typedef struct {
    bs_sp_iter base;
    bs_id rows[8][2];
    int n, i;
} rows_iter;

static bs_status rows_next(bs_sp_iter *it, bs_id *row)
{
    rows_iter *r = (rows_iter *)it;
    if (r->i >= r->n) return BS_END;
    memset(row, 0, 8 * sizeof(bs_id));
    row[0] = r->rows[r->i][0];
    row[1] = r->rows[r->i][1];
    r->i++;
    return BS_OK;
}

static void rows_free(bs_sp_iter *it) { free(it); }

static bs_sp_iter *rows(int n, const char *const *cells)
{
    rows_iter *r = calloc(1, sizeof *r);
    r->base.next = rows_next;
    r->base.free = rows_free;
    r->n = n;
    for (int i = 0; i < 2 * n; i++)
        r->rows[i / 2][i % 2] = cells[i] ? id_of(cells[i]) : 0;
    return &r->base;
}

static int drain(bs_sp_triples *t, bs_id out[][3], int max)
{
    int n = 0;
    bs_status st;
    while ((st = bs_sp_triples_next(t, out[n])) == BS_OK) ck_assert_int_lt(++n, max);
    ck_assert_int_eq(st, BS_END);
    bs_sp_triples_free(t);
    return n;
}

START_TEST(test_construct)
{
    load("a p b . c p d");
    bs_sp_quad tpl[] = { T3("?x", "q", "?y"), T3("?x", "r", "_:n"), T3("_:n", "s", "?y") };
    q.tmpl = tpl;
    q.ntmpl = 3;
    const char *cells[] = { "a", "b", "a", "b", "c", NULL, "c", "d" };
    bs_sp_triples *t;
    bs_id out[32][3];
    ck_assert_int_eq(bs_sp_construct_new(&ex, rows(4, cells), &t), BS_OK);
    int n = drain(t, out, 32);
    /* rows 1 and 2 give the same (a q b) once, but fresh nodes each:
     * 1 + 2 + 2 from them, 1 from row 3 (?y unbound), 3 from row 4. */
    ck_assert_int_eq(n, 1 + 2 + 2 + 1 + 3);
    int q_count = 0;
    for (int i = 0; i < n; i++) q_count += out[i][1] == id_of("q");
    ck_assert_int_eq(q_count, 2);
    bs_sp_triples_free(NULL);
    ck_assert_int_eq(ex.mem, 0);
}
END_TEST

START_TEST(test_describe)
{
    load("a p _:b1 . _:b1 q _:b2 . _:b2 q \"v\" . _:b2 r c . c p d . a s a . "
         "e p a . @g1 a t u");
    bs_sp_tpos targets[] = { pos("a") };
    q.describe = targets;
    q.ndescribe = 1;
    bs_sp_triples *t;
    bs_id out[32][3];
    ck_assert_int_eq(bs_sp_describe_new(&ex, NULL, &t), BS_OK);
    /* a's two triples, b1's, b2's two; not c's (an IRI), not e's, not g1's. */
    ck_assert_int_eq(drain(t, out, 32), 5);
    /* Described variable values: ?x = c and a (twice), ?y literal. */
    bs_sp_tpos t2[] = { pos("?x"), pos("?y") };
    q.describe = t2;
    q.ndescribe = 2;
    const char *cells[] = { "c", "\"v\"", "a", NULL, "a", "d" };
    ck_assert_int_eq(bs_sp_describe_new(&ex, rows(3, cells), &t), BS_OK);
    ck_assert_int_eq(drain(t, out, 32), 1 + 5);
    /* DESCRIBE *: every visible variable. */
    q.ndescribe = 0;
    q.describe_all = true;
    const char *cells2[] = { "e", "d" };
    ck_assert_int_eq(bs_sp_describe_new(&ex, rows(1, cells2), &t), BS_OK);
    ck_assert_int_eq(drain(t, out, 32), 1);
    ck_assert_int_eq(ex.mem, 0);
}
END_TEST

static Suite *path_suite(void)
{
    Suite *s = suite_create("sparql_path_unit");
    TCase *tc = tcase_create("paths");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_plus_star_from_subject);
    tcase_add_test(tc, test_from_object);
    tcase_add_test(tc, test_both_bound);
    tcase_add_test(tc, test_zero_length_constants);
    tcase_add_test(tc, test_both_free);
    tcase_add_test(tc, test_same_variable);
    tcase_add_test(tc, test_multisets);
    tcase_add_test(tc, test_negated);
    tcase_add_test(tc, test_seed_and_graphs);
    tcase_add_test(tc, test_long_chain);
    suite_add_tcase(s, tc);
    TCase *tc2 = tcase_create("construct");
    tcase_add_checked_fixture(tc2, setup, teardown);
    tcase_add_test(tc2, test_instantiate);
    tcase_add_test(tc2, test_construct);
    tcase_add_test(tc2, test_describe);
    suite_add_tcase(s, tc2);
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
