/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: reading expected results (SRX, SRJ, TSV, CSV,
 * and result sets written as RDF in the rs: vocabulary). */
#include "config.h"
#include "w3c.h"

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RS "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

char *w3c_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n + 1 < cap) break;
        char *b = realloc(buf, cap *= 2);
        if (!b) { free(buf); buf = NULL; }
        else buf = b;
    }
    fclose(f);
    if (buf) buf[n] = 0;
    if (len) *len = n;
    return buf;
}

/* ---- SRX ------------------------------------------------------------------ */

static bool named(const xmlNode *n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (named(c, name)) return c;
    return NULL;
}

/* One <binding>'s value element into t. */
static int srx_term(xmlNode *b, w3c_term *t)
{
    for (xmlNode *v = b->children; v; v = v->next) {
        if (v->type != XML_ELEMENT_NODE) continue;
        xmlChar *text = xmlNodeGetContent(v);
        const char *s = text ? (const char *)text : "";
        int rc;
        if (named(v, "uri")) {
            rc = w3c_term_make(t, BS_TERM_IRI, s, NULL);
        } else if (named(v, "bnode")) {
            rc = w3c_term_make(t, BS_TERM_BNODE, s, NULL);
        } else if (named(v, "literal")) {
            xmlChar *lang = xmlNodeGetLang(v);
            xmlChar *dt = xmlGetProp(v, (const xmlChar *)"datatype");
            if (lang && *lang)
                rc = w3c_term_make(t, BS_TERM_LANG, s, (const char *)lang);
            else
                rc = w3c_term_make(t, dt ? BS_TERM_TYPED : BS_TERM_LITERAL, s,
                                   (const char *)dt);
            xmlFree(lang);
            xmlFree(dt);
        } else {
            rc = -1;
        }
        xmlFree(text);
        return rc;
    }
    return -1;
}

static int srx_results(xmlNode *res, w3c_rs *rs, char *err, size_t errcap)
{
    for (xmlNode *r = res->children; r; r = r->next) {
        if (!named(r, "result")) continue;
        w3c_term *row = w3c_rs_add_row(rs);
        if (!row) return -1;
        size_t ri = rs->nrows - 1;
        for (xmlNode *b = r->children; b; b = b->next) {
            if (!named(b, "binding")) continue;
            xmlChar *name = xmlGetProp(b, (const xmlChar *)"name");
            long col = name ? w3c_rs_col(rs, (const char *)name) : -1;
            xmlFree(name);
            if (col < 0) {
                snprintf(err, errcap, "binding without a known name");
                return -1;
            }
            w3c_term *cell = &rs->cells[ri * rs->ncols + (size_t)col];
            w3c_term_clear(cell);
            if (srx_term(b, cell)) {
                snprintf(err, errcap, "bad binding value");
                return -1;
            }
        }
    }
    return 0;
}

int w3c_read_srx(const char *path, w3c_rs *rs, char *err, size_t errcap)
{
    xmlDoc *doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOWARNING |
                                              XML_PARSE_NOERROR);
    int rc = -1;
    if (!doc) {
        snprintf(err, errcap, "%s: not well-formed XML", path);
        return -1;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root || !named(root, "sparql")) {
        snprintf(err, errcap, "%s: no <sparql> root", path);
        goto done;
    }
    for (xmlNode *v = child(child(root, "head"), "variable") ; v; v = v->next) {
        if (!named(v, "variable")) continue;
        xmlChar *name = xmlGetProp(v, (const xmlChar *)"name");
        long col = name ? w3c_rs_col(rs, (const char *)name) : -1;
        xmlFree(name);
        if (col < 0) goto done;
    }
    xmlNode *b = child(root, "boolean");
    if (b) {
        xmlChar *t = xmlNodeGetContent(b);
        rs->is_bool = true;
        rs->boolean = t && !strcmp((const char *)t, "true");
        xmlFree(t);
        rc = 0;
        goto done;
    }
    xmlNode *res = child(root, "results");
    rc = res ? srx_results(res, rs, err, errcap) : 0;
done:
    xmlFreeDoc(doc);
    return rc;
}

/* ---- SRJ ------------------------------------------------------------------ */

static int srj_term(json_t *v, w3c_term *t)
{
    const char *type = json_string_value(json_object_get(v, "type"));
    const char *val = json_string_value(json_object_get(v, "value"));
    const char *lang = json_string_value(json_object_get(v, "xml:lang"));
    const char *dt = json_string_value(json_object_get(v, "datatype"));
    if (!type || !val) return -1;
    if (!strcmp(type, "uri")) return w3c_term_make(t, BS_TERM_IRI, val, NULL);
    if (!strcmp(type, "bnode")) return w3c_term_make(t, BS_TERM_BNODE, val, NULL);
    if (strcmp(type, "literal") && strcmp(type, "typed-literal")) return -1;
    size_t vl = json_string_length(json_object_get(v, "value"));
    bs_term v2 = bs_term_literal(val, vl, lang, lang ? strlen(lang) : 0, dt,
                                 dt ? strlen(dt) : 0);
    return w3c_term_set(t, &v2);
}

int w3c_read_srj(const char *path, w3c_rs *rs, char *err, size_t errcap)
{
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    int rc = -1;
    if (!doc) {
        snprintf(err, errcap, "%s:%d: %s", path, je.line, je.text);
        return -1;
    }
    json_t *vars = json_object_get(json_object_get(doc, "head"), "vars");
    size_t i;
    json_t *x;
    json_array_foreach(vars, i, x) {
        if (!json_is_string(x) || w3c_rs_col(rs, json_string_value(x)) < 0)
            goto done;
    }
    json_t *b = json_object_get(doc, "boolean");
    if (b) {
        rs->is_bool = true;
        rs->boolean = json_is_true(b);
        rc = 0;
        goto done;
    }
    json_t *rows = json_object_get(json_object_get(doc, "results"), "bindings");
    json_array_foreach(rows, i, x) {
        if (!w3c_rs_add_row(rs)) goto done;
        const char *name;
        json_t *val;
        json_object_foreach(x, name, val) {
            long col = w3c_rs_col(rs, name);
            if (col < 0) goto done;
            w3c_term *cell = &rs->cells[i * rs->ncols + (size_t)col];
            if (srj_term(val, cell)) {
                snprintf(err, errcap, "%s: bad binding of %s", path, name);
                goto done;
            }
        }
    }
    rc = 0;
done:
    json_decref(doc);
    return rc;
}

/* ---- TSV and CSV ---------------------------------------------------------- */

/* End of the line starting at i (before its CR or LF). */
static size_t line_end(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] != '\n' && s[i] != '\r') i++;
    return i;
}

static size_t unescape(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) { out[o++] = s[i]; continue; }
        char c = s[++i];
        out[o++] = c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
    }
    return o;
}

static bool all_in(const char *s, size_t n, const char *set)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr(set, s[i])) return false;
    return n > 0;
}

/* One TSV cell (Turtle syntax) into t. */
static int tsv_term(const char *s, size_t n, w3c_term *t)
{
    char *buf = malloc(n + 1);
    int rc = -1;
    if (!buf) return -1;
    if (!n) { rc = 0; memset(t, 0, sizeof *t); }
    else if (s[0] == '<' && s[n - 1] == '>') {
        memcpy(buf, s + 1, n - 2); buf[n - 2] = 0;
        rc = w3c_term_make(t, BS_TERM_IRI, buf, NULL);
    } else if (n > 2 && s[0] == '_' && s[1] == ':') {
        memcpy(buf, s + 2, n - 2); buf[n - 2] = 0;
        rc = w3c_term_make(t, BS_TERM_BNODE, buf, NULL);
    } else if (s[0] == '"') {
        size_t q = n - 1;
        while (q > 0 && s[q] != '"') q--;
        if (q == 0) goto done;
        size_t l = unescape(s + 1, q - 1, buf);
        const char *rest = s + q + 1;
        size_t rl = n - q - 1;
        bs_term v = bs_term_literal(buf, l, NULL, 0, NULL, 0);
        if (rl > 1 && rest[0] == '@') v = bs_term_literal(buf, l, rest + 1, rl - 1, NULL, 0);
        else if (rl > 4 && rest[0] == '^') v = bs_term_literal(buf, l, NULL, 0, rest + 3, rl - 4);
        rc = w3c_term_set(t, &v);
    } else {
        const char *dt = all_in(s, n, "+-0123456789") ? BS_XSD "integer" :
                         all_in(s, n, "+-0123456789.") ? BS_XSD "decimal" :
                         all_in(s, n, "+-0123456789.eE") ? BS_XSD "double" :
                         BS_XSD "boolean";
        bs_term v = bs_term_literal(s, n, NULL, 0, dt, strlen(dt));
        rc = w3c_term_set(t, &v);
    }
done:
    free(buf);
    return rc;
}

int w3c_parse_tsv(const char *text, size_t len, w3c_rs *rs, char *err,
                  size_t errcap)
{
    size_t i = 0;
    bool header = true;
    while (i < len) {
        size_t e = line_end(text, len, i);
        size_t col = 0;
        w3c_term *row = NULL;
        if (!header && !(row = w3c_rs_add_row(rs))) return -1;
        for (size_t a = i; a <= e; col++) {
            size_t b = a;
            while (b < e && text[b] != '\t') b++;
            if (header) {
                char name[256];
                size_t off = b > a && (text[a] == '?' || text[a] == '$');
                snprintf(name, sizeof name, "%.*s", (int)(b - a - off), text + a + off);
                if (w3c_rs_col(rs, name) < 0) return -1;
            } else if (col >= rs->ncols ||
                       tsv_term(text + a, b - a, &rs->cells[(rs->nrows - 1) * rs->ncols + col])) {
                snprintf(err, errcap, "TSV: bad cell in row %zu", rs->nrows);
                return -1;
            }
            a = b + 1;
        }
        header = false;
        i = e;
        if (i < len && text[i] == '\r') i++;
        if (i < len && text[i] == '\n') i++;
    }
    return 0;
}

/* One CSV field starting at text[*i]; its value into buf (len *n). */
static void csv_field(const char *text, size_t len, size_t *i, char *buf,
                      size_t *n)
{
    size_t k = *i, o = 0;
    if (k < len && text[k] == '"') {
        for (k++; k < len; k++) {
            if (text[k] == '"') {
                if (k + 1 < len && text[k + 1] == '"') { buf[o++] = '"'; k++; }
                else { k++; break; }
            } else {
                buf[o++] = text[k];
            }
        }
    }
    while (k < len && text[k] != ',' && text[k] != '\n' && text[k] != '\r')
        buf[o++] = text[k++];
    buf[o] = 0;
    *n = o;
    *i = k;
}

int w3c_parse_csv(const char *text, size_t len, w3c_rs *rs, char *err,
                  size_t errcap)
{
    char *buf = malloc(len + 1);
    size_t i = 0, n;
    bool header = true;
    int rc = -1;
    if (!buf) return -1;
    while (i < len) {
        w3c_term *row = NULL;
        if (!header && !(row = w3c_rs_add_row(rs))) goto done;
        for (size_t col = 0;; col++) {
            csv_field(text, len, &i, buf, &n);
            if (header) {
                if (w3c_rs_col(rs, buf) < 0) goto done;
            } else if (col >= rs->ncols) {
                snprintf(err, errcap, "CSV: too many fields in row %zu", rs->nrows);
                goto done;
            } else if (n) {
                w3c_term *cell = &rs->cells[(rs->nrows - 1) * rs->ncols + col];
                bool bn = n > 2 && buf[0] == '_' && buf[1] == ':';
                bs_term v = bn ? bs_term_bnode(buf + 2, n - 2) :
                                 bs_term_literal(buf, n, NULL, 0, NULL, 0);
                if (w3c_term_set(cell, &v)) goto done;
            }
            if (i < len && text[i] == ',') { i++; continue; }
            break;
        }
        header = false;
        if (i < len && text[i] == '\r') i++;
        if (i < len && text[i] == '\n') i++;
    }
    rc = 0;
done:
    free(buf);
    return rc;
}

/* ---- the rs: vocabulary --------------------------------------------------- */

static int rs_solution(const w3c_graph *g, const w3c_term *sol, w3c_rs *rs,
                       long *index)
{
    const w3c_term *ix = w3c_graph_get(g, sol, RS "index");
    *index = ix ? atol(ix->lex) : -1;
    if (!w3c_rs_add_row(rs)) return -1;
    size_t pos = 0, ri = rs->nrows - 1;
    const w3c_term *b;
    while ((b = w3c_graph_next(g, sol, RS "binding", &pos))) {
        const w3c_term *var = w3c_graph_get(g, b, RS "variable");
        const w3c_term *val = w3c_graph_get(g, b, RS "value");
        if (!var || !val) return -1;
        long col = w3c_rs_col(rs, var->lex);
        if (col < 0) return -1;
        bs_term v = {val->kind, val->lex, val->lex_len, val->extra, val->extra_len};
        w3c_term *cell = &rs->cells[ri * rs->ncols + (size_t)col];
        w3c_term_clear(cell);
        if (w3c_term_set(cell, &v)) return -1;
    }
    return 0;
}

/* Put the rows in rs:index order (a simple insertion sort of rows). */
static void rs_sort(w3c_rs *rs, long *index)
{
    size_t w = rs->ncols;
    w3c_term *tmp = malloc((w ? w : 1) * sizeof *tmp);
    if (!tmp) return;
    for (size_t i = 1; i < rs->nrows; i++) {
        long k = index[i];
        memcpy(tmp, rs->cells + i * w, w * sizeof *tmp);
        size_t j = i;
        for (; j > 0 && index[j - 1] > k; j--) {
            index[j] = index[j - 1];
            memcpy(rs->cells + j * w, rs->cells + (j - 1) * w, w * sizeof *tmp);
        }
        index[j] = k;
        memcpy(rs->cells + j * w, tmp, w * sizeof *tmp);
    }
    free(tmp);
}

int w3c_graph_to_rs(const w3c_graph *g, w3c_rs *rs, char *err, size_t errcap)
{
    size_t pos = 0;
    const w3c_term *set = w3c_graph_subject(g, RDF_TYPE, RS "ResultSet", &pos);
    if (!set) {
        snprintf(err, errcap, "no rs:ResultSet in the result graph");
        return -1;
    }
    const w3c_term *x;
    for (pos = 0; (x = w3c_graph_next(g, set, RS "resultVariable", &pos));)
        if (w3c_rs_col(rs, x->lex) < 0) return -1;
    if ((x = w3c_graph_get(g, set, RS "boolean"))) {
        rs->is_bool = true;
        rs->boolean = !strcmp(x->lex, "true");
        return 0;
    }
    long *index = NULL;
    size_t cap = 0;
    int rc = 0;
    for (pos = 0; !rc && (x = w3c_graph_next(g, set, RS "solution", &pos));) {
        if (rs->nrows == cap) {
            long *ni = realloc(index, (cap = cap ? 2 * cap : 16) * sizeof *ni);
            if (!ni) { rc = -1; break; }
            index = ni;
        }
        rc = rs_solution(g, x, rs, &index[rs->nrows]);
        if (!rc && index[rs->nrows - 1] >= 0) rs->ordered = true;
    }
    if (rc) snprintf(err, errcap, "bad rs:solution");
    else if (rs->ordered) rs_sort(rs, index);
    free(index);
    return rc;
}
