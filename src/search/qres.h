/* SPDX-License-Identifier: MIT
 * battstore — search: the resources a query collects (query.c builds
 * them, facets.c filters and counts them, hits.c turns the page into
 * bs_search_hit). */
#ifndef BS_QRES_H
#define BS_QRES_H

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
typedef struct {
    bs_id subj;
    bs_id graph;       ///< graph of the first visible quad that found it
    uint32_t mask;     ///< groups matched
    bool excluded;
    float score;
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
} bs_qfacets;

/** Apply the filters to resource r (one scan of its quads) and, when it
 *  passes and facets are on, count its facet values.  *pass = kept. */
bs_status bs_qfilter_apply(bs_qctx *c, const bs_qfilter *f, bs_qfacets *fc,
                           const bs_qres *r, bool *pass);

/** The facet arrays of out (descending by count, labelled). */
bs_status bs_qfacets_finish(bs_qctx *c, bs_qfacets *fc, bs_search_result *out);
void bs_qfacets_free(bs_qfacets *fc);

/** Fill hit h for resource i of rs. */
bs_status bs_qhit_build(bs_qctx *c, const bs_qparsed *p, const bs_qresset *rs,
                        size_t i, bs_search_hit *h);

#endif
