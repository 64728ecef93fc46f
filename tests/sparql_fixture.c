/* SPDX-License-Identifier: MIT
 * battstore tests — shared SPARQL fixtures (see sparql_fixture.h). */
#include "config.h"
#include "sparql_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void bs_fx_update(bs_store *store, const char *text)
{
    bs_sparql *u = NULL;
    bs_sparql_error e = {0};
    char *err = NULL;
    ck_assert_msg(bs_sparql_parse(text, strlen(text), NULL, true, &u, &e) == BS_OK,
                  "update: %s", e.msg);
    bs_status st = bs_sparql_update(store, u, NULL, NULL, NULL, &err);
    ck_assert_msg(st == BS_OK, "update: %s", err ? err : bs_strerror(st));
    free(err);
    bs_sparql_free(u);
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *bs_fx_sorted_tsv(bs_store *store, const char *text, const bs_sparql_opts *opts)
{
    bs_sparql *q = NULL;
    bs_sparql_error e = {0};
    ck_assert_msg(bs_sparql_parse(text, strlen(text), NULL, false, &q, &e) == BS_OK, "%s",
                  e.msg);
    char *out = NULL, *err = NULL;
    size_t olen = 0;
    FILE *f = open_memstream(&out, &olen);
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(bs_sparql_write(store, q, opts, "tsv", f, &err) == BS_OK, "%s: %s", text,
                  err ? err : "?");
    fclose(f);
    bs_sparql_free(q);
    size_t nl = 0;
    for (size_t i = 0; i < olen; i++) nl += out[i] == '\n';
    char **lines = calloc(nl + 1, sizeof *lines);
    ck_assert_ptr_nonnull(lines);
    size_t k = 0;
    for (char *save, *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        lines[k++] = l;
    if (k > 1) qsort(lines + 1, k - 1, sizeof *lines, line_cmp);
    char *res = malloc(olen + 2), *p = res;
    ck_assert_ptr_nonnull(res);
    *p = 0;
    for (size_t i = 0; i < k; i++) p += sprintf(p, "%s\n", lines[i]);
    free(lines);
    free(out);
    return res;
}
