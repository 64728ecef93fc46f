/* SPDX-License-Identifier: MIT
 * Unit tests: search text (tokens, folding, offsets), the text index's
 * storage (bs_tix_*), index maintenance through the store hook. */
#include "config.h"
#include "search/search.h"
#include "store/store.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)flag; (void)f;
    return remove(p);
}

static void setup(void)
{
    strcpy(dir, "/tmp/bs_check_sindex_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    strcat(dir, "/store");
}

static void teardown(void)
{
    char *slash = strrchr(dir, '/');
    *slash = 0;
    nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

/* ---- tokens -------------------------------------------------------- */

typedef struct {
    char out[2048];   /* "tok@start-end|tok@start-end|..." */
    size_t n;
} toks;

static void collect(void *ctx, const char *tok, size_t toklen, size_t start, size_t end)
{
    toks *t = ctx;
    size_t used = strlen(t->out);
    snprintf(t->out + used, sizeof t->out - used, "%s%.*s@%zu-%zu", t->n ? "|" : "",
             (int)toklen, tok, start, end);
    t->n++;
}

static const char *tokens_of(toks *t, const char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    ck_assert_int_eq(bs_search_tokenize(text, len, collect, t), BS_OK);
    return t->out;
}
#define TOKS(t, s) tokens_of(t, s, strlen(s))

START_TEST(test_tokens_ascii)
{
    toks t;
    ck_assert_str_eq(TOKS(&t, "LiFePO4 cathode, State-of-Charge_x 3.5V"),
                     "lifepo4@0-7|cathode@8-15|state@17-22|of@23-25|charge@26-32|x@33-34"
                     "|3@35-36|5v@37-39");
    ck_assert_str_eq(TOKS(&t, ""), "");
    ck_assert_str_eq(TOKS(&t, "  --  ..."), "");
    ck_assert_str_eq(TOKS(&t, "a"), "a@0-1");
    ck_assert_int_eq(bs_search_tokenize(NULL, 0, collect, &t), BS_OK);
}
END_TEST

START_TEST(test_tokens_fold_accents)
{
    toks t;
    /* É precomposed, E + combining acute, upper case, ligature, ß */
    ck_assert_str_eq(TOKS(&t, "\xc3\x89lectrode ELECTRODE e\xcc\x81lectrode"),
                     "electrode@0-10|electrode@11-20|electrode@21-32");
    ck_assert_str_eq(TOKS(&t, "\xef\xac\x81le Stra\xc3\x9f" "e"), "file@0-5|strasse@6-13");
    char *f = bs_search_fold("\xc3\x89LECTRODE Na\xc3\xafve", 17);
    ck_assert_str_eq(f, "electrode naive");
    free(f);
    f = bs_search_fold("ABC-def", 7);
    ck_assert_str_eq(f, "abc-def");
    free(f);
}
END_TEST

START_TEST(test_tokens_scripts)
{
    toks t;
    /* Greek, Cyrillic (case folded), Han (one token per ideograph) */
    ck_assert_str_eq(TOKS(&t, "\xce\x9b\xce\x99\xce\x98\xce\x99\xce\x9f \xd0\x91\xd0\x90\xd0\xa2"),
                     "\xce\xbb\xce\xb9\xce\xb8\xce\xb9\xce\xbf@0-10|\xd0\xb1\xd0\xb0\xd1\x82@11-17");
    ck_assert_str_eq(TOKS(&t, "\xe7\x94\xb5\xe6\xb1\xa0 Li"), /* 电池 Li */
                     "\xe7\x94\xb5@0-3|\xe6\xb1\xa0@3-6|li@7-9");
    /* a non-breaking space and an em dash separate */
    ck_assert_str_eq(TOKS(&t, "a\xc2\xa0" "b\xe2\x80\x94" "c"), "a@0-1|b@3-4|c@7-8");
}
END_TEST

START_TEST(test_tokens_long_and_invalid)
{
    toks t;
    char buf[200];
    memset(buf, 'x', 100);
    buf[100] = 0;
    TOKS(&t, buf);
    ck_assert_int_eq(t.n, 1);
    ck_assert_str_eq(t.out + 64, "@0-100"); /* 64 folded bytes, whole span */
    /* 40 × "é" = 80 bytes: cut at 64 bytes = 32 × "e"... folded to ASCII */
    char *p = buf;
    for (int i = 0; i < 40; i++) { *p++ = '\xc3'; *p++ = '\xa9'; }
    *p = 0;
    TOKS(&t, buf);
    ck_assert_int_eq(t.n, 1);
    ck_assert_str_eq(t.out, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee@0-80");
    /* 30 × "ж" (2 bytes each, 60) + "жж": cut at a character boundary */
    p = buf;
    for (int i = 0; i < 33; i++) { *p++ = '\xd0'; *p++ = '\xb6'; }
    *p = 0;
    TOKS(&t, buf);
    ck_assert_int_eq(t.n, 1);
    ck_assert_int_eq(strstr(t.out, "@") - t.out, 64);
    /* invalid bytes separate, never crash */
    ck_assert_str_eq(tokens_of(&t, "ab\xff" "cd\xc3" "ef\xe2\x82", 10), "ab@0-2|cd@3-5|ef@6-8");
    ck_assert_str_eq(tokens_of(&t, "\x80\x80\xc3\xa9t\xc3", 6), "et@2-5");
    char *f = bs_search_fold("A\xff" "B", 3);
    ck_assert_str_eq(f, "ab");
    free(f);
}
END_TEST

/* ---- bs_tix_* storage ---------------------------------------------- */

typedef struct {
    char toks[1024];
    bs_posting ps[64];
    size_t n;
    size_t stop_after;
} scanned;

static bs_status scan_cb(void *ctx, const char *tok, size_t toklen, const bs_posting *ps, size_t n)
{
    scanned *sc = ctx;
    size_t used = strlen(sc->toks);
    snprintf(sc->toks + used, sizeof sc->toks - used, "%.*s:%zu ", (int)toklen, tok, n);
    for (size_t i = 0; i < n && sc->n < 64; i++) sc->ps[sc->n++] = ps[i];
    return sc->stop_after && sc->n >= sc->stop_after ? BS_END : BS_OK;
}

static bs_posting post(bs_id doc, int tf, int field, int len)
{
    return (bs_posting){doc, (uint8_t)tf, (uint8_t)field, (uint8_t)len};
}

START_TEST(test_tix_storage)
{
    bs_store *s = NULL;
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_posting p1 = post(300, 1, 0, 2), p2 = post(5, 2, 2, 9), p3 = post(70000, 1, 1, 1);
    ck_assert_int_eq(bs_tix_put(t, "electrode", 9, &p1), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "electrode", 9, &p2), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "electrode", 9, &p2), BS_OK); /* idempotent */
    ck_assert_int_eq(bs_tix_put(t, "electrolyte", 11, &p3), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "elec", 4, &p3), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "anode", 5, &p1), BS_OK);
    bs_posting p1b = post(300, 4, 1, 7); /* replaces doc 300's posting */
    ck_assert_int_eq(bs_tix_put(t, "electrode", 9, &p1b), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "", 0, &p1), BS_ERR_ARG);
    uint64_t df = 0;
    ck_assert_int_eq(bs_tix_df(t, "electrode", 9, &df), BS_OK);
    ck_assert_uint_eq(df, 2);
    ck_assert_int_eq(bs_tix_df(t, "electr", 6, &df), BS_OK);
    ck_assert_uint_eq(df, 0);
    scanned sc = {0};
    ck_assert_int_eq(bs_tix_scan(t, "electrode", 9, false, scan_cb, &sc), BS_OK);
    ck_assert_str_eq(sc.toks, "electrode:2 ");
    ck_assert_uint_eq(sc.ps[0].doc, 5);   /* ascending by doc */
    ck_assert_uint_eq(sc.ps[0].tf, 2);
    ck_assert_uint_eq(sc.ps[0].field, 2);
    ck_assert_uint_eq(sc.ps[0].len, 9);
    ck_assert_uint_eq(sc.ps[1].doc, 300);
    ck_assert_uint_eq(sc.ps[1].tf, 4);
    ck_assert_uint_eq(sc.ps[1].len, 7);
    memset(&sc, 0, sizeof sc);
    ck_assert_int_eq(bs_tix_scan(t, "elec", 4, true, scan_cb, &sc), BS_OK);
    ck_assert_str_eq(sc.toks, "elec:1 electrode:2 electrolyte:1 ");
    memset(&sc, 0, sizeof sc);
    sc.stop_after = 2;
    ck_assert_int_eq(bs_tix_scan(t, "elec", 4, true, scan_cb, &sc), BS_OK);
    ck_assert_str_eq(sc.toks, "elec:1 electrode:2 ");
    memset(&sc, 0, sizeof sc);
    ck_assert_int_eq(bs_tix_scan(t, "zz", 2, true, scan_cb, &sc), BS_OK);
    ck_assert_int_eq(bs_tix_scan(t, "elect", 5, false, scan_cb, &sc), BS_OK);
    ck_assert_uint_eq(sc.n, 0);
    ck_assert_int_eq(bs_tix_del(t, "electrode", 9, 300), BS_OK);
    ck_assert_int_eq(bs_tix_del(t, "electrode", 9, 300), BS_NOT_FOUND);
    ck_assert_int_eq(bs_tix_del(t, "nothing", 7, 300), BS_NOT_FOUND);
    ck_assert_int_eq(bs_tix_df(t, "electrode", 9, &df), BS_OK);
    ck_assert_uint_eq(df, 1);
    /* documents and totals */
    bs_tix_doc d = {2, 9}, got;
    ck_assert_int_eq(bs_tix_doc_get(t, 5, &got), BS_NOT_FOUND);
    ck_assert_int_eq(bs_tix_doc_put(t, 5, &d), BS_OK);
    d = (bs_tix_doc){0, 3};
    ck_assert_int_eq(bs_tix_doc_put(t, 300, &d), BS_OK);
    d = (bs_tix_doc){1, 4};
    ck_assert_int_eq(bs_tix_doc_put(t, 300, &d), BS_OK); /* replaces */
    ck_assert_int_eq(bs_tix_doc_get(t, 300, &got), BS_OK);
    ck_assert_uint_eq(got.field, 1);
    ck_assert_uint_eq(got.len, 4);
    bs_tix_stats ts;
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.docs, 2);
    ck_assert_uint_eq(ts.tokens, 13);
    ck_assert_uint_eq(ts.postings, 4);
    ck_assert_uint_gt(ts.pages, 0);
    ck_assert_int_eq(bs_tix_doc_del(t, 5), BS_OK);
    ck_assert_int_eq(bs_tix_doc_del(t, 5), BS_NOT_FOUND);
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.docs, 1);
    ck_assert_uint_eq(ts.tokens, 4);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    /* read-only: visible after commit, writes refused */
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_tix_df(t, "electrolyte", 11, &df), BS_OK);
    ck_assert_uint_eq(df, 1);
    ck_assert_int_eq(bs_tix_put(t, "x", 1, &p1), BS_ERR_READONLY);
    bs_txn_abort(t);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_tix_clear(t), BS_OK);
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.docs + ts.tokens + ts.postings, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    bs_store_close(s);
}
END_TEST

START_TEST(test_tix_many_postings)
{
    /* more postings than one LMDB page: GET_MULTIPLE pages are stitched */
    bs_store *s = NULL;
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (bs_id d = 3000; d > 0; d--) {
        bs_posting p = post(d * 7, 1, 0, 1);
        ck_assert_int_eq(bs_tix_put(t, "cell", 4, &p), BS_OK);
    }
    uint64_t df = 0;
    ck_assert_int_eq(bs_tix_df(t, "cell", 4, &df), BS_OK);
    ck_assert_uint_eq(df, 3000);
    scanned sc = {0};
    ck_assert_int_eq(bs_tix_scan(t, "cell", 4, false, scan_cb, &sc), BS_OK);
    ck_assert_uint_eq(sc.n, 64); /* kept the first 64 */
    for (size_t i = 0; i < 64; i++) ck_assert_uint_eq(sc.ps[i].doc, (i + 1) * 7);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("search_index");
    TCase *tc = tcase_create("text");
    tcase_add_test(tc, test_tokens_ascii);
    tcase_add_test(tc, test_tokens_fold_accents);
    tcase_add_test(tc, test_tokens_scripts);
    tcase_add_test(tc, test_tokens_long_and_invalid);
    suite_add_tcase(s, tc);
    tc = tcase_create("tix");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_tix_storage);
    tcase_add_test(tc, test_tix_many_postings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
