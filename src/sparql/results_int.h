/* SPDX-License-Identifier: MIT
 * battstore — result writers' internals: a row source, the writer state,
 *   the format table and the escaping helpers shared by the writers. */
#ifndef BS_RESULTS_INT_H
#define BS_RESULTS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sparql/sparql.h"
#include "term/term.h"

/** Where rows come from: the public cursor in bs_sparql_write(), hand-made
 *  rows in the unit tests.  Only the callbacks fitting form are used. */
typedef struct {
    bs_sparql_form form;
    const char *const *vars; ///< SELECT: result variable names (no '?')
    size_t nvars;
    /// SELECT: as bs_sparql_next().
    bs_status (*next)(void *ctx, const bs_term *const **row);
    /// CONSTRUCT / DESCRIBE: as bs_sparql_next_triple().
    bs_status (*next_triple)(void *ctx, bs_term t[3]);
    /// ASK: as bs_sparql_ask().
    bs_status (*ask)(void *ctx, bool *out);
    /// The message of the error that ended the source (borrowed), or NULL.
    const char *(*error)(void *ctx);
    void *ctx;
} bs_sp_rows;

/** Write what src yields in format (NULL = the form's default) to out.
 *  Same contract as bs_sparql_write(): BS_ERR_ARG for a format that does
 *  not fit the form; a source error is returned with its message in *err
 *  (caller frees with free()); output already written stays. */
bs_status bs_sp_write_rows(bs_sp_rows *src, const char *format, FILE *out,
                           char **err);

/* ---- writers ----------------------------------------------------------- */

/// State of one running writer.
typedef struct {
    FILE *out;
    const char *const *vars;
    size_t nvars;
    bool ask;    ///< an ASK result (boolean() instead of rows)
    uint64_t n;  ///< rows / triples written so far
    void *priv;  ///< format-specific state, freed by the format's done()
    char msg[256]; ///< a writer's own error message ("" = none)
} bs_sp_writer;

/** One output format.  Calls: begin, then rows or triples or boolean, then
 *  end; done always last (also after an error: frees priv, writes
 *  nothing).  Each returns BS_OK or an error (BS_ERR_IO is detected by
 *  the driver from ferror()). */
typedef struct {
    const char *name;
    const char *mime;
    bool graph; ///< for CONSTRUCT / DESCRIBE (else SELECT / ASK)
    bs_status (*begin)(bs_sp_writer *w, bool ask);
    bs_status (*row)(bs_sp_writer *w, const bs_term *const *row);
    bs_status (*triple)(bs_sp_writer *w, const bs_term t[3]);
    bs_status (*boolean)(bs_sp_writer *w, bool b);
    bs_status (*end)(bs_sp_writer *w);
    void (*done)(bs_sp_writer *w);
} bs_sp_format;

/* results_srx.c */
extern const bs_sp_format bs_sp_fmt_json, bs_sp_fmt_xml;
/* results_text.c */
extern const bs_sp_format bs_sp_fmt_csv, bs_sp_fmt_tsv;
/* results_table.c */
extern const bs_sp_format bs_sp_fmt_table;
/* results_rdf.c */
extern const bs_sp_format bs_sp_fmt_ntriples, bs_sp_fmt_nquads,
    bs_sp_fmt_turtle, bs_sp_fmt_rdfxml;

/* ---- escaping (results_esc.c) ------------------------------------------ */

/** Decode one UTF-8 sequence at s (n > 0 bytes left): *cp = the code
 *  point, or U+FFFD for an ill-formed sequence; returns the bytes used
 *  (>= 1). */
size_t bs_sp_utf8_next(const unsigned char *s, size_t n, uint32_t *cp);

/// Code points in a UTF-8 string (ill-formed bytes count one each).
size_t bs_sp_utf8_len(const char *s, size_t n);

/** JSON string contents (no quotes): " \ escaped, controls as \uXXXX
 *  (\n \r \t short), U+2028/9 escaped, ill-formed UTF-8 as U+FFFD. */
void bs_sp_put_json(FILE *out, const char *s, size_t n);

/** XML 1.0 text or attribute contents: & < > " escaped, CR and TAB/LF as
 *  character references (they survive attribute normalisation), chars
 *  XML 1.0 cannot hold (C0 controls, U+FFFE/F, ill-formed) as U+FFFD. */
void bs_sp_put_xml(FILE *out, const char *s, size_t n);

/** N-Triples / Turtle string contents (no quotes): canonical N-Triples
 *  escapes: \b \t \n \f \r \" \\ and \uXXXX for other controls and DEL. */
void bs_sp_put_nt_string(FILE *out, const char *s, size_t n);

/** <IRI> with the characters IRIREF forbids (controls, space, <>"{}|^`\)
 *  as \uXXXX. */
void bs_sp_put_nt_iri(FILE *out, const char *s, size_t n);

/** _:label, made a valid BLANK_NODE_LABEL and XML NCName: a label of
 *  [A-Za-z][A-Za-z0-9_]* not starting with "hx" is kept, any other is
 *  written "hx" + hex of its bytes (one-to-one, so distinct nodes stay
 *  distinct).  with_prefix: write the "_:". */
void bs_sp_put_bnode(FILE *out, const char *s, size_t n, bool with_prefix);

/** A term in N-Triples syntax.  short_numbers: integer, decimal and
 *  double literals whose lexical form is a Turtle number token are
 *  written bare (TSV, Turtle). */
void bs_sp_put_term_nt(FILE *out, const bs_term *t, bool short_numbers);

/// Length in code points of bs_sp_put_term_nt()'s output for t.
size_t bs_sp_term_nt_width(const bs_term *t, bool short_numbers);

/** The N-Triples text of t as a malloc'd NUL-terminated string (caller
 *  frees with free()), or NULL when out of memory. */
char *bs_sp_term_nt_str(const bs_term *t, bool short_numbers, size_t *len);

/** 1 when t is a TYPED literal of datatype xsd:string (a simple literal
 *  that was not normalised): written as a simple literal everywhere. */
bool bs_sp_is_xsd_string(const bs_term *t);

/** 1 when t is an xsd:integer/decimal/double literal whose lexical form
 *  is the matching Turtle number token (so it may be written bare). */
bool bs_sp_is_short_number(const bs_term *t);

#endif
