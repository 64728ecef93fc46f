/* SPDX-License-Identifier: MIT
 * battstore — query benchmark driver: times battstore's SPARQL engine in-process. */

/*
 * Usage:
 *   bench/query_bench --store DIR [--runs N] [--union] [--public-only] [--timeout S]
 *                     [--format F] Q.rq...
 *       For each query file: parse once (bs_sparql_parse), then 1 warm-up
 *       and N timed runs (default 5) of bs_sparql_open + drain + close,
 *       every term of every row touched.  Prints one tab-separated line
 *       per query:
 *         NAME  MEDIAN_MS  ROWS  MS_RUN1,MS_RUN2,...
 *       or, when the query could not run:
 *         NAME  FAIL  -  MESSAGE
 *       --format F: time bs_sparql_write() in result format F (tsv, csv,
 *       json, xml) into a sink that counts lines instead of draining the
 *       cursor; ROWS is then the lines less the header (tsv, csv only).
 *       --union: the default graph is the union of the store's default
 *       graph and every named graph (bs_sparql_opts.union_default), which
 *       is how the peers see the ontologies loaded into named graphs.
 *
 *   bench/query_bench --closure-files DIR [--catalog C]... ROOT.ttl
 *       Load ROOT.ttl with owl:imports into a fresh store DIR (as
 *       `battstore load --imports` does) and print, one per line,
 *       GRAPH_IRI <TAB> FILE for every ontology loaded: the file list the
 *       peers load, so that every engine gets the same ontology files.
 *
 * Exit status 0 when every query ran (or the closure loaded), 1 otherwise.
 */
#define _GNU_SOURCE
#include "util/bigmem.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ingest/ingest.h"
#include "search/search.h"
#include "sparql/sparql.h"
#include "store/store.h"
#include "util/status.h"

#define MAX_RUNS 101

typedef struct {
    const char *store_dir;
    int runs;
    bool union_default;
    bool public_only; ///< as an anonymous HTTP caller: public graphs only
    double timeout;
    const char *format; ///< NULL: drain the cursor; else bs_sparql_write()
} bench_opts;

/* --public-only: the visibility callback an anonymous HTTP request
 * carries (public graphs only), so that the access-controlled path is
 * measured in-process too. */
static bool public_only(void *ctx, bs_id graph, bs_access level)
{
    (void)ctx;
    (void)graph;
    return level == BS_ACCESS_PUBLIC;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Read a whole file.  Caller frees *out with free(). */
static bs_status read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return BS_ERR_IO;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return BS_ERR_NOMEM;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return BS_ERR_IO;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return BS_OK;
}

/* The query's name: the file name without directory and ".rq". */
static void query_name(const char *path, char *name, size_t cap)
{
    const char *slash = strrchr(path, '/');
    snprintf(name, cap, "%s", slash ? slash + 1 : path);
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".rq") == 0)
        name[n - 3] = '\0';
}

/* Touch a term so that a lazy cursor must really produce it. */
static size_t touch(const bs_term *t)
{
    if (!t)
        return 0;
    size_t h = t->lex_len + t->extra_len;
    if (t->lex_len)
        h += (unsigned char)t->lex[t->lex_len - 1];
    return h;
}

/* One run: open, drain, close.  *rows = result rows (triples for
 * CONSTRUCT/DESCRIBE, 1 for ASK).  On failure *err (caller frees) says
 * why. */
static bs_status run_once(bs_store *store, const bs_sparql *q,
                          const bs_sparql_opts *so, long *rows,
                          size_t *sink, char **err)
{
    bs_sparql_cursor *c = NULL;
    bs_status st = bs_sparql_open(store, q, so, &c, err);
    if (st != BS_OK)
        goto fail;
    long n = 0;
    switch (bs_sparql_cursor_form(c)) {
    case BS_SPARQL_SELECT: {
        size_t nv = bs_sparql_cursor_nvars(c);
        const bs_term *const *row;
        while ((st = bs_sparql_next(c, &row)) == BS_OK) {
            for (size_t i = 0; i < nv; i++)
                *sink += touch(row[i]);
            n++;
        }
        break;
    }
    case BS_SPARQL_CONSTRUCT:
    case BS_SPARQL_DESCRIBE: {
        bs_term t[3];
        while ((st = bs_sparql_next_triple(c, t)) == BS_OK) {
            *sink += touch(&t[0]) + touch(&t[1]) + touch(&t[2]);
            n++;
        }
        break;
    }
    case BS_SPARQL_ASK: {
        bool yes = false;
        st = bs_sparql_ask(c, &yes);
        if (st == BS_OK)
            st = BS_END;
        n = 1;
        *sink += yes;
        break;
    }
    default:
        st = BS_ERR_UNSUPPORTED;
    }
    if (st != BS_END) {
        const char *m = bs_sparql_cursor_error(c);
        if (err && !*err)
            *err = strdup(m ? m : bs_strerror(st));
        if (st == BS_OK)
            st = BS_ERR_INTERNAL;
        goto fail;
    }
    st = BS_OK;
    *rows = n;
fail:
    bs_sparql_close(c);
    return st;
}

/* A FILE that throws the bytes away and counts the lines: the TSV
 * writer's rows without the cost of storing them. */
static ssize_t count_write(void *cookie, const char *buf, size_t n)
{
    long *lines = cookie;
    for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))); p++)
        (*lines)++;
    return (ssize_t)n;
}

/* One run through the result writer (bs_sparql_write, format fmt) into
 * a counting sink.  *rows = lines written less the header line (tsv,
 * csv). */
static bs_status write_once(bs_store *store, const bs_sparql *q,
                            const bs_sparql_opts *so, const char *fmt,
                            long *rows, char **err)
{
    long lines = 0;
    cookie_io_functions_t io = {.write = count_write};
    FILE *f = fopencookie(&lines, "w", io);
    if (!f)
        return BS_ERR_NOMEM;
    setvbuf(f, NULL, _IOFBF, 1 << 16);
    bs_status st = bs_sparql_write(store, q, so, fmt, f, err);
    fclose(f);
    *rows = lines > 0 ? lines - 1 : 0;
    return st;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double s[MAX_RUNS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_double);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static void print_fail(const char *name, const char *what)
{
    char line[512];
    snprintf(line, sizeof line, "%s", what ? what : "?");
    for (char *p = line; *p; p++)
        if (*p == '\t' || *p == '\n')
            *p = ' ';
    printf("%s\tFAIL\t-\t%s\n", name, line);
}

/* Parse, warm up, time one query file; prints its line.  Returns false
 * when it could not run. */
static bool bench_query(bs_store *store, const bench_opts *o, const char *path)
{
    char name[256], msg[400];
    query_name(path, name, sizeof name);
    char *text = NULL, *err = NULL;
    size_t len = 0;
    bs_sparql *q = NULL;
    bool ok = false;
    if (read_file(path, &text, &len) != BS_OK) {
        print_fail(name, "cannot read the query file");
        goto fail;
    }
    bs_sparql_error perr = {0};
    bs_status st = bs_sparql_parse(text, len, NULL, false, &q, &perr);
    if (st != BS_OK) {
        snprintf(msg, sizeof msg, "parse: %s at %ld:%ld: %s", bs_strerror(st),
                 perr.line, perr.col, perr.msg);
        print_fail(name, msg);
        goto fail;
    }
    bs_sparql_opts so = {.union_default = o->union_default,
                         .timeout = o->timeout,
                         .visible = o->public_only ? public_only : NULL};
    double ms[MAX_RUNS];
    long rows = -1, r = 0;
    size_t sink = 0;
    for (int i = -1; i < o->runs; i++) { /* run -1 is the warm-up */
        double t0 = now_ms();
        st = o->format ? write_once(store, q, &so, o->format, &r, &err)
                       : run_once(store, q, &so, &r, &sink, &err);
        double t1 = now_ms();
        if (st != BS_OK) {
            snprintf(msg, sizeof msg, "%s: %s", bs_strerror(st), err ? err : "");
            print_fail(name, msg);
            goto fail;
        }
        if (rows >= 0 && r != rows)
            fprintf(stderr, "query_bench: %s: %ld rows, then %ld\n", name, rows, r);
        rows = r;
        if (i >= 0)
            ms[i] = t1 - t0;
    }
    printf("%s\t%.3f\t%ld\t", name, median(ms, o->runs), rows);
    for (int i = 0; i < o->runs; i++)
        printf("%s%.3f", i ? "," : "", ms[i]);
    printf("\n");
    fflush(stdout);
    if (sink == 42) /* keeps the touches from being optimised away */
        fputc(' ', stderr);
    ok = true;
fail:
    free(err);
    bs_sparql_free(q);
    free(text);
    return ok;
}

/* --closure-files DIR [--catalog C]... ROOT */
static int closure_files(int argc, char **argv)
{
    const char *dir = NULL, *root = NULL, *cats[16];
    size_t ncat = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--closure-files") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--catalog") == 0 && i + 1 < argc && ncat < 16)
            cats[ncat++] = argv[++i];
        else
            root = argv[i];
    }
    if (!dir || !root) {
        fprintf(stderr, "usage: query_bench --closure-files DIR [--catalog C]... ROOT.ttl\n");
        return 2;
    }
    bs_store *store = NULL;
    bs_load_report rep;
    memset(&rep, 0, sizeof rep);
    int rc = 1;
    bs_status st = bs_store_open(dir, BS_STORE_CREATE, &store);
    if (st != BS_OK) {
        fprintf(stderr, "query_bench: %s: %s\n", dir, bs_strerror(st));
        goto fail;
    }
    bs_load_opts lo = {.imports = true, .catalogs = cats, .n_catalogs = ncat};
    const char *paths[1] = {root};
    st = bs_load_files(store, paths, 1, &lo, &rep);
    if (st != BS_OK) {
        fprintf(stderr, "query_bench: load %s: %s: %s\n", root, bs_strerror(st),
                rep.err_msg ? rep.err_msg : "");
        goto fail;
    }
    for (size_t i = 0; i < rep.n_graphs; i++)
        printf("%s\t%s\n", rep.graphs[i].iri, rep.graphs[i].file);
    for (size_t i = 0; i < rep.n_unresolved; i++)
        fprintf(stderr, "query_bench: unresolved import %s\n", rep.unresolved[i]);
    rc = 0;
fail:
    bs_load_report_free(&rep);
    bs_store_close(store);
    return rc;
}

static int usage(void)
{
    fprintf(stderr,
            "usage: query_bench --store DIR [--runs N] [--union] [--timeout S] [--format F] Q.rq...\n"
            "       query_bench --closure-files DIR [--catalog C]... ROOT.ttl\n");
    return 2;
}

int main(int argc, char **argv)
{
    bs_tune_malloc();
    bench_opts o = {.runs = 5};
    int first = argc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--closure-files") == 0)
            return closure_files(argc - 1, argv + 1);
        if (strcmp(argv[i], "--store") == 0 && i + 1 < argc)
            o.store_dir = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            o.runs = atoi(argv[++i]);
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            o.timeout = atof(argv[++i]);
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            o.format = argv[++i];
        else if (strcmp(argv[i], "--union") == 0)
            o.union_default = true;
        else if (strcmp(argv[i], "--public-only") == 0)
            o.public_only = true;
        else if (argv[i][0] == '-')
            return usage();
        else {
            first = i;
            break;
        }
    }
    if (!o.store_dir || first >= argc || o.runs < 1 || o.runs >= MAX_RUNS)
        return usage();
    bs_store *store = NULL;
    bs_status st = bs_store_open(o.store_dir, BS_STORE_RDONLY, &store);
    if (st != BS_OK) {
        fprintf(stderr, "query_bench: %s: %s\n", o.store_dir, bs_strerror(st));
        return 1;
    }
    /* the text index, as battstore query and serve attach it (none with
     * BATTSTORE_NO_SEARCH=1): substring FILTERs may use it */
    bs_search *idx = NULL;
    if (bs_search_attach(store, NULL, &idx) != BS_OK) idx = NULL;
    int rc = 0;
    for (int i = first; i < argc; i++)
        if (!bench_query(store, &o, argv[i]))
            rc = 1;
    bs_search_detach(idx);
    bs_store_close(store);
    return rc;
}
