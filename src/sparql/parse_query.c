/* SPDX-License-Identifier: MIT
 * battstore — SPARQL queries: prologue, the four query forms, dataset
 * clauses, subqueries, and the solution modifiers translated as §18.2.4
 * and §18.2.5 say (Group, aggregates, Having, Values, select expressions,
 * OrderBy, Project, Distinct/Reduced, Slice). */
#include "config.h"
#include "sparql/parse_triples.h"

#include <stdlib.h>
#include <string.h>

static void select_clear(bs_sp_select *s)
{
    for (size_t i = 0; i < s->nitems; i++)
        bs_sp_expr_free(s->items[i].expr);
    free(s->items);
    bs_sp_node_free(s->where);
    for (size_t i = 0; i < s->ngroup; i++)
        bs_sp_expr_free(s->gkeys[i]);
    free(s->gkeys);
    free(s->gvars);
    for (size_t i = 0; i < s->nhaving; i++)
        bs_sp_expr_free(s->having[i]);
    free(s->having);
    for (size_t i = 0; i < s->norder; i++)
        bs_sp_expr_free(s->okeys[i]);
    free(s->okeys);
    free(s->odesc);
    bs_sp_node_free(s->values);
}

static bs_status push_expr(bs_sp_expr ***arr, size_t *n, bs_sp_expr *e)
{
    bs_sp_expr **na = realloc(*arr, (*n + 1) * sizeof *na);
    if (!na) {
        bs_sp_expr_free(e);
        return BS_ERR_NOMEM;
    }
    *arr = na;
    na[(*n)++] = e;
    return BS_OK;
}

/* ---- prologue ------------------------------------------------------------ */

static bs_status add_prefix(bs_sp_parser *p, const char *prefix, size_t plen)
{
    bs_status st = BS_OK;
    char *iri = NULL;
    if (p->t.kind != TK_IRI)
        return bs_sp_expected(p, "an IRI");
    TRY(st, bs_sp_tok_iri(p, &iri));
    for (size_t i = 0; i < p->nprefixes; i++)
        if (strlen(p->prefixes[i].prefix) == plen && !memcmp(p->prefixes[i].prefix, prefix, plen)) {
            free(p->prefixes[i].iri);
            p->prefixes[i].iri = iri;
            return bs_sp_lex_next(p);
        }
    bs_sp_prefix *np = realloc(p->prefixes, (p->nprefixes + 1) * sizeof *np);
    if (!np)
        TRY(st, BS_ERR_NOMEM);
    p->prefixes = np;
    np[p->nprefixes] = (bs_sp_prefix){bs_sp_strndup(prefix, plen), iri};
    if (!np[p->nprefixes++].prefix)
        return BS_ERR_NOMEM;
    return bs_sp_lex_next(p);
fail:
    free(iri);
    return st;
}

bs_status bs_sp_parse_prologue(bs_sp_parser *p)
{
    bs_status st = BS_OK;
    for (;;) {
        if (bs_sp_accept_word(p, "BASE", &st)) {
            TRY(st, st);
            char *iri = NULL;
            if (p->t.kind != TK_IRI)
                return bs_sp_expected(p, "an IRI");
            TRY(st, bs_sp_tok_iri(p, &iri));
            free(p->base);
            p->base = iri;
            TRY(st, bs_sp_lex_next(p));
        } else if (bs_sp_accept_word(p, "PREFIX", &st)) {
            TRY(st, st);
            if (p->t.kind != TK_PNAME || p->t.slen != p->t.colon + 1)
                return bs_sp_expected(p, "a prefix name like 'ex:'");
            char prefix[256];
            size_t plen = p->t.colon < sizeof prefix ? p->t.colon : sizeof prefix - 1;
            memcpy(prefix, p->t.s, plen);
            TRY(st, bs_sp_lex_next(p));
            TRY(st, add_prefix(p, prefix, plen));
        } else {
            break;
        }
    }
fail:
    return st;
}

/* ---- the SELECT clause ----------------------------------------------------- */

static bool item_uses(const bs_sp_select *s, int var)
{
    for (size_t i = 0; i < s->nitems; i++)
        if (s->items[i].var == var)
            return true;
    return false;
}

static bs_status select_item(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    bs_sp_selitem it = {-1, NULL, p->t};
    if (p->t.kind == TK_VAR) {
        TRY(st, bs_sp_var_slot(p, p->t.s, &it.var));
        TRY(st, bs_sp_lex_next(p));
    } else {
        TRY(st, bs_sp_expect_punct(p, '('));
        p->agg_ok = true;
        TRY(st, bs_sp_parse_expr(p, &it.expr));
        p->agg_ok = false;
        TRY(st, bs_sp_expect_word(p, "AS"));
        if (p->t.kind != TK_VAR)
            TRY(st, bs_sp_expected(p, "a variable"));
        it.at = p->t;
        TRY(st, bs_sp_var_slot(p, p->t.s, &it.var));
        if (item_uses(s, it.var))
            TRY(st, bs_sp_fail_at(p, &p->t, "variable ?%s is already in the SELECT clause", p->t.s));
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_expect_punct(p, ')'));
    }
    bs_sp_selitem *ni = realloc(s->items, (s->nitems + 1) * sizeof *ni);
    if (!ni)
        TRY(st, BS_ERR_NOMEM);
    s->items = ni;
    ni[s->nitems++] = it;
    return BS_OK;
fail:
    p->agg_ok = false;
    bs_sp_expr_free(it.expr);
    return st;
}

static bs_status select_clause(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    TRY(st, bs_sp_expect_word(p, "SELECT"));
    if (bs_sp_accept_word(p, "DISTINCT", &st))
        s->distinct = true;
    else if (bs_sp_accept_word(p, "REDUCED", &st))
        s->reduced = true;
    TRY(st, st);
    if (bs_sp_accept_punct(p, '*', &st)) {
        s->star = true;
        return st;
    }
    do
        TRY(st, select_item(p, s));
    while (p->t.kind == TK_VAR || bs_sp_is_punct(p, '('));
fail:
    return st;
}

/** The names a subquery's SELECT clause projects, read ahead without
 *  parsing (so that its other variables get their own slots). */
static bs_status prescan_names(bs_sp_parser *p, bool *star, char ***names, size_t *n)
{
    bs_status st = BS_OK;
    bs_sp_lexpos at = bs_sp_lex_save(p);
    int depth = 0;
    bool after_as = false;
    *star = false;
    TRY(st, bs_sp_lex_next(p)); /* SELECT */
    if (bs_sp_is_word(p, "DISTINCT") || bs_sp_is_word(p, "REDUCED"))
        TRY(st, bs_sp_lex_next(p));
    if (bs_sp_is_punct(p, '*'))
        *star = true;
    while (!*star && p->t.kind != TK_EOF) {
        if (depth == 0 && (bs_sp_is_punct(p, '{') || p->t.kind == TK_WORD))
            break;
        if (p->t.kind == TK_VAR && (depth == 0 || (depth == 1 && after_as))) {
            char **nn = realloc(*names, (*n + 1) * sizeof *nn);
            if (!nn)
                TRY(st, BS_ERR_NOMEM);
            *names = nn;
            if (!(nn[(*n)++] = strdup(p->t.s)))
                TRY(st, BS_ERR_NOMEM);
        }
        after_as = depth == 1 && bs_sp_is_word(p, "AS");
        if (bs_sp_is_punct(p, '('))
            depth++;
        else if (bs_sp_is_punct(p, ')'))
            depth--;
        TRY(st, bs_sp_lex_next(p));
    }
fail:
    if (st == BS_ERR_PARSE) { /* report it where the real parse finds it */
        p->failed = false;
        st = BS_OK;
    }
    if (!st)
        st = bs_sp_lex_restore(p, at);
    return st;
}

/* ---- solution modifiers ------------------------------------------------------ */

/// Can the current token start a GROUP BY / HAVING / ORDER BY condition?
static bool at_condition(const bs_sp_parser *p)
{
    static const char *const stop[] = {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"};
    if (p->t.kind == TK_WORD) {
        for (size_t i = 0; i < sizeof stop / sizeof stop[0]; i++)
            if (bs_sp_is_word(p, stop[i]))
                return false;
        return true;
    }
    return p->t.kind == TK_VAR || bs_sp_is_punct(p, '(') || p->t.kind == TK_IRI ||
           p->t.kind == TK_PNAME;
}

static bs_status group_clause(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    s->group_at = p->t;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_expect_word(p, "BY"));
    do {
        bs_sp_expr *e = NULL;
        int var = -1;
        if (p->t.kind == TK_VAR) {
            if (!(e = bs_sp_expr_new(BS_EX_VAR)))
                TRY(st, BS_ERR_NOMEM);
            if ((st = bs_sp_var_slot(p, p->t.s, &e->var)) || (st = bs_sp_lex_next(p))) {
                bs_sp_expr_free(e);
                goto fail;
            }
        } else if (bs_sp_is_punct(p, '(')) {
            TRY(st, bs_sp_lex_next(p));
            TRY(st, bs_sp_parse_expr(p, &e));
            if (bs_sp_is_word(p, "AS")) {
                if ((st = bs_sp_lex_next(p)) ||
                    (p->t.kind != TK_VAR && (st = bs_sp_expected(p, "a variable"))) ||
                    (st = bs_sp_var_slot(p, p->t.s, &var)) || (st = bs_sp_lex_next(p))) {
                    bs_sp_expr_free(e);
                    goto fail;
                }
            }
            if ((st = bs_sp_expect_punct(p, ')'))) {
                bs_sp_expr_free(e);
                goto fail;
            }
        } else {
            TRY(st, bs_sp_parse_constraint(p, &e));
        }
        int *ng = realloc(s->gvars, (s->ngroup + 1) * sizeof *ng);
        if (!ng) {
            bs_sp_expr_free(e);
            TRY(st, BS_ERR_NOMEM);
        }
        s->gvars = ng;
        ng[s->ngroup] = var;
        size_t n = s->ngroup;
        TRY(st, push_expr(&s->gkeys, &n, e));
        s->ngroup = n;
    } while (at_condition(p));
fail:
    return st;
}

static bs_status order_clause(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    TRY(st, bs_sp_lex_next(p));
    TRY(st, bs_sp_expect_word(p, "BY"));
    p->agg_ok = true;
    do {
        bs_sp_expr *e = NULL;
        bool desc = false;
        if (bs_sp_is_word(p, "ASC") || bs_sp_is_word(p, "DESC")) {
            desc = bs_sp_is_word(p, "DESC");
            TRY(st, bs_sp_lex_next(p));
            if (!bs_sp_is_punct(p, '('))
                TRY(st, bs_sp_expected(p, "'('"));
            TRY(st, bs_sp_parse_constraint(p, &e));
        } else if (p->t.kind == TK_VAR) {
            if (!(e = bs_sp_expr_new(BS_EX_VAR)))
                TRY(st, BS_ERR_NOMEM);
            if ((st = bs_sp_var_slot(p, p->t.s, &e->var)) || (st = bs_sp_lex_next(p))) {
                bs_sp_expr_free(e);
                goto fail;
            }
        } else {
            TRY(st, bs_sp_parse_constraint(p, &e));
        }
        bool *nd = realloc(s->odesc, (s->norder + 1) * sizeof *nd);
        if (!nd) {
            bs_sp_expr_free(e);
            TRY(st, BS_ERR_NOMEM);
        }
        s->odesc = nd;
        nd[s->norder] = desc;
        size_t n = s->norder;
        TRY(st, push_expr(&s->okeys, &n, e));
        s->norder = n;
    } while (at_condition(p));
fail:
    p->agg_ok = false;
    return st;
}

static bs_status number(bs_sp_parser *p, long long *out)
{
    if (p->t.kind != TK_INT || p->t.s[0] == '-' || p->t.s[0] == '+')
        return bs_sp_expected(p, "an integer");
    *out = strtoll(p->t.s, NULL, 10);
    return bs_sp_lex_next(p);
}

static bs_status solution_modifiers(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    s->limit = s->offset = -1;
    if (bs_sp_is_word(p, "GROUP"))
        TRY(st, group_clause(p, s));
    if (bs_sp_accept_word(p, "HAVING", &st)) {
        TRY(st, st);
        p->agg_ok = true;
        do {
            bs_sp_expr *e = NULL;
            TRY(st, bs_sp_parse_constraint(p, &e));
            TRY(st, push_expr(&s->having, &s->nhaving, e));
        } while (at_condition(p) && p->t.kind != TK_VAR);
        p->agg_ok = false;
    }
    if (bs_sp_is_word(p, "ORDER"))
        TRY(st, order_clause(p, s));
    for (int i = 0; i < 2; i++) {
        if (s->limit < 0 && bs_sp_accept_word(p, "LIMIT", &st)) {
            TRY(st, st);
            TRY(st, number(p, &s->limit));
        } else if (s->offset < 0 && bs_sp_accept_word(p, "OFFSET", &st)) {
            TRY(st, st);
            TRY(st, number(p, &s->offset));
        }
    }
fail:
    p->agg_ok = false;
    return st;
}


/* ---- query forms ------------------------------------------------------------ */

static bs_status where_clause(bs_sp_parser *p, bs_sp_select *s, bool required)
{
    bs_status st = BS_OK;
    bool kw = bs_sp_accept_word(p, "WHERE", &st);
    TRY(st, st);
    if (!kw && !required && !bs_sp_is_punct(p, '{'))
        return BS_OK;
    TRY(st, bs_sp_parse_group(p, &s->where));
fail:
    return st;
}

static bs_status dataset_clauses(bs_sp_parser *p)
{
    bs_status st = BS_OK;
    bs_sparql *q = p->q;
    while (bs_sp_accept_word(p, "FROM", &st)) {
        TRY(st, st);
        bool named = bs_sp_accept_word(p, "NAMED", &st);
        TRY(st, st);
        int cid;
        if (p->t.kind != TK_IRI && p->t.kind != TK_PNAME)
            return bs_sp_expected(p, "an IRI");
        TRY(st, bs_sp_iri_const(p, &cid));
        int **arr = named ? &q->from_named : &q->from;
        size_t *n = named ? &q->nfrom_named : &q->nfrom;
        int *na = realloc(*arr, (*n + 1) * sizeof *na);
        if (!na)
            return BS_ERR_NOMEM;
        na[(*n)++] = cid;
        *arr = na;
        TRY(st, bs_sp_lex_next(p));
    }
fail:
    return st;
}

bs_status bs_sp_parse_subselect(bs_sp_parser *p, bs_sp_node **out)
{
    bs_status st = BS_OK;
    bs_sp_select s = {.project = true};
    bool star;
    char **names = NULL;
    size_t nnames = 0;
    bool agg_ok = p->agg_ok, in_agg = p->in_agg;
    p->agg_ok = p->in_agg = false;
    if ((st = prescan_names(p, &star, &names, &nnames))) {
        for (size_t i = 0; i < nnames; i++)
            free(names[i]);
        free(names);
        return st;
    }
    TRY(st, bs_sp_push_scope(p, star, names, nnames));
    TRY(st, select_clause(p, &s));
    TRY(st, where_clause(p, &s, true));
    TRY(st, solution_modifiers(p, &s));
    if (bs_sp_is_word(p, "VALUES")) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_parse_values_block(p, &s.values));
    }
    TRY(st, bs_sp_finish_select(p, &s, out));
    bs_sp_pop_scope(p);
fail:
    p->agg_ok = agg_ok;
    p->in_agg = in_agg;
    select_clear(&s);
    return st;
}

static bs_status construct_where(bs_sp_parser *p, bs_sp_select *s)
{
    /* CONSTRUCT WHERE { triples }: the template is the pattern */
    bs_status st = BS_OK;
    bs_sp_tctx c = {.graph = {-1, -1}};
    bs_sparql *q = p->q;
    TRY(st, bs_sp_expect_punct(p, '{'));
    p->block = ++p->nblocks;
    while (bs_sp_at_triples(p)) {
        TRY(st, bs_sp_parse_triples_same_subject(p, &c));
        if (!bs_sp_accept_punct(p, '.', &st))
            break;
        TRY(st, st);
    }
    if (c.np)
        TRY(st, bs_sp_fail_at(p, &p->t, "property paths are not allowed in CONSTRUCT WHERE"));
    TRY(st, bs_sp_expect_punct(p, '}'));
    if (!(s->where = bs_sp_node_new(BS_OP_BGP)))
        TRY(st, BS_ERR_NOMEM);
    if (c.ntr && !(q->tmpl = malloc(c.ntr * sizeof *q->tmpl)))
        TRY(st, BS_ERR_NOMEM);
    for (size_t i = 0; i < c.ntr; i++)
        q->tmpl[i] = (bs_sp_quad){c.tr[i].s, c.tr[i].p, c.tr[i].o, {-1, -1}};
    q->ntmpl = c.ntr;
    s->where->triples = c.tr;
    s->where->ntriples = c.ntr;
    c.tr = NULL;
    c.ntr = 0;
fail:
    bs_sp_tctx_clear(&c);
    return st;
}

static bs_status construct_query(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    bs_sparql *q = p->q;
    q->form = BS_SPARQL_CONSTRUCT;
    TRY(st, bs_sp_lex_next(p));
    if (bs_sp_is_punct(p, '{')) {
        TRY(st, bs_sp_lex_next(p));
        p->bnodes_are_consts = true;
        p->block = ++p->nblocks;
        st = bs_sp_parse_quads(p, false, &q->tmpl, &q->ntmpl);
        p->bnodes_are_consts = false;
        TRY(st, st);
        TRY(st, bs_sp_lex_next(p));
        TRY(st, dataset_clauses(p));
        TRY(st, where_clause(p, s, true));
    } else {
        TRY(st, dataset_clauses(p));
        TRY(st, bs_sp_expect_word(p, "WHERE"));
        TRY(st, construct_where(p, s));
    }
fail:
    return st;
}

static bs_status describe_query(bs_sp_parser *p, bs_sp_select *s)
{
    bs_status st = BS_OK;
    bs_sparql *q = p->q;
    q->form = BS_SPARQL_DESCRIBE;
    TRY(st, bs_sp_lex_next(p));
    if (bs_sp_accept_punct(p, '*', &st)) {
        TRY(st, st);
        q->describe_all = true;
    } else {
        do {
            bs_sp_tpos t = {-1, -1};
            if (p->t.kind == TK_VAR)
                TRY(st, bs_sp_var_slot(p, p->t.s, &t.var));
            else if (p->t.kind == TK_IRI || p->t.kind == TK_PNAME)
                TRY(st, bs_sp_iri_const(p, &t.cid));
            else
                TRY(st, bs_sp_expected(p, "a variable or IRI"));
            bs_sp_tpos *nd = realloc(q->describe, (q->ndescribe + 1) * sizeof *nd);
            if (!nd)
                TRY(st, BS_ERR_NOMEM);
            q->describe = nd;
            nd[q->ndescribe++] = t;
            TRY(st, bs_sp_lex_next(p));
        } while (p->t.kind == TK_VAR || p->t.kind == TK_IRI || p->t.kind == TK_PNAME);
    }
    TRY(st, dataset_clauses(p));
    TRY(st, where_clause(p, s, false));
fail:
    return st;
}

/// DESCRIBE *: q->proj = the user variables in scope of the pattern.
static bs_status describe_vars(bs_sp_parser *p)
{
    bs_sparql *q = p->q;
    uint8_t *set = calloc(q->nvars + 1, 1);
    if (!set || !(q->proj = malloc((q->nvars + 1) * sizeof *q->proj))) {
        free(set);
        return BS_ERR_NOMEM;
    }
    bs_sp_inscope(q->root, set);
    for (size_t v = 0; v < q->nvars; v++)
        if (set[v] && p->vkind[v] == VK_USER)
            q->proj[q->nproj++] = (int)v;
    free(set);
    return BS_OK;
}

bs_status bs_sp_parse_query(bs_sp_parser *p)
{
    bs_status st = BS_OK;
    bs_sparql *q = p->q;
    bs_sp_select s = {0};
    TRY(st, bs_sp_parse_prologue(p));
    if (bs_sp_is_word(p, "SELECT")) {
        q->form = BS_SPARQL_SELECT;
        s.project = true;
        TRY(st, select_clause(p, &s));
        TRY(st, dataset_clauses(p));
        TRY(st, where_clause(p, &s, true));
    } else if (bs_sp_is_word(p, "ASK")) {
        q->form = BS_SPARQL_ASK;
        TRY(st, bs_sp_lex_next(p));
        TRY(st, dataset_clauses(p));
        TRY(st, where_clause(p, &s, true));
    } else if (bs_sp_is_word(p, "CONSTRUCT")) {
        TRY(st, construct_query(p, &s));
    } else if (bs_sp_is_word(p, "DESCRIBE")) {
        TRY(st, describe_query(p, &s));
    } else {
        TRY(st, bs_sp_expected(p, "SELECT, CONSTRUCT, DESCRIBE or ASK"));
    }
    TRY(st, solution_modifiers(p, &s));
    if (bs_sp_is_word(p, "VALUES")) {
        TRY(st, bs_sp_lex_next(p));
        TRY(st, bs_sp_parse_values_block(p, &s.values));
    }
    if (p->t.kind != TK_EOF)
        TRY(st, bs_sp_expected(p, "end of query"));
    if (s.where || s.values)
        TRY(st, bs_sp_finish_select(p, &s, &q->root));
    if (q->form == BS_SPARQL_DESCRIBE && q->describe_all)
        TRY(st, describe_vars(p));
fail:
    select_clear(&s);
    return st;
}
