/* SPDX-License-Identifier: MIT
 * battstore — hash functions (§17.4.6: MD5, SHA1, SHA256, SHA384, SHA512
 *             with Nettle, lowercase hex) and UUID / STRUUID (version 4). */
#include "config.h"
#include <nettle/nettle-meta.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include "sparql/expr_int.h"

static const struct nettle_hash *hash_of(int fn)
{
    switch (fn) {
    case BS_FN_MD5: return &nettle_md5;
    case BS_FN_SHA1: return &nettle_sha1;
    case BS_FN_SHA256: return &nettle_sha256;
    case BS_FN_SHA384: return &nettle_sha384;
    default: return &nettle_sha512;
    }
}

static bs_status fn_hash(bs_sp_ectx *c, int fn, const bs_sp_val *a, bs_sp_val *out)
{
    static const char hex[] = "0123456789abcdef";
    if (a->t != BS_V_STR) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    const struct nettle_hash *h = hash_of(fn);
    void *ctx = bs_sp_alloc(c, h->context_size);
    uint8_t dig[64];
    char *o = bs_sp_alloc(c, 2 * h->digest_size + 1);
    if (!ctx || !o) return BS_ERR_NOMEM;
    h->init(ctx);
    h->update(ctx, a->n, (const uint8_t *)a->s);
    h->digest(ctx, h->digest_size, dig);
    for (unsigned i = 0; i < h->digest_size; i++) {
        o[2 * i] = hex[dig[i] >> 4];
        o[2 * i + 1] = hex[dig[i] & 15];
    }
    bs_sp_val_str(out, o, 2 * h->digest_size, NULL, 0);
    return BS_OK;
}

/* A random (version 4) UUID, 36 characters, into buf. */
static void uuid4(char *buf)
{
    uint8_t r[16];
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        for (int i = 0; i < 16; i++) r[i] = (uint8_t)random();
    r[6] = (uint8_t)((r[6] & 0x0F) | 0x40);
    r[8] = (uint8_t)((r[8] & 0x3F) | 0x80);
    sprintf(buf, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                 "%02x%02x%02x%02x%02x%02x",
            r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10],
            r[11], r[12], r[13], r[14], r[15]);
}

bs_status bs_sp_func_hash(bs_sp_ectx *c, int fn, bs_sp_val *args,
                          size_t nargs, bs_sp_val *out)
{
    (void)nargs;
    if (fn != BS_FN_UUID && fn != BS_FN_STRUUID) return fn_hash(c, fn, &args[0], out);
    char *buf = bs_sp_alloc(c, 48);
    if (!buf) return BS_ERR_NOMEM;
    if (fn == BS_FN_STRUUID) {
        uuid4(buf);
        bs_sp_val_str(out, buf, 36, NULL, 0);
    } else {
        memcpy(buf, "urn:uuid:", 9);
        uuid4(buf + 9);
        memset(out, 0, sizeof *out);
        out->t = BS_V_IRI;
        out->s = buf;
        out->n = 45;
    }
    return BS_OK;
}
