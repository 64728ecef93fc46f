/* SPDX-License-Identifier: MIT
 * battstore — the substring FILTERs of a text-index level (shared by
 * exec_textfilter.c and exec_textfilter_check.c). */
#ifndef BS_SP_EXEC_TEXTFILTER_H
#define BS_SP_EXEC_TEXTFILTER_H

#include "sparql/exec_int.h"

/** A conjunct  CONTAINS(X, w)  STRSTARTS(X, w)  REGEX(X, w [, flags])
 *  with X = ?v or LCASE(?v) and w, flags literal constants. */
typedef struct {
    int fn;                     ///< BS_FN_CONTAINS, BS_FN_STRSTARTS or BS_FN_REGEX
    bool lcase;                 ///< X = LCASE(?v)
    const bs_sp_const *w;       ///< the needle or pattern (borrowed from the request)
    const bs_sp_const *flags;   ///< REGEX's flags, or NULL
} bs_sp_tfshape;

/// Whether e has the shape above on variable v (into *out).
bool bs_sp_tf_shape(const bs_sp_exec *ex, const bs_sp_expr *e, int v, bs_sp_tfshape *out);

/** Which lexical forms the byte test decides: any bytes, ASCII only, or
 *  ASCII and well-formed UTF-8 (the shortest form, no surrogates, at
 *  most U+10FFFF). */
enum { BS_SP_TF_ANY, BS_SP_TF_ASCII, BS_SP_TF_UTF8 };

/** One conjunct as tested on a candidate literal: by a byte test when its
 *  constants allow one (quick), else by the expression evaluator. */
typedef struct {
    bs_sp_expr *e;      ///< the conjunct (borrowed from the request)
    int fn;
    bool quick;         ///< the byte test applies (to the texts `text` allows)
    bool fold;          ///< the byte test compares the text ASCII-lower-cased
    int text;           ///< texts it decides: BS_SP_TF_ANY, _ASCII or _UTF8
    bool no_i130;       ///< and not those with U+0130 or U+212A (LCASE gives 'i', 'k')
    char *w;            ///< the needle as compared (malloc'ed)
    size_t wn;
} bs_sp_tfcheck;

/** The conjuncts of one level's filters that a literal must pass. */
typedef struct {
    bs_sp_tfcheck *v;   ///< malloc'ed
    size_t n;
    bool *decided;      ///< per filter of the level: wholly decided by the checks
    size_t nfilters;
    bs_id *row;         ///< the evaluator's row: only the variable set
    int var;
} bs_sp_tfchecks;

/** The checks of the filters placed at `level` (flevel[i] == level) on
 *  variable var: every conjunct of the shape above met through ANDs; a
 *  filter made of such conjuncts only is decided.  Free with
 *  bs_sp_tfchecks_free() (also after a failure). */
bs_status bs_sp_tfchecks_build(bs_sp_exec *ex, int var, bs_sp_expr *const *filters,
                               const size_t *flevel, size_t nfilters, size_t level,
                               bs_sp_tfchecks *out);

/** Whether literal lit passes every check (graph: the active graph, for
 *  the evaluator).  Decodes lit once (bs_sp_term: the request's term
 *  cache then holds it for the output). */
bs_status bs_sp_tfchecks_pass(bs_sp_exec *ex, bs_sp_tfchecks *k, bs_id graph, bs_id lit,
                              bool *pass);

void bs_sp_tfchecks_free(bs_sp_tfchecks *k);

/** The byte test of check c on term t: 1 passes, 0 fails, -1 undecided
 *  (the evaluator must decide).  Exposed for tests. */
int bs_sp_tfcheck_quick(const bs_sp_tfcheck *c, const bs_term *t);

#endif
