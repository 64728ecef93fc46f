/* SPDX-License-Identifier: MIT
 * battstore — a stand-in for the executor's interfaces that path.c and
 * construct.c use (scans over one store transaction, constants, fresh
 * blank nodes, memory accounting), for unit tests of those modules. */
#ifndef BS_TEST_PATH_FAKE_H
#define BS_TEST_PATH_FAKE_H

#include "sparql/sparql_int.h"

/** The fake exec: q and the constant table are the test's.  cids[i] is
 *  the id of constant i.  mem is the balance of bs_sp_mem (0 when all
 *  is given back); ticks counts bs_sp_tick calls. */
struct bs_sp_exec {
    bs_txn *txn;
    const bs_sparql *q;
    bs_id cids[256];
    long long mem;
    long long ticks;
    unsigned fresh;
    long long tick_limit; ///< > 0: BS_ERR_TIMEOUT after that many ticks
};

#endif
