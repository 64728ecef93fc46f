/* SPDX-License-Identifier: MIT
 * battstore — command dispatch and top-level help. */
#include "config.h"
#include "cli/cli.h"
#include "util/bigmem.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} commands[] = {
    {"load", bs_cmd_load, "load RDF files (OWL/RDF-XML, Turtle, N-Triples, N-Quads, TriG)"},
    {"query", bs_cmd_query, "run a SPARQL query"},
    {"update", bs_cmd_update, "run a SPARQL update (one transaction)"},
    {"export", bs_cmd_export, "write a graph (or everything) in an RDF syntax"},
    {"graphs", bs_cmd_graphs, "list named graphs (IRI, triples, versionIRI, access)"},
    {"stats", bs_cmd_stats, "store statistics"},
    {"drop", bs_cmd_drop, "delete a named graph"},
    {"serve", bs_cmd_serve, "serve the SPARQL endpoint, Graph Store and web page over HTTP"},
    {"flows", bs_cmd_flows, "the BIG-MAP data highway: routes, up/downstream, drawing"},
    {"check", bs_cmd_check, "FAIR report of the datasets against the plan's rules"},
    {"search", bs_cmd_search, "keyword search over labels and descriptions, BattINFO-aware"},
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: battstore COMMAND [OPTIONS] [ARGS]\n\n"
            "battstore is a semantic metadata store for battery research: an\n"
            "LMDB-backed RDF quad store for BattINFO/EMMO ontologies and dataset\n"
            "metadata, queried with SPARQL.\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\nEvery command takes --store DIR (default: $BATTSTORE_STORE, else "
            "./" BS_DEFAULT_STORE ")\nand --help.  `battstore COMMAND --help` "
            "explains a command.\n");
}

int main(int argc, char **argv)
{
    bs_tune_malloc();
    if (argc < 2) {
        usage(stderr);
        return BS_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("battstore %s\n", PACKAGE_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    bs_cli_error(NULL, "unknown command '%s' (try battstore --help)", cmd);
    return BS_EXIT_USAGE;
}
