/* SPDX-License-Identifier: MIT
 * battstore — the graph registry: named graphs, their owl:versionIRI and
 * access level.  A graph exists when it holds quads or was registered;
 * its quad count comes from the GSPO index (an O(1) duplicate count). */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

#define REC_BYTES (2 + BS_ID_BYTES) /* access(1) reserved(1) version id */

static int get_rec(bs_txn *t, bs_id g, uint8_t rec[REC_BYTES])
{
    uint8_t kb[BS_KEY_BYTES];
    bs_id_put(kb, g);
    MDB_val k = {BS_KEY_BYTES, kb}, v;
    int rc = mdb_get(t->txn, t->store->graphs, &k, &v);
    memset(rec, 0, REC_BYTES);
    if (rc == 0) memcpy(rec, v.mv_data, v.mv_size < REC_BYTES ? v.mv_size : REC_BYTES);
    return rc;
}

static bs_status put_rec(bs_txn *t, bs_id g, const uint8_t rec[REC_BYTES])
{
    if (!t->write) return BS_ERR_READONLY;
    uint8_t kb[BS_KEY_BYTES];
    bs_id_put(kb, g);
    MDB_val k = {BS_KEY_BYTES, kb}, v = {REC_BYTES, (void *)rec};
    return bs_mdb_status(mdb_put(t->txn, t->store->graphs, &k, &v, 0));
}

static bs_status count_graph(bs_txn *t, bs_id g, uint64_t *n)
{
    bs_quad pat = {BS_ANY, BS_ANY, BS_ANY, g};
    return bs_quad_count(t, &pat, n);
}

bs_status bs_graph_create(bs_txn *t, bs_id g)
{
    uint8_t rec[REC_BYTES];
    int rc = get_rec(t, g, rec);
    if (rc == 0) return BS_OK;
    if (rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    return put_rec(t, g, rec);
}

bs_status bs_graph_set_version(bs_txn *t, bs_id g, bs_id version)
{
    uint8_t rec[REC_BYTES];
    int rc = get_rec(t, g, rec);
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    bs_id_put(rec + 2, version);
    return put_rec(t, g, rec);
}

bs_status bs_graph_set_access(bs_txn *t, bs_id g, bs_access level)
{
    if (level > BS_ACCESS_CONFIDENTIAL) return BS_ERR_ARG;
    uint8_t rec[REC_BYTES];
    int rc = get_rec(t, g, rec);
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    rec[0] = (uint8_t)level;
    return put_rec(t, g, rec);
}

bs_status bs_graph_get(bs_txn *t, bs_id g, bs_graph_info *out)
{
    uint8_t rec[REC_BYTES];
    int rc = get_rec(t, g, rec);
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    memset(out, 0, sizeof *out);
    out->graph = g;
    bs_status st = count_graph(t, g, &out->quads);
    if (st != BS_OK) return st;
    if (rc == MDB_NOTFOUND && out->quads == 0 && g != BS_DEFAULT_GRAPH)
        return BS_NOT_FOUND;
    out->access = (bs_access)rec[0];
    out->version = bs_id_get(rec + 2);
    return BS_OK;
}

bs_status bs_graph_clear(bs_txn *t, bs_id g, bool forget, uint64_t *removed)
{
    if (!t->write) return BS_ERR_READONLY;
    bs_store *s = t->store;
    MDB_cursor *c = NULL;
    uint64_t n = 0;
    bs_status hst = BS_OK;
    uint8_t gk[BS_KEY_BYTES];
    bs_id_put(gk, g);
    int rc = mdb_cursor_open(t->txn, s->idx[BS_GSPO], &c);
    if (rc) return bs_mdb_status(rc);
    MDB_val k = {BS_KEY_BYTES, gk}, v;
    for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_KEY); rc == 0;
         rc = mdb_cursor_get(c, &k, &v, MDB_NEXT_DUP)) {
        bs_quad q;
        bs_quad_unpack(BS_GSPO, k.mv_data, v.mv_data, &q);
        for (int i = BS_SPOG; i <= BS_OSPG; i++) {
            uint8_t kb[BS_KEY_BYTES], db[BS_DATA_BYTES];
            bs_quad_pack(i, &q, kb, db);
            MDB_val k2 = {BS_KEY_BYTES, kb}, v2 = {BS_DATA_BYTES, db};
            int r2 = mdb_del(t->txn, s->idx[i], &k2, &v2);
            if (r2) { rc = r2; goto done; }
        }
        if ((hst = bs_hook_touch(t, &q)) != BS_OK) goto done;
        n++;
    }
done:
    mdb_cursor_close(c);
    if (hst != BS_OK) return hst;
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    for (int i = BS_GSPO; i <= BS_GOSP; i++) {
        MDB_val k2 = {BS_KEY_BYTES, gk};
        rc = mdb_del(t->txn, s->idx[i], &k2, NULL);
        if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    }
    if (forget) {
        MDB_val k2 = {BS_KEY_BYTES, gk};
        rc = mdb_del(t->txn, s->graphs, &k2, NULL);
        if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    }
    if (removed) *removed = n;
    return BS_OK;
}

/* Append g to the growing id list unless it is the last one already. */
static bs_status list_push(bs_id **v, size_t *n, size_t *cap, bs_id g)
{
    if (*n && (*v)[*n - 1] == g) return BS_OK;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        bs_id *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = g;
    return BS_OK;
}

static int cmp_id(const void *a, const void *b)
{
    bs_id x = *(const bs_id *)a, y = *(const bs_id *)b;
    return x < y ? -1 : x > y;
}

/* Collect every key of a database (graph ids) into the list. */
static bs_status collect_keys(bs_txn *t, MDB_dbi dbi, bs_id **v, size_t *n,
                              size_t *cap)
{
    MDB_cursor *c;
    MDB_val k, d;
    int rc = mdb_cursor_open(t->txn, dbi, &c);
    if (rc) return bs_mdb_status(rc);
    bs_status st = BS_OK;
    for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0 && st == BS_OK;
         rc = mdb_cursor_get(c, &k, &d, MDB_NEXT_NODUP)) {
        bs_id g = bs_id_get(k.mv_data);
        if (g != BS_DEFAULT_GRAPH) st = list_push(v, n, cap, g);
    }
    mdb_cursor_close(c);
    if (st != BS_OK) return st;
    return rc == MDB_NOTFOUND ? BS_OK : bs_mdb_status(rc);
}

bs_status bs_graph_ids(bs_txn *t, bs_id **out, size_t *nout)
{
    bs_id *v = NULL;
    size_t n = 0, cap = 0;
    bs_status st;
    *out = NULL;
    *nout = 0;
    TRY(st, collect_keys(t, t->store->idx[BS_GSPO], &v, &n, &cap));
    TRY(st, collect_keys(t, t->store->graphs, &v, &n, &cap));
    if (n) qsort(v, n, sizeof *v, cmp_id);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || v[m - 1] != v[i]) v[m++] = v[i];
    *out = v;
    *nout = m;
    return BS_OK;
fail:
    free(v);
    return st;
}

bs_status bs_graph_access(bs_txn *t, bs_id g, bs_access *out)
{
    uint8_t rec[REC_BYTES];
    int rc = get_rec(t, g, rec);
    if (rc && rc != MDB_NOTFOUND) return bs_mdb_status(rc);
    *out = rc == MDB_NOTFOUND || rec[0] > BS_ACCESS_CONFIDENTIAL
               ? BS_ACCESS_PUBLIC : (bs_access)rec[0];
    return BS_OK;
}

bs_status bs_graph_list(bs_txn *t, bs_graph_info **out, size_t *nout)
{
    bs_id *ids = NULL;
    bs_graph_info *v = NULL;
    size_t n = 0, m = 0;
    bs_status st;
    *out = NULL;
    *nout = 0;
    TRY(st, bs_graph_ids(t, &ids, &n));
    if (!(v = malloc((n ? n : 1) * sizeof *v))) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    for (size_t i = 0; i < n; i++) {
        st = bs_graph_get(t, ids[i], &v[m]);
        if (st == BS_NOT_FOUND) continue;
        if (st != BS_OK) goto fail;
        m++;
    }
    free(ids);
    *out = v;
    *nout = m;
    return BS_OK;
fail:
    free(ids);
    free(v);
    return st;
}
