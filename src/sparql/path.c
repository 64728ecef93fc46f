/* SPDX-License-Identifier: MIT
 * battstore — property paths (STUB: replaced by the path module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sp_path_eval(bs_sp_exec *ex, const bs_sp_node *n, bs_id g, const bs_id *seed, bs_sp_iter **out)
{ (void)ex; (void)n; (void)g; (void)seed; *out = NULL; return BS_ERR_UNSUPPORTED; }
