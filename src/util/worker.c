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

bs_job *bs_job_start(void (*fn)(void *), void *arg)
{
    bs_job *j = bs_job_threads() ? malloc(sizeof *j) : NULL;
    if (j) {
        j->fn = fn;
        j->arg = arg;
        if (pthread_create(&j->thread, NULL, run, j) == 0) return j;
        free(j);
    }
    fn(arg);
    return NULL;
}

void bs_job_wait(bs_job *j)
{
    if (!j) return;
    pthread_join(j->thread, NULL);
    free(j);
}
