/* SPDX-License-Identifier: MIT
 * Unit tests: the parser -> transaction statement queue. */
#include "config.h"
#include "ingest/pipe.h"

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 200000

typedef struct {
    bs_pipe *p;
    int n;
    bs_status end;      /* what the producer closes with */
    bs_status push_st;  /* first failed push */
    int pushed;
} prod;

/* Statement i: subject "s<i>", predicate fixed, object a literal whose
 * length varies (every 5000th is larger than a whole batch), graph on
 * odd i. */
static size_t obj_len(int i)
{
    return i % 5000 == 4999 ? BS_PIPE_BATCH_BYTES + 10 : (size_t)(i % 97);
}

static void *producer(void *arg)
{
    prod *pr = arg;
    char sb[32];
    char *big = malloc(BS_PIPE_BATCH_BYTES + 10);
    for (size_t k = 0; k < BS_PIPE_BATCH_BYTES + 10; k++) big[k] = (char)('a' + k % 26);
    bs_term p = bs_term_iri("http://p", 8), g = bs_term_iri("http://g", 8);
    for (int i = 0; i < pr->n; i++) {
        int sl = snprintf(sb, sizeof sb, "s%d", i);
        bs_term s = bs_term_iri(sb, (size_t)sl);
        bs_term o = bs_term_literal(big, obj_len(i), "en", 2, NULL, 0);
        bs_status st = bs_pipe_push(pr->p, &s, &p, &o, i % 2 ? &g : NULL);
        if (st != BS_OK) { pr->push_st = st; break; }
        pr->pushed++;
    }
    bs_pipe_close(pr->p, pr->push_st == BS_OK ? pr->end : pr->push_st);
    free(big);
    return NULL;
}

START_TEST(test_order_and_content)
{
    bs_pipe *p;
    ck_assert_int_eq(bs_pipe_new(&p), BS_OK);
    prod pr = {p, N, BS_OK, BS_OK, 0};
    pthread_t th;
    pthread_create(&th, NULL, producer, &pr);
    bs_pipe_stmt st;
    int i = 0, bad = 0;
    bs_status rc;
    char sb[32];
    while ((rc = bs_pipe_next(p, &st)) == BS_OK) {
        int sl = snprintf(sb, sizeof sb, "s%d", i);
        bad += st.s.kind != BS_TERM_IRI || st.s.lex_len != (size_t)sl ||
               memcmp(st.s.lex, sb, (size_t)sl) != 0;
        bad += st.p.lex_len != 8 || memcmp(st.p.lex, "http://p", 8) != 0;
        bad += st.o.kind != BS_TERM_LANG || st.o.lex_len != obj_len(i) ||
               st.o.extra_len != 2 || memcmp(st.o.extra, "en", 2) != 0;
        bad += (st.o.lex_len && st.o.lex[st.o.lex_len - 1] != (char)('a' + (st.o.lex_len - 1) % 26));
        bad += st.has_graph != (i % 2 == 1);
        i++;
    }
    pthread_join(th, NULL);
    ck_assert_int_eq(rc, BS_END);
    ck_assert_int_eq(i, N);
    ck_assert_int_eq(bad, 0);
    bs_pipe_free(p);
}
END_TEST

START_TEST(test_producer_error_reaches_consumer)
{
    bs_pipe *p;
    ck_assert_int_eq(bs_pipe_new(&p), BS_OK);
    prod pr = {p, 1000, BS_ERR_PARSE, BS_OK, 0};
    pthread_t th;
    pthread_create(&th, NULL, producer, &pr);
    bs_pipe_stmt st;
    int n = 0;
    bs_status rc;
    while ((rc = bs_pipe_next(p, &st)) == BS_OK) n++;
    pthread_join(th, NULL);
    ck_assert_int_eq(n, 1000); /* everything before the error, then it */
    ck_assert_int_eq(rc, BS_ERR_PARSE);
    bs_pipe_free(p);
}
END_TEST

START_TEST(test_consumer_abort_stops_producer)
{
    bs_pipe *p;
    ck_assert_int_eq(bs_pipe_new(&p), BS_OK);
    prod pr = {p, N, BS_OK, BS_OK, 0};
    pthread_t th;
    pthread_create(&th, NULL, producer, &pr);
    bs_pipe_stmt st;
    for (int i = 0; i < 10; i++) ck_assert_int_eq(bs_pipe_next(p, &st), BS_OK);
    bs_pipe_abort(p);
    pthread_join(th, NULL); /* returns: the blocked producer was woken */
    ck_assert_int_eq(pr.push_st, BS_ERR_BUSY);
    ck_assert_int_lt(pr.pushed, N);
    ck_assert_int_eq(bs_pipe_next(p, &st), BS_ERR_BUSY);
    bs_pipe_free(p);
    bs_pipe_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pipe");
    TCase *tc = tcase_create("queue");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_order_and_content);
    tcase_add_test(tc, test_producer_error_reaches_consumer);
    tcase_add_test(tc, test_consumer_abort_stops_producer);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
