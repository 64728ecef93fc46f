/* SPDX-License-Identifier: MIT
 * battstore — SPARQL 1.1 parser (STUB: replaced by the parser module). */
#include "config.h"
#include "sparql/sparql_int.h"

bs_status bs_sparql_parse(const char *text, size_t len, const char *base_iri,
                          bool update, bs_sparql **out, bs_sparql_error *err)
{ (void)text; (void)len; (void)base_iri; (void)update; *out = NULL;
  if (err) { err->line = 1; err->col = 1; snprintf(err->msg, sizeof err->msg, "parser not built yet"); }
  return BS_ERR_UNSUPPORTED; }
void bs_sparql_free(bs_sparql *q) { (void)q; }
bs_sparql_form bs_sparql_form_of(const bs_sparql *q) { return q->form; }
void bs_sp_node_free(bs_sp_node *n) { (void)n; }
void bs_sp_expr_free(bs_sp_expr *e) { (void)e; }
void bs_sp_path_free(bs_sp_path *p) { (void)p; }
void bs_sp_dump(const bs_sparql *q, FILE *out) { (void)q; (void)out; }
