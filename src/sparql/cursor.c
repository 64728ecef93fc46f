/* SPDX-License-Identifier: MIT
 * battstore — the public query cursor: a read snapshot, the exec, the
 * iterator of the query's algebra, and term views of its rows (SELECT),
 * its answer (ASK) or its triples (CONSTRUCT / DESCRIBE). */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdlib.h>
#include <string.h>

struct bs_sparql_cursor {
    bs_txn *txn;
    bs_sp_exec *ex;
    const bs_sparql *q;
    bs_sp_iter *it;         ///< the solutions (NULL once given to tr)
    bs_sp_triples *tr;      ///< CONSTRUCT / DESCRIBE
    bs_id *row;             ///< nvars ids
    bs_term *views;         ///< nproj views
    const bs_term **ptrs;   ///< nproj pointers into views, NULL = unbound
    char *err;
    bs_status fail_st;      ///< the error that ended the cursor
    bool done;
    bool asked, answer;     ///< ASK: ran, and its answer
};

/* Record the error that ends the cursor; returns st. */
static bs_status fail_with(bs_sparql_cursor *c, bs_status st)
{
    c->done = true;
    c->fail_st = st;
    if (!c->err) {
        const char *m = c->ex ? bs_sp_exec_errmsg(c->ex) : NULL;
        c->err = strdup(m ? m : bs_strerror(st));
    }
    return st;
}

static bs_status open_solutions(bs_sparql_cursor *c)
{
    const bs_sparql *q = c->q;
    bs_status st;
    if (q->form == BS_SPARQL_DESCRIBE && !q->root)
        return bs_sp_describe_new(c->ex, NULL, &c->tr);
    TRY(st, bs_sp_eval(c->ex, q->root, BS_SP_DEFAULT_GRAPH, NULL, &c->it));
    if (q->form == BS_SPARQL_CONSTRUCT || q->form == BS_SPARQL_DESCRIBE) {
        bs_sp_iter *it = c->it;
        c->it = NULL; /* the triple stream takes the iterator */
        if (q->form == BS_SPARQL_CONSTRUCT) st = bs_sp_construct_new(c->ex, it, &c->tr);
        else st = bs_sp_describe_new(c->ex, it, &c->tr);
    }
fail:
    return st;
}

bs_status bs_sparql_open(bs_store *store, const bs_sparql *q,
                         const bs_sparql_opts *opts, bs_sparql_cursor **out,
                         char **err)
{
    bs_status st = BS_ERR_NOMEM;
    *out = NULL;
    if (err) *err = NULL;
    if (!q || q->form == BS_SPARQL_UPDATE) {
        if (err) *err = strdup("not a query: use bs_sparql_update()");
        return BS_ERR_ARG;
    }
    bs_sparql_cursor *c = calloc(1, sizeof *c);
    if (!c) return BS_ERR_NOMEM;
    c->q = q;
    size_t np = q->nproj;
    c->row = calloc(q->nvars + 1, sizeof *c->row);
    c->views = calloc(np + 1, sizeof *c->views);
    c->ptrs = calloc(np + 1, sizeof *c->ptrs);
    if (!c->row || !c->views || !c->ptrs) goto fail;
    TRY(st, bs_txn_begin(store, false, &c->txn));
    TRY(st, bs_sp_exec_new(c->txn, q, opts, &c->ex));
    TRY(st, open_solutions(c));
    *out = c;
    return BS_OK;
fail:
    fail_with(c, st);
    if (err) {
        *err = c->err;
        c->err = NULL;
    }
    bs_sparql_close(c);
    return st;
}

bs_sparql_form bs_sparql_cursor_form(const bs_sparql_cursor *c)
{
    return c->q->form;
}

size_t bs_sparql_cursor_nvars(const bs_sparql_cursor *c)
{
    return c->q->form == BS_SPARQL_SELECT ? c->q->nproj : 0;
}

const char *bs_sparql_cursor_var(const bs_sparql_cursor *c, size_t i)
{
    if (i >= bs_sparql_cursor_nvars(c)) return NULL;
    return c->q->vars[c->q->proj[i]].name;
}

bs_status bs_sparql_next(bs_sparql_cursor *c, const bs_term *const **row)
{
    if (c->done) return c->fail_st != BS_OK ? c->fail_st : BS_END;
    if (!c->it) return BS_ERR_ARG;
    bs_status st = c->it->next(c->it, c->row);
    if (st == BS_END) {
        c->done = true;
        return BS_END;
    }
    if (st != BS_OK) return fail_with(c, st);
    /* locals: the stores into the views could alias c for the compiler */
    const int *proj = c->q->proj;
    const bs_id *ids = c->row;
    bs_term *views = c->views;
    const bs_term **ptrs = c->ptrs;
    bs_sp_exec *ex = c->ex;
    for (size_t i = 0, np = c->q->nproj; i < np; i++) {
        bs_id id = ids[proj[i]];
        ptrs[i] = NULL;
        if (!id) continue;
        if ((st = bs_sp_term(ex, id, &views[i])) != BS_OK) {
            bs_sp_error(ex, "a result refers to an unknown term id %llu",
                        (unsigned long long)id);
            return fail_with(c, st == BS_NOT_FOUND ? BS_ERR_CORRUPT : st);
        }
        ptrs[i] = &views[i];
    }
    *row = c->ptrs;
    return BS_OK;
}

bs_status bs_sparql_next_triple(bs_sparql_cursor *c, bs_term t[3])
{
    if (c->done) return c->fail_st != BS_OK ? c->fail_st : BS_END;
    if (!c->tr) return BS_ERR_ARG;
    bs_id ids[3];
    bs_status st = bs_sp_triples_next(c->tr, ids);
    if (st == BS_END) {
        c->done = true;
        return BS_END;
    }
    if (st != BS_OK) return fail_with(c, st);
    for (int i = 0; i < 3; i++) {
        if ((st = bs_sp_term(c->ex, ids[i], &t[i])) != BS_OK) {
            bs_sp_error(c->ex, "a result refers to an unknown term id %llu",
                        (unsigned long long)ids[i]);
            return fail_with(c, st == BS_NOT_FOUND ? BS_ERR_CORRUPT : st);
        }
    }
    return BS_OK;
}

bs_status bs_sparql_ask(bs_sparql_cursor *c, bool *out)
{
    *out = false;
    if (c->fail_st != BS_OK) return c->fail_st;
    if (c->asked) {
        *out = c->answer;
        return BS_OK;
    }
    if (!c->it) return BS_ERR_ARG;
    bs_status st = c->it->next(c->it, c->row);
    c->done = true;
    if (st == BS_OK || st == BS_END) {
        c->asked = true;
        c->answer = *out = st == BS_OK;
        return BS_OK;
    }
    return fail_with(c, st);
}

const char *bs_sparql_cursor_error(const bs_sparql_cursor *c)
{
    return c ? c->err : NULL;
}

void bs_sparql_close(bs_sparql_cursor *c)
{
    if (!c) return;
    if (c->tr) bs_sp_triples_free(c->tr);
    if (c->it) c->it->free(c->it);
    bs_sp_exec_free(c->ex);
    bs_txn_abort(c->txn);
    free(c->row);
    free(c->views);
    free(c->ptrs);
    free(c->err);
    free(c);
}
