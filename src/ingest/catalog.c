/* SPDX-License-Identifier: MIT
 * battstore — OASIS XML catalogs (catalog-v001.xml, as Protégé writes
 * them): <uri name="IRI" uri="target"/> elements anywhere in the tree,
 * targets relative to the catalog file or to an xml:base in scope.
 * Parsed with libxml2 (already loaded by Raptor). */
#include "config.h"
#include "ingest/ingest_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/uri.h>
#include <raptor2.h>

#define CATALOG_NS "urn:oasis:names:tc:entity:xmlns:xml:catalog"

typedef struct {
    char *name;   /* the IRI mapped */
    char *target; /* absolute file name, or URL when remote */
    bool remote;
    size_t seq;   /* document order, to keep the first of equal names */
} entry;

typedef struct {
    char *path;   /* absolute file name of the catalog */
    char *dir;    /* its directory */
    bool explicit_;
    entry *e;
    size_t n, cap;
} catalog;

struct bs_catalogs {
    catalog *v;
    size_t n, cap;
};

bs_status bs_catalogs_new(bs_catalogs **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? BS_OK : BS_ERR_NOMEM;
}

static void catalog_free(catalog *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->e[i].name);
        free(c->e[i].target);
    }
    free(c->e);
    free(c->path);
    free(c->dir);
}

void bs_catalogs_free(bs_catalogs *cs)
{
    if (!cs) return;
    for (size_t i = 0; i < cs->n; i++) catalog_free(&cs->v[i]);
    free(cs->v);
    free(cs);
}

/* ---- reading a catalog --------------------------------------------- */

static bool is_remote(const char *uri)
{
    return strncasecmp(uri, "http://", 7) == 0 ||
           strncasecmp(uri, "https://", 8) == 0;
}

/* Resolve a uri attribute against the base in scope; a value with bare
 * spaces (not a valid URI reference) is retried with them escaped. */
static xmlChar *resolve_target(xmlDocPtr doc, xmlNodePtr node, const xmlChar *u)
{
    xmlChar *base = xmlNodeGetBase(doc, node);
    xmlChar *r = xmlBuildURI(u, base);
    if (!r && strchr((const char *)u, ' ')) {
        xmlChar *esc = xmlURIEscapeStr(u, (const xmlChar *)"/:?#[]@!$&'()*+,;=%~");
        if (esc) r = xmlBuildURI(esc, base);
        xmlFree(esc);
    }
    xmlFree(base);
    return r;
}

static bs_status add_entry(catalog *c, const char *name, const char *uri)
{
    entry e = {NULL, NULL, is_remote(uri), c->n};
    if (e.remote) {
        e.target = strdup(uri);
    } else if (strncasecmp(uri, "file:", 5) == 0) {
        char *fn = raptor_uri_uri_string_to_filename((const unsigned char *)uri);
        if (!fn) return BS_OK; /* not a usable file URI: ignore the entry */
        e.target = strdup(fn);
        raptor_free_memory(fn);
    } else {
        return BS_OK; /* urn:, ftp:, ...: nothing we can load */
    }
    e.name = strdup(name);
    if (!e.name || !e.target) goto nomem;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64;
        entry *nv = realloc(c->e, nc * sizeof *nv);
        if (!nv) goto nomem;
        c->e = nv;
        c->cap = nc;
    }
    c->e[c->n++] = e;
    return BS_OK;
nomem:
    free(e.name);
    free(e.target);
    return BS_ERR_NOMEM;
}

static bool is_uri_element(xmlNodePtr n)
{
    if (n->type != XML_ELEMENT_NODE || xmlStrcmp(n->name, (const xmlChar *)"uri"))
        return false;
    return !n->ns || !xmlStrcmp(n->ns->href, (const xmlChar *)CATALOG_NS);
}

static bs_status read_uri_element(catalog *c, xmlDocPtr doc, xmlNodePtr n)
{
    xmlChar *name = xmlGetProp(n, (const xmlChar *)"name");
    xmlChar *uri = xmlGetProp(n, (const xmlChar *)"uri");
    xmlChar *target = name && uri ? resolve_target(doc, n, uri) : NULL;
    bs_status st = BS_OK;
    if (target) st = add_entry(c, (const char *)name, (const char *)target);
    xmlFree(name);
    xmlFree(uri);
    xmlFree(target);
    return st;
}

/* Every <uri> element of the tree, in document order. */
static bs_status walk(catalog *c, xmlDocPtr doc, xmlNodePtr n)
{
    bs_status st;
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE) continue;
        if (is_uri_element(n)) TRY(st, read_uri_element(c, doc, n));
        else TRY(st, walk(c, doc, n->children));
    }
    return BS_OK;
fail:
    return st;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    int r = strcmp(x->name, y->name);
    if (r) return r;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Parse the file into c (path absolute).  The document's URL becomes the
 * file:// URI so that relative targets resolve to URIs, escaped or not. */
static bs_status parse_catalog(catalog *c)
{
    int flags = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
    xmlDocPtr doc = xmlReadFile(c->path, NULL, flags);
    if (!doc) return BS_ERR_PARSE;
    unsigned char *url = raptor_uri_filename_to_uri_string(c->path);
    bs_status st = BS_ERR_NOMEM;
    if (url) {
        xmlFree((xmlChar *)doc->URL);
        doc->URL = xmlStrdup(url);
        raptor_free_memory(url);
        st = doc->URL ? walk(c, doc, xmlDocGetRootElement(doc)) : BS_ERR_NOMEM;
    }
    xmlFreeDoc(doc);
    if (st == BS_OK) qsort(c->e, c->n, sizeof *c->e, cmp_entry);
    return st;
}

static catalog *find_catalog(bs_catalogs *cs, const char *abs)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->v[i].path, abs) == 0) return &cs->v[i];
    return NULL;
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    char *d = malloc(n + 2);
    if (!d) return NULL;
    if (n == 0 && slash) d[n++] = '/';
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

bs_status bs_catalogs_add(bs_catalogs *cs, const char *path, bool explicit_)
{
    char *abs = realpath(path, NULL);
    if (!abs) return errno == ENOENT || errno == ENOTDIR ? BS_NOT_FOUND : BS_ERR_IO;
    catalog *old = find_catalog(cs, abs);
    if (old) {
        old->explicit_ = old->explicit_ || explicit_;
        free(abs);
        return BS_OK;
    }
    if (cs->n == cs->cap) {
        size_t nc = cs->cap ? cs->cap * 2 : 8;
        catalog *nv = realloc(cs->v, nc * sizeof *nv);
        if (!nv) { free(abs); return BS_ERR_NOMEM; }
        cs->v = nv;
        cs->cap = nc;
    }
    catalog c = {abs, dir_of(abs), explicit_, NULL, 0, 0};
    bs_status st = c.dir ? parse_catalog(&c) : BS_ERR_NOMEM;
    if (st != BS_OK) {
        catalog_free(&c);
        return st;
    }
    cs->v[cs->n++] = c;
    return BS_OK;
}

/* ---- lookups ------------------------------------------------------- */

/* Visit the entries of one catalog for iri; true when fn accepted one. */
static bool visit_catalog(const catalog *c, const char *iri,
                          bs_catalog_visit fn, void *ctx)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) { /* first entry whose name is >= iri */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->e[mid].name, iri) < 0) lo = mid + 1;
        else hi = mid;
    }
    for (; lo < c->n && strcmp(c->e[lo].name, iri) == 0; lo++)
        if (fn(ctx, c->e[lo].target, c->e[lo].remote)) return true;
    return false;
}

void bs_catalogs_find(const bs_catalogs *cs, const char *iri,
                      const char *from_dir, bs_catalog_visit fn, void *ctx)
{
    const catalog *local = NULL;
    for (size_t i = 0; i < cs->n; i++)
        if (cs->v[i].explicit_ && visit_catalog(&cs->v[i], iri, fn, ctx)) return;
    for (size_t i = 0; from_dir && i < cs->n; i++) {
        if (!cs->v[i].explicit_ && strcmp(cs->v[i].dir, from_dir) == 0) {
            local = &cs->v[i];
            if (visit_catalog(local, iri, fn, ctx)) return;
        }
    }
    for (size_t i = 0; i < cs->n; i++)
        if (!cs->v[i].explicit_ && &cs->v[i] != local &&
            visit_catalog(&cs->v[i], iri, fn, ctx))
            return;
}
