/* SPDX-License-Identifier: MIT
 * battstore — REGEX and REPLACE (§17.4.3.14, §17.4.3.15) with PCRE2:
 *             XPath flags i s m x q, $N references in replacements. */
#include "config.h"
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "sparql/expr_int.h"

/* A few compiled patterns per thread: a FILTER applies the same regex to
 * every row. */
#define RX_CACHE 8
typedef struct {
    char *pat;
    size_t n;
    uint32_t opts;
    pcre2_code *code;
} rx_ent;

static _Thread_local rx_ent rx_cache[RX_CACHE];
static _Thread_local unsigned rx_next;

/* A thread's cache is freed when the thread ends (the HTTP server runs
 * each connection in a thread of its own). */
static pthread_key_t rx_key;
static pthread_once_t rx_once = PTHREAD_ONCE_INIT;

static void rx_cache_free(void *cache)
{
    rx_ent *c = cache;
    for (int i = 0; i < RX_CACHE; i++) {
        free(c[i].pat);
        pcre2_code_free(c[i].code);
        c[i] = (rx_ent){0};
    }
}

static void rx_key_init(void) { (void)pthread_key_create(&rx_key, rx_cache_free); }

/* Register this thread's cache for freeing at thread exit (once). */
static void rx_cache_register(void)
{
    pthread_once(&rx_once, rx_key_init);
    if (!pthread_getspecific(rx_key)) (void)pthread_setspecific(rx_key, rx_cache);
}

static bool parse_flags(const bs_sp_val *f, uint32_t *opts)
{
    *opts = PCRE2_UTF;
    if (!f) return true;
    if (f->t != BS_V_STR) return false;
    for (size_t i = 0; i < f->n; i++)
        switch (f->s[i]) {
        case 'i': *opts |= PCRE2_CASELESS; break;
        case 's': *opts |= PCRE2_DOTALL; break;
        case 'm': *opts |= PCRE2_MULTILINE; break;
        case 'x': *opts |= PCRE2_EXTENDED; break;
        case 'q': *opts |= PCRE2_LITERAL; break;
        default: return false;
        }
    return true;
}

/* The compiled pattern (borrowed from the cache), or NULL if invalid. */
static pcre2_code *compile(const char *pat, size_t n, uint32_t opts)
{
    for (int i = 0; i < RX_CACHE; i++)
        if (rx_cache[i].code && rx_cache[i].opts == opts && rx_cache[i].n == n &&
            !memcmp(rx_cache[i].pat, pat, n))
            return rx_cache[i].code;
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)pat, n, opts, &err, &off, NULL);
    if (!code) return NULL;
    char *copy = malloc(n + 1);
    if (!copy) {
        pcre2_code_free(code);
        return NULL;
    }
    memcpy(copy, pat, n);
    rx_cache_register();
    rx_ent *e = &rx_cache[rx_next++ % RX_CACHE];
    free(e->pat);
    pcre2_code_free(e->code);
    *e = (rx_ent){copy, n, opts, code};
    return code;
}

static bs_status fn_regex(const bs_sp_val *a, size_t nargs, bs_sp_val *args,
                          bs_sp_val *out)
{
    uint32_t opts;
    const bs_sp_val *p = &args[1];
    if (!bs_sp_is_strlit(a) || p->t != BS_V_STR ||
        !parse_flags(nargs == 3 ? &args[2] : NULL, &opts)) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    pcre2_code *code = compile(p->s, p->n, opts);
    if (!code) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!md) return BS_ERR_NOMEM;
    int rc = pcre2_match(code, (PCRE2_SPTR)a->s, a->n, 0, 0, md, NULL);
    pcre2_match_data_free(md);
    if (rc >= 0 || rc == PCRE2_ERROR_NOMATCH)
        bs_sp_val_bool(out, rc >= 0);
    else
        bs_sp_val_err(out);
    return BS_OK;
}

/* A growable output buffer in the arena. */
typedef struct {
    bs_sp_ectx *c;
    char *p;
    size_t n, cap;
} obuf;

static bool put(obuf *o, const char *s, size_t n)
{
    if (o->n + n > o->cap) {
        size_t cap = (o->cap + n) * 2 + 16;
        char *p = bs_sp_alloc(o->c, cap);
        if (!p) return false;
        if (o->n) memcpy(p, o->p, o->n);
        o->p = p;
        o->cap = cap;
    }
    if (n) memcpy(o->p + o->n, s, n);
    o->n += n;
    return true;
}

/* Expand replacement r for one match; -1 invalid, 0 no memory, 1 ok. */
static int expand(obuf *o, const bs_sp_val *r, const char *subj,
                  PCRE2_SIZE *ov, int ngroups)
{
    for (size_t i = 0; i < r->n; i++) {
        char ch = r->s[i];
        if (ch == '\\') {
            if (i + 1 >= r->n || (r->s[i + 1] != '\\' && r->s[i + 1] != '$')) return -1;
            if (!put(o, &r->s[++i], 1)) return 0;
        } else if (ch == '$') {
            if (i + 1 >= r->n || r->s[i + 1] < '0' || r->s[i + 1] > '9') return -1;
            int g = r->s[++i] - '0';
            while (i + 1 < r->n && r->s[i + 1] >= '0' && r->s[i + 1] <= '9' &&
                   g * 10 + (r->s[i + 1] - '0') < ngroups)
                g = g * 10 + (r->s[++i] - '0');
            if (g < ngroups && ov[2 * g] != PCRE2_UNSET &&
                !put(o, subj + ov[2 * g], ov[2 * g + 1] - ov[2 * g]))
                return 0;
        } else if (!put(o, &ch, 1)) {
            return 0;
        }
    }
    return 1;
}

static bs_status do_replace(bs_sp_ectx *c, const bs_sp_val *a, pcre2_code *code,
                            const bs_sp_val *r, bs_sp_val *out)
{
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
    if (!md) return BS_ERR_NOMEM;
    obuf o = {c, NULL, 0, 0};
    uint32_t ncap;
    pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &ncap);
    size_t pos = 0;
    int ok = 1;
    while (pos <= a->n && ok == 1) {
        int rc = pcre2_match(code, (PCRE2_SPTR)a->s, a->n, pos, 0, md, NULL);
        if (rc < 0) break;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        if (ov[0] == ov[1]) { ok = -1; break; } /* matches "": FORX0003 */
        if (!put(&o, a->s + pos, ov[0] - pos)) ok = 0;
        else ok = expand(&o, r, a->s, ov, (int)ncap + 1);
        pos = ov[1];
    }
    pcre2_match_data_free(md);
    if (ok == 0 || (ok == 1 && !put(&o, a->s + pos, a->n - pos))) return BS_ERR_NOMEM;
    if (ok < 0) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    bs_sp_val_str(out, o.p ? o.p : "", o.n, a->t == BS_V_LANG ? a->x : NULL, a->xn);
    return BS_OK;
}

bs_status bs_sp_func_regex(bs_sp_ectx *c, int fn, bs_sp_val *args,
                           size_t nargs, bs_sp_val *out)
{
    const bs_sp_val *a = &args[0];
    if (fn == BS_FN_REGEX) return fn_regex(a, nargs, args, out);
    uint32_t opts;
    const bs_sp_val *p = &args[1], *r = &args[2];
    if (!bs_sp_is_strlit(a) || p->t != BS_V_STR || r->t != BS_V_STR ||
        !parse_flags(nargs == 4 ? &args[3] : NULL, &opts)) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    pcre2_code *code = compile(p->s, p->n, opts);
    if (!code) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    return do_replace(c, a, code, r, out);
}
