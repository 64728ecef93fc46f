/* SPDX-License-Identifier: MIT
 * battstore tests — shared fixtures: temporary store directories. */
#ifndef BS_TEST_FIXTURE_H
#define BS_TEST_FIXTURE_H

#include <stddef.h>

/// Size of the buffers the fixture writes a store path into.
#define BS_FX_DIR 256

/** Make a fresh directory /tmp/bs_TAG_XXXXXX and write "<it>/store"
 *  (not created: the store's open creates it) into dir.  Fails the
 *  running Check test when the directory cannot be made. */
void bs_fx_store_dir(char dir[BS_FX_DIR], const char *tag);

/** Remove what bs_fx_store_dir() made: the parent of dir's last path
 *  component, with everything below it.  dir is cut at that slash. */
void bs_fx_store_dir_remove(char dir[BS_FX_DIR]);

/// Remove a directory tree (nothing happens if it does not exist).
void bs_fx_rmtree(const char *path);

#endif
