/* SPDX-License-Identifier: MIT
 * battstore — XSD lexical forms (parsing, canonical forms) and decimal
 *             arithmetic on 128-bit mantissas. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sparql/expr_int.h"

#define DEC_MAX_DIGITS 36 /* digits an __int128 mantissa holds safely */
#define DEC_DIV_SCALE 24  /* fractional digits of a quotient */

static bool is_ws(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

static void trim(const char **s, size_t *n)
{
    while (*n && is_ws(**s)) { (*s)++; (*n)--; }
    while (*n && is_ws((*s)[*n - 1])) (*n)--;
}

static bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

bool bs_sp_parse_int(const char *s, size_t n, int64_t *out)
{
    trim(&s, &n);
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    if (i == n) return false;
    uint64_t x = 0;
    for (; i < n; i++) {
        if (!is_digit(s[i])) return false;
        if (x > (UINT64_MAX - 9) / 10) return false;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    if (neg ? x > (uint64_t)INT64_MAX + 1 : x > (uint64_t)INT64_MAX) return false;
    *out = neg ? (int64_t)(0 - x) : (int64_t)x;
    return true;
}

bool bs_sp_parse_dec(const char *s, size_t n, bs_sp_dec *out)
{
    trim(&s, &n);
    size_t i = 0, digits = 0, sig = 0;
    bool neg = false, dot = false;
    if (i < n && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    __int128 m = 0;
    int scale = 0;
    for (; i < n; i++) {
        if (s[i] == '.' && !dot) { dot = true; continue; }
        if (!is_digit(s[i])) return false;
        digits++;
        if (m == 0 && s[i] == '0' && !dot) continue;
        if (sig >= DEC_MAX_DIGITS) {
            if (!dot) return false; /* integer part too large */
            continue;               /* drop excess fraction digits */
        }
        if (m || s[i] != '0') sig++;
        m = m * 10 + (s[i] - '0');
        if (dot) scale++;
    }
    if (!digits) return false;
    out->m = neg ? -m : m;
    out->scale = scale;
    return true;
}

bool bs_sp_parse_dbl(const char *s, size_t n, double *out)
{
    trim(&s, &n);
    if (n == 3 && !memcmp(s, "INF", 3)) { *out = INFINITY; return true; }
    if (n == 4 && !memcmp(s, "+INF", 4)) { *out = INFINITY; return true; }
    if (n == 4 && !memcmp(s, "-INF", 4)) { *out = -INFINITY; return true; }
    if (n == 3 && !memcmp(s, "NaN", 3)) { *out = NAN; return true; }
    size_t i = 0, mant = 0;
    if (i < n && (s[i] == '+' || s[i] == '-')) i++;
    while (i < n && is_digit(s[i])) { i++; mant++; }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) { i++; mant++; }
    }
    if (!mant) return false;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t e = 0;
        while (i < n && is_digit(s[i])) { i++; e++; }
        if (!e) return false;
    }
    if (i != n || n > 350) return false;
    char buf[352];
    memcpy(buf, s, n);
    buf[n] = 0;
    *out = strtod(buf, NULL);
    return true;
}

bool bs_sp_parse_bool(const char *s, size_t n, bool *out)
{
    trim(&s, &n);
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 1 && s[0] == '1')) {
        *out = true;
        return true;
    }
    if ((n == 5 && !memcmp(s, "false", 5)) || (n == 1 && s[0] == '0')) {
        *out = false;
        return true;
    }
    return false;
}

/* Exactly k digits at s[*i]. */
static bool digits_n(const char *s, size_t n, size_t *i, int k, int *out)
{
    int x = 0;
    for (int j = 0; j < k; j++, (*i)++) {
        if (*i >= n || !is_digit(s[*i])) return false;
        x = x * 10 + (s[*i] - '0');
    }
    *out = x;
    return true;
}

static int days_in_month(int64_t y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

static bool parse_tz(const char *s, size_t n, size_t i, bs_sp_dt *o)
{
    o->has_tz = false;
    o->tz = 0;
    if (i == n) return true;
    if (s[i] == 'Z') {
        o->has_tz = true;
        return i + 1 == n;
    }
    if (s[i] != '+' && s[i] != '-') return false;
    int sign = s[i++] == '-' ? -1 : 1, th, tm;
    if (!digits_n(s, n, &i, 2, &th) || i >= n || s[i++] != ':' ||
        !digits_n(s, n, &i, 2, &tm) || i != n || th > 14 || tm > 59)
        return false;
    o->has_tz = true;
    o->tz = sign * (th * 60 + tm);
    return true;
}

bool bs_sp_parse_dt(const char *s, size_t n, bs_sp_dt *o)
{
    trim(&s, &n);
    size_t i = 0;
    bool neg = i < n && s[i] == '-';
    if (neg) i++;
    size_t y0 = i;
    int64_t y = 0;
    while (i < n && is_digit(s[i]) && i - y0 < 12) y = y * 10 + (s[i++] - '0');
    if (i - y0 < 4 || (i - y0 > 4 && s[y0] == '0')) return false;
    o->year = neg ? -y : y;
    int sec;
    if (i >= n || s[i++] != '-' || !digits_n(s, n, &i, 2, &o->month) ||
        i >= n || s[i++] != '-' || !digits_n(s, n, &i, 2, &o->day) ||
        i >= n || s[i++] != 'T' || !digits_n(s, n, &i, 2, &o->hour) ||
        i >= n || s[i++] != ':' || !digits_n(s, n, &i, 2, &o->min) ||
        i >= n || s[i++] != ':' || !digits_n(s, n, &i, 2, &sec))
        return false;
    size_t f0 = i;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i])) i++;
        if (i == f0 + 1) return false;
    }
    char buf[64];
    size_t sl = i - f0 + 2;
    if (sl >= sizeof buf) sl = sizeof buf - 1;
    buf[0] = (char)('0' + sec / 10);
    buf[1] = (char)('0' + sec % 10);
    memcpy(buf + 2, s + f0, sl - 2);
    if (!bs_sp_parse_dec(buf, sl, &o->sec)) return false;
    if (o->month < 1 || o->month > 12 || o->day < 1 ||
        o->day > days_in_month(o->year, o->month) || o->min > 59 || sec > 59)
        return false;
    if (o->hour > 24 || (o->hour == 24 && (o->min || o->sec.m))) return false;
    return parse_tz(s, n, i, o);
}

bool bs_sp_parse_date(const char *s, size_t n, bs_sp_dt *o)
{
    trim(&s, &n);
    size_t i = s[0] == '-' ? 1 : 0;
    while (i < n && is_digit(s[i])) i++;
    i += 6; /* -MM-DD */
    if (i > n || n - i > 6 || n > 40) return false;
    char buf[64];
    memcpy(buf, s, i);
    memcpy(buf + i, "T00:00:00", 9);
    memcpy(buf + i + 9, s + i, n - i);
    return bs_sp_parse_dt(buf, n + 9, o);
}

/* ---- canonical forms ----------------------------------------------------- */
size_t bs_sp_fmt_int(int64_t i, char *buf)
{
    return (size_t)sprintf(buf, "%lld", (long long)i);
}

/* Digits of |m| into buf (no sign); returns the count. */
static size_t u128_digits(__int128 m, char *buf)
{
    unsigned __int128 u = m < 0 ? -(unsigned __int128)m : (unsigned __int128)m;
    char tmp[48];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + (int)(u % 10));
        u /= 10;
    } while (u);
    for (size_t j = 0; j < n; j++) buf[j] = tmp[n - 1 - j];
    buf[n] = 0;
    return n;
}

size_t bs_sp_fmt_dec(bs_sp_dec d, char *buf)
{
    d = bs_sp_dec_norm(d);
    char dg[48];
    size_t nd = u128_digits(d.m, dg), o = 0;
    if (d.m < 0) buf[o++] = '-';
    if ((size_t)d.scale >= nd) {
        buf[o++] = '0';
        buf[o++] = '.';
        for (size_t j = nd; j < (size_t)d.scale; j++) buf[o++] = '0';
        memcpy(buf + o, dg, nd);
        o += nd;
    } else {
        size_t ip = nd - (size_t)d.scale;
        memcpy(buf + o, dg, ip);
        o += ip;
        buf[o++] = '.';
        if (d.scale) {
            memcpy(buf + o, dg + ip, (size_t)d.scale);
            o += (size_t)d.scale;
        } else {
            buf[o++] = '0';
        }
    }
    buf[o] = 0;
    return o;
}

size_t bs_sp_fmt_dbl(double d, bool is_float, char *buf)
{
    if (isnan(d)) return (size_t)sprintf(buf, "NaN");
    if (isinf(d)) return (size_t)sprintf(buf, d < 0 ? "-INF" : "INF");
    if (d == 0) return (size_t)sprintf(buf, signbit(d) ? "-0.0E0" : "0.0E0");
    char tmp[64];
    int maxp = is_float ? 9 : 17;
    for (int p = 1; p <= maxp; p++) { /* the shortest form that round-trips */
        snprintf(tmp, sizeof tmp, "%.*e", p - 1, d);
        double back = strtod(tmp, NULL);
        if (is_float ? (float)back == (float)d : back == d) break;
    }
    char *e = strchr(tmp, 'e');
    int exp = atoi(e + 1);
    *e = 0;
    size_t ml = strlen(tmp);
    if (!strchr(tmp, '.')) { /* "5" → "5.0" */
        tmp[ml++] = '.';
        tmp[ml++] = '0';
        tmp[ml] = 0;
    }
    while (ml > 2 && tmp[ml - 1] == '0' && tmp[ml - 2] != '.') tmp[--ml] = 0;
    return (size_t)sprintf(buf, "%sE%d", tmp, exp);
}

size_t bs_sp_fmt_dt(const bs_sp_dt *dt, char *buf)
{
    size_t o = (size_t)sprintf(buf, "%s%04lld-%02d-%02dT%02d:%02d:",
                               dt->year < 0 ? "-" : "",
                               (long long)(dt->year < 0 ? -dt->year : dt->year),
                               dt->month, dt->day, dt->hour, dt->min);
    bs_sp_dec s = bs_sp_dec_norm(dt->sec);
    char sb[64];
    bs_sp_fmt_dec(s, sb); /* "5.0", "5.25" */
    char *dot = strchr(sb, '.');
    if (dot - sb < 2) buf[o++] = '0';
    if (s.scale == 0) *dot = 0;
    o += (size_t)sprintf(buf + o, "%s", sb);
    if (dt->has_tz) {
        if (dt->tz == 0)
            o += (size_t)sprintf(buf + o, "Z");
        else
            o += (size_t)sprintf(buf + o, "%c%02d:%02d", dt->tz < 0 ? '-' : '+',
                                 abs(dt->tz) / 60, abs(dt->tz) % 60);
    }
    return o;
}

/* ---- decimals ------------------------------------------------------------ */
static __int128 pow10_128(int k)
{
    __int128 p = 1;
    while (k-- > 0) p *= 10;
    return p;
}

bs_sp_dec bs_sp_dec_from_int(int64_t i) { return (bs_sp_dec){i, 0}; }

double bs_sp_dec_to_dbl(bs_sp_dec d)
{
    char buf[96];
    bs_sp_fmt_dec(d, buf);
    return strtod(buf, NULL);
}

bool bs_sp_dec_from_dbl(double d, bs_sp_dec *out)
{
    if (!isfinite(d)) return false;
    char buf[400];
    snprintf(buf, sizeof buf, "%.17g", d);
    if (strchr(buf, 'e')) snprintf(buf, sizeof buf, "%.20f", d);
    return bs_sp_parse_dec(buf, strlen(buf), out);
}

bs_sp_dec bs_sp_dec_norm(bs_sp_dec d)
{
    if (d.m == 0) return (bs_sp_dec){0, 0};
    while (d.scale > 0 && d.m % 10 == 0) {
        d.m /= 10;
        d.scale--;
    }
    return d;
}

/* Bring a and b to one scale (false on overflow). */
static bool align(bs_sp_dec *a, bs_sp_dec *b)
{
    while (a->scale < b->scale) {
        if (__builtin_mul_overflow(a->m, 10, &a->m)) return false;
        a->scale++;
    }
    while (b->scale < a->scale) {
        if (__builtin_mul_overflow(b->m, 10, &b->m)) return false;
        b->scale++;
    }
    return true;
}

bool bs_sp_dec_add(bs_sp_dec a, bs_sp_dec b, bs_sp_dec *out)
{
    a = bs_sp_dec_norm(a);
    b = bs_sp_dec_norm(b);
    if (!align(&a, &b)) return false;
    out->scale = a.scale;
    return !__builtin_add_overflow(a.m, b.m, &out->m);
}

bool bs_sp_dec_mul(bs_sp_dec a, bs_sp_dec b, bs_sp_dec *out)
{
    a = bs_sp_dec_norm(a);
    b = bs_sp_dec_norm(b);
    if (__builtin_mul_overflow(a.m, b.m, &out->m)) return false;
    out->scale = a.scale + b.scale;
    while (out->scale > DEC_DIV_SCALE) { /* keep the mantissa in bounds */
        out->m /= 10;
        out->scale--;
    }
    return true;
}

bool bs_sp_dec_div(bs_sp_dec a, bs_sp_dec b, bs_sp_dec *out)
{
    a = bs_sp_dec_norm(a);
    b = bs_sp_dec_norm(b);
    if (b.m == 0) return false;
    /* q = a.m·10^k / b.m with scale a.scale + k - b.scale */
    int k = DEC_DIV_SCALE - a.scale + b.scale;
    if (k < 0) k = 0;
    __int128 num = a.m;
    int done = 0;
    while (done < k && !__builtin_mul_overflow(num, 10, &num)) done++;
    if (done < k && done < 1 && a.scale - b.scale < 0) return false;
    out->m = num / b.m;
    out->scale = a.scale + done - b.scale;
    while (out->scale < 0) {
        if (__builtin_mul_overflow(out->m, 10, &out->m)) return false;
        out->scale++;
    }
    *out = bs_sp_dec_norm(*out);
    return true;
}

int bs_sp_dec_cmp(bs_sp_dec a, bs_sp_dec b)
{
    a = bs_sp_dec_norm(a);
    b = bs_sp_dec_norm(b);
    if (!align(&a, &b)) {
        double x = bs_sp_dec_to_dbl(a), y = bs_sp_dec_to_dbl(b);
        return x < y ? -1 : x > y;
    }
    return a.m < b.m ? -1 : a.m > b.m;
}

bs_sp_dec bs_sp_dec_floor(bs_sp_dec d)
{
    if (d.scale <= 0) return d;
    __int128 p = pow10_128(d.scale), q = d.m / p;
    if (d.m % p && d.m < 0) q--;
    return (bs_sp_dec){q, 0};
}

bs_sp_dec bs_sp_dec_ceil(bs_sp_dec d)
{
    if (d.scale <= 0) return d;
    __int128 p = pow10_128(d.scale), q = d.m / p;
    if (d.m % p && d.m > 0) q++;
    return (bs_sp_dec){q, 0};
}

bs_sp_dec bs_sp_dec_round(bs_sp_dec d)
{
    /* fn:round: half toward positive infinity = floor(x + 0.5) */
    bs_sp_dec half = {5, 1}, s;
    if (!bs_sp_dec_add(d, half, &s)) return d;
    return bs_sp_dec_floor(s);
}
