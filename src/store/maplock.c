/* SPDX-License-Identifier: MIT
 * battstore — the map lock: a writer-preferring shared/exclusive lock of
 * a store handle.  Every transaction holds it shared from begin to end;
 * changing the map size (growth, adopting another process's growth)
 * holds it exclusive, because LMDB remaps the file under
 * mdb_env_set_mapsize and a transaction of this process still reading
 * the old mapping would crash.
 *
 * Own lock rather than pthread_rwlock: read transactions may end in
 * another thread than the one that began them (MDB_NOTLS), which a
 * pthread rwlock does not allow, and the lock must know how many
 * transactions each thread holds:
 *   - a thread that holds a transaction never waits to begin another one
 *     (a waiting grower would wait for that thread forever: deadlock);
 *   - a thread that holds a transaction cannot change the map (it would
 *     wait for itself): bs_maplock_exclusive refuses with BS_ERR_BUSY.
 * A transaction counts for the thread that began it until it ends,
 * wherever it ends. */
#include "config.h"
#include "store/store_int.h"

#include <stdlib.h>
#include <string.h>

bs_status bs_maplock_init(bs_maplock *l)
{
    memset(l, 0, sizeof *l);
    if (pthread_mutex_init(&l->mu, NULL)) return BS_ERR_NOMEM;
    if (pthread_cond_init(&l->enter_cv, NULL)) goto fail_mu;
    if (pthread_cond_init(&l->grow_cv, NULL)) goto fail_cv;
    l->ready = true;
    return BS_OK;
fail_cv:
    pthread_cond_destroy(&l->enter_cv);
fail_mu:
    pthread_mutex_destroy(&l->mu);
    return BS_ERR_NOMEM;
}

void bs_maplock_destroy(bs_maplock *l)
{
    if (!l->ready) return;
    pthread_cond_destroy(&l->grow_cv);
    pthread_cond_destroy(&l->enter_cv);
    pthread_mutex_destroy(&l->mu);
    free(l->holders);
    memset(l, 0, sizeof *l);
}

/* The record of thread th (mutex held), or NULL. */
static bs_maplock_holder *find(bs_maplock *l, pthread_t th)
{
    for (size_t i = 0; i < l->nholders; i++)
        if (pthread_equal(l->holders[i].thread, th)) return &l->holders[i];
    return NULL;
}

/* The record of thread th, added when missing (mutex held). */
static bs_maplock_holder *find_or_add(bs_maplock *l, pthread_t th)
{
    bs_maplock_holder *h = find(l, th);
    if (h) return h;
    if (l->nholders == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 16;
        bs_maplock_holder *nv = realloc(l->holders, nc * sizeof *nv);
        if (!nv) return NULL;
        l->holders = nv;
        l->cap = nc;
    }
    h = &l->holders[l->nholders++];
    h->thread = th;
    h->n = 0;
    return h;
}

bs_status bs_maplock_enter(bs_maplock *l, pthread_t *owner)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&l->mu);
    bs_maplock_holder *h = find(l, self);
    /* writer preference, except for a thread that already holds one */
    if (!h || !h->n)
        while (l->growers) pthread_cond_wait(&l->enter_cv, &l->mu);
    if (!(h = find_or_add(l, self))) {
        pthread_mutex_unlock(&l->mu);
        return BS_ERR_NOMEM;
    }
    h->n++;
    l->active++;
    pthread_mutex_unlock(&l->mu);
    *owner = self;
    return BS_OK;
}

void bs_maplock_leave(bs_maplock *l, pthread_t owner)
{
    pthread_mutex_lock(&l->mu);
    bs_maplock_holder *h = find(l, owner);
    if (h && --h->n == 0) *h = l->holders[--l->nholders];
    l->active--;
    if (!l->active && l->growers) pthread_cond_broadcast(&l->grow_cv);
    pthread_mutex_unlock(&l->mu);
}

bs_status bs_maplock_exclusive(bs_maplock *l, bs_status (*fn)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&l->mu);
    bs_maplock_holder *h = find(l, pthread_self());
    if (h && h->n) {
        pthread_mutex_unlock(&l->mu);
        return BS_ERR_BUSY;
    }
    l->growers++;  /* from now on new transactions wait */
    while (l->active) pthread_cond_wait(&l->grow_cv, &l->mu);
    /* no transaction of this handle is open, none can begin: the mutex
     * stays held through fn, so growers run one at a time */
    bs_status st = fn(ctx);
    if (--l->growers) pthread_cond_broadcast(&l->grow_cv);
    else pthread_cond_broadcast(&l->enter_cv);
    pthread_mutex_unlock(&l->mu);
    return st;
}
