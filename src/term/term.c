/* SPDX-License-Identifier: MIT
 * battstore — RDF term views, canonical encoding and hashing. */
#include "term/term.h"

#include <string.h>
#include <strings.h>

bs_term bs_term_iri(const char *iri, size_t len)
{
    bs_term t = {BS_TERM_IRI, iri, len, NULL, 0};
    return t;
}

bs_term bs_term_bnode(const char *label, size_t len)
{
    bs_term t = {BS_TERM_BNODE, label, len, NULL, 0};
    return t;
}

bs_term bs_term_literal(const char *lex, size_t len, const char *lang,
                        size_t lang_len, const char *dt, size_t dt_len)
{
    bs_term t = {BS_TERM_LITERAL, lex, len, NULL, 0};
    if (lang && lang_len) {
        t.kind = BS_TERM_LANG;
        t.extra = lang;
        t.extra_len = lang_len;
    } else if (dt && dt_len &&
               !(dt_len == sizeof BS_XSD_STRING - 1 &&
                 memcmp(dt, BS_XSD_STRING, dt_len) == 0)) {
        t.kind = BS_TERM_TYPED;
        t.extra = dt;
        t.extra_len = dt_len;
    }
    return t;
}

static size_t varint_size(size_t v)
{
    size_t n = 1;
    while (v >= 0x80) { v >>= 7; n++; }
    return n;
}

static int has_extra(bs_term_kind k)
{
    return k == BS_TERM_LANG || k == BS_TERM_TYPED;
}

size_t bs_term_encoded_size(const bs_term *t)
{
    size_t n = 1 + t->lex_len;
    if (has_extra(t->kind)) n += varint_size(t->extra_len) + t->extra_len;
    return n;
}

bs_status bs_term_encode(const bs_term *t, uint8_t *buf, size_t cap,
                         size_t *len_out)
{
    if (t->kind < BS_TERM_BNODE || t->kind > BS_TERM_TYPED) return BS_ERR_ARG;
    size_t need = bs_term_encoded_size(t);
    if (need > cap) return BS_ERR_ARG;
    uint8_t *p = buf;
    *p++ = (uint8_t)t->kind;
    if (has_extra(t->kind)) {
        size_t v = t->extra_len;
        while (v >= 0x80) { *p++ = (uint8_t)(v | 0x80); v >>= 7; }
        *p++ = (uint8_t)v;
        if (t->kind == BS_TERM_LANG) {
            /* Language tags are case-insensitive (RDF 1.1, BCP 47): the
             * canonical encoding holds them in lower case, so "x"@EN and
             * "x"@en are one term with one id. */
            for (size_t i = 0; i < t->extra_len; i++) {
                char c = t->extra[i];
                *p++ = (uint8_t)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            }
        } else {
            memcpy(p, t->extra, t->extra_len);
            p += t->extra_len;
        }
    }
    if (t->lex_len) memcpy(p, t->lex, t->lex_len);
    *len_out = need;
    return BS_OK;
}

bs_status bs_term_decode(const uint8_t *buf, size_t len, bs_term *out)
{
    if (len < 1) return BS_ERR_CORRUPT;
    bs_term_kind k = (bs_term_kind)buf[0];
    if (k < BS_TERM_BNODE || k > BS_TERM_TYPED) return BS_ERR_CORRUPT;
    size_t i = 1;
    out->kind = k;
    out->extra = NULL;
    out->extra_len = 0;
    if (has_extra(k)) {
        size_t v = 0;
        unsigned shift = 0;
        for (;;) {
            if (i >= len || shift > 56) return BS_ERR_CORRUPT;
            uint8_t b = buf[i++];
            v |= (size_t)(b & 0x7F) << shift;
            if (!(b & 0x80)) break;
            shift += 7;
        }
        if (v > len - i) return BS_ERR_CORRUPT;
        out->extra = (const char *)buf + i;
        out->extra_len = v;
        i += v;
    }
    out->lex = (const char *)buf + i;
    out->lex_len = len - i;
    return BS_OK;
}

/* A 64-bit multiply-xorshift hash over 8-byte words.  It is part of the
 * on-disk format (the dictionary is keyed by it): never change it without
 * bumping the store format version. */
static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ULL;
    x ^= x >> 32;
    return x;
}

uint64_t bs_hash64(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)len * 0xff51afd7ed558ccdULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ mix64(w)) * 0xc4ceb9fe1a85ec53ULL;
        h ^= h >> 29;
        p += 8;
        len -= 8;
    }
    uint64_t w = 0;
    for (size_t i = 0; i < len; i++) w |= (uint64_t)p[i] << (8 * i);
    h ^= mix64(w ^ 0x2545f4914f6cdd1dULL);
    return mix64(h);
}

int bs_term_equal(const bs_term *a, const bs_term *b)
{
    if (a->kind != b->kind || a->lex_len != b->lex_len ||
        a->extra_len != b->extra_len)
        return 0;
    if (a->lex_len && memcmp(a->lex, b->lex, a->lex_len) != 0) return 0;
    if (a->kind == BS_TERM_LANG) /* case-insensitive, as encoded */
        return a->extra_len == 0 || strncasecmp(a->extra, b->extra, a->extra_len) == 0;
    return a->extra_len == 0 || memcmp(a->extra, b->extra, a->extra_len) == 0;
}
