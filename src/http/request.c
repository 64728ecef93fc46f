/* SPDX-License-Identifier: MIT
 * battstore — request parameters (URL query string and form bodies,
 * percent-decoded by hand so bad escapes and non-UTF-8 are refused),
 * headers, and the Content-Type header. */
#include "config.h"
#include "http/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <microhttpd.h>

bool bs_http_utf8_ok(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    while (p < e) {
        unsigned c = *p++;
        size_t more;
        unsigned min;
        if (c < 0x80) continue;
        if (c >= 0xc2 && c <= 0xdf) { more = 1; min = 0x80; c &= 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { more = 2; min = 0x800; c &= 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { more = 3; min = 0x10000; c &= 0x07; }
        else return false;
        if ((size_t)(e - p) < more) return false;
        for (size_t i = 0; i < more; i++) {
            if ((p[i] & 0xc0) != 0x80) return false;
            c = (c << 6) | (p[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
        p += more;
    }
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Percent-decode s[0..len) into a new string; NULL on a bad escape,
 * bad UTF-8 (*bad set) or no memory (*bad clear). */
static char *unescape(const char *s, size_t len, bool *bad)
{
    char *out = malloc(len + 1), *o = out;
    *bad = false;
    if (!out) return NULL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') { *o++ = ' '; continue; }
        if (s[i] != '%') { *o++ = s[i]; continue; }
        int h = i + 2 < len ? hexval(s[i + 1]) : -1;
        int l = h >= 0 ? hexval(s[i + 2]) : -1;
        if (h < 0 || l < 0) { *bad = true; free(out); return NULL; }
        *o++ = (char)(h * 16 + l);
        i += 2;
    }
    *o = 0;
    if (!bs_http_utf8_ok(out, (size_t)(o - out)) || memchr(out, 0, (size_t)(o - out))) {
        *bad = true;
        free(out);
        return NULL;
    }
    return out;
}

static bs_status kvs_push(bs_http_kvs *kv, char *name, char *value)
{
    if (kv->n == kv->cap) {
        size_t cap = kv->cap ? kv->cap * 2 : 8;
        char **nn = realloc(kv->names, cap * sizeof *nn);
        if (!nn) return BS_ERR_NOMEM;
        kv->names = nn;
        char **nv = realloc(kv->values, cap * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        kv->values = nv;
        kv->cap = cap;
    }
    kv->names[kv->n] = name;
    kv->values[kv->n++] = value;
    return BS_OK;
}

bs_status bs_http_form_decode(const char *s, size_t len, bs_http_kvs *kv)
{
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && s[end] != '&') end++;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t nlen = eq ? (size_t)(eq - (s + i)) : end - i;
            bool bad;
            char *name = unescape(s + i, nlen, &bad);
            char *value = name ? (eq ? unescape(eq + 1, (size_t)(s + end - eq - 1), &bad)
                                     : strdup("")) : NULL;
            if (!value || kvs_push(kv, name, value) != BS_OK) {
                free(name);
                free(value);
                return bad ? BS_ERR_PARSE : BS_ERR_NOMEM;
            }
        }
        i = end + 1;
    }
    return BS_OK;
}

void bs_http_kvs_clear(bs_http_kvs *kv)
{
    for (size_t i = 0; i < kv->n; i++) {
        free(kv->names[i]);
        free(kv->values[i]);
    }
    free(kv->names);
    free(kv->values);
    memset(kv, 0, sizeof *kv);
}

static char *trimmed_lower(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') { s++; len -= 2; }
    char *out = strndup(s, len);
    for (char *p = out; p && *p; p++) *p = (char)tolower((unsigned char)*p);
    return out;
}

bs_status bs_http_ctype_parse(const char *header, char **type, char **charset)
{
    *type = *charset = NULL;
    if (!header) header = "";
    const char *semi = strchr(header, ';');
    *type = trimmed_lower(header, semi ? (size_t)(semi - header) : strlen(header));
    if (!*type) return BS_ERR_NOMEM;
    while (semi) {
        const char *p = semi + 1, *next = strchr(p, ';');
        size_t plen = next ? (size_t)(next - p) : strlen(p);
        const char *eq = memchr(p, '=', plen);
        if (eq) {
            char *name = trimmed_lower(p, (size_t)(eq - p));
            bool is_cs = name && strcmp(name, "charset") == 0;
            free(name);
            if (is_cs && !*charset) {
                *charset = trimmed_lower(eq + 1, (size_t)(p + plen - eq - 1));
                if (!*charset) return BS_ERR_NOMEM;
            }
        }
        semi = next;
    }
    return BS_OK;
}

bs_status bs_http_params_load(bs_http_reqstate *st)
{
    bs_status st2 = BS_OK;
    if (st->query) TRY(st2, bs_http_form_decode(st->query, strlen(st->query), &st->params));
    if (strcmp(st->rq.method, "POST") == 0 &&
        strcmp(st->rq.ctype, "application/x-www-form-urlencoded") == 0)
        TRY(st2, bs_http_form_decode(st->rq.body, st->rq.body_len, &st->params));
    return BS_OK;
fail:
    return st2;
}

void bs_http_params_free(bs_http_reqstate *st)
{
    bs_http_kvs_clear(&st->params);
    for (size_t i = 0; i < st->nscratch; i++) free(st->scratch[i]);
    free(st->scratch);
    st->scratch = NULL;
    st->nscratch = 0;
}

const char *bs_http_param(const bs_http_req *rq, const char *name)
{
    const bs_http_kvs *kv = &((const bs_http_reqstate *)rq)->params;
    for (size_t i = 0; i < kv->n; i++)
        if (strcmp(kv->names[i], name) == 0) return kv->values[i];
    return NULL;
}

size_t bs_http_params(const bs_http_req *rq, const char *name,
                      const char *const **vals)
{
    bs_http_reqstate *st = (bs_http_reqstate *)rq;
    size_t n = 0;
    *vals = NULL;
    for (size_t i = 0; i < st->params.n; i++) n += strcmp(st->params.names[i], name) == 0;
    if (!n) return 0;
    const char **arr = malloc(n * sizeof *arr);
    void **sc = arr ? realloc(st->scratch, (st->nscratch + 1) * sizeof *sc) : NULL;
    if (!sc) { free(arr); return 0; }
    st->scratch = sc;
    st->scratch[st->nscratch++] = arr;
    n = 0;
    for (size_t i = 0; i < st->params.n; i++)
        if (strcmp(st->params.names[i], name) == 0) arr[n++] = st->params.values[i];
    *vals = arr;
    return n;
}

bool bs_http_has_param(const bs_http_req *rq, const char *name)
{
    const bs_http_kvs *kv = &((const bs_http_reqstate *)rq)->params;
    for (size_t i = 0; i < kv->n; i++)
        if (strcmp(kv->names[i], name) == 0) return true;
    return false;
}

const char *bs_http_header(const bs_http_req *rq, const char *name)
{
    if (!rq->conn) return NULL;
    return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}
