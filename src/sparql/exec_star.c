/* SPDX-License-Identifier: MIT
 * battstore — star joins: a BGP whose patterns all hang off one subject
 * variable (`?d :p ?a ; :q ?b ; :r C`), each with a constant predicate.
 *
 * The nested loop (exec_bgp.c) seeks every other pattern's index once
 * per row of the first one, then switches to hash tables probed in the
 * first pattern's order: random accesses, and rows in an order that
 * sends the output's term lookups all over the dictionary.  Here:
 *  - phase 1 (the first subjects, so that a LIMIT stays cheap): the
 *    driver pattern (smallest estimate) is scanned and every other
 *    pattern sought per driver quad, exactly as the nested loop does;
 *  - phase 2 (the rest): the driver's remaining quads and every other
 *    pattern's whole range are read once as (subject, object) pairs and
 *    merged by subject: each subject present in all of them gives the
 *    cross product of its objects.  A range whose subjects are dense
 *    (ids spread over at most 4 per pair) becomes one 32-bit slot per
 *    subject id: its object (or the pair's number), looked up directly
 *    by the merge; only subjects of several objects are sorted.  Other
 *    ranges are sorted by subject (stable radix sort; already sorted
 *    input costs one pass).  POSG gives a range in (object, subject)
 *    order, so sorting it moved every pair twice through memory (a third
 *    of q3's time at 10M); filling the slots writes 4 bytes a pair.
 *  - with a second CPU (util/worker.h), a big range's slots or sort are
 *    made on a job while the query's thread reads the next range (LMDB
 *    stays on the transaction's thread); the merge itself can run on a
 *    job that hands its rows over in chunks (bs_sp_star_pipe, off by
 *    default: measured slower on a 2-vCPU VM).
 * Every range is read through bs_sp_scan (the active graph, each triple
 * of the default graph once, hidden graphs skipped), so a subject's
 * objects per pattern are the quads a seek of (s, p, o) would give:
 * the rows are the nested loop's multiset.  Phase 2's rows come in
 * subject order, so the subjects and the literals numbered with them
 * (titles) reach the dictionary in ascending id order. */
#include "config.h"
#include "sparql/exec_star.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "util/worker.h"

/* A seek is worth this many quads read in a range (as in exec_bgp.c). */
#define SEEK_WORTH 24
/* Below this many matches of the smallest pattern the nested loop is
 * cheap anyway. */
#define STAR_MIN 256
/* Phase 1's driver quads: the estimated quads of all ranges / this,
 * within [SEEKS_MIN, SEEKS_MAX]. */
#define SEEKS_DIV 512
#define SEEKS_MIN 64
#define SEEKS_MAX 1024
/* A range is kept as one slot per subject id when its subjects spread
 * over at most this many ids per pair (+ SLOT_SLACK): 4 bytes a slot,
 * against the 16-byte pair. */
#define SLOT_SPREAD 4
#define SLOT_SLACK 4096
/* A slot: 0 = no object, MULTI = several (then in the sorted pairs), or
 * the object - olo + 1. */
#define SLOT_MULTI UINT32_MAX
/* Phase 2 on a job: the rows handed over in NCHUNK chunks of CHUNK_ROWS. */
#define NCHUNK 8
#define CHUNK_ROWS 1024
/* Radix sort digit. */
#define RADIX_BITS 11
#define RADIX (1u << RADIX_BITS)

/* A range's slots or sort go to a job (worker.h) from this many pairs
 * (below, a thread's start is not small against the work). */
size_t bs_sp_star_job_min = 65536;
void (*bs_sp_star_range_hook)(bool job);
/* Off: on this project's 2-vCPU VM the job slowed the query's own row
 * loop more than it saved (q3 10M, quiet: 86 ms with the range jobs
 * alone, 93 with the merge job too). */
bool bs_sp_star_pipe;
int bs_sp_star_policy;
bool bs_sp_star_msd = true;
bool bs_sp_star_slots = true;
bool bs_sp_star_slot_merge = true;
size_t bs_sp_star_prefetch = 64;
unsigned long bs_sp_star_slot_merges;
unsigned long bs_sp_star_slot_ranges, bs_sp_star_slot_indexed;
unsigned long bs_sp_star_msd_sorts;
long bs_sp_star_seeks = -1;
unsigned long bs_sp_star_taken, bs_sp_star_merged, bs_sp_star_piped;

/* One quad of a pattern's range: its subject and object. */
typedef struct {
    bs_id s, o;
} spair;

typedef struct {
    bs_id p;           ///< predicate
    bs_id o;           ///< constant object, or BS_ANY
    int ovar;          ///< object variable, or -1
    double est;        ///< the statistics' estimate of the range
    /* phase 1: this pattern's objects for the driver quad's subject */
    bs_sp_scan *seek;
    bs_id *buf;
    size_t nbuf, capbuf;
    /* phase 2: the range as pairs sorted by subject, and the merge's place */
    spair *v;
    size_t n, cap, at;
    size_t read;              ///< pairs read (n becomes the slots' extras)
    bs_id slo, shi, olo, ohi; ///< the pairs' subjects and objects span
    /* or as slots (the subjects of several objects: their pairs in v) */
    uint32_t *slot;
    spair *ov;                ///< objects ov[slot - 1].o, or NULL: olo + slot - 1
    size_t nslot, pos;        ///< slots, and the driver's next one
    bs_id one;                ///< the run's object when nrun == 1 (obj may be stale)
    /* the current subject's objects: obj[0], obj[stride], ... (nrun) */
    const bs_id *obj;
    size_t stride, nrun, i;
} star_pat;

/* A slot range as merge_slots reads it. */
typedef struct {
    const uint32_t *slot;
    bs_id slo;
    size_t nslot;
    const spair *ov;   ///< objects ov[slot - 1].o, or NULL: olo + slot - 1
    bs_id olo;
    int ovar;
} slot_view;

typedef struct {
    bs_sp_iter base;
    bs_sp_exec *ex;
    bs_id graph;
    size_t nt;
    int svar;          ///< the shared subject variable
    star_pat *pats;
    size_t drv;        ///< the driver pattern
    bs_sp_scan *dscan; ///< the driver's range (phase 1, then its rest)
    size_t budget;     ///< phase 1: driver quads left
    int phase;         ///< 1 seeks, 2 merge, 3 done
    bool in_group;     ///< the runs hold rows not yet returned
    bool single;       ///< ... one row: every pattern has one object
    slot_view *sv;     ///< phase 2 when every range is slots (merge_slots)
    size_t pf_at;      ///< the driver's next slot to prefetch the row of
    size_t npf;        ///< views of numbered objects in the output (sv + nt)
    unsigned ticks;    ///< rows and subjects since the start (see tick())
    bs_id *row;        ///< the seed, then the bindings
    long long mem;     ///< bytes accounted with bs_sp_mem
    atomic_bool stop;  ///< the query's thread failed: a job stops
    /* phase 2's merge on a job (piped): the query's thread only takes
     * its rows, and touches nothing above but ex, nt and mem */
    bs_chunks *q;
    bs_job *merge;
    const bs_id *qrows; ///< the chunk taken, its rows and the next one
    size_t qlen, qat;
    unsigned qticks;
} star_iter;

/* A range's slots or sort: made on the query's thread (its ticks and
 * accounting) or on a job's while the query's thread reads the next
 * range.  A job touches neither the query's state nor LMDB: it stops
 * when the query's thread sets si->stop, and its allocations (its
 * buffers, bounded by the range's pairs) are accounted when joined. */
typedef struct {
    star_iter *si;
    star_pat *sp;
    bool job;          ///< on a job's thread
    long long mem;     ///< job: bytes to account when joined
    bs_status st;      ///< job: its answer
} star_work;

static bs_status account(star_iter *si, long long delta)
{
    si->mem += delta;
    return bs_sp_mem(si->ex, delta);
}

/* The cancellation and deadline check of a range's work: a job's
 * answers to the query's thread, which checks them while reading. */
static bs_status work_tick(star_work *w)
{
    if (!w->job) return bs_sp_tick(w->si->ex);
    return atomic_load_explicit(&w->si->stop, memory_order_relaxed) ? BS_ERR_TIMEOUT : BS_OK;
}

static bs_status work_account(star_work *w, long long delta)
{
    if (!w->job) return account(w->si, delta);
    w->mem += delta;
    return BS_OK;
}

static void star_free(bs_sp_iter *it)
{
    star_iter *si = (star_iter *)it;
    if (!si) return;
    if (si->q) { /* the merge job first: it uses all the rest */
        atomic_store(&si->stop, true);
        bs_chunks_stop(si->q);
        bs_job_wait(si->merge);
        bs_chunks_free(si->q);
    }
    for (size_t k = 0; si->pats && k < si->nt; k++) {
        bs_sp_scan_free(si->pats[k].seek);
        free(si->pats[k].buf);
        free(si->pats[k].v);
        free(si->pats[k].slot);
        free(si->pats[k].ov);
    }
    bs_sp_scan_free(si->dscan);
    if (si->mem) bs_sp_mem(si->ex, -si->mem);
    free(si->pats);
    free(si->sv);
    free(si->row);
    free(si);
}

/* ---- sorting pairs by subject ------------------------------------------ */

/* Insertion sort (stable) for short arrays. */
static void small_sort(spair *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        spair x = v[i];
        size_t j = i;
        for (; j > 0 && v[j - 1].s > x.s; j--) v[j] = v[j - 1];
        v[j] = x;
    }
}

/* One stable counting pass of digit `shift` from src into dst; cnt holds
 * the digit's histogram (made offsets here).  With next, the histogram
 * of the following digit is taken on the way (no counting pass). */
static bs_status radix_pass(star_work *w, const spair *src, spair *dst, size_t n,
                            bs_id base, int shift, size_t *cnt, size_t *next)
{
    size_t sum = 0;
    for (size_t d = 0; d < RADIX; d++) {
        size_t c = cnt[d];
        cnt[d] = sum;
        sum += c;
    }
    if (next) memset(next, 0, RADIX * sizeof *next);
    for (size_t i = 0; i < n;) { /* blocks: the deadline check off the inner loop */
        bs_status st = work_tick(w);
        if (st != BS_OK) return st;
        for (size_t e = n - i > 4096 ? i + 4096 : n; i < e; i++) {
            bs_id k = src[i].s - base;
            if (next) next[(k >> (shift + RADIX_BITS)) & (RADIX - 1)]++;
            dst[cnt[(k >> shift) & (RADIX - 1)]++] = src[i];
        }
    }
    return BS_OK;
}

/* The first digit's histogram (s's low bits: the base below is a
 * multiple of RADIX), with the descents and the spread.  False when v is
 * sorted already. */
static bool first_count(const spair *v, size_t n, size_t *cnt, bs_id *lo, bs_id *hi)
{
    size_t desc = 0;
    bs_id l = v[0].s, h = l, prev = l;
    memset(cnt, 0, RADIX * sizeof *cnt);
    for (size_t i = 0; i < n; i++) {
        bs_id s = v[i].s;
        desc += s < prev;
        l = s < l ? s : l;
        h = s > h ? s : h;
        prev = s;
        cnt[s & (RADIX - 1)]++;
    }
    *lo = l;
    *hi = h;
    return desc > 0;
}

/* Bucket [a, e) of tmp, whose keys s - base share all but their low
 * lb bits, into v's same places by those bits: a counting sort whose
 * histogram (2^lb <= RADIX entries) and data stay in the cache. */
static void bucket_sort(const spair *tmp, spair *v, size_t a, size_t e, bs_id base,
                        int lb, uint32_t *h)
{
    bs_id mask = ((bs_id)1 << lb) - 1;
    if (e - a <= 16) {
        memcpy(v + a, tmp + a, (e - a) * sizeof *v);
        small_sort(v + a, e - a);
        return;
    }
    memset(h, 0, ((size_t)1 << lb) * sizeof *h);
    for (size_t i = a; i < e; i++) h[(tmp[i].s - base) & mask]++;
    uint32_t sum = 0;
    for (size_t d = 0; d <= mask; d++) {
        uint32_t c = h[d];
        h[d] = sum;
        sum += c;
    }
    spair *w = v + a;
    for (size_t i = a; i < e; i++) w[h[(tmp[i].s - base) & mask]++] = tmp[i];
}

/* Sort v (n pairs, keys s - base of bits bits, RADIX_BITS < bits <=
 * 2 * RADIX_BITS) through tmp, stable: a pass on the high digit, then
 * each bucket by its low bits.  The ranges are a few runs ascending in
 * subject, so the high digit changes slowly along each run: the first
 * pass writes to a few places at once, and the second stays in the
 * cache.  LSD's pass on the low digit scatters every pair over 2,048
 * places of the whole buffer (q3 at 10M: a third of the query's time). */
static bs_status msd_sort(star_work *w, spair *v, spair *tmp, size_t n, bs_id base,
                          int bits, size_t *cnt, size_t *start)
{
    int lb = bits - RADIX_BITS;
    memset(cnt, 0, RADIX * sizeof *cnt);
    for (size_t i = 0; i < n; i++) cnt[(v[i].s - base) >> lb]++;
    size_t sum = 0;
    for (size_t d = 0; d < RADIX; d++) {
        start[d] = sum;
        sum += cnt[d];
        cnt[d] = start[d];
    }
    for (size_t i = 0; i < n;) {
        bs_status st = work_tick(w);
        if (st != BS_OK) return st;
        for (size_t e = n - i > 4096 ? i + 4096 : n; i < e; i++)
            tmp[cnt[(v[i].s - base) >> lb]++] = v[i];
    }
    uint32_t h[RADIX];
    for (size_t d = 0; d < RADIX; d++) {
        bs_status st = work_tick(w);
        if (st != BS_OK) return st;
        if (cnt[d] > start[d]) bucket_sort(tmp, v, start[d], cnt[d], base, lb, h);
    }
    return BS_OK;
}

/* Sort sp's pairs by subject, stable: LSD radix on s - base, as many
 * digits as the subjects' spread needs; sorted input costs one read. */
static bs_status sort_pairs(star_work *w)
{
    star_pat *sp = w->sp;
    spair *v = sp->v, *tmp = NULL;
    size_t n = sp->n;
    if (n < 2) return BS_OK;
    bs_status st = work_account(w, (long long)(n * sizeof *v));
    if (st != BS_OK) return st;
    size_t *hist = malloc(2 * RADIX * sizeof *hist), *cnt = hist, *next = hist + RADIX;
    bs_id lo, hi;
    st = BS_ERR_NOMEM;
    if (!hist) goto done;
    st = BS_OK;
    if (!first_count(v, n, cnt, &lo, &hi)) goto done;
    if (n <= 32) {
        small_sort(v, n);
        goto done;
    }
    bs_id base = lo & ~(bs_id)(RADIX - 1);
    int bits = 64 - __builtin_clzll(hi - base); /* hi > lo >= base */
    st = BS_ERR_NOMEM;
    if (!(tmp = malloc(n * sizeof *tmp))) goto done;
    if (bits > RADIX_BITS && bits <= 2 * RADIX_BITS && bs_sp_star_msd) {
        __atomic_fetch_add(&bs_sp_star_msd_sorts, 1, __ATOMIC_RELAXED);
        st = msd_sort(w, v, tmp, n, base, bits, cnt, next);
        goto done;
    }
    spair *src = v, *dst = tmp;
    for (int shift = 0; shift < bits; shift += RADIX_BITS) {
        st = radix_pass(w, src, dst, n, base, shift, cnt,
                        shift + RADIX_BITS < bits ? next : NULL);
        if (st != BS_OK) goto done;
        spair *x = src;
        src = dst;
        dst = x;
        size_t *c = cnt;
        cnt = next;
        next = c;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
done:
    free(tmp);
    free(hist);
    work_account(w, -(long long)(n * sizeof *v));
    return st;
}

/* ---- phase 1: seeks per driver quad ------------------------------------- */

static bs_status buf_push(star_pat *sp, bs_id o)
{
    if (sp->nbuf == sp->capbuf) {
        size_t cap = sp->capbuf ? 2 * sp->capbuf : 8;
        bs_id *b = realloc(sp->buf, cap * sizeof *b);
        if (!b) return BS_ERR_NOMEM;
        sp->buf = b;
        sp->capbuf = cap;
    }
    sp->buf[sp->nbuf++] = o;
    return BS_OK;
}

/* Pattern k's objects for subject s, by a seek: its run. */
static bs_status seek_run(star_iter *si, size_t k, bs_id s)
{
    star_pat *sp = &si->pats[k];
    bs_status st;
    if (sp->seek) st = bs_sp_scan_reset(sp->seek, si->graph, s, sp->p, sp->o);
    else st = bs_sp_scan_new(si->ex, si->graph, s, sp->p, sp->o, &sp->seek);
    if (st != BS_OK) return st;
    sp->nbuf = 0;
    bs_quad q;
    while ((st = bs_sp_scan_next(sp->seek, &q)) == BS_OK)
        if ((st = buf_push(sp, q.o)) != BS_OK) return st;
    if (st != BS_END) return st;
    sp->obj = sp->buf;
    sp->stride = 1;
    sp->nrun = sp->nbuf;
    sp->one = sp->nbuf ? sp->buf[0] : 0;
    sp->i = 0;
    return BS_OK;
}

static bs_status start_merge(star_iter *si);
static bs_status plan_slot_merge(star_iter *si);
static bs_status start_pipe(star_iter *si);

/* The next driver quad whose subject every pattern matches (in_group),
 * or the switch to phase 2, or the end (phase 3). */
static bs_status seek_group(star_iter *si)
{
    star_pat *d = &si->pats[si->drv];
    bs_status st;
    for (;;) {
        if (!si->budget) return start_merge(si);
        bs_quad q;
        st = bs_sp_scan_next(si->dscan, &q);
        if (st == BS_END) {
            si->phase = 3;
            return BS_OK;
        }
        if (st != BS_OK) return st;
        si->budget--;
        d->nbuf = 0;
        if ((st = buf_push(d, q.o)) != BS_OK) return st;
        d->obj = d->buf;
        d->stride = 1;
        d->nrun = 1;
        d->one = q.o;
        d->i = 0;
        bool all = true;
        for (size_t k = 0; k < si->nt && all; k++) {
            if (k == si->drv) continue;
            if ((st = seek_run(si, k, q.s)) != BS_OK) return st;
            all = si->pats[k].nrun > 0;
        }
        if (all) {
            si->row[si->svar] = q.s;
            si->in_group = true;
            si->single = false;
            return BS_OK;
        }
    }
}

/* ---- phase 2: whole ranges, sorted, merged ------------------------------ */

/* Room for add more pairs in sp->v. */
static bs_status grow_pairs(star_iter *si, star_pat *sp, size_t add)
{
    if (sp->n + add <= sp->cap) return BS_OK;
    size_t cap = 2 * sp->cap + add;
    bs_status st = account(si, (long long)((cap - sp->cap) * sizeof(spair)));
    if (st != BS_OK) return st;
    spair *v = realloc(sp->v, cap * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    sp->v = v;
    sp->cap = cap;
    return BS_OK;
}

/* The span of w's subjects and objects into sp's (a batch in the cache:
 * no read of the pairs of its own). */
static void span(star_pat *sp, const spair *w, size_t n)
{
    bs_id slo = sp->slo, shi = sp->shi, olo = sp->olo, ohi = sp->ohi;
    for (size_t i = 0; i < n; i++) {
        slo = w[i].s < slo ? w[i].s : slo;
        shi = w[i].s > shi ? w[i].s : shi;
        olo = w[i].o < olo ? w[i].o : olo;
        ohi = w[i].o > ohi ? w[i].o : ohi;
    }
    sp->slo = slo;
    sp->shi = shi;
    sp->olo = olo;
    sp->ohi = ohi;
}

/* Append the rest of scan sc to pattern sp's pairs, read straight into
 * them a batch at a time. */
static bs_status read_range(star_iter *si, star_pat *sp, bs_sp_scan *sc)
{
    size_t got;
    bs_status st;
    _Static_assert(sizeof(spair) == 2 * sizeof(bs_id), "pairs are (s, o) id pairs");
    sp->slo = sp->olo = UINT64_MAX;
    sp->shi = sp->ohi = 0;
    for (;;) {
        if ((st = grow_pairs(si, sp, 256)) != BS_OK) return st;
        spair *w = sp->v + sp->n;
        if ((st = bs_sp_scan_next_so(sc, (bs_id *)w, 256, &got)) != BS_OK) break;
        span(sp, w, got);
        sp->n += got;
    }
    sp->read = sp->n;
    return st == BS_END ? BS_OK : st;
}

/* Whether sp's range pays as slots: subjects dense enough (and the
 * objects or the pairs numbered in 32 bits). */
static bool slots_pay(const star_pat *sp)
{
    return bs_sp_star_slots && sp->n >= 2 && sp->n < SLOT_MULTI - 1 &&
           sp->shi - sp->slo < SLOT_SPREAD * (bs_id)sp->n + SLOT_SLACK;
}

/* Objects within 32 bits of each other: stored in the slots themselves
 * (else the slots number the pairs, which stay as read). */
static bool slots_hold_objects(const star_pat *sp)
{
    return sp->ohi - sp->olo < SLOT_MULTI - 1;
}

/* Append x to the pairs xv (n of cap) of a range kept as slots. */
static bs_status push_extra(star_work *w, spair **xv, size_t *n, size_t *cap, spair x)
{
    if (*n == *cap) {
        size_t c = *cap ? 2 * *cap : 256;
        bs_status st = work_account(w, (long long)((c - *cap) * sizeof x));
        if (st != BS_OK) return st;
        spair *nv = realloc(*xv, c * sizeof x);
        if (!nv) return BS_ERR_NOMEM;
        *xv = nv;
        *cap = c;
    }
    (*xv)[(*n)++] = x;
    return BS_OK;
}

/* Slot i + 1 for the pairs v of a range whose objects do not fit the
 * slots; the subjects of several objects go to new pairs, which take
 * v's place for sort_pairs and the merge (v stays as read in ov). */
static bs_status fill_slot_indexes(star_work *w)
{
    star_pat *sp = w->sp;
    const spair *v = sp->v;
    uint32_t *slot = sp->slot;
    spair *xv = NULL;
    size_t nx = 0, capx = 0, n = sp->n;
    bs_status st = BS_OK;
    __atomic_fetch_add(&bs_sp_star_slot_indexed, 1, __ATOMIC_RELAXED);
    for (size_t i = 0; i < n && st == BS_OK;) {
        if ((st = work_tick(w)) != BS_OK) break;
        for (size_t end = n - i > 4096 ? i + 4096 : n; i < end && st == BS_OK; i++) {
            uint32_t *c = &slot[v[i].s - sp->slo];
            if (!*c) {
                *c = (uint32_t)i + 1;
                continue;
            }
            if (*c != SLOT_MULTI) st = push_extra(w, &xv, &nx, &capx, v[*c - 1]);
            *c = SLOT_MULTI;
            if (st == BS_OK) st = push_extra(w, &xv, &nx, &capx, v[i]);
        }
    }
    sp->ov = sp->v;
    sp->v = xv;
    sp->n = nx;
    sp->cap = capx;
    return st;
}

/* Slot i of a pair: a first object is stored; a second one moves both
 * into v's front (in reading order: never past the pair being read),
 * where sort_pairs then orders them. */
static bs_status fill_slot_objects(star_work *w)
{
    star_pat *sp = w->sp;
    spair *v = sp->v;
    uint32_t *slot = sp->slot;
    bs_id slo = sp->slo, olo = sp->olo;
    size_t e = 0, n = sp->n;
    for (size_t i = 0; i < n;) {
        bs_status st = work_tick(w);
        if (st != BS_OK) return st;
        for (size_t end = n - i > 4096 ? i + 4096 : n; i < end; i++) {
            spair x = v[i];
            uint32_t *c = &slot[x.s - slo];
            if (!*c) {
                *c = (uint32_t)(x.o - olo) + 1;
                continue;
            }
            if (*c != SLOT_MULTI) {
                v[e++] = (spair){x.s, olo + *c - 1};
                *c = SLOT_MULTI;
            }
            v[e++] = x;
        }
    }
    sp->n = e;
    return BS_OK;
}

/* Whether sp's range is to be kept as slots: sp->nslot of them,
 * allocated here (in this thread's malloc arena, which the next query
 * reuses) and cleared by the work. */
static bs_status plan_slots(star_iter *si, star_pat *sp)
{
    if (!slots_pay(sp)) return BS_OK;
    size_t ns = (size_t)(sp->shi - sp->slo) + 1;
    bs_status st = account(si, (long long)(ns * sizeof *sp->slot));
    if (st != BS_OK) return st;
    if (!(sp->slot = malloc(ns * sizeof *sp->slot))) return BS_ERR_NOMEM;
    sp->nslot = ns;
    bs_sp_star_slot_ranges++;
    return BS_OK;
}

/* The range's slots (the subjects of several objects sorted in v), or
 * its pairs sorted. */
static bs_status finish_range(star_work *w)
{
    star_pat *sp = w->sp;
    if (!sp->nslot) return sort_pairs(w);
    memset(sp->slot, 0, sp->nslot * sizeof *sp->slot);
    bs_status st = slots_hold_objects(sp) ? fill_slot_objects(w) : fill_slot_indexes(w);
    return st != BS_OK ? st : sort_pairs(w);
}

static void finish_job(void *p)
{
    star_work *w = p;
    w->st = finish_range(w);
}

/* Wait for the job of *w, if any: its answer, then its allocations'. */
static bs_status join_work(star_work *w, bs_job **job)
{
    if (!w->job) return BS_OK;
    bs_job_wait(*job);
    *job = NULL;
    w->job = false;
    bs_status st = account(w->si, w->mem);
    return w->st != BS_OK ? w->st : st;
}

/* Room for about the estimate's pairs at once (fewer doublings). */
static bs_status reserve(star_iter *si, star_pat *sp, double est)
{
    size_t cap = est > 0 && est < (double)((size_t)1 << 40) ? (size_t)est + 512 : 1024;
    bs_status st = account(si, (long long)(cap * sizeof(spair)));
    if (st != BS_OK) return st;
    sp->v = malloc(cap * sizeof *sp->v);
    if (!sp->v) return BS_ERR_NOMEM;
    sp->cap = cap;
    return BS_OK;
}

/* Pattern k's range (the driver's rest) into its pairs. */
static bs_status read_pattern(star_iter *si, size_t k)
{
    star_pat *sp = &si->pats[k];
    bs_status st = reserve(si, sp, sp->est);
    if (st != BS_OK) return st;
    if (k == si->drv) return read_range(si, sp, si->dscan);
    bs_sp_scan *sc = NULL;
    st = bs_sp_scan_new(si->ex, si->graph, BS_ANY, sp->p, sp->o, &sc);
    if (st == BS_OK) st = read_range(si, sp, sc);
    bs_sp_scan_free(sc);
    return st;
}

/* Every range read (on this thread: LMDB's transaction is) and made
 * slots or sorted; a big range's on a job's thread while the next one
 * is read, one job at a time (the second CPU). */
static bs_status start_merge(star_iter *si)
{
    bs_status st = BS_OK;
    star_work w = {.si = si};
    bs_job *job = NULL;
    si->phase = 2;
    bs_sp_star_merged++;
    for (size_t k = 0; k < si->nt && st == BS_OK; k++) {
        star_pat *sp = &si->pats[k];
        if ((st = read_pattern(si, k)) != BS_OK) break;
        if ((st = join_work(&w, &job)) != BS_OK) break;
        if ((st = plan_slots(si, sp)) != BS_OK) break;
        w = (star_work){.si = si, .sp = sp};
        if (k + 1 < si->nt && sp->n >= bs_sp_star_job_min && bs_job_threads()) {
            w.job = true;
            job = bs_job_start(finish_job, &w);
        } else {
            st = finish_range(&w);
        }
        if (bs_sp_star_range_hook) bs_sp_star_range_hook(w.job);
    }
    if (st != BS_OK) atomic_store(&si->stop, true);
    bs_status js = join_work(&w, &job);
    if (st == BS_OK) st = js;
    if (st == BS_OK) st = plan_slot_merge(si);
    return st == BS_OK ? start_pipe(si) : st;
}

/* The first index at or after lo whose subject is not below s. */
static size_t gallop(const spair *v, size_t lo, size_t n, bs_id s)
{
    if (lo >= n || v[lo].s >= s) return lo;
    size_t step = 1, hi = lo + 1; /* v[lo].s < s */
    while (hi < n && v[hi].s < s) {
        lo = hi;
        step *= 2;
        hi = lo + step;
    }
    if (hi > n) hi = n;
    while (hi - lo > 1) { /* v[lo].s < s, and hi == n or v[hi].s >= s */
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid].s < s) lo = mid;
        else hi = mid;
    }
    return hi;
}

/* Pattern sp's run of subject s from its merge position: false when it
 * has none.  Subjects are asked in ascending order, and most patterns
 * have the driver's next subject right at their position: no gallop
 * then. */
static inline __attribute__((always_inline)) bool merge_run(star_pat *sp, bs_id s)
{
    if (sp->slot) {
        bs_id k = s - sp->slo; /* below slo: wraps past nslot */
        uint32_t c = k < sp->nslot ? sp->slot[k] : 0;
        if (c != SLOT_MULTI) { /* one object or none: emit reads `one` only */
            sp->nrun = c != 0;
            if (!c) return false;
            sp->one = sp->ov ? sp->ov[c - 1].o : sp->olo + c - 1;
            sp->i = 0;
            return true;
        }
    }
    const spair *v = sp->v;
    size_t a = sp->at, n = sp->n;
    if (a >= n || v[a].s != s) {
        a = gallop(v, a, n, s);
        if (a >= n || v[a].s != s) {
            sp->at = a;
            sp->nrun = 0;
            return false;
        }
    }
    size_t e = a + 1;
    while (e < n && v[e].s == s) e++;
    sp->at = e;
    sp->obj = &v[a].o;
    sp->stride = 2;
    sp->nrun = e - a;
    sp->one = v[a].o;
    sp->i = 0;
    return true;
}

/* The cancellation and deadline check every 16 rows or subjects (the
 * call costs about what a merged row does; bs_sp_tick reads the clock
 * every 256 calls: every 4,096 rows here). */
static inline bs_status tick(star_iter *si)
{
    if (++si->ticks & 15) return BS_OK;
    if (!si->q) return bs_sp_tick(si->ex);
    /* on the merge job: the query's thread checks as it takes rows */
    return atomic_load_explicit(&si->stop, memory_order_relaxed) ? BS_ERR_TIMEOUT : BS_OK;
}

/* The driver's next subject into *s: false at the end. */
static inline bool next_subject(star_pat *d, bs_id *s)
{
    if (!d->slot) {
        if (d->at >= d->n) return false;
        *s = d->v[d->at].s;
        return true;
    }
    size_t k = d->pos, n = d->nslot;
    const uint32_t *slot = d->slot;
    while (k < n && !slot[k]) k++;
    d->pos = k + 1;
    *s = d->slo + k;
    return k < n;
}

/* Prefetch the terms of the rows of the driver's slots up to `to`
 * (exclusive) that are not prefetched yet: each subject and its objects
 * of the ranges whose slots number pairs (titles: literals met once,
 * like the subjects; the other objects are few and in the term cache).
 * The rows come in subject order, but the subjects are spread over
 * the term file: the output's lookups missed the cache on every row
 * (bs_term_decode ~16% of q3 at 10M). */
static void prefetch_rows(star_iter *si, size_t to)
{
    const star_pat *d = &si->pats[si->drv];
    const slot_view *sv = si->sv + si->nt; /* the numbered ones' copies */
    bs_txn *txn = si->ex->txn;
    size_t a = si->pf_at, n = d->nslot < to ? d->nslot : to;
    for (; a < n; a++) {
        if (!d->slot[a]) continue;
        bs_id s = d->slo + a;
        bs_dict_prefetch_terms(txn, s, s);
        for (size_t k = 0; k < si->npf; k++) {
            bs_id i = s - sv[k].slo;
            uint32_t c = i < sv[k].nslot ? sv[k].slot[i] : 0;
            if (!c || c == SLOT_MULTI) continue;
            bs_id o = sv[k].ov[c - 1].o;
            bs_dict_prefetch_terms(txn, o, o);
        }
    }
    si->pf_at = a;
}

/* merge_group when every range is slots (q3's case), from the compact
 * views (a pattern's struct spans several cache lines): every slot of
 * the subject first, then, when each is one object, the objects right
 * into the row; a subject with a MULTI slot goes through merge_run. */
static bs_status merge_slots(star_iter *si)
{
    const slot_view *sv = si->sv;
    size_t nt = si->nt;
    uint32_t c[64]; /* star_shape: at most 64 patterns */
    bs_id s, *r = si->row;
    while (next_subject(&si->pats[si->drv], &s)) {
        bs_status st = tick(si);
        if (st != BS_OK) return st;
        if (!si->q && bs_sp_star_prefetch) /* not on the merge job: the txn's */
            prefetch_rows(si, si->pats[si->drv].pos + bs_sp_star_prefetch);
        bool miss = false, multi = false;
        for (size_t k = 0; k < nt; k++) {
            bs_id i = s - sv[k].slo; /* below slo: wraps past nslot */
            c[k] = i < sv[k].nslot ? sv[k].slot[i] : 0;
            miss |= !c[k];
            multi |= c[k] == SLOT_MULTI;
        }
        if (miss) continue;
        si->in_group = true;
        si->single = !multi;
        r[si->svar] = s;
        for (size_t k = 0; k < nt; k++) {
            if (multi) merge_run(&si->pats[k], s); /* true: c[k] != 0 */
            else if (sv[k].ovar >= 0)
                r[sv[k].ovar] = sv[k].ov ? sv[k].ov[c[k] - 1].o : sv[k].olo + c[k] - 1;
        }
        return BS_OK;
    }
    si->phase = 3;
    return BS_OK;
}

/* The views of merge_slots when every range is slots (si->sv), else
 * none. */
static bs_status plan_slot_merge(star_iter *si)
{
    if (!bs_sp_star_slot_merge) return BS_OK;
    for (size_t k = 0; k < si->nt; k++)
        if (!si->pats[k].nslot) return BS_OK;
    /* after the nt views, those of the output's numbered objects again
     * (prefetch_rows) */
    bs_status st = account(si, (long long)(2 * si->nt * sizeof *si->sv));
    if (st != BS_OK) return st;
    if (!(si->sv = malloc(2 * si->nt * sizeof *si->sv))) return BS_ERR_NOMEM;
    for (size_t k = 0; k < si->nt; k++) {
        const star_pat *sp = &si->pats[k];
        si->sv[k] = (slot_view){sp->slot, sp->slo, sp->nslot, sp->ov, sp->olo, sp->ovar};
        if (sp->ov && sp->ovar >= 0) si->sv[si->nt + si->npf++] = si->sv[k];
    }
    bs_sp_star_slot_merges++;
    return BS_OK;
}

/* The next subject of the driver that every pattern has (in_group), or
 * the end (phase 3). */
static bs_status merge_group(star_iter *si)
{
    star_pat *d = &si->pats[si->drv];
    bs_id s;
    if (si->sv) return merge_slots(si);
    while (next_subject(d, &s)) {
        bs_status st = tick(si);
        if (st != BS_OK) return st;
        bool all = merge_run(d, s);
        bool one = d->nrun == 1;
        for (size_t k = 0; k < si->nt && all; k++) {
            if (k == si->drv) continue;
            all = merge_run(&si->pats[k], s);
            one &= si->pats[k].nrun == 1;
        }
        if (all) {
            si->row[si->svar] = s;
            si->in_group = true;
            si->single = one;
            for (size_t k = 0; k < si->nt && one; k++)
                if (si->pats[k].ovar >= 0) si->row[si->pats[k].ovar] = si->pats[k].one;
            return BS_OK;
        }
    }
    si->phase = 3;
    return BS_OK;
}

/* ---- the iterator -------------------------------------------------------- */

/* The group's current row into row; then the next combination (the last
 * pattern's objects vary fastest). */
static void emit(star_iter *si, bs_id *row)
{
    /* locals: the stores into the rows could alias si for the compiler */
    const star_pat *p = si->pats;
    bs_id *r = si->row;
    size_t nt = si->nt, nv = si->ex->nvars;
    if (si->single) { /* the usual group: one row, in r already */
        memcpy(row, r, nv * sizeof *row);
        si->in_group = false;
        return;
    }
    /* a run of one object (a slot's) has only `one` */
    for (size_t k = 0; k < nt; k++)
        if (p[k].ovar >= 0)
            r[p[k].ovar] = p[k].nrun == 1 ? p[k].one : p[k].obj[p[k].i * p[k].stride];
    memcpy(row, r, nv * sizeof *row);
    for (size_t k = si->nt; k-- > 0;) {
        if (++si->pats[k].i < si->pats[k].nrun) return;
        si->pats[k].i = 0;
    }
    si->in_group = false;
}

/* The merge job: phase 2's rows into the chunks until the end or the
 * query's thread stops taking them. */
static void merge_job(void *p)
{
    star_iter *si = p;
    size_t nv = si->ex->nvars;
    bs_id *rows;
    while (si->phase == 2 && (rows = bs_chunks_put_begin(si->q))) {
        size_t n = 0;
        while (n < CHUNK_ROWS) {
            if (!si->in_group && merge_group(si) != BS_OK) si->phase = 3;
            if (!si->in_group) break; /* phase 3 */
            emit(si, rows + n++ * nv);
        }
        bs_chunks_put_end(si->q, n * nv * sizeof *rows);
    }
    bs_chunks_finish(si->q);
}

/* Phase 2 on a job when asked (bs_sp_star_pipe), the driver's range is
 * big and a second CPU is there: the merge (memory only) overlaps the
 * caller's work on the rows (the output's dictionary lookups). */
static bs_status start_pipe(star_iter *si)
{
    if (!bs_sp_star_pipe || si->pats[si->drv].read < bs_sp_star_job_min || !bs_job_threads())
        return BS_OK;
    size_t size = CHUNK_ROWS * (si->ex->nvars ? si->ex->nvars : 1) * sizeof(bs_id);
    bs_status st = account(si, (long long)(NCHUNK * size));
    if (st != BS_OK) return st;
    if (!(si->q = bs_chunks_new(NCHUNK, size))) return BS_ERR_NOMEM;
    if (!(si->merge = bs_job_try(merge_job, si))) { /* no thread: merge here */
        bs_chunks_free(si->q);
        si->q = NULL;
        return BS_OK;
    }
    bs_sp_star_piped++;
    return BS_OK;
}

/* A row of the merge job's. */
static bs_status piped_next(star_iter *si, bs_id *row)
{
    size_t nv = si->ex->nvars;
    while (si->qat == si->qlen) {
        size_t used;
        if (!(si->qrows = bs_chunks_get(si->q, &used))) return BS_END;
        si->qlen = used / sizeof(bs_id);
        si->qat = 0;
    }
    if (!(++si->qticks & 15)) {
        bs_status st = bs_sp_tick(si->ex);
        if (st != BS_OK) return st;
    }
    memcpy(row, si->qrows + si->qat, nv * sizeof *row);
    si->qat += nv;
    return BS_OK;
}

static bs_status star_next(bs_sp_iter *it, bs_id *row)
{
    star_iter *si = (star_iter *)it;
    for (;;) {
        if (si->q) return piped_next(si, row); /* the rest is the job's */
        if (si->in_group) break;
        bs_status st;
        if (si->phase == 1) st = seek_group(si);
        else if (si->phase == 2) st = merge_group(si);
        else return BS_END;
        if (st != BS_OK) {
            si->phase = 3;
            return st;
        }
    }
    bs_status st = tick(si);
    if (st != BS_OK) return st;
    emit(si, row);
    return BS_OK;
}

/* ---- when ---------------------------------------------------------------- */

/* Whether n is a star none of whose variables the seed binds. */
static bool star_shape(bs_sp_exec *ex, const bs_sp_node *n, const bs_id *seed)
{
    if (n->ntriples < 2 || n->ntriples > 64) return false;
    int s = n->triples[0].s.var;
    if (s < 0 || (seed && seed[s])) return false;
    for (size_t i = 0; i < n->ntriples; i++) {
        const bs_sp_triple *t = &n->triples[i];
        if (t->s.var != s || t->p.cid < 0 || bs_sp_is_matches(ex, t)) return false;
        if (t->o.var < 0) {
            if (t->o.cid < 0) return false;
            continue;
        }
        if (t->o.var == s || (seed && seed[t->o.var])) return false;
        for (size_t j = 0; j < i; j++)
            if (n->triples[j].o.var == t->o.var) return false;
    }
    return true;
}

/* The patterns' constants and estimates; *yes = whether the star join
 * pays (reading every range once against a seek per driver quad and
 * other pattern), *sum = the estimated quads of all ranges. */
static bs_status star_setup(star_iter *si, const bs_sp_node *n, bool *yes, double *sum)
{
    bs_sp_exec *ex = si->ex;
    double min = -1;
    *sum = 0;
    for (size_t k = 0; k < si->nt; k++) {
        const bs_sp_triple *t = &n->triples[k];
        star_pat *sp = &si->pats[k];
        sp->p = bs_sp_const_id(ex, t->p.cid);
        sp->o = t->o.var >= 0 ? BS_ANY : bs_sp_const_id(ex, t->o.cid);
        sp->ovar = t->o.var;
        bs_status st = bs_sp_triple_estimate(ex, t, si->graph, NULL, &sp->est);
        if (st != BS_OK) return st;
        *sum += sp->est;
        if (min < 0 || sp->est < min) {
            min = sp->est;
            si->drv = k;
        }
    }
    if (bs_sp_star_policy > 0) *yes = true;
    else *yes = bs_sp_star_policy == 0 && min >= STAR_MIN &&
                *sum <= SEEK_WORTH * min * (double)(si->nt - 1);
    return BS_OK;
}

static size_t seek_budget(double sum)
{
    if (bs_sp_star_seeks >= 0) return (size_t)bs_sp_star_seeks;
    double b = sum / SEEKS_DIV;
    return b < SEEKS_MIN ? SEEKS_MIN : b > SEEKS_MAX ? SEEKS_MAX : (size_t)b;
}

bs_status bs_sp_star_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id graph,
                          const bs_id *seed, bs_sp_iter **out)
{
    *out = NULL;
    /* a negative hash policy asks for the plain index nested loop (tests) */
    if (bs_sp_star_policy < 0 || bs_sp_bgp_hash_policy < 0 || !star_shape(ex, n, seed))
        return BS_OK;
    bs_status st = BS_ERR_NOMEM;
    star_iter *si = calloc(1, sizeof *si);
    if (!si) return BS_ERR_NOMEM;
    si->base.next = star_next;
    si->base.free = star_free;
    si->ex = ex;
    si->graph = graph;
    si->nt = n->ntriples;
    si->svar = n->triples[0].s.var;
    si->phase = 1;
    si->pats = calloc(si->nt, sizeof *si->pats);
    si->row = calloc(ex->nvars + 1, sizeof *si->row);
    if (!si->pats || !si->row) goto fail;
    if (seed) memcpy(si->row, seed, ex->nvars * sizeof *si->row);
    bool yes;
    double sum;
    TRY(st, star_setup(si, n, &yes, &sum));
    if (!yes) {
        star_free(&si->base);
        return BS_OK;
    }
    si->budget = seek_budget(sum);
    const star_pat *d = &si->pats[si->drv];
    TRY(st, bs_sp_scan_new(ex, graph, BS_ANY, d->p, d->o, &si->dscan));
    bs_sp_star_taken++;
    *out = &si->base;
    return BS_OK;
fail:
    star_free(&si->base);
    return st;
}
