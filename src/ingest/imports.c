/* SPDX-License-Identifier: MIT
 * battstore — the files of a load and the owl:imports closure.
 *
 * The work list starts with the files the caller names.  In an --imports
 * load, each parsed file hands over what it said about itself (ontology
 * IRI, version IRI, imports); its graph is named after its ontology and
 * every import IRI is resolved through the catalogs (explicit ones, the
 * one beside the importing file, then all others read so far) or, failing
 * that, as a local file.  A file is queued once, whatever the number of
 * IRIs (versioned, unversioned) that lead to it. */
#include "config.h"
#include "ingest/ingest_int.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <raptor2.h>

#define CATALOG_NAME "catalog-v001.xml"

struct bs_closure {
    const bs_load_opts *opts;
    bs_job **jobs;        /* stable pointers: callers hold them */
    size_t n, cap, next;
    bs_strv keys;         /* real path or URL of each queued file (imports) */
    bs_catalogs *cats;    /* imports only */
    bs_loaded_graph *graphs;
    size_t ngraphs, gcap;
    bs_strv unresolved;
};

/* ---- string vectors and facts -------------------------------------- */

bs_status bs_strv_push(bs_strv *sv, const char *s, size_t len)
{
    if (sv->n == sv->cap) {
        size_t nc = sv->cap ? sv->cap * 2 : 8;
        char **nv = realloc(sv->v, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        sv->v = nv;
        sv->cap = nc;
    }
    char *copy = malloc(len + 1);
    if (!copy) return BS_ERR_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    sv->v[sv->n++] = copy;
    return BS_OK;
}

long bs_strv_find(const bs_strv *sv, const char *s)
{
    for (size_t i = 0; i < sv->n; i++)
        if (strcmp(sv->v[i], s) == 0) return (long)i;
    return -1;
}

void bs_strv_free(bs_strv *sv)
{
    if (!sv) return;
    for (size_t i = 0; i < sv->n; i++) free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

void bs_facts_clear(bs_onto_facts *f)
{
    free(f->onto);
    bs_strv_free(&f->version_of);
    bs_strv_free(&f->versions);
    bs_strv_free(&f->imports);
    memset(f, 0, sizeof *f);
}

/* ---- the work list ------------------------------------------------- */

static void job_free(bs_job *j)
{
    if (!j) return;
    free(j->path);
    free(j->uri);
    free(j->name);
    free(j->import_iri);
    free(j);
}

void bs_closure_free(bs_closure *c)
{
    if (!c) return;
    for (size_t i = 0; i < c->n; i++) job_free(c->jobs[i]);
    free(c->jobs);
    bs_strv_free(&c->keys);
    bs_catalogs_free(c->cats);
    for (size_t i = 0; i < c->ngraphs; i++) {
        free(c->graphs[i].iri);
        free(c->graphs[i].version);
        free(c->graphs[i].file);
    }
    free(c->graphs);
    bs_strv_free(&c->unresolved);
    free(c);
}

bs_status bs_closure_new(const bs_load_opts *opts, bs_load_report *rep,
                         bs_closure **out)
{
    bs_status st = BS_ERR_NOMEM;
    bs_closure *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c) return st;
    c->opts = opts;
    if (opts->imports) {
        TRY(st, bs_catalogs_new(&c->cats));
        for (size_t i = 0; i < opts->n_catalogs; i++) {
            const char *cat = opts->catalogs[i];
            st = bs_catalogs_add(c->cats, cat, true);
            if (st == BS_NOT_FOUND)
                st = bs_report_error(rep, BS_ERR_IO, cat, -1, -1, "cannot read catalog");
            else if (st == BS_ERR_PARSE)
                bs_report_error(rep, st, cat, -1, -1, "not a well-formed XML catalog");
            if (st != BS_OK) goto fail;
        }
    }
    *out = c;
    return BS_OK;
fail:
    bs_closure_free(c);
    return st;
}

size_t bs_closure_total(const bs_closure *c)
{
    return c->n;
}

const bs_job *bs_closure_next(bs_closure *c)
{
    return c->next < c->n ? c->jobs[c->next++] : NULL;
}

/* Take ownership of j and queue it. */
static bs_status push_job(bs_closure *c, bs_job *j)
{
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 16;
        bs_job **nv = realloc(c->jobs, nc * sizeof *nv);
        if (!nv) { job_free(j); return BS_ERR_NOMEM; }
        c->jobs = nv;
        c->cap = nc;
    }
    c->jobs[c->n++] = j;
    return BS_OK;
}

static char *file_uri(const char *path)
{
    unsigned char *u = raptor_uri_filename_to_uri_string(path);
    char *copy = u ? strdup((const char *)u) : NULL;
    raptor_free_memory(u);
    return copy;
}

/* Base URI for stdin: the current directory, so relative IRIs in piped
 * data resolve where the user stands. */
static char *stdin_uri(void)
{
    char *cwd = getcwd(NULL, 0);
    char *u = cwd ? file_uri(cwd) : strdup("file:///");
    free(cwd);
    if (!u) return NULL;
    size_t n = strlen(u);
    if (n && u[n - 1] == '/') return u;
    char *slashed = realloc(u, n + 2);
    if (!slashed) { free(u); return NULL; }
    memcpy(slashed + n, "/", 2);
    return slashed;
}

static bs_status root_uri(const bs_closure *c, const char *path,
                          const char *abs, char **out)
{
    if (c->opts->base_iri) *out = strdup(c->opts->base_iri);
    else if (strcmp(path, "-") == 0) *out = stdin_uri();
    else *out = file_uri(abs ? abs : path);
    return *out ? BS_OK : BS_ERR_NOMEM;
}

bs_status bs_closure_add_root(bs_closure *c, const char *path,
                              bs_load_report *rep)
{
    const char *parser = bs_format_parser(c->opts->format, path);
    if (!parser)
        return bs_report_error(rep, BS_ERR_ARG, path, -1, -1,
                               c->opts->format ? "unknown format '%s'"
                                               : "cannot tell the format from the "
                                                 "file name%s; name one",
                               c->opts->format ? c->opts->format : "");
    bool is_stdin = strcmp(path, "-") == 0;
    char *abs = is_stdin ? NULL : realpath(path, NULL);
    bs_status st = BS_ERR_NOMEM;
    bs_job *j = calloc(1, sizeof *j);
    if (!j) goto fail;
    j->parser = parser;
    j->path = strdup(abs ? abs : path);
    j->name = strdup(path);
    if (!j->path || !j->name) goto fail;
    TRY(st, root_uri(c, path, abs, &j->uri));
    if (c->opts->imports && abs) {
        if (bs_strv_find(&c->keys, abs) >= 0) { /* named twice */
            job_free(j);
            free(abs);
            return BS_OK;
        }
        TRY(st, bs_strv_push(&c->keys, abs, strlen(abs)));
    }
    free(abs);
    return push_job(c, j);
fail:
    job_free(j);
    free(abs);
    return st;
}

/* ---- resolving imports --------------------------------------------- */

typedef struct {
    bool fetch;
    bool saw_remote;
    char *found;   /* malloc'ed file name or URL */
    bool remote;
} finder;

static bool take_target(void *ctx, const char *target, bool remote)
{
    finder *f = ctx;
    if (remote && !f->fetch) {
        f->saw_remote = true;
        return false;
    }
    if (!remote && access(target, R_OK) != 0) return false;
    f->found = strdup(target);
    f->remote = remote;
    return true;
}

/* An import IRI without a catalog entry: a file: URI or a relative path
 * that exists, or (with fetch) the http(s) IRI itself. */
static void resolve_direct(finder *f, const char *iri, const char *from_dir)
{
    if (strncmp(iri, "file:", 5) == 0) {
        char *fn = raptor_uri_uri_string_to_filename((const unsigned char *)iri);
        if (fn) take_target(f, fn, false);
        raptor_free_memory(fn);
    } else if (strncasecmp(iri, "http://", 7) == 0 ||
               strncasecmp(iri, "https://", 8) == 0) {
        take_target(f, iri, true);
    } else if (!strchr(iri, ':') && from_dir) {
        size_t n = strlen(from_dir) + strlen(iri) + 2;
        char *p = malloc(n);
        if (!p) return;
        snprintf(p, n, "%s/%s", from_dir, iri);
        take_target(f, p, false);
        free(p);
    }
}

static bs_status new_import_job(bs_closure *c, const char *iri, char *key,
                                bool remote)
{
    bs_status st = BS_ERR_NOMEM;
    bs_job *j = calloc(1, sizeof *j);
    if (!j) goto fail;
    j->import_iri = strdup(iri);
    j->name = strdup(key);
    j->path = remote ? NULL : strdup(key);
    j->uri = remote ? strdup(key) : file_uri(key);
    if (!j->import_iri || !j->name || !j->uri || (!remote && !j->path)) goto fail;
    j->parser = bs_format_parser(NULL, key);
    if (!j->parser) j->parser = "guess";
    TRY(st, bs_strv_push(&c->keys, key, strlen(key)));
    return push_job(c, j);
fail:
    job_free(j);
    return st;
}

static bs_status note_unresolved(bs_closure *c, const char *iri)
{
    if (bs_strv_find(&c->unresolved, iri) >= 0) return BS_OK;
    return bs_strv_push(&c->unresolved, iri, strlen(iri));
}

static bs_status resolve_import(bs_closure *c, const char *iri, const char *from_dir)
{
    finder f = {c->opts->fetch, false, NULL, false};
    bs_catalogs_find(c->cats, iri, from_dir, take_target, &f);
    if (!f.found) resolve_direct(&f, iri, from_dir);
    if (!f.found) return note_unresolved(c, iri);
    char *key = f.remote ? f.found : realpath(f.found, NULL);
    bs_status st = BS_OK;
    if (!key) st = note_unresolved(c, iri);
    else if (bs_strv_find(&c->keys, key) < 0) st = new_import_job(c, iri, key, f.remote);
    if (key != f.found) free(key);
    free(f.found);
    return st;
}

/* ---- after a file: name its graph, follow its imports --------------- */

static const char *version_of(const bs_onto_facts *f, const char *graph)
{
    for (size_t i = 0; i < f->version_of.n; i++)
        if (strcmp(f->version_of.v[i], graph) == 0) return f->versions.v[i];
    return f->versions.n == 1 ? f->versions.v[0] : NULL;
}

static bs_status add_graph(bs_closure *c, const bs_job *job, const char *iri,
                           const char *version, uint64_t triples)
{
    if (c->ngraphs == c->gcap) {
        size_t nc = c->gcap ? c->gcap * 2 : 16;
        bs_loaded_graph *nv = realloc(c->graphs, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        c->graphs = nv;
        c->gcap = nc;
    }
    bs_loaded_graph *g = &c->graphs[c->ngraphs];
    g->iri = strdup(iri);
    g->version = version ? strdup(version) : NULL;
    g->file = strdup(job->path ? job->path : job->uri);
    g->triples = triples;
    if (!g->iri || !g->file || (version && !g->version)) {
        free(g->iri);
        free(g->version);
        free(g->file);
        return BS_ERR_NOMEM;
    }
    c->ngraphs++;
    return BS_OK;
}

static bool graph_taken(const bs_closure *c, const char *iri)
{
    for (size_t i = 0; i < c->ngraphs; i++)
        if (strcmp(c->graphs[i].iri, iri) == 0) return true;
    return false;
}

/* The graph of a file: its ontology IRI, else the IRI it was imported by,
 * else its own URI.  Each file of the load gets a graph of its own: when
 * two files declare the same ontology (EMMO's reference.ttl and
 * reference-full.ttl do), the later one falls back to the next name. */
static const char *graph_name(const bs_closure *c, const bs_job *job,
                              const bs_onto_facts *facts)
{
    const char *names[] = {facts->onto, job->import_iri, job->uri};
    for (size_t i = 0; i < 3; i++)
        if (names[i] && !graph_taken(c, names[i])) return names[i];
    return job->uri;
}

/* Directory of a local job's file (malloc'ed), NULL for stdin/remote. */
static char *job_dir(const bs_job *job)
{
    if (!job->path || strcmp(job->path, "-") == 0) return NULL;
    const char *slash = strrchr(job->path, '/');
    if (!slash) return NULL;
    size_t n = slash == job->path ? 1 : (size_t)(slash - job->path);
    return strndup(job->path, n);
}

/* Read the catalog beside a loaded file; a missing or broken one is no
 * reason to fail the load (its imports will show as unresolved). */
static bs_status read_side_catalog(bs_closure *c, const char *dir)
{
    size_t n = strlen(dir) + sizeof CATALOG_NAME + 1;
    char *p = malloc(n);
    if (!p) return BS_ERR_NOMEM;
    snprintf(p, n, "%s/%s", dir, CATALOG_NAME);
    bs_status st = bs_catalogs_add(c->cats, p, false);
    free(p);
    return st == BS_ERR_NOMEM ? st : BS_OK;
}

bs_status bs_closure_file_done(bs_closure *c, const bs_job *job,
                               const bs_onto_facts *facts, uint64_t triples,
                               const char **graph, const char **version)
{
    bs_status st = BS_OK;
    const char *iri = graph_name(c, job, facts);
    const char *subject = facts->onto ? facts->onto : iri;
    char *dir = job_dir(job);
    TRY(st, add_graph(c, job, iri, version_of(facts, subject), triples));
    if (dir) TRY(st, read_side_catalog(c, dir));
    for (size_t i = 0; i < facts->imports.n; i++)
        TRY(st, resolve_import(c, facts->imports.v[i], dir));
    *graph = c->graphs[c->ngraphs - 1].iri;
    *version = c->graphs[c->ngraphs - 1].version;
fail:
    free(dir);
    return st;
}

void bs_closure_report(bs_closure *c, bs_load_report *rep)
{
    rep->graphs = c->graphs;
    rep->n_graphs = c->ngraphs;
    c->graphs = NULL;
    c->ngraphs = c->gcap = 0;
    rep->unresolved = c->unresolved.v;
    rep->n_unresolved = c->unresolved.n;
    memset(&c->unresolved, 0, sizeof c->unresolved);
}
