/* SPDX-License-Identifier: MIT
 * battstore — the contract between the HTTP server's modules: requests,
 * responses, roles, and one handler per door. */
#ifndef BS_HTTP_INT_H
#define BS_HTTP_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include "http/http.h"
#include "sparql/sparql.h"

struct MHD_Daemon;
struct MHD_Connection;

/* ---- roles and tokens (auth.c) ------------------------------------------ */

/** Who is asking.  Ordered: each role sees what the ones before it see. */
typedef enum {
    BS_ROLE_ANONYMOUS = 0,    ///< public graphs only
    BS_ROLE_RESTRICTED = 1,   ///< "reader:restricted": public + restricted
    BS_ROLE_CONFIDENTIAL = 2, ///< "reader:confidential": everything
    BS_ROLE_WRITER = 3        ///< "writer": everything, and may change data
} bs_role;

/** The tokens file, loaded.  Immutable once loaded (thread-safe reads). */
typedef struct bs_http_tokens bs_http_tokens;

/** Load a tokens file: one "TOKEN ROLE" per line, '#' comments, blank
 *  lines ignored; ROLE is reader:restricted, reader:confidential or
 *  writer.  On a bad line returns BS_ERR_PARSE with *err = "FILE:LINE:
 *  what" (caller frees).  Caller frees the table with
 *  bs_http_tokens_free(). */
bs_status bs_http_tokens_load(const char *path, bs_http_tokens **out, char **err);
void bs_http_tokens_free(bs_http_tokens *t);

/** The role of a request from its Authorization header (NULL when
 *  absent): "Bearer TOKEN", or "Basic base64(user:TOKEN)".  No header →
 *  BS_ROLE_ANONYMOUS, BS_OK.  A header with an unknown token or a
 *  malformed one → BS_ERR_ARG (the server answers 401).  tokens may be
 *  NULL (no tokens file: every header is unknown). */
bs_status bs_http_role(const bs_http_tokens *t, const char *authorization,
                       bs_role *out);

/** May role see a graph of this access level?  Used as
 *  bs_sparql_opts.visible with visible_ctx = &req->role. */
bool bs_http_visible(void *role_ptr, bs_id graph, bs_access level);

/* ---- the server ------------------------------------------------------------ */

/** Server state shared by every request.  Created by bs_http_start()
 *  (server.c); handlers read it, never change it, except through the
 *  atomics. */
struct bs_http_server {
    bs_store *store;
    bs_http_config cfg;       ///< copy, defaults filled in
    bs_http_tokens *tokens;   ///< NULL without --tokens
    struct MHD_Daemon *daemon;
    unsigned port;
    atomic_uint queries;      ///< queries/updates running now (≤ cfg.threads)
    atomic_int stopping;      ///< set by bs_http_stop(): running queries cancel
    pthread_mutex_t log_lock; ///< serialises the access log
};

/* ---- one request ----------------------------------------------------------- */

/** A request, as the handlers see it.  Everything borrowed from the
 *  server for the life of the request. */
typedef struct bs_http_req {
    bs_http_server *srv;
    struct MHD_Connection *conn;
    const char *method;       ///< "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"
    const char *path;         ///< URL path, without the query string
    const char *ctype;        ///< media type of the body, lower case, without
                              ///< parameters ("" when none)
    const char *charset;      ///< charset parameter of Content-Type, or NULL
    char *body;               ///< raw body, NUL-terminated (never NULL)
    size_t body_len;
    bs_role role;             ///< from Authorization (checked before dispatch)
    volatile int cancel;      ///< set when the client goes away or the server stops
} bs_http_req;

/** The run options every door starts from (o is zeroed first): the
 *  caller's visibility through *role (which must outlive the run), rq's
 *  cancel flag, SERVICE only to --service-allow prefixes; no dataset
 *  parameters, no limits (the door adds the ones that apply to it). */
void bs_http_base_opts(bs_http_req *rq, const bs_role *role, bs_sparql_opts *o);

/** Parameter name=value from the URL query string and, for POST
 *  application/x-www-form-urlencoded, from the body (both percent-
 *  decoded).  Values are borrowed for the life of the request. */
const char *bs_http_param(const bs_http_req *rq, const char *name);
/** Every value of a repeated parameter (default-graph-uri ...), in
 *  order; *vals borrowed (array and strings) for the request. */
size_t bs_http_params(const bs_http_req *rq, const char *name,
                      const char *const **vals);
/** Whether the request carries parameter name at all (even empty: ?default). */
bool bs_http_has_param(const bs_http_req *rq, const char *name);
/// A request header (case-insensitive name), or NULL; borrowed.
const char *bs_http_header(const bs_http_req *rq, const char *name);

/* ---- the response ---------------------------------------------------------- */

/** A streamed body: fill buf with up to max bytes, set *n; return BS_END
 *  when nothing is left (with *n == 0), an error to abort the
 *  connection.  Called from the request's own thread. */
typedef bs_status (*bs_http_pull_fn)(void *ctx, char *buf, size_t max, size_t *n);

/** A response under construction.  A handler sets status and either a
 *  body (malloc'ed, the response owns it) or a stream (pull + ctx,
 *  freed with pull_free when the response is done), plus headers. */
typedef struct bs_http_resp {
    unsigned status;
    const char *ctype;        ///< static string, e.g. "text/turtle; charset=utf-8"
    char *body;               ///< owned (free()), may be NULL for no body
    size_t len;
    bs_http_pull_fn pull;     ///< or a streamed body
    void *pull_ctx;
    void (*pull_free)(void *ctx);
    char *headers[8][2];      ///< extra headers (owned strings), NULL-terminated
} bs_http_resp;

/** A one-line text/plain response ("message\n"), printf-style.  Error
 *  bodies never name data the caller may not see. */
bs_status bs_http_text(bs_http_resp *rs, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// Take ownership of buf (malloc'ed) as the body.
void bs_http_body(bs_http_resp *rs, unsigned status, const char *ctype,
                  char *buf, size_t len);
/// Add a header (copied).
bs_status bs_http_add_header(bs_http_resp *rs, const char *name, const char *value);

/** Content negotiation: the offered media type (one of offered[0..n),
 *  static strings, the first is the default) that best fits an Accept
 *  header with q-values, wildcards (type/ *, * / *) and specificity.
 *  NULL or empty Accept → offered[0].  NULL when nothing fits (406). */
const char *bs_http_negotiate(const char *accept, const char *const *offered, size_t n);

/** Run a bs_status-returning request body under the server's query
 *  slots: BS_ERR_BUSY (→ 503) when cfg.threads queries already run. */
bool bs_http_slot_take(bs_http_server *srv);
void bs_http_slot_give(bs_http_server *srv);

/** The HTTP status that fits a bs_status (400 parse/arg, 404 not found,
 *  413 limit on bodies, 503 timeout/busy, 500 otherwise). */
unsigned bs_http_status_of(bs_status st);

/* ---- the doors: each handler fills rs and returns BS_OK, or returns an
 *      error status after bs_http_text() set the error response. ---------- */

/// /sparql: SPARQL 1.1 Protocol, query and update (protocol.c).
bs_status bs_http_h_sparql(bs_http_req *rq, bs_http_resp *rs);
/** Run query text[0..len) exactly as a query sent to /sparql would run
 *  (content negotiation, the caller's access, timeout, query slot) and
 *  fill rs (protocol.c).  Used by /queries/NAME. */
bs_status bs_http_run_query(bs_http_req *rq, bs_http_resp *rs, const char *text, size_t len);
/// /data: Graph Store HTTP Protocol (gsp.c).
bs_status bs_http_h_gsp(bs_http_req *rq, bs_http_resp *rs);
/// /graphs: the graphs the caller may see; writers set access levels (graphs.c).
bs_status bs_http_h_graphs(bs_http_req *rq, bs_http_resp *rs);
/// /queries and /queries/NAME: the named queries (queries.c).
bs_status bs_http_h_queries(bs_http_req *rq, bs_http_resp *rs);
/// Everything else: static files from cfg.web_dir (static.c).
bs_status bs_http_h_static(bs_http_req *rq, bs_http_resp *rs);
/** GET /search?q=&type=&wp=&access=&format=&size=&limit=&offset= → the
 *  JSON of bs_search_result_json (search.c, owner sapi). */
bs_status bs_http_h_search(bs_http_req *rq, bs_http_resp *rs);
/// GET /suggest?q=&limit= → the JSON of bs_search_suggest_json.
bs_status bs_http_h_suggest(bs_http_req *rq, bs_http_resp *rs);

#endif
