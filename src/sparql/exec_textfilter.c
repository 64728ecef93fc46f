/* SPDX-License-Identifier: MIT
 * battstore — substring FILTERs answered from the text index.
 *
 * A BGP level whose pattern is  ?s P ?v  (P a constant the text index
 * covers, ?s and ?v first bound at this level, not by the seed) and
 * that has, among the filters placed at it, a conjunct
 *
 *   CONTAINS(X, "w")   STRSTARTS(X, "w")   REGEX(X, "w" [, "flags"])
 *   with X = ?v or LCASE(?v), w = ASCII letters and digits only (at
 *   least one), flags (a constant) made of i s m x q only
 *
 * does not scan every quad of P: it takes the literals whose tokens
 * contain w lower-cased, indexed in a field no worse than P's
 * (src/search/vocab.c: a superset of the objects of P that can satisfy
 * the conjunct), ascending by id, and for each one the
 * quads (?, P, literal) of the active graph through the same scan the
 * normal level uses (same graph, default-graph merge and visibility
 * rules).  The substring conjuncts of the level's filters are tested
 * once per candidate literal (exec_textfilter_check.c: a byte test where
 * it is exact, else the evaluator): before its quads are looked up
 * after a candidate that failed, after its first quad is found after
 * one that passed;
 * a literal that fails gives no row, a filter made of such conjuncts
 * only is not evaluated again on the rows, the other filters run on
 * every row.  So the rows are exactly
 * those of the full scan: a literal outside the candidates cannot pass
 * the conjunct (why: see
 * vocab.c; LCASE maps only A-Z, U+0130 and U+212A to ASCII letters,
 * and the index folds U+0130 to "i" and U+212A to "k" too; REGEX's caseless matching relates
 * ASCII letters to U+017F and U+212A, which fold to "s" and "k").  Only
 * their order differs (by literal id).  Not taken either when the
 * candidates' postings outnumber half the quads of P (a short needle:
 * the scan is cheaper).  Not taken: in a write
 * transaction, without an attached fresh index, for other shapes
 * (STR(?v), UCASE, a needle with '-', '_', spaces, non-ASCII...).
 *
 * The rows wait mostly on memory, not instructions: each candidate's
 * title and subject sit apart from the previous candidate's in the term
 * file, so the level has the offsets of the candidates a few places
 * ahead loaded, then their encodings, while it works on the current one
 * (bs_dict_prefetch_offsets/_terms, dict.c): the misses of several rows
 * overlap.
 *
 * One assumption: stored literals are valid UTF-8 (serd loads strictly).
 * An overlong encoding of an ASCII letter would be lower-cased by LCASE
 * but is a separator for the tokenizer. */
#include "config.h"
#include "sparql/exec_textfilter.h"
#include "search/vocab.h"

#include <stdlib.h>
#include <string.h>

#define NEEDLE_MAX 256
#define WALK_MAX 8 /* a subject numbered at most 8 ids before its title (load order) */
/* Prefetch distances (candidates ahead): the offsets at PF_FAR, the
 * encodings (subject to literal) at PF_NEAR. */
#define PF_NEAR 4
#define PF_FAR 8

int bs_sp_textfilter_policy;
unsigned long bs_sp_textfilter_taken;

/* The candidates of one needle and predicate, kept for the life of the
 * request. */
typedef struct bs_sp_tfcand {
    char *needle;
    bs_id p;
    bs_id *lits;        ///< ascending
    size_t n;
    bool too_many;      ///< more than half of p's quads: the scan is cheaper
    struct bs_sp_tfcand *next;
} bs_sp_tfcand;

struct bs_sp_tfscan {
    bs_sp_exec *ex;
    const bs_sp_tfcand *c;
    bs_id p;
    bs_id graph;
    size_t at;          ///< next candidate to aim at
    bs_sp_scan *sc;     ///< the quads of the current candidate
    bool live;          ///< sc is on a candidate that passed
    bool passed;        ///< the last candidate tested passed
    bs_sp_tfchecks k;   ///< the level's substring conjuncts (exec_textfilter_check.c)
};

/* ---- the shape ------------------------------------------------------- */

static bool all_of(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!s[i] || !strchr(set, s[i])) return false;
    return true;
}

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

/* The needle of one conjunct on variable v (lower-cased into buf,
 * *len), or false when e has another shape. */
static bool conjunct_needle(const bs_sp_exec *ex, const bs_sp_expr *e, int v,
                            char *buf, size_t *len)
{
    bs_sp_tfshape sh;
    if (!bs_sp_tf_shape(ex, e, v, &sh)) return false;
    const bs_sp_const *w = sh.w, *f = sh.flags;
    if (w->lex_len == 0 || w->lex_len >= NEEDLE_MAX || !all_of(w->lex, w->lex_len, ALNUM))
        return false;
    if (f && !all_of(f->lex, f->lex_len, "imsxq")) return false;
    for (size_t i = 0; i < w->lex_len; i++) {
        char ch = w->lex[i];
        buf[i] = (ch >= 'A' && ch <= 'Z') ? (char)(ch + 32) : ch;
    }
    buf[w->lex_len] = 0;
    *len = w->lex_len;
    return true;
}

/* The longest needle among the conjuncts of e (ANDs walked). */
static void best_needle(const bs_sp_exec *ex, const bs_sp_expr *e, int v, char *best,
                        size_t *blen)
{
    if (e->op == BS_EX_AND) {
        for (size_t i = 0; i < e->nargs; i++) best_needle(ex, e->args[i], v, best, blen);
        return;
    }
    char buf[NEEDLE_MAX];
    size_t n = 0;
    if (conjunct_needle(ex, e, v, buf, &n) && n > *blen) {
        memcpy(best, buf, n + 1);
        *blen = n;
    }
}

/* ---- candidates -------------------------------------------------------- */

static bs_status candidates(bs_sp_exec *ex, bs_search *s, bs_id p, const char *needle,
                            size_t len, const bs_sp_tfcand **out)
{
    bs_sp_tfcand *c;
    for (c = ex->tfcands; c; c = c->next)
        if (c->p == p && strcmp(c->needle, needle) == 0) {
            *out = c;
            return BS_OK;
        }
    if (!(c = calloc(1, sizeof *c))) return BS_ERR_NOMEM;
    if (!(c->needle = strdup(needle))) {
        free(c);
        return BS_ERR_NOMEM;
    }
    c->p = p;
    uint64_t range = 0;
    bs_quad pat = { BS_ANY, p, BS_ANY, BS_ANY };
    bs_status st = bs_quad_count(ex->txn, &pat, &range);
    if (st == BS_OK)
        st = bs_search_substring_docs(s, ex->txn, p, needle, len, (size_t)(range / 2 + 1),
                                      &c->lits, &c->n);
    if (st == BS_ERR_LIMIT) {
        c->too_many = true;
        st = BS_OK;
    }
    if (st != BS_OK) {
        free(c->needle);
        free(c);
        return st;
    }
    c->next = ex->tfcands;
    ex->tfcands = c;
    *out = c;
    return BS_OK;
}

void bs_sp_tfcands_free(bs_sp_exec *ex)
{
    while (ex->tfcands) {
        bs_sp_tfcand *c = ex->tfcands;
        ex->tfcands = c->next;
        free(c->needle);
        free(c->lits);
        free(c);
    }
}

/* ---- the generator ----------------------------------------------------- */

bs_status bs_sp_tfscan_plan(bs_sp_exec *ex, const bs_sp_triple *t,
                            bs_sp_expr *const *filters, const size_t *flevel,
                            size_t nfilters, size_t level, bs_sp_tfscan **out)
{
    char needle[NEEDLE_MAX];
    size_t len = 0;
    *out = NULL;
    if (bs_sp_textfilter_policy < 0 || t->p.cid < 0 || t->o.var < 0) return BS_OK;
    for (size_t i = 0; i < nfilters; i++)
        if (flevel[i] == level) best_needle(ex, filters[i], t->o.var, needle, &len);
    if (!len) return BS_OK;
    bs_id p = bs_sp_const_id(ex, t->p.cid);
    if (!p || bs_sp_is_local(p)) return BS_OK;
    bs_search *s = bs_search_of(bs_txn_store(ex->txn));
    if (!bs_search_covers(s, ex->txn, p)) return BS_OK;
    const bs_sp_tfcand *c = NULL;
    bs_status st = candidates(ex, s, p, needle, len, &c);
    if (st == BS_ERR_NOMEM) return st;
    if (st != BS_OK || c->too_many) return BS_OK; /* the full scan */
    bs_sp_tfscan *ts = calloc(1, sizeof *ts);
    if (!ts) return BS_ERR_NOMEM;
    ts->ex = ex;
    ts->c = c;
    ts->p = p;
    st = bs_sp_tfchecks_build(ex, t->o.var, filters, flevel, nfilters, level, &ts->k);
    if (st != BS_OK) {
        bs_sp_tfscan_free(ts);
        return st;
    }
    __atomic_add_fetch(&bs_sp_textfilter_taken, 1, __ATOMIC_RELAXED); /* server threads */
    *out = ts;
    return BS_OK;
}

bool bs_sp_tfscan_decides(const bs_sp_tfscan *ts, size_t filter)
{
    return ts && filter < ts->k.nfilters && ts->k.decided[filter];
}

/* The first id a candidate's subject may have, when it was numbered
 * just before its title (a dataset's IRI, then its title: load order). */
static bs_id walk_from(bs_id lit)
{
    const uint64_t mask = (((uint64_t)1) << BS_ID_SEQ_BITS) - 1;
    return (lit & mask) > WALK_MAX ? lit - WALK_MAX : lit;
}

static void prefetch_offsets(bs_sp_tfscan *ts, size_t i)
{
    bs_id lit = ts->c->lits[i];
    bs_dict_prefetch_offsets(ts->ex->txn, walk_from(lit), lit);
}

bs_status bs_sp_tfscan_open(bs_sp_tfscan *ts, bs_id graph)
{
    ts->graph = graph; /* the scan is aimed at the first candidate by next */
    ts->at = 0;
    ts->live = false;
    ts->passed = true;
    for (size_t i = 0; i < PF_FAR && i < ts->c->n; i++)
        prefetch_offsets(ts, i);
    return BS_OK;
}

/* Aim the scan at literal lit's quads of the active graph; the first
 * into *out, or BS_END.  Ascending literals: the next range often
 * begins in the page of (p, o, s, g) entries the previous one ended in. */
static bs_status aim(bs_sp_tfscan *ts, bs_id lit, bs_quad *out)
{
    bs_status st = ts->sc ? bs_sp_scan_seek(ts->sc, ts->graph, BS_ANY, ts->p, lit)
                          : bs_sp_scan_new(ts->ex, ts->graph, BS_ANY, ts->p, lit, &ts->sc);
    return st == BS_OK ? bs_sp_scan_next(ts->sc, out) : st;
}

/* After a candidate that passed (most do, as in a title search): its
 * first quad, then the test.  BS_END: no row from lit. */
static bs_status quads_then_test(bs_sp_tfscan *ts, bs_id lit, bs_quad *out)
{
    bool pass;
    bs_status st = aim(ts, lit, out);
    if (st != BS_OK) return st;
    if ((st = bs_sp_tfchecks_pass(ts->ex, &ts->k, ts->graph, lit, &pass)) != BS_OK) return st;
    ts->passed = pass;
    return pass ? BS_OK : BS_END;
}

/* After a candidate that failed: the test first, so that a failing one
 * costs no seek. */
static bs_status test_then_quads(bs_sp_tfscan *ts, bs_id lit, bs_quad *out)
{
    bool pass;
    bs_status st = bs_sp_tfchecks_pass(ts->ex, &ts->k, ts->graph, lit, &pass);
    if (st != BS_OK) return st;
    if (!pass) return BS_END;
    ts->passed = true;
    return aim(ts, lit, out);
}

/* Candidate i + PF_FAR's offsets, candidate i + PF_NEAR's encodings
 * (the subject numbered up to WALK_MAX before): the rows' cache misses
 * overlap.  Only a hint: the lookups go through dict.c. */
static void prefetch_ahead(bs_sp_tfscan *ts, size_t i)
{
    const size_t n = ts->c->n;
    if (i + PF_FAR < n) prefetch_offsets(ts, i + PF_FAR);
    if (i + PF_NEAR < n) {
        bs_id lit = ts->c->lits[i + PF_NEAR];
        bs_dict_prefetch_terms(ts->ex->txn, walk_from(lit), lit);
    }
}

/* Aim the scan at the next candidate that passes the level's substring
 * conjuncts and has a quad in the active graph; its first quad into
 * *out.  BS_END when none is left. */
static bs_status next_candidate(bs_sp_tfscan *ts, bs_quad *out)
{
    ts->live = false;
    for (;;) {
        if (ts->at >= ts->c->n) return BS_END;
        prefetch_ahead(ts, ts->at);
        bs_id lit = ts->c->lits[ts->at++];
        bs_status st = ts->passed ? quads_then_test(ts, lit, out)
                                  : test_then_quads(ts, lit, out);
        if (st == BS_OK) {
            ts->live = true;
            return BS_OK;
        }
        if (st != BS_END) return st;
        if ((st = bs_sp_tick(ts->ex)) != BS_OK) return st;
    }
}

bs_status bs_sp_tfscan_next(bs_sp_tfscan *ts, bs_quad *out)
{
    bs_status st = BS_END;
    if (ts->live) st = bs_sp_scan_next(ts->sc, out);
    if (st != BS_END) return st;
    if ((st = bs_sp_tick(ts->ex)) != BS_OK) return st;
    return next_candidate(ts, out);
}

void bs_sp_tfscan_free(bs_sp_tfscan *ts)
{
    if (!ts) return;
    bs_sp_scan_free(ts->sc);
    bs_sp_tfchecks_free(&ts->k);
    free(ts);
}
