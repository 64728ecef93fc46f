/* SPDX-License-Identifier: MIT
 * battstore — the HTTP server: SPARQL 1.1 Protocol, Graph Store, search, web page. */
#ifndef BS_HTTP_H
#define BS_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "store/store.h"

/** A running server.  Opaque; see bs_http_start(). */
typedef struct bs_http_server bs_http_server;

/** How the server runs.  Zero / NULL fields take the defaults named. */
typedef struct {
    const char *bind;        ///< address to bind (default "127.0.0.1")
    unsigned port;           ///< TCP port (default 8080; 0 = the kernel picks)
    const char *tokens_file; ///< "TOKEN ROLE" per line, or NULL (everyone anonymous)
    double timeout;          ///< per-query wall-clock limit, seconds (default 30; <0 none)
    unsigned threads;        ///< queries run in parallel (default: number of CPUs)
    size_t max_body;         ///< largest request body accepted, bytes (default 64 MiB)
    size_t mem_limit;        ///< per-query memory cap, bytes (default 1 GiB)
    const char *cors_origin; ///< Access-Control-Allow-Origin (default "*")
    const char *allow_load;  ///< directory SPARQL LOAD may read, or NULL (LOAD refused)
    /** SERVICE endpoints called: comma-separated IRI prefixes; an endpoint
     *  IRI starting with none of them is refused (403).  NULL or "":
     *  none allowed (the default). */
    const char *service_allow;
    const char *queries_dir; ///< named queries (*.rq), default "queries"
    const char *web_dir;     ///< static files served at /, default "web"
    FILE *access_log;        ///< one line per request (default stderr)
    bool quiet;              ///< no access log
} bs_http_config;

/** Start serving store (which the caller keeps open until after
 *  bs_http_stop()).  Returns once the socket listens.  On failure *err
 *  (if err) holds a one-line message; caller frees it with free().
 *  Caller stops the server with bs_http_stop(). */
bs_status bs_http_start(bs_store *store, const bs_http_config *cfg,
                        bs_http_server **out, char **err);

/// The port the server listens on (useful with port 0).
unsigned bs_http_port(const bs_http_server *srv);

/** Stop accepting connections, let in-flight requests finish (cancelling
 *  queries still running after grace_seconds), free the server.  NULL
 *  is safe. */
void bs_http_stop(bs_http_server *srv, double grace_seconds);

#endif
