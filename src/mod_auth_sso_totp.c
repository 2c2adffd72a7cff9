/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The TOTP step of local logins (SSOLocalTOTP): after the right password
 * an account with TOTP is asked for a code, and under Required an account
 * without it enrols first. A short-lived, single-use record in the login
 * cache ties the two steps; no session exists until the code is right. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_totp.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_registry.h"
#include "sso_key.h"
#include "sso_qr.h"
#include "sso_random.h"
#include "sso_registry.h"
#include "sso_totp.h"

#include "http_log.h"
#include "http_protocol.h"
#include "util_cookies.h"
#include "apr_escape.h"
#include "apr_strings.h"
#include <openssl/crypto.h>

static const char *ssomod_totpstep_cookie(request_rec *r,
                                          const ssomod_server_conf *c)
{
    return apr_pstrcat(r->pool, c->cookie_name, "_totp", NULL);
}

/* The key that seals secrets (sso_totp.h). 0 when it cannot be read:
 * logged, and the caller fails closed. */
int ssomod_totp_key_load(request_rec *r, const ssomod_server_conf *c,
                         unsigned char *key)
{
    const char *path = sso_totp_key_path(r->pool, c->user_store, SSO_STATE_DIR),
               *err = NULL;

    if (path && sso_totp_key_read(r->pool, path, key, &err) == APR_SUCCESS) {
        return 1;
    }
    ssomod_log_r(r, APLOG_ERR, 0,
                 SSOLOGNO(00113) "TOTP unavailable: %s (check SSOUserStore)",
                          err ? err
                              : "the user store has no directory for the key");
    return 0;
}

/* The secret of a sealed value, or NULL (logged). */
const unsigned char *ssomod_totp_secret_of(request_rec *r,
                                           const ssomod_server_conf *c,
                                           const char *username,
                                           const char *sealed, apr_size_t *len)
{
    unsigned char key[SSO_TOTP_KEY_BYTES], *secret = NULL;
    apr_status_t rv = APR_EGENERAL;

    if (ssomod_totp_key_load(r, c, key)) {
        rv = sso_totp_open(r->pool, key, username, sealed, &secret, len);
        OPENSSL_cleanse(key, sizeof(key));
        if (rv != APR_SUCCESS) {
            ssomod_log_r(
                r, APLOG_ERR, rv,
                SSOLOGNO(00114) "TOTP secret of %s does not open "
                           "under the key beside the store (was totp.key "
                           "replaced? sso-users totp %s disable, then enrol "
                           "again)",
                    username, username);
        }
    }
    return rv == APR_SUCCESS ? secret : NULL;
}

/* ---- the pending record ---- */

static int ssomod_totpstep_begin(request_rec *r, const ssomod_server_conf *c,
                                 char kind, const sso_user *u, const char *ret,
                                 const char *sealed)
{
    sso_totp_pending pd = { kind, apr_time_sec(r->request_time), u->username,
                            ret, sealed };
    unsigned char buf[SSO_TOTP_PENDING_MAX];
    const unsigned char *raw;
    const char *token, *key;
    apr_size_t len = sso_totp_pending_encode(&pd, buf, sizeof(buf)), klen;
    apr_status_t rv = APR_EGENERAL;

    if (len && sso_random_token(r->pool, SSO_ID_BYTES, &token) == APR_SUCCESS
        && (raw = sso_id_decode(r->pool, token)) != NULL) {
        key = sso_key_make(r->pool, SSO_KEY_TOTP_PENDING, raw, SSO_ID_BYTES,
                           &klen);
        rv = ssomod_cache_store(r->server, SSO_CACHE_AUX, key, klen,
                                r->request_time
                                    + apr_time_from_sec(SSO_TOTP_PENDING_TTL),
                                buf, len, r->pool);
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(
            r, APLOG_ERR, rv,
            SSOLOGNO(00115) "local login of %s refused: the session "
                            "cache %s failed to keep its TOTP step (check "
                            "SSOSessionCache)",
                     u->username, c->session_cache->spec);
        return ssomod_page_error(
            r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
            "Sign-in is temporarily unavailable. Please try again.");
    }
    ssomod_cookie_set(r, c, ssomod_totpstep_cookie(r, c), token,
                      SSO_TOTP_PENDING_TTL, ssomod_login_path(r, c));
    ssomod_log_r(
        r, APLOG_INFO, 0,
        SSOLOGNO(00116) "local user %s gave the right password; "
                        "%s",
                 u->username,
                 kind == 'c' ? "a TOTP code is due"
                             : "TOTP enrolment is due (SSOLocalTOTP Required)");
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, ssomod_login_path(r, c),
                               kind == 'c' ? "?step=code" : "?step=enrol",
                               NULL));
    return HTTP_SEE_OTHER;
}

/* The answer of the code step (or enrolment) after the right password. */
static int ssomod_totpstep_ask(request_rec *r, const ssomod_server_conf *c,
                               const sso_user *u, const char *ret)
{
    unsigned char key[SSO_TOTP_KEY_BYTES], secret[SSO_TOTP_SECRET_BYTES];
    const char *sealed = NULL;
    apr_status_t rv = APR_EGENERAL;

    if (u->totp_secret) {
        return ssomod_totpstep_begin(r, c, 'c', u, ret, NULL);
    }
    /* Enrolment: the new secret waits, sealed, in the pending record
     * until a first code confirms it. */
    if (ssomod_totp_key_load(r, c, key)) {
        if (sso_totp_secret_new(secret) == APR_SUCCESS) {
            rv = sso_totp_seal(r->pool, key, u->username, secret,
                               sizeof(secret), &sealed);
        }
        OPENSSL_cleanse(key, sizeof(key));
        OPENSSL_cleanse(secret, sizeof(secret));
    }
    if (rv != APR_SUCCESS) {
        return ssomod_page_error(
            r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
            "Sign-in is temporarily unavailable. Please try again.");
    }
    return ssomod_totpstep_begin(r, c, 'e', u, ret, sealed);
}

ssomod_totpstep_e ssomod_totpstep_after_password(request_rec *r,
                                                 const ssomod_server_conf *c,
                                                 const sso_user *u,
                                                 const char *ret, int *status)
{
    if (c->local_totp == SSO_LOCAL_TOTP_OFF
        || (!u->totp_secret && c->local_totp != SSO_LOCAL_TOTP_REQUIRED)) {
        return SSO_TOTP_STEP_NONE;
    }
    *status = ssomod_totpstep_ask(r, c, u, ret);
    return SSO_TOTP_STEP_ASKED;
}

/* The record the browser's cookie names, when it is there and young
 * enough; *key is its cache key. */
static int ssomod_totpstep_load(request_rec *r, const ssomod_server_conf *c,
                                sso_totp_pending *pd, const char **key,
                                apr_size_t *klen)
{
    unsigned char buf[SSO_TOTP_PENDING_MAX];
    apr_size_t len = sizeof(buf);
    const unsigned char *raw;
    const char *token = NULL;

    if (ap_cookie_read(r, ssomod_totpstep_cookie(r, c), &token, 0)
            != APR_SUCCESS
        || !token || !(raw = sso_id_decode(r->pool, token))) {
        return 0;
    }
    *key = sso_key_make(r->pool, SSO_KEY_TOTP_PENDING, raw, SSO_ID_BYTES, klen);
    if (ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, *key, *klen, buf, &len,
                              r->pool)
            != APR_SUCCESS
        || !sso_totp_pending_decode(r->pool, buf, len, pd)) {
        return 0;
    }
    return pd->created + SSO_TOTP_PENDING_TTL >= apr_time_sec(r->request_time);
}

static int ssomod_totpstep_expired(request_rec *r, const ssomod_server_conf *c)
{
    ssomod_cookie_clear(r, c, ssomod_totpstep_cookie(r, c),
                        ssomod_login_path(r, c));
    apr_table_setn(
        r->headers_out, "Location",
        apr_pstrcat(r->pool, ssomod_login_path(r, c), "?expired=1", NULL));
    return HTTP_SEE_OTHER;
}

/* ---- the pages ---- */

static const char *ssomod_totpstep_form(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const char *step, const char *button)
{
    const char *csrf = ssomod_login_csrf_token(r, c);

    return apr_pstrcat(
        r->pool, "<form method=\"post\" action=\"",
        ap_escape_html2(r->pool, ssomod_login_path(r, c), 1),
        "\"><p><label>Code<br><input name=\"code\" inputmode=\"numeric\" "
        "pattern=\"[0-9]{6}\" maxlength=\"6\" autocomplete=\"one-time-code\" "
        "required autofocus></label></p><input type=\"hidden\" name=\"step\" "
        "value=\"",
        step, "\"><input type=\"hidden\" name=\"csrf\" value=\"",
        csrf ? csrf : "", "\"><p><button class=\"btn\" type=\"submit\">",
        button, "</button></p></form>", NULL);
}

/* The QR code and the secret, for an authenticator app. */
const char *ssomod_totp_enrol_html(request_rec *r, const char *username,
                                   const unsigned char *secret, apr_size_t len)
{
    const char *uri = sso_totp_uri(r->pool, r->server->server_hostname,
                                   username, secret, len);
    const char *svg = sso_qr_svg(r->pool, uri, 4);

    return apr_pstrcat(
        r->pool,
        "<p>Scan this QR code with an authenticator "
        "app, or enter the secret by hand; then enter the 6-digit code the "
        "app shows.</p><p class=\"qr\">",
        svg ? svg : "",
        "</p><p>Secret: "
        "<code id=\"totp-secret\">",
        sso_base32_encode(r->pool, secret, len), "</code></p>", NULL);
}

int ssomod_totpstep_show(request_rec *r, const ssomod_server_conf *c,
                         apr_table_t *args)
{
    const char *title =
        apr_pstrcat(r->pool, "Sign in to ", r->server->server_hostname, NULL);
    const char *msg = apr_table_get(args, "error")
                          ? "<p class=\"msg\">The code is incorrect.</p>"
                          : "";
    const unsigned char *secret;
    sso_totp_pending pd;
    const char *key, *body;
    apr_size_t klen, len;

    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    if (!ssomod_totpstep_load(r, c, &pd, &key, &klen)) {
        return ssomod_totpstep_expired(r, c);
    }
    if (pd.kind == 'c') {
        body = apr_pstrcat(r->pool, msg,
                           "<p>Enter the 6-digit code from "
                           "your authenticator app.</p>",
                           ssomod_totpstep_form(r, c, "code", "Verify"), NULL);
    }
    else {
        secret = ssomod_totp_secret_of(r, c, pd.username, pd.sealed, &len);
        if (!secret) {
            return ssomod_page_error(
                r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
                "Sign-in is "
                "temporarily unavailable. Please try again.");
        }
        body = apr_pstrcat(r->pool, msg,
                           "<p>This account must use a second "
                           "factor before it goes on.</p>",
                           ssomod_totp_enrol_html(r, pd.username, secret, len),
                           ssomod_totpstep_form(r, c, "enrol",
                                                "Enable and sign "
                                                "in"),
                           NULL);
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_rputs(ssomod_page_html(r, title, body), r);
    return OK;
}

/* ---- the code ---- */

/* Wrong codes of one account: at most SSO_THROTTLE_MAX_FAILURES in
 * SSO_THROTTLE_WINDOW seconds, from any address. */
ssomod_attempt_e ssomod_totpstep_account_take(request_rec *r,
                                              const char *username,
                                              sso_throttle *t, int clear)
{
    apr_size_t klen;
    const char *key = sso_key_make(r->pool, SSO_KEY_TOTP_THROTTLE, username,
                                   strlen(username), &klen);

    if (clear) {
        ssomod_cache_remove(r->server, SSO_CACHE_AUX, key, klen, r->pool);
        return SSO_ATTEMPT_ALLOWED;
    }
    return ssomod_throttle_take_key(r, key, klen, t);
}

static int ssomod_totpstep_account_blocked(request_rec *r, const char *username,
                                           const sso_throttle *t)
{
    apr_int64_t left = sso_throttle_remaining(t, apr_time_sec(r->request_time));

    ssomod_log_r(r, APLOG_WARNING, 0,
                 SSOLOGNO(00117) "local login refused: user '%s' is "
                                 "blocked for %" APR_INT64_T_FMT
                                 " more seconds after %d wrong "
                                 "TOTP codes",
                          ap_escape_logitem(r->pool, username), left,
                          t->failures);
    ssomod_event_note(r, "local-login-failed", "totp-throttled");
    ssomod_event_user(r, username);
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, left));
    return ssomod_page_error(
        r, HTTP_TOO_MANY_REQUESTS, "Too many attempts",
        apr_psprintf(r->pool,
                     "Too many wrong codes for "
                     "this account. Try again in %" APR_INT64_T_FMT " minutes.",
                     (left + 59) / 60));
}

/* The account as it is now: still local, enabled, and for a code step
 * with TOTP. NULL otherwise (or when the registry is unavailable). */
static sso_user *ssomod_totpstep_account(request_rec *r,
                                         const ssomod_server_conf *c,
                                         const sso_totp_pending *pd,
                                         int *failed)
{
    sso_registry *reg = ssomod_registry_acquire(r, c);
    sso_user *u = NULL;
    const char *err;
    apr_status_t rv = APR_EGENERAL;

    if (reg) {
        rv = sso_registry_find_user(reg, r->pool, pd->username, &u, &err);
        ssomod_registry_release(r, c, reg,
                                rv != APR_SUCCESS && rv != APR_NOTFOUND);
    }
    *failed = rv != APR_SUCCESS && rv != APR_NOTFOUND;
    if (rv != APR_SUCCESS || strcmp(u->kind, "local") || u->disabled
        || (pd->kind == 'c' && !u->totp_secret)) {
        return NULL;
    }
    return u;
}

/* The step is recorded as used (code) or the secret stored (enrolment),
 * both only once. SSO_TOTP_REPLAYED when another request used it first. */
static sso_totp_result ssomod_totpstep_commit(request_rec *r,
                                              const ssomod_server_conf *c,
                                              const sso_totp_pending *pd,
                                              apr_int64_t step)
{
    sso_registry *reg = ssomod_registry_acquire(r, c);
    const char *err = NULL;
    apr_status_t rv = APR_EGENERAL;

    if (reg) {
        rv = pd->kind == 'c'
                 ? sso_registry_totp_use(reg, r->pool, pd->username, step, &err)
                 : sso_registry_set_totp(reg, r->pool, pd->username, pd->sealed,
                                         step, &err);
        ssomod_registry_release(r, c, reg,
                                rv != APR_SUCCESS && rv != APR_EEXIST
                                    && rv != APR_NOTFOUND);
    }
    if (rv == APR_SUCCESS) {
        return SSO_TOTP_OK;
    }
    if (rv != APR_EEXIST) {
        ssomod_log_r(r, APLOG_ERR, rv,
                     SSOLOGNO(00118) "TOTP of %s not recorded: %s (check "
                                     "SSOUserStore)",
                              pd->username,
                              err ? err
                                  : "the user store "
                                    "is unavailable");
        return SSO_TOTP_WRONG;
    }
    return SSO_TOTP_REPLAYED;
}

static int ssomod_totpstep_wrong(request_rec *r, const ssomod_server_conf *c,
                                 const sso_totp_pending *pd,
                                 sso_totp_result why, const sso_throttle *t)
{
    const char *what = why == SSO_TOTP_REPLAYED ? "a TOTP code used already"
                                                : "a wrong TOTP code";

    ssomod_log_r(r, APLOG_WARNING, 0,
                 SSOLOGNO(00119) "local login failed for user '%s' from "
                                 "%s: %s (%d of %d before a %d s block)",
                          ap_escape_logitem(r->pool, pd->username),
                          r->useragent_ip, what, t->failures,
                          SSO_THROTTLE_MAX_FAILURES, SSO_THROTTLE_WINDOW);
    ssomod_local_event(r, c, pd->username, "local-login-failed",
                       why == SSO_TOTP_REPLAYED ? "totp-replayed"
                                                : "totp-wrong");
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, ssomod_login_path(r, c),
                               pd->kind == 'c' ? "?step=code&error=code"
                                               : "?step=enrol&error=code",
                               NULL));
    return HTTP_SEE_OTHER;
}

static sso_totp_result ssomod_totpstep_check(request_rec *r,
                                             const ssomod_server_conf *c,
                                             const sso_totp_pending *pd,
                                             const sso_user *u,
                                             const char *code)
{
    const char *sealed = pd->kind == 'c' ? u->totp_secret : pd->sealed;
    const unsigned char *secret;
    sso_totp_result res;
    apr_int64_t step = 0;
    apr_size_t len;

    secret = ssomod_totp_secret_of(r, c, u->username, sealed, &len);
    if (!secret) {
        return SSO_TOTP_WRONG;
    }
    res = sso_totp_check(secret, len, code, apr_time_sec(r->request_time),
                         pd->kind == 'c' ? u->totp_last_step : 0, &step);
    OPENSSL_cleanse((void *)secret, len);
    return res == SSO_TOTP_OK ? ssomod_totpstep_commit(r, c, pd, step) : res;
}

int ssomod_totpstep_post(request_rec *r, const ssomod_server_conf *c,
                         const char *step, const char *code)
{
    sso_totp_pending pd;
    sso_throttle t = { 0, 0 };
    ssomod_attempt_e taken;
    sso_totp_result res;
    const char *key;
    apr_size_t klen;
    sso_user *u;
    int failed;

    if (!ssomod_totpstep_load(r, c, &pd, &key, &klen)) {
        return ssomod_totpstep_expired(r, c);
    }
    if (strcmp(step, pd.kind == 'c' ? "code" : "enrol")) {
        return ssomod_page_error(r, HTTP_BAD_REQUEST, "Bad request",
                                 "The sign-in form was incomplete.");
    }
    if ((taken = ssomod_totpstep_account_take(r, pd.username, &t, 0))
        != SSO_ATTEMPT_ALLOWED) {
        return taken == SSO_ATTEMPT_BLOCKED
                   ? ssomod_totpstep_account_blocked(r, pd.username, &t)
                   : ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE,
                                       "Sign-in "
                                       "unavailable",
                                       "Sign-in is temporarily "
                                       "unavailable. Please try again.");
    }
    if (!(u = ssomod_totpstep_account(r, c, &pd, &failed))) {
        if (failed) {
            return ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE,
                                     "Sign-in "
                                     "unavailable",
                                     "Accounts are temporarily "
                                     "unavailable. Please try again.");
        }
        ssomod_cache_remove(r->server, SSO_CACHE_AUX, key, klen, r->pool);
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00120) "local login refused for %s: the "
                                     "account changed during its TOTP step",
                              pd.username);
        return ssomod_totpstep_expired(r, c);
    }
    if ((res = ssomod_totpstep_check(r, c, &pd, u, code)) != SSO_TOTP_OK) {
        return ssomod_totpstep_wrong(r, c, &pd, res, &t);
    }
    /* Single use: the record goes before the session is made. */
    ssomod_cache_remove(r->server, SSO_CACHE_AUX, key, klen, r->pool);
    ssomod_cookie_clear(r, c, ssomod_totpstep_cookie(r, c),
                        ssomod_login_path(r, c));
    ssomod_totpstep_account_take(r, pd.username, &t, 1);
    if (pd.kind == 'e') {
        ssomod_log_r(r, APLOG_NOTICE, 0,
                     SSOLOGNO(00121) "local user %s enrolled TOTP at sign-in "
                                     "(SSOLocalTOTP Required)",
                              u->username);
    }
    return ssomod_login_finish(r, c, u, pd.return_path,
                               pd.kind == 'c' ? "totp" : "totp-enrolled");
}
