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
                               &st->idx[i])))
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
    s->flags = flags;
    pthread_mutex_init(&s->grow_lock, NULL);
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
    bs_hook_clear_all(s);
    pthread_mutex_destroy(&s->grow_lock);
    free(s->path);
    free(s);
}

const char *bs_store_path(const bs_store *s)
{
    return s->path;
}

/* Grow the map to hold `need` bytes in all (at least doubling). */
static bs_status grow_to(bs_store *s, uint64_t need)
{
    MDB_envinfo info;
    pthread_mutex_lock(&s->grow_lock);
    mdb_env_info(s->env, &info);
    size_t cur = info.me_mapsize;
    int rc = 0;
    if (need > cur) {
        size_t next = cur * 2 > need ? cur * 2 : (size_t)need;
        rc = mdb_env_set_mapsize(s->env, next);
    }
    pthread_mutex_unlock(&s->grow_lock);
    return bs_mdb_status(rc);
}

static bs_status grow(bs_store *s)
{
    MDB_envinfo info;
    mdb_env_info(s->env, &info);
    return grow_to(s, (uint64_t)info.me_mapsize * 2);
}

bs_status bs_store_reserve(bs_store *s, uint64_t bytes)
{
    MDB_envinfo info;
    MDB_stat ms;
    mdb_env_info(s->env, &info);
    mdb_env_stat(s->env, &ms);
    uint64_t used = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
    if (used + bytes <= info.me_mapsize) return BS_OK;
    return grow_to(s, used + bytes + bytes / 2);
}

bs_status bs_txn_begin(bs_store *s, bool write, bs_txn **out)
{
    *out = NULL;
    if (write && (s->flags & BS_STORE_RDONLY)) return BS_ERR_READONLY;
    bs_txn *t = calloc(1, sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    t->store = s;
    t->write = write;
    int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    if (rc == MDB_MAP_RESIZED) { /* another process grew the map */
        mdb_env_set_mapsize(s->env, 0);
        rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, &t->txn);
    }
    if (rc) {
        free(t);
        return bs_mdb_status(rc);
    }
    if (write) {
        MDB_val k = {8, "next_seq"}, v;
        rc = mdb_get(t->txn, s->meta, &k, &v);
        t->next_seq = (rc == 0 && v.mv_size == 8) ? bs_get64be(v.mv_data) : 1;
    }
    *out = t;
    return BS_OK;
}

bs_status bs_txn_commit(bs_txn *t)
{
    if (!t) return BS_ERR_ARG;
    int rc = 0;
    bs_status hst = t->write ? bs_hook_commit(t) : BS_OK;
    bs_hook_txn_free(t);
    if (t->i2t_cur) mdb_cursor_close(t->i2t_cur);
    if (hst != BS_OK) {
        bs_store *s = t->store;
        mdb_txn_abort(t->txn);
        free(t);
        if (hst == BS_ERR_FULL) grow(s);
        return hst;
    }
    if (t->write && t->seq_dirty) {
        uint8_t buf[8];
        bs_put64be(buf, t->next_seq);
        MDB_val k = {8, "next_seq"}, v = {8, buf};
        rc = mdb_put(t->txn, t->store->meta, &k, &v, 0);
    }
    if (rc) mdb_txn_abort(t->txn);
    else rc = mdb_txn_commit(t->txn);
    bs_store *s = t->store;
    free(t);
    if (rc == MDB_MAP_FULL) {
        grow(s);
        return BS_ERR_FULL;
    }
    return bs_mdb_status(rc);
}

void bs_txn_abort(bs_txn *t)
{
    if (!t) return;
    bs_hook_txn_free(t);
    if (t->i2t_cur) mdb_cursor_close(t->i2t_cur);
    mdb_txn_abort(t->txn);
    free(t);
}

bool bs_txn_writable(const bs_txn *t)
{
    return t->write;
}

bs_store *bs_txn_store(const bs_txn *t)
{
    return t->store;
}

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
            bs_txn_abort(t);
            if (st == BS_ERR_FULL) grow(s);
        }
        if (st != BS_ERR_FULL) return st;
    }
    return BS_ERR_FULL;
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
    char *f = NULL;
    struct stat sb;
    if (asprintf(&f, "%s/data.mdb", s->path) >= 0) {
        if (stat(f, &sb) == 0) out->file_bytes = (uint64_t)sb.st_size;
        free(f);
    }
    bs_graph_info *gl = NULL;
    size_t n = 0;
    bs_status st = bs_graph_list(t, &gl, &n);
    free(gl);
    out->graphs = n;
    return st;
}
