/* SPDX-License-Identifier: MIT
 * battstore search — keyword search over the store's labels and
 * descriptions (with BattINFO class expansion), label completion, and
 * the text index's upkeep (--reindex, --stats). */
#include "config.h"
#include "cli/cli.h"
#include "search/search.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char search_help[] =
    "usage: battstore search [OPTIONS] WORDS...\n"
    "       battstore search --suggest PREFIX [--limit N]\n"
    "       battstore search --reindex | --stats\n\n"
    "Find resources by the words of their labels, titles, keywords and\n"
    "descriptions, best first (BM25; label matches above descriptions).\n"
    "A word that names a class (e.g. 'electrode') also finds resources typed\n"
    "with, or about, that class or any of its subclasses.\n\n"
    "query syntax: words (all must match), a OR b, \"a phrase\", prefix*,\n"
    "-word (exclude).\n\n"
    "options:\n"
    "  --store DIR         store directory (default ./" BS_DEFAULT_STORE ")\n"
    "  --type CLASS        only resources typed with CLASS (IRI) or a subclass\n"
    "  --wp WP             only datasets of a work package (IRI or e.g. WP3)\n"
    "  --access LEVEL      only data in graphs of this access level (public,\n"
    "                      restricted, confidential)\n"
    "  --data-format F     only datasets of this file format (e.g. .hdf5)\n"
    "  --size SIZE         only datasets of this size class (e.g. SizeTB)\n"
    "  --limit N           at most N hits (default 10)\n"
    "  --offset N          skip the first N hits\n"
    "  --no-expand         no class expansion: words match text only\n"
    "  --format F          table (default on a terminal) or json\n"
    "  --timeout S         give up after S seconds\n"
    "  --suggest PREFIX    label completions of PREFIX (autocomplete)\n"
    "  --reindex           rebuild the text index; print documents and time\n"
    "  --stats             documents, tokens, postings, index size\n\n"
    "exit status: 0 done (even with no hits), 1 error, 2 usage\n";

typedef struct {
    const char *store_dir, *format, *suggest;
    bs_search_query q;
    bool reindex, stats;
} search_args;

/* A whole number option; returns false (after the message) when bad. */
static bool size_opt(const char *name, const char *v, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    if (*v < '0' || *v > '9' || *end || errno) {
        bs_cli_error("search", "--%s wants a whole number, not '%s'", name, v);
        return false;
    }
    *out = (size_t)n;
    return true;
}

/* The words left after the options, joined by spaces (malloc'ed). */
static char *join_words(int argc, char **argv)
{
    size_t len = 1;
    for (int i = optind; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = malloc(len), *p = s;
    if (!s) return NULL;
    for (int i = optind; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (p != s) *p++ = ' ';
        memcpy(p, argv[i], n);
        p += n;
    }
    *p = 0;
    return s;
}

static int option(int c, search_args *a)
{
    double t;
    char *end;
    switch (c) {
    case 's': a->store_dir = optarg; return -1;
    case 't': a->q.type = optarg; return -1;
    case 'w': a->q.wp = optarg; return -1;
    case 'a': a->q.access = optarg; return -1;
    case 'F': a->q.format = optarg; return -1;
    case 'z': a->q.size = optarg; return -1;
    case 'l': return size_opt("limit", optarg, &a->q.limit) ? -1 : BS_EXIT_USAGE;
    case 'o': return size_opt("offset", optarg, &a->q.offset) ? -1 : BS_EXIT_USAGE;
    case 'n': a->q.no_expand = true; return -1;
    case 'f': a->format = optarg; return -1;
    case 'g': a->suggest = optarg; return -1;
    case 'r': a->reindex = true; return -1;
    case 'S': a->stats = true; return -1;
    case 'T':
        t = strtod(optarg, &end);
        if (*end || t < 0) {
            bs_cli_error("search", "--timeout wants seconds, not '%s'", optarg);
            return BS_EXIT_USAGE;
        }
        a->q.timeout = t;
        return -1;
    case 'h': fputs(search_help, stdout); return 0;
    default: fputs(search_help, stderr); return BS_EXIT_USAGE;
    }
}

static const struct option search_opts[] = {
    {"store", required_argument, 0, 's'}, {"type", required_argument, 0, 't'},
    {"wp", required_argument, 0, 'w'}, {"access", required_argument, 0, 'a'},
    {"data-format", required_argument, 0, 'F'}, {"size", required_argument, 0, 'z'},
    {"limit", required_argument, 0, 'l'}, {"offset", required_argument, 0, 'o'},
    {"no-expand", no_argument, 0, 'n'}, {"format", required_argument, 0, 'f'},
    {"timeout", required_argument, 0, 'T'}, {"suggest", required_argument, 0, 'g'},
    {"reindex", no_argument, 0, 'r'}, {"stats", no_argument, 0, 'S'},
    {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};

/* Whether the long option arg (after "--") takes its value from the
 * next argument. */
static bool takes_next(const char *arg)
{
    if (strchr(arg, '=')) return false;
    for (const struct option *o = search_opts; o->name; o++)
        if (o->has_arg == required_argument && strcmp(o->name, arg) == 0) return true;
    return false;
}

/* argv with the options first, then "--" and the words: a word may
 * start with '-' (an exclusion: electrode -positive), which getopt would
 * take for an option.  *out is malloc'ed (the strings are argv's). */
static int order_args(int argc, char **argv, char ***out)
{
    char **v = malloc(sizeof *v * ((size_t)argc + 2)), **words = malloc(sizeof *v * (size_t)argc);
    int n = 0, nw = 0;
    if (!v || !words) { free(v); free(words); return -1; }
    v[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool is_long = a[0] == '-' && a[1] == '-' && a[2], is_short = !strcmp(a, "-s") || !strcmp(a, "-h");
        if (strcmp(a, "--") == 0) {
            while (++i < argc) words[nw++] = argv[i];
        } else if (is_long || is_short) {
            v[n++] = argv[i];
            if ((is_long ? takes_next(a + 2) : a[1] == 's') && i + 1 < argc)
                v[n++] = argv[++i];
        } else {
            words[nw++] = argv[i];
        }
    }
    v[n++] = (char *)"--";
    memcpy(v + n, words, sizeof *v * (size_t)nw);
    free(words);
    *out = v;
    return n + nw;
}

/* Parse the options; returns -1 to go on, else the exit status. */
static int search_options(int argc, char **argv, search_args *a)
{
    int c, rc = -1;
    optind = 1;
    while (rc < 0 && (c = getopt_long(argc, argv, "s:h", search_opts, NULL)) != -1)
        rc = option(c, a);
    if (rc >= 0) return rc;
    bool words = optind < argc;
    int modes = words + !!a->suggest + a->reindex + a->stats;
    if (modes != 1) {
        bs_cli_error("search", "%s", modes ? "give words, --suggest, --reindex or --stats: "
                                              "one of them"
                                            : "what to search for? (battstore search WORDS)");
        return BS_EXIT_USAGE;
    }
    if (!a->format) a->format = isatty(STDOUT_FILENO) ? "table" : "json";
    if (strcmp(a->format, "table") != 0 && strcmp(a->format, "json") != 0) {
        bs_cli_error("search", "--format is table or json, not '%s'", a->format);
        return BS_EXIT_USAGE;
    }
    const char *lv = a->q.access;
    if (lv && strcmp(lv, "public") && strcmp(lv, "restricted") && strcmp(lv, "confidential")) {
        bs_cli_error("search", "--access is public, restricted or confidential, not '%s'", lv);
        return BS_EXIT_USAGE;
    }
    return -1;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The index of a store, or NULL after the message. */
static bs_search *index_of(bs_store *store)
{
    bs_search *s = bs_search_of(store);
    const char *off = getenv("BATTSTORE_NO_SEARCH");
    if (!s && off && strcmp(off, "1") == 0)
        bs_cli_error("search", "the text index is off (BATTSTORE_NO_SEARCH=1)");
    else if (!s)
        bs_cli_error("search", "no text index in this store: run battstore search --reindex");
    return s;
}

/* The message for a failed search, suggest or stat. */
static void search_failed(const char *q, bs_status st)
{
    if (st == BS_ERR_PARSE)
        bs_cli_error("search", "malformed query '%s': check the quotes, OR and '-'", q);
    else if (st == BS_ERR_UNSUPPORTED)
        bs_cli_error("search", "no text index in this store: run battstore search --reindex");
    else if (st == BS_ERR_TIMEOUT)
        bs_cli_error("search", "timed out");
    else
        bs_cli_error("search", "%s", bs_strerror(st));
}

/* ---- --reindex and --stats ----------------------------------------- */

typedef struct {
    bs_search *s;
    uint64_t docs;
} reindex_job;

static bs_status reindex_fn(bs_txn *txn, void *ctx)
{
    reindex_job *j = ctx;
    return bs_search_reindex(j->s, txn, &j->docs);
}

/* Whether the store holds a fresh index (read-only look): when it does
 * not, opening it for writing rebuilds it (bs_search_attach). */
static bool index_fresh(const char *dir)
{
    bs_store *store = NULL;
    bs_txn *txn = NULL;
    bs_search *s = NULL;
    bs_search_stats x = {0};
    bs_status st = bs_store_open(dir, BS_STORE_RDONLY, &store);
    if (st == BS_OK) st = bs_search_attach(store, NULL, &s);
    if (st == BS_OK && !s) st = BS_ERR_UNSUPPORTED;
    if (st == BS_OK) st = bs_txn_begin(store, false, &txn);
    if (st == BS_OK) st = bs_search_stat(s, txn, &x);
    bs_txn_abort(txn);
    bs_search_detach(s);
    bs_store_close(store);
    return st == BS_OK && !x.stale;
}

/* --reindex: rebuild the index, once (a missing or stale index is
 * rebuilt by the open itself). */
static int do_reindex(const char *dir)
{
    bool fresh = index_fresh(dir);
    double t0 = now_ms();
    bs_store *store = bs_cli_open("search", dir, true);
    if (!store) return 1;
    reindex_job j = {.s = index_of(store)};
    bs_txn *txn = NULL;
    bs_search_stats x = {0};
    bs_status st = j.s ? BS_OK : BS_ERR_ARG;
    if (st == BS_OK && fresh) st = bs_store_write(store, reindex_fn, &j);
    if (st == BS_OK) st = bs_txn_begin(store, false, &txn);
    if (st == BS_OK) st = bs_search_stat(j.s, txn, &x);
    bs_txn_abort(txn);
    if (st == BS_OK)
        printf("indexed %llu documents in %.2f s\n", (unsigned long long)x.docs,
               (now_ms() - t0) / 1e3);
    else if (j.s)
        bs_cli_error("search", "reindex failed: %s", bs_strerror(st));
    bs_cli_close(store);
    return st == BS_OK ? 0 : 1;
}

static void print_stats(const bs_search_stats *x, const bs_store_stats *ss)
{
    printf("documents  %llu\n", (unsigned long long)x->docs);
    printf("tokens     %llu\n", (unsigned long long)x->tokens);
    printf("postings   %llu\n", (unsigned long long)x->postings);
    printf("index      %.1f MiB", x->bytes / 1048576.0);
    if (ss->used_bytes)
        printf(" (%.1f%% of the store's %.1f MiB)", 100.0 * x->bytes / ss->used_bytes,
               ss->used_bytes / 1048576.0);
    printf("\n%s", x->stale ? "state      stale: run battstore search --reindex\n" : "");
}

static int do_stats(const char *dir)
{
    bs_store *store = bs_cli_open("search", dir, false);
    if (!store) return 1;
    bs_search *s = index_of(store);
    bs_txn *txn = NULL;
    bs_search_stats x = {0};
    bs_store_stats ss = {0};
    bs_status st = s ? bs_txn_begin(store, false, &txn) : BS_ERR_ARG;
    if (st == BS_OK) st = bs_search_stat(s, txn, &x);
    if (st == BS_OK) st = bs_store_stat(txn, &ss);
    bs_txn_abort(txn);
    if (st == BS_OK) print_stats(&x, &ss);
    else if (s) search_failed("", st);
    bs_cli_close(store);
    return st == BS_OK ? 0 : 1;
}

/* ---- the table ------------------------------------------------------ */

/* Print s padded or cut to w characters (UTF-8 aware; cut ends in '…'). */
static void cell(const char *s, size_t w)
{
    size_t chars = 0, i = 0, cut = 0, cut_chars = 0;
    s = s ? s : "";
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
        if (chars == w - 1) { cut = i; cut_chars = chars; }
        chars++;
    }
    if (chars > w) {
        fwrite(s, 1, cut, stdout);
        fputs("…", stdout);
        chars = cut_chars + 1;
    } else {
        fputs(s, stdout);
    }
    for (; chars < w; chars++) putchar(' ');
}

/* The last segment of an IRI (after '#' or '/'). */
static const char *local_name(const char *iri)
{
    const char *h = strrchr(iri, '#'), *sl = strrchr(iri, '/');
    const char *p = h > sl ? h : sl;
    return p && p[1] ? p + 1 : iri;
}

/* "why" in a few words: word:field, or word→Class (via). */
static void print_why(const bs_search_hit *h)
{
    static const char *const fields[] = {"label", "keyword", "text"};
    for (size_t i = 0; i < h->nwhy; i++) {
        const bs_search_why *w = &h->why[i];
        const char *word = w->word ? w->word : "?";
        if (i) fputs(", ", stdout);
        if (w->class_iri)
            printf("%s→%s (%s)", word, w->class_label ? w->class_label
                                                     : local_name(w->class_iri),
                   w->via ? local_name(w->via) : "type");
        else
            printf("%s:%s", word, (unsigned)w->field < 3 ? fields[w->field] : "?");
    }
}

static void print_table(const bs_search_result *r, const bs_search_query *q)
{
    printf("%-4s %-7s ", "#", "score");
    cell("label", 40);
    printf(" %-48s why\n", "IRI");
    for (size_t i = 0; i < r->nhits; i++) {
        const bs_search_hit *h = &r->hits[i];
        printf("%-4zu %-7.3f ", q->offset + i + 1, h->score);
        cell(h->label ? h->label : "(no label)", 40);
        putchar(' ');
        if (strlen(h->iri) > 48) printf("%s ", h->iri);
        else printf("%-48s ", h->iri);
        print_why(h);
        putchar('\n');
    }
    printf("%zu of %s%llu hits (from %zu), %.2f ms\n", r->nhits, r->total_exact ? "" : "about ",
           (unsigned long long)r->total, r->nhits ? q->offset + 1 : q->offset, r->ms);
}

/* ---- searching and suggesting --------------------------------------- */

static int do_search(search_args *a, bs_store *store, bs_search *s)
{
    bs_txn *txn = NULL;
    bs_search_result *r = NULL;
    bs_status st = bs_txn_begin(store, false, &txn);
    if (st == BS_OK) st = bs_search_run(s, txn, &a->q, &r);
    if (st == BS_OK && strcmp(a->format, "json") == 0) {
        char *json = bs_search_result_json(r, &a->q);
        if (json) printf("%s\n", json);
        else st = BS_ERR_NOMEM;
        free(json);
    } else if (st == BS_OK) {
        print_table(r, &a->q);
    }
    bs_search_result_free(r);
    bs_txn_abort(txn);
    if (st == BS_OK && fflush(stdout) != 0) st = BS_ERR_IO;
    if (st != BS_OK) search_failed(a->q.q, st);
    return st == BS_OK ? 0 : 1;
}

static int do_suggest(search_args *a, bs_store *store, bs_search *s)
{
    bs_txn *txn = NULL;
    bs_search_suggestion *v = NULL;
    size_t n = 0, limit = a->q.limit ? a->q.limit : 10;
    bs_status st = bs_txn_begin(store, false, &txn);
    if (st == BS_OK) st = bs_search_suggest(s, txn, a->suggest, limit, NULL, NULL, &v, &n);
    if (st == BS_OK && strcmp(a->format, "json") == 0) {
        char *json = bs_search_suggest_json(a->suggest, v, n);
        if (json) printf("%s\n", json);
        else st = BS_ERR_NOMEM;
        free(json);
    } else if (st == BS_OK) {
        for (size_t i = 0; i < n; i++) {
            cell(v[i].label, 48);
            printf(" %s\n", v[i].iri);
        }
    }
    bs_search_suggestions_free(v, n);
    bs_txn_abort(txn);
    if (st != BS_OK) search_failed(a->suggest, st);
    return st == BS_OK ? 0 : 1;
}

static int search_main(int argc, char **argv)
{
    search_args a = {0};
    int rc = search_options(argc, argv, &a);
    if (rc >= 0) return rc;
    const char *dir = bs_cli_store_dir(a.store_dir);
    if (a.reindex) return do_reindex(dir);
    if (a.stats) return do_stats(dir);
    char *words = a.suggest ? NULL : join_words(argc, argv);
    if (!a.suggest && !words) return 1;
    a.q.q = words;
    a.q.cancel = bs_cli_cancel_on_sigint();
    bs_store *store = bs_cli_open("search", dir, false);
    bs_search *s = store ? index_of(store) : NULL;
    rc = 1;
    if (s && a.suggest) rc = do_suggest(&a, store, s);
    else if (s) rc = do_search(&a, store, s);
    bs_cli_close(store);
    free(words);
    return rc;
}

int bs_cmd_search(int argc, char **argv)
{
    char **args = NULL;
    int n = order_args(argc, argv, &args);
    int rc = n < 0 ? 1 : search_main(n, args);
    free(args);
    return rc;
}
