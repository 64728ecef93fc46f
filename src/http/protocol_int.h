/* SPDX-License-Identifier: MIT
 * battstore — what the SPARQL Protocol's files (protocol.c,
 *   protocol_query.c, service_desc.c) share. */
#ifndef BS_HTTP_PROTOCOL_INT_H
#define BS_HTTP_PROTOCOL_INT_H

#include "http/http_int.h"

/// Whether s[0..n) is well-formed UTF-8 (no overlongs, no surrogates).
bool bs_http_utf8_valid(const char *s, size_t n);

/** The endpoint's IRI as the client named it ("http://HOST/sparql" from
 *  the Host header, else the bound address): the base IRI of requests
 *  and the Service Description's subject.  Caller frees with free();
 *  NULL when out of memory. */
char *bs_http_endpoint_iri(const bs_http_req *rq);

/** Parse a query for rq (base: the endpoint): on failure the 400
 *  ("LINE:COL: message") is set in rs.  Caller frees *out with
 *  bs_sparql_free(). */
bs_status bs_http_parse_query(bs_http_req *rq, bs_http_resp *rs, const char *text,
                              size_t len, bs_sparql **out);

/** The run options of a request: its dataset parameters (default- /
 *  named-graph-uri, or using- for an update; borrowed from rq), the
 *  caller's visibility, the server's limits, rq's cancel flag. */
void bs_http_fill_opts(bs_http_req *rq, bs_sparql_opts *o, bool update);

/** Set the error response for a run that failed with st (engine message
 *  msg, may be NULL): 503 for timeouts and memory caps, 404 for
 *  BS_NOT_FOUND, 400 for bad requests.  Returns st. */
bs_status bs_http_run_error(bs_http_req *rq, bs_http_resp *rs, bs_status st,
                            const char *msg);

/* ---- SERVICE: the --service-allow list (protocol_service.c) ---------- */

/// Whether iri starts with one of the comma-separated prefixes of allow.
bool bs_http_service_allowed(const char *allow, const char *iri);

/** What a query's SERVICE guard saw, for the error answer. */
typedef struct {
    const char *allow;  ///< the server's --service-allow (borrowed)
    char *refused;      ///< first endpoint refused (owned), or NULL
    char *called;       ///< last endpoint called that answered or failed (owned)
} bs_http_svc;

/** Make o's SERVICE calls go through the allow list (no recording): what
 *  bs_http_fill_opts() does for every door. */
void bs_http_svc_guard(const bs_http_req *rq, bs_sparql_opts *o);

/** Make o's SERVICE calls go through the allow list, recording in v
 *  (which must outlive the run); free with bs_http_svc_clear(). */
void bs_http_svc_attach(bs_http_svc *v, const bs_http_req *rq, bs_sparql_opts *o);
void bs_http_svc_clear(bs_http_svc *v);

/** When a run's failure (st, engine message msg) is about a SERVICE: set
 *  the answer (403 refused endpoint, 502 a remote failure) and return
 *  true; else false (answer with bs_http_run_error()). */
bool bs_http_svc_error(const bs_http_svc *v, bs_http_resp *rs, bs_status st,
                       const char *msg);

/** Everything a GET /sparql?query= does, for this query text: the
 *  request's dataset parameters, content negotiation (Accept, format=),
 *  a query slot, a streamed body.  Also used by /queries/NAME. */
bs_status bs_http_run_query(bs_http_req *rq, bs_http_resp *rs, const char *text,
                            size_t len);

/** GET /sparql without an operation: the SPARQL 1.1 Service Description
 *  in Turtle, N-Triples or RDF/XML by Accept (service_desc.c). */
bs_status bs_http_service_description(bs_http_req *rq, bs_http_resp *rs);

#endif
