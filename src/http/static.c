/* SPDX-License-Identifier: MIT
 * battstore — static files of the web page from cfg.web_dir: a MIME type by
 * extension, "/" → index.html (or a small built-in page naming the doors),
 * nothing outside the directory (no "..", no hidden files, no symlinks
 * leading out). */
#include "config.h"
#include "http/core.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char builtin_page[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>battstore</title></head>\n<body>\n<h1>battstore</h1>\n"
    "<p>A SPARQL 1.1 endpoint over battery data (BattINFO).</p>\n<ul>\n"
    "<li><a href=\"sparql\">/sparql</a> — SPARQL 1.1 Protocol: query and update "
    "(GET without a query: the service description)</li>\n"
    "<li><a href=\"data?default\">/data</a> — Graph Store Protocol "
    "(<code>?default</code>, <code>?graph=IRI</code>)</li>\n"
    "<li><a href=\"graphs\">/graphs</a> — the graphs you may see</li>\n"
    "<li><a href=\"queries\">/queries</a> — named queries; run one at "
    "<code>/queries/NAME?param=value</code></li>\n</ul>\n</body></html>\n";

static const struct { const char *ext, *type; } mime_types[] = {
    {"html", "text/html; charset=utf-8"}, {"htm", "text/html; charset=utf-8"},
    {"css", "text/css; charset=utf-8"}, {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"}, {"json", "application/json"},
    {"txt", "text/plain; charset=utf-8"}, {"svg", "image/svg+xml"},
    {"png", "image/png"}, {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"},
    {"gif", "image/gif"}, {"ico", "image/x-icon"}, {"webp", "image/webp"},
    {"woff", "font/woff"}, {"woff2", "font/woff2"}, {"wasm", "application/wasm"},
    {"ttl", "text/turtle; charset=utf-8"}, {"nt", "application/n-triples"},
    {"rq", "application/sparql-query"}, {"xml", "application/xml"},
    {"map", "application/json"}, {"csv", "text/csv; charset=utf-8"},
};

/// The media type of a file name by its extension (a static string).
static const char *mime_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
            if (strcasecmp(dot + 1, mime_types[i].ext) == 0) return mime_types[i].type;
    return "application/octet-stream";
}

/* Whether a URL path is safe to map below the web directory: absolute,
 * no empty-after-dot segment ("." "..", hidden files), no backslash or
 * NUL. */
static bool path_ok(const char *p)
{
    if (p[0] != '/' || strchr(p, '\\')) return false;
    for (const char *s = p; s; s = strchr(s + 1, '/'))
        if (s[1] == '.') return false;
    return true;
}

static bs_status read_file(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return BS_NOT_FOUND;
    struct stat sb;
    bs_status st = BS_ERR_IO;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) { st = BS_NOT_FOUND; goto done; }
    *len = (size_t)sb.st_size;
    *buf = malloc(*len + 1);
    if (!*buf) { st = BS_ERR_NOMEM; goto done; }
    if (fread(*buf, 1, *len, f) != *len) { free(*buf); *buf = NULL; goto done; }
    st = BS_OK;
done:
    fclose(f);
    return st;
}

/* The real path of the file the URL names, when it lies inside root;
 * NULL otherwise.  Caller frees. */
static char *resolve(const char *root, const char *urlpath)
{
    char *rroot = realpath(root, NULL), *full = NULL, *real = NULL;
    if (!rroot) return NULL;
    size_t ul = strlen(urlpath);
    bool dir = urlpath[ul - 1] == '/';
    if (asprintf(&full, "%s%s%s", rroot, urlpath, dir ? "index.html" : "") < 0) full = NULL;
    if (full) real = realpath(full, NULL);
    size_t rl = strlen(rroot);
    if (real && !(strncmp(real, rroot, rl) == 0 && real[rl] == '/')) {
        free(real);
        real = NULL;
    }
    free(full);
    free(rroot);
    return real;
}

bs_status bs_http_h_static(bs_http_req *rq, bs_http_resp *rs)
{
    if (strcmp(rq->method, "GET") != 0 && strcmp(rq->method, "HEAD") != 0) {
        bs_http_text(rs, 405, "method not allowed: %s serves GET and HEAD", rq->path);
        bs_http_add_header(rs, "Allow", "GET, HEAD, OPTIONS");
        return BS_ERR_ARG;
    }
    char *file = path_ok(rq->path) ? resolve(rq->srv->cfg.web_dir, rq->path) : NULL;
    char *buf = NULL;
    size_t len = 0;
    bs_status st = file ? read_file(file, &buf, &len) : BS_NOT_FOUND;
    if (st == BS_OK) {
        bs_http_body(rs, 200, mime_of(file), buf, len);
    } else if (strcmp(rq->path, "/") == 0) {
        char *page = strdup(builtin_page);
        if (!page) { free(file); return BS_ERR_NOMEM; }
        bs_http_body(rs, 200, "text/html; charset=utf-8", page, strlen(page));
        st = BS_OK;
    } else {
        bs_http_text(rs, 404, "not found: %s", rq->path);
    }
    free(file);
    return st;
}
