/* SPDX-License-Identifier: MIT
 * battstore — the text index as a substring pre-filter: which literals
 * may contain a word-character needle, found from the index's
 * vocabulary (used by the SPARQL engine's FILTER rewrite,
 * src/sparql/exec_textfilter.c). */
#ifndef BS_SEARCH_VOCAB_H
#define BS_SEARCH_VOCAB_H

#include "search/search.h"

/** Whether the text index of s answers for txn about the literal
 *  objects of predicate p: p is an indexed predicate, the index is
 *  usable and recorded fresh in txn, and txn is a read transaction (in a
 *  write transaction the index lags the quads until commit). */
bool bs_search_covers(bs_search *s, bs_txn *txn, bs_id p);

/** Every document (literal id) that has a token containing
 *  needle[0..len), which must be lower-case ASCII letters and digits,
 *  plus every document with a token the tokenizer may have cut (a
 *  folded token is cut to 64 bytes, so the needle may lie in the part
 *  cut off); only documents that may be objects of predicate p (p = 0:
 *  of any indexed predicate): a document's field is the best among the
 *  predicates it is an object of, so a literal object of p has a field
 *  no worse than p's.  Ascending, distinct; *out malloc'ed (NULL when
 *  *n = 0), caller frees.  BS_ERR_ARG for another needle; BS_ERR_LIMIT
 *  (nothing returned) as soon as more than max postings qualify (max 0:
 *  no cap), when a scan would be cheaper than the candidates. */
bs_status bs_search_substring_docs(bs_search *s, bs_txn *txn, bs_id p, const char *needle,
                                   size_t len, size_t max, bs_id **out, size_t *n);

/** Tests: 0 = walk the index's vocabulary for every call instead of the
 *  copy kept per snapshot (process-wide; default 1). */
extern int bs_search_vocab_cache;

#endif
