/* SPDX-License-Identifier: MIT
 * battstore — the SPARQL parser's private state: lexer tokens, the
 * parser struct and the helpers shared by lex.c, parse*.c, algebra.c. */
#ifndef BS_SP_PARSE_INT_H
#define BS_SP_PARSE_INT_H

#include "sparql/sparql_int.h"

/* ---- tokens (lex.c) --------------------------------------------------- */
typedef enum {
    TK_EOF = 0,
    TK_IRI,    ///< <...>: s = IRI as written (escapes decoded), unresolved
    TK_PNAME,  ///< prefix:local: s = prefix ":" local (PLX decoded), colon at s[colon]
    TK_BNODE,  ///< _:label: s = label
    TK_VAR,    ///< ?x / $x: s = name
    TK_LANG,   ///< @tag: s = tag
    TK_INT, TK_DEC, TK_DBL, ///< s = lexical form as written (sign included)
    TK_STR,    ///< s = decoded value (slen; may hold U+0000)
    TK_NIL,    ///< ( )
    TK_ANON,   ///< [ ]
    TK_WORD,   ///< a bare name (keyword, function name, 'a', true/false)
    TK_PUNCT   ///< punct = the character, or one of P_* below
} bs_sp_tk;

enum { P_NE = 256, P_LE, P_GE, P_AND, P_OR, P_HATHAT };

typedef struct {
    bs_sp_tk kind;
    int punct;
    size_t start, end; ///< byte offsets in the text
    long line, col;
    char *s;           ///< decoded text (points into the parser's buffer)
    size_t slen;
    size_t colon;      ///< PNAME: offset of ':' in s
} bs_sp_token;

/* ---- variables: scopes for subqueries ---------------------------------- */
typedef enum { VK_USER = 0, VK_BNODE, VK_FRESH } bs_sp_vkind;

typedef struct {
    int parent;    ///< -1 for the outermost query
    bool star;     ///< SELECT *: every name is the parent's
    char **names;  ///< names projected to the parent (explicit SELECT)
    size_t nnames;
} bs_sp_scope;

/* ---- the parser -------------------------------------------------------- */
typedef struct {
    char *label;
    int slot;   ///< pattern: the hidden variable; template: const id
    int block;  ///< the basic graph pattern (or update op) that used it
} bs_sp_blabel;

/// Blank node labels seen, with a hash index (label → entry).
typedef struct {
    bs_sp_blabel *v;
    size_t n, cap;
    int *hash;      ///< open addressing, -1 empty
    size_t hcap;
} bs_sp_labels;

typedef struct {
    char *prefix, *iri;
} bs_sp_prefix;

typedef struct bs_sp_parser {
    const char *text;
    size_t len, pos;
    long line, col;        ///< position of pos
    bs_sp_token t;         ///< current token
    char *buf;             ///< token text buffer
    size_t bufcap;

    bs_sparql *q;          ///< being built
    size_t cap_vars, cap_consts;
    uint8_t *vkind;        ///< bs_sp_vkind per slot
    int *vscope;           ///< scope per slot
    bs_sp_scope *scopes;
    size_t nscopes;
    int scope;             ///< current scope

    int *chash;            ///< const dedup: open addressing, -1 empty
    size_t chash_cap;

    char *base;            ///< current base IRI (may be NULL)
    bs_sp_prefix *prefixes;
    size_t nprefixes;

    bs_sp_labels blabels;  ///< pattern blank node labels
    bs_sp_labels tlabels;  ///< template / data blank node labels
    int block;             ///< current basic-graph-pattern id
    int nblocks;           ///< block ids handed out
    int nfresh;            ///< counter for made-up names
    bool agg_ok;           ///< aggregates allowed here
    bool in_agg;           ///< inside an aggregate's argument
    bool bnodes_are_consts;///< templates: blank nodes are constants
    bool no_bnodes;        ///< DELETE DATA/WHERE/template
    bool no_vars;          ///< INSERT/DELETE DATA

    bs_sparql_error *err;
    bool failed;
} bs_sp_parser;

/* lex.c */
bs_status bs_sp_lex_next(bs_sp_parser *p);
/// Record a syntax error at token tok (first error wins); returns BS_ERR_PARSE.
bs_status bs_sp_fail_at(bs_sp_parser *p, const bs_sp_token *tok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/// "expected WHAT, found <current token>"
bs_status bs_sp_expected(bs_sp_parser *p, const char *what);
/// Describe the current token for messages (static buffer per parser).
const char *bs_sp_tok_desc(bs_sp_parser *p, char *out, size_t n);
bool bs_sp_is_word(const bs_sp_parser *p, const char *kw);
bool bs_sp_is_punct(const bs_sp_parser *p, int c);
/// Accept keyword kw (case-insensitive) if current: advance, true.
bool bs_sp_accept_word(bs_sp_parser *p, const char *kw, bs_status *st);
bool bs_sp_accept_punct(bs_sp_parser *p, int c, bs_status *st);
bs_status bs_sp_expect_word(bs_sp_parser *p, const char *kw);
bs_status bs_sp_expect_punct(bs_sp_parser *p, int c);
/// Save / restore the lexer (for a look-ahead scan).
typedef struct { size_t pos; long line, col; } bs_sp_lexpos;
bs_sp_lexpos bs_sp_lex_save(const bs_sp_parser *p);
bs_status bs_sp_lex_restore(bs_sp_parser *p, bs_sp_lexpos at);

/* parse.c: symbols */
bs_status bs_sp_var_slot(bs_sp_parser *p, const char *name, int *out);
bs_status bs_sp_fresh_var(bs_sp_parser *p, const char *hint, bs_sp_vkind k, int *out);
bs_status bs_sp_const_add(bs_sp_parser *p, bs_term_kind kind, const char *lex,
                          size_t lex_len, const char *extra, size_t extra_len,
                          int *out);
/// The current token (IRI or PNAME) as a constant IRI.
bs_status bs_sp_iri_const(bs_sp_parser *p, int *out);
/// The current token (IRI or PNAME) as a resolved IRI; caller frees.
bs_status bs_sp_tok_iri(bs_sp_parser *p, char **out);
bs_status bs_sp_blank(bs_sp_parser *p, const char *label, bs_sp_tpos *out);
void bs_sp_labels_free(bs_sp_labels *l);
bs_status bs_sp_anon(bs_sp_parser *p, bs_sp_tpos *out);
bs_status bs_sp_push_scope(bs_sp_parser *p, bool star, char **names, size_t n);
void bs_sp_pop_scope(bs_sp_parser *p);
/// Resolve ref against base (RFC 3986 §5.2); caller frees.
char *bs_sp_resolve(const char *base, const char *ref);

/* parse_expr.c */
bs_status bs_sp_parse_expr(bs_sp_parser *p, bs_sp_expr **out);
/// BrackettedExpression, BuiltInCall, FunctionCall (FILTER / ORDER BY constraint)
bs_status bs_sp_parse_constraint(bs_sp_parser *p, bs_sp_expr **out);
bs_status bs_sp_parse_literal(bs_sp_parser *p, int *cid); ///< RDFLiteral/number/boolean
bool bs_sp_at_literal(const bs_sp_parser *p);
bs_sp_expr *bs_sp_expr_new(bs_sp_ex_op op);
bs_status bs_sp_expr_push(bs_sp_expr *e, bs_sp_expr *arg);

/* parse_pattern.c */
/// GroupGraphPattern (incl. a subquery) into algebra; caller frees.
bs_status bs_sp_parse_group(bs_sp_parser *p, bs_sp_node **out);
/** Triples templates / quads (CONSTRUCT, INSERT, DELETE, DATA): until
 *  the closing '}' (not consumed).  quads allows GRAPH blocks. */
bs_status bs_sp_parse_quads(bs_sp_parser *p, bool quads, bs_sp_quad **out,
                            size_t *n);
bs_status bs_sp_parse_values_block(bs_sp_parser *p, bs_sp_node **out);

/* parse_query.c, parse_modifiers.c */
typedef struct {
    int var;           ///< the projected variable
    bs_sp_expr *expr;  ///< (expr AS var), or NULL
    bs_sp_token at;    ///< for messages
} bs_sp_selitem;

/// A SELECT (or the modifiers of ASK/CONSTRUCT/DESCRIBE) being read.
typedef struct {
    bool distinct, reduced, star, project;
    bs_sp_selitem *items;
    size_t nitems;
    bs_sp_node *where;
    bs_sp_expr **gkeys;
    int *gvars;        ///< GROUP BY (expr AS ?v): v, else -1
    size_t ngroup;
    bs_sp_expr **having;
    size_t nhaving;
    bs_sp_expr **okeys;
    bool *odesc;
    size_t norder;
    long long limit, offset;
    bs_sp_node *values; ///< trailing VALUES
    bs_sp_token group_at;
} bs_sp_select;

bs_status bs_sp_finish_select(bs_sp_parser *p, bs_sp_select *s, bs_sp_node **out);
bs_status bs_sp_parse_prologue(bs_sp_parser *p);
bs_status bs_sp_parse_query(bs_sp_parser *p);
/// SubSelect, starting at SELECT; caller frees.
bs_status bs_sp_parse_subselect(bs_sp_parser *p, bs_sp_node **out);

/* parse_update.c */
bs_status bs_sp_parse_update(bs_sp_parser *p);

/* algebra.c */
bs_sp_node *bs_sp_node_new(bs_sp_op op);
/// Join a and b (Z ⋈ x = x); takes both; NULL on no memory (both freed).
bs_sp_node *bs_sp_join(bs_sp_node *a, bs_sp_node *b);
/// Mark in set (nvars bytes) the variables in scope of n (§18.2.1).
void bs_sp_inscope(const bs_sp_node *n, uint8_t *set);
/// Mark the variables an expression mentions (outside EXISTS patterns).
void bs_sp_expr_vars(const bs_sp_expr *e, uint8_t *set);
bool bs_sp_expr_has_agg(const bs_sp_expr *e);
/// Grow *arr (element size sz) to hold n+1 elements.
bs_status bs_sp_grow(void *arr, size_t *cap, size_t n, size_t sz);
char *bs_sp_strndup(const char *s, size_t n);

#endif
