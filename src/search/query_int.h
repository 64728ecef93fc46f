/* SPDX-License-Identifier: MIT
 * battstore — internals of the query side of search (qparse.c, rank.c,
 * expand.c, query.c, facets.c, snippet.c, suggest.c, json.c). */
#ifndef BS_QUERY_INT_H
#define BS_QUERY_INT_H

#include <stdint.h>
#include <sys/types.h>
#include "search/search_int.h"

/* Limits of a query: beyond them BS_ERR_PARSE (a person typed it). */
#define BS_Q_MAX_GROUPS 16  ///< AND-ed groups
#define BS_Q_MAX_ALTS 8     ///< alternatives (OR) per group
#define BS_Q_MAX_NOTS 8     ///< exclusions
#define BS_Q_MAX_TOKS 16    ///< tokens of a phrase

/** A prefix (word*) stops collecting postings beyond this many (32 MiB of
 *  them): "e*" on a huge store would otherwise gather every literal.  The
 *  list is then partial (the query says its total is not exact).  On the
 *  10M benchmark store no prefix of two letters or more comes near it
 *  ("electro*": 1.18M documents in the whole index). */
#define PREFIX_MAX_POSTINGS 2000000

/** A label literal names a class (class expansion) when it is at most
 *  this many tokens long. */
#define BS_Q_CLASS_LABEL_MAX_TOKENS 6

/** Ranking constants (BM25) and the share of a class label's score an
 *  expanded hit gets (expanded hits rank below direct ones). */
#define BS_BM25_K1 1.2
#define BS_BM25_B 0.75
#define BS_EXPAND_FACTOR 0.5

/** One term of a query: a word, a prefix (word*) or a phrase.  A word
 *  that folds into several tokens ("Li-ion") is a phrase. */
typedef struct {
    char **toks;     ///< folded tokens (malloc'ed)
    size_t ntoks;
    bool prefix;     ///< the last token is a prefix
    char *typed;     ///< as typed, for why ("electro*", "\"half cell\"")
} bs_qterm;

/** AND-ed group: its alternatives are OR-ed. */
typedef struct {
    bs_qterm *alts;
    size_t nalts;
} bs_qgroup;

typedef struct {
    bs_qgroup *groups;
    size_t ngroups;
    bs_qterm *nots;  ///< exclusions
    size_t nnots;
} bs_qparsed;

/** Parse a query (syntax in search.h).  BS_ERR_PARSE: unbalanced quote,
 *  a lone OR, nothing but exclusions, nothing searchable, too many terms.
 *  Caller frees *out with bs_qparsed_free() (also after a failure). */
bs_status bs_qparse(const char *q, bs_qparsed *out);
void bs_qparsed_free(bs_qparsed *p);

/* ---- rank.c: the literals a term matches, with BM25 scores ---------- */

/** A literal matched by a term: id, score (BM25 × field weight), field. */
typedef struct {
    bs_id lit;
    float score;
    uint8_t field;
    uint8_t alt;   ///< which alternative of a group matched (set by the caller)
    uint8_t len;   ///< the literal's length in tokens (capped at 255)
} bs_qlit;

typedef struct {
    bs_qlit *v;   ///< ascending by lit, distinct
    size_t n, cap;
    bool partial; ///< a prefix's postings were cut (see rank.c)
} bs_qlits;

/** Corpus constants for BM25 from bs_tix_stat. */
typedef struct {
    double n_docs, avgdl;
} bs_qcorpus;

bs_status bs_qcorpus_get(bs_txn *txn, bs_qcorpus *out);

/** BM25 of one posting: idf(df) × tf-saturation(len) × field weight. */
double bs_qbm25(const bs_qcorpus *c, uint64_t df, unsigned tf, unsigned len,
                unsigned field);

/** The literals term t matches (a phrase: all its tokens, adjacent in the
 *  literal's text), ascending by id.  A prefix matching too many
 *  postings is cut (out->partial).  Caller frees out->v. */
bs_status bs_qterm_eval(bs_txn *txn, const bs_qcorpus *c, const bs_qterm *t,
                        bs_qlits *out);

/** The literals group g matches (union of its alternatives, max score,
 *  .alt = the alternative), ascending by id.  Caller frees out->v. */
bs_status bs_qgroup_eval(bs_txn *txn, const bs_qcorpus *c, const bs_qgroup *g,
                         bs_qlits *out);

/** bs_qgroup_eval for the cached path, which visits literals in any order
 *  and keeps each resource's best match whatever the order: a group of
 *  one single-token prefix keeps its postings token by token, unsorted (a
 *  literal once per token of the prefix it holds), saving the sort of a
 *  prefix's many postings.  Caller frees out->v. */
bs_status bs_qgroup_eval_any(bs_txn *txn, const bs_qcorpus *c, const bs_qgroup *g,
                             bs_qlits *out);

/** Union (max score) of sorted lists: a += b. */
bs_status bs_qlits_union(bs_qlits *a, const bs_qlits *b);

/** Index of lit in l, or -1. */
ssize_t bs_qlits_find(const bs_qlits *l, bs_id lit);

/** True when the token tok[0..len) is matched by t's token i. */
bool bs_qterm_tok_matches(const bs_qterm *t, size_t i, const char *tok, size_t len);

/* ---- small id → value hash tables (open addressing) ---------------- */

typedef struct {
    bs_id *keys;      ///< 0 = empty slot (ids are never 0 here)
    uint32_t *vals;
    size_t cap, n;
} bs_idmap;

bs_status bs_idmap_put(bs_idmap *m, bs_id key, uint32_t val);
/// Pointer to the value of key, or NULL.
uint32_t *bs_idmap_get(const bs_idmap *m, bs_id key);
void bs_idmap_free(bs_idmap *m);

/* ---- visibility, cached per graph ---------------------------------- */

typedef struct {
    bool (*fn)(void *ctx, bs_id graph, bs_access level);
    void *ctx;
    bs_idmap cache;   ///< graph → 1 + (visible << 2 | level)
} bs_qvis;

/** Whether graph g is visible (level from bs_graph_access). */
bool bs_qvis_ok(bs_qvis *v, bs_txn *txn, bs_id g);
/// Access level of graph g (cached).
bs_access bs_qvis_level(bs_qvis *v, bs_txn *txn, bs_id g);
void bs_qvis_free(bs_qvis *v);

/* ---- time and cancellation ------------------------------------------ */

/** A deadline (0 = none) and cancel flag, checked in loops. */
typedef struct {
    double deadline;
    volatile int *cancel;
    unsigned tick;
} bs_qclock;

double bs_qnow(void);
/// BS_ERR_TIMEOUT when the deadline passed or cancel was set (now).
bs_status bs_qclock_poll(bs_qclock *c);
/** BS_ERR_TIMEOUT when the deadline passed or cancel was set (checked
 *  every 256 calls: inline, as it runs once per match). */
static inline bs_status bs_qclock_check(bs_qclock *c)
{
    return (++c->tick & 255) != 0 ? BS_OK : bs_qclock_poll(c);
}

/* ---- one query's context --------------------------------------------- */

typedef struct {
    bs_search *s;
    bs_txn *txn;
    bs_search_ids ids;     ///< s->ids as of init (copied under s->lock)
    bs_id *pred_ids;       ///< s->preds' ids and fields as of init (malloc'ed)
    uint8_t *pred_fields;
    size_t npreds;
    bs_qvis vis;
    bs_qclock clock;
    bs_id owl_class, rdfs_class, owl_thing, owl_named_ind; ///< 0 = absent
    bs_idmap class_cache;  ///< subject → 1 class, 2 not a class
    bs_iter *aux;          ///< reused by leaf lookups (bs_qctx_iter)
} bs_qctx;

/** c's auxiliary iterator aimed at pat (one LMDB cursor reused by the
 *  leaf lookups: labels, class tests, closures; never two at once).
 *  Borrowed: freed by bs_qctx_free. */
bs_status bs_qctx_iter(bs_qctx *c, const bs_quad *pat, bs_iter **it);

/** True when some quad {s, p, o, ?} (BS_ANY allowed) lies in a visible
 *  graph (uses c->aux). */
bool bs_qexists(bs_qctx *c, bs_id s, bs_id p, bs_id o);

/** Set up c (looks up the extra class ids; copies s's well-known and
 *  predicate ids under s->lock: a refresh by another thread may write
 *  them meanwhile, so a query reads only its copy).  Free with
 *  bs_qctx_free() (also after a failure). */
bs_status bs_qctx_init(bs_qctx *c, bs_search *s, bs_txn *txn,
                       bool (*visible)(void *, bs_id, bs_access), void *vctx,
                       double timeout, volatile int *cancel);

/** Field of predicate p (c's copy of the indexed predicates), or -1. */
int bs_qctx_pred_field(const bs_qctx *c, bs_id p);
void bs_qctx_free(bs_qctx *c);

/* ---- expand.c: classes and their subclasses ------------------------ */

/** A set of ids (a bs_idmap with values unused). */
typedef bs_idmap bs_idset;

/** True when cls is a class (typed owl:Class / rdfs:Class or has
 *  rdfs:subClassOf) through a visible quad (cached in c). */
bool bs_qis_class(bs_qctx *c, bs_id cls);

/** Add cls, its subclasses (rdfs:subClassOf* downward) and equivalent
 *  classes (both ways), through visible quads only, to set with value
 *  val (cycle-safe; classes already in set are not entered again; at
 *  most BS_Q_MAX_CLOSURE classes). */
bs_status bs_qclass_closure(bs_qctx *c, bs_id cls, bs_idset *set, uint32_t val);
#define BS_Q_MAX_CLOSURE 50000

/* ---- labels and terms as strings ------------------------------------ */

/** A term's text (IRI or lexical form), malloc'ed; NULL when unknown. */
char *bs_qterm_str(bs_txn *txn, bs_id id);

/** The best visible label of s (rdfs:label, skos:prefLabel,
 *  dcterms:title; @en, then no language, then any), malloc'ed or NULL. */
char *bs_qlabel(bs_qctx *c, bs_id subj);

/** The local name of an IRI (after the last '#' or '/'), borrowed. */
const char *bs_qlocal_name(const char *iri);

/* ---- snippet.c ------------------------------------------------------ */

/** Spans of text around the first token a term of p matches (about
 *  width bytes, cut at word boundaries), matched tokens as hit spans.
 *  The whole text without hits when nothing matches.  Caller frees
 *  with bs_qspans_free(). */
bs_status bs_qsnippet(const char *text, size_t len, const bs_qparsed *p,
                      size_t width, bs_search_span **out, size_t *n);
void bs_qspans_free(bs_search_span *v, size_t n);

#endif
