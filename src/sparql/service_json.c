/* SPDX-License-Identifier: MIT
 * battstore — SERVICE: decoding an endpoint's answer (SPARQL 1.1 Query
 * Results JSON Format) into rows of query-local ids. */
#include "config.h"
#include "sparql/service_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    bs_sp_exec *ex;
    bs_sp_vset *mine; ///< the variables the SERVICE group mentions
    json_t *bnodes;   ///< label → fresh id (this answer only)
    const char **names; ///< head.vars
    int *slots;       ///< per head variable: the request's slot, or -1
    size_t nnames;
    char *msg;
    size_t msgcap;
} decoder;

/* The slot of the SERVICE group's variable named name, or -1: the user
 * variable of that name, or one local to a subquery of the group (named
 * "name.N" by the parser). */
static int slot_named(const decoder *d, const char *name)
{
    const bs_sparql *q = d->ex->q;
    size_t nl = strlen(name);
    int local = -1;
    for (size_t i = 0; i < q->nvars; i++) {
        if (!bs_sp_vset_has(d->mine, (int)i)) continue;
        const char *vn = q->vars[i].name;
        if (strncmp(vn, name, nl)) continue;
        if (!vn[nl]) return (int)i;
        if (vn[nl] == '.' && vn[nl + 1] && strspn(vn + nl + 1, "0123456789") == strlen(vn + nl + 1))
            local = (int)i;
    }
    return local;
}

static int slot_of(const decoder *d, const char *name)
{
    for (size_t i = 0; i < d->nnames; i++)
        if (!strcmp(d->names[i], name)) return d->slots[i];
    return slot_named(d, name);
}

static bs_status bad(decoder *d, const char *fmt, const char *what)
{
    snprintf(d->msg, d->msgcap, fmt, what);
    return BS_ERR_PARSE;
}

static const char *str_of(json_t *o, const char *key, size_t *len)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v)) return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

/* The id of a blank node of this answer: the same label, the same id. */
static bs_status bnode_id(decoder *d, const char *label, bs_id *out)
{
    json_t *v = json_object_get(d->bnodes, label);
    if (v) {
        *out = (bs_id)json_integer_value(v);
        return BS_OK;
    }
    bs_status st = bs_sp_fresh_bnode(d->ex, out);
    if (st != BS_OK) return st;
    if (json_object_set_new(d->bnodes, label, json_integer((json_int_t)*out)))
        return BS_ERR_NOMEM;
    return BS_OK;
}

/* One RDF term: {"type": ..., "value": ..., "xml:lang"/"datatype"}. */
static bs_status term_of(decoder *d, const char *var, json_t *o, bs_id *out)
{
    size_t vlen = 0, tlen = 0, xlen = 0;
    const char *type = json_is_object(o) ? str_of(o, "type", &tlen) : NULL;
    const char *value = type ? str_of(o, "value", &vlen) : NULL;
    if (!value) return bad(d, "the value of ?%s is not an RDF term", var);
    bs_term t;
    if (!strcmp(type, "uri")) {
        t = bs_term_iri(value, vlen);
    } else if (!strcmp(type, "bnode")) {
        return bnode_id(d, value, out);
    } else if (!strcmp(type, "literal") || !strcmp(type, "typed-literal")) {
        const char *x;
        if ((x = str_of(o, "xml:lang", &xlen)) && xlen)
            t = bs_term_literal(value, vlen, x, xlen, NULL, 0);
        else if ((x = str_of(o, "datatype", &xlen)) && xlen)
            t = bs_term_literal(value, vlen, NULL, 0, x, xlen);
        else
            t = bs_term_literal(value, vlen, NULL, 0, NULL, 0);
    } else {
        return bad(d, "unknown term type in ?%s", var);
    }
    return bs_sp_intern(d->ex, &t, out);
}

/* One solution object: {"var": term, ...}. */
static bs_status row_of(decoder *d, json_t *b, bs_id *row)
{
    const char *key;
    json_t *v;
    if (!json_is_object(b)) return bad(d, "%s", "a solution is not a JSON object");
    memset(row, 0, d->ex->nvars * sizeof *row);
    json_object_foreach(b, key, v) {
        int slot = slot_of(d, key);
        bs_id id;
        if (slot < 0) continue; /* a variable the request does not have */
        bs_status st = term_of(d, key, v, &id);
        if (st != BS_OK) return st;
        row[slot] = id;
    }
    return BS_OK;
}

static bs_status read_head(decoder *d, json_t *root)
{
    json_t *vars = json_object_get(json_object_get(root, "head"), "vars");
    if (!vars) return BS_OK; /* the spec requires it; bindings name their variables */
    if (!json_is_array(vars)) return bad(d, "%s", "head.vars is not an array");
    size_t n = json_array_size(vars);
    d->names = calloc(n + 1, sizeof *d->names);
    d->slots = calloc(n + 1, sizeof *d->slots);
    if (!d->names || !d->slots) return BS_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *name = json_string_value(json_array_get(vars, i));
        if (!name) return bad(d, "%s", "head.vars holds a non-string");
        d->names[i] = name;
        d->slots[i] = slot_named(d, name);
        d->nnames++;
    }
    return BS_OK;
}

static bs_status read_rows(decoder *d, json_t *root, bs_sp_rows *rows)
{
    json_t *res = json_object_get(root, "results");
    json_t *bindings = json_object_get(res, "bindings");
    if (!json_is_array(bindings)) {
        if (json_object_get(root, "boolean"))
            return bad(d, "%s", "the answer is a boolean, not solutions");
        return bad(d, "%s", "the answer has no results.bindings array");
    }
    bs_status st = BS_OK;
    bs_id *row = malloc((d->ex->nvars + 1) * sizeof *row);
    if (!row) return BS_ERR_NOMEM;
    size_t i;
    json_t *b;
    json_array_foreach(bindings, i, b) {
        TRY(st, bs_sp_tick(d->ex));
        TRY(st, row_of(d, b, row));
        TRY(st, bs_sp_rows_push(rows, row, NULL));
    }
fail:
    free(row);
    return st;
}

bs_status bs_sp_service_decode(bs_sp_exec *ex, const bs_sp_node *n,
                               const char *json, size_t len, bs_sp_rows *rows,
                               char *msg, size_t msgcap)
{
    decoder d = {.ex = ex, .msg = msg, .msgcap = msgcap};
    json_error_t jerr;
    bs_status st = BS_OK;
    if (!(d.mine = bs_sp_vset_new(ex->nvars))) return BS_ERR_NOMEM;
    bs_sp_plan_node_vars(n->a, d.mine);
    json_t *root = json_loadb(json, len, JSON_ALLOW_NUL, &jerr);
    if (!root || !json_is_object(root)) {
        snprintf(msg, msgcap, "the answer is not SPARQL JSON results%s%s",
                 root ? "" : ": ", root ? "" : jerr.text);
        st = BS_ERR_PARSE;
        goto fail;
    }
    if (!(d.bnodes = json_object())) TRY(st, BS_ERR_NOMEM);
    TRY(st, read_head(&d, root));
    TRY(st, read_rows(&d, root, rows));
fail:
    json_decref(d.bnodes);
    json_decref(root);
    free(d.names);
    free(d.slots);
    free(d.mine);
    return st;
}
