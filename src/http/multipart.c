/* SPDX-License-Identifier: MIT
 * battstore — splitting a multipart/form-data body (RFC 7578) into its
 * parts, for Graph Store POSTs that upload several files at once. */
#include "config.h"
#include "http/access.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BOUNDARY 70   /* RFC 2046 */
#define MAX_HEADER 1024   /* one header line of a part */

/* The boundary parameter of a Content-Type header, into out. */
static bool find_boundary(const char *ct, char out[MAX_BOUNDARY + 1])
{
    for (const char *p = ct ? strchr(ct, ';') : NULL; p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t') q++;
        if (strncasecmp(q, "boundary=", 9) != 0) continue;
        q += 9;
        bool quoted = *q == '"';
        q += quoted;
        size_t n = 0;
        while (q[n] && (quoted ? q[n] != '"' : (q[n] != ';' && q[n] != ' ' && q[n] != '\t')))
            n++;
        if (n == 0 || n > MAX_BOUNDARY || (quoted && q[n] != '"')) return false;
        memcpy(out, q, n);
        out[n] = '\0';
        return true;
    }
    return false;
}

/* End of the line starting at p (pointing at '\n' or end), and the start
 * of the next one. */
static const char *line_end(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl) {
        *next = end;
        return end;
    }
    *next = nl + 1;
    return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

/* Copy the value of header `name` from line [p, e) into out (trimmed);
 * false when the line is another header. */
static bool header_value(const char *p, const char *e, const char *name,
                         char out[MAX_HEADER])
{
    size_t n = strlen(name);
    if ((size_t)(e - p) <= n || strncasecmp(p, name, n) != 0 || p[n] != ':') return false;
    p += n + 1;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
    size_t l = (size_t)(e - p) < MAX_HEADER - 1 ? (size_t)(e - p) : MAX_HEADER - 1;
    memcpy(out, p, l);
    out[l] = '\0';
    return true;
}

/* Media type of a Content-Type value: lower case, without parameters. */
static void media_type(char *v)
{
    char *semi = strchr(v, ';');
    if (semi) *semi = '\0';
    size_t l = strlen(v);
    while (l && (v[l - 1] == ' ' || v[l - 1] == '\t')) v[--l] = '\0';
    for (char *c = v; *c; c++) *c = (char)tolower((unsigned char)*c);
}

/* filename="..." of a Content-Disposition value, in place; NULL if none. */
static const char *filename_of(char *v)
{
    char *f = strstr(v, "filename=");
    if (!f) return NULL;
    f += 9;
    if (*f == '"') {
        char *q = strchr(++f, '"');
        if (!q) return NULL;
        *q = '\0';
    } else {
        f[strcspn(f, "; \t")] = '\0';
    }
    return f;
}

/* Read the headers of a part from *p; leave *p at its data. */
static bs_status part_headers(const char **p, const char *end, char ct[MAX_HEADER],
                              char cd[MAX_HEADER], bs_http_part *part)
{
    ct[0] = cd[0] = '\0';
    for (;;) {
        const char *next, *e = line_end(*p, end, &next);
        if (next == end && e == end) return BS_ERR_PARSE; /* no blank line */
        if (e == *p) {
            *p = next;
            break;
        }
        if (!header_value(*p, e, "Content-Type", ct)) header_value(*p, e, "Content-Disposition", cd);
        *p = next;
    }
    media_type(ct);
    part->ctype = ct[0] ? ct : NULL;
    part->filename = cd[0] ? filename_of(cd) : NULL;
    return BS_OK;
}

bs_status bs_http_multipart(const char *body, size_t len, const char *content_type,
                            bs_status (*fn)(void *ctx, const bs_http_part *p),
                            void *ctx)
{
    char b[MAX_BOUNDARY + 1], delim[MAX_BOUNDARY + 4];
    char ct[MAX_HEADER], cd[MAX_HEADER];
    if (!find_boundary(content_type, b)) return BS_ERR_PARSE;
    size_t dl = (size_t)snprintf(delim, sizeof delim, "--%s", b);
    const char *end = body + len, *p = body;
    /* the first delimiter: at the start or after a newline (a preamble) */
    const char *d = memmem(p, len, delim, dl);
    while (d && d != body && d[-1] != '\n')
        d = memmem(d + 1, (size_t)(end - d - 1), delim, dl);
    if (!d) return BS_ERR_PARSE;
    for (;;) {
        p = d + dl;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return BS_OK; /* the last one */
        const char *next;
        const char *e = line_end(p, end, &next);
        for (const char *s = p; s < e; s++)
            if (*s != ' ' && *s != '\t') return BS_ERR_PARSE;
        p = next;
        bs_http_part part;
        bs_status st = part_headers(&p, end, ct, cd, &part);
        if (st != BS_OK) return st;
        /* the data runs to the newline before the next delimiter */
        for (d = memmem(p, (size_t)(end - p), delim, dl); d && d != p && d[-1] != '\n';
             d = memmem(d + 1, (size_t)(end - d - 1), delim, dl))
            ;
        if (!d) return BS_ERR_PARSE;
        const char *stop = d;
        if (stop > p && stop[-1] == '\n') stop--;
        if (stop > p && stop[-1] == '\r') stop--;
        part.data = p;
        part.len = (size_t)(stop - p);
        if ((st = fn(ctx, &part)) != BS_OK) return st;
    }
}
