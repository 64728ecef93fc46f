/* SPDX-License-Identifier: MIT
 * battstore — the HTTP core's private parts: per-request state and the pure
 * parsing functions (form decoding, Content-Type) the unit tests call. */
#ifndef BS_HTTP_CORE_H
#define BS_HTTP_CORE_H

#include <stdint.h>
#include <time.h>
#include "http/http_int.h"

/** A list of decoded name=value pairs, in the order they came. */
typedef struct {
    char **names, **values; ///< owned strings
    size_t n, cap;
} bs_http_kvs;

/** Decode application/x-www-form-urlencoded text s[0..len) ("a=1&b=x+y",
 *  also a URL's query string) and append its pairs to kv: '+' is a
 *  space, %XX a byte; a field without '=' has the value "".  An invalid
 *  %-escape or a result that is not UTF-8 → BS_ERR_PARSE (kv may hold
 *  the pairs decoded before). */
bs_status bs_http_form_decode(const char *s, size_t len, bs_http_kvs *kv);
/// Free the strings and arrays of kv (not kv itself); kv is left empty.
void bs_http_kvs_clear(bs_http_kvs *kv);

/** Split a Content-Type header into the media type (lower case, no
 *  parameters, trimmed) and the charset parameter (lower case, quotes
 *  removed, NULL when absent).  NULL header → type "".  Caller frees
 *  both with free(). */
bs_status bs_http_ctype_parse(const char *header, char **type, char **charset);

/// Whether s[0..len) is well-formed UTF-8.
bool bs_http_utf8_ok(const char *s, size_t len);

/** Everything the server keeps about one request: the handlers' view
 *  (rq, first so that a bs_http_req * converts back) and the rest. */
typedef struct bs_http_reqstate {
    bs_http_req rq;
    char *query;              ///< raw query string of the URL (owned), or NULL
    char *ctype_buf, *charset_buf;
    size_t body_cap;
    bool started, too_large, params_bad;
    bs_http_kvs params;       ///< URL arguments, then form fields
    void **scratch;           ///< arrays handed out by bs_http_params()
    size_t nscratch;
    struct timespec t0;
    unsigned status;          ///< for the access log
    uint64_t bytes;           ///< body bytes sent
    struct bs_http_reqstate *prev, *next; ///< in-flight list of the server
    atomic_int refs;          ///< the connection, and a streamed body's reader
} bs_http_reqstate;

/** Decode the parameters of a request (its URL query string and, for a
 *  form POST, its body) into st->params.  BS_ERR_PARSE on bad escapes
 *  or non-UTF-8. */
bs_status bs_http_params_load(bs_http_reqstate *st);
/// Free what bs_http_params_load() and bs_http_params() allocated.
void bs_http_params_free(bs_http_reqstate *st);

#endif
