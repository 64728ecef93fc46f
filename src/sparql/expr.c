/* SPDX-License-Identifier: MIT
 * battstore — SPARQL expression evaluation (§17): the evaluator over
 *             values, logical operators with error semantics, IN, the
 *             public entry points of sparql_int.h. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "sparql/expr_int.h"

#define ARGS_STACK 8

static bs_status eval_ebv(bs_sp_ectx *c, const bs_sp_expr *e, int *out)
{
    bs_sp_val v;
    bs_status st = bs_sp_eval_val(c, e, &v);
    *out = st == BS_OK ? bs_sp_ebv_val(&v) : -1;
    return st;
}

/* || and && (§17.2): an error on one side is masked by a decisive
 * value on the other. */
static bs_status eval_logic(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bool is_or = e->op == BS_EX_OR;
    int a, b;
    bs_status st = eval_ebv(c, e->args[0], &a);
    if (st != BS_OK) return st;
    if (a == (is_or ? 1 : 0)) {
        bs_sp_val_bool(v, is_or);
        return BS_OK;
    }
    if ((st = eval_ebv(c, e->args[1], &b)) != BS_OK) return st;
    if (b == (is_or ? 1 : 0))
        bs_sp_val_bool(v, is_or);
    else if (a < 0 || b < 0)
        bs_sp_val_err(v);
    else
        bs_sp_val_bool(v, !is_or);
    return BS_OK;
}

static void compare(int op, const bs_sp_val *a, const bs_sp_val *b, bs_sp_val *v)
{
    bool eq_only = op == BS_EX_EQ || op == BS_EX_NE;
    int r;
    if (!bs_sp_val_cmp(a, b, eq_only, &r)) {
        bs_sp_val_err(v);
        return;
    }
    bool res;
    if (r == 2) /* NaN: unordered */
        res = op == BS_EX_NE;
    else
        switch (op) {
        case BS_EX_EQ: res = r == 0; break;
        case BS_EX_NE: res = r != 0; break;
        case BS_EX_LT: res = r < 0; break;
        case BS_EX_GT: res = r > 0; break;
        case BS_EX_LE: res = r <= 0; break;
        default: res = r >= 0; break;
        }
    bs_sp_val_bool(v, res);
}

static bs_status eval_in(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bs_sp_val x, y;
    bool found = false, err = false;
    bs_status st = bs_sp_eval_val(c, e->args[0], &x);
    if (st != BS_OK) return st;
    if (x.t == BS_V_ERR) {
        bs_sp_val_err(v);
        return BS_OK;
    }
    for (size_t i = 1; i < e->nargs && !found; i++) {
        if ((st = bs_sp_eval_val(c, e->args[i], &y)) != BS_OK) return st;
        int r;
        if (!bs_sp_val_cmp(&x, &y, true, &r))
            err = true;
        else if (r == 0)
            found = true;
    }
    if (!found && err)
        bs_sp_val_err(v);
    else
        bs_sp_val_bool(v, e->op == BS_EX_IN ? found : !found);
    return BS_OK;
}

static bs_status eval_binary(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bs_sp_val a, b;
    bs_status st = bs_sp_eval_val(c, e->args[0], &a);
    if (st == BS_OK) st = bs_sp_eval_val(c, e->args[1], &b);
    if (st != BS_OK) return st;
    if (a.t == BS_V_ERR || b.t == BS_V_ERR)
        bs_sp_val_err(v);
    else if (e->op >= BS_EX_ADD && e->op <= BS_EX_DIV)
        bs_sp_arith(c, e->op, &a, &b, v);
    else
        compare(e->op, &a, &b, v);
    return BS_OK;
}

static bs_status eval_unary(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bs_sp_val a;
    bs_status st = bs_sp_eval_val(c, e->args[0], &a);
    if (st != BS_OK) return st;
    if (e->op == BS_EX_NOT) {
        int b = bs_sp_ebv_val(&a);
        if (b < 0) bs_sp_val_err(v); else bs_sp_val_bool(v, !b);
    } else if (!bs_sp_is_num(&a)) {
        bs_sp_val_err(v);
    } else if (e->op == BS_EX_PLUS) {
        *v = a;
    } else {
        bs_sp_val zero;
        bs_sp_val_int(&zero, 0);
        bs_sp_arith(c, BS_EX_SUB, &zero, &a, v);
    }
    return BS_OK;
}

/* Functional forms that do not evaluate all their arguments. */
static bs_status eval_form(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v,
                           bool *done)
{
    bs_status st = BS_OK;
    *done = true;
    switch (e->fn) {
    case BS_FN_BOUND:
        if (e->nargs == 1 && e->args[0]->op == BS_EX_VAR)
            bs_sp_val_bool(v, c->row && c->row[e->args[0]->var] != 0);
        else
            bs_sp_val_err(v);
        return BS_OK;
    case BS_FN_IF: {
        int b;
        if (e->nargs != 3) { bs_sp_val_err(v); return BS_OK; }
        if ((st = eval_ebv(c, e->args[0], &b)) != BS_OK) return st;
        if (b < 0) { bs_sp_val_err(v); return BS_OK; }
        return bs_sp_eval_val(c, e->args[b ? 1 : 2], v);
    }
    case BS_FN_COALESCE:
        for (size_t i = 0; i < e->nargs; i++) {
            if ((st = bs_sp_eval_val(c, e->args[i], v)) != BS_OK) return st;
            if (v->t != BS_V_ERR) return BS_OK;
        }
        bs_sp_val_err(v);
        return BS_OK;
    default:
        *done = false;
        return BS_OK;
    }
}

/* Evaluate all arguments, then call the builtin or IRI function. */
/* bs:score(?lit, "query") → xsd:double; an error value on bad arguments. */
static bs_status eval_score(bs_sp_ectx *c, const bs_sp_val *args, size_t nargs, bs_sp_val *v)
{
    double d = 0;
    if (nargs != 2 || !args[0].id || !bs_sp_is_strlit(&args[1])) {
        bs_sp_val_err(v);
        return BS_OK;
    }
    bs_status st = bs_sp_match_score(c->ex, args[0].id, args[1].s, args[1].n, &d);
    if (st != BS_OK) return st;
    bs_sp_val_dbl(v, d);
    return BS_OK;
}

static bs_status eval_call(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bs_sp_val stack[ARGS_STACK], *args = stack;
    bs_status st = BS_OK;
    if (e->nargs > ARGS_STACK) {
        args = bs_sp_alloc(c, e->nargs * sizeof *args);
        if (!args) return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < e->nargs; i++)
        if ((st = bs_sp_eval_val(c, e->args[i], &args[i])) != BS_OK) return st;
    if (e->op == BS_EX_FUNC) return bs_sp_func(c, e, args, e->nargs, v);
    bs_sp_val f;
    bs_sp_val_from_id(c->ex, bs_sp_const_id(c->ex, e->cid), &f);
    if (f.t != BS_V_IRI) {
        bs_sp_val_err(v);
        return BS_OK;
    }
    if (f.n == sizeof BS_SP_SCORE_IRI - 1 && !memcmp(f.s, BS_SP_SCORE_IRI, f.n))
        return eval_score(c, args, e->nargs, v);
    return bs_sp_cast(c, f.s, f.n, args, e->nargs, v);
}

static bs_status eval_exists(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bool b = false;
    bs_status st = bs_sp_exists(c->ex, e->pattern, bs_sp_active_graph(c->ex),
                                c->row, &b);
    if (st != BS_OK) return st;
    bs_sp_val_bool(v, e->op == BS_EX_EXISTS ? b : !b);
    return BS_OK;
}

bs_status bs_sp_eval_val(bs_sp_ectx *c, const bs_sp_expr *e, bs_sp_val *v)
{
    bool done;
    bs_status st;
    switch (e->op) {
    case BS_EX_VAR:
        bs_sp_val_from_id(c->ex, c->row && e->var >= 0 ? c->row[e->var] : 0, v);
        return BS_OK;
    case BS_EX_CONST:
        bs_sp_val_from_id(c->ex, bs_sp_const_id(c->ex, e->cid), v);
        return BS_OK;
    case BS_EX_OR:
    case BS_EX_AND: return eval_logic(c, e, v);
    case BS_EX_NOT:
    case BS_EX_NEG:
    case BS_EX_PLUS: return eval_unary(c, e, v);
    case BS_EX_EQ: case BS_EX_NE: case BS_EX_LT: case BS_EX_GT:
    case BS_EX_LE: case BS_EX_GE:
    case BS_EX_ADD: case BS_EX_SUB: case BS_EX_MUL: case BS_EX_DIV:
        return eval_binary(c, e, v);
    case BS_EX_IN:
    case BS_EX_NOT_IN: return eval_in(c, e, v);
    case BS_EX_FUNC:
        if ((st = eval_form(c, e, v, &done)) != BS_OK || done) return st;
        return eval_call(c, e, v);
    case BS_EX_CALL: return eval_call(c, e, v);
    case BS_EX_EXISTS:
    case BS_EX_NOT_EXISTS: return eval_exists(c, e, v);
    default:
        bs_sp_val_err(v);
        return BS_OK;
    }
}

/* ---- public entry points ---------------------------------------------------- */
bs_status bs_sp_expr_eval(bs_sp_exec *ex, const bs_sp_expr *e,
                          const bs_id *row, bs_id *out)
{
    if (e->op == BS_EX_VAR) { /* a variable's value is its id: no decoding */
        *out = row && e->var >= 0 ? row[e->var] : 0;
        return BS_OK;
    }
    bs_sp_ectx c = {ex, row, NULL};
    bs_sp_val v;
    *out = 0;
    bs_status st = bs_sp_eval_val(&c, e, &v);
    if (st == BS_OK) st = bs_sp_val_intern(&c, &v, out);
    bs_sp_arena_free(&c);
    return st;
}

bs_status bs_sp_expr_ebv(bs_sp_exec *ex, const bs_sp_expr *e,
                         const bs_id *row, int *out)
{
    bs_sp_ectx c = {ex, row, NULL};
    bs_status st = eval_ebv(&c, e, out);
    bs_sp_arena_free(&c);
    return st;
}

int bs_sp_order_cmp(bs_sp_exec *ex, bs_id a, bs_id b)
{
    if (a == b) return 0;
    bs_sp_val x, y;
    bs_sp_val_from_id(ex, a, &x);
    bs_sp_val_from_id(ex, b, &y);
    int r = bs_sp_val_order(&x, &y);
    if (r) return r;
    return a < b ? -1 : 1; /* distinct terms: any consistent order */
}
