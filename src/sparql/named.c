/* SPDX-License-Identifier: MIT
 * battstore — named queries: NAME.rq files with a '#' header (title,
 * description, parameters) and $NAME parameters bound as string literals
 * by a small scanner that leaves strings, IRIs and comments alone. */
#include "config.h"
#include "sparql/sparql.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool bs_named_name_ok(const char *name)
{
    if (!name || !*name || strlen(name) > 200) return false;
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') return false;
    return true;
}

void bs_named_free(bs_named_query *q)
{
    if (!q) return;
    for (size_t i = 0; i < q->nparams; i++) {
        free(q->params[i].name);
        free(q->params[i].def);
        free(q->params[i].description);
    }
    free(q->params);
    free(q->name);
    free(q->title);
    free(q->description);
    free(q->text);
    free(q);
}

static char *trim_dup(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s)) { s++; len--; }
    while (len && isspace((unsigned char)s[len - 1])) len--;
    return strndup(s, len);
}

/* Append " " + piece (trimmed) to *acc. */
static bs_status append_text(char **acc, const char *piece, size_t len)
{
    char *t = trim_dup(piece, len);
    if (!t) return BS_ERR_NOMEM;
    if (!*t) { free(t); return BS_OK; }
    char *n = NULL;
    if (asprintf(&n, "%s%s%s", *acc, **acc ? " " : "", t) < 0) n = NULL;
    free(t);
    if (!n) return BS_ERR_NOMEM;
    free(*acc);
    *acc = n;
    return BS_OK;
}

static bool is_name_char(unsigned char c) { return isalnum(c) || c == '_' || c >= 0x80; }

/* "NAME = DEFAULT — what" (or "--"): add a parameter to q. */
static bs_status parse_param(bs_named_query *q, const char *s, size_t len)
{
    const char *e = s + len, *p = s;
    while (p < e && isspace((unsigned char)*p)) p++;
    if (p < e && (*p == '$' || *p == '?')) p++;
    const char *n0 = p;
    while (p < e && is_name_char((unsigned char)*p)) p++;
    if (p == n0) return BS_ERR_PARSE;
    bs_named_param pr = {strndup(n0, (size_t)(p - n0)), NULL, NULL};
    while (p < e && isspace((unsigned char)*p)) p++;
    const char *dash = NULL, *after = e;
    for (const char *d = p; d < e; d++) {
        if (e - d >= 3 && memcmp(d, "\xe2\x80\x94", 3) == 0) { dash = d; after = d + 3; break; }
        if (e - d >= 2 && memcmp(d, "--", 2) == 0) { dash = d; after = d + 2; break; }
    }
    const char *vend = dash ? dash : e;
    if (p < vend && *p == '=') pr.def = trim_dup(p + 1, (size_t)(vend - p - 1));
    else if (p < vend) { free(pr.name); return BS_ERR_PARSE; }
    pr.description = dash ? trim_dup(after, (size_t)(e - after)) : strdup("");
    bs_named_param *np = realloc(q->params, (q->nparams + 1) * sizeof *np);
    if (!pr.name || !pr.description || !np) {
        free(pr.name); free(pr.def); free(pr.description);
        if (np) q->params = np;
        return BS_ERR_NOMEM;
    }
    q->params = np;
    q->params[q->nparams++] = pr;
    return BS_OK;
}

/* Whether line (after '#') starts with "key:"; *rest is what follows. */
static bool keyed(const char *line, size_t len, const char *key, const char **rest)
{
    while (len && isspace((unsigned char)*line)) { line++; len--; }
    size_t kl = strlen(key);
    if (len <= kl || strncasecmp(line, key, kl) != 0 || line[kl] != ':') return false;
    *rest = line + kl + 1;
    return true;
}

/* One header line (the text after '#'); *in_desc tracks continuation. */
static bs_status header_line(bs_named_query *q, const char *l, size_t len, bool *in_desc)
{
    const char *rest;
    if (keyed(l, len, "title", &rest)) {
        *in_desc = false;
        free(q->title);
        q->title = trim_dup(rest, (size_t)(l + len - rest));
        return q->title ? BS_OK : BS_ERR_NOMEM;
    }
    if (keyed(l, len, "description", &rest)) {
        *in_desc = true;
        return append_text(&q->description, rest, (size_t)(l + len - rest));
    }
    if (keyed(l, len, "param", &rest)) {
        *in_desc = false;
        return parse_param(q, rest, (size_t)(l + len - rest));
    }
    char *t = trim_dup(l, len);
    bool blank = t && !*t;
    free(t);
    if (blank) *in_desc = false;
    else if (*in_desc) return append_text(&q->description, l, len);
    return BS_OK;
}

bs_status bs_named_parse(const char *name, const char *text, size_t len,
                         bs_named_query **out, char **err)
{
    bs_status st = BS_ERR_NOMEM;
    bs_named_query *q = calloc(1, sizeof *q);
    *out = NULL;
    if (err) *err = NULL;
    if (!q || !(q->name = strdup(name)) || !(q->title = strdup("")) ||
        !(q->description = strdup("")) || !(q->text = strndup(text, len)))
        goto fail;
    q->len = strlen(q->text);
    bool in_desc = false;
    unsigned lineno = 0;
    for (const char *p = q->text; *p;) {
        const char *nl = strchr(p, '\n'), *e = nl ? nl : p + strlen(p);
        lineno++;
        const char *h = p;
        while (h < e && (*h == ' ' || *h == '\t' || *h == '\r')) h++;
        if (h < e && *h != '#') break; /* the header ends at the query */
        if (h < e) {
            size_t l = (size_t)(e - h - 1);
            while (l && h[l] == '\r') l--;
            st = header_line(q, h + 1, l, &in_desc);
            if (st == BS_ERR_PARSE && err &&
                asprintf(err, "%s.rq:%u: a parameter line reads '# param: NAME = DEFAULT "
                         "-- what it is'", name, lineno) < 0)
                *err = NULL;
            if (st != BS_OK) goto fail;
        } else {
            in_desc = false;
        }
        p = nl ? nl + 1 : e;
    }
    *out = q;
    return BS_OK;
fail:
    bs_named_free(q);
    return st;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            char *b = realloc(buf, cap = cap ? cap * 2 : 8192);
            if (!b) { free(buf); buf = NULL; break; }
            buf = b;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    if (buf && ferror(f)) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) buf[n] = 0;
    *len = n;
    return buf;
}

bs_status bs_named_load(const char *dir, const char *name, bs_named_query **out,
                        char **err)
{
    *out = NULL;
    if (err) *err = NULL;
    if (!bs_named_name_ok(name)) return BS_NOT_FOUND;
    char *path = NULL;
    if (asprintf(&path, "%s/%s.rq", dir, name) < 0) return BS_ERR_NOMEM;
    size_t len = 0;
    char *text = slurp(path, &len);
    int e = errno;
    free(path);
    if (!text) return e == ENOENT || e == ENOTDIR || e == EISDIR ? BS_NOT_FOUND : BS_ERR_IO;
    bs_status st = bs_named_parse(name, text, len, out, err);
    free(text);
    return st;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(bs_named_query *const *)a)->name, (*(bs_named_query *const *)b)->name);
}

bs_status bs_named_list(const char *dir, bs_named_query ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d) return errno == ENOENT || errno == ENOTDIR ? BS_OK : BS_ERR_IO;
    bs_status st = BS_OK;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l <= 3 || strcmp(de->d_name + l - 3, ".rq") != 0) continue;
        char *name = strndup(de->d_name, l - 3);
        bs_named_query *q = NULL;
        if (!name) { st = BS_ERR_NOMEM; break; }
        if (bs_named_name_ok(name) && bs_named_load(dir, name, &q, NULL) == BS_OK) {
            bs_named_query **a = realloc(*out, (*n + 1) * sizeof *a);
            if (!a) { bs_named_free(q); free(name); st = BS_ERR_NOMEM; break; }
            *out = a;
            a[(*n)++] = q;
        }
        free(name);
    }
    closedir(d);
    if (st != BS_OK) {
        bs_named_list_free(*out, *n);
        *out = NULL;
        *n = 0;
        return st;
    }
    if (*n) qsort(*out, *n, sizeof **out, by_name);
    return BS_OK;
}

void bs_named_list_free(bs_named_query **list, size_t n)
{
    for (size_t i = 0; i < n; i++) bs_named_free(list[i]);
    free(list);
}

/* ---- binding ------------------------------------------------------------ */

typedef struct {
    char *buf;
    size_t len, cap;
    bool oom;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *nb = realloc(b->buf, cap);
        if (!nb) { b->oom = true; return; }
        b->buf = nb;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

/// Value as a SPARQL string literal: "..." with escapes.
static void put_literal(sbuf *b, const char *v)
{
    put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': put(b, "\\\"", 2); break;
        case '\\': put(b, "\\\\", 2); break;
        case '\n': put(b, "\\n", 2); break;
        case '\r': put(b, "\\r", 2); break;
        case '\t': put(b, "\\t", 2); break;
        default:
            if (*p < 0x20) {
                snprintf(esc, sizeof esc, "\\u%04X", *p);
                put(b, esc, 6);
            } else {
                put(b, (const char *)p, 1);
            }
        }
    }
    put(b, "\"", 1);
}

/* Length of the token at p that the scanner copies unchanged: a string,
 * an IRI or a comment; 0 when p starts none of them. */
static size_t skip_len(const char *p)
{
    const char *s = p;
    if (*p == '#') {
        while (*s && *s != '\n') s++;
        return (size_t)(s - p);
    }
    if (*p == '<') {
        for (s = p + 1; *s && *s != '>'; s++)
            if ((unsigned char)*s <= 0x20 || strchr("<\"{}|^`\\", *s)) return 0;
        return *s == '>' ? (size_t)(s - p + 1) : 0;
    }
    if (*p == '"' || *p == '\'') {
        char q = *p;
        bool longq = p[1] == q && p[2] == q;
        s = p + (longq ? 3 : 1);
        while (*s) {
            if (*s == '\\' && s[1]) { s += 2; continue; }
            if (longq && s[0] == q && s[1] == q && s[2] == q) return (size_t)(s + 3 - p);
            if (!longq && (*s == q || *s == '\n')) return (size_t)(s + 1 - p);
            s++;
        }
        return (size_t)(s - p);
    }
    return 0;
}

static const bs_named_param *find_param(const bs_named_query *q, const char *name, size_t len)
{
    for (size_t i = 0; i < q->nparams; i++)
        if (strlen(q->params[i].name) == len && memcmp(q->params[i].name, name, len) == 0)
            return &q->params[i];
    return NULL;
}

/* The value of parameter p: the caller's, else the default, else NULL. */
static const char *value_of(const bs_named_param *p, const char *const *names,
                            const char *const *values, size_t n)
{
    for (size_t i = n; i-- > 0;)
        if (strcmp(names[i], p->name) == 0) return values[i];
    return p->def;
}

static bs_status bind_err(char **err, const char *fmt, const char *what)
{
    if (err && asprintf(err, fmt, what) < 0) *err = NULL;
    return BS_ERR_ARG;
}

bs_status bs_named_bind(const bs_named_query *q, const char *const *names,
                        const char *const *values, size_t n, char **text,
                        size_t *len, char **err)
{
    *text = NULL;
    if (err) *err = NULL;
    for (size_t i = 0; i < n; i++)
        if (!find_param(q, names[i], strlen(names[i])))
            return bind_err(err, "unknown parameter '%s'", names[i]);
    for (size_t i = 0; i < q->nparams; i++)
        if (!value_of(&q->params[i], names, values, n))
            return bind_err(err, "parameter '%s' has no default: give a value",
                            q->params[i].name);
    sbuf b = {0};
    const char *p = q->text;
    while (*p) {
        size_t k = skip_len(p);
        if (k) { put(&b, p, k); p += k; continue; }
        if ((*p == '$' || *p == '?') && is_name_char((unsigned char)p[1])) {
            const char *e = p + 1;
            while (is_name_char((unsigned char)*e)) e++;
            const bs_named_param *pr = *p == '$' ? find_param(q, p + 1, (size_t)(e - p - 1)) : NULL;
            if (pr) put_literal(&b, value_of(pr, names, values, n));
            else put(&b, p, (size_t)(e - p));
            p = e;
            continue;
        }
        put(&b, p, 1);
        p++;
    }
    if (b.oom || !b.buf) {
        free(b.buf);
        if (!b.oom) { *text = strdup(""); *len = 0; return *text ? BS_OK : BS_ERR_NOMEM; }
        return BS_ERR_NOMEM;
    }
    *text = b.buf;
    *len = b.len;
    return BS_OK;
}
