/* SPDX-License-Identifier: MIT
 * Unit tests: SPARQL result writers (JSON, XML, CSV, TSV, table, N-Triples,
 * N-Quads, Turtle, RDF/XML) over hand-made rows, the W3C json-res and
 * csv-tsv-res expectations, errors, and bs_sparql_write() end to end. */
#include "config.h"
#include "sparql/results_int.h"
#include "sparql/sparql.h"
#include "store/store.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef BS_TEST_SHARED
#define BS_TEST_SHARED "../shared"
#endif

#define EX "http://example.org/"

/* ---- a hand-made row source ------------------------------------------- */

typedef struct {
    const bs_term *const *cells; ///< nrows × nvars (NULL = unbound)
    size_t nvars, nrows, i;
    const bs_term *triples;      ///< ntriples × 3
    size_t ntriples;
    bool answer;
    bs_status fail;              ///< returned at row fail_at (when not BS_OK)
    size_t fail_at;
} mock;

static bs_status m_next(void *ctx, const bs_term *const **row)
{
    mock *m = ctx;
    if (m->fail && m->i == m->fail_at) return m->fail;
    if (m->i == m->nrows) return BS_END;
    *row = m->cells + m->i++ * m->nvars;
    return BS_OK;
}

static bs_status m_next_triple(void *ctx, bs_term t[3])
{
    mock *m = ctx;
    if (m->fail && m->i == m->fail_at) return m->fail;
    if (m->i == m->ntriples) return BS_END;
    memcpy(t, m->triples + 3 * m->i++, 3 * sizeof *t);
    return BS_OK;
}

static bs_status m_ask(void *ctx, bool *out)
{
    mock *m = ctx;
    if (m->fail) return m->fail;
    *out = m->answer;
    return BS_OK;
}

static const char *m_error(void *ctx)
{
    mock *m = ctx;
    return m->fail ? "query timed out (mock)" : NULL;
}

/* Run the writer; returns its output (caller frees). */
static char *run_st(mock *m, bs_sparql_form form, const char *const *vars,
                    const char *fmt, bs_status *st, char **err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(out);
    bs_sp_rows src = {form, vars, m->nvars, m_next, m_next_triple, m_ask, m_error, m};
    *st = bs_sp_write_rows(&src, fmt, out, err);
    ck_assert_int_eq(fclose(out), 0);
    return buf;
}

static char *run(mock *m, bs_sparql_form form, const char *const *vars,
                 const char *fmt)
{
    bs_status st;
    char *err = NULL;
    char *s = run_st(m, form, vars, fmt, &st, &err);
    ck_assert_msg(st == BS_OK, "%s: %s", fmt, err ? err : "?");
    ck_assert_ptr_null(err);
    return s;
}

static char *run_select(const char *const *vars, size_t nvars,
                        const bs_term *const *cells, size_t nrows, const char *fmt)
{
    mock m = {.cells = cells, .nvars = nvars, .nrows = nrows};
    return run(&m, BS_SPARQL_SELECT, vars, fmt);
}

static char *run_ask(bool answer, const char *fmt)
{
    mock m = {.answer = answer};
    return run(&m, BS_SPARQL_ASK, NULL, fmt);
}

static char *run_graph(const bs_term *triples, size_t n, const char *fmt)
{
    mock m = {.triples = triples, .ntriples = n};
    return run(&m, BS_SPARQL_CONSTRUCT, NULL, fmt);
}

#define ck_out(got, want)                                                   \
    do {                                                                    \
        char *g_ = (got);                                                   \
        ck_assert_str_eq(g_, (want));                                       \
        free(g_);                                                           \
    } while (0)

/* ---- terms ---------------------------------------------------------------- */

static bs_term iri(const char *s) { return bs_term_iri(s, strlen(s)); }
static bs_term bnode(const char *s) { return bs_term_bnode(s, strlen(s)); }
static bs_term lit(const char *s) { return bs_term_literal(s, strlen(s), NULL, 0, NULL, 0); }
static bs_term lang(const char *s, const char *l)
{
    return bs_term_literal(s, strlen(s), l, strlen(l), NULL, 0);
}
static bs_term typed(const char *s, const char *dt)
{
    return bs_term_literal(s, strlen(s), NULL, 0, dt, strlen(dt));
}

/* Every character some format must escape: " \ \b \t \n \f \r U+0001
 * U+001F DEL U+0000 , < > & ' U+2028 é, and an ill-formed byte. */
static const char special[] = "q\"b\\\b\t\n\f\r\x01\x1f\x7f" "\0" ",<>&'\xe2\x80\xa8\xc3\xa9\xff.";
#define SPECIAL_LEN (sizeof special - 1)

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, n, mem);
    fclose(f);
    fclose(mem);
    return buf;
}

/* A W3C expectation file, or NULL (test skipped) when the suite is not here. */
static char *w3c(const char *rel)
{
    const char *d = getenv("BS_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/w3c-rdf-tests/sparql/sparql11/%s",
             d && *d ? d : BS_TEST_SHARED, rel);
    char *s = slurp(path);
    if (!s) fprintf(stderr, "note: %s not found, comparison skipped\n", path);
    return s;
}

/* Replace every CRLF by LF (the W3C .csv files are stored with LF). */
static char *crlf_to_lf(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++)
        if (!(r[0] == '\r' && r[1] == '\n')) *w++ = *r;
    *w = 0;
    return s;
}


/* The W3C data as rows: data.ttl (json-res, csv-tsv-res 01/02) with a
 * blank node labelled bn, and data2.ttl (csv-tsv-res 03). */
typedef struct {
    bs_term t[8][5];
    const bs_term *cells[8 * 5];
    size_t nrows;
} rows;

static void set_cells(rows *r, size_t nvars, size_t nbound)
{
    for (size_t i = 0; i < r->nrows; i++)
        for (size_t j = 0; j < nvars; j++)
            r->cells[i * nvars + j] = j < nbound ? &r->t[i][j] : NULL;
}

static void data1(rows *r, bool json, const char *bn, bool optional)
{
    static char s[8][32], p[8][32];
    memset(r, 0, sizeof *r);
    r->nrows = 6;
    for (int i = 0; i < 6; i++) {
        int pn = json && i == 2 ? 2 : i + 1;
        snprintf(s[i], sizeof s[i], EX "s%d", i + 1);
        snprintf(p[i], sizeof p[i], EX "p%d", pn);
        r->t[i][0] = iri(s[i]);
        r->t[i][1] = iri(p[i]);
    }
    r->t[0][2] = iri(EX "s2");
    r->t[1][2] = lit("foo");
    r->t[2][2] = typed("bar", BS_XSD_STRING);
    r->t[3][2] = typed("4", BS_XSD "integer");
    r->t[4][2] = json ? typed("5", BS_XSD "decimal") : typed("5.5", BS_XSD "decimal");
    r->t[5][2] = bnode(bn);
    set_cells(r, optional ? 5 : 3, 3);
    if (optional) {
        r->t[0][3] = iri(EX "p2");
        r->t[0][4] = lit("foo");
        r->cells[3] = &r->t[0][3];
        r->cells[4] = &r->t[0][4];
    }
}

static void data2(rows *r)
{
    static char s[8][32], p[8][32];
    memset(r, 0, sizeof *r);
    r->nrows = 7;
    for (int i = 0; i < 7; i++) {
        snprintf(s[i], sizeof s[i], EX "s%d", i + 1);
        snprintf(p[i], sizeof p[i], EX "p%d", i + 1);
        r->t[i][0] = iri(s[i]);
        r->t[i][1] = iri(p[i]);
    }
    r->t[0][2] = typed("1", BS_XSD_STRING);
    r->t[1][2] = typed("2.2", BS_XSD "decimal");
    r->t[2][2] = typed("-3", BS_XSD "negativeInteger");
    r->t[3][2] = typed("4,4", BS_XSD_STRING);
    r->t[4][2] = typed("5,5", EX "myCustomDatatype");
    r->t[5][2] = typed("1.0E6", BS_XSD "double");
    r->t[6][2] = typed("a7", BS_XSD "hexBinary");
    set_cells(r, 3, 3);
}

static const char *const spo[] = {"s", "p", "o"};
static const char *const spo2[] = {"s", "p", "o", "p2", "o2"};

static void expect_file(char *got, const char *rel, bool csv)
{
    char *want = w3c(rel);
    if (want) {
        if (csv) {
            ck_assert_ptr_nonnull(strstr(got, "\r\n"));
            crlf_to_lf(got);
        }
        ck_assert_str_eq(got, want);
    }
    free(want);
    free(got);
}

START_TEST(test_w3c_json)
{
    rows r;
    data1(&r, true, "b0", false);
    expect_file(run_select(spo, 3, r.cells, r.nrows, "json"), "json-res/jsonres01.srj", false);
    data1(&r, true, "b0", true);
    expect_file(run_select(spo2, 5, r.cells, r.nrows, "json"), "json-res/jsonres02.srj", false);
    expect_file(run_ask(true, "json"), "json-res/jsonres03.srj", false);
    expect_file(run_ask(false, "json"), "json-res/jsonres04.srj", false);
}
END_TEST

START_TEST(test_w3c_csv_tsv)
{
    rows r;
    data1(&r, false, "a", false);
    expect_file(run_select(spo, 3, r.cells, r.nrows, "csv"), "csv-tsv-res/csvtsv01.csv", true);
    data1(&r, false, "b0", false);
    expect_file(run_select(spo, 3, r.cells, r.nrows, "tsv"), "csv-tsv-res/csvtsv01.tsv", false);
    data1(&r, false, "a", true);
    expect_file(run_select(spo2, 5, r.cells, r.nrows, "csv"), "csv-tsv-res/csvtsv02.csv", true);
    data1(&r, false, "b0", true);
    expect_file(run_select(spo2, 5, r.cells, r.nrows, "tsv"), "csv-tsv-res/csvtsv02.tsv", false);
    data2(&r);
    expect_file(run_select(spo, 3, r.cells, r.nrows, "csv"), "csv-tsv-res/csvtsv03.csv", true);
    /* csvtsv03.tsv writes the double "1.0E6" as 1.0e6: a different
     * lexical form, so a different RDF term.  battstore keeps the
     * lexical form (1.0E6 is a Turtle DOUBLE token too). */
    char *got = run_select(spo, 3, r.cells, r.nrows, "tsv");
    char *want = w3c("csv-tsv-res/csvtsv03.tsv");
    if (want) {
        char *e = strstr(want, "1.0e6");
        ck_assert_ptr_nonnull(e);
        e[3] = 'E';
        ck_assert_str_eq(got, want);
    }
    free(want);
    free(got);
}
END_TEST

/* ---- JSON ------------------------------------------------------------------ */

START_TEST(test_json_terms)
{
    bs_term t[5] = {lang("chat", "fr"), typed("1", BS_XSD "integer"),
                    bnode("x y"), lit(""), iri(EX "a\"b")};
    const bs_term *cells[] = {&t[0], NULL, &t[1], &t[2], NULL, &t[3], &t[4], NULL, NULL};
    const char *const vars[] = {"a", "b", "c"};
    ck_out(run_select(vars, 3, cells, 3, "json"),
           "{\n  \"head\": {\n    \"vars\": [ \"a\" , \"b\" , \"c\" ]\n  } ,\n"
           "  \"results\": {\n    \"bindings\": [\n"
           "      {\n        \"a\": { \"type\": \"literal\" , \"value\": \"chat\" , \"xml:lang\": \"fr\" } ,\n"
           "        \"c\": { \"datatype\": \"http://www.w3.org/2001/XMLSchema#integer\" , \"type\": \"literal\" , \"value\": \"1\" }\n      } ,\n"
           "      {\n        \"a\": { \"type\": \"bnode\" , \"value\": \"x y\" } ,\n"
           "        \"c\": { \"type\": \"literal\" , \"value\": \"\" }\n      } ,\n"
           "      {\n        \"a\": { \"type\": \"uri\" , \"value\": \"http://example.org/a\\\"b\" }\n      }\n"
           "    ]\n  }\n}\n");
    /* No rows, no variables. */
    ck_out(run_select(vars, 3, cells, 0, "json"),
           "{\n  \"head\": {\n    \"vars\": [ \"a\" , \"b\" , \"c\" ]\n  } ,\n"
           "  \"results\": {\n    \"bindings\": [ ]\n  }\n}\n");
    ck_out(run_select(vars, 0, cells, 1, "json"),
           "{\n  \"head\": {\n    \"vars\": []\n  } ,\n"
           "  \"results\": {\n    \"bindings\": [\n      {}\n    ]\n  }\n}\n");
}
END_TEST

START_TEST(test_json_escape)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    bs_sp_put_json(out, special, SPECIAL_LEN);
    fclose(out);
    ck_assert_str_eq(buf, "q\\\"b\\\\\\u0008\\t\\n\\u000C\\r\\u0001\\u001F\x7f\\u0000"
                          ",<>&'\\u2028\xc3\xa9\xef\xbf\xbd.");
    ck_assert_uint_eq(strlen(buf), len); /* no raw U+0000 */
    free(buf);
}
END_TEST

/* The reference escapes of one ASCII character (the specs' rules, as
 * the escapers before the writers skipped plain bytes by bitmap). */
static void ref_escape(int kind, unsigned c, char *e)
{
    const char *named = NULL;
    if (kind == 0) { /* JSON */
        named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
              : c == '\t' ? "\\t" : NULL;
        if (!named && c < 0x20) { sprintf(e, "\\u%04X", c); return; }
    } else if (kind == 1) { /* XML */
        named = c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '"' ? "&quot;"
              : c == '\t' ? "&#9;" : c == '\n' ? "&#10;" : c == '\r' ? "&#13;"
              : c < 0x20 ? "\xEF\xBF\xBD" : NULL;
    } else if (kind == 2) { /* N-Triples string */
        named = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\t' ? "\\t"
              : c == '\n' ? "\\n" : c == '\f' ? "\\f" : c == '\r' ? "\\r" : NULL;
        if (!named && (c < 0x20 || c == 0x7F)) { sprintf(e, "\\u%04X", c); return; }
    } else if (c <= 0x20 || c == 0x7F || strchr("<>\"{}|^`\\", (int)c)) { /* IRI */
        sprintf(e, "\\u%04X", c);
        return;
    }
    if (named) strcpy(e, named);
    else sprintf(e, "%c", c);
}

/* Every ASCII character between two plain ones, through each writer's
 * escaping: the bytes skipped as plain are exactly the unescaped ones. */
START_TEST(test_escape_every_ascii)
{
    void (*put[4])(FILE *, const char *, size_t) = {bs_sp_put_json, bs_sp_put_xml,
                                                     bs_sp_put_nt_string, bs_sp_put_nt_iri};
    for (int k = 0; k < 4; k++) {
        for (unsigned c = 0; c < 0x80; c++) {
            char in[3] = {'a', (char)c, 'b'}, e[16], want[40];
            char *buf = NULL;
            size_t len = 0;
            FILE *out = open_memstream(&buf, &len);
            put[k](out, in, 3);
            fclose(out);
            ref_escape(k, c, e);
            snprintf(want, sizeof want, k == 3 ? "<a%sb>" : "a%sb", e);
            ck_assert_msg(len == strlen(want) && memcmp(buf, want, len) == 0,
                          "writer %d, character %u: %s", k, c, buf);
            free(buf);
        }
    }
}
END_TEST

/* A TYPED xsd:string term that escaped normalisation is a simple literal. */
START_TEST(test_xsd_string_is_simple)
{
    bs_term t = {BS_TERM_TYPED, "x", 1, BS_XSD_STRING, strlen(BS_XSD_STRING)};
    const bs_term *cells[] = {&t};
    const char *const vars[] = {"v"};
    char *s = run_select(vars, 1, cells, 1, "json");
    ck_assert_ptr_nonnull(strstr(s, "\"v\": { \"type\": \"literal\" , \"value\": \"x\" }"));
    free(s);
    s = run_select(vars, 1, cells, 1, "xml");
    ck_assert_ptr_nonnull(strstr(s, "<binding name=\"v\"><literal>x</literal></binding>"));
    free(s);
    ck_out(run_select(vars, 1, cells, 1, "tsv"), "?v\n\"x\"\n");
}
END_TEST

/* ---- XML ------------------------------------------------------------------- */

START_TEST(test_xml)
{
    bs_term t[4] = {lang("chat", "fr"), typed("1", BS_XSD "integer"), bnode("b1"),
                    bs_term_literal(special, SPECIAL_LEN, NULL, 0, NULL, 0)};
    bs_term u = iri(EX "?a=1&b=<2>");
    const bs_term *cells[] = {&t[0], &t[1], &t[2], NULL, &t[3], &u};
    const char *const vars[] = {"a", "b"};
    ck_out(run_select(vars, 2, cells, 3, "xml"),
           "<?xml version=\"1.0\"?>\n"
           "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n"
           "  <head>\n    <variable name=\"a\"/>\n    <variable name=\"b\"/>\n  </head>\n"
           "  <results>\n"
           "    <result>\n"
           "      <binding name=\"a\"><literal xml:lang=\"fr\">chat</literal></binding>\n"
           "      <binding name=\"b\"><literal datatype=\"http://www.w3.org/2001/XMLSchema#integer\">1</literal></binding>\n"
           "    </result>\n"
           "    <result>\n"
           "      <binding name=\"a\"><bnode>b1</bnode></binding>\n"
           "    </result>\n"
           "    <result>\n"
           "      <binding name=\"a\"><literal>q&quot;b\\\xef\xbf\xbd&#9;&#10;\xef\xbf\xbd&#13;"
           "\xef\xbf\xbd\xef\xbf\xbd\x7f\xef\xbf\xbd,&lt;&gt;&amp;'\xe2\x80\xa8\xc3\xa9\xef\xbf\xbd."
           "</literal></binding>\n"
           "      <binding name=\"b\"><uri>http://example.org/?a=1&amp;b=&lt;2&gt;</uri></binding>\n"
           "    </result>\n"
           "  </results>\n</sparql>\n");
    ck_out(run_select(vars, 2, cells, 0, "xml"),
           "<?xml version=\"1.0\"?>\n"
           "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n"
           "  <head>\n    <variable name=\"a\"/>\n    <variable name=\"b\"/>\n  </head>\n"
           "  <results>\n  </results>\n</sparql>\n");
    ck_out(run_ask(true, "xml"),
           "<?xml version=\"1.0\"?>\n"
           "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n"
           "  <head/>\n  <boolean>true</boolean>\n</sparql>\n");
    ck_out(run_ask(false, "srx"),
           "<?xml version=\"1.0\"?>\n"
           "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n"
           "  <head/>\n  <boolean>false</boolean>\n</sparql>\n");
}
END_TEST

/* ---- CSV / TSV ------------------------------------------------------------------ */

START_TEST(test_csv)
{
    bs_term t[6] = {lit("plain"), lit("a \"quoted\" word"), lit("x,y"),
                    lit("line\nbreak\r"), lang("chat", "fr"), bnode("1-x")};
    bs_term u = typed("12", BS_XSD "integer"), v = iri(EX "a,b");
    const bs_term *cells[] = {&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], NULL, &u, &v};
    const char *const vars[] = {"a", "b", "c"};
    ck_out(run_select(vars, 3, cells, 3, "csv"),
           "a,b,c\r\n"
           "plain,\"a \"\"quoted\"\" word\",\"x,y\"\r\n"
           "\"line\nbreak\r\",chat,_:hx312d78\r\n"
           ",12,\"http://example.org/a,b\"\r\n");
    ck_out(run_ask(true, "csv"), "_askResult\r\ntrue\r\n");
    ck_out(run_ask(false, "csv"), "_askResult\r\nfalse\r\n");
    ck_out(run_select(vars, 3, cells, 0, "csv"), "a,b,c\r\n");
}
END_TEST

START_TEST(test_tsv)
{
    bs_term t[9] = {
        bs_term_literal(special, SPECIAL_LEN, NULL, 0, NULL, 0),
        lang("chat", "fr"),
        typed("5.", BS_XSD "decimal"),     /* not a Turtle DECIMAL */
        typed("-.5", BS_XSD "decimal"),
        typed("+7", BS_XSD "integer"),
        typed("1e-3", BS_XSD "double"),
        typed("1.5", BS_XSD "double"),     /* no exponent: not a DOUBLE */
        typed("true", BS_XSD "boolean"),
        typed("0x", BS_XSD "integer"),
    };
    const bs_term *cells[] = {&t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6],
                              &t[7], &t[8], NULL};
    const char *const vars[] = {"a", "b"};
    ck_out(run_select(vars, 2, cells, 5, "tsv"),
           "?a\t?b\n"
           "\"q\\\"b\\\\\\b\\t\\n\\f\\r\\u0001\\u001F\\u007F\\u0000,<>&'\xe2\x80\xa8\xc3\xa9\xef\xbf\xbd.\""
           "\t\"chat\"@fr\n"
           "\"5.\"^^<http://www.w3.org/2001/XMLSchema#decimal>\t-.5\n"
           "+7\t1e-3\n"
           "\"1.5\"^^<http://www.w3.org/2001/XMLSchema#double>\t\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>\n"
           "\"0x\"^^<http://www.w3.org/2001/XMLSchema#integer>\t\n");
    ck_out(run_ask(true, "tsv"), "?_askResult\ntrue\n");
    ck_out(run_ask(false, "tsv"), "?_askResult\nfalse\n");
}
END_TEST

/* ---- table ---------------------------------------------------------------------- */

START_TEST(test_table)
{
    bs_term t[3] = {iri(EX "a"), lang("\xc3\xa9t\xc3\xa9", "fr"), typed("1", BS_XSD "integer")};
    const bs_term *cells[] = {&t[0], &t[1], NULL, &t[2]};
    const char *const vars[] = {"x", "long_name"};
    ck_out(run_select(vars, 2, cells, 2, "table"),
           "----------------------------------------------------------------------------\n"
           "| x                      | long_name                                       |\n"
           "============================================================================\n"
           "| <http://example.org/a> | \"\xc3\xa9t\xc3\xa9\"@fr                                        |\n"
           "|                        | \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> |\n"
           "----------------------------------------------------------------------------\n");
    ck_out(run_select(vars, 2, cells, 0, "table"),
           "-----------------\n| x | long_name |\n=================\n"
           "-----------------\n");
    ck_out(run_ask(true, "table"), "true\n");
    ck_out(run_ask(false, "table"), "false\n");
}
END_TEST

/* More rows than the table holds back: every row is printed, the later
 * ones streamed with the widths of the first. */
START_TEST(test_table_stream)
{
    enum { N = 2500 };
    static char lex[N][16];
    static bs_term t[N];
    static const bs_term *cells[N];
    for (int i = 0; i < N; i++) {
        snprintf(lex[i], sizeof lex[i], "%d", i);
        t[i] = lit(lex[i]);
        cells[i] = &t[i];
    }
    const char *const vars[] = {"n"};
    char *s = run_select(vars, 1, cells, N, "table");
    size_t lines = 0;
    for (char *p = s; *p; p++) lines += *p == '\n';
    ck_assert_uint_eq(lines, N + 4);
    ck_assert_ptr_nonnull(strstr(s, "\n| \"999\" |\n| \"1000\" |\n"));
    /* Widths from the first 1000 rows ("999" quoted): 2499 overflows. */
    ck_assert_ptr_nonnull(strstr(s, "\n| \"999\" |\n"));
    ck_assert_ptr_nonnull(strstr(s, "\n| \"2499\" |\n---------\n"));
    free(s);
}
END_TEST

/* ---- RDF formats ------------------------------------------------------------------- */

START_TEST(test_ntriples)
{
    bs_term g[] = {
        iri(EX "s"), iri(EX "p"), bs_term_literal(special, SPECIAL_LEN, NULL, 0, NULL, 0),
        bnode("b0"), iri("http://ex/a b<>\"{}|^`\\\x01\xc3\xa9"), typed("x", BS_XSD_STRING),
        bnode("hx1"), iri(EX "p"), lang("chat", "fr-BE"),
        bnode("a-b"), iri(EX "p"), typed("1", BS_XSD "integer"),
    };
    const char *want =
        "<http://example.org/s> <http://example.org/p> "
        "\"q\\\"b\\\\\\b\\t\\n\\f\\r\\u0001\\u001F\\u007F\\u0000,<>&'\xe2\x80\xa8\xc3\xa9\xef\xbf\xbd.\" .\n"
        "_:b0 <http://ex/a\\u0020b\\u003C\\u003E\\u0022\\u007B\\u007D\\u007C\\u005E\\u0060\\u005C\\u0001\xc3\xa9> \"x\" .\n"
        "_:hx687831 <http://example.org/p> \"chat\"@fr-BE .\n"
        "_:hx612d62 <http://example.org/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n";
    ck_out(run_graph(g, 4, "ntriples"), want);
    ck_out(run_graph(g, 4, "nquads"), want);
    ck_out(run_graph(g, 0, "ntriples"), "");
}
END_TEST

START_TEST(test_bnode_labels)
{
    const char *in[] = {"b0", "a_b", "hx1", "1a", "a-b", "", "h", "hx"};
    const char *out[] = {"b0", "a_b", "hx687831", "hx3161", "hx612d62", "hx", "h", "hx6878"};
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        bs_sp_put_bnode(f, in[i], strlen(in[i]), false);
        fclose(f);
        ck_assert_str_eq(buf, out[i]);
        free(buf);
    }
}
END_TEST

START_TEST(test_turtle)
{
    bs_term g[] = {
        iri(EX "s"), iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri(EX "C"),
        iri(EX "s"), iri(EX "p"), typed("4", BS_XSD "integer"),
        iri(EX "s"), iri(EX "p"), typed("4.", BS_XSD "decimal"),
        iri(EX "s"), iri(EX "q"), lit("a\nb"),
        bnode("b0"), iri(EX "p"), iri(EX "s"),
        iri(EX "s"), iri(EX "p"), lang("x", "en"),
    };
    ck_out(run_graph(g, 6, "turtle"),
           "<http://example.org/s> a <http://example.org/C> ;\n"
           "    <http://example.org/p> 4 ,\n"
           "        \"4.\"^^<http://www.w3.org/2001/XMLSchema#decimal> ;\n"
           "    <http://example.org/q> \"a\\nb\" .\n"
           "_:b0 <http://example.org/p> <http://example.org/s> .\n"
           "<http://example.org/s> <http://example.org/p> \"x\"@en .\n");
    ck_out(run_graph(g, 0, NULL), "");
}
END_TEST

START_TEST(test_rdfxml)
{
    bs_term g[] = {
        iri(EX "s"), iri(EX "p"), lit("a<b&c"),
        bnode("1b"), iri(EX "q"), lang("chat", "fr"),
        iri(EX "s"), iri(EX "r"), typed("1", BS_XSD "integer"),
    };
    char *s = run_graph(g, 3, "rdfxml");
    ck_assert_ptr_nonnull(strstr(s, "<rdf:RDF"));
    ck_assert_ptr_nonnull(strstr(s, "a&lt;b&amp;c"));
    ck_assert_ptr_nonnull(strstr(s, "rdf:nodeID=\"hx3162\""));
    ck_assert_ptr_nonnull(strstr(s, "xml:lang=\"fr\""));
    ck_assert_ptr_nonnull(strstr(s, "rdf:datatype=\"http://www.w3.org/2001/XMLSchema#integer\""));
    ck_assert_ptr_nonnull(strstr(s, "</rdf:RDF>"));
    free(s);
}
END_TEST

/* ---- formats, MIME types, errors ---------------------------------------------------- */

START_TEST(test_mime)
{
    static const char *const pairs[][2] = {
        {"json", "application/sparql-results+json"},
        {"xml", "application/sparql-results+xml"},
        {"csv", "text/csv"},
        {"tsv", "text/tab-separated-values"},
        {"turtle", "text/turtle"},
        {"ntriples", "application/n-triples"},
        {"nquads", "application/n-quads"},
        {"rdfxml", "application/rdf+xml"},
        {"table", "text/plain"},
        {"TTL", "text/turtle"},
        {"application/sparql-results+json", "application/sparql-results+json"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++)
        ck_assert_str_eq(bs_sparql_format_mime(pairs[i][0]), pairs[i][1]);
    ck_assert_ptr_null(bs_sparql_format_mime("json-ld"));
    ck_assert_ptr_null(bs_sparql_format_mime(""));
    ck_assert_ptr_null(bs_sparql_format_mime(NULL));
}
END_TEST

START_TEST(test_wrong_format)
{
    mock m = {.nvars = 0};
    bs_status st;
    char *err = NULL;
    char *s = run_st(&m, BS_SPARQL_SELECT, NULL, "turtle", &st, &err);
    ck_assert_int_eq(st, BS_ERR_ARG);
    ck_assert_str_eq(s, "");
    ck_assert_ptr_nonnull(strstr(err, "turtle"));
    free(s); free(err); err = NULL;
    s = run_st(&m, BS_SPARQL_CONSTRUCT, NULL, "csv", &st, &err);
    ck_assert_int_eq(st, BS_ERR_ARG);
    ck_assert_str_eq(s, "");
    free(s); free(err); err = NULL;
    s = run_st(&m, BS_SPARQL_ASK, NULL, "nope", &st, &err);
    ck_assert_int_eq(st, BS_ERR_ARG);
    ck_assert_ptr_nonnull(strstr(err, "unknown"));
    free(s); free(err); err = NULL;
    s = run_st(&m, BS_SPARQL_UPDATE, NULL, NULL, &st, &err);
    ck_assert_int_eq(st, BS_ERR_ARG);
    free(s); free(err);
    /* Defaults: json for SELECT/ASK, turtle for CONSTRUCT. */
    ck_out(run_ask(true, NULL), "{ \n  \"head\" : { } ,\n  \"boolean\" : true\n}\n");
}
END_TEST

/* An error from the source: its status and message; rows already written
 * stay; an error before the first row leaves the output untouched. */
START_TEST(test_source_error)
{
    static const char *const fmts[] = {"json", "xml", "csv", "tsv", "table"};
    bs_term t = lit("v");
    const bs_term *cells[] = {&t, &t, &t};
    const char *const vars[] = {"v"};
    for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++) {
        for (size_t at = 0; at < 2; at++) {
            mock m = {.cells = cells, .nvars = 1, .nrows = 3,
                      .fail = BS_ERR_TIMEOUT, .fail_at = at};
            bs_status st;
            char *err = NULL;
            char *s = run_st(&m, BS_SPARQL_SELECT, vars, fmts[f], &st, &err);
            ck_assert_int_eq(st, BS_ERR_TIMEOUT);
            ck_assert_str_eq(err, "query timed out (mock)");
            if (at == 0) ck_assert_str_eq(s, "");
            else if (strcmp(fmts[f], "table")) ck_assert_ptr_nonnull(strchr(s, 'v'));
            free(s);
            free(err);
        }
        mock m = {.fail = BS_ERR_LIMIT};
        bs_status st;
        char *err = NULL;
        char *s = run_st(&m, BS_SPARQL_ASK, NULL, fmts[f], &st, &err);
        ck_assert_int_eq(st, BS_ERR_LIMIT);
        ck_assert_str_eq(s, "");
        ck_assert_ptr_nonnull(err);
        free(s);
        free(err);
    }
    bs_term g[] = {iri(EX "s"), iri(EX "p"), iri(EX "o")};
    mock m = {.triples = g, .ntriples = 1, .fail = BS_ERR_TIMEOUT, .fail_at = 1};
    bs_status st;
    char *err = NULL;
    char *s = run_st(&m, BS_SPARQL_CONSTRUCT, NULL, "turtle", &st, &err);
    ck_assert_int_eq(st, BS_ERR_TIMEOUT);
    ck_assert_str_eq(s, "<http://example.org/s> <http://example.org/p> <http://example.org/o>");
    free(s);
    free(err);
}
END_TEST

START_TEST(test_io_error)
{
    FILE *out = fopen("/dev/full", "w");
    if (!out) return;
    bs_term t = lit("v");
    const bs_term *cells[] = {&t};
    const char *const vars[] = {"v"};
    mock m = {.cells = cells, .nvars = 1, .nrows = 1};
    bs_sp_rows src = {BS_SPARQL_SELECT, vars, 1, m_next, m_next_triple, m_ask, m_error, &m};
    char *err = NULL;
    ck_assert_int_eq(bs_sp_write_rows(&src, "json", out, &err), BS_ERR_IO);
    ck_assert_ptr_nonnull(err);
    free(err);
    fclose(out);
}
END_TEST

/* ---- end to end: store, parser, cursor, writer ------------------------------------ */

static char dir[256];

static int add_quad(bs_txn *txn, bs_term s, bs_term p, bs_term o)
{
    bs_quad q = {0};
    ck_assert_int_eq(bs_dict_intern(txn, &s, &q.s), BS_OK);
    ck_assert_int_eq(bs_dict_intern(txn, &p, &q.p), BS_OK);
    ck_assert_int_eq(bs_dict_intern(txn, &o, &q.o), BS_OK);
    q.g = BS_DEFAULT_GRAPH;
    bool added;
    ck_assert_int_eq(bs_quad_add(txn, &q, &added), BS_OK);
    return added;
}

static bs_store *e2e_store(void)
{
    strcpy(dir, "/tmp/bs_check_results_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    bs_store *s = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    bs_txn *txn = NULL;
    ck_assert_int_eq(bs_txn_begin(s, true, &txn), BS_OK);
    add_quad(txn, iri(EX "s1"), iri(EX "p"), lit("a \"b\"\n"));
    add_quad(txn, iri(EX "s2"), iri(EX "p"), typed("4", BS_XSD "integer"));
    ck_assert_int_eq(bs_txn_commit(txn), BS_OK);
    return s;
}

static void e2e_cleanup(bs_store *s)
{
    bs_store_close(s);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* Parse and write; NULL when the parser is not there yet (a stub). */
static char *e2e(bs_store *s, const char *query, const char *fmt, bs_status *st)
{
    bs_sparql *q = NULL;
    bs_status ps = bs_sparql_parse(query, strlen(query), NULL, false, &q, NULL);
    if (ps == BS_ERR_UNSUPPORTED) return NULL;
    ck_assert_int_eq(ps, BS_OK);
    char *buf = NULL, *err = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    *st = bs_sparql_write(s, q, NULL, fmt, out, &err);
    fclose(out);
    if (*st == BS_ERR_UNSUPPORTED) { /* the executor is not there yet */
        free(buf);
        buf = NULL;
    }
    free(err);
    bs_sparql_free(q);
    return buf;
}

START_TEST(test_end_to_end)
{
    bs_store *s = e2e_store();
    bs_status st;
    char *out = e2e(s, "SELECT ?s ?o WHERE { ?s <" EX "p> ?o } ORDER BY ?s", "csv", &st);
    if (!out) {
        fprintf(stderr, "note: parser or executor missing, end-to-end test skipped\n");
        e2e_cleanup(s);
        return;
    }
    ck_assert_int_eq(st, BS_OK);
    ck_assert_str_eq(out, "s,o\r\nhttp://example.org/s1,\"a \"\"b\"\"\n\"\r\n"
                          "http://example.org/s2,4\r\n");
    free(out);
    out = e2e(s, "SELECT ?s ?o WHERE { ?s <" EX "p> ?o } ORDER BY ?s", "tsv", &st);
    ck_assert_str_eq(out, "?s\t?o\n<http://example.org/s1>\t\"a \\\"b\\\"\\n\"\n"
                          "<http://example.org/s2>\t4\n");
    free(out);
    out = e2e(s, "ASK { <" EX "s2> ?p 4 }", "json", &st);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "{ \n  \"head\" : { } ,\n  \"boolean\" : true\n}\n");
    free(out);
    out = e2e(s, "CONSTRUCT { ?s <" EX "q> ?o } WHERE { ?s <" EX "p> ?o FILTER(isLiteral(?o) && datatype(?o) = <" BS_XSD "integer>) }", "ntriples", &st);
    ck_assert_ptr_nonnull(out);
    ck_assert_str_eq(out, "<http://example.org/s2> <http://example.org/q> "
                          "\"4\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n");
    free(out);
    /* A format that does not fit: nothing written. */
    out = e2e(s, "ASK {}", "turtle", &st);
    ck_assert_int_eq(st, BS_ERR_ARG);
    ck_assert_str_eq(out, "");
    free(out);
    e2e_cleanup(s);
}
END_TEST

static Suite *results_suite(void)
{
    Suite *s = suite_create("sparql_results");
    TCase *tc = tcase_create("w3c");
    tcase_add_test(tc, test_w3c_json);
    tcase_add_test(tc, test_w3c_csv_tsv);
    suite_add_tcase(s, tc);
    tc = tcase_create("formats");
    tcase_add_test(tc, test_json_terms);
    tcase_add_test(tc, test_json_escape);
    tcase_add_test(tc, test_escape_every_ascii);
    tcase_add_test(tc, test_xsd_string_is_simple);
    tcase_add_test(tc, test_xml);
    tcase_add_test(tc, test_csv);
    tcase_add_test(tc, test_tsv);
    tcase_add_test(tc, test_table);
    tcase_add_test(tc, test_table_stream);
    tcase_add_test(tc, test_ntriples);
    tcase_add_test(tc, test_bnode_labels);
    tcase_add_test(tc, test_turtle);
    tcase_add_test(tc, test_rdfxml);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_add_test(tc, test_mime);
    tcase_add_test(tc, test_wrong_format);
    tcase_add_test(tc, test_source_error);
    tcase_add_test(tc, test_io_error);
    suite_add_tcase(s, tc);
    tc = tcase_create("end_to_end");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_end_to_end);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(results_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
