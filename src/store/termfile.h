/* SPDX-License-Identifier: MIT
 * battstore — the term file: i2t as an array beside data.mdb (store internal). */
#ifndef BS_STORE_TERMFILE_H
#define BS_STORE_TERMFILE_H

#include <lmdb.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/** terms.idx: BS_TF_HDR_WORDS header words (magic, format, count N,
 *  reserved), then N + 1 offsets into terms.dat (native uint64): the
 *  encoding of sequence number s is dat[off[s], off[s + 1]), empty when s
 *  has no term.  Derived from i2t, which stays the source of truth. */
#define BS_TF_HDR_WORDS 8
#define BS_TF_COUNT 2 /* the header word holding N */

typedef struct {
    int idx_fd, dat_fd;       ///< -1: no file (the cursor path only)
    const uint64_t *idx;      ///< terms.idx mapped read-only, or NULL
    const uint8_t *dat;       ///< terms.dat mapped read-only
    size_t idx_len, dat_len;  ///< bytes reserved (Linux maps past EOF)
    uint64_t *hdr;            ///< writable handles: the header page, writable
    bool sync;                ///< fdatasync before the count moves (the env syncs)
} bs_termfile;

/** Open (create and build from i2t unless ro) the term file of store
 *  directory dir in txn, whose committed next sequence number is next.
 *  A file that does not match i2t is rebuilt (writable) or not used
 *  (ro); failing to open or map it is not an error: the cursor path
 *  serves.  reserve: the bytes to map (LMDB's map size). */
void bs_tf_open(bs_termfile *f, const char *dir, bool ro, MDB_txn *txn, MDB_dbi i2t,
                uint64_t next, size_t reserve, bool sync);

/// Unmap and close; safe on a closed or never opened file.
void bs_tf_close(bs_termfile *f);

/** Map reserve bytes when that is more than now (the map lock held
 *  exclusive: no pointer into the mapping is in use). */
void bs_tf_remap(bs_termfile *f, size_t reserve);

/** Under LMDB's write lock, before the commit of txn (committed next
 *  sequence number `committed`, the txn's `upto`): cut the count back to
 *  committed if an aborted writer left more, append the terms
 *  [count, upto) read from txn's i2t, sync, move the count.  On failure
 *  the count stays where it was (the cursor path serves the rest). */
bs_status bs_tf_extend(bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t committed,
                       uint64_t upto);

/** Compare every entry below min(count, upto) with i2t (tests, checks):
 *  BS_OK, BS_ERR_CORRUPT, or BS_NOT_FOUND when there is no file. */
bs_status bs_tf_verify(const bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t upto);

/// The count N (entries below N are written), 0 without a file.
static inline uint64_t bs_tf_count(const bs_termfile *f)
{
    return f->idx ? __atomic_load_n(&f->idx[BS_TF_COUNT], __ATOMIC_ACQUIRE) : 0;
}

#endif
