/* SPDX-License-Identifier: MIT
 * battstore — tokens, roles, and what each role may see (stub until its owner lands it). */
#include "http/http_int.h"

bs_status bs_http_tokens_load(const char *path, bs_http_tokens **out, char **err)
{
    (void)path; (void)err;
    *out = NULL;
    return BS_ERR_UNSUPPORTED;
}

void bs_http_tokens_free(bs_http_tokens *t) { (void)t; }

bs_status bs_http_role(const bs_http_tokens *t, const char *authorization,
                       bs_role *out)
{
    (void)t;
    *out = BS_ROLE_ANONYMOUS;
    return authorization ? BS_ERR_ARG : BS_OK;
}

bool bs_http_visible(void *role_ptr, bs_id graph, bs_access level)
{
    (void)graph;
    return (int)level <= (int)*(const bs_role *)role_ptr;
}
