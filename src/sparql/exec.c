/* SPDX-License-Identifier: MIT
 * battstore — SPARQL executor core (STUB: replaced by the executor module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sp_exec_new(bs_txn *txn, const bs_sparql *q, const bs_sparql_opts *opts, bs_sp_exec **out)
{ (void)txn; (void)q; (void)opts; *out = NULL; return BS_ERR_UNSUPPORTED; }
void bs_sp_exec_free(bs_sp_exec *ex) { (void)ex; }
bs_txn *bs_sp_exec_txn(bs_sp_exec *ex) { (void)ex; return NULL; }
const bs_sparql *bs_sp_exec_query(bs_sp_exec *ex) { (void)ex; return NULL; }
bs_status bs_sp_exec_set_dataset(bs_sp_exec *ex, const bs_id *d, size_t nd, const bs_id *n, size_t nn, bool all)
{ (void)ex; (void)d; (void)nd; (void)n; (void)nn; (void)all; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_tick(bs_sp_exec *ex) { (void)ex; return BS_OK; }
bs_status bs_sp_mem(bs_sp_exec *ex, long long d) { (void)ex; (void)d; return BS_OK; }
void bs_sp_error(bs_sp_exec *ex, const char *fmt, ...) { (void)ex; (void)fmt; }
const char *bs_sp_exec_errmsg(const bs_sp_exec *ex) { (void)ex; return NULL; }
bs_status bs_sp_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id g, const bs_id *seed, bs_sp_iter **out)
{ (void)ex; (void)n; (void)g; (void)seed; *out = NULL; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_exists(bs_sp_exec *ex, const bs_sp_node *p, bs_id g, const bs_id *row, bool *out)
{ (void)ex; (void)p; (void)g; (void)row; *out = false; return BS_ERR_UNSUPPORTED; }
bs_id bs_sp_active_graph(bs_sp_exec *ex) { (void)ex; return BS_SP_DEFAULT_GRAPH; }
bs_status bs_sp_scan_new(bs_sp_exec *ex, bs_id g, bs_id s, bs_id p, bs_id o, bs_sp_scan **out)
{ (void)ex; (void)g; (void)s; (void)p; (void)o; *out = NULL; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_scan_next(bs_sp_scan *sc, bs_quad *out) { (void)sc; (void)out; return BS_END; }
void bs_sp_scan_free(bs_sp_scan *sc) { (void)sc; }
bs_status bs_sp_named_graphs(bs_sp_exec *ex, const bs_id **out, size_t *n) { (void)ex; *out = NULL; *n = 0; return BS_OK; }
struct timespec bs_sp_exec_now(const bs_sp_exec *ex) { (void)ex; struct timespec t; clock_gettime(CLOCK_REALTIME, &t); return t; }
