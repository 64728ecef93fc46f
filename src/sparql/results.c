/* SPDX-License-Identifier: MIT
 * battstore — result writers (STUB: replaced by the results module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sparql_write(bs_store *s, const bs_sparql *q, const bs_sparql_opts *o, const char *f, FILE *out, char **err)
{ (void)s; (void)q; (void)o; (void)f; (void)out; if (err) *err = NULL; return BS_ERR_UNSUPPORTED; }
const char *bs_sparql_format_mime(const char *f) { (void)f; return NULL; }
