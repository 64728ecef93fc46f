/* SPDX-License-Identifier: MIT
 * battstore — SPARQL expressions (STUB: replaced by the expression module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sp_expr_eval(bs_sp_exec *ex, const bs_sp_expr *e, const bs_id *row, bs_id *out)
{ (void)ex; (void)e; (void)row; *out = 0; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_expr_ebv(bs_sp_exec *ex, const bs_sp_expr *e, const bs_id *row, int *out)
{ (void)ex; (void)e; (void)row; *out = -1; return BS_ERR_UNSUPPORTED; }
int bs_sp_order_cmp(bs_sp_exec *ex, bs_id a, bs_id b) { (void)ex; return a < b ? -1 : a > b; }
bs_status bs_sp_agg_new(bs_sp_exec *ex, const bs_sp_aggspec *s, bs_sp_agg **out) { (void)ex; (void)s; *out = NULL; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_agg_step(bs_sp_agg *a, bs_id v) { (void)a; (void)v; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_agg_result(bs_sp_agg *a, bs_id *out) { (void)a; *out = 0; return BS_ERR_UNSUPPORTED; }
void bs_sp_agg_free(bs_sp_agg *a) { (void)a; }
