/* SPDX-License-Identifier: MIT
 * battstore — LMDB environment: open/close, transactions, map growth,
 * statistics. */
#include "config.h"
#include "store/store_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BS_MIN_MAP ((size_t)1 << 30)   /* 1 GiB to start */

bs_status bs_mdb_status(int rc)
{
    switch (rc) {
    case MDB_SUCCESS: return BS_OK;
    case MDB_NOTFOUND: return BS_NOT_FOUND;
    case MDB_MAP_FULL: return BS_ERR_FULL;
    case MDB_TXN_FULL: return BS_ERR_FULL;
    case MDB_READERS_FULL: return BS_ERR_BUSY;
    case MDB_CORRUPTED: case MDB_PAGE_NOTFOUND: case MDB_INVALID:
        return BS_ERR_CORRUPT;
    case MDB_VERSION_MISMATCH: return BS_ERR_VERSION;
    case ENOMEM: return BS_ERR_NOMEM;
    case EACCES: case EROFS: return BS_ERR_READONLY;
    default: return BS_ERR_IO;
    }
}

uint64_t bs_next_seq_get(const bs_store *s, MDB_txn *txn)
{
    MDB_val k = {8, "next_seq"}, v;
    int rc = mdb_get(txn, s->meta, &k, &v);
    return (rc == 0 && v.mv_size == 8) ? bs_get64be(v.mv_data) : 1;
}

/* The term file (termfile.c), built from i2t at the first writable open
 * of a store that has none (in the open's write txn: under the write
 * lock); a read-only open uses it only when it matches i2t. */
static void open_termfile(bs_store *st, MDB_txn *txn)
{
    MDB_envinfo info;
    unsigned ef = 0;
    mdb_env_info(st->env, &info);
    mdb_env_get_flags(st->env, &ef);
    bs_tf_open(&st->tf, st->path, st->flags & BS_STORE_RDONLY, txn, st->i2t,
               bs_next_seq_get(st, txn), info.me_mapsize, !(ef & MDB_NOSYNC));
}

static bs_status open_dbs(bs_store *st)
{
    static const char *const names[] = {"spog", "posg", "ospg", "gspo", "gpos", "gosp"};
    bool ro = st->flags & BS_STORE_RDONLY;
    unsigned create = ro ? 0 : MDB_CREATE;
    MDB_txn *txn = NULL;
    int rc = mdb_txn_begin(st->env, NULL, ro ? MDB_RDONLY : 0, &txn);
    if (rc) return bs_mdb_status(rc);
    if ((rc = mdb_dbi_open(txn, "i2t", create, &st->i2t)) ||
        (rc = mdb_dbi_open(txn, "t2i", create | MDB_DUPSORT | MDB_DUPFIXED, &st->t2i)) ||
        (rc = mdb_dbi_open(txn, "graphs", create, &st->graphs)) ||
        (rc = mdb_dbi_open(txn, "meta", create, &st->meta)))
        goto fail;
    for (int i = 0; i < BS_NIDX; i++)
        if ((rc = mdb_dbi_open(txn, names[i], create | MDB_DUPSORT | MDB_DUPFIXED,
                               &st->idx[i])) ||
            (rc = mdb_set_compare(txn, st->idx[i], bs_dict_mdb_cmp)) ||
            (rc = mdb_set_dupsort(txn, st->idx[i], bs_dict_mdb_cmp)))
            goto fail;
    /* the same order as LMDB's default, cheaper: every binary search in a
     * page makes about eight comparisons */
    if ((rc = mdb_set_compare(txn, st->i2t, bs_dict_mdb_cmp)) ||
        (rc = mdb_set_compare(txn, st->t2i, bs_dict_mdb_cmp)) ||
        (rc = mdb_set_dupsort(txn, st->t2i, bs_dict_mdb_cmp)))
        goto fail;
    if ((rc = bs_tix_open(st, txn, ro))) goto fail;
    /* format version: written on creation, checked on every open */
    MDB_val k = {6, "format"}, v;
    rc = mdb_get(txn, st->meta, &k, &v);
    if (rc == MDB_NOTFOUND && !ro) {
        uint8_t buf[4] = {0, 0, 0, BS_FORMAT_VERSION};
        v.mv_size = 4;
        v.mv_data = buf;
        rc = mdb_put(txn, st->meta, &k, &v, 0);
    } else if (rc == 0 && (v.mv_size != 4 || ((uint8_t *)v.mv_data)[3] != BS_FORMAT_VERSION)) {
        mdb_txn_abort(txn);
        return BS_ERR_VERSION;
    }
    if (rc) goto fail;
    open_termfile(st, txn);
    return bs_mdb_status(mdb_txn_commit(txn)); /* keeps the dbi handles */
fail:
    mdb_txn_abort(txn);
    return rc == MDB_NOTFOUND ? BS_ERR_CORRUPT : bs_mdb_status(rc);
}

bs_status bs_store_open(const char *dir, unsigned flags, bs_store **out)
{
    bs_status st = BS_OK;
    *out = NULL;
    if (!dir || !*dir) return BS_ERR_ARG;
    struct stat sb;
    if (stat(dir, &sb) != 0) {
        if (!(flags & BS_STORE_CREATE) || errno != ENOENT) return BS_NOT_FOUND;
        if (mkdir(dir, 0775) != 0) return BS_ERR_IO;
    } else if (!S_ISDIR(sb.st_mode)) {
        return BS_ERR_ARG;
    }
    bs_store *s = calloc(1, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    s->tf.idx_fd = s->tf.dat_fd = -1;
    s->flags = flags;
    if ((st = bs_maplock_init(&s->maplock)) != BS_OK) goto fail;
    if (!(s->path = strdup(dir))) { st = BS_ERR_NOMEM; goto fail; }
    int rc = mdb_env_create(&s->env);
    if (rc) { st = bs_mdb_status(rc); goto fail; }
    mdb_env_set_maxdbs(s->env, 16);
    mdb_env_set_maxreaders(s->env, 512);
    /* 1 GiB to start; an existing environment keeps the larger size it
     * recorded (LMDB takes the maximum), so reopening never grows it */
    size_t map = BS_MIN_MAP;
    /* BATTSTORE_MAP_SIZE (bytes) lets tests start small to exercise growth */
    const char *env = getenv("BATTSTORE_MAP_SIZE");
    if (env && atoll(env) > 0) map = (size_t)atoll(env);
    mdb_env_set_mapsize(s->env, map);
    unsigned ef = MDB_NOTLS | ((flags & BS_STORE_RDONLY) ? MDB_RDONLY : MDB_WRITEMAP);
    rc = mdb_env_open(s->env, dir, ef, 0664);
    if (rc) {
        st = (rc == ENOENT) ? BS_NOT_FOUND : bs_mdb_status(rc);
        goto fail;
    }
    TRY(st, open_dbs(s));
    *out = s;
    return BS_OK;
fail:
    bs_store_close(s);
    return st;
}

void bs_store_close(bs_store *s)
{
    if (!s) return;
    if (s->env) mdb_env_close(s->env);
    bs_tf_close(&s->tf);
    bs_hook_clear_all(s);
    bs_maplock_destroy(&s->maplock);
    free(s->path);
    free(s);
}

const char *bs_store_path(const bs_store *s)
{
    return s->path;
}

/* ---- map size changes: under the map lock held exclusive ---------- */

typedef struct {
    bs_store *s;
    uint64_t need;      ///< grow to hold this many bytes in all (0: none)
    uint64_t reserve;   ///< or: room for this many more bytes
    bool adopt;         ///< or: adopt the size another process set
} resize_ctx;

static bs_status resize_fn(void *ctx)
{
    resize_ctx *r = ctx;
    MDB_envinfo info;
    MDB_stat ms;
    if (r->adopt) {
        int rc = mdb_env_set_mapsize(r->s->env, 0);
        mdb_env_info(r->s->env, &info);
        bs_tf_remap(&r->s->tf, info.me_mapsize);
        return bs_mdb_status(rc);
    }
    mdb_env_info(r->s->env, &info);
    uint64_t cur = info.me_mapsize, need = r->need;
    if (r->reserve) {
        mdb_env_stat(r->s->env, &ms);
        uint64_t used = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
        need = used + r->reserve <= cur ? 0 : used + r->reserve + r->reserve / 2;
    }
    if (need <= cur) return BS_OK; /* another thread grew it meanwhile */
    uint64_t next = cur * 2 > need ? cur * 2 : need;
    int rc = mdb_env_set_mapsize(r->s->env, (size_t)next);
    if (!rc) bs_tf_remap(&r->s->tf, (size_t)next); /* the term file keeps pace */
    return bs_mdb_status(rc);
}

static bs_status resize(bs_store *s, uint64_t need, uint64_t reserve, bool adopt)
{
    resize_ctx r = {s, need, reserve, adopt};
    return bs_maplock_exclusive(&s->maplock, resize_fn, &r);
}

/* The map size, read while the caller's transaction holds the map lock. */
static uint64_t map_size(bs_store *s)
{
    MDB_envinfo info;
    mdb_env_info(s->env, &info);
    return info.me_mapsize;
}

/* After MAP_FULL in a transaction that has ended, the map being `seen`
 * bytes then: double it.  BS_ERR_FULL (run the transaction again) when it
 * grew, else why not (BS_ERR_BUSY: this thread holds a transaction). */
static bs_status grow_after_full(bs_store *s, uint64_t seen)
{
    bs_status st = resize(s, seen * 2, 0, false);
    return st == BS_OK ? BS_ERR_FULL : st;
}

bs_status bs_store_reserve(bs_store *s, uint64_t bytes)
{
    return bytes ? resize(s, 0, bytes, false) : BS_OK;
}

/* Begin the LMDB transaction; a map grown by another process is adopted
 * (map lock exclusive) and the begin tried again. */
static int begin_mdb(bs_txn *t, bs_status *st)
{
    bs_store *s = t->store;
    unsigned fl = t->write ? 0 : MDB_RDONLY;
    int rc = mdb_txn_begin(s->env, NULL, fl, &t->txn);
    if (rc != MDB_MAP_RESIZED) return rc;
    bs_maplock_leave(&s->maplock, t->owner);
    *st = resize(s, 0, 0, true);
    if (*st == BS_OK) *st = bs_maplock_enter(&s->maplock, &t->owner);
    if (*st != BS_OK) return -1;   /* the lock is not held */
    return mdb_txn_begin(s->env, NULL, fl, &t->txn);
}

bs_status bs_txn_begin(bs_store *s, bool write, bs_txn **out)
{
    *out = NULL;
    if (write && (s->flags & BS_STORE_RDONLY)) return BS_ERR_READONLY;
    bs_txn *t = calloc(1, sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    t->store = s;
    t->write = write;
    bs_status st = bs_maplock_enter(&s->maplock, &t->owner);
    if (st != BS_OK) {
        free(t);
        return st;
    }
    int rc = begin_mdb(t, &st);
    if (rc) {
        if (rc != -1) bs_maplock_leave(&s->maplock, t->owner);
        free(t);
        return rc == -1 ? st : bs_mdb_status(rc);
    }
    if (write) t->seq0 = t->next_seq = bs_next_seq_get(s, t->txn);
    *out = t;
    return BS_OK;
}

/* Free what is left of a transaction whose LMDB txn has ended, and
 * release the map lock. */
static void txn_free(bs_txn *t)
{
    bs_hook_txn_free(t);
    bs_maplock_leave(&t->store->maplock, t->owner);
    free(t);
}

bs_status bs_txn_commit(bs_txn *t)
{
    if (!t) return BS_ERR_ARG;
    bs_store *s = t->store;
    int rc = 0;
    bs_status hst = t->write ? bs_hook_commit(t) : BS_OK;
    uint64_t seen = map_size(s);
    if (t->i2t_cur) mdb_cursor_close(t->i2t_cur);
    if (hst == BS_OK && t->write && t->seq_dirty) {
        uint8_t buf[8];
        bs_put64be(buf, t->next_seq);
        MDB_val k = {8, "next_seq"}, v = {8, buf};
        rc = mdb_put(t->txn, s->meta, &k, &v, 0);
    }
    /* the term file follows i2t; failing to, it falls behind (the
     * cursor path serves the rest): not the commit's failure */
    if (hst == BS_OK && !rc && t->write)
        (void)bs_tf_extend(&s->tf, t->txn, s->i2t, t->seq0, t->next_seq);
    if (hst != BS_OK || rc) mdb_txn_abort(t->txn);
    else rc = mdb_txn_commit(t->txn);
    txn_free(t);
    if (hst == BS_ERR_FULL || rc == MDB_MAP_FULL) return grow_after_full(s, seen);
    return hst != BS_OK ? hst : bs_mdb_status(rc);
}

void bs_txn_abort(bs_txn *t)
{
    if (!t) return;
    if (t->i2t_cur) mdb_cursor_close(t->i2t_cur);
    mdb_txn_abort(t->txn);
    txn_free(t);
}

bool bs_txn_writable(const bs_txn *t)
{
    return t->write;
}

bs_store *bs_txn_store(const bs_txn *t)
{
    return t->store;
}

uint64_t bs_txn_id(const bs_txn *t) { return (uint64_t)mdb_txn_id(t->txn); }

bs_status bs_store_write(bs_store *s, bs_status (*fn)(bs_txn *, void *), void *ctx)
{
    for (int attempt = 0; attempt < 32; attempt++) {
        bs_txn *t = NULL;
        bs_status st = bs_txn_begin(s, true, &t);
        if (st != BS_OK) return st;
        st = fn(t, ctx);
        if (st == BS_OK) {
            st = bs_txn_commit(t);   /* grows the map itself on MAP_FULL */
        } else {
            uint64_t seen = map_size(s);
            bs_txn_abort(t);
            if (st == BS_ERR_FULL) st = grow_after_full(s, seen);
        }
        if (st != BS_ERR_FULL) return st;
    }
    return BS_ERR_FULL;
}

/* Size of the store directory's file name, 0 when it is missing. */
static uint64_t file_size(const char *dir, const char *name)
{
    char *f = NULL;
    struct stat sb;
    uint64_t n = 0;
    if (asprintf(&f, "%s/%s", dir, name) < 0) return 0;
    if (stat(f, &sb) == 0) n = (uint64_t)sb.st_size;
    free(f);
    return n;
}

bs_status bs_store_stat(bs_txn *t, bs_store_stats *out)
{
    bs_store *s = t->store;
    MDB_stat ms;
    MDB_envinfo info;
    memset(out, 0, sizeof *out);
    int rc = mdb_stat(t->txn, s->idx[BS_SPOG], &ms);
    if (rc) return bs_mdb_status(rc);
    out->quads = ms.ms_entries;
    if ((rc = mdb_stat(t->txn, s->i2t, &ms))) return bs_mdb_status(rc);
    out->terms = ms.ms_entries;
    mdb_env_info(s->env, &info);
    mdb_env_stat(s->env, &ms);
    out->map_bytes = info.me_mapsize;
    out->used_bytes = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
    out->file_bytes = file_size(s->path, "data.mdb");
    out->termfile_bytes = file_size(s->path, "terms.idx") + file_size(s->path, "terms.dat");
    bs_graph_info *gl = NULL;
    size_t n = 0;
    bs_status st = bs_graph_list(t, &gl, &n);
    free(gl);
    out->graphs = n;
    return st;
}
