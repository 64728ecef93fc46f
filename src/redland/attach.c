/* SPDX-License-Identifier: MIT
 * battstore — the process-wide table of stores used by "lmdb" storages.
 *
 * LMDB must not open one environment twice in a process, yet librdf
 * creates storages by name (and clones them).  Every storage therefore
 * takes its bs_store from this table: an entry is either attached by
 * the application (bs_redland_attach: the application owns the store)
 * or opened by the first storage that needed it (the table owns it and
 * closes it with the last reference). */
#include "config.h"
#include "redland/redland_int.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    struct entry *next;
    char *key;
    bs_store *store;
    unsigned refs;  ///< storages using the store
    unsigned pins;  ///< attachments (bs_redland_attach and internal)
    bool owned;     ///< opened by the table: closed with the last ref
} entry;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static entry *table; // few entries: a list is enough

/// Canonical key of a name: realpath() when it exists, else the name.
static char *canon(const char *name)
{
    char buf[PATH_MAX];
    const char *k = realpath(name, buf) ? buf : name;
    return strdup(k);
}

static entry **find(const char *key)
{
    entry **pp = &table;
    while (*pp && strcmp((*pp)->key, key) != 0) pp = &(*pp)->next;
    return pp;
}

static bs_status insert(const char *key, bs_store *store, bool owned)
{
    entry *e = calloc(1, sizeof *e);
    if (!e || !(e->key = strdup(key))) {
        free(e);
        return BS_ERR_NOMEM;
    }
    e->store = store;
    e->owned = owned;
    e->pins = owned ? 0 : 1;
    e->refs = owned ? 1 : 0;
    e->next = table;
    table = e;
    return BS_OK;
}

static void unlink_entry(entry **pp)
{
    entry *e = *pp;
    *pp = e->next;
    if (e->owned) bs_store_close(e->store);
    free(e->key);
    free(e);
}

/* Attaching the same store again under its key only counts a pin. */
bs_status bs_rl_table_attach_key(const char *key, bs_store *store)
{
    bs_status st = BS_OK;
    pthread_mutex_lock(&table_lock);
    entry *e = *find(key);
    if (!e) st = insert(key, store, false);
    else if (e->store == store && !e->owned) e->pins++;
    else st = BS_ERR_BUSY;
    pthread_mutex_unlock(&table_lock);
    return st;
}

static void unpin(entry **pp)
{
    if (--(*pp)->pins == 0 && (*pp)->refs == 0) unlink_entry(pp);
}

void bs_rl_table_unpin_key(const char *key)
{
    pthread_mutex_lock(&table_lock);
    entry **pp = find(key);
    if (*pp && (*pp)->pins) unpin(pp);
    pthread_mutex_unlock(&table_lock);
}

bs_status bs_redland_attach(const char *name, bs_store *store)
{
    if (!name || !store) return BS_ERR_ARG;
    char *key = canon(name);
    if (!key) return BS_ERR_NOMEM;
    bs_status st = bs_rl_table_attach_key(key, store);
    free(key);
    return st;
}

bs_status bs_redland_detach(const char *name)
{
    if (!name) return BS_ERR_ARG;
    char *key = canon(name);
    if (!key) return BS_ERR_NOMEM;
    bs_status st = BS_NOT_FOUND;
    pthread_mutex_lock(&table_lock);
    entry **pp = find(key);
    if (*pp && (*pp)->pins) {
        // the last pin may only go when no storage uses the store
        st = (*pp)->pins == 1 && (*pp)->refs ? BS_ERR_BUSY : BS_OK;
        if (st == BS_OK) unpin(pp);
    }
    pthread_mutex_unlock(&table_lock);
    free(key);
    return st;
}

/* Open a store for the table.  The key is computed again after opening
 * because creating the directory changes what realpath() says. */
static bs_status open_owned(const char *name, unsigned flags, char **key,
                            bs_store **store)
{
    bs_store *s = NULL;
    char *k = NULL;
    bs_status st;
    TRY(st, bs_store_open(name, flags, &s));
    if (!(k = canon(name))) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    if (strcmp(k, *key) != 0 && *find(k)) {
        st = BS_ERR_BUSY; // already open under its canonical name
        goto fail;
    }
    TRY(st, insert(k, s, true));
    free(*key);
    *key = k;
    *store = s;
    return BS_OK;
fail:
    free(k);
    bs_store_close(s);
    return st;
}

bs_status bs_rl_table_acquire(const char *name, unsigned flags, char **key,
                              bs_store **store)
{
    char *k = canon(name);
    if (!k) return BS_ERR_NOMEM;
    bs_status st = BS_OK;
    pthread_mutex_lock(&table_lock);
    entry *e = *find(k);
    if (e) {
        e->refs++;
        *store = e->store;
    } else {
        st = open_owned(name, flags, &k, store);
    }
    pthread_mutex_unlock(&table_lock);
    if (st != BS_OK) {
        free(k);
        return st;
    }
    *key = k;
    return BS_OK;
}

void bs_rl_table_release(const char *key)
{
    pthread_mutex_lock(&table_lock);
    entry **pp = find(key);
    if (*pp && (*pp)->refs > 0 && --(*pp)->refs == 0 && !(*pp)->pins)
        unlink_entry(pp);
    pthread_mutex_unlock(&table_lock);
}
