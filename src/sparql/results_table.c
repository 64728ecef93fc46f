/* SPDX-License-Identifier: MIT
 * battstore — the `table` result format: an aligned text table for
 *   people, terms in N-Triples syntax.  Column widths come from the first
 *   TABLE_AHEAD rows (held back until then); later rows are streamed and
 *   a longer value simply widens its own line. */
#include "config.h"
#include "sparql/results_int.h"

#include <stdlib.h>
#include <string.h>

enum { TABLE_AHEAD = 1000 };

typedef struct {
    size_t *width;  ///< per column, in code points
    char **cells;   ///< held rows: nheld × nvars N-Triples strings (NULL = unbound)
    size_t *lens;   ///< their byte lengths
    size_t nheld;
    bool flushed;   ///< header written, rows now streamed
} table;

static bs_status table_begin(bs_sp_writer *w, bool ask)
{
    if (ask) return BS_OK;
    size_t n = w->nvars ? w->nvars : 1;
    table *t = calloc(1, sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    w->priv = t;
    t->width = calloc(n, sizeof *t->width);
    t->cells = calloc(n * TABLE_AHEAD, sizeof *t->cells);
    t->lens = calloc(n * TABLE_AHEAD, sizeof *t->lens);
    if (!t->width || !t->cells || !t->lens) return BS_ERR_NOMEM;
    for (size_t i = 0; i < w->nvars; i++)
        t->width[i] = bs_sp_utf8_len(w->vars[i], strlen(w->vars[i]));
    return BS_OK;
}

static void rule(FILE *out, const table *t, size_t nvars, char c)
{
    size_t len = 1;
    for (size_t i = 0; i < nvars; i++) len += t->width[i] + 3;
    for (size_t i = 0; i < len; i++) putc(c, out);
    putc('\n', out);
}

/* "| text<pad> " for one cell. */
static void cell(FILE *out, const char *s, size_t n, size_t width)
{
    fputs("| ", out);
    fwrite(s, 1, n, out);
    size_t w = bs_sp_utf8_len(s, n);
    for (; w < width; w++) putc(' ', out);
    putc(' ', out);
}

static void line(FILE *out, const table *t, size_t nvars, char *const *cells,
                 const size_t *lens)
{
    for (size_t i = 0; i < nvars; i++)
        cell(out, cells[i] ? cells[i] : "", cells[i] ? lens[i] : 0, t->width[i]);
    fputs("|\n", out);
}

static void flush(bs_sp_writer *w, table *t)
{
    rule(w->out, t, w->nvars, '-');
    for (size_t i = 0; i < w->nvars; i++)
        cell(w->out, w->vars[i], strlen(w->vars[i]), t->width[i]);
    fputs("|\n", w->out);
    rule(w->out, t, w->nvars, '=');
    for (size_t r = 0; r < t->nheld; r++)
        line(w->out, t, w->nvars, t->cells + r * w->nvars, t->lens + r * w->nvars);
    t->flushed = true;
}

static void free_held(table *t, size_t nvars)
{
    for (size_t i = 0; i < t->nheld * nvars; i++) { free(t->cells[i]); t->cells[i] = NULL; }
    t->nheld = 0;
}

/* Fill cells/lens with the N-Triples text of row's terms. */
static bs_status render(const bs_sp_writer *w, const bs_term *const *row,
                        char **cells, size_t *lens)
{
    for (size_t i = 0; i < w->nvars; i++) {
        cells[i] = NULL;
        lens[i] = 0;
        if (!row[i]) continue;
        cells[i] = bs_sp_term_nt_str(row[i], false, &lens[i]);
        if (!cells[i]) return BS_ERR_NOMEM;
    }
    return BS_OK;
}

static bs_status table_row(bs_sp_writer *w, const bs_term *const *row)
{
    table *t = w->priv;
    bs_status st = BS_OK;
    if (!t->flushed && t->nheld == TABLE_AHEAD) {
        flush(w, t);
        free_held(t, w->nvars);
    }
    char **cells = t->cells + t->nheld * w->nvars;
    size_t *lens = t->lens + t->nheld * w->nvars;
    if (!t->flushed) t->nheld++; /* counted now so that done() frees it */
    TRY(st, render(w, row, cells, lens));
    if (!t->flushed) {
        for (size_t i = 0; i < w->nvars; i++) {
            size_t cw = cells[i] ? bs_sp_utf8_len(cells[i], lens[i]) : 0;
            if (cw > t->width[i]) t->width[i] = cw;
        }
        return BS_OK;
    }
    line(w->out, t, w->nvars, cells, lens);
fail:
    if (t->flushed)
        for (size_t i = 0; i < w->nvars; i++) { free(cells[i]); cells[i] = NULL; }
    return st;
}

static bs_status table_boolean(bs_sp_writer *w, bool b)
{
    fputs(b ? "true\n" : "false\n", w->out);
    return BS_OK;
}

static bs_status table_end(bs_sp_writer *w)
{
    table *t = w->priv;
    if (w->ask) return BS_OK;
    if (!t->flushed) flush(w, t);
    rule(w->out, t, w->nvars, '-');
    return BS_OK;
}

static void table_done(bs_sp_writer *w)
{
    table *t = w->priv;
    if (!t) return;
    if (t->cells) free_held(t, w->nvars);
    free(t->cells);
    free(t->lens);
    free(t->width);
    free(t);
    w->priv = NULL;
}

const bs_sp_format bs_sp_fmt_table = {
    "table", "text/plain", false,
    table_begin, table_row, NULL, table_boolean, table_end, table_done
};
