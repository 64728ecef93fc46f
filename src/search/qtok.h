/* SPDX-License-Identifier: MIT
 * battstore — search: per-token lists of the snapshot cache (qtok.c), so
 * that a prefix (electro*) is answered from its tokens' resolved
 * resources instead of reading its postings and looking up each of its
 * literals for every query. */
#ifndef BS_QTOK_H
#define BS_QTOK_H

#include "search/qcache.h"

/** A token's match of one (subject, graph): the best score among the
 *  token's literals the subject holds in that graph, and that literal
 *  (score, then least literal, then least predicate id: bs_qgm_direct's
 *  order, so the best item of a subject is its best direct match). */
typedef struct {
    uint32_t si;       ///< subject index (bs_qcache.subj)
    float score;       ///< BM25 × field weight of (literal, token)
    uint16_t graph;    ///< graph index (bs_qcache.graphs)
    uint16_t pred;     ///< the literal's predicate index
    uint32_t lit;      ///< the literal: its index in bs_qcache.lits.keys
} bs_qtok_item;

/** A (literal, subject, graph) of a token whose literal may name a class
 *  (at most BS_Q_CLASS_LABEL_MAX_TOKENS tokens long, a subject that may
 *  be a class): every one, not only the best, as a word's class
 *  expansion notes each class's best label literal (query.c). */
typedef struct {
    uint32_t si, lit;  ///< subject index, literal index (lits.keys)
    float score;
    uint16_t graph, pred;
    uint8_t len;       ///< the literal's length in tokens
} bs_qtok_label;

/** One token's items, ascending by (subject, graph index); immutable
 *  once published, freed with the cache. */
typedef struct {
    bs_qtok_item *v;
    size_t n;
    bs_qtok_label *lab;  ///< the class-label candidates (a word's expansion)
    size_t nlab;
    float max;         ///< best score of v (0 when empty)
    uint64_t postings; ///< the token's postings (the prefix cap counts them)
} bs_qtok_list;

/** The per-token state of a cache (built lazily: the vocabulary at the
 *  first prefix search, a token's list at the first search of a prefix
 *  it starts with). */
typedef struct bs_qtoks bs_qtoks;

bs_qtoks *bs_qtoks_new(void);
void bs_qtoks_free(bs_qtoks *t);

/** The lists of every token starting with prefix (built when missing, in
 *  txn: a read transaction of qc's snapshot) into *out (malloc'ed, *n of
 *  them; the lists live as long as qc).  BS_NOT_FOUND when they cannot
 *  be had (more postings than a prefix reads, PREFIX_MAX_POSTINGS, or
 *  past the lists' memory cap): the caller takes the literal path.
 *  BS_ERR_TIMEOUT when clock's deadline passes during a build (the lists
 *  built so far are kept). */
bs_status bs_qtok_prefix(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                         bs_qclock *clock, const char *prefix, const bs_qtok_list ***out,
                         size_t *n);
/** bs_qtok_prefix for the token word itself (a word's group): *n is 0
 *  or 1. */
bs_status bs_qtok_word(const bs_qcache *qc, bs_txn *txn, const bs_qcorpus *c,
                       bs_qclock *clock, const char *word, const bs_qtok_list ***out,
                       size_t *n);

/** Memory the lists of qc hold (bytes); *vocab (unless NULL): what its
 *  vocabulary holds. */
size_t bs_qtok_bytes(const bs_qcache *qc, size_t *vocab);

/** Tests: off = prefixes take the literal path; the lists' memory cap
 *  (0: the default). */
void bs_qtok_set(bool on, size_t max_bytes);
bool bs_qtok_on(void);

#endif
