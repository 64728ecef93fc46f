/* SPDX-License-Identifier: MIT
 * Unit tests: search queries — syntax, BM25, snippets, and on a small
 * store loaded through ingest with the index attached: AND/OR/phrase/
 * prefix/exclusion, class expansion, why, filters, facets, paging,
 * access control, suggest, bs:matches, JSON; the snapshot cache's path
 * against the index seeks' (same JSON), and its invalidation. */
#include "config.h"
#include "search/qres.h"
#include "search/radix.h"
#include "ingest/ingest.h"
#include "sparql/sparql.h"

#include <check.h>
#include <ftw.h>
#include <jansson.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#define EX "http://example.org/"

/* ---- query syntax ----------------------------------------------------- */

static bs_status parse(const char *q, bs_qparsed *p)
{
    bs_status st = bs_qparse(q, p);
    if (st != BS_OK) bs_qparsed_free(p);
    return st;
}

START_TEST(test_parse_accepted)
{
    bs_qparsed p;
    ck_assert_int_eq(parse("Electrode coating", &p), BS_OK);
    ck_assert_uint_eq(p.ngroups, 2);
    ck_assert_str_eq(p.groups[0].alts[0].toks[0], "electrode");
    ck_assert_str_eq(p.groups[0].alts[0].typed, "Electrode");
    bs_qparsed_free(&p);

    ck_assert_int_eq(parse("cycling OR ageing capacity", &p), BS_OK);
    ck_assert_uint_eq(p.ngroups, 2);
    ck_assert_uint_eq(p.groups[0].nalts, 2);
    ck_assert_str_eq(p.groups[0].alts[1].toks[0], "ageing");
    ck_assert_uint_eq(p.groups[1].nalts, 1);
    bs_qparsed_free(&p);

    ck_assert_int_eq(parse("\"half cell\" electro* -anode", &p), BS_OK);
    ck_assert_uint_eq(p.ngroups, 2);
    ck_assert_uint_eq(p.groups[0].alts[0].ntoks, 2);
    ck_assert(!p.groups[0].alts[0].prefix);
    ck_assert_str_eq(p.groups[0].alts[0].typed, "\"half cell\"");
    ck_assert(p.groups[1].alts[0].prefix);
    ck_assert_str_eq(p.groups[1].alts[0].toks[0], "electro");
    ck_assert_uint_eq(p.nnots, 1);
    ck_assert_str_eq(p.nots[0].toks[0], "anode");
    bs_qparsed_free(&p);

    /* a word that folds into several tokens is a phrase */
    ck_assert_int_eq(parse("Li-ion", &p), BS_OK);
    ck_assert_uint_eq(p.ngroups, 1);
    ck_assert_uint_eq(p.groups[0].alts[0].ntoks, 2);
    bs_qparsed_free(&p);

    /* exclusion first, lower-case "or" is a word, punctuation dropped */
    ck_assert_int_eq(parse("-anode cathode or !!", &p), BS_OK);
    ck_assert_uint_eq(p.ngroups, 2);
    ck_assert_uint_eq(p.nnots, 1);
    bs_qparsed_free(&p);
}
END_TEST

START_TEST(test_parse_rejected)
{
    static const char *const bad[] = {
        "", "   ", "\"unbalanced", "a \"b c", "OR", "OR a", "a OR", "a OR OR b",
        "-a", "-a -b", "a OR -b", "-a OR b", "!!", NULL
    };
    for (size_t i = 0; bad[i]; i++) {
        bs_qparsed p;
        ck_assert_msg(parse(bad[i], &p) == BS_ERR_PARSE, "accepted: %s", bad[i]);
    }
    bs_qparsed p;
    ck_assert_int_eq(bs_qparse(NULL, &p), BS_ERR_PARSE);
    bs_qparsed_free(&p);
}
END_TEST

/* ---- BM25 ------------------------------------------------------------- */

START_TEST(test_bm25)
{
    bs_qcorpus c = { .n_docs = 100, .avgdl = 4 };
    /* df 1, tf 1, len = avgdl: idf × 1 × field weight */
    double idf = log(1.0 + (100 - 1 + 0.5) / 1.5);
    ck_assert_double_eq_tol(bs_qbm25(&c, 1, 1, 4, BS_FIELD_TEXT), idf * 1.0, 1e-9);
    ck_assert_double_eq_tol(bs_qbm25(&c, 1, 1, 4, BS_FIELD_LABEL), idf * 3.0, 1e-9);
    ck_assert_double_eq_tol(bs_qbm25(&c, 1, 1, 4, BS_FIELD_KEYWORD), idf * 2.0, 1e-9);
    /* tf 2, len 8: 2 × 2.2 / (2 + 1.2 × (0.25 + 0.75 × 2)) */
    double sat = 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 2.0));
    ck_assert_double_eq_tol(bs_qbm25(&c, 1, 2, 8, BS_FIELD_TEXT), idf * sat, 1e-9);
    /* rarer words weigh more; shorter documents too */
    ck_assert(bs_qbm25(&c, 2, 1, 4, 2) > bs_qbm25(&c, 50, 1, 4, 2));
    ck_assert(bs_qbm25(&c, 5, 1, 2, 2) > bs_qbm25(&c, 5, 1, 12, 2));
    ck_assert(bs_qbm25(&c, 100, 1, 4, 2) > 0);
}
END_TEST

/* ---- snippets --------------------------------------------------------- */

static char *join_spans(const bs_search_span *v, size_t n, size_t *nhits, const char **first_hit)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) len += strlen(v[i].text);
    char *s = calloc(len + 1, 1);
    *nhits = 0;
    *first_hit = NULL;
    for (size_t i = 0; i < n; i++) {
        strcat(s, v[i].text);
        if (v[i].hit) { if (!*nhits) *first_hit = v[i].text; (*nhits)++; }
    }
    return s;
}

START_TEST(test_snippet)
{
    bs_qparsed p;
    ck_assert_int_eq(parse("electrode", &p), BS_OK);
    const char *short_text = "A positive Electrode, and another electrode.";
    bs_search_span *v;
    size_t n, nh;
    const char *fh;
    ck_assert_int_eq(bs_qsnippet(short_text, strlen(short_text), &p, 160, &v, &n), BS_OK);
    char *all = join_spans(v, n, &nh, &fh);
    ck_assert_str_eq(all, short_text);
    ck_assert_uint_eq(nh, 2);
    ck_assert_str_eq(fh, "Electrode");
    free(all);
    bs_qspans_free(v, n);

    /* long text: a window around the first match, cut at words, marked */
    char text[2048] = "";
    for (int i = 0; i < 30; i++) strcat(text, "filler words here ");
    strcat(text, "the Electrode sits ");
    for (int i = 0; i < 30; i++) strcat(text, "more filler text ");
    ck_assert_int_eq(bs_qsnippet(text, strlen(text), &p, 160, &v, &n), BS_OK);
    all = join_spans(v, n, &nh, &fh);
    ck_assert_uint_eq(nh, 1);
    ck_assert_str_eq(fh, "Electrode");
    ck_assert(strlen(all) <= 160 + 2 * strlen("\u2026"));
    ck_assert(strlen(all) > 100);
    ck_assert(!strncmp(all, "\u2026", strlen("\u2026")));
    ck_assert(!strcmp(all + strlen(all) - strlen("\u2026"), "\u2026"));
    ck_assert_ptr_nonnull(strstr(all, "the Electrode sits"));
    size_t el = strlen("\u2026");
    char *mid = strndup(all + el, strlen(all) - 2 * el);
    ck_assert_ptr_nonnull(strstr(text, mid)); /* a piece of the text, unchanged */
    ck_assert(mid[0] != ' ' && mid[strlen(mid) - 1] != ' '); /* cut at words */
    free(mid);
    free(all);
    bs_qspans_free(v, n);
    bs_qparsed_free(&p);

    /* prefix and phrase tokens are highlighted */
    ck_assert_int_eq(parse("coat* \"thickness map\"", &p), BS_OK);
    const char *t2 = "Coating thickness map of coated foils";
    ck_assert_int_eq(bs_qsnippet(t2, strlen(t2), &p, 160, &v, &n), BS_OK);
    all = join_spans(v, n, &nh, &fh);
    ck_assert_str_eq(all, t2);
    ck_assert_uint_eq(nh, 4); /* Coating, thickness, map, coated */
    free(all);
    bs_qspans_free(v, n);
    bs_qparsed_free(&p);
}
END_TEST

/* ---- a small store ---------------------------------------------------- */

static char dir[256];
static bs_store *store;
static bs_search *idx;
static bs_id secret_graph;

static const char *const public_ttl =
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix dct: <http://purl.org/dc/terms/> .\n"
    "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
    "@prefix dmp: <https://w3id.org/battstore/bigmap-dmp#> .\n"
    "@prefix ex: <" EX "> .\n"
    /* Electrode > PositiveElectrode > CathodeLayer; Terminal ≡ Electrode */
    "ex:Electrode a owl:Class ; skos:prefLabel \"Electrode\"@en .\n"
    "ex:PositiveElectrode a owl:Class ; rdfs:subClassOf ex:Electrode ;\n"
    "  skos:prefLabel \"PositiveElectrode\"@en .\n"
    "ex:CathodeLayer a owl:Class ; rdfs:subClassOf ex:PositiveElectrode ;\n"
    "  skos:prefLabel \"CathodeLayer\"@en .\n"
    "ex:Terminal a owl:Class ; owl:equivalentClass ex:Electrode ;\n"
    "  skos:prefLabel \"Terminal\"@en .\n"
    "ex:Loop1 rdfs:subClassOf ex:Loop2 ; rdfs:label \"Loopy\" .\n"
    "ex:Loop2 rdfs:subClassOf ex:Loop1 .\n"
    "ex:LoopData a dcat:Dataset ; dmp:about ex:Loop2 ; dct:title \"Plain record\" .\n"
    "dmp:SizeTB rdfs:label \"TB\"@en .\n"
    "ex:d1 a dcat:Dataset ; dct:title \"Electrode coating thickness\"@en ;\n"
    "  dmp:producedBy dmp:WP3 ; dct:format \".hdf5\" ; dmp:sizeClass dmp:SizeTB .\n"
    "ex:d2 a dcat:Dataset ; dct:title \"Cycling data\"@en ;\n"
    "  dct:description \"Capacity fade of the electrode during long cycling at high rate\"@en ;\n"
    "  dmp:producedBy dmp:WP4 ; dct:format \".csv\" .\n"
    "ex:d3 a dcat:Dataset ; dct:title \"Layer images\"@en ; dmp:about ex:CathodeLayer ;\n"
    "  dcat:keyword \"coating\" ; dmp:producedBy dmp:WP3 ; dct:format \".tiff\" .\n"
    "ex:d4 a dcat:Dataset ; dct:title \"Misc numbers\"@en ; dcat:theme ex:Terminal ;\n"
    "  dmp:producedBy dmp:WP4 .\n"
    "ex:d5 a ex:PositiveElectrode ; rdfs:label \"Sample five\" .\n"
    "ex:d6 a dcat:Dataset ; dct:title \"Thickness survey\"@en ;\n"
    "  dct:description \"Common words common words common words\"@en .\n"
    "ex:d7 a dcat:Dataset ; dct:title \"Common thickness\"@en .\n"
    "ex:d8 a dcat:Dataset ; dct:title \"Common notes\"@en ; dct:description \"zebra\"@en .\n"
    "ex:d9 dct:description \"Rare quokka sighting\"@en .\n"
    "ex:d10 dct:description \"Common sighting\"@en .\n";

static const char *const secret_ttl =
    "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
    "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    "@prefix dct: <http://purl.org/dc/terms/> .\n"
    "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
    "@prefix dmp: <https://w3id.org/battstore/bigmap-dmp#> .\n"
    "@prefix ex: <" EX "> .\n"
    "ex:secret a dcat:Dataset ; dct:title \"Secret electrode study\"@en ;\n"
    "  dmp:producedBy dmp:WP9 ; dct:format \".secret\" .\n"
    "ex:SecretClass a owl:Class ; skos:prefLabel \"Electroporation\"@en .\n"
    "ex:d2 dmp:producedBy dmp:WP11 .\n";

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)flag; (void)f;
    return remove(p);
}

static void load_text(const char *text, const char *graph)
{
    char path[300];
    snprintf(path, sizeof path, "%s.ttl", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    const char *paths[] = { path };
    bs_load_opts o = { .graph_iri = graph };
    bs_load_report rep = { 0 };
    ck_assert_int_eq(bs_load_files(store, paths, 1, &o, &rep), BS_OK);
    bs_load_report_free(&rep);
    unlink(path);
}

static bs_status set_restricted(bs_txn *txn, void *ctx)
{
    (void)ctx;
    bs_term t = bs_term_iri(EX "g/secret", strlen(EX "g/secret"));
    bs_status st = bs_dict_lookup(txn, &t, &secret_graph);
    if (st == BS_OK) st = bs_graph_set_access(txn, secret_graph, BS_ACCESS_RESTRICTED);
    return st;
}

static void setup(void)
{
    strcpy(dir, "/tmp/bs_check_squery_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    strcat(dir, "/store");
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &store), BS_OK);
    ck_assert_int_eq(bs_search_attach(store, NULL, &idx), BS_OK);
    ck_assert_ptr_nonnull(idx);
    load_text(public_ttl, EX "g/public");
    load_text(secret_ttl, EX "g/secret");
    ck_assert_int_eq(bs_store_write(store, set_restricted, NULL), BS_OK);
}

static void teardown(void)
{
    bs_search_detach(idx);
    bs_store_close(store);
    char *slash = strrchr(dir, '/');
    *slash = 0;
    nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static bool public_only(void *ctx, bs_id g, bs_access level)
{
    (void)ctx; (void)g;
    return level == BS_ACCESS_PUBLIC;
}

/* Run q (public only unless all) and return the result. */
static bs_search_result *search(bs_search_query *q, bool all)
{
    bs_txn *txn;
    bs_search_result *r = NULL;
    if (!all) q->visible = public_only;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    bs_status st = bs_search_run(idx, txn, q, &r);
    bs_txn_abort(txn);
    ck_assert_msg(st == BS_OK, "%s: %s", q->q, bs_strerror(st));
    return r;
}

static bs_search_result *find(const char *text)
{
    bs_search_query q = { .q = text, .limit = 100 };
    return search(&q, false);
}

/* Rank (0-based) of the hit with IRI EX name, or -1. */
static int rank_of(const bs_search_result *r, const char *name)
{
    for (size_t i = 0; i < r->nhits; i++)
        if (!strncmp(r->hits[i].iri, EX, strlen(EX)) && !strcmp(r->hits[i].iri + strlen(EX), name))
            return (int)i;
    return -1;
}

static const bs_search_hit *hit_of(const bs_search_result *r, const char *name)
{
    int i = rank_of(r, name);
    return i < 0 ? NULL : &r->hits[i];
}

/* ---- searches ---------------------------------------------------------- */

START_TEST(test_ranking)
{
    bs_search_result *r = find("electrode");
    /* the class itself and d1 (title: label field) before d2 (description) */
    ck_assert_int_ge(rank_of(r, "d1"), 0);
    ck_assert_int_ge(rank_of(r, "d2"), 0);
    ck_assert_int_lt(rank_of(r, "d1"), rank_of(r, "d2"));
    ck_assert_int_eq(rank_of(r, "Electrode"), 0); /* short label, label field */
    for (size_t i = 1; i < r->nhits; i++) ck_assert(r->hits[i - 1].score >= r->hits[i].score);
    ck_assert(r->total_exact);
    bs_search_result_free(r);

    /* BM25 prefers the rarer word: "quokka" (1 literal) over "common" (5),
     * both in descriptions */
    r = find("common OR quokka");
    ck_assert_int_ge(rank_of(r, "d9"), 0);
    ck_assert_int_ge(rank_of(r, "d10"), 0);
    ck_assert_int_lt(rank_of(r, "d9"), rank_of(r, "d10"));
    bs_search_result_free(r);
}
END_TEST

START_TEST(test_operators)
{
    /* AND across literals of one resource: title has electrode, keyword coating */
    bs_search_result *r = find("electrode coating");
    ck_assert_int_ge(rank_of(r, "d1"), 0);
    ck_assert_int_ge(rank_of(r, "d3"), 0); /* coating keyword + expansion */
    ck_assert_int_lt(rank_of(r, "d2"), 0);
    bs_search_result_free(r);

    r = find("cycling OR thickness");
    ck_assert_int_ge(rank_of(r, "d1"), 0);
    ck_assert_int_ge(rank_of(r, "d2"), 0);
    ck_assert_int_lt(rank_of(r, "d3"), 0);
    bs_search_result_free(r);

    r = find("\"coating thickness\"");
    ck_assert_uint_eq(r->total, 1);
    ck_assert_int_eq(rank_of(r, "d1"), 0);
    bs_search_result_free(r);
    r = find("\"thickness coating\"");
    ck_assert_uint_eq(r->total, 0);
    bs_search_result_free(r);

    r = find("coat*");
    ck_assert_uint_eq(r->total, 2);
    ck_assert_int_ge(rank_of(r, "d1"), 0);
    ck_assert_int_ge(rank_of(r, "d3"), 0);
    bs_search_result_free(r);

    r = find("thickness -coating");
    ck_assert_int_lt(rank_of(r, "d1"), 0);
    ck_assert_int_ge(rank_of(r, "d6"), 0);
    ck_assert_int_ge(rank_of(r, "d7"), 0);
    bs_search_result_free(r);

    /* malformed → BS_ERR_PARSE */
    bs_txn *txn;
    bs_search_result *bad = NULL;
    bs_search_query q = { .q = "\"open" };
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    ck_assert_int_eq(bs_search_run(idx, txn, &q, &bad), BS_ERR_PARSE);
    ck_assert_ptr_null(bad);
    bs_txn_abort(txn);
}
END_TEST

static const bs_search_why *why_class(const bs_search_hit *h, const char *cls)
{
    for (size_t i = 0; h && i < h->nwhy; i++)
        if (h->why[i].class_iri && !strcmp(h->why[i].class_iri, cls)) return &h->why[i];
    return NULL;
}

START_TEST(test_expansion)
{
    bs_search_result *r = find("electrode");
    /* d3 about CathodeLayer (two levels below), d4 themed Terminal
     * (equivalent), d5 typed PositiveElectrode: all below direct hits */
    const char *expanded[] = { "d3", "d4", "d5" };
    for (size_t i = 0; i < 3; i++) {
        const bs_search_hit *h = hit_of(r, expanded[i]);
        ck_assert_msg(h != NULL, "%s not found", expanded[i]);
        ck_assert_int_gt(rank_of(r, expanded[i]), rank_of(r, "d1"));
    }
    const bs_search_why *w = why_class(hit_of(r, "d3"), EX "Electrode");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->word, "electrode");
    ck_assert_str_eq(w->class_label, "Electrode");
    ck_assert_str_eq(w->via, BS_DMP "about");
    w = why_class(hit_of(r, "d4"), EX "Electrode");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->via, BS_DCAT "theme");
    w = why_class(hit_of(r, "d5"), EX "Electrode");
    ck_assert_ptr_nonnull(w);
    ck_assert_str_eq(w->via, BS_RDF "type");
    /* a direct hit says which field and predicate */
    const bs_search_hit *d2 = hit_of(r, "d2");
    ck_assert_uint_eq(d2->nwhy, 1);
    ck_assert_int_eq(d2->why[0].field, BS_FIELD_TEXT);
    ck_assert_str_eq(d2->why[0].pred, BS_DCT "description");
    ck_assert_ptr_null(d2->why[0].class_iri);
    bs_search_result_free(r);

    /* cycles in subClassOf are harmless */
    r = find("loopy");
    ck_assert_int_ge(rank_of(r, "LoopData"), 0);
    bs_search_result_free(r);

    bs_search_query q = { .q = "electrode", .limit = 100, .no_expand = true };
    r = search(&q, false);
    ck_assert_int_lt(rank_of(r, "d3"), 0);
    ck_assert_int_lt(rank_of(r, "d4"), 0);
    ck_assert_int_ge(rank_of(r, "d1"), 0);
    bs_search_result_free(r);
}
END_TEST

static const bs_search_facet_value *facet(const bs_search_result *r, int f, const char *label)
{
    for (size_t i = 0; i < r->nfacets[f]; i++)
        if (!strcmp(r->facets[f][i].label, label)) return &r->facets[f][i];
    return NULL;
}

START_TEST(test_filters_facets)
{
    bs_search_query q = { .q = "electrode", .limit = 100, .wp = "WP3" };
    bs_search_result *r = search(&q, false);
    ck_assert_uint_eq(r->total, 2);
    ck_assert_int_ge(rank_of(r, "d1"), 0);
    ck_assert_int_ge(rank_of(r, "d3"), 0);
    bs_search_result_free(r);

    q = (bs_search_query){ .q = "electrode", .limit = 100, .format = ".hdf5" };
    r = search(&q, false);
    ck_assert_uint_eq(r->total, 1);
    bs_search_result_free(r);
    q = (bs_search_query){ .q = "electrode", .limit = 100, .size = "TB" };
    r = search(&q, false);
    ck_assert_uint_eq(r->total, 1);
    ck_assert_int_eq(rank_of(r, "d1"), 0);
    bs_search_result_free(r);
    q = (bs_search_query){ .q = "electrode", .limit = 100, .type = EX "Electrode" };
    r = search(&q, false);
    ck_assert_uint_eq(r->total, 1); /* d5, typed with a subclass */
    ck_assert_int_eq(rank_of(r, "d5"), 0);
    bs_search_result_free(r);
    q = (bs_search_query){ .q = "electrode", .wp = "WP99" };
    r = search(&q, false);
    ck_assert_uint_eq(r->total, 0);
    bs_search_result_free(r);

    /* facets over all hits, not only the page */
    q = (bs_search_query){ .q = "electrode", .limit = 1 };
    r = search(&q, false);
    ck_assert_uint_eq(r->nhits, 1);
    const bs_search_facet_value *wp3 = facet(r, BS_FACET_WP, "WP3");
    const bs_search_facet_value *wp4 = facet(r, BS_FACET_WP, "WP4");
    ck_assert_ptr_nonnull(wp3);
    ck_assert_ptr_nonnull(wp4);
    ck_assert_uint_eq(wp3->count, 2);
    ck_assert_uint_eq(wp4->count, 2);
    ck_assert_str_eq(wp3->value, BS_DMP "WP3");
    ck_assert_ptr_nonnull(facet(r, BS_FACET_SIZE, "TB"));
    ck_assert_ptr_nonnull(facet(r, BS_FACET_FORMAT, ".hdf5"));
    const bs_search_facet_value *pub = facet(r, BS_FACET_ACCESS, "public");
    ck_assert_ptr_nonnull(pub);
    ck_assert_uint_eq(pub->count, r->total);
    for (int f = 0; f < BS_NFACETS; f++)
        for (size_t i = 1; i < r->nfacets[f]; i++)
            ck_assert(r->facets[f][i - 1].count >= r->facets[f][i].count);
    bs_search_result_free(r);
}
END_TEST

START_TEST(test_paging)
{
    bs_search_result *all = find("electrode");
    ck_assert_uint_ge(all->total, 6);
    ck_assert_uint_eq(all->nhits, all->total);
    size_t seen = 0;
    for (size_t off = 0; off < all->total; off += 2) {
        bs_search_query q = { .q = "electrode", .limit = 2, .offset = off };
        bs_search_result *r = search(&q, false);
        ck_assert_uint_eq(r->total, all->total);
        for (size_t i = 0; i < r->nhits; i++)
            ck_assert_str_eq(r->hits[i].iri, all->hits[off + i].iri);
        seen += r->nhits;
        bs_search_result_free(r);
    }
    ck_assert_uint_eq(seen, all->total);
    bs_search_query q = { .q = "electrode", .offset = 1000 };
    bs_search_result *r = search(&q, false);
    ck_assert_uint_eq(r->nhits, 0);
    ck_assert_uint_eq(r->total, all->total);
    bs_search_result_free(r);
    bs_search_result_free(all);
}
END_TEST

START_TEST(test_access)
{
    bs_search_query q = { .q = "electrode", .limit = 100 };
    bs_search_result *pub = search(&q, false);
    ck_assert_int_lt(rank_of(pub, "secret"), 0);
    ck_assert_ptr_null(facet(pub, BS_FACET_WP, "WP9"));
    ck_assert_ptr_null(facet(pub, BS_FACET_WP, "WP11")); /* d2's restricted quad */
    ck_assert_ptr_null(facet(pub, BS_FACET_FORMAT, ".secret"));
    ck_assert_ptr_null(facet(pub, BS_FACET_ACCESS, "restricted"));
    bs_search_query q2 = { .q = "electrode", .limit = 100 };
    bs_search_result *all = search(&q2, true);
    ck_assert_int_ge(rank_of(all, "secret"), 0);
    ck_assert_uint_eq(all->total, pub->total + 1);
    ck_assert_ptr_nonnull(facet(all, BS_FACET_WP, "WP9"));
    ck_assert_ptr_nonnull(facet(all, BS_FACET_ACCESS, "restricted"));
    bs_search_result_free(pub);
    bs_search_result_free(all);

    bs_search_query q3 = { .q = "secret" };
    pub = search(&q3, false);
    ck_assert_uint_eq(pub->total, 0);
    ck_assert_uint_eq(pub->nfacets[BS_FACET_WP], 0);
    bs_search_result_free(pub);
    bs_search_query q4 = { .q = "electrode", .access = "restricted" };
    pub = search(&q4, false);
    ck_assert_uint_eq(pub->total, 0);
    bs_search_result_free(pub);
}
END_TEST

static bs_search_suggestion *suggest(const char *prefix, bool all, size_t *n)
{
    bs_txn *txn;
    bs_search_suggestion *v = NULL;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    ck_assert_int_eq(bs_search_suggest(idx, txn, prefix, 10, all ? NULL : public_only, NULL,
                                       &v, n), BS_OK);
    bs_txn_abort(txn);
    return v;
}

START_TEST(test_suggest)
{
    size_t n;
    bs_search_suggestion *v = suggest("elec", false, &n);
    ck_assert_uint_ge(n, 2);
    ck_assert_str_eq(v[0].label, "Electrode"); /* a class, one token */
    ck_assert_str_eq(v[0].iri, EX "Electrode");
    ck_assert_str_eq(v[0].type, BS_OWL "Class");
    bool has_title = false;
    for (size_t i = 0; i < n; i++) {
        ck_assert(strcmp(v[i].label, "Electroporation")); /* restricted */
        has_title = has_title || !strcmp(v[i].label, "Electrode coating thickness");
        for (size_t j = 0; j < i; j++) ck_assert(strcmp(v[i].label, v[j].label)); /* distinct */
    }
    ck_assert(has_title);
    bs_search_suggestions_free(v, n);

    v = suggest("elec", true, &n);
    bool secret = false;
    for (size_t i = 0; i < n; i++) secret = secret || !strcmp(v[i].label, "Electroporation");
    ck_assert(secret);
    bs_search_suggestions_free(v, n);

    /* earlier words whole, the last a prefix */
    v = suggest("electrode coa", false, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(v[0].label, "Electrode coating thickness");
    bs_search_suggestions_free(v, n);
    v = suggest("electr coa", false, &n);
    ck_assert_uint_eq(n, 0);
    bs_search_suggestions_free(v, n);
}
END_TEST

typedef struct {
    bs_id last;
    size_t n;
    bool ascending;
} match_ctx;

static bs_status on_match(void *ctx, bs_id lit, double score)
{
    match_ctx *m = ctx;
    if (lit <= m->last || !(score > 0)) m->ascending = false;
    m->last = lit;
    m->n++;
    return BS_OK;
}

START_TEST(test_match)
{
    bs_txn *txn;
    match_ctx m = { 0, 0, true };
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    /* literal level: "electrode" titles, description, label; secret too */
    ck_assert_int_eq(bs_search_match(idx, txn, "electrode", on_match, &m), BS_OK);
    ck_assert(m.ascending);
    ck_assert_uint_eq(m.n, 4);
    m = (match_ctx){ 0, 0, true };
    ck_assert_int_eq(bs_search_match(idx, txn, "electrode coating", on_match, &m), BS_OK);
    ck_assert_uint_eq(m.n, 1);
    ck_assert_int_eq(bs_search_match(idx, txn, "OR", on_match, &m), BS_ERR_PARSE);
    bs_txn_abort(txn);
}
END_TEST

/* Each literal's score is BM25 of its own tf, length and field (the
 * scores are memoised per token by (tf, field, length): literals that
 * differ in one of them only must not share one). */
typedef struct {
    bs_id lit[8];
    double score[8];
    size_t n;
} score_ctx;

static bs_status on_score(void *ctx, bs_id lit, double score)
{
    score_ctx *c = ctx;
    if (c->n < 8) { c->lit[c->n] = lit; c->score[c->n++] = score; }
    return BS_OK;
}

START_TEST(test_match_scores)
{
    load_text("@prefix dct: <http://purl.org/dc/terms/> .\n"
              "<" EX "z1> dct:description \"zircon a b c\"@en .\n"
              "<" EX "z2> dct:description \"zircon zircon b c\"@en .\n"
              "<" EX "z3> dct:title \"zircon x y z\"@en .\n"
              "<" EX "z4> dct:description \"zircon a b c d e\"@en .\n", EX "g/public");
    const struct { const char *text; unsigned tf, len, field; } want[] = {
        { "zircon a b c", 1, 4, BS_FIELD_TEXT }, { "zircon zircon b c", 2, 4, BS_FIELD_TEXT },
        { "zircon x y z", 1, 4, BS_FIELD_LABEL }, { "zircon a b c d e", 1, 6, BS_FIELD_TEXT },
    };
    bs_txn *txn;
    score_ctx m = { 0 };
    bs_qcorpus c;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    ck_assert_int_eq(bs_qcorpus_get(txn, &c), BS_OK);
    ck_assert_int_eq(bs_search_match(idx, txn, "zircon", on_score, &m), BS_OK);
    ck_assert_uint_eq(m.n, 4);
    for (size_t i = 0; i < 4; i++) {
        bs_term t = bs_term_literal(want[i].text, strlen(want[i].text), "en", 2, NULL, 0);
        bs_id id;
        ck_assert_int_eq(bs_dict_lookup(txn, &t, &id), BS_OK);
        size_t k = 0;
        while (k < m.n && m.lit[k] != id) k++;
        ck_assert_uint_lt(k, m.n);
        float exp = (float)bs_qbm25(&c, 4, want[i].tf, want[i].len, want[i].field);
        ck_assert_msg((float)m.score[k] == exp, "%s: %g, want %g", want[i].text, m.score[k], exp);
    }
    bs_txn_abort(txn);
}
END_TEST

START_TEST(test_json)
{
    bs_search_query q = { .q = "electrode coating", .limit = 5 };
    bs_search_result *r = search(&q, false);
    char *s = bs_search_result_json(r, &q);
    json_error_t err;
    json_t *j = json_loads(s, 0, &err);
    ck_assert_ptr_nonnull(j);
    ck_assert_str_eq(json_string_value(json_object_get(j, "q")), "electrode coating");
    ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), (json_int_t)r->total);
    ck_assert(json_is_true(json_object_get(j, "total_exact")));
    ck_assert_int_eq(json_integer_value(json_object_get(j, "limit")), 5);
    json_t *hits = json_object_get(j, "hits");
    ck_assert_uint_eq(json_array_size(hits), r->nhits);
    json_t *h0 = json_array_get(hits, 0);
    ck_assert_str_eq(json_string_value(json_object_get(h0, "iri")), r->hits[0].iri);
    ck_assert(json_is_array(json_object_get(h0, "snippet")));
    ck_assert(json_is_array(json_object_get(h0, "why")));
    json_t *w0 = json_array_get(json_object_get(h0, "why"), 0);
    ck_assert_ptr_nonnull(json_object_get(w0, "kind"));
    json_t *f = json_object_get(j, "facets");
    for (int i = 0; i < BS_NFACETS; i++)
        ck_assert(json_is_array(json_object_get(f, bs_search_facet_names[i])));
    json_decref(j);
    free(s);
    bs_search_result_free(r);

    bs_search_suggestion sg = { "Electrode", EX "Electrode", NULL };
    s = bs_search_suggest_json("elec", &sg, 1);
    j = json_loads(s, 0, &err);
    ck_assert_ptr_nonnull(j);
    json_t *a = json_object_get(j, "suggestions");
    ck_assert_uint_eq(json_array_size(a), 1);
    ck_assert(json_is_null(json_object_get(json_array_get(a, 0), "type")));
    json_decref(j);
    free(s);
}
END_TEST

/* ---- the snapshot cache (qcache.c, qfast.c) ---------------------------- */

/* q's JSON (took_ms zeroed) with the cache off or on. */
static char *result_json(const bs_search_query *q0, bool all, int mode)
{
    bs_search_query q = *q0;
    bs_qcache_set_mode(mode);
    bs_search_result *r = search(&q, all);
    r->ms = 0;
    char *s = bs_search_result_json(r, &q);
    bs_search_result_free(r);
    ck_assert_ptr_nonnull(s);
    return s;
}

static void same_both_ways(const bs_search_query *q, bool all)
{
    char *slow = result_json(q, all, BS_QCACHE_OFF);
    char *fast = result_json(q, all, BS_QCACHE_SYNC);
    size_t d = 0;   /* the first difference, with some context */
    while (slow[d] && slow[d] == fast[d]) d++;
    size_t from = d > 200 ? d - 200 : 0;
    ck_assert_msg(!strcmp(slow, fast), "%s (all %d, limit %zu, offset %zu):\nseeks %.400s\ncache %.400s",
                  q->q, all, q->limit, q->offset, slow + from, fast + from);
    free(slow);
    free(fast);
}

START_TEST(test_cache_same)
{
    static const char *const qs[] = {
        "electrode", "electro*", "coating", "electrode coating", "common", "common -zebra",
        "\"common words\"", "thickness OR cycling", "loopy", "terminal", "sighting", "secret",
        "cathodelayer electrode", "electrode -coating", "positiveelectrode", "c*", NULL
    };
    for (size_t i = 0; qs[i]; i++)
        for (int all = 0; all < 2; all++) {
            bs_search_query q = { .q = qs[i], .limit = 100 };
            same_both_ways(&q, all);
            bs_search_query q2 = { .q = qs[i], .limit = 2, .offset = 1, .no_expand = true };
            same_both_ways(&q2, all);
        }
    const bs_search_query fq[] = {
        { .q = "electrode", .type = EX "Electrode" }, { .q = "electrode", .wp = "WP3" },
        { .q = "coating OR electrode", .format = ".hdf5" }, { .q = "electrode", .size = "TB" },
        { .q = "electrode", .access = "public" }, { .q = "electrode", .access = "restricted" },
        { .q = "electrode", .wp = "WP9" }, { .q = "electrode", .no_facets = true },
    };
    for (size_t i = 0; i < sizeof fq / sizeof *fq; i++)
        for (int all = 0; all < 2; all++) same_both_ways(&fq[i], all);
}
END_TEST

/* Generated data for the comparisons below: many datasets whose words
 * share prefixes (electr* spans 12 tokens), equal titles (ties in
 * score), a keyword literal shared by many subjects, a sixth of them in
 * the restricted graph, public subjects with a restricted matching
 * literal (the least graph decides their access level), and links to
 * the fixture's classes. */
#define GEN_N 240

static const char *const gen_sfx[] = {
    "ode", "olyte", "ochemical", "on", "ostatic", "oplating",
    "olysis", "ochromic", "omagnet", "onics", "ophoresis", "oweld"
};

static char *gen_ttl(bool secret)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    fputs("@prefix dct: <http://purl.org/dc/terms/> .\n"
          "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
          "@prefix dmp: <https://w3id.org/battstore/bigmap-dmp#> .\n"
          "@prefix ex: <" EX "> .\n", f);
    /* classes a word's expansion must not name: through a description
     * (not a label), a label of seven tokens, a label only the
     * restricted graph holds; and one it must: a label of six tokens */
    if (!secret)
        fputs("@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
              "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
              "ex:CDesc a owl:Class ; dct:description \"electrolysis guide\"@en .\n"
              "ex:CSix a owl:Class ; rdfs:label \"one two three four five electrolysis\"@en .\n"
              "ex:CSeven a owl:Class ; rdfs:label \"one two three four five six electrolysis\"@en .\n"
              "ex:CHid a owl:Class .\n"
              "ex:gw1 dmp:about ex:CDesc ; dct:title \"first linked thing\"@en .\n"
              "ex:gw2 dmp:about ex:CSix ; dct:title \"second linked thing\"@en .\n"
              "ex:gw3 dmp:about ex:CSeven ; dct:title \"third linked thing\"@en .\n"
              "ex:gw4 dmp:about ex:CHid ; dct:title \"fourth linked thing\"@en .\n", f);
    else
        fputs("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
              "ex:CHid rdfs:label \"electrolysis\"@en .\n", f);
    for (int i = 0; i < GEN_N; i++) {
        const char *w = gen_sfx[i % 12], *w2 = gen_sfx[(i / 12) % 12];
        if (secret && i % 10 == 3)
            fprintf(f, "ex:gd%d dct:description \"Hidden electr%s remark\"@en .\n", i, w);
        /* no facet quads, in either graph: public and restricted resources
         * of one (empty) profile */
        if (i % 8 == (secret ? 1 : 2))
            fprintf(f, "ex:gx%d dct:title \"electr%s extra\"@en .\n", i, w);
        /* a weak direct match (one word in a long text) below its class
         * expansion's score: the page's best match must still be the
         * direct one (the dense page pass may skip no literal here) */
        if (!secret && i % 9 == 4)
            fprintf(f, "ex:gy%d dmp:about ex:Electrode ; dct:description \"Long notes %d on "
                       "many things such as cells, cycling, ageing, temperature, packs, modules, "
                       "and an electrode%s\"@en .\n", i, i, i % 2 ? "" : " electrolysis");
        /* one subject in both graphs, matched by two tokens of a prefix:
         * the restricted one scores higher (a short literal), so its best
         * match and least graph depend on the role (the token lists keep
         * each graph apart) */
        if (i % 10 == 7)
            fprintf(f, "ex:gz%d dct:%s \"electr%s%s\"@en .\n", i, secret ? "title" : "description",
                    secret ? w2 : w, secret ? "" : " zone of many more words than the other");
        /* two literals of one token, subject, graph and score: the best
         * match is the least literal */
        if (!secret && i % 12 == 5)
            fprintf(f, "ex:gt%d dct:title \"electr%s alpha %d\"@en, \"electr%s beta %d\"@en .\n",
                    i, w2, i, w2, i);
        if (secret != (i % 6 == 5)) continue;
        fprintf(f, "ex:gd%d a dcat:Dataset ; dmp:producedBy dmp:WP%d ; dct:format \".f%d\"", i,
                i % 4 + 1, i % 3);
        switch (i % 4) {
        case 0: fprintf(f, " ; dct:title \"electr%s cell\"@en", w); break;
        case 1: fprintf(f, " ; dct:title \"Study of electr%s and electr%s materials\"@en", w, w2); break;
        case 2: fprintf(f, " ; dct:title \"electr%s\"@en", w); break;
        default:
            fprintf(f, " ; dct:title \"A long title about electr%s with many other words %d\"@en",
                    w, i);
        }
        if (i % 3 == 0)
            fprintf(f, " ; dct:description \"Notes on electr%s cycling electr%s\"@en", w, w);
        if (i % 5 == 0) fprintf(f, " ; dcat:keyword \"electr%s\"", w);
        if (i % 7 == 0) fputs(" ; dmp:sizeClass dmp:SizeTB", f);
        if (i % 11 == 0) fputs(" ; dmp:about ex:Electrode", f);
        if (i % 13 == 0) fputs(" ; a ex:PositiveElectrode", f);
        fputs(" .\n", f);
    }
    fclose(f);
    return buf;
}

/* The seek path must be exact on this data for the comparison to mean
 * anything (its budget is 2,000 subjects). */
static void same_exact_both_ways(const bs_search_query *q, bool all)
{
    bs_search_query c = *q;
    bs_qcache_set_mode(BS_QCACHE_OFF);
    bs_search_result *r = search(&c, all);
    ck_assert_msg(r->total_exact, "%s: the seek path estimated", q->q);
    bs_search_result_free(r);
    same_both_ways(q, all);
}

/* Memory the token lists of the current snapshot's cache hold. */
static size_t tok_bytes_now(void)
{
    bs_txn *txn;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    bs_qcache_set_mode(BS_QCACHE_SYNC);
    bs_qcache *qc = bs_qcache_acquire(idx, txn);
    ck_assert_ptr_nonnull(qc);
    size_t n = bs_qtok_bytes(qc, NULL);
    bs_qcache_release(qc);
    bs_txn_abort(txn);
    return n;
}

START_TEST(test_cache_same_generated)
{
    char *pub = gen_ttl(false), *sec = gen_ttl(true);
    load_text(pub, EX "g/public");
    load_text(sec, EX "g/secret");
    free(pub);
    free(sec);
    bs_qtok_set(true, 3000);   /* the token lists' first pass below: none built before */
    /* restricted data stays invisible without the role, on both paths */
    for (int mode = 0; mode < 2; mode++) {
        bs_qcache_set_mode(mode ? BS_QCACHE_SYNC : BS_QCACHE_OFF);
        bs_search_result *r = find("hidden");
        ck_assert_uint_eq(r->total, 0);
        bs_search_result_free(r);
        bs_search_query q = { .q = "hidden", .limit = 100 };
        r = search(&q, true);
        ck_assert_uint_eq(r->total, GEN_N / 10);
        bs_search_result_free(r);
        r = find("electr* -hidden");
        ck_assert_uint_eq(r->nfacets[BS_FACET_ACCESS], 1);
        ck_assert_str_eq(r->facets[BS_FACET_ACCESS][0].value, "public");
        ck_assert_uint_eq(r->facets[BS_FACET_ACCESS][0].count, r->total);
        for (size_t i = 0; i < r->nhits; i++) {
            int n = -1;
            if (sscanf(r->hits[i].iri, EX "gd%d", &n) == 1) ck_assert_int_ne(n % 6, 5);
        }
        bs_search_result_free(r);
    }
    static const char *const qs[] = {
        "electrow*", "electr*", "electro*", "el*", "e*", "electrode", "electrolyte cycling",
        "electr* cycling", "electrode OR electrolyte", "\"study of\"", "\"electrode cell\"",
        "electr* -cell", "cycling -electrode", "electrode materials", "notes", "cell",
        "electrolysis OR electrode cell", "positiveelectrode", "electrode electr*",
        "hidden", "remark electr*", "\"electr* cell\"", "study OR notes electr*",
        "electr* cycling notes", "study electr* materials -cell", "a b c d",
        "electr* cycl*", "electro* hidden", "remark* -electrode electr*", "electrolysis",
        "electrolysis linked", NULL
    };
    const struct { size_t limit, offset; bool no_expand; } pages[] = {
        { 10, 0, false }, { 7, 5, false }, { 3, 200, false }, { 1000, 0, false },
        { 1, 0, false }, { 4, 12, true }, { 25, 30, false },
    };
    /* queries of one or two groups take the dense path (qfast.c), others
     * the candidate records; both are compared, the records for all; a
     * lone prefix on the dense path reads its tokens' lists (qtok.c), or
     * its postings with the lists off or past their memory cap */
    for (int pass = 0; pass < 4; pass++) {
        bs_qfast_set_dense(pass < 3);
        /* a small memory cap first: electrow*'s list fits, electro*'s other
         * lists not, so electro* falls back with some of its lists built */
        bs_qtok_set(pass < 2, pass == 0 ? 3000 : 0);
        if (pass == 1) ck_assert_uint_gt(tok_bytes_now(), 0);
        if (pass == 1) ck_assert_uint_le(tok_bytes_now(), 3000);
        if (pass == 2) ck_assert_uint_gt(tok_bytes_now(), 3000);   /* the lists answered */
        for (size_t i = 0; qs[i]; i++)
            for (size_t k = 0; k < sizeof pages / sizeof *pages; k++)
                for (int all = 0; all < 2; all++) {
                    bs_search_query q = { .q = qs[i], .limit = pages[k].limit,
                                          .offset = pages[k].offset,
                                          .no_expand = pages[k].no_expand };
                    same_exact_both_ways(&q, all);
                }
    }
    bs_qfast_set_dense(true);
    bs_qtok_set(true, 0);
    const bs_search_query fq[] = {
        { .q = "electr*", .wp = "WP2" }, { .q = "electr*", .format = ".f1", .limit = 50 },
        { .q = "electr*", .access = "restricted" }, { .q = "electro*", .access = "public" },
        { .q = "electrode", .type = "http://www.w3.org/ns/dcat#Dataset", .offset = 3 },
        { .q = "electr*", .size = "TB", .limit = 5, .offset = 2 },
        { .q = "electr*", .no_facets = true, .limit = 3, .offset = 40 },
        { .q = "electrode", .type = EX "Electrode" },
    };
    for (size_t i = 0; i < sizeof fq / sizeof *fq; i++)
        for (int all = 0; all < 2; all++) same_exact_both_ways(&fq[i], all);
}
END_TEST

/* Threads searching prefixes that share tokens on one fresh cache: each
 * token's list is built once, under the token state's lock, while other
 * threads wait for it or read the lists already built (under ASan or
 * TSan: no use after free, no race), and every answer is the seek
 * path's. */
#define TOK_THREADS 4
static const char *const tok_qs[] = { "electr*", "electro*", "el*", "e*", "electrol*", "h*" };
#define TOK_NQ (sizeof tok_qs / sizeof *tok_qs)
static char *tok_want[TOK_NQ][2];
static pthread_barrier_t tok_start;   /* every thread builds e*'s lists at once */

/* The JSON of q (no ck_assert: it runs in threads); NULL on failure. */
static char *json_of(const char *text, bool all)
{
    bs_search_query q = { .q = text, .limit = 7, .offset = 2 };
    bs_search_result *r = NULL;
    bs_txn *txn;
    if (!all) q.visible = public_only;
    if (bs_txn_begin(store, false, &txn) != BS_OK) return NULL;
    bs_status st = bs_search_run(idx, txn, &q, &r);
    bs_txn_abort(txn);
    if (st != BS_OK) return NULL;
    r->ms = 0;
    char *j = bs_search_result_json(r, &q);
    bs_search_result_free(r);
    return j;
}

static void *tok_thread(void *arg)
{
    size_t k = (size_t)(uintptr_t)arg, bad = 0;
    pthread_barrier_wait(&tok_start);
    for (size_t i = 0; i < 3 * TOK_NQ; i++) {
        size_t qi = i ? (i + k) % TOK_NQ : 3;   /* first e*, in every thread */
        bool all = (i + k) % 2;
        char *j = json_of(tok_qs[qi], all);
        bad += !j || strcmp(j, tok_want[qi][all]);
        free(j);
    }
    return (void *)(uintptr_t)bad;
}

START_TEST(test_tok_threads)
{
    bs_qtok_set(true, 0);
    char *pub = gen_ttl(false), *sec = gen_ttl(true);
    load_text(pub, EX "g/public");
    load_text(sec, EX "g/secret");
    free(pub);
    free(sec);
    bs_qcache_set_mode(BS_QCACHE_OFF);
    for (size_t i = 0; i < TOK_NQ; i++)
        for (int all = 0; all < 2; all++) ck_assert_ptr_nonnull(tok_want[i][all] = json_of(tok_qs[i], all));
    bs_qcache_set_mode(BS_QCACHE_SYNC);
    bs_search_result_free(find("cell OR notes"));   /* the cache, no lists yet (an OR-group) */
    ck_assert_uint_eq(tok_bytes_now(), 0);
    pthread_t th[TOK_THREADS];
    ck_assert_int_eq(pthread_barrier_init(&tok_start, NULL, TOK_THREADS), 0);
    for (size_t i = 0; i < TOK_THREADS; i++)
        ck_assert_int_eq(pthread_create(&th[i], NULL, tok_thread, (void *)(uintptr_t)i), 0);
    size_t bad = 0;
    for (size_t i = 0; i < TOK_THREADS; i++) {
        void *ret;
        pthread_join(th[i], &ret);
        bad += (size_t)(uintptr_t)ret;
    }
    pthread_barrier_destroy(&tok_start);
    ck_assert_uint_eq(bad, 0);
    ck_assert_uint_gt(tok_bytes_now(), 0);
    for (size_t i = 0; i < TOK_NQ; i++)
        for (int all = 0; all < 2; all++) free(tok_want[i][all]);
}
END_TEST

/* A configuration with more indexed predicates than the cache once kept
 * (54: it dropped the rest silently, so the cached path missed what the
 * seek path found): the words of the last ones are found both ways. */
#define MANY_PREDS 70

START_TEST(test_cache_many_preds)
{
    char iris[MANY_PREDS][64];
    const char *pv[MANY_PREDS];
    bs_search_field fv[MANY_PREDS];
    for (int i = 0; i < MANY_PREDS; i++) {
        snprintf(iris[i], sizeof iris[i], EX "p%d", i);
        pv[i] = iris[i];
        fv[i] = i % 2 ? BS_FIELD_LABEL : BS_FIELD_TEXT;
    }
    bs_search_config cfg = { .extra_preds = pv, .extra_fields = fv, .n_extra = MANY_PREDS };
    bs_search_detach(idx);
    ck_assert_int_eq(bs_search_attach(store, &cfg, &idx), BS_OK);
    load_text("<" EX "m1> <" EX "p69> \"zanzibar electrode\"@en .\n"
              "<" EX "m2> <" EX "p55> \"zanzibar\"@en .\n"
              "<" EX "m3> <" EX "p0> \"zanzibar notes\"@en .\n", EX "g/public");
    const char *const qs[] = { "zanzibar", "zanzibar electrode", "zanz*", "electrode" };
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        for (int all = 0; all < 2; all++) {
            bs_search_query q = { .q = qs[i], .limit = 20 };
            same_exact_both_ways(&q, all);
        }
    bs_qcache_set_mode(BS_QCACHE_SYNC);
    bs_search_result *r = find("zanzibar");
    ck_assert_uint_eq(r->total, 3);
    bs_search_result_free(r);
    bs_qcache_stats cs;
    bs_qcache_stats_get(idx, &cs);
    ck_assert_uint_gt(cs.hits, 0);   /* the cached path answered */
}
END_TEST

static bs_status set_access(bs_txn *txn, void *ctx)
{
    return bs_graph_set_access(txn, secret_graph, *(bs_access *)ctx);
}

static uint64_t total_of(const char *text, bool all, const char *wp_facet, bool *has_facet)
{
    bs_search_query q = { .q = text, .limit = 100 };
    bs_search_result *r = search(&q, all);
    uint64_t n = r->total;
    ck_assert(r->total_exact);
    if (has_facet) *has_facet = facet(r, BS_FACET_WP, wp_facet) != NULL;
    bs_search_result_free(r);
    return n;
}

START_TEST(test_cache_invalidation)
{
    bs_qcache_set_mode(BS_QCACHE_SYNC);
    bs_txn *txn;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    bs_qcache *qc = bs_qcache_acquire(idx, txn);
    ck_assert_ptr_nonnull(qc);
    ck_assert_uint_eq(qc->txnid, bs_qcache_txnid(txn));
    ck_assert_uint_gt(qc->nsubj, 10);
    uint64_t first = qc->txnid;
    bs_qcache_release(qc);
    bs_txn_abort(txn);
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 1);

    /* a load: the new snapshot's cache has the new literal */
    load_text("@prefix dct: <http://purl.org/dc/terms/> .\n"
              "<" EX "d11> dct:title \"Quokka census\"@en .\n", EX "g/public");
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 2);
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    qc = bs_qcache_acquire(idx, txn);
    ck_assert_ptr_nonnull(qc);
    ck_assert_uint_gt(qc->txnid, first);
    bs_qcache_release(qc);
    bs_txn_abort(txn);

    /* --set-access: the secret graph made public, then restricted again */
    bool wp9;
    ck_assert_uint_eq(total_of("secret", false, "WP9", &wp9), 0);
    ck_assert(!wp9);
    bs_access lv = BS_ACCESS_PUBLIC;
    ck_assert_int_eq(bs_store_write(store, set_access, &lv), BS_OK);
    ck_assert_uint_eq(total_of("secret", false, "WP9", &wp9), 1);
    ck_assert(wp9);
    ck_assert_uint_eq(total_of("electrode", false, "WP9", &wp9),
                      total_of("electrode", true, NULL, NULL));
    ck_assert(wp9);
    lv = BS_ACCESS_RESTRICTED;
    ck_assert_int_eq(bs_store_write(store, set_access, &lv), BS_OK);
    ck_assert_uint_eq(total_of("secret", false, "WP9", &wp9), 0);
    ck_assert(!wp9);
    ck_assert_uint_eq(total_of("electrode", false, "WP9", &wp9) + 1,
                      total_of("electrode", true, NULL, NULL));
    ck_assert(!wp9);
}
END_TEST

static void setup_cached(void)
{
    setup();
    bs_qcache_set_mode(BS_QCACHE_SYNC);
}

static uint64_t snapshot_now(void)
{
    bs_txn *txn;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    uint64_t id = bs_txn_id(txn);
    bs_txn_abort(txn);
    return id;
}

/* q's JSON (took_ms zeroed) in the current mode. */
static char *json_now(const char *text, bool all)
{
    bs_search_query q = { .q = text, .limit = 100 };
    bs_search_result *r = search(&q, all);
    r->ms = 0;
    char *j = bs_search_result_json(r, &q);
    bs_search_result_free(r);
    ck_assert_ptr_nonnull(j);
    return j;
}

/* The background build (mode ON): a search that finds no cache for its
 * snapshot answers by seeks and starts the build; once built, the cache
 * serves the searches of that snapshot with the same JSON; after a write
 * the next search answers the new data at once (the old cache is dropped,
 * not used) while the new build runs. */
START_TEST(test_cache_background)
{
    static const char *const qs[] = { "electrode", "quokka", "electro*", "common -zebra", NULL };
    bs_qcache_stats a, b;
    bs_qcache_set_mode(BS_QCACHE_ON);
    bs_qcache_stats_get(idx, &a);
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 1);
    bs_qcache_stats_get(idx, &b);
    ck_assert_uint_eq(b.misses, a.misses + 1);
    ck_assert_uint_eq(b.builds, a.builds + 1);
    bs_qcache_wait(idx);
    bs_qcache_stats_get(idx, &b);
    ck_assert(!b.building);
    ck_assert_uint_eq(b.built, a.built + 1);
    ck_assert_uint_eq(b.txnid, snapshot_now());
    for (size_t i = 0; qs[i]; i++)
        for (int all = 0; all < 2; all++) {
            bs_qcache_set_mode(BS_QCACHE_OFF);
            char *slow = json_now(qs[i], all);
            bs_qcache_set_mode(BS_QCACHE_ON);
            bs_qcache_stats_get(idx, &a);
            char *fast = json_now(qs[i], all);
            bs_qcache_stats_get(idx, &b);
            ck_assert_uint_eq(b.hits, a.hits + 1);         /* the cache answered */
            ck_assert_str_eq(slow, fast);
            free(slow);
            free(fast);
        }

    /* a write; the next build is held back: searches go the seek path */
    bs_qcache_set_build_delay(300);
    uint64_t before = b.txnid;
    load_text("@prefix dct: <http://purl.org/dc/terms/> .\n"
              "<" EX "d11> dct:title \"Quokka census\"@en .\n", EX "g/public");
    bs_qcache_stats_get(idx, &a);
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 2);
    bs_qcache_stats_get(idx, &b);
    ck_assert_uint_eq(b.hits, a.hits);
    ck_assert_uint_eq(b.misses, a.misses + 1);
    ck_assert_uint_eq(b.builds, a.builds + 1);
    ck_assert(b.building);
    ck_assert_uint_eq(b.txnid, 0);              /* the stale cache left the slot */
    ck_assert_uint_eq(total_of("quokka", true, NULL, NULL), 2);
    bs_qcache_stats_get(idx, &a);
    ck_assert_uint_eq(a.builds, b.builds);      /* one build at a time */
    bs_qcache_wait(idx);
    bs_qcache_stats_get(idx, &b);
    ck_assert_uint_gt(b.txnid, before);
    ck_assert_uint_eq(b.txnid, snapshot_now());
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 2);
    bs_qcache_stats_get(idx, &a);
    ck_assert_uint_eq(a.hits, b.hits + 1);
    bs_qcache_set_build_delay(0);
}
END_TEST

/* A handle detached while its build runs: the builder is stopped and
 * joined (no leak, no use after free under ASan/valgrind). */
START_TEST(test_cache_detach_while_building)
{
    bs_qcache_stats st;
    bs_qcache_set_mode(BS_QCACHE_ON);
    bs_qcache_set_build_delay(60000);
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 1);
    bs_qcache_stats_get(idx, &st);
    ck_assert(st.building);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bs_search_detach(idx);
    idx = NULL;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_int_lt(t1.tv_sec - t0.tv_sec, 5);     /* cancelled, not waited out */
    bs_qcache_set_build_delay(0);

    /* and while it scans: attach again, build without delay, detach */
    ck_assert_int_eq(bs_search_attach(store, NULL, &idx), BS_OK);
    ck_assert_uint_eq(total_of("quokka", false, NULL, NULL), 1);
    bs_search_detach(idx);
    idx = NULL;
}
END_TEST

static bs_status count_match(void *ctx, bs_id lit, double score)
{
    (void)lit; (void)score;
    ++*(size_t *)ctx;
    return BS_OK;
}

/* Search answers only from an index that is exact for the transaction
 * (bs_search_fresh_in): not in a write transaction (bs:matches in an
 * update's WHERE is refused), not once a write with indexing off left it
 * stale (a handle's usable flag alone would say yes), not after a
 * reindex that was rolled back. */
START_TEST(test_fresh)
{
    bs_txn *txn;
    size_t n = 0;
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    ck_assert(bs_search_fresh_in(idx, txn));
    ck_assert_int_eq(bs_search_match(idx, txn, "electrode", count_match, &n), BS_OK);
    ck_assert_uint_gt(n, 0);
    bs_txn_abort(txn);
    ck_assert_int_eq(bs_txn_begin(store, true, &txn), BS_OK);
    ck_assert(!bs_search_fresh_in(idx, txn));
    ck_assert_int_eq(bs_search_match(idx, txn, "electrode", count_match, &n), BS_ERR_UNSUPPORTED);
    bs_txn_abort(txn);

    /* an update's WHERE with bs:matches */
    const char *u = "PREFIX bs: <https://w3id.org/battstore#> "
                    "INSERT { ?l <" EX "seen> 1 } WHERE { ?l bs:matches \"electrode\" }";
    bs_sparql *sq = NULL;
    bs_sparql_error perr;
    char *err = NULL;
    ck_assert_int_eq(bs_sparql_parse(u, strlen(u), NULL, true, &sq, &perr), BS_OK);
    bs_sparql_opts opts = { 0 };
    ck_assert_int_ne(bs_sparql_update(store, sq, &opts, NULL, NULL, &err), BS_OK);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "cannot be used in an update"));
    free(err);
    bs_sparql_free(sq);

    /* a write this handle does not index: the store records the index stale */
    bs_store_hook_remove(store, "search");
    load_text("@prefix dct: <http://purl.org/dc/terms/> .\n"
              "<" EX "d12> dct:title \"Electrode unindexed\"@en .\n", EX "g/public");
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    ck_assert(!bs_search_fresh_in(idx, txn));
    bs_search_query q = { .q = "electrode" };
    bs_search_result *r = NULL;
    ck_assert_int_eq(bs_search_run(idx, txn, &q, &r), BS_ERR_UNSUPPORTED);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(bs_search_match(idx, txn, "electrode", count_match, &n), BS_ERR_UNSUPPORTED);
    bs_search_suggestion *sv = NULL;
    size_t ns = 0;
    ck_assert_int_eq(bs_search_suggest(idx, txn, "elec", 5, NULL, NULL, &sv, &ns),
                     BS_ERR_UNSUPPORTED);
    bs_txn_abort(txn);

    /* a reindex rolled back leaves it stale */
    ck_assert_int_eq(bs_txn_begin(store, true, &txn), BS_OK);
    ck_assert_int_eq(bs_search_reindex(idx, txn, NULL), BS_OK);
    bs_txn_abort(txn);
    ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
    ck_assert(!bs_search_fresh_in(idx, txn));
    bs_txn_abort(txn);
}
END_TEST

/* The handle's ids are refreshed under its lock by any thread (a search,
 * the cache builder); a query reads its own copy, taken under the lock.
 * Searches racing refreshes give the same answers (and, under TSan, no
 * data race is reported). */
static volatile int race_stop;

static void *refresh_loop(void *arg)
{
    (void)arg;
    while (!race_stop) {
        bs_txn *txn;
        if (bs_txn_begin(store, false, &txn) != BS_OK) break;
        (void)bs_search_ids_refresh(idx, txn);
        bs_txn_abort(txn);
    }
    return NULL;
}

START_TEST(test_ids_race)
{
    bs_qcache_set_mode(BS_QCACHE_SYNC);
    bs_search_result *r0 = find("electrode OR sighting");
    uint64_t want = r0->total;
    bs_search_result_free(r0);
    race_stop = 0;
    pthread_t th;
    ck_assert_int_eq(pthread_create(&th, NULL, refresh_loop, NULL), 0);
    for (int i = 0; i < 60; i++) {
        bs_qcache_set_mode(i % 2 ? BS_QCACHE_SYNC : BS_QCACHE_OFF);
        bs_search_result *r = find("electrode OR sighting");
        ck_assert_uint_eq(r->total, want);
        bs_search_result_free(r);
        bs_txn *txn;
        bs_search_suggestion *v = NULL;
        size_t n = 0;
        ck_assert_int_eq(bs_txn_begin(store, false, &txn), BS_OK);
        ck_assert_int_eq(bs_search_suggest(idx, txn, "elec", 5, NULL, NULL, &v, &n), BS_OK);
        bs_txn_abort(txn);
        ck_assert_uint_gt(n, 0);
        bs_search_suggestions_free(v, n);
    }
    race_stop = 1;
    pthread_join(th, NULL);
}
END_TEST

START_TEST(test_free_null)
{
    bs_search_result_free(NULL);
    bs_search_suggestions_free(NULL, 0);
}
END_TEST

/* search/radix.h against a stable insertion sort: keys differing in one
 * to eight bytes (an odd or even number of passes, the top byte), equal
 * keys in their first order, already sorted and reversed input. */
typedef struct {
    uint64_t key;
    uint32_t seq;
} rx_elem;

BS_RADIX_SORT_BY(rx_sort, rx_elem, key)

START_TEST(test_radix_sort)
{
    enum { N = 1000 };
    static rx_elem v[N], want[N];
    uint64_t r = 88172645463325252u;
    for (int bytes = 1; bytes <= 8; bytes++) {
        for (int shape = 0; shape < 3; shape++) {
            uint64_t mask = bytes == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (8 * bytes)) - 1);
            for (int i = 0; i < N; i++) {
                r ^= r << 13, r ^= r >> 7, r ^= r << 17;
                uint64_t k = shape == 0 ? r % 997 * (mask / 997)
                           : shape == 1 ? (uint64_t)i : (uint64_t)(N - i);
                v[i] = (rx_elem){k & mask, (uint32_t)i};
            }
            memcpy(want, v, sizeof v);
            for (int i = 1; i < N; i++)
                for (int j = i; j > 0 && want[j - 1].key > want[j].key; j--) {
                    rx_elem t = want[j];
                    want[j] = want[j - 1];
                    want[j - 1] = t;
                }
            ck_assert(rx_sort(v, N));
            for (int i = 0; i < N; i++) {
                ck_assert_uint_eq(v[i].key, want[i].key);
                ck_assert_uint_eq(v[i].seq, want[i].seq);
            }
        }
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("search_query");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, test_parse_accepted);
    tcase_add_test(tc, test_parse_rejected);
    tcase_add_test(tc, test_bm25);
    tcase_add_test(tc, test_snippet);
    tcase_add_test(tc, test_free_null);
    tcase_add_test(tc, test_radix_sort);
    suite_add_tcase(s, tc);
    TCase *st = tcase_create("store");
    tcase_add_checked_fixture(st, setup, teardown);
    tcase_set_timeout(st, 60);
    tcase_add_test(st, test_ranking);
    tcase_add_test(st, test_operators);
    tcase_add_test(st, test_expansion);
    tcase_add_test(st, test_filters_facets);
    tcase_add_test(st, test_paging);
    tcase_add_test(st, test_access);
    tcase_add_test(st, test_suggest);
    tcase_add_test(st, test_match);
    tcase_add_test(st, test_match_scores);
    tcase_add_test(st, test_json);
    tcase_add_test(st, test_cache_same);
    tcase_add_test(st, test_cache_same_generated);
    tcase_add_test(st, test_tok_threads);
    tcase_add_test(st, test_cache_many_preds);
    tcase_add_test(st, test_ids_race);
    tcase_add_test(st, test_cache_invalidation);
    tcase_add_test(st, test_cache_background);
    tcase_add_test(st, test_fresh);
    tcase_add_test(st, test_cache_detach_while_building);
    suite_add_tcase(s, st);
    /* the same searches through the snapshot cache */
    TCase *ct = tcase_create("store-cached");
    tcase_add_checked_fixture(ct, setup_cached, teardown);
    tcase_set_timeout(ct, 60);
    tcase_add_test(ct, test_ranking);
    tcase_add_test(ct, test_operators);
    tcase_add_test(ct, test_expansion);
    tcase_add_test(ct, test_filters_facets);
    tcase_add_test(ct, test_paging);
    tcase_add_test(ct, test_access);
    tcase_add_test(ct, test_json);
    suite_add_tcase(s, ct);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
