/* SPDX-License-Identifier: MIT
 * battstore — RDF writers for CONSTRUCT / DESCRIBE: N-Triples, N-Quads
 *   (the result graph is a default graph: the same lines), Turtle (runs
 *   of one subject grouped with ; and ,) and RDF/XML (Raptor2). */
#include "config.h"
#include "sparql/results_int.h"

#include <raptor2.h>
#include <stdlib.h>
#include <string.h>

#define RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

static bs_status rdf_begin(bs_sp_writer *w, bool ask)
{
    (void)w; (void)ask;
    return BS_OK;
}

static bs_status rdf_end(bs_sp_writer *w)
{
    (void)w;
    return BS_OK;
}

static void rdf_done(bs_sp_writer *w) { (void)w; }

/* ---- N-Triples / N-Quads ------------------------------------------------ */

static bs_status nt_triple(bs_sp_writer *w, const bs_term t[3])
{
    for (int i = 0; i < 3; i++) {
        bs_sp_put_term_nt(w->out, &t[i], false);
        putc(' ', w->out);
    }
    fputs(".\n", w->out);
    return BS_OK;
}

const bs_sp_format bs_sp_fmt_ntriples = {
    "ntriples", "application/n-triples", true,
    rdf_begin, NULL, nt_triple, NULL, rdf_end, rdf_done
};

const bs_sp_format bs_sp_fmt_nquads = {
    "nquads", "application/n-quads", true,
    rdf_begin, NULL, nt_triple, NULL, rdf_end, rdf_done
};

/* ---- Turtle -------------------------------------------------------------- */

/// An owned copy of a term (its bytes in buf).
typedef struct {
    bs_term t;
    char *buf;
    size_t cap;
} held_term;

static bs_status hold(held_term *h, const bs_term *t)
{
    size_t need = t->lex_len + (t->extra ? t->extra_len : 0) + 1;
    if (need > h->cap) {
        char *nb = realloc(h->buf, need);
        if (!nb) return BS_ERR_NOMEM;
        h->buf = nb;
        h->cap = need;
    }
    memcpy(h->buf, t->lex, t->lex_len);
    if (t->extra) memcpy(h->buf + t->lex_len, t->extra, t->extra_len);
    h->t = *t;
    h->t.lex = h->buf;
    h->t.extra = t->extra ? h->buf + t->lex_len : NULL;
    return BS_OK;
}

typedef struct {
    held_term s, p; ///< subject and predicate of the last triple
} turtle;

static bs_status ttl_begin(bs_sp_writer *w, bool ask)
{
    (void)ask;
    w->priv = calloc(1, sizeof(turtle));
    return w->priv ? BS_OK : BS_ERR_NOMEM;
}

static void ttl_pred(FILE *out, const bs_term *p)
{
    if (p->kind == BS_TERM_IRI && p->lex_len == strlen(RDF_TYPE) &&
        !memcmp(p->lex, RDF_TYPE, p->lex_len))
        putc('a', out);
    else
        bs_sp_put_term_nt(out, p, false);
}

static bs_status ttl_triple(bs_sp_writer *w, const bs_term t[3])
{
    turtle *tt = w->priv;
    FILE *out = w->out;
    bs_status st = BS_OK;
    bool same_s = w->n && bs_term_equal(&tt->s.t, &t[0]);
    bool same_p = same_s && bs_term_equal(&tt->p.t, &t[1]);
    if (same_p) {
        fputs(" ,\n        ", out);
    } else if (same_s) {
        fputs(" ;\n    ", out);
        ttl_pred(out, &t[1]);
        putc(' ', out);
    } else {
        if (w->n) fputs(" .\n", out);
        bs_sp_put_term_nt(out, &t[0], false);
        putc(' ', out);
        ttl_pred(out, &t[1]);
        putc(' ', out);
    }
    bs_sp_put_term_nt(out, &t[2], true);
    if (!same_s) TRY(st, hold(&tt->s, &t[0]));
    if (!same_p) TRY(st, hold(&tt->p, &t[1]));
fail:
    return st;
}

static bs_status ttl_end(bs_sp_writer *w)
{
    if (w->n) fputs(" .\n", w->out);
    return BS_OK;
}

static void ttl_done(bs_sp_writer *w)
{
    turtle *tt = w->priv;
    if (!tt) return;
    free(tt->s.buf);
    free(tt->p.buf);
    free(tt);
    w->priv = NULL;
}

const bs_sp_format bs_sp_fmt_turtle = {
    "turtle", "text/turtle", true,
    ttl_begin, NULL, ttl_triple, NULL, ttl_end, ttl_done
};

/* ---- RDF/XML through Raptor2 ----------------------------------------------- */

typedef struct {
    raptor_world *world;
    raptor_iostream *ios;
    raptor_serializer *ser;
    bs_sp_writer *w;
    bool failed; ///< Raptor logged an error
} rdfxml;

static void rx_log(void *ctx, raptor_log_message *m)
{
    rdfxml *rx = ctx;
    if (m->level < RAPTOR_LOG_LEVEL_ERROR) return;
    if (!rx->failed && m->text)
        snprintf(rx->w->msg, sizeof rx->w->msg, "RDF/XML: %s", m->text);
    rx->failed = true;
}

static bs_status rx_begin(bs_sp_writer *w, bool ask)
{
    (void)ask;
    rdfxml *rx = calloc(1, sizeof *rx);
    if (!rx) return BS_ERR_NOMEM;
    w->priv = rx;
    rx->w = w;
    rx->world = raptor_new_world();
    if (!rx->world || raptor_world_open(rx->world)) return BS_ERR_NOMEM;
    raptor_world_set_log_handler(rx->world, rx, rx_log);
    rx->ser = raptor_new_serializer(rx->world, "rdfxml");
    rx->ios = raptor_new_iostream_to_file_handle(rx->world, w->out);
    if (!rx->ser || !rx->ios) return BS_ERR_NOMEM;
    if (raptor_serializer_start_to_iostream(rx->ser, NULL, rx->ios))
        return BS_ERR_IO;
    return BS_OK;
}

/* A Raptor term for t (caller frees with raptor_free_term()), or NULL. */
static raptor_term *rx_term(raptor_world *world, const bs_term *t)
{
    const unsigned char *lex = (const unsigned char *)t->lex;
    if (t->kind == BS_TERM_IRI)
        return raptor_new_term_from_counted_uri_string(world, lex, t->lex_len);
    if (t->kind == BS_TERM_BNODE) {
        /* The same label rewriting as the other formats: an NCName. */
        char *label = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&label, &len);
        if (!mem) return NULL;
        bs_sp_put_bnode(mem, t->lex, t->lex_len, false);
        if (fclose(mem)) { free(label); return NULL; }
        raptor_term *r = raptor_new_term_from_counted_blank(
            world, (const unsigned char *)label, len);
        free(label);
        return r;
    }
    raptor_uri *dt = NULL;
    if (t->kind == BS_TERM_TYPED) {
        dt = raptor_new_uri_from_counted_string(
            world, (const unsigned char *)t->extra, t->extra_len);
        if (!dt) return NULL;
    }
    bool lang = t->kind == BS_TERM_LANG && t->extra_len < 256;
    /* Raptor copies the tag as a C string: it must end with a NUL (the
     * store's view does not; a heap overflow otherwise) */
    unsigned char tag[256];
    if (lang) {
        memcpy(tag, t->extra, t->extra_len);
        tag[t->extra_len] = '\0';
    }
    raptor_term *r = raptor_new_term_from_counted_literal(
        world, lex, t->lex_len, dt, lang ? tag : NULL,
        lang ? (unsigned char)t->extra_len : 0);
    if (dt) raptor_free_uri(dt); /* the term holds its own reference */
    return r;
}

static bs_status rx_triple(bs_sp_writer *w, const bs_term t[3])
{
    rdfxml *rx = w->priv;
    raptor_term *s = rx_term(rx->world, &t[0]);
    raptor_term *p = rx_term(rx->world, &t[1]);
    raptor_term *o = rx_term(rx->world, &t[2]);
    if (!s || !p || !o) {
        if (s) raptor_free_term(s);
        if (p) raptor_free_term(p);
        if (o) raptor_free_term(o);
        return BS_ERR_NOMEM;
    }
    /* The statement takes the three terms. */
    raptor_statement *stmt = raptor_new_statement_from_nodes(rx->world, s, p, o, NULL);
    if (!stmt) return BS_ERR_NOMEM;
    int rc = raptor_serializer_serialize_statement(rx->ser, stmt);
    raptor_free_statement(stmt);
    return rc || rx->failed ? BS_ERR_UNSUPPORTED : BS_OK;
}

static bs_status rx_end(bs_sp_writer *w)
{
    rdfxml *rx = w->priv;
    if (raptor_serializer_serialize_end(rx->ser) || rx->failed)
        return BS_ERR_UNSUPPORTED;
    return BS_OK;
}

static void rx_done(bs_sp_writer *w)
{
    rdfxml *rx = w->priv;
    if (!rx) return;
    if (rx->ser) raptor_free_serializer(rx->ser);
    if (rx->ios) raptor_free_iostream(rx->ios);
    if (rx->world) raptor_free_world(rx->world);
    free(rx);
    w->priv = NULL;
}

const bs_sp_format bs_sp_fmt_rdfxml = {
    "rdfxml", "application/rdf+xml", true,
    rx_begin, NULL, rx_triple, NULL, rx_end, rx_done
};
