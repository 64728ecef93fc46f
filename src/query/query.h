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
 *  engine).  Caller frees with bs_query_engine_free(). */
bs_status bs_query_engine_new(bs_store *store, bs_query_engine **out);

/// Free the engine.  NULL is safe.
void bs_query_engine_free(bs_query_engine *qe);

/** Run a SPARQL query and write its result to out in a format:
 *  table|json|xml|csv|tsv for SELECT/ASK, turtle|ntriples (and the
 *  others Raptor serialises) for CONSTRUCT/DESCRIBE.  NULL format picks
 *  table / turtle.  On error, *err (caller frees with free()) holds a
 *  one-line message. */
bs_status bs_query_run(bs_query_engine *qe, const char *sparql,
                       const char *format, FILE *out, char **err);

#endif
