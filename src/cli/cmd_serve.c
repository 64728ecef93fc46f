/* SPDX-License-Identifier: MIT
 * battstore — `battstore serve`: the SPARQL endpoint and web page (stub
 * until the server's owner lands it). */
#include <stdio.h>
#include "cli/cli.h"
#include "http/http.h"

int bs_cmd_serve(int argc, char **argv)
{
    (void)argc; (void)argv;
    bs_cli_error("serve", "not implemented yet");
    return 1;
}
