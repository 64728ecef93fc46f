/* SPDX-License-Identifier: MIT
 * Unit tests: the tokenizer's ASCII spans against its Unicode path, the
 * text index's posting blocks (format 2: general writes, the appending
 * writer, scans, the vocabulary walk) against a model, and the rebuild
 * of an index of another format at attach. */
#include "config.h"
#include "fixture.h"
#include "load_fixture.h"
#include "ingest/ingest.h"
#include "search/search.h"
#include "search/search_int.h"
#include "store/store.h"
#include "store/tixvocab.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BS_TEST_SHARED
#define BS_TEST_SHARED "../shared"
#endif
#ifndef BS_TEST_SRCDIR
#define BS_TEST_SRCDIR "."
#endif

static char dir[BS_FX_DIR];

static void setup(void)
{
    bs_fx_store_dir(dir, "check_stix");
}

static void teardown(void)
{
    bs_fx_store_dir_remove(dir);
}

/* ---- the fast tokenizer against the Unicode path --------------------- */

typedef struct {
    char *buf;
    size_t n, cap;
} tokout;

static void tok_collect(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    tokout *o = ctx;
    char tail[48];
    int tl = snprintf(tail, sizeof tail, "@%zu-%zu|", start, end);
    if (o->n + len + (size_t)tl + 1 > o->cap) {
        o->cap = (o->n + len + (size_t)tl + 1) * 2;
        o->buf = realloc(o->buf, o->cap);
        ck_assert_ptr_nonnull(o->buf);
    }
    memcpy(o->buf + o->n, tok, len);
    memcpy(o->buf + o->n + len, tail, (size_t)tl);
    o->n += len + (size_t)tl;
}

/* The index's path: each token with its hash (no offsets). */
static void tokh_collect(void *ctx, const char *tok, size_t len, uint32_t hash)
{
    tokout *o = ctx;
    char tail[24];
    int tl = snprintf(tail, sizeof tail, "#%08x|", (unsigned)hash);
    if (o->n + len + (size_t)tl + 1 > o->cap) {
        o->cap = (o->n + len + (size_t)tl + 1) * 2;
        o->buf = realloc(o->buf, o->cap);
        ck_assert_ptr_nonnull(o->buf);
    }
    memcpy(o->buf + o->n, tok, len);
    memcpy(o->buf + o->n + len, tail, (size_t)tl);
    o->n += len + (size_t)tl;
}

/* The general path's tokens with the hash computed from their bytes. */
static void tok_rehash(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start; (void)end;
    tokh_collect(ctx, tok, len, bs_search_tok_hash(tok, len));
}

static struct {
    size_t texts, mixed, tokens;
} seen;

/* The hashed path over text[0..len): the general path's tokens, byte
 * for byte, each with the hash of its bytes. */
static void same_hashed(const char *text, size_t len)
{
    tokout a = {0}, b = {0};
    ck_assert_int_eq(bs_search_tokenize_hashed(text, len, tokh_collect, &a), BS_OK);
    ck_assert_int_eq(bs_search_tokenize_slow(text, len, tok_rehash, &b), BS_OK);
    if (a.n != b.n || (a.n && memcmp(a.buf, b.buf, a.n)))
        ck_abort_msg("hashed tokens differ for \"%.*s\":\n hashed %.*s\n slow %.*s", (int)len,
                     text, (int)a.n, a.buf ? a.buf : "", (int)b.n, b.buf ? b.buf : "");
    free(a.buf);
    free(b.buf);
}

/* Both paths over text[0..len): the same tokens, offsets included. */
static void same_tokens(const char *text, size_t len)
{
    tokout a = {0}, b = {0};
    ck_assert_int_eq(bs_search_tokenize(text, len, tok_collect, &a), BS_OK);
    ck_assert_int_eq(bs_search_tokenize_slow(text, len, tok_collect, &b), BS_OK);
    if (a.n != b.n || (a.n && memcmp(a.buf, b.buf, a.n)))
        ck_abort_msg("tokens differ for \"%.*s\":\n fast %.*s\n slow %.*s", (int)len, text,
                     (int)a.n, a.buf ? a.buf : "", (int)b.n, b.buf ? b.buf : "");
    same_hashed(text, len);
    seen.texts++;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)text[i] >= 0x80) {
            seen.mixed++;
            break;
        }
    for (size_t i = 0; i < a.n; i++) seen.tokens += a.buf[i] == '|';
    free(a.buf);
    free(b.buf);
}

/* Every line of a file through same_tokens; false when unreadable. */
static bool file_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return false;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) same_tokens(line, (size_t)n);
    free(line);
    fclose(f);
    return true;
}

static int onto_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)f;
    size_t n = strlen(p);
    if (flag == FTW_F && n > 4 && !strcmp(p + n - 4, ".ttl")) ck_assert(file_lines(p));
    return 0;
}

/* BattINFO's labels and comments (the ontologies' Turtle, line by line),
 * the generator's titles and descriptions (its source) and the docs. */
START_TEST(test_fast_tokens_real_texts)
{
    memset(&seen, 0, sizeof seen);
    /* scripts/test's sanitizer tree is a copy elsewhere: it names the
     * checkout's ../shared in BS_SHARED */
    const char *shared = getenv("BS_SHARED");
    char odir[1024];
    snprintf(odir, sizeof odir, "%s/ontologies", shared && *shared ? shared : BS_TEST_SHARED);
    ck_assert_int_eq(nftw(odir, onto_cb, 8, FTW_PHYS), 0);
    size_t onto = seen.mixed;
    ck_assert(file_lines(BS_TEST_SRCDIR "/bench/gen_datasets.c"));
    ck_assert(file_lines(BS_TEST_SRCDIR "/docs/search.md"));
    ck_assert(file_lines(BS_TEST_SRCDIR "/docs/benchmarks.md"));
    ck_assert_uint_gt(onto, 1000);        /* lines with a non-ASCII byte */
    ck_assert_uint_gt(seen.mixed, onto);  /* the generator's °C, the docs' dashes */
    ck_assert_uint_gt(seen.tokens, 500000);
}
END_TEST

/* Random texts of pieces around the rules that could cross a span:
 * apostrophes, hyphens, periods, colons (MidLetter, MidNum), marks,
 * format characters, ideographs, kana, invalid and cut sequences. */
START_TEST(test_fast_tokens_generated)
{
    static const char *const pieces[] = {
        "a", "Z", "ab", "Li", "FePO4", "3", "42", "x1", "NMC811", "don't", "'", "\"", "-", ".",
        ",", ":", ";", "/", "_", " ", "  ", "\t", "\n", "(", ")", "http://x.org/a#b", "3.5",
        "1,000", "C/10", "e.g.", "\xc3\xa9", "\xc3\x89", "\xc2\xb0", "\xc2\xb0" "C", "\xc2\xb2",
        "\xef\xac\x81", "\xc3\x9f", "\xe7\x94\xb5", "\xe6\xb1\xa0", "\xe3\x82\xa2", "\xe3\x83\xbc",
        "\xe3\x81\x82", "\xcc\x81", "\xc2\xad", "\xe2\x80\x8d", "\xe2\x80\x8b", "\xc2\xb7",
        "\xe2\x80\x99", "\xe2\x80\xbf", "\xf0\x9f\x94\x8b", "\xf0\x9f\x87\xb3\xf0\x9f\x87\xb4",
        "\xff", "\xc3", "\xe2\x82", "\xd8\xa8", "\xd7\x90", "\xd7\x90\"\xd7\x91",
        "\xe0\xb9\x84\xe0\xb8\x97\xe0\xb8\xa2", "\xc2\xa0", "\xe2\x80\x94", "\xef\xbc\x91",
        "\xe2\x85\xab", "\xe2\x84\xb9", "\xce\x9b\xce\x99", "\xd0\x96", "\xe2\x80\xa6",
        "\xe2\x86\x92", "\xef\xbc\x9a", "\xd9\xa3", "\xe2\x81\xa0",
    };
    const size_t np = sizeof pieces / sizeof *pieces;
    unsigned seed = 12345;
    char text[512];
    memset(&seen, 0, sizeof seen);
    for (int i = 0; i < 40000; i++) {
        seed = seed * 1103515245u + 12345u;
        int k = 1 + (int)(seed >> 16) % 14;
        size_t n = 0;
        for (int j = 0; j < k; j++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = pieces[(seed >> 12) % np];
            size_t l = strlen(p);
            if (n + l >= sizeof text) break;
            memcpy(text + n, p, l);
            n += l;
        }
        same_tokens(text, n);
    }
    ck_assert_uint_gt(seen.mixed, 30000);
    /* tokens around the cut at 64 bytes, ASCII and not, at both ends */
    for (size_t w = 60; w < 200; w += (w < 70 ? 1 : 37)) {
        memset(text, 'Q', w);
        memcpy(text + w, " x ", 3);
        same_tokens(text, w + 3);
        same_tokens(text, w);
        memcpy(text + w / 2, "\xc3\x89", 2);
        same_tokens(text, w + 3);
    }
}
END_TEST

/* ---- posting blocks against a model --------------------------------- */

#define NDOCS 1500

typedef struct {
    bool on[NDOCS + 1];
    bs_posting p[NDOCS + 1];
} model;

typedef struct {
    char toks[256], last[80];
    bs_posting *ps;
    size_t n, cap, stop_after;
} got;

static bs_status got_cb(void *ctx, const char *tok, size_t toklen, const bs_posting *ps, size_t n)
{
    got *g = ctx;
    char cur[80];
    snprintf(cur, sizeof cur, "%.*s", (int)toklen, tok);
    if (strcmp(cur, g->last)) { /* a token's batches come together */
        size_t used = strlen(g->toks);
        snprintf(g->toks + used, sizeof g->toks - used, "%s ", cur);
        strcpy(g->last, cur);
    }
    if (g->n + n > g->cap) {
        g->cap = (g->n + n) * 2;
        g->ps = realloc(g->ps, g->cap * sizeof *g->ps);
        ck_assert_ptr_nonnull(g->ps);
    }
    memcpy(g->ps + g->n, ps, n * sizeof *ps);
    g->n += n;
    return g->stop_after && g->n >= g->stop_after ? BS_END : BS_OK;
}

static got scan(bs_txn *t, const char *tok, bool prefix, size_t stop_after)
{
    got g = {0};
    g.stop_after = stop_after;
    ck_assert_int_eq(bs_tix_scan(t, tok, strlen(tok), prefix, got_cb, &g), BS_OK);
    return g;
}

/* tok's postings in the index equal the model's, in document order. */
static void expect_model(bs_txn *t, const char *tok, const model *m)
{
    got g = scan(t, tok, false, 0);
    size_t k = 0;
    for (bs_id d = 1; d <= NDOCS; d++) {
        if (!m->on[d]) continue;
        ck_assert_uint_lt(k, g.n);
        ck_assert_uint_eq(g.ps[k].doc, d * 3);
        ck_assert_uint_eq(g.ps[k].tf, m->p[d].tf);
        ck_assert_uint_eq(g.ps[k].field, m->p[d].field);
        ck_assert_uint_eq(g.ps[k].len, m->p[d].len);
        k++;
    }
    ck_assert_uint_eq(g.n, k);
    uint64_t df = 0;
    ck_assert_int_eq(bs_tix_df(t, tok, strlen(tok), &df), BS_OK);
    ck_assert_uint_eq(df, k);
    free(g.ps);
}

static bs_status vocab_cb(void *ctx, const char *tok, size_t len)
{
    char *out = ctx;
    size_t used = strlen(out);
    snprintf(out + used, 256 - used, "%.*s ", (int)len, tok);
    return BS_OK;
}

static size_t count_on(const model *m)
{
    size_t n = 0;
    for (bs_id d = 1; d <= NDOCS; d++) n += m->on[d];
    return n;
}

/* Random puts (new, replacing, identical) and removals, one at a time,
 * of one token between two neighbours: blocks fill, split and empty. */
START_TEST(test_blocks_general_writes)
{
    static model m;
    memset(&m, 0, sizeof m);
    bs_store *s = NULL;
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_posting p = {7, 1, 0, 1};
    ck_assert_int_eq(bs_tix_put(t, "cel", 3, &p), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "cells", 5, &p), BS_OK);
    ck_assert_int_eq(bs_tix_put(t, "ce\0l", 4, &p), BS_ERR_ARG); /* no NUL in a token */
    unsigned seed = 99;
    for (int i = 0; i < 12000; i++) {
        seed = seed * 1103515245u + 12345u;
        bs_id d = 1 + (seed >> 8) % NDOCS;
        if ((seed >> 4) % 10 < 7) {
            bs_posting q = {d * 3, (uint8_t)(1 + (seed >> 20) % 5), (uint8_t)((seed >> 24) % 3),
                            (uint8_t)(1 + (seed >> 26) % 30)};
            ck_assert_int_eq(bs_tix_put(t, "cell", 4, &q), BS_OK);
            m.on[d] = true;
            m.p[d] = q;
        } else {
            ck_assert_int_eq(bs_tix_del(t, "cell", 4, d * 3), m.on[d] ? BS_OK : BS_NOT_FOUND);
            m.on[d] = false;
        }
        if (i % 3000 == 2999) expect_model(t, "cell", &m);
    }
    expect_model(t, "cell", &m);
    size_t n = count_on(&m);
    ck_assert_uint_gt(n, 300); /* several blocks */
    bs_tix_stats ts;
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.postings, n + 2);
    ck_assert_uint_eq(ts.terms, 3);
    /* a prefix scan: tokens in byte order, each one's postings whole */
    got g = scan(t, "cel", true, 0);
    ck_assert_str_eq(g.toks, "cel cell cells ");
    ck_assert_uint_eq(g.n, n + 2);
    ck_assert_uint_eq(g.ps[0].doc, 7);
    ck_assert_uint_eq(g.ps[n + 1].doc, 7);
    free(g.ps);
    g = scan(t, "", true, 200);  /* stopped early, inside "cell"'s blocks */
    ck_assert_uint_ge(g.n, 200);
    ck_assert_uint_lt(g.n, n);
    free(g.ps);
    char voc[256] = "";
    ck_assert_int_eq(bs_tix_vocab(t, vocab_cb, voc), BS_OK);
    ck_assert_str_eq(voc, "cel cell cells ");
    /* emptied: the token goes, its neighbours stay */
    for (bs_id d = 1; d <= NDOCS; d++)
        if (m.on[d]) ck_assert_int_eq(bs_tix_del(t, "cell", 4, d * 3), BS_OK);
    memset(&m, 0, sizeof m);
    expect_model(t, "cell", &m);
    voc[0] = 0;
    ck_assert_int_eq(bs_tix_vocab(t, vocab_cb, voc), BS_OK);
    ck_assert_str_eq(voc, "cel cells ");
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.postings, 2);
    ck_assert_uint_eq(ts.terms, 2);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

static void writer_add(bs_txn *t, const char *tok, const bs_id *docs, size_t n, model *m)
{
    bs_tix_writer *w = NULL;
    bs_posting ps[600];
    ck_assert_uint_le(n, 600);
    for (size_t i = 0; i < n; i++) {
        ps[i] = (bs_posting){docs[i] * 3, (uint8_t)(1 + docs[i] % 7), (uint8_t)(docs[i] % 3), 9};
        if (m) {
            m->on[docs[i]] = true;
            m->p[docs[i]] = ps[i];
        }
    }
    ck_assert_int_eq(bs_tix_writer_new(t, &w), BS_OK);
    ck_assert_int_eq(bs_tix_writer_postings(w, tok, strlen(tok), ps, n), BS_OK);
    ck_assert_int_eq(bs_tix_writer_finish(w), BS_OK);
}

/* The appending writer: a new token past the end, then appends that top
 * up its last block and add blocks, new tokens before and between,
 * postings that fall inside the blocks (the one-by-one path), and
 * general removals after it. */
START_TEST(test_blocks_writer)
{
    static model m;
    memset(&m, 0, sizeof m);
    bs_store *s = NULL;
    bs_txn *t = NULL;
    bs_id docs[600];
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (size_t i = 0; i < 300; i++) docs[i] = 10 + 2 * i;     /* 10..608 */
    writer_add(t, "m", docs, 300, &m);
    expect_model(t, "m", &m);
    for (size_t i = 0; i < 5; i++) docs[i] = 700 + i;          /* top up the last block */
    writer_add(t, "m", docs, 5, &m);
    for (size_t i = 0; i < 400; i++) docs[i] = 800 + i;        /* and new blocks */
    writer_add(t, "m", docs, 400, &m);
    expect_model(t, "m", &m);
    docs[0] = 1; docs[1] = 11; docs[2] = 1300;                 /* inside: one by one */
    writer_add(t, "m", docs, 3, &m);
    expect_model(t, "m", &m);
    docs[0] = 5;
    writer_add(t, "a", docs, 1, NULL);                         /* before */
    writer_add(t, "mm", docs, 1, NULL);                        /* between */
    writer_add(t, "z", docs, 1, NULL);                         /* past the end */
    writer_add(t, "z", docs, 0, NULL);
    for (bs_id d = 10; d < 900; d += 7)
        if (m.on[d]) {
            ck_assert_int_eq(bs_tix_del(t, "m", 1, d * 3), BS_OK);
            m.on[d] = false;
        }
    expect_model(t, "m", &m);
    bs_tix_stats ts;
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.terms, 4);
    ck_assert_uint_eq(ts.postings, count_on(&m) + 3);
    char voc[256] = "";
    ck_assert_int_eq(bs_tix_vocab(t, vocab_cb, voc), BS_OK);
    ck_assert_str_eq(voc, "a m mm z ");
    /* not ascending: refused */
    bs_tix_writer *w = NULL;
    bs_posting bad[2] = {{50, 1, 0, 1}, {40, 1, 0, 1}};
    ck_assert_int_eq(bs_tix_writer_new(t, &w), BS_OK);
    ck_assert_int_eq(bs_tix_writer_postings(w, "q", 1, bad, 2), BS_ERR_ARG);
    bs_tix_writer_free(w);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    expect_model(t, "m", &m);  /* the same after commit, read-only */
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* The appending writer's gaps: batches of new documents that fall
 * before a token's first block, between two blocks (topping up the one
 * before, or after a full one), after its last block, and inside blocks,
 * several of them in one call, as a load's flushes of plain and
 * language-tagged literals give (two ascending id ranges): 300 random
 * batches against the model, then a block-level check through the
 * scan's order and the header. */
START_TEST(test_blocks_writer_gaps)
{
    static model m;
    memset(&m, 0, sizeof m);
    bs_store *s = NULL;
    bs_txn *t = NULL;
    bs_id docs[600];
    unsigned seed = 12345;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (size_t i = 0; i < 130; i++) docs[i] = 1000 + i;       /* "tagged": a full block */
    writer_add(t, "g", docs, 130, &m);
    for (size_t i = 0; i < 50; i++) docs[i] = 10 + 2 * i;      /* "plain": before it */
    writer_add(t, "g", docs, 50, &m);
    for (size_t i = 0; i < 30; i++) docs[i] = 200 + i;         /* between (top up) */
    for (size_t i = 30; i < 60; i++) docs[i] = 1200 + i;       /* and after, one call */
    writer_add(t, "g", docs, 60, &m);
    expect_model(t, "g", &m);
    for (int round = 0; round < 300; round++) {
        size_t n = 0;
        seed = seed * 1103515245u + 12345u;
        bs_id from = 1 + (seed >> 8) % NDOCS, step = 1 + (seed >> 4) % 3;
        size_t want = 1 + (seed >> 16) % 40;
        for (bs_id d = from; d <= NDOCS && n < want; d += step)
            if (!m.on[d]) docs[n++] = d;
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 2) { /* a second range, lower: two kinds */
            bs_id lo = 1 + (seed >> 4) % (from > 1 ? from - 1 : 1);
            size_t keep = n;
            bs_id tmp[600];
            size_t k = 0;
            for (bs_id d = lo; d < from && k < 20; d++)
                if (!m.on[d]) tmp[k++] = d;
            memmove(docs + k, docs, keep * sizeof *docs);
            memcpy(docs, tmp, k * sizeof *docs);
            n += k;
        }
        if (n) writer_add(t, "g", docs, n, &m);
    }
    expect_model(t, "g", &m);
    ck_assert_uint_gt(count_on(&m), 1000);
    bs_tix_stats ts;
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.postings, count_on(&m));
    ck_assert_uint_eq(ts.terms, 1);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    expect_model(t, "g", &m);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* bs_tix_doc_last: the greatest record of each kind of literal. */
START_TEST(test_doc_last)
{
    bs_store *s = NULL;
    bs_txn *t = NULL;
    bs_id last = 1;
    bs_tix_doc rec = { 1, 3 };
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_LITERAL, &last), BS_OK);
    ck_assert_uint_eq(last, 0);
    bs_id plain[3] = { bs_id_make(BS_TERM_LITERAL, 5), bs_id_make(BS_TERM_LITERAL, 900),
                       bs_id_make(BS_TERM_LITERAL, 70) };
    for (int i = 0; i < 3; i++) ck_assert_int_eq(bs_tix_doc_put(t, plain[i], &rec), BS_OK);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_LITERAL, &last), BS_OK);
    ck_assert_uint_eq(last, plain[1]);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_LANG, &last), BS_OK);
    ck_assert_uint_eq(last, 0);
    bs_id tagged = bs_id_make(BS_TERM_LANG, 6);
    ck_assert_int_eq(bs_tix_doc_put(t, tagged, &rec), BS_OK);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_LANG, &last), BS_OK);
    ck_assert_uint_eq(last, tagged);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_LITERAL, &last), BS_OK);
    ck_assert_uint_eq(last, plain[1]);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_IRI, &last), BS_OK);
    ck_assert_uint_eq(last, 0);
    ck_assert_int_eq(bs_tix_doc_del(t, plain[1]), BS_OK);
    ck_assert_int_eq(bs_tix_doc_last(t, BS_TERM_LITERAL, &last), BS_OK);
    ck_assert_uint_eq(last, plain[2]);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* ---- the store hook's literal list ---------------------------------- */

typedef struct {
    size_t calls, n;
    bool ascending;
} seen_ids;

static bs_status record_ids(bs_txn *t, const bs_id *lits, size_t n, void *ctx)
{
    seen_ids *r = ctx;
    (void)t;
    r->calls++;
    r->n = n;
    r->ascending = true;
    for (size_t i = 1; i < n; i++)
        if (lits[i] <= lits[i - 1]) r->ascending = false;
    return BS_OK;
}

/* Thousands of literals, each in two quads, added in a scrambled order
 * (the radix sort of the hook's id list, and its de-duplication). */
START_TEST(test_hook_ids_sorted)
{
    bs_store *s = NULL;
    bs_txn *t = NULL;
    seen_ids r = {0};
    const char *label = "http://www.w3.org/2000/01/rdf-schema#label";
    bs_term tp = bs_term_iri(label, strlen(label));
    bs_id pid = 0, sid[2];
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &tp, &pid), BS_OK);
    for (int k = 0; k < 2; k++) {
        bs_term ts = bs_term_iri(k ? "http://x/b" : "http://x/a", 10);
        ck_assert_int_eq(bs_dict_intern(t, &ts, &sid[k]), BS_OK);
    }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    bs_store_hook h = { "ids", &pid, 1, record_ids, &r, NULL, NULL, NULL };
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int k = 0; k < 2; k++)
        for (unsigned i = 0; i < 5000; i++) {
            char lit[32];
            unsigned j = (i * 761u) % 5000; /* a permutation of 0..4999 */
            int len = snprintf(lit, sizeof lit, "lit %u", j * 977);
            bs_term tl = bs_term_literal(lit, (size_t)len, NULL, 0, NULL, 0);
            bs_quad q = { sid[k], pid, 0, BS_DEFAULT_GRAPH };
            ck_assert_int_eq(bs_dict_intern(t, &tl, &q.o), BS_OK);
            ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
        }
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_uint_eq(r.calls, 1);
    ck_assert_uint_eq(r.n, 5000);
    ck_assert(r.ascending);
    bs_store_close(s);
}
END_TEST

/* ---- an index of another format is rebuilt ------------------------- */

#define RDFS_LABEL "<http://www.w3.org/2000/01/rdf-schema#label>"

static uint64_t df_of(bs_store *s, const char *tok)
{
    bs_txn *t = NULL;
    uint64_t n = 0;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_tix_df(t, tok, strlen(tok), &n), BS_OK);
    bs_txn_abort(t);
    return n;
}

static bool recorded_stale(bs_store *s, const char *name)
{
    bs_txn *t = NULL;
    bool stale = false;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_store_hook_state(t, name, &stale), BS_OK);
    bs_txn_abort(t);
    return stale;
}

static bs_status old_hook(bs_txn *t, const bs_id *lits, size_t n, void *ctx)
{
    (void)t; (void)lits; (void)n; (void)ctx;
    return BS_OK;
}

/* A battstore of the previous format has the "search" hook but not the
 * format's: its writes leave "search" fresh and this index without
 * them; the next attach sees the format stale and rebuilds. */
START_TEST(test_other_format_rebuilt)
{
    bs_store *s = NULL;
    bs_search *idx = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_search_attach(s, NULL, &idx), BS_OK);
    ck_assert_int_eq(bs_fx_load_nq(s, dir, "<http://x/a> " RDFS_LABEL " \"Cathode coating\" .\n"), BS_OK);
    ck_assert_uint_eq(df_of(s, "cathode"), 1);
    bs_search_detach(idx);
    bs_store_hook h = { "search", NULL, 0, old_hook, NULL, NULL, NULL, NULL };
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK); /* the older battstore */
    ck_assert_int_eq(bs_fx_load_nq(s, dir, "<http://x/b> " RDFS_LABEL " \"Zebra electrolyte\" .\n"), BS_OK);
    ck_assert(!recorded_stale(s, "search"));
    ck_assert(recorded_stale(s, "search-fmt2"));
    ck_assert_uint_eq(df_of(s, "zebra"), 0);
    bs_store_hook_remove(s, "search");
    ck_assert_int_eq(bs_search_attach(s, NULL, &idx), BS_OK);
    ck_assert_uint_eq(df_of(s, "zebra"), 1);
    ck_assert_uint_eq(df_of(s, "cathode"), 1);
    ck_assert(!recorded_stale(s, "search-fmt2"));
    ck_assert(!recorded_stale(s, "search"));
    bs_search_detach(idx);
    bs_store_close(s);
}
END_TEST

/* A store that has never had the format's record (and holds quads) is
 * not trusted by a read-only attach either. */
START_TEST(test_other_format_readonly)
{
    bs_store *s = NULL;
    bs_search *idx = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    bs_store_hook h = { "search", NULL, 0, old_hook, NULL, NULL, NULL, NULL };
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK);
    ck_assert_int_eq(bs_fx_load_nq(s, dir, "<http://x/b> " RDFS_LABEL " \"Zebra electrolyte\" .\n"), BS_OK);
    bs_store_close(s);
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_RDONLY, &s), BS_OK);
    ck_assert_int_eq(bs_search_attach(s, NULL, &idx), BS_OK);
    bs_search_stats ss;
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_search_stat(idx, t, &ss), BS_OK);
    ck_assert(ss.stale);
    bs_txn_abort(t);
    bs_search_detach(idx);
    bs_store_close(s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("search_tix");
    TCase *tc = tcase_create("tokens");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_fast_tokens_real_texts);
    tcase_add_test(tc, test_fast_tokens_generated);
    suite_add_tcase(s, tc);
    tc = tcase_create("blocks");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_blocks_general_writes);
    tcase_add_test(tc, test_blocks_writer);
    tcase_add_test(tc, test_blocks_writer_gaps);
    tcase_add_test(tc, test_doc_last);
    tcase_add_test(tc, test_hook_ids_sorted);
    suite_add_tcase(s, tc);
    tc = tcase_create("format");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_other_format_rebuilt);
    tcase_add_test(tc, test_other_format_readonly);
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
