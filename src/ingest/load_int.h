/* SPDX-License-Identifier: MIT
 * battstore — the loader's internals, shared by load.c (the statement
 * logic and the transaction) and its two parser front ends. */
#ifndef BS_LOAD_INT_H
#define BS_LOAD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "ingest/ingest_int.h"

/*
 * A front end parses one file and hands each statement to
 * bs_ld_statement() as term views over its own strings:
 *
 *   load_raptor.c  Raptor2: every format; by default RDF/XML, files
 *                  serd gave up on and remote files
 *   load_serd.c    serd: N-Triples, N-Quads, Turtle, TriG (local files)
 *
 * Everything after the views (blank node prefixes are the only naming
 * the front ends do) is one code path: ids, graphs, --replace, the
 * --imports facts, counts and progress.
 */

/** One term of a statement: a view valid for the call.  id != 0 when the
 *  front end already knows the term's id (Raptor's IRI cache). */
typedef struct {
    bs_term t;
    bs_id id;
} bs_ld_term;

/** One statement.  has_graph false: no graph named (every statement of
 *  a triple format, the default-graph ones of a quad format). */
typedef struct {
    bs_ld_term s, p, o, g;
    bool has_graph;
} bs_ld_stmt;

/* The last term seen in one position (subject, graph) and its id:
 * consecutive statements often share them. */
typedef struct {
    char *buf;
    size_t cap;
    bs_term_kind kind;
    size_t lex_len, extra_len;
    bs_id id; /* 0 = nothing memoised */
} bs_ld_memo;

enum { BS_LD_M_S, BS_LD_M_G, BS_LD_M_N };

/* A version IRI to record once the quads are written. */
typedef struct {
    bs_id graph, version;
} bs_ld_version;

typedef struct bs_ld_raptor bs_ld_raptor;

/** The state of one load (load.c owns it). */
typedef struct {
    /* the whole load */
    const bs_load_opts *opts;
    const char *const *paths;
    size_t npaths;
    bs_load_report *rep;
    bs_ld_raptor *raptor; /* load_raptor.c */
    bool serd_off;        /* BATTSTORE_PARSER=raptor */
    size_t *to_raptor;    /* numbers of the files serd gave up on */
    size_t n_to_raptor, to_raptor_cap;
    bool rerun;           /* a file went to to_raptor: run the load again */
    size_t serd_err_file; /* serd's error for the last file it gave up on */
    long serd_err_line, serd_err_col;
    char *serd_err_msg;
    FILE *spool;          /* copy of stdin: a run may have to read it again */
    unsigned char *chunk;
    double t0, last_progress;
    size_t files_total;
    /* one run of the transaction */
    bs_txn *txn;
    bs_bulk *bulk;
    bs_closure *closure;
    bs_id target;         /* graph of statements without one */
    uint64_t nonce;       /* makes blank node labels unique per load */
    size_t file_no;       /* 1-based number of the current file in the run */
    bs_ld_memo memo[BS_LD_M_N];
    char bprefix[64];     /* blank node label prefix of the current file */
    size_t bprefix_len;
    bs_quad *held;        /* --imports: quads of the current file */
    size_t nheld, held_cap;
    bs_id *repl;          /* --replace: graphs to clear */
    size_t nrepl, repl_cap;
    bs_ld_version *vers;
    size_t nvers, vers_cap;
    bool clear_target;
    bs_onto_facts facts;
    /* the current file */
    const bs_job *job;
    uint64_t file_triples;
    bool perr;            /* the parser reported an error */
    bs_status st;         /* first failure inside a callback */
} bs_ld_ctx;

/* ---- load.c ------------------------------------------------------------ */

/** Take one statement of the current file: intern its terms, queue (or,
 *  with --imports, hold) the quad, collect the file's ontology facts,
 *  count it.  The views are only read during the call. */
bs_status bs_ld_statement(bs_ld_ctx *c, const bs_ld_stmt *t);

/** Open the current job's local file (stdin: the spool, rewound).  A file
 *  that cannot be opened is reported (BS_ERR_IO). */
bs_status bs_ld_open_input(bs_ld_ctx *c, FILE **in);

/* ---- load_raptor.c ----------------------------------------------------- */

/// Raptor world and caches for the whole load; freed by bs_ld_raptor_close().
bs_status bs_ld_raptor_open(bs_ld_ctx *c);
/// Free what bs_ld_raptor_open() made.  Safe when it failed or never ran.
void bs_ld_raptor_close(bs_ld_ctx *c);
/// Forget cached ids (a new run of the transaction begins).
void bs_ld_raptor_reset(bs_ld_ctx *c);
/** Parse c->job with Raptor.  BS_ERR_PARSE (reported) on a syntax error. */
bs_status bs_ld_raptor_parse(bs_ld_ctx *c);

/* ---- load_serd.c ------------------------------------------------------- */

/// True when serd reads this Raptor parser's format.
bool bs_ld_serd_reads(const char *parser);
/** Parse c->job (a local file) with serd.  On a syntax error, or anything
 *  serd cannot do as Raptor would, the file's number goes to
 *  c->to_raptor, c->rerun is set and BS_ERR_PARSE returned: the load runs
 *  again with Raptor reading that file. */
bs_status bs_ld_serd_parse(bs_ld_ctx *c);

#endif
