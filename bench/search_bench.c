/* SPDX-License-Identifier: MIT
 * battstore — search benchmark driver: times bs_search_run / bs_search_suggest in-process. */

/*
 * Usage:
 *   bench/search_bench --store DIR [--runs N] [--limit N] [--no-facets]
 *                      [--no-expand] [--no-cache] [--suggest] QUERY...
 *       Opens the store read-only with its text index attached, then for
 *       each QUERY (search syntax, or a prefix with --suggest): 1 warm-up
 *       and N timed runs (default 200), each in its own read transaction
 *       (begin + search + free + abort: what a /search request does less
 *       the JSON).  The snapshot cache (src/search/qcache.c) is on, as in
 *       a server: the first search of the process starts its background
 *       build and answers through the index seeks (COLD_MS); the timed
 *       runs start once the build has ended (BUILD_MS: how long it took,
 *       "-" when no build ran for this query); --no-cache: the index-seek
 *       path.  Prints one tab-separated line per query:
 *         QUERY  P50_MS  P99_MS  MAX_MS  TOTAL  HITS  COLD_MS  EXACT  BUILD_MS
 *       (TOTAL = matching resources, or suggestions with --suggest; EXACT
 *       1 when the total is exact), or
 *         QUERY  FAIL  -  -  -  MESSAGE
 * Exit status 0 when every query ran, 1 otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "search/qcache.h"
#include "search/search.h"
#include "store/store.h"

#define MAX_RUNS 100000

typedef struct {
    const char *store_dir;
    int runs;
    size_t limit;
    bool no_facets, no_expand, suggest, no_cache;
} bench_opts;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One run: *total and *hits from the result. */
static bs_status run_once(const bench_opts *o, bs_store *store, bs_search *s, const char *q,
                          uint64_t *total, size_t *hits, bool *exact)
{
    bs_txn *txn = NULL;
    bs_status st = bs_txn_begin(store, false, &txn);
    if (st != BS_OK) return st;
    if (o->suggest) {
        bs_search_suggestion *v = NULL;
        size_t n = 0;
        st = bs_search_suggest(s, txn, q, o->limit, NULL, NULL, &v, &n);
        *total = n;
        *hits = n;
        *exact = true;
        bs_search_suggestions_free(v, n);
    } else {
        bs_search_query sq = {.q = q, .limit = o->limit, .no_facets = o->no_facets,
                              .no_expand = o->no_expand};
        bs_search_result *r = NULL;
        st = bs_search_run(s, txn, &sq, &r);
        if (st == BS_OK) {
            *total = r->total;
            *hits = r->nhits;
            *exact = r->total_exact;
        }
        bs_search_result_free(r);
    }
    bs_txn_abort(txn);
    return st;
}

static bool bench_query(const bench_opts *o, bs_store *store, bs_search *s, const char *q,
                        double *ms)
{
    uint64_t total = 0;
    size_t hits = 0;
    bool exact = false;
    bs_qcache_stats before, after;
    bs_qcache_stats_get(s, &before);
    double t0 = now_ms();
    bs_status st = run_once(o, store, s, q, &total, &hits, &exact); /* warm-up */
    double cold = now_ms() - t0;
    bs_qcache_wait(s); /* no transaction held here */
    bs_qcache_stats_get(s, &after);
    char build[32] = "-";
    if (after.built > before.built)
        snprintf(build, sizeof build, "%.1f", after.build_ms);
    for (int i = 0; st == BS_OK && i < o->runs; i++) {
        t0 = now_ms();
        st = run_once(o, store, s, q, &total, &hits, &exact);
        ms[i] = now_ms() - t0;
    }
    if (st != BS_OK) {
        printf("%s\tFAIL\t-\t-\t-\t%s\n", q, bs_strerror(st));
        return false;
    }
    qsort(ms, (size_t)o->runs, sizeof *ms, cmp_double);
    int n = o->runs, i99 = (int)(0.99 * (n - 1) + 0.5);
    printf("%s\t%.3f\t%.3f\t%.3f\t%llu\t%zu\t%.3f\t%d\t%s\n", q, ms[(n - 1) / 2], ms[i99],
           ms[n - 1], (unsigned long long)total, hits, cold, exact ? 1 : 0, build);
    fflush(stdout);
    return true;
}

static int usage(void)
{
    fputs("usage: search_bench --store DIR [--runs N] [--limit N] [--no-facets] "
          "[--no-expand] [--no-cache] [--suggest] QUERY...\n", stderr);
    return 2;
}

int main(int argc, char **argv)
{
    bench_opts o = {.runs = 200, .limit = 10};
    int i = 1;
    for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--store") && i + 1 < argc) o.store_dir = argv[++i];
        else if (!strcmp(a, "--runs") && i + 1 < argc) o.runs = atoi(argv[++i]);
        else if (!strcmp(a, "--limit") && i + 1 < argc) o.limit = (size_t)atoi(argv[++i]);
        else if (!strcmp(a, "--no-facets")) o.no_facets = true;
        else if (!strcmp(a, "--no-expand")) o.no_expand = true;
        else if (!strcmp(a, "--suggest")) o.suggest = true;
        else if (!strcmp(a, "--no-cache")) o.no_cache = true;
        else return usage();
    }
    if (!o.store_dir || i == argc || o.runs < 1 || o.runs > MAX_RUNS) return usage();
    bs_qcache_set_mode(o.no_cache ? BS_QCACHE_OFF : BS_QCACHE_ON);
    bs_store *store = NULL;
    bs_search *s = NULL;
    bs_status st = bs_store_open(o.store_dir, BS_STORE_RDONLY, &store);
    if (st == BS_OK) st = bs_search_attach(store, NULL, &s);
    if (st == BS_OK && !s) st = BS_ERR_UNSUPPORTED;
    if (st != BS_OK) {
        fprintf(stderr, "search_bench: %s: %s\n", o.store_dir, bs_strerror(st));
        bs_store_close(store);
        return 1;
    }
    double *ms = malloc(sizeof *ms * (size_t)o.runs);
    bool ok = ms != NULL;
    for (; ms && i < argc; i++)
        if (!bench_query(&o, store, s, argv[i], ms)) ok = false;
    free(ms);
    bs_search_detach(s);
    bs_store_close(store);
    return ok ? 0 : 1;
}
