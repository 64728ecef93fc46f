/* SPDX-License-Identifier: MIT
 * battstore — search text: Unicode word breaking and folding.
 *
 * A token is a maximal run of letters and digits (Unicode categories L
 * and N, with the combining marks M that follow them) that does not
 * cross a word boundary of UAX #29 (u8_wordbreaks: it separates, e.g.,
 * each Han ideograph).  Everything else separates tokens: spaces,
 * punctuation, '-', '_', '.', so "LiFePO4" is one token, "3.5" is two
 * ("3", "5") and "state-of-charge" three.  Bytes that are not valid
 * UTF-8 separate tokens too (they are skipped, never an error).
 *
 * Folding: Unicode case folding with compatibility decomposition (NFKD),
 * combining marks dropped, then NFC (so "Électrode", "ELECTRODE" and
 * "électrode" all give "electrode"; "ﬁ" gives "fi", "²" gives "2").  A
 * folded token longer than BS_TOK_MAX bytes is cut at a character
 * boundary.  ASCII takes a fast path without libunistring: the text is
 * cut at ASCII separators and only the spans holding a non-ASCII byte
 * run the Unicode path (tokenize_spans). */
#include "config.h"
#include "search/search_int.h"

#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>
#include <uniwbrk.h>

#define BS_TOK_MAX 64
#define FOLD_BUF 256      /* stack buffers for one token's folding */
#define BREAKS_STACK 4096 /* texts up to this size need no malloc */

typedef void (*tok_fn)(void *ctx, const char *tok, size_t toklen, size_t start, size_t end);

static inline bool ascii_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static inline unsigned char ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Length of s[0..n) cut to at most max bytes at a character boundary. */
static size_t cut_utf8(const uint8_t *s, size_t n, size_t max)
{
    if (n <= max) return n;
    size_t i = max;
    while (i > 0 && (s[i] & 0xC0) == 0x80) i--;
    return i;
}

/* Drop combining marks from the valid UTF-8 s[0..n) into out (at most n
 * bytes); returns the new length and sets *ascii when all is ASCII. */
static size_t strip_marks(const uint8_t *s, size_t n, uint8_t *out, bool *ascii)
{
    size_t o = 0;
    *ascii = true;
    for (size_t i = 0; i < n;) {
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, s + i, n - i);
        if (k <= 0) { i++; continue; }
        if (!uc_is_general_category(uc, UC_CATEGORY_M)) {
            memmove(out + o, s + i, (size_t)k); /* in place: may overlap */
            o += (size_t)k;
            if (uc >= 0x80) *ascii = false;
        }
        i += (size_t)k;
    }
    return o;
}

/* Fold the valid UTF-8 s[0..n) into a buffer: returns buf when the result
 * fits in cap bytes, else a malloc'ed buffer (caller frees when != buf);
 * NULL when out of memory.  Result length in *outlen. */
static uint8_t *fold_valid(const uint8_t *s, size_t n, uint8_t *buf, size_t cap,
                           size_t *outlen)
{
    uint8_t cfbuf[FOLD_BUF];
    size_t cflen = sizeof cfbuf;
    uint8_t *cf = u8_casefold(s, n, NULL, UNINORM_NFKD, cfbuf, &cflen);
    if (!cf) return NULL;
    uint8_t *res = NULL;
    bool ascii;
    size_t sl = strip_marks(cf, cflen, cf, &ascii); /* in place: shrinks */
    if (ascii) {
        res = (buf && sl <= cap) ? buf : malloc(sl + 1);
        if (res) memcpy(res, cf, sl);
        *outlen = sl;
    } else {
        size_t nl = cap;
        res = u8_normalize(UNINORM_NFC, cf, sl, buf, &nl);
        *outlen = nl;
    }
    if (cf != cfbuf) free(cf);
    return res;
}

/* Fold and hand one token text[start..end) to fn. */
static void emit(const char *text, size_t start, size_t end, bool ascii, tok_fn fn, void *ctx)
{
    const uint8_t *s = (const uint8_t *)text + start;
    size_t n = end - start;
    uint8_t buf[FOLD_BUF + 1];
    if (ascii) {
        if (n > BS_TOK_MAX) n = BS_TOK_MAX;
        for (size_t i = 0; i < n; i++) buf[i] = ascii_lower(s[i]);
        buf[n] = 0;
        fn(ctx, (const char *)buf, n, start, end);
        return;
    }
    size_t fl = 0;
    uint8_t *f = fold_valid(s, n, buf, FOLD_BUF, &fl);
    if (!f) return; /* out of memory: the token is lost, nothing breaks */
    fl = cut_utf8(f, fl, BS_TOK_MAX);
    if (fl > 0) {
        uint8_t tok[BS_TOK_MAX + 1];
        memcpy(tok, f, fl);
        tok[fl] = 0;
        fn(ctx, (const char *)tok, fl, start, end);
    }
    if (f != buf) free(f);
}

/* Letters and digits start and continue a token; marks only continue. */
enum { CH_SEP, CH_WORD, CH_MARK };

static int char_class(ucs4_t uc)
{
    if (uc < 0x80) return ascii_alnum((unsigned char)uc) ? CH_WORD : CH_SEP;
    if (uc_is_general_category(uc, UC_CATEGORY_L) || uc_is_general_category(uc, UC_CATEGORY_N))
        return CH_WORD;
    return uc_is_general_category(uc, UC_CATEGORY_M) ? CH_MARK : CH_SEP;
}

/* Tokenize text[from..to) with UAX #29 word breaks (offsets stay those
 * of the whole text). */
static bs_status tokenize_unicode(const char *text, size_t from, size_t to, tok_fn fn,
                                  void *ctx)
{
    char stackbrk[BREAKS_STACK];
    size_t len = to - from;
    char *brk = len <= sizeof stackbrk ? stackbrk : malloc(len);
    if (!brk) return BS_ERR_NOMEM;
    const uint8_t *s = (const uint8_t *)text;
    u8_wordbreaks(s + from, len, brk);
    size_t start = from;
    bool in = false, ascii = true;
    for (size_t i = from; i < to;) {
        ucs4_t uc = 0;
        int k = u8_mbtoucr(&uc, s + i, to - i);
        int c = k > 0 ? char_class(uc) : CH_SEP;
        bool cont = in && (c == CH_MARK || (c == CH_WORD && !brk[i - from]));
        if (in && !cont) {
            emit(text, start, i, ascii, fn, ctx);
            in = false;
        }
        if (!in && c == CH_WORD) {
            in = true;
            start = i;
            ascii = true;
        }
        if (in && uc >= 0x80) ascii = false;
        i += k > 0 ? (size_t)k : 1;
    }
    if (in) emit(text, start, to, ascii, fn, ctx);
    if (brk != stackbrk) free(brk);
    return BS_OK;
}

/* The whole text through the Unicode path (the reference the fast path
 * is tested against). */
bs_status bs_search_tokenize_slow(const char *text, size_t len, tok_fn fn, void *ctx)
{
    if (!text || !fn) return len && !text ? BS_ERR_ARG : BS_OK;
    return tokenize_unicode(text, 0, len, fn, ctx);
}

/* Byte classes of the span scan: 0 an ASCII separator, 1 an ASCII
 * letter or digit, 2 a byte of a multibyte character (or invalid). */
static const uint8_t span_class[256] = {
    ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1, [0x80 ... 0xFF] = 2,
};

/* ASCII letters and digits, and every byte of a multibyte character:
 * what a span between two ASCII separators is made of. */
static inline bool span_byte(unsigned char c)
{
    return span_class[c] != 0;
}

/* The text cut at ASCII separators (every ASCII byte but a letter or a
 * digit) into spans.  An all-ASCII span is one token (no UAX #29 break
 * falls between two ASCII letters or digits: WB5, WB8-WB10); a span with
 * any byte >= 0x80 runs the Unicode path on its own bytes.  That gives
 * the tokens of the Unicode path over the whole text: an ASCII separator
 * always ends a token (it is no letter, digit or mark), and a break
 * inside a token depends on the token's own characters only (the rules
 * that look further, WB6/7 and WB11/12, are about the position after a
 * separator, where a token starts anyway).  tests/check_search_tix
 * compares both paths over real and generated texts. */
static bs_status tokenize_spans(const char *text, size_t len, tok_fn fn, void *ctx)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (!span_byte(s[i])) { i++; continue; }
        size_t j = i;
        unsigned any = 0;
        for (; j < len && span_byte(s[j]); j++) any |= span_class[s[j]];
        bool ascii = !(any & 2);
        if (ascii) {
            emit(text, i, j, true, fn, ctx);
        } else {
            bs_status st = tokenize_unicode(text, i, j, fn, ctx);
            if (st != BS_OK) return st;
        }
        i = j;
    }
    return BS_OK;
}

bs_status bs_search_tokenize(const char *text, size_t len, tok_fn fn, void *ctx)
{
    if (!text || !fn) return len && !text ? BS_ERR_ARG : BS_OK;
    return tokenize_spans(text, len, fn, ctx);
}

/* ---- the index's path: tokens with their hash ---------------------- */

typedef void (*tokh_fn)(void *ctx, const char *tok, size_t toklen, uint32_t hash);

typedef struct {
    tokh_fn fn;
    void *ctx;
} hash_adapter;

static void hash_adapt(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    const hash_adapter *a = ctx;
    (void)start; (void)end;
    a->fn(a->ctx, tok, len, bs_search_tok_hash(tok, len));
}

/* Each byte lower-cased when an ASCII letter or digit; 0 for an ASCII
 * separator; 1 for a byte >= 0x80 (the span takes the Unicode path). */
static const uint8_t fold_byte[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f',
    ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l',
    ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r',
    ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f',
    ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
    ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r',
    ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z', [0x80 ... 0xFF] = 1,
};

/* tokenize_spans with one pass over an ASCII span: it is lower-cased
 * (cut at BS_TOK_MAX bytes, as emit cuts it) and hashed as it is read;
 * a span that turns out to hold a byte >= 0x80 goes whole through the
 * Unicode path (tokenize_spans' rule), its tokens hashed after. */
bs_status bs_search_tokenize_hashed(const char *text, size_t len, tokh_fn fn, void *ctx)
{
    if (!text || !fn) return len && !text ? BS_ERR_ARG : BS_OK;
    const unsigned char *s = (const unsigned char *)text;
    char buf[BS_TOK_MAX + 1];
    for (size_t i = 0; i < len;) {
        if (!fold_byte[s[i]]) { i++; continue; }
        size_t j = i, n = 0;
        uint32_t h = 2166136261u;
        uint8_t c;
        for (; j < len && (c = fold_byte[s[j]]) > 1; j++)
            if (n < BS_TOK_MAX) {
                buf[n++] = (char)c;
                h = (h ^ c) * 16777619u;
            }
        if (j == len || !fold_byte[s[j]]) { /* all ASCII */
            buf[n] = 0;
            fn(ctx, buf, n, h);
            i = j;
            continue;
        }
        while (j < len && span_byte(s[j])) j++;
        hash_adapter a = { fn, ctx };
        bs_status st = tokenize_unicode(text, i, j, hash_adapt, &a);
        if (st != BS_OK) return st;
        i = j;
    }
    return BS_OK;
}

char *bs_search_fold(const char *text, size_t len)
{
    if (!text) len = 0;
    uint8_t *valid = malloc(len + 1);
    if (!valid) return NULL;
    size_t n = 0;
    bool ascii = true;
    for (size_t i = 0; i < len;) { /* keep the valid characters only */
        ucs4_t uc;
        int k = u8_mbtoucr(&uc, (const uint8_t *)text + i, len - i);
        if (k <= 0) { i++; continue; }
        if (uc >= 0x80) ascii = false;
        memcpy(valid + n, text + i, (size_t)k);
        n += (size_t)k;
        i += (size_t)k;
    }
    if (ascii) {
        for (size_t i = 0; i < n; i++) valid[i] = ascii_lower(valid[i]);
        valid[n] = 0;
        return (char *)valid;
    }
    size_t fl = 0;
    uint8_t *f = fold_valid(valid, n, NULL, 0, &fl);
    free(valid);
    if (!f) return NULL;
    uint8_t *out = realloc(f, fl + 1);
    if (!out) { free(f); return NULL; }
    out[fl] = 0;
    return (char *)out;
}
