/* SPDX-License-Identifier: MIT
 * battstore — W3C SPARQL 1.0 / 1.1 conformance runner (in-process).
 *
 *   w3c_runner [-v] [-k FILE] [-w FILE] [FILTER...]
 *
 * Runs every test of $BS_SHARED/w3c-rdf-tests/sparql/{sparql10,sparql11}/
 * DIR/manifest.ttl (FILTER: only tests whose "area/name" contains one of
 * the strings).  Prints one line per unexpected outcome, counts per area,
 * and last "N passed, N failed, N skipped".  -k: the known failures
 * (default tests/w3c/known-failures.txt); -w: write the failures seen in
 * that file's format; -v: also list known failures and skips. */
#define _GNU_SOURCE
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "manifest.h"
#include "run.h"
#include "w3c.h"

#ifndef BS_W3C_SHARED
#define BS_W3C_SHARED "../shared"
#endif
#ifndef BS_W3C_KNOWN
#define BS_W3C_KNOWN "tests/w3c/known-failures.txt"
#endif

/* Whole areas that need what an in-process run cannot give. */
static const char *const skipped_areas[][2] = {
    {"protocol", "SPARQL Protocol (HTTP endpoint)"},
    {"graph-store-protocol", "Graph Store Protocol (HTTP)"},
    {"http-rdf-update", "Graph Store Protocol (HTTP)"},
    {"service-description", "service descriptions (HTTP)"},
    {"entailment", "entailment regimes are not supported"},
};

/* ---- known failures ----------------------------------------------------------- */

typedef struct {
    char **id;
    bool *seen;
    size_t n;
} known;

static int known_read(known *k, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[2048];
    if (!f) return 0; /* no file: nothing known */
    while (fgets(line, sizeof line, f)) {
        char *s = line + strspn(line, " \t");
        if (*s == '#' || *s == '\n' || !*s) continue;
        s[strcspn(s, " \t\r\n")] = 0;
        char **id = realloc(k->id, (k->n + 1) * sizeof *id);
        bool *seen = realloc(k->seen, (k->n + 1) * sizeof *seen);
        if (id) k->id = id;
        if (seen) k->seen = seen;
        if (!id || !seen || !(k->id[k->n] = strdup(s))) break;
        k->seen[k->n++] = false;
    }
    fclose(f);
    return 0;
}

static bool known_has(known *k, const char *key, const char *iri)
{
    for (size_t i = 0; i < k->n; i++)
        if (!strcmp(k->id[i], key) || (iri && !strcmp(k->id[i], iri))) {
            k->seen[i] = true;
            return true;
        }
    return false;
}

/* ---- watchdog: a test that hangs or crashes is named before the end ----- */

static char current[512];

static void on_signal(int sig)
{
    static const char a[] = "\nw3c_runner: died in test ";
    ssize_t r = write(2, a, sizeof a - 1);
    r = write(2, current, strlen(current));
    r = write(2, sig == SIGALRM ? " (hung)\n" : "\n", sig == SIGALRM ? 8 : 1);
    (void)r;
    signal(sig, SIG_DFL);
    raise(sig);
}

static void watchdog(void)
{
    signal(SIGALRM, on_signal);
#if !defined(__SANITIZE_ADDRESS__)
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGABRT, on_signal);
    signal(SIGFPE, on_signal);
#endif
}

/* ---- running areas ----------------------------------------------------------- */

typedef struct {
    size_t pass, fail, skip, known;
} counts;

typedef struct {
    bool verbose;
    char **filters;
    size_t nfilters;
    known known;
    FILE *write_known;
    const char *root;
    counts total;
} runner;

static bool wanted(const runner *r, const char *key)
{
    if (!r->nfilters) return true;
    for (size_t i = 0; i < r->nfilters; i++)
        if (strstr(key, r->filters[i])) return true;
    return false;
}

static const char *area_skip(const char *dir)
{
    for (size_t i = 0; i < sizeof skipped_areas / sizeof skipped_areas[0]; i++)
        if (!strcmp(dir, skipped_areas[i][0])) return skipped_areas[i][1];
    return NULL;
}

static void one_test(runner *r, const char *area, const w3c_test *t,
                     const char *skip, counts *c)
{
    char key[512], why[1200];
    if (snprintf(key, sizeof key, "%s/%s", area, t->id) >= (int)sizeof key)
        key[sizeof key - 1] = 0;
    if (!wanted(r, key)) return;
    snprintf(current, sizeof current, "%s", key);
    alarm(120);
    w3c_outcome o = skip ? W3C_SKIP : w3c_run_test(t, r->root, 10.0, why, sizeof why);
    alarm(0);
    if (skip) snprintf(why, sizeof why, "%s", skip);
    bool is_known = known_has(&r->known, key, t->iri);
    if (o == W3C_SKIP) {
        c->skip++;
        if (r->verbose) printf("SKIP %s: %s\n", key, why);
    } else if (o == W3C_FAIL && is_known) {
        c->known++;
        if (r->verbose) printf("KNOWN %s: %s\n", key, why);
    } else if (o == W3C_FAIL) {
        c->fail++;
        printf("FAIL %s: %s\n", key, why);
    } else if (is_known) {
        c->fail++;
        printf("FIXED %s: passes now: remove it from known-failures.txt\n", key);
    } else {
        c->pass++;
    }
    if (o == W3C_FAIL && r->write_known) {
        for (char *p = why; *p; p++)
            if (*p == '\n' || *p == '\r') *p = ' ';
        fprintf(r->write_known, "%s  %s\n", key, why);
    }
    fflush(stdout);
}

static void run_area(runner *r, const char *suite_dir, const char *suite,
                     const char *dir)
{
    char path[4400], area[300], err[600] = "";
    snprintf(path, sizeof path, "%s/%s", suite_dir, dir);
    if (snprintf(area, sizeof area, "%s/%s", suite, dir) >= (int)sizeof area)
        return;
    w3c_test *tests;
    size_t n;
    counts c = {0};
    if (w3c_manifest_read(path, &tests, &n, err, sizeof err)) {
        if (wanted(r, area)) {
            printf("FAIL %s: cannot read the manifest: %s\n", area, err);
            r->total.fail++;
        }
        return;
    }
    const char *skip = area_skip(dir);
    for (size_t i = 0; i < n; i++) one_test(r, area, &tests[i], skip, &c);
    w3c_tests_free(tests, n);
    if (c.pass + c.fail + c.skip + c.known)
        printf("%s: %zu passed, %zu failed, %zu skipped, %zu known\n", area,
               c.pass, c.fail, c.skip, c.known);
    r->total.pass += c.pass;
    r->total.fail += c.fail;
    r->total.skip += c.skip;
    r->total.known += c.known;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_suite(runner *r, const char *base, const char *suite)
{
    char dir[4096], man[4400];
    struct dirent **ents;
    snprintf(dir, sizeof dir, "%s/%s", base, suite);
    int n = scandir(dir, &ents, NULL, by_name);
    for (int i = 0; i < n; i++) {
        struct stat sb;
        snprintf(man, sizeof man, "%s/%s/manifest.ttl", dir, ents[i]->d_name);
        if (ents[i]->d_name[0] != '.' && stat(man, &sb) == 0)
            run_area(r, dir, suite, ents[i]->d_name);
        free(ents[i]);
    }
    if (n >= 0) free(ents);
}

int main(int argc, char **argv)
{
    runner r = {0};
    const char *known_path = getenv("BS_W3C_KNOWN");
    const char *write_path = NULL;
    if (!known_path) known_path = BS_W3C_KNOWN;
    r.filters = calloc((size_t)argc, sizeof *r.filters);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) r.verbose = true;
        else if (!strcmp(argv[i], "-k") && i + 1 < argc) known_path = argv[++i];
        else if (!strcmp(argv[i], "-w") && i + 1 < argc) write_path = argv[++i];
        else if (r.filters) r.filters[r.nfilters++] = argv[i];
    }
    const char *shared = getenv("BS_SHARED");
    char base[4096];
    snprintf(base, sizeof base, "%s/w3c-rdf-tests/sparql",
             shared && *shared ? shared : BS_W3C_SHARED);
    struct stat sb;
    if (stat(base, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        const char *req = getenv("BS_REQUIRE_SHARED");
        bool must = req && !strcmp(req, "1");
        printf("%s: %s not found%s\n", must ? "FAIL" : "SKIP", base,
               must ? " (BS_REQUIRE_SHARED=1)" : "");
        free(r.filters);
        return must ? 1 : 77;
    }
    /* The loader names files by their real path: so must the runner,
     * or a ../shared that is a symbolic link gives other IRIs. */
    char *real = realpath(base, NULL);
    if (real) {
        snprintf(base, sizeof base, "%s", real);
        free(real);
    }
    r.root = base;
    known_read(&r.known, known_path);
    if (write_path && !(r.write_known = fopen(write_path, "w"))) {
        perror(write_path);
        return 1;
    }
    watchdog();
    run_suite(&r, base, "sparql10");
    run_suite(&r, base, "sparql11");
    for (size_t i = 0; i < r.known.n; i++) {
        if (!r.known.seen[i] && !r.nfilters)
            printf("NOTE %s is listed in known-failures.txt but was not run\n", r.known.id[i]);
        free(r.known.id[i]);
    }
    free(r.known.id);
    free(r.known.seen);
    free(r.filters);
    if (r.write_known) fclose(r.write_known);
    w3c_model_done();
    printf("%zu known failures (%s)\n", r.total.known, known_path);
    printf("%zu passed, %zu failed, %zu skipped\n", r.total.pass, r.total.fail,
           r.total.skip);
    return r.total.fail ? 1 : 0;
}
