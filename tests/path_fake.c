/* SPDX-License-Identifier: MIT
 * battstore — the fake executor for path/construct unit tests: scans go
 * straight to the store (named graph or the store's default graph). */
#include "config.h"

#include <stdlib.h>
#include "path_fake.h"

struct bs_sp_scan {
    bs_iter *it;
};

const bs_sparql *bs_sp_exec_query(bs_sp_exec *ex) { return ex->q; }

bs_id bs_sp_const_id(bs_sp_exec *ex, int cid) { return ex->cids[cid]; }

bs_status bs_sp_tick(bs_sp_exec *ex)
{
    ex->ticks++;
    if (ex->tick_limit > 0 && ex->ticks > ex->tick_limit) return BS_ERR_TIMEOUT;
    return BS_OK;
}

bs_status bs_sp_mem(bs_sp_exec *ex, long long delta)
{
    ex->mem += delta;
    return BS_OK;
}

bs_status bs_sp_fresh_bnode(bs_sp_exec *ex, bs_id *out)
{
    *out = BS_SP_LOCAL | bs_id_make(BS_TERM_BNODE, ++ex->fresh);
    return BS_OK;
}

bs_status bs_sp_scan_new(bs_sp_exec *ex, bs_id graph, bs_id s, bs_id p,
                         bs_id o, bs_sp_scan **out)
{
    bs_quad pat = { s, p, o, graph == BS_SP_DEFAULT_GRAPH ? BS_DEFAULT_GRAPH : graph };
    bs_sp_scan *sc = calloc(1, sizeof *sc);
    if (!sc) return BS_ERR_NOMEM;
    bs_status st = bs_iter_new(ex->txn, &pat, &sc->it);
    if (st != BS_OK) {
        free(sc);
        return st;
    }
    *out = sc;
    return BS_OK;
}

bs_status bs_sp_scan_next(bs_sp_scan *sc, bs_quad *out)
{
    return bs_iter_next(sc->it, out);
}

void bs_sp_scan_free(bs_sp_scan *sc)
{
    if (!sc) return;
    bs_iter_free(sc->it);
    free(sc);
}
