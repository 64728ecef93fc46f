/* SPDX-License-Identifier: MIT
 * battstore — the serd front end of the loader (see load_int.h): local
 * N-Triples, N-Quads, Turtle and TriG files.
 *
 * serd hands over nodes as written; this file makes of them the views
 * Raptor's parsers would give for the same text:
 *
 *  - IRIs.  Raptor's Turtle/TriG parser resolves every IRI against the
 *    base (RFC 3986), which also removes "." and ".." segments from
 *    absolute IRIs; its N-Triples/N-Quads parser takes IRIs as written
 *    (and, like serd, rejects relative ones).  So in Turtle/TriG an IRI
 *    with a scheme and no path segment starting with a dot is used as it
 *    is (no copy, no allocation: the common case), any other goes
 *    through Raptor's own resolver, so the two parsers can never
 *    disagree on the result.  @base/BASE and @prefix/PREFIX IRIs are
 *    resolved against the base in force, as Raptor does; prefixed names
 *    (also as datatypes) are expanded through a SerdEnv by plain
 *    concatenation, as Raptor does.
 *  - Blank nodes.  serd puts the file's label prefix in front of every
 *    label itself (serd_reader_add_blank_prefix).  Its own labels for []
 *    and lists are "b" and digits; a label written "b" and digits is
 *    renamed "B" and digits, so the two never meet.  A file that also
 *    writes a "B" and digits label is one serd refuses (ID clash).
 *  - Literals arrive unescaped, with a language node or a datatype node
 *    (an IRI or a prefixed name).
 *
 * serd runs in strict mode and stops at its first error.  Whatever serd
 * rejects, or this file cannot map exactly (an undeclared prefix, []
 * or ( ) in N-Triples, an IRI Raptor's resolver fails on), is handed to
 * Raptor: the file's number goes to c->to_raptor and the load runs
 * again.  If Raptor rejects the file too, serd's error is the one
 * reported (load.c), with serd's line and column.
 *
 * serd runs on a thread of its own: the views of each statement are
 * copied into a bounded queue (pipe.h) and the transaction's thread
 * takes them from there, so parsing and the store's work (ids, quads)
 * overlap on two cores.  Only the transaction's thread touches the
 * store and the load's shared state; the parser thread keeps its own
 * flags in serd_file until it has been joined.
 *
 * serd 0.30's error positions: the line is 1-based; the column is the
 * byte offset of the position, 0-based except on the first line, whose
 * columns start at 1.  Reported columns are 1-based bytes. */
#include "config.h"
#include "ingest/load_int.h"
#include "ingest/pipe.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <raptor2.h>
#include <serd/serd.h>

#define PAGE_BYTES ((size_t)64 << 10) /* serd's reads */
#define MSG_MAX 512
#define IRI_SLOTS 1024u                 /* IRI cache: direct-mapped, power of 2 */
#define IRI_MAX 112                     /* longer IRIs are not cached */

/* IRI cache slot: predicates and classes repeat, and a hit here is cheaper
 * than the bulk loader's lookup (no encoding, no hash of the whole IRI). */
typedef struct {
    uint32_t len; /* 0 = empty */
    bs_id id;
    char iri[IRI_MAX];
} iri_slot;

/* A buffer for an IRI that had to be built (one per position). */
typedef struct {
    char *p;
    size_t cap;
} scratch;

enum { X_S, X_P, X_O, X_G, X_DT, X_BASE, X_N };

typedef struct {
    bs_ld_ctx *c;
    SerdEnv *env;   /* prefixes (always absolute IRIs) */
    char *base;     /* the base IRI in force (NUL-terminated) */
    size_t base_len;
    bool fancy;     /* Turtle/TriG; else N-Triples/N-Quads */
    bool give_up;   /* hand the file to Raptor */
    bool serd_err;  /* serd reported an error (saved in c->serd_err_*) */
    bool sink_failed; /* the consumer stopped taking statements */
    bool nomem;     /* an allocation failed on the parser thread */
    bs_pipe *pipe;  /* parser thread -> transaction thread */
    scratch x[X_N];
    iri_slot *iris; /* IRI_SLOTS entries */
} serd_file;

bool bs_ld_serd_reads(const char *parser)
{
    return strcmp(parser, "turtle") == 0 || strcmp(parser, "ntriples") == 0 ||
           strcmp(parser, "nquads") == 0 || strcmp(parser, "trig") == 0;
}

static SerdSyntax syntax_of(const char *parser)
{
    if (strcmp(parser, "ntriples") == 0) return SERD_NTRIPLES;
    if (strcmp(parser, "nquads") == 0) return SERD_NQUADS;
    if (strcmp(parser, "trig") == 0) return SERD_TRIG;
    return SERD_TURTLE;
}

static char *reserve(scratch *x, size_t n)
{
    if (n > x->cap) {
        size_t nc = n > 2 * x->cap ? n : 2 * x->cap;
        char *np = realloc(x->p, nc);
        if (!np) return NULL;
        x->p = np;
        x->cap = nc;
    }
    return x->p;
}

/* ---- IRIs ---------------------------------------------------------- */

static bool is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_scheme_char(char ch)
{
    return is_alpha(ch) || (ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.';
}

/* An IRI that Raptor's resolver returns unchanged: it has a scheme and no
 * segment that starts with a dot ("." and ".." segments are removed even
 * from absolute IRIs).  Conservative: "/.well-known" also goes the slow
 * way, which gives the same result. */
static bool plain_absolute(const char *s, size_t n)
{
    size_t i = 1;
    if (!n || !is_alpha(s[0])) return false;
    while (i < n && is_scheme_char(s[i])) i++;
    if (i == n || s[i] != ':') return false;
    for (; i + 1 < n; i++)
        if (s[i + 1] == '.' && (s[i] == '/' || s[i] == ':')) return false;
    return true;
}

/* ref (NUL-terminated) resolved against the base by Raptor's resolver,
 * into x; NULL when Raptor cannot resolve it (then Raptor should read the
 * file and say so). */
static const char *resolve(serd_file *f, const char *ref, size_t len, int slot,
                           size_t *out_len)
{
    if (!len) { /* Raptor: an empty reference is the base, fragment and all */
        *out_len = f->base_len;
        return f->base;
    }
    size_t cap = f->base_len + len + 16;
    char *buf = reserve(&f->x[slot], cap);
    if (!buf) {
        f->nomem = true;
        return NULL;
    }
    size_t n = raptor_uri_resolve_uri_reference((const unsigned char *)f->base,
                                                (const unsigned char *)ref,
                                                (unsigned char *)buf, cap);
    if (!n || n >= cap || strlen(buf) != n) return NULL;
    *out_len = n;
    return buf;
}

/* The IRI of a URI or CURIE node as Raptor would give it. */
static bool iri_view(serd_file *f, const SerdNode *n, int slot, bs_term *out)
{
    const char *s = (const char *)n->buf;
    size_t len = n->n_bytes;
    if (n->type == SERD_CURIE) {
        SerdChunk pre, suf;
        if (serd_env_expand(f->env, n, &pre, &suf) != SERD_SUCCESS) return false;
        char *buf = reserve(&f->x[slot], pre.len + suf.len + 1);
        if (!buf) {
            f->nomem = true;
            return false;
        }
        memcpy(buf, pre.buf, pre.len);
        memcpy(buf + pre.len, suf.buf, suf.len);
        *out = bs_term_iri(buf, pre.len + suf.len);
        return true;
    }
    if (n->type != SERD_URI) return false;
    if (f->fancy && !plain_absolute(s, len) && !(s = resolve(f, s, len, slot, &len)))
        return false;
    *out = bs_term_iri(s, len);
    return true;
}

/* serd 0.30 reads a quote followed by an escape inside a long string
 * (the \r in """say "hi"\r""") as the quote, a backslash and the
 * escape's letter.  A value holding a quote then a backslash may come from
 * that (or from an escaped backslash): such files go to Raptor. */
static bool quote_backslash(const char *s, size_t n)
{
    for (const char *p = memchr(s, '\\', n); p; p = memchr(p + 1, '\\', n - (size_t)(p + 1 - s)))
        if (p > s && (p[-1] == '"' || p[-1] == '\'')) return true;
    return false;
}

/* A subject, object or graph node.  false: the file goes to Raptor. */
static bool node_view(serd_file *f, const SerdNode *n, const SerdNode *dt,
                      const SerdNode *lang, int slot, bs_ld_term *out)
{
    out->id = 0;
    switch (n->type) {
    case SERD_URI:
    case SERD_CURIE:
        return iri_view(f, n, slot, &out->t);
    case SERD_BLANK: /* the file's prefix is already in front (serd put it) */
        out->t = bs_term_bnode((const char *)n->buf, n->n_bytes);
        return true;
    case SERD_LITERAL:
        if (f->fancy && quote_backslash((const char *)n->buf, n->n_bytes)) return false;
        if (lang && lang->n_bytes) {
            out->t = bs_term_literal((const char *)n->buf, n->n_bytes,
                                     (const char *)lang->buf, lang->n_bytes, NULL, 0);
        } else if (dt && dt->type != SERD_NOTHING) {
            bs_term d;
            if (!iri_view(f, dt, X_DT, &d)) return false;
            out->t = bs_term_literal((const char *)n->buf, n->n_bytes, NULL, 0,
                                     d.lex, d.lex_len);
        } else {
            out->t = bs_term_literal((const char *)n->buf, n->n_bytes, NULL, 0, NULL, 0);
        }
        return true;
    default:
        return false;
    }
}

/* Id of an IRI term through the cache (the front end's own, like Raptor's
 * pointer cache in load_raptor.c). */
static bs_status iri_id(serd_file *f, bs_ld_term *t)
{
    const char *s = t->t.lex;
    size_t n = t->t.lex_len;
    uint64_t tail = 0;
    if (n > IRI_MAX || n < sizeof tail) return BS_OK;
    memcpy(&tail, s + n - sizeof tail, sizeof tail);
    uint64_t h = (tail ^ (uint64_t)n) * 0x9E3779B97F4A7C15u;
    iri_slot *e = &f->iris[(h >> 40) & (IRI_SLOTS - 1)];
    if (e->len == n && memcmp(e->iri, s, n) == 0) {
        t->id = e->id;
        return BS_OK;
    }
    bs_status st = bs_bulk_intern(f->c->bulk, &t->t, &t->id);
    if (st != BS_OK) return st;
    e->len = (uint32_t)n;
    e->id = t->id;
    memcpy(e->iri, s, n);
    return BS_OK;
}

/* ---- serd's sinks -------------------------------------------------- */

/* A failure stops serd (strict mode) at once. */
static SerdStatus stop(serd_file *f, bool give_up)
{
    if (give_up && !f->nomem && !f->sink_failed) f->give_up = true;
    return SERD_ERR_UNKNOWN;
}

/* Parser thread: make the statement's views and queue them. */
static SerdStatus on_statement(void *ud, SerdStatementFlags flags, const SerdNode *g,
                               const SerdNode *s, const SerdNode *p, const SerdNode *o,
                               const SerdNode *dt, const SerdNode *lang)
{
    serd_file *f = ud;
    bs_ld_stmt t;
    if (f->sink_failed || f->give_up) return SERD_ERR_UNKNOWN;
    /* [] and ( ) are not N-Triples/N-Quads: serd reads them, Raptor not */
    if (!f->fancy && flags) return stop(f, true);
    t.has_graph = g && g->type != SERD_NOTHING;
    if (!node_view(f, s, NULL, NULL, X_S, &t.s) || s->type == SERD_LITERAL ||
        !(p->type == SERD_URI || p->type == SERD_CURIE) || !iri_view(f, p, X_P, &t.p.t) ||
        !node_view(f, o, dt, lang, X_O, &t.o) ||
        (t.has_graph && !node_view(f, g, NULL, NULL, X_G, &t.g)))
        return stop(f, true);
    if (bs_pipe_push(f->pipe, &t.s.t, &t.p.t, &t.o.t, t.has_graph ? &t.g.t : NULL) != BS_OK) {
        f->sink_failed = true; /* the consumer gave up (or no memory) */
        return SERD_ERR_UNKNOWN;
    }
    return SERD_SUCCESS;
}

/* Transaction thread: ids and the shared statement logic. */
static bs_status take_statement(serd_file *f, const bs_pipe_stmt *ps)
{
    bs_ld_stmt t = {{ps->s, 0}, {ps->p, 0}, {ps->o, 0}, {ps->g, 0}, ps->has_graph};
    bs_status st = iri_id(f, &t.p);
    if (st == BS_OK && t.o.t.kind == BS_TERM_IRI) st = iri_id(f, &t.o);
    if (st == BS_OK) st = bs_ld_statement(f->c, &t);
    return st;
}

/* Set the base in force to ref resolved against it. */
static SerdStatus on_base(void *ud, const SerdNode *uri)
{
    serd_file *f = ud;
    size_t n;
    const char *s = resolve(f, (const char *)uri->buf, uri->n_bytes, X_BASE, &n);
    if (!s) return stop(f, true);
    char *copy = strndup(s, n);
    if (!copy) {
        f->nomem = true;
        return stop(f, false);
    }
    free(f->base);
    f->base = copy;
    f->base_len = n;
    return SERD_SUCCESS;
}

/* Prefix IRIs are resolved against the base in force when they are
 * declared; the SerdEnv only ever holds absolute IRIs. */
static SerdStatus on_prefix(void *ud, const SerdNode *name, const SerdNode *uri)
{
    serd_file *f = ud;
    size_t n;
    const char *s = resolve(f, (const char *)uri->buf, uri->n_bytes, X_BASE, &n);
    if (!s) return stop(f, true);
    SerdNode abs = serd_node_from_substring(SERD_URI, (const uint8_t *)s, n);
    if (serd_env_set_prefix(f->env, name, &abs) != SERD_SUCCESS) return stop(f, true);
    return SERD_SUCCESS;
}

/* Keep serd's first error (it may add follow-ups) for the report. */
static SerdStatus on_error(void *ud, const SerdError *e)
{
    serd_file *f = ud;
    bs_ld_ctx *c = f->c;
    char msg[MSG_MAX];
    va_list ap;
    /* after a failure of ours serd may add an error of its own */
    if (f->serd_err || f->give_up || f->sink_failed) return SERD_SUCCESS;
    f->serd_err = f->give_up = true;
    va_copy(ap, *e->args);
    int n = vsnprintf(msg, sizeof msg, e->fmt, ap);
    va_end(ap);
    if (n < 0) msg[0] = '\0';
    for (size_t len = strlen(msg); len && (msg[len - 1] == '\n' || msg[len - 1] == ' ');)
        msg[--len] = '\0';
    free(c->serd_err_msg);
    c->serd_err_msg = NULL;
    if (asprintf(&c->serd_err_msg, "%s%s", e->status == SERD_ERR_BAD_SYNTAX ?
                 "syntax error: " : "", msg[0] ? msg : "syntax error") < 0)
        c->serd_err_msg = NULL;
    c->serd_err_file = c->file_no;
    c->serd_err_line = e->line > 0 ? (long)e->line : -1;
    c->serd_err_col = e->line > 1 ? (long)e->col + 1 : (long)e->col;
    if (c->serd_err_line < 0 || c->serd_err_col < 1) c->serd_err_col = -1;
    return SERD_SUCCESS;
}

/* ---- one file ------------------------------------------------------ */

static size_t source_read(void *buf, size_t size, size_t nmemb, void *stream)
{
    return fread(buf, size, nmemb, (FILE *)stream);
}

static int source_error(void *stream)
{
    return ferror((FILE *)stream);
}

/* serd gave up on the file: Raptor reads it when the load runs again. */
static bs_status hand_to_raptor(bs_ld_ctx *c, const serd_file *f)
{
    if (c->n_to_raptor == c->to_raptor_cap) {
        size_t nc = c->to_raptor_cap ? 2 * c->to_raptor_cap : 8;
        size_t *nv = realloc(c->to_raptor, nc * sizeof *nv);
        if (!nv) return BS_ERR_NOMEM;
        c->to_raptor = nv;
        c->to_raptor_cap = nc;
    }
    c->to_raptor[c->n_to_raptor++] = c->file_no;
    c->rerun = true;
    if (f->serd_err)
        return bs_report_error(c->rep, BS_ERR_PARSE, c->job->name, c->serd_err_line,
                               c->serd_err_col, "%s", c->serd_err_msg ? c->serd_err_msg
                                                                      : "syntax error");
    return bs_report_error(c->rep, BS_ERR_PARSE, c->job->name, -1, -1,
                           "serd cannot read this file as Raptor would");
}

typedef struct {
    serd_file *f;
    SerdReader *reader;
    FILE *in;
    const char *name;
    SerdStatus rs;
} parse_arg;

static void *parse_thread(void *arg)
{
    parse_arg *a = arg;
    a->rs = serd_reader_read_source(a->reader, source_read, source_error, a->in,
                                    (const uint8_t *)a->name, PAGE_BYTES);
    bs_pipe_close(a->f->pipe, BS_OK);
    return NULL;
}

/* Parse on a thread of its own and take its statements here. */
static bs_status read_file(serd_file *f, SerdReader *reader)
{
    bs_ld_ctx *c = f->c;
    parse_arg a = {f, reader, NULL, c->job->name, SERD_SUCCESS};
    pthread_t th;
    bs_status st;
    TRY(st, bs_ld_open_input(c, &a.in));
    TRY(st, bs_pipe_new(&f->pipe));
    if (pthread_create(&th, NULL, parse_thread, &a) != 0) {
        st = BS_ERR_NOMEM;
        goto fail;
    }
    bs_pipe_stmt ps;
    bs_status pst;
    while ((pst = bs_pipe_next(f->pipe, &ps)) == BS_OK) {
        if ((st = take_statement(f, &ps)) != BS_OK) {
            c->st = st;
            bs_pipe_abort(f->pipe);
            break;
        }
    }
    pthread_join(th, NULL);
    if (f->nomem && c->st == BS_OK) c->st = BS_ERR_NOMEM;
    if (c->st != BS_OK) st = c->st;
    else if (f->give_up || a.rs > SERD_FAILURE) st = hand_to_raptor(c, f);
fail:
    bs_pipe_free(f->pipe);
    f->pipe = NULL;
    if (a.in && a.in != c->spool) fclose(a.in);
    return st;
}

bs_status bs_ld_serd_parse(bs_ld_ctx *c)
{
    serd_file f = {.c = c, .fancy = false};
    SerdReader *reader = NULL;
    bs_status st = BS_ERR_NOMEM;
    SerdSyntax syntax = syntax_of(c->job->parser);
    f.fancy = syntax == SERD_TURTLE || syntax == SERD_TRIG;
    f.base = strdup(c->job->uri);
    f.env = serd_env_new(NULL);
    f.iris = calloc(IRI_SLOTS, sizeof *f.iris);
    reader = serd_reader_new(syntax, &f, NULL, on_base, on_prefix, on_statement, NULL);
    if (!f.base || !f.env || !f.iris || !reader) goto fail;
    f.base_len = strlen(f.base);
    serd_reader_set_strict(reader, true);
    serd_reader_set_error_sink(reader, on_error, &f);
    serd_reader_add_blank_prefix(reader, (const uint8_t *)c->bprefix);
    st = read_file(&f, reader);
fail:
    serd_reader_free(reader);
    serd_env_free(f.env);
    free(f.base);
    free(f.iris);
    for (int i = 0; i < X_N; i++) free(f.x[i].p);
    return st;
}
