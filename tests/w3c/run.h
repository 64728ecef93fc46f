/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: running one test against the engine. */
#ifndef BS_W3C_RUN_H
#define BS_W3C_RUN_H

#include <stddef.h>
#include "manifest.h"
#include "sparql/sparql.h"

typedef enum { W3C_PASS = 0, W3C_FAIL, W3C_SKIP } w3c_outcome;

/** Run test t.  tests_root: the directory LOAD may read files under.
 *  timeout: seconds per query or update.  why gets a one-line reason
 *  for FAIL and SKIP. */
w3c_outcome w3c_run_test(const w3c_test *t, const char *tests_root,
                         double timeout, char *why, size_t whycap);

/* ---- temporary stores (run.c) ---------------------------------------------- */

/// A store in a fresh temporary directory (tmpfs when there is one).
typedef struct {
    char dir[256];
    bs_store *store;
} w3c_tmpstore;

/// Create it; -1 with a reason in why.
int w3c_tmp_open(w3c_tmpstore *ts, char *why, size_t cap);
/// Close it and remove the directory (a failed open is fine).
void w3c_tmp_close(w3c_tmpstore *ts);
/// Load files into a graph (NULL = the default graph); -1 with a reason.
int w3c_load(bs_store *s, char *const *files, size_t n, const char *graph,
             char *why, size_t cap);

/* ---- qt:serviceData: simulated SERVICE endpoints (service.c) ------------------ */

/** The endpoints of one test, each a store loaded with its data on the
 *  first call.  Caller frees with w3c_endpoints_free(). */
typedef struct w3c_endpoints w3c_endpoints;
w3c_endpoints *w3c_endpoints_new(const w3c_test *t);
void w3c_endpoints_free(w3c_endpoints *e);
/** The engine's SERVICE hook (bs_sparql_service_fn, ctx = the
 *  w3c_endpoints): runs the query in-process on the endpoint's store and
 *  answers its JSON results; an endpoint the test does not name is
 *  refused like a closed port (BS_ERR_IO). */
bs_status w3c_endpoint_call(void *ctx, const bs_sparql_service_call *call,
                            char **json, size_t *len, char **err);

#endif
