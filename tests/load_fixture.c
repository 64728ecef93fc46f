/* SPDX-License-Identifier: MIT
 * battstore tests — shared fixtures that load RDF text through the ingest layer. */
#include "config.h"

#include "load_fixture.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ingest/ingest.h"

bs_status bs_fx_load_nq(bs_store *s, const char *dir, const char *text)
{
    char path[300];
    snprintf(path, sizeof path, "%s.%d.nq", dir, rand());
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
    const char *paths[] = { path };
    bs_load_report rep;
    bs_status st = bs_load_files(s, paths, 1, NULL, &rep);
    bs_load_report_free(&rep);
    unlink(path);
    return st;
}
