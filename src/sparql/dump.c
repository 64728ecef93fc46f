/* SPDX-License-Identifier: MIT
 * battstore — the algebra of a parsed request as one line of SSE (the
 * S-expressions of the SPARQL specification and Jena), for tests and
 * `--explain`:  (project (?x) (filter (> ?x 1) (bgp (triple ?s <p> ?x)))) */
#include "config.h"
#include "sparql/parse_int.h"

#include <string.h>

typedef struct {
    const bs_sparql *q;
    FILE *out;
} dumper;

static void dump_node(dumper *d, const bs_sp_node *n);

static void dump_const(dumper *d, int cid)
{
    const bs_sp_const *c = &d->q->consts[cid];
    FILE *o = d->out;
    if (c->kind == BS_TERM_IRI) {
        fprintf(o, "<%s>", c->lex);
        return;
    }
    if (c->kind == BS_TERM_BNODE) {
        fprintf(o, "_:%s", c->lex);
        return;
    }
    if (c->kind == BS_TERM_TYPED) {
        static const char *const bare[] = {"integer", "decimal", "double", "boolean"};
        for (size_t i = 0; i < 4; i++)
            if (strncmp(c->extra, BS_XSD, strlen(BS_XSD)) == 0 &&
                strcmp(c->extra + strlen(BS_XSD), bare[i]) == 0) {
                fputs(c->lex, o);
                return;
            }
    }
    fputc('"', o);
    for (size_t i = 0; i < c->lex_len; i++) {
        char ch = c->lex[i];
        if (ch == '"' || ch == '\\')
            fprintf(o, "\\%c", ch);
        else if (ch == '\n')
            fputs("\\n", o);
        else if (ch == '\r')
            fputs("\\r", o);
        else if (ch == '\t')
            fputs("\\t", o);
        else if (ch == 0)
            fputs("\\u0000", o);
        else
            fputc(ch, o);
    }
    fputc('"', o);
    if (c->kind == BS_TERM_LANG)
        fprintf(o, "@%s", c->extra);
    else if (c->kind == BS_TERM_TYPED)
        fprintf(o, "^^<%s>", c->extra);
}

static void dump_var(dumper *d, int v)
{
    fprintf(d->out, "?%s", d->q->vars[v].name);
}

static void dump_tpos(dumper *d, bs_sp_tpos t)
{
    if (t.var >= 0)
        dump_var(d, t.var);
    else if (t.cid >= 0)
        dump_const(d, t.cid);
    else
        fputs("default", d->out);
}

static void dump_path(dumper *d, const bs_sp_path *p)
{
    static const char *const names[] = {NULL, NULL, "reverse", "seq", "alt", "path*",
                                        "path+", "path?"};
    FILE *o = d->out;
    switch (p->kind) {
    case BS_PATH_LINK:
        dump_const(d, p->cid);
        return;
    case BS_PATH_NEG:
        fputs("(notoneof", o);
        for (size_t i = 0; i < p->nfwd; i++) {
            fputc(' ', o);
            dump_const(d, p->fwd[i]);
        }
        for (size_t i = 0; i < p->ninv; i++) {
            fputs(" (reverse ", o);
            dump_const(d, p->inv[i]);
            fputc(')', o);
        }
        fputc(')', o);
        return;
    default:
        fprintf(o, "(%s ", names[p->kind]);
        dump_path(d, p->a);
        if (p->b) {
            fputc(' ', o);
            dump_path(d, p->b);
        }
        fputc(')', o);
    }
}

static const char *const fn_names[] = {
    NULL, "str", "lang", "langMatches", "datatype", "bound", "iri", "uri", "bnode",
    "rand", "abs", "ceil", "floor", "round", "concat", "substr", "strlen", "replace",
    "ucase", "lcase", "encode_for_uri", "contains", "strstarts", "strends", "strbefore",
    "strafter", "year", "month", "day", "hours", "minutes", "seconds", "timezone", "tz",
    "now", "uuid", "struuid", "md5", "sha1", "sha256", "sha384", "sha512", "coalesce",
    "if", "strlang", "strdt", "sameTerm", "isIRI", "isURI", "isBlank", "isLiteral",
    "isNumeric", "regex"};

static const char *const agg_names[] = {NULL, "count", "sum", "min", "max", "avg",
                                        "sample", "group_concat"};

static void dump_expr(dumper *d, const bs_sp_expr *e);

static void dump_args(dumper *d, const bs_sp_expr *e)
{
    for (size_t i = 0; i < e->nargs; i++) {
        fputc(' ', d->out);
        dump_expr(d, e->args[i]);
    }
    fputc(')', d->out);
}

static void dump_agg(dumper *d, int fn, bool distinct, const bs_sp_expr *arg,
                     const char *sep)
{
    FILE *o = d->out;
    fprintf(o, "(%s", agg_names[fn]);
    if (distinct)
        fputs(" distinct", o);
    if (sep)
        fprintf(o, " (separator \"%s\")", sep);
    if (arg) {
        fputc(' ', o);
        dump_expr(d, arg);
    }
    fputc(')', o);
}

static void dump_expr(dumper *d, const bs_sp_expr *e)
{
    static const char *const ops[] = {
        NULL, NULL, NULL, "||", "&&", "!", "=", "!=", "<", ">", "<=", ">=", "in", "notin",
        "+", "-", "*", "/", "-", "+"};
    FILE *o = d->out;
    switch (e->op) {
    case BS_EX_VAR: dump_var(d, e->var); return;
    case BS_EX_CONST: dump_const(d, e->cid); return;
    case BS_EX_FUNC:
        fprintf(o, "(%s", fn_names[e->fn]);
        dump_args(d, e);
        return;
    case BS_EX_CALL:
        fputc('(', o);
        dump_const(d, e->cid);
        dump_args(d, e);
        return;
    case BS_EX_EXISTS:
    case BS_EX_NOT_EXISTS:
        fputs(e->op == BS_EX_EXISTS ? "(exists " : "(notexists ", o);
        dump_node(d, e->pattern);
        fputc(')', o);
        return;
    case BS_EX_AGG:
        dump_agg(d, e->fn, e->distinct, e->nargs ? e->args[0] : NULL, e->separator);
        return;
    default:
        fprintf(o, "(%s", ops[e->op]);
        dump_args(d, e);
    }
}

static void dump_exprs(dumper *d, bs_sp_expr *const *v, size_t n)
{
    if (n == 1) {
        dump_expr(d, v[0]);
        return;
    }
    fputs("(exprlist", d->out);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', d->out);
        dump_expr(d, v[i]);
    }
    fputc(')', d->out);
}

static void dump_values(dumper *d, const bs_sp_node *n)
{
    FILE *o = d->out;
    fputs("(table (vars", o);
    for (size_t i = 0; i < n->nvars; i++) {
        fputc(' ', o);
        dump_var(d, n->vars[i]);
    }
    fputc(')', o);
    for (size_t r = 0; r < n->nrows; r++) {
        fputs(" (row", o);
        for (size_t i = 0; i < n->nvars; i++) {
            int cid = n->cells[r * n->nvars + i];
            if (cid < 0)
                continue;
            fputs(" [", o);
            dump_var(d, n->vars[i]);
            fputc(' ', o);
            dump_const(d, cid);
            fputc(']', o);
        }
        fputc(')', o);
    }
    fputc(')', o);
}

static void dump_group(dumper *d, const bs_sp_node *n)
{
    FILE *o = d->out;
    fputs("(group (", o);
    for (size_t i = 0; i < n->nkeys; i++) {
        if (i)
            fputc(' ', o);
        const bs_sp_expr *k = n->keys[i];
        if (k->op == BS_EX_VAR && k->var == n->key_vars[i]) {
            dump_var(d, k->var);
        } else {
            fputc('(', o);
            dump_var(d, n->key_vars[i]);
            fputc(' ', o);
            dump_expr(d, k);
            fputc(')', o);
        }
    }
    fputs(") (", o);
    for (size_t i = 0; i < n->naggs; i++) {
        const bs_sp_aggspec *a = &n->aggs[i];
        fputs(i ? " (" : "(", o);
        dump_var(d, a->var);
        fputc(' ', o);
        dump_agg(d, a->fn, a->distinct, a->arg, a->separator);
        fputc(')', o);
    }
    fputs(") ", o);
    dump_node(d, n->a);
    fputc(')', o);
}

static void dump_order(dumper *d, const bs_sp_node *n)
{
    FILE *o = d->out;
    fputs("(order (", o);
    for (size_t i = 0; i < n->nkeys; i++) {
        if (i)
            fputc(' ', o);
        if (n->desc[i])
            fputs("(desc ", o);
        dump_expr(d, n->keys[i]);
        if (n->desc[i])
            fputc(')', o);
    }
    fputs(") ", o);
    dump_node(d, n->a);
    fputc(')', o);
}

static void dump_bgp(dumper *d, const bs_sp_node *n)
{
    fputs("(bgp", d->out);
    for (size_t i = 0; i < n->ntriples; i++) {
        fputs(" (triple ", d->out);
        dump_tpos(d, n->triples[i].s);
        fputc(' ', d->out);
        dump_tpos(d, n->triples[i].p);
        fputc(' ', d->out);
        dump_tpos(d, n->triples[i].o);
        fputc(')', d->out);
    }
    fputc(')', d->out);
}

static void dump_node(dumper *d, const bs_sp_node *n)
{
    static const char *const names[] = {
        NULL, "bgp", "path", "join", "leftjoin", "filter", "union", "minus", "graph",
        "service", "extend", "table", "group", "order", "project", "distinct", "reduced",
        "slice"};
    FILE *o = d->out;
    switch (n->op) {
    case BS_OP_BGP: dump_bgp(d, n); return;
    case BS_OP_VALUES: dump_values(d, n); return;
    case BS_OP_GROUP: dump_group(d, n); return;
    case BS_OP_ORDER: dump_order(d, n); return;
    case BS_OP_PATH:
        fputs("(path ", o);
        dump_tpos(d, n->path_s);
        fputc(' ', o);
        dump_path(d, n->path);
        fputc(' ', o);
        dump_tpos(d, n->path_o);
        fputc(')', o);
        return;
    case BS_OP_FILTER:
        fputs("(filter ", o);
        dump_exprs(d, n->exprs, n->nexprs);
        break;
    case BS_OP_GRAPH:
    case BS_OP_SERVICE:
        fprintf(o, "(%s%s ", names[n->op], n->silent ? " silent" : "");
        dump_tpos(d, n->graph);
        break;
    case BS_OP_EXTEND:
        fputs("(extend ((", o);
        dump_var(d, n->var);
        fputc(' ', o);
        dump_expr(d, n->expr);
        fputs("))", o);
        break;
    case BS_OP_PROJECT:
        fputs("(project (", o);
        for (size_t i = 0; i < n->nvars; i++) {
            if (i)
                fputc(' ', o);
            dump_var(d, n->vars[i]);
        }
        fputc(')', o);
        break;
    case BS_OP_SLICE:
        fputs("(slice ", o);
        n->offset >= 0 ? fprintf(o, "%lld", n->offset) : fputs("_", o);
        n->limit >= 0 ? fprintf(o, " %lld", n->limit) : fputs(" _", o);
        break;
    default:
        fprintf(o, "(%s", names[n->op]);
    }
    fputc(' ', o);
    dump_node(d, n->a);
    if (n->b) {
        fputc(' ', o);
        dump_node(d, n->b);
    }
    if (n->op == BS_OP_LEFTJOIN && n->nexprs) {
        fputc(' ', o);
        dump_exprs(d, n->exprs, n->nexprs);
    }
    fputc(')', o);
}

static void dump_quads(const bs_sparql *q, const char *tag, const bs_sp_quad *qd,
                      size_t n, FILE *out)
{
    dumper d = {q, out};
    fprintf(out, "(%s", tag);
    for (size_t i = 0; i < n; i++) {
        bool g = qd[i].g.var >= 0 || qd[i].g.cid >= 0;
        fputs(g ? " (quad " : " (triple ", out);
        if (g) {
            dump_tpos(&d, qd[i].g);
            fputc(' ', out);
        }
        dump_tpos(&d, qd[i].s);
        fputc(' ', out);
        dump_tpos(&d, qd[i].p);
        fputc(' ', out);
        dump_tpos(&d, qd[i].o);
        fputc(')', out);
    }
    fputc(')', out);
}

static void dump_root(const bs_sparql *q, const bs_sp_node *n, FILE *out)
{
    dumper d = {q, out};
    if (n)
        dump_node(&d, n);
    else
        fputs("(null)", out);
}


static void dump_gref(dumper *d, bs_sp_gref g)
{
    static const char *const names[] = {NULL, NULL, "default", "named", "all"};
    if (g.kind == BS_GREF_IRI) {
        fputc(' ', d->out);
        dump_const(d, g.cid);
    } else if (g.kind != BS_GREF_NONE) {
        fprintf(d->out, " %s", names[g.kind]);
    }
}

static void dump_cids(dumper *d, const char *tag, const int *v, size_t n)
{
    if (!n)
        return;
    fprintf(d->out, " (%s", tag);
    for (size_t i = 0; i < n; i++) {
        fputc(' ', d->out);
        dump_const(d, v[i]);
    }
    fputc(')', d->out);
}

static void dump_op(dumper *d, const bs_sp_update_op *op)
{
    static const char *const names[] = {
        NULL, "insertdata", "deletedata", "deletewhere", "modify", "load", "clear",
        "create", "drop", "copy", "move", "add"};
    FILE *o = d->out;
    fprintf(o, "(%s%s", names[op->kind], op->silent ? " silent" : "");
    switch (op->kind) {
    case BS_UP_INSERT_DATA:
    case BS_UP_DELETE_DATA:
    case BS_UP_DELETE_WHERE:
        fputc(' ', o);
        if (op->kind == BS_UP_INSERT_DATA)
            dump_quads(d->q, "quads", op->ins, op->nins, o);
        else
            dump_quads(d->q, "quads", op->del, op->ndel, o);
        break;
    case BS_UP_MODIFY:
        if (op->with >= 0) {
            fputs(" (with ", o);
            dump_const(d, op->with);
            fputc(')', o);
        }
        if (op->del) {
            fputc(' ', o);
            dump_quads(d->q, "delete", op->del, op->ndel, o);
        }
        if (op->ins) {
            fputc(' ', o);
            dump_quads(d->q, "insert", op->ins, op->nins, o);
        }
        dump_cids(d, "using", op->using_, op->nusing);
        dump_cids(d, "using-named", op->using_named, op->nusing_named);
        fputc(' ', o);
        dump_node(d, op->where);
        break;
    case BS_UP_LOAD:
        fputc(' ', o);
        dump_const(d, op->source);
        dump_gref(d, op->to);
        break;
    default:
        dump_gref(d, op->from);
        dump_gref(d, op->to);
    }
    fputc(')', o);
}

void bs_sp_dump(const bs_sparql *q, FILE *out)
{
    dumper d = {q, out};
    switch (q->form) {
    case BS_SPARQL_UPDATE:
        fputs("(update", out);
        for (size_t i = 0; i < q->nops; i++) {
            fputc(' ', out);
            dump_op(&d, &q->ops[i]);
        }
        fputc(')', out);
        break;
    case BS_SPARQL_ASK:
        fputs("(ask ", out);
        dump_root(q, q->root, out);
        fputc(')', out);
        break;
    case BS_SPARQL_CONSTRUCT:
        fputs("(construct ", out);
        dump_quads(q, "template", q->tmpl, q->ntmpl, out);
        fputc(' ', out);
        dump_root(q, q->root, out);
        fputc(')', out);
        break;
    case BS_SPARQL_DESCRIBE:
        fputs("(describe (", out);
        if (q->describe_all)
            fputc('*', out);
        for (size_t i = 0; i < q->ndescribe; i++) {
            if (i)
                fputc(' ', out);
            dump_tpos(&d, q->describe[i]);
        }
        fputs(") ", out);
        dump_root(q, q->root, out);
        fputc(')', out);
        break;
    default:
        dump_root(q, q->root, out);
    }
    fputc('\n', out);
}
