/* SPDX-License-Identifier: MIT
 * battstore — the Redland (librdf) storage module "lmdb" over a store. */
#ifndef BS_REDLAND_H
#define BS_REDLAND_H

#include <redland.h>
#include "store/store.h"

/** The librdf storage factory name and label. */
#define BS_REDLAND_STORAGE "lmdb"
#define BS_REDLAND_LABEL "battstore LMDB quad store"

/**
 * Register the storage factory "lmdb" with a librdf world (idempotent:
 * BS_OK when a factory of that name is already registered, e.g. because
 * the loadable module librdf_storage_lmdb.so was found on
 * REDLAND_MODULE_PATH).
 *
 * Storage name = the store directory.  Options (librdf hash string):
 *   new='yes'    create the store when missing (an existing store is
 *                opened, never wiped);
 *   write='no'   open read-only;
 *   contexts=... accepted and ignored: contexts are always supported.
 *
 * Model of the data, as Redland's "hashes" storage with contexts:
 *  - context NULL = battstore's default graph (id 0); a context node =
 *    the named graph of that IRI (blank-node graph names work for
 *    add/find but are not listed by get_contexts);
 *  - add/remove without a context write the default graph;
 *  - find/contains/serialise without a context see the union of all
 *    graphs, one statement per stored quad: a triple held in n graphs
 *    is returned n times (each with its context); size = total quads;
 *  - a literal typed xsd:string is a plain literal (RDF 1.1).
 *
 * Writes outside an explicit transaction are each one LMDB write
 * transaction (add_statements: one for the whole stream); between
 * librdf_storage_transaction_start() and _commit() they share one.
 * Streams returned by find hold an LMDB read snapshot until freed.
 * A librdf_storage and its streams belong to one thread at a time.
 */
bs_status bs_redland_register(librdf_world *world);

/**
 * Make an already open store available to librdf storages created by
 * name in this process (LMDB forbids opening one environment twice per
 * process): while attached, the factory's init for a storage named
 * `name` (canonicalised with realpath(3) when it exists) uses `store`
 * instead of calling bs_store_open().  `store` stays owned by the caller
 * and must stay open until bs_redland_detach() succeeds.  Attaching
 * the same store under the same name again is counted (one detach
 * each).  Thread-safe.  BS_ERR_BUSY when another store is attached or
 * open under that name.
 */
bs_status bs_redland_attach(const char *name, bs_store *store);

/**
 * Drop an attachment made by bs_redland_attach().  BS_ERR_BUSY (and the
 * attachment stays) while a librdf_storage still uses the store: free
 * those first.  BS_NOT_FOUND when nothing is attached under that name.
 */
bs_status bs_redland_detach(const char *name);

/**
 * A new librdf storage over an open store, bypassing the factory
 * registry (so it works whichever "lmdb" factory the world has).
 * `store` is borrowed: it must outlive the storage.  Caller frees with
 * librdf_free_storage().
 */
bs_status bs_redland_storage_new(librdf_world *world, bs_store *store,
                                 librdf_storage **out);

/**
 * Pin one read snapshot for the reads of a storage made by this module
 * (e.g. the one bs_redland_storage_new() returned): until
 * bs_redland_snapshot_end(), every find, contains and size sees the
 * store as it was at this call (a query sees one consistent state) and
 * no read opens a transaction of its own.  Writes still commit as usual
 * but are not seen through the snapshot; an explicit transaction's reads
 * use its write transaction.  BS_ERR_BUSY when a snapshot is pinned.
 */
bs_status bs_redland_snapshot_begin(librdf_storage *storage);

/** Unpin the snapshot.  Every stream read while it was pinned must have
 *  been freed.  No-op without a snapshot. */
void bs_redland_snapshot_end(librdf_storage *storage);

#endif
