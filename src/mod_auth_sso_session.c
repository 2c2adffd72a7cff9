/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Sessions: the cookie holds only a random ID; the record lives in the
 * session cache, keyed by the ID's raw bytes. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_refresh.h"
#include "sso_random.h"
#include "sso_cookie.h"
#include "sso_key.h"

#include "http_protocol.h"
#include "http_log.h"
#include "util_cookies.h"
#include "apr_strings.h"
#include "apr_uri.h"

/* scheme://host, with :port unless it is the scheme's default (or 0). */
const char *ssomod_public_url_for(apr_pool_t *p, const char *scheme,
                                  const char *host, apr_port_t port)
{
    if (!port || port == apr_uri_port_of_scheme(scheme)) {
        return apr_psprintf(p, "%s://%s", scheme, host);
    }
    return apr_psprintf(p, "%s://%s:%u", scheme, host, port);
}

/* SSOPublicURL, else built as httpd builds self-referential URLs: from
 * ServerName and the port decided at startup, never from the Host header. */
const char *ssomod_public_base(request_rec *r, const ssomod_server_conf *c)
{
    if (c->public_url) {
        return c->public_url;
    }
    return ssomod_public_url_for(r->pool, ap_http_scheme(r),
                                 r->server->server_hostname, c->self_port);
}

/* Over an https SSOPublicURL every cookie is Secure; the name's prefix
 * (__Host-, __Secure-) may demand Secure and Path=/ on its own. */
static const char *ssomod_cookie_attrs_of(request_rec *r,
                                          const ssomod_server_conf *c,
                                          const char *name, const char *path)
{
    int secure = !strncasecmp(ssomod_public_base(r, c), "https:", 6);

    return sso_cookie_attrs(r->pool, name, path, secure);
}

void ssomod_cookie_set(request_rec *r, const ssomod_server_conf *c,
                       const char *name, const char *value, long max_age,
                       const char *path)
{
    ap_cookie_write(r, name, value, ssomod_cookie_attrs_of(r, c, name, path),
                    max_age, r->err_headers_out, NULL);
}

void ssomod_cookie_clear(request_rec *r, const ssomod_server_conf *c,
                         const char *name, const char *path)
{
    ap_cookie_remove(r, name, ssomod_cookie_attrs_of(r, c, name, path),
                     r->err_headers_out, NULL);
}

typedef struct {
    const char *name;
    apr_size_t name_len;
    sso_cookie_found found;
} ssomod_cookie_search;

static int ssomod_cookie_find_in(void *rec, const char *key, const char *value)
{
    ssomod_cookie_search *search = rec;

    sso_cookie_scan(value, search->name, search->name_len, &search->found);
    return 1;
}

void ssomod_cookie_find(request_rec *r, const char *name,
                        sso_cookie_found *found)
{
    ssomod_cookie_search search = { name, strlen(name), { 0 } };

    apr_table_do(ssomod_cookie_find_in, &search, r->headers_in, "Cookie", NULL);
    *found = search.found;
}

/* The session cookie's value, copied into tok (SSO_ID_B64_LEN + 1 bytes)
 * when it has the length of an ID; NULL when absent or malformed. */
static const char *ssomod_session_token(request_rec *r,
                                        const ssomod_server_conf *c, char *tok)
{
    sso_cookie_found found;

    ssomod_cookie_find(r, c->cookie_name, &found);
    if (found.conflict) {
        ssomod_log_r(
            r, APLOG_WARNING, 0,
            SSOLOGNO(00087) "the request carries cookie %s twice, "
                            "with different values: treated as signed out",
                     c->cookie_name);
        return NULL;
    }
    if (!found.count || found.len != SSO_ID_B64_LEN) {
        return NULL;
    }
    memcpy(tok, found.value, SSO_ID_B64_LEN);
    tok[SSO_ID_B64_LEN] = '\0';
    return tok;
}

/* One memo per connection, made when it first carries a session. */
static sso_memo *ssomod_session_memo(request_rec *r,
                                     const ssomod_server_conf *c)
{
    conn_rec *conn = r->connection;
    sso_memo *m;

    if (!ssomod_cache_stamps(c->session_cache)) {
        return NULL;
    }
    if (!(m = ap_get_module_config(conn->conn_config, &auth_sso_module))) {
        m = apr_pcalloc(conn->pool, sizeof(*m));
        ap_set_module_config(conn->conn_config, &auth_sso_module, m);
    }
    return m;
}

static int ssomod_session_from_memo(request_rec *r, const ssomod_server_conf *c,
                                    const sso_memo *m, const char *tok,
                                    const unsigned char **id,
                                    unsigned char *buf, apr_size_t *len)
{
    const unsigned char *mid = sso_memo_id(m, c->session_cache, tok), *rec;
    apr_uint32_t stamp;

    if (!mid) {
        return 0;
    }
    stamp = sso_stamps_read(ssomod_cache_stamps(c->session_cache), mid);
    if (!(rec =
              sso_memo_record(m, stamp, apr_time_sec(r->request_time), len))) {
        return 0;
    }
    ssomod_log_r(r, APLOG_TRACE1, 0,
                 SSOLOGNO(00088) "session read from the connection's memo");
    *id = apr_pmemdup(r->pool, mid, SSO_ID_BYTES);
    memcpy(buf, rec, *len);
    return 1;
}

/* The child's table of records read from a shared cache, when this
 * server reuses them (SSOSessionCacheReuse > 0). */
static sso_reuse *ssomod_session_reuse_table(const ssomod_server_conf *c,
                                             const sso_stamps **st)
{
    if (c->session_cache_reuse <= 0) {
        return NULL;
    }
    return ssomod_cache_reuse(c->session_cache, st);
}

/* Naps while another thread reads the same record: together longer than
 * SSO_REUSE_GRACE, after which this one reads it itself. */
#define SSO_SESSION_REUSE_NAP   2000
#define SSO_SESSION_REUSE_WAITS 60

static int ssomod_session_reused(request_rec *r, const ssomod_server_conf *c,
                                 sso_reuse *t, const sso_stamps *st,
                                 const char *tok, const unsigned char **id,
                                 unsigned char *buf, apr_size_t *len)
{
    unsigned char rid[SSO_ID_BYTES];
    apr_time_t age;
    int tries = 0, got;

    /* Another thread of this child is reading it: its answer is a few
     * milliseconds away (SSO_REUSE_GRACE at most). */
    while ((got = sso_reuse_get(t, st, c->session_cache, tok, apr_time_now(),
                                apr_time_from_sec(c->session_cache_reuse), rid,
                                buf, len, &age))
               == SSO_REUSE_WAIT
           && tries++ < SSO_SESSION_REUSE_WAITS) {
        apr_sleep(SSO_SESSION_REUSE_NAP);
    }
    if (got != SSO_REUSE_HIT) {
        return 0;
    }
    ssomod_log_r(r, APLOG_TRACE1, 0,
                 SSOLOGNO(00101) "session reused: read from the session "
                                 "cache %" APR_TIME_T_FMT " ms ago",
                          apr_time_as_msec(age));
    *id = apr_pmemdup(r->pool, rid, SSO_ID_BYTES);
    return 1;
}

/* With records reused from a shared cache, the requests that find the
 * same copy due for a write-back (last-seen, account re-check) would all
 * write it at once: one per child does, the others serve the copy, which
 * is no older than SSOSessionCacheReuse. */
int ssomod_session_may_write(request_rec *r, const ssomod_server_conf *c)
{
    const sso_stamps *st;
    sso_reuse *t = ssomod_session_reuse_table(c, &st);
    char tok[SSO_ID_B64_LEN + 1];

    if (!t || !ssomod_session_token(r, c, tok)) {
        return 1;
    }
    return sso_reuse_claim(t, c->session_cache, tok, apr_time_now(),
                           apr_time_from_sec(1));
}

/* The session record, from the connection's memo (a cache on this host)
 * or the child's table of reused records (a shared cache) when it is
 * still good, else from the cache: most requests then take neither the
 * cache's lock nor a round trip. APR_BADARG: tok is no ID. */
static apr_status_t ssomod_session_fetch(request_rec *r,
                                         const ssomod_server_conf *c,
                                         const char *tok,
                                         const unsigned char **id,
                                         unsigned char *buf, apr_size_t *len)
{
    sso_memo *m = ssomod_session_memo(r, c);
    const sso_stamps *st = m ? ssomod_cache_stamps(c->session_cache) : NULL;
    sso_reuse *t = m ? NULL : ssomod_session_reuse_table(c, &st);
    apr_uint32_t stamp = 0;
    apr_time_t read_at = 0;
    apr_status_t rv;

    if (m && ssomod_session_from_memo(r, c, m, tok, id, buf, len)) {
        return APR_SUCCESS;
    }
    if (t && ssomod_session_reused(r, c, t, st, tok, id, buf, len)) {
        return APR_SUCCESS;
    }
    if (!(*id = sso_id_decode(r->pool, tok))) {
        if (t) {
            sso_reuse_forget(t, c->session_cache, tok);
        }
        return APR_BADARG;
    }
    /* The stamp before the read: a write meanwhile voids what is kept. */
    if (m || t) {
        stamp = sso_stamps_read(st, *id);
        read_at = apr_time_now();
    }
    rv = ssomod_cache_retrieve(r->server, SSO_CACHE_SESSIONS, (const char *)*id,
                               SSO_ID_BYTES, buf, len, r->pool);
    if (rv != APR_SUCCESS) {
        if (t) {
            sso_reuse_forget(t, c->session_cache, tok);
        }
        return rv;
    }
    if (m) {
        sso_memo_put(m, c->session_cache, tok, *id, stamp,
                     apr_time_sec(r->request_time), buf, *len);
    }
    else if (t) {
        sso_reuse_put(t, c->session_cache, tok, *id, stamp, read_at, buf, *len);
    }
    return rv;
}

ssomod_load_e ssomod_session_load(request_rec *r, const ssomod_server_conf *c,
                                  sso_session *out, const unsigned char **id)
{
    unsigned char buf[SSO_SESSION_MAX];
    char tok[SSO_ID_B64_LEN + 1];
    apr_size_t len = sizeof(buf);
    apr_int64_t now = apr_time_sec(r->request_time);
    const char *problem;
    apr_status_t rv;

    *id = NULL;
    if (!ssomod_session_token(r, c, tok)) {
        return SSO_LOAD_NONE;
    }
    rv = ssomod_session_fetch(r, c, tok, id, buf, &len);
    if (rv == APR_BADARG) {
        return SSO_LOAD_NONE;
    }
    /* A shared cache that is down says "not found" too: it must give 503,
     * not send every user to the login page. */
    if (rv == APR_NOTFOUND) {
        rv = ssomod_cache_alive(r->server, r->pool) == APR_SUCCESS
                 ? APR_NOTFOUND
                 : APR_ECONNREFUSED;
    }
    /* The cache drops records when they expire: a cookie it no longer
     * knows belonged to a session that ended. */
    if (rv == APR_NOTFOUND) {
        ssomod_event_note(r, "session-ended", "expired");
        return SSO_LOAD_EXPIRED;
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_ERR, rv,
                     SSOLOGNO(00089) "session cache %s failed "
                                     "to answer (check SSOSessionCache)",
                              c->session_cache->spec);
        return SSO_LOAD_ERROR;
    }
    if ((problem = sso_session_decode(r->pool, buf, len, out))) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00090) "session refused: %s", problem);
        return SSO_LOAD_NONE;
    }
    /* After the memo too: a memo is shared by the virtual hosts of a cache. */
    if (!sso_session_realm_ok(out, c->realm_sso, c->realm_local)) {
        ssomod_log_r(
            r, APLOG_DEBUG, 0,
            SSOLOGNO(00091) "session of %s ignored: it was made "
                            "under another configuration (its session realm "
                            "differs in "
                            "SSOAuthority, SSOClientID, SSOUserStore or "
                            "SSOLocalAuthProvider)",
                     out->user);
        return SSO_LOAD_NONE;
    }
    if (sso_session_expired(out, now, c->session_timeout, c->session_max_age)) {
        ssomod_cache_remove(r->server, SSO_CACHE_SESSIONS, (const char *)*id,
                            SSO_ID_BYTES, r->pool);
        ssomod_event_note(r, "session-ended", "expired");
        ssomod_event_user(r, out->user);
        return SSO_LOAD_EXPIRED;
    }
    return SSO_LOAD_OK;
}

/* Every record is written under the realm of this configuration: a
 * session is only ever saved where it was made or accepted. refresh:
 * write only over the record still in the cache (never bring back a
 * session a logout or a disable removed meanwhile). */
static apr_status_t ssomod_session_write(request_rec *r,
                                         const ssomod_server_conf *c,
                                         const unsigned char *id,
                                         const sso_session *in, int refresh)
{
    unsigned char buf[SSO_SESSION_MAX];
    apr_int64_t now = apr_time_sec(r->request_time);
    sso_session copy = *in, *s = &copy;
    apr_size_t len;
    apr_time_t expiry;

    memcpy(s->realm, strcmp(s->method, "sso") ? c->realm_local : c->realm_sso,
           SSO_REALM_BYTES);
    len = sso_session_encode(s, buf, sizeof(buf));
    expiry = apr_time_from_sec(
        now + sso_session_ttl(s, now, c->session_timeout, c->session_max_age));

    if (!len) {
        return APR_ENOSPC;
    }
    if (refresh) {
        return ssomod_cache_refresh(r->server, SSO_CACHE_SESSIONS,
                                    (const char *)id, SSO_ID_BYTES, expiry, buf,
                                    len, SSO_SESSION_MAX, r->pool);
    }
    return ssomod_cache_store(r->server, SSO_CACHE_SESSIONS, (const char *)id,
                              SSO_ID_BYTES, expiry, buf, len, r->pool);
}

apr_status_t ssomod_session_save(request_rec *r, const ssomod_server_conf *c,
                                 const unsigned char *id, const sso_session *s)
{
    return ssomod_session_write(r, c, id, s, 0);
}

/* Without a cache lock (Redis, memcached) a removal leaves a tombstone in
 * the login cache, for longer than a refresh's check, write and look at
 * the tombstone can take. */
#define SSO_TOMBSTONE_TTL 60

static const char *ssomod_session_tombstone_key(apr_pool_t *p,
                                                const unsigned char *id)
{
    apr_size_t len;

    return sso_key_make(p, SSO_KEY_TOMBSTONE, id, SSO_ID_BYTES, &len);
}

/* A refresh that checked before a removal and wrote after it brought the
 * record back: the removal's tombstone says so, and it goes again. */
static void ssomod_session_bury_again(request_rec *r, const unsigned char *id)
{
    unsigned char b[8];
    apr_size_t len = sizeof(b);

    if (ssomod_cache_locked(r->server)
        || ssomod_cache_retrieve(r->server, SSO_CACHE_AUX,
                                 ssomod_session_tombstone_key(r->pool, id),
                                 SSO_KEY_OVERHEAD + SSO_ID_BYTES, b, &len,
                                 r->pool)
               != APR_SUCCESS) {
        return;
    }
    ssomod_log_r(
        r, APLOG_DEBUG, 0,
        SSOLOGNO(00092) "a refresh raced a logout: session removed again");
    ssomod_cache_remove(r->server, SSO_CACHE_SESSIONS, (const char *)id,
                        SSO_ID_BYTES, r->pool);
}

/* Writes last_seen back at most once per tenth of the timeout, or when
 * the record changed (a registry re-check). */
void ssomod_session_touch(request_rec *r, const ssomod_server_conf *c,
                          const unsigned char *id, sso_session *s, int changed)
{
    apr_int64_t now = apr_time_sec(r->request_time);
    apr_status_t rv;

    if (!changed
        && (!sso_session_needs_touch(s, now, c->session_timeout)
            || !ssomod_session_may_write(r, c))) {
        return;
    }
    s->last_seen = now;
    rv = ssomod_session_write(r, c, id, s, 1);
    if (rv == APR_NOTFOUND) {
        ssomod_log_r(r, APLOG_DEBUG, 0,
                     SSOLOGNO(00093) "session of %s ended meanwhile: not "
                                     "refreshed",
                              s->user);
        return;
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_WARNING, rv,
                     SSOLOGNO(00094) "could not refresh the session of %s",
                              s->user);
        return;
    }
    ssomod_log_r(r, APLOG_DEBUG, 0,
                 SSOLOGNO(00095) "session of %s refreshed", s->user);
    ssomod_session_bury_again(r, id);
}

/* The socache API does not say when a full cache drops old records. A
 * canary planted with a far expiry is among the oldest records: when it is
 * gone, the cache has started dropping sessions. Checked at login only. */

static int ssomod_aux_has(request_rec *r, const char *name)
{
    unsigned char b[8];
    apr_size_t klen, len = sizeof(b);
    const char *key =
        sso_key_make(r->pool, SSO_KEY_MARK, name, strlen(name), &klen);

    return ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, key, klen, b, &len,
                                 r->pool)
           == APR_SUCCESS;
}

/* Non-zero for the one caller that set the mark (absent before). */
static int ssomod_aux_mark(request_rec *r, const char *name, int ttl)
{
    apr_size_t klen;
    const char *key =
        sso_key_make(r->pool, SSO_KEY_MARK, name, strlen(name), &klen);

    return ssomod_cache_mark(r->server, key, klen,
                             r->request_time + apr_time_from_sec(ttl), r->pool)
           == SSO_MARK_SET;
}

static void ssomod_session_watch_capacity(request_rec *r,
                                          const ssomod_server_conf *c)
{
    unsigned char b[8];
    apr_size_t len = sizeof(b);
    const apr_int64_t year = 365 * 86400;

    if (ssomod_cache_retrieve(r->server, SSO_CACHE_SESSIONS, SSO_KEY_CANARY,
                              strlen(SSO_KEY_CANARY), b, &len, r->pool)
        == APR_SUCCESS) {
        return;
    }
    /* Setting the mark and testing it are one step: two logins at once
     * cannot both warn. */
    if (ssomod_aux_has(r, SSO_KEY_MARK_CANARY_PLANTED)
        && ssomod_aux_mark(r, SSO_KEY_MARK_CANARY_WARNED, 60)) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00096) "the session cache %s is "
                                     "full: the oldest sessions are being "
                                     "dropped (give it more "
                                     "room in SSOSessionCache)",
                              c->session_cache->spec);
    }
    ssomod_cache_store(r->server, SSO_CACHE_SESSIONS, SSO_KEY_CANARY,
                       strlen(SSO_KEY_CANARY),
                       r->request_time + apr_time_from_sec(year),
                       (const unsigned char *)"1", 1, r->pool);
    (void)ssomod_aux_mark(r, SSO_KEY_MARK_CANARY_PLANTED, (int)year);
}

/* A fresh ID for every login: an ID is never reused or taken from the
 * client. Sets the cookie; *token is its value. */
apr_status_t ssomod_session_create(request_rec *r, const ssomod_server_conf *c,
                                   const sso_session *s, const char **token)
{
    const unsigned char *id;
    apr_status_t rv;

    ssomod_session_watch_capacity(r, c);
    if ((rv = sso_random_token(r->pool, SSO_ID_BYTES, token)) != APR_SUCCESS) {
        return rv;
    }
    if (!(id = sso_id_decode(r->pool, *token))) {
        return APR_EGENERAL;
    }
    if ((rv = ssomod_session_save(r, c, id, s)) != APR_SUCCESS) {
        return rv;
    }
    ssomod_cookie_set(r, c, c->cookie_name, *token, 0, "/");
    return APR_SUCCESS;
}

static const char *ssomod_session_aux_key(apr_pool_t *p,
                                          const unsigned char *id)
{
    apr_size_t len;

    return sso_key_make(p, SSO_KEY_ID_TOKEN, id, SSO_ID_BYTES, &len);
}

/* Final: a refresh in flight never brings the session back (see
 * ssomod_session_touch). */
void ssomod_session_remove(request_rec *r, const ssomod_server_conf *c,
                           const unsigned char *id)
{
    if (!ssomod_cache_locked(r->server)) {
        ssomod_cache_store(
            r->server, SSO_CACHE_AUX, ssomod_session_tombstone_key(r->pool, id),
            SSO_KEY_OVERHEAD + SSO_ID_BYTES,
            r->request_time + apr_time_from_sec(SSO_TOMBSTONE_TTL),
            (const unsigned char *)"1", 1, r->pool);
    }
    ssomod_cache_remove(r->server, SSO_CACHE_SESSIONS, (const char *)id,
                        SSO_ID_BYTES, r->pool);
    ssomod_cache_remove(r->server, SSO_CACHE_AUX,
                        ssomod_session_aux_key(r->pool, id),
                        SSO_KEY_OVERHEAD + SSO_ID_BYTES, r->pool);
    if (c->group_refresh) {
        ssomod_refresh_forget(r, id);
    }
}

/* The ID token is only needed at logout (id_token_hint): it is kept in the
 * login cache so that session records stay small. */
void ssomod_session_keep_id_token(request_rec *r, const ssomod_server_conf *c,
                                  const char *token, const char *id_token)
{
    const unsigned char *id = sso_id_decode(r->pool, token);

    ssomod_cache_store(
        r->server, SSO_CACHE_AUX, ssomod_session_aux_key(r->pool, id),
        SSO_KEY_OVERHEAD + SSO_ID_BYTES,
        r->request_time + apr_time_from_sec(c->session_max_age),
        (const unsigned char *)id_token, strlen(id_token), r->pool);
}

/* The ID token kept at login (ssomod_session_keep_id_token), or NULL. */
const char *ssomod_session_id_token(request_rec *r, const ssomod_server_conf *c,
                                    const unsigned char *id)
{
    apr_size_t len = SSO_ID_TOKEN_MAX;
    unsigned char *buf = apr_palloc(r->pool, len + 1);

    if (ssomod_cache_retrieve(
            r->server, SSO_CACHE_AUX, ssomod_session_aux_key(r->pool, id),
            SSO_KEY_OVERHEAD + SSO_ID_BYTES, buf, &len, r->pool)
        != APR_SUCCESS) {
        return NULL;
    }
    buf[len] = '\0';
    return (const char *)buf;
}
