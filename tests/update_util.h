/* SPDX-License-Identifier: MIT
 * battstore — test helpers for the SPARQL Update tests: a scratch store,
 * quads by IRI, counts, and snapshots to compare a store before/after. */
#ifndef BS_TESTS_UPDATE_UTIL_H
#define BS_TESTS_UPDATE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store/store.h"

/// A new empty store in a fresh temporary directory (aborts on failure).
bs_store *ut_store_new(void);
/// Close the store and delete its directory.  NULL is safe.
void ut_store_free(bs_store *s);

/// Add <s> <p> <o> to graph g (an IRI; NULL or "" = the default graph).
void ut_add(bs_store *st, const char *s, const char *p, const char *o, const char *g);
/// Add _:label <p> <o> to the default graph.
void ut_add_bnode(bs_store *st, const char *label, const char *p, const char *o);

/// Quads of graph g (IRI; NULL or "" = default graph).
uint64_t ut_count(bs_store *st, const char *g);
/// All quads.
uint64_t ut_total(bs_store *st);
/// Named graphs (registered or holding quads).
size_t ut_ngraphs(bs_store *st);
/// Whether the named graph exists.
bool ut_graph_exists(bs_store *st, const char *g);
/// Whether <s> <p> <o> is in graph g.
bool ut_has(bs_store *st, const char *s, const char *p, const char *o, const char *g);
/// Whether <s> <p> "lex"(@lang|^^dt) is in graph g (s NULL = any subject).
bool ut_has_lit(bs_store *st, const char *s, const char *p, const char *lex,
                const char *lang, const char *dt, const char *g);
/// Distinct subjects of all quads.
size_t ut_distinct_subjects(bs_store *st);
/// Distinct subjects of quads whose object is IRI o.
size_t ut_subjects_with(bs_store *st, const char *o);
/// Id of an IRI (0 when absent).
bs_id ut_id(bs_store *st, const char *iri);

/** Every quad and every graph record of a store (ids). */
typedef struct {
    bs_quad *quads;
    size_t nquads;
    bs_graph_info *graphs;
    size_t ngraphs;
} ut_snapshot;

void ut_snap(bs_store *st, ut_snapshot *out);
bool ut_snap_equal(const ut_snapshot *a, const ut_snapshot *b);
void ut_snap_free(ut_snapshot *s);

#endif
