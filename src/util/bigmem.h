/* SPDX-License-Identifier: MIT
 * battstore — large zeroed buffers backed by transparent huge pages. */
#ifndef BS_BIGMEM_H
#define BS_BIGMEM_H

#include <stddef.h>

/** A zeroed buffer of n bytes, 2 MiB-aligned and advised to use huge
 *  pages (512 times fewer page faults on first touch than 4 KiB pages).
 *  NULL on failure.  Caller frees with bs_big_free(p, n). */
void *bs_big_alloc(size_t n);

/// Free a buffer from bs_big_alloc (same n).  NULL is safe.
void bs_big_free(void *p, size_t n);

#endif
