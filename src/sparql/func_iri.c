/* SPDX-License-Identifier: MIT
 * battstore — IRI(str) / URI(str) with relative references resolved
 *             against the request's BASE (RFC 3986 §5.2). */
#include "config.h"
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "sparql/expr_int.h"

/* The components of a reference (pointers into it; NULL = absent). */
typedef struct {
    const char *scheme, *auth, *path, *query, *frag;
    size_t ns, na, np, nq, nf;
} uri_parts;

static void split(const char *s, size_t n, uri_parts *u)
{
    memset(u, 0, sizeof *u);
    size_t i = 0;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
        i++;
    if (i > 0 && i < n && s[i] == ':' && isalpha((unsigned char)s[0])) {
        u->scheme = s;
        u->ns = i;
        s += i + 1;
        n -= i + 1;
    }
    if (n >= 2 && s[0] == '/' && s[1] == '/') {
        size_t j = 2;
        while (j < n && s[j] != '/' && s[j] != '?' && s[j] != '#') j++;
        u->auth = s + 2;
        u->na = j - 2;
        s += j;
        n -= j;
    }
    size_t j = 0;
    while (j < n && s[j] != '?' && s[j] != '#') j++;
    u->path = s;
    u->np = j;
    s += j;
    n -= j;
    if (n && s[0] == '?') {
        j = 1;
        while (j < n && s[j] != '#') j++;
        u->query = s + 1;
        u->nq = j - 1;
        s += j;
        n -= j;
    }
    if (n && s[0] == '#') {
        u->frag = s + 1;
        u->nf = n - 1;
    }
}

static bool starts(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);
    return n >= l && !memcmp(s, lit, l);
}

static bool is(const char *s, size_t n, const char *lit)
{
    return n == strlen(lit) && !memcmp(s, lit, n);
}

/* RFC 3986 §5.2.4 on buf[0..n) in place; returns the new length. */
static size_t remove_dots(char *buf, size_t n)
{
    size_t o = 0, i = 0;
    while (i < n) {
        const char *in = buf + i;
        size_t left = n - i;
        if (starts(in, left, "../")) i += 3;
        else if (starts(in, left, "./")) i += 2;
        else if (starts(in, left, "/./")) i += 2;
        else if (is(in, left, "/.")) { buf[i + 1] = '/'; i += 1; }
        else if (starts(in, left, "/../") || is(in, left, "/..")) {
            i += left == 3 ? 2 : 3;
            buf[i] = '/';
            while (o > 0 && buf[--o] != '/') {}
        } else if (is(in, left, ".") || is(in, left, "..")) {
            i = n;
        } else {
            do buf[o++] = buf[i++]; while (i < n && buf[i] != '/');
        }
    }
    return o;
}

static char *put(char *o, const char *s, size_t n)
{
    if (n) memcpy(o, s, n);
    return o + n;
}

/* Resolve reference r against absolute base b into the arena. */
static bs_status resolve(bs_sp_ectx *c, const char *r, size_t rn, const char *b,
                         size_t bn, const char **out, size_t *outn)
{
    uri_parts R, B;
    split(r, rn, &R);
    split(b, bn, &B);
    char *buf = bs_sp_alloc(c, rn + bn + 8), *o = buf;
    if (!buf) return BS_ERR_NOMEM;
    const uri_parts *A = R.auth || R.scheme ? &R : &B; /* authority from */
    o = put(o, R.scheme ? R.scheme : B.scheme, R.scheme ? R.ns : B.ns);
    *o++ = ':';
    if (A->auth) {
        o = put(put(o, "//", 2), A->auth, A->na);
    }
    char *p0 = o;
    if (R.scheme || R.auth || (R.np && R.path[0] == '/')) {
        o = put(o, R.path, R.np);
    } else if (!R.np) {
        o = put(o, B.path, B.np);
    } else { /* merge */
        const char *slash = B.np ? memrchr(B.path, '/', B.np) : NULL;
        if (slash) o = put(o, B.path, (size_t)(slash - B.path) + 1);
        else if (B.auth) *o++ = '/';
        o = put(o, R.path, R.np);
    }
    o = p0 + remove_dots(p0, (size_t)(o - p0));
    const uri_parts *Q = R.query || R.np || R.scheme || R.auth ? &R : &B;
    if (Q->query) o = put(put(o, "?", 1), Q->query, Q->nq);
    if (R.frag) o = put(put(o, "#", 1), R.frag, R.nf);
    *out = buf;
    *outn = (size_t)(o - buf);
    return BS_OK;
}

/* Skip white space and comments. */
static const char *skip(const char *p)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (*p != '#') return p;
        while (*p && *p != '\n') p++;
    }
}

/* The BASE in force after the request's prologue (in the arena), if any. */
static bs_status query_base(bs_sp_ectx *c, const char **base, size_t *n)
{
    const bs_sparql *q = bs_sp_exec_query(c->ex);
    bs_status st = BS_OK;
    *base = NULL;
    *n = 0;
    const char *p = q && q->text ? q->text : "";
    for (p = skip(p);; p = skip(p)) {
        bool is_base = !strncasecmp(p, "BASE", 4) && !isalnum((unsigned char)p[4]);
        if (!is_base && !(!strncasecmp(p, "PREFIX", 6) && !isalnum((unsigned char)p[6])))
            return BS_OK;
        const char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
        if (!gt) return BS_OK;
        p = gt + 1;
        if (!is_base) continue;
        if (*base)
            st = resolve(c, lt + 1, (size_t)(gt - lt - 1), *base, *n, base, n);
        else {
            *base = lt + 1;
            *n = (size_t)(gt - lt - 1);
        }
        if (st != BS_OK) return st;
    }
}

bs_status bs_sp_iri_of(bs_sp_ectx *c, const char *s, size_t n, bs_sp_val *out)
{
    uri_parts u;
    const char *base, *r = s;
    size_t bn, rn = n;
    split(s, n, &u);
    bs_status st = BS_OK;
    if (!u.scheme) {
        if ((st = query_base(c, &base, &bn)) != BS_OK) return st;
        if (base && (st = resolve(c, s, n, base, bn, &r, &rn)) != BS_OK) return st;
    }
    memset(out, 0, sizeof *out);
    out->t = BS_V_IRI;
    out->s = r;
    out->n = rn;
    return BS_OK;
}
