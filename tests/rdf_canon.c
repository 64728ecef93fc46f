/* SPDX-License-Identifier: MIT
 * Test tool: the canonical form (canon.h) of N-Quads read from stdin, as
 * sorted lines on stdout, so that shell tests compare graphs holding
 * blank nodes with cmp. */
#include "config.h"
#include "canon.h"

#include <stdio.h>
#include <stdlib.h>

int main(void)
{
    char *text = NULL;
    size_t cap = 0, len = 0, got;
    do {
        if (len + 65536 + 1 > cap) {
            cap = (len + 65536 + 1) * 2;
            char *nt = realloc(text, cap);
            if (!nt) return 2;
            text = nt;
        }
        got = fread(text + len, 1, 65536, stdin);
        len += got;
    } while (got > 0);
    text[len] = '\0';
    canon c;
    if (canon_make(&c, text) != 0) {
        fprintf(stderr, "rdf_canon: the input is not N-Quads\n");
        free(text);
        return 1;
    }
    for (size_t i = 0; i < c.n; i++) puts(c.lines[i]);
    canon_free(&c);
    free(text);
    return 0;
}
