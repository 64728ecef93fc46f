/* SPDX-License-Identifier: MIT
 * battstore — running the highway's SELECT queries through the engine, row
 * by row, with the values as C strings. */
#include "config.h"
#include "dmp/dmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copy a row's values into NUL-terminated strings (NULL when unbound). */
static bs_status copy_row(const bs_term *const *row, size_t n, char **vals)
{
    for (size_t i = 0; i < n; i++) {
        vals[i] = NULL;
        if (!row[i]) continue;
        vals[i] = strndup(row[i]->lex, row[i]->lex_len);
        if (!vals[i]) return BS_ERR_NOMEM;
    }
    return BS_OK;
}

static void free_row(char **vals, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(vals[i]);
        vals[i] = NULL;
    }
}

bs_status bs_dmp_select(bs_store *store, const char *query, bs_dmp_row_fn fn, void *ctx,
                        char **err)
{
    return bs_dmp_select_opts(store, NULL, query, fn, ctx, err);
}

bs_status bs_dmp_select_opts(bs_store *store, const bs_sparql_opts *opts, const char *query,
                             bs_dmp_row_fn fn, void *ctx, char **err)
{
    bs_sparql *q = NULL;
    bs_sparql_cursor *c = NULL;
    bs_sparql_error perr = {0};
    char **vals = NULL;
    size_t n = 0;
    bs_status st = bs_sparql_parse(query, strlen(query), NULL, false, &q, &perr);
    if (st != BS_OK) {
        if (err && asprintf(err, "internal query %ld:%ld: %s", perr.line, perr.col, perr.msg) < 0)
            *err = NULL;
        goto fail;
    }
    bs_sparql_opts o = {0};
    if (opts) o = *opts;
    o.union_default = true;
    TRY(st, bs_sparql_open(store, q, &o, &c, err));
    n = bs_sparql_cursor_nvars(c);
    vals = calloc(n ? n : 1, sizeof *vals);
    if (!vals) { st = BS_ERR_NOMEM; goto fail; }
    const bs_term *const *row;
    while ((st = bs_sparql_next(c, &row)) == BS_OK) {
        st = copy_row(row, n, vals);
        if (st == BS_OK) st = fn(ctx, vals, n);
        free_row(vals, n);
        if (st != BS_OK) goto fail;
    }
    if (st == BS_END) st = BS_OK;
    else if (err && !*err && bs_sparql_cursor_error(c))
        *err = strdup(bs_sparql_cursor_error(c));
fail:
    free(vals);
    bs_sparql_close(c);
    bs_sparql_free(q);
    return st;
}
