/* SPDX-License-Identifier: MIT
 * battstore — ingest internals shared by the files of src/ingest only:
 * owned string vectors, OASIS catalogs and the owl:imports closure. */
#ifndef BS_INGEST_INT_H
#define BS_INGEST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ingest/ingest.h"

/* ---- owned string vectors (imports.c) ------------------------------ */

/** A growable vector of malloc'ed NUL-terminated strings. */
typedef struct {
    char **v;
    size_t n, cap;
} bs_strv;

/// Append a copy of s[0..len) (NUL added).
bs_status bs_strv_push(bs_strv *sv, const char *s, size_t len);
/// Index of a string equal to s, or -1.
long bs_strv_find(const bs_strv *sv, const char *s);
/// Free every string and the vector; leaves it empty.  NULL is safe.
void bs_strv_free(bs_strv *sv);

/** What a file says about itself, collected while it is parsed (only in
 *  an --imports load). */
typedef struct {
    char *onto;         ///< first subject of `?x rdf:type owl:Ontology`
    bs_strv version_of; ///< subjects of owl:versionIRI statements ...
    bs_strv versions;   ///< ... and their objects (parallel vectors)
    bs_strv imports;    ///< objects of owl:imports statements
} bs_onto_facts;

/// Forget everything collected (ready for the next file).
void bs_facts_clear(bs_onto_facts *f);

/** Record the first error of a load in rep (later ones are ignored) and
 *  return st.  line/col: -1 when unknown.  (load.c) */
bs_status bs_report_error(bs_load_report *rep, bs_status st, const char *file,
                          long line, long col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* ---- OASIS XML catalogs (catalog.c) --------------------------------- */

/** The catalogs known to one load: explicit ones (searched first) and
 *  those found beside the files loaded. */
typedef struct bs_catalogs bs_catalogs;

/// Empty catalog set.  Caller frees with bs_catalogs_free().
bs_status bs_catalogs_new(bs_catalogs **out);

/// Free the set.  NULL is safe.
void bs_catalogs_free(bs_catalogs *cs);

/** Read the catalog file at path (once: a file read before is skipped).
 *  Explicit catalogs win over the others.  BS_NOT_FOUND when there is no
 *  such file; BS_ERR_PARSE when it is not well-formed XML. */
bs_status bs_catalogs_add(bs_catalogs *cs, const char *path, bool explicit_);

/** Called with each catalog target of an IRI, best first, until it
 *  returns true.  target is an absolute local file name (remote false) or
 *  an http(s) URL (remote true); borrowed for the call. */
typedef bool (*bs_catalog_visit)(void *ctx, const char *target, bool remote);

/** Visit the targets catalogs give for iri: explicit catalogs first, then
 *  the catalog in from_dir (the importing file's directory; may be NULL),
 *  then every other catalog in the order they were read. */
void bs_catalogs_find(const bs_catalogs *cs, const char *iri,
                      const char *from_dir, bs_catalog_visit fn, void *ctx);

/* ---- the files of a load and the owl:imports closure (imports.c) ---- */

/** One file to parse. */
typedef struct {
    char *path;        ///< local file name ("-" = stdin); NULL when remote
    char *uri;         ///< base URI: file:// URI, remote URL or opts->base_iri
    char *name;        ///< for messages: the path as given, or the URL
    char *import_iri;  ///< IRI that reached it first; NULL for a root
    const char *parser; ///< raptor parser name (static)
} bs_job;

/** The work list of one load: the files named by the caller and, in an
 *  --imports load, every file reached through owl:imports. */
typedef struct bs_closure bs_closure;

/** Empty work list for a load with these options; reads the explicit
 *  catalogs of an --imports load (an unreadable one fails, named in rep).
 *  Caller frees with bs_closure_free(). */
bs_status bs_closure_new(const bs_load_opts *opts, bs_load_report *rep,
                         bs_closure **out);

/// Free the work list.  NULL is safe.
void bs_closure_free(bs_closure *c);

/** Queue a file named by the caller.  BS_ERR_ARG (message in rep) when
 *  its format cannot be told. */
bs_status bs_closure_add_root(bs_closure *c, const char *path,
                              bs_load_report *rep);

/// Next file to parse (borrowed; valid until the closure is freed), or NULL.
const bs_job *bs_closure_next(bs_closure *c);

/// Files known so far (parsed or queued).
size_t bs_closure_total(const bs_closure *c);

/** After job was parsed in an --imports load: name its graph (ontology
 *  IRI, else import IRI, else file URI), note its version IRI, read the
 *  catalog beside it and queue the files its imports resolve to.
 *  *graph and *version (NULL when none) borrow from the closure. */
bs_status bs_closure_file_done(bs_closure *c, const bs_job *job,
                               const bs_onto_facts *facts, uint64_t triples,
                               const char **graph, const char **version);

/** Move the loaded ontologies and unresolved imports into rep (the
 *  closure gives them up). */
void bs_closure_report(bs_closure *c, bs_load_report *rep);

#endif
