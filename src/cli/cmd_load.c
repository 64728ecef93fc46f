/* SPDX-License-Identifier: MIT
 * battstore load — parse files into the store in one transaction. */
#include "config.h"
#include "cli/cli.h"
#include "ingest/ingest.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char load_help[] =
    "usage: battstore load [OPTIONS] FILE...\n\n"
    "Load RDF files into the store, all in one transaction: if any file fails\n"
    "to parse, nothing is loaded and the error names FILE:LINE:COLUMN.\n"
    "Formats by extension (.owl .rdf .xml = RDF/XML, .ttl, .nt, .nq, .trig)\n"
    "or --format.  FILE '-' reads standard input (give --format).\n\n"
    "options:\n"
    "  --store DIR      store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --graph IRI      load triples into this named graph (default graph otherwise)\n"
    "  --format F       turtle | rdfxml | ntriples | nquads | trig\n"
    "  --base IRI       base IRI for relative IRIs (default: the file's file:// URI)\n"
    "  --replace        replace the target graph's content atomically\n"
    "  --imports        follow owl:imports; each ontology goes into its own graph\n"
    "                   named by its ontology IRI (versionIRI recorded)\n"
    "  --catalog FILE   extra catalog-v001.xml (repeatable; wins over the\n"
    "                   catalogs found beside the loaded files)\n"
    "  --fetch          allow fetching imports that catalogs map to remote URLs\n"
    "  --quiet          no progress line or summary\n"
    "  --verbose        print the summary even when not on a terminal\n\n"
    "environment:\n"
    "  BATTSTORE_PARSER=raptor   parse every format with Raptor (default: serd\n"
    "                   for N-Triples, N-Quads, Turtle, TriG; Raptor for RDF/XML)\n";

static void progress(void *ctx, const bs_load_progress *p)
{
    (void)ctx;
    double rate = p->seconds > 0 ? p->triples / p->seconds : 0;
    fprintf(stderr, "\rloading: %zu/%zu files, %llu triples, %.0f triples/s   ",
            p->files_done, p->files_total, (unsigned long long)p->triples, rate);
    fflush(stderr);
}

/* One line: where (FILE:LINE:COL as far as the parser knows), what, and
 * that nothing was loaded. */
static void report_error(const bs_load_report *rep, bs_status st)
{
    const char *msg = rep->err_msg ? rep->err_msg : bs_strerror(st);
    fprintf(stderr, "battstore: load: ");
    if (rep->err_file) {
        fprintf(stderr, "%s:", rep->err_file);
        if (rep->err_line > 0) fprintf(stderr, "%ld:", rep->err_line);
        if (rep->err_line > 0 && rep->err_col > 0) fprintf(stderr, "%ld:", rep->err_col);
        fputc(' ', stderr);
    }
    fprintf(stderr, "%s (nothing was loaded; the store is unchanged)\n", msg);
}

int bs_cmd_load(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"graph", required_argument, 0, 'g'},
        {"format", required_argument, 0, 'f'}, {"base", required_argument, 0, 'b'},
        {"replace", no_argument, 0, 'r'}, {"imports", no_argument, 0, 'i'},
        {"catalog", required_argument, 0, 'c'}, {"fetch", no_argument, 0, 'F'},
        {"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    bs_load_opts lo = {0};
    const char *store_dir = NULL;
    const char **cats = calloc((size_t)argc, sizeof *cats);
    bool quiet = false, verbose = false;
    int c, rc = 1;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:g:f:b:c:qvh", opts, NULL)) != -1) {
        switch (c) {
        case 's': store_dir = optarg; break;
        case 'g': lo.graph_iri = optarg; break;
        case 'f': lo.format = optarg; break;
        case 'b': lo.base_iri = optarg; break;
        case 'r': lo.replace = true; break;
        case 'i': lo.imports = true; break;
        case 'c': cats[lo.n_catalogs++] = optarg; break;
        case 'F': lo.fetch = true; break;
        case 'q': quiet = true; break;
        case 'v': verbose = true; break;
        case 'h': fputs(load_help, stdout); free(cats); return 0;
        default: fputs(load_help, stderr); free(cats); return BS_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        bs_cli_error("load", "no files given (battstore load --help)");
        free(cats);
        return BS_EXIT_USAGE;
    }
    if (lo.format && !bs_format_parser(lo.format, NULL)) {
        bs_cli_error("load", "unknown format '%s' (turtle, rdfxml, ntriples, nquads, trig)",
                     lo.format);
        free(cats);
        return BS_EXIT_USAGE;
    }
    lo.catalogs = cats;
    bool tty = isatty(2) && !quiet;
    if (tty) lo.progress = progress;
    bs_store *store = bs_cli_open("load", bs_cli_store_dir(store_dir), true);
    if (!store) { free(cats); return 1; }
    bs_load_report rep = {0};
    bs_status st = bs_load_files(store, (const char *const *)argv + optind,
                                 (size_t)(argc - optind), &lo, &rep);
    if (tty) fputc('\n', stderr);
    for (size_t i = 0; i < rep.n_unresolved; i++)
        fprintf(stderr, "battstore: load: warning: unresolved import %s\n", rep.unresolved[i]);
    if (st != BS_OK) {
        report_error(&rep, st);
    } else {
        rc = 0;
        if (tty || verbose)
            fprintf(stderr, "loaded %llu triples (%llu new quads) from %zu files%s%s in %.2f s "
                    "(%.0f triples/s)\n", (unsigned long long)rep.triples,
                    (unsigned long long)rep.added, rep.files,
                    rep.n_graphs ? " into graphs of " : "", rep.n_graphs ? "their ontologies" : "",
                    rep.seconds, rep.seconds > 0 ? rep.triples / rep.seconds : 0.0);
    }
    bs_load_report_free(&rep);
    bs_cli_close(store);
    free(cats);
    return rc;
}
