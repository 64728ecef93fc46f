/* SPDX-License-Identifier: MIT
 * battstore — the command-line tool: one function per subcommand. */
#ifndef BS_CLI_H
#define BS_CLI_H

#include <stdbool.h>
#include "sparql/sparql.h"
#include "store/store.h"

/// Default store directory (embedded default store).
#define BS_DEFAULT_STORE "var/store"

int bs_cmd_load(int argc, char **argv);
int bs_cmd_query(int argc, char **argv);
int bs_cmd_update(int argc, char **argv);
int bs_cmd_export(int argc, char **argv);
int bs_cmd_graphs(int argc, char **argv);
int bs_cmd_stats(int argc, char **argv);
int bs_cmd_drop(int argc, char **argv);
int bs_cmd_serve(int argc, char **argv);
int bs_cmd_flows(int argc, char **argv);
int bs_cmd_check(int argc, char **argv);
int bs_cmd_search(int argc, char **argv);

/** Print "battstore: CMD: message" to stderr (printf-style). */
void bs_cli_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** The store directory: --store, else $BATTSTORE_STORE, else var/store. */
const char *bs_cli_store_dir(const char *opt);

/** Open the store for a command; prints the error and returns NULL on
 *  failure.  Read-only commands never create a store.  The text index
 *  (search/) is attached, so every write keeps it up to date and
 *  bs_search_of(store) finds it; close with bs_cli_close(). */
bs_store *bs_cli_open(const char *cmd, const char *dir, bool write);

/** Close a store opened by bs_cli_open() (detaching its text index). */
void bs_cli_close(bs_store *store);

/** Read a whole file ("-" = stdin) into a NUL-terminated malloc'ed
 *  string; NULL on error (errno set). */
char *bs_cli_slurp(const char *path);

/* ---- query and update (cmd_sparql.c) ---- */

/** The text of a SPARQL request and where it came from. */
typedef struct {
    char *text;       ///< NUL-terminated, owned
    const char *name; ///< for errors: the file name, "stdin", or the command
    char *base;       ///< base IRI (the file's file: IRI) or NULL; owned
} bs_cli_request;

/** Read the request: from file ("-" = stdin) when not NULL, else the one
 *  argument left after getopt (optind).  Returns 0, or the exit status
 *  after printing the error.  Free with bs_cli_request_free(). */
int bs_cli_request_read(const char *cmd, const char *file, int argc, char **argv,
                        bs_cli_request *r);
void bs_cli_request_free(bs_cli_request *r);

/** Parse a query or an update request; on a syntax error prints
 *  "NAME:LINE:COL: message" to stderr and returns NULL.  Caller frees
 *  with bs_sparql_free(). */
bs_sparql *bs_cli_parse(const bs_cli_request *r, bool update);

/** From now on Ctrl-C sets the returned flag (a request's cancel) and
 *  a second one ends the process. */
volatile int *bs_cli_cancel_on_sigint(void);

/// Exit status for usage errors.
#define BS_EXIT_USAGE 2

#endif
