/* SPDX-License-Identifier: MIT
 * battstore — write hooks: derived indexes updated in the same write
 * transaction as the quads.
 *
 * A handle has at most BS_MAX_HOOKS hooks, each watching a few
 * predicates.  Every writer (bs_quad_add/remove, bs_graph_clear,
 * bs_bulk_add) calls bs_hook_touch() per quad: with no hook that is one
 * branch; with hooks, a literal object under a watched predicate is
 * appended to the hook's growable id vector in the txn.  bs_txn_commit()
 * sorts and de-duplicates each vector and calls the hook before the LMDB
 * commit, so the derived index and the quads are one transaction.
 *
 * Registration is recorded as meta "hook:NAME" = "fresh" | "stale".  A
 * write commit that wrote quads through a handle lacking a recorded hook
 * marks it stale in the same txn.  The recorded names are read at commit
 * (one cursor seek), not at open: a hook recorded by another process or
 * handle after this one opened is honoured all the same.
 *
 * A bulk load (bs_bulk_add) also hands each noted literal to the hook's
 * optional on_bulk at once, so the hook can do its work while the load
 * parses (the text index tokenises and writes new documents early); its
 * per-txn state is flushed at commit before before_commit and freed
 * when the txn ends, commit or abort.  A literal noted outside the bulk
 * loader (an add or removal by bs_quad_add/remove, bs_graph_clear) goes
 * to on_bulk too, with pred 0: the hook then knows its early decisions
 * may not hold for this txn. */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define PREFIX "hook:"
#define PREFIX_LEN 5
#define NAME_MAX_LEN 200
#define COMPACT_AT ((size_t)1 << 20) /* ids: sort-unique before growing past */

static const char FRESH[5] = "fresh", STALE[5] = "stale";

/* ---- collection ---------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    bs_id x = *(const bs_id *)a, y = *(const bs_id *)b;
    return x < y ? -1 : x > y;
}

/* Sort v[0..n) ascending: an LSD radix sort over the bytes where the ids
 * differ (one histogram pass for all eight, then one scatter pass per
 * byte that varies), qsort when out of memory or for small n.  A load's
 * literal ids share their high bytes, so that is two or three passes
 * instead of qsort's n log n comparisons. */
static void sort_ids(bs_id *v, size_t n)
{
    if (n < 256) {
        if (n > 1) qsort(v, n, sizeof *v, cmp_id);
        return;
    }
    size_t (*cnt)[256] = calloc(8, sizeof *cnt);
    bs_id *tmp = malloc(n * sizeof *tmp);
    if (!cnt || !tmp) {
        free(cnt);
        free(tmp);
        qsort(v, n, sizeof *v, cmp_id);
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 8; b++) cnt[b][(v[i] >> (8 * b)) & 0xFF]++;
    bs_id *src = v, *dst = tmp;
    for (int b = 0; b < 8; b++) {
        if (cnt[b][(v[0] >> (8 * b)) & 0xFF] == n) continue; /* all alike */
        size_t pos = 0;
        for (int d = 0; d < 256; d++) {
            size_t c = cnt[b][d];
            cnt[b][d] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++) dst[cnt[b][(src[i] >> (8 * b)) & 0xFF]++] = src[i];
        bs_id *t = src;
        src = dst;
        dst = t;
    }
    if (src != v) memcpy(v, src, n * sizeof *v);
    free(cnt);
    free(tmp);
}

static void sort_unique(bs_idvec *v)
{
    if (v->n < 2) return;
    sort_ids(v->v, v->n);
    size_t m = 1;
    for (size_t i = 1; i < v->n; i++)
        if (v->v[i] != v->v[m - 1]) v->v[m++] = v->v[i];
    v->n = m;
}

static bs_status vec_push(bs_idvec *v, bs_id id)
{
    if (v->n && v->v[v->n - 1] == id) return BS_OK; /* runs of one subject */
    if (v->n == v->cap) {
        /* a big load repeats literals (labels of shared terms): compact
         * first, and grow only when that did not free half the room */
        if (v->cap >= COMPACT_AT) sort_unique(v);
        if (v->n * 2 > v->cap || v->cap < COMPACT_AT) {
            size_t nc = v->cap ? v->cap * 2 : 256;
            bs_id *nv = realloc(v->v, nc * sizeof *nv);
            if (!nv) return BS_ERR_NOMEM;
            v->v = nv;
            v->cap = nc;
        }
    }
    v->v[v->n++] = id;
    return BS_OK;
}

/* Collect q's object for the hooks watching its predicate; bulk: also
 * hand it to their on_bulk. */
static bs_status note(bs_txn *t, const bs_quad *q, bool bulk)
{
    if (t->in_hooks) return BS_ERR_ARG; /* before_commit may not write quads */
    bs_term_kind k = bs_id_kind(q->o);
    if (k < BS_TERM_LITERAL || k > BS_TERM_TYPED) return BS_OK;
    const bs_store *s = t->store;
    for (int h = 0; h < s->nhooks; h++) {
        const bs_hook_reg *r = &s->hooks[h];
        for (size_t i = 0; i < r->npreds; i++) {
            if (r->preds[i] != q->p) continue;
            bs_status st = vec_push(&t->lits[h], q->o);
            if (st == BS_OK && r->on_bulk) /* pred 0: touched outside the loader */
                st = r->on_bulk(t, q->o, bulk ? q->p : 0, &t->hstate[h], r->ctx);
            if (st != BS_OK) return st;
            break;
        }
    }
    return BS_OK;
}

bs_status bs_hook_note(bs_txn *t, const bs_quad *q)
{
    return note(t, q, false);
}

bs_status bs_hook_note_bulk(bs_txn *t, const bs_quad *q)
{
    return note(t, q, true);
}

void bs_hook_txn_free(bs_txn *t)
{
    const bs_store *s = t->store;
    for (int h = 0; h < BS_MAX_HOOKS; h++) {
        free(t->lits[h].v);
        t->lits[h] = (bs_idvec){0};
        if (t->hstate[h] && h < s->nhooks && s->hooks[h].bulk_free)
            s->hooks[h].bulk_free(t->hstate[h], s->hooks[h].ctx);
        t->hstate[h] = NULL;
    }
}

/* ---- commit -------------------------------------------------------- */

static int find_hook(const bs_store *s, const char *name, size_t len)
{
    for (int h = 0; h < s->nhooks; h++)
        if (strlen(s->hooks[h].name) == len && memcmp(s->hooks[h].name, name, len) == 0)
            return h;
    return -1;
}

static bool is_stale(const MDB_val *v)
{
    return v->mv_size == sizeof STALE && memcmp(v->mv_data, STALE, sizeof STALE) == 0;
}

/* Mark stale every recorded hook this handle does not have. */
static bs_status mark_stale(bs_txn *t)
{
    MDB_cursor *c;
    int rc = mdb_cursor_open(t->txn, t->store->meta, &c);
    if (rc) return bs_mdb_status(rc);
    MDB_val k = {PREFIX_LEN, PREFIX}, v;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
        if (k.mv_size < PREFIX_LEN || memcmp(k.mv_data, PREFIX, PREFIX_LEN) != 0)
            break;
        const char *name = (const char *)k.mv_data + PREFIX_LEN;
        if (find_hook(t->store, name, k.mv_size - PREFIX_LEN) >= 0 || is_stale(&v))
            continue;
        MDB_val nv = {sizeof STALE, (void *)STALE};
        if ((rc = mdb_cursor_put(c, &k, &nv, MDB_CURRENT))) break;
    }
    mdb_cursor_close(c);
    return rc == MDB_NOTFOUND ? BS_OK : bs_mdb_status(rc);
}

bs_status bs_hook_commit(bs_txn *t)
{
    bs_store *s = t->store;
    bs_status st = BS_OK;
    t->in_hooks = true;
    for (int h = 0; h < s->nhooks && st == BS_OK; h++) {
        bs_idvec *v = &t->lits[h];
        const bs_hook_reg *r = &s->hooks[h];
        if (t->hstate[h] && r->bulk_flush) st = r->bulk_flush(t, t->hstate[h], r->ctx);
        if (!v->n || st != BS_OK) continue;
        sort_unique(v);
        st = s->hooks[h].before_commit(t, v->v, v->n, s->hooks[h].ctx);
    }
    t->in_hooks = false;
    if (st == BS_OK && t->wrote) st = mark_stale(t);
    return st;
}

/* ---- registration and recorded state ------------------------------ */

/* "hook:NAME" into buf (PREFIX_LEN + NAME_MAX_LEN bytes); BS_ERR_ARG for
 * an empty or over-long name. */
static bs_status make_key(const char *name, char *buf, MDB_val *k)
{
    size_t len = name ? strlen(name) : 0;
    if (!len || len > NAME_MAX_LEN) return BS_ERR_ARG;
    memcpy(buf, PREFIX, PREFIX_LEN);
    memcpy(buf + PREFIX_LEN, name, len);
    k->mv_size = PREFIX_LEN + len;
    k->mv_data = buf;
    return BS_OK;
}

/* bs_store_write callback: record the hook, keeping a stale record stale. */
static bs_status record_fn(bs_txn *t, void *ctx)
{
    char buf[PREFIX_LEN + NAME_MAX_LEN];
    MDB_val k, v;
    bs_status st = make_key(ctx, buf, &k);
    if (st != BS_OK) return st;
    int rc = mdb_get(t->txn, t->store->meta, &k, &v);
    if (rc == 0 && is_stale(&v)) return BS_OK;
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    v.mv_size = sizeof FRESH;
    v.mv_data = (void *)FRESH;
    return bs_mdb_status(mdb_put(t->txn, t->store->meta, &k, &v, 0));
}

static void reg_free(bs_hook_reg *r)
{
    free(r->name);
    free(r->preds);
    memset(r, 0, sizeof *r);
}

bs_status bs_store_hook_add(bs_store *s, const bs_store_hook *h)
{
    char buf[PREFIX_LEN + NAME_MAX_LEN];
    MDB_val k;
    bs_status st;
    if (!s || !h || !h->before_commit || (h->npreds && !h->preds)) return BS_ERR_ARG;
    TRY(st, make_key(h->name, buf, &k));
    if (find_hook(s, h->name, strlen(h->name)) >= 0) return BS_ERR_ARG;
    if (s->nhooks == BS_MAX_HOOKS) return BS_ERR_LIMIT;
    if (!(s->flags & BS_STORE_RDONLY))
        TRY(st, bs_store_write(s, record_fn, (void *)h->name));
    bs_hook_reg *r = &s->hooks[s->nhooks];
    r->name = strdup(h->name);
    r->preds = malloc((h->npreds ? h->npreds : 1) * sizeof *r->preds);
    if (!r->name || !r->preds) {
        reg_free(r);
        return BS_ERR_NOMEM;
    }
    if (h->npreds) memcpy(r->preds, h->preds, h->npreds * sizeof *r->preds);
    r->npreds = h->npreds;
    r->before_commit = h->before_commit;
    r->ctx = h->ctx;
    r->on_bulk = h->on_bulk;
    r->bulk_flush = h->bulk_flush;
    r->bulk_free = h->bulk_free;
    s->nhooks++;
    return BS_OK;
fail:
    return st;
}

void bs_store_hook_remove(bs_store *s, const char *name)
{
    if (!s || !name) return;
    int h = find_hook(s, name, strlen(name));
    if (h < 0) return;
    reg_free(&s->hooks[h]);
    memmove(&s->hooks[h], &s->hooks[h + 1], (size_t)(s->nhooks - h - 1) * sizeof *s->hooks);
    s->nhooks--;
    memset(&s->hooks[s->nhooks], 0, sizeof *s->hooks);
}

void bs_hook_clear_all(bs_store *s)
{
    for (int h = 0; h < s->nhooks; h++) reg_free(&s->hooks[h]);
    s->nhooks = 0;
}

void *bs_store_hook_ctx(bs_store *s, const char *name)
{
    int h = s && name ? find_hook(s, name, strlen(name)) : -1;
    return h < 0 ? NULL : s->hooks[h].ctx;
}

bs_status bs_store_hook_state(bs_txn *t, const char *name, bool *stale)
{
    char buf[PREFIX_LEN + NAME_MAX_LEN];
    MDB_val k, v;
    *stale = false;
    bs_status st = make_key(name, buf, &k);
    if (st != BS_OK) return st;
    int rc = mdb_get(t->txn, t->store->meta, &k, &v);
    if (rc) return bs_mdb_status(rc);
    *stale = is_stale(&v);
    return BS_OK;
}

bs_status bs_store_hook_fresh(bs_txn *t, const char *name)
{
    char buf[PREFIX_LEN + NAME_MAX_LEN];
    MDB_val k, v = {sizeof FRESH, (void *)FRESH};
    if (!t->write) return BS_ERR_READONLY;
    bs_status st = make_key(name, buf, &k);
    if (st != BS_OK) return st;
    return bs_mdb_status(mdb_put(t->txn, t->store->meta, &k, &v, 0));
}
