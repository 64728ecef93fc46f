/* SPDX-License-Identifier: MIT
 * battstore — store internals shared by the files of src/store only. */
#ifndef BS_STORE_INT_H
#define BS_STORE_INT_H

#include <lmdb.h>
#include <pthread.h>
#include <string.h>
#include "store/store.h"
#include "store/termfile.h"

/** On-disk format version (bump when the layout or bs_hash64 changes). */
#define BS_FORMAT_VERSION 1u

/** Quad index orders: positions of s(0) p(1) o(2) g(3) in key order.
 *  The first id is the LMDB key (BS_KEY_BYTES), the other three the
 *  fixed-size duplicate data (BS_DATA_BYTES). */
enum { BS_SPOG, BS_POSG, BS_OSPG, BS_GSPO, BS_GPOS, BS_GOSP, BS_NIDX };
extern const int bs_orderings[BS_NIDX][4];
extern const char *const bs_index_names[BS_NIDX];

#define BS_KEY_BYTES BS_ID_BYTES
#define BS_DATA_BYTES (3 * BS_ID_BYTES)
#define BS_QUAD_BYTES (4 * BS_ID_BYTES)

/** A write hook registered on a store handle (see bs_store_hook_add). */
#define BS_MAX_HOOKS 4
typedef struct {
    char *name;
    bs_id *preds;       ///< watched predicates (few: a linear scan)
    size_t npreds;
    bs_status (*before_commit)(bs_txn *txn, const bs_id *lits, size_t n, void *ctx);
    void *ctx;
    bs_status (*on_bulk)(bs_txn *txn, bs_id lit, bs_id pred, void **state, void *ctx);
    bs_status (*bulk_flush)(bs_txn *txn, void *state, void *ctx);
    void (*bulk_free)(void *state, void *ctx);
} bs_hook_reg;

/** Literal ids collected for one hook during a write transaction. */
typedef struct {
    bs_id *v;
    size_t n, cap;
} bs_idvec;

/** The map lock (maplock.c): every transaction of a handle holds it
 *  shared; a map size change holds it exclusive.  Writer-preferring, and
 *  counting per thread so a thread holding a transaction never waits to
 *  begin another. */
typedef struct {
    pthread_t thread;
    size_t n;           ///< transactions this thread began and not ended
} bs_maplock_holder;

typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t enter_cv;   ///< new transactions wait here for growers
    pthread_cond_t grow_cv;    ///< growers wait here for active == 0
    size_t active;             ///< open transactions
    int growers;               ///< threads waiting for or holding exclusive
    bs_maplock_holder *holders;
    size_t nholders, cap;
    bool ready;
} bs_maplock;

bs_status bs_maplock_init(bs_maplock *l);
void bs_maplock_destroy(bs_maplock *l);
/// Take the lock shared for a transaction; *owner is given back to leave.
bs_status bs_maplock_enter(bs_maplock *l, pthread_t *owner);
void bs_maplock_leave(bs_maplock *l, pthread_t owner);
/** Run fn(ctx) when no transaction of the handle is open and none can
 *  begin; BS_ERR_BUSY (fn not run) when the calling thread holds one. */
bs_status bs_maplock_exclusive(bs_maplock *l, bs_status (*fn)(void *ctx), void *ctx);

struct bs_store {
    MDB_env *env;
    MDB_dbi i2t;        ///< sequence (BS_ID_BYTES, BE) -> term encoding
    MDB_dbi t2i;        ///< hash (8 bytes BE) -> ids (dupfixed, BS_ID_BYTES)
    MDB_dbi idx[BS_NIDX];
    MDB_dbi graphs;     ///< graph id (BS_ID_BYTES) -> graph record
    MDB_dbi meta;       ///< "format", "next_seq"
    MDB_dbi tix;        ///< text index: token -> postings (textidx.c); 0 = absent
    MDB_dbi tixdoc;     ///< text index: doc id -> record (textidx.c)
    char *path;
    unsigned flags;
    bs_maplock maplock;
    bs_termfile tf;     ///< i2t as an array (termfile.c)
    bs_hook_reg hooks[BS_MAX_HOOKS]; ///< changed only while no txn is active
    int nhooks;
};

struct bs_txn {
    bs_store *store;
    MDB_txn *txn;
    pthread_t owner;    ///< thread that began it (the map lock's count)
    bool write;
    bool seq_dirty;     ///< next_seq must be written at commit
    uint64_t next_seq;  ///< next dictionary sequence number (write txns)
    MDB_cursor *i2t_cur; ///< cached i2t cursor: appends (write), lookups (read)
    uint64_t i2t_at;     ///< read txns: 1 + the sequence number under i2t_cur (0: unknown)
    MDB_val i2t_val;     ///< read txns: the encoding under i2t_cur when i2t_at != 0
    uint64_t seq0;       ///< write txns: the committed next sequence number
    bool tf_init;        ///< tf_bound is set (dict.c, at the first lookup)
    uint64_t tf_bound;   ///< sequence numbers below it are read from the term file
    uint64_t tf_end;     ///< the end of entry tf_bound - 1 in terms.dat
    const uint64_t *tf_off; ///< the term file's offsets
    const uint8_t *tf_dat;  ///< its encodings
    bool wrote;          ///< a quad was added, removed or queued (stale marking)
    bool in_hooks;       ///< before_commit callbacks are running
    bs_idvec lits[BS_MAX_HOOKS]; ///< per hook: touched literal objects
    void *hstate[BS_MAX_HOOKS];  ///< per hook: its on_bulk state (hook.c)
    const bs_term *bulk_obj;     ///< bs_bulk_add_term: q->o's term while the hooks run
    bs_id bulk_obj_id;           ///< its id
};

/** Collect q's object for the hooks watching its predicate (slow path of
 *  bs_hook_touch; only called when the store has hooks). */
bs_status bs_hook_note(bs_txn *txn, const bs_quad *q);

/** Every writer calls this for each quad it adds, removes or queues: one
 *  store and one branch when the handle has no hook. */
static inline bs_status bs_hook_touch(bs_txn *txn, const bs_quad *q)
{
    txn->wrote = true;
    if (!txn->store->nhooks) return BS_OK;
    return bs_hook_note(txn, q);
}

/** bs_hook_note for a quad a bulk load adds: also hands its literal to
 *  the hooks' on_bulk (early work).  bs_bulk_add calls it. */
bs_status bs_hook_note_bulk(bs_txn *txn, const bs_quad *q);

static inline bs_status bs_hook_touch_bulk(bs_txn *txn, const bs_quad *q)
{
    txn->wrote = true;
    if (!txn->store->nhooks) return BS_OK;
    return bs_hook_note_bulk(txn, q);
}

/** At commit, before anything else is written: run the hooks on their
 *  sorted, distinct ids, and mark stale the recorded hooks this handle
 *  lacks when the txn wrote quads.  Failure: the caller aborts. */
bs_status bs_hook_commit(bs_txn *txn);

/// Free the per-txn collections (commit and abort).
void bs_hook_txn_free(bs_txn *txn);

/// Drop every hook of a handle (bs_store_close).
void bs_hook_clear_all(bs_store *store);

/// Map an LMDB return code to a bs_status.
bs_status bs_mdb_status(int rc);

/// Pack a quad's ids in index order into key and data bytes.
void bs_quad_pack(int index, const bs_quad *q, uint8_t *key, uint8_t *data);
/// Inverse of bs_quad_pack.
void bs_quad_unpack(int index, const uint8_t *key, const uint8_t *data, bs_quad *q);

/** Open (create unless ro) the text index's databases in txn; on a
 *  read-only store without them, leaves st->tix 0 (textidx.c).  Returns
 *  an LMDB code (store-internal). */
int bs_tix_open(bs_store *st, MDB_txn *txn, bool ro);

/// The committed next sequence number in txn (1 when none is recorded).
uint64_t bs_next_seq_get(const bs_store *s, MDB_txn *txn);

/// Allocate the next dictionary id of a kind (write txn).
bs_id bs_dict_next_id(bs_txn *txn, bs_term_kind kind);

/** Dictionary lookup of an encoding with its hash; BS_NOT_FOUND. */
bs_status bs_dict_find_enc(bs_txn *txn, const uint8_t *enc, size_t len,
                           uint64_t h, bs_id *out);

/** Whether transactions look ids up in the term file (default true;
 *  tests compare with the cursor-only path).  Read at a transaction's
 *  first lookup. */
extern bool bs_dict_direct;

/** Compare an id's stored encoding with enc: BS_OK when equal. */
bs_status bs_dict_check(bs_txn *txn, bs_id id, const uint8_t *enc, size_t len);

/** Append a new term with a known id to i2t (ids grow monotonically). */
bs_status bs_dict_put_i2t(bs_txn *txn, bs_id id, const uint8_t *enc, size_t len);

/// Add a hash -> id entry to t2i (flags: 0, or MDB_APPEND/MDB_APPENDDUP).
bs_status bs_dict_put_t2i(bs_txn *txn, MDB_cursor *cur, uint64_t h, bs_id id,
                          unsigned flags);

/// Dictionary hash of an encoding (never 0: 0 marks empty table slots).
/** LMDB comparator for the dictionary's and quad indexes' keys and
 *  duplicates: memcmp's order (LMDB's default, so the files are
 *  unchanged), without a memcmp call per comparison for values of equal
 *  size from 4 to 16 bytes (ids, hashes, packed quads). */
int bs_dict_mdb_cmp(const MDB_val *a, const MDB_val *b);

static inline uint64_t bs_dict_hash(const uint8_t *enc, size_t len)
{
    uint64_t h = bs_hash64(enc, len);
    return h ? h : 1;
}

/// Index choice for a pattern: which ordering and how many leading ids are bound.
void bs_index_for(const bs_quad *pattern, int *index, int *nbound);

static inline uint64_t bs_quad_pos(const bs_quad *q, int pos)
{
    return pos == 0 ? q->s : pos == 1 ? q->p : pos == 2 ? q->o : q->g;
}

static inline void bs_quad_setpos(bs_quad *q, int pos, uint64_t v)
{
    if (pos == 0) q->s = v;
    else if (pos == 1) q->p = v;
    else if (pos == 2) q->o = v;
    else q->g = v;
}

static inline void bs_put64be(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) { p[i] = (uint8_t)v; v >>= 8; }
}

/* One load and a byte swap (the comparator's hot path, bs_dict_mdb_cmp). */
static inline uint64_t bs_get64be(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

static inline uint32_t bs_get32be(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
