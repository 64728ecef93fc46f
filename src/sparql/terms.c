/* SPDX-License-Identifier: MIT
 * battstore — query-local terms (STUB: replaced by the executor module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sp_term(bs_sp_exec *ex, bs_id id, bs_term *out) { (void)ex; (void)id; (void)out; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_intern(bs_sp_exec *ex, const bs_term *t, bs_id *out) { (void)ex; (void)t; *out = 0; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_fresh_bnode(bs_sp_exec *ex, bs_id *out) { (void)ex; *out = 0; return BS_ERR_UNSUPPORTED; }
bs_id bs_sp_const_id(bs_sp_exec *ex, int cid) { (void)ex; (void)cid; return 0; }
