/* SPDX-License-Identifier: MIT
 * battstore — W3C SPARQL conformance runner: terms, result sets, graphs. */
#ifndef BS_W3C_H
#define BS_W3C_H

#include <stdbool.h>
#include <stddef.h>
#include "term/term.h"

/* ---- terms ------------------------------------------------------------ */

/** An owned RDF term; kind 0 = unbound.  lex and extra are NUL-terminated
 *  copies (lex may also hold U+0000: use lex_len). */
typedef struct {
    bs_term_kind kind;
    char *lex;
    size_t lex_len;
    char *extra; ///< language tag or datatype IRI, else NULL
    size_t extra_len;
} w3c_term;

/** Set t to a copy of v (xsd:string typed literals become simple ones).
 *  t must be empty or zeroed.  -1 on allocation failure. */
int w3c_term_set(w3c_term *t, const bs_term *v);
/// Set t from NUL-terminated pieces (kind 0 = unbound).
int w3c_term_make(w3c_term *t, bs_term_kind kind, const char *lex,
                  const char *extra);
void w3c_term_clear(w3c_term *t);
/// Same RDF term (language tags compared case-insensitively).
bool w3c_term_eq(const w3c_term *a, const w3c_term *b);
/// Short Turtle-like text of t into buf (truncated): for messages.
const char *w3c_term_str(const w3c_term *t, char *buf, size_t cap);

/* ---- result sets -------------------------------------------------------- */

/** A SELECT result (ncols variables × nrows rows, cells row-major) or an
 *  ASK result (is_bool). */
typedef struct {
    size_t ncols;
    char **vars;
    size_t nrows, cap;
    w3c_term *cells;
    bool is_bool, boolean;
    bool ordered; ///< rows carry an order (rs:index in the rs: vocabulary)
} w3c_rs;

void w3c_rs_free(w3c_rs *rs);
/// Column of variable name, adding it (rows already there: unbound).  -1 on OOM.
long w3c_rs_col(w3c_rs *rs, const char *name);
/// Append an unbound row; returns its cells (borrowed until the next add), NULL on OOM.
w3c_term *w3c_rs_add_row(w3c_rs *rs);

/* ---- graphs --------------------------------------------------------------- */

/** Triples (3 terms per row); w3c_graph_index() sorts an index by
 *  subject for the lookups. */
typedef struct {
    size_t n, cap;
    w3c_term *t;   ///< n × 3
    size_t *by_s;  ///< sorted by subject (after w3c_graph_index)
} w3c_graph;

void w3c_graph_free(w3c_graph *g);
/// Append a triple of copies.  -1 on OOM.
int w3c_graph_add(w3c_graph *g, const w3c_term *s, const w3c_term *p,
                  const w3c_term *o);
/// Append a triple of views.  -1 on OOM.
int w3c_graph_add_views(w3c_graph *g, const bs_term v[3]);
/// Build the subject index (after the last add).  -1 on OOM.
int w3c_graph_index(w3c_graph *g);
/** Objects of (s, p): call with *pos = 0, then again until NULL.
 *  Needs w3c_graph_index().  Borrowed from g. */
const w3c_term *w3c_graph_next(const w3c_graph *g, const w3c_term *s,
                               const char *p, size_t *pos);
/// The first object of (s, p), or NULL.
const w3c_term *w3c_graph_get(const w3c_graph *g, const w3c_term *s,
                              const char *p);
/// Subjects having (p, o=IRI obj); *pos as for w3c_graph_next.  Linear.
const w3c_term *w3c_graph_subject(const w3c_graph *g, const char *p,
                                  const char *obj, size_t *pos);
/** Parse an RDF file (Turtle or RDF/XML by extension) into g.  base:
 *  NULL = the file's URI.  -1 with a message in err on failure. */
int w3c_graph_read(w3c_graph *g, const char *path, const char *base,
                   char *err, size_t errcap);

/// Free the Raptor world the readers share.
void w3c_model_done(void);

/* ---- result parsers (results.c) ----------------------------------------- */

/// SPARQL Query Results XML (.srx).  -1 with err on failure.
int w3c_read_srx(const char *path, w3c_rs *rs, char *err, size_t errcap);
/// SPARQL Query Results JSON (.srj).
int w3c_read_srj(const char *path, w3c_rs *rs, char *err, size_t errcap);
/// TSV results text (len bytes): terms in Turtle syntax.
int w3c_parse_tsv(const char *text, size_t len, w3c_rs *rs, char *err,
                  size_t errcap);
/** CSV results text: every value becomes a simple literal, except "_:x"
 *  (a blank node); an empty field is unbound. */
int w3c_parse_csv(const char *text, size_t len, w3c_rs *rs, char *err,
                  size_t errcap);
/** A result set written in the rs: vocabulary (DAWG result graphs). */
int w3c_graph_to_rs(const w3c_graph *g, w3c_rs *rs, char *err,
                    size_t errcap);
/// Read a whole file (NUL-terminated); caller frees.  NULL on failure.
char *w3c_slurp(const char *path, size_t *len);

/* ---- comparison (compare.c) --------------------------------------------- */

/** How the rows of a result are compared. */
typedef enum {
    W3C_MULTISET = 0, ///< equal multisets (up to blank node renaming)
    W3C_LAX,          ///< equal as sets (REDUCED: duplicates may go)
    W3C_ORDERED       ///< equal multisets, and in order on the key columns
} w3c_mode;

/** Compare an expected result with the one got.  keys (NULL or nkeys
 *  variable names) are the ORDER BY columns for W3C_ORDERED; with no
 *  keys every column is compared in order.  On a difference returns
 *  false with a short reason in why. */
bool w3c_rs_equal(const w3c_rs *expect, const w3c_rs *got, w3c_mode mode,
                  const char *const *keys, size_t nkeys, char *why,
                  size_t whycap);

/// Graph isomorphism (each triple once; duplicates ignored).
bool w3c_graph_equal(const w3c_graph *expect, const w3c_graph *got,
                     char *why, size_t whycap);

#endif
