/* SPDX-License-Identifier: MIT
 * battstore query / export — read the store: SPARQL queries with
 * battstore's engine (or Rasqal's, as a second opinion), and quads in an
 * RDF syntax. */
#include "config.h"
#include "cli/cli.h"
#include "ingest/ingest.h"
#include "query/query.h"
#include "sparql/sparql_int.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char query_help[] =
    "usage: battstore query [OPTIONS] (QUERY | -f FILE.rq | --name NAME)\n"
    "       battstore query --list-queries\n\n"
    "Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) and print the\n"
    "result.  The query reads one snapshot of the store: loads and updates\n"
    "running at the same time are not seen half-done.\n\n"
    "dataset: without FROM, the default graph is the UNION of the store's\n"
    "default graph and all its named graphs (each triple once), like\n"
    "Fuseki's unionDefaultGraph; GRAPH ?g sees every named graph.\n"
    "--store-default makes the default graph the store's default graph\n"
    "alone (the dataset of the W3C tests); --default-graph / --named-graph\n"
    "replace the query's FROM / FROM NAMED.\n\n"
    "options:\n"
    "  --store DIR          store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  -f, --file F         read the query from a file ('-' = stdin); relative\n"
    "                       IRIs resolve against the file's file: IRI\n"
    "  --format F           SELECT/ASK: table (the default on a terminal), json\n"
    "                       (the default otherwise), xml, csv, tsv;\n"
    "                       CONSTRUCT/DESCRIBE: turtle (default), ntriples,\n"
    "                       nquads, rdfxml\n"
    "  --timeout S          give up after S seconds (exit 1)\n"
    "  --union-default      the default graph is the union of all graphs (default)\n"
    "  --store-default      the default graph is the store's default graph only\n"
    "  --default-graph IRI  a graph of the default graph (repeatable;\n"
    "                       'default' = the store's default graph)\n"
    "  --named-graph IRI    a named graph of the dataset (repeatable)\n"
    "  --parse-only         check the syntax only: exit 0 silently, or 1 with\n"
    "                       FILE:LINE:COL: message\n"
    "  --explain            print the query's algebra instead of running it\n"
    "  --engine E           battstore (default) or rasqal (Redland's engine, as a\n"
    "                       second opinion; its own dataset rules)\n"
    "  --name NAME          run the named query NAME.rq of the queries directory\n"
    "  --param K=V          a named query's parameter $K (repeatable; the others\n"
    "                       take their defaults)\n"
    "  --list-queries       list the named queries: title and parameters\n"
    "  --queries DIR        the named queries' directory (default\n"
    "                       $BATTSTORE_QUERIES, else ./queries)\n\n"
    "exit status: 0 done, 1 error (syntax: FILE:LINE:COL: message), 2 usage\n";
static const char export_help[] =
    "usage: battstore export [OPTIONS]\n\n"
    "Write the store's quads in an RDF syntax to standard output.\n\n"
    "options:\n"
    "  --store DIR    store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --graph IRI    only this named graph ('default' = the default graph)\n"
    "  --format F     nquads (default), trig, ntriples, turtle, rdfxml\n"
    "  -o FILE        write to FILE instead of standard output\n";

/* The old engine: Redland + Rasqal over the store (--engine rasqal). */
static int run_rasqal(bs_store *store, const char *text, const char *format)
{
    bs_query_engine *qe = NULL;
    char *err = NULL;
    bs_status st = bs_query_engine_new(store, &qe);
    if (st == BS_OK) st = bs_query_run(qe, text, format, stdout, &err);
    if (st != BS_OK) bs_cli_error("query", "%s", err ? err : bs_strerror(st));
    free(err);
    bs_query_engine_free(qe);
    return st == BS_OK ? 0 : 1;
}

typedef struct {
    const char *store_dir, *file, *format, *engine;
    const char *dflt[64], *named[64];
    size_t ndflt, nnamed;
    const char *qname, *qdir;
    const char *pnames[64], *pvalues[64];
    char *pbuf[64];
    size_t nparams;
    bool store_default, parse_only, explain, list;
    double timeout;
} query_args;

static int add_graph(const char **v, size_t *n, const char *iri)
{
    if (*n == 64) {
        bs_cli_error("query", "at most 64 --default-graph / --named-graph");
        return BS_EXIT_USAGE;
    }
    v[(*n)++] = strcmp(iri, "default") == 0 ? "" : iri;
    return 0;
}

/* --param K=V: split into a->pnames / a->pvalues (copied). */
static int add_param(query_args *a, const char *kv)
{
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        bs_cli_error("query", "--param wants NAME=VALUE, not '%s'", kv);
        return BS_EXIT_USAGE;
    }
    if (a->nparams == 64) {
        bs_cli_error("query", "at most 64 --param");
        return BS_EXIT_USAGE;
    }
    char *k = strndup(kv, (size_t)(eq - kv));
    if (!k) return 1;
    a->pbuf[a->nparams] = k;
    a->pnames[a->nparams] = k[0] == '$' ? k + 1 : k;
    a->pvalues[a->nparams++] = eq + 1;
    return 0;
}

/* Parse the options; returns -1 to go on, else the exit status. */
static int query_options(int argc, char **argv, query_args *a)
{
    enum { O_FORMAT = 256, O_TIMEOUT, O_UNION, O_STORE_DEFAULT, O_DEFAULT, O_NAMED,
           O_PARSE, O_EXPLAIN, O_ENGINE, O_NAME, O_PARAM, O_LIST, O_QDIR };
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"file", required_argument, 0, 'f'},
        {"format", required_argument, 0, O_FORMAT}, {"timeout", required_argument, 0, O_TIMEOUT},
        {"union-default", no_argument, 0, O_UNION},
        {"store-default", no_argument, 0, O_STORE_DEFAULT},
        {"default-graph", required_argument, 0, O_DEFAULT},
        {"named-graph", required_argument, 0, O_NAMED},
        {"parse-only", no_argument, 0, O_PARSE}, {"explain", no_argument, 0, O_EXPLAIN},
        {"engine", required_argument, 0, O_ENGINE}, {"help", no_argument, 0, 'h'},
        {"name", required_argument, 0, O_NAME}, {"param", required_argument, 0, O_PARAM},
        {"list-queries", no_argument, 0, O_LIST}, {"queries", required_argument, 0, O_QDIR},
        {0, 0, 0, 0}};
    int c, rc = 0;
    char *end;
    optind = 1;
    while (rc == 0 && (c = getopt_long(argc, argv, "s:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->store_dir = optarg; break;
        case 'f': a->file = optarg; break;
        case O_FORMAT: a->format = optarg; break;
        case O_TIMEOUT:
            a->timeout = strtod(optarg, &end);
            if (*end || a->timeout < 0) {
                bs_cli_error("query", "--timeout wants seconds, not '%s'", optarg);
                return BS_EXIT_USAGE;
            }
            break;
        case O_UNION: a->store_default = false; break;
        case O_STORE_DEFAULT: a->store_default = true; break;
        case O_DEFAULT: rc = add_graph(a->dflt, &a->ndflt, optarg); break;
        case O_NAMED: rc = add_graph(a->named, &a->nnamed, optarg); break;
        case O_PARSE: a->parse_only = true; break;
        case O_EXPLAIN: a->explain = true; break;
        case O_ENGINE: a->engine = optarg; break;
        case O_NAME: a->qname = optarg; break;
        case O_PARAM: rc = add_param(a, optarg); break;
        case O_LIST: a->list = true; break;
        case O_QDIR: a->qdir = optarg; break;
        case 'h': fputs(query_help, stdout); return 0;
        default: fputs(query_help, stderr); return BS_EXIT_USAGE;
        }
    }
    if (rc) return rc;
    if (!a->qdir) a->qdir = getenv("BATTSTORE_QUERIES");
    if (!a->qdir || !*a->qdir) a->qdir = "queries";
    if (a->nparams && !a->qname) {
        bs_cli_error("query", "--param goes with --name");
        return BS_EXIT_USAGE;
    }
    if (a->qname && (a->file || optind < argc)) {
        bs_cli_error("query", "--name replaces the query text and -f");
        return BS_EXIT_USAGE;
    }
    if (strcmp(a->engine, "battstore") != 0 && strcmp(a->engine, "rasqal") != 0) {
        bs_cli_error("query", "--engine is battstore or rasqal, not '%s'", a->engine);
        return BS_EXIT_USAGE;
    }
    return -1;
}

/* Run a parsed query on the store and print its result. */
static int run_query(const query_args *a, bs_store *store, const bs_sparql *q)
{
    bs_sparql_opts o = {
        .default_graphs = a->dflt, .n_default = a->ndflt,
        .named_graphs = a->named, .n_named = a->nnamed,
        .union_default = !a->store_default, .timeout = a->timeout,
        .cancel = bs_cli_cancel_on_sigint(),
    };
    const char *format = a->format;
    bs_sparql_form form = bs_sparql_form_of(q);
    if (!format && (form == BS_SPARQL_SELECT || form == BS_SPARQL_ASK))
        format = isatty(STDOUT_FILENO) ? "table" : "json";
    char *err = NULL;
    bs_status st = bs_sparql_write(store, q, &o, format, stdout, &err);
    if (fflush(stdout) != 0 && st == BS_OK) st = BS_ERR_IO;
    if (st != BS_OK) bs_cli_error("query", "%s", err ? err : bs_strerror(st));
    free(err);
    return st == BS_OK ? 0 : 1;
}

/* --list-queries: name, title and parameters of every named query. */
static int list_queries(const char *dir)
{
    bs_named_query **list = NULL;
    size_t n = 0;
    if (bs_named_list(dir, &list, &n) != BS_OK) {
        bs_cli_error("query", "%s: cannot list the named queries", dir);
        return 1;
    }
    if (n == 0) bs_cli_error("query", "no named queries in %s", dir);
    for (size_t i = 0; i < n; i++) {
        printf("%-24s %s\n", list[i]->name, list[i]->title);
        for (size_t j = 0; j < list[i]->nparams; j++) {
            const bs_named_param *p = &list[i]->params[j];
            printf("    --param %s=%s%s%s\n", p->name, p->def ? p->def : "",
                   *p->description ? "  " : "", p->description);
        }
    }
    bs_named_list_free(list, n);
    return n ? 0 : 1;
}

/* --name: the named query's text with its parameters bound, as r. */
static int named_request(const query_args *a, bs_cli_request *r)
{
    bs_named_query *nq = NULL;
    char *err = NULL, *text = NULL;
    size_t len;
    bs_status st = bs_named_load(a->qdir, a->qname, &nq, &err);
    if (st == BS_NOT_FOUND)
        bs_cli_error("query", "no named query '%s' in %s (try --list-queries)", a->qname,
                     a->qdir);
    else if (st == BS_OK)
        st = bs_named_bind(nq, a->pnames, a->pvalues, a->nparams, &text, &len, &err);
    if (st != BS_OK && st != BS_NOT_FOUND)
        bs_cli_error("query", "%s", err ? err : bs_strerror(st));
    bs_named_free(nq);
    free(err);
    if (st != BS_OK) return 1;
    *r = (bs_cli_request){.text = text, .name = a->qname, .base = NULL};
    return 0;
}

static void free_params(query_args *a)
{
    for (size_t i = 0; i < a->nparams; i++) free(a->pbuf[i]);
}

int bs_cmd_query(int argc, char **argv)
{
    query_args a = {.engine = "battstore"};
    bs_cli_request r;
    bs_sparql *q = NULL;
    bs_store *store = NULL;
    int rc = query_options(argc, argv, &a);
    if (rc < 0 && a.list) rc = list_queries(a.qdir);
    if (rc < 0 && a.qname) rc = named_request(&a, &r) ? 1 : -1;
    else if (rc < 0) rc = bs_cli_request_read("query", a.file, argc, argv, &r) ?: -1;
    free_params(&a);
    if (rc >= 0) return rc;
    rc = 0;
    bool run = !a.parse_only && !a.explain;
    if (run && !(store = bs_cli_open("query", bs_cli_store_dir(a.store_dir), false)))
        rc = 1;
    else if (run && strcmp(a.engine, "rasqal") == 0)
        rc = run_rasqal(store, r.text, a.format);
    else if (!(q = bs_cli_parse(&r, false)))
        rc = 1;
    else if (a.explain)
        bs_sp_dump(q, stdout);
    else if (run)
        rc = run_query(&a, store, q);
    bs_sparql_free(q);
    bs_cli_close(store);
    bs_cli_request_free(&r);
    return rc;
}

int bs_cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"graph", required_argument, 0, 'g'},
        {"format", required_argument, 0, 'F'}, {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *store_dir = NULL, *graph = NULL, *format = "nquads", *outp = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:g:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': store_dir = optarg; break;
        case 'g': graph = optarg; break;
        case 'F': format = optarg; break;
        case 'o': outp = optarg; break;
        case 'h': fputs(export_help, stdout); return 0;
        default: fputs(export_help, stderr); return BS_EXIT_USAGE;
        }
    }
    if (graph && !strcmp(graph, "default")) graph = "";
    bs_store *store = bs_cli_open("export", bs_cli_store_dir(store_dir), false);
    if (!store) return 1;
    FILE *out = outp ? fopen(outp, "w") : stdout;
    int rc = 1;
    if (!out) {
        bs_cli_error("export", "%s: %s", outp, strerror(errno));
    } else {
        bs_status st = bs_export(store, graph, format, out);
        if (st == BS_NOT_FOUND) bs_cli_error("export", "no graph <%s>", graph);
        else if (st == BS_ERR_ARG) bs_cli_error("export", "unknown format '%s'", format);
        else if (st != BS_OK) bs_cli_error("export", "%s", bs_strerror(st));
        else rc = 0;
        if (outp && fclose(out) != 0) rc = 1;
    }
    bs_cli_close(store);
    return rc;
}
