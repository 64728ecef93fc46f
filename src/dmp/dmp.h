/* SPDX-License-Identifier: MIT
 * battstore — the BIG-MAP data highway: the plan's WP → WP flows as a graph
 * (routes, up/downstream, drawing) and the FAIR check of its datasets. */
#ifndef BS_DMP_H
#define BS_DMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "sparql/sparql.h"
#include "store/store.h"

/// The DMP vocabulary's namespace (prefix dmp:).
#define BS_DMP_NS "https://w3id.org/battstore/bigmap-dmp#"

/* ---- the highway (flows.c) ------------------------------------------- */

/** A work package: a node of the highway.  Strings owned by the graph. */
typedef struct {
    char *iri;   ///< e.g. https://w3id.org/battstore/bigmap-dmp#WP2
    char *name;  ///< "WP2"
    char *title; ///< "" when none
    char *group; ///< the Fig. 2 group's label, "" when none
    char *group_iri; ///< "" when none
} bs_dmp_wp;

/** A data flow from one WP to another.  Strings owned by the graph. */
typedef struct {
    char *iri;
    int from, to;    ///< indexes into the graph's wps
    int rank;        ///< size class rank (KB 1 … PB 5), 0 when unknown
    char *size;      ///< "KB" … "PB", "" when unknown
    char *what;      ///< dcterms:description, "" when none
    char *stated_by; ///< the WP whose table states it ("WP3"), "" when unknown
    char *side;      ///< "collects" or "delivers", "" when unknown
    bool one_sided;  ///< no dmp:correspondsTo
} bs_dmp_flow;

/** The highway: work packages and flows.  Free with bs_dmp_graph_free(). */
typedef struct {
    bs_dmp_wp *wps;
    size_t nwps;
    bs_dmp_flow *flows;
    size_t nflows;
} bs_dmp_graph;

/// An empty graph (for tests and for bs_dmp_load()).  NULL on no memory.
bs_dmp_graph *bs_dmp_graph_new(void);
void bs_dmp_graph_free(bs_dmp_graph *g);

/** Add a work package (strings copied; NULL = "").  *index (may be NULL)
 *  is its index. */
bs_status bs_dmp_add_wp(bs_dmp_graph *g, const char *iri, const char *name,
                        const char *title, const char *group, const char *group_iri,
                        int *index);

/** Add a flow (f's strings copied; NULL = "").  from/to must be valid
 *  WP indexes (BS_ERR_ARG otherwise). */
bs_status bs_dmp_add_flow(bs_dmp_graph *g, const bs_dmp_flow *f);

/** The index of a WP named "WP10", "wp10", "10" or by its IRI; -1 when
 *  there is none. */
int bs_dmp_wp_find(const bs_dmp_graph *g, const char *name);

/** Read the plan's work packages and flows from the store (through the
 *  SPARQL engine, the union of all graphs).  BS_NOT_FOUND with *err set
 *  when the store holds no dmp:WorkPackage.  Caller frees *out with
 *  bs_dmp_graph_free() and *err with free(). */
bs_status bs_dmp_load(bs_store *store, bs_dmp_graph **out, char **err);

/** As bs_dmp_load(), with the engine's options o (NULL = none): its
 *  visible() callback keeps a caller from seeing what lies in graphs it
 *  may not see (a WP or flow stated only there is left out; the union of
 *  the visible graphs is read).  Other fields as bs_sparql_opts; the
 *  union default graph is always on.  Ownership as bs_dmp_load(). */
bs_status bs_dmp_load_opts(bs_store *store, const bs_sparql_opts *o, bs_dmp_graph **out,
                           char **err);

/** The largest size rank of the flows from a to b: 0 when they have no
 *  size, -1 when there is no flow.  *count (may be NULL) = how many
 *  flows, *one_sided = how many of them are one-sided. */
int bs_dmp_pair(const bs_dmp_graph *g, int a, int b, size_t *count, size_t *one_sided);

/** A route: the WPs along it, wps[0] = from, wps[len-1] = to. */
typedef struct {
    int *wps;
    size_t len;
} bs_dmp_route;

/** Every simple route (no WP twice) from `from` to `to`, shortest first
 *  (ties in WP order), at most limit of them (0 = all).  from == to has
 *  no route.  Caller frees with bs_dmp_routes_free(). */
bs_status bs_dmp_routes(const bs_dmp_graph *g, int from, int to, size_t limit,
                        bs_dmp_route **out, size_t *n);
void bs_dmp_routes_free(bs_dmp_route *r, size_t n);

/** Hop counts from wp following the flows (downstream) or against them
 *  (upstream): dist[i] = fewest hops from wp to WP i, -1 when it cannot
 *  be reached, 0 for wp itself.  dist has g->nwps entries (caller's). */
void bs_dmp_reach(const bs_dmp_graph *g, int wp, bool upstream, int *dist);

/* ---- drawing (draw.c) ------------------------------------------------ */

/** What to highlight on the drawing: hot_wp[i] / hot_edge[a*nwps+b]
 *  (either may be NULL = nothing highlighted). */
typedef struct {
    const bool *hot_wp;
    const bool *hot_edge;
    const char *title; ///< the graph label, NULL for the default
} bs_dmp_draw_opts;

/** The highway as Graphviz DOT: WPs in clusters by group, one arrow per
 *  WP pair with penwidth by the largest size class, dashed when every
 *  flow of the pair is one-sided; each WP node carries id, URL and
 *  tooltip. */
bs_status bs_dmp_write_dot(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, FILE *out);

/** The same drawn as SVG by Graphviz (`dot -Tsvg`, or $BATTSTORE_DOT).
 *  BS_ERR_UNSUPPORTED with *err set when dot cannot run.  Caller frees
 *  *err. */
bs_status bs_dmp_write_svg(const bs_dmp_graph *g, const bs_dmp_draw_opts *o, FILE *out,
                           char **err);

/// Write s as a JSON string (with quotes) to out.
void bs_dmp_json_str(FILE *out, const char *s);

/* ---- the FAIR check (check.c) ---------------------------------------- */

/** The outcome of one rule for one dataset.  Strings owned by the report. */
typedef struct {
    char *rule;     ///< short name: "identifier", "licence", …
    char *iris;     ///< the dmp:Rule IRI(s), space-separated
    char *section;  ///< the plan's section ("2.1.2")
    bool ok;
    char *problems; ///< "; "-separated, "" when ok
} bs_dmp_rule_result;

/** One dataset's report. */
typedef struct {
    char *iri, *title, *wp; ///< wp "" when unknown
    bs_dmp_rule_result *rules;
    size_t nrules, nfailed;
} bs_dmp_dataset_report;

/** The report: every dataset against every rule.  Free with
 *  bs_dmp_report_free(). */
typedef struct {
    bs_dmp_dataset_report *datasets;
    size_t ndatasets;
    size_t nfailed; ///< datasets failing at least one rule
} bs_dmp_report;

/** Check every dcat:Dataset (or only dataset, an IRI, when not NULL)
 *  against the dmp:Rule resources of the store.  BS_NOT_FOUND with *err
 *  when there is no rule, or no such dataset.  Caller frees *out with
 *  bs_dmp_report_free() and *err with free(). */
bs_status bs_dmp_check(bs_store *store, const char *dataset, bs_dmp_report **out,
                       char **err);
void bs_dmp_report_free(bs_dmp_report *r);

/* ---- helpers shared by flows.c and check.c (query.c) ------------------ */

/** Called for each row of a SELECT: row[i] NUL-terminated copies of the
 *  values (NULL when unbound), valid during the call. */
typedef bs_status (*bs_dmp_row_fn)(void *ctx, char **row, size_t n);

/** Run a SELECT over the union of all graphs and call fn per row.
 *  *err as bs_sparql_open(). */
bs_status bs_dmp_select(bs_store *store, const char *query, bs_dmp_row_fn fn, void *ctx,
                        char **err);

/** bs_dmp_select() under the engine options o (NULL = none; access
 *  control through o->visible); the union default graph is always on. */
bs_status bs_dmp_select_opts(bs_store *store, const bs_sparql_opts *o, const char *query,
                             bs_dmp_row_fn fn, void *ctx, char **err);

#endif
