/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The provider's discovery document and keys, fetched on demand and kept
 * for an hour in the login cache, which every child process shares, and in
 * each child. While the provider is down or hangs, a child fetches a
 * document at most once every few seconds, one fetch at a time, and
 * answers meanwhile from the last good copy (up to a day old) or with a
 * 503 at once: an outage never ties up every worker. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_op.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_status.h"
#include "sso_http.h"
#include "sso_key.h"
#include "sso_parsed.h"
#include "sso_docs.h"
#include "sso_provider.h"

#include "http_log.h"
#include "http_core.h"
#include "scoreboard.h"
#include "apr_strings.h"

#define SSO_OP_DOC_TTL 3600 /* seconds a fetched document is fresh */
#define SSO_OP_STALE_MAX                                                       \
    86400                    /* seconds it still serves while the
                                    * provider cannot be reached */
#define SSO_OP_RETRY_GAP   5 /* seconds between fetches after a failure */
#define SSO_OP_FETCH_WAIT  apr_time_from_msec(500) /* for another's fetch */
#define SSO_OP_REFETCH_GAP 60 /* least seconds between JWKS refetches */
/* Documents up to the size a fetch accepts are kept (the login cache may
 * refuse the largest: then each child's copy serves). */
#define SSO_OP_CACHED_MAX SSO_PROVIDER_DOC_MAX

/* This process's parsed documents (sso_parsed.h) and last good copies
 * (sso_docs.h): a login takes the documents as bytes and parses them only
 * when they differ from the ones parsed last. Children do not outlive a
 * restart, so neither does this; the login cache does. NULL before
 * child_init. */
typedef struct {
    sso_parsed *parsed;
    sso_docs *docs;
} ssomod_op_child;

static ssomod_op_child *ssomod_op_state;

static apr_status_t ssomod_op_state_gone(void *unused)
{
    ssomod_op_state = NULL;
    return APR_SUCCESS;
}

/* After fork: the memo's lock and the curl handles belong to this child. */
void ssomod_op_child_init(apr_pool_t *p, server_rec *s)
{
    ssomod_op_child *st = apr_pcalloc(p, sizeof(*st));
    const char *why;
    apr_status_t rv = sso_parsed_create(p, SSO_OP_CACHED_MAX, &st->parsed);

    if (rv != APR_SUCCESS) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, rv, s,
            SSOLOGNO(00072) "cannot keep the "
                       "provider's documents parsed: each login parses them");
    }
    if ((rv = sso_docs_create(p, &st->docs)) != APR_SUCCESS) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, rv, s,
            SSOLOGNO(00073) "cannot keep the "
                       "provider's documents in this child: an outage of the "
                       "provider makes every login wait for it");
    }
    ssomod_op_state = st;
    apr_pool_cleanup_register(p, NULL, ssomod_op_state_gone,
                              apr_pool_cleanup_null);
    if ((why = sso_http_reuse_init(p))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     SSOLOGNO(00074) "cannot keep connections "
                                     "to the provider open: %s",
                              why);
    }
}

static sso_parsed *ssomod_op_parsed(void)
{
    return ssomod_op_state ? ssomod_op_state->parsed : NULL;
}

void ssomod_op_http_opts(const ssomod_server_conf *c, sso_http_opts *o)
{
    sso_http_opts_init(o);
    o->connect_timeout = c->http_connect_timeout;
    o->timeout = c->http_timeout;
    o->ca_file = c->ca_file;
}

/* ---- documents: this child's copy, the login cache, the provider ---- */

typedef struct {
    const char *doc; /* NULL when there is none */
    apr_size_t len;
    apr_time_t fetched;
} ssomod_op_doc;

static const char *ssomod_op_cache_key(apr_pool_t *p, char kind,
                                       const char *url, apr_size_t *len)
{
    return sso_key_make(p, kind, url, strlen(url), len);
}

/* The login cache in shmcb (1 MiB) holds no record over a few dozen KiB: a
 * smaller buffer will do. Redis and memcached copy the whole value first
 * anyway, and log an error when the buffer is too small. */
#define SSO_OP_SHMCB_READ (64 * 1024)

/* In the login cache a document is "<fetched time>\n<document>". */
static int ssomod_op_cached(request_rec *r, const ssomod_server_conf *c,
                            char kind, const char *url, ssomod_op_doc *d)
{
    apr_size_t klen, n = !strcmp(c->session_cache->name, "shmcb")
                             ? SSO_OP_SHMCB_READ
                             : SSO_OP_CACHED_MAX + 32;
    const char *key = ssomod_op_cache_key(r->pool, kind, url, &klen);
    unsigned char *buf = apr_palloc(r->pool, n + 1);
    apr_status_t rv;
    char *nl;

    rv = ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, key, klen, buf, &n,
                               r->pool);
    if (rv != APR_SUCCESS) {
        return 0;
    }
    buf[n] = '\0';
    if (!(nl = memchr(buf, '\n', n))) {
        return 0;
    }
    *nl = '\0';
    d->fetched = apr_atoi64((const char *)buf);
    d->doc = nl + 1;
    d->len = n - (nl + 1 - (char *)buf);
    return d->fetched > 0;
}

static int ssomod_op_fresh(const ssomod_op_doc *d, apr_time_t now, int max_age)
{
    return d->doc && now - d->fetched < apr_time_from_sec(max_age)
           && d->fetched <= now + apr_time_from_sec(60);
}

/* The newest copy of url's document: this child's, or the login cache's
 * when this child has none fresh (another child fetched it, or it
 * survived a restart). */
static void ssomod_op_doc_find(request_rec *r, const ssomod_server_conf *c,
                               char kind, const char *url, ssomod_op_doc *d)
{
    ssomod_op_doc shared = { NULL, 0, 0 };
    apr_time_t now = apr_time_now();

    d->doc = NULL;
    if (ssomod_op_state && ssomod_op_state->docs
        && sso_docs_get(ssomod_op_state->docs, r->pool, url, &d->doc, &d->len,
                        &d->fetched)
        && ssomod_op_fresh(d, now, SSO_OP_DOC_TTL)) {
        return;
    }
    if (!ssomod_op_cached(r, c, kind, url, &shared)
        || (d->doc && shared.fetched <= d->fetched)) {
        return;
    }
    *d = shared;
    if (ssomod_op_state && ssomod_op_state->docs) {
        sso_docs_put(ssomod_op_state->docs, url, d->doc, d->len, d->fetched);
    }
}

/* A document whose answer said no-cache or no-store (or max-age=0) is
 * counted as fetched SSO_OP_DOC_TTL ago: fetched again for the next login,
 * yet still the copy an outage falls back on. */
static apr_time_t ssomod_op_fetched_as(const sso_http_response *resp,
                                       apr_time_t now)
{
    const char *cc = resp->cache_control;

    if (cc
        && (ap_strcasestr(cc, "no-cache") || ap_strcasestr(cc, "no-store")
            || ap_strcasestr(cc, "max-age=0"))) {
        return now - apr_time_from_sec(SSO_OP_DOC_TTL);
    }
    return now;
}

static void ssomod_op_remember(request_rec *r, char kind, const char *url,
                               const sso_http_response *resp)
{
    apr_time_t fetched = ssomod_op_fetched_as(resp, apr_time_now());
    apr_size_t klen;
    const char *key = ssomod_op_cache_key(r->pool, kind, url, &klen);
    const char *rec;

    if (resp->len > SSO_OP_CACHED_MAX) {
        return;
    }
    if (ssomod_op_state && ssomod_op_state->docs) {
        sso_docs_put(ssomod_op_state->docs, url, resp->body, resp->len,
                     fetched);
    }
    rec = apr_psprintf(r->pool, "%" APR_TIME_T_FMT "\n%.*s", fetched,
                       (int)resp->len, resp->body);
    ssomod_cache_store(r->server, SSO_CACHE_AUX, key, klen,
                       fetched + apr_time_from_sec(SSO_OP_STALE_MAX),
                       (const unsigned char *)rec, strlen(rec), r->pool);
}

/* Non-zero when this request may fetch url: one fetch at a time per child,
 * none for SSO_OP_RETRY_GAP seconds after one failed. */
static int ssomod_op_fetch_begin(const char *url)
{
    if (!ssomod_op_state || !ssomod_op_state->docs) {
        return 1;
    }
    return sso_docs_fetch_begin(ssomod_op_state->docs, url, apr_time_now());
}

/* Waits briefly for another thread's fetch of url: long enough for a
 * provider that answers (a cold start with many logins at once), short
 * enough that a hanging one cannot tie up the workers. */
static void ssomod_op_fetch_wait(const char *url)
{
    if (ssomod_op_state && ssomod_op_state->docs) {
        sso_docs_fetch_wait(ssomod_op_state->docs, url,
                            apr_time_now() + SSO_OP_FETCH_WAIT);
    }
}

static void ssomod_op_fetch_end(const char *url, int ok)
{
    if (ssomod_op_state && ssomod_op_state->docs) {
        sso_docs_fetch_end(ssomod_op_state->docs, url, ok, apr_time_now(),
                           apr_time_from_sec(SSO_OP_RETRY_GAP));
    }
}

/* GETs url; on failure logs why (one line per failed fetch) and returns
 * the status of the page to show. */
static int ssomod_op_fetch(request_rec *r, const ssomod_server_conf *c,
                           const char *url, const char *what,
                           const char *directive, const sso_http_response **out)
{
    sso_http_response *resp = apr_pcalloc(r->pool, sizeof(*resp));
    sso_http_opts o;

    ssomod_op_http_opts(c, &o);
    if (sso_http_get(r->pool, &o, url, NULL, resp) != SSO_HTTP_OK) {
        ssomod_log_r(
            r, APLOG_ERR, 0,
            SSOLOGNO(00075) "cannot fetch the provider's "
                            "%s: %s (check %s and SSOHTTPTimeout, and that the "
                            "provider is reachable)",
                     what, resp->error, directive);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (resp->http_status != 200) {
        ssomod_log_r(r, APLOG_ERR, 0,
                     SSOLOGNO(00076) "the provider's %s at %s "
                                     "answered HTTP %ld (check %s)",
                              what, url, resp->http_status, directive);
        return HTTP_BAD_GATEWAY;
    }
    *out = resp;
    return OK;
}

static int ssomod_op_fail_page(request_rec *r, int status)
{
    if (status == HTTP_BAD_GATEWAY) {
        return ssomod_page_error(r, status, "Sign-in unavailable",
                                 "The SSO provider gave an unexpected answer.");
    }
    return ssomod_page_error(
        r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
        "Failed to reach SSO provider. Please try again later.");
}

static const char *ssomod_op_meta_parse_fn(apr_pool_t *p, const char *doc,
                                           apr_size_t len, const void *issuer,
                                           void **value)
{
    sso_provider_meta *meta;
    const char *err;

    if (sso_provider_parse(p, doc, len, issuer, &meta, &err) != APR_SUCCESS) {
        return err;
    }
    *value = meta;
    return NULL;
}

/* The parse depends on SSOAuthority too: it is part of the memo's name. */
static sso_provider_meta *ssomod_op_meta_read(request_rec *r,
                                              const ssomod_server_conf *c,
                                              const char *doc, apr_size_t len,
                                              const char **err)
{
    const char *name =
        apr_pstrcat(r->pool, "M", c->metadata_url, "\n", c->authority, NULL);

    return sso_parsed_get(ssomod_op_parsed(), r->pool, name, doc, len,
                          ssomod_op_meta_parse_fn, c->authority, err);
}

/* How each kind of document is named, read and refused. */
typedef void *(*ssomod_op_read_fn)(request_rec *r, const ssomod_server_conf *c,
                                   const char *url, const char *doc,
                                   apr_size_t len, const char **err);
typedef int (*ssomod_op_refuse_fn)(request_rec *r, const ssomod_server_conf *c,
                                   const char *url, const char *err);
typedef struct {
    char kind;             /* its login cache key's first byte */
    const char *what;      /* for the log */
    const char *directive; /* the directive that names its URL */
    ssomod_op_read_fn read;
    ssomod_op_refuse_fn refuse; /* logs and makes the page */
    void (*fetched)(request_rec *r, const void *value); /* may be NULL */
    sso_call_e call; /* server-status counts its fetches */
} ssomod_op_docdef;

/* What a document is kept under: its address, and the SSOCAFile that
 * vouched for it, so that a host trusting other CAs never takes a copy
 * another host fetched (only the TLS handshake knows the difference). */
static const char *ssomod_op_doc_name(apr_pool_t *p,
                                      const ssomod_server_conf *c,
                                      const char *url)
{
    if (!c->ca_file || !*c->ca_file) {
        return url;
    }
    return apr_pstrcat(p, url, "\nCA ", c->ca_file, NULL);
}

/* A document the provider sent: read (or refused) and kept as name. */
static int ssomod_op_take(request_rec *r, const ssomod_server_conf *c,
                          const ssomod_op_docdef *k, const char *url,
                          const char *name, const sso_http_response *resp,
                          void **value)
{
    const char *err;

    if (!(*value = k->read(r, c, url, resp->body, resp->len, &err))) {
        return k->refuse(r, c, url, err);
    }
    if (k->fetched) {
        k->fetched(r, *value);
    }
    ssomod_op_remember(r, k->kind, name, resp);
    return OK;
}

/* A fresh copy; else a fetch, one at a time per child and none for a few
 * seconds after one failed; else, when the provider could not be reached
 * or answered an error, a copy up to a day old; else a 503 at once. A
 * document the provider did send but that does not parse is refused:
 * that is no outage. With refetch, only a fetch. */
static int ssomod_op_document(request_rec *r, const ssomod_server_conf *c,
                              const ssomod_op_docdef *k, const char *url,
                              int refetch, void **value)
{
    const sso_http_response *resp = NULL;
    apr_time_t now = apr_time_now();
    const char *err, *name = ssomod_op_doc_name(r->pool, c, url);
    ssomod_op_doc d = { NULL, 0, 0 };
    int rc = HTTP_SERVICE_UNAVAILABLE;

    if (!refetch) {
        ssomod_op_doc_find(r, c, k->kind, name, &d);
    }
    if (ssomod_op_fresh(&d, now, SSO_OP_DOC_TTL)
        && (*value = k->read(r, c, url, d.doc, d.len, &err))) {
        return OK;
    }
    if (ssomod_op_fetch_begin(name)) {
        ssomod_status_timer timer = ssomod_status_call_begin(k->call);
        rc = ssomod_op_fetch(r, c, url, k->what, k->directive, &resp);
        if (rc == OK) {
            /* Kept before the fetch ends: its waiters look for it then. */
            rc = ssomod_op_take(r, c, k, url, name, resp, value);
            ssomod_status_call_end(r, timer, rc == OK);
            ssomod_op_fetch_end(name, 1);
            return rc;
        }
        ssomod_status_call_end(r, timer, 0);
        ssomod_op_fetch_end(name, 0);
    }
    else if (!ssomod_op_fresh(&d, now, SSO_OP_STALE_MAX)) {
        /* No copy at all: take what the fetch under way brings. */
        ssomod_op_fetch_wait(name);
        ssomod_op_doc_find(r, c, k->kind, name, &d);
        if (ssomod_op_fresh(&d, apr_time_now(), SSO_OP_STALE_MAX)
            && (*value = k->read(r, c, url, d.doc, d.len, &err))) {
            return OK;
        }
    }
    if (ssomod_op_fresh(&d, now, SSO_OP_STALE_MAX)
        && (*value = k->read(r, c, url, d.doc, d.len, &err))) {
        ssomod_log_r(r, APLOG_DEBUG, 0,
                     SSOLOGNO(00077) "the provider's %s cannot be fetched: "
                                     "using the copy of %" APR_TIME_T_FMT
                                     " s ago",
                              k->what, apr_time_sec(now - d.fetched));
        return OK;
    }
    return ssomod_op_fail_page(r, rc);
}

static void *ssomod_op_meta_read_fn(request_rec *r, const ssomod_server_conf *c,
                                    const char *url, const char *doc,
                                    apr_size_t len, const char **err)
{
    return ssomod_op_meta_read(r, c, doc, len, err);
}

static int ssomod_op_meta_refuse(request_rec *r, const ssomod_server_conf *c,
                                 const char *url, const char *err)
{
    ssomod_log_r(r, APLOG_ERR, 0,
                 SSOLOGNO(00078) "discovery document %s: %s "
                                 "(check SSOAuthority and SSOMetadataAddress)",
                          url, err);
    return ssomod_page_error(r, HTTP_BAD_GATEWAY, "Sign-in unavailable",
                             "Single sign-on is not configured correctly. "
                             "Please contact your administrator.");
}

/* SSOLogoutAtProvider needs end_session_endpoint. Said once per virtual
 * host and discovery document after each start or restart (and once a day
 * in a long run), by whichever request of whichever child reads the
 * document first: at the first sign-in or logout, since a start must not
 * wait for a provider that may be down. The mark in the login cache names
 * this generation's start, so a restart warns again; every child and
 * every server sharing the cache sees one mark. */
static void ssomod_op_warn_no_end_session(request_rec *r,
                                          const ssomod_server_conf *c,
                                          const sso_provider_meta *meta)
{
    server_rec *s = r->server;
    const char *name, *key;
    apr_size_t klen;

    if (!c->logout_at_provider || meta->end_session_endpoint) {
        return;
    }
    /* This start: the scoreboard's time of the last full (re)start, and
     * the configuration generation, which a graceful restart counts. */
    name = apr_psprintf(
        r->pool, "no-end-session\n%s\n%s:%u\n%" APR_TIME_T_FMT ".%d",
        c->metadata_url, s->defn_name ? s->defn_name : "", s->defn_line_number,
        ap_scoreboard_image ? ap_scoreboard_image->global->restart_time : 0,
        ap_state_query(AP_SQ_CONFIG_GEN));
    /* The key first: klen is set by sso_key_make. */
    key = sso_key_make(r->pool, SSO_KEY_MARK, name, strlen(name), &klen);
    if (ssomod_cache_mark(s, key, klen,
                          r->request_time + apr_time_from_sec(86400), r->pool)
        == SSO_MARK_SET) {
        ssomod_log_r(
            r, APLOG_WARNING, 0,
            SSOLOGNO(00128) "the provider advertises no "
                            "end_session_endpoint (discovery document %s): "
                            "SSOLogoutAtProvider On signs users out here only",
                     c->metadata_url);
    }
}

static const ssomod_op_docdef ssomod_op_meta_def = {
    SSO_KEY_METADATA,       "discovery document",  "SSOMetadataAddress",
    ssomod_op_meta_read_fn, ssomod_op_meta_refuse, NULL, SSO_CALL_DISCOVERY
};

int ssomod_op_meta(request_rec *r, const ssomod_server_conf *c,
                   const sso_provider_meta **meta)
{
    void *value = NULL;
    int rc = ssomod_op_document(r, c, &ssomod_op_meta_def, c->metadata_url, 0,
                                &value);

    *meta = value;
    if (rc == OK) {
        ssomod_op_warn_no_end_session(r, c, *meta);
    }
    return rc;
}

/* Once per fetch, not per login. */
static void ssomod_op_log_skipped(request_rec *r, const void *value)
{
    const sso_jwks *keys = value;
    int i;

    for (i = 0; i < sso_jwks_skipped(keys); i++) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00079) "provider key skipped: %s",
                              sso_jwks_skipped_reason(keys, i));
    }
}

static const char *ssomod_op_jwks_parse_fn(apr_pool_t *p, const char *doc,
                                           apr_size_t len, const void *unused,
                                           void **value)
{
    sso_jwks *keys;
    const char *err;

    if (sso_jwks_parse(p, doc, len, &keys, &err) != APR_SUCCESS) {
        return err;
    }
    *value = keys;
    return NULL;
}

/* The keys come with their imported EVP_PKEYs: a token is verified with
 * a key imported once per process, not once per login. */
static sso_jwks *ssomod_op_jwks_read(request_rec *r, const char *jwks_uri,
                                     const char *doc, apr_size_t len,
                                     const char **err)
{
    return sso_parsed_get(ssomod_op_parsed(), r->pool,
                          apr_pstrcat(r->pool, "J", jwks_uri, NULL), doc, len,
                          ssomod_op_jwks_parse_fn, NULL, err);
}

/* At most one refetch a minute, however many unknown kids come in, in
 * every process together. A cache that cannot answer does not block it. */
static int ssomod_op_may_refetch(request_rec *r, const char *jwks_uri)
{
    apr_size_t klen;
    const char *key =
        ssomod_op_cache_key(r->pool, SSO_KEY_JWKS_REFETCH, jwks_uri, &klen);

    return ssomod_cache_mark(
               r->server, key, klen,
               apr_time_now() + apr_time_from_sec(SSO_OP_REFETCH_GAP), r->pool)
           != SSO_MARK_PRESENT;
}

static void *ssomod_op_jwks_read_fn(request_rec *r, const ssomod_server_conf *c,
                                    const char *url, const char *doc,
                                    apr_size_t len, const char **err)
{
    return ssomod_op_jwks_read(r, url, doc, len, err);
}

static int ssomod_op_jwks_refuse(request_rec *r, const ssomod_server_conf *c,
                                 const char *url, const char *err)
{
    ssomod_log_r(r, APLOG_ERR, 0,
                 SSOLOGNO(00080) "the provider's keys at %s "
                                 "are unusable: %s",
                          url, err);
    return ssomod_page_error(r, HTTP_BAD_GATEWAY, "Sign-in unavailable",
                             "The SSO provider's signing keys are unusable.");
}

static const ssomod_op_docdef ssomod_op_jwks_def = {
    SSO_KEY_JWKS,           "signing keys (jwks_uri)", "SSOMetadataAddress",
    ssomod_op_jwks_read_fn, ssomod_op_jwks_refuse,     ssomod_op_log_skipped,
    SSO_CALL_JWKS
};

/* Another child may have refetched the keys already: the login cache then
 * holds a newer copy than this child's (name: ssomod_op_doc_name). */
static int ssomod_op_newer_shared(request_rec *r, const ssomod_server_conf *c,
                                  char kind, const char *url, ssomod_op_doc *d)
{
    ssomod_op_doc mine = { NULL, 0, 0 };

    if (!ssomod_op_cached(r, c, kind, url, d)) {
        return 0;
    }
    if (!ssomod_op_state || !ssomod_op_state->docs) {
        return 1;
    }
    if (sso_docs_get(ssomod_op_state->docs, r->pool, url, &mine.doc, &mine.len,
                     &mine.fetched)
        && mine.fetched >= d->fetched) {
        return 0;
    }
    sso_docs_put(ssomod_op_state->docs, url, d->doc, d->len, d->fetched);
    return 1;
}

int ssomod_op_jwks(request_rec *r, const ssomod_server_conf *c,
                   const sso_provider_meta *meta, const sso_jwks **keys)
{
    void *value = NULL;
    int rc = ssomod_op_document(r, c, &ssomod_op_jwks_def, meta->jwks_uri, 0,
                                &value);

    *keys = value;
    return rc;
}

ssomod_refetch_e ssomod_op_jwks_refetch(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const sso_provider_meta *meta,
                                        const sso_jwks **keys)
{
    void *value = NULL;
    const char *err;
    ssomod_op_doc d;
    int rc;

    if (ssomod_op_newer_shared(r, c, SSO_KEY_JWKS,
                               ssomod_op_doc_name(r->pool, c, meta->jwks_uri),
                               &d)
        && (*keys =
                ssomod_op_jwks_read(r, meta->jwks_uri, d.doc, d.len, &err))) {
        return SSO_REFETCH_OK;
    }
    if (!ssomod_op_may_refetch(r, meta->jwks_uri)) {
        return SSO_REFETCH_LIMITED;
    }
    rc = ssomod_op_document(r, c, &ssomod_op_jwks_def, meta->jwks_uri, 1,
                            &value);
    *keys = value;
    return rc == OK ? SSO_REFETCH_OK : SSO_REFETCH_FAILED;
}
