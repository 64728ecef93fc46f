/* SPDX-License-Identifier: MIT
 * battstore — SPARQL lexer: the terminals of SPARQL 1.1 §19.8 over UTF-8,
 * with \u escapes in IRIs and strings, PLX escapes in prefixed names. */
#include "config.h"
#include "sparql/parse_int.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- errors ------------------------------------------------------------ */

bs_status bs_sp_fail_at(bs_sp_parser *p, const bs_sp_token *tok, const char *fmt, ...)
{
    if (!p->failed && p->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
        p->err->line = tok ? tok->line : p->line;
        p->err->col = tok ? tok->col : p->col;
    }
    p->failed = true;
    return BS_ERR_PARSE;
}

const char *bs_sp_tok_desc(bs_sp_parser *p, char *out, size_t n)
{
    const bs_sp_token *t = &p->t;
    if (t->kind == TK_EOF) {
        snprintf(out, n, "end of input");
        return out;
    }
    size_t len = t->end - t->start;
    if (len > 40)
        len = 40;
    snprintf(out, n, "'%.*s'", (int)len, p->text + t->start);
    return out;
}

bs_status bs_sp_expected(bs_sp_parser *p, const char *what)
{
    char d[64];
    return bs_sp_fail_at(p, &p->t, "expected %s, found %s", what,
                         bs_sp_tok_desc(p, d, sizeof d));
}

bool bs_sp_is_word(const bs_sp_parser *p, const char *kw)
{
    return p->t.kind == TK_WORD && strcasecmp(p->t.s, kw) == 0;
}

bool bs_sp_is_punct(const bs_sp_parser *p, int c)
{
    return p->t.kind == TK_PUNCT && p->t.punct == c;
}

bool bs_sp_accept_word(bs_sp_parser *p, const char *kw, bs_status *st)
{
    if (!bs_sp_is_word(p, kw))
        return false;
    *st = bs_sp_lex_next(p);
    return true;
}

bool bs_sp_accept_punct(bs_sp_parser *p, int c, bs_status *st)
{
    if (!bs_sp_is_punct(p, c))
        return false;
    *st = bs_sp_lex_next(p);
    return true;
}

bs_status bs_sp_expect_word(bs_sp_parser *p, const char *kw)
{
    if (!bs_sp_is_word(p, kw)) {
        char w[64];
        snprintf(w, sizeof w, "'%s'", kw);
        return bs_sp_expected(p, w);
    }
    return bs_sp_lex_next(p);
}

static const char *punct_name(int c, char *buf)
{
    switch (c) {
    case P_NE: return "!=";
    case P_LE: return "<=";
    case P_GE: return ">=";
    case P_AND: return "&&";
    case P_OR: return "||";
    case P_HATHAT: return "^^";
    default: buf[0] = (char)c; buf[1] = 0; return buf;
    }
}

bs_status bs_sp_expect_punct(bs_sp_parser *p, int c)
{
    if (!bs_sp_is_punct(p, c)) {
        char b[2], w[16];
        snprintf(w, sizeof w, "'%s'", punct_name(c, b));
        return bs_sp_expected(p, w);
    }
    return bs_sp_lex_next(p);
}

/* ---- characters ------------------------------------------------------- */

/// Decode the code point at p->pos (0 at the end); *n = its byte length.
static uint32_t peek_cp(const bs_sp_parser *p, size_t at, size_t *n)
{
    const unsigned char *s = (const unsigned char *)p->text;
    if (at >= p->len) {
        *n = 0;
        return 0;
    }
    unsigned c = s[at];
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (at + len > p->len || (c >= 0x80 && c < 0xC0)) {
        *n = 1;
        return 0xFFFD;
    }
    uint32_t cp = len == 1 ? c : len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
    for (size_t i = 1; i < len; i++)
        cp = (cp << 6) | (s[at + i] & 0x3F);
    *n = len;
    return cp;
}

static void advance(bs_sp_parser *p, size_t bytes)
{
    for (size_t i = 0; i < bytes && p->pos < p->len; i++, p->pos++) {
        unsigned char c = (unsigned char)p->text[p->pos];
        if (c == '\n') {
            p->line++;
            p->col = 1;
        } else if ((c & 0xC0) != 0x80) {
            p->col++;
        }
    }
}

static bool pn_chars_base(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0xC0 && c <= 0xD6) || (c >= 0xD8 && c <= 0xF6) ||
           (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
           (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) ||
           (c >= 0x2070 && c <= 0x218F) || (c >= 0x2C00 && c <= 0x2FEF) ||
           (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
           (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}

static bool pn_chars_u(uint32_t c) { return pn_chars_base(c) || c == '_'; }

static bool pn_chars(uint32_t c)
{
    return pn_chars_u(c) || c == '-' || (c >= '0' && c <= '9') || c == 0xB7 ||
           (c >= 0x300 && c <= 0x36F) || (c >= 0x203F && c <= 0x2040);
}

/* ---- the token buffer ------------------------------------------------- */

static bs_status buf_put(bs_sp_parser *p, size_t *n, const char *s, size_t len)
{
    if (*n + len + 1 > p->bufcap) {
        size_t cap = p->bufcap ? p->bufcap : 64;
        while (cap < *n + len + 1)
            cap *= 2;
        char *nb = realloc(p->buf, cap);
        if (!nb)
            return BS_ERR_NOMEM;
        p->buf = nb;
        p->bufcap = cap;
    }
    memcpy(p->buf + *n, s, len);
    *n += len;
    p->buf[*n] = 0;
    return BS_OK;
}

static bs_status buf_cp(bs_sp_parser *p, size_t *n, uint32_t cp)
{
    char u[4];
    size_t k;
    if (cp < 0x80) { u[0] = (char)cp; k = 1; }
    else if (cp < 0x800) { u[0] = (char)(0xC0 | (cp >> 6)); u[1] = (char)(0x80 | (cp & 0x3F)); k = 2; }
    else if (cp < 0x10000) { u[0] = (char)(0xE0 | (cp >> 12)); u[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[2] = (char)(0x80 | (cp & 0x3F)); k = 3; }
    else { u[0] = (char)(0xF0 | (cp >> 18)); u[1] = (char)(0x80 | ((cp >> 12) & 0x3F)); u[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); u[3] = (char)(0x80 | (cp & 0x3F)); k = 4; }
    return buf_put(p, n, u, k);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// \uXXXX or \UXXXXXXXX at p->pos (at the backslash): *cp, bytes used.
static bs_status uescape(bs_sp_parser *p, uint32_t *cp, size_t *used)
{
    size_t nd = p->text[p->pos + 1] == 'u' ? 4 : 8;
    uint32_t v = 0;
    if (p->pos + 2 + nd > p->len)
        return bs_sp_fail_at(p, NULL, "bad \\u escape");
    for (size_t i = 0; i < nd; i++) {
        int h = hexval(p->text[p->pos + 2 + i]);
        if (h < 0)
            return bs_sp_fail_at(p, NULL, "bad \\u escape");
        v = v * 16 + (uint32_t)h;
    }
    if ((v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return bs_sp_fail_at(p, NULL, "escape \\u%04X is not a character", v);
    *cp = v;
    *used = 2 + nd;
    return BS_OK;
}

/* ---- token scanners ---------------------------------------------------- */

static bs_status lex_iri(bs_sp_parser *p, bool *is_iri)
{
    /* IRIREF ::= '<' ([^<>"{}|^`\]-[#x00-#x20] | UCHAR)* '>' */
    size_t at = p->pos + 1;
    while (at < p->len) {
        unsigned char c = (unsigned char)p->text[at];
        if (c == '>')
            break;
        if (c <= 0x20 || strchr("<\"{}|^`", c))
            return (*is_iri = false), BS_OK;
        if (c == '\\' && !(at + 1 < p->len && (p->text[at + 1] == 'u' || p->text[at + 1] == 'U')))
            return (*is_iri = false), BS_OK;
        at++;
    }
    if (at >= p->len)
        return (*is_iri = false), BS_OK;
    *is_iri = true;
    bs_status st = BS_OK;
    size_t n = 0;
    advance(p, 1);
    while (p->text[p->pos] != '>') {
        if (p->text[p->pos] == '\\') {
            uint32_t cp;
            size_t used;
            TRY(st, uescape(p, &cp, &used));
            if (cp <= 0x20 || (cp < 0x80 && strchr("<>\"{}|^`\\", (int)cp)))
                return bs_sp_fail_at(p, NULL, "character not allowed in an IRI");
            TRY(st, buf_cp(p, &n, cp));
            advance(p, used);
        } else {
            TRY(st, buf_put(p, &n, p->text + p->pos, 1));
            advance(p, 1);
        }
    }
    advance(p, 1);
    p->t.kind = TK_IRI;
    p->t.slen = n;
fail:
    return st;
}

static bs_status lex_string(bs_sp_parser *p)
{
    char q = p->text[p->pos];
    bool longq = p->pos + 2 < p->len && p->text[p->pos + 1] == q && p->text[p->pos + 2] == q;
    size_t n = 0;
    bs_status st = BS_OK;
    advance(p, longq ? 3 : 1);
    for (;;) {
        if (p->pos >= p->len)
            return bs_sp_fail_at(p, &p->t, "unterminated string");
        char c = p->text[p->pos];
        if (c == q) {
            if (!longq) {
                advance(p, 1);
                break;
            }
            if (p->pos + 2 < p->len && p->text[p->pos + 1] == q && p->text[p->pos + 2] == q) {
                /* """a"""" : the closing quotes are the last three */
                advance(p, 3);
                while (p->pos < p->len && p->text[p->pos] == q) {
                    TRY(st, buf_put(p, &n, &q, 1));
                    advance(p, 1);
                }
                break;
            }
        }
        if (!longq && (c == '\n' || c == '\r'))
            return bs_sp_fail_at(p, NULL, "line break in a string");
        if (c == '\\') {
            char e = p->pos + 1 < p->len ? p->text[p->pos + 1] : 0;
            const char *from = "tbnrf\"'\\", *to = "\t\b\n\r\f\"'\\";
            const char *k = e ? strchr(from, e) : NULL;
            if (k) {
                TRY(st, buf_put(p, &n, to + (k - from), 1));
                advance(p, 2);
            } else if (e == 'u' || e == 'U') {
                uint32_t cp;
                size_t used;
                TRY(st, uescape(p, &cp, &used));
                TRY(st, buf_cp(p, &n, cp));
                advance(p, used);
            } else {
                return bs_sp_fail_at(p, NULL, "bad escape in a string");
            }
            continue;
        }
        TRY(st, buf_put(p, &n, &c, 1));
        advance(p, 1);
    }
    p->t.kind = TK_STR;
    p->t.slen = n;
fail:
    return st;
}

/// PN_LOCAL after the ':' (PLX escapes decoded into the buffer).
static bs_status lex_local(bs_sp_parser *p, size_t *n)
{
    bs_status st = BS_OK;
    bool first = true;
    for (;;) {
        size_t k;
        uint32_t c = peek_cp(p, p->pos, &k);
        if (c == '%' && p->pos + 2 < p->len && hexval(p->text[p->pos + 1]) >= 0 &&
            hexval(p->text[p->pos + 2]) >= 0) {
            TRY(st, buf_put(p, n, p->text + p->pos, 3));
            advance(p, 3);
        } else if (c == '\\' && p->pos + 1 < p->len &&
                   strchr("_~.-!$&'()*+,;=/?#@%", p->text[p->pos + 1]) && p->text[p->pos + 1]) {
            TRY(st, buf_put(p, n, p->text + p->pos + 1, 1));
            advance(p, 2);
        } else if (pn_chars_u(c) || c == ':' || (c >= '0' && c <= '9') ||
                   (!first && pn_chars(c))) {
            TRY(st, buf_put(p, n, p->text + p->pos, k));
            advance(p, k);
        } else if (!first && c == '.') {
            /* a '.' only inside the name: look past a run of dots */
            size_t at = p->pos;
            while (at < p->len && p->text[at] == '.')
                at++;
            size_t k2;
            uint32_t c2 = peek_cp(p, at, &k2);
            if (!(pn_chars(c2) || c2 == ':' || c2 == '%' || c2 == '\\'))
                break;
            TRY(st, buf_put(p, n, p->text + p->pos, at - p->pos));
            advance(p, at - p->pos);
        } else {
            break;
        }
        first = false;
    }
fail:
    return st;
}

/// A name made of PN_CHARS / '.' (prefix, blank label): its byte length.
static size_t scan_pn(const bs_sp_parser *p, size_t at, bool first_any)
{
    size_t start = at, last_ok = at, k;
    bool first = true;
    for (;;) {
        uint32_t c = peek_cp(p, at, &k);
        bool ok = first ? (first_any ? pn_chars_u(c) || (c >= '0' && c <= '9') : pn_chars_base(c))
                        : pn_chars(c) || c == '.';
        if (!ok || k == 0)
            break;
        at += k;
        if (c != '.')
            last_ok = at;
        first = false;
    }
    return last_ok - start;
}

static bs_status lex_number(bs_sp_parser *p)
{
    size_t at = p->pos;
    const char *s = p->text;
    bool dot = false, exp = false;
    if (s[at] == '+' || s[at] == '-')
        at++;
    while (at < p->len && isdigit((unsigned char)s[at]))
        at++;
    if (at < p->len && s[at] == '.' &&
        ((at + 1 < p->len && isdigit((unsigned char)s[at + 1])) ||
         (at + 1 < p->len && (s[at + 1] == 'e' || s[at + 1] == 'E') && at > p->pos &&
          isdigit((unsigned char)s[at - 1])))) {
        dot = true;
        at++;
        while (at < p->len && isdigit((unsigned char)s[at]))
            at++;
    }
    if (at < p->len && (s[at] == 'e' || s[at] == 'E')) {
        size_t e = at + 1;
        if (e < p->len && (s[e] == '+' || s[e] == '-'))
            e++;
        if (e < p->len && isdigit((unsigned char)s[e])) {
            exp = true;
            at = e;
            while (at < p->len && isdigit((unsigned char)s[at]))
                at++;
        }
    }
    size_t n = 0;
    bs_status st = buf_put(p, &n, s + p->pos, at - p->pos);
    if (st)
        return st;
    p->t.kind = exp ? TK_DBL : dot ? TK_DEC : TK_INT;
    p->t.slen = n;
    advance(p, at - p->pos);
    return BS_OK;
}

static void skip_space(bs_sp_parser *p)
{
    while (p->pos < p->len) {
        char c = p->text[p->pos];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            advance(p, 1);
        } else if (c == '#') {
            while (p->pos < p->len && p->text[p->pos] != '\n')
                advance(p, 1);
        } else {
            break;
        }
    }
}

static bool starts_number(const bs_sp_parser *p, size_t at)
{
    const char *s = p->text;
    if (at < p->len && isdigit((unsigned char)s[at]))
        return true;
    return at + 1 < p->len && s[at] == '.' && isdigit((unsigned char)s[at + 1]);
}

static bs_status lex_punct(bs_sp_parser *p)
{
    static const struct { const char *s; int code; } two[] = {
        {"!=", P_NE}, {"<=", P_LE}, {">=", P_GE}, {"&&", P_AND}, {"||", P_OR}, {"^^", P_HATHAT}};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++)
        if (p->pos + 1 < p->len && memcmp(p->text + p->pos, two[i].s, 2) == 0) {
            p->t.kind = TK_PUNCT;
            p->t.punct = two[i].code;
            advance(p, 2);
            return BS_OK;
        }
    char c = p->text[p->pos];
    if (!strchr("{}()[].,;*/|^?+-!=<>", c) || !c)
        return bs_sp_fail_at(p, &p->t, "unexpected character '%c'", c);
    p->t.kind = TK_PUNCT;
    p->t.punct = c;
    advance(p, 1);
    return BS_OK;
}

/// '(' WS* ')' or '[' WS* ']'
static bool lex_empty_pair(bs_sp_parser *p, char open, char close, bs_sp_tk kind)
{
    if (p->text[p->pos] != open)
        return false;
    bs_sp_lexpos save = bs_sp_lex_save(p);
    advance(p, 1);
    skip_space(p);
    if (p->pos < p->len && p->text[p->pos] == close) {
        advance(p, 1);
        p->t.kind = kind;
        return true;
    }
    p->pos = save.pos;
    p->line = save.line;
    p->col = save.col;
    return false;
}

static bs_status lex_name(bs_sp_parser *p)
{
    bs_status st = BS_OK;
    size_t n = 0;
    size_t plen = scan_pn(p, p->pos, false);
    if (p->pos + plen < p->len && p->text[p->pos + plen] == ':') {
        TRY(st, buf_put(p, &n, p->text + p->pos, plen + 1));
        advance(p, plen + 1);
        p->t.colon = plen;
        TRY(st, lex_local(p, &n));
        p->t.kind = TK_PNAME;
        p->t.slen = n;
        return BS_OK;
    }
    size_t at = p->pos;
    while (at < p->len && (isalnum((unsigned char)p->text[at]) || p->text[at] == '_'))
        at++;
    if (at == p->pos)
        return bs_sp_fail_at(p, &p->t, "unexpected character");
    TRY(st, buf_put(p, &n, p->text + p->pos, at - p->pos));
    advance(p, at - p->pos);
    p->t.kind = TK_WORD;
    p->t.slen = n;
fail:
    return st;
}

static bs_status lex_sigil(bs_sp_parser *p, char c)
{
    size_t n = 0, k;
    bs_status st = BS_OK;
    if (c == '?' || c == '$') {
        size_t at = p->pos + 1;
        for (;;) {
            uint32_t cp = peek_cp(p, at, &k);
            if (!k || !(pn_chars_u(cp) || (cp >= '0' && cp <= '9') || cp == 0xB7 ||
                        (cp >= 0x300 && cp <= 0x36F) || (cp >= 0x203F && cp <= 0x2040)))
                break;
            at += k;
        }
        if (at == p->pos + 1)
            return c == '?' ? lex_punct(p) : bs_sp_fail_at(p, &p->t, "expected a variable name after '$'");
        TRY(st, buf_put(p, &n, p->text + p->pos + 1, at - p->pos - 1));
        p->t.kind = TK_VAR;
    } else if (c == '_') { /* _:label */
        size_t len = scan_pn(p, p->pos + 2, true);
        if (!len)
            return bs_sp_fail_at(p, &p->t, "expected a blank node label after '_:'");
        TRY(st, buf_put(p, &n, p->text + p->pos + 2, len));
        p->t.kind = TK_BNODE;
        advance(p, 2);
        advance(p, len);
        p->t.slen = n;
        return BS_OK;
    } else { /* @lang */
        size_t at = p->pos + 1;
        while (at < p->len && isalpha((unsigned char)p->text[at]))
            at++;
        if (at == p->pos + 1)
            return bs_sp_fail_at(p, &p->t, "expected a language tag after '@'");
        while (at + 1 < p->len && p->text[at] == '-' && isalnum((unsigned char)p->text[at + 1])) {
            at++;
            while (at < p->len && isalnum((unsigned char)p->text[at]))
                at++;
        }
        TRY(st, buf_put(p, &n, p->text + p->pos + 1, at - p->pos - 1));
        p->t.kind = TK_LANG;
    }
    p->t.slen = n;
    advance(p, 1 + n);
fail:
    return st;
}

bs_status bs_sp_lex_next(bs_sp_parser *p)
{
    skip_space(p);
    memset(&p->t, 0, sizeof p->t);
    p->t.start = p->pos;
    p->t.line = p->line;
    p->t.col = p->col;
    bs_status st = BS_OK;
    if (!p->buf && (st = buf_put(p, &(size_t){0}, "", 0)))
        return st;
    p->buf[0] = 0;
    if (p->pos >= p->len) {
        p->t.kind = TK_EOF;
    } else {
        char c = p->text[p->pos];
        bool is_iri = false;
        size_t k;
        uint32_t cp = peek_cp(p, p->pos, &k);
        if (c == '<' && (st = lex_iri(p, &is_iri)))
            return st;
        if (is_iri) {
        } else if (c == '"' || c == '\'') {
            st = lex_string(p);
        } else if (c == '?' || c == '$' || c == '@' ||
                   (c == '_' && p->pos + 1 < p->len && p->text[p->pos + 1] == ':')) {
            st = lex_sigil(p, c);
        } else if (starts_number(p, p->pos) ||
                   ((c == '+' || c == '-') && starts_number(p, p->pos + 1))) {
            st = lex_number(p);
        } else if (lex_empty_pair(p, '(', ')', TK_NIL) || lex_empty_pair(p, '[', ']', TK_ANON)) {
        } else if (pn_chars_base(cp) || c == ':' || c == '_') {
            st = lex_name(p);
        } else {
            st = lex_punct(p);
        }
    }
    p->t.end = p->pos;
    p->t.s = p->buf;
    return st;
}

bs_sp_lexpos bs_sp_lex_save(const bs_sp_parser *p)
{
    return (bs_sp_lexpos){p->t.start, p->t.line, p->t.col};
}

bs_status bs_sp_lex_restore(bs_sp_parser *p, bs_sp_lexpos at)
{
    p->pos = at.pos;
    p->line = at.line;
    p->col = at.col;
    return bs_sp_lex_next(p);
}
