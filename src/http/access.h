/* SPDX-License-Identifier: MIT
 * battstore — access control helpers shared by auth.c, gsp.c and graphs.c
 * (beyond the contract in http_int.h). */
#ifndef BS_HTTP_ACCESS_H
#define BS_HTTP_ACCESS_H

#include "http/http_int.h"

/// Name of a role as the tokens file spells it ("anonymous" for none); static.
const char *bs_http_role_name(bs_role r);

/// Number of tokens loaded (0 for NULL).
size_t bs_http_tokens_count(const bs_http_tokens *t);

/** Decode base64 s[0..len) (standard alphabet, '=' padding optional,
 *  non-zero spare bits refused).  *out is NUL-terminated and malloc'ed:
 *  caller frees with free().  BS_ERR_PARSE when malformed. */
bs_status bs_http_base64_decode(const char *s, size_t len, char **out, size_t *outlen);

/** BS_OK when the request has the writer role; otherwise sets a 401
 *  (anonymous, with WWW-Authenticate) or 403 response and returns
 *  BS_ERR_ARG. */
bs_status bs_http_need_writer(bs_http_req *rq, bs_http_resp *rs);

/** What the caller may know about the graph named iri ("" or NULL = the
 *  default graph), in txn: BS_OK with *info filled, or BS_NOT_FOUND
 *  both when it does not exist and when the caller may not see it (the
 *  two are never told apart). */
bs_status bs_http_graph_lookup(bs_txn *txn, const bs_http_req *rq, const char *iri,
                               bs_graph_info *info);

/** One part of a multipart/form-data body (views into the body). */
typedef struct {
    const char *data;
    size_t len;
    const char *ctype;    ///< media type, lower case, no parameters; NULL when none
    const char *filename; ///< filename of Content-Disposition, or NULL
} bs_http_part;

/** Split a multipart/form-data body (content_type: the whole header,
 *  with its boundary parameter) and call fn with each part in order; a
 *  failure of fn stops and is returned.  BS_ERR_PARSE for a body or
 *  header that is not well formed.  The views are valid for the call. */
bs_status bs_http_multipart(const char *body, size_t len, const char *content_type,
                            bs_status (*fn)(void *ctx, const bs_http_part *p),
                            void *ctx);

/** Parse an access level name (public, restricted, confidential). */
bool bs_http_access_parse(const char *s, bs_access *out);
/// Name of an access level (static).
const char *bs_http_access_name(bs_access a);

#endif
