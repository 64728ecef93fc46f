/* SPDX-License-Identifier: MIT
 * battstore — sparql_parse_tool [--update] [--dump] [--base IRI] FILE...:
 * parse SPARQL files, print "OK FILE" or "FILE:LINE:COL: message", and
 * with --dump the algebra.  Exit status 1 when any file failed.
 * --prefixes parses every prefix of each file too (for sanitizer runs:
 * every error path), printing only the full file's outcome. */
#include "config.h"
#include "sparql/sparql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            }
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    bool update = false, dump = false, prefixes = false;
    const char *base = NULL;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--update")) {
            update = true;
            continue;
        }
        if (!strcmp(argv[i], "--dump")) {
            dump = true;
            continue;
        }
        if (!strcmp(argv[i], "--prefixes")) {
            prefixes = true;
            continue;
        }
        if (!strcmp(argv[i], "--base") && i + 1 < argc) {
            base = argv[++i];
            continue;
        }
        size_t len;
        char *text = slurp(argv[i], &len);
        if (!text) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            rc = 1;
            continue;
        }
        bs_sparql *q = NULL;
        bs_sparql_error err;
        bool upd = update || (strlen(argv[i]) > 3 && !strcmp(argv[i] + strlen(argv[i]) - 3, ".ru"));
        for (size_t k = 0; prefixes && k < len; k++) {
            if (bs_sparql_parse(text, k, base, upd, &q, &err) == BS_OK) {
                FILE *null = fopen("/dev/null", "w");
                bs_sp_dump(q, null);
                fclose(null);
            }
            bs_sparql_free(q);
            q = NULL;
        }
        bs_status st = bs_sparql_parse(text, len, base, upd, &q, &err);
        if (st == BS_OK) {
            printf("OK %s\n", argv[i]);
            if (dump)
                bs_sp_dump(q, stdout);
        } else {
            printf("%s:%ld:%ld: %s\n", argv[i], err.line, err.col,
                   st == BS_ERR_PARSE ? err.msg : bs_strerror(st));
            rc = 1;
        }
        bs_sparql_free(q);
        free(text);
    }
    return rc;
}
