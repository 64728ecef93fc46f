/* SPDX-License-Identifier: MIT
 * battstore — status code descriptions. */
#include "util/status.h"

const char *bs_strerror(bs_status st)
{
    switch (st) {
    case BS_OK: return "ok";
    case BS_NOT_FOUND: return "not found";
    case BS_END: return "end of results";
    case BS_ERR_NOMEM: return "out of memory";
    case BS_ERR_IO: return "I/O error";
    case BS_ERR_CORRUPT: return "store is corrupt";
    case BS_ERR_PARSE: return "parse error";
    case BS_ERR_ARG: return "invalid argument";
    case BS_ERR_FULL: return "store map is full";
    case BS_ERR_BUSY: return "resource busy";
    case BS_ERR_READONLY: return "store is read-only";
    case BS_ERR_UNSUPPORTED: return "not supported";
    case BS_ERR_VERSION: return "store format version not supported";
    case BS_ERR_INTERNAL: return "internal error";
    case BS_ERR_TIMEOUT: return "deadline passed";
    case BS_ERR_LIMIT: return "resource limit reached";
    }
    return "unknown status";
}
