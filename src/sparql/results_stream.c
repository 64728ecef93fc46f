/* SPDX-License-Identifier: MIT
 * battstore — a query's result as a byte stream pulled by the reader
 *   (the HTTP endpoint): the result writers run one row at a time into a
 *   buffer that bs_sparql_stream_read() drains, so nothing is materialised. */
#define _GNU_SOURCE
#include "config.h"
#include "sparql/results_int.h"
#include "sparql/sparql_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* What the writer produced and the reader has not taken yet.  The writer's
 * FILE* is a cookie stream appending here; read() drains from off. */
typedef struct {
    char *data;
    size_t len, off, cap;
} sbuf;

/* Where the stream stands: the first item is fetched at open (so an
 * immediate error comes before any byte), begin() runs on the first read. */
typedef enum { ST_FIRST, ST_ROWS, ST_DONE, ST_FAILED } stage;

struct bs_sparql_stream {
    bs_sparql_cursor *cur;
    const bs_sp_format *fmt;
    bs_sp_writer w;
    FILE *out;
    sbuf buf;
    stage stage;
    bs_status got;          ///< status of the item fetched ahead (OK / END)
    const bs_term *const *row; ///< SELECT: the row fetched ahead
    bs_term t[3];           ///< CONSTRUCT / DESCRIBE: the triple fetched ahead
    bool boolean;           ///< ASK: the answer
    bs_status fail_st;      ///< what ended the stream (stage ST_FAILED)
    const char **vars;
    char *err;              ///< message of the error that ended the stream
};

/* Produce at least this much before handing bytes out, so each read()
 * copies a useful amount rather than one row. */
enum { LOW_WATER = 16384 };

static ssize_t buf_write(void *cookie, const char *p, size_t n)
{
    sbuf *b = cookie;
    if (b->off == b->len) b->off = b->len = 0; /* drained: start over */
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) cap *= 2;
        char *d = realloc(b->data, cap);
        if (!d) {
            errno = ENOMEM;
            return -1;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return (ssize_t)n;
}

static const bs_sp_format *const formats[] = {
    &bs_sp_fmt_json, &bs_sp_fmt_xml, &bs_sp_fmt_csv, &bs_sp_fmt_tsv,
    &bs_sp_fmt_table, &bs_sp_fmt_turtle, &bs_sp_fmt_ntriples,
    &bs_sp_fmt_nquads, &bs_sp_fmt_rdfxml,
};

/* The writer for format (a name, alias or MIME type, resolved as
 * bs_sparql_write() does through bs_sparql_format_mime), or the form's
 * default; BS_ERR_ARG with a message when it is unknown or does not fit. */
static bs_status pick(bs_sparql_form form, const char *format,
                      const bs_sp_format **out, char **err)
{
    bool graph = form == BS_SPARQL_CONSTRUCT || form == BS_SPARQL_DESCRIBE;
    if (form == BS_SPARQL_UPDATE) {
        *err = strdup("an update request has no result to write");
        return BS_ERR_ARG;
    }
    if (!format || !*format) {
        *out = graph ? &bs_sp_fmt_turtle : &bs_sp_fmt_json;
        return BS_OK;
    }
    const char *mime = bs_sparql_format_mime(format);
    for (size_t i = 0; mime && i < sizeof formats / sizeof *formats; i++) {
        if (strcmp(mime, formats[i]->mime) != 0) continue;
        if (formats[i]->graph != graph) break;
        *out = formats[i];
        return BS_OK;
    }
    if (asprintf(err, mime ? "format '%s' does not fit this query"
                           : "unknown result format '%s'", format) < 0)
        *err = NULL;
    return BS_ERR_ARG;
}

/* Fetch the next item ahead into s (BS_OK or BS_END in s->got). */
static bs_status fetch(bs_sparql_stream *s)
{
    bs_sparql_form form = bs_sparql_cursor_form(s->cur);
    if (form == BS_SPARQL_SELECT) s->got = bs_sparql_next(s->cur, &s->row);
    else if (form == BS_SPARQL_ASK) s->got = BS_END;
    else s->got = bs_sparql_next_triple(s->cur, s->t);
    return s->got == BS_END ? BS_OK : s->got;
}

/* The stream failed with st: remember the message, stop producing. */
static bs_status fail_with(bs_sparql_stream *s, bs_status st)
{
    const char *msg = bs_sparql_cursor_error(s->cur);
    if (!msg && s->w.msg[0]) msg = s->w.msg;
    if (!s->err && asprintf(&s->err, "%s", msg ? msg : bs_strerror(st)) < 0)
        s->err = NULL;
    s->stage = ST_FAILED;
    s->fail_st = st;
    return st;
}

static bs_status setup(bs_sparql_stream *s)
{
    bs_sparql_form form = bs_sparql_cursor_form(s->cur);
    static cookie_io_functions_t io = {.write = buf_write};
    s->out = fopencookie(&s->buf, "w", io);
    if (!s->out) return BS_ERR_NOMEM;
    s->w.out = s->out;
    s->w.ask = form == BS_SPARQL_ASK;
    if (form == BS_SPARQL_SELECT) {
        s->w.nvars = bs_sparql_cursor_nvars(s->cur);
        s->vars = calloc(s->w.nvars + 1, sizeof *s->vars);
        if (!s->vars) return BS_ERR_NOMEM;
        for (size_t i = 0; i < s->w.nvars; i++)
            s->vars[i] = bs_sparql_cursor_var(s->cur, i);
        s->w.vars = s->vars;
    }
    if (form == BS_SPARQL_ASK) {
        s->got = BS_END;
        return bs_sparql_ask(s->cur, &s->boolean);
    }
    return fetch(s);
}

bs_status bs_sparql_stream_open(bs_store *store, const bs_sparql *q,
                                const bs_sparql_opts *opts, const char *format,
                                bs_sparql_stream **out, char **err)
{
    bs_sparql_stream *s = NULL;
    char *e = NULL;
    bs_status st;
    *out = NULL;
    if (err) *err = NULL;
    if (!store || !q) return BS_ERR_ARG;
    s = calloc(1, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    TRY(st, pick(bs_sparql_form_of(q), format, &s->fmt, &e));
    TRY(st, bs_sparql_open(store, q, opts, &s->cur, &e));
    if ((st = setup(s)) != BS_OK) {
        fail_with(s, st);
        e = s->err;
        s->err = NULL;
        goto fail;
    }
    *out = s;
    return BS_OK;
fail:
    if (err) *err = e ? e : strdup(bs_strerror(st));
    else free(e);
    bs_sparql_stream_close(s);
    return st;
}

const char *bs_sparql_stream_mime(const bs_sparql_stream *s)
{
    return s->fmt->mime;
}

/* Write the next piece of the result into the buffer: begin (with the
 * boolean of an ASK), one row or triple, or the end. */
static bs_status step(bs_sparql_stream *s)
{
    const bs_sp_format *f = s->fmt;
    bs_status st = BS_OK;
    if (s->stage == ST_FIRST) {
        st = f->begin(&s->w, s->w.ask);
        if (st == BS_OK && s->w.ask) st = f->boolean(&s->w, s->boolean);
        s->stage = ST_ROWS;
    } else if (s->got == BS_END) {
        st = f->end(&s->w);
        s->stage = ST_DONE;
    } else {
        st = bs_sparql_cursor_form(s->cur) == BS_SPARQL_SELECT
                 ? f->row(&s->w, s->row)
                 : f->triple(&s->w, s->t);
        s->w.n++;
        if (st == BS_OK) st = fetch(s);
    }
    if (st == BS_OK && (fflush(s->out) != 0 || ferror(s->out))) st = BS_ERR_IO;
    return st == BS_OK ? BS_OK : fail_with(s, st);
}

bs_status bs_sparql_stream_read(bs_sparql_stream *s, char *buf, size_t max,
                                size_t *n)
{
    *n = 0;
    if (s->stage == ST_FAILED) return s->fail_st;
    while (s->stage != ST_DONE && s->buf.len - s->buf.off < LOW_WATER) {
        bs_status st = step(s);
        if (st != BS_OK) return st;
    }
    size_t have = s->buf.len - s->buf.off;
    if (have == 0) return BS_END;
    size_t k = have < max ? have : max;
    memcpy(buf, s->buf.data + s->buf.off, k);
    s->buf.off += k;
    *n = k;
    return BS_OK;
}

const char *bs_sparql_stream_error(const bs_sparql_stream *s)
{
    return s ? s->err : NULL;
}

void bs_sparql_stream_close(bs_sparql_stream *s)
{
    if (!s) return;
    if (s->fmt && s->out) s->fmt->done(&s->w);
    if (s->out) fclose(s->out);
    bs_sparql_close(s->cur);
    free(s->buf.data);
    free(s->vars);
    free(s->err);
    free(s);
}

/* ---- for the SPARQL Protocol ------------------------------------------ */

bool bs_sparql_has_dataset(const bs_sparql *q)
{
    if (!q) return false;
    if (q->nfrom || q->nfrom_named) return true;
    for (size_t i = 0; q->form == BS_SPARQL_UPDATE && i < q->nops; i++)
        if (q->ops[i].nusing || q->ops[i].nusing_named ||
            (q->ops[i].kind == BS_UP_MODIFY && q->ops[i].with >= 0))
            return true;
    return false;
}
