/* SPDX-License-Identifier: MIT
 * battstore — RDF terms, their canonical byte encoding and 48-bit ids. */
#ifndef BS_TERM_H
#define BS_TERM_H

#include <stddef.h>
#include <stdint.h>
#include "util/status.h"

/** A term id.  Ids are 40 bits (5 bytes) wide on disk: the top 4 of
 *  those bits are the term kind (so ids sort blank < IRI < literal,
 *  SPARQL's ORDER BY classes) and the low 36 bits a sequence number
 *  (68 × 10⁹ terms).  Id 0 is "no term" and, as a graph, the default
 *  graph.  BS_ID_BYTES is the one place the width is set. */
typedef uint64_t bs_id;

#define BS_ID_BYTES 5
#define BS_ID_BITS (8 * BS_ID_BYTES)
#define BS_ID_SEQ_BITS (BS_ID_BITS - 4)
#define BS_ID_MAX ((((uint64_t)1) << BS_ID_BITS) - 1)
/** Wildcard in quad patterns (never a real id). */
#define BS_ANY UINT64_MAX
/** The default graph. */
#define BS_DEFAULT_GRAPH ((bs_id)0)

/** Term kinds; the numeric order is the SPARQL ORDER BY order of kinds. */
typedef enum {
    BS_TERM_BNODE = 1,   ///< blank node; lex = label
    BS_TERM_IRI = 2,     ///< IRI; lex = IRI text
    BS_TERM_LITERAL = 3, ///< simple literal (= xsd:string); lex = value
    BS_TERM_LANG = 4,    ///< language-tagged literal; extra = language tag
    BS_TERM_TYPED = 5    ///< typed literal; extra = datatype IRI
} bs_term_kind;

/** A borrowed view of a term: the strings are not owned and not
 *  NUL-terminated (they may contain U+0000). */
typedef struct {
    bs_term_kind kind;
    const char *lex;   ///< IRI, blank label or lexical form
    size_t lex_len;
    const char *extra; ///< language tag (LANG) or datatype IRI (TYPED)
    size_t extra_len;
} bs_term;

#define BS_XSD "http://www.w3.org/2001/XMLSchema#"
#define BS_XSD_STRING BS_XSD "string"

/// Kind encoded in an id (0 for id 0).
static inline bs_term_kind bs_id_kind(bs_id id)
{
    return (bs_term_kind)((id >> BS_ID_SEQ_BITS) & 0xF);
}

/// Compose an id from a kind and a sequence number.
static inline bs_id bs_id_make(bs_term_kind kind, uint64_t seq)
{
    return ((uint64_t)kind << BS_ID_SEQ_BITS) | (seq & ((((uint64_t)1) << BS_ID_SEQ_BITS) - 1));
}

/// Store an id big-endian in BS_ID_BYTES bytes (byte order = numeric order).
static inline void bs_id_put(uint8_t *p, bs_id id)
{
    for (int i = BS_ID_BYTES - 1; i >= 0; i--) { p[i] = (uint8_t)id; id >>= 8; }
}

/// Read a big-endian id of BS_ID_BYTES bytes.
static inline bs_id bs_id_get(const uint8_t *p)
{
    bs_id id = 0;
    for (int i = 0; i < BS_ID_BYTES; i++) id = (id << 8) | p[i];
    return id;
}

/** Make a term view.  A TYPED term whose datatype is xsd:string is
 *  normalised to a LITERAL (RDF 1.1: simple literal = xsd:string). */
bs_term bs_term_iri(const char *iri, size_t len);
bs_term bs_term_bnode(const char *label, size_t len);
bs_term bs_term_literal(const char *lex, size_t len, const char *lang,
                        size_t lang_len, const char *dt, size_t dt_len);

/// Bytes needed to encode t.
size_t bs_term_encoded_size(const bs_term *t);

/** Canonical encoding: kind byte, then for LANG/TYPED a varint length and
 *  the extra string (a language tag in lower case: tags are
 *  case-insensitive, so "x"@EN and "x"@en are one term), then the
 *  lexical bytes.  Writes at most cap bytes;
 *  returns BS_ERR_ARG when cap is too small or the term is invalid. */
bs_status bs_term_encode(const bs_term *t, uint8_t *buf, size_t cap,
                         size_t *len_out);

/** Decode an encoding into a view borrowing from buf. */
bs_status bs_term_decode(const uint8_t *buf, size_t len, bs_term *out);

/// 64-bit hash of an encoding (stable on disk: part of the store format).
uint64_t bs_hash64(const void *data, size_t len);

/// 1 when the two views denote the same RDF term.
int bs_term_equal(const bs_term *a, const bs_term *b);

#endif
