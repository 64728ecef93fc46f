/* SPDX-License-Identifier: MIT
 * battstore — SPARQL Query Results JSON and XML formats (SELECT, ASK).
 *   The JSON layout follows the W3C json-res test files byte for byte. */
#include "config.h"
#include "sparql/results_int.h"

#include <string.h>

/* ---- JSON ------------------------------------------------------------- */

static void json_str(FILE *out, const char *s, size_t n)
{
    putc('"', out);
    bs_sp_put_json(out, s, n);
    putc('"', out);
}

static bs_status json_begin(bs_sp_writer *w, bool ask)
{
    if (ask) return BS_OK; /* written whole by json_boolean() */
    fputs("{\n  \"head\": {\n    \"vars\": [", w->out);
    for (size_t i = 0; i < w->nvars; i++) {
        fputs(i ? " , " : " ", w->out);
        json_str(w->out, w->vars[i], strlen(w->vars[i]));
    }
    fputs(w->nvars ? " ]\n" : "]\n", w->out);
    fputs("  } ,\n  \"results\": {\n    \"bindings\": [", w->out);
    return BS_OK;
}

/* { "datatype": .. , "type": .. , "value": .. , "xml:lang": .. }: keys in
 * the W3C files' (alphabetical) order. */
static void json_term(FILE *out, const bs_term *t)
{
    fputs("{ ", out);
    switch (t->kind) {
    case BS_TERM_IRI: fputs("\"type\": \"uri\" , ", out); break;
    case BS_TERM_BNODE: fputs("\"type\": \"bnode\" , ", out); break;
    case BS_TERM_TYPED:
        if (bs_sp_is_xsd_string(t)) goto simple;
        fputs("\"datatype\": ", out);
        json_str(out, t->extra, t->extra_len);
        fputs(" , ", out);
        /* fall through */
    default:
    simple:
        fputs("\"type\": \"literal\" , ", out);
        break;
    }
    fputs("\"value\": ", out);
    json_str(out, t->lex, t->lex_len);
    if (t->kind == BS_TERM_LANG) {
        fputs(" , \"xml:lang\": ", out);
        json_str(out, t->extra, t->extra_len);
    }
    fputs(" }", out);
}

static bs_status json_row(bs_sp_writer *w, const bs_term *const *row)
{
    FILE *out = w->out;
    fputs(w->n ? " ,\n      {" : "\n      {", out);
    bool first = true;
    for (size_t i = 0; i < w->nvars; i++) {
        if (!row[i]) continue;
        fputs(first ? "\n        " : " ,\n        ", out);
        first = false;
        json_str(out, w->vars[i], strlen(w->vars[i]));
        fputs(": ", out);
        json_term(out, row[i]);
    }
    fputs(first ? "}" : "\n      }", out);
    return BS_OK;
}

static bs_status json_boolean(bs_sp_writer *w, bool b)
{
    fprintf(w->out, "{ \n  \"head\" : { } ,\n  \"boolean\" : %s\n}\n",
            b ? "true" : "false");
    return BS_OK;
}

static bs_status json_end(bs_sp_writer *w)
{
    if (!w->ask)
        fputs(w->n ? "\n    ]\n  }\n}\n" : " ]\n  }\n}\n", w->out);
    return BS_OK;
}

/* ---- XML -------------------------------------------------------------- */

static void xml_str(FILE *out, const char *s, size_t n)
{
    bs_sp_put_xml(out, s, n);
}

static bs_status xml_begin(bs_sp_writer *w, bool ask)
{
    FILE *out = w->out;
    fputs("<?xml version=\"1.0\"?>\n"
          "<sparql xmlns=\"http://www.w3.org/2005/sparql-results#\">\n", out);
    if (ask) {
        fputs("  <head/>\n", out);
        return BS_OK;
    }
    fputs("  <head>\n", out);
    for (size_t i = 0; i < w->nvars; i++) {
        fputs("    <variable name=\"", out);
        xml_str(out, w->vars[i], strlen(w->vars[i]));
        fputs("\"/>\n", out);
    }
    fputs("  </head>\n  <results>\n", out);
    return BS_OK;
}

static void xml_term(FILE *out, const bs_term *t)
{
    switch (t->kind) {
    case BS_TERM_IRI: fputs("<uri>", out); break;
    case BS_TERM_BNODE: fputs("<bnode>", out); break;
    case BS_TERM_LANG:
        fputs("<literal xml:lang=\"", out);
        xml_str(out, t->extra, t->extra_len);
        fputs("\">", out);
        break;
    case BS_TERM_TYPED:
        if (bs_sp_is_xsd_string(t)) {
            fputs("<literal>", out);
            break;
        }
        fputs("<literal datatype=\"", out);
        xml_str(out, t->extra, t->extra_len);
        fputs("\">", out);
        break;
    default: fputs("<literal>", out); break;
    }
    xml_str(out, t->lex, t->lex_len);
    fputs(t->kind == BS_TERM_IRI     ? "</uri>"
          : t->kind == BS_TERM_BNODE ? "</bnode>"
                                     : "</literal>",
          out);
}

static bs_status xml_row(bs_sp_writer *w, const bs_term *const *row)
{
    FILE *out = w->out;
    fputs("    <result>\n", out);
    for (size_t i = 0; i < w->nvars; i++) {
        if (!row[i]) continue;
        fputs("      <binding name=\"", out);
        xml_str(out, w->vars[i], strlen(w->vars[i]));
        fputs("\">", out);
        xml_term(out, row[i]);
        fputs("</binding>\n", out);
    }
    fputs("    </result>\n", out);
    return BS_OK;
}

static bs_status xml_boolean(bs_sp_writer *w, bool b)
{
    fprintf(w->out, "  <boolean>%s</boolean>\n", b ? "true" : "false");
    return BS_OK;
}

static bs_status xml_end(bs_sp_writer *w)
{
    if (!w->ask) fputs("  </results>\n", w->out);
    fputs("</sparql>\n", w->out);
    return BS_OK;
}

static void no_done(bs_sp_writer *w) { (void)w; }

const bs_sp_format bs_sp_fmt_json = {
    "json", "application/sparql-results+json", false,
    json_begin, json_row, NULL, json_boolean, json_end, no_done
};

const bs_sp_format bs_sp_fmt_xml = {
    "xml", "application/sparql-results+xml", false,
    xml_begin, xml_row, NULL, xml_boolean, xml_end, no_done
};
