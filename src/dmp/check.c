/* SPDX-License-Identifier: MIT
 * battstore — the FAIR check: every dataset of the store against the
 * dmp:Rule resources of the plan's section 2 (required properties,
 * accepted licences, embargo and retention durations). */
#include "config.h"
#include "dmp/dmp.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DCT "http://purl.org/dc/terms/"
#define PFX                                                                        \
    "PREFIX dmp: <" BS_DMP_NS ">\nPREFIX dcterms: <" DCT ">\n"                      \
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"                        \
    "PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"

/* A growable list of strings. */
typedef struct {
    char **v;
    size_t n;
} strs;

static bs_status strs_add(strs *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x)) return BS_OK;
    char **v = realloc(s->v, (s->n + 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    s->v = v;
    if (!(s->v[s->n] = strdup(x))) return BS_ERR_NOMEM;
    s->n++;
    return BS_OK;
}

static bool strs_has(const strs *s, const char *x)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x)) return true;
    return false;
}

static void strs_free(strs *s)
{
    for (size_t i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
}

typedef struct {
    char *name, *section;
    strs iris, props, licences;
    char *max_embargo, *min_retention; // xsd:duration or NULL
} rule;

typedef struct {
    char *d, *p, *v;
} triple;

typedef struct {
    rule *rules;
    size_t nrules;
    triple *t; // dataset properties, embargoes as (d, "embargo", end|reason)
    size_t nt;
    strs levels;
    bs_dmp_report *rep;
    const char *only;
} checker;

/* ---- reading rules and datasets ----------------------------------------- */

static bs_status rule_row(void *ctx, char **row, size_t n)
{
    checker *k = ctx;
    (void)n;
    const char *iri = row[0], *loc = strrchr(iri, '/');
    char *name = strdup(row[4] ? "licence" : loc ? loc + 1 : iri);
    if (!name) return BS_ERR_NOMEM;
    if (!strncmp(name, "rule-", 5)) memmove(name, name + 5, strlen(name + 5) + 1);
    rule *r = NULL;
    for (size_t i = 0; i < k->nrules && !r; i++)
        if (!strcmp(k->rules[i].name, name)) r = &k->rules[i];
    if (r) {
        free(name);
    } else {
        rule *v = realloc(k->rules, (k->nrules + 1) * sizeof *v);
        if (!v) { free(name); return BS_ERR_NOMEM; }
        k->rules = v;
        r = &k->rules[k->nrules++];
        *r = (rule){.name = name, .section = strdup(row[1] ? row[1] : "")};
    }
    bs_status st = strs_add(&r->iris, iri);
    if (st == BS_OK && row[2]) st = strs_add(&r->props, row[2]);
    if (st == BS_OK && row[4]) st = strs_add(&r->licences, row[4]);
    if (row[3] && !r->max_embargo) r->max_embargo = strdup(row[3]);
    if (row[5] && !r->min_retention) r->min_retention = strdup(row[5]);
    return st;
}

static bs_status add_triple(checker *k, const char *d, const char *p, const char *v)
{
    triple *t = realloc(k->t, (k->nt + 1) * sizeof *t);
    if (!t) return BS_ERR_NOMEM;
    k->t = t;
    t = &k->t[k->nt];
    t->d = strdup(d); t->p = strdup(p); t->v = strdup(v ? v : "");
    k->nt++;
    return t->d && t->p && t->v ? BS_OK : BS_ERR_NOMEM;
}

static bs_status prop_row(void *ctx, char **row, size_t n)
{
    (void)n;
    if (!row[1] || !row[2]) return BS_OK;
    return add_triple(ctx, row[0], row[1], row[2]);
}

static bs_status embargo_row(void *ctx, char **row, size_t n)
{
    (void)n;
    char *v = NULL;
    if (asprintf(&v, "%s|%s", row[1] ? row[1] : "", row[2] ? row[2] : "") < 0) return BS_ERR_NOMEM;
    bs_status st = add_triple(ctx, row[0], "embargo", v);
    free(v);
    return st;
}

static bs_status level_row(void *ctx, char **row, size_t n)
{
    (void)n;
    return strs_add(&((checker *)ctx)->levels, row[0]);
}

static bs_status dataset_row(void *ctx, char **row, size_t n)
{
    checker *k = ctx;
    bs_dmp_report *r = k->rep;
    (void)n;
    if (k->only && strcmp(k->only, row[0]) != 0) return BS_OK;
    if (r->ndatasets && !strcmp(r->datasets[r->ndatasets - 1].iri, row[0])) return BS_OK;
    bs_dmp_dataset_report *v = realloc(r->datasets, (r->ndatasets + 1) * sizeof *v);
    if (!v) return BS_ERR_NOMEM;
    r->datasets = v;
    const char *wp = row[2] ? strrchr(row[2], '#') : NULL;
    bs_dmp_dataset_report d = {strdup(row[0]), strdup(row[1] ? row[1] : ""),
                               strdup(wp ? wp + 1 : ""), NULL, 0, 0};
    r->datasets[r->ndatasets++] = d;
    return d.iri && d.title && d.wp ? BS_OK : BS_ERR_NOMEM;
}

static const char rules_q[] = PFX
    "SELECT ?r ?sec ?prop ?max ?lic ?min WHERE { ?r a dmp:Rule .\n"
    "  OPTIONAL { ?r skos:notation ?sec } OPTIONAL { ?r dmp:requiredProperty ?prop }\n"
    "  OPTIONAL { ?r dmp:maxEmbargo ?max } OPTIONAL { ?r dmp:acceptedLicence ?lic }\n"
    "  OPTIONAL { ?r dmp:minRetention ?min } } ORDER BY ?sec ?r";
static const char datasets_q[] = PFX
    "SELECT ?d ?title ?wp ?n WHERE { ?d a dcat:Dataset .\n"
    "  OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dmp:producedBy ?wp .\n"
    "  OPTIONAL { ?wp dmp:workPackageNumber ?n } } } ORDER BY ?n ?d";
static const char props_q[] = PFX
    "SELECT ?d ?p ?v WHERE { ?d a dcat:Dataset ; ?p ?v }";
static const char embargo_q[] = PFX
    "SELECT ?d ?end ?why WHERE { ?d a dcat:Dataset ; dmp:embargo ?e .\n"
    "  OPTIONAL { ?e dmp:embargoEnd ?end } OPTIONAL { ?e dmp:embargoReason ?why } }";
static const char levels_q[] = PFX "SELECT ?a WHERE { ?a a dmp:AccessLevel }";

/* ---- dates and durations ------------------------------------------------ */

/* "YYYY-MM-DD…" → days since 1970 in *out; false when not a date. */
static bool parse_date(const char *s, long *out)
{
    struct tm tm = {0};
    if (!s || sscanf(s, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return false;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    *out = (long)(timegm(&tm) / 86400);
    return true;
}

/* days + an xsd:duration of years, months and days ("P10Y", "P6M"). */
static bool add_duration(long days, const char *dur, long *out)
{
    if (!dur || *dur != 'P') return false;
    int y = 0, m = 0, d = 0, v, used;
    for (const char *p = dur + 1; *p && *p != 'T'; p += used + 1) {
        if (sscanf(p, "%d%n", &v, &used) != 1) return false;
        char unit = p[used];
        if (unit == 'Y') y = v; else if (unit == 'M') m = v; else if (unit == 'D') d = v;
        else return false;
    }
    time_t t = (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_year += y;
    tm.tm_mon += m;
    tm.tm_mday += d;
    *out = (long)(timegm(&tm) / 86400);
    return true;
}

/* ---- the checks --------------------------------------------------------- */

/* A short name for a property IRI. */
static const char *curie(const char *iri, char *buf, size_t n)
{
    static const char *const ns[][2] = {
        {DCT, "dcterms:"}, {"http://www.w3.org/ns/dcat#", "dcat:"}, {BS_DMP_NS, "dmp:"},
        {"http://www.w3.org/ns/prov#", "prov:"}};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
        if (!strncmp(iri, ns[i][0], strlen(ns[i][0]))) {
            snprintf(buf, n, "%s%s", ns[i][1], iri + strlen(ns[i][0]));
            return buf;
        }
    snprintf(buf, n, "<%s>", iri);
    return buf;
}

static bool is_pid(const char *v)
{
    static const char *const pre[] = {"https://doi.org/10.", "http://doi.org/10.",
        "https://dx.doi.org/10.", "http://dx.doi.org/10.", "doi:10.", "10.", "hdl:",
        "https://hdl.handle.net/", "http://hdl.handle.net/"};
    for (size_t i = 0; i < sizeof pre / sizeof *pre; i++)
        if (!strncasecmp(v, pre[i], strlen(pre[i])) && v[strlen(pre[i])]) return true;
    return false;
}

static bool is_battinfo(const char *v)
{
    return !strncmp(v, "https://w3id.org/emmo", 21) || !strncmp(v, "http://emmo.info/", 17);
}

typedef struct {
    char *text;
    size_t len;
} problems;

static void problem(problems *p, const char *fmt, const char *a, const char *b)
{
    char *line = NULL, *n = NULL;
    if (asprintf(&line, fmt, a, b ? b : "") < 0) return;
    if (asprintf(&n, "%s%s%s", p->text ? p->text : "", p->text ? "; " : "", line) >= 0) {
        free(p->text);
        p->text = n;
    }
    free(line);
}

/* The values of property prop of dataset d, one at a time (*i = cursor). */
static const char *next_value(const checker *k, const char *d, const char *prop, size_t *i)
{
    for (; *i < k->nt; (*i)++)
        if (!strcmp(k->t[*i].d, d) && !strcmp(k->t[*i].p, prop)) return k->t[(*i)++].v;
    return NULL;
}

/* Required properties, with the value checks some of them have. */
static void check_props(const checker *k, const rule *r, const char *d, problems *p)
{
    char buf[160];
    for (size_t j = 0; j < r->props.n; j++) {
        const char *prop = r->props.v[j], *v;
        size_t i = 0, nv = 0;
        bool good = false;
        while ((v = next_value(k, d, prop, &i))) {
            nv++;
            if (!strcmp(prop, DCT "license") && r->licences.n && !strs_has(&r->licences, v))
                problem(p, "licence <%s> is not an accepted one%s", v, NULL);
            else if (!strcmp(prop, DCT "identifier") && !is_pid(v))
                problem(p, "identifier '%s' is not a DOI or handle%s", v, NULL);
            else if (!strcmp(prop, DCT "accessRights") && k->levels.n && !strs_has(&k->levels, v))
                problem(p, "access level <%s> is not public, restricted or confidential%s", v, NULL);
            if (!strcmp(prop, BS_DMP_NS "about") && is_battinfo(v)) good = true;
        }
        if (nv == 0) problem(p, "no %s%s", curie(prop, buf, sizeof buf), NULL);
        else if (!strcmp(prop, BS_DMP_NS "about") && !good)
            problem(p, "dmp:about names no BattINFO/EMMO class%s%s", "", NULL);
    }
}

/* dmp:maxEmbargo: publisher embargoes end at most that long after issue. */
static void check_embargo(const checker *k, const rule *r, const char *d, problems *p)
{
    size_t i = 0, j = 0;
    const char *e, *issued = next_value(k, d, DCT "issued", &j);
    long from, until, end;
    while ((e = next_value(k, d, "embargo", &i))) {
        const char *bar = strchr(e, '|');
        if (!bar || !strstr(bar, "PublisherEmbargo")) continue; // other embargoes: no limit
        if (!issued || !parse_date(issued, &from))
            problem(p, "a publisher embargo but no dcterms:issued date%s%s", "", NULL);
        else if (!parse_date(e, &end))
            problem(p, "a publisher embargo without dmp:embargoEnd%s%s", "", NULL);
        else if (add_duration(from, r->max_embargo, &until) && end > until)
            problem(p, "publisher embargo until %.10s: longer than %s after issue", e,
                    r->max_embargo);
    }
}

/* dmp:minRetention: retained at least that long after issue (or today). */
static void check_retention(const checker *k, const rule *r, const char *d, problems *p)
{
    size_t i = 0, j = 0;
    const char *until = next_value(k, d, BS_DMP_NS "retainedUntil", &i);
    const char *issued = next_value(k, d, DCT "issued", &j);
    long from = (long)(time(NULL) / 86400), min, end;
    if (!until) return; // "no dmp:retainedUntil" comes from the required property
    if (issued) parse_date(issued, &from);
    if (!parse_date(until, &end))
        problem(p, "dmp:retainedUntil '%s' is not a date%s", until, NULL);
    else if (add_duration(from, r->min_retention, &min) && end < min)
        problem(p, "retained until %.10s: less than %s", until, r->min_retention);
}

static bs_status check_dataset(const checker *k, bs_dmp_dataset_report *d)
{
    d->rules = calloc(k->nrules ? k->nrules : 1, sizeof *d->rules);
    if (!d->rules) return BS_ERR_NOMEM;
    for (size_t i = 0; i < k->nrules; i++) {
        const rule *r = &k->rules[i];
        problems p = {0};
        check_props(k, r, d->iri, &p);
        if (r->max_embargo) check_embargo(k, r, d->iri, &p);
        if (r->min_retention) check_retention(k, r, d->iri, &p);
        bs_dmp_rule_result *o = &d->rules[d->nrules++];
        size_t len = 0;
        for (size_t j = 0; j < r->iris.n; j++) len += strlen(r->iris.v[j]) + 1;
        o->iris = calloc(len + 1, 1);
        for (size_t j = 0; o->iris && j < r->iris.n; j++)
            strcat(strcat(o->iris, j ? " " : ""), r->iris.v[j]);
        o->rule = strdup(r->name);
        o->section = strdup(r->section ? r->section : "");
        o->ok = p.text == NULL;
        o->problems = p.text ? p.text : strdup("");
        if (!o->iris || !o->rule || !o->section || !o->problems) return BS_ERR_NOMEM;
        if (!o->ok) d->nfailed++;
    }
    return BS_OK;
}

static void checker_free(checker *k)
{
    for (size_t i = 0; i < k->nrules; i++) {
        rule *r = &k->rules[i];
        free(r->name); free(r->section); free(r->max_embargo); free(r->min_retention);
        strs_free(&r->iris); strs_free(&r->props); strs_free(&r->licences);
    }
    for (size_t i = 0; i < k->nt; i++) { free(k->t[i].d); free(k->t[i].p); free(k->t[i].v); }
    free(k->rules);
    free(k->t);
    strs_free(&k->levels);
}

static bs_status not_found(char **err, const char *fmt, const char *what)
{
    if (err && asprintf(err, fmt, what) < 0) *err = NULL;
    return BS_NOT_FOUND;
}

bs_status bs_dmp_check(bs_store *store, const char *dataset, bs_dmp_report **out,
                       char **err)
{
    checker k = {.only = dataset};
    bs_status st;
    *out = NULL;
    if (!(k.rep = calloc(1, sizeof *k.rep))) return BS_ERR_NOMEM;
    TRY(st, bs_dmp_select(store, rules_q, rule_row, &k, err));
    if (k.nrules == 0) {
        st = not_found(err, "the store holds no dmp:Rule%s: load ontology/bigmap-dmp-data.ttl", "");
        goto fail;
    }
    TRY(st, bs_dmp_select(store, datasets_q, dataset_row, &k, err));
    if (dataset && k.rep->ndatasets == 0) {
        st = not_found(err, "no dcat:Dataset <%s> in the store", dataset);
        goto fail;
    }
    TRY(st, bs_dmp_select(store, props_q, prop_row, &k, err));
    TRY(st, bs_dmp_select(store, embargo_q, embargo_row, &k, err));
    TRY(st, bs_dmp_select(store, levels_q, level_row, &k, err));
    for (size_t i = 0; i < k.rep->ndatasets; i++) {
        TRY(st, check_dataset(&k, &k.rep->datasets[i]));
        if (k.rep->datasets[i].nfailed) k.rep->nfailed++;
    }
    *out = k.rep;
    k.rep = NULL;
fail:
    bs_dmp_report_free(k.rep);
    checker_free(&k);
    return st;
}

void bs_dmp_report_free(bs_dmp_report *r)
{
    if (!r) return;
    for (size_t i = 0; i < r->ndatasets; i++) {
        bs_dmp_dataset_report *d = &r->datasets[i];
        for (size_t j = 0; j < d->nrules; j++) {
            bs_dmp_rule_result *o = &d->rules[j];
            free(o->rule); free(o->iris); free(o->section); free(o->problems);
        }
        free(d->rules); free(d->iri); free(d->title); free(d->wp);
    }
    free(r->datasets);
    free(r);
}
