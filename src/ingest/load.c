/* SPDX-License-Identifier: MIT
 * battstore — loading RDF files through Raptor2 into the store.
 *
 * The whole load is one write transaction (bs_store_write: run again from
 * scratch when the map fills).  Raptor's statements become term views
 * over Raptor's own strings (no copies, no per-triple allocation), go
 * through the bulk loader's intern cache and are queued as quads; the
 * loader writes them sorted at the end.  A parse error anywhere aborts
 * the transaction: the store is left exactly as it was.
 *
 * In an --imports load a file's quads are held (as ids) until the file
 * has been read, because its graph is named by its ontology IRI, which
 * may come at any point of the file. */
#include "config.h"
#include "ingest/ingest_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <libxml/xmlerror.h>
#include <raptor2.h>

#define CHUNK_BYTES ((size_t)256 << 10) /* read size fed to Raptor */
#define PROGRESS_MASK 0xFFFFu           /* look at the clock every 64k triples */
#define PROGRESS_EVERY 0.25             /* seconds between progress calls */
#define MEMO_MAX 4096                   /* longer terms are not memoised */
#define IRI_SLOTS 4096u                 /* IRI cache: direct-mapped, power of 2 */

#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define OWL_NS "http://www.w3.org/2002/07/owl#"

/* The last term seen in one position (subject, predicate, graph) and its
 * id: consecutive statements often share them. */
typedef struct {
    char *buf;
    size_t cap;
    bs_term_kind kind;
    size_t lex_len, extra_len;
    bs_id id; /* 0 = nothing memoised */
} memo;

enum { M_S, M_G, M_N, M_NONE = -1 };

/* IRI cache slot.  It holds a reference to the Raptor URI, so the pointer
 * cannot be freed and reused for another URI while cached: pointer
 * equality means the same IRI, without reading a byte of it. */
typedef struct {
    raptor_uri *uri;
    bs_id id;
} iri_slot;

/* A version IRI to record once the quads are written. */
typedef struct {
    bs_id graph, version;
} graph_version;

typedef struct {
    /* the whole load */
    const bs_load_opts *opts;
    const char *const *paths;
    size_t npaths;
    bs_load_report *rep;
    raptor_world *world;
    raptor_uri *u_type, *u_onto, *u_imports, *u_version;
    FILE *spool;          /* copy of stdin: a run may have to read it again */
    unsigned char *chunk;
    double t0, last_progress;
    size_t files_total;
    /* one run of the transaction */
    bs_txn *txn;
    bs_bulk *bulk;
    bs_closure *closure;
    bs_id target;         /* graph of statements without one */
    uint64_t nonce;       /* makes blank node labels unique per load */
    size_t file_no;
    memo memo[M_N];
    iri_slot *iris;       /* IRI_SLOTS entries */
    char *label;          /* blank node label: prefix, then Raptor's label */
    size_t label_cap, prefix_len;
    bs_quad *held;        /* --imports: quads of the current file */
    size_t nheld, held_cap;
    bs_id *repl;          /* --replace: graphs to clear */
    size_t nrepl, repl_cap;
    graph_version *vers;
    size_t nvers, vers_cap;
    bool clear_target;
    bs_onto_facts facts;
    /* the current file */
    raptor_parser *parser;
    const bs_job *job;
    uint64_t file_triples;
    bool perr;            /* Raptor reported an error */
    bs_status st;         /* first failure inside a callback */
} load_ctx;

/* ---- formats and reports ------------------------------------------- */

static const struct {
    const char *name, *parser;
} formats[] = {
    {"turtle", "turtle"},   {"ttl", "turtle"},       {"rdfxml", "rdfxml"},
    {"xml", "rdfxml"},      {"owl", "rdfxml"},       {"rdf", "rdfxml"},
    {"ntriples", "ntriples"}, {"nt", "ntriples"},    {"n-triples", "ntriples"},
    {"nquads", "nquads"},   {"nq", "nquads"},        {"n-quads", "nquads"},
    {"trig", "trig"},
};

const char *bs_format_parser(const char *format, const char *path)
{
    const char *name = format;
    if (!name && path) {
        const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
        if (dot && (!slash || dot > slash)) name = dot + 1;
    }
    for (size_t i = 0; name && i < sizeof formats / sizeof formats[0]; i++)
        if (strcasecmp(name, formats[i].name) == 0) return formats[i].parser;
    return NULL;
}

void bs_load_report_free(bs_load_report *rep)
{
    if (!rep) return;
    for (size_t i = 0; i < rep->n_graphs; i++) {
        free(rep->graphs[i].iri);
        free(rep->graphs[i].version);
        free(rep->graphs[i].file);
    }
    free(rep->graphs);
    for (size_t i = 0; i < rep->n_unresolved; i++) free(rep->unresolved[i]);
    free(rep->unresolved);
    free(rep->err_file);
    free(rep->err_msg);
    memset(rep, 0, sizeof *rep);
    rep->err_line = rep->err_col = -1;
}

bs_status bs_report_error(bs_load_report *rep, bs_status st, const char *file,
                          long line, long col, const char *fmt, ...)
{
    if (rep->err_msg) return st;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&rep->err_msg, fmt, ap) < 0) rep->err_msg = NULL;
    va_end(ap);
    free(rep->err_file);
    rep->err_file = file ? strdup(file) : NULL;
    rep->err_line = line;
    rep->err_col = col;
    return st;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void progress(load_ctx *c, bool final)
{
    if (!c->opts->progress) return;
    double t = now();
    if (!final && t - c->last_progress < PROGRESS_EVERY) return;
    c->last_progress = t;
    if (c->closure) c->files_total = bs_closure_total(c->closure);
    bs_load_progress p = {c->rep->files, c->files_total, c->rep->triples, t - c->t0};
    c->opts->progress(c->opts->progress_ctx, &p);
}

/* ---- Raptor terms to ids ------------------------------------------- */

static bool memo_hit(const memo *m, const bs_term *t)
{
    return m->id && m->kind == t->kind && m->lex_len == t->lex_len &&
           m->extra_len == t->extra_len &&
           (!t->lex_len || memcmp(m->buf, t->lex, t->lex_len) == 0) &&
           (!t->extra_len || memcmp(m->buf + t->lex_len, t->extra, t->extra_len) == 0);
}

static bs_status memo_intern(load_ctx *c, memo *m, const bs_term *t, bs_id *out)
{
    if (memo_hit(m, t)) {
        *out = m->id;
        return BS_OK;
    }
    bs_status st = bs_bulk_intern(c->bulk, t, out);
    size_t need = t->lex_len + t->extra_len;
    m->id = 0;
    if (st != BS_OK || need > MEMO_MAX) return st;
    if (need > m->cap) {
        char *nb = realloc(m->buf, MEMO_MAX);
        if (!nb) return BS_OK; /* memoising is only an optimisation */
        m->buf = nb;
        m->cap = MEMO_MAX;
    }
    if (t->lex_len) memcpy(m->buf, t->lex, t->lex_len);
    if (t->extra_len) memcpy(m->buf + t->lex_len, t->extra, t->extra_len);
    m->kind = t->kind;
    m->lex_len = t->lex_len;
    m->extra_len = t->extra_len;
    m->id = *out;
    return BS_OK;
}

/* Blank node label: the per-file prefix (kept at the start of c->label)
 * followed by Raptor's label. */
static bs_status bnode_term(load_ctx *c, const raptor_term_blank_value *b, bs_term *t)
{
    size_t n = c->prefix_len + b->string_len;
    if (n > c->label_cap) {
        size_t nc = n > 2 * c->label_cap ? n : 2 * c->label_cap;
        char *nb = realloc(c->label, nc);
        if (!nb) return BS_ERR_NOMEM;
        c->label = nb;
        c->label_cap = nc;
    }
    memcpy(c->label + c->prefix_len, b->string, b->string_len);
    *t = bs_term_bnode(c->label, n);
    return BS_OK;
}

/* Id of an IRI: Raptor interns URIs, so repeated IRIs (predicates,
 * classes, subjects) come back as the same pointer. */
static bs_status iri_id(load_ctx *c, raptor_uri *u, bs_id *out)
{
    uintptr_t k = (uintptr_t)u;
    iri_slot *e = &c->iris[((k >> 4) ^ (k >> 16)) & (IRI_SLOTS - 1)];
    if (e->uri == u) {
        *out = e->id;
        return BS_OK;
    }
    size_t n;
    const unsigned char *s = raptor_uri_as_counted_string(u, &n);
    bs_term t = bs_term_iri((const char *)s, n);
    bs_status st = bs_bulk_intern(c->bulk, &t, out);
    if (st != BS_OK) return st;
    raptor_free_uri(e->uri);
    e->uri = raptor_uri_copy(u);
    e->id = *out;
    return BS_OK;
}

static void iris_clear(load_ctx *c)
{
    for (size_t i = 0; c->iris && i < IRI_SLOTS; i++) {
        raptor_free_uri(c->iris[i].uri);
        c->iris[i].uri = NULL;
    }
}

static bs_status term_id(load_ctx *c, const raptor_term *rt, int slot, bs_id *out)
{
    bs_term t;
    size_t dn = 0;
    const unsigned char *dt = NULL;
    switch (rt->type) {
    case RAPTOR_TERM_TYPE_URI:
        return iri_id(c, rt->value.uri, out);
    case RAPTOR_TERM_TYPE_LITERAL: {
        const raptor_term_literal_value *l = &rt->value.literal;
        if (l->datatype) dt = raptor_uri_as_counted_string(l->datatype, &dn);
        t = bs_term_literal((const char *)l->string, l->string_len,
                            (const char *)l->language, l->language_len,
                            (const char *)dt, dn);
        break;
    }
    case RAPTOR_TERM_TYPE_BLANK: {
        bs_status st = bnode_term(c, &rt->value.blank, &t);
        if (st != BS_OK) return st;
        break;
    }
    default:
        return BS_ERR_PARSE;
    }
    if (slot == M_NONE) return bs_bulk_intern(c->bulk, &t, out);
    return memo_intern(c, &c->memo[slot], &t, out);
}

/* ---- statements ---------------------------------------------------- */

static bool uri_is(const raptor_term *t, raptor_uri *u)
{
    if (!t || t->type != RAPTOR_TERM_TYPE_URI) return false;
    if (t->value.uri == u) return true; /* Raptor interns URIs */
    size_t a, b;
    const unsigned char *x = raptor_uri_as_counted_string(t->value.uri, &a);
    const unsigned char *y = raptor_uri_as_counted_string(u, &b);
    return a == b && memcmp(x, y, a) == 0;
}

static bs_status push_uri(bs_strv *sv, const raptor_term *t)
{
    size_t n;
    const unsigned char *s = raptor_uri_as_counted_string(t->value.uri, &n);
    return bs_strv_push(sv, (const char *)s, n);
}

/* Ontology IRI, version IRIs and imports of the file (--imports). */
static bs_status collect_facts(load_ctx *c, const raptor_statement *t)
{
    bs_onto_facts *f = &c->facts;
    bs_status st = BS_OK;
    if (t->object->type != RAPTOR_TERM_TYPE_URI) return BS_OK;
    if (uri_is(t->predicate, c->u_type)) {
        if (!f->onto && t->subject->type == RAPTOR_TERM_TYPE_URI &&
            uri_is(t->object, c->u_onto)) {
            size_t n;
            const unsigned char *s = raptor_uri_as_counted_string(t->subject->value.uri, &n);
            if (!(f->onto = strndup((const char *)s, n))) return BS_ERR_NOMEM;
        }
    } else if (uri_is(t->predicate, c->u_version)) {
        if (t->subject->type != RAPTOR_TERM_TYPE_URI) return BS_OK;
        TRY(st, push_uri(&f->version_of, t->subject));
        TRY(st, push_uri(&f->versions, t->object));
    } else if (uri_is(t->predicate, c->u_imports)) {
        TRY(st, push_uri(&f->imports, t->object));
    }
fail:
    return st;
}

static bs_status push_id(bs_id **v, size_t *n, size_t *cap, bs_id id)
{
    if (*n && (*v)[*n - 1] == id) return BS_OK;
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        bs_id *nv = realloc(*v, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = id;
    return BS_OK;
}

static bs_status hold_quad(load_ctx *c, const bs_quad *q)
{
    if (c->nheld == c->held_cap) {
        size_t nc = c->held_cap ? c->held_cap * 2 : 4096;
        bs_quad *nv = realloc(c->held, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        c->held = nv;
        c->held_cap = nc;
    }
    c->held[c->nheld++] = *q;
    return BS_OK;
}

static void on_statement(void *ud, raptor_statement *t)
{
    load_ctx *c = ud;
    bs_quad q;
    bs_status st;
    if (c->st != BS_OK || c->perr) return;
    TRY(st, term_id(c, t->subject, M_S, &q.s));
    TRY(st, term_id(c, t->predicate, M_NONE, &q.p));
    TRY(st, term_id(c, t->object, M_NONE, &q.o));
    if (t->graph) {
        TRY(st, term_id(c, t->graph, M_G, &q.g));
        if (c->opts->replace) TRY(st, push_id(&c->repl, &c->nrepl, &c->repl_cap, q.g));
    } else {
        q.g = c->opts->imports ? BS_ANY : c->target; /* BS_ANY: the file's graph */
        c->clear_target = true;
    }
    if (c->opts->imports) {
        TRY(st, collect_facts(c, t));
        TRY(st, hold_quad(c, &q));
    } else {
        TRY(st, bs_bulk_add(c->bulk, &q));
    }
    c->file_triples++;
    if ((++c->rep->triples & PROGRESS_MASK) == 0) progress(c, false);
    return;
fail:
    c->st = st;
    raptor_parser_parse_abort(c->parser);
}

/* ---- Raptor's messages --------------------------------------------- */

/* libxml2 knows the column of its own errors (Raptor passes only the
 * text on): take it when it is about the same line. */
static long xml_column(const raptor_log_message *m, long line)
{
    if (strncmp(m->text, "XML parser error", 16) != 0) return -1;
    const xmlError *e = xmlGetLastError();
    if (!e || e->int2 <= 0 || (line > 0 && e->line != line)) return -1;
    return e->int2;
}

/* The first error of a file fails the load; warnings do not. */
static void on_log(void *ud, raptor_log_message *m)
{
    load_ctx *c = ud;
    if (m->level < RAPTOR_LOG_LEVEL_ERROR || !c->job || c->perr) return;
    c->perr = true;
    raptor_locator *loc = m->locator;
    if (!loc && c->parser) loc = raptor_parser_get_locator(c->parser);
    long line = loc && loc->line > 0 ? loc->line : -1;
    /* Raptor's column is a 0-based offset; report it 1-based. */
    long col = loc && loc->column >= 0 ? loc->column + 1 : xml_column(m, line);
    bs_report_error(c->rep, BS_ERR_PARSE, c->job->name, line, col, "%s",
                    m->text ? m->text : "syntax error");
    if (c->parser) raptor_parser_parse_abort(c->parser);
}

/* ---- one file ------------------------------------------------------ */

/* Blank node prefix of the next file: unique in the store (nonce) and
 * between the files of this load. */
static bs_status start_file(load_ctx *c, const bs_job *job)
{
    char prefix[64];
    int n = snprintf(prefix, sizeof prefix, "t%llxf%zu_",
                     (unsigned long long)c->nonce, ++c->file_no);
    if (n < 0 || (size_t)n >= sizeof prefix) return BS_ERR_INTERNAL;
    if ((size_t)n > c->label_cap) {
        char *nb = realloc(c->label, 256);
        if (!nb) return BS_ERR_NOMEM;
        c->label = nb;
        c->label_cap = 256;
    }
    memcpy(c->label, prefix, (size_t)n);
    c->prefix_len = (size_t)n;
    c->job = job;
    c->file_triples = 0;
    c->nheld = 0;
    c->perr = false;
    bs_facts_clear(&c->facts);
    return BS_OK;
}

static bs_status open_input(load_ctx *c, const bs_job *job, FILE **in)
{
    if (strcmp(job->path, "-") == 0) {
        rewind(c->spool);
        *in = c->spool;
        return BS_OK;
    }
    *in = fopen(job->path, "rb");
    if (*in) return BS_OK;
    return bs_report_error(c->rep, BS_ERR_IO, job->name, -1, -1,
                           "cannot open: %s", strerror(errno));
}

/* Feed the file to the parser in large chunks; stop at the first error. */
static bs_status feed(load_ctx *c, FILE *in, raptor_uri *base)
{
    if (raptor_parser_parse_start(c->parser, base)) return BS_ERR_PARSE;
    for (;;) {
        size_t n = fread(c->chunk, 1, CHUNK_BYTES, in);
        if (n < CHUNK_BYTES && ferror(in))
            return bs_report_error(c->rep, BS_ERR_IO, c->job->name, -1, -1,
                                   "read error: %s", strerror(errno));
        int end = n < CHUNK_BYTES;
        int rc = raptor_parser_parse_chunk(c->parser, c->chunk, n, end);
        if (c->st != BS_OK) return c->st;
        if (rc || c->perr) return BS_ERR_PARSE;
        if (end) return BS_OK;
    }
}

static bs_status parse_job(load_ctx *c, const bs_job *job)
{
    bs_status st;
    FILE *in = NULL;
    raptor_uri *base = NULL;
    TRY(st, start_file(c, job));
    c->parser = raptor_new_parser(c->world, job->parser);
    base = raptor_new_uri(c->world, (const unsigned char *)job->uri);
    if (!c->parser || !base) {
        st = bs_report_error(c->rep, BS_ERR_ARG, job->name, -1, -1, "%s",
                             c->parser ? "invalid base IRI" : "no such parser");
        goto fail;
    }
    raptor_parser_set_statement_handler(c->parser, c, on_statement);
    if (!c->opts->fetch) raptor_parser_set_option(c->parser, RAPTOR_OPTION_NO_NET, NULL, 1);
    xmlResetLastError();
    if (job->path) {
        TRY(st, open_input(c, job, &in));
        st = feed(c, in, base);
    } else { /* a remote catalog target, only with opts->fetch */
        st = raptor_parser_parse_uri(c->parser, base, NULL) ? BS_ERR_PARSE : BS_OK;
        if (c->st != BS_OK) st = c->st;
        else if (c->perr) st = BS_ERR_PARSE;
    }
    if (st == BS_ERR_PARSE)
        bs_report_error(c->rep, st, job->name, -1, -1, "cannot parse as %s", job->parser);
fail:
    if (in && in != c->spool) fclose(in);
    raptor_free_uri(base);
    raptor_free_parser(c->parser);
    c->parser = NULL;
    c->job = NULL;
    return st;
}

/* --imports: the file's held quads go to the graph named after it. */
static bs_status place_file(load_ctx *c, const bs_job *job)
{
    const char *graph, *version;
    bs_status st;
    bs_id g, v = 0;
    TRY(st, bs_closure_file_done(c->closure, job, &c->facts, c->file_triples,
                                 &graph, &version));
    bs_term gt = bs_term_iri(graph, strlen(graph));
    TRY(st, bs_bulk_intern(c->bulk, &gt, &g));
    if (version) {
        bs_term vt = bs_term_iri(version, strlen(version));
        TRY(st, bs_bulk_intern(c->bulk, &vt, &v));
    }
    for (size_t i = 0; i < c->nheld; i++) {
        if (c->held[i].g == BS_ANY) c->held[i].g = g;
        TRY(st, bs_bulk_add(c->bulk, &c->held[i]));
    }
    c->nheld = 0;
    if (c->opts->replace) TRY(st, push_id(&c->repl, &c->nrepl, &c->repl_cap, g));
    if (c->nvers == c->vers_cap) {
        size_t nc = c->vers_cap ? c->vers_cap * 2 : 16;
        graph_version *nv = realloc(c->vers, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        c->vers = nv;
        c->vers_cap = nc;
    }
    c->vers[c->nvers++] = (graph_version){g, v};
fail:
    return st;
}

/* ---- one run of the transaction ------------------------------------ */

static void run_reset(load_ctx *c, bs_txn *txn)
{
    bs_load_report_free(c->rep);
    c->txn = txn;
    c->file_no = 0;
    c->nheld = c->nrepl = c->nvers = 0;
    c->clear_target = false;
    c->st = BS_OK;
    c->job = NULL;
    for (int i = 0; i < M_N; i++) c->memo[i].id = 0; /* ids of an aborted run */
    iris_clear(c);
}

static void run_end(load_ctx *c)
{
    if (c->closure) {
        c->files_total = bs_closure_total(c->closure);
        bs_closure_report(c->closure, c->rep);
    }
    bs_closure_free(c->closure);
    c->closure = NULL;
    bs_bulk_free(c->bulk);
    c->bulk = NULL;
    bs_facts_clear(&c->facts);
    c->job = NULL;
}

static bs_status run_setup(load_ctx *c)
{
    bs_status st;
    bs_store_stats stats;
    TRY(st, bs_closure_new(c->opts, c->rep, &c->closure));
    for (size_t i = 0; i < c->npaths; i++)
        TRY(st, bs_closure_add_root(c->closure, c->paths[i], c->rep));
    TRY(st, bs_store_stat(c->txn, &stats));
    c->nonce = stats.terms;
    TRY(st, bs_bulk_new(c->txn, &c->bulk));
    c->target = BS_DEFAULT_GRAPH;
    if (c->opts->graph_iri && !c->opts->imports) {
        bs_term g = bs_term_iri(c->opts->graph_iri, strlen(c->opts->graph_iri));
        TRY(st, bs_bulk_intern(c->bulk, &g, &c->target));
    }
fail:
    return st;
}

static int cmp_id(const void *a, const void *b)
{
    bs_id x = *(const bs_id *)a, y = *(const bs_id *)b;
    return x < y ? -1 : x > y;
}

/* Clear the replaced graphs, write the quads, record version IRIs. */
static bs_status run_finish(load_ctx *c)
{
    bs_status st = BS_OK;
    if (c->opts->replace) {
        if (!c->opts->imports && c->clear_target)
            TRY(st, push_id(&c->repl, &c->nrepl, &c->repl_cap, c->target));
        qsort(c->repl, c->nrepl, sizeof *c->repl, cmp_id);
        for (size_t i = 0; i < c->nrepl; i++)
            if (i == 0 || c->repl[i] != c->repl[i - 1])
                TRY(st, bs_graph_clear(c->txn, c->repl[i], false, NULL));
    }
    TRY(st, bs_bulk_finish(c->bulk, &c->rep->added));
    for (size_t i = 0; i < c->nvers; i++) {
        TRY(st, bs_graph_create(c->txn, c->vers[i].graph));
        TRY(st, bs_graph_set_version(c->txn, c->vers[i].graph, c->vers[i].version));
    }
fail:
    return st;
}

static bool is_triple_parser(const char *parser)
{
    return strcmp(parser, "nquads") != 0 && strcmp(parser, "trig") != 0;
}

/* The bs_store_write() callback: the whole load, repeatable. */
static bs_status load_txn(bs_txn *txn, void *ud)
{
    load_ctx *c = ud;
    bs_status st;
    const bs_job *job;
    run_reset(c, txn);
    TRY(st, run_setup(c));
    while ((job = bs_closure_next(c->closure))) {
        if (is_triple_parser(job->parser)) c->clear_target = true;
        TRY(st, parse_job(c, job));
        c->rep->files++;
        if (c->opts->imports) TRY(st, place_file(c, job));
        progress(c, false);
    }
    TRY(st, run_finish(c));
fail:
    run_end(c);
    return st;
}

/* ---- the load ------------------------------------------------------ */

/* Copy stdin to a temporary file: a run may have to read it again. */
static bs_status spool_stdin(load_ctx *c)
{
    c->spool = tmpfile();
    if (!c->spool) goto fail;
    size_t n;
    while ((n = fread(c->chunk, 1, CHUNK_BYTES, stdin)) > 0)
        if (fwrite(c->chunk, 1, n, c->spool) != n) goto fail;
    if (ferror(stdin) || fflush(c->spool)) goto fail;
    return BS_OK;
fail:
    return bs_report_error(c->rep, BS_ERR_IO, "-", -1, -1, "cannot read stdin: %s",
                           strerror(errno));
}

static bs_status ctx_open(load_ctx *c)
{
    c->chunk = malloc(CHUNK_BYTES);
    c->iris = calloc(IRI_SLOTS, sizeof *c->iris);
    c->world = raptor_new_world();
    if (!c->chunk || !c->iris || !c->world || raptor_world_open(c->world)) return BS_ERR_NOMEM;
    raptor_world_set_log_handler(c->world, c, on_log);
    c->u_type = raptor_new_uri(c->world, (const unsigned char *)RDF_TYPE);
    c->u_onto = raptor_new_uri(c->world, (const unsigned char *)OWL_NS "Ontology");
    c->u_imports = raptor_new_uri(c->world, (const unsigned char *)OWL_NS "imports");
    c->u_version = raptor_new_uri(c->world, (const unsigned char *)OWL_NS "versionIRI");
    if (!c->u_type || !c->u_onto || !c->u_imports || !c->u_version) return BS_ERR_NOMEM;
    for (size_t i = 0; i < c->npaths; i++)
        if (strcmp(c->paths[i], "-") == 0) return spool_stdin(c);
    return BS_OK;
}

static void ctx_close(load_ctx *c)
{
    iris_clear(c);
    free(c->iris);
    raptor_free_uri(c->u_type);
    raptor_free_uri(c->u_onto);
    raptor_free_uri(c->u_imports);
    raptor_free_uri(c->u_version);
    raptor_free_world(c->world);
    if (c->spool) fclose(c->spool);
    free(c->chunk);
    for (int i = 0; i < M_N; i++) free(c->memo[i].buf);
    free(c->label);
    free(c->held);
    free(c->repl);
    free(c->vers);
}

bs_status bs_load_files(bs_store *store, const char *const *paths, size_t n,
                        const bs_load_opts *opts, bs_load_report *rep)
{
    static const bs_load_opts defaults;
    load_ctx c = {0};
    bs_status st;
    memset(rep, 0, sizeof *rep);
    rep->err_line = rep->err_col = -1;
    c.opts = opts ? opts : &defaults;
    c.paths = paths;
    c.npaths = n;
    c.rep = rep;
    c.t0 = c.last_progress = now();
    TRY(st, ctx_open(&c));
    st = bs_store_write(store, load_txn, &c);
    rep->seconds = now() - c.t0;
    if (st == BS_OK) progress(&c, true);
fail:
    if (st != BS_OK && !rep->err_msg)
        bs_report_error(rep, st, NULL, -1, -1, "%s", bs_strerror(st));
    ctx_close(&c);
    return st;
}
