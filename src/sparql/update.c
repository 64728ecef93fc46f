/* SPDX-License-Identifier: MIT
 * battstore — SPARQL Update (STUB: replaced by the update module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sparql_update(bs_store *s, const bs_sparql *u, const bs_sparql_opts *o, const char *d,
                           bs_sparql_update_stats *st, char **err)
{ (void)s; (void)u; (void)o; (void)d; (void)st; if (err) *err = NULL; return BS_ERR_UNSUPPORTED; }
