/* SPDX-License-Identifier: MIT
 * battstore — large zeroed buffers backed by transparent huge pages. */
#include "config.h"
#include "util/bigmem.h"

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>

#define HUGE_SZ ((size_t)2 << 20)

static size_t round_up(size_t n)
{
    return (n + HUGE_SZ - 1) & ~(HUGE_SZ - 1);
}

void *bs_big_alloc(size_t n)
{
    if (!n) n = 1;
    size_t len = round_up(n);
    /* map one huge page more than needed and trim to a 2 MiB boundary */
    uint8_t *raw = mmap(NULL, len + HUGE_SZ, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) return NULL;
    uintptr_t a = ((uintptr_t)raw + HUGE_SZ - 1) & ~(uintptr_t)(HUGE_SZ - 1);
    uint8_t *p = (uint8_t *)a;
    if (p > raw) munmap(raw, (size_t)(p - raw));
    size_t tail = (size_t)(raw + len + HUGE_SZ - (p + len));
    if (tail) munmap(p + len, tail);
#ifdef MADV_HUGEPAGE
    madvise(p, len, MADV_HUGEPAGE);
#endif
    return p;
}

void bs_big_free(void *p, size_t n)
{
    if (p) munmap(p, round_up(n ? n : 1));
}

void bs_tune_malloc(void)
{
#ifdef M_MMAP_THRESHOLD
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
#endif
}
