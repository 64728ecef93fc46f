/* SPDX-License-Identifier: MIT
 * battstore — ingest: parse RDF files with serd and Raptor2 into the store
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
    /** Graph of the statements that name none (all of a triple format's,
     *  a quad format's default-graph ones); NULL = default graph.  Not
     *  used with imports (each ontology gets its own graph). */
    const char *graph_iri;
    /** turtle|rdfxml|ntriples|nquads|trig (also ttl, xml, owl, nt, nq);
     *  NULL = by file extension.  Applies to the files named, not to
     *  imported ones (always by extension). */
    const char *format;
    /** Base IRI of the files named; NULL = each file's own file:// URI
     *  (stdin: the current directory).  Imported files use their own. */
    const char *base_iri;
    /** Clear the graphs loaded into (the target graph, the graphs a quad
     *  file names, each imported ontology's graph) in the same
     *  transaction: readers see the old or the new content, never a mix. */
    bool replace;
    /** Follow owl:imports transitively, one graph per file named by its
     *  ontology IRI (else the import IRI, else the file URI; a name
     *  already given to another file of the load is skipped), with its
     *  owl:versionIRI recorded by bs_graph_set_version(). */
    bool imports;
    /** Extra OASIS catalog files, searched before the catalog-v001.xml
     *  beside each loaded file and the others met on the way. */
    const char *const *catalogs;
    size_t n_catalogs;
    /** Let Raptor fetch http(s) catalog targets and imports that have no
     *  catalog entry; otherwise they are reported as unresolved. */
    bool fetch;
    /** Called at most about four times a second, and once at the end of
     *  a successful load; NULL = none. */
    void (*progress)(void *ctx, const bs_load_progress *p);
    void *progress_ctx;
    /** Called inside the load's write transaction once every file has
     *  been parsed, before anything of the load is written (replaced
     *  graphs not yet cleared): target is graph_iri's id (0 = the default
     *  graph).  It may read and write through txn (the Graph Store
     *  Protocol tells a new graph from an old one and registers it); it
     *  runs again when the transaction does; its failure aborts the
     *  load.  NULL = none. */
    bs_status (*before_write)(void *ctx, bs_txn *txn, bs_id target);
    void *before_write_ctx;
} bs_load_opts;

/** One ontology loaded by an --imports load. */
typedef struct {
    char *iri;        ///< ontology IRI = graph name
    char *version;    ///< owl:versionIRI or NULL
    char *file;       ///< absolute file name it came from (or URL)
    uint64_t triples; ///< triples parsed from it
} bs_loaded_graph;

typedef struct {
    size_t files;
    uint64_t triples;      ///< triples parsed
    uint64_t added;        ///< quads new to the store
    double seconds;
    bs_loaded_graph *graphs; ///< --imports: ontologies loaded
    size_t n_graphs;
    char **unresolved;     ///< --imports: import IRIs not resolved (distinct)
    size_t n_unresolved;
    /* the first error, when the load failed */
    char *err_file;
    long err_line, err_col;   ///< 1-based (the column in bytes); -1 when unknown
    char *err_msg;
} bs_load_report;

/** Load files (a path of "-" is stdin) in one write transaction: all or
 *  nothing.  Blank node labels are made unique per file and per load.
 *
 *  serd parses local N-Triples, N-Quads, Turtle and TriG files, Raptor2
 *  RDF/XML and remote files; a file serd cannot read as Raptor would
 *  (Raptor is the reference: what a load accepts and stores is what
 *  Raptor accepts and stores) is read again by Raptor.  The environment
 *  variable BATTSTORE_PARSER=raptor makes Raptor read everything
 *  ("serd" or unset: the default; anything else is BS_ERR_ARG).
 *
 *  On failure the store is unchanged and rep names the file, line and
 *  column (serd and libxml2 know the column, Raptor's Turtle and TriG
 *  parser only the line): BS_ERR_PARSE (any parse error; warnings do not
 *  count), BS_ERR_IO (a file or catalog that cannot be read), BS_ERR_ARG
 *  (unknown format).  opts may be NULL (defaults).  rep is overwritten on
 *  entry (not freed) and filled in either way; caller frees it with
 *  bs_load_report_free().  Not thread-safe for one rep; reads the
 *  environment. */
bs_status bs_load_files(bs_store *store, const char *const *paths, size_t n,
                        const bs_load_opts *opts, bs_load_report *rep);

/** Load files as bs_load_files() does, but inside the caller's write
 *  transaction txn (SPARQL LOAD): nothing is committed; when this fails
 *  the caller must abort txn (some terms may have been written), and a
 *  BS_ERR_FULL asks it to grow the map and run its transaction again
 *  (see bs_store_write()).  Raptor reads every file (no serd: a serd
 *  give-up reruns a whole transaction, which only its owner can do) and
 *  stdin ("-") is refused (BS_ERR_ARG): the caller's transaction may have
 *  to read it again.  rep as for bs_load_files(). */
bs_status bs_load_in_txn(bs_txn *txn, const char *const *paths, size_t n,
                         const bs_load_opts *opts, bs_load_report *rep);

/// Free what a report holds (not the struct).  NULL is safe.
void bs_load_report_free(bs_load_report *rep);

/** Raptor parser name for a format name (when format is not NULL) or a
 *  file name's extension (static string), NULL when unknown. */
const char *bs_format_parser(const char *format, const char *path);

/** Write quads to out with a Raptor serializer, in one read transaction.
 *  graph_iri: NULL = every graph (quad formats keep graph names; triple
 *  formats merge them, a triple in several graphs written once), "" =
 *  default graph only, else that named graph.  format: turtle, ntriples,
 *  nquads, rdfxml, rdfxml-abbrev, trig (also ttl, nt, nq, xml, owl);
 *  NULL = nquads.  TriG is written as one block per graph of N-Triples
 *  lines (Raptor 2.0 has no TriG serializer).  Blank nodes keep their
 *  stored labels.  BS_NOT_FOUND for an unknown graph, BS_ERR_ARG for an
 *  unknown format, BS_ERR_IO when writing fails. */
bs_status bs_export(bs_store *store, const char *graph_iri,
                    const char *format, FILE *out);

#endif
