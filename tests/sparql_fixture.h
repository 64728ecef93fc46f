/* SPDX-License-Identifier: MIT
 * battstore tests — shared SPARQL fixtures: run an update, get a query's
 * rows in a canonical (sorted) form for multiset comparisons. */
#ifndef BS_TEST_SPARQL_FIXTURE_H
#define BS_TEST_SPARQL_FIXTURE_H

#include "sparql/sparql.h"

/// Run the SPARQL Update text on store; fails the running test otherwise.
void bs_fx_update(bs_store *store, const char *text);

/** The TSV result of the query text (with opts, may be NULL): its header
 *  line first, then its rows sorted bytewise, each line ending in '\n' —
 *  equal strings mean equal multisets of rows.  Fails the running test
 *  when the query does not parse or run.  Caller frees. */
char *bs_fx_sorted_tsv(bs_store *store, const char *text, const bs_sparql_opts *opts);

#endif
