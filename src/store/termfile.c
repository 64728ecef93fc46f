/* SPDX-License-Identifier: MIT
 * battstore — the term file: id -> encoding as an array (termfile.h).
 *
 * Sequence numbers only grow and terms are never deleted, so i2t can be
 * mirrored by an append-only array: terms.dat holds the encodings back
 * to back, terms.idx a header and one offset per sequence number.  A
 * lookup is two loads (two cache misses, both prefetchable) instead of
 * a B-tree search.  i2t stays the source of truth:
 *
 * - Writers append under LMDB's write lock, just before their commit:
 *   the data and offsets first, synced when the env syncs, then the
 *   count.  So the count never covers bytes not on disk, and a reader
 *   in any process sees either the old count or the new one (one
 *   aligned 8-byte store in a shared page).
 * - Readers use the file only below min(count, their snapshot's next
 *   sequence number): a count left ahead by a writer whose commit failed
 *   (or that crashed) is never read past, and the next writer cuts it
 *   back and overwrites that tail.
 * - At a writable open the file's last entries are compared with i2t
 *   (after a power loss the count may be behind: the next writer
 *   appends the rest; or, were the file damaged, it differs: rebuilt
 *   from i2t).  A read-only open uses the file only when it matches.
 * - Files never shrink: another process may have them mapped, and a
 *   page wholly past the end of a file faults.  The mappings reserve the
 *   size of LMDB's map (the file is smaller than the data it mirrors),
 *   past EOF, so a growing file needs no remap; when LMDB's map grows
 *   they are remapped with it (under the map lock held exclusive). */
#include "config.h"
#include "store/termfile.h"
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define TF_MAGIC 0x31534d5245545342ull /* "BSTERMS1" */
#define TF_FORMAT 1u
#define TF_BOM 0x0102030405060708ull /* offsets are native: same byte order */
#define HDR_BYTES (BS_TF_HDR_WORDS * 8)
#define HDR_PAGE 4096
#define BUF_OFFS 8192                 /* offsets buffered per write */
#define BUF_DAT ((size_t)1 << 20)     /* encoding bytes buffered per write */
#define MIN_MAP ((size_t)1 << 24)

/* Tests: fail the data write after this many flushes (-1: never). */
int bs_tf_fail_after = -1;

static size_t page_up(size_t n)
{
    return (n + HDR_PAGE - 1) & ~(size_t)(HDR_PAGE - 1);
}

static bool pwrite_all(int fd, const void *buf, size_t n, uint64_t at)
{
    const char *p = buf;
    while (n) {
        ssize_t w = pwrite(fd, p, n, (off_t)at);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= (size_t)w;
        at += (uint64_t)w;
    }
    return true;
}

static bool pread_all(int fd, void *buf, size_t n, uint64_t at)
{
    char *p = buf;
    while (n) {
        ssize_t r = pread(fd, p, n, (off_t)at);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return false;
        p += r;
        n -= (size_t)r;
        at += (uint64_t)r;
    }
    return true;
}

static bool read_word(const bs_termfile *f, uint64_t word, uint64_t *out)
{
    return pread_all(f->idx_fd, out, 8, word * 8);
}

static uint64_t file_size(int fd)
{
    struct stat sb;
    return fstat(fd, &sb) == 0 ? (uint64_t)sb.st_size : 0;
}

static void set_count(bs_termfile *f, uint64_t n)
{
    __atomic_store_n(&f->hdr[BS_TF_COUNT], n, __ATOMIC_RELEASE);
}

/* ---- mapping ---------------------------------------------------------- */

static void unmap(bs_termfile *f)
{
    if (f->idx) munmap((void *)f->idx, f->idx_len);
    if (f->dat) munmap((void *)f->dat, f->dat_len);
    f->idx = NULL;
    f->dat = NULL;
    f->idx_len = f->dat_len = 0;
}

/* Reserve the data's mapping at reserve bytes (at least the file), the
 * offsets' at half that (8 bytes per term, each costing more in LMDB). */
static bool map_files(bs_termfile *f, size_t reserve)
{
    size_t dl = page_up(reserve < MIN_MAP ? MIN_MAP : reserve), il = page_up(dl / 2);
    uint64_t ds = file_size(f->dat_fd), is = file_size(f->idx_fd);
    if (ds > dl) dl = page_up(ds);
    if (is > il) il = page_up(is);
    void *i = mmap(NULL, il, PROT_READ, MAP_SHARED, f->idx_fd, 0);
    if (i == MAP_FAILED) return false;
    void *d = mmap(NULL, dl, PROT_READ, MAP_SHARED, f->dat_fd, 0);
    if (d == MAP_FAILED) {
        munmap(i, il);
        return false;
    }
    unmap(f);
    f->idx = i;
    f->idx_len = il;
    f->dat = d;
    f->dat_len = dl;
    return true;
}

void bs_tf_remap(bs_termfile *f, size_t reserve)
{
    if (f->idx && page_up(reserve) > f->dat_len && !map_files(f, reserve))
        unmap(f); /* the cursor path serves */
}

void bs_tf_close(bs_termfile *f)
{
    unmap(f);
    if (f->hdr) munmap(f->hdr, HDR_PAGE);
    f->hdr = NULL;
    if (f->idx_fd >= 0) close(f->idx_fd);
    if (f->dat_fd >= 0) close(f->dat_fd);
    f->idx_fd = f->dat_fd = -1;
}

/* ---- appending ---------------------------------------------------------- */

/* Offsets and encodings buffered on their way to the files. */
typedef struct {
    bs_termfile *f;
    uint64_t *offs;
    size_t noffs;
    uint64_t offs_seq;  ///< the sequence number whose end offs[0] is
    uint8_t *dat;
    size_t ndat;
    uint64_t dat_at;    ///< where dat[0] goes in terms.dat
    uint64_t end;       ///< the end of the last encoding appended
    int flushes;
} tf_writer;

static bool flush(tf_writer *w)
{
    if (bs_tf_fail_after >= 0 && w->flushes++ >= bs_tf_fail_after) return false;
    if (w->ndat && !pwrite_all(w->f->dat_fd, w->dat, w->ndat, w->dat_at)) return false;
    uint64_t at = (BS_TF_HDR_WORDS + w->offs_seq + 1) * 8;
    if (w->noffs && !pwrite_all(w->f->idx_fd, w->offs, w->noffs * 8, at)) return false;
    w->dat_at += w->ndat;
    w->offs_seq += w->noffs;
    w->ndat = w->noffs = 0;
    return true;
}

/* The next sequence number's encoding (len 0: it has no term). */
static bool put_term(tf_writer *w, const void *enc, size_t len)
{
    if (w->ndat + len > BUF_DAT || w->noffs == BUF_OFFS) {
        if (!flush(w)) return false;
        if (len > BUF_DAT) { /* a long literal: written as it is */
            if (!pwrite_all(w->f->dat_fd, enc, len, w->dat_at)) return false;
            w->dat_at += len;
            len = 0;
        }
    }
    if (len) memcpy(w->dat + w->ndat, enc, len);
    w->ndat += len;
    w->end = w->dat_at + w->ndat;
    w->offs[w->noffs++] = w->end;
    return true;
}

/* Copy i2t's entries [from, upto) after the entry before from, which
 * ends at end; gaps in i2t become empty entries. */
static bool copy_terms(tf_writer *w, MDB_txn *txn, MDB_dbi i2t, uint64_t from, uint64_t upto)
{
    MDB_cursor *c = NULL;
    uint8_t kb[BS_KEY_BYTES];
    bs_id_put(kb, from);
    MDB_val k = {BS_KEY_BYTES, kb}, v;
    if (mdb_cursor_open(txn, i2t, &c)) return false;
    int rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
    uint64_t seq = from;
    bool ok = true;
    while (ok && rc == 0 && k.mv_size == BS_KEY_BYTES) {
        uint64_t ks = bs_id_get(k.mv_data);
        if (ks >= upto) break;
        while (ok && seq < ks) ok = put_term(w, NULL, 0), seq++;
        if (ok) ok = put_term(w, v.mv_data, v.mv_size), seq++;
        rc = mdb_cursor_get(c, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(c);
    if (rc && rc != MDB_NOTFOUND) return false;
    while (ok && seq < upto) ok = put_term(w, NULL, 0), seq++;
    return ok && flush(w);
}

bs_status bs_tf_extend(bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t committed,
                       uint64_t upto)
{
    if (!f->hdr) return BS_OK;
    uint64_t n = f->hdr[BS_TF_COUNT], end;
    if (n > committed) set_count(f, n = committed); /* an aborted writer's tail */
    if (n >= upto) return BS_OK;
    if (!read_word(f, BS_TF_HDR_WORDS + n, &end)) return BS_ERR_IO;
    tf_writer w = {.f = f, .offs_seq = n, .dat_at = end, .end = end};
    w.offs = malloc(BUF_OFFS * sizeof *w.offs);
    w.dat = malloc(BUF_DAT);
    bool ok = w.offs && w.dat && copy_terms(&w, txn, i2t, n, upto);
    free(w.offs);
    free(w.dat);
    if (ok && f->sync) ok = fdatasync(f->dat_fd) == 0 && fdatasync(f->idx_fd) == 0;
    if (!ok) return BS_ERR_IO;
    set_count(f, upto); /* last: the count covers only bytes written */
    return BS_OK;
}

/* ---- checking ------------------------------------------------------------ */

/* Whether entry seq (below the count) holds i2t's value in txn. */
static bool entry_matches(const bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t seq,
                          uint64_t dat_size)
{
    uint64_t a, b;
    if (!read_word(f, BS_TF_HDR_WORDS + seq, &a) || !read_word(f, BS_TF_HDR_WORDS + seq + 1, &b) ||
        a > b || b > dat_size || b > f->dat_len)
        return false;
    uint8_t kb[BS_KEY_BYTES];
    bs_id_put(kb, seq);
    MDB_val k = {BS_KEY_BYTES, kb}, v;
    int rc = mdb_get(txn, i2t, &k, &v);
    if (rc == MDB_NOTFOUND) return a == b;
    return rc == 0 && v.mv_size == b - a && memcmp(f->dat + a, v.mv_data, v.mv_size) == 0;
}

/* The header and the file sizes agree, and the last entries below next
 * (the committed next sequence number) and the first match i2t. */
static bool file_valid(const bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t next)
{
    uint64_t h[BS_TF_HDR_WORDS], end, is = file_size(f->idx_fd), ds = file_size(f->dat_fd);
    if (is < HDR_BYTES + 8 || !pread_all(f->idx_fd, h, HDR_BYTES, 0) || h[0] != TF_MAGIC ||
        h[1] != TF_FORMAT || h[3] != TF_BOM)
        return false;
    uint64_t n = h[BS_TF_COUNT];
    if (n > (is - HDR_BYTES) / 8 - 1 || !read_word(f, BS_TF_HDR_WORDS + n, &end) || end > ds)
        return false;
    uint64_t bound = n < next ? n : next;
    for (uint64_t k = 1; k <= 4 && k <= bound; k++)
        if (!entry_matches(f, txn, i2t, bound - k, ds)) return false;
    return bound < 2 || entry_matches(f, txn, i2t, 1, ds);
}

bs_status bs_tf_verify(const bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t upto)
{
    if (!f->idx) return BS_NOT_FOUND;
    uint64_t n = bs_tf_count(f), ds = file_size(f->dat_fd);
    if (n > upto) n = upto;
    for (uint64_t s = 0; s < n; s++)
        if (!entry_matches(f, txn, i2t, s, ds)) return BS_ERR_CORRUPT;
    return BS_OK;
}

/* ---- opening ------------------------------------------------------------- */

/* An empty file: the header (count 0) and off[0] = 0. */
static bool init_header(bs_termfile *f)
{
    uint64_t h[BS_TF_HDR_WORDS + 1] = {TF_MAGIC, TF_FORMAT, 0, TF_BOM};
    return pwrite_all(f->idx_fd, h, sizeof h, 0) && (!f->sync || fdatasync(f->idx_fd) == 0);
}

static bool open_files(bs_termfile *f, const char *dir, bool ro)
{
    char *ip = NULL, *dp = NULL;
    int fl = ro ? O_RDONLY : O_RDWR | O_CREAT;
    if (asprintf(&ip, "%s/terms.idx", dir) >= 0 && asprintf(&dp, "%s/terms.dat", dir) >= 0) {
        f->idx_fd = open(ip, fl | O_CLOEXEC, 0664);
        if (f->idx_fd >= 0) f->dat_fd = open(dp, fl | O_CLOEXEC, 0664);
    }
    free(ip);
    free(dp);
    return f->dat_fd >= 0;
}

/* A writable handle: the header page mapped writable (the count is one
 * atomic store), a file that does not match i2t reset, then the terms
 * it lacks appended. */
static bool open_writable(bs_termfile *f, MDB_txn *txn, MDB_dbi i2t, uint64_t next)
{
    if (file_size(f->idx_fd) < HDR_BYTES + 8 && !init_header(f)) return false;
    void *h = mmap(NULL, HDR_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, f->idx_fd, 0);
    if (h == MAP_FAILED) return false;
    f->hdr = h;
    if (!file_valid(f, txn, i2t, next) && !init_header(f)) return false;
    return bs_tf_extend(f, txn, i2t, next, next) == BS_OK;
}

void bs_tf_open(bs_termfile *f, const char *dir, bool ro, MDB_txn *txn, MDB_dbi i2t,
                uint64_t next, size_t reserve, bool sync)
{
    *f = (bs_termfile){.idx_fd = -1, .dat_fd = -1, .sync = sync};
    bool ok = open_files(f, dir, ro) && map_files(f, reserve);
    if (ok) ok = ro ? file_valid(f, txn, i2t, next) : open_writable(f, txn, i2t, next);
    if (!ok) bs_tf_close(f);
}
