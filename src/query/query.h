/* SPDX-License-Identifier: MIT
 * battstore — the query API the CLI (and later the HTTP endpoint) uses.
 * Kept narrow so the engine behind it can be swapped: for now it is
 * Redland + Rasqal over the "lmdb" storage module. */
#ifndef BS_QUERY_H
#define BS_QUERY_H

#include <stdio.h>
#include "store/store.h"

typedef struct bs_query_engine bs_query_engine;

/** Open an engine over an open store (borrowed; must outlive the
 *  engine).  Several engines may share a store.  An engine is used by
 *  one thread at a time; each query reads one LMDB snapshot per triple
 *  pattern.  Caller frees with bs_query_engine_free(). */
bs_status bs_query_engine_new(bs_store *store, bs_query_engine **out);

/// Free the engine.  NULL is safe.
void bs_query_engine_free(bs_query_engine *qe);

/** Run a SPARQL query and write its result to out in a format:
 *  table|json|xml|csv|tsv (also html|turtle|rdfxml for SELECT) for
 *  SELECT/ASK, turtle|ntriples|nquads|rdfxml (and the others Raptor
 *  serialises) for CONSTRUCT.  NULL format picks table / turtle; ASK as
 *  table, csv or tsv prints a bare true/false line.
 *
 *  Redland semantics: the default graph is the union of all graphs (a
 *  triple held in n graphs matches n times), GRAPH sees the named
 *  graphs with IRI names.  Rasqal 0.9.33 cannot run DESCRIBE or SPARQL
 *  Update (BS_ERR_UNSUPPORTED).
 *
 *  Errors: BS_ERR_PARSE for a bad query, BS_ERR_ARG for a format that
 *  does not fit the query form, BS_ERR_IO for a store error; *err
 *  (when err is not NULL; caller frees with free()) then holds one line,
 *  "query:LINE: message" when Rasqal gives a position.  Output already
 *  written is not taken back. */
bs_status bs_query_run(bs_query_engine *qe, const char *sparql,
                       const char *format, FILE *out, char **err);

#endif
