/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* server-status: with mod_status loaded, a mod_auth_sso section in the
 * HTML page and SSO...: value lines in ?auto. The counters live in one
 * anonymous shared memory block made by the parent, so every child adds
 * to the same figures (atomically, no lock) and they outlive restarts.
 * An authenticated request with a session touches none of it: only
 * identity events and calls to the provider count. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_config.h"
#include "mod_auth_sso_status.h"

#include "http_main.h"
#include "http_protocol.h"
#include "util_filter.h"
#include "mod_status.h"
#include "apr_hash.h"
#include "apr_optional_hooks.h"
#include "apr_shm.h"
#include "apr_strings.h"
#include "apr_atomic.h"

#define SSO_STATUS_KEY     "auth_sso_status"
#define SSO_STATUS_CAPTURE "AUTH_SSO_STATUS_CAPTURE"

/* NULL when the block could not be made (logged at startup). */
static sso_stats *ssomod_status_stats(server_rec *s)
{
    void *st = NULL;

    apr_pool_userdata_get(&st, SSO_STATUS_KEY, s->process->pool);
    return st;
}

int ssomod_status_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s)
{
    apr_pool_t *pp = s->process->pool;
    sso_stats *st;
    apr_shm_t *shm;
    apr_status_t rv;

    if (ssomod_status_stats(s)) {
        return OK;
    }
    rv = apr_shm_create(&shm, sizeof(*st), NULL, pp);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     SSOLOGNO(00141) "cannot make the shared memory of the "
                                     "server-status counters: the "
                                     "mod_auth_sso section shows none");
        return OK;
    }
    st = apr_shm_baseaddr_get(shm);
    memset(st, 0, sizeof(*st));
    st->started = (apr_uint32_t)apr_time_sec(apr_time_now());
    apr_pool_userdata_set(st, SSO_STATUS_KEY, apr_pool_cleanup_null, pp);
    return OK;
}

void ssomod_status_event(request_rec *r, const char *event, const char *cause)
{
    sso_stats_event(ssomod_status_stats(r->server), event, cause);
}

ssomod_status_timer ssomod_status_call_begin(sso_call_e call)
{
    ssomod_status_timer t;

    t.call = call;
    t.start = apr_time_now();
    return t;
}

void ssomod_status_call_end(request_rec *r, ssomod_status_timer t, int ok)
{
    apr_time_t now = apr_time_now();

    sso_stats_call_done(ssomod_status_stats(r->server), t.call,
                        (apr_uint32_t)apr_time_as_msec(now - t.start), ok,
                        (apr_uint32_t)apr_time_sec(now));
}

/* ---- the session cache's own figures ---- */

/* The provider writes its status to the response: this filter, on top of
 * the request's chain while it runs, keeps the text instead. */
static apr_status_t ssomod_status_capture(ap_filter_t *f,
                                          apr_bucket_brigade *bb)
{
    apr_array_header_t *text = f->ctx;
    apr_bucket *b;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
         b = APR_BUCKET_NEXT(b)) {
        const char *data;
        apr_size_t len;
        apr_size_t i;
        if (APR_BUCKET_IS_METADATA(b)
            || apr_bucket_read(b, &data, &len, APR_BLOCK_READ) != APR_SUCCESS) {
            continue;
        }
        for (i = 0; i < len; i++) {
            APR_ARRAY_PUSH(text, char) = data[i];
        }
    }
    apr_brigade_cleanup(bb);
    return APR_SUCCESS;
}

/* ap_rputs buffers in httpd's OLD_WRITE filter when that filter is on
 * top, and passes its text down the chain when another filter is: the
 * capture filter then gets it. mod_status has written before the hooks
 * run, so OLD_WRITE is in the chain; were it not, ap_rputs would put it
 * on top, above the capture filter, and the text would go out. */
static int ssomod_status_can_capture(request_rec *r)
{
    ap_filter_rec_t *old = ap_get_output_filter_handle("OLD_WRITE");
    ap_filter_t *f;

    for (f = r->output_filters; f && old; f = f->next) {
        if (f->frec == old) {
            return 1;
        }
    }
    return 0;
}

/* The short status of every distinct session cache, summed. */
static void ssomod_status_cache_figures(request_rec *r, apr_table_t *figures,
                                        apr_array_header_t *keys)
{
    apr_hash_t *seen = apr_hash_make(r->pool);
    apr_array_header_t *text = apr_array_make(r->pool, 1024, 1);
    ap_filter_t capture = { NULL, NULL, NULL, NULL, NULL };
    server_rec *s;

    if (!ssomod_status_can_capture(r)
        || !(capture.frec = ap_get_output_filter_handle(SSO_STATUS_CAPTURE))) {
        return;
    }
    /* Put on top by hand, whatever the types of the filters present
     * (ap_add_output_filter orders by type), and taken off again. */
    capture.ctx = text;
    capture.next = r->output_filters;
    capture.r = r;
    capture.c = r->connection;
    r->output_filters = &capture;
    for (s = ap_server_conf; s; s = s->next) {
        const ssomod_cache_conf *cc = ssomod_server_conf_get(s)->session_cache;
        if (!cc || !cc->instances
            || apr_hash_get(seen, &cc->instances, sizeof(cc->instances))) {
            continue;
        }
        apr_hash_set(
            seen, apr_pmemdup(r->pool, &cc->instances, sizeof(cc->instances)),
            sizeof(cc->instances), cc);
        text->nelts = 0;
        ssomod_cache_status(cc, r, AP_STATUS_SHORT);
        APR_ARRAY_PUSH(text, char) = '\0';
        sso_stats_socache_add(r->pool, text->elts, figures, keys);
    }
    r->output_filters = capture.next;
}

/* ---- the section ---- */

typedef struct {
    request_rec *r;
    int flags;
} ssomod_status_out;

static void ssomod_status_heading(ssomod_status_out *o, const char *title)
{
    if (!(o->flags & AP_STATUS_SHORT)) {
        ap_rprintf(o->r, "<h3>%s</h3>\n<table>\n", title);
    }
}

static void ssomod_status_row_put(ssomod_status_out *o, const char *key,
                                  const char *label, const char *value)
{
    if (o->flags & AP_STATUS_SHORT) {
        ap_rprintf(o->r, "%s: %s\n", key, value);
        return;
    }
    ap_rprintf(o->r, "<tr><td>%s</td><td><b>%s</b></td></tr>\n",
               ap_escape_html(o->r->pool, label),
               ap_escape_html(o->r->pool, value));
}

static void ssomod_status_table_end(ssomod_status_out *o)
{
    if (!(o->flags & AP_STATUS_SHORT)) {
        ap_rputs("</table>\n", o->r);
    }
}

static const char *ssomod_status_u32(apr_pool_t *p, apr_uint32_t v)
{
    return apr_psprintf(p, "%u", (unsigned)v);
}

/* Seconds since the epoch: as they are in ?auto, as a date in HTML. */
static const char *ssomod_status_when(ssomod_status_out *o, apr_uint32_t t)
{
    if (o->flags & AP_STATUS_SHORT) {
        return ssomod_status_u32(o->r->pool, t);
    }
    if (!t) {
        return "never";
    }
    return ap_ht_time(o->r->pool, apr_time_from_sec(t), "%Y-%m-%d %H:%M:%S UTC",
                      1);
}

static void ssomod_status_issuers(ssomod_status_out *o, const sso_stats *st)
{
    apr_hash_t *seen = apr_hash_make(o->r->pool);
    server_rec *s;

    ssomod_status_heading(o, "Provider");
    for (s = ap_server_conf; s; s = s->next) {
        const ssomod_server_conf *c = ssomod_server_conf_get(s);
        if (c->enable <= 0 || !c->authority
            || apr_hash_get(seen, c->authority, APR_HASH_KEY_STRING)) {
            continue;
        }
        apr_hash_set(seen, c->authority, APR_HASH_KEY_STRING, c);
        ssomod_status_row_put(o, "SSOIssuer", "issuer", c->authority);
    }
    ssomod_status_row_put(
        o, "SSODiscoveryFetched", "discovery document last fetched",
        ssomod_status_when(o, st->calls[SSO_CALL_DISCOVERY].last_ok));
    ssomod_status_row_put(
        o, "SSOJWKSFetched", "signing keys last fetched",
        ssomod_status_when(o, st->calls[SSO_CALL_JWKS].last_ok));
    ssomod_status_row_put(o, "SSOCountersSince", "counting since",
                          ssomod_status_when(o, st->started));
    ssomod_status_table_end(o);
}

/* Sessions and evictions first, under the names the issue gives them,
 * then every figure the provider gives, as it names them. */
static void ssomod_status_cache(ssomod_status_out *o)
{
    apr_pool_t *p = o->r->pool;
    apr_table_t *figures = apr_table_make(p, 24);
    apr_array_header_t *keys = apr_array_make(p, 24, sizeof(const char *));
    const char *v;
    int i;

    ssomod_status_cache_figures(o->r, figures, keys);
    ssomod_status_heading(o, "Session cache");
    if ((v = apr_table_get(figures, "CacheCurrentEntries"))) {
        ssomod_status_row_put(o, "SSOSessions", "sessions in the cache", v);
    }
    if ((v = apr_table_get(figures, "CacheDiscardCount"))) {
        ssomod_status_row_put(o, "SSOCacheEvictions",
                              "evictions (scrolled out before expiry)", v);
    }
    for (i = 0; i < keys->nelts; i++) {
        const char *k = APR_ARRAY_IDX(keys, i, const char *);
        const char *bare = strncmp(k, "Cache", 5) ? k : k + 5;
        ssomod_status_row_put(o, apr_pstrcat(p, "SSOCache", bare, NULL),
                              apr_pstrcat(p, "cache: ", k, NULL),
                              apr_table_get(figures, k));
    }
    ssomod_status_table_end(o);
}

static void ssomod_status_events(ssomod_status_out *o, const sso_stats *st)
{
    int i;

    ssomod_status_heading(o, "Sign-in since start");
    for (i = 0; i < SSO_STAT_COUNT; i++) {
        ssomod_status_row_put(
            o, sso_stats_key((sso_stat_e)i), sso_stats_label((sso_stat_e)i),
            ssomod_status_u32(
                o->r->pool,
                apr_atomic_read32((volatile apr_uint32_t *)&st->events[i])));
    }
    ssomod_status_table_end(o);
}

static void ssomod_status_call_rows(ssomod_status_out *o, const sso_stats *st,
                                    sso_call_e c)
{
    apr_pool_t *p = o->r->pool;
    const char *name = sso_stats_call_key(c);
    const char *key = apr_pstrcat(p, "SSOProvider", name, NULL);
    sso_stats_call_view v;

    sso_stats_call_read(st, c, &v);
    if (o->flags & AP_STATUS_SHORT) {
        ap_rprintf(o->r,
                   "%sCalls: %u\n%sErrors: %u\n%sMedianMs: %u\n"
                   "%sMaxMs: %u\n",
                   key, (unsigned)v.calls, key, (unsigned)v.errors, key,
                   (unsigned)v.median_ms, key, (unsigned)v.max_ms);
        return;
    }
    ap_rprintf(o->r,
               "<tr><td>%s</td><td><b>%u</b></td><td><b>%u</b></td>"
               "<td><b>%u</b></td><td><b>%u</b></td></tr>\n",
               name, (unsigned)v.calls, (unsigned)v.errors,
               (unsigned)v.median_ms, (unsigned)v.max_ms);
}

static void ssomod_status_calls(ssomod_status_out *o, const sso_stats *st)
{
    int i;

    ssomod_status_heading(o, "Calls to the provider");
    if (!(o->flags & AP_STATUS_SHORT)) {
        ap_rputs("<tr><th>call</th><th>count</th><th>errors</th>"
                 "<th>median ms</th><th>max ms</th></tr>\n",
                 o->r);
    }
    for (i = 0; i < SSO_CALL_COUNT; i++) {
        ssomod_status_call_rows(o, st, (sso_call_e)i);
    }
    ssomod_status_table_end(o);
}

/* mod_status runs it for server-status, where the administrator allows
 * that page: nothing here is reachable otherwise. */
static int ssomod_status_hook(request_rec *r, int flags)
{
    const sso_stats *st = ssomod_status_stats(r->server);
    ssomod_status_out o = { r, flags };

    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("<hr>\n<div id=\"mod_auth_sso\">\n"
                 "<h2><a name=\"mod_auth_sso\">mod_auth_sso</a></h2>\n",
                 r);
    }
    if (!st) {
        ssomod_status_heading(&o, "Counters");
        ssomod_status_row_put(&o, "SSOStatus", "counters", "unavailable");
        ssomod_status_table_end(&o);
    }
    else {
        ssomod_status_issuers(&o, st);
        ssomod_status_cache(&o);
        ssomod_status_events(&o, st);
        ssomod_status_calls(&o, st);
    }
    if (!(flags & AP_STATUS_SHORT)) {
        ap_rputs("</div>\n", r);
    }
    return OK;
}

void ssomod_status_register(apr_pool_t *p)
{
    APR_OPTIONAL_HOOK(ap, status_hook, ssomod_status_hook, NULL, NULL,
                      APR_HOOK_MIDDLE);
    /* Never added by name: ssomod_status_cache_figures puts it on top. */
    ap_register_output_filter(SSO_STATUS_CAPTURE, ssomod_status_capture, NULL,
                              AP_FTYPE_RESOURCE);
}
