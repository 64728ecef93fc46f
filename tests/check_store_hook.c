/* SPDX-License-Identifier: MIT
 * Unit tests: the store's write hooks (touched literals through every
 * writer, failure aborts, map-full retry, stale marking) and map growth
 * while readers are active (the map lock). */
#include "config.h"
#include "fixture.h"
#include "store/store_int.h" /* the map lock's state, white-box */

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[BS_FX_DIR];

static void setup(void)
{
    bs_fx_store_dir(dir, "check_hook");
}

static void teardown(void)
{
    bs_fx_store_dir_remove(dir);
}

static bs_store *open_store(void)
{
    bs_store *s = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_CREATE, &s), BS_OK);
    return s;
}

static bs_id iri(bs_txn *t, const char *text)
{
    bs_term term = bs_term_iri(text, strlen(text));
    bs_id id = 0;
    ck_assert_int_eq(bs_dict_intern(t, &term, &id), BS_OK);
    return id;
}

static bs_id lit(bs_txn *t, const char *text, const char *lang)
{
    bs_term term = bs_term_literal(text, strlen(text), lang, lang ? strlen(lang) : 0,
                                   NULL, 0);
    bs_id id = 0;
    ck_assert_int_eq(bs_dict_intern(t, &term, &id), BS_OK);
    return id;
}

/* What a recording hook saw: the ids of its last call, number of calls. */
typedef struct {
    bs_id ids[64];
    size_t n;
    int calls;
    bs_status fail;     ///< returned when not BS_OK
    int intern;         ///< terms to intern per call (writes from the hook)
} seen;

static bs_status record(bs_txn *t, const bs_id *lits, size_t n, void *ctx)
{
    seen *c = ctx;
    c->calls++;
    c->n = n;
    for (size_t i = 0; i < n && i < 64; i++) c->ids[i] = lits[i];
    for (int i = 0; i < c->intern; i++) {
        char buf[128];
        snprintf(buf, sizeof buf, "http://example.org/derived/entry/with/a/long/name/%d", i);
        bs_term term = bs_term_iri(buf, strlen(buf));
        bs_id id;
        bs_status st = bs_dict_intern(t, &term, &id);
        if (st != BS_OK) return st;
    }
    return c->fail;
}

/* Ids of the fixture: predicates and literals. */
typedef struct { bs_id label, comment, other, s, g, a, b, c, d, x; } fix;

static void make_fix(bs_store *s, fix *f)
{
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    f->label = iri(t, "http://www.w3.org/2000/01/rdf-schema#label");
    f->comment = iri(t, "http://www.w3.org/2000/01/rdf-schema#comment");
    f->other = iri(t, "http://example.org/other");
    f->s = iri(t, "http://example.org/s");
    f->g = iri(t, "http://example.org/g");
    f->a = lit(t, "alpha", NULL);
    f->b = lit(t, "beta", "en");
    f->c = lit(t, "gamma", NULL);
    f->d = lit(t, "delta", NULL);
    f->x = iri(t, "http://example.org/x");
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
}

static void add_hook(bs_store *s, const fix *f, seen *c)
{
    bs_id preds[2] = {f->label, f->comment};
    bs_store_hook h = {"search", preds, 2, record, c, NULL, NULL, NULL};
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK);
}

static void add(bs_txn *t, bs_id s, bs_id p, bs_id o, bs_id g)
{
    bs_quad q = {s, p, o, g};
    ck_assert_int_eq(bs_quad_add(t, &q, NULL), BS_OK);
}

/* The hook sees exactly the literals under watched predicates that were
 * added or removed, sorted and distinct; nothing when none was. */
START_TEST(test_hook_add_remove)
{
    bs_store *s = open_store();
    fix f;
    seen c = {0};
    make_fix(s, &f);
    add_hook(s, &f, &c);
    ck_assert_ptr_eq(bs_store_hook_ctx(s, "search"), &c);
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.label, f.c, 0);
    add(t, f.s, f.comment, f.b, 0);
    add(t, f.s, f.other, f.d, 0);       /* not watched */
    add(t, f.s, f.label, f.x, 0);       /* not a literal */
    add(t, f.x, f.label, f.c, 0);       /* the same literal again */
    add(t, f.s, f.label, f.a, f.g);
    add(t, f.s, f.label, f.a, f.g);     /* already there: not touched */
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_uint_eq(c.n, 3);
    bs_id want[3] = {f.a, f.b, f.c};
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++)
            if (j > i && want[j] < want[i]) { bs_id x = want[i]; want[i] = want[j]; want[j] = x; }
    }
    for (int i = 0; i < 3; i++) ck_assert_uint_eq(c.ids[i], want[i]);
    /* removal: the removed literal only; removing a missing quad: nothing */
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_quad q = {f.s, f.comment, f.b, 0}, miss = {f.s, f.comment, f.d, 0};
    bool removed;
    ck_assert_int_eq(bs_quad_remove(t, &q, &removed), BS_OK);
    ck_assert(removed);
    ck_assert_int_eq(bs_quad_remove(t, &miss, &removed), BS_OK);
    ck_assert(!removed);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(c.calls, 2);
    ck_assert_uint_eq(c.n, 1);
    ck_assert_uint_eq(c.ids[0], f.b);
    /* a write touching no watched literal: the hook is not called */
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.x, f.other, f.c, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(c.calls, 2);
    /* an aborted txn calls nothing */
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.x, f.label, f.d, 0);
    bs_txn_abort(t);
    ck_assert_int_eq(c.calls, 2);
    bs_store_hook_remove(s, "search");
    ck_assert_ptr_null(bs_store_hook_ctx(s, "search"));
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.x, f.label, f.d, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(c.calls, 2);
    bs_store_close(s);
}
END_TEST

/* bs_graph_clear: every removed quad counts. */
START_TEST(test_hook_clear)
{
    bs_store *s = open_store();
    fix f;
    seen c = {0};
    make_fix(s, &f);
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.label, f.a, f.g);
    add(t, f.x, f.comment, f.d, f.g);
    add(t, f.s, f.other, f.c, f.g);
    add(t, f.s, f.label, f.b, 0);   /* another graph: stays */
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    add_hook(s, &f, &c);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    uint64_t n = 0;
    ck_assert_int_eq(bs_graph_clear(t, f.g, true, &n), BS_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_uint_eq(c.ids[0], f.a < f.d ? f.a : f.d);
    ck_assert_uint_eq(c.ids[1], f.a < f.d ? f.d : f.a);
    bs_store_close(s);
}
END_TEST

/* bs_bulk: every queued quad counts, new or not. */
START_TEST(test_hook_bulk)
{
    bs_store *s = open_store();
    fix f;
    seen c = {0};
    make_fix(s, &f);
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.label, f.a, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    add_hook(s, &f, &c);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_bulk *b;
    ck_assert_int_eq(bs_bulk_new(t, &b), BS_OK);
    bs_quad qs[] = {{f.s, f.label, f.a, 0},     /* old, still reported */
                    {f.s, f.comment, f.b, f.g},
                    {f.x, f.comment, f.b, f.g},
                    {f.s, f.other, f.c, 0},
                    {f.s, f.label, f.x, 0}};
    for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
        ck_assert_int_eq(bs_bulk_add(b, &qs[i]), BS_OK);
    uint64_t added;
    ck_assert_int_eq(bs_bulk_finish(b, &added), BS_OK);
    bs_bulk_free(b);
    ck_assert_uint_eq(added, 4);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_uint_eq(c.n, 2);
    ck_assert_uint_eq(c.ids[0], f.a < f.b ? f.a : f.b);
    ck_assert_uint_eq(c.ids[1], f.a < f.b ? f.b : f.a);
    bs_store_close(s);
}
END_TEST

/* The hook's failure aborts everything: quads and the hook's own writes;
 * writing quads from the hook is refused. */
static bs_status writes_quad(bs_txn *t, const bs_id *lits, size_t n, void *ctx)
{
    (void)n;
    bs_quad q = {*(bs_id *)ctx, *(bs_id *)ctx, lits[0], 0};
    return bs_quad_add(t, &q, NULL);
}

START_TEST(test_hook_failure_aborts)
{
    bs_store *s = open_store();
    fix f;
    seen c = {.fail = BS_ERR_LIMIT, .intern = 3};
    make_fix(s, &f);
    add_hook(s, &f, &c);
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_id fresh = lit(t, "a new literal", NULL);
    add(t, f.s, f.label, fresh, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_ERR_LIMIT);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    uint64_t n = 1;
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 0);
    bs_term term = bs_term_literal("a new literal", 13, NULL, 0, NULL, 0), ent;
    bs_id id;
    ck_assert_int_eq(bs_dict_lookup(t, &term, &id), BS_NOT_FOUND);
    ent = bs_term_iri("http://example.org/derived/entry/with/a/long/name/0", 51);
    ck_assert_int_eq(bs_dict_lookup(t, &ent, &id), BS_NOT_FOUND);
    bs_txn_abort(t);
    /* limits and names */
    bs_id p = f.label;
    bs_store_hook h = {"search", &p, 1, record, &c, NULL, NULL, NULL};
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_ERR_ARG); /* taken */
    h.name = "";
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_ERR_ARG);
    const char *names[] = {"h2", "h3", "h4", "h5"};
    for (int i = 0; i < 3; i++) {
        h.name = names[i];
        ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK);
    }
    h.name = names[3];
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_ERR_LIMIT);
    for (int i = 0; i < 3; i++) bs_store_hook_remove(s, names[i]);
    bs_store_hook_remove(s, "search");
    /* a hook that writes a quad: refused, the txn aborted */
    bs_store_hook w = {"writer", &p, 1, writes_quad, &f.x, NULL, NULL, NULL};
    ck_assert_int_eq(bs_store_hook_add(s, &w), BS_OK);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.label, f.a, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_ERR_ARG);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 0);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* ---- map full: bs_store_write runs again, the collection restarts -- */

typedef struct { bs_id label; int attempt, base; } fill_ctx;

/* Each attempt writes 10 fewer literals than the one before, so a
 * collection carried over from a failed attempt would show. */
static bs_status fill(bs_txn *t, void *ctx)
{
    fill_ctx *fc = ctx;
    int n = fc->base - 10 * fc->attempt++;
    bs_status st = BS_OK;
    for (int i = 0; i < n && st == BS_OK; i++) {
        char buf[96];
        snprintf(buf, sizeof buf, "literal number %d of a map that must grow", i);
        bs_term term = bs_term_literal(buf, strlen(buf), NULL, 0, NULL, 0);
        bs_quad q = {0, fc->label, 0, 0};
        if ((st = bs_dict_intern(t, &term, &q.o)) != BS_OK) break;
        q.s = q.o;
        st = bs_quad_add(t, &q, NULL);
    }
    return st;
}

static bs_id intern_label(bs_store *s)
{
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    bs_id label = iri(t, "http://www.w3.org/2000/01/rdf-schema#label");
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    return label;
}

START_TEST(test_hook_map_full)
{
    setenv("BATTSTORE_MAP_SIZE", "262144", 1); /* 256 KiB */
    bs_store *s = open_store();
    unsetenv("BATTSTORE_MAP_SIZE");
    seen c = {0};
    fill_ctx fc = {intern_label(s), 0, 6000};
    bs_store_hook h = {"search", &fc.label, 1, record, &c, NULL, NULL, NULL};
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK);
    ck_assert_int_eq(bs_store_write(s, fill, &fc), BS_OK);
    ck_assert_int_ge(fc.attempt, 2);
    ck_assert_int_eq(c.calls, 1);  /* failed attempts never reached commit */
    ck_assert_uint_eq(c.n, (size_t)(6000 - 10 * (fc.attempt - 1)));
    bs_store_close(s);
}
END_TEST

/* The hook's own writes fill the map: the whole txn is run again. */
START_TEST(test_hook_full_in_hook)
{
    setenv("BATTSTORE_MAP_SIZE", "262144", 1);
    bs_store *s = open_store();
    unsetenv("BATTSTORE_MAP_SIZE");
    seen c = {.intern = 6000};
    fill_ctx fc = {intern_label(s), 0, 100};
    bs_store_hook h = {"search", &fc.label, 1, record, &c, NULL, NULL, NULL};
    ck_assert_int_eq(bs_store_hook_add(s, &h), BS_OK);
    ck_assert_int_eq(bs_store_write(s, fill, &fc), BS_OK);
    ck_assert_int_ge(c.calls, 2);
    ck_assert_int_ge(fc.attempt, c.calls);
    ck_assert_uint_eq(c.n, (size_t)(100 - 10 * (fc.attempt - 1)));
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    bs_term ent = bs_term_iri("http://example.org/derived/entry/with/a/long/name/5999", 54);
    bs_id id;
    ck_assert_int_eq(bs_dict_lookup(t, &ent, &id), BS_OK);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* ---- stale marking ------------------------------------------------- */

static bs_status state_of(bs_store *s, const char *name, bool *stale)
{
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    bs_status st = bs_store_hook_state(t, name, stale);
    bs_txn_abort(t);
    return st;
}

static bs_status set_access(bs_txn *t, void *ctx)
{
    return bs_graph_set_access(t, *(bs_id *)ctx, BS_ACCESS_RESTRICTED);
}

START_TEST(test_hook_stale)
{
    bs_store *s = open_store();
    fix f;
    seen c = {0};
    bool stale = true;
    make_fix(s, &f);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_NOT_FOUND);
    add_hook(s, &f, &c);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(!stale);
    /* the handle with the hook writes: still fresh */
    bs_txn *t;
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.label, f.a, 0);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(!stale);
    bs_store_close(s);
    /* a hookless handle: a write without quads leaves it fresh ... */
    s = open_store();
    ck_assert_int_eq(bs_store_write(s, set_access, &f.g), BS_OK);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(!stale);
    /* ... an aborted one too, a committed quad marks it stale */
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.other, f.b, 0);
    bs_txn_abort(t);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(!stale);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    add(t, f.s, f.other, f.b, 0);   /* not even a watched predicate */
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(stale);
    /* registering again keeps it stale; a rebuild marks it fresh */
    add_hook(s, &f, &c);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(stale);
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_store_hook_fresh(t, "search"), BS_ERR_READONLY);
    bs_txn_abort(t);
    ck_assert_int_eq(bs_txn_begin(s, true, &t), BS_OK);
    ck_assert_int_eq(bs_store_hook_fresh(t, "search"), BS_OK);
    ck_assert_int_eq(bs_txn_commit(t), BS_OK);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(!stale);
    bs_store_close(s);
}
END_TEST

/* A hook recorded by another process after this one opened the store
 * still counts; a read-only handle records nothing. */
START_TEST(test_hook_stale_other_handle)
{
    bs_store *s = open_store();
    fix f;
    seen c = {0};
    bool stale;
    make_fix(s, &f);
    bs_store_close(s);
    bs_store *ro = NULL;
    ck_assert_int_eq(bs_store_open(dir, BS_STORE_RDONLY, &ro), BS_OK);
    bs_id p = f.label;
    bs_store_hook h = {"ro-only", &p, 1, record, &c, NULL, NULL, NULL};
    ck_assert_int_eq(bs_store_hook_add(ro, &h), BS_OK);
    bs_store_close(ro);
    s = open_store();
    ck_assert_int_eq(state_of(s, "ro-only", &stale), BS_NOT_FOUND);
    int opened[2], go[2];
    ck_assert_int_eq(pipe(opened), 0);
    ck_assert_int_eq(pipe(go), 0);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* the hookless writer: opens first, writes later */
        bs_store *w = NULL;
        char x = 0;
        int ok = bs_store_open(dir, 0, &w) == BS_OK;
        ok = ok && write(opened[1], &x, 1) == 1 && read(go[0], &x, 1) == 1;
        bs_txn *t = NULL;
        bs_quad q = {f.s, f.label, f.a, 0};
        ok = ok && bs_txn_begin(w, true, &t) == BS_OK &&
             bs_quad_add(t, &q, NULL) == BS_OK && bs_txn_commit(t) == BS_OK;
        bs_store_close(w);
        _exit(ok ? 0 : 1);
    }
    char x;
    ck_assert_int_eq(read(opened[0], &x, 1), 1);
    add_hook(s, &f, &c);
    ck_assert_int_eq(write(go[1], &x, 1), 1);
    int status = -1;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_eq(c.calls, 0);
    ck_assert_int_eq(state_of(s, "search", &stale), BS_OK);
    ck_assert(stale);
    bs_store_close(s);
}
END_TEST

/* ---- map growth while readers are active --------------------------- */

typedef struct {
    bs_store *s;
    volatile int stop;
    int errors;
    long rounds;
} readers_ctx;

/* A reader: snapshots one after the other, each walking every quad and
 * reading its terms from the map, checking the walk against the count. */
static void *reader(void *arg)
{
    readers_ctx *c = arg;
    uint64_t last = 0;
    while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
        bs_txn *t;
        if (bs_txn_begin(c->s, false, &t) != BS_OK) { c->errors++; break; }
        bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY}, q;
        uint64_t n = 0, walked = 0;
        bs_iter *it;
        if (bs_quad_count(t, &any, &n) != BS_OK || bs_iter_new(t, &any, &it) != BS_OK) {
            c->errors++;
            bs_txn_abort(t);
            break;
        }
        while (bs_iter_next(it, &q) == BS_OK) {
            bs_term term;
            if (bs_dict_get(t, q.s, &term) != BS_OK || term.kind != BS_TERM_IRI) c->errors++;
            walked++;
        }
        bs_iter_free(it);
        bs_txn_abort(t);
        if (walked != n || n < last) c->errors++;
        last = n;
        c->rounds++;
    }
    return NULL;
}

typedef struct { int from, to; } span;

static bs_status write_span(bs_txn *t, void *ctx)
{
    span *r = ctx;
    bs_status st = BS_OK;
    for (int i = r->from; i < r->to && st == BS_OK; i++) {
        char buf[80];
        snprintf(buf, sizeof buf, "http://example.org/a/subject/of/a/growing/map/%d", i);
        bs_term term = bs_term_iri(buf, strlen(buf));
        bs_quad q = {0, 0, 0, 0};
        st = bs_dict_intern(t, &term, &q.s);
        if (st == BS_OK) { q.p = q.o = q.s; st = bs_quad_add(t, &q, NULL); }
    }
    return st;
}

static uint64_t map_bytes(bs_store *s)
{
    bs_txn *t;
    bs_store_stats st;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_store_stat(t, &st), BS_OK);
    bs_txn_abort(t);
    return st.map_bytes;
}

#define NREADERS 4

START_TEST(test_grow_with_readers)
{
    setenv("BATTSTORE_MAP_SIZE", "262144", 1); /* 256 KiB */
    bs_store *s = open_store();
    unsetenv("BATTSTORE_MAP_SIZE");
    span first = {0, 100};
    ck_assert_int_eq(bs_store_write(s, write_span, &first), BS_OK);
    readers_ctx rc[NREADERS];
    pthread_t th[NREADERS];
    for (int i = 0; i < NREADERS; i++) {
        rc[i] = (readers_ctx){s, 0, 0, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, reader, &rc[i]), 0);
    }
    for (int k = 1; k <= 12; k++) {
        span r = {k * 1000 - 900, k * 1000 + 100};
        ck_assert_int_eq(bs_store_write(s, write_span, &r), BS_OK);
    }
    for (int i = 0; i < NREADERS; i++) {
        __atomic_store_n(&rc[i].stop, 1, __ATOMIC_RELEASE);
        pthread_join(th[i], NULL);
        ck_assert_int_eq(rc[i].errors, 0);
        ck_assert_int_gt(rc[i].rounds, 0);
    }
    ck_assert_uint_ge(map_bytes(s), 262144 * 8); /* grown three times at least */
    bs_txn *t;
    uint64_t n;
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(bs_quad_count(t, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 12100);
    bs_txn_abort(t);
    bs_store_close(s);
}
END_TEST

/* A thread holding a read txn cannot grow the map: its write fails with
 * BS_ERR_BUSY at once (no self-deadlock, no retry loop). */
START_TEST(test_grow_refused_own_reader)
{
    setenv("BATTSTORE_MAP_SIZE", "262144", 1);
    bs_store *s = open_store();
    unsetenv("BATTSTORE_MAP_SIZE");
    bs_txn *r;
    ck_assert_int_eq(bs_txn_begin(s, false, &r), BS_OK);
    span big = {0, 6000};
    ck_assert_int_eq(bs_store_write(s, write_span, &big), BS_ERR_BUSY);
    ck_assert_int_eq(bs_store_reserve(s, 1 << 24), BS_ERR_BUSY);
    bs_txn_abort(r);
    ck_assert_int_eq(bs_store_write(s, write_span, &big), BS_OK);
    ck_assert_int_eq(bs_store_reserve(s, 1 << 24), BS_OK);
    ck_assert_uint_ge(map_bytes(s), 1 << 24);
    bs_store_close(s);
}
END_TEST

static int growers(bs_store *s)
{
    pthread_mutex_lock(&s->maplock.mu);
    int n = s->maplock.growers;
    pthread_mutex_unlock(&s->maplock.mu);
    return n;
}

typedef struct { bs_store *s; bs_status st; volatile int done; uint64_t map; } grow_ctx;

static void *reserver(void *arg)
{
    grow_ctx *g = arg;
    g->st = bs_store_reserve(g->s, (uint64_t)64 << 20);
    __atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* A late reader: begins (and records the map size it sees) as soon as
 * it is let in. */
static void *late_reader(void *arg)
{
    grow_ctx *g = arg;
    bs_txn *t;
    bs_store_stats st;
    g->st = bs_txn_begin(g->s, false, &t);
    if (g->st == BS_OK) {
        g->st = bs_store_stat(t, &st);
        g->map = st.map_bytes;
        bs_txn_abort(t);
    }
    __atomic_store_n(&g->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Writer preference: while a grower waits for this thread's read txn, a
 * reader of another thread waits for the growth; this thread, holding a
 * txn, begins another without waiting (it would deadlock). */
START_TEST(test_grow_waits_for_readers)
{
    setenv("BATTSTORE_MAP_SIZE", "1048576", 1);
    bs_store *s = open_store();
    unsetenv("BATTSTORE_MAP_SIZE");
    bs_txn *a, *b;
    ck_assert_int_eq(bs_txn_begin(s, false, &a), BS_OK);
    grow_ctx g = {s, BS_ERR_INTERNAL, 0, 0}, l = {s, BS_ERR_INTERNAL, 0, 0};
    pthread_t tg, tl;
    ck_assert_int_eq(pthread_create(&tg, NULL, reserver, &g), 0);
    while (growers(s) == 0) usleep(1000);
    ck_assert_int_eq(pthread_create(&tl, NULL, late_reader, &l), 0);
    usleep(200000);
    ck_assert_int_eq(__atomic_load_n(&g.done, __ATOMIC_ACQUIRE), 0);
    ck_assert_int_eq(__atomic_load_n(&l.done, __ATOMIC_ACQUIRE), 0);
    ck_assert_int_eq(bs_txn_begin(s, false, &b), BS_OK); /* no wait */
    bs_quad any = {BS_ANY, BS_ANY, BS_ANY, BS_ANY};
    uint64_t n = 1;
    ck_assert_int_eq(bs_quad_count(b, &any, &n), BS_OK);
    ck_assert_uint_eq(n, 0);
    bs_txn_abort(b);
    bs_txn_abort(a);
    pthread_join(tg, NULL);
    pthread_join(tl, NULL);
    ck_assert_int_eq(g.st, BS_OK);
    ck_assert_int_eq(l.st, BS_OK);
    ck_assert_uint_ge(l.map, (uint64_t)64 << 20); /* it began after the growth */
    bs_store_close(s);
}
END_TEST

/* A read txn ended by another thread than the one that began it still
 * releases its thread's share: that thread may grow the map after. */
static void *ender(void *arg)
{
    bs_txn_abort(arg);
    return NULL;
}

START_TEST(test_grow_txn_moved)
{
    bs_store *s = open_store();
    bs_txn *t;
    pthread_t th;
    ck_assert_int_eq(bs_txn_begin(s, false, &t), BS_OK);
    ck_assert_int_eq(pthread_create(&th, NULL, ender, t), 0);
    pthread_join(th, NULL);
    ck_assert_int_eq(bs_store_reserve(s, (uint64_t)64 << 20), BS_OK);
    ck_assert_uint_ge(map_bytes(s), (uint64_t)64 << 20);
    bs_store_close(s);
}
END_TEST

static Suite *hook_suite(void)
{
    Suite *s = suite_create("store_hook");
    TCase *tc = tcase_create("hooks");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hook_add_remove);
    tcase_add_test(tc, test_hook_clear);
    tcase_add_test(tc, test_hook_bulk);
    tcase_add_test(tc, test_hook_failure_aborts);
    tcase_add_test(tc, test_hook_map_full);
    tcase_add_test(tc, test_hook_full_in_hook);
    tcase_add_test(tc, test_hook_stale);
    tcase_add_test(tc, test_hook_stale_other_handle);
    suite_add_tcase(s, tc);
    tc = tcase_create("map growth");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_grow_with_readers);
    tcase_add_test(tc, test_grow_refused_own_reader);
    tcase_add_test(tc, test_grow_waits_for_readers);
    tcase_add_test(tc, test_grow_txn_moved);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hook_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
