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
    double build_ms;       ///< how long the build took
} bs_qcache;

/** Cache modes (bs_qcache_set_mode): never, always, or from the second
 *  search of a handle on (the default: a one-shot CLI search does not pay
 *  the build; BATTSTORE_SEARCH_CACHE=0/1 overrides the default). */
enum { BS_QCACHE_OFF = 0, BS_QCACHE_ON = 1, BS_QCACHE_AUTO = 2 };
void bs_qcache_set_mode(int mode);

/** The cache of txn's snapshot (built when missing or stale; NULL when
 *  off, in a write transaction, when another thread is building it, or
 *  when it cannot be built).  Release it with bs_qcache_release(). */
bs_qcache *bs_qcache_acquire(bs_search *s, bs_txn *txn);
void bs_qcache_release(bs_qcache *qc);

/** Drop s's cache (bs_search_detach calls this). */
void bs_qcache_detach(bs_search *s);

/** The entries of key in t (*n = 0 when absent).  *at: where to start
 *  looking (keys ascending: a galloping search from there), updated;
 *  start at 0. */
const bs_qc_ent *bs_qc_lookup(const bs_qc_csr *t, bs_id key, size_t *at, size_t *n);

/** Snapshot id of txn (LMDB's txn id). */
uint64_t bs_qcache_txnid(bs_txn *txn);

#endif
