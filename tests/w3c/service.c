/* SPDX-License-Identifier: MIT
 * battstore — W3C runner: the SERVICE endpoints a test names
 * (qt:serviceData), simulated in-process through the engine's SERVICE
 * hook: each endpoint is a temporary store with its data, and a call
 * runs the query there and answers SPARQL JSON results. */
#include "config.h"
#include "run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct w3c_endpoints {
    const w3c_test *t;
    w3c_tmpstore *stores; ///< per t->services[i]; store NULL until first call
    bool *opened;
};

w3c_endpoints *w3c_endpoints_new(const w3c_test *t)
{
    w3c_endpoints *e = calloc(1, sizeof *e);
    if (!e) return NULL;
    e->t = t;
    e->stores = calloc(t->nservices + 1, sizeof *e->stores);
    e->opened = calloc(t->nservices + 1, sizeof *e->opened);
    if (!e->stores || !e->opened) {
        w3c_endpoints_free(e);
        return NULL;
    }
    return e;
}

void w3c_endpoints_free(w3c_endpoints *e)
{
    if (!e) return;
    for (size_t i = 0; e->opened && i < e->t->nservices; i++)
        if (e->opened[i]) w3c_tmp_close(&e->stores[i]);
    free(e->stores);
    free(e->opened);
    free(e);
}

/* The store of endpoint i, created and loaded on first use. */
static bs_store *store_of(w3c_endpoints *e, size_t i, char *why, size_t cap)
{
    const w3c_service *s = &e->t->services[i];
    if (e->opened[i]) return e->stores[i].store;
    e->opened[i] = true;
    if (w3c_tmp_open(&e->stores[i], why, cap)) return NULL;
    bs_store *st = e->stores[i].store;
    if (w3c_load(st, s->data, s->ndata, NULL, why, cap)) return NULL;
    for (size_t k = 0; k < s->ngdata; k++)
        if (w3c_load(st, &s->gdata[k].file, 1, s->gdata[k].graph, why, cap))
            return NULL;
    return st;
}

/* Run the query on store s as the endpoint would: JSON results. */
static bs_status answer(w3c_endpoints *e, bs_store *s,
                        const bs_sparql_service_call *c, char **json,
                        size_t *len, char **err)
{
    bs_sparql *q = NULL;
    bs_sparql_error perr;
    char *buf = NULL, *msg = NULL;
    size_t n = 0;
    bs_status st = bs_sparql_parse(c->query, strlen(c->query), NULL, false, &q, &perr);
    if (st != BS_OK) {
        /* a real endpoint answers 400: the engine sent a bad query */
        if (asprintf(err, "HTTP 400 (%s)", perr.msg) < 0) *err = NULL;
        return BS_ERR_IO;
    }
    bs_sparql_opts o = {.timeout = c->timeout, .cancel = c->cancel,
                        .service = w3c_endpoint_call, .service_ctx = e};
    FILE *f = open_memstream(&buf, &n);
    if (!f) {
        bs_sparql_free(q);
        return BS_ERR_NOMEM;
    }
    st = bs_sparql_write(s, q, &o, "json", f, &msg);
    fclose(f);
    bs_sparql_free(q);
    if (st != BS_OK) {
        free(buf);
        if (asprintf(err, "HTTP 500 (%s)", msg ? msg : bs_strerror(st)) < 0) *err = NULL;
        free(msg);
        return BS_ERR_IO;
    }
    free(msg);
    *json = buf;
    *len = n;
    return BS_OK;
}

bs_status w3c_endpoint_call(void *ctx, const bs_sparql_service_call *c,
                            char **json, size_t *len, char **err)
{
    w3c_endpoints *e = ctx;
    char why[400] = "";
    *json = NULL;
    *len = 0;
    for (size_t i = 0; e && i < e->t->nservices; i++) {
        if (strcmp(e->t->services[i].endpoint, c->endpoint)) continue;
        bs_store *s = store_of(e, i, why, sizeof why);
        if (!s) {
            *err = strdup(why);
            return BS_ERR_IO;
        }
        return answer(e, s, c, json, len, err);
    }
    *err = strdup("Connection refused (the test names no such endpoint)");
    return BS_ERR_IO;
}
