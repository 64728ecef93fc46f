/* SPDX-License-Identifier: MIT
 * battstore — the Raptor2 front end of the loader (see load_int.h).
 *
 * Raptor's statements become term views over Raptor's own strings; blank
 * node labels get the file's prefix.  Raptor interns URIs, so an IRI's id
 * is cached by its raptor_uri pointer: predicates and classes skip the
 * bulk loader's hash lookup.
 *
 * Raptor's own labels for blank nodes without one ("genid" and a number)
 * can equal a label the file gives: EMMO's mereocausality.ttl writes
 * _:genid15 for a restriction, and Raptor made one node of it and of a
 * list node it generated.  So the labels Raptor generates are asked of
 * gen_label() and carry a mark no written label can hold; bnode_view()
 * turns the mark into "_" and escapes written labels that start with "_"
 * with one more "_": the two kinds can no longer meet. */
#include "config.h"
#include "ingest/load_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/xmlerror.h>
#include <raptor2.h>

#define CHUNK_BYTES ((size_t)256 << 10) /* = load.c's c->chunk */
#define IRI_SLOTS 4096u                 /* IRI cache: direct-mapped, power of 2 */
#define GEN_MARK '\x01'                  /* first byte of a label Raptor generated */

/* IRI cache slot.  It holds a reference to the Raptor URI, so the pointer
 * cannot be freed and reused for another URI while cached: pointer
 * equality means the same IRI, without reading a byte of it. */
typedef struct {
    raptor_uri *uri;
    bs_id id;
} iri_slot;

/* A blank node label: the file's prefix, then Raptor's label. */
typedef struct {
    char *buf;
    size_t cap;
} label_buf;

enum { L_S, L_O, L_G, L_N };

struct bs_ld_raptor {
    raptor_world *world;
    raptor_parser *parser; /* the current file's */
    iri_slot *iris;        /* IRI_SLOTS entries */
    label_buf labels[L_N]; /* one per position that may hold a blank node */
    unsigned long gen;     /* labels generated in this load */
};

/* ---- Raptor terms to views ----------------------------------------- */

/* A label for a blank node the file does not name (Raptor frees it). */
static unsigned char *gen_label(void *ud, unsigned char *user_label)
{
    bs_ld_raptor *r = ud;
    if (user_label) return user_label;
    char *s = malloc(24);
    if (s) snprintf(s, 24, "%c%lu", GEN_MARK, ++r->gen);
    return (unsigned char *)s;
}

/* The file's prefix, then the label: a generated one's mark as "_", a
 * written one that starts with "_" behind one more "_". */
static bs_status bnode_view(bs_ld_ctx *c, label_buf *lb,
                            const raptor_term_blank_value *b, bs_term *t)
{
    const char *s = (const char *)b->string;
    size_t len = b->string_len, n = c->bprefix_len;
    bool gen = len && s[0] == GEN_MARK, esc = len && s[0] == '_';
    if (gen) s++, len--;
    if (n + len + 1 > lb->cap) {
        size_t nc = n + len + 1 > 2 * lb->cap ? n + len + 1 : 2 * lb->cap;
        char *nb = realloc(lb->buf, nc < 256 ? 256 : nc);
        if (!nb) return BS_ERR_NOMEM;
        lb->buf = nb;
        lb->cap = nc < 256 ? 256 : nc;
    }
    memcpy(lb->buf, c->bprefix, n);
    if (gen || esc) lb->buf[n++] = '_';
    memcpy(lb->buf + n, s, len);
    *t = bs_term_bnode(lb->buf, n + len);
    return BS_OK;
}

/* View and id of an IRI: Raptor interns URIs, so repeated IRIs
 * (predicates, classes, subjects) come back as the same pointer. */
static bs_status iri_term(bs_ld_ctx *c, raptor_uri *u, bs_ld_term *out)
{
    size_t n;
    const unsigned char *s = raptor_uri_as_counted_string(u, &n);
    out->t = bs_term_iri((const char *)s, n);
    uintptr_t k = (uintptr_t)u;
    iri_slot *e = &c->raptor->iris[((k >> 4) ^ (k >> 16)) & (IRI_SLOTS - 1)];
    if (e->uri == u) {
        out->id = e->id;
        return BS_OK;
    }
    bs_status st = bs_bulk_intern(c->bulk, &out->t, &out->id);
    if (st != BS_OK) return st;
    raptor_free_uri(e->uri);
    e->uri = raptor_uri_copy(u);
    e->id = out->id;
    return BS_OK;
}

static bs_status term_view(bs_ld_ctx *c, const raptor_term *rt, int lab, bs_ld_term *out)
{
    out->id = 0;
    switch (rt->type) {
    case RAPTOR_TERM_TYPE_URI:
        return iri_term(c, rt->value.uri, out);
    case RAPTOR_TERM_TYPE_LITERAL: {
        const raptor_term_literal_value *l = &rt->value.literal;
        size_t dn = 0;
        const unsigned char *dt = NULL;
        if (l->datatype) dt = raptor_uri_as_counted_string(l->datatype, &dn);
        out->t = bs_term_literal((const char *)l->string, l->string_len,
                                 (const char *)l->language, l->language_len,
                                 (const char *)dt, dn);
        return BS_OK;
    }
    case RAPTOR_TERM_TYPE_BLANK:
        if (lab < 0) return BS_ERR_PARSE;
        return bnode_view(c, &c->raptor->labels[lab], &rt->value.blank, &out->t);
    default:
        return BS_ERR_PARSE;
    }
}

static void on_statement(void *ud, raptor_statement *t)
{
    bs_ld_ctx *c = ud;
    bs_ld_stmt s;
    bs_status st;
    if (c->st != BS_OK || c->perr) return;
    TRY(st, term_view(c, t->subject, L_S, &s.s));
    TRY(st, term_view(c, t->predicate, -1, &s.p));
    TRY(st, term_view(c, t->object, L_O, &s.o));
    s.has_graph = t->graph != NULL;
    if (s.has_graph) TRY(st, term_view(c, t->graph, L_G, &s.g));
    TRY(st, bs_ld_statement(c, &s));
    return;
fail:
    c->st = st;
    raptor_parser_parse_abort(c->raptor->parser);
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
    bs_ld_ctx *c = ud;
    raptor_parser *parser = c->raptor->parser;
    if (m->level < RAPTOR_LOG_LEVEL_ERROR || !c->job || c->perr) return;
    c->perr = true;
    raptor_locator *loc = m->locator;
    if (!loc && parser) loc = raptor_parser_get_locator(parser);
    long line = loc && loc->line > 0 ? loc->line : -1;
    /* Raptor's column is a 0-based offset; report it 1-based. */
    long col = loc && loc->column >= 0 ? loc->column + 1 : xml_column(m, line);
    bs_report_error(c->rep, BS_ERR_PARSE, c->job->name, line, col, "%s",
                    m->text ? m->text : "syntax error");
    if (parser) raptor_parser_parse_abort(parser);
}

/* ---- one file ------------------------------------------------------ */

/* Feed the file to the parser in large chunks; stop at the first error. */
static bs_status feed(bs_ld_ctx *c, FILE *in, raptor_uri *base)
{
    raptor_parser *parser = c->raptor->parser;
    if (raptor_parser_parse_start(parser, base)) return BS_ERR_PARSE;
    for (;;) {
        size_t n = fread(c->chunk, 1, CHUNK_BYTES, in);
        if (n < CHUNK_BYTES && ferror(in))
            return bs_report_error(c->rep, BS_ERR_IO, c->job->name, -1, -1,
                                   "read error: %s", strerror(errno));
        int end = n < CHUNK_BYTES;
        int rc = raptor_parser_parse_chunk(parser, c->chunk, n, end);
        if (c->st != BS_OK) return c->st;
        if (rc || c->perr) return BS_ERR_PARSE;
        if (end) return BS_OK;
    }
}

bs_status bs_ld_raptor_parse(bs_ld_ctx *c)
{
    bs_ld_raptor *r = c->raptor;
    const bs_job *job = c->job;
    bs_status st;
    FILE *in = NULL;
    raptor_uri *base = raptor_new_uri(r->world, (const unsigned char *)job->uri);
    r->parser = raptor_new_parser(r->world, job->parser);
    if (!r->parser || !base) {
        st = bs_report_error(c->rep, BS_ERR_ARG, job->name, -1, -1, "%s",
                             r->parser ? "invalid base IRI" : "no such parser");
        goto fail;
    }
    raptor_parser_set_statement_handler(r->parser, c, on_statement);
    if (!c->opts->fetch) raptor_parser_set_option(r->parser, RAPTOR_OPTION_NO_NET, NULL, 1);
    xmlResetLastError();
    if (job->path) {
        TRY(st, bs_ld_open_input(c, &in));
        st = feed(c, in, base);
    } else { /* a remote catalog target, only with opts->fetch */
        st = raptor_parser_parse_uri(r->parser, base, NULL) ? BS_ERR_PARSE : BS_OK;
        if (c->st != BS_OK) st = c->st;
        else if (c->perr) st = BS_ERR_PARSE;
    }
    if (st == BS_ERR_PARSE)
        bs_report_error(c->rep, st, job->name, -1, -1, "cannot parse as %s", job->parser);
fail:
    if (in && in != c->spool) fclose(in);
    raptor_free_uri(base);
    raptor_free_parser(r->parser);
    r->parser = NULL;
    return st;
}

/* ---- the load ------------------------------------------------------ */

void bs_ld_raptor_reset(bs_ld_ctx *c)
{
    bs_ld_raptor *r = c->raptor;
    for (size_t i = 0; r && r->iris && i < IRI_SLOTS; i++) {
        raptor_free_uri(r->iris[i].uri);
        r->iris[i].uri = NULL;
    }
}

bs_status bs_ld_raptor_open(bs_ld_ctx *c)
{
    bs_ld_raptor *r = c->raptor = calloc(1, sizeof *r);
    if (!r) return BS_ERR_NOMEM;
    r->iris = calloc(IRI_SLOTS, sizeof *r->iris);
    r->world = raptor_new_world();
    if (!r->iris || !r->world || raptor_world_open(r->world)) return BS_ERR_NOMEM;
    raptor_world_set_log_handler(r->world, c, on_log);
    raptor_world_set_generate_bnodeid_handler(r->world, r, gen_label);
    return BS_OK;
}

void bs_ld_raptor_close(bs_ld_ctx *c)
{
    bs_ld_raptor *r = c->raptor;
    if (!r) return;
    bs_ld_raptor_reset(c);
    free(r->iris);
    raptor_free_world(r->world);
    for (int i = 0; i < L_N; i++) free(r->labels[i].buf);
    free(r);
    c->raptor = NULL;
}
