/* SPDX-License-Identifier: MIT
 * battstore — result writers: the format table, the driver that streams
 *   a row source into a format, and bs_sparql_write() over the cursor. */
#include "config.h"
#include "sparql/results_int.h"
#include "sparql/sparql_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const bs_sp_format *const formats[] = {
    &bs_sp_fmt_json, &bs_sp_fmt_xml, &bs_sp_fmt_csv, &bs_sp_fmt_tsv,
    &bs_sp_fmt_table, &bs_sp_fmt_turtle, &bs_sp_fmt_ntriples,
    &bs_sp_fmt_nquads, &bs_sp_fmt_rdfxml,
};

/* Other names people use for the formats. */
static const struct { const char *alias, *name; } aliases[] = {
    {"srj", "json"}, {"srx", "xml"}, {"text", "table"}, {"txt", "table"},
    {"ttl", "turtle"}, {"nt", "ntriples"}, {"n-triples", "ntriples"},
    {"nq", "nquads"}, {"n-quads", "nquads"}, {"rdf", "rdfxml"},
    {"rdf/xml", "rdfxml"}, {"rdf-xml", "rdfxml"},
};

/* A format by name, alias or MIME type (case-insensitive), or NULL. */
static const bs_sp_format *find_format(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof aliases / sizeof *aliases; i++)
        if (!strcasecmp(name, aliases[i].alias)) name = aliases[i].name;
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (!strcasecmp(name, formats[i]->name) || !strcasecmp(name, formats[i]->mime))
            return formats[i];
    return NULL;
}

const char *bs_sparql_format_mime(const char *format)
{
    const bs_sp_format *f = find_format(format);
    return f ? f->mime : NULL;
}

static void set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_err(char **err, const char *fmt, ...)
{
    if (!err || *err) return;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(err, fmt, ap) < 0) *err = NULL;
    va_end(ap);
}

static const char *form_name(bs_sparql_form form)
{
    switch (form) {
    case BS_SPARQL_SELECT: return "SELECT";
    case BS_SPARQL_ASK: return "ASK";
    case BS_SPARQL_CONSTRUCT: return "CONSTRUCT";
    case BS_SPARQL_DESCRIBE: return "DESCRIBE";
    default: return "update";
    }
}

/* The format for form: format's, or the form's default.  BS_ERR_ARG with
 * a message when it is unknown or does not fit. */
static bs_status pick_format(bs_sparql_form form, const char *format,
                             const bs_sp_format **out, char **err)
{
    bool graph = form == BS_SPARQL_CONSTRUCT || form == BS_SPARQL_DESCRIBE;
    if (form != BS_SPARQL_SELECT && form != BS_SPARQL_ASK && !graph) {
        set_err(err, "an update request has no result to write");
        return BS_ERR_ARG;
    }
    if (!format || !*format) {
        *out = graph ? &bs_sp_fmt_turtle : &bs_sp_fmt_json;
        return BS_OK;
    }
    const bs_sp_format *f = find_format(format);
    if (!f) {
        set_err(err, "unknown result format '%s'", format);
        return BS_ERR_ARG;
    }
    if (f->graph != graph) {
        set_err(err, "format '%s' does not fit a %s query (use %s)", format,
                form_name(form), graph ? "turtle, ntriples, nquads or rdfxml"
                                       : "json, xml, csv, tsv or table");
        return BS_ERR_ARG;
    }
    *out = f;
    return BS_OK;
}

/* Failure of the source: its status, its message in *err. */
static bs_status source_failed(bs_sp_rows *src, bs_status st, char **err)
{
    const char *msg = src->error ? src->error(src->ctx) : NULL;
    set_err(err, "%s", msg ? msg : bs_strerror(st));
    return st;
}

static bs_status io_check(FILE *out)
{
    return ferror(out) ? BS_ERR_IO : BS_OK;
}

static bs_status write_select(bs_sp_rows *src, const bs_sp_format *f,
                              bs_sp_writer *w, char **err)
{
    const bs_term *const *row = NULL;
    /* The first row is fetched before anything is written: an error that
     * comes at once (a bad query, a quick timeout) leaves out untouched. */
    bs_status st, got = src->next(src->ctx, &row);
    if (got != BS_OK && got != BS_END) return source_failed(src, got, err);
    TRY(st, f->begin(w, false));
    while (got != BS_END) {
        TRY(st, f->row(w, row));
        w->n++;
        TRY(st, io_check(w->out));
        got = src->next(src->ctx, &row);
        if (got != BS_OK && got != BS_END) return source_failed(src, got, err);
    }
    st = f->end(w);
fail:
    return st;
}

static bs_status write_graph(bs_sp_rows *src, const bs_sp_format *f,
                             bs_sp_writer *w, char **err)
{
    bs_term t[3];
    bs_status st, got = src->next_triple(src->ctx, t);
    if (got != BS_OK && got != BS_END) return source_failed(src, got, err);
    TRY(st, f->begin(w, false));
    while (got != BS_END) {
        TRY(st, f->triple(w, t));
        w->n++;
        TRY(st, io_check(w->out));
        got = src->next_triple(src->ctx, t);
        if (got != BS_OK && got != BS_END) return source_failed(src, got, err);
    }
    st = f->end(w);
fail:
    return st;
}

static bs_status write_ask(bs_sp_rows *src, const bs_sp_format *f,
                           bs_sp_writer *w, char **err)
{
    bool b = false;
    bs_status st = src->ask(src->ctx, &b);
    if (st != BS_OK) return source_failed(src, st, err);
    TRY(st, f->begin(w, true));
    TRY(st, f->boolean(w, b));
    st = f->end(w);
fail:
    return st;
}

bs_status bs_sp_write_rows(bs_sp_rows *src, const char *format, FILE *out,
                           char **err)
{
    const bs_sp_format *f = NULL;
    bs_sp_writer w = {0};
    bs_status st;
    if (err) *err = NULL;
    TRY(st, pick_format(src->form, format, &f, err));
    w.out = out;
    w.vars = src->vars;
    w.nvars = src->nvars;
    w.ask = src->form == BS_SPARQL_ASK;
    if (w.ask) st = write_ask(src, f, &w, err);
    else if (src->form == BS_SPARQL_SELECT) st = write_select(src, f, &w, err);
    else st = write_graph(src, f, &w, err);
    if (st == BS_OK && fflush(out) != 0) st = BS_ERR_IO;
    if (st == BS_OK) st = io_check(out);
    f->done(&w);
    if (st == BS_ERR_IO) set_err(err, "writing the result failed: %s", strerror(errno));
    else if (st != BS_OK && w.msg[0]) set_err(err, "%s", w.msg);
    else if (st != BS_OK) set_err(err, "writing the result failed: %s", bs_strerror(st));
fail:
    return st;
}

/* ---- over the public cursor ------------------------------------------- */

static bs_status cur_next(void *ctx, const bs_term *const **row)
{
    return bs_sparql_next(ctx, row);
}

static bs_status cur_next_triple(void *ctx, bs_term t[3])
{
    return bs_sparql_next_triple(ctx, t);
}

static bs_status cur_ask(void *ctx, bool *out)
{
    return bs_sparql_ask(ctx, out);
}

static const char *cur_error(void *ctx)
{
    return bs_sparql_cursor_error(ctx);
}

bs_status bs_sparql_write(bs_store *store, const bs_sparql *q,
                          const bs_sparql_opts *opts, const char *format,
                          FILE *out, char **err)
{
    const bs_sp_format *f = NULL;
    bs_sparql_cursor *c = NULL;
    const char **vars = NULL;
    bs_status st;
    if (err) *err = NULL;
    if (!store || !q || !out) return BS_ERR_ARG;
    /* A format that does not fit fails before the query runs. */
    TRY(st, pick_format(bs_sparql_form_of(q), format, &f, err));
    TRY(st, bs_sparql_open(store, q, opts, &c, err));
    bs_sp_rows src = {
        .form = bs_sparql_cursor_form(c), .next = cur_next,
        .next_triple = cur_next_triple, .ask = cur_ask, .error = cur_error,
        .ctx = c,
    };
    if (src.form == BS_SPARQL_SELECT) {
        src.nvars = bs_sparql_cursor_nvars(c);
        vars = calloc(src.nvars ? src.nvars : 1, sizeof *vars);
        if (!vars) { st = BS_ERR_NOMEM; goto fail; }
        for (size_t i = 0; i < src.nvars; i++) vars[i] = bs_sparql_cursor_var(c, i);
        src.vars = vars;
    }
    st = bs_sp_write_rows(&src, f->name, out, err);
fail:
    if (st != BS_OK) set_err(err, "%s", bs_strerror(st));
    free(vars);
    bs_sparql_close(c);
    return st;
}
