/* SPDX-License-Identifier: MIT
 * battstore — search results as JSON (GET /search, /suggest, battstore
 * search --format json).
 *
 * The documents (stable: the web page and the HTTP API read exactly this):
 *
 *   GET /search:
 *   {"q": "electrode coating", "total": 12, "total_exact": true,
 *    "offset": 0, "limit": 10, "took_ms": 1.93,
 *    "hits": [{"iri": "...", "label": "..." | null, "type": "..." | null,
 *              "type_label": "..." | null,
 *              "snippet": [{"text": "...", "hit": false}, {"text": "coating", "hit": true}],
 *              "score": 7.41,
 *              "why": [{"word": "coating", "kind": "direct", "field": "keyword",
 *                       "pred": "http://www.w3.org/ns/dcat#keyword",
 *                       "class": null, "class_label": null, "via": null},
 *                      {"word": "electrode", "kind": "expanded", "field": "label",
 *                       "pred": null, "class": "https://w3id.org/emmo/...",
 *                       "class_label": "Electrode",
 *                       "via": "https://w3id.org/battstore/bigmap-dmp#about"}]}],
 *    "facets": {"wp": [{"value": "https://w3id.org/battstore/bigmap-dmp#WP3",
 *                       "label": "WP3", "count": 5}],
 *               "type": [...], "format": [...], "size": [...], "access": [...]}}
 *
 *   "total_exact": false when the words matched more than one search
 *   resolves: total is then an estimate and facet counts cover the
 *   best-scored matches.  "facets" is {} when facets were turned off.
 *   Snippet spans concatenate to the snippet text ("…" spans mark cuts).
 *
 *   GET /suggest:
 *   {"q": "elec", "suggestions": [{"label": "Electrode", "iri": "...",
 *                                  "type": "http://www.w3.org/2002/07/owl#Class" | null}]}
 */
#include "config.h"
#include "search/query_int.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const field_names[BS_NFIELDS] = { "label", "keyword", "text" };

/* A string or null (also null for text jansson refuses: not UTF-8). */
static json_t *str_or_null(const char *s)
{
    json_t *j = s ? json_string(s) : NULL;
    return j ? j : json_null();
}

static double round3(double x)
{
    return isfinite(x) ? round(x * 1000.0) / 1000.0 : 0.0;
}

static json_t *why_json(const bs_search_why *w)
{
    json_t *o = json_object();
    if (!o) return NULL;
    bool exp = w->class_iri != NULL;
    json_object_set_new(o, "word", str_or_null(w->word));
    json_object_set_new(o, "kind", json_string(exp ? "expanded" : "direct"));
    json_object_set_new(o, "field", json_string(w->field < BS_NFIELDS ? field_names[w->field] : "text"));
    json_object_set_new(o, "pred", str_or_null(w->pred));
    json_object_set_new(o, "class", str_or_null(w->class_iri));
    json_object_set_new(o, "class_label", str_or_null(w->class_label));
    json_object_set_new(o, "via", str_or_null(w->via));
    return o;
}

static json_t *hit_json(const bs_search_hit *h)
{
    json_t *o = json_object(), *sn = json_array(), *why = json_array();
    if (!o || !sn || !why) { json_decref(o); json_decref(sn); json_decref(why); return NULL; }
    json_object_set_new(o, "iri", str_or_null(h->iri));
    json_object_set_new(o, "label", str_or_null(h->label));
    json_object_set_new(o, "type", str_or_null(h->type));
    json_object_set_new(o, "type_label", str_or_null(h->type_label));
    for (size_t i = 0; i < h->nsnippet; i++) {
        json_t *sp = json_pack("{s:o,s:b}", "text", str_or_null(h->snippet[i].text),
                               "hit", (int)h->snippet[i].hit);
        if (sp) json_array_append_new(sn, sp);
    }
    json_object_set_new(o, "snippet", sn);
    json_object_set_new(o, "score", json_real(round3(h->score)));
    for (size_t i = 0; i < h->nwhy; i++) {
        json_t *w = why_json(&h->why[i]);
        if (w) json_array_append_new(why, w);
    }
    json_object_set_new(o, "why", why);
    return o;
}

static json_t *facets_json(const bs_search_result *r)
{
    json_t *o = json_object();
    bool any = false;
    for (int f = 0; f < BS_NFACETS; f++) any = any || r->facets[f];
    if (!o || !any) return o;
    for (int f = 0; f < BS_NFACETS; f++) {
        json_t *a = json_array();
        for (size_t i = 0; a && i < r->nfacets[f]; i++) {
            const bs_search_facet_value *v = &r->facets[f][i];
            json_t *e = json_pack("{s:o,s:o,s:I}", "value", str_or_null(v->value),
                                  "label", str_or_null(v->label), "count", (json_int_t)v->count);
            if (e) json_array_append_new(a, e);
        }
        if (a) json_object_set_new(o, bs_search_facet_names[f], a);
    }
    return o;
}

static char *dump(json_t *o)
{
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    return s;
}

char *bs_search_result_json(const bs_search_result *r, const bs_search_query *q)
{
    if (!r) return NULL;
    size_t limit = q && q->limit ? q->limit : 10;
    if (limit > 1000) limit = 1000;
    json_t *o = json_object(), *hits = json_array();
    if (!o || !hits) { json_decref(o); json_decref(hits); return NULL; }
    json_object_set_new(o, "q", str_or_null(q ? q->q : NULL));
    json_object_set_new(o, "total", json_integer((json_int_t)r->total));
    json_object_set_new(o, "total_exact", json_boolean(r->total_exact));
    json_object_set_new(o, "offset", json_integer((json_int_t)(q ? q->offset : 0)));
    json_object_set_new(o, "limit", json_integer((json_int_t)limit));
    json_object_set_new(o, "took_ms", json_real(round3(r->ms)));
    for (size_t i = 0; i < r->nhits; i++) {
        json_t *h = hit_json(&r->hits[i]);
        if (h) json_array_append_new(hits, h);
    }
    json_object_set_new(o, "hits", hits);
    json_object_set_new(o, "facets", facets_json(r));
    return dump(o);
}

char *bs_search_suggest_json(const char *q, const bs_search_suggestion *v, size_t n)
{
    json_t *o = json_object(), *a = json_array();
    if (!o || !a) { json_decref(o); json_decref(a); return NULL; }
    json_object_set_new(o, "q", str_or_null(q));
    for (size_t i = 0; i < n; i++) {
        json_t *e = json_pack("{s:o,s:o,s:o}", "label", str_or_null(v[i].label),
                              "iri", str_or_null(v[i].iri), "type", str_or_null(v[i].type));
        if (e) json_array_append_new(a, e);
    }
    json_object_set_new(o, "suggestions", a);
    return dump(o);
}
