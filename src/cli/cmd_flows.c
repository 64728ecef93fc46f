/* SPDX-License-Identifier: MIT
 * battstore flows — the BIG-MAP data highway: routes between work packages,
 * up/downstream reach, one-sided flows; as a table, JSON, DOT or SVG. */
#include "config.h"
#include "cli/cli.h"
#include "dmp/dmp.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char flows_help[] =
    "usage: battstore flows [OPTIONS]\n\n"
    "The data highway of the BIG-MAP Data Management Plan (ontology/bigmap-dmp-\n"
    "data.ttl, loaded by scripts/run): the flows of data between work packages.\n"
    "Without a mode, every WP -> WP pair with its flows and largest size class.\n\n"
    "modes:\n"
    "  --from WP --to WP  every route (no WP twice), shortest first, with the\n"
    "                     largest size class of each hop\n"
    "  --upstream WP      the WPs whose data reaches WP, with the fewest hops\n"
    "  --downstream WP    the WPs that WP's data reaches\n"
    "  --one-sided        the flows stated by one side of the plan only\n\n"
    "options:\n"
    "  --store DIR        store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --limit N          at most N routes (default 20; 0 = all)\n"
    "  --format F         table (default), json, dot (Graphviz), svg (drawn by\n"
    "                     Graphviz dot: the highway of the plan's Fig. 2, arrow\n"
    "                     width by size class, the selection in red)\n"
    "WP is WP2, wp2, 2 or the work package's IRI.\n\n"
    "exit status: 0 done, 1 error (unknown WP, no plan in the store), 2 usage\n";

static const char *const sizes[] = {"?", "KB", "MB", "GB", "TB", "PB"};
static const char *size_of(int rank) { return rank >= 1 && rank <= 5 ? sizes[rank] : "?"; }

typedef struct {
    const char *store_dir, *from, *to, *up, *down, *format;
    bool one_sided;
    size_t limit;
} flows_args;

typedef struct {
    bs_dmp_graph *g;
    bool *hot_wp, *hot_edge;
    FILE *out;
} flows_ctx;

static void hot_route(flows_ctx *c, const bs_dmp_route *r)
{
    for (size_t i = 0; i < r->len; i++) {
        c->hot_wp[r->wps[i]] = true;
        if (i) c->hot_edge[(size_t)r->wps[i - 1] * c->g->nwps + (size_t)r->wps[i]] = true;
    }
}

static int show_routes(flows_ctx *c, const flows_args *a, int from, int to, bool json)
{
    bs_dmp_route *r = NULL;
    size_t n = 0;
    const bs_dmp_graph *g = c->g;
    if (bs_dmp_routes(g, from, to, a->limit, &r, &n) != BS_OK) return 1;
    if (json) fprintf(c->out, "{\"from\": \"%s\", \"to\": \"%s\", \"routes\": [",
                      g->wps[from].name, g->wps[to].name);
    else if (c->hot_wp == NULL)
        fprintf(c->out, "routes from %s to %s (shortest first, [size class] of each hop): %zu%s\n",
                g->wps[from].name, g->wps[to].name, n,
                a->limit && n == a->limit ? " shown (--limit)" : "");
    for (size_t i = 0; i < n; i++) {
        if (c->hot_wp && !json) { hot_route(c, &r[i]); continue; }
        if (json) fprintf(c->out, "%s\n  {\"hops\": %zu, \"path\": [", i ? "," : "", r[i].len - 1);
        else fprintf(c->out, "%3zu. %zu hop%s  %s", i + 1, r[i].len - 1, r[i].len == 2 ? " " : "s",
                     g->wps[r[i].wps[0]].name);
        for (size_t k = 0; k < r[i].len; k++)
            if (json) fprintf(c->out, "%s\"%s\"", k ? ", " : "", g->wps[r[i].wps[k]].name);
            else if (k) fprintf(c->out, " -[%s]-> %s",
                                size_of(bs_dmp_pair(g, r[i].wps[k - 1], r[i].wps[k], NULL, NULL)),
                                g->wps[r[i].wps[k]].name);
        if (json) fputs("], \"sizes\": [", c->out);
        for (size_t k = 1; json && k < r[i].len; k++)
            fprintf(c->out, "%s\"%s\"", k > 1 ? ", " : "",
                    size_of(bs_dmp_pair(g, r[i].wps[k - 1], r[i].wps[k], NULL, NULL)));
        fputs(json ? "]}" : "\n", c->out);
    }
    if (json) fputs("\n]}\n", c->out);
    bs_dmp_routes_free(r, n);
    return 0;
}

static void show_reach(flows_ctx *c, int wp, bool up, bool json)
{
    const bs_dmp_graph *g = c->g;
    int *dist = malloc(g->nwps * sizeof *dist);
    if (!dist) return;
    bs_dmp_reach(g, wp, up, dist);
    const char *dir = up ? "upstream" : "downstream";
    if (json) fprintf(c->out, "{\"wp\": \"%s\", \"direction\": \"%s\", \"reach\": [",
                      g->wps[wp].name, dir);
    else if (!c->hot_wp) fprintf(c->out, "%-6s %4s %6s  %s\n", dir, "hops", "flows", "title");
    bool first = true;
    for (int hops = 1; hops < (int)g->nwps; hops++)
        for (size_t i = 0; i < g->nwps; i++) {
            if (dist[i] != hops) continue;
            size_t nf = 0;
            bs_dmp_pair(g, up ? (int)i : wp, up ? wp : (int)i, &nf, NULL);
            if (c->hot_wp) continue;
            if (json) {
                fprintf(c->out, "%s\n  {\"wp\": \"%s\", \"hops\": %d, \"direct_flows\": %zu, \"title\": ",
                        first ? "" : ",", g->wps[i].name, hops, nf);
                bs_dmp_json_str(c->out, g->wps[i].title);
                fputc('}', c->out);
            } else {
                fprintf(c->out, "%-6s %4d %6zu  %s\n", g->wps[i].name, hops, nf, g->wps[i].title);
            }
            first = false;
        }
    if (json) fputs("\n]}\n", c->out);
    for (size_t i = 0; c->hot_wp && i < g->nwps; i++) c->hot_wp[i] = dist[i] >= 0;
    for (size_t i = 0; c->hot_edge && i < g->nflows; i++) {
        const bs_dmp_flow *f = &g->flows[i];
        if (dist[f->from] >= 0 && dist[f->to] >= 0 &&
            (up ? dist[f->from] == dist[f->to] + 1 : dist[f->to] == dist[f->from] + 1))
            c->hot_edge[(size_t)f->from * g->nwps + (size_t)f->to] = true;
    }
    free(dist);
}

/* One flow: table line or JSON object. */
static void show_flow(flows_ctx *c, const bs_dmp_flow *f, bool json, bool first)
{
    const bs_dmp_graph *g = c->g;
    if (!json) {
        fprintf(c->out, "%-5s -> %-5s %-9s %-6s %-3s %.60s\n", g->wps[f->from].name,
                g->wps[f->to].name, f->side, f->stated_by, *f->size ? f->size : "?", f->what);
        return;
    }
    fprintf(c->out, "%s\n  {\"flow\": ", first ? "" : ",");
    bs_dmp_json_str(c->out, f->iri);
    fprintf(c->out, ", \"from\": \"%s\", \"to\": \"%s\", \"size\": ", g->wps[f->from].name,
            g->wps[f->to].name);
    bs_dmp_json_str(c->out, f->size);
    fputs(", \"stated_by\": ", c->out);
    bs_dmp_json_str(c->out, f->stated_by);
    fputs(", \"side\": ", c->out);
    bs_dmp_json_str(c->out, f->side);
    fprintf(c->out, ", \"one_sided\": %s, \"what\": ", f->one_sided ? "true" : "false");
    bs_dmp_json_str(c->out, f->what);
    fputc('}', c->out);
}

static void show_one_sided(flows_ctx *c, bool json)
{
    const bs_dmp_graph *g = c->g;
    size_t n = 0;
    if (json) fputs("{\"one_sided\": [", c->out);
    else if (!c->hot_wp)
        fprintf(c->out, "%-5s    %-5s %-9s %-6s %-3s %s\n", "from", "to", "side", "stated",
                "size", "what");
    for (size_t i = 0; i < g->nflows; i++) {
        const bs_dmp_flow *f = &g->flows[i];
        if (!f->one_sided) continue;
        if (c->hot_edge) c->hot_edge[(size_t)f->from * g->nwps + (size_t)f->to] = true;
        else show_flow(c, f, json, n == 0);
        n++;
    }
    if (json) fputs("\n]}\n", c->out);
    else if (!c->hot_wp) fprintf(c->out, "%zu one-sided flows of %zu\n", n, g->nflows);
}

/* No mode: every WP pair. */
static void show_pairs(flows_ctx *c, bool json)
{
    const bs_dmp_graph *g = c->g;
    bool first = true;
    if (json) fputs("{\"pairs\": [", c->out);
    else fprintf(c->out, "%-5s    %-5s %5s %9s %4s\n", "from", "to", "flows", "one-sided", "size");
    for (size_t a = 0; a < g->nwps; a++)
        for (size_t b = 0; b < g->nwps; b++) {
            size_t n, one;
            int rank = bs_dmp_pair(g, (int)a, (int)b, &n, &one);
            if (rank < 0) continue;
            if (json)
                fprintf(c->out, "%s\n  {\"from\": \"%s\", \"to\": \"%s\", \"flows\": %zu, "
                        "\"one_sided\": %zu, \"size\": \"%s\"}", first ? "" : ",",
                        g->wps[a].name, g->wps[b].name, n, one, size_of(rank));
            else
                fprintf(c->out, "%-5s -> %-5s %5zu %9zu %4s\n", g->wps[a].name, g->wps[b].name,
                        n, one, size_of(rank));
            first = false;
        }
    if (json) fputs("\n]}\n", c->out);
}

/* Parse the options; returns -1 to go on, else the exit status. */
static int flows_options(int argc, char **argv, flows_args *a)
{
    enum { O_FROM = 256, O_TO, O_UP, O_DOWN, O_ONE, O_LIMIT, O_FORMAT };
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"from", required_argument, 0, O_FROM},
        {"to", required_argument, 0, O_TO}, {"upstream", required_argument, 0, O_UP},
        {"downstream", required_argument, 0, O_DOWN}, {"one-sided", no_argument, 0, O_ONE},
        {"limit", required_argument, 0, O_LIMIT}, {"format", required_argument, 0, O_FORMAT},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->store_dir = optarg; break;
        case O_FROM: a->from = optarg; break;
        case O_TO: a->to = optarg; break;
        case O_UP: a->up = optarg; break;
        case O_DOWN: a->down = optarg; break;
        case O_ONE: a->one_sided = true; break;
        case O_LIMIT:
            a->limit = strtoul(optarg, &end, 10);
            if (*end || !*optarg || *optarg == '-') {
                bs_cli_error("flows", "--limit wants a count, not '%s'", optarg);
                return BS_EXIT_USAGE;
            }
            break;
        case O_FORMAT: a->format = optarg; break;
        case 'h': fputs(flows_help, stdout); return 0;
        default: fputs(flows_help, stderr); return BS_EXIT_USAGE;
        }
    }
    int modes = (a->from || a->to) + !!a->up + !!a->down + a->one_sided;
    const char *why = optind < argc ? "unexpected argument"
                      : modes > 1 ? "give one of --from/--to, --upstream, --downstream, --one-sided"
                      : (!a->from != !a->to) ? "--from and --to go together"
                      : NULL;
    if (!why && strcmp(a->format, "table") && strcmp(a->format, "json") &&
        strcmp(a->format, "dot") && strcmp(a->format, "svg"))
        why = "--format is table, json, dot or svg";
    if (why) {
        bs_cli_error("flows", "%s", why);
        return BS_EXIT_USAGE;
    }
    return -1;
}

/* Resolve a WP argument; prints the error. */
static int find_wp(const bs_dmp_graph *g, const char *name)
{
    int i = bs_dmp_wp_find(g, name);
    if (i < 0)
        bs_cli_error("flows", "unknown work package '%s' (the plan has %s … %s)", name,
                     g->wps[0].name, g->wps[g->nwps - 1].name);
    return i;
}

/* Run the mode: print it (table/json) or mark the selection (dot/svg). */
static int run_mode(flows_ctx *c, const flows_args *a, bool json)
{
    int from = -1, to = -1, wp = -1;
    if (a->from && ((from = find_wp(c->g, a->from)) < 0 || (to = find_wp(c->g, a->to)) < 0))
        return 1;
    if ((a->up || a->down) && (wp = find_wp(c->g, a->up ? a->up : a->down)) < 0) return 1;
    if (a->from) return show_routes(c, a, from, to, json);
    if (wp >= 0) show_reach(c, wp, a->up != NULL, json);
    else if (a->one_sided) show_one_sided(c, json);
    else if (!c->hot_wp) show_pairs(c, json);
    return 0;
}

static int draw(flows_ctx *c, const flows_args *a, bool svg)
{
    bs_dmp_draw_opts o = {c->hot_wp, c->hot_edge, NULL};
    char *err = NULL;
    bs_status st = svg ? bs_dmp_write_svg(c->g, &o, stdout, &err)
                       : bs_dmp_write_dot(c->g, &o, stdout);
    if (st != BS_OK) bs_cli_error("flows", "%s", err ? err : bs_strerror(st));
    free(err);
    (void)a;
    return st == BS_OK ? 0 : 1;
}

int bs_cmd_flows(int argc, char **argv)
{
    flows_args a = {.format = "table", .limit = 20};
    flows_ctx c = {.out = stdout};
    char *err = NULL;
    int rc = flows_options(argc, argv, &a);
    if (rc >= 0) return rc;
    bs_store *store = bs_cli_open("flows", bs_cli_store_dir(a.store_dir), false);
    if (!store) return 1;
    bs_status st = bs_dmp_load(store, &c.g, &err);
    rc = 1;
    if (st != BS_OK) {
        bs_cli_error("flows", "%s", err ? err : bs_strerror(st));
        goto done;
    }
    bool drawing = !strcmp(a.format, "dot") || !strcmp(a.format, "svg");
    bool mode = a.from || a.up || a.down || a.one_sided;
    if (drawing && mode) {
        c.hot_wp = calloc(c.g->nwps, sizeof *c.hot_wp);
        c.hot_edge = calloc(c.g->nwps * c.g->nwps, sizeof *c.hot_edge);
        if (!c.hot_wp || !c.hot_edge) goto done;
    }
    if ((!drawing || mode) && (rc = run_mode(&c, &a, !strcmp(a.format, "json"))) != 0)
        goto done;
    if (drawing) rc = draw(&c, &a, !strcmp(a.format, "svg"));
    if (fflush(stdout) != 0) rc = 1;
done:
    free(c.hot_wp);
    free(c.hot_edge);
    free(err);
    bs_dmp_graph_free(c.g);
    bs_cli_close(store);
    return rc;
}
