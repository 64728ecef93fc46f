/* SPDX-License-Identifier: MIT
 * battstore — the cost of a write hook on a bulk load: load FILE into a
 * fresh store DIR with no hook, or with a hook that does nothing watching
 * the text predicates (dcterms:title/description, dcat:keyword,
 * rdfs:label, skos:prefLabel).
 *
 * Usage: bench/hook_bench DIR FILE [hook]   (prints seconds, literals) */
#include "config.h"
#include "ingest/ingest.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const preds[] = {
    "http://purl.org/dc/terms/title", "http://purl.org/dc/terms/description",
    "http://www.w3.org/ns/dcat#keyword", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel"};
#define NPREDS (sizeof preds / sizeof *preds)

static bs_status noop(bs_txn *txn, const bs_id *lits, size_t n, void *ctx)
{
    (void)txn; (void)lits;
    *(size_t *)ctx += n;
    return BS_OK;
}

static bs_status intern_preds(bs_txn *t, void *ctx)
{
    bs_id *ids = ctx;
    bs_status st = BS_OK;
    for (size_t i = 0; i < NPREDS && st == BS_OK; i++) {
        bs_term term = bs_term_iri(preds[i], strlen(preds[i]));
        st = bs_dict_intern(t, &term, &ids[i]);
    }
    return st;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DIR FILE [hook]\n", argv[0]);
        return 2;
    }
    bs_store *s = NULL;
    bs_id ids[NPREDS];
    size_t seen = 0;
    bs_load_report rep;
    bs_status st = bs_store_open(argv[1], BS_STORE_CREATE, &s);
    if (st == BS_OK) st = bs_store_write(s, intern_preds, ids);
    if (st == BS_OK && argc > 3) {
        bs_store_hook h = {"bench", ids, NPREDS, noop, &seen, NULL, NULL, NULL};
        st = bs_store_hook_add(s, &h);
    }
    if (st != BS_OK) goto fail;
    const char *paths[] = {argv[2]};
    double t0 = now();
    st = bs_load_files(s, paths, 1, NULL, &rep);
    double t1 = now();
    bs_load_report_free(&rep);
    if (st != BS_OK) goto fail;
    printf("%s\t%.3f s\t%zu literals\n", argc > 3 ? "hook" : "none", t1 - t0, seen);
    bs_store_close(s);
    return 0;
fail:
    fprintf(stderr, "hook_bench: %s\n", bs_strerror(st));
    bs_store_close(s);
    return 1;
}
