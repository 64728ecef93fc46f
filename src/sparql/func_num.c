/* SPDX-License-Identifier: MIT
 * battstore — numeric functions (§17.4.4: ABS, CEIL, FLOOR, ROUND, RAND)
 *             and date/time functions (§17.4.5: YEAR … TZ, NOW). */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "sparql/expr_int.h"

/* ---- numeric ------------------------------------------------------------------ */
static double rnd_dbl(double d, int fn)
{
    switch (fn) {
    case BS_FN_ABS: return fabs(d);
    case BS_FN_CEIL: return ceil(d);
    case BS_FN_FLOOR: return floor(d);
    default: /* fn:round: half toward +∞; keeps -0 */
        if (isnan(d) || isinf(d) || d == 0) return d;
        return floor(d + 0.5) == 0 && d < 0 ? -0.0 : floor(d + 0.5);
    }
}

static bs_sp_dec rnd_dec(bs_sp_dec d, int fn)
{
    switch (fn) {
    case BS_FN_ABS: return d.m < 0 ? (bs_sp_dec){-d.m, d.scale} : d;
    case BS_FN_CEIL: return bs_sp_dec_ceil(d);
    case BS_FN_FLOOR: return bs_sp_dec_floor(d);
    default: return bs_sp_dec_round(d);
    }
}

static double rand01(void)
{
    uint64_t r;
    if (getrandom(&r, sizeof r, 0) != (ssize_t)sizeof r)
        r = (uint64_t)random() << 31 ^ (uint64_t)random();
    return (double)(r >> 11) * (1.0 / 9007199254740992.0);
}

bs_status bs_sp_func_num(bs_sp_ectx *c, int fn, bs_sp_val *args,
                         size_t nargs, bs_sp_val *out)
{
    (void)c;
    (void)nargs;
    if (fn == BS_FN_RAND) {
        bs_sp_val_dbl(out, rand01());
        return BS_OK;
    }
    const bs_sp_val *a = &args[0];
    switch (a->t) {
    case BS_V_INT:
        if (fn == BS_FN_ABS && a->u.i < 0) {
            if (a->u.i == INT64_MIN) bs_sp_val_err(out);
            else bs_sp_val_int(out, -a->u.i);
        } else {
            *out = *a;
        }
        return BS_OK;
    case BS_V_DEC: bs_sp_val_dec(out, rnd_dec(a->u.dec, fn)); return BS_OK;
    case BS_V_FLT: bs_sp_val_flt(out, rnd_dbl(a->u.d, fn)); return BS_OK;
    case BS_V_DBL: bs_sp_val_dbl(out, rnd_dbl(a->u.d, fn)); return BS_OK;
    default: bs_sp_val_err(out); return BS_OK;
    }
}

/* ---- date / time ----------------------------------------------------------- */
/* xsd:dayTimeDuration of a timezone offset in minutes: "PT0S", "-PT8H". */
static bs_status tz_duration(bs_sp_ectx *c, int tz, bs_sp_val *out)
{
    char *buf = bs_sp_alloc(c, 32);
    if (!buf) return BS_ERR_NOMEM;
    int a = abs(tz), n;
    if (tz == 0)
        n = sprintf(buf, "PT0S");
    else if (a % 60 == 0)
        n = sprintf(buf, "%sPT%dH", tz < 0 ? "-" : "", a / 60);
    else if (a < 60)
        n = sprintf(buf, "%sPT%dM", tz < 0 ? "-" : "", a);
    else
        n = sprintf(buf, "%sPT%dH%dM", tz < 0 ? "-" : "", a / 60, a % 60);
    bs_term t = bs_term_literal(buf, (size_t)n, NULL, 0,
                                BS_XSD "dayTimeDuration",
                                sizeof BS_XSD "dayTimeDuration" - 1);
    bs_sp_val_from_term(&t, 0, out);
    return BS_OK;
}

static bs_status fn_tz(bs_sp_ectx *c, const bs_sp_dt *d, bs_sp_val *out)
{
    char *buf = bs_sp_alloc(c, 16);
    if (!buf) return BS_ERR_NOMEM;
    int n = 0;
    if (!d->has_tz)
        n = 0;
    else if (d->tz == 0)
        n = sprintf(buf, "Z");
    else
        n = sprintf(buf, "%c%02d:%02d", d->tz < 0 ? '-' : '+', abs(d->tz) / 60,
                    abs(d->tz) % 60);
    bs_sp_val_str(out, buf, (size_t)n, NULL, 0);
    return BS_OK;
}

static void fn_now(bs_sp_ectx *c, bs_sp_val *out)
{
    struct timespec ts = bs_sp_exec_now(c->ex);
    struct tm tm;
    time_t t = ts.tv_sec;
    gmtime_r(&t, &tm);
    bs_sp_dt d = {.year = tm.tm_year + 1900, .month = tm.tm_mon + 1,
                  .day = tm.tm_mday, .hour = tm.tm_hour, .min = tm.tm_min,
                  .sec = {(__int128)tm.tm_sec * 1000 + ts.tv_nsec / 1000000, 3},
                  .has_tz = true, .tz = 0};
    memset(out, 0, sizeof *out);
    out->t = BS_V_DT;
    out->u.dt = d;
}

bs_status bs_sp_func_date(bs_sp_ectx *c, int fn, bs_sp_val *args,
                          size_t nargs, bs_sp_val *out)
{
    (void)nargs;
    if (fn == BS_FN_NOW) {
        fn_now(c, out);
        return BS_OK;
    }
    if (args[0].t != BS_V_DT) {
        bs_sp_val_err(out);
        return BS_OK;
    }
    const bs_sp_dt *d = &args[0].u.dt;
    switch (fn) {
    case BS_FN_YEAR: bs_sp_val_int(out, d->year); break;
    case BS_FN_MONTH: bs_sp_val_int(out, d->month); break;
    case BS_FN_DAY: bs_sp_val_int(out, d->day); break;
    case BS_FN_HOURS: bs_sp_val_int(out, d->hour); break;
    case BS_FN_MINUTES: bs_sp_val_int(out, d->min); break;
    case BS_FN_SECONDS: bs_sp_val_dec(out, d->sec); break;
    case BS_FN_TIMEZONE:
        if (!d->has_tz) break;
        return tz_duration(c, d->tz, out);
    case BS_FN_TZ: return fn_tz(c, d, out);
    default: bs_sp_val_err(out); break;
    }
    if (fn == BS_FN_TIMEZONE) bs_sp_val_err(out);
    return BS_OK;
}
