/* SPDX-License-Identifier: MIT
 * battstore — search index: attach (predicate list, ids, the store hook,
 * rebuild of a missing or stale index), statistics.  The document
 * upkeep itself (update, rebuild) is in index_docs.c. */
#include "config.h"
#include "search/search_int.h"
#include "search/qcache.h"

#include <stdlib.h>
#include <string.h>

const double bs_search_field_weight[BS_NFIELDS] = { 3.0, 2.0, 1.0 };

#define HOOK_NAME "search"
/* The index's storage format (src/store/textidx.c), recorded as a second
 * hook without predicates: an index written by a battstore that lacks it
 * (format 1, or any write by an older binary, which marks it stale) is
 * rebuilt at attach.  index_docs.c marks it fresh after a rebuild. */
#define FORMAT_HOOK "search-fmt2"
#define BS_DC "http://purl.org/dc/elements/1.1/"
#define BS_EMMO "https://w3id.org/emmo#"

/* The built-in indexed predicates (docs/search.md lists them). */
static const struct {
    const char *iri;
    bs_search_field field;
} builtin[] = {
    { BS_RDFS "label", BS_FIELD_LABEL },
    { BS_SKOS "prefLabel", BS_FIELD_LABEL },
    { BS_SKOS "altLabel", BS_FIELD_LABEL },
    { BS_SKOS "hiddenLabel", BS_FIELD_LABEL },
    { BS_DCT "title", BS_FIELD_LABEL },
    { BS_DC "title", BS_FIELD_LABEL },
    { BS_DCAT "keyword", BS_FIELD_KEYWORD },
    { BS_DCT "description", BS_FIELD_TEXT },
    { BS_DCT "abstract", BS_FIELD_TEXT },
    { BS_DC "description", BS_FIELD_TEXT },
    { BS_RDFS "comment", BS_FIELD_TEXT },
    { BS_SKOS "definition", BS_FIELD_TEXT },
    /* EMMO annotations: elucidation, definition, conceptualisation */
    { BS_EMMO "EMMO_967080e5_2f42_4eb2_a3a9_c58143e835f9", BS_FIELD_TEXT },
    { BS_EMMO "EMMO_70fe84ff_99b6_4206_a9fc_9a8931836d84", BS_FIELD_TEXT },
    { BS_EMMO "EMMO_31252f35_c767_4b97_a877_1235076c3e13", BS_FIELD_TEXT },
};
#define NBUILTIN (sizeof builtin / sizeof *builtin)

/* s->ids: each field's IRI. */
static const struct {
    size_t off;
    const char *iri;
} well_known[] = {
    { offsetof(bs_search_ids, rdf_type), BS_RDF "type" },
    { offsetof(bs_search_ids, rdfs_label), BS_RDFS "label" },
    { offsetof(bs_search_ids, rdfs_subclass), BS_RDFS "subClassOf" },
    { offsetof(bs_search_ids, owl_equivalent), BS_OWL "equivalentClass" },
    { offsetof(bs_search_ids, skos_pref), BS_SKOS "prefLabel" },
    { offsetof(bs_search_ids, skos_alt), BS_SKOS "altLabel" },
    { offsetof(bs_search_ids, dcat_theme), BS_DCAT "theme" },
    { offsetof(bs_search_ids, dct_subject), BS_DCT "subject" },
    { offsetof(bs_search_ids, dmp_about), BS_DMP "about" },
    { offsetof(bs_search_ids, dmp_produced_by), BS_DMP "producedBy" },
    { offsetof(bs_search_ids, dmp_work_package), BS_DMP "workPackage" },
    { offsetof(bs_search_ids, dct_format), BS_DCT "format" },
    { offsetof(bs_search_ids, dmp_size_class), BS_DMP "sizeClass" },
    { offsetof(bs_search_ids, dct_title), BS_DCT "title" },
};
#define NWELL (sizeof well_known / sizeof *well_known)

int bs_search_pred_field(const bs_search *s, bs_id p)
{
    for (size_t i = 0; s && i < s->npreds; i++)
        if (s->preds[i].pred == p) return (int)s->preds[i].field;
    return -1;
}

static bs_status add_pred(bs_search *s, const char *iri, bs_search_field field)
{
    if (!iri || (unsigned)field >= BS_NFIELDS) return BS_ERR_ARG;
    for (size_t i = 0; i < s->npreds; i++)
        if (strcmp(s->preds[i].iri, iri) == 0) { /* a config entry overrides */
            s->preds[i].field = field;
            return BS_OK;
        }
    bs_search_pred *v = realloc(s->preds, (s->npreds + 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    s->preds = v;
    char *copy = strdup(iri);
    if (!copy) return BS_ERR_NOMEM;
    s->preds[s->npreds++] = (bs_search_pred){ 0, copy, field };
    return BS_OK;
}

static bs_status build_preds(bs_search *s, const bs_search_config *cfg)
{
    bs_status st = BS_OK;
    if (!cfg || !cfg->replace_builtin)
        for (size_t i = 0; i < NBUILTIN && st == BS_OK; i++)
            st = add_pred(s, builtin[i].iri, builtin[i].field);
    for (size_t i = 0; cfg && i < cfg->n_extra && st == BS_OK; i++)
        st = add_pred(s, cfg->extra_preds[i],
                      cfg->extra_fields ? cfg->extra_fields[i] : BS_FIELD_TEXT);
    return st;
}

/* Id of an IRI: interned when intern, else looked up (0 when absent). */
static bs_status iri_id(bs_txn *txn, const char *iri, bool intern, bs_id *out)
{
    bs_term t = bs_term_iri(iri, strlen(iri));
    bs_status st = intern ? bs_dict_intern(txn, &t, out) : bs_dict_lookup(txn, &t, out);
    if (st == BS_NOT_FOUND) {
        *out = 0;
        st = BS_OK;
    }
    return st;
}

bs_status bs_search_ids_refresh(bs_search *s, bs_txn *txn)
{
    bs_status st = BS_OK;
    if (!s) return BS_ERR_ARG;
    pthread_mutex_lock(&s->lock);
    for (size_t i = 0; i < NWELL && st == BS_OK; i++) {
        bs_id *slot = (bs_id *)((char *)&s->ids + well_known[i].off);
        if (!*slot) st = iri_id(txn, well_known[i].iri, false, slot);
    }
    for (size_t i = 0; i < s->npreds && st == BS_OK; i++)
        if (!s->preds[i].pred) st = iri_id(txn, s->preds[i].iri, false, &s->preds[i].pred);
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* ---- attach -------------------------------------------------------- */

typedef struct {
    bs_search *s;
    bool need_rebuild;
} attach_job;

/* Whether the store holds any quad. */
static bool has_quads(bs_txn *txn)
{
    uint64_t n = 0;
    bs_quad all = { BS_ANY, BS_ANY, BS_ANY, BS_ANY };
    return bs_quad_count(txn, &all, &n) == BS_OK && n > 0;
}

/* What the store records about the index (hook name) and its format:
 * rebuild when either was never registered (and quads exist) or is
 * stale. */
static bs_status need_rebuild(bs_txn *txn, bool *out)
{
    const char *names[] = { HOOK_NAME, FORMAT_HOOK };
    *out = false;
    for (size_t i = 0; i < 2 && !*out; i++) {
        bool stale = false;
        bs_status st = bs_store_hook_state(txn, names[i], &stale);
        if (st == BS_NOT_FOUND) stale = has_quads(txn);
        else if (st != BS_OK) return st;
        *out = stale;
    }
    return BS_OK;
}

/* bs_store_write body (repeatable): intern the indexed predicates, look
 * up the others, rebuild when needed and mark the index fresh. */
static bs_status attach_write(bs_txn *txn, void *ctx)
{
    attach_job *j = ctx;
    bs_search *s = j->s;
    bs_status st = BS_OK;
    memset(&s->ids, 0, sizeof s->ids);
    for (size_t i = 0; i < s->npreds && st == BS_OK; i++)
        st = iri_id(txn, s->preds[i].iri, true, &s->preds[i].pred);
    if (st == BS_OK) st = bs_search_ids_refresh(s, txn);
    if (st == BS_OK) st = need_rebuild(txn, &j->need_rebuild);
    if (st == BS_OK && j->need_rebuild) st = bs_search_reindex(s, txn, NULL);
    return st;
}

static bs_status attach_read(bs_store *store, bs_search *s)
{
    bs_txn *txn = NULL;
    bs_status st;
    bool rebuild = false;
    TRY(st, bs_txn_begin(store, false, &txn));
    for (size_t i = 0; i < s->npreds; i++) TRY(st, iri_id(txn, s->preds[i].iri, false, &s->preds[i].pred));
    TRY(st, bs_search_ids_refresh(s, txn));
    TRY(st, need_rebuild(txn, &rebuild));
    s->usable = !rebuild;
fail:
    bs_txn_abort(txn);
    return st;
}

static bs_status on_commit(bs_txn *txn, const bs_id *lits, size_t n, void *ctx)
{
    return bs_search_update_docs(ctx, txn, lits, n);
}

static bs_status on_bulk(bs_txn *txn, bs_id lit, bs_id pred, void **state, void *ctx)
{
    return bs_search_bulk_note(ctx, txn, lit, pred, state);
}

static bs_status bulk_flush(bs_txn *txn, void *state, void *ctx)
{
    (void)ctx;
    return bs_search_bulk_flush(txn, state);
}

static void bulk_free(void *state, void *ctx)
{
    (void)ctx;
    bs_search_bulk_free(state);
}

static bs_status no_work(bs_txn *txn, const bs_id *lits, size_t n, void *ctx)
{
    (void)txn; (void)lits; (void)n; (void)ctx;
    return BS_OK;
}

static bs_status register_hook(bs_store *store, bs_search *s)
{
    bs_id *ids = malloc((s->npreds ? s->npreds : 1) * sizeof *ids);
    if (!ids) return BS_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < s->npreds; i++)
        if (s->preds[i].pred) ids[n++] = s->preds[i].pred;
    bs_store_hook h = { HOOK_NAME, ids, n, on_commit, s, on_bulk, bulk_flush, bulk_free };
    bs_store_hook f = { FORMAT_HOOK, NULL, 0, no_work, s, NULL, NULL, NULL };
    bs_status st = bs_store_hook_add(store, &f);
    if (st == BS_OK && (st = bs_store_hook_add(store, &h)) != BS_OK)
        bs_store_hook_remove(store, FORMAT_HOOK);
    free(ids);
    return st;
}

static void search_free(bs_search *s)
{
    bs_qcache_detach(s); /* the query side's snapshot cache (sfast) */
    for (size_t i = 0; i < s->npreds; i++) free(s->preds[i].iri);
    free(s->preds);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

bs_status bs_search_attach(bs_store *store, const bs_search_config *cfg, bs_search **out)
{
    bs_status st;
    *out = NULL;
    const char *off = getenv("BATTSTORE_NO_SEARCH");
    if (off && strcmp(off, "1") == 0) return BS_OK;
    if (!store) return BS_ERR_ARG;
    bs_search *s = calloc(1, sizeof *s);
    if (!s) return BS_ERR_NOMEM;
    s->store = store;
    pthread_mutex_init(&s->lock, NULL);
    TRY(st, build_preds(s, cfg));
    attach_job j = { s, false };
    st = bs_store_write(store, attach_write, &j);
    if (st == BS_ERR_READONLY) TRY(st, attach_read(store, s)); /* read-only store */
    else if (st != BS_OK) goto fail;
    else s->usable = true;
    TRY(st, register_hook(store, s));
    *out = s;
    return BS_OK;
fail:
    search_free(s);
    return st;
}

void bs_search_detach(bs_search *s)
{
    if (!s) return;
    if (bs_store_hook_ctx(s->store, HOOK_NAME) == s) bs_store_hook_remove(s->store, HOOK_NAME);
    if (bs_store_hook_ctx(s->store, FORMAT_HOOK) == s) bs_store_hook_remove(s->store, FORMAT_HOOK);
    search_free(s);
}

bs_search *bs_search_of(bs_store *store)
{
    return bs_store_hook_ctx(store, HOOK_NAME);
}

bs_status bs_search_stat(bs_search *s, bs_txn *txn, bs_search_stats *out)
{
    bs_tix_stats ts;
    memset(out, 0, sizeof *out);
    if (!s) return BS_ERR_ARG;
    bool stale = false;
    bs_status st = bs_store_hook_state(txn, HOOK_NAME, &stale);
    if (st == BS_NOT_FOUND) stale = !s->usable;
    else if (st != BS_OK) return st;
    out->stale = stale || !s->usable;
    st = bs_tix_stat(txn, &ts);
    if (st == BS_ERR_UNSUPPORTED) { /* an old store, read-only: no index */
        out->stale = true;
        return BS_OK;
    }
    if (st != BS_OK) return st;
    out->docs = ts.docs;
    out->tokens = ts.terms;
    out->postings = ts.postings;
    out->bytes = ts.bytes;
    return BS_OK;
}
