/* SPDX-License-Identifier: MIT
 * battstore — search: the resources a query collects (query.c builds
 * them, facets.c filters and counts them, hits.c turns the page into
 * bs_search_hit). */
#ifndef BS_QRES_H
#define BS_QRES_H

#include "search/qcache.h"
#include "search/qtok.h"
#include "search/query_int.h"

/** How a resource matched one AND-group. */
typedef struct {
    float direct;      ///< best direct literal score (0 = none)
    float expand;      ///< best expansion score (0 = none)
    bs_id lit, pred;   ///< the direct literal and its predicate
    bs_id cls, via;    ///< expansion: class whose label matched, linking predicate
    bs_id cls_lit;     ///< the class's matching label literal
    uint8_t field, alt, xalt; ///< direct field; alternative (direct, expansion)
} bs_qgm;

/** A candidate resource. */
#define BS_QRES_NO_SIDX UINT32_MAX

typedef struct {
    bs_id subj;
    bs_id graph;       ///< least graph id of the visible quads that found it
    uint32_t sidx;     ///< subject index in the snapshot cache, or BS_QRES_NO_SIDX
    uint32_t prof;     ///< its facet profile in the cache (with sidx)
    uint32_t mask;     ///< groups matched
    float score;
    uint16_t gidx;     ///< graph's index in the snapshot cache (with sidx)
    bool excluded;
} bs_qres;

/** All candidates of a query: res[i] with its groups at gm[i*ngroups]. */
typedef struct {
    bs_qres *res;
    bs_qgm *gm;
    size_t n, cap, ngroups;
    bs_idmap index;    ///< subj → i
} bs_qresset;

/// The candidate for subj (create: add it when new), or NULL.
bs_status bs_qres_get(bs_qresset *rs, bs_id subj, bs_id graph, bool create,
                      size_t *idx_out);
/// Room for n candidates in all (an upper bound known in advance).
bs_status bs_qres_reserve(bs_qresset *rs, size_t n);
/// Append a candidate (no index entry: the fast path keeps its own).
bs_status bs_qres_append(bs_qresset *rs, bs_id subj, bs_id graph, size_t *idx_out);
void bs_qresset_free(bs_qresset *rs);

/** Filters resolved to ids once per query (0 = no filter; a filter whose
 *  value is unknown to the store matches nothing: impossible = true). */
typedef struct {
    bs_idset types;    ///< type filter: the class and its subclasses
    bool has_type;
    bs_id wp;
    bs_id size;
    const char *format;
    int access;        ///< -1 = none
    bool impossible;
} bs_qfilter;

bs_status bs_qfilter_init(bs_qctx *c, const bs_search_query *q, bs_qfilter *f);
void bs_qfilter_free(bs_qfilter *f);

/** Facet counts by id (value id → count) for each facet; access by level. */
typedef struct {
    bs_idmap counts[BS_NFACETS];
    bool on;
    bs_iter *it;       ///< reused for each resource's scan
    const bs_qcache *qc; ///< the snapshot cache: facet quads without seeks (or NULL)
    int8_t *gvis;      ///< per cached graph: 0 unknown, 1 visible, -1 not
    int8_t *glevel;    ///< per cached graph: access level + 1 (0 unknown)
    int8_t *pstate;    ///< per cached profile: 0 unknown, 1 passes the filters, -1 not
    uint32_t *pcount;  ///< per cached profile: resources counted
    uint32_t acc[3];   ///< cached path: resources counted per access level
} bs_qfacets;

/** Whether cached graph gi is visible (decided once per query in gvis). */
bool bs_qc_visible(bs_qctx *c, const bs_qcache *qc, int8_t *gvis, uint16_t gi);

/** Apply the filters to resource r (one scan of its quads) and, when it
 *  passes and facets are on, count its facet values.  *pass = kept. */
bs_status bs_qfilter_apply(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc,
                           const bs_qres *r, bool *pass);
/** The same for a resource of the snapshot cache (fc->qc): its facet
 *  profile and least graph's index. */
bs_status bs_qfilter_cached_slow(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc, uint32_t prof,
                                 uint16_t gidx, bool *pass);
static inline bs_status bs_qfilter_cached(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc,
                                          uint32_t prof, uint16_t gidx, bool *pass)
{
    int8_t lv = fc->glevel ? fc->glevel[gidx] : 0, ps = fc->pstate ? fc->pstate[prof] : 0;
    if (!lv || !ps) return bs_qfilter_cached_slow(c, f, fc, prof, gidx, pass);
    /* graph and profile decided already (most candidates): no call */
    unsigned l = (unsigned)(lv - 1);
    *pass = (f->access < 0 || (int)l == f->access) && ps > 0;
    if (*pass && fc->on) {
        fc->pcount[prof]++;
        fc->acc[l < 3 ? l : BS_ACCESS_CONFIDENTIAL]++;
    }
    return BS_OK;
}

/** The facet arrays of out (descending by count, labelled). */
bs_status bs_qfacets_finish(bs_qctx *c, bs_qfacets *fc, bs_search_result *out);
void bs_qfacets_free(bs_qfacets *fc);

/** Fill hit h for resource i of rs. */
bs_status bs_qhit_build(bs_qctx *c, const bs_qparsed *p, const bs_qresset *rs,
                        size_t i, bs_search_hit *h);

/* ---- one run (query.c; the cached path in qfast.c) ------------------- */

/** A literal's entries in the snapshot cache. */
typedef struct {
    const bs_qc_ent *e;
    uint32_t n;
} bs_qc_run;

/** The dense path's record of a subject (per-thread array over the
 *  cache's subjects): its best score in the first and second group done
 *  (0 = none yet) and 1 + the index of its least graph (0 = none). */
typedef struct {
    float s[2];
    uint16_t g;
} bs_qdsub;

/** A class whose label a group's literal matched. */
typedef struct {
    bs_id cls, lit;
    float score;
    uint8_t alt;
} bs_qcm;

typedef struct {
    bs_qctx c;
    bs_qparsed p;
    bs_qcorpus corpus;
    bs_qresset rs;
    bs_qlits *lits;        ///< per group
    size_t budget;         ///< subject resolutions left
    bool inexact;
    double ratio;          ///< share of the first group's literals resolved
    bool expand;
    bs_qcm *cm;            ///< the current group's class-label matches
    size_t ncm, capcm;
    const bs_qcache *qc;   ///< the snapshot cache (fast path) or NULL
    int8_t *gvis;          ///< per cached graph visibility (fast path)
    int8_t *pfield;        ///< per cached predicate: its field (fast path)
    uint32_t *slot;        ///< per cached subject: 1 + candidate index (fast path)
    uint64_t *bits;        ///< per cached subject: 1 = a candidate (fast path)
    bs_qc_run **runs;      ///< per group: each literal's cached entries (fast path)
    /* the dense path (fast path, one or two groups): no candidate records */
    bool dense;
    int dk;                ///< the group being done is the dk-th (0 or 1)
    size_t dn;             ///< candidates (bits set)
    bs_qdsub *dsub;        ///< per cached subject (borrowed, per thread)
    uint64_t *dbits;       ///< per cached subject: 1 = a candidate
    bs_idset dxs[2];       ///< per group: its expansion set (class → dcm index)
    bs_qcm *dcm[2];        ///< per group: its class matches
    const bs_qtok_list **tok[2]; ///< per group: its prefix's tokens' lists (token path) or NULL
    size_t ntok[2];
} bs_qrun;


/** Note class cls matched by literal l (the best literal per class). */
bs_status bs_qrun_note_class(bs_qrun *r, bs_id cls, const bs_qlit *l);
/** Keep the best direct match of a group (score, then least literal,
 *  then least predicate: independent of the visiting order). */
void bs_qgm_direct(bs_qgm *g, const bs_qlit *l, bs_id pred, int field);
/** Keep the best expansion match (score, then least class, then via). */
void bs_qgm_expand(bs_qgm *g, const bs_qcm *m, bs_id via);
/** The classes below the noted ones: class → index in r->cm. */
bs_status bs_qrun_expansion_set(bs_qrun *r, bs_idset *xs);
/** Whether a literal of group gi, found through a label, may name a class. */
bool bs_qrun_class_label(const bs_qrun *r, size_t gi, const bs_qlit *l, int field);

/* The cached path (qfast.c): exact, no budget. */
/// Per-query state for r->qc (slot and gvis arrays).
bs_status bs_qfast_init(bs_qrun *r);
/// Group gi's literals (r->lits[gi]) and class expansion → candidates
/// (first: created; else only existing ones updated).
bs_status bs_qfast_group(bs_qrun *r, size_t gi, bool first);
/// The number of (literal, resource) entries of group gi's literals
/// (looked up once: bs_qfast_group reuses them).
bs_status bs_qfast_weight(bs_qrun *r, size_t gi, size_t *out);
/// Give back the per-thread subject array (before r->rs is freed).
void bs_qfast_done(bs_qrun *r);
/// The token path: group gi, a single-token prefix on the dense path,
/// gets its tokens' lists (qtok.c; no postings read, no literal looked
/// up; bs_qfast_group then merges them), *items = their items (its
/// weight).  BS_NOT_FOUND: not taken (the caller evaluates its literals).
bs_status bs_qfast_tok_lists(bs_qrun *r, size_t gi, size_t *items);
/// Mark the candidates holding a literal of l excluded.
bs_status bs_qfast_exclusion(bs_qrun *r, const bs_qlits *l);

/* The dense path: a query of one or two groups on the cache keeps per
 * subject only its best score per group and its least graph (bs_qdsub),
 * and no match records: the page's few resources get theirs afterwards
 * (bs_qdense_page), from the same entries.  bs_qfast_group and
 * bs_qfast_exclusion fill it when r->dense (r->dk: the group's rank). */
/// Tests: off = the candidate-record path for every query.
void bs_qfast_set_dense(bool on);
/// A candidate matching every group: subject index, least graph's index, score.
typedef struct {
    uint32_t si;
    uint16_t gidx;
    float score;
} bs_qdcand;
/// The candidates matching every group from bitmap word *w on (start at
/// 0, the end at (nsubj + 63) / 64) into out[0..max) (max >= 64),
/// ascending; zeroes the records it passes.  Returns how many.
size_t bs_qdense_take(bs_qrun *r, size_t *w, bs_qdcand *out, size_t max);
/// Candidate records for subjects sidx[0..n) (rs.res[i] for sidx[i]),
/// with their matches of every group; ends the dense path.  least: the
/// least score among them (a one-group query skips the literals below).
bs_status bs_qdense_page(bs_qrun *r, const uint32_t *sidx, size_t n, float least);

#endif
