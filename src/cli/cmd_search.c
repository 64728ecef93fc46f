/* SPDX-License-Identifier: MIT
 * battstore search WORDS [--type CLASS] [--limit N] [--format table|json]
 * (STUB: owner sapi). */
#include "config.h"
#include "cli/cli.h"

int bs_cmd_search(int argc, char **argv)
{
    (void)argc; (void)argv;
    bs_cli_error("search", "not implemented yet");
    return 1;
}
