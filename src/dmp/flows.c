/* SPDX-License-Identifier: MIT
 * battstore — the BIG-MAP data highway as a graph: work packages and flows
 * read from the store, routes (shortest first) and up/downstream reach. */
#include "config.h"
#include "dmp/dmp.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bs_dmp_graph *bs_dmp_graph_new(void) { return calloc(1, sizeof(bs_dmp_graph)); }

void bs_dmp_graph_free(bs_dmp_graph *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->nwps; i++) {
        bs_dmp_wp *w = &g->wps[i];
        free(w->iri); free(w->name); free(w->title); free(w->group); free(w->group_iri);
    }
    for (size_t i = 0; i < g->nflows; i++) {
        bs_dmp_flow *f = &g->flows[i];
        free(f->iri); free(f->size); free(f->what); free(f->stated_by); free(f->side);
    }
    free(g->wps);
    free(g->flows);
    free(g);
}

static char *dup0(const char *s) { return strdup(s ? s : ""); }

bs_status bs_dmp_add_wp(bs_dmp_graph *g, const char *iri, const char *name,
                        const char *title, const char *group, const char *group_iri,
                        int *index)
{
    bs_dmp_wp *v = realloc(g->wps, (g->nwps + 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    g->wps = v;
    bs_dmp_wp w = {dup0(iri), dup0(name), dup0(title), dup0(group), dup0(group_iri)};
    if (!w.iri || !w.name || !w.title || !w.group || !w.group_iri) {
        free(w.iri); free(w.name); free(w.title); free(w.group); free(w.group_iri);
        return BS_ERR_NOMEM;
    }
    if (index) *index = (int)g->nwps;
    g->wps[g->nwps++] = w;
    return BS_OK;
}

bs_status bs_dmp_add_flow(bs_dmp_graph *g, const bs_dmp_flow *f)
{
    if (f->from < 0 || f->to < 0 || (size_t)f->from >= g->nwps || (size_t)f->to >= g->nwps)
        return BS_ERR_ARG;
    bs_dmp_flow *v = realloc(g->flows, (g->nflows + 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    g->flows = v;
    bs_dmp_flow c = *f;
    c.iri = dup0(f->iri); c.size = dup0(f->size); c.what = dup0(f->what);
    c.stated_by = dup0(f->stated_by); c.side = dup0(f->side);
    if (!c.iri || !c.size || !c.what || !c.stated_by || !c.side) {
        free(c.iri); free(c.size); free(c.what); free(c.stated_by); free(c.side);
        return BS_ERR_NOMEM;
    }
    g->flows[g->nflows++] = c;
    return BS_OK;
}

int bs_dmp_wp_find(const bs_dmp_graph *g, const char *name)
{
    if (!name || !*name) return -1;
    const char *num = name;
    if ((name[0] == 'W' || name[0] == 'w') && (name[1] == 'P' || name[1] == 'p')) num = name + 2;
    for (size_t i = 0; i < g->nwps; i++) {
        const char *w = g->wps[i].name;
        if (!strcmp(g->wps[i].iri, name) || !strcasecmp(w, name)) return (int)i;
        if (isdigit((unsigned char)*num) && !strncasecmp(w, "WP", 2) && !strcmp(w + 2, num))
            return (int)i;
    }
    return -1;
}

int bs_dmp_pair(const bs_dmp_graph *g, int a, int b, size_t *count, size_t *one_sided)
{
    int rank = -1;
    size_t n = 0, one = 0;
    for (size_t i = 0; i < g->nflows; i++) {
        const bs_dmp_flow *f = &g->flows[i];
        if (f->from != a || f->to != b) continue;
        n++;
        if (f->one_sided) one++;
        if (f->rank > rank) rank = f->rank;
    }
    if (count) *count = n;
    if (one_sided) *one_sided = one;
    return rank;
}

/* ---- routes ------------------------------------------------------------ */

typedef struct {
    const bs_dmp_graph *g;
    bool *adj;      // nwps × nwps
    bool *on_path;
    int *path;
    int to;
    size_t limit;
    bs_dmp_route *out;
    size_t n, cap;
} route_search;

static bs_status emit(route_search *s, size_t len)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        bs_dmp_route *v = realloc(s->out, cap * sizeof *v);
        if (!v) return BS_ERR_NOMEM;
        s->out = v;
        s->cap = cap;
    }
    int *w = malloc(len * sizeof *w);
    if (!w) return BS_ERR_NOMEM;
    memcpy(w, s->path, len * sizeof *w);
    s->out[s->n++] = (bs_dmp_route){w, len};
    return BS_OK;
}

/* Depth-first: extend path[0..depth] by exactly `left` more hops ending at
 * s->to, never visiting a WP twice.  BS_END once the limit is reached. */
static bs_status extend(route_search *s, size_t depth, size_t left)
{
    size_t nw = s->g->nwps;
    int at = s->path[depth];
    for (size_t b = 0; b < nw; b++) {
        if (!s->adj[(size_t)at * nw + b] || s->on_path[b]) continue;
        if (left == 1) {
            if ((int)b != s->to) continue;
            s->path[depth + 1] = (int)b;
            bs_status st = emit(s, depth + 2);
            if (st != BS_OK) return st;
            if (s->limit && s->n >= s->limit) return BS_END;
            continue;
        }
        if ((int)b == s->to) continue;
        s->on_path[b] = true;
        s->path[depth + 1] = (int)b;
        bs_status st = extend(s, depth + 1, left - 1);
        s->on_path[b] = false;
        if (st != BS_OK) return st;
    }
    return BS_OK;
}

bs_status bs_dmp_routes(const bs_dmp_graph *g, int from, int to, size_t limit,
                        bs_dmp_route **out, size_t *n)
{
    size_t nw = g->nwps;
    bs_status st = BS_OK;
    *out = NULL;
    *n = 0;
    if (from < 0 || to < 0 || (size_t)from >= nw || (size_t)to >= nw) return BS_ERR_ARG;
    route_search s = {.g = g, .to = to, .limit = limit};
    s.adj = calloc(nw * nw, sizeof *s.adj);
    s.on_path = calloc(nw, sizeof *s.on_path);
    s.path = calloc(nw + 1, sizeof *s.path);
    if (!s.adj || !s.on_path || !s.path) { st = BS_ERR_NOMEM; goto fail; }
    for (size_t i = 0; i < g->nflows; i++)
        s.adj[(size_t)g->flows[i].from * nw + (size_t)g->flows[i].to] = true;
    s.path[0] = from;
    s.on_path[from] = true;
    for (size_t hops = 1; from != to && hops < nw && st == BS_OK; hops++)
        st = extend(&s, 0, hops);
    if (st == BS_END) st = BS_OK;
    if (st != BS_OK) goto fail;
    *out = s.out;
    *n = s.n;
    s.out = NULL;
fail:
    bs_dmp_routes_free(s.out, s.n);
    free(s.adj);
    free(s.on_path);
    free(s.path);
    return st;
}

void bs_dmp_routes_free(bs_dmp_route *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) free(r[i].wps);
    free(r);
}

void bs_dmp_reach(const bs_dmp_graph *g, int wp, bool upstream, int *dist)
{
    for (size_t i = 0; i < g->nwps; i++) dist[i] = -1;
    if (wp < 0 || (size_t)wp >= g->nwps) return;
    dist[wp] = 0;
    // Bellman-style sweeps: the graph is small (a dozen WPs)
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < g->nflows; i++) {
            int a = upstream ? g->flows[i].to : g->flows[i].from;
            int b = upstream ? g->flows[i].from : g->flows[i].to;
            if (dist[a] < 0 || (dist[b] >= 0 && dist[b] <= dist[a] + 1)) continue;
            dist[b] = dist[a] + 1;
            changed = true;
        }
    }
}

/* ---- reading the plan from the store ----------------------------------- */

#define PFX                                                                        \
    "PREFIX dmp: <" BS_DMP_NS ">\n"                                               \
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"                                \
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"                        \
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

static const char wp_query[] = PFX
    "SELECT ?wp ?n ?title ?group ?glabel WHERE {\n"
    "  ?wp a dmp:WorkPackage .\n"
    "  OPTIONAL { ?wp dmp:workPackageNumber ?n }\n"
    "  OPTIONAL { ?wp dcterms:title ?title }\n"
    "  OPTIONAL { ?group skos:member ?wp ; rdfs:label ?glabel }\n"
    "} ORDER BY ?n ?wp";

static const char flow_query[] = PFX
    "SELECT ?f ?from ?to ?rank ?class ?what ?stated ?side ?paired WHERE {\n"
    "  ?f a dmp:DataFlow ; dmp:fromWorkPackage ?from ; dmp:toWorkPackage ?to .\n"
    "  OPTIONAL { ?f dmp:sizeClass ?class . ?class dmp:rank ?rank }\n"
    "  OPTIONAL { ?f dcterms:description ?what }\n"
    "  OPTIONAL { ?f dmp:statedBy ?stated }\n"
    "  OPTIONAL { ?f dmp:side ?side }\n"
    "  BIND(EXISTS { ?f dmp:correspondsTo ?g } AS ?paired)\n"
    "} ORDER BY ?f";

/* The local name of an IRI: after the last '#' or '/'. */
static const char *local(const char *iri)
{
    const char *h = strrchr(iri, '#'), *s = strrchr(iri, '/');
    const char *p = h > s ? h : s;
    return p ? p + 1 : iri;
}

static bs_status wp_row(void *ctx, char **row, size_t n)
{
    bs_dmp_graph *g = ctx;
    (void)n;
    if (g->nwps && !strcmp(g->wps[g->nwps - 1].iri, row[0])) return BS_OK; // one row per WP
    for (size_t i = 0; i < g->nwps; i++)
        if (!strcmp(g->wps[i].iri, row[0])) return BS_OK;
    return bs_dmp_add_wp(g, row[0], local(row[0]), row[2], row[4], row[3], NULL);
}

static bs_status flow_row(void *ctx, char **row, size_t n)
{
    bs_dmp_graph *g = ctx;
    (void)n;
    if (g->nflows && !strcmp(g->flows[g->nflows - 1].iri, row[0])) return BS_OK;
    bs_dmp_flow f = {.iri = row[0], .from = bs_dmp_wp_find(g, row[1]),
                     .to = bs_dmp_wp_find(g, row[2]), .what = row[5]};
    if (f.from < 0 || f.to < 0) return BS_OK; // a WP without dmp:WorkPackage type
    f.rank = row[3] ? atoi(row[3]) : 0;
    const char *cls = row[4] ? local(row[4]) : "";
    f.size = (char *)(strncmp(cls, "Size", 4) == 0 ? cls + 4 : cls);
    f.stated_by = row[6] ? (char *)local(row[6]) : NULL;
    f.side = row[7] ? (strstr(row[7], "Collects") ? "collects" : "delivers") : NULL;
    f.one_sided = !(row[8] && !strcmp(row[8], "true"));
    return bs_dmp_add_flow(g, &f);
}

bs_status bs_dmp_load(bs_store *store, bs_dmp_graph **out, char **err)
{
    return bs_dmp_load_opts(store, NULL, out, err);
}

bs_status bs_dmp_load_opts(bs_store *store, const bs_sparql_opts *o, bs_dmp_graph **out,
                           char **err)
{
    bs_status st;
    bs_dmp_graph *g = bs_dmp_graph_new();
    *out = NULL;
    if (!g) return BS_ERR_NOMEM;
    TRY(st, bs_dmp_select_opts(store, o, wp_query, wp_row, g, err));
    if (g->nwps == 0) {
        st = BS_NOT_FOUND;
        if (err) *err = strdup("the store holds no BIG-MAP plan (no dmp:WorkPackage): "
                               "load ontology/bigmap-dmp-data.ttl");
        goto fail;
    }
    TRY(st, bs_dmp_select_opts(store, o, flow_query, flow_row, g, err));
    *out = g;
    return BS_OK;
fail:
    bs_dmp_graph_free(g);
    return st;
}
