/* SPDX-License-Identifier: MIT
 * battstore — the public query cursor (STUB: replaced by the executor module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sparql_open(bs_store *s, const bs_sparql *q, const bs_sparql_opts *o, bs_sparql_cursor **out, char **err)
{ (void)s; (void)q; (void)o; *out = NULL; if (err) *err = NULL; return BS_ERR_UNSUPPORTED; }
bs_sparql_form bs_sparql_cursor_form(const bs_sparql_cursor *c) { (void)c; return BS_SPARQL_SELECT; }
size_t bs_sparql_cursor_nvars(const bs_sparql_cursor *c) { (void)c; return 0; }
const char *bs_sparql_cursor_var(const bs_sparql_cursor *c, size_t i) { (void)c; (void)i; return NULL; }
bs_status bs_sparql_next(bs_sparql_cursor *c, const bs_term *const **row) { (void)c; (void)row; return BS_END; }
bs_status bs_sparql_next_triple(bs_sparql_cursor *c, bs_term t[3]) { (void)c; (void)t; return BS_END; }
bs_status bs_sparql_ask(bs_sparql_cursor *c, bool *out) { (void)c; *out = false; return BS_ERR_UNSUPPORTED; }
const char *bs_sparql_cursor_error(const bs_sparql_cursor *c) { (void)c; return NULL; }
void bs_sparql_close(bs_sparql_cursor *c) { (void)c; }
