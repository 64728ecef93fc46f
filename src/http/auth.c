/* SPDX-License-Identifier: MIT
 * battstore — tokens, roles, and what each role may see. */
#include "config.h"
#include "http/access.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One token of the file.  Tokens are kept in file order; the role is
 * looked up by comparing the offered token with every one of them in
 * time that does not depend on where (or whether) they first differ. */
typedef struct {
    char *tok;
    size_t len;
    bs_role role;
    long line;
} token;

struct bs_http_tokens {
    token *v;
    size_t n, cap;
};

static const struct {
    const char *name;
    bs_role role;
} roles[] = {
    {"reader:restricted", BS_ROLE_RESTRICTED},
    {"reader:confidential", BS_ROLE_CONFIDENTIAL},
    {"writer", BS_ROLE_WRITER},
};

const char *bs_http_role_name(bs_role r)
{
    switch (r) {
    case BS_ROLE_ANONYMOUS: return "anonymous";
    case BS_ROLE_RESTRICTED: return "reader:restricted";
    case BS_ROLE_CONFIDENTIAL: return "reader:confidential";
    case BS_ROLE_WRITER: return "writer";
    }
    return "?";
}

void bs_http_tokens_free(bs_http_tokens *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) {
        /* a token is a secret: do not leave it in freed memory */
        explicit_bzero(t->v[i].tok, t->v[i].len);
        free(t->v[i].tok);
    }
    free(t->v);
    free(t);
}

size_t bs_http_tokens_count(const bs_http_tokens *t)
{
    return t ? t->n : 0;
}

/* ---- loading the file ------------------------------------------------- */

static bs_status line_error(char **err, const char *path, long line,
                            const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static bs_status line_error(char **err, const char *path, long line,
                            const char *fmt, ...)
{
    if (!err) return BS_ERR_PARSE;
    char *what = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&what, fmt, ap) < 0) what = NULL;
    va_end(ap);
    if (!what || asprintf(err, "%s:%ld: %s", path, line, what) < 0) *err = NULL;
    free(what);
    return BS_ERR_PARSE;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Split s at blanks into at most max fields (NUL-terminating each in
 * place); '#' at the start of a field begins a comment.  Returns the
 * number of fields found, max + 1 when there are more. */
static size_t split(char *s, char **fields, size_t max)
{
    size_t n = 0;
    for (;;) {
        while (is_space(*s)) s++;
        if (!*s || *s == '#') return n;
        if (n == max) return max + 1;
        fields[n++] = s;
        while (*s && !is_space(*s)) s++;
        if (!*s) return n;
        *s++ = '\0';
    }
}

static bool token_chars_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x21 || (unsigned char)*s > 0x7e) return false;
    return true;
}

static bs_status add_token(bs_http_tokens *t, const char *tok, bs_role role, long line)
{
    if (t->n == t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 8;
        token *nv = realloc(t->v, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        t->v = nv;
        t->cap = nc;
    }
    token *k = &t->v[t->n];
    if (!(k->tok = strdup(tok))) return BS_ERR_NOMEM;
    k->len = strlen(tok);
    k->role = role;
    k->line = line;
    t->n++;
    return BS_OK;
}

/* One line of the file (already without its newline). */
static bs_status parse_line(bs_http_tokens *t, char *s, const char *path,
                            long line, char **err)
{
    char *f[2];
    size_t n = split(s, f, 2);
    if (n == 0) return BS_OK;
    if (n == 1) return line_error(err, path, line, "a token needs a role after it");
    if (n > 2) return line_error(err, path, line, "expected 'TOKEN ROLE', found more fields");
    if (!token_chars_ok(f[0]))
        return line_error(err, path, line, "a token is printable ASCII without blanks");
    size_t r = 0;
    while (r < sizeof roles / sizeof roles[0] && strcmp(f[1], roles[r].name) != 0) r++;
    if (r == sizeof roles / sizeof roles[0])
        return line_error(err, path, line,
                          "unknown role '%s' (reader:restricted, reader:confidential "
                          "or writer)", f[1]);
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].tok, f[0]) == 0)
            return line_error(err, path, line, "duplicate token (first on line %ld)",
                              t->v[i].line);
    return add_token(t, f[0], roles[r].role, line);
}

bs_status bs_http_tokens_load(const char *path, bs_http_tokens **out, char **err)
{
    bs_status st = BS_OK;
    char *buf = NULL;
    size_t cap = 0;
    long line = 0;
    *out = NULL;
    if (err) *err = NULL;
    bs_http_tokens *t = calloc(1, sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    FILE *in = fopen(path, "r");
    if (!in) {
        if (err && asprintf(err, "%s: %s", path, strerror(errno)) < 0) *err = NULL;
        st = BS_ERR_IO;
        goto fail;
    }
    ssize_t got;
    while ((got = getline(&buf, &cap, in)) >= 0) {
        line++;
        if (memchr(buf, '\0', (size_t)got)) {
            st = line_error(err, path, line, "NUL byte in the line");
            goto fail;
        }
        TRY(st, parse_line(t, buf, path, line, err));
    }
    if (ferror(in)) {
        if (err && asprintf(err, "%s: read error", path) < 0) *err = NULL;
        st = BS_ERR_IO;
        goto fail;
    }
    *out = t;
    t = NULL;
fail:
    if (buf) explicit_bzero(buf, cap);
    free(buf);
    if (in) fclose(in);
    bs_http_tokens_free(t);
    return st;
}

/* ---- the Authorization header ----------------------------------------- */

static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bs_status bs_http_base64_decode(const char *s, size_t len, char **out, size_t *outlen)
{
    *out = NULL;
    while (len && s[len - 1] == '=') len--; /* padding is optional */
    if (len % 4 == 1) return BS_ERR_PARSE;
    char *d = malloc(len / 4 * 3 + 3);
    if (!d) return BS_ERR_NOMEM;
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64_value((unsigned char)s[i]);
        if (v < 0) {
            free(d);
            return BS_ERR_PARSE;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            d[n++] = (char)((acc >> bits) & 0xFF);
        }
    }
    /* the bits left over must be zero (a canonical encoding) */
    if (acc & ((1u << bits) - 1)) {
        free(d);
        return BS_ERR_PARSE;
    }
    d[n] = '\0';
    *out = d;
    *outlen = n;
    return BS_OK;
}

/* The role of token s[0..len), comparing it with every known token in
 * time independent of their contents; BS_ERR_ARG when unknown. */
static bs_status find_token(const bs_http_tokens *t, const char *s, size_t len,
                            bs_role *out)
{
    unsigned found = 0;
    int role = 0;
    for (size_t i = 0; t && i < t->n; i++) {
        const token *k = &t->v[i];
        unsigned diff = (unsigned)(k->len != len);
        for (size_t j = 0; j < k->len; j++)
            diff |= (unsigned char)k->tok[j] ^ (unsigned char)(j < len ? s[j] : 0);
        unsigned hit = (unsigned)((diff | (0u - diff)) >> (sizeof diff * 8 - 1)) ^ 1u;
        role |= (int)(hit * (unsigned)k->role); /* tokens are unique: one hit at most */
        found |= hit;
    }
    if (!found || len == 0) return BS_ERR_ARG;
    *out = (bs_role)role;
    return BS_OK;
}

/* The scheme word of the header: "Bearer " / "Basic " (any case), then
 * blanks; *rest is what follows, trimmed at the end into *len. */
static bool scheme(const char *h, const char *name, const char **rest, size_t *len)
{
    size_t n = strlen(name);
    if (strncasecmp(h, name, n) != 0 || (h[n] != ' ' && h[n] != '\t')) return false;
    h += n;
    while (*h == ' ' || *h == '\t') h++;
    size_t l = strlen(h);
    while (l && is_space(h[l - 1])) l--;
    *rest = h;
    *len = l;
    return true;
}

bs_status bs_http_role(const bs_http_tokens *t, const char *authorization,
                       bs_role *out)
{
    const char *rest;
    size_t len;
    *out = BS_ROLE_ANONYMOUS;
    if (!authorization) return BS_OK;
    while (*authorization == ' ' || *authorization == '\t') authorization++;
    if (scheme(authorization, "Bearer", &rest, &len)) {
        if (memchr(rest, ' ', len) || memchr(rest, '\t', len)) return BS_ERR_ARG;
        return find_token(t, rest, len, out);
    }
    if (!scheme(authorization, "Basic", &rest, &len)) return BS_ERR_ARG;
    char *dec = NULL;
    size_t dlen = 0;
    if (bs_http_base64_decode(rest, len, &dec, &dlen) != BS_OK) return BS_ERR_ARG;
    bs_status st = BS_ERR_ARG;
    char *colon = memchr(dec, ':', dlen);
    if (colon && !memchr(dec, '\0', dlen))
        st = find_token(t, colon + 1, dlen - (size_t)(colon + 1 - dec), out);
    explicit_bzero(dec, dlen);
    free(dec);
    return st;
}

/* ---- what a role may see ---------------------------------------------- */

bool bs_http_visible(void *role_ptr, bs_id graph, bs_access level)
{
    (void)graph;
    bs_role r = *(const bs_role *)role_ptr;
    switch (level) {
    case BS_ACCESS_PUBLIC: return true;
    case BS_ACCESS_RESTRICTED: return r >= BS_ROLE_RESTRICTED;
    case BS_ACCESS_CONFIDENTIAL: return r >= BS_ROLE_CONFIDENTIAL;
    }
    return r >= BS_ROLE_CONFIDENTIAL; /* a level this build does not know */
}

bs_status bs_http_need_writer(bs_http_req *rq, bs_http_resp *rs)
{
    if (rq->role == BS_ROLE_WRITER) return BS_OK;
    if (rq->role == BS_ROLE_ANONYMOUS) {
        bs_http_text(rs, 401, "this needs the writer role: send Authorization: "
                              "Bearer TOKEN");
        /* without the header the 401 still says what is wrong */
        (void)bs_http_add_header(rs, "WWW-Authenticate", "Bearer realm=\"battstore\"");
        return BS_ERR_ARG;
    }
    bs_http_text(rs, 403, "this needs the writer role; your token is %s",
                 bs_http_role_name(rq->role));
    return BS_ERR_ARG;
}
