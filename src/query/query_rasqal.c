/* SPDX-License-Identifier: MIT
 * battstore — the query API over Redland + Rasqal and the "lmdb" storage.
 *
 * Redland's model of the data applies: the default graph of a query is
 * the union of all graphs, GRAPH patterns see the named graphs.  Result
 * tables (table, csv, tsv) are written here; json, xml and the other
 * Rasqal result formats by Rasqal; graphs by a Raptor serializer. */
#include "config.h"
#include "query/query.h"
#include "redland/redland.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct bs_query_engine {
    librdf_world *world;
    librdf_storage *storage;
    librdf_model *model;
    char *err;            ///< first error logged while running (owned)
    bool err_from_store;  ///< it came from the storage, not the query
};

/* ---- errors: librdf's log, as one line ------------------------------ */

static void set_err(bs_query_engine *qe, const char *fmt, ...)
{
    if (qe->err) return; // the first error is the one that explains
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !(qe->err = malloc((size_t)n + 1))) return;
    va_start(ap, fmt);
    vsnprintf(qe->err, (size_t)n + 1, fmt, ap);
    va_end(ap);
    for (char *p = qe->err; *p; p++) // one line
        if (*p == '\n' || *p == '\r') *p = ' ';
}

/* Errors become "query:LINE:COL: message"; warnings are dropped (Rasqal
 * warns about style, e.g. selected variables that are never bound). */
static int log_handler(void *user_data, librdf_log_message *m)
{
    bs_query_engine *qe = user_data;
    if (librdf_log_message_level(m) < LIBRDF_LOG_ERROR) return 1;
    const char *msg = librdf_log_message_message(m);
    raptor_locator *loc = librdf_log_message_locator(m);
    int line = loc ? raptor_locator_line(loc) : -1;
    int col = loc ? raptor_locator_column(loc) : -1;
    if (!msg) msg = "unknown error";
    if (!qe->err)
        qe->err_from_store =
            librdf_log_message_facility(m) == LIBRDF_FROM_STORAGE;
    if (line > 0 && col > 0) set_err(qe, "query:%d:%d: %s", line, col, msg);
    else if (line > 0) set_err(qe, "query:%d: %s", line, msg);
    else set_err(qe, "query: %s", msg);
    return 1;
}

/* ---- engine --------------------------------------------------------- */

bs_status bs_query_engine_new(bs_store *store, bs_query_engine **out)
{
    bs_status st = BS_ERR_NOMEM;
    bs_query_engine *qe = calloc(1, sizeof *qe);
    if (!store || !out) return BS_ERR_ARG;
    if (!qe || !(qe->world = librdf_new_world())) goto fail;
    librdf_world_set_logger(qe->world, qe, log_handler);
    librdf_world_open(qe->world);
    TRY(st, bs_redland_register(qe->world));
    TRY(st, bs_redland_storage_new(qe->world, store, &qe->storage));
    st = BS_ERR_IO;
    if (!(qe->model = librdf_new_model(qe->world, qe->storage, NULL)))
        goto fail;
    free(qe->err); // messages of the setup are not the query's
    qe->err = NULL;
    *out = qe;
    return BS_OK;
fail:
    bs_query_engine_free(qe);
    return st;
}

void bs_query_engine_free(bs_query_engine *qe)
{
    if (!qe) return;
    if (qe->model) librdf_free_model(qe->model);
    if (qe->storage) librdf_free_storage(qe->storage);
    if (qe->world) librdf_free_world(qe->world);
    free(qe->err);
    free(qe);
}

/* ---- a small growable string --------------------------------------- */

typedef struct {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
    sb_add(b, s, strlen(s));
}

/// Take the string out of the buffer (caller frees); NULL when out of memory.
static char *sb_take(sbuf *b)
{
    if (b->oom) {
        free(b->p);
        return NULL;
    }
    char *p = b->p ? b->p : strdup("");
    b->p = NULL;
    b->n = b->cap = 0;
    return p;
}

/* ---- cells of result tables ---------------------------------------- */

typedef enum { CELL_TABLE, CELL_CSV, CELL_TSV } cell_style;

#define XSD_NS "http://www.w3.org/2001/XMLSchema#"

/// Lexical form in double quotes, escaped as in N-Triples / Turtle.
static void sb_quoted(sbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        const char *e = NULL;
        switch (s[i]) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        }
        if (e) sb_str(b, e);
        else sb_add(b, s + i, 1);
    }
    sb_add(b, "\"", 1);
}

/// A CSV field: quoted when it holds a comma, quote or line break.
static void sb_csv(sbuf *b, const char *s, size_t n)
{
    if (!memchr(s, ',', n) && !memchr(s, '"', n) && !memchr(s, '\n', n) &&
        !memchr(s, '\r', n)) {
        sb_add(b, s, n);
        return;
    }
    sb_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"') sb_add(b, "\"", 1);
        sb_add(b, s + i, 1);
    }
    sb_add(b, "\"", 1);
}

/// A number or boolean a table may show bare, as Turtle writes them.
static bool bare_literal(const char *xsd_local, const char *v, size_t len)
{
    if (!strcmp(xsd_local, "boolean"))
        return (len == 4 && !memcmp(v, "true", 4)) ||
               (len == 5 && !memcmp(v, "false", 5));
    if (strcmp(xsd_local, "integer") && strcmp(xsd_local, "decimal") &&
        strcmp(xsd_local, "double"))
        return false;
    return len > 0 && strspn(v, "+-.0123456789eE") == len;
}

static void literal_cell(sbuf *b, librdf_node *n, cell_style style)
{
    size_t len = 0;
    const char *v =
        (const char *)librdf_node_get_literal_value_as_counted_string(n, &len);
    const char *lang = librdf_node_get_literal_value_language(n);
    librdf_uri *dt = librdf_node_get_literal_value_datatype_uri(n);
    const char *d = dt ? (const char *)librdf_uri_as_string(dt) : NULL;
    bool xsd = d && !strncmp(d, XSD_NS, sizeof XSD_NS - 1);
    if (!v) v = "";
    if (style == CELL_CSV) {
        sb_csv(b, v, len); // CSV results keep lexical forms only
        return;
    }
    if (style == CELL_TABLE && xsd &&
        bare_literal(d + sizeof XSD_NS - 1, v, len)) {
        sb_add(b, v, len);
        return;
    }
    sb_quoted(b, v, len);
    if (lang) {
        sb_str(b, "@");
        sb_str(b, lang);
    } else if (d && style == CELL_TABLE && xsd) {
        sb_str(b, "^^xsd:");
        sb_str(b, d + sizeof XSD_NS - 1);
    } else if (d) {
        sb_str(b, "^^<");
        sb_str(b, d);
        sb_str(b, ">");
    }
}

/// Text of a value in a style; an unbound value (NULL) is empty.
static void node_cell(sbuf *b, librdf_node *n, cell_style style)
{
    size_t len = 0;
    const char *s;
    if (!n) return;
    if (librdf_node_is_resource(n)) {
        s = (const char *)librdf_uri_as_counted_string(librdf_node_get_uri(n),
                                                       &len);
        if (style == CELL_CSV) {
            sb_csv(b, s, len);
        } else {
            sb_str(b, "<");
            sb_add(b, s, len);
            sb_str(b, ">");
        }
    } else if (librdf_node_is_blank(n)) {
        s = (const char *)librdf_node_get_counted_blank_identifier(n, &len);
        sb_str(b, "_:");
        sb_add(b, s, len);
    } else {
        literal_cell(b, n, style);
    }
}

/* ---- SELECT: table, csv, tsv ---------------------------------------- */

/// Cells of the current row in a style (caller frees each and the array).
static char **row_cells(librdf_query_results *r, int n, cell_style style)
{
    char **cells = calloc((size_t)n + 1, sizeof *cells);
    sbuf b = {0};
    if (!cells) return NULL;
    for (int i = 0; i < n; i++) {
        librdf_node *v = librdf_query_results_get_binding_value(r, i);
        node_cell(&b, v, style);
        if (v) librdf_free_node(v);
        if (!(cells[i] = sb_take(&b))) {
            for (int j = 0; j < i; j++) free(cells[j]);
            free(cells);
            return NULL;
        }
    }
    return cells;
}

static void free_cells(char **cells, int n)
{
    if (!cells) return;
    for (int i = 0; i < n; i++) free(cells[i]);
    free(cells);
}

/// Display width of UTF-8 text: one column per code point.
static size_t text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++) w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

typedef struct {
    char ***rows; ///< rows[0] = the variable names
    size_t n, cap;
    int cols;
} grid;

static void grid_free(grid *g)
{
    for (size_t i = 0; i < g->n; i++) free_cells(g->rows[i], g->cols);
    free(g->rows);
}

static bs_status grid_add(grid *g, char **cells)
{
    if (!cells) return BS_ERR_NOMEM;
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        char ***a = realloc(g->rows, cap * sizeof *a);
        if (!a) {
            free_cells(cells, g->cols);
            return BS_ERR_NOMEM;
        }
        g->rows = a;
        g->cap = cap;
    }
    g->rows[g->n++] = cells;
    return BS_OK;
}

static void rule(FILE *out, const size_t *w, int cols)
{
    for (int c = 0; c < cols; c++) {
        fputc('+', out);
        for (size_t i = 0; i < w[c] + 2; i++) fputc('-', out);
    }
    fputs("+\n", out);
}

static void table_row(FILE *out, char **cells, const size_t *w, int cols)
{
    for (int c = 0; c < cols; c++)
        fprintf(out, "| %s%*s ", cells[c],
                (int)(w[c] - text_width(cells[c])), "");
    fputs("|\n", out);
}

/// An aligned text table: the header, a rule, the rows.
static bs_status print_grid(const grid *g, FILE *out)
{
    size_t *w = calloc((size_t)g->cols + 1, sizeof *w);
    if (!w) return BS_ERR_NOMEM;
    for (size_t r = 0; r < g->n; r++)
        for (int c = 0; c < g->cols; c++) {
            size_t x = text_width(g->rows[r][c]);
            if (x > w[c]) w[c] = x;
        }
    rule(out, w, g->cols);
    for (size_t r = 0; r < g->n; r++) {
        table_row(out, g->rows[r], w, g->cols);
        if (r == 0) rule(out, w, g->cols);
    }
    rule(out, w, g->cols);
    free(w);
    return BS_OK;
}

static char **header_cells(librdf_query_results *r, int n)
{
    char **cells = calloc((size_t)n + 1, sizeof *cells);
    for (int i = 0; cells && i < n; i++) {
        const char *name = librdf_query_results_get_binding_name(r, i);
        if (!(cells[i] = strdup(name ? name : ""))) {
            free_cells(cells, i);
            return NULL;
        }
    }
    return cells;
}

static bs_status write_table(librdf_query_results *r, FILE *out)
{
    grid g = {.cols = librdf_query_results_get_bindings_count(r)};
    bs_status st;
    if (g.cols < 0) return BS_ERR_INTERNAL;
    TRY(st, grid_add(&g, header_cells(r, g.cols)));
    for (; !librdf_query_results_finished(r); librdf_query_results_next(r))
        TRY(st, grid_add(&g, row_cells(r, g.cols, CELL_TABLE)));
    st = print_grid(&g, out);
fail:
    grid_free(&g);
    return st;
}

/* SPARQL 1.1 CSV (CRLF line ends, lexical forms) and TSV (terms in
 * N-Triples syntax, header ?names), written as the rows come. */
static bs_status write_separated(librdf_query_results *r, cell_style style,
                                 FILE *out)
{
    const char *sep = style == CELL_CSV ? "," : "\t";
    const char *eol = style == CELL_CSV ? "\r\n" : "\n";
    int n = librdf_query_results_get_bindings_count(r);
    for (int i = 0; i < n; i++) {
        const char *name = librdf_query_results_get_binding_name(r, i);
        fprintf(out, "%s%s%s", i ? sep : "", style == CELL_TSV ? "?" : "",
                name ? name : "");
    }
    fputs(eol, out);
    for (; !librdf_query_results_finished(r); librdf_query_results_next(r)) {
        char **cells = row_cells(r, n, style);
        if (!cells) return BS_ERR_NOMEM;
        for (int i = 0; i < n; i++) fprintf(out, "%s%s", i ? sep : "", cells[i]);
        fputs(eol, out);
        free_cells(cells, n);
    }
    return BS_OK;
}

/* ---- CONSTRUCT / DESCRIBE ------------------------------------------ */

static bool word_at(const char *p, const char *w)
{
    size_t n = strlen(w);
    return !strncasecmp(p, w, n) && !isalnum((unsigned char)p[n]) &&
           p[n] != '_';
}

/* Give the serializer the query's PREFIXes so Turtle output stays
 * readable.  A light scan, not a parse: a stray match only adds a
 * namespace declaration. */
static void add_prefixes(librdf_world *world, librdf_serializer *ser,
                         const char *q)
{
    for (const char *p = q; *p; p++) {
        if ((p != q && (isalnum((unsigned char)p[-1]) || p[-1] == '_')) ||
            !word_at(p, "prefix"))
            continue;
        const char *s = p + 6;
        while (isspace((unsigned char)*s)) s++;
        const char *pre = s;
        while (*s && *s != ':' && !isspace((unsigned char)*s)) s++;
        const char *pre_end = s;
        if (*s++ != ':') continue;
        while (isspace((unsigned char)*s)) s++;
        const char *iri_end = *s == '<' ? strchr(s, '>') : NULL;
        if (!iri_end) continue;
        char *prefix = strndup(pre, (size_t)(pre_end - pre));
        librdf_uri *uri = librdf_new_uri2(world, (const unsigned char *)s + 1,
                                          (size_t)(iri_end - s - 1));
        if (prefix && uri) librdf_serializer_set_namespace(ser, uri, prefix);
        if (uri) librdf_free_uri(uri);
        free(prefix);
        p = iri_end;
    }
}

static bs_status write_graph(bs_query_engine *qe, librdf_query_results *r,
                             const char *format, const char *sparql, FILE *out)
{
    librdf_serializer *ser = NULL;
    librdf_stream *stream = NULL;
    bs_status st = BS_ERR_NOMEM;
    if (!(ser = librdf_new_serializer(qe->world, format, NULL, NULL)))
        goto fail;
    add_prefixes(qe->world, ser, sparql);
    st = BS_ERR_IO;
    if (!(stream = librdf_query_results_as_stream(r))) goto fail;
    if (librdf_serializer_serialize_stream_to_file_handle(ser, out, NULL,
                                                          stream))
        goto fail;
    st = BS_OK;
fail:
    if (stream) librdf_free_stream(stream);
    if (ser) librdf_free_serializer(ser);
    return st;
}

/* ---- dispatch ------------------------------------------------------- */

/// Skip white space and # comments.
static const char *skip_space(const char *p)
{
    for (;;) {
        while (isspace((unsigned char)*p)) p++;
        if (*p != '#') return p;
        while (*p && *p != '\n') p++;
    }
}

/* The query form keyword after the prologue (PREFIX/BASE), for a message
 * when Rasqal fails without saying why.  Empty when not found. */
static void query_form(const char *q, char *form, size_t cap)
{
    const char *p = skip_space(q);
    while (word_at(p, "prefix") || word_at(p, "base")) {
        const char *iri = strchr(p, '<');
        const char *end = iri ? strchr(iri, '>') : NULL;
        if (!end) break;
        p = skip_space(end + 1);
    }
    size_t n = 0;
    while (n + 1 < cap && isalpha((unsigned char)p[n])) {
        form[n] = (char)toupper((unsigned char)p[n]);
        n++;
    }
    form[n] = '\0';
}

/// Why a query that Rasqal refused without a message failed.
static bs_status silent_failure(bs_query_engine *qe, const char *sparql)
{
    static const char *const updates[] = {
        "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP",
        "COPY", "MOVE", "ADD", "WITH", NULL};
    char form[16];
    query_form(sparql, form, sizeof form);
    for (int i = 0; updates[i]; i++)
        if (!strcmp(form, updates[i])) {
            set_err(qe, "query: SPARQL Update (%s) is not supported here", form);
            return BS_ERR_UNSUPPORTED;
        }
    if (!strcmp(form, "DESCRIBE")) {
        set_err(qe, "query: DESCRIBE is not supported by the Rasqal engine");
        return BS_ERR_UNSUPPORTED;
    }
    set_err(qe, "query: Rasqal could not run the query");
    return BS_ERR_PARSE;
}

static bool is(const char *format, const char *name)
{
    return !strcmp(format, name);
}

static bs_status bad_format(bs_query_engine *qe, const char *format,
                            const char *kind, const char *choices)
{
    set_err(qe, "query: format '%s' does not fit a %s result (use %s)",
            format, kind, choices);
    return BS_ERR_ARG;
}

#define TABLE_FORMATS "table, json, xml, csv or tsv"

static bs_status write_bindings(bs_query_engine *qe, librdf_query_results *r,
                                const char *format, FILE *out)
{
    if (!format || is(format, "table")) return write_table(r, out);
    if (is(format, "csv")) return write_separated(r, CELL_CSV, out);
    if (is(format, "tsv")) return write_separated(r, CELL_TSV, out);
    // librdf_query_results_formats_check() is unreliable with Rasqal
    // 0.9.33 (it accepts unknown names): the formats Rasqal writes
    if (!is(format, "json") && !is(format, "xml") && !is(format, "html") &&
        !is(format, "turtle") && !is(format, "rdfxml"))
        return bad_format(qe, format, "SELECT", TABLE_FORMATS);
    return librdf_query_results_to_file_handle2(r, out, format, NULL, NULL,
                                                NULL)
               ? BS_ERR_IO
               : BS_OK;
}

/* table, csv and tsv have no boolean form in SPARQL: a bare true/false. */
static bs_status write_boolean(bs_query_engine *qe, librdf_query_results *r,
                               const char *format, FILE *out)
{
    int b = librdf_query_results_get_boolean(r);
    if (b < 0) return BS_ERR_INTERNAL;
    if (!format || is(format, "table") || is(format, "csv") ||
        is(format, "tsv")) {
        fputs(b ? "true\n" : "false\n", out);
        return BS_OK;
    }
    if (!is(format, "json") && !is(format, "xml"))
        return bad_format(qe, format, "ASK", TABLE_FORMATS);
    return librdf_query_results_to_file_handle2(r, out, format, NULL, NULL,
                                                NULL)
               ? BS_ERR_IO
               : BS_OK;
}

static bs_status write_results(bs_query_engine *qe, librdf_query_results *r,
                               const char *format, const char *sparql,
                               FILE *out)
{
    if (librdf_query_results_is_bindings(r))
        return write_bindings(qe, r, format, out);
    if (librdf_query_results_is_boolean(r))
        return write_boolean(qe, r, format, out);
    if (!librdf_query_results_is_graph(r)) {
        set_err(qe, "query: only SELECT, ASK, CONSTRUCT and DESCRIBE run here");
        return BS_ERR_UNSUPPORTED;
    }
    if (!format) format = "turtle";
    if (!librdf_serializer_check_name(qe->world, format))
        return bad_format(qe, format, "CONSTRUCT/DESCRIBE",
                          "turtle, ntriples, nquads, rdfxml, ...");
    return write_graph(qe, r, format, sparql, out);
}

bs_status bs_query_run(bs_query_engine *qe, const char *sparql,
                       const char *format, FILE *out, char **err)
{
    librdf_query *q = NULL;
    librdf_query_results *r = NULL;
    bs_status st = BS_ERR_ARG;
    bool pinned = false;
    if (err) *err = NULL;
    if (!qe || !sparql || !out) return BS_ERR_ARG;
    free(qe->err);
    qe->err = NULL;
    q = librdf_new_query(qe->world, "sparql", NULL,
                         (const unsigned char *)sparql, NULL);
    if (!q) goto fail;
    // one snapshot for the whole query: its patterns see one state
    TRY(st, bs_redland_snapshot_begin(qe->storage));
    pinned = true;
    // parsing happens here: a NULL result is a bad query, or a store error
    if (!(r = librdf_query_execute(q, qe->model))) {
        if (!qe->err) st = silent_failure(qe, sparql);
        else st = qe->err_from_store ? BS_ERR_IO : BS_ERR_PARSE;
        goto fail;
    }
    st = write_results(qe, r, format, sparql, out);
    if (st == BS_OK && qe->err) // an error while the results streamed
        st = qe->err_from_store ? BS_ERR_IO : BS_ERR_PARSE;
fail:
    if (st != BS_OK && !qe->err) set_err(qe, "query: %s", bs_strerror(st));
    if (r) librdf_free_query_results(r);
    if (q) librdf_free_query(q); // the streams of the query are gone now
    if (pinned) bs_redland_snapshot_end(qe->storage);
    if (st != BS_OK && err) {
        *err = qe->err;
        qe->err = NULL;
    }
    return st;
}
