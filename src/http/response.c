/* SPDX-License-Identifier: MIT
 * battstore — building responses; the status code of a bs_status. */
#include "config.h"
#include "http/core.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bs_status bs_http_text(bs_http_resp *rs, unsigned status, const char *fmt, ...)
{
    va_list ap;
    char *msg = NULL;
    va_start(ap, fmt);
    int n = vasprintf(&msg, fmt, ap);
    va_end(ap);
    if (n < 0) return BS_ERR_NOMEM;
    /* one line: newlines inside the message become spaces */
    for (char *p = msg; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    char *body = realloc(msg, (size_t)n + 2);
    if (!body) { free(msg); return BS_ERR_NOMEM; }
    body[n] = '\n';
    body[n + 1] = 0;
    bs_http_body(rs, status, "text/plain; charset=utf-8", body, (size_t)n + 1);
    return BS_OK;
}

void bs_http_body(bs_http_resp *rs, unsigned status, const char *ctype,
                  char *buf, size_t len)
{
    if (rs->body && rs->body != buf) free(rs->body);
    if (rs->pull_free) rs->pull_free(rs->pull_ctx);
    rs->pull = NULL;
    rs->pull_ctx = NULL;
    rs->pull_free = NULL;
    rs->status = status;
    rs->ctype = ctype;
    rs->body = buf;
    rs->len = len;
}

bs_status bs_http_add_header(bs_http_resp *rs, const char *name, const char *value)
{
    size_t i = 0, max = sizeof rs->headers / sizeof rs->headers[0];
    while (i < max && rs->headers[i][0]) i++;
    if (i + 1 >= max) return BS_ERR_LIMIT; /* keep the last slot as terminator */
    char *n = strdup(name), *v = strdup(value);
    if (!n || !v) { free(n); free(v); return BS_ERR_NOMEM; }
    rs->headers[i][0] = n;
    rs->headers[i][1] = v;
    return BS_OK;
}

unsigned bs_http_status_of(bs_status st)
{
    switch (st) {
    case BS_OK: case BS_END: return 200;
    case BS_ERR_PARSE: case BS_ERR_ARG: return 400;
    case BS_NOT_FOUND: return 404;
    case BS_ERR_LIMIT: return 413;
    case BS_ERR_TIMEOUT: case BS_ERR_BUSY: return 503;
    default: return 500;
    }
}
