/* SPDX-License-Identifier: MIT
 * Test helper: N-Quads texts compared up to blank node labels. */
#ifndef BS_TEST_CANON_H
#define BS_TEST_CANON_H

#include <stddef.h>

typedef struct canon_quad canon_quad;

/** The canonical form of an N-Quads text as bs_export() writes it (one
 *  quad per line, terms separated by one space): every blank node is
 *  named by a colour refined from its neighbourhood (Weisfeiler-Leman:
 *  isomorphic graphs get the same colours), and the quad lines, so
 *  renamed, are sorted.  Two texts hold the same graph up to blank node
 *  labels when their lines are equal (the converse is all but certain). */
typedef struct {
    size_t n;      ///< quads
    size_t nb;     ///< distinct blank nodes
    char **lines;  ///< n canonical lines, sorted
    canon_quad *q; /* internal */
} canon;

/// Make the canonical form of text (borrowed during the call); -1 when it is not N-Quads.
int canon_make(canon *c, const char *text);

/// Free what c holds.
void canon_free(canon *c);

#endif
