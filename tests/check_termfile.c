/* SPDX-License-Identifier: MIT
 * Unit tests: the term file (src/store/termfile.c) against i2t: lookups,
 * write transactions, aborted tails, damaged and missing files, read-only
 * opens, a second process, a failed append. */
#include "config.h"
#include "store/store.h"
#include "store/store_int.h"
#include "fixture.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern int bs_tf_fail_after;

static char dir[BS_FX_DIR];

static void setup(void)
{
    bs_fx_store_dir(dir, "check_termfile");
    bs_tf_fail_after = -1;
    bs_dict_direct = true;
}

static void teardown(void)
{
    bs_fx_store_dir_remove(dir);
}

static bs_store *open_store(unsigned flags)
{
    bs_store *s = NULL;
    ck_assert_int_eq(bs_store_open(dir, flags, &s), BS_OK);
    return s;
}

/* Term i of a series (tag tells series apart): IRIs, blank nodes, plain,
 * language-tagged and typed literals, non-ASCII, a long literal every
 * 997th (on LMDB's overflow pages) and, for i == 5000, one past the
 * writer's buffer (1 MiB). */
static bs_term term_of(int tag, int i, char *buf, size_t cap)
{
    int len;
    switch (i % 5) {
    case 0:
        len = snprintf(buf, cap, "http://example.org/%d/r%d", tag, i);
        return bs_term_iri(buf, (size_t)len);
    case 1:
        len = snprintf(buf, cap, "b%d_%d", tag, i);
        return bs_term_bnode(buf, (size_t)len);
    case 2:
        len = snprintf(buf, cap, "électrolyte %d 電池 %d", tag, i);
        return bs_term_literal(buf, (size_t)len, "fr", 2, NULL, 0);
    case 3:
        len = snprintf(buf, cap, "%d", tag * 100000 + i);
        return bs_term_literal(buf, (size_t)len, NULL, 0,
                               "http://www.w3.org/2001/XMLSchema#integer", 40);
    default: {
        size_t n = i == 5000 ? ((size_t)1 << 20) + 77 : i % 997 == 4 ? 3000 : (size_t)(i % 60);
        if (n + 32 > cap) n = cap - 32;
        len = snprintf(buf, cap, "title %d %d ", tag, i);
        memset(buf + len, 'a' + i % 26, n);
        return bs_term_literal(buf, (size_t)len + n, NULL, 0, NULL, 0);
    }
    }
}

#define BUF (((size_t)1 << 20) + 256)

/* Intern terms [from, to) of series tag in one write transaction (some
 * sequence numbers left without a term when gaps); ids[i] gets term i's
 * id.  Committed unless abort. */
static void add_terms(bs_store *s, int tag, int from, int to, bs_id *ids, bool gaps, bool abort)
{
    char *buf = malloc(BUF);
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int i = from; i < to; i++) {
        bs_term term = term_of(tag, i, buf, BUF);
        ck_assert_int_eq(bs_dict_intern(t, &term, &ids[i]), BS_OK);
        if (gaps && i % 50 == 7) bs_dict_next_id(t, BS_TERM_IRI);
    }
    if (abort) bs_txn_abort(t);
    else ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    free(buf);
}

#define ALL UINT64_MAX /* same_as_cursor: the file covers every term */

/* Every sequence number below next, in every kind, through the file
 * (t) and through the cursor only (a second transaction): the same
 * answer; and the file served t below bound (ALL: next). */
static void same_as_cursor(bs_store *s, uint64_t bound)
{
    bs_txn *t = NULL, *ref = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, false, &ref), BS_OK);
    uint64_t next = bs_next_seq_get(s, t->txn);
    size_t found = 0;
    for (uint64_t seq = 0; seq <= next; seq++) {
        for (int kind = BS_TERM_BNODE; kind <= BS_TERM_TYPED; kind++) {
            bs_id id = bs_id_make((bs_term_kind)kind, seq);
            bs_term a, b;
            bs_dict_direct = true;
            bs_status sa = bs_dict_get(t, id, &a);
            bs_dict_direct = false;
            bs_status sb = bs_dict_get(ref, id, &b);
            bs_dict_direct = true;
            ck_assert_int_eq(sa, sb);
            if (sa != BS_OK) continue;
            found++;
            ck_assert(bs_term_equal(&a, &b));
            ck_assert_uint_eq(a.lex_len, b.lex_len);
        }
    }
    ck_assert_uint_gt(found, 0);
    ck_assert_uint_eq(ref->tf_bound, 0);
    ck_assert_uint_eq(t->tf_bound, bound == ALL ? next : bound);
    if (bound) ck_assert_int_eq(bs_tf_verify(&s->tf, t->txn, s->i2t, next), BS_OK);
    bs_txn_abort(t);
    bs_txn_abort(ref);
}

static uint64_t committed_next(bs_store *s)
{
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    uint64_t n = bs_next_seq_get(s, t->txn);
    bs_txn_abort(t);
    return n;
}

/* 65k terms over several commits (one large, small ones, gaps, long
 * literals): the file answers as i2t does. */
START_TEST(test_lookups_match)
{
    enum { N = 65000 };
    static bs_id ids[N];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 1, 0, 60000, ids, true, false);
    for (int c = 0; c < 5; c++) add_terms(s, 1, 60000 + c * 1000, 61000 + c * 1000, ids, c & 1, false);
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    same_as_cursor(s, ALL);
    /* reopened: the same file, checked and kept */
    bs_store_close(s);
    s = open_store(0);
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    same_as_cursor(s, ALL);
    bs_store_close(s);
}
END_TEST

/* A write transaction reads committed ids from the file and its own new
 * ones from i2t; interning finds both; the count follows the commit. */
START_TEST(test_write_txn)
{
    static bs_id ids[3000], again;
    char *buf = malloc(BUF);
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 2, 0, 2000, ids, false, false);
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int i = 2000; i < 3000; i++) {
        bs_term term = term_of(2, i, buf, BUF);
        ck_assert_int_eq(bs_dict_intern(t, &term, &ids[i]), BS_OK);
    }
    for (int i = 0; i < 3000; i += 7) {
        bs_term term = term_of(2, i, buf, BUF), got;
        ck_assert_int_eq(bs_dict_get(t, ids[i], &got), BS_OK);
        ck_assert(bs_term_equal(&got, &term));
        ck_assert_int_eq(bs_dict_intern(t, &term, &again), BS_OK);
        ck_assert_uint_eq(again, ids[i]);
    }
    ck_assert_uint_eq(t->tf_bound, t->seq0);
    ck_assert_uint_gt(t->tf_bound, 2000);
    ck_assert_uint_eq(bs_tf_count(&s->tf), t->seq0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    same_as_cursor(s, ALL);
    bs_store_close(s);
    free(buf);
}
END_TEST

/* A writer that appends terms [0, n) of series tag (ids into lost), then
 * aborts: as if mdb_txn_commit had failed after the append. */
static void aborted_tail(bs_store *s, int tag, int n, bs_id *lost)
{
    char *buf = malloc(BUF);
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int i = 0; i < n; i++) {
        bs_term term = term_of(tag, i, buf, BUF);
        ck_assert_int_eq(bs_dict_intern(t, &term, &lost[i]), BS_OK);
    }
    ck_assert_int_eq(bs_tf_extend(&s->tf, t->txn, s->i2t, t->seq0, t->next_seq), BS_OK);
    bs_txn_abort(t);
    free(buf);
}

/* A writer whose commit failed after its append (the file's count left
 * ahead of LMDB): readers do not read past their snapshot; the next
 * writer cuts the tail back and overwrites it with its own terms. */
START_TEST(test_aborted_tail)
{
    static bs_id ids[4000], lost[4000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 3, 0, 2000, ids, false, false);
    uint64_t next = committed_next(s);
    char *buf = malloc(BUF);
    aborted_tail(s, 4, 1500, lost);
    ck_assert_uint_gt(bs_tf_count(&s->tf), next);
    bs_txn *r = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &r), BS_OK);
    bs_term got;
    for (int i = 0; i < 1500; i++) /* the lost terms' ids: nothing there */
        ck_assert_int_eq(bs_dict_get(r, lost[i], &got), BS_NOT_FOUND);
    ck_assert_uint_eq(r->tf_bound, next);
    bs_txn_abort(r);
    same_as_cursor(s, ALL);
    add_terms(s, 5, 0, 1000, ids + 2000, false, false); /* fewer than the lost tail */
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    ck_assert_uint_lt(bs_tf_count(&s->tf), lost[1499] & ((((uint64_t)1) << BS_ID_SEQ_BITS) - 1));
    for (int i = 0; i < 1000; i++) {
        bs_term want = term_of(5, i, buf, BUF);
        ck_assert_int_eq(bs_txn_begin(s, false, &r), BS_OK);
        ck_assert_int_eq(bs_dict_get(r, ids[2000 + i], &got), BS_OK);
        ck_assert(bs_term_equal(&got, &want));
        bs_txn_abort(r);
    }
    same_as_cursor(s, ALL);
    bs_store_close(s);
    free(buf);
}
END_TEST

/* The append fails (I/O) after some of the data: the count stays (the
 * commit itself succeeds), readers get the new terms through i2t, and
 * the next writer appends what the file lacks. */
START_TEST(test_failed_append)
{
    static bs_id ids[20000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 6, 0, 1000, ids, false, false);
    uint64_t before = bs_tf_count(&s->tf);
    bs_tf_fail_after = 1; /* the second buffer of offsets fails */
    add_terms(s, 6, 1000, 19000, ids, true, false);
    bs_tf_fail_after = -1;
    ck_assert_uint_eq(bs_tf_count(&s->tf), before);
    ck_assert_uint_gt(committed_next(s), before);
    same_as_cursor(s, before); /* the file below its count */
    add_terms(s, 6, 19000, 20000, ids, false, false);
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    same_as_cursor(s, ALL);
    bs_store_close(s);
}
END_TEST

/* An aborted writer's tail, then a writer whose append fails at once:
 * the count was cut back first, so the new snapshot's readers do not
 * take the lost terms still in the file for the committed ones. */
START_TEST(test_aborted_then_failed)
{
    static bs_id ids[2000], lost[2000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 12, 0, 1000, ids, false, false);
    uint64_t next = committed_next(s);
    aborted_tail(s, 13, 1000, lost);
    bs_tf_fail_after = 0;
    add_terms(s, 14, 0, 500, ids + 1000, false, false);
    bs_tf_fail_after = -1;
    ck_assert_uint_eq(bs_tf_count(&s->tf), next);
    same_as_cursor(s, next);
    bs_store_close(s);
}
END_TEST

static char *file_path(const char *name)
{
    char *p = NULL;
    ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
    return p;
}

static void patch(const char *name, long at, const void *bytes, size_t n)
{
    char *p = file_path(name);
    int fd = open(p, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, bytes, n, at), (ssize_t)n);
    close(fd);
    free(p);
}

/* A damaged file: a read-only open does not use it, a writable one
 * rebuilds it from i2t. */
static void damaged(void (*damage)(void))
{
    static bs_id ids[3000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 7, 0, 3000, ids, true, false);
    bs_store_close(s);
    damage();
    s = open_store(BS_STORE_RDONLY);
    ck_assert_ptr_null(s->tf.idx);
    same_as_cursor(s, 0);
    bs_store_close(s);
    s = open_store(0);
    ck_assert_ptr_nonnull(s->tf.idx);
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    same_as_cursor(s, ALL);
    bs_store_close(s);
}

static void count_past_eof(void)
{
    uint64_t n = 1u << 30;
    patch("terms.idx", BS_TF_COUNT * 8, &n, 8);
}

static void wrong_last_term(void)
{
    char *p = file_path("terms.dat");
    FILE *f = fopen(p, "rb");
    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    fclose(f);
    free(p);
    patch("terms.dat", end - 3, "zzz", 3);
}

static void truncated(void)
{
    char *p = file_path("terms.dat");
    ck_assert_int_eq(truncate(p, 1000), 0);
    free(p);
}

static void bad_magic(void)
{
    patch("terms.idx", 0, "XXXX", 4);
}

START_TEST(test_damaged) { damaged(count_past_eof); }
END_TEST
START_TEST(test_damaged_last) { damaged(wrong_last_term); }
END_TEST
START_TEST(test_damaged_short) { damaged(truncated); }
END_TEST
START_TEST(test_damaged_magic) { damaged(bad_magic); }
END_TEST

/* A store from before the file: a read-only open works without it, the
 * first writable open builds it. */
START_TEST(test_old_store)
{
    static bs_id ids[5000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 8, 0, 5000, ids, true, false);
    bs_store_close(s);
    char *a = file_path("terms.idx"), *b = file_path("terms.dat");
    ck_assert_int_eq(unlink(a), 0);
    ck_assert_int_eq(unlink(b), 0);
    s = open_store(BS_STORE_RDONLY);
    ck_assert_ptr_null(s->tf.idx);
    same_as_cursor(s, 0);
    bs_store_close(s);
    ck_assert_int_ne(access(a, F_OK), 0); /* a read-only open creates nothing */
    s = open_store(0);
    ck_assert_uint_eq(bs_tf_count(&s->tf), committed_next(s));
    same_as_cursor(s, ALL);
    bs_store_close(s);
    s = open_store(BS_STORE_RDONLY); /* now with the file */
    same_as_cursor(s, ALL);
    bs_store_close(s);
    free(a);
    free(b);
}
END_TEST

/* Another process appends while this one holds a snapshot: the old
 * snapshot reads the old terms (and not the new ids), a new one the new
 * terms through the file. */
START_TEST(test_two_processes)
{
    static bs_id ids[6000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 9, 0, 3000, ids, false, false);
    bs_txn *old = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &old), BS_OK);
    bs_term got;
    ck_assert_int_eq(bs_dict_get(old, ids[10], &got), BS_OK); /* the bound is set */
    uint64_t old_next = old->tf_bound;
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        bs_store *c = NULL;
        if (bs_store_open(dir, 0, &c) != BS_OK) _exit(1);
        add_terms(c, 9, 3000, 6000, ids, true, false);
        bs_store_close(c);
        _exit(0);
    }
    int status = 0;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_uint_gt(bs_tf_count(&s->tf), old_next);
    char *buf = malloc(BUF);
    for (int i = 0; i < 3000; i++) {
        bs_term want = term_of(9, i, buf, BUF);
        ck_assert_int_eq(bs_dict_get(old, ids[i], &got), BS_OK);
        ck_assert(bs_term_equal(&got, &want));
    }
    for (uint64_t seq = old_next; seq < old_next + 100; seq++)
        for (int k = BS_TERM_BNODE; k <= BS_TERM_TYPED; k++)
            ck_assert_int_eq(bs_dict_get(old, bs_id_make((bs_term_kind)k, seq), &got), BS_NOT_FOUND);
    ck_assert_uint_eq(old->tf_bound, old_next);
    bs_txn_abort(old);
    same_as_cursor(s, ALL);
    add_terms(s, 10, 0, 500, ids, false, false); /* and this one appends after */
    same_as_cursor(s, ALL);
    bs_store_close(s);
    free(buf);
}
END_TEST

/* bs_store_write's callback: 2,000 terms of 4 KiB (series ctx's tag). */
static int grow_next;
static bs_status add_big_terms(bs_txn *t, void *ctx)
{
    char *buf = malloc(5000);
    bs_status st = BS_OK;
    for (int i = grow_next; i < grow_next + 2000 && st == BS_OK; i++) {
        int len = snprintf(buf, 5000, "grow %d %d ", *(int *)ctx, i);
        memset(buf + len, 'g', 4000);
        bs_term term = bs_term_literal(buf, (size_t)len + 4000, NULL, 0, NULL, 0);
        bs_id id;
        st = bs_dict_intern(t, &term, &id);
    }
    free(buf);
    return st;
}

/* The file outgrows the mappings reserved at open (LMDB's map, at least
 * 16 MiB): they follow LMDB's map as it grows, and the file still
 * answers every lookup. */
START_TEST(test_map_growth)
{
    setenv("BATTSTORE_MAP_SIZE", "4194304", 1);
    bs_store *s = open_store(BS_STORE_CREATE);
    unsetenv("BATTSTORE_MAP_SIZE");
    size_t reserved = s->tf.dat_len;
    int tag = 15;
    for (grow_next = 0; grow_next < 12000; grow_next += 2000)
        ck_assert_int_eq(bs_store_write(s, add_big_terms, &tag), BS_OK);
    ck_assert_uint_gt(s->tf.dat_len, reserved);
    ck_assert_uint_gt(bs_tf_count(&s->tf) * 4000, reserved);
    same_as_cursor(s, ALL);
    bs_store_close(s);
}
END_TEST

/* The prefetch hints read only within the file's bound (ids of other
 * kinds, past the bound, reversed, below the first). */
START_TEST(test_prefetch_bounds)
{
    static bs_id ids[2000];
    bs_store *s = open_store(BS_STORE_CREATE);
    add_terms(s, 11, 0, 2000, ids, false, false);
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    for (int i = 0; i < 2000; i++) {
        bs_dict_prefetch_offsets(t, ids[i] - (i > 8 ? 8 : 0), ids[i]);
        bs_dict_prefetch_terms(t, ids[i] - (i > 8 ? 8 : 0), ids[i]);
        bs_dict_prefetch_terms(t, ids[i], ids[i] + 1000000);
        bs_dict_prefetch_terms(t, ids[i], ids[0]);
    }
    bs_dict_prefetch_terms(t, 0, 0);
    bs_dict_prefetch_terms(t, BS_ID_MAX, BS_ID_MAX);
    bs_term got;
    ck_assert_int_eq(bs_dict_get(t, ids[1999], &got), BS_OK);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *su = suite_create("termfile");
    TCase *tc = tcase_create("termfile");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_lookups_match);
    tcase_add_test(tc, test_write_txn);
    tcase_add_test(tc, test_aborted_tail);
    tcase_add_test(tc, test_failed_append);
    tcase_add_test(tc, test_aborted_then_failed);
    tcase_add_test(tc, test_damaged);
    tcase_add_test(tc, test_damaged_last);
    tcase_add_test(tc, test_damaged_short);
    tcase_add_test(tc, test_damaged_magic);
    tcase_add_test(tc, test_old_store);
    tcase_add_test(tc, test_two_processes);
    tcase_add_test(tc, test_prefetch_bounds);
    tcase_add_test(tc, test_map_growth);
    suite_add_tcase(su, tc);
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
