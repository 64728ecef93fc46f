/* SPDX-License-Identifier: MIT
 * battstore — SERVICE: the built-in HTTP client (libcurl) that sends a
 * query to a remote SPARQL endpoint (SPARQL 1.1 Protocol, POST
 * application/sparql-query) and returns its JSON results. */
#include "config.h"
#include "sparql/sparql.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_REDIRECTS 3L
/// With no deadline: give up on a transfer slower than 1 byte/s for this long.
#define STALL_SECONDS 300L

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static CURLcode init_rc = CURLE_FAILED_INIT;

static void global_init(void) { init_rc = curl_global_init(CURL_GLOBAL_DEFAULT); }

/* The answer being received, bounded. */
typedef struct {
    char *buf;
    size_t len, cap, max;
    bool over;
    volatile int *cancel;
} sink;

static size_t on_data(char *p, size_t size, size_t nmemb, void *ud)
{
    sink *s = ud;
    size_t n = size * nmemb;
    if (s->max && (n > s->max || s->len > s->max - n)) {
        s->over = true;
        return 0; /* aborts the transfer: CURLE_WRITE_ERROR */
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 16384;
        while (cap < s->len + n + 1) cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b) return 0;
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, p, n);
    s->len += n;
    s->buf[s->len] = 0;
    return n;
}

static int on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
                       curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal; (void)dlnow; (void)ultotal; (void)ulnow;
    const sink *s = ud;
    return s->cancel && *s->cancel; /* non-zero aborts */
}

static bool scheme_ok(const char *iri)
{
    return !strncasecmp(iri, "http://", 7) || !strncasecmp(iri, "https://", 8);
}

static bs_status fail_msg(char **err, bs_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bs_status fail_msg(char **err, bs_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && !*err && vasprintf(err, fmt, ap) < 0) *err = NULL;
    va_end(ap);
    return st;
}

/* Options of one call (the handle is fresh per call). */
static CURLcode set_options(CURL *h, const bs_sparql_service_call *c,
                            struct curl_slist *hdr, sink *s, char *errbuf)
{
    CURLcode rc = CURLE_OK;
#define OPT(o, v) if (rc == CURLE_OK) rc = curl_easy_setopt(h, o, v)
    OPT(CURLOPT_URL, c->endpoint);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: the string forms */
    OPT(CURLOPT_PROTOCOLS_STR, "http,https");
    OPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
    OPT(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
    OPT(CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    OPT(CURLOPT_NOSIGNAL, 1L);
    OPT(CURLOPT_FOLLOWLOCATION, 1L);
    OPT(CURLOPT_MAXREDIRS, MAX_REDIRECTS);
    OPT(CURLOPT_POSTREDIR, (long)(CURL_REDIR_POST_301 | CURL_REDIR_POST_302));
    OPT(CURLOPT_POSTFIELDS, c->query);
    OPT(CURLOPT_POSTFIELDSIZE, (long)strlen(c->query));
    OPT(CURLOPT_HTTPHEADER, hdr);
    OPT(CURLOPT_USERAGENT, "battstore/" PACKAGE_VERSION);
    OPT(CURLOPT_ACCEPT_ENCODING, ""); /* gzip etc.; the cap counts decoded bytes */
    OPT(CURLOPT_WRITEFUNCTION, on_data);
    OPT(CURLOPT_WRITEDATA, s);
    OPT(CURLOPT_XFERINFOFUNCTION, on_progress);
    OPT(CURLOPT_XFERINFODATA, s);
    OPT(CURLOPT_NOPROGRESS, 0L);
    OPT(CURLOPT_ERRORBUFFER, errbuf);
    if (c->timeout > 0) {
        long ms = (long)(c->timeout * 1000.0 + 0.999); /* not before the deadline */
        OPT(CURLOPT_TIMEOUT_MS, ms > 0 ? ms : 1L);
    } else {
        OPT(CURLOPT_LOW_SPEED_LIMIT, 1L);
        OPT(CURLOPT_LOW_SPEED_TIME, STALL_SECONDS);
    }
#undef OPT
    return rc;
}

/* The status and message of a failed transfer. */
static bs_status transfer_error(CURLcode rc, const bs_sparql_service_call *c,
                                const sink *s, const char *errbuf, char **err)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        if (c->timeout > 0)
            return fail_msg(err, BS_ERR_TIMEOUT, "no answer within the query's time limit (%.3g s left)",
                            c->timeout);
        return fail_msg(err, BS_ERR_TIMEOUT, "the transfer stalled");
    case CURLE_ABORTED_BY_CALLBACK:
        return fail_msg(err, BS_ERR_TIMEOUT, "the query was cancelled");
    case CURLE_WRITE_ERROR:
        if (s->over)
            return fail_msg(err, BS_ERR_LIMIT, "the answer is larger than %zu bytes", s->max);
        return fail_msg(err, BS_ERR_NOMEM, "out of memory");
    case CURLE_UNSUPPORTED_PROTOCOL:
        return fail_msg(err, BS_ERR_ARG, "only http: and https: endpoints are called");
    default:
        return fail_msg(err, BS_ERR_IO, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
    }
}

/* A 2xx answer in a JSON media type (or none said). */
static bs_status check_answer(CURL *h, char **err)
{
    long code = 0;
    char *type = NULL;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    if (code < 200 || code > 299) return fail_msg(err, BS_ERR_IO, "HTTP %ld", code);
    if (type && !strstr(type, "json")) {
        size_t n = strcspn(type, ";");
        return fail_msg(err, BS_ERR_IO, "the answer is %.*s, not SPARQL JSON results",
                        (int)(n < 100 ? n : 100), type);
    }
    return BS_OK;
}

bs_status bs_sparql_service_http(void *ctx, const bs_sparql_service_call *c,
                                 char **json, size_t *len, char **err)
{
    (void)ctx;
    sink s = {.max = c->max_bytes, .cancel = c->cancel};
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *hdr = NULL, *h2;
    CURL *h = NULL;
    bs_status st = BS_OK;
    *json = NULL;
    *len = 0;
    if (!scheme_ok(c->endpoint))
        return fail_msg(err, BS_ERR_ARG, "only http: and https: endpoints are called");
    pthread_once(&init_once, global_init);
    if (init_rc != CURLE_OK) return fail_msg(err, BS_ERR_IO, "libcurl did not start");
    if (!(h = curl_easy_init())) TRY(st, BS_ERR_NOMEM);
    if (!(h2 = curl_slist_append(hdr, "Content-Type: application/sparql-query"))) TRY(st, BS_ERR_NOMEM);
    hdr = h2;
    if (!(h2 = curl_slist_append(hdr, "Accept: application/sparql-results+json"))) TRY(st, BS_ERR_NOMEM);
    hdr = h2;
    /* no "Expect: 100-continue" round trip for larger queries */
    if (!(h2 = curl_slist_append(hdr, "Expect:"))) TRY(st, BS_ERR_NOMEM);
    hdr = h2;
    CURLcode rc = set_options(h, c, hdr, &s, errbuf);
    if (rc == CURLE_OK) rc = curl_easy_perform(h);
    if (rc != CURLE_OK) TRY(st, transfer_error(rc, c, &s, errbuf, err));
    TRY(st, check_answer(h, err));
    *json = s.buf ? s.buf : calloc(1, 1);
    *len = s.len;
    s.buf = NULL;
    if (!*json) st = BS_ERR_NOMEM;
fail:
    free(s.buf);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(h);
    return st;
}
