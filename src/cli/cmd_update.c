/* SPDX-License-Identifier: MIT
 * battstore update — run a SPARQL 1.1 Update request in one transaction. */
#include "config.h"
#include "cli/cli.h"
#include "sparql/sparql_int.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char update_help[] =
    "usage: battstore update [OPTIONS] (UPDATE | -f FILE.ru)\n\n"
    "Run a SPARQL 1.1 Update request (INSERT DATA, DELETE DATA, DELETE/INSERT\n"
    "... WHERE, DELETE WHERE, LOAD, CLEAR, DROP, CREATE, COPY, MOVE, ADD;\n"
    "several operations separated by ';') in ONE transaction: either every\n"
    "operation happens or, when one fails, none does and the store is\n"
    "unchanged.  Prints \"N quads inserted, M deleted\".\n\n"
    "dataset: the WHERE of an update reads the store's default graph (not\n"
    "the union that `battstore query` uses), unless WITH or USING say\n"
    "otherwise; quads written outside GRAPH go to the default graph.\n"
    "LOAD reads local files (file: IRIs or paths) only.\n\n"
    "options:\n"
    "  --store DIR      store directory (default ./" BS_DEFAULT_STORE "; created\n"
    "                   when missing)\n"
    "  -f, --file F     read the request from a file ('-' = stdin); relative\n"
    "                   IRIs (LOAD <data.ttl>) resolve against the file's IRI\n"
    "  --timeout S      give up after S seconds (nothing changes)\n"
    "  --parse-only     check the syntax only: exit 0 silently, or 1 with\n"
    "                   FILE:LINE:COL: message\n"
    "  --explain        print the request's algebra instead of running it\n"
    "  --quiet          print nothing on success\n\n"
    "exit status: 0 done, 1 error (one line; the store is unchanged), 2 usage\n";

typedef struct {
    const char *store_dir, *file;
    bool parse_only, explain, quiet;
    double timeout;
} update_args;

/* Parse the options; returns -1 to go on, else the exit status. */
static int update_options(int argc, char **argv, update_args *a)
{
    enum { O_TIMEOUT = 256, O_PARSE, O_EXPLAIN, O_QUIET };
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"file", required_argument, 0, 'f'},
        {"timeout", required_argument, 0, O_TIMEOUT},
        {"parse-only", no_argument, 0, O_PARSE}, {"explain", no_argument, 0, O_EXPLAIN},
        {"quiet", no_argument, 0, O_QUIET}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:f:hq", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->store_dir = optarg; break;
        case 'f': a->file = optarg; break;
        case O_TIMEOUT:
            a->timeout = strtod(optarg, &end);
            if (*end || a->timeout < 0) {
                bs_cli_error("update", "--timeout wants seconds, not '%s'", optarg);
                return BS_EXIT_USAGE;
            }
            break;
        case O_PARSE: a->parse_only = true; break;
        case O_EXPLAIN: a->explain = true; break;
        case 'q':
        case O_QUIET: a->quiet = true; break;
        case 'h': fputs(update_help, stdout); return 0;
        default: fputs(update_help, stderr); return BS_EXIT_USAGE;
        }
    }
    return -1;
}

static int run_update(const update_args *a, const bs_sparql *u)
{
    bs_store *store = bs_cli_open("update", bs_cli_store_dir(a->store_dir), true);
    if (!store) return 1;
    bs_sparql_opts o = {.timeout = a->timeout, .cancel = bs_cli_cancel_on_sigint()};
    bs_sparql_update_stats stats;
    char *err = NULL;
    /* LOAD may read any local file the user can read. */
    bs_status st = bs_sparql_update(store, u, &o, "/", &stats, &err);
    if (st != BS_OK)
        bs_cli_error("update", "%s (nothing was changed)", err ? err : bs_strerror(st));
    else if (!a->quiet)
        printf("%llu quads inserted, %llu deleted\n", (unsigned long long)stats.inserted,
               (unsigned long long)stats.deleted);
    free(err);
    bs_cli_close(store);
    return st == BS_OK ? 0 : 1;
}

int bs_cmd_update(int argc, char **argv)
{
    update_args a = {0};
    bs_cli_request r;
    bs_sparql *u = NULL;
    int rc = update_options(argc, argv, &a);
    if (rc >= 0) return rc;
    if ((rc = bs_cli_request_read("update", a.file, argc, argv, &r)) != 0) return rc;
    if (!(u = bs_cli_parse(&r, true))) rc = 1;
    else if (a.explain) bs_sp_dump(u, stdout);
    else if (!a.parse_only) rc = run_update(&a, u);
    bs_sparql_free(u);
    bs_cli_request_free(&r);
    return rc;
}
