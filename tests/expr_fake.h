/* SPDX-License-Identifier: MIT
 * battstore — an in-memory stand-in for the executor, for unit tests of the
 * expression module (see expr_fake.c). */
#ifndef BS_TEST_EXPR_FAKE_H
#define BS_TEST_EXPR_FAKE_H

#include <stdio.h>
#include "sparql/sparql_int.h"

#define FAKE_NVARS 8
#define FAKE_NCONSTS 512

/** The fake exec: terms are encodings in a table (id = local bit, kind,
 *  index + 1); cids[i] is the id of constant i. */
struct bs_sp_exec {
    uint8_t **terms;
    size_t *lens, nterms, cap;
    bs_id cids[FAKE_NCONSTS];
    unsigned fresh;
    struct timespec now;
    bs_sparql q;
    int exists_calls;
    long long mem, mem_cap; ///< bs_sp_mem balance; cap (0 = none)
};

void fake_init(bs_sp_exec *ex);
void fake_clear(bs_sp_exec *ex);

#endif
