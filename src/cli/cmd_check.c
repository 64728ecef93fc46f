/* SPDX-License-Identifier: MIT
 * battstore check — the FAIR report: every dataset against the rules of the
 * BIG-MAP Data Management Plan's section 2 (dmp:Rule in the store). */
#include "config.h"
#include "cli/cli.h"
#include "dmp/dmp.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char check_help[] =
    "usage: battstore check [OPTIONS]\n\n"
    "Check every dataset (dcat:Dataset) against the FAIR rules of the BIG-MAP\n"
    "Data Management Plan, read from the store (dmp:Rule, loaded from\n"
    "ontology/bigmap-dmp-data.ttl): the minimum metadata of section 2.1.6 (the\n"
    "aspect of the battery interface as a BattINFO class, dmp:about; the\n"
    "method's protocol or SOP, dmp:protocol; fidelity, dmp:fidelity;\n"
    "provenance, prov:wasGeneratedBy), a DOI or handle (dcterms:identifier),\n"
    "an accepted licence (CC BY 4.0, MIT, BSD, GPL), BattINFO keywords, an\n"
    "access level, version and issue date, a publisher embargo of at most\n"
    "6 months, retention of at least 10 years.  The plan's own rows predate\n"
    "the data and fail many rules: the report is the to-do list.\n\n"
    "options:\n"
    "  --store DIR      store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --dataset IRI    check this dataset only\n"
    "  --format F       table (default: failing datasets and why, then a\n"
    "                   summary per rule) or json (every dataset and rule)\n"
    "  --quiet          table: the summary only\n\n"
    "exit status: 0 every rule passes, 1 a rule fails or error, 2 usage\n";

static void print_json(const bs_dmp_report *r, FILE *out)
{
    fprintf(out, "{\"datasets\": %zu, \"failed\": %zu, \"report\": [", r->ndatasets, r->nfailed);
    for (size_t i = 0; i < r->ndatasets; i++) {
        const bs_dmp_dataset_report *d = &r->datasets[i];
        fprintf(out, "%s\n {\"dataset\": ", i ? "," : "");
        bs_dmp_json_str(out, d->iri);
        fputs(", \"title\": ", out);
        bs_dmp_json_str(out, d->title);
        fputs(", \"wp\": ", out);
        bs_dmp_json_str(out, d->wp);
        fprintf(out, ", \"ok\": %s, \"rules\": [", d->nfailed ? "false" : "true");
        for (size_t j = 0; j < d->nrules; j++) {
            const bs_dmp_rule_result *o = &d->rules[j];
            fprintf(out, "%s\n  {\"rule\": ", j ? "," : "");
            bs_dmp_json_str(out, o->rule);
            fputs(", \"iri\": ", out);
            bs_dmp_json_str(out, o->iris);
            fputs(", \"section\": ", out);
            bs_dmp_json_str(out, o->section);
            fprintf(out, ", \"ok\": %s, \"problems\": ", o->ok ? "true" : "false");
            bs_dmp_json_str(out, o->problems);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs("\n]}\n", out);
}

/* The local name of a dataset IRI, for the table. */
static const char *short_name(const char *iri)
{
    const char *s = strrchr(iri, '/'), *h = strrchr(iri, '#');
    const char *p = h > s ? h : s;
    return p && p[1] ? p + 1 : iri;
}

static void print_table(const bs_dmp_report *r, bool quiet, FILE *out)
{
    for (size_t i = 0; !quiet && i < r->ndatasets; i++) {
        const bs_dmp_dataset_report *d = &r->datasets[i];
        fprintf(out, "%s %s (%s) %.60s: %zu of %zu rules fail\n", d->nfailed ? "FAIL" : "ok  ",
                short_name(d->iri), *d->wp ? d->wp : "no WP", d->title, d->nfailed, d->nrules);
        for (size_t j = 0; j < d->nrules; j++)
            if (!d->rules[j].ok)
                fprintf(out, "     %-17s (%s) %s\n", d->rules[j].rule, d->rules[j].section,
                        d->rules[j].problems);
    }
    if (r->ndatasets == 0) return;
    fprintf(out, "%s%zu datasets, %zu pass every rule, %zu fail; datasets failing each rule:\n",
            quiet ? "" : "\n", r->ndatasets, r->ndatasets - r->nfailed, r->nfailed);
    const bs_dmp_dataset_report *d0 = &r->datasets[0];
    for (size_t j = 0; j < d0->nrules; j++) {
        size_t n = 0;
        for (size_t i = 0; i < r->ndatasets; i++)
            if (j < r->datasets[i].nrules && !r->datasets[i].rules[j].ok) n++;
        fprintf(out, "  %-17s %-6s %4zu\n", d0->rules[j].rule, d0->rules[j].section, n);
    }
}

int bs_cmd_check(int argc, char **argv)
{
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"dataset", required_argument, 0, 'd'},
        {"format", required_argument, 0, 'F'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *store_dir = NULL, *dataset = NULL, *format = "table";
    bool quiet = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:qh", opts, NULL)) != -1) {
        switch (c) {
        case 's': store_dir = optarg; break;
        case 'd': dataset = optarg; break;
        case 'F': format = optarg; break;
        case 'q': quiet = true; break;
        case 'h': fputs(check_help, stdout); return 0;
        default: fputs(check_help, stderr); return BS_EXIT_USAGE;
        }
    }
    if (optind < argc || (strcmp(format, "table") && strcmp(format, "json"))) {
        bs_cli_error("check", optind < argc ? "unexpected argument '%s'"
                                            : "--format is table or json%s",
                     optind < argc ? argv[optind] : "");
        return BS_EXIT_USAGE;
    }
    bs_store *store = bs_cli_open("check", bs_cli_store_dir(store_dir), false);
    if (!store) return 1;
    bs_dmp_report *r = NULL;
    char *err = NULL;
    bs_status st = bs_dmp_check(store, dataset, &r, &err);
    int rc = 1;
    if (st != BS_OK) {
        bs_cli_error("check", "%s", err ? err : bs_strerror(st));
    } else {
        if (!strcmp(format, "json")) print_json(r, stdout);
        else print_table(r, quiet, stdout);
        rc = r->nfailed || fflush(stdout) != 0 ? 1 : 0;
    }
    free(err);
    bs_dmp_report_free(r);
    bs_cli_close(store);
    return rc;
}
