/* SPDX-License-Identifier: MIT
 * Unit tests: search text (tokens, folding, offsets), the text index's
 * storage (bs_tix_*), index maintenance through the store hook. */
#include "config.h"
#include "fixture.h"
#include "load_fixture.h"
#include "ingest/ingest.h"
#include "search/search.h"
#include "sparql/sparql.h"
#include "store/store.h"
#include "store/tixvocab.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[BS_FX_DIR];

static void setup(void)
{
    bs_fx_store_dir(dir, "check_sindex");
}

static void teardown(void)
{
    bs_fx_store_dir_remove(dir);
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


/* ---- index maintenance through the store hook ----------------------- */

#define RDFS_LABEL "<http://www.w3.org/2000/01/rdf-schema#label>"
#define DCT_DESC "<http://purl.org/dc/terms/description>"

static bs_store *open_attached(bs_search **idx)
{
    bs_store *s = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    ck_assert_int_eq(bs_search_attach(s, NULL, idx), BS_OK);
    ck_assert_ptr_nonnull(*idx);
    ck_assert_ptr_eq(bs_search_of(s), *idx);
    return s;
}

static void close_attached(bs_store *s, bs_search *idx)
{
    bs_search_detach(idx);
    ck_assert_ptr_null(bs_search_of(s));
    bs_store_close(s);
}

/* Load N-Quads text in one transaction; returns the load's status. */
static uint64_t df_of(bs_store *s, const char *tok)
{
    bs_txn *t = NULL;
    uint64_t n = 0;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_tix_df(t, tok, strlen(tok), &n), BS_OK);
    bs_txn_abort(t);
    return n;
}

static bs_tix_stats tix_stats(bs_store *s)
{
    bs_txn *t = NULL;
    bs_tix_stats ts;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    bs_txn_abort(t);
    return ts;
}

/* The field of the document of literal "text" (simple literal), or -1. */
static int doc_field(bs_store *s, const char *text, const char *lang)
{
    bs_txn *t = NULL;
    bs_id id = 0;
    bs_tix_doc d;
    int field = -1;
    bs_term term = bs_term_literal(text, strlen(text), lang, lang ? strlen(lang) : 0, NULL, 0);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    if (bs_dict_lookup(t, &term, &id) == BS_OK && bs_tix_doc_get(t, id, &d) == BS_OK)
        field = d.field;
    bs_txn_abort(t);
    return field;
}

static bs_status clear_graph(bs_store *s, const char *iri)
{
    bs_txn *t = NULL;
    bs_id g = 0;
    bs_term term = bs_term_iri(iri, strlen(iri));
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_dict_lookup(t, &term, &g), BS_OK);
    ck_assert_int_eq(bs_graph_clear(t, g, true, NULL), BS_OK);
    return bs_txn_commit(t);
}

static const char *const data1 =
    "<http://x/a> " RDFS_LABEL " \"Lithium \xc3\x89lectrode\"@en <http://g/1> .\n"
    "<http://x/b> " RDFS_LABEL " \"Lithium \xc3\x89lectrode\"@en <http://g/2> .\n"
    "<http://x/c> " DCT_DESC " \"A cathode of LiFePO4, cathode grade\" <http://g/1> .\n"
    "<http://x/d> <http://x/other> \"unindexed zebra\" <http://g/1> .\n"
    "<http://x/e> " RDFS_LABEL " \"42\"^^<http://www.w3.org/2001/XMLSchema#integer> <http://g/1> .\n";

START_TEST(test_maint_load_drop)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    ck_assert_int_eq(bs_fx_load_nq(s, dir, data1), BS_OK);
    ck_assert_uint_eq(df_of(s, "electrode"), 1);  /* one literal, two graphs */
    ck_assert_uint_eq(df_of(s, "lifepo4"), 1);
    ck_assert_uint_eq(df_of(s, "zebra"), 0);      /* not an indexed predicate */
    ck_assert_uint_eq(df_of(s, "42"), 0);         /* typed literals are not documents */
    ck_assert_int_eq(doc_field(s, "Lithium \xc3\x89lectrode", "en"), BS_FIELD_LABEL);
    ck_assert_int_eq(doc_field(s, "A cathode of LiFePO4, cathode grade", NULL), BS_FIELD_TEXT);
    bs_tix_stats ts = tix_stats(s);
    ck_assert_uint_eq(ts.docs, 2);
    ck_assert_uint_eq(ts.tokens, 2 + 6);
    ck_assert_uint_eq(ts.postings, 2 + 5);  /* "cathode" twice in one doc: one posting, tf 2 */
    /* dropping one graph keeps the literal the other one still uses */
    ck_assert_int_eq(clear_graph(s, "http://g/1"), BS_OK);
    ck_assert_uint_eq(df_of(s, "electrode"), 1);
    ck_assert_uint_eq(df_of(s, "lifepo4"), 0);
    ck_assert_uint_eq(df_of(s, "cathode"), 0);
    ck_assert_int_eq(doc_field(s, "A cathode of LiFePO4, cathode grade", NULL), -1);
    /* removed everywhere: nothing left that points to it */
    ck_assert_int_eq(clear_graph(s, "http://g/2"), BS_OK);
    ck_assert_uint_eq(df_of(s, "electrode"), 0);
    ts = tix_stats(s);
    ck_assert_uint_eq(ts.docs + ts.tokens + ts.postings + ts.terms, 0);
    close_attached(s, idx);
}
END_TEST

/* Add or remove one quad (default graph) in its own transaction. */
static void quad_op(bs_store *s, const char *subj, const char *pred, const char *lit, bool add)
{
    bs_txn *t = NULL;
    bs_term ts = bs_term_iri(subj, strlen(subj)), tp = bs_term_iri(pred, strlen(pred));
    bs_term to = bs_term_literal(lit, strlen(lit), NULL, 0, NULL, 0);
    bs_quad q = { 0, 0, 0, BS_DEFAULT_GRAPH };
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &ts, &q.s), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &tp, &q.p), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &to, &q.o), BS_OK);
    if (add) ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
    else ck_assert_int_eq(bs_quad_remove(t, &q, NULL), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
}

typedef struct {
    bs_id doc;
    int field, tf;
} post_probe;

static bs_status probe_cb(void *ctx, const char *tok, size_t toklen, const bs_posting *ps, size_t n)
{
    post_probe *p = ctx;
    (void)tok; (void)toklen;
    for (size_t i = 0; i < n; i++) {
        p->doc = ps[i].doc;
        p->field = ps[i].field;
        p->tf = ps[i].tf;
    }
    return BS_OK;
}

static post_probe probe(bs_store *s, const char *tok)
{
    bs_txn *t = NULL;
    post_probe p = { 0, -1, 0 };
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_tix_scan(t, tok, strlen(tok), false, probe_cb, &p), BS_OK);
    bs_txn_abort(t);
    return p;
}

START_TEST(test_maint_field_change)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    const char *label = "http://www.w3.org/2000/01/rdf-schema#label";
    const char *desc = "http://purl.org/dc/terms/description";
    quad_op(s, "http://x/a", desc, "Anode anode slurry", true);
    ck_assert_int_eq(probe(s, "anode").field, BS_FIELD_TEXT);
    ck_assert_int_eq(probe(s, "anode").tf, 2);
    quad_op(s, "http://x/b", label, "Anode anode slurry", true); /* now also a label */
    ck_assert_int_eq(probe(s, "anode").field, BS_FIELD_LABEL);
    ck_assert_int_eq(probe(s, "slurry").field, BS_FIELD_LABEL);
    ck_assert_uint_eq(df_of(s, "anode"), 1);
    quad_op(s, "http://x/b", label, "Anode anode slurry", false);
    ck_assert_int_eq(probe(s, "anode").field, BS_FIELD_TEXT);
    quad_op(s, "http://x/a", desc, "Anode anode slurry", false);
    ck_assert_uint_eq(df_of(s, "anode"), 0);
    ck_assert_uint_eq(tix_stats(s).docs, 0);
    close_attached(s, idx);
}
END_TEST

START_TEST(test_maint_failed_txn)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    ck_assert_int_eq(bs_fx_load_nq(s, dir, data1), BS_OK);
    bs_tix_stats before = tix_stats(s);
    /* an aborted transaction */
    bs_txn *t = NULL;
    const char *lit = "separator membrane";
    bs_term tl = bs_term_literal(lit, strlen(lit), NULL, 0, NULL, 0);
    const char *label = "http://www.w3.org/2000/01/rdf-schema#label";
    bs_term tp = bs_term_iri(label, strlen(label));
    bs_quad q = { 0, 0, 0, 0 };
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &tp, &q.p), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &tl, &q.o), BS_OK);
    q.s = q.p;
    ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
    bs_txn_abort(t);
    /* a load that fails half-way (a parse error in its second part) */
    ck_assert_int_eq(bs_fx_load_nq(s, dir, "<http://x/z> " RDFS_LABEL " \"separator\" .\n<oops\n"),
                     BS_ERR_PARSE);
    ck_assert_uint_eq(df_of(s, "separator"), 0);
    bs_tix_stats after = tix_stats(s);
    ck_assert_uint_eq(after.docs, before.docs);
    ck_assert_uint_eq(after.postings, before.postings);
    ck_assert_uint_eq(after.tokens, before.tokens);
    close_attached(s, idx);
}
END_TEST

START_TEST(test_maint_stale_rebuilt)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    ck_assert_int_eq(bs_fx_load_nq(s, dir, data1), BS_OK);
    close_attached(s, idx);
    /* a handle without the index writes: the index is marked stale */
    ck_assert_int_eq(bs_store_open(dir, 0, &s), BS_OK);
    quad_op(s, "http://x/q", "http://www.w3.org/2000/01/rdf-schema#label", "Separator", true);
    bs_store_close(s);
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_RDONLY, &s), BS_OK);
    ck_assert_int_eq(bs_search_attach(s, NULL, &idx), BS_OK);
    bs_txn *t = NULL;
    bs_search_stats x;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_search_stat(idx, t, &x), BS_OK);
    ck_assert(x.stale);                            /* read-only: reported, not rebuilt */
    bs_txn_abort(t);
    ck_assert_uint_eq(df_of(s, "separator"), 0);
    close_attached(s, idx);
    /* attaching on a writable handle rebuilds it */
    s = open_attached(&idx);
    ck_assert_uint_eq(df_of(s, "separator"), 1);
    ck_assert_uint_eq(df_of(s, "electrode"), 1);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_search_stat(idx, t, &x), BS_OK);
    ck_assert(!x.stale);
    ck_assert_uint_eq(x.docs, 3);
    ck_assert_uint_gt(x.bytes, 0);
    bs_txn_abort(t);
    close_attached(s, idx);
}
END_TEST

static bs_status reindex_fn(bs_txn *txn, void *ctx)
{
    uint64_t docs = 0;
    return bs_search_reindex(ctx, txn, &docs);
}

START_TEST(test_maint_reindex_same)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    ck_assert_int_eq(bs_fx_load_nq(s, dir, data1), BS_OK);
    quad_op(s, "http://x/k", "http://www.w3.org/ns/dcat#keyword", "cathode", true);
    bs_tix_stats a = tix_stats(s);
    ck_assert_int_eq(bs_store_write(s, reindex_fn, idx), BS_OK);
    bs_tix_stats b = tix_stats(s);
    ck_assert_uint_eq(a.docs, b.docs);
    ck_assert_uint_eq(a.postings, b.postings);
    ck_assert_uint_eq(a.tokens, b.tokens);
    ck_assert_uint_eq(a.terms, b.terms);
    ck_assert_uint_eq(a.docs, 3);
    close_attached(s, idx);
}
END_TEST

START_TEST(test_no_search_env)
{
    bs_store *s = NULL;
    bs_search *idx = (bs_search *)1;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    setenv("BATTSTORE_NO_SEARCH", "1", 1);
    ck_assert_int_eq(bs_search_attach(s, NULL, &idx), BS_OK);
    unsetenv("BATTSTORE_NO_SEARCH");
    ck_assert_ptr_null(idx);
    ck_assert_ptr_null(bs_search_of(s));
    bs_search_detach(NULL);
    bs_store_close(s);
}
END_TEST

/* ---- bulk upkeep against an oracle and the slow path ----------------- */

#define DCAT_KW "<http://www.w3.org/ns/dcat#keyword>"
#define MAX_LINES 20000

/* A sorted list of text lines (postings "tok doc tf field len", records
 * "#doc field len", totals "=..."), compared as a whole. */
typedef struct {
    char **v;
    size_t n;
} lines;

static void lines_add(lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lines_add(lines *l, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    ck_assert_uint_lt(l->n, MAX_LINES);
    if (!l->v) l->v = calloc(MAX_LINES, sizeof *l->v);
    l->v[l->n++] = strdup(buf);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_sort(lines *l)
{
    if (l->n > 1) qsort(l->v, l->n, sizeof *l->v, cmp_str);
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->n; i++) free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void lines_eq(lines *a, lines *b)
{
    lines_sort(a);
    lines_sort(b);
    for (size_t i = 0; i < a->n && i < b->n; i++) ck_assert_str_eq(a->v[i], b->v[i]);
    ck_assert_uint_eq(a->n, b->n);
}

typedef struct {
    lines *out;
    bs_id docs[MAX_LINES];
    size_t ndocs, nposts;
} dump_ctx;

static bs_status dump_cb(void *ctx, const char *tok, size_t toklen, const bs_posting *ps, size_t n)
{
    dump_ctx *d = ctx;
    for (size_t i = 0; i < n; i++) {
        lines_add(d->out, "%.*s %llu %u %u %u", (int)toklen, tok, (unsigned long long)ps[i].doc,
                  ps[i].tf, ps[i].field, ps[i].len);
        d->nposts++;
        size_t j = 0;
        while (j < d->ndocs && d->docs[j] != ps[i].doc) j++;
        if (j == d->ndocs && d->ndocs < MAX_LINES) d->docs[d->ndocs++] = ps[i].doc;
    }
    return BS_OK;
}

/* bs_tix_vocab step: every token's df equals its postings (scanned). */
static bs_status vocab_df_cb(void *ctx, const char *tok, size_t len)
{
    bs_txn *t = ((void **)ctx)[0];
    size_t *sum = ((void **)ctx)[1];
    uint64_t df = 0;
    ck_assert_int_eq(bs_tix_df(t, tok, len, &df), BS_OK);
    ck_assert_uint_gt(df, 0);
    *sum += df;
    sum[1]++;
    return BS_OK;
}

/* Everything the text index holds: every posting, the record of every
 * document that has one, and the totals (which must agree with them:
 * postings, the tokens' document frequencies, the vocabulary). */
static void dump_index(bs_store *s, lines *out)
{
    bs_txn *t = NULL;
    static dump_ctx d;
    memset(&d, 0, sizeof d);
    d.out = out;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_tix_scan(t, "", 0, true, dump_cb, &d), BS_OK);
    for (size_t i = 0; i < d.ndocs; i++) {
        bs_tix_doc rec;
        ck_assert_int_eq(bs_tix_doc_get(t, d.docs[i], &rec), BS_OK);
        lines_add(out, "#%llu %u %u", (unsigned long long)d.docs[i], rec.field, rec.len);
    }
    bs_tix_stats ts;
    ck_assert_int_eq(bs_tix_stat(t, &ts), BS_OK);
    ck_assert_uint_eq(ts.docs, d.ndocs); /* no record without postings */
    ck_assert_uint_eq(ts.postings, d.nposts);
    size_t sums[2] = { 0, 0 };
    void *vctx[2] = { t, sums };
    ck_assert_int_eq(bs_tix_vocab(t, vocab_df_cb, vctx), BS_OK);
    ck_assert_uint_eq(sums[0], d.nposts);
    ck_assert_uint_eq(sums[1], ts.terms);
    lines_add(out, "=%llu docs %llu tokens %llu terms", (unsigned long long)ts.docs,
              (unsigned long long)ts.tokens, (unsigned long long)ts.terms);
    bs_txn_abort(t);
}

typedef struct {
    char tok[64][72];
    unsigned tf[64];
    size_t n, total;
} doc_toks;

static void oracle_tok(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    doc_toks *d = ctx;
    (void)start; (void)end;
    d->total++;
    for (size_t i = 0; i < d->n; i++)
        if (strlen(d->tok[i]) == len && !memcmp(d->tok[i], tok, len)) {
            d->tf[i]++;
            return;
        }
    ck_assert_uint_lt(d->n, 64);
    snprintf(d->tok[d->n], sizeof d->tok[d->n], "%.*s", (int)len, tok);
    d->tf[d->n++] = 1;
}

/* The index the quads call for, computed from scratch: the test data's
 * indexed predicates are rdfs:label (0), dcat:keyword (1), dct:description (2). */
static void oracle_index(bs_store *s, lines *out)
{
    static const char *const preds[3] = { "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/ns/dcat#keyword", "http://purl.org/dc/terms/description" };
    bs_id pid[3] = { 0, 0, 0 };
    bs_txn *t = NULL;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    for (int i = 0; i < 3; i++) {
        bs_term term = bs_term_iri(preds[i], strlen(preds[i]));
        if (bs_dict_lookup(t, &term, &pid[i]) != BS_OK) pid[i] = 0;
    }
    static bs_id lit[MAX_LINES];
    static int field[MAX_LINES];
    size_t nlit = 0;
    bs_iter *it = NULL;
    bs_quad all = { BS_ANY, BS_ANY, BS_ANY, BS_ANY }, q;
    ck_assert_int_eq(bs_iter_new(t, &all, &it), BS_OK);
    while (bs_iter_next(it, &q) == BS_OK) {
        bs_term_kind k = bs_id_kind(q.o);
        int f = -1;
        for (int i = 0; i < 3; i++)
            if (pid[i] && q.p == pid[i]) f = i;
        if (f < 0 || (k != BS_TERM_LITERAL && k != BS_TERM_LANG)) continue;
        size_t j = 0;
        while (j < nlit && lit[j] != q.o) j++;
        if (j == nlit) {
            ck_assert_uint_lt(nlit, MAX_LINES);
            lit[nlit] = q.o;
            field[nlit++] = f;
        } else if (f < field[j]) {
            field[j] = f;
        }
    }
    bs_iter_free(it);
    uint64_t tokens = 0;
    lines terms = { 0 };
    for (size_t i = 0; i < nlit; i++) {
        bs_term term;
        static doc_toks d;
        memset(&d, 0, sizeof d);
        ck_assert_int_eq(bs_dict_get(t, lit[i], &term), BS_OK);
        ck_assert_int_eq(bs_search_tokenize(term.lex, term.lex_len, oracle_tok, &d), BS_OK);
        if (!d.total) continue;
        unsigned dlen = d.total > 255 ? 255 : (unsigned)d.total;
        for (size_t j = 0; j < d.n; j++) {
            lines_add(out, "%s %llu %u %d %u", d.tok[j], (unsigned long long)lit[i],
                      d.tf[j] > 255 ? 255 : d.tf[j], field[i], dlen);
            lines_add(&terms, "%s", d.tok[j]);
        }
        lines_add(out, "#%llu %d %zu", (unsigned long long)lit[i], field[i], d.total);
        tokens += d.total;
    }
    bs_txn_abort(t);
    lines_sort(&terms);
    size_t distinct = 0;
    for (size_t i = 0; i < terms.n; i++) distinct += !i || strcmp(terms.v[i], terms.v[i - 1]);
    lines_free(&terms);
    size_t docs = 0;
    for (size_t i = 0; i < out->n; i++) docs += out->v[i][0] == '#';
    lines_add(out, "=%zu docs %llu tokens %zu terms", docs, (unsigned long long)tokens, distinct);
}

static void expect_exact_index(bs_store *s)
{
    lines got = { 0 }, want = { 0 };
    dump_index(s, &got);
    oracle_index(s, &want);
    lines_eq(&got, &want);
    lines_free(&got);
    lines_free(&want);
}

/* N-Quads of n subjects from seed: labels, keywords, descriptions and an
 * unindexed predicate over a small vocabulary with accents, repeats and
 * typed literals, in two graphs; literals recur across subjects. */
static char *gen_data(unsigned seed, int n, const char *prefix)
{
    static const char *const words[] = { "cathode", "Anode", "electrolyte", "LiFePO4",
        "\xc3\x89lectrode", "electrode", "separator", "cell", "cycling", "capacity", "NMC811",
        "graphite", "impedance", "\xe7\x94\xb5\xe6\xb1\xa0", "state-of-charge", "3.5V" };
    static const char *const preds[] = { RDFS_LABEL, DCAT_KW, DCT_DESC, "<http://x/other>" };
    size_t cap = (size_t)n * 400 + 1, used = 0;
    char *buf = malloc(cap);
    ck_assert_ptr_nonnull(buf);
    for (int i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        int nw = 1 + (int)(seed >> 16) % 6;
        char lit[200] = "";
        for (int w = 0; w < nw; w++) {
            seed = seed * 1103515245u + 12345u;
            size_t l = strlen(lit);
            unsigned r = (seed >> 16) % 20;
            if (r < 16) snprintf(lit + l, sizeof lit - l, "%s%s", w ? " " : "", words[r]);
            else snprintf(lit + l, sizeof lit - l, "%sw%u", w ? " " : "", (seed >> 8) % 4000);
        }
        seed = seed * 1103515245u + 12345u;
        const char *p = preds[(seed >> 16) % 4];
        const char *g = (seed >> 20) % 2 ? "<http://g/1>" : "<http://g/2>";
        const char *tail = (seed >> 22) % 5 == 0 ? "@en" : (seed >> 22) % 5 == 1
            ? "^^<http://www.w3.org/2001/XMLSchema#token>" : "";
        used += (size_t)snprintf(buf + used, cap - used, "<http://x/%s%d> %s \"%s\"%s %s .\n",
                                 prefix, i % 97, p, lit, tail, g);
    }
    return buf;
}

/* Two loads (the second one mixing literals already indexed, some under
 * a better field now, with new ones), then the same on a second store
 * with the early work off, and on a third down the general path: all
 * equal the oracle and each other. */
START_TEST(test_bulk_exact)
{
    lines fast = { 0 }, late = { 0 }, slow = { 0 };
    lines *out[3] = { &fast, &late, &slow };
    setenv("BATTSTORE_SEARCH_FLUSH", "37", 1); /* many flushes */
    for (int pass = 0; pass < 3; pass++) {
        if (pass == 1) setenv("BATTSTORE_SEARCH_NO_EARLY", "1", 1);
        if (pass == 2) {
            unsetenv("BATTSTORE_SEARCH_NO_EARLY");
            setenv("BATTSTORE_SEARCH_SLOW_UPKEEP", "1", 1);
        }
        bs_search *idx = NULL;
        bs_store *s = open_attached(&idx);
        char *a = gen_data(7, 600, "a"), *b = gen_data(8, 900, "b");
        ck_assert_int_eq(bs_fx_load_nq(s, dir, a), BS_OK);
        expect_exact_index(s);
        ck_assert_int_eq(bs_fx_load_nq(s, dir, b), BS_OK);
        expect_exact_index(s);
        ck_assert_int_eq(clear_graph(s, "http://g/1"), BS_OK);
        expect_exact_index(s);
        ck_assert_int_eq(bs_fx_load_nq(s, dir, a), BS_OK);
        expect_exact_index(s);
        ck_assert_uint_gt(tix_stats(s).docs, 50);
        dump_index(s, out[pass]);
        free(a);
        free(b);
        close_attached(s, idx);
        teardown();
        setup();
    }
    unsetenv("BATTSTORE_SEARCH_SLOW_UPKEEP");
    unsetenv("BATTSTORE_SEARCH_FLUSH");
    ck_assert_uint_gt(fast.n, 100);
    lines_eq(&fast, &late);
    lines_eq(&fast, &slow);
    lines_free(&fast);
    lines_free(&late);
    lines_free(&slow);
}
END_TEST

/* Intern a term of the test in a bulk load: IRIs in <>, literals bare. */
static bs_id bulk_term(bs_bulk *b, const char *text)
{
    bs_id id = 0;
    size_t n = strlen(text);
    bs_term t = text[0] == '<' ? bs_term_iri(text + 1, n - 2)
                               : bs_term_literal(text, n, NULL, 0, NULL, 0);
    ck_assert_int_eq(bs_bulk_intern(b, &t, &id), BS_OK);
    return id;
}

static bs_quad bulk_quad(bs_bulk *b, const char *s, const char *p, const char *o)
{
    bs_quad q = { bulk_term(b, s), bulk_term(b, p), bulk_term(b, o), BS_DEFAULT_GRAPH };
    ck_assert_int_eq(bs_bulk_add(b, &q), BS_OK);
    return q;
}

/* One bulk txn, flushing the early batch after each document: a literal
 * is indexed before commit (early on) or not (off); at commit a literal
 * first met under a text predicate and then under a label is a label,
 * one removed after the bulk finish leaves nothing, one indexed by an
 * earlier txn keeps its better field, one already in the store but not
 * indexed is indexed; an aborted bulk txn leaves no trace. */
static void early_case(bool early)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    quad_op(s, "http://x/old", "http://www.w3.org/2000/01/rdf-schema#label", "kept label", true);
    quad_op(s, "http://x/old", "http://x/other", "unindexed before", true);
    bs_txn *t = NULL;
    bs_bulk *b = NULL;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_bulk_new(t, &b), BS_OK);
    bs_quad q1 = bulk_quad(b, "<http://x/a>", "<http://purl.org/dc/terms/description>", "anode binder");
    bs_tix_doc rec;
    ck_assert_int_eq(bs_tix_doc_get(t, q1.o, &rec), early ? BS_OK : BS_NOT_FOUND);
    if (early) ck_assert_int_eq(rec.field, BS_FIELD_TEXT);
    bulk_quad(b, "<http://x/b>", "<http://www.w3.org/2000/01/rdf-schema#label>", "anode binder");
    bs_quad q2 = bulk_quad(b, "<http://x/c>", "<http://www.w3.org/2000/01/rdf-schema#label>",
                           "ephemeral slurry");
    bulk_quad(b, "<http://x/d>", "<http://purl.org/dc/terms/description>", "kept label");
    bulk_quad(b, "<http://x/e>", "<http://www.w3.org/2000/01/rdf-schema#label>", "unindexed before");
    ck_assert_int_eq(bs_bulk_finish(b, NULL), BS_OK);
    bs_bulk_free(b);
    ck_assert_int_eq(bs_quad_remove(t, &q2, NULL), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(probe(s, "binder").field, BS_FIELD_LABEL);
    ck_assert_uint_eq(df_of(s, "ephemeral"), 0);
    ck_assert_int_eq(probe(s, "kept").field, BS_FIELD_LABEL);
    ck_assert_int_eq(probe(s, "unindexed").field, BS_FIELD_LABEL);
    expect_exact_index(s);
    lines before = { 0 }, after = { 0 };
    dump_index(s, &before);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_bulk_new(t, &b), BS_OK);
    q1 = bulk_quad(b, "<http://x/f>", "<http://www.w3.org/2000/01/rdf-schema#label>", "aborted words");
    ck_assert_int_eq(bs_tix_doc_get(t, q1.o, &rec), early ? BS_OK : BS_NOT_FOUND);
    bs_bulk_free(b);
    bs_txn_abort(t);
    dump_index(s, &after);
    lines_eq(&before, &after);
    lines_free(&before);
    lines_free(&after);
    ck_assert_uint_eq(df_of(s, "aborted"), 0);
    expect_exact_index(s);
    close_attached(s, idx);
}

START_TEST(test_bulk_early_decided_at_commit)
{
    setenv("BATTSTORE_SEARCH_FLUSH", "1", 1);
    early_case(true);
    teardown();
    setup();
    setenv("BATTSTORE_SEARCH_NO_EARLY", "1", 1);
    early_case(false);
    unsetenv("BATTSTORE_SEARCH_NO_EARLY");
    unsetenv("BATTSTORE_SEARCH_FLUSH");
}
END_TEST

/* After a bulk load the index is the one bs_search_reindex builds. */
START_TEST(test_bulk_equals_reindex)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    char *a = gen_data(11, 1500, "r");
    ck_assert_int_eq(bs_fx_load_nq(s, dir, a), BS_OK);
    free(a);
    quad_op(s, "http://x/k", "http://www.w3.org/ns/dcat#keyword", "cathode", true);
    lines before = { 0 }, after = { 0 };
    dump_index(s, &before);
    ck_assert_int_eq(bs_store_write(s, reindex_fn, idx), BS_OK);
    dump_index(s, &after);
    lines_eq(&before, &after);
    lines_free(&before);
    lines_free(&after);
    expect_exact_index(s);
    close_attached(s, idx);
}
END_TEST

/* A literal added and removed in one transaction leaves nothing; another
 * one's field changes in the same transaction. */
START_TEST(test_bulk_add_remove_same_txn)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    quad_op(s, "http://x/a", "http://purl.org/dc/terms/description", "anode slurry", true);
    const char *iris[3] = { "http://x/z", "http://www.w3.org/2000/01/rdf-schema#label",
                            "http://x/b" };
    bs_txn *t = NULL;
    bs_id id[3];
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    for (int i = 0; i < 3; i++) {
        bs_term term = bs_term_iri(iris[i], strlen(iris[i]));
        ck_assert_int_eq(bs_dict_intern(t, &term, &id[i]), BS_OK);
    }
    bs_term l1 = bs_term_literal("ephemeral binder", 16, NULL, 0, NULL, 0);
    bs_term l2 = bs_term_literal("anode slurry", 12, NULL, 0, NULL, 0);
    bs_quad q1 = { id[0], id[1], 0, BS_DEFAULT_GRAPH }, q2 = { id[2], id[1], 0, BS_DEFAULT_GRAPH };
    ck_assert_int_eq(bs_dict_intern(t, &l1, &q1.o), BS_OK);
    ck_assert_int_eq(bs_dict_intern(t, &l2, &q2.o), BS_OK);
    ck_assert_int_eq(bs_quad_add(t, &q1, NULL), BS_OK);
    ck_assert_int_eq(bs_quad_add(t, &q2, NULL), BS_OK);
    ck_assert_int_eq(bs_quad_remove(t, &q1, NULL), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_uint_eq(df_of(s, "ephemeral"), 0);
    ck_assert_int_eq(probe(s, "anode").field, BS_FIELD_LABEL);
    expect_exact_index(s);
    close_attached(s, idx);
}
END_TEST

/* Literals interned in one order (under an unindexed predicate) and
 * indexed in another: a batch's postings out of id order, all of them
 * (reversed) or a few (some swapped), sorted at flush; the index is the
 * oracle's in both cases. */
START_TEST(test_bulk_out_of_order)
{
    for (int pass = 0; pass < 2; pass++) {
        bs_search *idx = NULL;
        bs_store *s = open_attached(&idx);
        size_t cap = 400 * 200, used = 0;
        char *buf = malloc(cap);
        ck_assert_ptr_nonnull(buf);
        for (int i = 0; i < 300; i++)
            used += (size_t)snprintf(buf + used, cap - used,
                                     "<http://x/u%d> <http://x/other> \"common word%d\" .\n", i, i);
        for (int k = 0; k < 300; k++) {
            int i = pass == 0 ? 299 - k : (k % 50 == 7 ? k + 1 : k % 50 == 8 ? k - 1 : k);
            used += (size_t)snprintf(buf + used, cap - used,
                                     "<http://x/i%d> " RDFS_LABEL " \"common word%d\" .\n", i, i);
        }
        ck_assert_int_eq(bs_fx_load_nq(s, dir, buf), BS_OK);
        free(buf);
        ck_assert_uint_eq(df_of(s, "common"), 300);
        expect_exact_index(s);
        close_attached(s, idx);
        teardown();
        setup();
    }
}
END_TEST

/* A big load that fails at its end leaves neither quads nor postings,
 * even after several flushes of the index batch. */
START_TEST(test_bulk_failed_load)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    char *a = gen_data(3, 300, "f");
    ck_assert_int_eq(bs_fx_load_nq(s, dir, a), BS_OK);
    free(a);
    uint64_t nq = 0, nq0 = 0;
    bs_txn *t = NULL;
    bs_quad all = { BS_ANY, BS_ANY, BS_ANY, BS_ANY };
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_count(t, &all, &nq0), BS_OK);
    bs_txn_abort(t);
    ck_assert_uint_gt(nq0, 250);
    lines before = { 0 }, after = { 0 };
    dump_index(s, &before);
    char *b = gen_data(4, 1200, "g");
    size_t n = strlen(b);
    char *bad = malloc(n + 64);
    memcpy(bad, b, n);
    strcpy(bad + n, "<http://x/oops> <http://x/p> \"unterminated .\n");
    free(b);
    setenv("BATTSTORE_SEARCH_FLUSH", "50", 1);
    ck_assert_int_ne(bs_fx_load_nq(s, dir, bad), BS_OK);
    unsetenv("BATTSTORE_SEARCH_FLUSH");
    free(bad);
    dump_index(s, &after);
    lines_eq(&before, &after);
    lines_free(&before);
    lines_free(&after);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_count(t, &all, &nq), BS_OK);
    bs_txn_abort(t);
    ck_assert_uint_eq(nq, nq0);
    expect_exact_index(s);
    close_attached(s, idx);
}
END_TEST

/* ---- bs:matches and bs:score --------------------------------------- */

static bool hide_secret(void *ctx, bs_id graph, bs_access level)
{
    (void)ctx; (void)graph;
    return level == BS_ACCESS_PUBLIC;
}

/* Run a SELECT; the rows' first column joined with '|' into out. */
static bs_status select_col(bs_store *s, const char *text, bool restricted, char *out,
                            size_t cap, char **err)
{
    bs_sparql *q = NULL;
    bs_sparql_error perr;
    bs_sparql_cursor *c = NULL;
    bs_sparql_opts opts = { 0 };
    opts.union_default = true;
    if (restricted) opts.visible = hide_secret;
    ck_assert_int_eq(bs_sparql_parse(text, strlen(text), NULL, false, &q, &perr), BS_OK);
    *out = 0;
    *err = NULL;
    bs_status st = bs_sparql_open(s, q, &opts, &c, err);
    const bs_term *const *row;
    while (st == BS_OK && (st = bs_sparql_next(c, &row)) == BS_OK) {
        size_t used = strlen(out);
        snprintf(out + used, cap - used, "%s%.*s", used ? "|" : "",
                 row[0] ? (int)row[0]->lex_len : 1, row[0] ? row[0]->lex : "-");
    }
    if (st != BS_OK && st != BS_END && !*err && c && bs_sparql_cursor_error(c))
        *err = strdup(bs_sparql_cursor_error(c));
    bs_sparql_close(c);
    bs_sparql_free(q);
    return st == BS_END ? BS_OK : st;
}

#define PFX "PREFIX bs: <https://w3id.org/battstore#> " \
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "

START_TEST(test_sparql_matches)
{
    bs_search *idx = NULL;
    bs_store *s = open_attached(&idx);
    ck_assert_int_eq(bs_fx_load_nq(s, dir,
        "<http://x/a> " RDFS_LABEL " \"cathode material\" <http://g/pub> .\n"
        "<http://x/b> " RDFS_LABEL " \"cathode\" <http://g/pub> .\n"
        "<http://x/c> " DCT_DESC " \"a cathode and an anode, cathode first\" <http://g/pub> .\n"
        "<http://x/s> " RDFS_LABEL " \"secret cathode recipe\" <http://g/secret> .\n"), BS_OK);
    bs_txn *t = NULL;
    bs_id g = 0;
    bs_term gt = bs_term_iri("http://g/secret", 15);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_dict_lookup(t, &gt, &g), BS_OK);
    ck_assert_int_eq(bs_graph_set_access(t, g, BS_ACCESS_RESTRICTED), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    char out[1024], *err = NULL;
    /* every match, ranked: the short label first, the description last */
    ck_assert_int_eq(select_col(s, PFX "SELECT ?l { ?l bs:matches \"cathode\" } "
                                "ORDER BY DESC(bs:score(?l, \"cathode\"))", false,
                                out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "cathode|cathode material|secret cathode recipe|"
                          "a cathode and an anode, cathode first");
    free(err);
    /* the restricted graph's literal is never produced */
    ck_assert_int_eq(select_col(s, PFX "SELECT ?l { ?l bs:matches \"cathode\" } ORDER BY ?l",
                                true, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "a cathode and an anode, cathode first|cathode|cathode material");
    free(err);
    ck_assert_int_eq(select_col(s, PFX "SELECT ?l { ?l bs:matches \"secret\" }", true,
                                out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "");
    free(err);
    /* joined with the quads, a bound query variable, prefix search, scores */
    ck_assert_int_eq(select_col(s, PFX "SELECT ?x { VALUES ?q { \"mater*\" } "
                                "?x rdfs:label ?l . ?l bs:matches ?q }", false,
                                out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "http://x/a");
    free(err);
    ck_assert_int_eq(select_col(s, PFX "SELECT (bs:score(?l, \"anode\") > 0 AS ?p) "
                                "{ ?l bs:matches \"anode\" }", false, out, sizeof out, &err),
                     BS_OK);
    ck_assert_str_eq(out, "true");
    free(err);
    ck_assert_int_eq(select_col(s, PFX "SELECT (COUNT(*) AS ?n) { ?l bs:matches \"cathode\" }",
                                true, out, sizeof out, &err), BS_OK);
    ck_assert_str_eq(out, "3");
    free(err);
    /* an unbound query is an error, so is a missing index */
    ck_assert_int_ne(select_col(s, PFX "SELECT ?l { ?l bs:matches ?q }", false, out,
                                sizeof out, &err), BS_OK);
    ck_assert_ptr_nonnull(strstr(err, "query string"));
    free(err);
    close_attached(s, idx);
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_RDONLY, &s), BS_OK);
    ck_assert_int_ne(select_col(s, PFX "SELECT ?l { ?l bs:matches \"cathode\" }", false, out,
                                sizeof out, &err), BS_OK);
    ck_assert_ptr_nonnull(strstr(err, "bs:matches needs the text index"));
    free(err);
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
    tc = tcase_create("maintenance");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_maint_load_drop);
    tcase_add_test(tc, test_maint_field_change);
    tcase_add_test(tc, test_maint_failed_txn);
    tcase_add_test(tc, test_maint_stale_rebuilt);
    tcase_add_test(tc, test_maint_reindex_same);
    tcase_add_test(tc, test_no_search_env);
    suite_add_tcase(s, tc);
    tc = tcase_create("bulk");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_bulk_exact);
    tcase_add_test(tc, test_bulk_equals_reindex);
    tcase_add_test(tc, test_bulk_add_remove_same_txn);
    tcase_add_test(tc, test_bulk_early_decided_at_commit);
    tcase_add_test(tc, test_bulk_failed_load);
    tcase_add_test(tc, test_bulk_out_of_order);
    suite_add_tcase(s, tc);
    tc = tcase_create("sparql");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sparql_matches);
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
