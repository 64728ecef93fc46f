/* SPDX-License-Identifier: MIT
 * battstore — semantic search: a keyword index over the store's literals
 * kept in the same LMDB transactions as the quads, BM25 ranking, BattINFO
 * class expansion, facets, label completion. */
#ifndef BS_SEARCH_H
#define BS_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/store.h"

/** battstore's own vocabulary (property function bs:matches, bs:score). */
#define BS_NS "https://w3id.org/battstore#"

typedef struct bs_search bs_search;

/** What is indexed.  Each literal object of an indexed predicate is one
 *  document; its field is that of the best-weighted predicate it is used
 *  with (label > keyword > text). */
typedef enum {
    BS_FIELD_LABEL = 0,   ///< rdfs:label, skos:prefLabel/altLabel/hiddenLabel, dcterms:title
    BS_FIELD_KEYWORD = 1, ///< dcat:keyword
    BS_FIELD_TEXT = 2,    ///< dcterms:description, rdfs:comment, EMMO elucidation/definition...
    BS_NFIELDS
} bs_search_field;

/** Configuration: NULL (or zeroed) = the built-in predicate list (see
 *  docs/search.md).  extra_preds adds predicates ("IRI" → field). */
typedef struct {
    const char *const *extra_preds; ///< IRIs
    const bs_search_field *extra_fields;
    size_t n_extra;
    bool replace_builtin;           ///< only extra_preds are indexed
} bs_search_config;

/* ---- attaching the index to a store ------------------------------- */

/** Attach the text index to an open store handle: registers the store
 *  hook "search" (see bs_store_hook_add) so that every write transaction
 *  of this handle updates the index before it commits (data and index
 *  together, or neither).  On a writable store a missing or stale index
 *  is (re)built here, in one write transaction.  On a read-only store
 *  without a usable index, *out is still set and searches return
 *  BS_ERR_UNSUPPORTED ("no text index: run battstore search --reindex").
 *  Env BATTSTORE_NO_SEARCH=1 turns indexing off (for load-overhead
 *  measurement): *out is NULL and BS_OK is returned.
 *  Caller frees with bs_search_detach() before bs_store_close(). */
bs_status bs_search_attach(bs_store *store, const bs_search_config *cfg,
                           bs_search **out);

/// Detach and free.  NULL is safe.
void bs_search_detach(bs_search *s);

/** The search handle attached to a store, or NULL (borrowed; valid until
 *  bs_search_detach).  Lets the SPARQL engine serve bs:matches. */
bs_search *bs_search_of(bs_store *store);

/// Rebuild the whole index from the store's quads in write txn.
bs_status bs_search_reindex(bs_search *s, bs_txn *txn, uint64_t *docs);

typedef struct {
    uint64_t docs;      ///< indexed literals
    uint64_t tokens;    ///< distinct tokens
    uint64_t postings;  ///< token occurrences stored
    uint64_t bytes;     ///< pages used by the index × page size
    bool stale;
} bs_search_stats;

bs_status bs_search_stat(bs_search *s, bs_txn *txn, bs_search_stats *out);

/** Whether s's text index answers exactly for txn: s is usable, the
 *  index is recorded fresh in txn's snapshot (a write with indexing off,
 *  e.g. by another process, leaves it stale), and txn is a read
 *  transaction (in a write transaction the index lags the quads written
 *  before it until the commit).  Searches, suggestions, bs:matches and
 *  the SPARQL text FILTER all ask this. */
bool bs_search_fresh_in(bs_search *s, bs_txn *txn);

/* ---- text: tokens and folding (unit-tested on their own) ----------- */

/** Call fn for each token of text[0..len) in order: words split at
 *  Unicode word boundaries (letters and digits; '-' and '_' split),
 *  folded (Unicode case folding, NFKD with combining marks removed:
 *  "Électrode" → "electrode"), start/end = byte offsets of the token in
 *  text.  A token longer than 64 bytes is cut at a character boundary. */
bs_status bs_search_tokenize(const char *text, size_t len,
                             void (*fn)(void *ctx, const char *tok, size_t toklen,
                                        size_t start, size_t end),
                             void *ctx);

/** Fold one string as tokens are folded; malloc'ed, caller frees. */
char *bs_search_fold(const char *text, size_t len);

/* ---- queries ------------------------------------------------------- */

/** A search.  q syntax: words (AND), `OR` between words, "a phrase",
 *  word* (prefix), -word (exclude).  Filters are ANDed; NULL = none. */
typedef struct {
    const char *q;
    const char *type;    ///< class IRI: hits typed with it or a subclass
    const char *wp;      ///< work package: IRI or "WP3" (dmp:producedBy / dmp:workPackage)
    const char *access;  ///< "public" | "restricted" | "confidential"
    const char *format;  ///< dcterms:format value, e.g. ".hdf5"
    const char *size;    ///< size class IRI or local name ("SizeTB")
    size_t limit;        ///< 0 = 10
    size_t offset;
    bool no_expand;      ///< turn semantic expansion off
    bool no_facets;
    /// access control, as bs_sparql_opts.visible (NULL = all visible)
    bool (*visible)(void *ctx, bs_id graph, bs_access level);
    void *visible_ctx;
    double timeout;      ///< seconds, 0 = none: BS_ERR_TIMEOUT
    volatile int *cancel;
} bs_search_query;

/** Why a hit matched. */
typedef struct {
    char *word;        ///< the query word (as typed)
    bs_search_field field; ///< field of the matching literal (direct match)
    char *pred;        ///< IRI of the predicate holding the matching text, or NULL
    char *class_iri;   ///< expansion: the class whose label matched, else NULL
    char *class_label;
    char *via;         ///< expansion: the linking predicate IRI (rdf:type, dmp:about...)
} bs_search_why;

/** A piece of a snippet; hit = a matched token (to highlight). */
typedef struct {
    char *text;
    bool hit;
} bs_search_span;

typedef struct {
    char *iri;          ///< the resource (subject) found
    char *label;        ///< its best label, or NULL
    char *type;         ///< one rdf:type IRI (most specific known), or NULL
    char *type_label;
    bs_search_span *snippet;
    size_t nsnippet;
    double score;
    bs_search_why *why;
    size_t nwhy;
} bs_search_hit;

typedef struct {
    char *value;        ///< IRI or literal lexical form or access level name
    char *label;        ///< display label (e.g. "WP3", "TB", "public")
    uint64_t count;
} bs_search_facet_value;

/** Facets, in this order: "wp", "type", "format", "size", "access". */
enum { BS_FACET_WP, BS_FACET_TYPE, BS_FACET_FORMAT, BS_FACET_SIZE, BS_FACET_ACCESS,
       BS_NFACETS };
extern const char *const bs_search_facet_names[BS_NFACETS];

typedef struct {
    uint64_t total;                 ///< all matching visible hits
    bs_search_hit *hits;            ///< [offset, offset+limit) by score
    size_t nhits;
    bs_search_facet_value *facets[BS_NFACETS]; ///< counts over all hits, descending
    size_t nfacets[BS_NFACETS];
    double ms;                      ///< time taken
    /** false when the query matched more literals than one search
     *  resolves (see src/search/query.c): total is then an estimate and
     *  the facet counts cover the best-scored part of the matches. */
    bool total_exact;
} bs_search_result;

/** Run a search in a read (or write) transaction.  Every hit, count and
 *  facet is computed from graphs visible() accepts only.  BS_ERR_PARSE
 *  for a malformed q.  Caller frees *out with bs_search_result_free(). */
bs_status bs_search_run(bs_search *s, bs_txn *txn, const bs_search_query *q,
                        bs_search_result **out);

void bs_search_result_free(bs_search_result *r);

/** The JSON document of GET /search (docs/search.md):
 *  {"q","total","offset","limit","took_ms","hits":[{"iri","label","type",
 *  "type_label","snippet":[{"text","hit"}],"score","why":[...]}],
 *  "facets":{"wp":[{"value","label","count"}],...}}.
 *  malloc'ed; caller frees. */
char *bs_search_result_json(const bs_search_result *r, const bs_search_query *q);

/** A label completion. */
typedef struct {
    char *label;  ///< the whole label the prefix completes
    char *iri;    ///< the labelled resource
    char *type;   ///< its rdf:type IRI or NULL
} bs_search_suggestion;

/** Labels (label field only) whose tokens start with the last word of
 *  prefix (earlier words must match whole tokens), best first (shorter
 *  labels and classes first), visible ones only.  Caller frees *out with
 *  bs_search_suggestions_free(). */
bs_status bs_search_suggest(bs_search *s, bs_txn *txn, const char *prefix,
                            size_t limit,
                            bool (*visible)(void *ctx, bs_id graph, bs_access level),
                            void *visible_ctx,
                            bs_search_suggestion **out, size_t *n);

void bs_search_suggestions_free(bs_search_suggestion *v, size_t n);

/// {"q":...,"suggestions":[{"label","iri","type"}]}; malloc'ed.
char *bs_search_suggest_json(const char *q, const bs_search_suggestion *v, size_t n);

/* ---- the SPARQL property function bs:matches --------------------- */

/** The literals matching q (same syntax as bs_search_query.q, no
 *  expansion), with their BM25 score, ascending by id: fn is called once
 *  per literal.  Literals are returned whatever graph holds them: the
 *  engine joins them with visible quads. */
bs_status bs_search_match(bs_search *s, bs_txn *txn, const char *q,
                          bs_status (*fn)(void *ctx, bs_id lit, double score),
                          void *ctx);

#endif
