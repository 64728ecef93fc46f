/* SPDX-License-Identifier: MIT
 * battstore — a stable LSD radix sort of structs by one unsigned field
 * (at most 64 bits), a byte at a time, skipping the bytes in which every
 * key is the same (sorted runs of nearby ids: two or three passes).
 *
 *   BS_RADIX_SORT_BY(name, type, field)
 *
 * defines  static bool name(type *v, size_t n) : false, with v untouched,
 * when its buffer of n elements cannot be had (the caller sorts another
 * way).  A macro rather than a function taking the key's offset: the key
 * is read three times a pass per element, inline. */
#ifndef BS_SEARCH_RADIX_H
#define BS_SEARCH_RADIX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BS_RADIX_KEY_(e, field, sh) ((size_t)(((uint64_t)(e).field >> (sh)) & 0xff))

#define BS_RADIX_SORT_BY(name, type, field)                                        \
    static bool name(type *v, size_t n)                                            \
    {                                                                              \
        type *tmp = malloc(n * sizeof *tmp);                                       \
        if (!tmp) return false;                                                    \
        uint64_t diff = 0;                                                         \
        for (size_t i = 1; i < n; i++) diff |= (uint64_t)(v[i].field ^ v[0].field); \
        type *src = v, *dst = tmp;                                                 \
        for (unsigned sh = 0; sh < 64; sh += 8) {                                  \
            if (!((diff >> sh) & 0xff)) continue;                                  \
            size_t pos[256] = {0};                                                 \
            for (size_t i = 0; i < n; i++) pos[BS_RADIX_KEY_(src[i], field, sh)]++; \
            for (size_t b = 0, sum = 0; b < 256; b++) {                            \
                size_t c = pos[b];                                                 \
                pos[b] = sum;                                                      \
                sum += c;                                                          \
            }                                                                      \
            for (size_t i = 0; i < n; i++)                                         \
                dst[pos[BS_RADIX_KEY_(src[i], field, sh)]++] = src[i];             \
            type *t = src;                                                         \
            src = dst;                                                             \
            dst = t;                                                               \
        }                                                                          \
        if (src != v) memcpy(v, src, n * sizeof *v);                               \
        free(tmp);                                                                 \
        return true;                                                               \
    }

#endif
