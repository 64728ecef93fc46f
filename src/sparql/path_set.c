/* SPDX-License-Identifier: MIT
 * battstore — id vectors, id sets and triple sets (memory accounted). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include "sparql/path_set.h"

/* Every allocation is reported to the exec's memory cap before it is
 * made, and given back when it is freed. */
static bs_status account(bs_sp_exec *ex, long long delta)
{
    return ex ? bs_sp_mem(ex, delta) : BS_OK;
}

/* ---- vectors ------------------------------------------------------------ */

void bs_sp_idvec_init(bs_sp_idvec *v, bs_sp_exec *ex)
{
    memset(v, 0, sizeof *v);
    v->ex = ex;
}

bs_status bs_sp_idvec_push(bs_sp_idvec *v, bs_id id)
{
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 16;
        bs_status st = account(v->ex, (long long)((cap - v->cap) * sizeof(bs_id)));
        if (st != BS_OK) return st;
        bs_id *nv = realloc(v->v, cap * sizeof(bs_id));
        if (!nv) {
            account(v->ex, -(long long)((cap - v->cap) * sizeof(bs_id)));
            return BS_ERR_NOMEM;
        }
        v->v = nv;
        v->cap = cap;
    }
    v->v[v->n++] = id;
    return BS_OK;
}

void bs_sp_idvec_done(bs_sp_idvec *v)
{
    if (!v) return;
    if (v->cap) account(v->ex, -(long long)(v->cap * sizeof(bs_id)));
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}

/* ---- id sets ------------------------------------------------------------ */

void bs_sp_idset_init(bs_sp_idset *s, bs_sp_exec *ex)
{
    memset(s, 0, sizeof *s);
    s->ex = ex;
}

static size_t idset_find(const bs_id *slot, size_t cap, bs_id id)
{
    size_t mask = cap - 1, i = (size_t)bs_sp_idhash(id) & mask;
    while (slot[i] && slot[i] != id) i = (i + 1) & mask;
    return i;
}

static bs_status idset_grow(bs_sp_idset *s)
{
    size_t cap = s->cap ? 2 * s->cap : 16;
    bs_status st = account(s->ex, (long long)((cap - s->cap) * sizeof(bs_id)));
    if (st != BS_OK) return st;
    bs_id *ns = calloc(cap, sizeof(bs_id));
    if (!ns) {
        account(s->ex, -(long long)((cap - s->cap) * sizeof(bs_id)));
        return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->cap; i++)
        if (s->slot[i]) ns[idset_find(ns, cap, s->slot[i])] = s->slot[i];
    free(s->slot);
    s->slot = ns;
    s->cap = cap;
    return BS_OK;
}

bs_status bs_sp_idset_add(bs_sp_idset *s, bs_id id, bool *added)
{
    if (added) *added = false;
    if (id == 0) return BS_ERR_ARG;
    if (4 * (s->n + 1) > 3 * s->cap) {
        bs_status st = idset_grow(s);
        if (st != BS_OK) return st;
    }
    size_t i = idset_find(s->slot, s->cap, id);
    if (s->slot[i]) return BS_OK;
    s->slot[i] = id;
    s->n++;
    if (added) *added = true;
    return BS_OK;
}

bool bs_sp_idset_has(const bs_sp_idset *s, bs_id id)
{
    if (!s->cap || id == 0) return false;
    return s->slot[idset_find(s->slot, s->cap, id)] == id;
}

void bs_sp_idset_clear(bs_sp_idset *s)
{
    if (s->cap) memset(s->slot, 0, s->cap * sizeof(bs_id));
    s->n = 0;
}

void bs_sp_idset_done(bs_sp_idset *s)
{
    if (!s) return;
    if (s->cap) account(s->ex, -(long long)(s->cap * sizeof(bs_id)));
    free(s->slot);
    s->slot = NULL;
    s->n = s->cap = 0;
}

/* ---- triple sets -------------------------------------------------------- */

void bs_sp_triset_init(bs_sp_triset *s, bs_sp_exec *ex)
{
    memset(s, 0, sizeof *s);
    s->ex = ex;
}

static size_t triset_find(const bs_id *slot, size_t cap, const bs_id t[3])
{
    size_t mask = cap - 1;
    uint64_t h = bs_sp_idhash(t[0] ^ bs_sp_idhash(t[1] ^ bs_sp_idhash(t[2])));
    size_t i = (size_t)h & mask;
    while (slot[3 * i] && (slot[3 * i] != t[0] || slot[3 * i + 1] != t[1] ||
                           slot[3 * i + 2] != t[2]))
        i = (i + 1) & mask;
    return i;
}

static bs_status triset_grow(bs_sp_triset *s)
{
    size_t cap = s->cap ? 2 * s->cap : 64;
    long long bytes = (long long)((cap - s->cap) * 3 * sizeof(bs_id));
    bs_status st = account(s->ex, bytes);
    if (st != BS_OK) return st;
    bs_id *ns = calloc(3 * cap, sizeof(bs_id));
    if (!ns) {
        account(s->ex, -bytes);
        return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < s->cap; i++) {
        if (!s->slot[3 * i]) continue;
        size_t j = triset_find(ns, cap, &s->slot[3 * i]);
        memcpy(&ns[3 * j], &s->slot[3 * i], 3 * sizeof(bs_id));
    }
    free(s->slot);
    s->slot = ns;
    s->cap = cap;
    return BS_OK;
}

bs_status bs_sp_triset_add(bs_sp_triset *s, const bs_id t[3], bool *added)
{
    *added = false;
    if (t[0] == 0) return BS_ERR_ARG;
    if (4 * (s->n + 1) > 3 * s->cap) {
        bs_status st = triset_grow(s);
        if (st != BS_OK) return st;
    }
    size_t i = triset_find(s->slot, s->cap, t);
    if (s->slot[3 * i]) return BS_OK;
    memcpy(&s->slot[3 * i], t, 3 * sizeof(bs_id));
    s->n++;
    *added = true;
    return BS_OK;
}

void bs_sp_triset_done(bs_sp_triset *s)
{
    if (!s) return;
    if (s->cap) account(s->ex, -(long long)(s->cap * 3 * sizeof(bs_id)));
    free(s->slot);
    s->slot = NULL;
    s->n = s->cap = 0;
}
