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

/** Process-wide malloc tuning for programs that run queries (battstore,
 *  the benchmarks): keep freed blocks of up to 256 MiB in the heap for
 *  reuse instead of returning them to the kernel, so a query's hash
 *  tables and row buffers do not page-fault afresh on every query (in a
 *  VM a first touch costs microseconds: q4 1M 29 -> 11 ms).  The heap
 *  is trimmed once 512 MiB at its top are free.  A library never calls
 *  this; a program's main() may. */
void bs_tune_malloc(void);

#endif
