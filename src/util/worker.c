/* SPDX-License-Identifier: MIT
 * battstore — jobs on a second thread (worker.h).  One thread per job:
 * its start (tens of microseconds) is small against the jobs it is for
 * (a million pairs: milliseconds), and nothing outlives the query. */
#include "config.h"
#include "util/worker.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int bs_job_policy;

struct bs_job {
    pthread_t thread;
    void (*fn)(void *);
    void *arg;
};

static bool env_allows;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static void read_env(void)
{
    const char *t = getenv("BATTSTORE_THREADS");
    env_allows = sysconf(_SC_NPROCESSORS_ONLN) > 1 && !(t && strcmp(t, "1") == 0);
}

bool bs_job_threads(void)
{
    if (bs_job_policy) return bs_job_policy > 0;
    pthread_once(&env_once, read_env);
    return env_allows;
}

static void *run(void *p)
{
    bs_job *j = p;
    j->fn(j->arg);
    return NULL;
}

bs_job *bs_job_try(void (*fn)(void *), void *arg)
{
    bs_job *j = bs_job_threads() ? malloc(sizeof *j) : NULL;
    if (!j) return NULL;
    j->fn = fn;
    j->arg = arg;
    if (pthread_create(&j->thread, NULL, run, j) == 0) return j;
    free(j);
    return NULL;
}

bs_job *bs_job_start(void (*fn)(void *), void *arg)
{
    bs_job *j = bs_job_try(fn, arg);
    if (!j) fn(arg);
    return j;
}

void bs_job_wait(bs_job *j)
{
    if (!j) return;
    pthread_join(j->thread, NULL);
    free(j);
}

/* The chunks: produced, taken and released count chunks since the
 * start; chunk i lives in buffer i % n.  released <= taken <= produced
 * <= released + n. */
struct bs_chunks {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    size_t n, size;
    unsigned long produced, taken, released;
    bool finished, stopped;
    size_t *used;
    char *buf;
};

bs_chunks *bs_chunks_new(size_t nchunk, size_t size)
{
    bs_chunks *q = calloc(1, sizeof *q);
    if (!q) return NULL;
    q->n = nchunk;
    q->size = size;
    q->used = calloc(nchunk, sizeof *q->used);
    q->buf = malloc(nchunk * size);
    if (!q->used || !q->buf || pthread_mutex_init(&q->mu, NULL) != 0) goto fail;
    if (pthread_cond_init(&q->cv, NULL) == 0) return q;
    pthread_mutex_destroy(&q->mu);
fail:
    free(q->used);
    free(q->buf);
    free(q);
    return NULL;
}

void *bs_chunks_put_begin(bs_chunks *q)
{
    pthread_mutex_lock(&q->mu);
    /* full: wait until half the chunks are free (a sleep and a wake per
     * n/2 chunks, not per chunk, when the consumer is the slower side) */
    if (q->produced - q->released == q->n)
        while (q->produced - q->released > q->n / 2 && !q->stopped) pthread_cond_wait(&q->cv, &q->mu);
    void *b = q->stopped ? NULL : q->buf + (q->produced % q->n) * q->size;
    pthread_mutex_unlock(&q->mu);
    return b;
}

void bs_chunks_put_end(bs_chunks *q, size_t used)
{
    pthread_mutex_lock(&q->mu);
    q->used[q->produced % q->n] = used;
    q->produced++;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

void bs_chunks_finish(bs_chunks *q)
{
    pthread_mutex_lock(&q->mu);
    q->finished = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

const void *bs_chunks_get(bs_chunks *q, size_t *used)
{
    pthread_mutex_lock(&q->mu);
    if (q->taken > q->released) {
        q->released++;
        /* a producer that found the queue full waits for half of it */
        if (q->produced - q->released == q->n / 2) pthread_cond_broadcast(&q->cv);
    }
    while (q->taken == q->produced && !q->finished) pthread_cond_wait(&q->cv, &q->mu);
    const void *b = NULL;
    if (q->taken < q->produced) {
        size_t i = q->taken++ % q->n;
        *used = q->used[i];
        b = q->buf + i * q->size;
    }
    pthread_mutex_unlock(&q->mu);
    return b;
}

void bs_chunks_stop(bs_chunks *q)
{
    pthread_mutex_lock(&q->mu);
    q->stopped = true;
    pthread_cond_broadcast(&q->cv);
    pthread_mutex_unlock(&q->mu);
}

void bs_chunks_free(bs_chunks *q)
{
    if (!q) return;
    pthread_cond_destroy(&q->cv);
    pthread_mutex_destroy(&q->mu);
    free(q->used);
    free(q->buf);
    free(q);
}
