/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The authorization code flow: /sso/start sends the browser to the
 * provider, /sso/callback turns the code into a session. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_account.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_login.h"
#include "mod_auth_sso_op.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_status.h"
#include "mod_auth_sso_backchannel.h"
#include "mod_auth_sso_refresh.h"
#include "mod_auth_sso_registry.h"
#include "sso_account.h"
#include "sso_cookie.h"
#include "sso_http.h"
#include "sso_key.h"
#include "sso_oidc.h"
#include "sso_pending.h"
#include "sso_random.h"
#include "sso_secret.h"
#include "sso_url.h"

#include "http_log.h"
#include "http_protocol.h"
#include "util_cookies.h"
#include "apr_strings.h"

#define SSO_TXN_KEY_LEN (SSO_KEY_OVERHEAD + SSO_ID_BYTES)

/* The cookie that binds the login of this state to the browser. */
static const char *ssomod_login_cookie_name(request_rec *r,
                                            const ssomod_server_conf *c,
                                            const char *state)
{
    return sso_pending_name(r->pool,
                            sso_pending_prefix(r->pool, c->cookie_name), state);
}

static const char *ssomod_callback_path(request_rec *r,
                                        const ssomod_server_conf *c)
{
    return apr_pstrcat(r->pool, c->base_path, "/callback", NULL);
}

const char *ssomod_redirect_uri(request_rec *r, const ssomod_server_conf *c)
{
    return apr_pstrcat(r->pool, ssomod_public_base(r, c),
                       ssomod_callback_path(r, c), NULL);
}

/* Keyed by the state's raw bytes (sso_key.h), SSO_TXN_KEY_LEN long. */
static const char *ssomod_txn_key(request_rec *r, const char *state)
{
    const unsigned char *raw = sso_id_decode(r->pool, state);
    apr_size_t len;

    if (!raw) {
        return NULL;
    }
    return sso_key_make(r->pool, SSO_KEY_LOGIN, raw, SSO_ID_BYTES, &len);
}

/* ---- /sso/start ---- */

static int ssomod_login_txn_new(request_rec *r, const sso_provider_meta *meta,
                                const ssomod_server_conf *c, sso_txn *t)
{
    t->created = apr_time_sec(r->request_time);
    t->used = 0;
    t->pkce_verifier = NULL;
    if (sso_random_token(r->pool, SSO_ID_BYTES, &t->nonce) != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (c->pkce && meta->pkce_s256
        && sso_random_token(r->pool, SSO_ID_BYTES, &t->pkce_verifier)
               != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

static int ssomod_login_txn_store(request_rec *r, const sso_txn *t,
                                  const char *state)
{
    unsigned char buf[SSO_SESSION_MAX];
    apr_size_t len = sso_txn_encode(t, buf, sizeof(buf));
    apr_status_t rv;

    if (!len) {
        return HTTP_BAD_REQUEST;
    }
    rv = ssomod_cache_store(
        r->server, SSO_CACHE_AUX, ssomod_txn_key(r, state), SSO_TXN_KEY_LEN,
        r->request_time + apr_time_from_sec(SSO_TXN_TTL), buf, len, r->pool);
    if (rv == APR_SUCCESS) {
        return OK;
    }
    ssomod_log_r(r, APLOG_ERR, rv,
                 SSOLOGNO(00048) "cannot store a login in the "
                                 "session cache (check SSOSessionCache)");
    return ssomod_page_error(
        r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
        "Sign-in is temporarily unavailable. Please try again.");
}

static const char *ssomod_authorize_url(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const sso_provider_meta *meta,
                                        const sso_txn *t, const char *state)
{
    sso_oidc_authorize a;

    a.endpoint = meta->authorization_endpoint;
    a.client_id = c->client_id;
    a.redirect_uri = ssomod_redirect_uri(r, c);
    a.scopes = c->scopes;
    a.state = state;
    a.nonce = t->nonce;
    a.code_challenge = t->pkce_verifier
                           ? sso_pkce_challenge_s256(r->pool, t->pkce_verifier)
                           : NULL;
    return sso_oidc_build_authorize_url(r->pool, &a);
}

typedef struct {
    apr_pool_t *pool;
    const char *prefix;
    apr_array_header_t *found;
} ssomod_pending_search;

static int ssomod_login_pending_scan(void *rec, const char *key,
                                     const char *value)
{
    ssomod_pending_search *ps = rec;

    sso_pending_scan(ps->pool, value, ps->prefix, ps->found);
    return 1;
}

/* Makes room for one more pending login in this browser: the oldest
 * beyond SSO_PENDING_MAX are dropped (their callbacks are then refused).
 * The cookies are sent everywhere (Path=/), so that a login started from
 * any page (SSOUnauthenticated provider) sees them all. */
static void ssomod_login_pending_trim(request_rec *r,
                                      const ssomod_server_conf *c)
{
    ssomod_pending_search ps;
    int i, n;

    ps.pool = r->pool;
    ps.prefix = sso_pending_prefix(r->pool, c->cookie_name);
    ps.found = apr_array_make(r->pool, SSO_PENDING_MAX, sizeof(sso_pending));
    apr_table_do(ssomod_login_pending_scan, &ps, r->headers_in, "Cookie", NULL);
    n = sso_pending_excess(ps.found, SSO_PENDING_MAX - 1);
    for (i = 0; i < n; i++) {
        ssomod_cookie_clear(r, c, APR_ARRAY_IDX(ps.found, i, sso_pending).name,
                            "/");
    }
    if (n) {
        ssomod_log_r(r, APLOG_INFO, 0,
                     SSOLOGNO(00049) "this browser has %d unfinished logins: "
                                     "the %d oldest dropped",
                              ps.found->nelts, n);
    }
}

int ssomod_login_start(request_rec *r, const ssomod_server_conf *c,
                       const char *return_path)
{
    const char *name;
    const sso_provider_meta *meta;
    const char *state;
    sso_txn t;
    int rc;

    if ((rc = ssomod_op_meta(r, c, &meta)) != OK) {
        return rc;
    }
    if ((rc = ssomod_login_txn_new(r, meta, c, &t)) != OK
        || sso_random_token(r->pool, SSO_ID_BYTES, &state) != APR_SUCCESS) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    t.return_path = sso_url_return_path(r->pool, return_path);
    if (!(name = ssomod_login_cookie_name(r, c, state))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if ((rc = ssomod_login_txn_store(r, &t, state)) != OK) {
        return rc;
    }
    /* Binds the login to this browser: a callback without it is refused.
     * One cookie per login, so that tabs signing in at once do not
     * overwrite each other's. */
    ssomod_login_pending_trim(r, c);
    ssomod_cookie_set(r, c, name,
                      sso_pending_value(r->pool, state, r->request_time),
                      SSO_TXN_TTL, "/");
    apr_table_setn(r->headers_out, "Location",
                   ssomod_authorize_url(r, c, meta, &t, state));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_MOVED_TEMPORARILY;
}

/* ---- /sso/callback ---- */

typedef struct {
    request_rec *r;
    const ssomod_server_conf *c;
    apr_table_t *args;
    sso_txn txn;
    const sso_provider_meta *meta;
    sso_token_response token;
    sso_jwt_result id;
    json_t *userinfo;
} ssomod_callback;

/* The audit trail's login-refused, with its cause word. Refusals before
 * the provider named a user go to the CustomLog only, never to the
 * registry's bounded trail: anyone can send them, and they would push the
 * real sign-ins out. */
static void ssomod_callback_refused(ssomod_callback *cb, const char *cause)
{
    ssomod_event_note(cb->r, "login-refused", cause);
}

static int ssomod_callback_bad(ssomod_callback *cb, const char *cause,
                               const char *why)
{
    ssomod_callback_refused(cb, cause);
    ssomod_log_r(cb->r, APLOG_WARNING, 0,
                 SSOLOGNO(00050) "login callback "
                                 "refused: %s",
                          why);
    return ssomod_page_error(cb->r, HTTP_BAD_REQUEST, "Sign-in failed",
                             "This sign-in attempt is invalid or has expired. "
                             "Please start again from the login page.");
}

static int ssomod_callback_args(ssomod_callback *cb)
{
    const char *problem =
        sso_url_query_parse(cb->r->pool, cb->r->args, &cb->args);

    return problem ? ssomod_callback_bad(cb, "bad-request", problem) : OK;
}

/* NULL when this browser holds the login cookie of state, else why not.
 * The cookie, if any, is cleared: the state is used up or refused now. */
static const char *ssomod_callback_unbound(ssomod_callback *cb,
                                           const char *state, const char *name)
{
    sso_cookie_found found;
    const char *bound;
    apr_time_t started;

    ssomod_cookie_find(cb->r, name, &found);
    if (!found.count || (!found.len && !found.conflict)) {
        return "no login cookie for this state: the login was not started in "
               "this browser, was dropped for newer ones (8 at most), or "
               "expired";
    }
    ssomod_cookie_clear(cb->r, cb->c, name, "/");
    if (found.conflict) {
        return "the login cookie of this state is there twice, with different "
               "values";
    }
    bound = sso_pending_parse(cb->r->pool, found.value, found.len, &started);
    if (!bound || !sso_secret_equal(bound, state)) {
        return "state does not match this browser's login cookie";
    }
    return NULL;
}

/* The login record of state into cb->txn: NULL when it is pending, else
 * why not; *known when cb->txn was read (pending or used). */
static const char *ssomod_callback_txn_get(ssomod_callback *cb, const char *key,
                                           int *known)
{
    unsigned char buf[SSO_SESSION_MAX];
    apr_size_t len = sizeof(buf);

    *known = 0;
    if (ssomod_cache_retrieve(cb->r->server, SSO_CACHE_AUX, key,
                              SSO_TXN_KEY_LEN, buf, &len, cb->r->pool)
        != APR_SUCCESS) {
        return "state is unknown, expired or already used";
    }
    if (sso_txn_decode(cb->r->pool, buf, len, &cb->txn)) {
        return "login record is corrupt";
    }
    *known = 1;
    return cb->txn.used ? "state was already used" : NULL;
}

/* Keeps the return path only, until the login would have expired: a
 * second callback of this state (the back button, or a reload) in a
 * browser that is now signed in lands there. */
static void ssomod_callback_txn_use(ssomod_callback *cb, const char *key)
{
    unsigned char buf[SSO_SESSION_MAX];
    sso_txn used = cb->txn;
    apr_size_t len;

    used.used = 1;
    used.nonce = used.pkce_verifier = NULL;
    if ((len = sso_txn_encode(&used, buf, sizeof(buf)))
        && ssomod_cache_store(cb->r->server, SSO_CACHE_AUX, key,
                              SSO_TXN_KEY_LEN,
                              apr_time_from_sec(used.created + SSO_TXN_TTL),
                              buf, len, cb->r->pool)
               == APR_SUCCESS) {
        return;
    }
    ssomod_cache_remove(cb->r->server, SSO_CACHE_AUX, key, SSO_TXN_KEY_LEN,
                        cb->r->pool);
}

/* A callback that cannot sign in (another tab did, or the back button):
 * a browser with a valid session goes to the login's return path (or /
 * when the login is unknown) instead of an error. Nothing is created. */
static int ssomod_callback_stale(ssomod_callback *cb, const char *why,
                                 int known)
{
    const unsigned char *id;
    sso_session s;
    const char *to = known ? cb->txn.return_path : "/";

    if (ssomod_session_load(cb->r, cb->c, &s, &id) != SSO_LOAD_OK) {
        return ssomod_callback_bad(cb, "state-unknown", why);
    }
    ssomod_log_r(cb->r, APLOG_INFO, 0,
                 SSOLOGNO(00051) "login callback not used (%s): %s is "
                                 "already signed in, sent to %s",
                          why, s.user, ap_escape_logitem(cb->r->pool, to));
    apr_table_setn(cb->r->headers_out, "Location", to);
    return HTTP_MOVED_TEMPORARILY;
}

/* Takes this browser's login of state: a state works once, in the
 * browser that started it. */
static int ssomod_callback_txn(ssomod_callback *cb, const char *state)
{
    const char *key = ssomod_txn_key(cb->r, state);
    const char *name, *unbound, *missing;
    int known;

    if (!key) {
        return ssomod_callback_bad(cb, "state-unknown", "state is malformed");
    }
    if (!(name = ssomod_login_cookie_name(cb->r, cb->c, state))) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    unbound = ssomod_callback_unbound(cb, state, name);
    missing = ssomod_callback_txn_get(cb, key, &known);
    /* The record's state (used, unknown) is the truer reason. */
    if (unbound || missing) {
        return ssomod_callback_stale(cb, missing ? missing : unbound, known);
    }
    ssomod_callback_txn_use(cb, key);
    if (sso_txn_expired(&cb->txn, apr_time_sec(cb->r->request_time))) {
        return ssomod_callback_bad(cb, "state-expired",
                                   "login took longer than 10 minutes");
    }
    return OK;
}

static int ssomod_callback_provider_error(ssomod_callback *cb,
                                          const char *error)
{
    const char *desc = apr_table_get(cb->args, "error_description");
    request_rec *r = cb->r;

    ssomod_log_r(r, APLOG_ERR, 0,
                 SSOLOGNO(00052) "the provider refused the login: "
                                 "%s%s%s",
                          ap_escape_logitem(r->pool, error), desc ? ": " : "",
                          desc ? ap_escape_logitem(r->pool, desc) : "");
    ssomod_callback_refused(cb, "provider-error");
    return ssomod_page_error(r, HTTP_BAD_GATEWAY, "Sign-in failed",
                             apr_pstrcat(r->pool,
                                         "The SSO provider did not sign you "
                                         "in (",
                                         error, desc ? ": " : "",
                                         desc ? desc : "", ").", NULL));
}

/* RFC 9207: the iss parameter guards against mix-up attacks. */
static int ssomod_callback_iss(ssomod_callback *cb)
{
    const char *iss = apr_table_get(cb->args, "iss");

    if (iss && strcmp(iss, cb->c->authority)) {
        return ssomod_callback_bad(
            cb, "issuer-mismatch",
            apr_psprintf(cb->r->pool,
                         "iss parameter "
                         "'%s' differs from SSOAuthority '%s'",
                         ap_escape_logitem(cb->r->pool, iss),
                         cb->c->authority));
    }
    if (!iss && cb->meta->iss_parameter) {
        return ssomod_callback_bad(
            cb, "issuer-mismatch",
            "iss parameter missing, but the provider "
            "advertises authorization_response_iss_parameter_supported");
    }
    return OK;
}

static apr_array_header_t *ssomod_token_form(ssomod_callback *cb,
                                             const char *code, int post_auth)
{
    sso_oidc_token_req t;

    t.code = code;
    t.redirect_uri = ssomod_redirect_uri(cb->r, cb->c);
    t.code_verifier = cb->txn.pkce_verifier;
    t.post_auth = post_auth;
    t.client_id = cb->c->client_id;
    t.client_secret = cb->c->client_secret;
    return sso_oidc_build_token_form(cb->r->pool, &t);
}

/* Some providers get one method wrong (LemonLDAP::NG 2.16 refuses
 * client_secret_basic when the base64 holds '+' or '/'): the other method
 * is worth a try when the secret is right. */
static const char *ssomod_callback_auth_hint(int post)
{
    return post ? "; if the secret is right, try SSOTokenAuth "
                  "client_secret_basic"
                : "; if the secret is right, try SSOTokenAuth "
                  "client_secret_post";
}

static int ssomod_callback_token_failed(ssomod_callback *cb, const char *err,
                                        int post)
{
    request_rec *r = cb->r;
    int bad_client = cb->token.kind == SSO_TOKEN_INVALID_CLIENT;

    ssomod_log_r(r, APLOG_ERR, 0,
                 SSOLOGNO(00053) "token request to %s failed: %s%s",
                          cb->meta->token_endpoint, err,
                          bad_client ? ssomod_callback_auth_hint(post) : "");
    ssomod_callback_refused(cb, bad_client ? "wrong-secret" : "provider-error");
    if (bad_client) {
        return ssomod_page_error(
            r, HTTP_BAD_GATEWAY, "Sign-in failed",
            "This site's single sign-on credentials were rejected by the "
            "SSO provider. Please contact your administrator.");
    }
    return ssomod_page_error(r, HTTP_BAD_GATEWAY, "Sign-in failed",
                             "The SSO provider did not complete the sign-in. "
                             "Please try again.");
}

static int ssomod_callback_token(ssomod_callback *cb, const char *code)
{
    int post = sso_provider_token_auth(cb->meta, cb->c->token_auth)
               == SSO_PROVIDER_AUTH_POST;
    ssomod_status_timer timer = ssomod_status_call_begin(SSO_CALL_TOKEN);
    sso_http_response resp;
    apr_status_t parsed;
    const char *err;
    sso_http_opts o;

    ssomod_op_http_opts(cb->c, &o);
    if (sso_http_post_form(cb->r->pool, &o, cb->meta->token_endpoint,
                           ssomod_token_form(cb, code, post),
                           post ? NULL : cb->c->client_id,
                           post ? NULL : cb->c->client_secret, &resp)
        != SSO_HTTP_OK) {
        ssomod_status_call_end(cb->r, timer, 0);
        ssomod_log_r(cb->r, APLOG_ERR, 0,
                     SSOLOGNO(00054) "cannot reach the token "
                                     "endpoint: %s",
                              resp.error);
        ssomod_callback_refused(cb, "provider-error");
        return ssomod_page_error(
            cb->r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
            "Failed to reach SSO provider. Please try again later.");
    }
    parsed = sso_provider_parse_token_response(
        cb->r->pool, resp.http_status, resp.body, resp.len, &cb->token, &err);
    ssomod_status_call_end(cb->r, timer, parsed == APR_SUCCESS);
    if (parsed != APR_SUCCESS) {
        return ssomod_callback_token_failed(cb, err, post);
    }
    return OK;
}

static sso_jwt_status ssomod_callback_verify_with(ssomod_callback *cb,
                                                  const sso_jwks *keys)
{
    sso_jwt_expect e = { 0 };

    e.issuer = cb->c->authority;
    e.client_id = cb->c->client_id;
    e.nonce = cb->txn.nonce;
    e.access_token = cb->token.access_token;
    e.now = apr_time_sec(apr_time_now());
    e.clock_skew = cb->c->clock_skew;
    return sso_jwt_verify(cb->r->pool, cb->token.id_token, keys, &e, &cb->id);
}

static int ssomod_callback_id_token(ssomod_callback *cb)
{
    const sso_jwks *keys;
    sso_jwt_status st;
    int rc;

    if ((rc = ssomod_op_jwks(cb->r, cb->c, cb->meta, &keys)) != OK) {
        ssomod_callback_refused(cb, "provider-error");
        return rc;
    }
    st = ssomod_callback_verify_with(cb, keys);
    if (st == SSO_JWT_UNKNOWN_KID
        && ssomod_op_jwks_refetch(cb->r, cb->c, cb->meta, &keys)
               == SSO_REFETCH_OK) {
        st = ssomod_callback_verify_with(cb, keys);
    }
    if (st == SSO_JWT_OK) {
        return OK;
    }
    ssomod_log_r(cb->r, APLOG_ERR, 0,
                 SSOLOGNO(00055) "ID token refused (%s): %s%s",
                          sso_jwt_status_name(st), cb->id.error,
                          st == SSO_JWT_EXPIRED || st == SSO_JWT_BAD_IAT
                              ? " (check the clocks and SSOClockSkew)"
                              : "");
    ssomod_callback_refused(cb, st == SSO_JWT_EXPIRED || st == SSO_JWT_BAD_IAT
                                    ? "clock-skew"
                                    : "token-invalid");
    return ssomod_page_error(
        cb->r, HTTP_BAD_GATEWAY, "Sign-in failed",
        "The sign-in could not be verified. Please try again "
        "or contact your administrator.");
}

/* Userinfo only when the ID token lacks the groups claim. */
static int ssomod_callback_userinfo(ssomod_callback *cb)
{
    ssomod_status_timer timer;
    sso_http_response resp;
    const char *err;
    sso_http_opts o;
    int ok;

    if (sso_claim_path_get(cb->id.claims, cb->c->groups_claim_path)
        || !cb->meta->userinfo_endpoint) {
        return OK;
    }
    ssomod_op_http_opts(cb->c, &o);
    timer = ssomod_status_call_begin(SSO_CALL_USERINFO);
    ok = sso_http_get(cb->r->pool, &o, cb->meta->userinfo_endpoint,
                      cb->token.access_token, &resp)
             == SSO_HTTP_OK
         && resp.http_status == 200;
    ssomod_status_call_end(cb->r, timer, ok);
    if (!ok) {
        ssomod_log_r(cb->r, APLOG_ERR, 0,
                     SSOLOGNO(00056) "userinfo request failed: "
                                     "%s",
                              resp.error ? resp.error
                                         : apr_psprintf(cb->r->pool, "HTTP %ld",
                                                        resp.http_status));
        ssomod_callback_refused(cb, "provider-error");
        return ssomod_page_error(
            cb->r, HTTP_BAD_GATEWAY, "Sign-in failed",
            "The SSO provider did not return your profile.");
    }
    if (sso_provider_parse_userinfo(cb->r->pool, resp.body, resp.len,
                                    cb->id.sub, &cb->userinfo, &err)
        == APR_SUCCESS) {
        return OK;
    }
    ssomod_log_r(cb->r, APLOG_ERR, 0,
                 SSOLOGNO(00057) "userinfo refused: %s", err);
    ssomod_callback_refused(cb, "provider-error");
    return ssomod_page_error(cb->r, HTTP_BAD_GATEWAY, "Sign-in failed",
                             "The SSO provider returned an invalid profile.");
}

/* A claim from the ID token, else from userinfo. */
static json_t *ssomod_callback_claim(ssomod_callback *cb, const char *name)
{
    json_t *v = json_object_get(cb->id.claims, name);

    return v || !cb->userinfo ? v : json_object_get(cb->userinfo, name);
}

/* The groups claim (SSOGroupsClaim, a path) from the ID token, else from
 * userinfo. */
static json_t *ssomod_callback_groups(ssomod_callback *cb)
{
    const apr_array_header_t *path = cb->c->groups_claim_path;
    json_t *v = sso_claim_path_get(cb->id.claims, path);

    return v || !cb->userinfo ? v : sso_claim_path_get(cb->userinfo, path);
}

static const char *ssomod_callback_claim_string(ssomod_callback *cb,
                                                const char *name)
{
    const char *v = sso_jwt_claim_string(cb->id.claims, name);

    return v || !cb->userinfo ? v : sso_jwt_claim_string(cb->userinfo, name);
}

static int ssomod_callback_run(ssomod_callback *cb)
{
    const char *state = apr_table_get(cb->args, "state");
    const char *error = apr_table_get(cb->args, "error");
    const char *code = apr_table_get(cb->args, "code");
    int rc;

    if (!state) {
        return ssomod_callback_bad(cb, "state-unknown",
                                   "state parameter missing");
    }
    if ((rc = ssomod_callback_txn(cb, state)) != OK) {
        return rc;
    }
    if (error) {
        return ssomod_callback_provider_error(cb, error);
    }
    if ((rc = ssomod_op_meta(cb->r, cb->c, &cb->meta)) != OK) {
        ssomod_callback_refused(cb, "provider-error");
        return rc;
    }
    if ((rc = ssomod_callback_iss(cb)) != OK) {
        return rc;
    }
    if (!code) {
        return ssomod_callback_bad(cb, "bad-request", "code parameter missing");
    }
    if ((rc = ssomod_callback_token(cb, code)) != OK
        || (rc = ssomod_callback_id_token(cb)) != OK
        || (rc = ssomod_callback_userinfo(cb)) != OK) {
        return rc;
    }
    return OK;
}

/* The refusal event of a login that failed at its last step. */
static const char *ssomod_login_refused_event(const sso_session *s)
{
    return strcmp(s->method, "local") ? "login-refused" : "local-login-failed";
}

int ssomod_login_session(request_rec *r, const ssomod_server_conf *c,
                         const sso_session *s, const char **token)
{
    unsigned char buf[SSO_SESSION_MAX];
    apr_status_t rv;

    if (!sso_session_encode(s, buf, sizeof(buf))) {
        ssomod_log_r(
            r, APLOG_ERR, 0,
            SSOLOGNO(00058) "login refused for %s: the "
                       "session record would exceed %d bytes (%d local groups; "
                       "check SSOGroupMap)",
                s->user, SSO_SESSION_MAX, s->groups ? s->groups->nelts : 0);
        ssomod_event_note(r, ssomod_login_refused_event(s), "too-many-groups");
        ssomod_event_user(r, s->user);
        return ssomod_page_refused(r, HTTP_FORBIDDEN,
                                   "Your account is in too many "
                                   "groups to sign in.");
    }
    if ((rv = ssomod_session_create(r, c, s, token)) == APR_SUCCESS) {
        return OK;
    }
    ssomod_log_r(r, APLOG_ERR, rv,
                 SSOLOGNO(00059) "cannot store the session of %s "
                                 "(check SSOSessionCache %s)",
                          s->user, c->session_cache->spec);
    ssomod_event_note(r, ssomod_login_refused_event(s), "unavailable");
    ssomod_event_user(r, s->user);
    return ssomod_page_error(
        r, HTTP_SERVICE_UNAVAILABLE, "Sign-in failed",
        "Your session could not be created. Please try again "
        "later.");
}

/* email_verified present and not true: the address is only what the user
 * typed at the provider, so it is neither a username nor SSO_EMAIL. */
static void ssomod_callback_email_check(ssomod_callback *cb,
                                        ssomod_login_claims *lc)
{
    if (!lc->email
        || sso_jwt_claim_vouches(ssomod_callback_claim(cb, "email_verified"))) {
        return;
    }
    ssomod_log_r(
        cb->r, APLOG_INFO, 0,
        SSOLOGNO(00060) "user %s: email %s is not verified "
                        "(email_verified is not true): not used as a username "
                        "(SSOUsernameClaims) nor passed as SSO_EMAIL",
                 lc->sub, ap_escape_logitem(cb->r->pool, lc->email));
    lc->email = NULL;
    sso_account_drop_claim(cb->c->username_claims, lc->username_claims,
                           "email");
}

static int ssomod_callback_login(ssomod_callback *cb)
{
    const ssomod_server_conf *c = cb->c;
    const char *problem, *token;
    ssomod_login_claims lc;
    json_t *groups;
    sso_session s = { 0 };
    int rc;

    lc.issuer = c->authority;
    lc.sub = cb->id.sub;
    lc.email = ssomod_callback_claim_string(cb, "email");
    lc.name = ssomod_callback_claim_string(cb, "name");
    groups = ssomod_callback_groups(cb);
    lc.remote_groups = sso_groups_from_claim(cb->r->pool, groups, &problem);
    if (problem) {
        ssomod_log_r(cb->r, APLOG_WARNING, 0,
                     SSOLOGNO(00061) "user %s: %s "
                                     "(check SSOGroupsClaim)",
                              lc.sub, problem);
    }
    else if (!groups && c->group_map->nelts) {
        ssomod_log_r(cb->r, APLOG_WARNING, 0,
                     SSOLOGNO(00062) "user %s: the provider sent no '%s' "
                                     "claim, so SSOGroupMap maps nothing "
                                     "(check that SSOScopes "
                                     "includes groups, and SSOGroupsClaim)",
                              lc.sub, c->groups_claim);
    }
    lc.username_claims = apr_array_make(cb->r->pool, 2, sizeof(const char *));
    for (rc = 0; rc < c->username_claims->nelts; rc++) {
        APR_ARRAY_PUSH(lc.username_claims, const char *) =
            ssomod_callback_claim_string(
                cb, APR_ARRAY_IDX(c->username_claims, rc, const char *));
    }
    ssomod_callback_email_check(cb, &lc);
    if ((rc = ssomod_account_admit(cb->r, c, &lc, &s)) != OK) {
        return rc;
    }
    s.created = s.last_seen = s.verified = s.refreshed =
        apr_time_sec(cb->r->request_time);
    if ((rc = ssomod_login_session(cb->r, c, &s, &token)) != OK) {
        return rc;
    }
    ssomod_session_keep_id_token(cb->r, c, token, cb->token.id_token);
    ssomod_backchannel_index(cb->r, c, token, cb->id.sub,
                             sso_jwt_claim_string(cb->id.claims, "sid"));
    ssomod_refresh_keep_token(cb->r, c, token, &cb->token);
    ssomod_event_note(cb->r, "login", "sso");
    ssomod_event_user(cb->r, s.user);
    ssomod_registry_event(cb->r, c, NULL, s.user, "sso", "login", "sso");
    apr_table_setn(cb->r->headers_out, "Location", cb->txn.return_path);
    return HTTP_MOVED_TEMPORARILY;
}

/* A callback that signed no one in and named no cause (a bad request,
 * the registry or the cache failing...) is a refusal all the same. A
 * stale callback sent on to a session it already has is none. */
static void ssomod_callback_note_other(ssomod_callback *cb, int rc)
{
    if (rc != HTTP_MOVED_TEMPORARILY
        && !apr_table_get(cb->r->notes, "sso-event")) {
        ssomod_event_note(cb->r, "login-refused", "other");
    }
}

int ssomod_login_callback(request_rec *r, const ssomod_server_conf *c)
{
    ssomod_callback cb = { 0 };
    int rc;

    cb.r = r;
    cb.c = c;
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if ((rc = ssomod_callback_args(&cb)) != OK
        || (rc = ssomod_callback_run(&cb)) != OK
        || (rc = ssomod_callback_login(&cb)) != HTTP_MOVED_TEMPORARILY) {
        ssomod_callback_note_other(&cb, rc);
    }
    return rc;
}
