/* SPDX-License-Identifier: MIT
 * battstore — search: a per-snapshot, in-memory digest of the quads a
 * search reads (qcache.c), so that a query resolves literals and
 * classes to resources, and counts facets, without index seeks. */
#ifndef BS_QCACHE_H
#define BS_QCACHE_H

#include "search/query_int.h"

/** One cached quad seen from its key (a literal, a class or a subject):
 *  the other end as a dense subject index (or a value id for facets),
 *  the predicate and the graph as small indexes. */
typedef struct {
    bs_id subj_id;     ///< the subject (inline: no lookup per match)
    uint32_t subj;     ///< subject index (bs_qcache.subj)
    uint32_t prof;     ///< the subject's facet profile (bs_qcache.prof)
    uint16_t pred;     ///< predicate index (bs_qcache.preds)
    uint16_t graph;    ///< graph index (bs_qcache.graphs)
} bs_qc_ent;

typedef struct {
    bs_id val;         ///< facet value (the quad's object)
    uint16_t pred;
    uint16_t graph;
} bs_qc_fac;

/** A key → run of entries table (CSR): keys ascending, key keys[i]'s
 *  entries are ent[off[i]..off[i+1]). */
typedef struct {
    bs_id *keys;
    uint32_t *off;
    bs_qc_ent *ent;
    size_t nkeys, nent;
    uint32_t *hash;    ///< key → 1 + its index (open addressing, 2^hbits slots, half full)
    unsigned hbits;
} bs_qc_csr;

/* A profile is the distinct set of a subject's facet quads (rdf:type,
 * work package, format, size class, with their graphs): thousands of
 * datasets share one, so filters and facet counts are decided once per
 * profile and counted per profile. */

/** The digest of one committed snapshot (immutable once built; shared
 *  by the queries of that snapshot, reference counted). */
typedef struct bs_qcache {
    uint64_t txnid;        ///< the snapshot (LMDB's txn id of a read txn)
    unsigned refs;         ///< guarded by the module's mutex
    bs_id *subj;           ///< subject index → id
    size_t nsubj;
    bs_id *graphs;         ///< graph index → id
    size_t ngraphs;
    bs_id *preds;          ///< predicate index → id
    size_t npreds;
    bs_qc_csr lits;        ///< literal → subjects (indexed predicates)
    bs_qc_csr classes;     ///< class → subjects (rdf:type, theme, subject, about)
    uint32_t *prof;        ///< subject index → its facet profile
    uint32_t *prof_off;    ///< profile → its facet quads fac[prof_off[p]..prof_off[p+1])
    bs_qc_fac *fac;        ///< (predicate, value, graph), sorted, per profile
    size_t nprof;          ///< profiles (0 = no facet quads)
    uint64_t *cls;         ///< subject index bits: 1 when some quad, in any graph, may
                           ///< make it a class (rdf:type owl:Class or rdfs:Class,
                           ///< rdfs:subClassOf); 0: never a class (bs_qis_class false)
    double build_ms;       ///< how long the build took
    struct bs_qtoks *toks; ///< per-token lists, built lazily (qtok.c; own lock)
} bs_qcache;

/** Cache modes (bs_qcache_set_mode): never, always, or from the second
 *  search of a handle on (the default: a one-shot CLI search does not pay
 *  the build; BATTSTORE_SEARCH_CACHE=0/1 overrides the default).  ON and
 *  AUTO build in the background; SYNC (tests) builds in the caller's
 *  thread and transaction, as a search waiting for its cache would. */
enum { BS_QCACHE_OFF = 0, BS_QCACHE_ON = 1, BS_QCACHE_AUTO = 2, BS_QCACHE_SYNC = 3 };
void bs_qcache_set_mode(int mode);

/** The cache of txn's snapshot, or NULL: off, a write transaction, or
 *  not built (yet) for exactly this snapshot.  A missing or stale cache
 *  starts the handle's background build (unless one runs, or this
 *  snapshot's build failed) and this search goes the seek path.
 *  Release the cache with bs_qcache_release(). */
bs_qcache *bs_qcache_acquire(bs_search *s, bs_txn *txn);
void bs_qcache_release(bs_qcache *qc);

/** Drop s's cache, stopping a running build (it polls a cancel flag) and
 *  joining its thread (bs_search_detach calls this). */
void bs_qcache_detach(bs_search *s);

/** Counters of s's cache (for tests and benchmarks). */
typedef struct {
    uint64_t hits;      ///< searches served by the cache
    uint64_t misses;    ///< searches that went the seek path
    uint64_t builds;    ///< builds started
    uint64_t built;     ///< builds installed
    uint64_t failed;    ///< builds failed (cancelled ones not counted)
    bool building;      ///< a build runs now
    uint64_t txnid;     ///< snapshot of the installed cache (0: none)
    double build_ms;    ///< how long its build took
} bs_qcache_stats;
void bs_qcache_stats_get(bs_search *s, bs_qcache_stats *out);

/** Wait until no build of s runs.  Do not call it holding a transaction
 *  (the builder's may wait for a map growth that waits for it). */
void bs_qcache_wait(bs_search *s);

/** Tests: each builder waits ms (polling cancel) before it starts. */
void bs_qcache_set_build_delay(unsigned ms);

/** The entries of key in t (*n = 0 when absent; *at = its index when
 *  present): one probe of t's hash table (a prefix's postings come in
 *  many ascending runs, far apart among the keys: a galloping search per
 *  literal was a sixth of such a query's instructions). */
const bs_qc_ent *bs_qc_lookup(const bs_qc_csr *t, bs_id key, size_t *at, size_t *n);

/** Whether subject index si may be a class (see bs_qcache.cls). */
static inline bool bs_qc_maybe_class(const bs_qcache *qc, uint32_t si)
{
    return (qc->cls[si >> 6] >> (si & 63)) & 1;
}

/** Snapshot id of txn (LMDB's txn id). */
uint64_t bs_qcache_txnid(bs_txn *txn);

#endif
