/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: result sets and graphs compared up to blank
 * node renaming (one bijection for the whole result, found by a
 * backtracking search over the rows that hold blank nodes). */
#include "config.h"
#include "w3c.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows as ints: > 0 a ground term (interned across both sides), 0
 * unbound, < 0 the blank node -(k+1) of that side. */
typedef struct {
    size_t n, ncols;
    int *c;
} irows;

/* ---- numeric literals: compared by value within one datatype -------------- */

/* The expected results of the suites write computed numbers in forms no
 * canonicalisation yields ("1050"^^xsd:double, "6"^^xsd:decimal), so a
 * typed numeric literal is compared by value with one of the same
 * datatype: its lexical form is put in a canonical form first. */

static const char *const int_types[] = {
    "integer", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", NULL};

/* 'i' integer types, 'd' decimal, 'f' float, 'D' double, 0 other. */
static char numeric_kind(const w3c_term *t)
{
    if (t->kind != BS_TERM_TYPED || strncmp(t->extra, BS_XSD, strlen(BS_XSD)))
        return 0;
    const char *l = t->extra + strlen(BS_XSD);
    for (int i = 0; int_types[i]; i++)
        if (!strcmp(l, int_types[i])) return 'i';
    return !strcmp(l, "decimal") ? 'd' : !strcmp(l, "float") ? 'f' :
           !strcmp(l, "double") ? 'D' : 0;
}

/* Canonical text of a decimal or integer lexical form; false if invalid. */
static bool canon_decimal(const char *s, size_t n, bool integer, char *out,
                          size_t cap)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    size_t a = i;
    while (i < n && isdigit((unsigned char)s[i])) i++;
    size_t ae = i, f = i, fe = i;
    if (!integer && i < n && s[i] == '.') {
        f = ++i;
        while (i < n && isdigit((unsigned char)s[i])) i++;
        fe = i;
    }
    if (i != n || (ae == a && fe == f) || n + 4 > cap) return false;
    while (a < ae && s[a] == '0') a++;
    while (fe > f && s[fe - 1] == '0') fe--;
    bool zero = a == ae && f == fe;
    char *o = out;
    if (neg && !zero) *o++ = '-';
    if (a == ae) *o++ = '0';
    memcpy(o, s + a, ae - a);
    o += ae - a;
    if (!integer) {
        *o++ = '.';
        if (f == fe) *o++ = '0';
        memcpy(o, s + f, fe - f);
        o += fe - f;
    }
    *o = 0;
    return true;
}

/* Canonical text of t when it is a numeric literal (else NULL). */
static const char *canon_numeric(const w3c_term *t, char *buf, size_t cap)
{
    char k = numeric_kind(t);
    if (!k) return NULL;
    if (k == 'i' || k == 'd')
        return canon_decimal(t->lex, t->lex_len, k == 'i', buf, cap) ? buf : NULL;
    char *end;
    double v = strtod(t->lex, &end);
    if (end == t->lex || *end || strchr(t->lex, 'x') || strchr(t->lex, 'X'))
        return NULL;
    if (k == 'f') snprintf(buf, cap, "%.9g", (double)(float)v);
    else snprintf(buf, cap, "%.17g", v);
    return buf;
}

/* Same RDF term, numbers of one datatype compared by value. */
static bool same_term(const w3c_term *a, const w3c_term *b)
{
    if (w3c_term_eq(a, b)) return true;
    if (a->kind != BS_TERM_TYPED || b->kind != BS_TERM_TYPED ||
        strcmp(a->extra, b->extra))
        return false;
    char x[128], y[128];
    const char *cx = canon_numeric(a, x, sizeof x), *cy = canon_numeric(b, y, sizeof y);
    return cx && cy && !strcmp(cx, cy);
}

/* ---- interning terms ------------------------------------------------------ */

typedef struct {
    const w3c_term **t; /* by id - 1 */
    size_t n, cap;
    int *slot;          /* open addressing: id or 0 */
    size_t nslot;
} termtab;

static uint64_t term_hash(const w3c_term *t)
{
    char buf[128];
    const char *num = canon_numeric(t, buf, sizeof buf);
    uint64_t h = num ? bs_hash64(num, strlen(num)) : bs_hash64(t->lex, t->lex_len);
    h ^= (uint64_t)t->kind << 56;
    if (t->extra) {
        char low[256];
        size_t n = t->extra_len < sizeof low ? t->extra_len : sizeof low;
        for (size_t i = 0; i < n; i++) low[i] = (char)tolower((unsigned char)t->extra[i]);
        h ^= bs_hash64(low, n) * 31;
    }
    return h;
}

static int tab_grow(termtab *tb)
{
    size_t ns = tb->nslot ? 2 * tb->nslot : 256;
    int *s = calloc(ns, sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < tb->n; i++) {
        size_t h = term_hash(tb->t[i]) & (ns - 1);
        while (s[h]) h = (h + 1) & (ns - 1);
        s[h] = (int)i + 1;
    }
    free(tb->slot);
    tb->slot = s;
    tb->nslot = ns;
    return 0;
}

/* Id of t (>= 1), adding it; 0 on OOM. */
static int tab_id(termtab *tb, const w3c_term *t)
{
    if (2 * (tb->n + 1) > tb->nslot && tab_grow(tb)) return 0;
    size_t h = term_hash(t) & (tb->nslot - 1);
    for (; tb->slot[h]; h = (h + 1) & (tb->nslot - 1))
        if (same_term(tb->t[tb->slot[h] - 1], t)) return tb->slot[h];
    if (tb->n == tb->cap) {
        size_t cap = tb->cap ? 2 * tb->cap : 256;
        const w3c_term **nt = realloc(tb->t, cap * sizeof *nt);
        if (!nt) return 0;
        tb->t = nt;
        tb->cap = cap;
    }
    tb->t[tb->n++] = t;
    return tb->slot[h] = (int)tb->n;
}

static void tab_free(termtab *tb)
{
    free(tb->t);
    free(tb->slot);
}

/* Convert one side: ground terms through g, blank nodes through its own
 * table b.  cols[i] = the side's column for output column i, or -1. */
static int to_irows(const w3c_term *cells, size_t nrows, size_t width,
                    const long *cols, size_t ncols, termtab *g, termtab *b,
                    irows *out)
{
    out->n = nrows;
    out->ncols = ncols;
    out->c = calloc(nrows * ncols + 1, sizeof *out->c);
    if (!out->c) return -1;
    for (size_t r = 0; r < nrows; r++)
        for (size_t k = 0; k < ncols; k++) {
            const w3c_term *t = cols[k] < 0 ? NULL : &cells[r * width + (size_t)cols[k]];
            int id = 0;
            if (t && t->kind == BS_TERM_BNODE) {
                if (!(id = tab_id(b, t))) return -1;
                id = -id;
            } else if (t && t->kind) {
                if (!(id = tab_id(g, t))) return -1;
            }
            out->c[r * ncols + k] = id;
        }
    return 0;
}

/* ---- ground rows ------------------------------------------------------------ */

static size_t sort_width; /* qsort has no context argument */
static int row_cmp(const void *x, const void *y)
{
    const int *a = x, *b = y;
    for (size_t i = 0; i < sort_width; i++)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

static bool has_bnode(const int *row, size_t w)
{
    for (size_t i = 0; i < w; i++)
        if (row[i] < 0) return true;
    return false;
}

/* Move the rows with blank nodes to the end (keeping order); returns
 * how many rows are ground. */
static size_t split_ground(irows *r)
{
    size_t w = r->ncols, g = 0;
    int *tmp = malloc((r->n * w + 1) * sizeof *tmp);
    if (!tmp) return 0;
    size_t o = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r->n; i++)
            if (has_bnode(r->c + i * w, w) == (pass == 1)) {
                memcpy(tmp + o++ * w, r->c + i * w, w * sizeof *tmp);
                if (!pass) g++;
            }
    memcpy(r->c, tmp, r->n * w * sizeof *tmp);
    free(tmp);
    return g;
}

/* Drop duplicate rows (set semantics); order is lost. */
static void dedupe(irows *r)
{
    size_t w = r->ncols, o = 0;
    if (!r->n) return;
    sort_width = w;
    qsort(r->c, r->n, w * sizeof(int), row_cmp);
    for (size_t i = 0; i < r->n; i++)
        if (!o || row_cmp(r->c + (o - 1) * w, r->c + i * w))
            memmove(r->c + o++ * w, r->c + i * w, w * sizeof(int));
    r->n = o;
}

/* ---- describing rows for messages ----------------------------------------- */

typedef struct {
    termtab g, ba, bb;
    char **names; /* column names (result sets) or NULL (graphs) */
    const char *unit; /* "rows" or "triples" */
} ctx;

static void row_str(const ctx *cx, const int *row, size_t w, bool got,
                    char *buf, size_t cap)
{
    size_t o = 0;
    char t[200];
    buf[0] = 0;
    for (size_t i = 0; i < w && o + 1 < cap; i++) {
        const termtab *b = got ? &cx->bb : &cx->ba;
        const char *s = row[i] > 0 ? w3c_term_str(cx->g.t[row[i] - 1], t, sizeof t) :
                        row[i] < 0 ? w3c_term_str(b->t[-row[i] - 1], t, sizeof t) : NULL;
        if (!s && cx->names) continue;
        int k = cx->names ? snprintf(buf + o, cap - o, "%s?%s=%s", o ? " " : "", cx->names[i], s)
                          : snprintf(buf + o, cap - o, "%s%s", o ? " " : "", s ? s : "-");
        if (k < 0) break;
        o += (size_t)k;
    }
}

/* ---- the backtracking search ---------------------------------------------- */

typedef struct {
    size_t w, n;
    const int *a, *b;    /* rows with blank nodes, each side */
    int *ma, *mb;        /* blank node maps (a→b, b→a), -1 = free */
    bool *ua, *ub;       /* rows used */
    int *undo;           /* a-side blank nodes bound, as a stack */
    size_t nundo;
    long budget;
} search;

/* Bind row ra of a to row rb of b: false (and nothing bound) when they
 * do not fit the maps. */
static bool bind(search *s, const int *ra, const int *rb)
{
    size_t mark = s->nundo;
    for (size_t i = 0; i < s->w; i++) {
        int x = ra[i], y = rb[i];
        if (x >= 0) {
            if (x != y) goto undo;
            continue;
        }
        if (y >= 0) goto undo;
        int ka = -x - 1, kb = -y - 1;
        if (s->ma[ka] == kb) continue;
        if (s->ma[ka] >= 0 || s->mb[kb] >= 0) goto undo;
        s->ma[ka] = kb;
        s->mb[kb] = ka;
        s->undo[s->nundo++] = ka;
    }
    return true;
undo:
    while (s->nundo > mark) {
        int ka = s->undo[--s->nundo];
        s->mb[s->ma[ka]] = -1;
        s->ma[ka] = -1;
    }
    return false;
}

static void unbind_to(search *s, size_t mark)
{
    while (s->nundo > mark) {
        int ka = s->undo[--s->nundo];
        s->mb[s->ma[ka]] = -1;
        s->ma[ka] = -1;
    }
}

/* The unused a row with the most blank nodes already mapped. */
static long pick(const search *s)
{
    long best = -1, bestk = -1;
    for (size_t i = 0; i < s->n; i++) {
        if (s->ua[i]) continue;
        long k = 0;
        for (size_t j = 0; j < s->w; j++) {
            int x = s->a[i * s->w + j];
            if (x < 0 && s->ma[-x - 1] >= 0) k++;
        }
        if (k > bestk) { best = (long)i; bestk = k; }
        if (k == (long)s->w) break;
    }
    return best;
}

/* 1 matched, 0 no match, -1 gave up. */
static int match(search *s, size_t left)
{
    if (!left) return 1;
    long i = pick(s);
    const int *ra = s->a + (size_t)i * s->w;
    s->ua[i] = true;
    for (size_t j = 0; j < s->n; j++) {
        if (s->ub[j]) continue;
        if (--s->budget < 0) return -1;
        size_t mark = s->nundo;
        if (!bind(s, ra, s->b + j * s->w)) continue;
        s->ub[j] = true;
        int r = match(s, left - 1);
        if (r) return r;
        s->ub[j] = false;
        unbind_to(s, mark);
    }
    s->ua[i] = false;
    return 0;
}

/* Rows with blank nodes: a bijection exists?  1, 0, -1 (gave up). */
static int match_bnode_rows(const irows *A, const irows *B, size_t from,
                            size_t na_b, size_t nb_b)
{
    search s = {A->ncols, A->n - from, A->c + from * A->ncols,
                B->c + from * B->ncols, NULL, NULL, NULL, NULL, NULL, 0, 2000000};
    int r = -1;
    s.ma = malloc((na_b + 1) * sizeof *s.ma);
    s.mb = malloc((nb_b + 1) * sizeof *s.mb);
    s.ua = calloc(s.n + 1, 1);
    s.ub = calloc(s.n + 1, 1);
    s.undo = malloc((na_b + 1) * sizeof *s.undo);
    if (s.ma && s.mb && s.ua && s.ub && s.undo) {
        memset(s.ma, -1, (na_b + 1) * sizeof *s.ma);
        memset(s.mb, -1, (nb_b + 1) * sizeof *s.mb);
        r = match(&s, s.n);
    }
    free(s.ma); free(s.mb); free(s.ua); free(s.ub); free(s.undo);
    return r;
}

/* ---- multisets ---------------------------------------------------------------- */

/* A row of a sorted block that b lacks, for the message. */
static const int *first_missing(const int *a, size_t na, const int *b,
                                size_t nb, size_t w)
{
    size_t i = 0, j = 0;
    while (i < na) {
        int c = j < nb ? row_cmp(a + i * w, b + j * w) : -1;
        if (c < 0) return a + i * w;
        if (c > 0) { j++; continue; }
        i++, j++;
    }
    return NULL;
}

static bool multiset_equal(ctx *cx, irows *A, irows *B, char *why, size_t cap)
{
    size_t w = A->ncols;
    char row[400];
    size_t ga = split_ground(A), gb = split_ground(B);
    sort_width = w;
    qsort(A->c, ga, w * sizeof(int), row_cmp);
    qsort(B->c, gb, w * sizeof(int), row_cmp);
    const int *miss = first_missing(A->c, ga, B->c, gb, w);
    const int *extra = first_missing(B->c, gb, A->c, ga, w);
    if (miss || extra) {
        char row2[400] = "";
        if (miss) row_str(cx, miss, w, false, row, sizeof row);
        if (extra) row_str(cx, extra, w, true, row2, sizeof row2);
        snprintf(why, cap, "%zu %s expected, %zu got;%s%s%s%s%s%s", A->n, cx->unit, B->n,
                 miss ? " missing (" : "", miss ? row : "", miss ? ")" : "",
                 extra ? " unexpected (" : "", extra ? row2 : "", extra ? ")" : "");
        return false;
    }
    if (A->n != B->n) {
        snprintf(why, cap, "%zu %s expected, %zu got", A->n, cx->unit, B->n);
        return false;
    }
    if (A->n - ga != B->n - gb) {
        snprintf(why, cap, "%zu %s with blank nodes expected, %zu got", A->n - ga, cx->unit, B->n - gb);
        return false;
    }
    int r = match_bnode_rows(A, B, ga, cx->ba.n, cx->bb.n);
    if (r == 1) return true;
    if (r < 0) snprintf(why, cap, "blank node matching gave up (too many candidates)");
    else {
        row_str(cx, A->c + ga * w, w, false, row, sizeof row);
        snprintf(why, cap, "%s with blank nodes differ (e.g. expected %s)", cx->unit, row);
    }
    return false;
}

/* ---- result sets ---------------------------------------------------------------- */

static long find_var(const w3c_rs *rs, const char *name)
{
    for (size_t i = 0; i < rs->ncols; i++)
        if (!strcmp(rs->vars[i], name)) return (long)i;
    return -1;
}

/* The order of rows on the key columns (or whole rows, no keys). */
static bool order_equal(ctx *cx, const irows *A, const irows *B,
                        const long *keys, size_t nkeys, char *why, size_t cap)
{
    size_t w = A->ncols;
    char ra[300], rb[300];
    for (size_t i = 0; i < A->n && i < B->n; i++) {
        const int *x = A->c + i * w, *y = B->c + i * w;
        bool same = true;
        for (size_t k = 0; k < (nkeys ? nkeys : w); k++) {
            size_t c = nkeys ? (size_t)keys[k] : k;
            if (x[c] != y[c] && !(x[c] < 0 && y[c] < 0)) same = false;
        }
        if (same) continue;
        row_str(cx, x, w, false, ra, sizeof ra);
        row_str(cx, y, w, true, rb, sizeof rb);
        snprintf(why, cap, "order differs at row %zu: expected (%s), got (%s)", i + 1, ra, rb);
        return false;
    }
    return true;
}

bool w3c_rs_equal(const w3c_rs *expect, const w3c_rs *got, w3c_mode mode,
                  const char *const *keys, size_t nkeys, char *why,
                  size_t whycap)
{
    if (expect->is_bool || got->is_bool) {
        if (expect->is_bool != got->is_bool) {
            snprintf(why, whycap, "expected %s, got %s", expect->is_bool ? "a boolean" : "rows",
                     got->is_bool ? "a boolean" : "rows");
            return false;
        }
        if (expect->boolean != got->boolean)
            snprintf(why, whycap, "expected %s, got %s", expect->boolean ? "true" : "false",
                     got->boolean ? "true" : "false");
        return expect->boolean == got->boolean;
    }
    /* columns: the expected ones, then those only the result has */
    size_t nc = 0;
    char **names = calloc(expect->ncols + got->ncols + 1, sizeof *names);
    long *ca = calloc(expect->ncols + got->ncols + 1, sizeof *ca);
    long *cb = calloc(expect->ncols + got->ncols + 1, sizeof *cb);
    long *kc = calloc(nkeys + 1, sizeof *kc);
    ctx cx = {{0}, {0}, {0}, names, "rows"};
    irows A = {0}, B = {0};
    bool ok = false;
    if (!names || !ca || !cb || !kc) goto done;
    for (size_t i = 0; i < expect->ncols; i++, nc++) {
        names[nc] = expect->vars[i];
        ca[nc] = (long)i;
        cb[nc] = find_var(got, expect->vars[i]);
    }
    for (size_t i = 0; i < got->ncols; i++)
        if (find_var(expect, got->vars[i]) < 0) {
            names[nc] = got->vars[i];
            ca[nc] = -1;
            cb[nc++] = (long)i;
        }
    if (to_irows(expect->cells, expect->nrows, expect->ncols, ca, nc, &cx.g, &cx.ba, &A) ||
        to_irows(got->cells, got->nrows, got->ncols, cb, nc, &cx.g, &cx.bb, &B)) {
        snprintf(why, whycap, "out of memory");
        goto done;
    }
    size_t nk = 0;
    for (size_t k = 0; k < nkeys; k++) {
        long c = -1;
        for (size_t i = 0; i < nc; i++)
            if (!strcmp(names[i], keys[k])) c = (long)i;
        if (c < 0) { nk = 0; break; } /* a key not projected: whole rows */
        kc[nk++] = c;
    }
    irows A2 = {0}, B2 = {0};
    if (mode == W3C_ORDERED) { /* keep the order for the second pass */
        A2 = (irows){A.n, A.ncols, malloc((A.n * nc + 1) * sizeof(int))};
        B2 = (irows){B.n, B.ncols, malloc((B.n * nc + 1) * sizeof(int))};
        if (!A2.c || !B2.c) { free(A2.c); free(B2.c); goto done; }
        memcpy(A2.c, A.c, A.n * nc * sizeof(int));
        memcpy(B2.c, B.c, B.n * nc * sizeof(int));
    }
    if (mode == W3C_LAX) {
        dedupe(&A);
        dedupe(&B);
    }
    ok = multiset_equal(&cx, &A, &B, why, whycap);
    if (ok && mode == W3C_ORDERED)
        ok = order_equal(&cx, &A2, &B2, kc, nk, why, whycap);
    free(A2.c);
    free(B2.c);
done:
    free(A.c);
    free(B.c);
    free(names);
    free(ca);
    free(cb);
    free(kc);
    tab_free(&cx.g);
    tab_free(&cx.ba);
    tab_free(&cx.bb);
    return ok;
}

/* ---- graphs ---------------------------------------------------------------------- */

bool w3c_graph_equal(const w3c_graph *expect, const w3c_graph *got,
                     char *why, size_t whycap)
{
    static const long cols[3] = {0, 1, 2};
    ctx cx = {{0}, {0}, {0}, NULL, "triples"};
    irows A = {0}, B = {0};
    bool ok = false;
    if (to_irows(expect->t, expect->n, 3, cols, 3, &cx.g, &cx.ba, &A) ||
        to_irows(got->t, got->n, 3, cols, 3, &cx.g, &cx.bb, &B)) {
        snprintf(why, whycap, "out of memory");
        goto done;
    }
    dedupe(&A);
    dedupe(&B);
    ok = multiset_equal(&cx, &A, &B, why, whycap);
done:
    free(A.c);
    free(B.c);
    tab_free(&cx.g);
    tab_free(&cx.ba);
    tab_free(&cx.bb);
    return ok;
}
