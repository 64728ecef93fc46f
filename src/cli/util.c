/* SPDX-License-Identifier: MIT
 * battstore — helpers shared by the subcommands. */
#include "config.h"
#include "cli/cli.h"
#include "search/search.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void bs_cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "battstore: %s%s", cmd ? cmd : "", cmd ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

const char *bs_cli_store_dir(const char *opt)
{
    if (opt && *opt) return opt;
    const char *env = getenv("BATTSTORE_STORE");
    return (env && *env) ? env : BS_DEFAULT_STORE;
}

/* mkdir -p for the parents of a store directory. */
static void make_parents(const char *dir)
{
    char *p = strdup(dir);
    if (!p) return;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/') continue;
        *s = 0;
        mkdir(p, 0775);
        *s = '/';
    }
    free(p);
}

bs_store *bs_cli_open(const char *cmd, const char *dir, bool write)
{
    bs_store *s = NULL;
    if (write) make_parents(dir);
    bs_status st = bs_store_open(dir, write ? BS_STORE_CREATE : BS_STORE_RDONLY, &s);
    if (st == BS_NOT_FOUND)
        bs_cli_error(cmd, "no store at %s (load something first, or give --store DIR)", dir);
    else if (st != BS_OK)
        bs_cli_error(cmd, "cannot open store %s: %s", dir, bs_strerror(st));
    if (st != BS_OK) return NULL;
    bs_search *idx = NULL;
    st = bs_search_attach(s, NULL, &idx);
    if (st != BS_OK) {
        bs_cli_error(cmd, "cannot attach the text index of %s: %s", dir, bs_strerror(st));
        bs_store_close(s);
        return NULL;
    }
    return s;
}

void bs_cli_close(bs_store *store)
{
    if (!store) return;
    bs_search_detach(bs_search_of(store));
    bs_store_close(store);
}

char *bs_cli_slurp(const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0) break;
    }
    bool err = ferror(f);
    if (f != stdin) fclose(f);
    if (err) { free(buf); errno = EIO; return NULL; }
    if (buf) buf[n] = 0;
    return buf;
}
