/* SPDX-License-Identifier: MIT
 * battstore query / export — read the store. */
#include "config.h"
#include "cli/cli.h"
#include "ingest/ingest.h"
#include "query/query.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char query_help[] =
    "usage: battstore query [OPTIONS] (QUERY | -f FILE.rq)\n\n"
    "Run a SPARQL query against the store and print the result.\n\n"
    "options:\n"
    "  --store DIR    store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  -f, --file F   read the query from a file ('-' = stdin)\n"
    "  --format F     SELECT/ASK: table (default), json, xml, csv, tsv;\n"
    "                 CONSTRUCT/DESCRIBE: turtle (default), ntriples, rdfxml\n";

static const char export_help[] =
    "usage: battstore export [OPTIONS]\n\n"
    "Write the store's quads in an RDF syntax to standard output.\n\n"
    "options:\n"
    "  --store DIR    store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --graph IRI    only this named graph ('default' = the default graph)\n"
    "  --format F     nquads (default), trig, ntriples, turtle, rdfxml\n"
    "  -o FILE        write to FILE instead of standard output\n";

int bs_cmd_query(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"file", required_argument, 0, 'f'},
        {"format", required_argument, 0, 'F'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *store_dir = NULL, *file = NULL, *format = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:f:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': store_dir = optarg; break;
        case 'f': file = optarg; break;
        case 'F': format = optarg; break;
        case 'h': fputs(query_help, stdout); return 0;
        default: fputs(query_help, stderr); return BS_EXIT_USAGE;
        }
    }
    char *text = NULL;
    if (file) {
        if (!(text = bs_cli_slurp(file))) {
            bs_cli_error("query", "%s: %s", file, strerror(errno));
            return 1;
        }
    } else if (optind < argc) {
        text = strdup(argv[optind]);
    } else {
        bs_cli_error("query", "no query given (battstore query --help)");
        return BS_EXIT_USAGE;
    }
    int rc = 1;
    bs_store *store = bs_cli_open("query", bs_cli_store_dir(store_dir), false);
    bs_query_engine *qe = NULL;
    char *err = NULL;
    if (store) {
        bs_status st = bs_query_engine_new(store, &qe);
        if (st == BS_OK) st = bs_query_run(qe, text, format, stdout, &err);
        if (st == BS_OK) rc = 0;
        else bs_cli_error("query", "%s", err ? err : bs_strerror(st));
    }
    free(err);
    bs_query_engine_free(qe);
    bs_store_close(store);
    free(text);
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
    bs_store_close(store);
    return rc;
}
