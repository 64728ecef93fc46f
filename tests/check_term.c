/* SPDX-License-Identifier: MIT
 * Unit tests: term views, canonical encoding, ids, hashing. */
#include "config.h"
#include "term/term.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void roundtrip(const bs_term *t)
{
    uint8_t buf[4096];
    size_t len = 0;
    ck_assert_int_eq(bs_term_encode(t, buf, sizeof buf, &len), BS_OK);
    ck_assert_uint_eq(len, bs_term_encoded_size(t));
    bs_term d;
    ck_assert_int_eq(bs_term_decode(buf, len, &d), BS_OK);
    ck_assert(bs_term_equal(t, &d));
}

START_TEST(test_roundtrip_kinds)
{
    const char *iri = "https://w3id.org/emmo/domain/battery#battery_68ed592a_7924_45d0_a108_94d6275d57f0";
    bs_term t = bs_term_iri(iri, strlen(iri));
    roundtrip(&t);
    t = bs_term_bnode("b0", 2);
    roundtrip(&t);
    t = bs_term_literal("Elektrode", 9, "de", 2, NULL, 0);
    ck_assert_int_eq(t.kind, BS_TERM_LANG);
    roundtrip(&t);
    t = bs_term_literal("42", 2, NULL, 0, BS_XSD "integer", strlen(BS_XSD "integer"));
    ck_assert_int_eq(t.kind, BS_TERM_TYPED);
    roundtrip(&t);
    t = bs_term_literal("", 0, NULL, 0, NULL, 0);
    roundtrip(&t);
}
END_TEST

START_TEST(test_unicode_and_nul)
{
    /* any Unicode, including U+0000 and astral characters */
    static const char lex[] = "Li\xe2\x82\x82" "CO\xe2\x82\x83 \xf0\x9f\x94\x8b a\0b";
    bs_term t = bs_term_literal(lex, sizeof lex - 1, "en-GB", 5, NULL, 0);
    roundtrip(&t);
    /* a datatype longer than 127 bytes needs a two-byte varint */
    char dt[300];
    memset(dt, 'x', sizeof dt);
    memcpy(dt, "http://", 7);
    t = bs_term_literal("v", 1, NULL, 0, dt, sizeof dt);
    roundtrip(&t);
}
END_TEST

START_TEST(test_xsd_string_is_simple)
{
    bs_term a = bs_term_literal("abc", 3, NULL, 0, BS_XSD_STRING, strlen(BS_XSD_STRING));
    bs_term b = bs_term_literal("abc", 3, NULL, 0, NULL, 0);
    ck_assert_int_eq(a.kind, BS_TERM_LITERAL);
    ck_assert(bs_term_equal(&a, &b));
    uint8_t x[64], y[64];
    size_t lx, ly;
    bs_term_encode(&a, x, sizeof x, &lx);
    bs_term_encode(&b, y, sizeof y, &ly);
    ck_assert_uint_eq(lx, ly);
    ck_assert_mem_eq(x, y, lx);
}
END_TEST

START_TEST(test_lang_tag_case)
{
    bs_term a = bs_term_literal("chat", 4, "EN-GB", 5, NULL, 0);
    bs_term b = bs_term_literal("chat", 4, "en-gb", 5, NULL, 0);
    bs_term c = bs_term_literal("chat", 4, "en-us", 5, NULL, 0);
    ck_assert(bs_term_equal(&a, &b));
    ck_assert(!bs_term_equal(&a, &c));
    uint8_t x[64], y[64];
    size_t lx, ly;
    ck_assert_int_eq(bs_term_encode(&a, x, sizeof x, &lx), BS_OK);
    ck_assert_int_eq(bs_term_encode(&b, y, sizeof y, &ly), BS_OK);
    ck_assert_uint_eq(lx, ly);
    ck_assert_mem_eq(x, y, lx);
    bs_term d;
    ck_assert_int_eq(bs_term_decode(x, lx, &d), BS_OK);
    ck_assert_int_eq((int)d.extra_len, 5);
    ck_assert_mem_eq(d.extra, "en-gb", 5);
}
END_TEST

START_TEST(test_distinct_encodings)
{
    /* same text, different kinds / tags must never collide */
    bs_term v[] = {
        bs_term_iri("a", 1), bs_term_bnode("a", 1),
        bs_term_literal("a", 1, NULL, 0, NULL, 0),
        bs_term_literal("a", 1, "en", 2, NULL, 0),
        bs_term_literal("a", 1, NULL, 0, "http://x", 8),
        bs_term_literal("", 0, "a", 1, NULL, 0),
    };
    size_t n = sizeof v / sizeof *v;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            uint8_t x[64], y[64];
            size_t lx, ly;
            bs_term_encode(&v[i], x, sizeof x, &lx);
            bs_term_encode(&v[j], y, sizeof y, &ly);
            ck_assert(lx != ly || memcmp(x, y, lx) != 0);
            ck_assert(!bs_term_equal(&v[i], &v[j]));
        }
}
END_TEST

START_TEST(test_bad_input)
{
    uint8_t buf[8];
    size_t len;
    bs_term t = bs_term_iri("abcdefghijkl", 12);
    ck_assert_int_eq(bs_term_encode(&t, buf, sizeof buf, &len), BS_ERR_ARG);
    bs_term d;
    ck_assert_int_eq(bs_term_decode(buf, 0, &d), BS_ERR_CORRUPT);
    uint8_t bad_kind[] = {9, 'a'};
    ck_assert_int_eq(bs_term_decode(bad_kind, 2, &d), BS_ERR_CORRUPT);
    uint8_t bad_len[] = {BS_TERM_LANG, 50, 'e', 'n'};
    ck_assert_int_eq(bs_term_decode(bad_len, sizeof bad_len, &d), BS_ERR_CORRUPT);
}
END_TEST

START_TEST(test_ids)
{
    bs_id id = bs_id_make(BS_TERM_LANG, 123456789);
    ck_assert_int_eq(bs_id_kind(id), BS_TERM_LANG);
    ck_assert(id <= BS_ID_MAX);
    uint8_t b[BS_ID_BYTES];
    bs_id_put(b, id);
    ck_assert_uint_eq(bs_id_get(b), id);
    /* byte order = numeric order, kinds sort blank < IRI < literal */
    uint8_t x[BS_ID_BYTES], y[BS_ID_BYTES];
    bs_id_put(x, bs_id_make(BS_TERM_BNODE, 999999));
    bs_id_put(y, bs_id_make(BS_TERM_IRI, 1));
    ck_assert_int_lt(memcmp(x, y, BS_ID_BYTES), 0);
}
END_TEST

START_TEST(test_hash)
{
    ck_assert_uint_eq(bs_hash64("abc", 3), bs_hash64("abc", 3));
    ck_assert_uint_ne(bs_hash64("abc", 3), bs_hash64("abd", 3));
    ck_assert_uint_ne(bs_hash64("", 0), bs_hash64("\0", 1));
    /* no collisions among 200k similar keys */
    size_t n = 200000;
    uint64_t *h = malloc(n * sizeof *h);
    char key[64];
    for (size_t i = 0; i < n; i++) {
        int len = snprintf(key, sizeof key, "http://example.org/dataset/%zu", i);
        h[i] = bs_hash64(key, (size_t)len);
    }
    size_t same = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < i + 64 && j < n; j++) same += h[i] == h[j];
    ck_assert_uint_eq(same, 0);
    free(h);
}
END_TEST

static Suite *term_suite(void)
{
    Suite *s = suite_create("term");
    TCase *tc = tcase_create("codec");
    tcase_add_test(tc, test_roundtrip_kinds);
    tcase_add_test(tc, test_unicode_and_nul);
    tcase_add_test(tc, test_xsd_string_is_simple);
    tcase_add_test(tc, test_distinct_encodings);
    tcase_add_test(tc, test_lang_tag_case);
    tcase_add_test(tc, test_bad_input);
    suite_add_tcase(s, tc);
    tc = tcase_create("ids");
    tcase_add_test(tc, test_ids);
    tcase_add_test(tc, test_hash);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(term_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
