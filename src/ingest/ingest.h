/* SPDX-License-Identifier: MIT
 * battstore — ingest: parse RDF files with Raptor2 into the store
 * (with owl:imports through catalog-v001.xml) and export graphs. */
#ifndef BS_INGEST_H
#define BS_INGEST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "store/store.h"

/** Progress of a load, reported to a callback now and then. */
typedef struct {
    size_t files_done, files_total;
    uint64_t triples;  ///< triples parsed so far
    double seconds;    ///< since the load began
} bs_load_progress;

typedef struct {
    const char *graph_iri; ///< target graph for triple formats; NULL = default graph
    const char *format;    ///< turtle|rdfxml|ntriples|nquads|trig; NULL = by extension
    const char *base_iri;  ///< NULL = each file's own file:// URI
    bool replace;          ///< swap the target graph(s) atomically
    bool imports;          ///< follow owl:imports, one graph per ontology
    const char *const *catalogs; ///< extra catalog files (win over others)
    size_t n_catalogs;
    bool fetch;            ///< allow fetching remote catalog targets
    void (*progress)(void *ctx, const bs_load_progress *p);
    void *progress_ctx;
} bs_load_opts;

/** One ontology loaded by an --imports load. */
typedef struct {
    char *iri;        ///< ontology IRI = graph name
    char *version;    ///< owl:versionIRI or NULL
    char *file;       ///< local file it came from
    uint64_t triples; ///< triples parsed from it
} bs_loaded_graph;

typedef struct {
    size_t files;
    uint64_t triples;      ///< triples parsed
    uint64_t added;        ///< quads new to the store
    double seconds;
    bs_loaded_graph *graphs; ///< --imports: ontologies loaded
    size_t n_graphs;
    char **unresolved;     ///< --imports: import IRIs not resolved
    size_t n_unresolved;
    /* the first error, when the load failed */
    char *err_file;
    long err_line, err_col;   ///< -1 when unknown
    char *err_msg;
} bs_load_report;

/** Load files (a path of "-" is stdin) in one write transaction: all or
 *  nothing.  On failure the store is unchanged and rep names the file,
 *  line and column.  rep is filled in either way; caller frees it with
 *  bs_load_report_free(). */
bs_status bs_load_files(bs_store *store, const char *const *paths, size_t n,
                        const bs_load_opts *opts, bs_load_report *rep);

/// Free what a report holds (not the struct).  NULL is safe.
void bs_load_report_free(bs_load_report *rep);

/** Raptor parser name for a format name or a file name's extension
 *  (static string), NULL when unknown. */
const char *bs_format_parser(const char *format, const char *path);

/** Write quads to out with a Raptor serializer.  graph_iri: NULL = every
 *  graph (quad formats keep graph names; triple formats merge them),
 *  "" = default graph only, else that named graph.  format: turtle,
 *  ntriples, nquads, rdfxml, trig.  BS_NOT_FOUND for an unknown graph. */
bs_status bs_export(bs_store *store, const char *graph_iri,
                    const char *format, FILE *out);

#endif
