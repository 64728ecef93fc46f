/* SPDX-License-Identifier: MIT
 * battstore — the parser → transaction statement queue (see pipe.h). */
#include "config.h"
#include "ingest/pipe.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *mem;
    size_t cap, used;
} batch;

struct bs_pipe {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    batch b[BS_PIPE_BATCHES];
    /* queue of filled batch numbers: q[head], ... (nfull of them) */
    size_t q[BS_PIPE_BATCHES];
    size_t head, nfull;
    size_t fill;          /* batch the producer writes (not in the ring) */
    bool closed, aborted;
    bs_status prod_st;
    /* consumer's current batch */
    bool reading;
    size_t rd, rd_pos;
};

bs_status bs_pipe_new(bs_pipe **out)
{
    *out = NULL;
    bs_pipe *p = calloc(1, sizeof *p);
    if (!p) return BS_ERR_NOMEM;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (int i = 0; i < BS_PIPE_BATCHES; i++) {
        p->b[i].cap = BS_PIPE_BATCH_BYTES;
        if (!(p->b[i].mem = malloc(p->b[i].cap))) {
            bs_pipe_free(p);
            return BS_ERR_NOMEM;
        }
    }
    *out = p;
    return BS_OK;
}

void bs_pipe_free(bs_pipe *p)
{
    if (!p) return;
    for (int i = 0; i < BS_PIPE_BATCHES; i++) free(p->b[i].mem);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

/* Record layout of one term: kind (1 byte; 0 = absent), lex_len and
 * extra_len (4 bytes each, native order), then the bytes. */
static size_t term_size(const bs_term *t)
{
    return 9 + (t ? t->lex_len + t->extra_len : 0);
}

static uint8_t *put_term(uint8_t *w, const bs_term *t)
{
    uint32_t ll = t ? (uint32_t)t->lex_len : 0, el = t ? (uint32_t)t->extra_len : 0;
    *w++ = t ? (uint8_t)t->kind : 0;
    memcpy(w, &ll, 4);
    memcpy(w + 4, &el, 4);
    w += 8;
    if (ll) memcpy(w, t->lex, ll);
    w += ll;
    if (el) memcpy(w, t->extra, el);
    return w + el;
}

static const uint8_t *get_term(const uint8_t *r, bs_term *t, bool *present)
{
    uint32_t ll, el;
    *present = *r != 0;
    t->kind = (bs_term_kind)*r++;
    memcpy(&ll, r, 4);
    memcpy(&el, r + 4, 4);
    r += 8;
    t->lex = (const char *)r;
    t->lex_len = ll;
    r += ll;
    t->extra = (const char *)r;
    t->extra_len = el;
    return r + el;
}

static bool batch_free(const bs_pipe *p, size_t k)
{
    for (size_t j = 0; j < p->nfull; j++)
        if (p->q[(p->head + j) % BS_PIPE_BATCHES] == k) return false;
    return !(p->reading && p->rd == k);
}

/* Producer, lock held: queue the filled batch and wait for a free one. */
static bs_status swap_batch(bs_pipe *p)
{
    p->q[(p->head + p->nfull) % BS_PIPE_BATCHES] = p->fill;
    p->nfull++;
    pthread_cond_broadcast(&p->cv);
    for (;;) {
        if (p->aborted) return BS_ERR_BUSY;
        for (size_t k = 0; k < BS_PIPE_BATCHES; k++) {
            if (k != p->fill && batch_free(p, k)) {
                p->fill = k;
                p->b[k].used = 0;
                return BS_OK;
            }
        }
        pthread_cond_wait(&p->cv, &p->mu);
    }
}

bs_status bs_pipe_push(bs_pipe *p, const bs_term *s, const bs_term *pr,
                       const bs_term *o, const bs_term *g)
{
    size_t need = term_size(s) + term_size(pr) + term_size(o) + term_size(g);
    batch *b = &p->b[p->fill];
    if (b->used + need > b->cap && b->used) {
        pthread_mutex_lock(&p->mu);
        bs_status st = swap_batch(p);
        pthread_mutex_unlock(&p->mu);
        if (st != BS_OK) return st;
        b = &p->b[p->fill];
    }
    if (need > b->cap) { /* one huge statement: grow this batch */
        uint8_t *nm = realloc(b->mem, need);
        if (!nm) return BS_ERR_NOMEM;
        b->mem = nm;
        b->cap = need;
    }
    uint8_t *w = b->mem + b->used;
    w = put_term(w, s);
    w = put_term(w, pr);
    w = put_term(w, o);
    put_term(w, g);
    b->used += need;
    return BS_OK;
}

void bs_pipe_close(bs_pipe *p, bs_status st)
{
    pthread_mutex_lock(&p->mu);
    if (p->b[p->fill].used && !p->aborted) {
        p->q[(p->head + p->nfull) % BS_PIPE_BATCHES] = p->fill;
        p->nfull++;
    }
    p->closed = true;
    p->prod_st = st;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

bs_status bs_pipe_next(bs_pipe *p, bs_pipe_stmt *out)
{
    if (p->aborted) return BS_ERR_BUSY; /* only the consumer sets it */
    if (p->reading && p->rd_pos == p->b[p->rd].used) {
        pthread_mutex_lock(&p->mu);
        p->reading = false; /* the batch is free again */
        p->head = (p->head + 1) % BS_PIPE_BATCHES;
        p->nfull--;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    if (!p->reading) {
        pthread_mutex_lock(&p->mu);
        while (!p->nfull && !p->closed && !p->aborted) pthread_cond_wait(&p->cv, &p->mu);
        bs_status st = p->aborted ? BS_ERR_BUSY : BS_OK;
        if (st == BS_OK && !p->nfull) st = p->prod_st == BS_OK ? BS_END : p->prod_st;
        if (st == BS_OK) {
            p->reading = true;
            p->rd = p->q[p->head];
            p->rd_pos = 0;
        }
        pthread_mutex_unlock(&p->mu);
        if (st != BS_OK) return st;
    }
    const uint8_t *r = p->b[p->rd].mem + p->rd_pos, *start = r;
    bool present;
    r = get_term(r, &out->s, &present);
    r = get_term(r, &out->p, &present);
    r = get_term(r, &out->o, &present);
    r = get_term(r, &out->g, &out->has_graph);
    p->rd_pos += (size_t)(r - start);
    return BS_OK;
}

void bs_pipe_abort(bs_pipe *p)
{
    pthread_mutex_lock(&p->mu);
    p->aborted = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
}
