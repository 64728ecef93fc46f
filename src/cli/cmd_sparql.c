/* SPDX-License-Identifier: MIT
 * battstore — what `query` and `update` share: reading the request text
 * (argument, file or stdin), its base IRI, parsing with errors as
 * FILE:LINE:COL, and Ctrl-C as a cancel request. */
#include "config.h"
#include "cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file name as a file: IRI (absolute, percent-encoded).  Caller frees. */
static char *file_iri(const char *path)
{
    char abs[PATH_MAX];
    if (!realpath(path, abs)) return NULL;
    size_t n = strlen(abs);
    char *out = malloc(7 + 3 * n + 1), *w = out;
    if (!out) return NULL;
    w += sprintf(w, "file://");
    for (const unsigned char *p = (const unsigned char *)abs; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/-._~!$&'()*+,;=:@", *p))
            *w++ = (char)*p;
        else
            w += sprintf(w, "%%%02X", *p);
    }
    *w = 0;
    return out;
}

int bs_cli_request_read(const char *cmd, const char *file, int argc, char **argv,
                        bs_cli_request *r)
{
    memset(r, 0, sizeof *r);
    if (file) {
        if (!(r->text = bs_cli_slurp(file))) {
            bs_cli_error(cmd, "%s: %s", file, strerror(errno));
            return 1;
        }
        r->name = strcmp(file, "-") == 0 ? "stdin" : file;
        if (strcmp(file, "-") != 0) r->base = file_iri(file);
        return 0;
    }
    if (optind >= argc) {
        bs_cli_error(cmd, "no %s given (battstore %s --help)", cmd, cmd);
        return BS_EXIT_USAGE;
    }
    if (optind + 1 < argc) {
        bs_cli_error(cmd, "one %s only (quote it; extra argument '%s')", cmd, argv[optind + 1]);
        return BS_EXIT_USAGE;
    }
    if (!(r->text = strdup(argv[optind]))) return 1;
    r->name = cmd;
    return 0;
}

void bs_cli_request_free(bs_cli_request *r)
{
    free(r->text);
    free(r->base);
    memset(r, 0, sizeof *r);
}

/* True when the text parses as the other kind of request (a query given
 * to `update`, an update to `query`). */
static bool is_other_kind(const bs_cli_request *r, bool update)
{
    bs_sparql *q = NULL;
    bool ok = bs_sparql_parse(r->text, strlen(r->text), r->base, !update, &q, NULL) == BS_OK;
    bs_sparql_free(q);
    return ok;
}

bs_sparql *bs_cli_parse(const bs_cli_request *r, bool update)
{
    bs_sparql *q = NULL;
    bs_sparql_error e = {0};
    bs_status st = bs_sparql_parse(r->text, strlen(r->text), r->base, update, &q, &e);
    if (st == BS_OK) return q;
    if (st == BS_ERR_PARSE && is_other_kind(r, update))
        fprintf(stderr, "%s:%ld:%ld: %s (this is a SPARQL %s: run it with `battstore %s`)\n",
                r->name, e.line, e.col, e.msg, update ? "query" : "Update request",
                update ? "query" : "update");
    else if (st == BS_ERR_PARSE || e.line > 0)
        fprintf(stderr, "%s:%ld:%ld: %s\n", r->name, e.line > 0 ? e.line : 1,
                e.col > 0 ? e.col : 1, e.msg[0] ? e.msg : "syntax error");
    else
        bs_cli_error(update ? "update" : "query", "%s", bs_strerror(st));
    return NULL;
}

static volatile int cancel_flag;

static void on_sigint(int sig)
{
    (void)sig;
    cancel_flag = 1;
}

volatile int *bs_cli_cancel_on_sigint(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND; /* a second Ctrl-C ends the process */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    return &cancel_flag;
}
