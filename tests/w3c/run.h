/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: running one test against the engine. */
#ifndef BS_W3C_RUN_H
#define BS_W3C_RUN_H

#include <stddef.h>
#include "manifest.h"

typedef enum { W3C_PASS = 0, W3C_FAIL, W3C_SKIP } w3c_outcome;

/** Run test t.  tests_root: the directory LOAD may read files under.
 *  timeout: seconds per query or update.  why gets a one-line reason
 *  for FAIL and SKIP. */
w3c_outcome w3c_run_test(const w3c_test *t, const char *tests_root,
                         double timeout, char *why, size_t whycap);

#endif
