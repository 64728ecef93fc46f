/* SPDX-License-Identifier: MIT
 * battstore — its own SPARQL 1.1 engine: parse, run queries, run updates. */
#ifndef BS_SPARQL_H
#define BS_SPARQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "store/store.h"

/** A parsed request: one query, or one update request (a sequence of
 *  operations).  Immutable once parsed: several threads may run it at
 *  once.  Caller frees with bs_sparql_free(). */
typedef struct bs_sparql bs_sparql;

typedef enum {
    BS_SPARQL_SELECT = 1,
    BS_SPARQL_ASK,
    BS_SPARQL_CONSTRUCT,
    BS_SPARQL_DESCRIBE,
    BS_SPARQL_UPDATE
} bs_sparql_form;

/** Where and why parsing failed.  line and col are 1-based; col counts
 *  characters (code points), not bytes.  msg is one line without the
 *  position, in the form "expected X, found Y" where that fits. */
typedef struct {
    long line, col;
    char msg[256];
} bs_sparql_error;

/** Parse a query (update == false) or an update request (update ==
 *  true).  text need not be NUL-terminated.  base_iri (may be NULL) is
 *  the base for relative IRIs before any BASE.  On a syntax error
 *  returns BS_ERR_PARSE with err filled in (err may be NULL). */
bs_status bs_sparql_parse(const char *text, size_t len, const char *base_iri,
                          bool update, bs_sparql **out, bs_sparql_error *err);

/// Free a parsed request.  NULL is safe.
void bs_sparql_free(bs_sparql *q);

/// The form of a parsed request.
bs_sparql_form bs_sparql_form_of(const bs_sparql *q);

/** One SERVICE call (§ SPARQL 1.1 Federated Query): what the engine asks
 *  a remote endpoint.  The strings are borrowed for the call. */
typedef struct {
    const char *endpoint; ///< the endpoint IRI, as the query names it
    const char *query;    ///< SPARQL query text to send (SELECT * WHERE {...})
    double timeout;       ///< seconds left of the query's deadline (0 = none)
    volatile int *cancel; ///< the request's cancel flag (may be NULL)
    size_t max_bytes;     ///< cap on the answer's size in bytes (0 = none)
} bs_sparql_service_call;

/** A SERVICE client: send call->query to call->endpoint and return the
 *  answer, a SPARQL 1.1 Query Results JSON document, in *json (caller
 *  frees with free(); need not be NUL-terminated) and its length in *len.
 *  On failure returns an error status (BS_ERR_IO for a refused, failed
 *  or non-2xx call, BS_ERR_TIMEOUT when the time ran out or the request
 *  was cancelled, BS_ERR_LIMIT for an answer over max_bytes,
 *  BS_ERR_ARG for an endpoint it will not call) and may set *err to a
 *  one-line message (caller frees).  Called from the thread running the
 *  query; must be thread-safe when queries run in parallel. */
typedef bs_status (*bs_sparql_service_fn)(void *ctx,
                                          const bs_sparql_service_call *call,
                                          char **json, size_t *len,
                                          char **err);

/** The built-in SERVICE client (libcurl): POST application/sparql-query,
 *  Accept application/sparql-results+json; http: and https: only; at
 *  most 3 redirects; bounded by call->timeout, call->cancel and
 *  call->max_bytes.  ctx is unused.  A custom client may delegate to
 *  it (e.g. after checking the endpoint against an allow list). */
bs_status bs_sparql_service_http(void *ctx, const bs_sparql_service_call *call,
                                 char **json, size_t *len, char **err);

/** How a request runs: its dataset, who asks, and its limits.  A zeroed
 *  struct (or NULL) means: default graph = the store's default graph
 *  only, named graphs = all, no limits, every graph visible. */
typedef struct {
    /** Protocol default-graph-uri / using-graph-uri: when n_default > 0
     *  these replace the request's FROM (USING) clauses.  "" names the
     *  store's default graph. */
    const char *const *default_graphs;
    size_t n_default;
    /// Protocol named-graph-uri / using-named-graph-uri (idem).
    const char *const *named_graphs;
    size_t n_named;
    /** With no FROM and no default_graphs: the default graph is the
     *  union (RDF merge: each triple once) of the store's default graph
     *  and every visible named graph (battstore's own choice, like
     *  Fuseki's unionDefaultGraph) instead of the store's default graph
     *  alone (the W3C tests' dataset). */
    bool union_default;
    /// Wall-clock limit in seconds (0 = none): BS_ERR_TIMEOUT.
    double timeout;
    /// Cap on the memory a query holds (0 = none): BS_ERR_LIMIT.
    size_t mem_limit;
    /** Access control: a graph for which visible() returns false does
     *  not exist for this request (not in any dataset, not in GRAPH ?g,
     *  not counted).  NULL = everything visible.  Called with the
     *  graph's id and registry level; must be thread-safe. */
    bool (*visible)(void *ctx, bs_id graph, bs_access level);
    void *visible_ctx;
    /// Set *cancel non-zero (from any thread) to stop the request.
    volatile int *cancel;
    /** SERVICE calls go through service(service_ctx, ...); NULL = the
     *  built-in client bs_sparql_service_http().  Each distinct endpoint
     *  of a SERVICE pattern is called once per query (answers are kept
     *  for the query's life); the answer's size is capped by mem_limit
     *  (or 256 MiB). */
    bs_sparql_service_fn service;
    void *service_ctx;
} bs_sparql_opts;

/* ---- queries: a cursor over the results ----------------------------- */

/** An open query: a read snapshot plus the running plan.  Rows are
 *  produced one at a time (streamed), never all materialised unless the
 *  query needs it (ORDER BY, GROUP BY, DISTINCT...).  One thread at a
 *  time.  Caller frees with bs_sparql_close(). */
typedef struct bs_sparql_cursor bs_sparql_cursor;

/** Start running a query (not an update) on store.  On failure *err
 *  (when err is not NULL) holds a one-line message; caller frees it
 *  with free(). */
bs_status bs_sparql_open(bs_store *store, const bs_sparql *q,
                         const bs_sparql_opts *opts, bs_sparql_cursor **out,
                         char **err);

/// Form of the query being run.
bs_sparql_form bs_sparql_cursor_form(const bs_sparql_cursor *c);

/// SELECT: number of result variables.
size_t bs_sparql_cursor_nvars(const bs_sparql_cursor *c);

/// SELECT: name of result variable i, without '?' (borrowed).
const char *bs_sparql_cursor_var(const bs_sparql_cursor *c, size_t i);

/** SELECT: the next solution.  row[i] is variable i's value, or NULL
 *  when unbound.  The array and the views are borrowed: valid until the
 *  next call or bs_sparql_close().  BS_END after the last row; errors
 *  (BS_ERR_TIMEOUT, BS_ERR_LIMIT, ...) end the cursor. */
bs_status bs_sparql_next(bs_sparql_cursor *c, const bs_term *const **row);

/** CONSTRUCT / DESCRIBE: the next triple of the result graph (each
 *  triple once).  t[0..2] borrowed until the next call.  BS_END at the
 *  end. */
bs_status bs_sparql_next_triple(bs_sparql_cursor *c, bs_term t[3]);

/// ASK: the answer (runs the query on first call).
bs_status bs_sparql_ask(bs_sparql_cursor *c, bool *out);

/** A one-line message for the error that ended the cursor (borrowed),
 *  or NULL. */
const char *bs_sparql_cursor_error(const bs_sparql_cursor *c);

/// Free a cursor and end its snapshot.  NULL is safe.
void bs_sparql_close(bs_sparql_cursor *c);

/* ---- result formats --------------------------------------------------- */

/** Run a query and write its result.  format: for SELECT/ASK json (the
 *  SPARQL 1.1 Query Results JSON format, the default), xml, csv, tsv,
 *  table (aligned text for people); for CONSTRUCT/DESCRIBE turtle (the
 *  default), ntriples, nquads, rdfxml, json-ld is not offered.  Rows are
 *  written as they come.  BS_ERR_ARG for a format that does not fit the
 *  form.  *err as for bs_sparql_open(). */
bs_status bs_sparql_write(bs_store *store, const bs_sparql *q,
                          const bs_sparql_opts *opts, const char *format,
                          FILE *out, char **err);

/** MIME type of a result format name (static), NULL when unknown. */
const char *bs_sparql_format_mime(const char *format);

/* ---- updates ----------------------------------------------------------- */

/// What an update request did.
typedef struct {
    uint64_t inserted; ///< quads that were new
    uint64_t deleted;  ///< quads that were there and are gone
    size_t operations; ///< operations run
} bs_sparql_update_stats;

/** Run an update request in one write transaction: every operation or
 *  none.  LOAD reads local files (file: IRIs or paths) only when
 *  load_dir is not NULL and the file lies under it.  On failure nothing
 *  is changed and *err (if err) holds a one-line message naming the
 *  failing operation.  stats may be NULL. */
bs_status bs_sparql_update(bs_store *store, const bs_sparql *u,
                           const bs_sparql_opts *opts, const char *load_dir,
                           bs_sparql_update_stats *stats, char **err);

/* ---- a result as a byte stream (results_stream.c) ----------------------- */

/** A running query whose result, in one format, is pulled in pieces (the
 *  HTTP endpoint's response body): rows are written as they are read,
 *  never materialised.  The bytes are those bs_sparql_write() writes.
 *  One thread at a time.  Caller frees with bs_sparql_stream_close(). */
typedef struct bs_sparql_stream bs_sparql_stream;

/** Open the query's cursor and fetch its first row (ASK: its answer), so
 *  an error that comes at once (unknown format, timeout, memory cap) is
 *  returned here, before any byte.  format as for bs_sparql_write() (NULL:
 *  the form's default).  opts and what it points to (graph lists, cancel,
 *  visible_ctx) must outlive the stream.  On failure *err (if err) holds a
 *  one-line message; caller frees it with free(). */
bs_status bs_sparql_stream_open(bs_store *store, const bs_sparql *q,
                                const bs_sparql_opts *opts, const char *format,
                                bs_sparql_stream **out, char **err);

/// MIME type of the stream's format (static, without parameters).
const char *bs_sparql_stream_mime(const bs_sparql_stream *s);

/** Copy up to max (> 0) bytes of the result into buf; *n = bytes copied.
 *  BS_END (with *n == 0) once everything was read.  An error (timeout,
 *  cancel, memory cap, I/O) ends the stream: the bytes already read are a
 *  truncated result, bs_sparql_stream_error() says why. */
bs_status bs_sparql_stream_read(bs_sparql_stream *s, char *buf, size_t max,
                                size_t *n);

/// Message of the error that ended the stream (borrowed), or NULL.
const char *bs_sparql_stream_error(const bs_sparql_stream *s);

/// Stop the query, free the stream.  NULL is safe.
void bs_sparql_stream_close(bs_sparql_stream *s);

/** Whether a parsed request names its own dataset: a query's FROM / FROM
 *  NAMED, an update's USING / USING NAMED / WITH (the SPARQL Protocol
 *  refuses an update that does and also carries using-graph-uri or
 *  using-named-graph-uri parameters). */
bool bs_sparql_has_dataset(const bs_sparql *q);

/* ---- named queries (named.c) -------------------------------------------- */

/** One parameter of a named query: "# param: NAME = DEFAULT — what it is". */
typedef struct {
    char *name;        ///< without the '$'
    char *def;         ///< default value, or NULL (then the caller must give one)
    char *description; ///< "" when none
} bs_named_param;

/** A named query: a NAME.rq file whose leading '#' lines say
 *  "# title: ...", "# description: ..." (continued on following '#'
 *  lines) and "# param: NAME = DEFAULT — what" (or "--" for the dash).
 *  In the query, $NAME is the parameter.  Every string is owned; free
 *  with bs_named_free(). */
typedef struct {
    char *name;              ///< the file name without ".rq"
    char *title;             ///< "" when none
    char *description;       ///< "" when none
    bs_named_param *params;
    size_t nparams;
    char *text;              ///< the whole file, NUL-terminated
    size_t len;
} bs_named_query;

/// Whether name is a valid query name: [A-Za-z0-9_-]+ (so never a path).
bool bs_named_name_ok(const char *name);

/** Parse a named query's header from its text (copied).  BS_ERR_PARSE
 *  with *err = "NAME.rq:LINE: what" on a malformed param line.  Caller
 *  frees *out with bs_named_free() and *err with free(). */
bs_status bs_named_parse(const char *name, const char *text, size_t len,
                         bs_named_query **out, char **err);

/** Load dir/NAME.rq.  BS_NOT_FOUND when the name is invalid or there is
 *  no such file.  Ownership as bs_named_parse(). */
bs_status bs_named_load(const char *dir, const char *name, bs_named_query **out,
                        char **err);

/** Every valid *.rq of dir, sorted by name (files that do not parse are
 *  left out).  A missing dir is an empty list.  Caller frees with
 *  bs_named_list_free(). */
bs_status bs_named_list(const char *dir, bs_named_query ***out, size_t *n);
void bs_named_list_free(bs_named_query **list, size_t n);

/** The query text with each $NAME token (outside strings, IRIs and
 *  comments) of a parameter replaced by its value as an escaped SPARQL
 *  string literal: values[i] for names[i], else the default.  An
 *  unknown name, or a parameter without default nor value → BS_ERR_ARG
 *  with *err saying which.  Caller frees *text and *err with free(). */
bs_status bs_named_bind(const bs_named_query *q, const char *const *names,
                        const char *const *values, size_t n, char **text,
                        size_t *len, char **err);

/// Free a named query.  NULL is safe.
void bs_named_free(bs_named_query *q);

#endif
