/* SPDX-License-Identifier: MIT
 * battstore — the SPARQL parser's triples collector, shared by the
 * pattern parser (parse_pattern.c) and the triples parser (parse_triples.c). */
#ifndef BS_SP_PARSE_TRIPLES_H
#define BS_SP_PARSE_TRIPLES_H

#include "sparql/parse_int.h"

/** Where parsed triples go: a pattern's triples and PATH nodes, or a
 *  template's quads (tmpl: no property paths, graph = the GRAPH block). */
typedef struct {
    bool tmpl;
    bs_sp_triple *tr;
    size_t ntr, ctr;
    bs_sp_node **paths;
    size_t np, cp;
    bs_sp_quad *qd;
    size_t nq, cq;
    bs_sp_tpos graph;
} bs_sp_tctx;

/// Free what c holds and zero it.
void bs_sp_tctx_clear(bs_sp_tctx *c);
/// Can the current token start a triple (TriplesSameSubject)?
bool bs_sp_at_triples(const bs_sp_parser *p);
bool bs_sp_at_term(const bs_sp_parser *p);
bs_status bs_sp_parse_triples_same_subject(bs_sp_parser *p, bs_sp_tctx *c);
bs_status bs_sp_parse_graph_node(bs_sp_parser *p, bs_sp_tctx *c, bs_sp_tpos *out);
/// A deep copy of a path; NULL on no memory.
bs_sp_path *bs_sp_path_copy(const bs_sp_path *x);

#endif
