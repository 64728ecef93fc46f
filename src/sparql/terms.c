/* SPDX-License-Identifier: MIT
 * battstore — query-local terms: ids (BS_SP_LOCAL set, kind bits as for
 * store ids) for terms the store does not hold, in a per-request table.
 * Interning looks in the store first, so id equality stays RDF term
 * equality.  Term bytes live in chunks that never move: views stay
 * valid until the exec is freed. */
#include "config.h"
#include "sparql/exec_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES 65536

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

/* A direct-mapped cache of store ids' terms.  The views borrow from the
 * read transaction's snapshot, valid until it ends, so it is kept only
 * for read transactions (a write may move what a view points at). */
#define TCACHE_SIZE 4096
#define TCACHE_AFTER 512 /* lookups before the cache is worth its memory */
typedef struct {
    bs_id id;
    bs_term t;
    bool hot;  ///< hit since it was stored: survives one miss on its slot
} tcache_ent;

struct bs_sp_terms {
    bs_sp_exec *ex;
    chunk *chunks;
    bs_term *terms;   ///< by sequence number
    uint64_t *hashes; ///< encoding hash per term (0 for fresh blank nodes)
    size_t n, cap;
    uint32_t *slots;  ///< 0 empty, else seq + 1
    size_t nslots;
    tcache_ent *cache; ///< store ids decoded lately (read transactions)
    size_t misses;     ///< store lookups so far (the cache starts later)
};

bs_status bs_sp_terms_new(bs_sp_exec *ex, bs_sp_terms **out)
{
    bs_sp_terms *t = calloc(1, sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    t->ex = ex;
    *out = t;
    return BS_OK;
}

void bs_sp_terms_free(bs_sp_terms *t)
{
    if (!t) return;
    for (chunk *c = t->chunks, *nx; c; c = nx) {
        nx = c->next;
        free(c);
    }
    free(t->terms);
    free(t->hashes);
    free(t->slots);
    free(t->cache);
    free(t);
}

/* Copy len bytes into the arena; borrowed until bs_sp_terms_free(). */
static bs_status arena_copy(bs_sp_terms *t, const char *s, size_t len,
                            const char **out)
{
    chunk *c = t->chunks;
    if (!c || c->cap - c->used < len) {
        size_t cap = len > CHUNK_BYTES ? len : CHUNK_BYTES;
        bs_status st = bs_sp_mem(t->ex, (long long)(cap + sizeof *c));
        if (st != BS_OK) return st;
        c = malloc(sizeof *c + cap);
        if (!c) return BS_ERR_NOMEM;
        c->used = 0;
        c->cap = cap;
        c->next = t->chunks;
        t->chunks = c;
    }
    if (len) memcpy(c->data + c->used, s, len);
    *out = c->data + c->used;
    c->used += len;
    return BS_OK;
}

static bs_status grow_terms(bs_sp_terms *t)
{
    size_t ncap = t->cap ? 2 * t->cap : 64;
    bs_status st = bs_sp_mem(t->ex, (long long)((ncap - t->cap) *
                                                (sizeof(bs_term) + 8)));
    if (st != BS_OK) return st;
    bs_term *nt = realloc(t->terms, ncap * sizeof *nt);
    if (!nt) return BS_ERR_NOMEM;
    t->terms = nt;
    uint64_t *nh = realloc(t->hashes, ncap * sizeof *nh);
    if (!nh) return BS_ERR_NOMEM;
    t->hashes = nh;
    t->cap = ncap;
    return BS_OK;
}

static bs_status grow_slots(bs_sp_terms *t)
{
    size_t n = t->nslots ? 2 * t->nslots : 128;
    bs_status st = bs_sp_mem(t->ex, (long long)((n - t->nslots) * 4));
    if (st != BS_OK) return st;
    uint32_t *s = calloc(n, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    for (size_t i = 0; i < t->nslots; i++) {
        if (!t->slots[i]) continue;
        size_t j = t->hashes[t->slots[i] - 1] & (n - 1);
        while (s[j]) j = (j + 1) & (n - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->nslots = n;
    return BS_OK;
}

static bs_id local_id(const bs_term *term, size_t seq)
{
    return BS_SP_LOCAL | bs_id_make(term->kind, seq);
}

/* Append a copy of term as a new local term (hash 0: not findable). */
static bs_status add_term(bs_sp_terms *t, const bs_term *term, uint64_t h,
                          size_t *seq)
{
    bs_status st;
    if (t->n == t->cap && (st = grow_terms(t)) != BS_OK) return st;
    if (t->n >= UINT32_MAX - 1) return BS_ERR_LIMIT;
    bs_term c = *term;
    if ((st = arena_copy(t, term->lex, term->lex_len, &c.lex)) != BS_OK) return st;
    if (term->extra_len || term->extra) {
        st = arena_copy(t, term->extra ? term->extra : "", term->extra_len, &c.extra);
        if (st != BS_OK) return st;
    }
    t->terms[t->n] = c;
    t->hashes[t->n] = h;
    *seq = t->n++;
    return BS_OK;
}

static uint64_t term_hash(const bs_term *term)
{
    uint64_t h = bs_hash64(term->lex, term->lex_len) ^ ((uint64_t)term->kind << 56);
    if (term->extra && term->kind == BS_TERM_LANG && term->extra_len <= 64) {
        char tag[64]; /* tags are case-insensitive: hash them folded */
        for (size_t i = 0; i < term->extra_len; i++) {
            char c = term->extra[i];
            tag[i] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
        h ^= bs_hash64(tag, term->extra_len) * 31;
    } else if (term->extra) {
        h ^= bs_hash64(term->extra, term->extra_len) * 31;
    }
    return h | 1; /* never 0: 0 marks fresh blank nodes */
}

/* The store's id of a term (the store's encoding folds language tags to
 * lower case, so any spelling of a tag finds the term). */
static bs_status lookup(bs_sp_exec *ex, const bs_term *term, bs_id *out)
{
    return bs_dict_lookup(ex->txn, term, out);
}

bs_status bs_sp_intern(bs_sp_exec *ex, const bs_term *term, bs_id *out)
{
    bs_term norm = *term;
    if (norm.kind == BS_TERM_TYPED && norm.extra_len == strlen(BS_XSD_STRING) &&
        memcmp(norm.extra, BS_XSD_STRING, norm.extra_len) == 0) {
        norm.kind = BS_TERM_LITERAL;
        norm.extra = NULL;
        norm.extra_len = 0;
    }
    if (norm.kind != BS_TERM_LANG && norm.kind != BS_TERM_TYPED) {
        norm.extra = NULL;
        norm.extra_len = 0;
    }
    bs_status st = lookup(ex, &norm, out);
    if (st != BS_NOT_FOUND) return st;
    bs_sp_terms *t = ex->terms;
    if ((t->n + 1) * 2 > t->nslots && (st = grow_slots(t)) != BS_OK) return st;
    uint64_t h = term_hash(&norm);
    size_t j = h & (t->nslots - 1);
    for (; t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
        size_t seq = t->slots[j] - 1;
        if (t->hashes[seq] == h && bs_term_equal(&t->terms[seq], &norm)) {
            *out = local_id(&norm, seq);
            return BS_OK;
        }
    }
    size_t seq;
    if ((st = add_term(t, &norm, h, &seq)) != BS_OK) return st;
    t->slots[j] = (uint32_t)(seq + 1);
    *out = local_id(&norm, seq);
    return BS_OK;
}

bs_status bs_sp_fresh_bnode(bs_sp_exec *ex, bs_id *out)
{
    bs_sp_terms *t = ex->terms;
    char label[40];
    int len = snprintf(label, sizeof label, "bs_q%zu", t->n);
    bs_term b = bs_term_bnode(label, (size_t)len);
    size_t seq;
    bs_status st = add_term(t, &b, 0, &seq);
    if (st != BS_OK) return st;
    *out = local_id(&b, seq);
    return BS_OK;
}

static inline tcache_ent *cache_slot(const bs_sp_terms *t, bs_id id)
{
    return &t->cache[(id * 0x9e3779b97f4a7c15ULL) >> (64 - 12)];
}

/* A store id that missed the cache (or before the cache): the dictionary,
 * then the cache's slot.  Out of line: the hit path stays a few
 * instructions without this one's frame. */
static __attribute__((noinline)) bs_status store_term(bs_sp_exec *ex, bs_id id, bs_term *out)
{
    bs_sp_terms *t = ex->terms;
    tcache_ent *e = NULL;
    if (t->cache) {
        e = cache_slot(t, id);
        /* a term met once (a row's own subject) does not push out one met
         * on every row: a hot entry only cools, the next miss replaces it */
        if (e->hot) {
            e->hot = false;
            e = NULL;
        }
    } else if (++t->misses == TCACHE_AFTER && !bs_txn_writable(ex->txn)) {
        t->cache = calloc(TCACHE_SIZE, sizeof *t->cache);
    }
    bs_status st = bs_dict_get(ex->txn, id, out);
    if (st == BS_OK && e) {
        e->id = id;
        e->t = *out;
        e->hot = false;
    }
    return st;
}

bs_status bs_sp_term(bs_sp_exec *ex, bs_id id, bs_term *out)
{
    if (!id || id == BS_ANY) return BS_NOT_FOUND;
    if (!bs_sp_is_local(id)) {
        const bs_sp_terms *t = ex->terms;
        tcache_ent *e;
        if (t->cache && (e = cache_slot(t, id))->id == id) {
            e->hot = true;
            *out = e->t;
            return BS_OK;
        }
        return store_term(ex, id, out);
    }
    uint64_t seq = id & ((((uint64_t)1) << BS_ID_SEQ_BITS) - 1);
    if (seq >= ex->terms->n) return BS_NOT_FOUND;
    *out = ex->terms->terms[seq];
    return BS_OK;
}

bs_id bs_sp_const_id(bs_sp_exec *ex, int cid)
{
    if (cid < 0 || !ex->consts || (size_t)cid >= ex->q->nconsts) return 0;
    return ex->consts[cid];
}

/* The term view of a constant of the request. */
static bs_term const_term(const bs_sp_const *c)
{
    switch (c->kind) {
    case BS_TERM_IRI: return bs_term_iri(c->lex, c->lex_len);
    case BS_TERM_BNODE: return bs_term_bnode(c->lex, c->lex_len);
    case BS_TERM_LANG:
        return bs_term_literal(c->lex, c->lex_len, c->extra, c->extra_len, NULL, 0);
    case BS_TERM_TYPED:
        return bs_term_literal(c->lex, c->lex_len, NULL, 0, c->extra, c->extra_len);
    default: return bs_term_literal(c->lex, c->lex_len, NULL, 0, NULL, 0);
    }
}

bs_status bs_sp_consts_resolve(bs_sp_exec *ex)
{
    const bs_sparql *q = ex->q;
    if (!q->nconsts) return BS_OK;
    ex->consts = calloc(q->nconsts, sizeof(bs_id));
    if (!ex->consts) return BS_ERR_NOMEM;
    for (size_t i = 0; i < q->nconsts; i++) {
        bs_term t = const_term(&q->consts[i]);
        bs_status st = bs_sp_intern(ex, &t, &ex->consts[i]);
        if (st != BS_OK) return st;
    }
    return BS_OK;
}
