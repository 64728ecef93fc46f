/* SPDX-License-Identifier: MIT
 * battstore serve — the SPARQL endpoint, Graph Store, named queries and
 * web page over HTTP, until SIGTERM or SIGINT. */
#include "config.h"
#include "cli/cli.h"
#include "http/http.h"

#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char serve_help[] =
    "usage: battstore serve [OPTIONS]\n\n"
    "Serve the store over HTTP: the SPARQL 1.1 Protocol at /sparql (query and\n"
    "update), the Graph Store Protocol at /data, the graphs at /graphs, the\n"
    "named queries (queries/*.rq) at /queries, static files at /.  Prints\n"
    "\"battstore: serving STORE at http://ADDR:PORT/\" to stderr once listening\n"
    "and one access-log line per request.  SIGTERM or SIGINT: requests in\n"
    "flight finish (queries still running after a few seconds are cancelled),\n"
    "the store is closed cleanly, exit 0.\n\n"
    "options:\n"
    "  --store DIR        store directory (default ./" BS_DEFAULT_STORE "; created when\n"
    "                     missing)\n"
    "  --bind ADDR        address to listen on (default 127.0.0.1)\n"
    "  --port N           TCP port (default 8080; 0: any free port)\n"
    "  --tokens FILE      access tokens, one \"TOKEN ROLE\" per line (ROLE:\n"
    "                     reader:restricted, reader:confidential, writer);\n"
    "                     without it everyone is anonymous (public graphs, no\n"
    "                     updates)\n"
    "  --timeout S        per-query time limit in seconds (default 30; answers 503)\n"
    "  --threads N        queries running at once (default: CPUs); more wait up to\n"
    "                     1 s for a turn, then get 503\n"
    "  --allow-load DIR   SPARQL LOAD may read files under DIR (default: refused)\n"
    "  --service-allow PREFIX[,PREFIX...]\n"
    "                     federated SERVICE may call endpoints whose IRI starts\n"
    "                     with one of these prefixes (repeatable); others answer\n"
    "                     403 (SILENT: no rows).  Default: none allowed (a SERVICE\n"
    "                     to any URL would let callers reach hosts they cannot)\n"
    "  --cors-origin O    Access-Control-Allow-Origin (default *)\n"
    "  --max-body BYTES   largest request body (default 64 MiB; larger get 413)\n"
    "  --queries DIR      named queries (default ./queries)\n"
    "  --web DIR          the web page's files (default ./web when it exists,\n"
    "                     else the installed copy)\n"
    "  --quiet            no access log\n\n"
    "exit status: 0 stopped by a signal, 1 error, 2 usage\n";

/* Parse a number with an optional k/M/G suffix (for --max-body). */
static bool parse_size(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *s == '-') return false;
    switch (*end) {
    case 'k': case 'K': v *= 1024; end++; break;
    case 'm': case 'M': v *= 1024 * 1024; end++; break;
    case 'g': case 'G': v *= 1024ULL * 1024 * 1024; end++; break;
    default: break;
    }
    if (*end || v > max) return false;
    *out = v;
    return true;
}

typedef struct {
    const char *store_dir;
    bs_http_config cfg;
    char *service_allow;    ///< --service-allow values joined by ',' (owned)
} serve_args;

/* Add a --service-allow value to the comma-separated list. */
static bool add_allow(serve_args *a, const char *v)
{
    if (!*v || strspn(v, ",") == strlen(v)) return false;
    char *old = a->service_allow, *joined = NULL;
    if (asprintf(&joined, "%s%s%s", old ? old : "", old ? "," : "", v) < 0) return false;
    free(old);
    a->service_allow = joined;
    a->cfg.service_allow = joined;
    return true;
}

static int bad_value(const char *opt, const char *val)
{
    bs_cli_error("serve", "%s: bad value '%s'", opt, val);
    return BS_EXIT_USAGE;
}

/* Parse the options; returns -1 to go on, else the exit status. */
static int serve_options(int argc, char **argv, serve_args *a)
{
    enum { O_BIND = 256, O_PORT, O_TOKENS, O_TIMEOUT, O_THREADS, O_LOAD, O_CORS,
           O_BODY, O_QUERIES, O_WEB, O_QUIET, O_SERVICE };
    static const struct option opts[] = {
        {"store", required_argument, 0, 's'}, {"bind", required_argument, 0, O_BIND},
        {"port", required_argument, 0, O_PORT}, {"tokens", required_argument, 0, O_TOKENS},
        {"timeout", required_argument, 0, O_TIMEOUT},
        {"threads", required_argument, 0, O_THREADS},
        {"allow-load", required_argument, 0, O_LOAD},
        {"service-allow", required_argument, 0, O_SERVICE},
        {"cors-origin", required_argument, 0, O_CORS},
        {"max-body", required_argument, 0, O_BODY},
        {"queries", required_argument, 0, O_QUERIES}, {"web", required_argument, 0, O_WEB},
        {"quiet", no_argument, 0, O_QUIET}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    unsigned long long v;
    char *end;
    optind = 1;
    a->cfg.port = 8080;
    while ((c = getopt_long(argc, argv, "s:hq", opts, NULL)) != -1) {
        switch (c) {
        case 's': a->store_dir = optarg; break;
        case O_BIND: a->cfg.bind = optarg; break;
        case O_PORT:
            if (!parse_size(optarg, 65535, &v) || strpbrk(optarg, "kKmMgG"))
                return bad_value("--port", optarg);
            a->cfg.port = (unsigned)v;
            break;
        case O_TOKENS: a->cfg.tokens_file = optarg; break;
        case O_TIMEOUT:
            a->cfg.timeout = strtod(optarg, &end);
            if (end == optarg || *end || a->cfg.timeout < 0) return bad_value("--timeout", optarg);
            if (a->cfg.timeout == 0) a->cfg.timeout = -1; /* 0: no limit */
            break;
        case O_THREADS:
            if (!parse_size(optarg, 4096, &v) || v == 0) return bad_value("--threads", optarg);
            a->cfg.threads = (unsigned)v;
            break;
        case O_LOAD: a->cfg.allow_load = optarg; break;
        case O_SERVICE:
            if (!add_allow(a, optarg)) return bad_value("--service-allow", optarg);
            break;
        case O_CORS: a->cfg.cors_origin = optarg; break;
        case O_BODY:
            if (!parse_size(optarg, SIZE_MAX, &v) || v == 0) return bad_value("--max-body", optarg);
            a->cfg.max_body = (size_t)v;
            break;
        case O_QUERIES: a->cfg.queries_dir = optarg; break;
        case O_WEB: a->cfg.web_dir = optarg; break;
        case 'q':
        case O_QUIET: a->cfg.quiet = true; break;
        case 'h': fputs(serve_help, stdout); return 0;
        default: fputs(serve_help, stderr); return BS_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        bs_cli_error("serve", "unexpected argument '%s'", argv[optind]);
        return BS_EXIT_USAGE;
    }
    return -1;
}

int bs_cmd_serve(int argc, char **argv)
{
    serve_args a = {0};
    int rc = serve_options(argc, argv, &a);
    if (rc >= 0) {
        free(a.service_allow);
        return rc;
    }
    /* SIGTERM and SIGINT go to sigwait() below, in every thread */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    const char *dir = bs_cli_store_dir(a.store_dir);
    bs_store *store = bs_cli_open("serve", dir, true);
    if (!store) {
        free(a.service_allow);
        return 1;
    }
    bs_http_server *srv = NULL;
    char *err = NULL;
    bs_status st = bs_http_start(store, &a.cfg, &srv, &err);
    if (st != BS_OK) {
        if (err && a.cfg.tokens_file && strncmp(err, a.cfg.tokens_file,
                                                strlen(a.cfg.tokens_file)) == 0)
            fprintf(stderr, "%s\n", err); /* FILE:LINE: message */
        else
            bs_cli_error("serve", "%s", err ? err : bs_strerror(st));
        free(err);
        bs_cli_close(store);
        free(a.service_allow);
        return 1;
    }
    const char *bind = a.cfg.bind ? a.cfg.bind : "127.0.0.1";
    bool v6 = strchr(bind, ':') != NULL;
    fprintf(stderr, "battstore: serving %s at http://%s%s%s:%u/\n", dir, v6 ? "[" : "", bind,
            v6 ? "]" : "", bs_http_port(srv));
    fflush(stderr);
    int sig = 0;
    sigwait(&sigs, &sig);
    bs_http_stop(srv, 5.0);
    bs_cli_close(store);
    free(a.service_allow);
    return 0;
}
