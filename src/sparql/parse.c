/* SPDX-License-Identifier: MIT
 * battstore — SPARQL parser entry points and its symbol tables:
 * variable slots (with subquery scopes), constants, prefixes, blank
 * node labels, and RFC 3986 reference resolution. */
#include "config.h"
#include "sparql/parse_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bs_status bs_sp_grow(void *arr, size_t *cap, size_t n, size_t sz)
{
    void **a = arr;
    if (n < *cap)
        return BS_OK;
    size_t nc = *cap ? *cap * 2 : 8;
    while (nc <= n)
        nc *= 2;
    void *na = realloc(*a, nc * sz);
    if (!na)
        return BS_ERR_NOMEM;
    *a = na;
    *cap = nc;
    return BS_OK;
}

char *bs_sp_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

/* ---- variables -------------------------------------------------------- */

static bs_status new_slot(bs_sp_parser *p, char *name, bool hidden,
                          bs_sp_vkind k, int *out)
{
    bs_sparql *q = p->q;
    if (!name)
        return BS_ERR_NOMEM;
    if (q->nvars >= p->cap_vars) {
        size_t cap = p->cap_vars;
        if (bs_sp_grow(&q->vars, &cap, q->nvars, sizeof *q->vars) ||
            bs_sp_grow(&p->vkind, &(size_t){p->cap_vars}, q->nvars, 1) ||
            bs_sp_grow(&p->vscope, &(size_t){p->cap_vars}, q->nvars, sizeof(int))) {
            free(name);
            return BS_ERR_NOMEM;
        }
        p->cap_vars = cap;
    }
    q->vars[q->nvars] = (bs_sp_var){name, hidden};
    p->vkind[q->nvars] = (uint8_t)k;
    p->vscope[q->nvars] = p->scope;
    *out = (int)q->nvars++;
    return BS_OK;
}

static bool scope_names(const bs_sp_scope *s, const char *name)
{
    for (size_t i = 0; i < s->nnames; i++)
        if (strcmp(s->names[i], name) == 0)
            return true;
    return false;
}

static bs_status slot_in(bs_sp_parser *p, int scope, const char *name, int *out)
{
    const bs_sp_scope *s = &p->scopes[scope];
    if (scope > 0 && (s->star || scope_names(s, name)))
        return slot_in(p, s->parent, name, out);
    /* the user's name lives on in a per-scope table; hidden slots of a
     * subquery are named name.N */
    char local[32];
    snprintf(local, sizeof local, ".%d", scope);
    for (size_t i = 0; i < p->q->nvars; i++) {
        if (p->vkind[i] != VK_USER || p->vscope[i] != scope)
            continue;
        const char *vn = p->q->vars[i].name;
        size_t nl = strlen(name);
        if (strncmp(vn, name, nl) == 0 && (vn[nl] == 0 || (scope > 0 && strcmp(vn + nl, local) == 0))) {
            *out = (int)i;
            return BS_OK;
        }
    }
    int save = p->scope;
    p->scope = scope;
    char *nm;
    if (scope == 0) {
        nm = strdup(name);
    } else {
        nm = malloc(strlen(name) + strlen(local) + 1);
        if (nm)
            strcat(strcpy(nm, name), local);
    }
    bs_status st = new_slot(p, nm, scope > 0, VK_USER, out);
    p->scope = save;
    return st;
}

bs_status bs_sp_var_slot(bs_sp_parser *p, const char *name, int *out)
{
    return slot_in(p, p->scope, name, out);
}

bs_status bs_sp_fresh_var(bs_sp_parser *p, const char *hint, bs_sp_vkind k, int *out)
{
    char nm[64];
    snprintf(nm, sizeof nm, ".%s%d", hint, p->nfresh++);
    return new_slot(p, strdup(nm), true, k, out);
}

bs_status bs_sp_push_scope(bs_sp_parser *p, bool star, char **names, size_t n)
{
    bs_sp_scope *ns = realloc(p->scopes, (p->nscopes + 1) * sizeof *ns);
    if (!ns)
        return BS_ERR_NOMEM;
    p->scopes = ns;
    ns[p->nscopes] = (bs_sp_scope){p->scope, star, names, n};
    p->scope = (int)p->nscopes++;
    return BS_OK;
}

void bs_sp_pop_scope(bs_sp_parser *p)
{
    p->scope = p->scopes[p->scope].parent;
}

/* ---- constants (deduplicated through a hash table) ---------------------- */

static uint64_t const_hash(bs_term_kind k, const char *lex, size_t n,
                           const char *extra, size_t en)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)k;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)lex[i]) * 1099511628211ULL;
    h = (h ^ 0xFF) * 1099511628211ULL;
    for (size_t i = 0; i < en; i++)
        h = (h ^ (unsigned char)extra[i]) * 1099511628211ULL;
    return h;
}

static bool const_eq(const bs_sp_const *c, bs_term_kind k, const char *lex,
                     size_t n, const char *extra, size_t en)
{
    return c->kind == k && c->lex_len == n && memcmp(c->lex, lex, n) == 0 &&
           c->extra_len == en && (!en || memcmp(c->extra, extra, en) == 0);
}

static bs_status chash_rebuild(bs_sp_parser *p)
{
    size_t cap = p->chash_cap ? p->chash_cap * 2 : 64;
    int *h = malloc(cap * sizeof *h);
    if (!h)
        return BS_ERR_NOMEM;
    for (size_t i = 0; i < cap; i++)
        h[i] = -1;
    for (size_t i = 0; i < p->q->nconsts; i++) {
        const bs_sp_const *c = &p->q->consts[i];
        size_t at = const_hash(c->kind, c->lex, c->lex_len, c->extra, c->extra_len) & (cap - 1);
        while (h[at] >= 0)
            at = (at + 1) & (cap - 1);
        h[at] = (int)i;
    }
    free(p->chash);
    p->chash = h;
    p->chash_cap = cap;
    return BS_OK;
}

bs_status bs_sp_const_add(bs_sp_parser *p, bs_term_kind kind, const char *lex,
                          size_t n, const char *extra, size_t en, int *out)
{
    bs_sparql *q = p->q;
    if (kind == BS_TERM_TYPED && en == strlen(BS_XSD_STRING) &&
        memcmp(extra, BS_XSD_STRING, en) == 0) {
        kind = BS_TERM_LITERAL;
        extra = NULL;
        en = 0;
    }
    char lang[64];
    if (kind == BS_TERM_LANG && en < sizeof lang) {
        /* language tags compare case-insensitively: kept in lower case */
        for (size_t i = 0; i < en; i++)
            lang[i] = (char)tolower((unsigned char)extra[i]);
        extra = lang;
    }
    if ((q->nconsts + 1) * 2 > p->chash_cap && chash_rebuild(p))
        return BS_ERR_NOMEM;
    size_t at = const_hash(kind, lex, n, extra, en) & (p->chash_cap - 1);
    for (; p->chash[at] >= 0; at = (at + 1) & (p->chash_cap - 1))
        if (const_eq(&q->consts[p->chash[at]], kind, lex, n, extra, en)) {
            *out = p->chash[at];
            return BS_OK;
        }
    if (bs_sp_grow(&q->consts, &p->cap_consts, q->nconsts, sizeof *q->consts))
        return BS_ERR_NOMEM;
    bs_sp_const c = {kind, bs_sp_strndup(lex, n), n, NULL, 0};
    if (extra) {
        c.extra = bs_sp_strndup(extra, en);
        c.extra_len = en;
    }
    if (!c.lex || (extra && !c.extra)) {
        free(c.lex);
        free(c.extra);
        return BS_ERR_NOMEM;
    }
    q->consts[q->nconsts] = c;
    p->chash[at] = (int)q->nconsts;
    *out = (int)q->nconsts++;
    return BS_OK;
}

/* ---- IRIs ----------------------------------------------------------- */

bs_status bs_sp_tok_iri(bs_sp_parser *p, char **out)
{
    const bs_sp_token *t = &p->t;
    if (t->kind == TK_IRI) {
        *out = bs_sp_resolve(p->base, t->s);
        return *out ? BS_OK : BS_ERR_NOMEM;
    }
    if (t->kind != TK_PNAME)
        return bs_sp_expected(p, "an IRI");
    for (size_t i = 0; i < p->nprefixes; i++) {
        const bs_sp_prefix *x = &p->prefixes[i];
        if (strlen(x->prefix) == t->colon && memcmp(x->prefix, t->s, t->colon) == 0) {
            const char *local = t->s + t->colon + 1;
            char *r = malloc(strlen(x->iri) + strlen(local) + 1);
            if (!r)
                return BS_ERR_NOMEM;
            strcat(strcpy(r, x->iri), local);
            *out = r;
            return BS_OK;
        }
    }
    return bs_sp_fail_at(p, t, "undefined prefix '%.*s:'", (int)t->colon, t->s);
}

bs_status bs_sp_iri_const(bs_sp_parser *p, int *out)
{
    char *iri = NULL;
    bs_status st = bs_sp_tok_iri(p, &iri);
    if (!st)
        st = bs_sp_const_add(p, BS_TERM_IRI, iri, strlen(iri), NULL, 0, out);
    free(iri);
    return st;
}

/* ---- blank nodes ----------------------------------------------------- */

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

void bs_sp_labels_free(bs_sp_labels *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].label);
    free(l->v);
    free(l->hash);
    memset(l, 0, sizeof *l);
}

static bs_sp_blabel *labels_find(const bs_sp_labels *l, const char *label)
{
    if (!l->hcap)
        return NULL;
    for (size_t at = str_hash(label) & (l->hcap - 1); l->hash[at] >= 0;
         at = (at + 1) & (l->hcap - 1))
        if (strcmp(l->v[l->hash[at]].label, label) == 0)
            return &l->v[l->hash[at]];
    return NULL;
}

static void labels_index(bs_sp_labels *l, size_t i)
{
    size_t at = str_hash(l->v[i].label) & (l->hcap - 1);
    while (l->hash[at] >= 0)
        at = (at + 1) & (l->hcap - 1);
    l->hash[at] = (int)i;
}

static bs_status labels_add(bs_sp_labels *l, const char *label, int slot, int block)
{
    if ((l->n + 1) * 2 > l->hcap) {
        size_t cap = l->hcap ? l->hcap * 2 : 32;
        int *h = malloc(cap * sizeof *h);
        if (!h)
            return BS_ERR_NOMEM;
        for (size_t i = 0; i < cap; i++)
            h[i] = -1;
        free(l->hash);
        l->hash = h;
        l->hcap = cap;
        for (size_t i = 0; i < l->n; i++)
            labels_index(l, i);
    }
    if (bs_sp_grow(&l->v, &l->cap, l->n, sizeof *l->v))
        return BS_ERR_NOMEM;
    l->v[l->n] = (bs_sp_blabel){strdup(label), slot, block};
    if (!l->v[l->n].label)
        return BS_ERR_NOMEM;
    labels_index(l, l->n++);
    return BS_OK;
}

/** A labelled blank node: in patterns a hidden variable (the same one
 *  within one basic graph pattern); in templates a constant. */
bs_status bs_sp_blank(bs_sp_parser *p, const char *label, bs_sp_tpos *out)
{
    bool tmpl = p->bnodes_are_consts;
    bs_sp_labels *l = tmpl ? &p->tlabels : &p->blabels;
    if (p->no_bnodes)
        return bs_sp_fail_at(p, &p->t, "blank nodes are not allowed here");
    const bs_sp_blabel *b = labels_find(l, label);
    if (b) {
        if (b->block != p->block)
            return bs_sp_fail_at(p, &p->t,
                                 "blank node _:%s used in two different graph patterns", label);
        *out = tmpl ? (bs_sp_tpos){-1, b->slot} : (bs_sp_tpos){b->slot, -1};
        return BS_OK;
    }
    bs_status st;
    int slot;
    if (tmpl) {
        TRY(st, bs_sp_const_add(p, BS_TERM_BNODE, label, strlen(label), NULL, 0, &slot));
        *out = (bs_sp_tpos){-1, slot};
    } else {
        char *nm = malloc(strlen(label) + 3);
        if (!nm)
            return BS_ERR_NOMEM;
        strcat(strcpy(nm, "_:"), label);
        TRY(st, new_slot(p, nm, true, VK_BNODE, &slot));
        *out = (bs_sp_tpos){slot, -1};
    }
    st = labels_add(l, label, slot, p->block);
fail:
    return st;
}

/// [] or a blank node property list's subject: a fresh blank node.
bs_status bs_sp_anon(bs_sp_parser *p, bs_sp_tpos *out)
{
    bs_status st;
    int slot;
    if (p->no_bnodes)
        return bs_sp_fail_at(p, &p->t, "blank nodes are not allowed here");
    if (p->bnodes_are_consts) {
        char nm[32];
        snprintf(nm, sizeof nm, "#%d", p->nfresh++);
        TRY(st, bs_sp_const_add(p, BS_TERM_BNODE, nm, strlen(nm), NULL, 0, &slot));
        *out = (bs_sp_tpos){-1, slot};
    } else {
        TRY(st, bs_sp_fresh_var(p, "b", VK_BNODE, &slot));
        *out = (bs_sp_tpos){slot, -1};
    }
fail:
    return st;
}

/* ---- RFC 3986 §5.2: resolving a reference against a base --------------- */

typedef struct {
    const char *s[5]; ///< scheme, authority, path, query, fragment (NULL = undefined)
    size_t n[5];
} iri_parts;

static void split_iri(const char *r, iri_parts *o)
{
    memset(o, 0, sizeof *o);
    const char *p = r;
    const char *c = p;
    while (*c && (isalnum((unsigned char)*c) || strchr("+-.", *c)))
        c++;
    if (*c == ':' && c > p && isalpha((unsigned char)*p)) {
        o->s[0] = p;
        o->n[0] = (size_t)(c - p);
        p = c + 1;
    }
    if (p[0] == '/' && p[1] == '/') {
        p += 2;
        o->s[1] = p;
        o->n[1] = strcspn(p, "/?#");
        p += o->n[1];
    }
    o->s[2] = p;
    o->n[2] = strcspn(p, "?#");
    p += o->n[2];
    if (*p == '?') {
        o->s[3] = ++p;
        o->n[3] = strcspn(p, "#");
        p += o->n[3];
    }
    if (*p == '#') {
        o->s[4] = ++p;
        o->n[4] = strlen(p);
    }
}

/// remove_dot_segments (§5.2.4) of path[0..n) into out (n+1 bytes).
static void remove_dots(const char *in, size_t n, char *out)
{
    size_t o = 0, i = 0;
    while (i < n) {
        const char *s = in + i;
        size_t left = n - i;
        if (left >= 3 && !memcmp(s, "../", 3)) i += 3;
        else if (left >= 2 && !memcmp(s, "./", 2)) i += 2;
        else if (left >= 3 && !memcmp(s, "/./", 3)) i += 2;
        else if (left == 2 && !memcmp(s, "/.", 2)) { i += 1; ((char *)in)[i] = '/'; }
        else if ((left >= 4 && !memcmp(s, "/../", 4)) || (left == 3 && !memcmp(s, "/..", 3))) {
            if (left == 3) { i += 2; ((char *)in)[i] = '/'; } else i += 3;
            while (o > 0 && out[o - 1] != '/') o--;
            if (o > 0) o--;
        } else if ((left == 1 && s[0] == '.') || (left == 2 && !memcmp(s, "..", 2))) i = n;
        else {
            size_t k = 1;
            while (k < left && s[k] != '/') k++;
            memcpy(out + o, s, k);
            o += k;
            i += k;
        }
    }
    out[o] = 0;
}

static void cat_part(char *d, const char *pre, const char *s, size_t n)
{
    strcat(d, pre);
    strncat(d, s, n);
}

char *bs_sp_resolve(const char *base, const char *ref)
{
    iri_parts r, b, t;
    split_iri(ref, &r);
    if (!r.s[0] && (!base || !*base))
        return strdup(ref); /* nothing to resolve against */
    if (r.s[0])
        b = r; /* absolute: only its dot segments go (§5.2.2) */
    else
        split_iri(base, &b);
    t = r;
    t.s[0] = b.s[0]; t.n[0] = b.n[0];
    char *merged = NULL;
    if (!r.s[0] && !r.s[1]) {
        t.s[1] = b.s[1]; t.n[1] = b.n[1];
        if (r.n[2] == 0) {
            t.s[2] = b.s[2]; t.n[2] = b.n[2];
            if (!r.s[3]) { t.s[3] = b.s[3]; t.n[3] = b.n[3]; }
        } else if (r.s[2][0] != '/') {
            /* merge: base path up to its last '/' + the reference path */
            merged = malloc(b.n[2] + r.n[2] + 2);
            if (!merged)
                return NULL;
            size_t k = b.n[2];
            while (k > 0 && b.s[2][k - 1] != '/') k--;
            if (b.s[1] && b.n[2] == 0) {
                strcpy(merged, "/");
            } else {
                memcpy(merged, b.s[2], k);
                merged[k] = 0;
            }
            strncat(merged, r.s[2], r.n[2]);
            t.s[2] = merged;
            t.n[2] = strlen(merged);
        }
    }
    char *path = malloc(t.n[2] + 2), *tmp = bs_sp_strndup(t.s[2], t.n[2]);
    char *out = malloc((base ? strlen(base) : 0) + strlen(ref) + 8);
    if (path && tmp && out) {
        remove_dots(tmp, t.n[2], path);
        out[0] = 0;
        cat_part(out, "", t.s[0], t.n[0]);
        strcat(out, ":");
        if (t.s[1]) cat_part(out, "//", t.s[1], t.n[1]);
        strcat(out, path);
        if (t.s[3]) cat_part(out, "?", t.s[3], t.n[3]);
        if (t.s[4]) cat_part(out, "#", t.s[4], t.n[4]);
    } else {
        free(out);
        out = NULL;
    }
    free(path);
    free(tmp);
    free(merged);
    return out;
}

/* ---- entry points ------------------------------------------------------ */

static void parser_free(bs_sp_parser *p)
{
    free(p->buf);
    free(p->vkind);
    free(p->vscope);
    for (size_t i = 0; i < p->nscopes; i++) {
        for (size_t j = 0; j < p->scopes[i].nnames; j++)
            free(p->scopes[i].names[j]);
        free(p->scopes[i].names);
    }
    free(p->scopes);
    free(p->chash);
    free(p->base);
    for (size_t i = 0; i < p->nprefixes; i++) {
        free(p->prefixes[i].prefix);
        free(p->prefixes[i].iri);
    }
    free(p->prefixes);
    bs_sp_labels_free(&p->blabels);
    bs_sp_labels_free(&p->tlabels);
}

bs_status bs_sparql_parse(const char *text, size_t len, const char *base_iri,
                          bool update, bs_sparql **out, bs_sparql_error *err)
{
    bs_status st = BS_OK;
    bs_sp_parser p = {.text = text, .len = len, .line = 1, .col = 1, .err = err};
    *out = NULL;
    if (err)
        memset(err, 0, sizeof *err);
    p.q = calloc(1, sizeof *p.q);
    if (!p.q || !(p.q->text = bs_sp_strndup(text, len)))
        TRY(st, BS_ERR_NOMEM);
    if (base_iri && !(p.base = strdup(base_iri)))
        TRY(st, BS_ERR_NOMEM);
    TRY(st, bs_sp_push_scope(&p, false, NULL, 0));
    if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
        p.pos = 3; /* a byte order mark */
    TRY(st, bs_sp_lex_next(&p));
    TRY(st, update ? bs_sp_parse_update(&p) : bs_sp_parse_query(&p));
    *out = p.q;
    p.q = NULL;
fail:
    if (st == BS_ERR_NOMEM && err && !p.failed)
        snprintf(err->msg, sizeof err->msg, "out of memory");
    parser_free(&p);
    bs_sparql_free(p.q);
    return st;
}

bs_sparql_form bs_sparql_form_of(const bs_sparql *q)
{
    return q->form;
}

void bs_sparql_free(bs_sparql *q)
{
    if (!q)
        return;
    free(q->text);
    for (size_t i = 0; i < q->nvars; i++)
        free(q->vars[i].name);
    free(q->vars);
    for (size_t i = 0; i < q->nconsts; i++) {
        free(q->consts[i].lex);
        free(q->consts[i].extra);
    }
    free(q->consts);
    bs_sp_node_free(q->root);
    free(q->proj);
    free(q->tmpl);
    free(q->describe);
    free(q->from);
    free(q->from_named);
    for (size_t i = 0; i < q->nops; i++) {
        bs_sp_update_op *op = &q->ops[i];
        free(op->del);
        free(op->ins);
        bs_sp_node_free(op->where);
        free(op->using_);
        free(op->using_named);
    }
    free(q->ops);
    free(q);
}
