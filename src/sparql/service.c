/* SPDX-License-Identifier: MIT
 * battstore — SERVICE (SPARQL 1.1 Federated Query): the query sent to
 * the endpoint, one call per distinct endpoint of a SERVICE pattern
 * (the answer is kept for the rest of the request), and the answer's
 * rows joined with the seed like any other pattern's.
 *
 * SERVICE <iri> { P }: the endpoint gets the request's PREFIX / BASE
 * declarations + "SELECT * WHERE { P }".  SERVICE ?v { P }: ?v must be
 * bound by the seed; a join gives it the other side's rows as seeds
 * (bs_sp_service_needs_seed).  SILENT: a failed call is the one empty
 * solution, unless the request itself ran out of time or was
 * cancelled. */
#include "config.h"
#include "sparql/service_int.h"
#include "sparql/parse_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/// Answer size cap when the request has no memory cap.
#define SERVICE_MAX_BYTES ((size_t)256 << 20)

/* ---- strings ----------------------------------------------------------- */

bs_status bs_sp_str_add(bs_sp_str *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) return BS_ERR_NOMEM;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
    return BS_OK;
}

/* ---- the remote query -------------------------------------------------- */

/* One declaration at the current token (BASE <iri> or PREFIX p: <iri>):
 * its text appended with a newline; tokens consumed.  Anything else: no
 * output (the request parsed, so this only skips keywords in odd spots). */
static bs_status one_decl(bs_sp_parser *p, bs_sp_str *out)
{
    bool base = bs_sp_is_word(p, "BASE");
    size_t from = p->t.start;
    bs_status st = bs_sp_lex_next(p);
    if (st != BS_OK) return st;
    if (!base) {
        if (p->t.kind != TK_PNAME) return BS_OK;
        if ((st = bs_sp_lex_next(p)) != BS_OK) return st;
    }
    if (p->t.kind != TK_IRI) return BS_OK;
    if ((st = bs_sp_str_add(out, p->text + from, p->t.end - from)) != BS_OK ||
        (st = bs_sp_str_add(out, "\n", 1)) != BS_OK)
        return st;
    return bs_sp_lex_next(p);
}

bs_status bs_sp_service_prologue(const char *text, size_t len, bs_sp_str *out)
{
    bs_sp_parser p = {.text = text, .len = len, .line = 1, .col = 1};
    bs_status st = BS_OK;
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) p.pos = 3;
    if (bs_sp_lex_next(&p) != BS_OK) goto done;
    while (p.t.kind != TK_EOF) {
        if (bs_sp_is_word(&p, "BASE") || bs_sp_is_word(&p, "PREFIX")) {
            if ((st = one_decl(&p, out)) != BS_OK) break;
        } else if (bs_sp_lex_next(&p) != BS_OK) {
            break;
        }
    }
done:
    free(p.buf);
    /* a lexer error cannot happen on parsed text; keep what was found */
    return st == BS_ERR_NOMEM ? st : BS_OK;
}

bs_status bs_sp_service_query(const char *prologue, const bs_sp_node *n,
                              char **out)
{
    bs_sp_str b = {0};
    const char *group = n->service_text ? n->service_text : "{}";
    bs_status st = BS_OK;
    TRY(st, bs_sp_str_add(&b, prologue, strlen(prologue)));
    TRY(st, bs_sp_str_add(&b, "SELECT * WHERE ", 15));
    TRY(st, bs_sp_str_add(&b, group, strlen(group)));
    TRY(st, bs_sp_str_add(&b, "\n", 1));
    *out = b.s;
    return BS_OK;
fail:
    free(b.s);
    return st;
}

/* ---- answers kept per request ------------------------------------------- */

typedef struct {
    const bs_sp_node *n;
    bs_id endpoint;
    bs_sp_rows rows; ///< the answer (SILENT failure: one empty row)
} answer;

struct bs_sp_service {
    char *prologue; ///< the request's declarations (made on first use)
    answer **v;     ///< each answer allocated alone: iterators point at it
    size_t n;
};

void bs_sp_service_free(struct bs_sp_service *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->n; i++) {
        bs_sp_rows_clear(&s->v[i]->rows);
        free(s->v[i]);
    }
    free(s->v);
    free(s->prologue);
    free(s);
}

static bs_status state_of(bs_sp_exec *ex, struct bs_sp_service **out)
{
    if (!ex->service) {
        struct bs_sp_service *s = calloc(1, sizeof *s);
        bs_sp_str b = {0};
        if (!s) return BS_ERR_NOMEM;
        bs_status st = bs_sp_str_add(&b, "", 0);
        if (st == BS_OK && ex->q->text)
            st = bs_sp_service_prologue(ex->q->text, strlen(ex->q->text), &b);
        if (st != BS_OK) {
            free(b.s);
            free(s);
            return st;
        }
        s->prologue = b.s;
        ex->service = s;
    }
    *out = ex->service;
    return BS_OK;
}

static answer *find_answer(struct bs_sp_service *s, const bs_sp_node *n,
                           bs_id endpoint)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i]->n == n && s->v[i]->endpoint == endpoint) return s->v[i];
    return NULL;
}

static bs_status add_answer(bs_sp_exec *ex, struct bs_sp_service *s,
                            const bs_sp_node *n, bs_id endpoint, answer **out)
{
    answer **v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    s->v = v;
    answer *a = calloc(1, sizeof *a);
    if (!a) return BS_ERR_NOMEM;
    a->n = n;
    a->endpoint = endpoint;
    bs_sp_rows_init(&a->rows, ex, ex->nvars);
    s->v[s->n++] = a;
    *out = a;
    return BS_OK;
}

/* ---- calling the endpoint ------------------------------------------------- */

/* Seconds left before the request's deadline (0 = no deadline); false
 * when none is left or the request was cancelled. */
static bool time_left(const bs_sp_exec *ex, double *left)
{
    *left = 0;
    if (ex->opts.cancel && *ex->opts.cancel) return false;
    if (!ex->has_deadline) return true;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    *left = (double)(ex->deadline.tv_sec - now.tv_sec) +
            (double)(ex->deadline.tv_nsec - now.tv_nsec) / 1e9;
    return *left > 0.001;
}

/* Call the endpoint and decode its answer into a->rows.  On failure a
 * one-line reason (without the "SERVICE <iri>: " part) in why. */
static bs_status call(bs_sp_exec *ex, struct bs_sp_service *s, answer *a,
                      const char *endpoint, char *why, size_t cap)
{
    bs_sparql_service_call c = {.endpoint = endpoint, .cancel = ex->opts.cancel};
    char *json = NULL, *err = NULL, *query = NULL;
    size_t len = 0;
    bs_status st;
    if (!time_left(ex, &c.timeout)) {
        snprintf(why, cap, "the query's time ran out before the call");
        return BS_ERR_TIMEOUT;
    }
    c.max_bytes = ex->opts.mem_limit ? ex->opts.mem_limit : SERVICE_MAX_BYTES;
    TRY(st, bs_sp_service_query(s->prologue, a->n, &query));
    c.query = query;
    bs_sparql_service_fn fn = ex->opts.service ? ex->opts.service : bs_sparql_service_http;
    st = fn(ex->opts.service_ctx, &c, &json, &len, &err);
    if (st != BS_OK) {
        snprintf(why, cap, "%s", err ? err : bs_strerror(st));
        goto fail;
    }
    st = bs_sp_service_decode(ex, a->n, json ? json : "", len, &a->rows, why, cap);
fail:
    free(query);
    free(json);
    free(err);
    return st;
}

/* The endpoint's IRI (caller frees); for an unbound variable or a term
 * that is not an IRI an error with a reason in why. */
static bs_status endpoint_of(bs_sp_exec *ex, const bs_sp_node *n,
                             const bs_id *seed, bs_id *id, char **out,
                             char *why, size_t cap)
{
    bs_term t;
    *out = NULL;
    *id = bs_sp_tpos_id(ex, n->graph, seed);
    if (*id == BS_ANY || *id == 0) {
        const char *v = n->graph.var >= 0 ? ex->q->vars[n->graph.var].name : "?";
        snprintf(why, cap, "SERVICE ?%s: the endpoint variable is not bound "
                 "(bind it before the SERVICE pattern)", v);
        return BS_ERR_UNSUPPORTED;
    }
    if (bs_sp_term(ex, *id, &t) != BS_OK || t.kind != BS_TERM_IRI) {
        snprintf(why, cap, "SERVICE: the endpoint is not an IRI");
        return BS_ERR_ARG;
    }
    if (!(*out = bs_sp_strndup(t.lex, t.lex_len))) return BS_ERR_NOMEM;
    return BS_OK;
}

/* SILENT: a failed call is the one empty solution. */
static bs_status silent_unit(bs_sp_exec *ex, bs_sp_rows *rows)
{
    bs_sp_rows_clear(rows);
    bs_id *unit = calloc(ex->nvars + 1, sizeof *unit);
    if (!unit) return BS_ERR_NOMEM;
    bs_status st = bs_sp_rows_push(rows, unit, NULL);
    free(unit);
    return st;
}

/* The answer of n's endpoint: kept, or called for now. */
static bs_status get_answer(bs_sp_exec *ex, const bs_sp_node *n,
                            const bs_id *seed, answer **out)
{
    struct bs_sp_service *s;
    char *endpoint = NULL, why[300] = "";
    bs_id id;
    double left;
    bs_status st;
    *out = NULL;
    TRY(st, state_of(ex, &s));
    if ((st = endpoint_of(ex, n, seed, &id, &endpoint, why, sizeof why)) != BS_OK) {
        if (!n->silent || st == BS_ERR_NOMEM) {
            if (st != BS_ERR_NOMEM) bs_sp_error(ex, "%s", why);
            goto fail;
        }
        id = 0; /* one kept unit answer for every such row */
    }
    st = BS_OK;
    if ((*out = find_answer(s, n, id))) goto fail;
    TRY(st, add_answer(ex, s, n, id, out));
    if (endpoint) {
        if ((st = call(ex, s, *out, endpoint, why, sizeof why)) == BS_OK) goto fail;
        /* SILENT covers the endpoint's failures, not the query's own
         * time limit: a call that timed out under a deadline ran into it
         * (the transfer's limit is the time left, so the clock read just
         * after may still show a millisecond or two before it). */
        bool out_of_time = st == BS_ERR_TIMEOUT && ex->has_deadline;
        if (!n->silent || st == BS_ERR_NOMEM || out_of_time || !time_left(ex, &left)) {
            bs_sp_error(ex, "SERVICE <%s>: %s", endpoint, why);
            goto fail;
        }
    }
    st = silent_unit(ex, &(*out)->rows);
fail:
    free(endpoint);
    return st;
}

/* ---- the iterator ---------------------------------------------------------- */

typedef struct {
    bs_sp_iter base;
    bs_sp_exec *ex;
    const answer *a; ///< borrowed from ex->service
    size_t i;
    bs_id *seed;     ///< NULL = none
} answer_iter;

static bs_status answer_next(bs_sp_iter *it, bs_id *row)
{
    answer_iter *ai = (answer_iter *)it;
    size_t nv = ai->ex->nvars;
    while (ai->i < ai->a->rows.n) {
        const bs_id *r = bs_sp_rows_at(&ai->a->rows, ai->i++);
        bs_status st = bs_sp_tick(ai->ex);
        if (st != BS_OK) return st;
        if (!ai->seed) {
            memcpy(row, r, nv * sizeof *row);
            return BS_OK;
        }
        if (!bs_sp_row_compatible(ai->seed, r, nv)) continue;
        memcpy(row, ai->seed, nv * sizeof *row);
        bs_sp_row_merge(row, r, nv);
        return BS_OK;
    }
    return BS_END;
}

static void answer_free(bs_sp_iter *it)
{
    answer_iter *ai = (answer_iter *)it;
    if (!ai) return;
    free(ai->seed);
    free(ai);
}

bs_status bs_sp_service_eval(bs_sp_exec *ex, const bs_sp_node *n,
                             const bs_id *seed, bs_sp_iter **out)
{
    answer *a;
    bs_status st = get_answer(ex, n, seed, &a);
    if (st != BS_OK) return st;
    if (!a) return BS_ERR_INTERNAL;
    answer_iter *ai = calloc(1, sizeof *ai);
    if (!ai) return BS_ERR_NOMEM;
    ai->base.next = answer_next;
    ai->base.free = answer_free;
    ai->ex = ex;
    ai->a = a;
    if (seed) {
        if (!(ai->seed = malloc((ex->nvars + 1) * sizeof(bs_id)))) {
            free(ai);
            return BS_ERR_NOMEM;
        }
        memcpy(ai->seed, seed, ex->nvars * sizeof(bs_id));
    }
    *out = &ai->base;
    return BS_OK;
}

bool bs_sp_service_needs_seed(const bs_sp_node *n)
{
    return n && n->op == BS_OP_SERVICE && n->graph.var >= 0;
}
