/* SPDX-License-Identifier: MIT
 * battstore — SERVICE internals shared by service.c (evaluation, the
 * remote query's text) and service_json.c (decoding the answer). */
#ifndef BS_SP_SERVICE_INT_H
#define BS_SP_SERVICE_INT_H

#include "sparql/exec_int.h"

/** A growing NUL-terminated string (malloc'd s; caller frees). */
typedef struct {
    char *s;
    size_t len, cap;
} bs_sp_str;

bs_status bs_sp_str_add(bs_sp_str *b, const char *s, size_t n);

/** The PREFIX and BASE declarations of a request's text, one per line,
 *  in their order (an update may declare them before each operation;
 *  a later declaration of a prefix wins, as in the request).  Appended
 *  to out. */
bs_status bs_sp_service_prologue(const char *text, size_t len, bs_sp_str *out);

/** The query sent to an endpoint: prologue + "SELECT * WHERE " + the
 *  SERVICE group's text (n->service_text).  Caller frees *out. */
bs_status bs_sp_service_query(const char *prologue, const bs_sp_node *n,
                              char **out);

/** Decode a SPARQL 1.1 Query Results JSON document, the answer to
 *  SERVICE node n, into rows of ex->nvars ids pushed to rows: each
 *  variable of the answer goes to the variable of that name that n's
 *  group mentions, others are dropped;
 *  terms are interned as query-local ids (bs_sp_intern); blank nodes are
 *  fresh for this answer (one id per label).  BS_ERR_PARSE with a
 *  one-line reason in msg when the document is not such an answer. */
bs_status bs_sp_service_decode(bs_sp_exec *ex, const bs_sp_node *n,
                               const char *json, size_t len, bs_sp_rows *rows,
                               char *msg, size_t msgcap);

#endif
