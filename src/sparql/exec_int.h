/* SPDX-License-Identifier: MIT
 * battstore — the executor's own internals: the exec state, row buffers,
 * id-key hash sets, the planner's variable sets. */
#ifndef BS_SP_EXEC_INT_H
#define BS_SP_EXEC_INT_H

#include "sparql/sparql_int.h"

/* ---- row buffers and id-key hash sets (exec_hash.c) ------------------- */

/** A growing array of fixed-width rows of ids; its bytes are accounted
 *  with bs_sp_mem().  Zero-initialise, then bs_sp_rows_init(). */
typedef struct {
    bs_sp_exec *ex;
    size_t width; ///< ids per row
    bs_id *data;
    size_t n, cap;
} bs_sp_rows;

void bs_sp_rows_init(bs_sp_rows *r, bs_sp_exec *ex, size_t width);
/// Append a row (width ids); *out (may be NULL) = its index.
bs_status bs_sp_rows_push(bs_sp_rows *r, const bs_id *row, size_t *out);
static inline bs_id *bs_sp_rows_at(const bs_sp_rows *r, size_t i)
{
    return r->data + i * r->width;
}
void bs_sp_rows_clear(bs_sp_rows *r);
/// Room for n rows in all (one allocation instead of doublings and copies).
bs_status bs_sp_rows_reserve(bs_sp_rows *r, size_t n);

/** A set of keys of `width` ids each, numbered 0.. in insertion order. */
typedef struct {
    bs_sp_rows keys;
    uint32_t *slots; ///< 0 = empty, else key index + 1
    size_t nslots;
} bs_sp_hset;

void bs_sp_hset_init(bs_sp_hset *h, bs_sp_exec *ex, size_t width);
/** Find or add key; *idx = its number, *added = whether it was new. */
bs_status bs_sp_hset_put(bs_sp_hset *h, const bs_id *key, size_t *idx,
                         bool *added);
/// BS_OK with *idx, or BS_NOT_FOUND.
bs_status bs_sp_hset_find(const bs_sp_hset *h, const bs_id *key, size_t *idx);
void bs_sp_hset_clear(bs_sp_hset *h);
uint64_t bs_sp_hash_ids(const bs_id *k, size_t n);

/* ---- the exec state (exec.c) ------------------------------------------ */

typedef struct bs_sp_terms bs_sp_terms; ///< terms.c

struct bs_sp_exec {
    bs_txn *txn;
    const bs_sparql *q;
    bs_sparql_opts opts;
    size_t nvars;
    bs_id *consts;          ///< q->nconsts ids
    bs_sp_terms *terms;     ///< query-local terms

    /* dataset */
    bs_id *dflt;            ///< default graph = merge of these (sorted)
    size_t ndflt;
    bool dflt_all;          ///< default graph = 0 + every visible named graph
    bs_id *named;           ///< named graphs (sorted, visible)
    size_t nnamed;
    bs_sp_hset vis;         ///< visibility cache: graph ids seen
    uint8_t *vis_val;       ///< per vis entry: 1 visible
    size_t vis_cap;
    bool vis_memo;          ///< vis_last holds the last graph asked about
    bool vis_last_v;        ///< and whether it is visible
    bs_id vis_last;         ///< (a scan's quads come in runs of one graph)

    /* limits */
    bool has_deadline;
    struct timespec deadline;
    unsigned ticks;
    long long mem;
    bool limit_hit;

    char *err;
    struct timespec now;
    bs_id active;           ///< active graph for EXISTS in expressions

    /* SLICE over ORDER: the ORDER node may keep only its first rows */
    const bs_sp_node *keep_node;
    size_t keep;
    /* BGP orders already planned, by (node, seed-bound variables) */
    bs_sp_hset plans;
    size_t *plan_orders;    ///< per plan: ntriples triple indexes
    size_t *plan_at;        ///< per plan: offset into plan_orders
    size_t nplan_orders, plan_cap, plan_at_cap;
    struct bs_sp_service *service; ///< SERVICE answers kept (service.c)
    struct bs_sp_match *matches;   ///< bs:matches results per query string (exec_match.c)
    bs_id match_id;                ///< the constant bs:matches, 0 = not in the request
    bool match_id_known;
    struct bs_sp_tfcand *tfcands;  ///< substring FILTER candidates per needle (exec_textfilter.c)
};

/// Whether graph g (0 = default) is visible to the request.
bool bs_sp_graph_visible(bs_sp_exec *ex, bs_id g);

/* terms.c */
bs_status bs_sp_terms_new(bs_sp_exec *ex, bs_sp_terms **out);
void bs_sp_terms_free(bs_sp_terms *t);
/// Resolve every constant of the request into ex->consts (once).
bs_status bs_sp_consts_resolve(bs_sp_exec *ex);

/* ---- the planner (plan.c) --------------------------------------------- */

/** A set of variable slots (bitset of nvars bits).  Caller frees with
 *  free(). */
typedef uint64_t bs_sp_vset;
bs_sp_vset *bs_sp_vset_new(size_t nvars);
static inline bool bs_sp_vset_has(const bs_sp_vset *s, int v)
{
    return v >= 0 && (s[v >> 6] >> (v & 63)) & 1;
}
static inline void bs_sp_vset_add(bs_sp_vset *s, int v)
{
    if (v >= 0) s[v >> 6] |= (uint64_t)1 << (v & 63);
}

/** Variables bound in every row of n (into out, which it ORs into). */
void bs_sp_certain_vars(const bs_sp_exec *ex, const bs_sp_node *n,
                        bs_sp_vset *out);
/** Every variable mentioned in n (patterns, expressions, EXISTS). */
void bs_sp_plan_node_vars(const bs_sp_node *n, bs_sp_vset *out);
void bs_sp_plan_expr_vars(const bs_sp_expr *e, bs_sp_vset *out);
/** Whether evaluating n with a row as seed equals joining n with it. */
bool bs_sp_seedable(const bs_sp_exec *ex, const bs_sp_node *n);

/** Matches of one triple pattern from its constants and the seed's values
 *  alone (seed may be NULL): the smallest one-position count, an upper
 *  bound from the store's statistics. */
bs_status bs_sp_triple_estimate(bs_sp_exec *ex, const bs_sp_triple *t,
                                bs_id graph, const bs_id *seed, double *out);

/** Order the triples of a BGP for an index nested loop: out[] receives
 *  the triple indexes, most selective first, connected ones preferred.
 *  seed may be NULL. */
bs_status bs_sp_bgp_order(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, size_t *out);

/** bs_sp_bgp_order, cached per (node, seed-bound variables) for the
 *  dataset's default graph (exec_bgp.c). */
bs_status bs_sp_bgp_plan(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                         const bs_id *seed, size_t *out);

/* ---- a BGP level's hash join table (exec_bgp_hash.c) ----------------- */

/** Triples (s, p, o) keyed by their values at nj join positions (0 s,
 *  1 p, 2 o).  Entries are numbered; a key's entries form a chain.
 *  Memory accounted with bs_sp_mem().  Caller frees with
 *  bs_sp_qhash_free(). */
typedef struct bs_sp_qhash bs_sp_qhash;
#define BS_SP_QH_NONE UINT32_MAX
/// expect: the number of triples expected (sizes the table; may be 0).
bs_status bs_sp_qhash_new(bs_sp_exec *ex, const int *jpos, size_t nj,
                          size_t expect, bs_sp_qhash **out);
bs_status bs_sp_qhash_add(bs_sp_qhash *h, const bs_id t[3]);
/** Index the triples added (no add after it); before any find.  A key's
 *  triples are returned in the order they were added. */
bs_status bs_sp_qhash_finish(bs_sp_qhash *h);
/** For tests (process-wide): 0 = the dense layout when the keys allow
 *  it, -1 = always the hashed layout. */
extern int bs_sp_qhash_layout;
/// First entry of key's chain (nj ids), or BS_SP_QH_NONE.
uint32_t bs_sp_qhash_find(const bs_sp_qhash *h, const bs_id *key);
/// Entry e's triple (borrowed until the next add); *next = the chain's next.
const bs_id *bs_sp_qhash_ent(const bs_sp_qhash *h, uint32_t e, uint32_t *next);
void bs_sp_qhash_free(bs_sp_qhash *h);

/* ---- iterators (exec_*.c) --------------------------------------------- */

/** The id a pattern position has in row (const, bound var), or BS_ANY. */
static inline bs_id bs_sp_tpos_id(bs_sp_exec *ex, bs_sp_tpos p,
                                  const bs_id *row)
{
    if (p.cid >= 0) return bs_sp_const_id(ex, p.cid);
    if (p.var >= 0 && row && row[p.var]) return row[p.var];
    return BS_ANY;
}

/** Merge b into a when compatible (§18.3): false when some variable is
 *  bound to different ids in both. */
bool bs_sp_row_merge(bs_id *a, const bs_id *b, size_t n);
bool bs_sp_row_compatible(const bs_id *a, const bs_id *b, size_t n);

/// An iterator that yields nothing / exactly one row (the seed).
bs_status bs_sp_iter_empty(bs_sp_iter **out);
bs_status bs_sp_iter_unit(bs_sp_exec *ex, const bs_id *seed,
                          bs_sp_iter **out);

bs_status bs_sp_bgp_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                         const bs_id *seed, bs_sp_iter **out);
/** A BGP with FILTER expressions over it (FILTER(BGP)): each filter runs
 *  inside the nested loop as soon as its variables are bound; same rows
 *  as filtering the BGP's rows.  filters stays borrowed. */
bs_status bs_sp_bgp_eval_filtered(bs_sp_exec *ex, const bs_sp_node *n,
                                  bs_sp_expr *const *filters, size_t nfilters,
                                  bs_id graph, const bs_id *seed,
                                  bs_sp_iter **out);
/** For tests (process-wide, not thread-safe to change while queries
 *  run): 0 = a BGP level switches to a hash join when the statistics say
 *  so, 1 = at its first outer row, -1 = never (index nested loop only),
 *  -2 = never, and no filter runs inside a BGP. */
extern int bs_sp_bgp_hash_policy;
/* exec_join.c */
bs_status bs_sp_join_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, bs_sp_iter **out);
bs_status bs_sp_leftjoin_eval(bs_sp_exec *ex, const bs_sp_node *n,
                              bs_id graph, const bs_id *seed,
                              bs_sp_iter **out);
bs_status bs_sp_minus_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out);
/* exec_mat.c */
bs_status bs_sp_group_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out);
/** GROUP BY over a BGP of one or two patterns with only plain COUNTs,
 *  counted without building rows (exec_count.c): *out = NULL when n has
 *  another shape (then the general GROUP runs). */
bs_status bs_sp_count_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out);
/// For tests (process-wide): -1 = never take the counting join.
extern int bs_sp_count_policy;
/// For tests: how many times the counting join was taken (process-wide).
extern unsigned long bs_sp_count_taken;
/// ... and how many times through the value map (a functional pattern 1).
extern unsigned long bs_sp_count_mapped;
bs_status bs_sp_order_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                           const bs_id *seed, bs_sp_iter **out);
bs_status bs_sp_distinct_eval(bs_sp_exec *ex, const bs_sp_node *n,
                              bs_id graph, const bs_id *seed,
                              bs_sp_iter **out);
/* service.c: SERVICE (federated query) */
bs_status bs_sp_service_eval(bs_sp_exec *ex, const bs_sp_node *n,
                             const bs_id *seed, bs_sp_iter **out);
/** A SERVICE whose endpoint is a variable: it needs the rows of the
 *  other side of a join as seeds (the endpoint comes from them). */
bool bs_sp_service_needs_seed(const bs_sp_node *n);
void bs_sp_service_free(struct bs_sp_service *s);

/* exec_match.c: the property function bs:matches (a BGP level) */
typedef struct bs_sp_mscan bs_sp_mscan;
/// Whether t's predicate is the constant bs:matches.
bool bs_sp_is_matches(bs_sp_exec *ex, const bs_sp_triple *t);
/// The planner's estimate of a bs:matches pattern (its matches' number).
double bs_sp_matches_estimate(bs_sp_exec *ex, const bs_sp_triple *t, const bs_id *seed);
/** (Re)open a bs:matches level for subject s (BS_ANY = unbound), object
 *  o (the query string's id); *io is created when NULL.  Caller frees
 *  with bs_sp_mscan_free(). */
bs_status bs_sp_mscan_open(bs_sp_exec *ex, bs_id graph, bs_id s, bs_id p, bs_id o,
                           bs_sp_mscan **io);
/// Next matching literal visible in the graph, as a quad (s = literal).
bs_status bs_sp_mscan_next(bs_sp_mscan *ms, bs_quad *out);
void bs_sp_mscan_free(bs_sp_mscan *ms);
void bs_sp_matches_free(bs_sp_exec *ex);

/* exec_textfilter.c: substring FILTERs from the text index (a BGP level) */
typedef struct bs_sp_tfscan bs_sp_tfscan;
/** Level `level` of a BGP, pattern t, whose subject and object variables
 *  it binds first: *out = a generator of its quads from the text index
 *  when a filter placed at the level (flevel[i] == level) allows it and
 *  the index covers t's predicate, else NULL.  Free with
 *  bs_sp_tfscan_free(). */
bs_status bs_sp_tfscan_plan(bs_sp_exec *ex, const bs_sp_triple *t,
                            bs_sp_expr *const *filters, const size_t *flevel,
                            size_t nfilters, size_t level, bs_sp_tfscan **out);
/// (Re)open the level in graph (its subject and object unbound).
bs_status bs_sp_tfscan_open(bs_sp_tfscan *ts, bs_id graph);
/// Next quad (?, p, candidate) of the active graph: BS_OK or BS_END.
bs_status bs_sp_tfscan_next(bs_sp_tfscan *ts, bs_quad *out);
/** Whether the level's filter number `filter` (an index into the filters
 *  given to bs_sp_tfscan_plan) holds on every quad bs_sp_tfscan_next
 *  returns (tested once per literal): the BGP need not evaluate it. */
bool bs_sp_tfscan_decides(const bs_sp_tfscan *ts, size_t filter);
void bs_sp_tfscan_free(bs_sp_tfscan *ts);
void bs_sp_tfcands_free(bs_sp_exec *ex);
/** For tests (process-wide): -1 = never answer a FILTER from the text
 *  index; 1 = answer it, but test every literal with the evaluator
 *  (no byte test). */
extern int bs_sp_textfilter_policy;
/// For tests: how many BGP levels took the text index (process-wide).
extern unsigned long bs_sp_textfilter_taken;

/* exec_ops.c */
bs_status bs_sp_filters_pass(bs_sp_exec *ex, bs_sp_expr *const *e, size_t n,
                             bs_id graph, const bs_id *row, bool *out);

#endif
