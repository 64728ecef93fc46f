/* SPDX-License-Identifier: MIT
 * battstore — SPARQL engine internals shared by its modules:
 *
 *   lex.c parse*.c  text ─► syntax, translated by algebra.c into the
 *                   algebra below (SPARQL 1.1 §18) = struct bs_sparql
 *   exec*.c         algebra ─► iterators over rows of term ids
 *   terms.c         ids of terms the store does not hold (query-local)
 *   expr*.c func*.c expressions, builtins, casts, aggregates
 *   path.c          property paths (breadth-first over ids)
 *   construct.c     CONSTRUCT templates, DESCRIBE
 *   results*.c      JSON / XML / CSV / TSV / table / RDF writers
 *   update.c        SPARQL Update in one write transaction
 *
 * One row layout serves a whole query: every variable of the request
 * (including blank nodes of patterns, variables local to subqueries and
 * fresh variables made by the translation) has a slot 0..nvars-1, and a
 * row is an array of nvars ids with 0 = unbound. */
#ifndef BS_SPARQL_INT_H
#define BS_SPARQL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "sparql/sparql.h"
#include "store/store.h"
#include "term/term.h"

/* ======================================================================
 * The parsed request (built by the parser, read-only afterwards)
 * ====================================================================== */

/** A variable slot.  hidden: not a user variable (a blank node of a
 *  pattern, a subquery-local or translation-made variable): never in
 *  SELECT * and never in results. */
typedef struct {
    char *name; ///< without '?'/'$'; for hidden ones a unique made-up name
    bool hidden;
} bs_sp_var;

/** A constant term written in the request (IRIs already resolved
 *  against BASE and prefixes; literals with escapes decoded; numbers
 *  and booleans as typed literals with their lexical form as written).
 *  Owned, NUL-terminated (lex may also contain U+0000: use lex_len). */
typedef struct {
    bs_term_kind kind;
    char *lex;
    size_t lex_len;
    char *extra; ///< language tag (lower-case as written) or datatype IRI, else NULL
    size_t extra_len;
} bs_sp_const;

/** One position of a pattern: a variable slot or a constant.  Exactly
 *  one of var/cid is >= 0, except "none" (both -1): e.g. the graph of a
 *  quad template outside GRAPH (= the default graph). */
typedef struct {
    int var; ///< slot, or -1
    int cid; ///< index into bs_sparql.consts, or -1
} bs_sp_tpos;

typedef struct {
    bs_sp_tpos s, p, o;
} bs_sp_triple;

/// A quad template (CONSTRUCT, INSERT/DELETE); g "none" = default graph.
typedef struct {
    bs_sp_tpos s, p, o, g;
} bs_sp_quad;

/* ---- property paths (§9, §18.2.2.4) ---------------------------------- */
typedef enum {
    BS_PATH_LINK = 1, ///< an IRI (cid)
    BS_PATH_INV,      ///< ^a
    BS_PATH_SEQ,      ///< a / b
    BS_PATH_ALT,      ///< a | b
    BS_PATH_STAR,     ///< a*
    BS_PATH_PLUS,     ///< a+
    BS_PATH_OPT,      ///< a?
    BS_PATH_NEG       ///< !(iri | ^iri ...)
} bs_sp_path_kind;

typedef struct bs_sp_path {
    bs_sp_path_kind kind;
    int cid;                  ///< LINK
    struct bs_sp_path *a, *b; ///< operands (b only for SEQ/ALT)
    int *fwd;                 ///< NEG: forward IRIs (cids)
    size_t nfwd;
    int *inv;                 ///< NEG: inverse IRIs (cids)
    size_t ninv;
} bs_sp_path;

/* ---- expressions ------------------------------------------------------ */
typedef enum {
    BS_EX_VAR = 1, ///< var
    BS_EX_CONST,   ///< cid
    BS_EX_OR, BS_EX_AND, BS_EX_NOT,
    BS_EX_EQ, BS_EX_NE, BS_EX_LT, BS_EX_GT, BS_EX_LE, BS_EX_GE,
    BS_EX_IN, BS_EX_NOT_IN, ///< args[0] IN (args[1..])
    BS_EX_ADD, BS_EX_SUB, BS_EX_MUL, BS_EX_DIV,
    BS_EX_NEG, BS_EX_PLUS, ///< unary - and +
    BS_EX_FUNC,   ///< builtin fn (bs_sp_fn) with args
    BS_EX_CALL,   ///< IRI function (cid = the IRI): XSD casts, else error
    BS_EX_EXISTS, BS_EX_NOT_EXISTS, ///< pattern
    BS_EX_AGG     ///< only during translation; replaced by a VAR
} bs_sp_ex_op;

/// Builtin functions (§17.4), in the grammar's order.
typedef enum {
    BS_FN_STR = 1, BS_FN_LANG, BS_FN_LANGMATCHES, BS_FN_DATATYPE,
    BS_FN_BOUND, BS_FN_IRI, BS_FN_URI, BS_FN_BNODE, BS_FN_RAND, BS_FN_ABS,
    BS_FN_CEIL, BS_FN_FLOOR, BS_FN_ROUND, BS_FN_CONCAT, BS_FN_SUBSTR,
    BS_FN_STRLEN, BS_FN_REPLACE, BS_FN_UCASE, BS_FN_LCASE,
    BS_FN_ENCODE_FOR_URI, BS_FN_CONTAINS, BS_FN_STRSTARTS, BS_FN_STRENDS,
    BS_FN_STRBEFORE, BS_FN_STRAFTER, BS_FN_YEAR, BS_FN_MONTH, BS_FN_DAY,
    BS_FN_HOURS, BS_FN_MINUTES, BS_FN_SECONDS, BS_FN_TIMEZONE, BS_FN_TZ,
    BS_FN_NOW, BS_FN_UUID, BS_FN_STRUUID, BS_FN_MD5, BS_FN_SHA1,
    BS_FN_SHA256, BS_FN_SHA384, BS_FN_SHA512, BS_FN_COALESCE, BS_FN_IF,
    BS_FN_STRLANG, BS_FN_STRDT, BS_FN_SAMETERM, BS_FN_ISIRI, BS_FN_ISURI,
    BS_FN_ISBLANK, BS_FN_ISLITERAL, BS_FN_ISNUMERIC, BS_FN_REGEX
} bs_sp_fn;

typedef enum {
    BS_AGG_COUNT = 1, BS_AGG_SUM, BS_AGG_MIN, BS_AGG_MAX, BS_AGG_AVG,
    BS_AGG_SAMPLE, BS_AGG_GROUP_CONCAT
} bs_sp_agg_fn;

struct bs_sp_node;

typedef struct bs_sp_expr {
    bs_sp_ex_op op;
    int fn;   ///< bs_sp_fn (FUNC) or bs_sp_agg_fn (AGG)
    int var;  ///< VAR
    int cid;  ///< CONST; CALL: the function IRI
    struct bs_sp_expr **args;
    size_t nargs;
    struct bs_sp_node *pattern; ///< EXISTS / NOT EXISTS (algebra)
    bool distinct;   ///< AGG
    char *separator; ///< AGG GROUP_CONCAT (NULL = " ")
} bs_sp_expr;

/// An aggregate computed by a GROUP node into slot var.
typedef struct {
    bs_sp_agg_fn fn;
    bool distinct;
    bs_sp_expr *arg;  ///< NULL for COUNT(*)
    char *separator;  ///< GROUP_CONCAT (NULL = " ")
    int var;
} bs_sp_aggspec;

/* ---- the algebra (§18.2) ---------------------------------------------- */
typedef enum {
    BS_OP_BGP = 1, ///< triples (may be 0 = the unit table Z)
    BS_OP_PATH,    ///< path_s path path_o (a non-trivial path)
    BS_OP_JOIN,    ///< a ⋈ b
    BS_OP_LEFTJOIN,///< a ⟕ b, filter exprs (conjunction; may be none)
    BS_OP_FILTER,  ///< a, exprs (conjunction)
    BS_OP_UNION,   ///< a ∪ b
    BS_OP_MINUS,   ///< a − b
    BS_OP_GRAPH,   ///< GRAPH graph { a }
    BS_OP_SERVICE, ///< SERVICE [SILENT] graph(=endpoint) { a }; text kept
    BS_OP_EXTEND,  ///< a, BIND(expr AS var)
    BS_OP_VALUES,  ///< inline data: vars × rows
    BS_OP_GROUP,   ///< a grouped by keys, aggregates computed
    BS_OP_ORDER,   ///< a ordered by keys
    BS_OP_PROJECT, ///< a projected to vars (others become unbound)
    BS_OP_DISTINCT,
    BS_OP_REDUCED,
    BS_OP_SLICE    ///< offset / limit
} bs_sp_op;

typedef struct bs_sp_node {
    bs_sp_op op;
    struct bs_sp_node *a, *b;

    bs_sp_triple *triples; ///< BGP
    size_t ntriples;

    bs_sp_tpos path_s, path_o; ///< PATH
    bs_sp_path *path;

    bs_sp_expr **exprs;    ///< FILTER, LEFTJOIN: conjunction
    size_t nexprs;

    bs_sp_expr *expr;      ///< EXTEND
    int var;               ///< EXTEND target slot

    bs_sp_tpos graph;      ///< GRAPH (var or IRI), SERVICE (endpoint)
    bool silent;           ///< SERVICE SILENT
    char *service_text;    ///< SERVICE: the group pattern's text, for the remote call

    int *vars;             ///< VALUES columns, PROJECT variables
    size_t nvars;
    int *cells;            ///< VALUES: nrows × nvars cids, -1 = UNDEF
    size_t nrows;

    bs_sp_expr **keys;     ///< GROUP keys / ORDER keys
    int *key_vars;         ///< GROUP: slot each key's value is bound to
    bool *desc;            ///< ORDER: descending
    size_t nkeys;
    bs_sp_aggspec *aggs;   ///< GROUP (no keys and aggs = one group, even of nothing)
    size_t naggs;

    long long offset, limit; ///< SLICE; -1 = none
} bs_sp_node;

/* ---- updates (§3 of SPARQL 1.1 Update) -------------------------------- */
typedef enum {
    BS_UP_INSERT_DATA = 1, BS_UP_DELETE_DATA, BS_UP_DELETE_WHERE,
    BS_UP_MODIFY, ///< [WITH] DELETE {..} INSERT {..} [USING..] WHERE {..}
    BS_UP_LOAD, BS_UP_CLEAR, BS_UP_CREATE, BS_UP_DROP,
    BS_UP_COPY, BS_UP_MOVE, BS_UP_ADD
} bs_sp_up_kind;

/// A graph reference of CLEAR/DROP/COPY/...: GRAPH iri, DEFAULT, NAMED, ALL.
typedef enum {
    BS_GREF_NONE = 0, BS_GREF_IRI, BS_GREF_DEFAULT, BS_GREF_NAMED, BS_GREF_ALL
} bs_sp_gref_kind;

typedef struct {
    bs_sp_gref_kind kind;
    int cid; ///< IRI
} bs_sp_gref;

typedef struct {
    bs_sp_up_kind kind;
    bool silent;
    bs_sp_quad *del, *ins;  ///< DATA quads / templates (DELETE WHERE: del = the pattern)
    size_t ndel, nins;
    bs_sp_node *where;      ///< MODIFY / DELETE WHERE (algebra)
    int with;               ///< MODIFY WITH iri (cid) or -1
    int *using_, *using_named; ///< MODIFY USING / USING NAMED (cids)
    size_t nusing, nusing_named;
    int source;             ///< LOAD: the IRI (cid)
    bs_sp_gref from, to;    ///< LOAD INTO (to); CLEAR/DROP/CREATE (to); COPY/MOVE/ADD from → to
} bs_sp_update_op;

/** The parsed request (the public bs_sparql). */
struct bs_sparql {
    bs_sparql_form form;
    char *text;             ///< copy of the request text (for SERVICE, errors)

    bs_sp_var *vars;        ///< all slots
    size_t nvars;
    bs_sp_const *consts;    ///< all constants (deduplicated)
    size_t nconsts;

    bs_sp_node *root;       ///< query algebra incl. modifiers (NULL: DESCRIBE of constants only)
    int *proj;              ///< SELECT: the result variables in order
    size_t nproj;

    bs_sp_quad *tmpl;       ///< CONSTRUCT template (g none)
    size_t ntmpl;
    bs_sp_tpos *describe;   ///< DESCRIBE targets (vars or IRIs); describe_all for DESCRIBE *
    size_t ndescribe;
    bool describe_all;

    int *from, *from_named; ///< FROM / FROM NAMED (cids)
    size_t nfrom, nfrom_named;

    bs_sp_update_op *ops;   ///< UPDATE
    size_t nops;
};

/* parse.c / algebra.c (the parser's module) */
/// Free a node tree / expression / path.  NULL is safe.
void bs_sp_node_free(bs_sp_node *n);
void bs_sp_expr_free(bs_sp_expr *e);
void bs_sp_path_free(bs_sp_path *p);
/** Write the algebra of q as an S-expression (like the spec's / Jena's
 *  SSE) to out, for tests and `battstore query --explain`. */
void bs_sp_dump(const bs_sparql *q, FILE *out);

/* ======================================================================
 * Running a request (exec*.c, terms.c)
 * ====================================================================== */

/** The state of one running request: its transaction, dataset, limits,
 *  the query-local terms.  One thread at a time. */
typedef struct bs_sp_exec bs_sp_exec;

/** Ids of terms the store does not hold (computed values, constants of
 *  the request that are not in the store, fresh blank nodes) carry this
 *  bit; their kind bits are set as for store ids, so bs_id_kind() works
 *  on them.  Two ids are the same RDF term exactly when they are equal:
 *  a computed term the store holds gets the store's id. */
#define BS_SP_LOCAL ((bs_id)1 << 62)
static inline bool bs_sp_is_local(bs_id id) { return (id & BS_SP_LOCAL) && id != BS_ANY; }

/** The active graph "the dataset's default graph" (as opposed to one
 *  named graph, given by its id). */
#define BS_SP_DEFAULT_GRAPH ((bs_id)UINT64_MAX - 1)

/** Create the state for running q in txn (read, or write for updates).
 *  Resolves the dataset from q's FROM / FROM NAMED, opts and access.
 *  Caller frees with bs_sp_exec_free() before the txn ends. */
bs_status bs_sp_exec_new(bs_txn *txn, const bs_sparql *q,
                         const bs_sparql_opts *opts, bs_sp_exec **out);
void bs_sp_exec_free(bs_sp_exec *ex);
bs_txn *bs_sp_exec_txn(bs_sp_exec *ex);
const bs_sparql *bs_sp_exec_query(bs_sp_exec *ex);

/** Replace the dataset (update operations: USING / WITH).  Graph ids;
 *  union_all = every visible graph and the default graph. */
bs_status bs_sp_exec_set_dataset(bs_sp_exec *ex, const bs_id *dflt,
                                 size_t ndflt, const bs_id *named,
                                 size_t nnamed, bool named_all);

/** Deadline / cancel check, cheap enough for every inner loop (it looks
 *  at the clock every few hundred calls): BS_OK or BS_ERR_TIMEOUT. */
bs_status bs_sp_tick(bs_sp_exec *ex);

/** Account for bytes held (delta may be negative): BS_ERR_LIMIT when the
 *  query's memory cap is passed. */
bs_status bs_sp_mem(bs_sp_exec *ex, long long delta);

/** Record a one-line error message for the request (printf-style);
 *  the first one wins. */
void bs_sp_error(bs_sp_exec *ex, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *bs_sp_exec_errmsg(const bs_sp_exec *ex);

/** The request's "now" (NOW() is the same throughout a request): taken
 *  when the exec was created. */
struct timespec bs_sp_exec_now(const bs_sp_exec *ex);

/* ---- terms (terms.c) -------------------------------------------------- */
/** The term of an id (store or local).  The view is valid until the
 *  exec is freed (store views: until the txn ends).  BS_NOT_FOUND for
 *  an unknown id. */
bs_status bs_sp_term(bs_sp_exec *ex, bs_id id, bs_term *out);

/** bs:score(?lit, "query"): the BM25 score of lit among the text-index
 *  matches of the query (0 when it does not match); the matches are
 *  computed once per query string and request (exec_match.c).  Fails
 *  (with the exec's error message) when no text index is attached. */
#define BS_SP_SCORE_IRI "https://w3id.org/battstore#score"
bs_status bs_sp_match_score(bs_sp_exec *ex, bs_id lit, const char *q, size_t len,
                            double *out);
/** The id of a term: the store's id when the store holds it, else a
 *  local id (the same one each time for the same term). */
bs_status bs_sp_intern(bs_sp_exec *ex, const bs_term *t, bs_id *out);
/// A fresh blank node, distinct from every other term.
bs_status bs_sp_fresh_bnode(bs_sp_exec *ex, bs_id *out);
/// The id of constant cid of the request (resolved once per exec).
bs_id bs_sp_const_id(bs_sp_exec *ex, int cid);

/* ---- iterators (exec*.c) ---------------------------------------------- */
/** A stream of rows.  next() fills row (nvars ids) and returns BS_OK, or
 *  BS_END, or an error.  Caller frees with it->free(it). */
typedef struct bs_sp_iter bs_sp_iter;
struct bs_sp_iter {
    bs_status (*next)(bs_sp_iter *it, bs_id *row);
    void (*free)(bs_sp_iter *it);
};

/** Evaluate node n with active graph `graph` (BS_SP_DEFAULT_GRAPH or a
 *  named graph id).  seed (NULL = all unbound) holds bindings already
 *  made: every row produced extends seed, and the variables bound in it
 *  act as constants.  Callers pass a seed only where substituting is
 *  the algebra's meaning (BGP, PATH, EXISTS, and joins the planner
 *  proved safe). */
bs_status bs_sp_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                     const bs_id *seed, bs_sp_iter **out);

/// EXISTS { pattern } for row (§18.6: substitution), active graph graph.
bs_status bs_sp_exists(bs_sp_exec *ex, const bs_sp_node *pattern,
                       bs_id graph, const bs_id *row, bool *out);

/** The active graph an expression is evaluated in (for EXISTS):
 *  set by the executor around FILTER / EXTEND evaluation. */
bs_id bs_sp_active_graph(bs_sp_exec *ex);

/** Scan the triples matching (s, p, o) (ids or BS_ANY) in an active
 *  graph: one named graph, or the dataset's default graph (each triple
 *  once, even when several of its graphs hold it).  Invisible graphs are
 *  skipped.  out->g is the graph the triple was found in. */
typedef struct bs_sp_scan bs_sp_scan;
bs_status bs_sp_scan_new(bs_sp_exec *ex, bs_id graph, bs_id s, bs_id p,
                         bs_id o, bs_sp_scan **out);
/** Re-aim a scan at another pattern, keeping its store cursor (the inner
 *  scan of a nested loop); on failure it yields nothing. */
bs_status bs_sp_scan_reset(bs_sp_scan *sc, bs_id graph, bs_id s, bs_id p,
                           bs_id o);
/** bs_sp_scan_reset() for probes in ascending order: the store iterator
 *  starts from the page it last read when the new range begins there
 *  (bs_iter_seek); same rows. */
bs_status bs_sp_scan_seek(bs_sp_scan *sc, bs_id graph, bs_id s, bs_id p,
                          bs_id o);
bs_status bs_sp_scan_next(bs_sp_scan *sc, bs_quad *out);
/** The next 1 to cap triples into out[0..*n) (at most a page of the
 *  store's duplicates at a time), or BS_END: the rows of
 *  bs_sp_scan_next() in the same order, with a call per batch. */
bs_status bs_sp_scan_next_n(bs_sp_scan *sc, bs_quad *out, size_t cap, size_t *n);
/** bs_sp_scan_next_n writing only subjects and objects (so[2k], so[2k + 1],
 *  k < *n, cap <= 256) of a scan whose predicate is bound (else BS_ERR_ARG). */
bs_status bs_sp_scan_next_so(bs_sp_scan *sc, bs_id *so, size_t cap, size_t *n);
void bs_sp_scan_free(bs_sp_scan *sc);

/** The named graphs of the dataset (visible ones), for GRAPH ?g.
 *  Borrowed until the exec is freed. */
bs_status bs_sp_named_graphs(bs_sp_exec *ex, const bs_id **out, size_t *n);

/* ---- property paths (path.c) ------------------------------------------ */
/** Evaluate a PATH node (§18.4 ArbitraryLengthPath etc.), breadth-first
 *  over ids, cycle-safe, any combination of bound ends (from the node's
 *  constants or the seed). */
bs_status bs_sp_path_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, bs_sp_iter **out);

/* ---- expressions (expr*.c, func*.c) ------------------------------------ */
/** Evaluate e on row.  *out = the value's id, or 0 when the expression
 *  raises an error (unbound variable, type error...: SPARQL errors are
 *  values here, not failures).  The status is not BS_OK only for real
 *  failures (memory, timeout). */
bs_status bs_sp_expr_eval(bs_sp_exec *ex, const bs_sp_expr *e,
                          const bs_id *row, bs_id *out);
/** Effective boolean value of e on row: *out = 1 true, 0 false, -1
 *  error (FILTER keeps only 1). */
bs_status bs_sp_expr_ebv(bs_sp_exec *ex, const bs_sp_expr *e,
                         const bs_id *row, int *out);
/** ORDER BY order of two ids (§15.1: unbound < blank < IRI < literal,
 *  literals by value where comparable, else a total fallback order):
 *  <0, 0, >0. */
int bs_sp_order_cmp(bs_sp_exec *ex, bs_id a, bs_id b);

/** An aggregate's running state (for one group). */
typedef struct bs_sp_agg bs_sp_agg;
bs_status bs_sp_agg_new(bs_sp_exec *ex, const bs_sp_aggspec *spec,
                        bs_sp_agg **out);
/** Feed one value (0 = the argument raised an error; for COUNT(*) pass
 *  any non-zero id per row). */
bs_status bs_sp_agg_step(bs_sp_agg *a, bs_id value);
/// The result: an id, or 0 when the aggregate raises an error.
bs_status bs_sp_agg_result(bs_sp_agg *a, bs_id *out);
void bs_sp_agg_free(bs_sp_agg *a);

/* ---- CONSTRUCT / DESCRIBE (construct.c) -------------------------------- */
/** Call fn for each quad of templates tpl instantiated with row
 *  (§16.2: a template with an unbound variable or an ill-formed triple —
 *  a literal subject, a non-IRI predicate — yields nothing).  Blank
 *  nodes of the template are fresh per call (per row).  g: "none" in a
 *  template = BS_DEFAULT_GRAPH. */
bs_status bs_sp_instantiate(bs_sp_exec *ex, const bs_sp_quad *tpl,
                            size_t n, const bs_id *row,
                            bs_status (*fn)(void *ctx, const bs_quad *q),
                            void *ctx);

/** A stream of distinct triples (ids). */
typedef struct bs_sp_triples bs_sp_triples;
/** CONSTRUCT: the template over the solutions (takes the iterator). */
bs_status bs_sp_construct_new(bs_sp_exec *ex, bs_sp_iter *solutions,
                              bs_sp_triples **out);
/** DESCRIBE: the concise bounded description of each resource named
 *  (constants, and the described variables' values in the solutions;
 *  solutions may be NULL). */
bs_status bs_sp_describe_new(bs_sp_exec *ex, bs_sp_iter *solutions,
                             bs_sp_triples **out);
bs_status bs_sp_triples_next(bs_sp_triples *t, bs_id out[3]);
void bs_sp_triples_free(bs_sp_triples *t);

#endif
