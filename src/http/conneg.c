/* SPDX-License-Identifier: MIT
 * battstore — content negotiation (Accept with q-values) (stub until its owner lands it). */
#include "http/http_int.h"

const char *bs_http_negotiate(const char *accept, const char *const *offered, size_t n)
{
    (void)accept;
    return n ? offered[0] : NULL;
}
