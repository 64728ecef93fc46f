/* SPDX-License-Identifier: MIT
 * battstore — the property function bs:matches and the function bs:score
 * (bs: = https://w3id.org/battstore#), served by the text index.
 *
 *   ?lit bs:matches "query"          (or a bound variable as the object)
 *   ORDER BY DESC(bs:score(?lit, "query"))
 *
 * In a basic graph pattern a bs:matches triple is a generator: it yields
 * the literals bs_search_match() returns for the query, ascending by id,
 * keeping only those that are the object of at least one quad of the
 * active graph visible to the request (a literal held only by a graph
 * the caller may not see is never produced), bound to the subject.  The
 * matches of each query string are computed once and kept for the life
 * of the query (bs:score reads the same list). */
#include "config.h"
#include "sparql/exec_int.h"
#include "search/search.h"

#include <stdlib.h>
#include <string.h>

#define MATCHES_IRI BS_NS "matches"
#define NO_INDEX_MSG "bs:matches needs the text index (battstore search --reindex)"
#define IN_UPDATE_MSG "bs:matches cannot be used in an update: the text index " \
                      "catches up with the update's own writes only at its commit"

typedef struct bs_sp_match {
    char *q;            ///< the query string
    bs_id *lits;        ///< ascending
    double *scores;
    size_t n, cap;
    bs_status st;       ///< a failed search is remembered too
    struct bs_sp_match *next;
} bs_sp_match;

struct bs_sp_mscan {
    bs_sp_exec *ex;
    const bs_sp_match *m;
    bs_id graph, pred, obj;
    size_t at, end;     ///< the part of m->lits still to yield
    bs_sp_scan *vis;    ///< visibility probe, re-aimed per literal
};

/* The id of the constant bs:matches in this request (0 when absent). */
static bs_id matches_id(bs_sp_exec *ex)
{
    if (ex->match_id_known) return ex->match_id;
    ex->match_id_known = true;
    ex->match_id = 0;
    size_t len = strlen(MATCHES_IRI);
    for (size_t i = 0; i < ex->q->nconsts; i++) {
        const bs_sp_const *c = &ex->q->consts[i];
        if (c->kind == BS_TERM_IRI && c->lex_len == len && !memcmp(c->lex, MATCHES_IRI, len)) {
            ex->match_id = bs_sp_const_id(ex, (int)i);
            break;
        }
    }
    return ex->match_id;
}

bool bs_sp_is_matches(bs_sp_exec *ex, const bs_sp_triple *t)
{
    if (t->p.cid < 0) return false;
    bs_id m = matches_id(ex);
    return m && bs_sp_const_id(ex, t->p.cid) == m;
}

static bs_status on_match(void *ctx, bs_id lit, double score)
{
    bs_sp_match *m = ctx;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        bs_id *l = realloc(m->lits, cap * sizeof *l);
        if (!l) return BS_ERR_NOMEM;
        m->lits = l;
        double *s = realloc(m->scores, cap * sizeof *s);
        if (!s) return BS_ERR_NOMEM;
        m->scores = s;
        m->cap = cap;
    }
    m->lits[m->n] = lit;
    m->scores[m->n++] = score;
    return BS_OK;
}

/* Run the search for q (once per query string and request).  Only with
 * an index that is exact for this transaction (bs_search_fresh_in): in
 * an update's WHERE the index has not seen the update's own writes yet,
 * and a stale index (written with indexing off) misses literals. */
static bs_status run_match(bs_sp_exec *ex, bs_sp_match *m)
{
    bs_search *s = bs_search_of(bs_txn_store(ex->txn));
    if (!bs_search_fresh_in(s, ex->txn)) return BS_ERR_UNSUPPORTED;
    return bs_search_match(s, ex->txn, m->q, on_match, m);
}

static bs_status match_error(bs_sp_exec *ex, bs_status st)
{
    if (st == BS_ERR_UNSUPPORTED && bs_txn_writable(ex->txn)) bs_sp_error(ex, IN_UPDATE_MSG);
    else if (st == BS_ERR_UNSUPPORTED) bs_sp_error(ex, NO_INDEX_MSG);
    else if (st == BS_ERR_PARSE) bs_sp_error(ex, "bs:matches: malformed search query");
    return st;
}

static bs_status bs_sp_match_get(bs_sp_exec *ex, const char *q, size_t len, const bs_sp_match **out)
{
    bs_sp_match *m;
    for (m = ex->matches; m; m = m->next)
        if (strlen(m->q) == len && !memcmp(m->q, q, len)) break;
    if (!m) {
        if (!(m = calloc(1, sizeof *m))) return BS_ERR_NOMEM;
        if (!(m->q = strndup(q, len))) { free(m); return BS_ERR_NOMEM; }
        m->next = ex->matches;
        ex->matches = m;
        m->st = run_match(ex, m);
    }
    *out = m;
    return m->st == BS_OK ? BS_OK : match_error(ex, m->st);
}

/* Index of lit in m, or m->n. */
static size_t find_lit(const bs_sp_match *m, bs_id lit)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->lits[mid] < lit) lo = mid + 1;
        else hi = mid;
    }
    return lo < m->n && m->lits[lo] == lit ? lo : m->n;
}

bs_status bs_sp_match_score(bs_sp_exec *ex, bs_id lit, const char *q, size_t len,
                            double *out)
{
    const bs_sp_match *m = NULL;
    bs_status st = bs_sp_match_get(ex, q, len, &m);
    *out = 0;
    if (st != BS_OK) return st;
    size_t i = find_lit(m, lit);
    if (i < m->n) *out = m->scores[i];
    return BS_OK;
}

void bs_sp_matches_free(bs_sp_exec *ex)
{
    while (ex->matches) {
        bs_sp_match *m = ex->matches;
        ex->matches = m->next;
        free(m->q);
        free(m->lits);
        free(m->scores);
        free(m);
    }
}

/* The query string a bs:matches pattern's object gives (id o). */
static bs_status query_text(bs_sp_exec *ex, bs_id o, bs_term *out)
{
    if (o == BS_ANY) {
        bs_sp_error(ex, "bs:matches needs a query string: a literal or a bound variable");
        return BS_ERR_ARG;
    }
    bs_status st = bs_sp_term(ex, o, out);
    if (st != BS_OK) return st;
    if (out->kind == BS_TERM_IRI || out->kind == BS_TERM_BNODE) {
        bs_sp_error(ex, "bs:matches: the query must be a literal");
        return BS_ERR_ARG;
    }
    return BS_OK;
}

double bs_sp_matches_estimate(bs_sp_exec *ex, const bs_sp_triple *t, const bs_id *seed)
{
    bs_id s = bs_sp_tpos_id(ex, t->s, seed), o = bs_sp_tpos_id(ex, t->o, seed);
    if (o == BS_ANY) return 1e15; /* after the pattern that binds the query */
    if (s != BS_ANY) return 1;
    bs_term q;
    const bs_sp_match *m = NULL;
    if (query_text(ex, o, &q) != BS_OK || bs_sp_match_get(ex, q.lex, q.lex_len, &m) != BS_OK)
        return 1; /* the error is reported when the level opens */
    return (double)m->n;
}

bs_status bs_sp_mscan_open(bs_sp_exec *ex, bs_id graph, bs_id s, bs_id p, bs_id o,
                           bs_sp_mscan **io)
{
    bs_term q;
    const bs_sp_match *m = NULL;
    bs_status st = query_text(ex, o, &q);
    if (st == BS_OK) st = bs_sp_match_get(ex, q.lex, q.lex_len, &m);
    if (st != BS_OK) return st;
    bs_sp_mscan *ms = *io;
    if (!ms) {
        if (!(ms = calloc(1, sizeof *ms))) return BS_ERR_NOMEM;
        *io = ms;
    }
    ms->ex = ex;
    ms->m = m;
    ms->graph = graph;
    ms->pred = p;
    ms->obj = o;
    ms->at = 0;
    ms->end = m->n;
    if (s != BS_ANY) { /* a given subject: at most that literal */
        ms->at = find_lit(m, s);
        ms->end = ms->at < m->n ? ms->at + 1 : ms->at;
    }
    return BS_OK;
}

/* Whether lit is the object of a quad of the active graph the request
 * may see (bs_sp_scan applies the dataset and visibility rules). */
static bs_status visible_lit(bs_sp_mscan *ms, bs_id lit, bool *out)
{
    bs_status st = ms->vis ? bs_sp_scan_reset(ms->vis, ms->graph, BS_ANY, BS_ANY, lit)
                           : bs_sp_scan_new(ms->ex, ms->graph, BS_ANY, BS_ANY, lit, &ms->vis);
    if (st != BS_OK) return st;
    bs_quad q;
    st = bs_sp_scan_next(ms->vis, &q);
    *out = st == BS_OK;
    return st == BS_END ? BS_OK : st;
}

bs_status bs_sp_mscan_next(bs_sp_mscan *ms, bs_quad *out)
{
    while (ms->at < ms->end) {
        bs_id lit = ms->m->lits[ms->at++];
        bool vis = false;
        bs_status st = bs_sp_tick(ms->ex);
        if (st == BS_OK) st = visible_lit(ms, lit, &vis);
        if (st != BS_OK) return st;
        if (!vis) continue;
        *out = (bs_quad){ lit, ms->pred, ms->obj, 0 };
        return BS_OK;
    }
    return BS_END;
}

void bs_sp_mscan_free(bs_sp_mscan *ms)
{
    if (!ms) return;
    bs_sp_scan_free(ms->vis);
    free(ms);
}
