/* SPDX-License-Identifier: MIT
 * battstore — SPARQL expressions (§19.8 Expression .. PrimaryExpression,
 * BuiltInCall, Aggregate) and RDF literals. */
#include "config.h"
#include "sparql/parse_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bs_sp_expr *bs_sp_expr_new(bs_sp_ex_op op)
{
    bs_sp_expr *e = calloc(1, sizeof *e);
    if (e) {
        e->op = op;
        e->var = -1;
        e->cid = -1;
    }
    return e;
}

bs_status bs_sp_expr_push(bs_sp_expr *e, bs_sp_expr *arg)
{
    bs_sp_expr **na = realloc(e->args, (e->nargs + 1) * sizeof *na);
    if (!na) {
        bs_sp_expr_free(arg);
        return BS_ERR_NOMEM;
    }
    e->args = na;
    na[e->nargs++] = arg;
    return BS_OK;
}

/// A new node op(a, b) taking a and b (freed on failure).
static bs_status binary(bs_sp_ex_op op, bs_sp_expr **a, bs_sp_expr *b)
{
    bs_sp_expr *e = bs_sp_expr_new(op);
    if (!e) {
        bs_sp_expr_free(b);
        return BS_ERR_NOMEM;
    }
    bs_status st = bs_sp_expr_push(e, *a);
    if (!st)
        st = bs_sp_expr_push(e, b);
    else
        bs_sp_expr_free(b);
    if (st) {
        *a = NULL;
        bs_sp_expr_free(e);
        return st;
    }
    *a = e;
    return BS_OK;
}

/* ---- literals ------------------------------------------------------------ */

bool bs_sp_at_literal(const bs_sp_parser *p)
{
    bs_sp_tk k = p->t.kind;
    return k == TK_STR || k == TK_INT || k == TK_DEC || k == TK_DBL ||
           bs_sp_is_word(p, "true") || bs_sp_is_word(p, "false");
}

static bs_status typed(bs_sp_parser *p, const char *dt, int *cid)
{
    char *lex = bs_sp_strndup(p->t.s, p->t.slen);
    if (!lex)
        return BS_ERR_NOMEM;
    bs_status st = bs_sp_const_add(p, BS_TERM_TYPED, lex, strlen(lex), dt, strlen(dt), cid);
    free(lex);
    return st ? st : bs_sp_lex_next(p);
}

bs_status bs_sp_parse_literal(bs_sp_parser *p, int *cid)
{
    bs_status st = BS_OK;
    char *lex = NULL, *dt = NULL;
    switch (p->t.kind) {
    case TK_INT: return typed(p, BS_XSD "integer", cid);
    case TK_DEC: return typed(p, BS_XSD "decimal", cid);
    case TK_DBL: return typed(p, BS_XSD "double", cid);
    case TK_WORD:
        if (bs_sp_is_word(p, "true") || bs_sp_is_word(p, "false")) {
            const char *v = bs_sp_is_word(p, "true") ? "true" : "false";
            TRY(st, bs_sp_const_add(p, BS_TERM_TYPED, v, strlen(v), BS_XSD "boolean",
                                    strlen(BS_XSD "boolean"), cid));
            return bs_sp_lex_next(p);
        }
        return bs_sp_expected(p, "a literal");
    case TK_STR: break;
    default: return bs_sp_expected(p, "a literal");
    }
    size_t n = p->t.slen;
    if (!(lex = bs_sp_strndup(p->t.s, n)))
        return BS_ERR_NOMEM;
    TRY(st, bs_sp_lex_next(p));
    if (p->t.kind == TK_LANG) {
        TRY(st, bs_sp_const_add(p, BS_TERM_LANG, lex, n, p->t.s, p->t.slen, cid));
        TRY(st, bs_sp_lex_next(p));
    } else if (bs_sp_is_punct(p, P_HATHAT)) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_tok_iri(p, &dt));
        TRY(st, bs_sp_const_add(p, BS_TERM_TYPED, lex, n, dt, strlen(dt), cid));
        TRY(st, bs_sp_lex_next(p));
    } else {
        TRY(st, bs_sp_const_add(p, BS_TERM_LITERAL, lex, n, NULL, 0, cid));
    }
fail:
    free(lex);
    free(dt);
    return st;
}

/* ---- builtins ------------------------------------------------------------- */

static const struct builtin {
    const char *name;
    bs_sp_fn fn;
    int min, max; /* max -1 = any */
} builtins[] = {
    {"STR", BS_FN_STR, 1, 1}, {"LANG", BS_FN_LANG, 1, 1},
    {"LANGMATCHES", BS_FN_LANGMATCHES, 2, 2}, {"DATATYPE", BS_FN_DATATYPE, 1, 1},
    {"BOUND", BS_FN_BOUND, 1, 1}, {"IRI", BS_FN_IRI, 1, 1}, {"URI", BS_FN_URI, 1, 1},
    {"BNODE", BS_FN_BNODE, 0, 1}, {"RAND", BS_FN_RAND, 0, 0}, {"ABS", BS_FN_ABS, 1, 1},
    {"CEIL", BS_FN_CEIL, 1, 1}, {"FLOOR", BS_FN_FLOOR, 1, 1}, {"ROUND", BS_FN_ROUND, 1, 1},
    {"CONCAT", BS_FN_CONCAT, 0, -1}, {"SUBSTR", BS_FN_SUBSTR, 2, 3},
    {"STRLEN", BS_FN_STRLEN, 1, 1}, {"REPLACE", BS_FN_REPLACE, 3, 4},
    {"UCASE", BS_FN_UCASE, 1, 1}, {"LCASE", BS_FN_LCASE, 1, 1},
    {"ENCODE_FOR_URI", BS_FN_ENCODE_FOR_URI, 1, 1}, {"CONTAINS", BS_FN_CONTAINS, 2, 2},
    {"STRSTARTS", BS_FN_STRSTARTS, 2, 2}, {"STRENDS", BS_FN_STRENDS, 2, 2},
    {"STRBEFORE", BS_FN_STRBEFORE, 2, 2}, {"STRAFTER", BS_FN_STRAFTER, 2, 2},
    {"YEAR", BS_FN_YEAR, 1, 1}, {"MONTH", BS_FN_MONTH, 1, 1}, {"DAY", BS_FN_DAY, 1, 1},
    {"HOURS", BS_FN_HOURS, 1, 1}, {"MINUTES", BS_FN_MINUTES, 1, 1},
    {"SECONDS", BS_FN_SECONDS, 1, 1}, {"TIMEZONE", BS_FN_TIMEZONE, 1, 1},
    {"TZ", BS_FN_TZ, 1, 1}, {"NOW", BS_FN_NOW, 0, 0}, {"UUID", BS_FN_UUID, 0, 0},
    {"STRUUID", BS_FN_STRUUID, 0, 0}, {"MD5", BS_FN_MD5, 1, 1}, {"SHA1", BS_FN_SHA1, 1, 1},
    {"SHA256", BS_FN_SHA256, 1, 1}, {"SHA384", BS_FN_SHA384, 1, 1},
    {"SHA512", BS_FN_SHA512, 1, 1}, {"COALESCE", BS_FN_COALESCE, 0, -1},
    {"IF", BS_FN_IF, 3, 3}, {"STRLANG", BS_FN_STRLANG, 2, 2}, {"STRDT", BS_FN_STRDT, 2, 2},
    {"sameTerm", BS_FN_SAMETERM, 2, 2}, {"isIRI", BS_FN_ISIRI, 1, 1},
    {"isURI", BS_FN_ISURI, 1, 1}, {"isBLANK", BS_FN_ISBLANK, 1, 1},
    {"isLITERAL", BS_FN_ISLITERAL, 1, 1}, {"isNUMERIC", BS_FN_ISNUMERIC, 1, 1},
    {"REGEX", BS_FN_REGEX, 2, 3},
};

static const char *const agg_names[] = {NULL, "COUNT", "SUM", "MIN", "MAX", "AVG",
                                        "SAMPLE", "GROUP_CONCAT"};

/// '(' Expression (',' Expression)* ')' or NIL, into e's args.
static bs_status arg_list(bs_sp_parser *p, bs_sp_expr *e, bool allow_distinct)
{
    bs_status st = BS_OK;
    if (p->t.kind == TK_NIL)
        return bs_sp_lex_next(p);
    TRY(st, bs_sp_expect_punct(p, '('));
    if (allow_distinct && bs_sp_accept_word(p, "DISTINCT", &st)) {
        TRY(st, st);
        e->distinct = true;
    }
    for (;;) {
        bs_sp_expr *a = NULL;
        TRY(st, bs_sp_parse_expr(p, &a));
        TRY(st, bs_sp_expr_push(e, a));
        if (!bs_sp_accept_punct(p, ',', &st))
            break;
        TRY(st, st);
    }
    TRY(st, bs_sp_expect_punct(p, ')'));
fail:
    return st;
}

static bs_status parse_aggregate(bs_sp_parser *p, int fn, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    bs_sp_token at = p->t;
    bs_sp_expr *e = NULL;
    if (!p->agg_ok)
        return bs_sp_fail_at(p, &at, "aggregate %s not allowed here", agg_names[fn]);
    if (p->in_agg)
        return bs_sp_fail_at(p, &at, "aggregates cannot be nested");
    if (!(e = bs_sp_expr_new(BS_EX_AGG)))
        return BS_ERR_NOMEM;
    e->fn = fn;
    p->in_agg = true;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_expect_punct(p, '('));
    if (bs_sp_accept_word(p, "DISTINCT", &st)) {
        TRY(st, st);
        e->distinct = true;
    }
    if (fn == BS_AGG_COUNT && bs_sp_is_punct(p, '*')) {
        TRY(st, bs_sp_lex_next(p));
    } else {
        bs_sp_expr *a = NULL;
        TRY(st, bs_sp_parse_expr(p, &a));
        TRY(st, bs_sp_expr_push(e, a));
    }
    if (fn == BS_AGG_GROUP_CONCAT && bs_sp_accept_punct(p, ';', &st)) {
        TRY(st, st);
        TRY(st, bs_sp_expect_word(p, "SEPARATOR"));
        TRY(st, bs_sp_expect_punct(p, '='));
        if (p->t.kind != TK_STR)
            TRY(st, bs_sp_expected(p, "a string"));
        if (!(e->separator = bs_sp_strndup(p->t.s, p->t.slen)))
            TRY(st, BS_ERR_NOMEM);
        TRY(st, bs_sp_lex_next(p));
    }
    TRY(st, bs_sp_expect_punct(p, ')'));
    p->in_agg = false;
    *out = e;
    return BS_OK;
fail:
    p->in_agg = false;
    bs_sp_expr_free(e);
    return st;
}

static bs_status parse_exists(bs_sp_parser *p, bool neg, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    bs_sp_expr *e = bs_sp_expr_new(neg ? BS_EX_NOT_EXISTS : BS_EX_EXISTS);
    bool agg_ok = p->agg_ok;
    if (!e)
        return BS_ERR_NOMEM;
    p->agg_ok = false;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_parse_group(p, &e->pattern));
    *out = e;
    e = NULL;
fail:
    p->agg_ok = agg_ok;
    bs_sp_expr_free(e);
    return st;
}

static bs_status parse_builtin(bs_sp_parser *p, const struct builtin *b, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    bs_sp_token at = p->t;
    bs_sp_expr *e = bs_sp_expr_new(BS_EX_FUNC);
    if (!e)
        return BS_ERR_NOMEM;
    e->fn = b->fn;
    TRY(st, bs_sp_lex_next(p));
    if (b->fn == BS_FN_BOUND) {
        TRY(st, bs_sp_expect_punct(p, '('));
        if (p->t.kind != TK_VAR)
            TRY(st, bs_sp_expected(p, "a variable"));
        bs_sp_expr *v = bs_sp_expr_new(BS_EX_VAR);
        if (!v)
            TRY(st, BS_ERR_NOMEM);
        TRY(st, bs_sp_expr_push(e, v));
        TRY(st, bs_sp_var_slot(p, p->t.s, &v->var));
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_expect_punct(p, ')'));
    } else {
        if (p->t.kind != TK_NIL && !bs_sp_is_punct(p, '('))
            TRY(st, bs_sp_expected(p, "'('"));
        TRY(st, arg_list(p, e, false));
    }
    if ((int)e->nargs < b->min || (b->max >= 0 && (int)e->nargs > b->max))
        TRY(st, bs_sp_fail_at(p, &at, "wrong number of arguments to %s", b->name));
    *out = e;
    return BS_OK;
fail:
    bs_sp_expr_free(e);
    return st;
}

static bs_status parse_word_primary(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    for (size_t i = 1; i < sizeof agg_names / sizeof agg_names[0]; i++)
        if (bs_sp_is_word(p, agg_names[i]))
            return parse_aggregate(p, (int)i, out);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        if (bs_sp_is_word(p, builtins[i].name))
            return parse_builtin(p, &builtins[i], out);
    if (bs_sp_is_word(p, "EXISTS"))
        return parse_exists(p, false, out);
    if (bs_sp_is_word(p, "NOT")) {
        TRY(st, bs_sp_lex_next(p));
        if (!bs_sp_is_word(p, "EXISTS"))
            return bs_sp_expected(p, "'EXISTS'");
        return parse_exists(p, true, out);
    }
    if (bs_sp_is_word(p, "true") || bs_sp_is_word(p, "false")) {
        bs_sp_expr *e = bs_sp_expr_new(BS_EX_CONST);
        if (!e)
            return BS_ERR_NOMEM;
        *out = e;
        return bs_sp_parse_literal(p, &e->cid);
    }
    return bs_sp_expected(p, "an expression");
fail:
    return st;
}

/// iri or iri(args): a constant or a function call.
static bs_status parse_iri_or_call(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    bs_sp_expr *e = bs_sp_expr_new(BS_EX_CONST);
    if (!e)
        return BS_ERR_NOMEM;
    TRY(st, bs_sp_iri_const(p, &e->cid));
    TRY(st, bs_sp_lex_next(p));
    if (p->t.kind == TK_NIL || bs_sp_is_punct(p, '(')) {
        e->op = BS_EX_CALL;
        TRY(st, arg_list(p, e, true));
    }
    *out = e;
    return BS_OK;
fail:
    bs_sp_expr_free(e);
    return st;
}

static bs_status parse_primary(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    bs_sp_expr *e = NULL;
    switch (p->t.kind) {
    case TK_VAR:
        if (!(e = bs_sp_expr_new(BS_EX_VAR)))
            return BS_ERR_NOMEM;
        *out = e;
        TRY(st, bs_sp_var_slot(p, p->t.s, &e->var));
        return bs_sp_lex_next(p);
    case TK_IRI:
    case TK_PNAME:
        return parse_iri_or_call(p, out);
    case TK_STR: case TK_INT: case TK_DEC: case TK_DBL:
        if (!(e = bs_sp_expr_new(BS_EX_CONST)))
            return BS_ERR_NOMEM;
        *out = e;
        return bs_sp_parse_literal(p, &e->cid);
    case TK_WORD:
        return parse_word_primary(p, out);
    case TK_PUNCT:
        if (p->t.punct == '(') {
            TRY(st, bs_sp_lex_next(p));
            TRY(st, bs_sp_parse_expr(p, out));
            return bs_sp_expect_punct(p, ')');
        }
        /* fall through */
    default:
        return bs_sp_expected(p, "an expression");
    }
fail:
    return st;
}

static bs_status parse_unary(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_sp_ex_op op = bs_sp_is_punct(p, '!') ? BS_EX_NOT : bs_sp_is_punct(p, '-') ? BS_EX_NEG
                   : bs_sp_is_punct(p, '+') ? BS_EX_PLUS : 0;
    if (!op)
        return parse_primary(p, out);
    bs_status st = bs_sp_lex_next(p);
    bs_sp_expr *e = bs_sp_expr_new(op), *a = NULL;
    if (!e)
        return BS_ERR_NOMEM;
    if (!st)
        st = parse_primary(p, &a);
    if (!st)
        st = bs_sp_expr_push(e, a);
    else
        bs_sp_expr_free(a);
    if (st) {
        bs_sp_expr_free(e);
        return st;
    }
    *out = e;
    return BS_OK;
}

typedef bs_status (*sub_fn)(bs_sp_parser *p, bs_sp_expr **out);

/// Parse the right operand with fn (after the operator) and make op(*acc, it).
static bs_status rhs(bs_sp_parser *p, sub_fn fn, bs_sp_ex_op op, bs_sp_expr **acc)
{
    bs_sp_expr *b = NULL;
    bs_status st = bs_sp_lex_next(p);
    if (!st)
        st = fn(p, &b);
    if (st) {
        bs_sp_expr_free(b);
        return st;
    }
    return binary(op, acc, b);
}

static bs_status parse_mult_tail(bs_sp_parser *p, bs_sp_expr **acc)
{
    bs_status st = BS_OK;
    while (bs_sp_is_punct(p, '*') || bs_sp_is_punct(p, '/')) {
        bs_sp_ex_op op = p->t.punct == '*' ? BS_EX_MUL : BS_EX_DIV;
        TRY(st, rhs(p, parse_unary, op, acc));
    }
fail:
    return st;
}

static bs_status parse_mult(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = parse_unary(p, out);
    return st ? st : parse_mult_tail(p, out);
}

static bool signed_number(const bs_sp_parser *p)
{
    return (p->t.kind == TK_INT || p->t.kind == TK_DEC || p->t.kind == TK_DBL) &&
           (p->t.s[0] == '+' || p->t.s[0] == '-');
}

static bs_status parse_additive(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    TRY(st, parse_mult(p, out));
    for (;;) {
        bs_sp_expr *b = NULL;
        if (bs_sp_is_punct(p, '+') || bs_sp_is_punct(p, '-')) {
            bs_sp_ex_op op = p->t.punct == '+' ? BS_EX_ADD : BS_EX_SUB;
            TRY(st, rhs(p, parse_mult, op, out));
        } else if (signed_number(p)) {
            /* "?x -1": the sign is the operator */
            bs_sp_ex_op op = p->t.s[0] == '+' ? BS_EX_ADD : BS_EX_SUB;
            memmove(p->t.s, p->t.s + 1, p->t.slen--);
            if (!(b = bs_sp_expr_new(BS_EX_CONST)))
                TRY(st, BS_ERR_NOMEM);
            if ((st = bs_sp_parse_literal(p, &b->cid))) {
                bs_sp_expr_free(b);
                goto fail;
            }
            if ((st = parse_mult_tail(p, &b))) {
                bs_sp_expr_free(b);
                goto fail;
            }
            TRY(st, binary(op, out, b));
        } else {
            break;
        }
    }
fail:
    return st;
}

static bs_status parse_in_list(bs_sp_parser *p, bs_sp_ex_op op, bs_sp_expr **acc)
{
    bs_status st = BS_OK;
    bs_sp_expr *e = bs_sp_expr_new(op);
    if (!e)
        return BS_ERR_NOMEM;
    TRY(st, bs_sp_expr_push(e, *acc));
    *acc = NULL;
    TRY(st, bs_sp_lex_next(p));
    if (p->t.kind != TK_NIL && !bs_sp_is_punct(p, '('))
        TRY(st, bs_sp_expected(p, "'('"));
    TRY(st, arg_list(p, e, false));
    *acc = e;
    return BS_OK;
fail:
    bs_sp_expr_free(e);
    return st;
}

static bs_status parse_relational(bs_sp_parser *p, bs_sp_expr **out)
{
    static const struct { int punct; bs_sp_ex_op op; } ops[] = {
        {'=', BS_EX_EQ}, {P_NE, BS_EX_NE}, {'<', BS_EX_LT}, {'>', BS_EX_GT},
        {P_LE, BS_EX_LE}, {P_GE, BS_EX_GE}};
    bs_status st = BS_OK;
    TRY(st, parse_additive(p, out));
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
        if (bs_sp_is_punct(p, ops[i].punct))
            return rhs(p, parse_additive, ops[i].op, out);
    if (bs_sp_is_word(p, "IN"))
        return parse_in_list(p, BS_EX_IN, out);
    if (bs_sp_is_word(p, "NOT")) {
        TRY(st, bs_sp_lex_next(p));
        if (!bs_sp_is_word(p, "IN"))
            return bs_sp_expected(p, "'IN'");
        return parse_in_list(p, BS_EX_NOT_IN, out);
    }
fail:
    return st;
}

static bs_status parse_and(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    TRY(st, parse_relational(p, out));
    while (bs_sp_is_punct(p, P_AND))
        TRY(st, rhs(p, parse_relational, BS_EX_AND, out));
fail:
    return st;
}

/* The parse_* functions here may leave a partial tree in *out on
 * failure: their callers free it (it starts NULL). */
static bs_status parse_or(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_status st = BS_OK;
    TRY(st, parse_and(p, out));
    while (bs_sp_is_punct(p, P_OR))
        TRY(st, rhs(p, parse_and, BS_EX_OR, out));
fail:
    return st;
}

bs_status bs_sp_parse_expr(bs_sp_parser *p, bs_sp_expr **out)
{
    bs_sp_expr *e = NULL;
    bs_status st = parse_or(p, &e);
    if (st) {
        bs_sp_expr_free(e);
        e = NULL;
    }
    *out = e;
    return st;
}

bs_status bs_sp_parse_constraint(bs_sp_parser *p, bs_sp_expr **out)
{
    *out = NULL;
    if (bs_sp_is_punct(p, '(') || p->t.kind == TK_WORD || p->t.kind == TK_IRI ||
        p->t.kind == TK_PNAME) {
        if (p->t.kind == TK_WORD && (bs_sp_is_word(p, "true") || bs_sp_is_word(p, "false")))
            return bs_sp_expected(p, "'(' or a function call");
        bs_sp_expr *e = NULL;
        bool iri = p->t.kind == TK_IRI || p->t.kind == TK_PNAME;
        bs_status st = parse_primary(p, &e);
        if (!st && iri && e->op == BS_EX_CONST)
            st = bs_sp_expected(p, "'(' after the function IRI");
        if (st) {
            bs_sp_expr_free(e);
            return st;
        }
        *out = e;
        return BS_OK;
    }
    return bs_sp_expected(p, "'(' or a function call");
}
