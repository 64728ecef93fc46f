/* SPDX-License-Identifier: MIT
 * battstore graphs / stats / drop — the graph registry from the CLI. */
#include "config.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const access_names[] = {"public", "restricted", "confidential"};

static const char graphs_help[] =
    "usage: battstore graphs [OPTIONS]\n\n"
    "List the named graphs: IRI, triples, owl:versionIRI, access level.\n\n"
    "options:\n"
    "  --store DIR                 store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --format table|tsv|json     output format (default table)\n"
    "  --set-access IRI LEVEL      set a graph's access level: public,\n"
    "                              restricted or confidential\n";

/* Print a term's text (IRI or lexical form) or "-" for id 0. */
static void print_id(bs_txn *t, bs_id id, FILE *out, bool json)
{
    bs_term term;
    if (!id || bs_dict_get(t, id, &term) != BS_OK) {
        fputs(json ? "null" : "-", out);
        return;
    }
    if (!json) {
        fwrite(term.lex, 1, term.lex_len, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < term.lex_len; i++) {
        unsigned char ch = (unsigned char)term.lex[i];
        if (ch == '"' || ch == '\\') fprintf(out, "\\%c", ch);
        else if (ch < 0x20) fprintf(out, "\\u%04x", ch);
        else fputc(ch, out);
    }
    fputc('"', out);
}

static int list_graphs(bs_store *store, const char *format)
{
    bs_txn *t = NULL;
    bs_graph_info *gl = NULL;
    size_t n = 0;
    bs_status st = bs_txn_begin(store, false, &t);
    if (st == BS_OK) st = bs_graph_list(t, &gl, &n);
    if (st != BS_OK) {
        bs_cli_error("graphs", "%s", bs_strerror(st));
        bs_txn_abort(t);
        return 1;
    }
    bool json = !strcmp(format, "json"), tsv = !strcmp(format, "tsv");
    if (json) printf("[");
    else if (tsv) printf("graph\ttriples\tversionIRI\taccess\n");
    else printf("%-60s %10s  %-12s %s\n", "GRAPH", "TRIPLES", "ACCESS", "VERSION IRI");
    for (size_t i = 0; i < n; i++) {
        const char *acc = access_names[gl[i].access <= 2 ? gl[i].access : 0];
        if (json) {
            printf("%s\n {\"graph\": ", i ? "," : "");
            print_id(t, gl[i].graph, stdout, true);
            printf(", \"triples\": %llu, \"versionIRI\": ", (unsigned long long)gl[i].quads);
            print_id(t, gl[i].version, stdout, true);
            printf(", \"access\": \"%s\"}", acc);
        } else if (tsv) {
            print_id(t, gl[i].graph, stdout, false);
            printf("\t%llu\t", (unsigned long long)gl[i].quads);
            print_id(t, gl[i].version, stdout, false);
            printf("\t%s\n", acc);
        } else {
            bs_term term;
            if (bs_dict_get(t, gl[i].graph, &term) == BS_OK)
                printf("%-60.*s", (int)term.lex_len, term.lex);
            printf(" %10llu  %-12s ", (unsigned long long)gl[i].quads, acc);
            print_id(t, gl[i].version, stdout, false);
            putchar('\n');
        }
    }
    if (json) printf("%s]\n", n ? "\n" : "");
    free(gl);
    bs_txn_abort(t);
    return 0;
}

/* The id of an existing named graph; BS_NOT_FOUND when there is none. */
static bs_status find_graph(bs_txn *t, const char *iri, bs_id *g)
{
    bs_term term = bs_term_iri(iri, strlen(iri));
    bs_graph_info gi;
    bs_status st = bs_dict_lookup(t, &term, g);
    return st == BS_OK ? bs_graph_get(t, *g, &gi) : st;
}

typedef struct { const char *iri; bs_access level; } access_ctx;

static bs_status set_access_fn(bs_txn *t, void *vctx)
{
    access_ctx *c = vctx;
    bs_id g;
    bs_status st = find_graph(t, c->iri, &g);
    return st == BS_OK ? bs_graph_set_access(t, g, c->level) : st;
}

static int set_access(bs_store *store, const char *iri, const char *level)
{
    access_ctx c = {iri, BS_ACCESS_PUBLIC};
    size_t i = 0;
    while (i < 3 && strcmp(level, access_names[i])) i++;
    if (i == 3) {
        bs_cli_error("graphs", "unknown access level '%s' (public, restricted, confidential)",
                     level);
        return BS_EXIT_USAGE;
    }
    c.level = (bs_access)i;
    bs_status st = bs_store_write(store, set_access_fn, &c);
    if (st == BS_NOT_FOUND) bs_cli_error("graphs", "no graph <%s>", iri);
    else if (st != BS_OK) bs_cli_error("graphs", "%s", bs_strerror(st));
    return st == BS_OK ? 0 : 1;
}

int bs_cmd_graphs(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"format", required_argument, 0, 'F'},
        {"set-access", required_argument, 0, 'a'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *store_dir = NULL, *format = "table", *access_iri = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': store_dir = optarg; break;
        case 'F': format = optarg; break;
        case 'a': access_iri = optarg; break;
        case 'h': fputs(graphs_help, stdout); return 0;
        default: fputs(graphs_help, stderr); return BS_EXIT_USAGE;
        }
    }
    if (strcmp(format, "table") && strcmp(format, "json") && strcmp(format, "tsv")) {
        bs_cli_error("graphs", "unknown format '%s' (table, tsv, json)", format);
        return BS_EXIT_USAGE;
    }
    if (access_iri && optind >= argc) {
        bs_cli_error("graphs", "--set-access needs IRI and LEVEL");
        return BS_EXIT_USAGE;
    }
    bs_store *store = bs_cli_open("graphs", bs_cli_store_dir(store_dir), access_iri != NULL);
    if (!store) return 1;
    int rc = access_iri ? set_access(store, access_iri, argv[optind])
                        : list_graphs(store, format);
    bs_cli_close(store);
    return rc;
}

int bs_cmd_stats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *store_dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
        if (c == 's') store_dir = optarg;
        else if (c == 'h') {
            printf("usage: battstore stats [--store DIR]\n\nQuads, terms, graphs and "
                   "sizes of the store.\n");
            return 0;
        } else return BS_EXIT_USAGE;
    }
    bs_store *store = bs_cli_open("stats", bs_cli_store_dir(store_dir), false);
    if (!store) return 1;
    bs_txn *t = NULL;
    bs_store_stats s;
    bs_status st = bs_txn_begin(store, false, &t);
    if (st == BS_OK) st = bs_store_stat(t, &s);
    bs_txn_abort(t);
    if (st == BS_OK) {
        bs_quad dflt = {BS_ANY, BS_ANY, BS_ANY, BS_DEFAULT_GRAPH};
        uint64_t nd = 0;
        if (bs_txn_begin(store, false, &t) == BS_OK) {
            bs_quad_count(t, &dflt, &nd);
            bs_txn_abort(t);
        }
        printf("store          %s\nquads          %llu\n  default graph %llu\n"
               "named graphs   %llu\nterms          %llu\nused bytes     %llu\n"
               "file bytes     %llu\nterm file      %llu\nbytes/quad     %.1f\n",
               bs_store_path(store), (unsigned long long)s.quads, (unsigned long long)nd,
               (unsigned long long)s.graphs, (unsigned long long)s.terms,
               (unsigned long long)s.used_bytes, (unsigned long long)s.file_bytes,
               (unsigned long long)s.termfile_bytes,
               s.quads ? (double)s.used_bytes / s.quads : 0.0);
    } else {
        bs_cli_error("stats", "%s", bs_strerror(st));
    }
    bs_cli_close(store);
    return st == BS_OK ? 0 : 1;
}

typedef struct { const char *iri; uint64_t removed; } drop_ctx;

static bs_status drop_fn(bs_txn *t, void *vctx)
{
    drop_ctx *c = vctx;
    bs_id g;
    bs_status st = find_graph(t, c->iri, &g);
    return st == BS_OK ? bs_graph_clear(t, g, true, &c->removed) : st;
}

int bs_cmd_drop(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"graph", required_argument, 0, 'g'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *store_dir = NULL, *graph = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:g:h", opts, NULL)) != -1) {
        if (c == 's') store_dir = optarg;
        else if (c == 'g') graph = optarg;
        else if (c == 'h') {
            printf("usage: battstore drop [--store DIR] --graph IRI\n\n"
                   "Delete a named graph and all its triples (one transaction).\n");
            return 0;
        } else return BS_EXIT_USAGE;
    }
    if (!graph) {
        bs_cli_error("drop", "--graph IRI is required");
        return BS_EXIT_USAGE;
    }
    bs_store *store = bs_cli_open("drop", bs_cli_store_dir(store_dir), true);
    if (!store) return 1;
    drop_ctx ctx = {graph, 0};
    bs_status st = bs_store_write(store, drop_fn, &ctx);
    if (st == BS_NOT_FOUND) bs_cli_error("drop", "no graph <%s>", graph);
    else if (st != BS_OK) bs_cli_error("drop", "%s", bs_strerror(st));
    else fprintf(stderr, "dropped <%s> (%llu triples)\n", graph,
                 (unsigned long long)ctx.removed);
    bs_cli_close(store);
    return st == BS_OK ? 0 : 1;
}
