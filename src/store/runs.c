/* SPDX-License-Identifier: MIT
 * battstore — sorted runs for the bulk loader: batches sorted per index
 * order by a worker thread, spilled to temporary files, merged and
 * written in key order (see runs.h). */
#include "config.h"
#include "store/runs.h"
#include "util/bigmem.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { uint64_t w[3]; } k3;   /* a quad's ids in one index order */

typedef enum { JOB_NONE, JOB_SPILL, JOB_SORT, JOB_QUIT } job_kind;

struct bs_runs {
    size_t batch;
    bs_quad *fill, *spare; /* the caller fills one, the worker reads the other */
    size_t nfill, nspare;
    k3 *scratch[2];
    FILE **runs[BS_NIDX];
    size_t nruns;
    /* worker */
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    job_kind job;
    int job_index, job_slot;
    bool single;           /* the final batch holds one graph only */
    bool busy;
    bs_status job_status;
};

/* A quad in one index order as its BS_QUAD_BYTES big-endian bytes,
 * left-aligned in three words, so word comparison = byte order. */
static inline k3 k3_pack(int index, const bs_quad *q)
{
    const int *o = bs_orderings[index];
#if BS_ID_BYTES == 5
    uint64_t a = bs_quad_pos(q, o[0]), b = bs_quad_pos(q, o[1]);
    uint64_t c = bs_quad_pos(q, o[2]), d = bs_quad_pos(q, o[3]);
    k3 k = {{a << 24 | b >> 16, (b & 0xffff) << 48 | c << 8 | d >> 32, d << 32}};
#else
    uint8_t buf[24] = {0};
    for (int j = 0; j < 4; j++) bs_id_put(buf + j * BS_ID_BYTES, bs_quad_pos(q, o[j]));
    k3 k = {{bs_get64be(buf), bs_get64be(buf + 8), bs_get64be(buf + 16)}};
#endif
    return k;
}

/* Big-endian bytes of k: the key bytes, then the data bytes. */
static inline void k3_bytes(const k3 *k, uint8_t out[24])
{
    bs_put64be(out, k->w[0]);
    bs_put64be(out + 8, k->w[1]);
    bs_put64be(out + 16, k->w[2]);
}

static inline bs_quad k3_unpack(int index, const k3 *k)
{
    const int *o = bs_orderings[index];
    uint8_t buf[24];
    bs_quad q = {0, 0, 0, 0};
    k3_bytes(k, buf);
    for (int j = 0; j < 4; j++) bs_quad_setpos(&q, o[j], bs_id_get(buf + j * BS_ID_BYTES));
    return q;
}

static inline int k3_cmp(const k3 *a, const k3 *b)
{
    for (int i = 0; i < 3; i++)
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static void k3_isort(k3 *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        k3 x = a[i];
        size_t j = i;
        while (j && k3_cmp(&x, &a[j - 1]) < 0) { a[j] = a[j - 1]; j--; }
        a[j] = x;
    }
}

/* Quicksort (median of three, loop on the larger side) with an inline
 * comparison: several times faster than qsort() on these keys. */
static void k3_qsort(k3 *a, size_t n);

/* Sort; input already in order (typical for SPOG and GSPO, since ids are
 * handed out in arrival order) costs one pass. */
static void k3_sort(k3 *a, size_t n)
{
    size_t i = 1;
    while (i < n && k3_cmp(&a[i - 1], &a[i]) <= 0) i++;
    if (i < n) k3_qsort(a, n);
}

static void k3_qsort(k3 *a, size_t n)
{
    while (n > 24) {
        size_t m = n / 2;
        if (k3_cmp(&a[m], &a[0]) < 0) { k3 t = a[m]; a[m] = a[0]; a[0] = t; }
        if (k3_cmp(&a[n - 1], &a[m]) < 0) { k3 t = a[m]; a[m] = a[n - 1]; a[n - 1] = t;
            if (k3_cmp(&a[m], &a[0]) < 0) { t = a[m]; a[m] = a[0]; a[0] = t; } }
        k3 p = a[m];
        size_t i = 0, j = n - 1;
        for (;;) {
            while (k3_cmp(&a[i], &p) < 0) i++;
            while (k3_cmp(&p, &a[j]) < 0) j--;
            if (i >= j) break;
            k3 t = a[i]; a[i] = a[j]; a[j] = t;
            i++; j--;
        }
        size_t left = j + 1;
        if (left < n - left) { k3_qsort(a, left); a += left; n -= left; }
        else { k3_qsort(a + left, n - left); n = left; }
    }
    k3_isort(a, n);
}

/* One sorted source of the merge: a run file or the in-memory batch. */
typedef struct {
    FILE *f;
    k3 *mem;
    size_t pos, len;
    k3 chunk[1024];
    k3 cur;
    bool live;
    int from, to; /* from >= 0: re-pack keys of order `from` into `to` */
} source;

static void src_next(source *s)
{
    if (s->f) {
        if (s->pos == s->len) {
            s->len = fread(s->chunk, sizeof(k3), 1024, s->f);
            s->pos = 0;
            if (!s->len) { s->live = false; return; }
        }
        s->cur = s->chunk[s->pos++];
    } else {
        if (s->pos == s->len) { s->live = false; return; }
        s->cur = s->mem[s->pos++];
    }
    if (s->from >= 0) {
        bs_quad q = k3_unpack(s->from, &s->cur);
        s->cur = k3_pack(s->to, &q);
    }
    s->live = true;
}

/* Put one key into a non-empty index; counts it when it was new. */
static bs_status put_one(MDB_cursor *c, const k3 *k, uint64_t *added)
{
    uint8_t bytes[24];
    k3_bytes(k, bytes);
    MDB_val key = {BS_KEY_BYTES, bytes}, val = {BS_DATA_BYTES, bytes + BS_KEY_BYTES};
    int rc = mdb_cursor_put(c, &key, &val, MDB_NODUPDATA);
    if (rc == MDB_KEYEXIST) return BS_OK;
    if (rc) return bs_mdb_status(rc);
    (*added)++;
    return BS_OK;
}

/* Appending to an empty index: the duplicates of one key are gathered and
 * written with one MDB_MULTIPLE put (no re-seek per item). */
#define GROUP_MAX 4096
typedef struct {
    MDB_cursor *c;
    uint8_t key[BS_KEY_BYTES];
    uint8_t data[GROUP_MAX * BS_DATA_BYTES];
    size_t n;
    bool key_written; /* an earlier group of this key is in the index */
} group;

static bs_status group_flush(group *g)
{
    if (!g->n) return BS_OK;
    MDB_val key = {BS_KEY_BYTES, g->key};
    MDB_val vals[2] = {{BS_DATA_BYTES, g->data}, {g->n, NULL}};
    unsigned fl = MDB_MULTIPLE | MDB_APPENDDUP | (g->key_written ? 0 : MDB_APPEND);
    int rc = mdb_cursor_put(g->c, &key, vals, fl);
    if (rc) return bs_mdb_status(rc);
    if (vals[1].mv_size != g->n) return BS_ERR_INTERNAL;
    g->key_written = true;
    g->n = 0;
    return BS_OK;
}

static bs_status group_add(group *g, const k3 *k, uint64_t *added)
{
    uint8_t bytes[24];
    k3_bytes(k, bytes);
    bs_status st = BS_OK;
    if (memcmp(bytes, g->key, BS_KEY_BYTES) != 0) {
        st = group_flush(g);
        memcpy(g->key, bytes, BS_KEY_BYTES);
        g->key_written = false;
    } else if (g->n == GROUP_MAX) {
        st = group_flush(g);
    }
    memcpy(g->data + BS_DATA_BYTES * g->n++, bytes + BS_KEY_BYTES, BS_DATA_BYTES);
    (*added)++;
    return st;
}

static bs_status write_index(bs_runs *b, bs_txn *txn, int index, k3 *mem,
                             size_t nmem, uint64_t *added)
{
    size_t ns = b->nruns + 1;
    source *srcs = calloc(ns, sizeof *srcs);
    group *grp = calloc(1, sizeof *grp);
    if (!srcs || !grp) { free(srcs); free(grp); return BS_ERR_NOMEM; }
    for (size_t r = 0; r < b->nruns; r++) {
        srcs[r].from = -1;
        srcs[r].f = b->runs[index][r];
        if (!srcs[r].f) { /* a one-graph run: re-pack its partner's keys */
            srcs[r].f = b->runs[index - BS_GSPO][r];
            srcs[r].from = index - BS_GSPO;
            srcs[r].to = index;
        }
        rewind(srcs[r].f);
        src_next(&srcs[r]);
    }
    srcs[b->nruns].from = -1;
    srcs[b->nruns].mem = mem;
    srcs[b->nruns].len = nmem;
    src_next(&srcs[b->nruns]);
    MDB_dbi dbi = txn->store->idx[index];
    MDB_stat ms;
    int rc = mdb_stat(txn->txn, dbi, &ms);
    if (!rc) rc = mdb_cursor_open(txn->txn, dbi, &grp->c);
    bs_status st = bs_mdb_status(rc);
    bool append = ms.ms_entries == 0;
    k3 prev;
    bool have_prev = false;
    while (st == BS_OK) {
        source *best = NULL;
        for (size_t r = 0; r < ns; r++)
            if (srcs[r].live && (!best || k3_cmp(&srcs[r].cur, &best->cur) < 0))
                best = &srcs[r];
        if (!best) break;
        k3 k = best->cur;
        src_next(best);
        if (have_prev && k3_cmp(&k, &prev) == 0) continue;
        st = append ? group_add(grp, &k, added) : put_one(grp->c, &k, added);
        prev = k;
        have_prev = true;
    }
    if (st == BS_OK && append) st = group_flush(grp);
    if (grp->c) mdb_cursor_close(grp->c);
    free(grp);
    free(srcs);
    return st;
}


/* ---- the run builder and its worker -------------------------------- */


/* Indexes in the order they are prepared: each G-first index right after
 * the index with the same order of s, p, o. */
static const int prep_order[BS_NIDX] = {BS_SPOG, BS_GSPO, BS_POSG, BS_GPOS, BS_OSPG, BS_GOSP};

static bool single_graph(const bs_quad *q, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (q[i].g != q[0].g) return false;
    return true;
}

/* Sort n quads in index order into out.  When every quad has the same
 * graph, a G-first order equals the order of its partner (SPOG for
 * GSPO, ...): `sorted` holds the partner's sorted keys and a linear
 * re-pack replaces the sort.  `sorted` may equal `out`. */
static void sort_into(const bs_quad *q, size_t n, int index, k3 *out,
                      const k3 *sorted, bool single)
{
    if (single && index >= BS_GSPO && sorted) {
        for (size_t i = 0; i < n; i++) {
            bs_quad x = k3_unpack(index - BS_GSPO, &sorted[i]);
            out[i] = k3_pack(index, &x);
        }
        return;
    }
    for (size_t i = 0; i < n; i++) out[i] = k3_pack(index, &q[i]);
    k3_sort(out, n);
}

/* Worker: sort the spare batch six ways and write six run files. */
static bs_status do_spill(bs_runs *r)
{
    for (int i = 0; i < BS_NIDX; i++) {
        FILE **nr = realloc(r->runs[i], (r->nruns + 1) * sizeof *nr);
        if (!nr) return BS_ERR_NOMEM;
        r->runs[i] = nr;
        nr[r->nruns] = NULL;
    }
    r->nruns++;
    bool single = single_graph(r->spare, r->nspare);
    for (int i = 0; i < BS_NIDX; i++) {
        /* a run of one graph needs no G-first files: the merge re-packs
         * the partner's sorted keys (same order when g is constant) */
        if (single && i >= BS_GSPO) continue;
        FILE *f = tmpfile();
        if (!f) return BS_ERR_IO;
        r->runs[i][r->nruns - 1] = f;
        sort_into(r->spare, r->nspare, i, r->scratch[0], NULL, false);
        if (fwrite(r->scratch[0], sizeof(k3), r->nspare, f) != r->nspare || fflush(f))
            return BS_ERR_IO;
    }
    return BS_OK;
}

static void *worker(void *arg)
{
    bs_runs *r = arg;
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (r->job == JOB_NONE) pthread_cond_wait(&r->cv, &r->mu);
        job_kind job = r->job;
        if (job == JOB_QUIT) break;
        pthread_mutex_unlock(&r->mu);
        bs_status st = BS_OK;
        if (job == JOB_SPILL) st = do_spill(r);
        else sort_into(r->fill, r->nfill, r->job_index, r->scratch[r->job_slot],
                       r->scratch[!r->job_slot], r->single);
        pthread_mutex_lock(&r->mu);
        if (st != BS_OK && r->job_status == BS_OK) r->job_status = st;
        r->job = JOB_NONE;
        r->busy = false;
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* Wait until the worker is idle; its first error, if any. */
static bs_status wait_idle(bs_runs *r)
{
    if (!r->started) return BS_OK;
    pthread_mutex_lock(&r->mu);
    while (r->busy) pthread_cond_wait(&r->cv, &r->mu);
    bs_status st = r->job_status;
    pthread_mutex_unlock(&r->mu);
    return st;
}

static bs_status post(bs_runs *r, job_kind job, int index, int slot)
{
    if (!r->started) {
        if (pthread_create(&r->thread, NULL, worker, r) != 0) return BS_ERR_NOMEM;
        r->started = true;
    }
    pthread_mutex_lock(&r->mu);
    r->job = job;
    r->job_index = index;
    r->job_slot = slot;
    r->busy = true;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return BS_OK;
}

bs_status bs_runs_new(size_t batch, bs_runs **out)
{
    *out = NULL;
    bs_runs *r = calloc(1, sizeof *r);
    if (!r) return BS_ERR_NOMEM;
    r->batch = batch;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    r->fill = bs_big_alloc(batch * sizeof *r->fill);
    if (!r->fill) {
        bs_runs_free(r);
        return BS_ERR_NOMEM;
    }
    *out = r;
    return BS_OK;
}

/* Allocate a batch-sized buffer on first use. */
static bs_status ensure(void **p, size_t bytes)
{
    if (!*p && !(*p = bs_big_alloc(bytes))) return BS_ERR_NOMEM;
    return BS_OK;
}

bs_status bs_runs_add(bs_runs *r, const bs_quad *q)
{
    bs_status st;
    if (r->nfill == r->batch) {
        TRY(st, wait_idle(r));
        TRY(st, ensure((void **)&r->spare, r->batch * sizeof *r->spare));
        TRY(st, ensure((void **)&r->scratch[0], r->batch * sizeof(k3)));
        bs_quad *t = r->spare;
        r->spare = r->fill;
        r->nspare = r->nfill;
        r->fill = t;
        r->nfill = 0;
        TRY(st, post(r, JOB_SPILL, 0, 0));
    }
    r->fill[r->nfill++] = *q;
    return BS_OK;
fail:
    return st;
}

bs_status bs_runs_write(bs_runs *r, bs_txn *txn, uint64_t *added)
{
    bs_status st;
    uint64_t counts[BS_NIDX] = {0};
    TRY(st, wait_idle(r));
    for (int s = 0; s < 2; s++)
        TRY(st, ensure((void **)&r->scratch[s], r->batch * sizeof(k3)));
    bool threaded = r->nfill > 100000 || r->started;
    r->single = single_graph(r->fill, r->nfill);
    if (threaded) TRY(st, post(r, JOB_SORT, prep_order[0], 0));
    for (int k = 0; k < BS_NIDX; k++) {
        int i = prep_order[k], slot = k % 2;
        if (threaded) {
            /* the worker prepares the next index while this one is written */
            TRY(st, wait_idle(r));
            if (k + 1 < BS_NIDX) TRY(st, post(r, JOB_SORT, prep_order[k + 1], !slot));
        } else {
            sort_into(r->fill, r->nfill, i, r->scratch[slot], r->scratch[!slot], r->single);
        }
        TRY(st, write_index(r, txn, i, r->scratch[slot], r->nfill, &counts[i]));
    }
    for (int i = 1; i < BS_NIDX; i++)
        if (counts[i] != counts[0]) return BS_ERR_CORRUPT; /* indexes disagree */
    if (added) *added = counts[0];
    r->nfill = 0;
    return BS_OK;
fail:
    wait_idle(r);
    return st;
}

void bs_runs_free(bs_runs *r)
{
    if (!r) return;
    if (r->started) {
        wait_idle(r);
        pthread_mutex_lock(&r->mu);
        r->job = JOB_QUIT;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        pthread_join(r->thread, NULL);
    }
    for (int i = 0; i < BS_NIDX; i++) {
        for (size_t k = 0; r->runs[i] && k < r->nruns; k++)
            if (r->runs[i][k]) fclose(r->runs[i][k]);
        free(r->runs[i]);
    }
    bs_big_free(r->fill, r->batch * sizeof *r->fill);
    bs_big_free(r->spare, r->batch * sizeof *r->spare);
    bs_big_free(r->scratch[0], r->batch * sizeof(k3));
    bs_big_free(r->scratch[1], r->batch * sizeof(k3));
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}
