/* SPDX-License-Identifier: MIT
 * battstore — status codes shared by every layer. */
#ifndef BS_STATUS_H
#define BS_STATUS_H

/** Result of every battstore function that can fail.  BS_NOT_FOUND and
 *  BS_END are ordinary outcomes, not errors. */
typedef enum {
    BS_OK = 0,
    BS_NOT_FOUND,       ///< lookup found nothing
    BS_END,             ///< iterator exhausted
    BS_ERR_NOMEM,       ///< allocation failed
    BS_ERR_IO,          ///< file or LMDB I/O error
    BS_ERR_CORRUPT,     ///< store content is not what battstore wrote
    BS_ERR_PARSE,       ///< input could not be parsed
    BS_ERR_ARG,         ///< invalid argument
    BS_ERR_FULL,        ///< the LMDB map is full (retry after growing)
    BS_ERR_BUSY,        ///< too many readers / resource busy
    BS_ERR_READONLY,    ///< write attempted on a read-only store or txn
    BS_ERR_UNSUPPORTED, ///< feature not supported
    BS_ERR_VERSION,     ///< store format version mismatch
    BS_ERR_INTERNAL,    ///< a bug in battstore
    BS_ERR_TIMEOUT,     ///< a deadline passed or the work was cancelled
    BS_ERR_LIMIT        ///< a resource cap (e.g. a query's memory) was reached
} bs_status;

/// Human-readable one-line description of a status (static string).
const char *bs_strerror(bs_status st);

/** Cleanup through one forward label: `TRY(st, f(x));` jumps to `fail`
 *  when f fails, leaving the status in st. */
#define TRY(st, expr)                                                    \
    do {                                                                 \
        if (((st) = (expr)) != BS_OK) goto fail;                          \
    } while (0)

#endif
