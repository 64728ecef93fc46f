/* SPDX-License-Identifier: MIT
 * battstore — SERVICE from the endpoint: the --service-allow list.
 *
 * A federated SERVICE call made for an anonymous caller to any URL is a
 * server-side request forgery door (the server reaches what the caller
 * cannot: 127.0.0.1, the LAN).  Every query and update run over HTTP
 * therefore calls SERVICE through a guard wrapping the built-in client
 * bs_sparql_service_http(): an endpoint IRI is called only when it
 * starts with one of the server's --service-allow prefixes (none by
 * default).  A refused endpoint is an error of the query (403), or the
 * empty solution under SILENT, as any failed call; a call that fails at
 * the remote end is 502 Bad Gateway. */
#include "config.h"
#include "http/protocol_int.h"

#include <stdlib.h>
#include <string.h>

#define REFUSED "is not allowed by this server (see --service-allow)"

bool bs_http_service_allowed(const char *allow, const char *iri)
{
    if (!allow || !iri) return false;
    for (const char *p = allow; *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n && strncmp(iri, p, n) == 0) return true;
        if (!end) break;
        p = end + 1;
    }
    return false;
}

/* The guard of a query run: calls allowed endpoints through the
 * built-in client and records what the error mapping needs. */
static bs_status guard(void *ctx, const bs_sparql_service_call *c, char **json,
                       size_t *len, char **err)
{
    bs_http_svc *v = ctx;
    if (!bs_http_service_allowed(v->allow, c->endpoint)) {
        if (!v->refused) v->refused = strdup(c->endpoint);
        *err = strdup(REFUSED);
        return BS_ERR_ARG;
    }
    bs_status st = bs_sparql_service_http(NULL, c, json, len, err);
    if (st == BS_OK || st == BS_ERR_IO) {
        /* an answer may still fail to decode: a bad gateway too */
        free(v->called);
        v->called = strdup(c->endpoint);
    }
    return st;
}

/* The guard of every other door (ctx: the allow list itself). */
static bs_status guard_plain(void *ctx, const bs_sparql_service_call *c, char **json,
                             size_t *len, char **err)
{
    if (!bs_http_service_allowed(ctx, c->endpoint)) {
        *err = strdup(REFUSED);
        return BS_ERR_ARG;
    }
    return bs_sparql_service_http(NULL, c, json, len, err);
}

void bs_http_svc_guard(const bs_http_req *rq, bs_sparql_opts *o)
{
    o->service = guard_plain;
    o->service_ctx = (void *)rq->srv->cfg.service_allow;
}

void bs_http_svc_attach(bs_http_svc *v, const bs_http_req *rq, bs_sparql_opts *o)
{
    memset(v, 0, sizeof *v);
    v->allow = rq->srv->cfg.service_allow;
    o->service = guard;
    o->service_ctx = v;
}

void bs_http_svc_clear(bs_http_svc *v)
{
    if (!v) return;
    free(v->refused);
    free(v->called);
    v->refused = v->called = NULL;
}

/* Whether msg is the engine's error about endpoint iri ("SERVICE <iri>"). */
static bool about(const char *msg, const char *iri)
{
    size_t n = iri ? strlen(iri) : 0;
    return msg && n && strncmp(msg, "SERVICE <", 9) == 0 &&
           strncmp(msg + 9, iri, n) == 0 && msg[9 + n] == '>';
}

bool bs_http_svc_error(const bs_http_svc *v, bs_http_resp *rs, bs_status st,
                       const char *msg)
{
    if (!v) return false;
    if (v->refused && about(msg, v->refused)) {
        bs_http_text(rs, 403, "SERVICE <%s> " REFUSED, v->refused);
        return true;
    }
    if (v->called && about(msg, v->called) &&
        (st == BS_ERR_IO || st == BS_ERR_PARSE || st == BS_ERR_CORRUPT ||
         st == BS_ERR_ARG)) {
        bs_http_text(rs, 502, "%s", msg);
        return true;
    }
    return false;
}
