/* SPDX-License-Identifier: MIT
 * battstore — content negotiation: an Accept header with q-values,
 * wildcards and specificity against the media types a door offers. */
#include "config.h"
#include "http/core.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One media range of an Accept header. */
typedef struct {
    const char *type; size_t tlen;   /* "text" or "*" */
    const char *sub; size_t slen;    /* "turtle" or "*" */
    double q;
    int nparams;                     /* parameters other than q */
} range;

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && isspace((unsigned char)*p)) p++;
    return p;
}

static size_t trim_len(const char *p, const char *e)
{
    while (e > p && isspace((unsigned char)e[-1])) e--;
    return (size_t)(e - p);
}

/* Parse one range p..e ("text/turtle;q=0.5"); false when malformed. */
static bool parse_range(const char *p, const char *e, range *r)
{
    const char *semi = memchr(p, ';', (size_t)(e - p));
    const char *mt_end = semi ? semi : e;
    p = skip_ws(p, mt_end);
    const char *slash = memchr(p, '/', (size_t)(mt_end - p));
    if (!slash) return false;
    r->type = p;
    r->tlen = trim_len(p, slash);
    r->sub = skip_ws(slash + 1, mt_end);
    r->slen = trim_len(r->sub, mt_end);
    r->q = 1.0;
    r->nparams = 0;
    if (!r->tlen || !r->slen) return false;
    if (r->tlen == 1 && *r->type == '*' && !(r->slen == 1 && *r->sub == '*')) return false;
    while (semi) {
        const char *a = skip_ws(semi + 1, e);
        semi = memchr(a, ';', (size_t)(e - a));
        const char *pe = semi ? semi : e;
        if ((size_t)(pe - a) >= 2 && (a[0] == 'q' || a[0] == 'Q') && a[1] == '=') {
            char buf[16];
            size_t n = trim_len(a + 2, pe);
            if (n >= sizeof buf) return false;
            memcpy(buf, a + 2, n);
            buf[n] = 0;
            char *end;
            r->q = strtod(buf, &end);
            if (*end || r->q < 0 || r->q > 1) return false;
        } else if (pe > a) {
            r->nparams++;
        }
    }
    return true;
}

static bool eq_part(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* How specifically r matches media type mt: -1 no match, 0 star/star,
 * 1 type/star, 2 type/sub, 3 type/sub with parameters. */
static int match(const range *r, const char *mt)
{
    const char *slash = strchr(mt, '/');
    const char *semi = strchr(mt, ';');
    size_t tl = (size_t)(slash - mt);
    size_t sl = semi ? (size_t)(semi - slash - 1) : strlen(slash + 1);
    while (sl && slash[sl] == ' ') sl--;
    if (r->tlen == 1 && *r->type == '*') return 0;
    if (!eq_part(r->type, r->tlen, mt, tl)) return -1;
    if (r->slen == 1 && *r->sub == '*') return 1;
    if (!eq_part(r->sub, r->slen, slash + 1, sl)) return -1;
    return r->nparams ? 3 : 2;
}

/* The q the Accept header gives media type mt (most specific range wins);
 * -1 when no range matches. */
static double quality(const char *accept, const char *mt)
{
    const char *p = accept, *end = accept + strlen(accept);
    int best_spec = -1;
    double q = -1;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *e = comma ? comma : end;
        range r;
        if (parse_range(p, e, &r)) {
            int spec = match(&r, mt);
            if (spec > best_spec) { best_spec = spec; q = r.q; }
        }
        p = e + 1;
    }
    return q;
}

const char *bs_http_negotiate(const char *accept, const char *const *offered, size_t n)
{
    if (!n) return NULL;
    if (!accept) return offered[0];
    const char *p = accept;
    while (*p && (isspace((unsigned char)*p) || *p == ',')) p++;
    if (!*p) return offered[0];
    const char *best = NULL;
    double best_q = 0;
    for (size_t i = 0; i < n; i++) {
        double q = quality(accept, offered[i]);
        if (q > best_q) { best_q = q; best = offered[i]; }
    }
    return best;
}
