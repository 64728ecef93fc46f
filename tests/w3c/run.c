/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: one test in a fresh temporary store. */
#define _GNU_SOURCE
#include "config.h"
#include "run.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ingest/ingest.h"
#include "sparql/sparql.h"
#include "sparql/sparql_int.h"
#include "w3c.h"

#define MAX_ROWS 1000000 /* a runaway query stops here */

/* ---- temporary stores ------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb; (void)flag; (void)ftw;
    return remove(path);
}

int w3c_tmp_open(w3c_tmpstore *ts, char *why, size_t cap)
{
    /* tmpfs when there is one: a store per test, and commits sync */
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(ts->dir, sizeof ts->dir, "%s/bs-w3c-XXXXXX", tmp);
    ts->store = NULL;
    if (!mkdtemp(ts->dir)) {
        snprintf(why, cap, "mkdtemp failed");
        ts->dir[0] = 0;
        return -1;
    }
    char path[300];
    snprintf(path, sizeof path, "%s/store", ts->dir);
    bs_status st = bs_store_open(path, BS_STORE_CREATE, &ts->store);
    if (st != BS_OK) snprintf(why, cap, "bs_store_open: %s", bs_strerror(st));
    return st == BS_OK ? 0 : -1;
}

void w3c_tmp_close(w3c_tmpstore *ts)
{
    bs_store_close(ts->store);
    if (ts->dir[0]) nftw(ts->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int w3c_load(bs_store *s, char *const *files, size_t n, const char *graph,
                char *why, size_t cap)
{
    if (!n) return 0;
    bs_load_opts o = {0};
    bs_load_report rep;
    o.graph_iri = graph;
    bs_status st = bs_load_files(s, (const char *const *)files, n, &o, &rep);
    if (st != BS_OK)
        snprintf(why, cap, "loading %s: %s: %s", rep.err_file ? rep.err_file : files[0],
                 bs_strerror(st), rep.err_msg ? rep.err_msg : "");
    bs_load_report_free(&rep);
    return st == BS_OK ? 0 : -1;
}

static int load_setup(bs_store *s, const w3c_test *t, char *why, size_t cap)
{
    if (w3c_load(s, t->data, t->ndata, NULL, why, cap)) return -1;
    for (size_t i = 0; i < t->ngdata; i++)
        if (w3c_load(s, &t->gdata[i].file, 1, t->gdata[i].graph, why, cap)) return -1;
    return 0;
}

/* FROM / FROM NAMED <file>: load each file into the graph its IRI names. */
static int load_from(bs_store *s, const w3c_test *t, const bs_sparql *q,
                     char *why, size_t cap)
{
    for (size_t k = 0; k < q->nfrom + q->nfrom_named; k++) {
        int cid = k < q->nfrom ? q->from[k] : q->from_named[k - q->nfrom];
        const char *iri = q->consts[cid].lex;
        bool done = false;
        for (size_t i = 0; i < t->ngdata; i++)
            if (!strcmp(t->gdata[i].graph, iri)) done = true;
        for (size_t j = 0; j < k; j++) {
            int c2 = j < q->nfrom ? q->from[j] : q->from_named[j - q->nfrom];
            if (!strcmp(q->consts[c2].lex, iri)) done = true;
        }
        char *path = w3c_iri_path(iri);
        int rc = 0;
        if (!done && path && access(path, R_OK) == 0)
            rc = w3c_load(s, &path, 1, iri, why, cap);
        free(path);
        if (rc) return -1;
    }
    return 0;
}

/* ---- reading what the engine answers -------------------------------------------- */

static int cursor_rows(bs_sparql_cursor *c, w3c_rs *rs, char *why, size_t cap)
{
    size_t nv = bs_sparql_cursor_nvars(c);
    for (size_t i = 0; i < nv; i++)
        if (w3c_rs_col(rs, bs_sparql_cursor_var(c, i)) != (long)i) return -1;
    const bs_term *const *row;
    bs_status st;
    while ((st = bs_sparql_next(c, &row)) == BS_OK) {
        w3c_term *cells = w3c_rs_add_row(rs);
        if (!cells || rs->nrows > MAX_ROWS) {
            snprintf(why, cap, "more than %d rows", MAX_ROWS);
            return -1;
        }
        for (size_t i = 0; i < nv; i++)
            if (row[i] && w3c_term_set(&cells[i], row[i])) return -1;
    }
    if (st == BS_END) return 0;
    const char *m = bs_sparql_cursor_error(c);
    snprintf(why, cap, "next: %s%s%s", bs_strerror(st), m ? ": " : "", m ? m : "");
    return -1;
}

static int cursor_triples(bs_sparql_cursor *c, w3c_graph *g, char *why,
                          size_t cap)
{
    bs_term t[3];
    bs_status st;
    while ((st = bs_sparql_next_triple(c, t)) == BS_OK)
        if (w3c_graph_add_views(g, t) || g->n > MAX_ROWS) {
            snprintf(why, cap, "more than %d triples", MAX_ROWS);
            return -1;
        }
    if (st == BS_END) return 0;
    const char *m = bs_sparql_cursor_error(c);
    snprintf(why, cap, "next_triple: %s%s%s", bs_strerror(st), m ? ": " : "", m ? m : "");
    return -1;
}

/* Run q: a result set (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE). */
static int run_query(bs_store *s, const bs_sparql *q, const bs_sparql_opts *o,
                     w3c_rs *rs, w3c_graph *g, char *why, size_t cap)
{
    bs_sparql_cursor *c = NULL;
    char *err = NULL;
    bs_status st = bs_sparql_open(s, q, o, &c, &err);
    int rc = -1;
    if (st != BS_OK) {
        snprintf(why, cap, "open: %s%s%s", bs_strerror(st), err ? ": " : "", err ? err : "");
        goto done;
    }
    switch (bs_sparql_cursor_form(c)) {
    case BS_SPARQL_SELECT: rc = cursor_rows(c, rs, why, cap); break;
    case BS_SPARQL_ASK: {
        bool b = false;
        if ((st = bs_sparql_ask(c, &b)) != BS_OK) {
            snprintf(why, cap, "ask: %s", bs_strerror(st));
            break;
        }
        rs->is_bool = true;
        rs->boolean = b;
        rc = 0;
        break;
    }
    default: rc = cursor_triples(c, g, why, cap); break;
    }
done:
    free(err);
    bs_sparql_close(c);
    return rc;
}

/* Write q's result as csv or tsv and read it back. */
static int run_written(bs_store *s, const bs_sparql *q, const bs_sparql_opts *o,
                       const char *fmt, w3c_rs *rs, char *why, size_t cap)
{
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return -1;
    bs_status st = bs_sparql_write(s, q, o, fmt, f, &err);
    fclose(f);
    int rc = -1;
    if (st != BS_OK)
        snprintf(why, cap, "write %s: %s%s%s", fmt, bs_strerror(st), err ? ": " : "", err ? err : "");
    else if (!strcmp(fmt, "csv"))
        rc = w3c_parse_csv(buf, len, rs, why, cap);
    else
        rc = w3c_parse_tsv(buf, len, rs, why, cap);
    free(buf);
    free(err);
    return rc;
}

/* ---- expected results -------------------------------------------------------- */

static const char *ext_of(const char *path)
{
    const char *d = path ? strrchr(path, '.') : NULL;
    return d ? d + 1 : "";
}

static int read_expected_rs(const char *path, w3c_rs *rs, char *why, size_t cap)
{
    const char *e = ext_of(path);
    char err[300] = "";
    int rc = -1;
    if (!strcmp(e, "srx")) rc = w3c_read_srx(path, rs, err, sizeof err);
    else if (!strcmp(e, "srj")) rc = w3c_read_srj(path, rs, err, sizeof err);
    else if (!strcmp(e, "tsv") || !strcmp(e, "csv")) {
        size_t len;
        char *text = w3c_slurp(path, &len);
        if (text)
            rc = *e == 't' ? w3c_parse_tsv(text, len, rs, err, sizeof err)
                           : w3c_parse_csv(text, len, rs, err, sizeof err);
        free(text);
    } else {
        w3c_graph g = {0};
        rc = w3c_graph_read(&g, path, NULL, err, sizeof err);
        if (!rc) rc = w3c_graph_index(&g);
        if (!rc) rc = w3c_graph_to_rs(&g, rs, err, sizeof err);
        w3c_graph_free(&g);
    }
    if (rc) snprintf(why, cap, "runner: cannot read expected result %s: %s", path, err);
    return rc;
}

/* The ORDER BY node under the solution modifiers, or NULL. */
static const bs_sp_node *order_node(const bs_sparql *q)
{
    const bs_sp_node *n = q->root;
    while (n && (n->op == BS_OP_SLICE || n->op == BS_OP_DISTINCT ||
                 n->op == BS_OP_REDUCED || n->op == BS_OP_PROJECT))
        n = n->a;
    return n && n->op == BS_OP_ORDER ? n : NULL;
}

/* The comparison mode and, for ORDER BY on variables, the key names. */
static w3c_mode mode_of(const w3c_test *t, const bs_sparql *q,
                        const char **keys, size_t *nkeys)
{
    const bs_sp_node *o = order_node(q);
    *nkeys = 0;
    if (!o) return t->lax ? W3C_LAX : W3C_MULTISET;
    for (size_t k = 0; k < o->nkeys && k < 16; k++) {
        const bs_sp_expr *e = o->keys[k];
        if (e->op != BS_EX_VAR || e->var < 0 || (size_t)e->var >= q->nvars) {
            *nkeys = 0;
            break;
        }
        keys[(*nkeys)++] = q->vars[e->var].name;
    }
    if (o->nkeys > 16) *nkeys = 0;
    return W3C_ORDERED;
}

/* ---- the kinds of test --------------------------------------------------------- */

static char *file_uri(const char *path)
{
    char *u = NULL;
    return asprintf(&u, "file://%s", path) < 0 ? NULL : u;
}

/* Parse the test's query or update file. */
static bs_status parse_file(const w3c_test *t, bool update, bs_sparql **q,
                            char *why, size_t cap)
{
    size_t len;
    char *text = w3c_slurp(t->query, &len);
    char *base = file_uri(t->query);
    bs_sparql_error e = {0};
    bs_status st = BS_ERR_IO;
    *q = NULL;
    if (!text || !base) snprintf(why, cap, "runner: cannot read %s", t->query);
    else if ((st = bs_sparql_parse(text, len, base, update, q, &e)) != BS_OK)
        snprintf(why, cap, "parse: %s at %ld:%ld: %s", bs_strerror(st), e.line, e.col, e.msg);
    free(text);
    free(base);
    return st;
}

static w3c_outcome run_syntax(const w3c_test *t, char *why, size_t cap)
{
    bool update = t->kind == W3C_T_USYNTAX_POS || t->kind == W3C_T_USYNTAX_NEG;
    bool positive = t->kind == W3C_T_SYNTAX_POS || t->kind == W3C_T_USYNTAX_POS;
    bs_sparql *q;
    bs_status st = parse_file(t, update, &q, why, cap);
    bs_sparql_free(q);
    if (positive) return st == BS_OK ? W3C_PASS : W3C_FAIL;
    if (st == BS_ERR_PARSE) return W3C_PASS;
    if (st == BS_OK) snprintf(why, cap, "parsed, but the text is not valid SPARQL");
    return W3C_FAIL;
}

static w3c_outcome compare_graph_result(const w3c_test *t, const w3c_graph *got,
                                        char *why, size_t cap)
{
    w3c_graph exp = {0};
    char err[300] = "", diff[600] = "";
    w3c_outcome r = W3C_FAIL;
    if (w3c_graph_read(&exp, t->result, NULL, err, sizeof err))
        snprintf(why, cap, "runner: cannot read %s: %s", t->result, err);
    else if (w3c_graph_equal(&exp, got, diff, sizeof diff))
        r = W3C_PASS;
    else
        snprintf(why, cap, "graph differs: %s", diff);
    w3c_graph_free(&exp);
    return r;
}

static w3c_outcome run_eval(const w3c_test *t, double timeout, char *why,
                            size_t cap)
{
    w3c_tmpstore ts;
    bs_sparql *q = NULL;
    w3c_rs got = {0}, exp = {0};
    w3c_graph gg = {0};
    w3c_outcome r = W3C_FAIL;
    w3c_endpoints *eps = w3c_endpoints_new(t); /* qt:serviceData */
    bs_sparql_opts o = {.timeout = timeout, .service = w3c_endpoint_call,
                        .service_ctx = eps};
    const char *fmt = t->kind == W3C_T_CSV ? "csv" : !strcmp(ext_of(t->result), "tsv") ? "tsv" : NULL;
    if (w3c_tmp_open(&ts, why, cap) || load_setup(ts.store, t, why, cap)) goto done;
    if (!eps) goto done;
    if (parse_file(t, false, &q, why, cap) != BS_OK) goto done;
    if (load_from(ts.store, t, q, why, cap)) goto done;
    int form = bs_sparql_form_of(q);
    if (fmt ? run_written(ts.store, q, &o, fmt, &got, why, cap)
            : run_query(ts.store, q, &o, &got, &gg, why, cap))
        goto done;
    if (!t->result) {
        snprintf(why, cap, "runner: no expected result");
    } else if (form == BS_SPARQL_CONSTRUCT || form == BS_SPARQL_DESCRIBE) {
        r = compare_graph_result(t, &gg, why, cap);
    } else if (!read_expected_rs(t->result, &exp, why, cap)) {
        const char *keys[16];
        size_t nk;
        w3c_mode m = mode_of(t, q, keys, &nk);
        char diff[600] = "";
        if (w3c_rs_equal(&exp, &got, m, keys, nk, diff, sizeof diff)) r = W3C_PASS;
        else snprintf(why, cap, "%s", diff);
    }
done:
    w3c_rs_free(&got);
    w3c_rs_free(&exp);
    w3c_graph_free(&gg);
    bs_sparql_free(q);
    w3c_tmp_close(&ts);
    w3c_endpoints_free(eps);
    return r;
}

/* ---- updates ------------------------------------------------------------------ */

typedef struct {
    bs_id id;
    char *name;   /* NULL = default graph */
    w3c_graph g;
    bool seen;    /* matched by an expected graph */
} dumped;

typedef struct {
    dumped *v;
    size_t n;
} dump;

static void dump_free(dump *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].name);
        w3c_graph_free(&d->v[i].g);
    }
    free(d->v);
}

static dumped *dump_graph(dump *d, bs_txn *txn, bs_id g)
{
    for (size_t i = 0; i < d->n; i++)
        if (d->v[i].id == g) return &d->v[i];
    dumped *v = realloc(d->v, (d->n + 1) * sizeof *v);
    if (!v) return NULL;
    d->v = v;
    dumped *x = &v[d->n++];
    memset(x, 0, sizeof *x);
    x->id = g;
    bs_term t;
    if (g != BS_DEFAULT_GRAPH && bs_dict_get(txn, g, &t) == BS_OK) {
        x->name = malloc(t.lex_len + 1);
        if (!x->name) return NULL;
        memcpy(x->name, t.lex, t.lex_len);
        x->name[t.lex_len] = 0;
    }
    return x;
}

/* Every quad of the store, one graph at a time. */
static int dump_store(bs_store *s, dump *d)
{
    bs_txn *txn = NULL;
    bs_iter *it = NULL;
    bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, BS_ANY}, q;
    int rc = -1;
    if (bs_txn_begin(s, false, &txn) != BS_OK) return -1;
    if (!dump_graph(d, txn, BS_DEFAULT_GRAPH) || bs_iter_new(txn, &pat, &it) != BS_OK)
        goto done;
    bs_status st;
    while ((st = bs_iter_next(it, &q)) == BS_OK) {
        dumped *x = dump_graph(d, txn, q.g);
        bs_term v[3];
        if (!x || bs_dict_get(txn, q.s, &v[0]) != BS_OK ||
            bs_dict_get(txn, q.p, &v[1]) != BS_OK ||
            bs_dict_get(txn, q.o, &v[2]) != BS_OK || w3c_graph_add_views(&x->g, v))
            goto done;
    }
    rc = st == BS_END ? 0 : -1;
done:
    bs_iter_free(it);
    bs_txn_abort(txn);
    return rc;
}

/* Compare one expected graph (files; none = empty) with what the store has. */
static int check_graph(dump *d, const char *name, char *const *files, size_t n,
                       char *why, size_t cap)
{
    w3c_graph exp = {0}, none = {0};
    const w3c_graph *got = &none;
    char err[300] = "", diff[600] = "";
    int rc = -1;
    for (size_t i = 0; i < d->n; i++)
        if ((!name && !d->v[i].name) || (name && d->v[i].name && !strcmp(name, d->v[i].name))) {
            got = &d->v[i].g;
            d->v[i].seen = true;
        }
    for (size_t i = 0; i < n; i++)
        if (w3c_graph_read(&exp, files[i], NULL, err, sizeof err)) {
            snprintf(why, cap, "runner: cannot read %s: %s", files[i], err);
            goto done;
        }
    if (w3c_graph_equal(&exp, got, diff, sizeof diff)) rc = 0;
    else snprintf(why, cap, "%s%s%s differs: %s", name ? "graph <" : "default graph",
                  name ? name : "", name ? ">" : "", diff);
done:
    w3c_graph_free(&exp);
    return rc;
}

static w3c_outcome run_update(const w3c_test *t, const char *root,
                              double timeout, char *why, size_t cap)
{
    w3c_tmpstore ts;
    bs_sparql *u = NULL;
    dump d = {0};
    char *err = NULL;
    w3c_outcome r = W3C_FAIL;
    if (w3c_tmp_open(&ts, why, cap) || load_setup(ts.store, t, why, cap)) goto done;
    if (parse_file(t, true, &u, why, cap) != BS_OK) goto done;
    bs_sparql_opts o = {0};
    o.timeout = timeout;
    bs_status st = bs_sparql_update(ts.store, u, &o, root, NULL, &err);
    if (st != BS_OK) {
        snprintf(why, cap, "update: %s%s%s", bs_strerror(st), err ? ": " : "", err ? err : "");
        goto done;
    }
    if (dump_store(ts.store, &d)) {
        snprintf(why, cap, "runner: cannot read the store back");
        goto done;
    }
    if (check_graph(&d, NULL, t->rdata, t->nrdata, why, cap)) goto done;
    for (size_t i = 0; i < t->nrgdata; i++)
        if (check_graph(&d, t->rgdata[i].graph, &t->rgdata[i].file, 1, why, cap))
            goto done;
    for (size_t i = 0; i < d.n; i++)
        if (!d.v[i].seen && d.v[i].g.n) {
            snprintf(why, cap, "unexpected graph <%s> with %zu triples",
                     d.v[i].name ? d.v[i].name : "?", d.v[i].g.n);
            goto done;
        }
    r = W3C_PASS;
done:
    free(err);
    dump_free(&d);
    bs_sparql_free(u);
    w3c_tmp_close(&ts);
    return r;
}

w3c_outcome w3c_run_test(const w3c_test *t, const char *tests_root,
                         double timeout, char *why, size_t whycap)
{
    why[0] = 0;
    if (t->skip) {
        snprintf(why, whycap, "%s", t->skip);
        return W3C_SKIP;
    }
    switch (t->kind) {
    case W3C_T_SYNTAX_POS: case W3C_T_SYNTAX_NEG:
    case W3C_T_USYNTAX_POS: case W3C_T_USYNTAX_NEG:
        return run_syntax(t, why, whycap);
    case W3C_T_QUERY: case W3C_T_CSV:
        return run_eval(t, timeout, why, whycap);
    case W3C_T_UPDATE:
        return run_update(t, tests_root, timeout, why, whycap);
    default:
        snprintf(why, whycap, "runner: cannot read the manifest entry");
        return W3C_FAIL;
    }
}
