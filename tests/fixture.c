/* SPDX-License-Identifier: MIT
 * battstore tests — shared fixtures: temporary store directories. */
#include "config.h"
#include "fixture.h"

#include <check.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)flag; (void)f;
    return remove(p);
}

void bs_fx_rmtree(const char *path)
{
    nftw(path, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

void bs_fx_store_dir(char dir[BS_FX_DIR], const char *tag)
{
    int n = snprintf(dir, BS_FX_DIR, "/tmp/bs_%s_XXXXXX", tag);
    ck_assert(n > 0 && n < BS_FX_DIR - 7);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    strcat(dir, "/store");
}

void bs_fx_store_dir_remove(char dir[BS_FX_DIR])
{
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) return;
    *slash = 0;
    bs_fx_rmtree(dir);
}
