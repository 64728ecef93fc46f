/* SPDX-License-Identifier: MIT
 * Test helper: N-Quads texts compared up to blank node labels (canon.h). */
#include "config.h"
#include "canon.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "term/term.h"

struct canon_quad {
    const char *t[4]; /* term texts; t[3] NULL = default graph */
    size_t len[4];
    long bn[4];       /* index of a blank node term, else -1 */
    uint64_t h[4];    /* hash of a term that is not a blank node */
};

typedef struct {
    const char *s;
    size_t len;
} label;

static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15u;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9u;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBu;
    return x ^ (x >> 31);
}

/* End of the N-Quads term at p, NULL when there is none. */
static const char *term_end(const char *p)
{
    if (*p == '<') {
        p = strchr(p, '>');
        return p ? p + 1 : NULL;
    }
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++)
            if (*p == '\\' && p[1]) p++;
        if (!*p++) return NULL;
        if (*p == '@')
            while (*p && *p != ' ') p++;
        else if (p[0] == '^' && p[1] == '^' && (p = strchr(p, '>')))
            p++;
        return p;
    }
    if (p[0] != '_' || p[1] != ':') return NULL;
    while (*p && *p != ' ') p++;
    return p;
}

static int cmp_label(const void *a, const void *b)
{
    const label *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->s, y->s, n);
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_line(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One line: three or four terms, then " ." */
static int parse_line(canon_quad *q, const char **pp, label *labels, size_t *nl)
{
    const char *p = *pp;
    int k = 0;
    for (; k < 4 && *p != '.'; k++) {
        const char *e = term_end(p);
        if (!e || *e != ' ') return -1;
        q->t[k] = p;
        q->len[k] = (size_t)(e - p);
        if (*p == '_') labels[(*nl)++] = (label){p, q->len[k]};
        p = e + 1;
    }
    if (k < 3 || *p != '.') return -1;
    p = strchr(p, '\n');
    *pp = p ? p : *pp + strlen(*pp) - 1;
    return 0;
}

/* Split the text into quads and number the blank nodes. */
static int parse(canon *c, const char *text)
{
    size_t lines = 1, nl = 0;
    for (const char *p = text; (p = strchr(p, '\n')); p++) lines++;
    label *labels = calloc(4 * lines, sizeof *labels);
    c->q = calloc(lines, sizeof *c->q);
    if (!labels || !c->q) goto fail;
    for (const char *p = text; *p; p++)
        if (parse_line(&c->q[c->n++], &p, labels, &nl)) goto fail;
    qsort(labels, nl, sizeof *labels, cmp_label);
    for (size_t i = 0; i < nl; i++)
        if (c->nb == 0 || cmp_label(&labels[c->nb - 1], &labels[i]) != 0)
            labels[c->nb++] = labels[i];
    for (size_t i = 0; i < c->n; i++) {
        canon_quad *q = &c->q[i];
        for (int k = 0; k < 4; k++) {
            label key = {q->t[k], q->len[k]}, *f = NULL;
            q->bn[k] = -1;
            if (!q->t[k]) continue;
            if (*q->t[k] == '_') f = bsearch(&key, labels, c->nb, sizeof key, cmp_label);
            if (f) q->bn[k] = f - labels;
            else q->h[k] = mix(bs_hash64(q->t[k], q->len[k]) + (uint64_t)k);
        }
    }
    free(labels);
    return 0;
fail:
    free(labels);
    return -1;
}

static size_t distinct(const uint64_t *v, size_t n, uint64_t *tmp)
{
    size_t d = 0;
    memcpy(tmp, v, n * sizeof *tmp);
    qsort(tmp, n, sizeof *tmp, cmp_u64);
    for (size_t i = 0; i < n; i++) d += i == 0 || tmp[i] != tmp[i - 1];
    return d;
}

/* Colour the blank nodes: each round, a node's colour absorbs the
 * multiset of its quads as seen with the other nodes' colours, until the
 * number of colours stops growing. */
static uint64_t *colour(const canon *c)
{
    uint64_t *col = calloc(c->nb + 1, sizeof *col), *acc = calloc(c->nb + 1, sizeof *acc);
    uint64_t *tmp = calloc(c->nb + 1, sizeof *tmp);
    size_t classes = 1;
    for (int round = 0; col && acc && tmp && round < 64; round++) {
        memset(acc, 0, (c->nb + 1) * sizeof *acc);
        for (size_t i = 0; i < c->n; i++) {
            const canon_quad *q = &c->q[i];
            uint64_t h = 0;
            for (int k = 0; k < 4; k++)
                h = mix(h ^ (q->bn[k] >= 0 ? mix(col[q->bn[k]] + 7u * (uint64_t)k) : q->h[k]));
            for (int k = 0; k < 4; k++)
                if (q->bn[k] >= 0) acc[q->bn[k]] += mix(h + (uint64_t)k);
        }
        for (size_t b = 0; b < c->nb; b++) col[b] = mix(col[b] * 31u + acc[b]);
        size_t d = distinct(col, c->nb, tmp);
        if (round > 0 && d == classes) break;
        classes = d;
    }
    free(acc);
    free(tmp);
    return col;
}

static char *quad_line(const canon_quad *q, const uint64_t *col)
{
    size_t cap = 8, len = 0;
    for (int k = 0; k < 4; k++) cap += q->len[k] + 24;
    char *line = malloc(cap);
    for (int k = 0; line && k < 4 && q->t[k]; k++) {
        if (q->bn[k] >= 0)
            len += (size_t)snprintf(line + len, cap - len, "_:c%016llx ",
                                    (unsigned long long)col[q->bn[k]]);
        else
            len += (size_t)snprintf(line + len, cap - len, "%.*s ", (int)q->len[k], q->t[k]);
    }
    return line;
}

int canon_make(canon *c, const char *text)
{
    uint64_t *col = NULL;
    memset(c, 0, sizeof *c);
    if (parse(c, text) || !(col = colour(c))) goto fail;
    c->lines = calloc(c->n + 1, sizeof *c->lines);
    if (!c->lines) goto fail;
    for (size_t i = 0; i < c->n; i++)
        if (!(c->lines[i] = quad_line(&c->q[i], col))) goto fail;
    qsort(c->lines, c->n, sizeof *c->lines, cmp_line);
    free(col);
    return 0;
fail:
    free(col);
    canon_free(c);
    return -1;
}

void canon_free(canon *c)
{
    for (size_t i = 0; c->lines && i < c->n; i++) free(c->lines[i]);
    free(c->lines);
    free(c->q);
    memset(c, 0, sizeof *c);
}
