/* SPDX-License-Identifier: MIT
 * battstore — libFuzzer harness over the SPARQL parser: the input is
 *   parsed as a query and as an update request, and a parsed request's
 *   algebra is dumped (built only with ./configure --enable-fuzzing). */
#include "config.h"
#include "sparql/sparql.h"
#include "sparql/sparql_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *sink;

static void parse_one(const char *text, size_t len, bool update)
{
    bs_sparql *q = NULL;
    bs_sparql_error err;
    bs_status st = bs_sparql_parse(text, len, "http://example.org/base/",
                                   update, &q, &err);
    if (st == BS_OK) {
        (void)bs_sparql_form_of(q);
        bs_sp_dump(q, sink); /* walks the whole algebra */
    }
    bs_sparql_free(q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!sink) sink = fopen("/dev/null", "w");
    if (!sink) return 0;
    /* text need not be NUL-terminated: the parser must respect size. */
    parse_one((const char *)data, size, false);
    parse_one((const char *)data, size, true);
    return 0;
}
