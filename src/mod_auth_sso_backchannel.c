/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* OpenID Connect Back-Channel Logout 1.0: the provider POSTs a logout
 * token to <base>/backchannel-logout, and every session of its sid, or of
 * its sub under this issuer, ends, on every server sharing the cache.
 *
 * The sessions are found through an index, from (realm, sub) and from
 * (realm, sid) to session IDs. It is written at login only, never on an
 * ordinary request, and holds at most SSO_INDEX_MAX IDs per key (the
 * oldest go). Its records live as long as a session may. They are kept in
 * the login cache of SSOSessionCache (shared like the sessions with Redis
 * or memcached): in the sessions' own cache they would take the room of
 * sessions, which a full cache then drops. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_backchannel.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_routes.h"
#include "mod_auth_sso_loginpage.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_op.h"
#include "sso_jwt.h"
#include "sso_key.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include <jansson.h>

/* Largest form read: one logout token (SSO_JWT_MAX_LEN) and its name. */
#define SSO_BCL_FORM_MAX (SSO_JWT_MAX_LEN + 64)

/* Key of kind (SSO_KEY_BY_SUB or SSO_KEY_BY_SID) for value under realm. */
static const char *ssomod_bcl_index_key(apr_pool_t *p, char kind,
                                        const unsigned char *realm,
                                        const char *value, apr_size_t *klen)
{
    apr_size_t vlen = strlen(value);
    unsigned char *body = apr_palloc(p, SSO_REALM_BYTES + vlen);

    memcpy(body, realm, SSO_REALM_BYTES);
    memcpy(body + SSO_REALM_BYTES, value, vlen);
    return sso_key_make(p, kind, body, SSO_REALM_BYTES + vlen, klen);
}

typedef struct {
    const unsigned char *id;
    apr_time_t expiry;
} ssomod_bcl_add_ctx;

static apr_time_t ssomod_bcl_index_add_fn(void *ctx, unsigned char *buf,
                                          apr_size_t *len, apr_size_t cap)
{
    ssomod_bcl_add_ctx *x = ctx;

    if (cap < SSO_INDEX_MAX * SSO_ID_BYTES) {
        return 0;
    }
    *len = sso_index_add(buf, *len, x->id, SSO_INDEX_MAX);
    return x->expiry;
}

static void ssomod_bcl_index_one(request_rec *r, const ssomod_server_conf *c,
                                 char kind, const char *value,
                                 const unsigned char *id)
{
    ssomod_bcl_add_ctx x;
    apr_size_t klen;
    const char *key;
    apr_status_t rv;

    if (!value || !*value) {
        return;
    }
    key = ssomod_bcl_index_key(r->pool, kind, c->realm_sso, value, &klen);
    x.id = id;
    x.expiry = r->request_time + apr_time_from_sec(c->session_max_age);
    rv = ssomod_cache_update(r->server, SSO_CACHE_AUX, key, klen,
                             ssomod_bcl_index_add_fn, &x, r->pool);
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_WARNING, rv,
                     SSOLOGNO(00122) "cannot index the session for "
                                     "back-channel logout (check "
                                     "SSOSessionCache %s): a logout "
                                     "at the provider will not end it",
                              c->session_cache->spec);
    }
}

void ssomod_backchannel_index(request_rec *r, const ssomod_server_conf *c,
                              const char *token, const char *sub,
                              const char *sid)
{
    const unsigned char *id = sso_id_decode(r->pool, token);

    if (!id) {
        return;
    }
    ssomod_bcl_index_one(r, c, SSO_KEY_BY_SUB, sub, id);
    ssomod_bcl_index_one(r, c, SSO_KEY_BY_SID, sid, id);
}

/* ---- the receiver ---- */

/* §2.8: 400 with a JSON error on failure; never cached. */
static int ssomod_bcl_answer(request_rec *r, int status, const char *error,
                             const char *description)
{
    json_t *doc = error ? json_pack("{s:s,s:s}", "error", error,
                                    "error_description", description)
                        : json_object();

    r->status = status;
    return ssomod_routes_send_json(r, doc);
}

static int ssomod_bcl_refuse(request_rec *r, const char *error, const char *why)
{
    ssomod_log_r(r, APLOG_WARNING, 0,
                 SSOLOGNO(00123) "back-channel logout refused: %s", why);
    return ssomod_bcl_answer(r, HTTP_BAD_REQUEST, error, why);
}

static const char *ssomod_bcl_form_token(request_rec *r, int *repeated)
{
    apr_array_header_t *pairs = NULL;
    const char *token = NULL;
    int i;

    *repeated = 0;
    if (ap_parse_form_data(r, NULL, &pairs, 8, SSO_BCL_FORM_MAX) != OK
        || !pairs) {
        return NULL;
    }
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        if (strcmp(pair->name, "logout_token")) {
            continue;
        }
        if (token) {
            *repeated = 1;
        }
        token = ssomod_form_value(r, pair);
    }
    return token;
}

static sso_jwt_status ssomod_bcl_verify_with(request_rec *r,
                                             const ssomod_server_conf *c,
                                             const char *token,
                                             const sso_jwks *keys,
                                             sso_jwt_result *out)
{
    sso_jwt_expect e = { 0 };

    e.issuer = c->authority;
    e.client_id = c->client_id;
    e.now = apr_time_sec(apr_time_now());
    e.clock_skew = c->clock_skew;
    return sso_jwt_verify_logout(r->pool, token, keys, &e, out);
}

/* The provider's keys, refetched once for an unknown kid, as at login.
 * NULL *why: valid. */
static sso_jwt_status ssomod_bcl_verify(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const char *token, sso_jwt_result *out,
                                        int *unavailable)
{
    const sso_provider_meta *meta;
    const sso_jwks *keys;
    sso_jwt_status st;

    *unavailable = 1;
    if (ssomod_op_meta(r, c, &meta) != OK
        || ssomod_op_jwks(r, c, meta, &keys) != OK) {
        return SSO_JWT_MALFORMED;
    }
    *unavailable = 0;
    st = ssomod_bcl_verify_with(r, c, token, keys, out);
    if (st == SSO_JWT_UNKNOWN_KID
        && ssomod_op_jwks_refetch(r, c, meta, &keys) == SSO_REFETCH_OK) {
        st = ssomod_bcl_verify_with(r, c, token, keys, out);
    }
    return st;
}

/* §2.6 step 6: a jti seen before is refused. The mark outlives the time
 * in which iat lets the token pass (SSOClockSkew either way). 1: first
 * time, 0: replayed, -1: the cache failed. */
static ssomod_mark_e ssomod_bcl_first_jti(request_rec *r,
                                          const ssomod_server_conf *c,
                                          const char *jti)
{
    apr_size_t klen;
    const char *key = ssomod_bcl_index_key(r->pool, SSO_KEY_LOGOUT_JTI,
                                           c->realm_sso, jti, &klen);

    return ssomod_cache_mark(
        r->server, key, klen,
        r->request_time + apr_time_from_sec(2 * c->clock_skew + 60), r->pool);
}

/* Ends every session listed under kind and value; returns how many. */
static int ssomod_bcl_end(request_rec *r, const ssomod_server_conf *c,
                          char kind, const char *value)
{
    unsigned char buf[SSO_INDEX_MAX * SSO_ID_BYTES];
    apr_size_t klen, len = sizeof(buf), i;
    const char *key =
        ssomod_bcl_index_key(r->pool, kind, c->realm_sso, value, &klen);
    int n = 0;

    if (ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, key, klen, buf, &len,
                              r->pool)
            != APR_SUCCESS
        || len % SSO_ID_BYTES) {
        return 0;
    }
    for (i = 0; i < len; i += SSO_ID_BYTES, n++) {
        ssomod_session_remove(r, c,
                              apr_pmemdup(r->pool, buf + i, SSO_ID_BYTES));
    }
    ssomod_cache_remove(r->server, SSO_CACHE_AUX, key, klen, r->pool);
    return n;
}

static int ssomod_bcl_post(request_rec *r, const ssomod_server_conf *c)
{
    const char *token;
    sso_jwt_result lt;
    sso_jwt_status st;
    int repeated, unavailable, n;

    if (!(token = ssomod_bcl_form_token(r, &repeated)) || repeated) {
        return ssomod_bcl_refuse(r, "invalid_request",
                                 repeated ? "logout_token is there twice"
                                          : "no logout_token in the form");
    }
    st = ssomod_bcl_verify(r, c, token, &lt, &unavailable);
    if (unavailable) {
        return ssomod_bcl_refuse(
            r, "temporarily_unavailable",
            "the provider's "
            "discovery document or keys are not available");
    }
    if (st != SSO_JWT_OK) {
        return ssomod_bcl_refuse(r, "invalid_request",
                                 apr_psprintf(r->pool, "%s (%s)", lt.error,
                                              sso_jwt_status_name(st)));
    }
    switch (ssomod_bcl_first_jti(r, c, lt.jti)) {
    case SSO_MARK_SET:
        break;
    case SSO_MARK_PRESENT:
        return ssomod_bcl_refuse(r, "invalid_request",
                                 "logout token jti was seen before (a replay)");
    default:
        return ssomod_bcl_refuse(
            r, "temporarily_unavailable",
            "the session cache failed (check SSOSessionCache)");
    }
    /* §2.7: the sid names one provider session; without it, the sub
     * names all of the user's. */
    n = lt.sid ? ssomod_bcl_end(r, c, SSO_KEY_BY_SID, lt.sid)
               : ssomod_bcl_end(r, c, SSO_KEY_BY_SUB, lt.sub);
    ssomod_log_r(r, APLOG_INFO, 0,
                 SSOLOGNO(00124) "back-channel logout of %s %s: %d session%s "
                                 "ended",
                          lt.sid ? "provider session" : "user",
                          ap_escape_logitem(r->pool, lt.sid ? lt.sid : lt.sub),
                          n, n == 1 ? "" : "s");
    if (n > 0) {
        ssomod_event_note(r, "session-ended", "backchannel");
    }
    return ssomod_bcl_answer(r, HTTP_OK, NULL, NULL);
}

int ssomod_backchannel_handle(request_rec *r, const ssomod_server_conf *c)
{
    if (r->method_number == M_POST) {
        return ssomod_bcl_post(r, c);
    }
    r->allowed = AP_METHOD_BIT << M_POST;
    return HTTP_METHOD_NOT_ALLOWED;
}
