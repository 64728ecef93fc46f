/* SPDX-License-Identifier: MIT
 * battstore — SPARQL 1.1 Query Results CSV and TSV formats.
 *   CSV: plain values, RFC 4180 quoting, CRLF.  TSV: terms in Turtle /
 *   N-Triples syntax, bare numbers where Turtle allows, LF.  Neither
 *   recommendation defines ASK: like Jena, one column "_askResult". */
#include "config.h"
#include "sparql/results_int.h"

#include <string.h>

/* ---- CSV -------------------------------------------------------------- */

/* A field: quoted (with "" for ") when it holds " , CR or LF. */
static void csv_field(FILE *out, const char *s, size_t n)
{
    bool quote = false;
    for (size_t i = 0; i < n && !quote; i++)
        quote = s[i] == '"' || s[i] == ',' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        fwrite(s, 1, n, out);
        return;
    }
    putc('"', out);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '"') continue;
        fwrite(s + run, 1, i + 1 - run, out); /* up to and with the quote */
        putc('"', out);
        run = i + 1;
    }
    fwrite(s + run, 1, n - run, out);
    putc('"', out);
}

static bs_status csv_begin(bs_sp_writer *w, bool ask)
{
    if (ask) {
        fputs("_askResult\r\n", w->out);
        return BS_OK;
    }
    for (size_t i = 0; i < w->nvars; i++) {
        if (i) putc(',', w->out);
        csv_field(w->out, w->vars[i], strlen(w->vars[i]));
    }
    fputs("\r\n", w->out);
    return BS_OK;
}

static bs_status csv_row(bs_sp_writer *w, const bs_term *const *row)
{
    for (size_t i = 0; i < w->nvars; i++) {
        if (i) putc(',', w->out);
        const bs_term *t = row[i];
        if (!t) continue;
        if (t->kind == BS_TERM_BNODE) bs_sp_put_bnode(w->out, t->lex, t->lex_len, true);
        else csv_field(w->out, t->lex, t->lex_len);
    }
    fputs("\r\n", w->out);
    return BS_OK;
}

static bs_status csv_boolean(bs_sp_writer *w, bool b)
{
    fputs(b ? "true\r\n" : "false\r\n", w->out);
    return BS_OK;
}

/* ---- TSV -------------------------------------------------------------- */

static bs_status tsv_begin(bs_sp_writer *w, bool ask)
{
    if (ask) {
        fputs("?_askResult\n", w->out);
        return BS_OK;
    }
    for (size_t i = 0; i < w->nvars; i++) {
        if (i) putc('\t', w->out);
        putc('?', w->out);
        fputs(w->vars[i], w->out);
    }
    putc('\n', w->out);
    return BS_OK;
}

static bs_status tsv_row(bs_sp_writer *w, const bs_term *const *row)
{
    for (size_t i = 0; i < w->nvars; i++) {
        if (i) putc('\t', w->out);
        if (row[i]) bs_sp_put_term_nt(w->out, row[i], true);
    }
    putc('\n', w->out);
    return BS_OK;
}

static bs_status tsv_boolean(bs_sp_writer *w, bool b)
{
    fputs(b ? "true\n" : "false\n", w->out);
    return BS_OK;
}

static bs_status text_end(bs_sp_writer *w)
{
    (void)w;
    return BS_OK;
}

static void text_done(bs_sp_writer *w) { (void)w; }

const bs_sp_format bs_sp_fmt_csv = {
    "csv", "text/csv", false,
    csv_begin, csv_row, NULL, csv_boolean, text_end, text_done
};

const bs_sp_format bs_sp_fmt_tsv = {
    "tsv", "text/tab-separated-values", false,
    tsv_begin, tsv_row, NULL, tsv_boolean, text_end, text_done
};
