/* SPDX-License-Identifier: MIT
 * battstore — escaping for the result writers: UTF-8 decoding, JSON and
 *   XML strings, N-Triples strings, IRIs, blank node labels and terms. */
#include "config.h"
#include "sparql/results_int.h"

#include <stdlib.h>
#include <string.h>

size_t bs_sp_utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) { *cp = c; return 1; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; v = c & 0x07; min = 0x10000; }
    else { *cp = 0xFFFD; return 1; }
    if (n < len) { *cp = 0xFFFD; return 1; }
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) { *cp = 0xFFFD; return 1; }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

size_t bs_sp_utf8_len(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t count = 0, i = 0;
    uint32_t cp;
    while (i < n) {
        if (p[i] < 0x80) i++;
        else i += bs_sp_utf8_next(p + i, n - i, &cp);
        count++;
    }
    return count;
}

/* Write a code point as UTF-8. */
static void put_utf8(FILE *out, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) { b[0] = (char)cp; n = 1; }
    else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6)); b[1] = (char)(0x80 | (cp & 0x3F)); n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12)); b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F)); n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18)); b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    fwrite(b, 1, n, out);
}

/** An escaper: given a code point, writes its escape and returns true, or
 *  returns false when the character is written as is. */
typedef bool (*esc_fn)(FILE *out, uint32_t cp);

/* With each escaper, the bytes it leaves alone as a table (ASCII only:
 * a byte from 0x80 up starts a sequence to decode): put_escaped skips
 * them without decoding or asking.  The maps are 64-bit words of bits
 * per code point (word c >> 6); an entry must only be set where the
 * escaper answers false (tests compare every ASCII character). */
#define BIT(c) ((uint64_t)1 << ((c) & 63))
#define PRINTABLE_LO (~(uint64_t)0 << 0x20)   /* 0x20-0x3F */
#define PRINTABLE_HI (~(uint64_t)0 >> 1)      /* 0x40-0x7E */
#define JSON_LO (PRINTABLE_LO & ~BIT('"'))
#define JSON_HI (~(uint64_t)0 & ~BIT('\\'))
#define XML_LO (PRINTABLE_LO & ~(BIT('&') | BIT('<') | BIT('>') | BIT('"')))
#define XML_HI (~(uint64_t)0)
#define NT_LO (PRINTABLE_LO & ~BIT('"'))
#define NT_HI (PRINTABLE_HI & ~BIT('\\'))
#define IRI_LO (PRINTABLE_LO & ~(BIT(' ') | BIT('"') | BIT('<') | BIT('>')))
#define IRI_HI (PRINTABLE_HI & ~(BIT('\\') | BIT('^') | BIT('`') | BIT('{') | BIT('|') | BIT('}')))
#define PL(m, c) (uint8_t)((c) < 128 && ((((c) < 64 ? m##_LO : m##_HI) >> ((c) & 63)) & 1))
#define PL4(m, c) PL(m, c), PL(m, (c) + 1), PL(m, (c) + 2), PL(m, (c) + 3)
#define PL16(m, c) PL4(m, c), PL4(m, (c) + 4), PL4(m, (c) + 8), PL4(m, (c) + 12)
#define PL64(m, c) PL16(m, c), PL16(m, (c) + 16), PL16(m, (c) + 32), PL16(m, (c) + 48)
#define PLAIN(m) {PL64(m, 0), PL64(m, 64), PL64(m, 128), PL64(m, 192)}
static const uint8_t plain_json[256] = PLAIN(JSON);
static const uint8_t plain_xml[256] = PLAIN(XML);
static const uint8_t plain_nt[256] = PLAIN(NT);
static const uint8_t plain_iri[256] = PLAIN(IRI);

/* Copy s to out, runs of unescaped well-formed bytes in one fwrite; an
 * ill-formed sequence goes through esc as U+FFFD (written as UTF-8 when
 * esc leaves it alone).  Inlined into each writer with its escaper, so
 * that "would you escape cp?" is a few comparisons per byte, not a call
 * through a pointer (a TSV row of IRIs and a title was ~15k
 * instructions). */
static inline __attribute__((always_inline)) void put_escaped(FILE *out, const char *s,
                                                              size_t n, esc_fn esc,
                                                              const uint8_t plain[256])
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    for (;;) {
        while (i < n && plain[p[i]]) i++; /* the usual bytes */
        if (i >= n) break;
        uint32_t cp;
        size_t len;
        if (p[i] < 0x80) { cp = p[i]; len = 1; }
        else len = bs_sp_utf8_next(p + i, n - i, &cp);
        bool bad = cp == 0xFFFD && len == 1; /* a real U+FFFD takes 3 */
        if (!bad && !esc(NULL, cp)) { i += len; continue; }
        fwrite(p + run, 1, i - run, out);
        if (!esc(out, cp)) put_utf8(out, cp);
        i += len;
        run = i;
    }
    fwrite(p + run, 1, i - run, out);
}

/* Each escaper answers "would you escape cp?" when out is NULL. */

static inline __attribute__((always_inline)) bool esc_json(FILE *out, uint32_t cp)
{
    const char *e = NULL;
    switch (cp) {
    case '"': e = "\\\""; break;
    case '\\': e = "\\\\"; break;
    case '\n': e = "\\n"; break;
    case '\r': e = "\\r"; break;
    case '\t': e = "\\t"; break;
    default:
        if (cp >= 0x20 && cp != 0x2028 && cp != 0x2029) return false;
    }
    if (out) {
        if (e) fputs(e, out);
        else fprintf(out, "\\u%04X", (unsigned)cp);
    }
    return true;
}

void bs_sp_put_json(FILE *out, const char *s, size_t n)
{
    put_escaped(out, s, n, esc_json, plain_json);
}

static inline __attribute__((always_inline)) bool esc_xml(FILE *out, uint32_t cp)
{
    const char *e = NULL;
    switch (cp) {
    case '&': e = "&amp;"; break;
    case '<': e = "&lt;"; break;
    case '>': e = "&gt;"; break;
    case '"': e = "&quot;"; break;
    case '\t': e = "&#9;"; break;
    case '\n': e = "&#10;"; break;
    case '\r': e = "&#13;"; break;
    default:
        if (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF) return false;
        /* Not representable in XML 1.0, not even as a reference. */
        e = "\xEF\xBF\xBD";
    }
    if (out) fputs(e, out);
    return true;
}

void bs_sp_put_xml(FILE *out, const char *s, size_t n)
{
    put_escaped(out, s, n, esc_xml, plain_xml);
}

static inline __attribute__((always_inline)) bool esc_nt(FILE *out, uint32_t cp)
{
    const char *e = NULL;
    switch (cp) {
    case '"': e = "\\\""; break;
    case '\\': e = "\\\\"; break;
    case '\b': e = "\\b"; break;
    case '\t': e = "\\t"; break;
    case '\n': e = "\\n"; break;
    case '\f': e = "\\f"; break;
    case '\r': e = "\\r"; break;
    default:
        if (cp >= 0x20 && cp != 0x7F) return false;
    }
    if (out) {
        if (e) fputs(e, out);
        else fprintf(out, "\\u%04X", (unsigned)cp);
    }
    return true;
}

void bs_sp_put_nt_string(FILE *out, const char *s, size_t n)
{
    put_escaped(out, s, n, esc_nt, plain_nt);
}

static inline __attribute__((always_inline)) bool esc_iri(FILE *out, uint32_t cp)
{
    switch (cp) { /* not a strchr per character */
    case '<': case '>': case '"': case '{': case '}': case '|': case '^': case '`': case '\\':
        break;
    default:
        if (cp > 0x20 && cp != 0x7F) return false;
    }
    if (out) fprintf(out, "\\u%04X", (unsigned)cp);
    return true;
}

void bs_sp_put_nt_iri(FILE *out, const char *s, size_t n)
{
    putc('<', out);
    put_escaped(out, s, n, esc_iri, plain_iri);
    putc('>', out);
}

static bool label_plain(const char *s, size_t n)
{
    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return false;
    if (n >= 2 && s[0] == 'h' && s[1] == 'x') return false;
    for (size_t i = 1; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

void bs_sp_put_bnode(FILE *out, const char *s, size_t n, bool with_prefix)
{
    if (with_prefix) fputs("_:", out);
    if (label_plain(s, n)) { fwrite(s, 1, n, out); return; }
    fputs("hx", out);
    for (size_t i = 0; i < n; i++) fprintf(out, "%02x", (unsigned char)s[i]);
}

/* Does s[0..n) match [+-]?[0-9]+ (from i)? Returns the index after the
 * digits, or 0 when there are none. */
static size_t digits(const char *s, size_t n, size_t i)
{
    size_t start = i;
    while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    return i > start ? i : 0;
}

/* Turtle INTEGER / DECIMAL / DOUBLE tokens (kind 0, 1, 2). */
static bool turtle_number(const char *s, size_t n, int kind)
{
    size_t i = 0, j;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    size_t int_end = digits(s, n, i);
    if (kind == 0) return int_end == n;
    size_t k = int_end ? int_end : i;
    bool frac = false;
    if (k < n && s[k] == '.') {
        j = digits(s, n, k + 1);
        frac = j != 0;
        k = j ? j : k + 1;
    }
    if (kind == 1) return frac && k == n;
    if (!int_end && !frac) return false;
    if (k >= n || (s[k] != 'e' && s[k] != 'E')) return false;
    k++;
    if (k < n && (s[k] == '+' || s[k] == '-')) k++;
    return digits(s, n, k) == n;
}

static bool extra_is(const bs_term *t, const char *local)
{
    size_t xl = strlen(BS_XSD), ll = strlen(local);
    return t->extra_len == xl + ll && !memcmp(t->extra, BS_XSD, xl) &&
           !memcmp(t->extra + xl, local, ll);
}

bool bs_sp_is_xsd_string(const bs_term *t)
{
    return t->kind == BS_TERM_TYPED && t->extra_len == strlen(BS_XSD_STRING) &&
           !memcmp(t->extra, BS_XSD_STRING, t->extra_len);
}

bool bs_sp_is_short_number(const bs_term *t)
{
    if (t->kind != BS_TERM_TYPED) return false;
    if (extra_is(t, "integer")) return turtle_number(t->lex, t->lex_len, 0);
    if (extra_is(t, "decimal")) return turtle_number(t->lex, t->lex_len, 1);
    if (extra_is(t, "double")) return turtle_number(t->lex, t->lex_len, 2);
    return false;
}

void bs_sp_put_term_nt(FILE *out, const bs_term *t, bool short_numbers)
{
    switch (t->kind) {
    case BS_TERM_IRI:
        bs_sp_put_nt_iri(out, t->lex, t->lex_len);
        return;
    case BS_TERM_BNODE:
        bs_sp_put_bnode(out, t->lex, t->lex_len, true);
        return;
    default:
        break;
    }
    if (short_numbers && bs_sp_is_short_number(t)) {
        fwrite(t->lex, 1, t->lex_len, out);
        return;
    }
    putc('"', out);
    bs_sp_put_nt_string(out, t->lex, t->lex_len);
    putc('"', out);
    if (t->kind == BS_TERM_LANG) {
        putc('@', out);
        fwrite(t->extra, 1, t->extra_len, out);
    } else if (t->kind == BS_TERM_TYPED && !bs_sp_is_xsd_string(t)) {
        fputs("^^", out);
        bs_sp_put_nt_iri(out, t->extra, t->extra_len);
    }
}

char *bs_sp_term_nt_str(const bs_term *t, bool short_numbers, size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&buf, &size);
    if (!mem) return NULL;
    bs_sp_put_term_nt(mem, t, short_numbers);
    if (fclose(mem) != 0) { free(buf); return NULL; }
    if (len) *len = size;
    return buf;
}

size_t bs_sp_term_nt_width(const bs_term *t, bool short_numbers)
{
    size_t len = 0;
    char *s = bs_sp_term_nt_str(t, short_numbers, &len);
    if (!s) return 0;
    size_t w = bs_sp_utf8_len(s, len);
    free(s);
    return w;
}
