/* SPDX-License-Identifier: MIT
 * battstore tests — shared fixtures that load RDF text through the ingest layer. */
#ifndef BS_TEST_LOAD_FIXTURE_H
#define BS_TEST_LOAD_FIXTURE_H

#include "store/store.h"

/** Load N-Quads text into s as one `battstore load` would (bs_load_files:
 *  one transaction, the text index kept with it), through a temporary
 *  file named after dir (a bs_fx_store_dir() path), removed afterwards.
 *  Returns bs_load_files()'s status; fails the running Check test when
 *  the file cannot be written.  Linked with the ingest library, so not
 *  part of fixture.c, which store-only programs link. */
bs_status bs_fx_load_nq(bs_store *s, const char *dir, const char *text);

#endif
