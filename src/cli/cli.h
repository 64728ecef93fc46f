/* SPDX-License-Identifier: MIT
 * battstore — the command-line tool: one function per subcommand. */
#ifndef BS_CLI_H
#define BS_CLI_H

#include <stdbool.h>
#include "store/store.h"

/// Default store directory (embedded default store).
#define BS_DEFAULT_STORE "var/store"

int bs_cmd_load(int argc, char **argv);
int bs_cmd_query(int argc, char **argv);
int bs_cmd_export(int argc, char **argv);
int bs_cmd_graphs(int argc, char **argv);
int bs_cmd_stats(int argc, char **argv);
int bs_cmd_drop(int argc, char **argv);

/** Print "battstore: CMD: message" to stderr (printf-style). */
void bs_cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** The store directory: --store, else $BATTSTORE_STORE, else var/store. */
const char *bs_cli_store_dir(const char *opt);

/** Open the store for a command; prints the error and returns NULL on
 *  failure.  Read-only commands never create a store. */
bs_store *bs_cli_open(const char *cmd, const char *dir, bool write);

/** Read a whole file ("-" = stdin) into a NUL-terminated malloc'ed
 *  string; NULL on error (errno set). */
char *bs_cli_slurp(const char *path);

/// Exit status for usage errors.
#define BS_EXIT_USAGE 2

#endif
