/* SPDX-License-Identifier: MIT
 * battstore — loading RDF files into the store: the statement logic and
 * the transaction, shared by the two parser front ends (load_raptor.c,
 * load_serd.c; see load_int.h).
 *
 * The whole load is one write transaction (bs_store_write: run again from
 * scratch when the map fills).  A front end's statements arrive as term
 * views over the parser's own strings (no copies, no per-triple
 * allocation), go through the bulk loader's intern cache and are queued
 * as quads; the loader writes them sorted at the end.  A parse error
 * anywhere aborts the transaction: the store is left exactly as it was.
 *
 * serd reads N-Triples, N-Quads, Turtle and TriG (in about half Raptor's
 * time, and it knows the column of an error); Raptor reads RDF/XML,
 * remote files, everything when BATTSTORE_PARSER=raptor, and any file
 * serd gave up on: then the load runs again from scratch with Raptor
 * reading that file, so what a load accepts and stores is what Raptor
 * would accept and store.
 *
 * In an --imports load a file's quads are held (as ids) until the file
 * has been read, because its graph is named by its ontology IRI, which
 * may come at any point of the file. */
#include "config.h"
#include "ingest/load_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>

#define CHUNK_BYTES ((size_t)256 << 10) /* stdin copy buffer, Raptor's reads */
#define PROGRESS_MASK 0xFFFFu           /* look at the clock every 64k triples */
#define PROGRESS_EVERY 0.25             /* seconds between progress calls */
#define MEMO_MAX 4096                   /* longer terms are not memoised */

#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define OWL_NS "http://www.w3.org/2002/07/owl#"
#define IRI_IS(t, lit) iri_is((t), lit, sizeof lit - 1)

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

static void progress(bs_ld_ctx *c, bool final)
{
    if (!c->opts->progress) return;
    double t = now();
    if (!final && t - c->last_progress < PROGRESS_EVERY) return;
    c->last_progress = t;
    if (c->closure) c->files_total = bs_closure_total(c->closure);
    bs_load_progress p = {c->rep->files, c->files_total, c->rep->triples, t - c->t0};
    c->opts->progress(c->opts->progress_ctx, &p);
}

/* ---- terms to ids -------------------------------------------------- */

static bool memo_hit(const bs_ld_memo *m, const bs_term *t)
{
    return m->id && m->kind == t->kind && m->lex_len == t->lex_len &&
           m->extra_len == t->extra_len &&
           (!t->lex_len || memcmp(m->buf, t->lex, t->lex_len) == 0) &&
           (!t->extra_len || memcmp(m->buf + t->lex_len, t->extra, t->extra_len) == 0);
}

static bs_status memo_intern(bs_ld_ctx *c, bs_ld_memo *m, const bs_term *t, bs_id *out)
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

/* Id of one term: the front end's, the memo of its position, or the
 * bulk loader's. */
static bs_status term_id(bs_ld_ctx *c, const bs_ld_term *t, int slot, bs_id *out)
{
    if (t->id) {
        *out = t->id;
        return BS_OK;
    }
    if (slot < 0) return bs_bulk_intern(c->bulk, &t->t, out);
    return memo_intern(c, &c->memo[slot], &t->t, out);
}

/* ---- statements ---------------------------------------------------- */

static bool iri_is(const bs_term *t, const char *iri, size_t n)
{
    return t->kind == BS_TERM_IRI && t->lex_len == n && memcmp(t->lex, iri, n) == 0;
}

static bs_status push_lex(bs_strv *sv, const bs_term *t)
{
    return bs_strv_push(sv, t->lex, t->lex_len);
}

/* Ontology IRI, version IRIs and imports of the file (--imports). */
static bs_status collect_facts(bs_ld_ctx *c, const bs_ld_stmt *t)
{
    bs_onto_facts *f = &c->facts;
    const bs_term *s = &t->s.t, *p = &t->p.t, *o = &t->o.t;
    bs_status st = BS_OK;
    if (o->kind != BS_TERM_IRI) return BS_OK;
    if (IRI_IS(p, RDF_TYPE)) {
        if (!f->onto && s->kind == BS_TERM_IRI && IRI_IS(o, OWL_NS "Ontology") &&
            !(f->onto = strndup(s->lex, s->lex_len)))
            return BS_ERR_NOMEM;
    } else if (IRI_IS(p, OWL_NS "versionIRI")) {
        if (s->kind != BS_TERM_IRI) return BS_OK;
        TRY(st, push_lex(&f->version_of, s));
        TRY(st, push_lex(&f->versions, o));
    } else if (IRI_IS(p, OWL_NS "imports")) {
        TRY(st, push_lex(&f->imports, o));
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

static bs_status hold_quad(bs_ld_ctx *c, const bs_quad *q)
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

bs_status bs_ld_statement(bs_ld_ctx *c, const bs_ld_stmt *t)
{
    bs_quad q;
    bs_status st;
    TRY(st, term_id(c, &t->s, BS_LD_M_S, &q.s));
    TRY(st, term_id(c, &t->p, -1, &q.p));
    TRY(st, term_id(c, &t->o, -1, &q.o));
    if (t->has_graph) {
        TRY(st, term_id(c, &t->g, BS_LD_M_G, &q.g));
        if (c->opts->replace) TRY(st, push_id(&c->repl, &c->nrepl, &c->repl_cap, q.g));
    } else {
        q.g = c->opts->imports ? BS_ANY : c->target; /* BS_ANY: the file's graph */
        c->clear_target = true;
    }
    if (c->opts->imports) {
        TRY(st, collect_facts(c, t));
        TRY(st, hold_quad(c, &q));
    } else { /* the object's text: the text index needs no dictionary read */
        TRY(st, bs_bulk_add_term(c->bulk, &q, &t->o.t));
    }
    c->file_triples++;
    if ((++c->rep->triples & PROGRESS_MASK) == 0) progress(c, false);
fail:
    return st;
}

/* ---- one file ------------------------------------------------------ */

/* Blank node prefix of the next file: unique in the store (nonce) and
 * between the files of this load. */
static bs_status start_file(bs_ld_ctx *c, const bs_job *job)
{
    int n = snprintf(c->bprefix, sizeof c->bprefix, "t%llxf%zu_",
                     (unsigned long long)c->nonce, ++c->file_no);
    if (n < 0 || (size_t)n >= sizeof c->bprefix) return BS_ERR_INTERNAL;
    c->bprefix_len = (size_t)n;
    c->job = job;
    c->file_triples = 0;
    c->nheld = 0;
    c->perr = false;
    c->st = BS_OK;
    bs_facts_clear(&c->facts);
    return BS_OK;
}

bs_status bs_ld_open_input(bs_ld_ctx *c, FILE **in)
{
    const bs_job *job = c->job;
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

static bool use_serd(const bs_ld_ctx *c, const bs_job *job)
{
    if (c->serd_off || !job->path || !bs_ld_serd_reads(job->parser)) return false;
    for (size_t i = 0; i < c->n_to_raptor; i++)
        if (c->to_raptor[i] == c->file_no) return false;
    return true;
}

/* Raptor failed on a file serd gave up on for a syntax error: serd's
 * error has the column and points at the offending token (Raptor's
 * Turtle parser at the end of it), so report that one, unless Raptor
 * stopped on an earlier line (then it found something else). */
static void prefer_serd_error(bs_ld_ctx *c)
{
    bs_load_report *rep = c->rep;
    if (!c->serd_err_msg || c->serd_err_file != c->file_no) return;
    if (rep->err_line > 0 && rep->err_line < c->serd_err_line) return;
    char *msg = strdup(c->serd_err_msg);
    if (!msg) return;
    free(rep->err_msg);
    rep->err_msg = msg;
    rep->err_line = c->serd_err_line;
    rep->err_col = c->serd_err_col;
}

static bs_status parse_job(bs_ld_ctx *c, const bs_job *job)
{
    bs_status st;
    TRY(st, start_file(c, job));
    if (use_serd(c, job)) {
        st = bs_ld_serd_parse(c);
    } else {
        st = bs_ld_raptor_parse(c);
        if (st == BS_ERR_PARSE) prefer_serd_error(c);
    }
fail:
    c->job = NULL;
    return st;
}

/* --imports: the file's held quads go to the graph named after it. */
static bs_status place_file(bs_ld_ctx *c, const bs_job *job)
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
        bs_ld_version *nv = realloc(c->vers, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        c->vers = nv;
        c->vers_cap = nc;
    }
    c->vers[c->nvers++] = (bs_ld_version){g, v};
fail:
    return st;
}

/* ---- one run of the transaction ------------------------------------ */

static void run_reset(bs_ld_ctx *c, bs_txn *txn)
{
    bs_load_report_free(c->rep);
    c->txn = txn;
    c->file_no = 0;
    c->nheld = c->nrepl = c->nvers = 0;
    c->clear_target = false;
    c->st = BS_OK;
    c->job = NULL;
    c->rerun = false;
    for (int i = 0; i < BS_LD_M_N; i++) c->memo[i].id = 0; /* ids of an aborted run */
    bs_ld_raptor_reset(c);
}

static void run_end(bs_ld_ctx *c)
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

static bs_status run_setup(bs_ld_ctx *c)
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
static bs_status run_finish(bs_ld_ctx *c)
{
    bs_status st = BS_OK;
    if (c->opts->replace) {
        if (!c->opts->imports && c->clear_target)
            TRY(st, push_id(&c->repl, &c->nrepl, &c->repl_cap, c->target));
        if (c->nrepl > 1) qsort(c->repl, c->nrepl, sizeof *c->repl, cmp_id);
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
    bs_ld_ctx *c = ud;
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
    if (c->opts->before_write)
        TRY(st, c->opts->before_write(c->opts->before_write_ctx, txn, c->target));
    TRY(st, run_finish(c));
fail:
    run_end(c);
    return st;
}

/* ---- the load ------------------------------------------------------ */

/* Copy stdin to a temporary file: a run may have to read it again. */
static bs_status spool_stdin(bs_ld_ctx *c)
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

/* BATTSTORE_PARSER: unset, "" or "serd" = serd where it can, "raptor" =
 * Raptor for everything (differential tests, benchmarks). */
static bs_status choose_parser(bs_ld_ctx *c)
{
    const char *p = getenv("BATTSTORE_PARSER");
    if (!p || !*p || strcmp(p, "serd") == 0) return BS_OK;
    if (strcmp(p, "raptor") == 0) {
        c->serd_off = true;
        return BS_OK;
    }
    return bs_report_error(c->rep, BS_ERR_ARG, NULL, -1, -1,
                           "BATTSTORE_PARSER is '%s'; it may be serd or raptor", p);
}

static bs_status ctx_open(bs_ld_ctx *c)
{
    bs_status st;
    TRY(st, choose_parser(c));
    c->chunk = malloc(CHUNK_BYTES);
    if (!c->chunk) return BS_ERR_NOMEM;
    TRY(st, bs_ld_raptor_open(c));
    for (size_t i = 0; i < c->npaths; i++)
        if (strcmp(c->paths[i], "-") == 0) return spool_stdin(c);
fail:
    return st;
}

static void ctx_close(bs_ld_ctx *c)
{
    bs_ld_raptor_close(c);
    if (c->spool) fclose(c->spool);
    free(c->chunk);
    for (int i = 0; i < BS_LD_M_N; i++) free(c->memo[i].buf);
    free(c->held);
    free(c->repl);
    free(c->vers);
    free(c->to_raptor);
    free(c->serd_err_msg);
}

/* Room in the map for the input before the transaction starts: a map
 * that fills mid-load makes the whole load run again after growing it
 * (a 10M-triple load took twice as long).  A store takes at most about
 * 4 bytes per input byte (Turtle is the densest input); the room is
 * address space in a sparse file, not disk.  Imported files are not
 * counted: when they overflow, the load reruns once with a bigger map. */
static void reserve_for(bs_store *store, const char *const *paths, size_t n)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") != 0 && stat(paths[i], &sb) == 0)
            bytes += (uint64_t)sb.st_size;
    }
    bs_store_reserve(store, bytes * 4);
}

/* The state both entry points start from. */
static void ctx_init(bs_ld_ctx *c, const char *const *paths, size_t n,
                     const bs_load_opts *opts, bs_load_report *rep)
{
    static const bs_load_opts defaults;
    memset(rep, 0, sizeof *rep);
    rep->err_line = rep->err_col = -1;
    c->opts = opts ? opts : &defaults;
    c->paths = paths;
    c->npaths = n;
    c->rep = rep;
    c->t0 = c->last_progress = now();
}

/* The message of a failure that reported none. */
static void report_status(bs_load_report *rep, bs_status st)
{
    if (st != BS_OK && !rep->err_msg)
        bs_report_error(rep, st, NULL, -1, -1, "%s", bs_strerror(st));
}

/* Inside the caller's transaction there is no rerun: Raptor (the
 * reference) reads every file, and stdin cannot be read twice should the
 * caller's transaction run again. */
bs_status bs_load_in_txn(bs_txn *txn, const char *const *paths, size_t n,
                         const bs_load_opts *opts, bs_load_report *rep)
{
    bs_ld_ctx c = {0};
    bs_status st;
    ctx_init(&c, paths, n, opts, rep);
    for (size_t i = 0; i < n; i++)
        if (strcmp(paths[i], "-") == 0) {
            st = bs_report_error(rep, BS_ERR_ARG, "-", -1, -1,
                                 "stdin cannot be loaded inside a transaction");
            goto fail;
        }
    if (!bs_txn_writable(txn)) {
        st = BS_ERR_READONLY;
        goto fail;
    }
    TRY(st, ctx_open(&c));
    c.serd_off = true;
    st = load_txn(txn, &c);
    rep->seconds = now() - c.t0;
    if (st == BS_OK) progress(&c, true);
fail:
    report_status(rep, st);
    ctx_close(&c);
    return st;
}

bs_status bs_load_files(bs_store *store, const char *const *paths, size_t n,
                        const bs_load_opts *opts, bs_load_report *rep)
{
    bs_ld_ctx c = {0};
    bs_status st;
    ctx_init(&c, paths, n, opts, rep);
    TRY(st, ctx_open(&c));
    reserve_for(store, paths, n);
    /* Each rerun hands one more file from serd to Raptor. */
    do
        st = bs_store_write(store, load_txn, &c);
    while (st != BS_OK && c.rerun);
    rep->seconds = now() - c.t0;
    if (st == BS_OK) progress(&c, true);
fail:
    report_status(rep, st);
    ctx_close(&c);
    return st;
}
