/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: the tests a manifest.ttl describes. */
#ifndef BS_W3C_MANIFEST_H
#define BS_W3C_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
    W3C_T_OTHER = 0,     ///< a type the runner does not run (skipped)
    W3C_T_SYNTAX_POS,    ///< query must parse
    W3C_T_SYNTAX_NEG,    ///< query must not parse
    W3C_T_USYNTAX_POS,   ///< update must parse
    W3C_T_USYNTAX_NEG,   ///< update must not parse
    W3C_T_QUERY,         ///< query evaluation
    W3C_T_UPDATE,        ///< update evaluation
    W3C_T_CSV            ///< CSV result format
} w3c_kind;

/// A file loaded into a named graph.
typedef struct {
    char *file;  ///< local path
    char *graph; ///< graph IRI
} w3c_gdata;

/** qt:serviceData: a SERVICE endpoint the test simulates, with its data. */
typedef struct {
    char *endpoint; ///< qt:endpoint IRI
    char **data;    ///< qt:data files (its default graph)
    size_t ndata;
    w3c_gdata *gdata; ///< qt:graphData (its named graphs)
    size_t ngdata;
} w3c_service;

/** One test.  Every string is owned by the test (w3c_tests_free). */
typedef struct {
    char *iri;      ///< the test's IRI (or blank node label)
    char *id;       ///< its local name (after '#'), else mf:name
    char *name;     ///< mf:name (may be NULL)
    w3c_kind kind;
    char *type;     ///< local name of its rdf:type
    char *skip;     ///< reason to skip, or NULL
    char *query;    ///< the query / update / syntax file (path)
    char **data;    ///< default-graph files (qt:data, ut:data)
    size_t ndata;
    w3c_gdata *gdata; ///< named graphs (qt:graphData, ut:graphData)
    size_t ngdata;
    char *result;   ///< query: expected result file (path)
    char **rdata;   ///< update: expected default graph files
    size_t nrdata;
    w3c_gdata *rgdata; ///< update: expected named graphs
    size_t nrgdata;
    bool lax;       ///< mf:resultCardinality mf:LaxCardinality
    w3c_service *services; ///< qt:serviceData
    size_t nservices;
} w3c_test;

/** Read dir/manifest.ttl: the tests of its mf:entries, in order.  -1
 *  with a message in err when it cannot be read.  Caller frees *out
 *  with w3c_tests_free(). */
int w3c_manifest_read(const char *dir, w3c_test **out, size_t *n,
                      char *err, size_t errcap);
void w3c_tests_free(w3c_test *t, size_t n);

/// Local path of a file: IRI (percent-decoded); caller frees.  NULL if not file:.
char *w3c_iri_path(const char *iri);

#endif
