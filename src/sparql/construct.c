/* SPDX-License-Identifier: MIT
 * battstore — CONSTRUCT and DESCRIBE (STUB: replaced by the path/construct module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sp_instantiate(bs_sp_exec *ex, const bs_sp_quad *tpl, size_t n, const bs_id *row,
                            bs_status (*fn)(void *ctx, const bs_quad *q), void *ctx)
{ (void)ex; (void)tpl; (void)n; (void)row; (void)fn; (void)ctx; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_construct_new(bs_sp_exec *ex, bs_sp_iter *s, bs_sp_triples **out) { (void)ex; (void)s; *out = NULL; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_describe_new(bs_sp_exec *ex, bs_sp_iter *s, bs_sp_triples **out) { (void)ex; (void)s; *out = NULL; return BS_ERR_UNSUPPORTED; }
bs_status bs_sp_triples_next(bs_sp_triples *t, bs_id out[3]) { (void)t; (void)out; return BS_END; }
void bs_sp_triples_free(bs_sp_triples *t) { (void)t; }
