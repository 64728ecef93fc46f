/* SPDX-License-Identifier: MIT
 * battstore — id vectors, id sets and triple sets for property paths,
 * CONSTRUCT and DESCRIBE (memory accounted through bs_sp_mem). */
#ifndef BS_SP_PATH_SET_H
#define BS_SP_PATH_SET_H

#include <stdbool.h>
#include <stddef.h>
#include "sparql/sparql_int.h"

/** A growable array of ids.  Zero-initialise ({0}) with ex set, or use
 *  bs_sp_idvec_init(); free the items with bs_sp_idvec_done(). */
typedef struct {
    bs_sp_exec *ex; ///< for memory accounting (may be NULL: none)
    bs_id *v;
    size_t n, cap;
} bs_sp_idvec;

void bs_sp_idvec_init(bs_sp_idvec *v, bs_sp_exec *ex);
/// Append one id.
bs_status bs_sp_idvec_push(bs_sp_idvec *v, bs_id id);
/// Release the items (the struct itself is the caller's).  NULL is safe.
void bs_sp_idvec_done(bs_sp_idvec *v);

/** A set of non-zero ids (open addressing, linear probing).  Same
 *  life cycle as bs_sp_idvec. */
typedef struct {
    bs_sp_exec *ex;
    bs_id *slot; ///< 0 = empty
    size_t n, cap;
} bs_sp_idset;

void bs_sp_idset_init(bs_sp_idset *s, bs_sp_exec *ex);
/// Add id (non-zero); *added (may be NULL) tells whether it was new.
bs_status bs_sp_idset_add(bs_sp_idset *s, bs_id id, bool *added);
bool bs_sp_idset_has(const bs_sp_idset *s, bs_id id);
/// Forget every member but keep the table (O(capacity)).
void bs_sp_idset_clear(bs_sp_idset *s);
void bs_sp_idset_done(bs_sp_idset *s);

/** A set of id triples (CONSTRUCT's "each triple once"). */
typedef struct {
    bs_sp_exec *ex;
    bs_id *slot; ///< 3 ids per entry; s == 0 = empty
    size_t n, cap;
} bs_sp_triset;

void bs_sp_triset_init(bs_sp_triset *s, bs_sp_exec *ex);
/// Add (t[0], t[1], t[2]) (t[0] non-zero); *added tells whether it was new.
bs_status bs_sp_triset_add(bs_sp_triset *s, const bs_id t[3], bool *added);
void bs_sp_triset_done(bs_sp_triset *s);

/// A 64-bit mix of an id (for hash tables).
static inline uint64_t bs_sp_idhash(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

#endif
