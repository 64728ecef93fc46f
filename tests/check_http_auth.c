/* SPDX-License-Identifier: MIT
 * Unit tests: the HTTP server's access control — tokens files, the
 * Authorization header (Bearer, Basic), the role × level matrix, the
 * writer check, and multipart/form-data bodies. */
#include "config.h"
#include "http/access.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

/* Write text to a fresh temporary tokens file (its name in path). */
static void write_file(const char *text)
{
    strcpy(path, "/tmp/bs_check_auth_XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static bs_http_tokens *load_ok(const char *text)
{
    bs_http_tokens *t = NULL;
    char *err = NULL;
    write_file(text);
    ck_assert_int_eq(bs_http_tokens_load(path, &t, &err), BS_OK);
    ck_assert_ptr_null(err);
    ck_assert_ptr_nonnull(t);
    unlink(path);
    return t;
}

/* Load text, expect BS_ERR_PARSE and the message "PATH:want". */
static void load_bad(const char *text, const char *want)
{
    bs_http_tokens *t = (bs_http_tokens *)1;
    char *err = NULL, expect[256];
    write_file(text);
    ck_assert_int_eq(bs_http_tokens_load(path, &t, &err), BS_ERR_PARSE);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(err);
    snprintf(expect, sizeof expect, "%s:%s", path, want);
    ck_assert_msg(strncmp(err, expect, strlen(expect)) == 0, "got '%s', want '%s'", err,
                  expect);
    free(err);
    unlink(path);
}

static const char good[] =
    "# battstore tokens\n"
    "\n"
    "r3str1cted reader:restricted\n"
    "  c0nf1dent1al\treader:confidential   # the auditors\n"
    "wr1ter writer\n"
    "a:b:c writer\n";

static bs_role role_of(const bs_http_tokens *t, const char *h, bs_status want_st)
{
    bs_role r = (bs_role)99;
    ck_assert_int_eq(bs_http_role(t, h, &r), want_st);
    if (want_st != BS_OK) ck_assert_int_eq(r, BS_ROLE_ANONYMOUS);
    return r;
}

START_TEST(test_load_good)
{
    bs_http_tokens *t = load_ok(good);
    ck_assert_uint_eq(bs_http_tokens_count(t), 4);
    ck_assert_int_eq(role_of(t, "Bearer r3str1cted", BS_OK), BS_ROLE_RESTRICTED);
    ck_assert_int_eq(role_of(t, "Bearer c0nf1dent1al", BS_OK), BS_ROLE_CONFIDENTIAL);
    ck_assert_int_eq(role_of(t, "Bearer wr1ter", BS_OK), BS_ROLE_WRITER);
    ck_assert_int_eq(role_of(t, "Bearer a:b:c", BS_OK), BS_ROLE_WRITER);
    /* the comment is not a token */
    role_of(t, "Bearer #", BS_ERR_ARG);
    bs_http_tokens_free(t);
    bs_http_tokens_free(NULL);
}
END_TEST

START_TEST(test_load_empty)
{
    bs_http_tokens *t = load_ok("# nobody yet\n\n");
    ck_assert_uint_eq(bs_http_tokens_count(t), 0);
    role_of(t, "Bearer x", BS_ERR_ARG);
    ck_assert_int_eq(role_of(t, NULL, BS_OK), BS_ROLE_ANONYMOUS);
    bs_http_tokens_free(t);
}
END_TEST

START_TEST(test_load_errors)
{
    load_bad("ok writer\n# c\nx admin\n", "3: unknown role 'admin'");
    load_bad("a writer\nb writer\n\na reader:restricted\n",
             "4: duplicate token (first on line 1)");
    load_bad("lonely\n", "1: a token needs a role after it");
    load_bad("t writer extra\n", "1: expected 'TOKEN ROLE'");
    load_bad("t Writer\n", "1: unknown role 'Writer'");
    load_bad("t reader\n", "1: unknown role 'reader'");
    load_bad("t\xc3\xa9 writer\n", "1: a token is printable ASCII");
    bs_http_tokens *t = (bs_http_tokens *)1;
    char *err = NULL;
    ck_assert_int_eq(bs_http_tokens_load("/nonexistent/tokens", &t, &err), BS_ERR_IO);
    ck_assert_ptr_null(t);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/tokens"));
    free(err);
}
END_TEST

START_TEST(test_bearer)
{
    bs_http_tokens *t = load_ok(good);
    ck_assert_int_eq(role_of(t, NULL, BS_OK), BS_ROLE_ANONYMOUS);
    ck_assert_int_eq(role_of(t, "bearer wr1ter", BS_OK), BS_ROLE_WRITER);
    ck_assert_int_eq(role_of(t, "  BEARER   wr1ter  ", BS_OK), BS_ROLE_WRITER);
    role_of(t, "Bearer wr1te", BS_ERR_ARG);    /* a prefix of a token */
    role_of(t, "Bearer wr1terX", BS_ERR_ARG);  /* a token plus more */
    role_of(t, "Bearer WR1TER", BS_ERR_ARG);   /* tokens are case-sensitive */
    role_of(t, "Bearer ", BS_ERR_ARG);
    role_of(t, "Bearer", BS_ERR_ARG);
    role_of(t, "Bearerwr1ter", BS_ERR_ARG);
    role_of(t, "Bearer wr1ter wr1ter", BS_ERR_ARG);
    role_of(t, "Token wr1ter", BS_ERR_ARG);
    role_of(t, "", BS_ERR_ARG);
    role_of(NULL, "Bearer wr1ter", BS_ERR_ARG); /* no tokens file */
    ck_assert_int_eq(role_of(NULL, NULL, BS_OK), BS_ROLE_ANONYMOUS);
    bs_http_tokens_free(t);
}
END_TEST

START_TEST(test_basic)
{
    bs_http_tokens *t = load_ok(good);
    /* alice:wr1ter, :c0nf1dent1al, bob:a:b:c, wr1ter (no colon) */
    ck_assert_int_eq(role_of(t, "Basic YWxpY2U6d3IxdGVy", BS_OK), BS_ROLE_WRITER);
    ck_assert_int_eq(role_of(t, "basic OmMwbmYxZGVudDFhbA==", BS_OK), BS_ROLE_CONFIDENTIAL);
    ck_assert_int_eq(role_of(t, "Basic OmMwbmYxZGVudDFhbA", BS_OK), BS_ROLE_CONFIDENTIAL);
    ck_assert_int_eq(role_of(t, "Basic Ym9iOmE6Yjpj", BS_OK), BS_ROLE_WRITER);
    role_of(t, "Basic d3IxdGVy", BS_ERR_ARG);           /* no user:password */
    role_of(t, "Basic YWxpY2U6d3IxdGV", BS_ERR_ARG);    /* alice:wr1te + junk bits */
    role_of(t, "Basic YWxpY2U6d3Ix!GVy", BS_ERR_ARG);   /* not base64 */
    role_of(t, "Basic YWxpY2U6d3IxdGVyX", BS_ERR_ARG);  /* bad length */
    role_of(t, "Basic YWxpY2U6", BS_ERR_ARG);           /* alice: (empty token) */
    role_of(t, "Basic ", BS_ERR_ARG);
    role_of(t, "Basic YWxpY2U6d3IxdGVy AAAA", BS_ERR_ARG);
    bs_http_tokens_free(t);
}
END_TEST

START_TEST(test_base64)
{
    static const struct {
        const char *in, *out;
    } ok[] = {{"", ""}, {"YQ", "a"}, {"YQ==", "a"}, {"YWI=", "ab"}, {"YWJj", "abc"},
              {"Pz8/Pw", "????"}, {"+/+/", "\xfb\xff\xbf"}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char *d = NULL;
        size_t n = 0;
        ck_assert_int_eq(bs_http_base64_decode(ok[i].in, strlen(ok[i].in), &d, &n), BS_OK);
        ck_assert_uint_eq(n, strlen(ok[i].out));
        ck_assert_mem_eq(d, ok[i].out, n);
        ck_assert_int_eq(d[n], '\0');
        free(d);
    }
    static const char *const bad[] = {"Y", "YR", "YWJ", "Y-Q=", "YQ=a", "Y Q="};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char *d = (char *)1;
        size_t n;
        ck_assert_msg(bs_http_base64_decode(bad[i], strlen(bad[i]), &d, &n) == BS_ERR_PARSE,
                      "'%s' accepted", bad[i]);
        ck_assert_ptr_null(d);
    }
}
END_TEST

START_TEST(test_matrix)
{
    /* rows: roles; columns: public, restricted, confidential */
    static const bool want[4][3] = {
        {true, false, false}, {true, true, false}, {true, true, true}, {true, true, true}};
    for (int r = 0; r < 4; r++)
        for (int a = 0; a < 3; a++) {
            bs_role role = (bs_role)r;
            ck_assert_msg(bs_http_visible(&role, 7, (bs_access)a) == want[r][a],
                          "role %d level %d", r, a);
        }
    bs_role anon = BS_ROLE_ANONYMOUS, conf = BS_ROLE_CONFIDENTIAL;
    ck_assert(!bs_http_visible(&anon, 7, (bs_access)9)); /* an unknown level: hidden */
    ck_assert(bs_http_visible(&conf, 7, (bs_access)9));
    ck_assert_str_eq(bs_http_role_name(BS_ROLE_RESTRICTED), "reader:restricted");
    bs_access a;
    ck_assert(bs_http_access_parse("confidential", &a) && a == BS_ACCESS_CONFIDENTIAL);
    ck_assert(!bs_http_access_parse("secret", &a));
    ck_assert(!bs_http_access_parse("Public", &a));
    ck_assert_str_eq(bs_http_access_name(BS_ACCESS_RESTRICTED), "restricted");
}
END_TEST

START_TEST(test_need_writer)
{
    static const unsigned want[4] = {401, 403, 403, 0};
    for (int r = 0; r < 4; r++) {
        bs_http_req rq;
        bs_http_resp rs;
        memset(&rq, 0, sizeof rq);
        memset(&rs, 0, sizeof rs);
        rq.role = (bs_role)r;
        bs_status st = bs_http_need_writer(&rq, &rs);
        ck_assert_int_eq(st, want[r] ? BS_ERR_ARG : BS_OK);
        ck_assert_uint_eq(rs.status, want[r]);
        free(rs.body);
        for (int i = 0; i < 8 && rs.headers[i][0]; i++) {
            free(rs.headers[i][0]);
            free(rs.headers[i][1]);
        }
    }
}
END_TEST

/* ---- multipart/form-data ---------------------------------------------- */

typedef struct {
    int n;
    char data[4][128];
    char ctype[4][64];
    char file[4][64];
} parts;

static bs_status collect(void *ctx, const bs_http_part *p)
{
    parts *ps = ctx;
    if (ps->n == 4) return BS_ERR_LIMIT;
    snprintf(ps->data[ps->n], 128, "%.*s", (int)p->len, p->data);
    snprintf(ps->ctype[ps->n], 64, "%s", p->ctype ? p->ctype : "-");
    snprintf(ps->file[ps->n], 64, "%s", p->filename ? p->filename : "-");
    ps->n++;
    return BS_OK;
}

START_TEST(test_multipart)
{
    static const char body[] =
        "preamble\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"a\"; filename=\"last.ttl\"\r\n"
        "Content-Type: Text/Turtle; charset=utf-8\r\n"
        "\r\n"
        "<a> <b> \"--XyZ not at a line start\" .\r\n"
        "\r\n"
        "--XyZ\n"
        "content-disposition: form-data; name=b\n"
        "\n"
        "<c> <d> <e> .\n"
        "--XyZ--\r\n";
    parts ps = {0};
    ck_assert_int_eq(bs_http_multipart(body, strlen(body),
                                       "multipart/form-data; boundary=XyZ", collect, &ps),
                     BS_OK);
    ck_assert_int_eq(ps.n, 2);
    ck_assert_str_eq(ps.data[0], "<a> <b> \"--XyZ not at a line start\" .\r\n");
    ck_assert_str_eq(ps.ctype[0], "text/turtle");
    ck_assert_str_eq(ps.file[0], "last.ttl");
    ck_assert_str_eq(ps.data[1], "<c> <d> <e> .");
    ck_assert_str_eq(ps.ctype[1], "-");
    ck_assert_str_eq(ps.file[1], "-");
    /* quoted boundary */
    memset(&ps, 0, sizeof ps);
    ck_assert_int_eq(bs_http_multipart(body + 10, strlen(body) - 10,
                                       "multipart/form-data; charset=x; boundary=\"XyZ\"",
                                       collect, &ps),
                     BS_OK);
    ck_assert_int_eq(ps.n, 2);
}
END_TEST

START_TEST(test_multipart_bad)
{
    parts ps = {0};
    static const char ok[] = "--b\r\n\r\nx\r\n--b--\r\n";
    ck_assert_int_eq(bs_http_multipart(ok, strlen(ok), "multipart/form-data; boundary=b",
                                       collect, &ps), BS_OK);
    ck_assert_int_eq(ps.n, 1);
    ck_assert_str_eq(ps.data[0], "x");
    /* no boundary parameter, another boundary, no closing delimiter, no
     * blank line after the headers, junk after a delimiter */
    ck_assert_int_eq(bs_http_multipart(ok, strlen(ok), "multipart/form-data", collect, &ps),
                     BS_ERR_PARSE);
    ck_assert_int_eq(bs_http_multipart(ok, strlen(ok), "multipart/form-data; boundary=c",
                                       collect, &ps), BS_ERR_PARSE);
    static const char open_end[] = "--b\r\n\r\nx\r\n";
    ck_assert_int_eq(bs_http_multipart(open_end, strlen(open_end),
                                       "multipart/form-data; boundary=b", collect, &ps),
                     BS_ERR_PARSE);
    static const char no_blank[] = "--b\r\nContent-Type: text/turtle\r\n";
    ck_assert_int_eq(bs_http_multipart(no_blank, strlen(no_blank),
                                       "multipart/form-data; boundary=b", collect, &ps),
                     BS_ERR_PARSE);
    static const char junk[] = "--bjunk\r\n\r\nx\r\n--b--";
    ck_assert_int_eq(bs_http_multipart(junk, strlen(junk),
                                       "multipart/form-data; boundary=b", collect, &ps),
                     BS_ERR_PARSE);
    /* the callback's failure stops the split */
    static const char five[] = "--b\n\n1\n--b\n\n2\n--b\n\n3\n--b\n\n4\n--b\n\n5\n--b--\n";
    memset(&ps, 0, sizeof ps);
    ck_assert_int_eq(bs_http_multipart(five, strlen(five), "multipart/form-data; boundary=b",
                                       collect, &ps), BS_ERR_LIMIT);
    ck_assert_int_eq(ps.n, 4);
}
END_TEST

static Suite *auth_suite(void)
{
    Suite *s = suite_create("http_auth");
    TCase *tc = tcase_create("tokens");
    tcase_add_test(tc, test_load_good);
    tcase_add_test(tc, test_load_empty);
    tcase_add_test(tc, test_load_errors);
    tcase_add_test(tc, test_bearer);
    tcase_add_test(tc, test_basic);
    tcase_add_test(tc, test_base64);
    suite_add_tcase(s, tc);
    tc = tcase_create("roles");
    tcase_add_test(tc, test_matrix);
    tcase_add_test(tc, test_need_writer);
    suite_add_tcase(s, tc);
    tc = tcase_create("multipart");
    tcase_add_test(tc, test_multipart);
    tcase_add_test(tc, test_multipart_bad);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(auth_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
