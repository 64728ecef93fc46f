/* SPDX-License-Identifier: MIT
 * battstore — search internals shared by the files of src/search only
 * (index side: text.c, index.c; query side: query.c, json.c...). */
#ifndef BS_SEARCH_INT_H
#define BS_SEARCH_INT_H

#include <pthread.h>
#include "search/search.h"

#define BS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define BS_RDFS "http://www.w3.org/2000/01/rdf-schema#"
#define BS_OWL "http://www.w3.org/2002/07/owl#"
#define BS_SKOS "http://www.w3.org/2004/02/skos/core#"
#define BS_DCT "http://purl.org/dc/terms/"
#define BS_DCAT "http://www.w3.org/ns/dcat#"
#define BS_DMP "https://w3id.org/battstore/bigmap-dmp#"

/** Ids of the well-known terms search uses; 0 = not in the store (yet).
 *  Resolved at attach (interned on a writable store for the indexed
 *  predicates, looked up otherwise) and again by bs_search_ids_refresh. */
typedef struct {
    bs_id rdf_type, rdfs_label, rdfs_subclass, owl_equivalent, skos_pref, skos_alt;
    bs_id dcat_theme, dct_subject, dmp_about;            ///< "about" links
    bs_id dmp_produced_by, dmp_work_package, dct_format, dmp_size_class;
    bs_id dct_title;
} bs_search_ids;

/** One indexed predicate and its field. */
typedef struct {
    bs_id pred;
    char *iri;
    bs_search_field field;
} bs_search_pred;

struct bs_search {
    bs_store *store;
    bs_search_pred *preds;  ///< indexed predicates (ids may be 0 on read-only stores)
    size_t npreds;
    bs_search_ids ids;
    bool usable;            ///< the store holds a fresh index
    pthread_mutex_t lock;   ///< guards ids/preds refresh
};

/// Field weights for ranking (label 3, keyword 2, text 1).
extern const double bs_search_field_weight[BS_NFIELDS];

/** Field of predicate p, or -1 when p is not indexed. */
int bs_search_pred_field(const bs_search *s, bs_id p);

/** Look up (again) the ids still 0 in s->ids and s->preds in txn. */
bs_status bs_search_ids_refresh(bs_search *s, bs_txn *txn);

/** Index maintenance for the literals lits[0..n) (ascending): each one
 *  is (re)indexed when some quad still uses it with an indexed
 *  predicate, else removed from the index.  The store hook calls this;
 *  reindex does too. */
bs_status bs_search_update_docs(bs_search *s, bs_txn *txn, const bs_id *lits, size_t n);

/** bs_search_tokenize through the Unicode path over the whole text (no
 *  ASCII spans): the reference its fast path is tested against. */
bs_status bs_search_tokenize_slow(const char *text, size_t len,
                                  void (*fn)(void *ctx, const char *tok, size_t toklen,
                                             size_t start, size_t end),
                                  void *ctx);

/** The hash of a folded token that the index's batches key on (FNV-1a
 *  over its bytes). */
static inline uint32_t bs_search_tok_hash(const char *tok, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)tok[i]) * 16777619u;
    return h;
}

/** The tokens of bs_search_tokenize (folded, in order, the same bytes)
 *  with their bs_search_tok_hash, without offsets: the index's path.
 *  An ASCII span is lower-cased and hashed in one pass. */
bs_status bs_search_tokenize_hashed(const char *text, size_t len,
                                    void (*fn)(void *ctx, const char *tok, size_t toklen,
                                               uint32_t hash),
                                    void *ctx);

/** Early work of a bulk load (index_docs.c): the store hook's on_bulk,
 *  bulk_flush and bulk_free.  *state (bs_search_early, owned by the
 *  txn's hook state) is made on first use. */
typedef struct bs_search_early bs_search_early;
bs_status bs_search_bulk_note(bs_search *s, bs_txn *txn, bs_id lit, bs_id pred, void **state);
bs_status bs_search_bulk_flush(bs_txn *txn, void *state);
void bs_search_bulk_free(void *state);

#endif
