/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* /sso/account: the signed-in user's own page. Local users change their
 * password, enrol TOTP and remove it; SSO users see who they are. Each
 * form carries a CSRF token derived from the session ID (HMAC), which no
 * other site can know. Every change ends the user's other sessions (the
 * registry's sessions_after, applied at their next account check), is
 * logged and notes sso-event "account". */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_accountpage.h"
#include "mod_auth_sso_totp.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_registry.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_login.h"
#include "sso_key.h"
#include "sso_random.h"
#include "sso_registry.h"
#include "sso_secret.h"
#include "sso_totp.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_escape.h"
#include "apr_strings.h"
#include <openssl/crypto.h>

#define SSO_ACCOUNT_FORM_MAX 8192
/* How long an offered secret waits for its first code. */
#define SSO_ACCOUNT_ENROL_TTL 600

typedef struct {
    request_rec *r;
    const ssomod_server_conf *c;
    sso_session s;
    const unsigned char *id;
    const char *csrf;
    sso_user *u; /* local users of the registry; else NULL */
} ssomod_acct;

static const char *ssomod_acct_path(const ssomod_acct *a)
{
    return apr_pstrcat(a->r->pool, a->c->base_path, "/account", NULL);
}

static const char *ssomod_acct_esc(const ssomod_acct *a, const char *s)
{
    return ap_escape_html2(a->r->pool, s ? s : "", 1);
}

/* The session and, for a local user of the registry, its account. 0 when
 * there is no session (or its account is gone). */
static int ssomod_acct_load(ssomod_acct *a)
{
    sso_registry *reg;
    const char *err;
    apr_status_t rv = APR_EGENERAL;

    if (ssomod_session_load(a->r, a->c, &a->s, &a->id) != SSO_LOAD_OK) {
        return 0;
    }
    a->csrf = sso_random_derive(a->r->pool, a->id, SSO_ID_BYTES,
                                "mod_auth_sso account page");
    if (strcmp(a->s.method, "local") || a->s.issuer) {
        return a->csrf != NULL;
    }
    if ((reg = ssomod_registry_acquire(a->r, a->c)) != NULL) {
        rv = sso_registry_find_user(reg, a->r->pool, a->s.user, &a->u, &err);
        ssomod_registry_release(a->r, a->c, reg,
                                rv != APR_SUCCESS && rv != APR_NOTFOUND);
    }
    if (rv != APR_SUCCESS || a->u->disabled || strcmp(a->u->kind, "local")
        || a->s.created < a->u->sessions_after) {
        return 0;
    }
    return a->csrf != NULL;
}

static const char *ssomod_acct_hidden(const ssomod_acct *a, const char *action)
{
    return apr_pstrcat(a->r->pool,
                       "<input type=\"hidden\" name=\"action\" "
                       "value=\"",
                       action,
                       "\"><input type=\"hidden\" name=\""
                       "csrf\" value=\"",
                       a->csrf, "\">", NULL);
}

static const char *ssomod_acct_form(const ssomod_acct *a, const char *action,
                                    const char *fields, const char *button)
{
    return apr_pstrcat(a->r->pool, "<form method=\"post\" action=\"",
                       ssomod_acct_esc(a, ssomod_acct_path(a)), "\" id=\"form-",
                       action, "\">", fields, ssomod_acct_hidden(a, action),
                       "<p><button class=\"btn\" type=\"submit\">", button,
                       "</button></p></form>", NULL);
}

static const char *ssomod_acct_code_field(void)
{
    return "<p><label>Code<br><input name=\"code\" inputmode=\"numeric\" "
           "pattern=\"[0-9]{6}\" maxlength=\"6\" "
           "autocomplete=\"one-time-code\" "
           "required></label></p>";
}

/* ---- GET ---- */

static const char *ssomod_acct_message(apr_table_t *args)
{
    static const struct {
        const char *arg, *value, *text;
    } msgs[] = {
        { "done", "password",
          "Your password was changed. Your other sessions "
          "have ended." },
        { "done", "totp-on",
          "Two-factor authentication is on. Your other "
          "sessions have ended." },
        { "done", "totp-off",
          "Two-factor authentication is off. Your other "
          "sessions have ended." },
        { "error", "old", "The current password is incorrect." },
        { "error", "mismatch", "The new passwords differ." },
        { "error", "length", "The new password must be 1 to 72 bytes long." },
        { "error", "code", "The code is incorrect." },
        { "error", "expired", "The setup expired. Please start again." },
        { "error", "required",
          "Two-factor authentication is required on "
          "this site." },
    };
    size_t i;

    for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
        const char *v = apr_table_get(args, msgs[i].arg);
        if (v && !strcmp(v, msgs[i].value)) {
            return msgs[i].text;
        }
    }
    return NULL;
}

static const char *ssomod_acct_who(const ssomod_acct *a)
{
    apr_pool_t *p = a->r->pool;
    const char *groups = a->s.groups && a->s.groups->nelts
                             ? apr_array_pstrcat(p, a->s.groups, ',')
                             : "";
    const char *how =
        a->u ? "Local account"
        : !strcmp(a->s.method, "sso")
            ? apr_pstrcat(p, "Single sign-on at ", a->s.issuer, NULL)
            : "Local account (server password file)";

    return apr_pstrcat(
        p, "<dl><dt>User</dt><dd id=\"user\">", ssomod_acct_esc(a, a->s.user),
        "</dd><dt>Signed in with</dt><dd "
        "id=\"provider\">",
        ssomod_acct_esc(a, how), "</dd>",
        a->s.email ? apr_pstrcat(p, "<dt>Email</dt><dd>",
                                 ssomod_acct_esc(a, a->s.email), "</dd>", NULL)
                   : "",
        a->s.name ? apr_pstrcat(p, "<dt>Name</dt><dd>",
                                ssomod_acct_esc(a, a->s.name), "</dd>", NULL)
                  : "",
        "<dt>Groups</dt><dd id=\"groups\">",
        *groups ? ssomod_acct_esc(a, groups) : "none", "</dd></dl>", NULL);
}

static const char *ssomod_acct_password_html(const ssomod_acct *a)
{
    return apr_pstrcat(
        a->r->pool, "<h2>Password</h2>",
        ssomod_acct_form(
            a, "password",
            "<p><label>Current password<br><input type=\"password\" "
            "name=\"old\" autocomplete=\"current-password\" "
            "required></label></p>"
            "<p><label>New password<br><input type=\"password\" name=\"new\" "
            "autocomplete=\"new-password\" "
            "required></label></p><p><label>Repeat "
            "the new password<br><input type=\"password\" name=\"again\" "
            "autocomplete=\"new-password\" required></label></p>",
            "Change password"),
        NULL);
}

/* A new secret offered for enrolment, kept sealed under the session until
 * a first code confirms it. NULL (logged) on failure. */
static const char *ssomod_acct_offer(const ssomod_acct *a)
{
    unsigned char key[SSO_TOTP_KEY_BYTES], secret[SSO_TOTP_SECRET_BYTES];
    unsigned char buf[SSO_TOTP_PENDING_MAX];
    sso_totp_pending pd = { 'e', apr_time_sec(a->r->request_time), a->s.user,
                            "", NULL };
    const char *html = NULL, *ckey;
    apr_size_t len, klen;

    if (!ssomod_totp_key_load(a->r, a->c, key)) {
        return NULL;
    }
    if (sso_totp_secret_new(secret) == APR_SUCCESS
        && sso_totp_seal(a->r->pool, key, a->s.user, secret, sizeof(secret),
                         &pd.sealed)
               == APR_SUCCESS
        && (len = sso_totp_pending_encode(&pd, buf, sizeof(buf))) > 0) {
        ckey = sso_key_make(a->r->pool, SSO_KEY_TOTP_ENROL, a->id, SSO_ID_BYTES,
                            &klen);
        if (ssomod_cache_store(a->r->server, SSO_CACHE_AUX, ckey, klen,
                               a->r->request_time
                                   + apr_time_from_sec(SSO_ACCOUNT_ENROL_TTL),
                               buf, len, a->r->pool)
            == APR_SUCCESS) {
            html =
                ssomod_totp_enrol_html(a->r, a->s.user, secret, sizeof(secret));
        }
    }
    OPENSSL_cleanse(key, sizeof(key));
    OPENSSL_cleanse(secret, sizeof(secret));
    return html;
}

static const char *ssomod_acct_totp_html(const ssomod_acct *a,
                                         apr_table_t *args)
{
    apr_pool_t *p = a->r->pool;
    const char *offer;

    if (a->u->totp_secret) {
        return apr_pstrcat(
            p,
            "<h2>Two-factor authentication</h2><p id=\"totp"
            "-state\">On: signing in asks for a code from your authenticator "
            "app.</p><p>To remove it, enter a current code.</p>",
            ssomod_acct_form(a, "totp-remove", ssomod_acct_code_field(),
                             "Remove two-factor authentication"),
            NULL);
    }
    if (!apr_table_get(args, "enrol")) {
        return apr_pstrcat(
            p,
            "<h2>Two-factor authentication</h2><p id=\"totp"
            "-state\">Off.</p><p><a class=\"btn\" id=\"totp-setup\" href=\"",
            ssomod_acct_esc(a, ssomod_acct_path(a)),
            "?enrol=1\">Set up two-factor "
            "authentication</a></p>",
            NULL);
    }
    offer = ssomod_acct_offer(a);
    return apr_pstrcat(
        p, "<h2>Two-factor authentication</h2>",
        offer
            ? apr_pstrcat(p, offer,
                          ssomod_acct_form(a, "totp-enrol",
                                           ssomod_acct_code_field(), "Enable"),
                          NULL)
            : "<p>Two-factor authentication cannot be set up now. Please try "
              "again later.</p>",
        NULL);
}

static int ssomod_acct_show(ssomod_acct *a, apr_table_t *args)
{
    request_rec *r = a->r;
    const char *msg = ssomod_acct_message(args);
    const char *logout = apr_pstrcat(r->pool, a->c->base_path, "/logout", NULL);
    const char *body = apr_pstrcat(
        r->pool,
        msg ? apr_pstrcat(r->pool, "<p class=\"msg\">", msg, "</p>", NULL) : "",
        ssomod_acct_who(a), a->u ? ssomod_acct_password_html(a) : "",
        a->u ? ssomod_acct_totp_html(a, args) : "",
        "<form method=\"post\" action=\"", ssomod_acct_esc(a, logout),
        "\"><p>"
        "<button class=\"btn\" type=\"submit\" id=\"sign-out\">Sign out"
        "</button></p></form>",
        NULL);

    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_rputs(ssomod_page_html(r, "Your account", body), r);
    return OK;
}

/* ---- POST ---- */

typedef struct {
    const char *action, *csrf, *old, *new_pw, *again, *code;
} ssomod_acct_form_in;

static int ssomod_acct_read(request_rec *r, ssomod_acct_form_in *f)
{
    apr_array_header_t *pairs = NULL;
    int i;

    memset(f, 0, sizeof(*f));
    if (ap_parse_form_data(r, NULL, &pairs, 8, SSO_ACCOUNT_FORM_MAX) != OK
        || !pairs) {
        return HTTP_BAD_REQUEST;
    }
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        const char **slot = !strcmp(pair->name, "action")  ? &f->action
                            : !strcmp(pair->name, "csrf")  ? &f->csrf
                            : !strcmp(pair->name, "old")   ? &f->old
                            : !strcmp(pair->name, "new")   ? &f->new_pw
                            : !strcmp(pair->name, "again") ? &f->again
                            : !strcmp(pair->name, "code")  ? &f->code
                                                           : NULL;
        if (slot && *slot) {
            return HTTP_BAD_REQUEST;
        }
        if (slot) {
            *slot = ssomod_form_value(r, pair);
        }
    }
    return f->action && f->csrf ? OK : HTTP_BAD_REQUEST;
}

static int ssomod_acct_back(const ssomod_acct *a, const char *what,
                            const char *v)
{
    apr_table_setn(
        a->r->headers_out, "Location",
        apr_pstrcat(a->r->pool, ssomod_acct_path(a), "?", what, "=", v, NULL));
    return HTTP_SEE_OTHER;
}

/* After a change: the other sessions end, this one goes on under a new
 * session ID made now (it outlives sessions_after). */
static int ssomod_acct_changed(ssomod_acct *a, const char *cause,
                               const char *done, const char *what)
{
    request_rec *r = a->r;
    apr_int64_t now = apr_time_sec(r->request_time);
    sso_registry *reg = ssomod_registry_acquire(r, a->c);
    const char *err = NULL, *token;
    apr_status_t rv = APR_EGENERAL;
    int rc;

    /* Times are in seconds: the sessions made in this second end too
     * (a sign-in just before the change), and this one's new record is
     * dated the next second so that it goes on. */
    if (reg) {
        rv = sso_registry_end_sessions(reg, r->pool, a->s.user, now + 1, &err);
        ssomod_registry_release(r, a->c, reg, rv != APR_SUCCESS);
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(
            r, APLOG_ERR, rv,
            SSOLOGNO(00104) "user %s: %s, but its other sessions "
                            "could not be ended: %s (check SSOUserStore)",
                     a->s.user, what,
                     err ? err : "the user store is unavailable");
    }
    ssomod_session_remove(r, a->c, a->id);
    a->s.created = a->s.last_seen = now + 1;
    a->s.verified = now;
    ssomod_log_r(r, APLOG_NOTICE, 0,
                 SSOLOGNO(00105) "local user %s %s on the account page; its "
                                 "other sessions end",
                          a->s.user, what);
    ssomod_event_note(r, "account", cause);
    if ((rc = ssomod_login_session(r, a->c, &a->s, &token)) != OK) {
        return rc;
    }
    return ssomod_acct_back(a, "done", done);
}

static int ssomod_acct_password(ssomod_acct *a, const ssomod_acct_form_in *f)
{
    request_rec *r = a->r;
    sso_throttle t;
    sso_registry *reg;
    const char *hash = NULL, *err = NULL;
    apr_status_t rv;
    ssomod_attempt_e taken;

    if (!f->old || !f->new_pw || !f->again) {
        return ssomod_page_error(r, HTTP_BAD_REQUEST, "Bad request",
                                 "The form was incomplete.");
    }
    /* A stolen session must not try passwords at will: the address's
     * throttle of sign-ins counts these too. */
    if ((taken = ssomod_throttle_take(r, &t)) != SSO_ATTEMPT_ALLOWED) {
        return taken == SSO_ATTEMPT_BLOCKED
                   ? ssomod_login_blocked(r, &t)
                   : ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE,
                                       "Unavailable",
                                       "Please try again later.");
    }
    if (!sso_registry_password_check(a->u->password_hash, f->old)) {
        ssomod_log_r(
            r, APLOG_WARNING, 0,
            SSOLOGNO(00106) "local user %s gave a wrong current "
                       "password on the account page (%d of %d before a %d s "
                       "block)",
                a->s.user, t.failures, SSO_THROTTLE_MAX_FAILURES,
                SSO_THROTTLE_WINDOW);
        ssomod_event_note(r, "account-refused", "password-wrong");
        return ssomod_acct_back(a, "error", "old");
    }
    ssomod_throttle_clear(r);
    if (strcmp(f->new_pw, f->again)) {
        return ssomod_acct_back(a, "error", "mismatch");
    }
    /* The same rules as sso-users: 1 to 72 bytes, bcrypt. */
    if (sso_registry_password_hash(r->pool, f->new_pw, &hash) != APR_SUCCESS) {
        return ssomod_acct_back(a, "error", "length");
    }
    rv = APR_EGENERAL;
    if ((reg = ssomod_registry_acquire(r, a->c)) != NULL) {
        rv = sso_registry_set_password(reg, r->pool, a->s.user, hash, &err);
        ssomod_registry_release(r, a->c, reg, rv != APR_SUCCESS);
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_ERR, rv,
                     SSOLOGNO(00107) "password of %s not changed: %s (check "
                                     "SSOUserStore)",
                              a->s.user,
                              err ? err
                                  : "the user store is "
                                    "unavailable");
        return ssomod_page_error(
            r, HTTP_SERVICE_UNAVAILABLE, "Unavailable",
            "Your password could not be changed. Please try "
            "again later.");
    }
    return ssomod_acct_changed(a, "password-changed", "password",
                               "changed its password");
}

/* What checking a code on the account page came to. */
typedef enum {
    SSOMOD_ACCTCODE_OK,      /* right code: go on with the change */
    SSOMOD_ACCTCODE_REFUSED, /* wrong or replayed: the caller answers */
    SSOMOD_ACCTCODE_ANSWERED /* blocked or unavailable: *status is sent */
} ssomod_acctcode_e;

/* The code against sealed (wrong codes count per account). */
static ssomod_acctcode_e ssomod_acct_code(ssomod_acct *a, const char *sealed,
                                          apr_int64_t last, const char *code,
                                          apr_int64_t *step, int *status)
{
    request_rec *r = a->r;
    const unsigned char *secret;
    sso_totp_result res = SSO_TOTP_WRONG;
    sso_throttle t = { 0, 0 };
    apr_size_t len;
    ssomod_attempt_e taken = ssomod_totpstep_account_take(r, a->s.user, &t, 0);

    if (taken != SSO_ATTEMPT_ALLOWED) {
        *status =
            taken == SSO_ATTEMPT_BLOCKED
                ? ssomod_login_blocked(r, &t)
                : ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE, "Unavailable",
                                    "Please try again later.");
        return SSOMOD_ACCTCODE_ANSWERED;
    }
    if ((secret = ssomod_totp_secret_of(r, a->c, a->s.user, sealed, &len))) {
        res = sso_totp_check(secret, len, code, apr_time_sec(r->request_time),
                             last, step);
        OPENSSL_cleanse((void *)secret, len);
    }
    if (res != SSO_TOTP_OK) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00108) "local user %s gave %s on the account "
                                     "page (%d of %d before a %d s block)",
                              a->s.user,
                              res == SSO_TOTP_REPLAYED
                                  ? "a TOTP code used already"
                                  : "a wrong TOTP code",
                              t.failures, SSO_THROTTLE_MAX_FAILURES,
                              SSO_THROTTLE_WINDOW);
        ssomod_event_note(r, "account-refused",
                          res == SSO_TOTP_REPLAYED ? "totp-replayed"
                                                   : "totp-wrong");
        return SSOMOD_ACCTCODE_REFUSED;
    }
    ssomod_totpstep_account_take(r, a->s.user, &t, 1);
    return SSOMOD_ACCTCODE_OK;
}

static int ssomod_acct_totp_enrol(ssomod_acct *a, const ssomod_acct_form_in *f)
{
    request_rec *r = a->r;
    unsigned char buf[SSO_TOTP_PENDING_MAX];
    apr_size_t len = sizeof(buf), klen;
    const char *ckey = sso_key_make(r->pool, SSO_KEY_TOTP_ENROL, a->id,
                                    SSO_ID_BYTES, &klen),
               *err = NULL;
    sso_totp_pending pd;
    sso_registry *reg;
    apr_int64_t step = 0;
    apr_status_t rv = APR_EGENERAL;
    int status = OK;

    if (a->u->totp_secret) {
        return ssomod_acct_back(a, "done", "totp-on");
    }
    if (ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, ckey, klen, buf, &len,
                              r->pool)
            != APR_SUCCESS
        || !sso_totp_pending_decode(r->pool, buf, len, &pd)
        || strcmp(pd.username, a->s.user)) {
        return ssomod_acct_back(a, "error", "expired");
    }
    switch (ssomod_acct_code(a, pd.sealed, 0, f->code, &step, &status)) {
    case SSOMOD_ACCTCODE_ANSWERED:
        return status;
    case SSOMOD_ACCTCODE_REFUSED:
        return ssomod_acct_back(a, "enrol=1&error", "code");
    case SSOMOD_ACCTCODE_OK:
        break;
    }
    ssomod_cache_remove(r->server, SSO_CACHE_AUX, ckey, klen, r->pool);
    if ((reg = ssomod_registry_acquire(r, a->c)) != NULL) {
        rv = sso_registry_set_totp(reg, r->pool, a->s.user, pd.sealed, step,
                                   &err);
        ssomod_registry_release(r, a->c, reg, rv != APR_SUCCESS);
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_ERR, rv,
                     SSOLOGNO(00109) "TOTP of %s not stored: %s (check "
                                     "SSOUserStore)",
                              a->s.user,
                              err ? err
                                  : "the user store is "
                                    "unavailable");
        return ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE, "Unavailable",
                                 "Please try again later.");
    }
    return ssomod_acct_changed(a, "totp-enrolled", "totp-on", "enrolled TOTP");
}

static int ssomod_acct_totp_remove(ssomod_acct *a, const ssomod_acct_form_in *f)
{
    request_rec *r = a->r;
    sso_registry *reg;
    apr_int64_t step = 0;
    apr_status_t rv = APR_EGENERAL;
    const char *err = NULL;
    int status = OK;

    if (!a->u->totp_secret) {
        return ssomod_acct_back(a, "done", "totp-off");
    }
    if (a->c->local_totp == SSO_LOCAL_TOTP_REQUIRED) {
        return ssomod_acct_back(a, "error", "required");
    }
    switch (ssomod_acct_code(a, a->u->totp_secret, a->u->totp_last_step,
                             f->code, &step, &status)) {
    case SSOMOD_ACCTCODE_ANSWERED:
        return status;
    case SSOMOD_ACCTCODE_REFUSED:
        return ssomod_acct_back(a, "error", "code");
    case SSOMOD_ACCTCODE_OK:
        break;
    }
    if ((reg = ssomod_registry_acquire(r, a->c)) != NULL) {
        /* The code is used (once) before the secret goes. */
        rv = sso_registry_totp_use(reg, r->pool, a->s.user, step, &err);
        if (rv == APR_SUCCESS) {
            rv = sso_registry_set_totp(reg, r->pool, a->s.user, NULL, 0, &err);
        }
        ssomod_registry_release(r, a->c, reg,
                                rv != APR_SUCCESS && rv != APR_EEXIST);
    }
    if (rv == APR_EEXIST) {
        return ssomod_acct_back(a, "error", "code");
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_ERR, rv,
                     SSOLOGNO(00110) "TOTP of %s not removed: %s (check "
                                     "SSOUserStore)",
                              a->s.user,
                              err ? err
                                  : "the user store is "
                                    "unavailable");
        return ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE, "Unavailable",
                                 "Please try again later.");
    }
    return ssomod_acct_changed(a, "totp-removed", "totp-off", "removed TOTP");
}

static int ssomod_acct_post(ssomod_acct *a)
{
    ssomod_acct_form_in f;

    if (ssomod_acct_read(a->r, &f) != OK) {
        return ssomod_page_error(a->r, HTTP_BAD_REQUEST, "Bad request",
                                 "The form was incomplete.");
    }
    if (!sso_secret_equal(f.csrf, a->csrf)) {
        ssomod_log_r(
            a->r, APLOG_WARNING, 0,
            SSOLOGNO(00111) "account page: a change for %s "
                       "refused: the form's token does not match the session",
                a->s.user);
        ssomod_event_note(a->r, "account-refused", "csrf");
        return ssomod_page_error(a->r, HTTP_FORBIDDEN, "Request refused",
                                 "This form has expired or did not come from "
                                 "this site. Please reload the page and try "
                                 "again.");
    }
    if (!a->u) {
        return ssomod_page_error(a->r, HTTP_FORBIDDEN, "Not available",
                                 "Your account is managed by your sign-in "
                                 "provider.");
    }
    if (!strcmp(f.action, "password")) {
        return ssomod_acct_password(a, &f);
    }
    if (!f.code) {
        return ssomod_page_error(a->r, HTTP_BAD_REQUEST, "Bad request",
                                 "The form was incomplete.");
    }
    if (!strcmp(f.action, "totp-enrol")) {
        return ssomod_acct_totp_enrol(a, &f);
    }
    if (!strcmp(f.action, "totp-remove")) {
        return ssomod_acct_totp_remove(a, &f);
    }
    return ssomod_page_error(a->r, HTTP_BAD_REQUEST, "Bad request",
                             "Unknown action.");
}

int ssomod_accountpage_handle(request_rec *r, const ssomod_server_conf *c,
                              apr_table_t *args)
{
    ssomod_acct a;

    memset(&a, 0, sizeof(a));
    a.r = r;
    a.c = c;
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (r->method_number != M_GET && r->method_number != M_POST) {
        r->allowed = (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST);
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!ssomod_acct_load(&a)) {
        if (r->method_number == M_POST) {
            return ssomod_page_error(r, HTTP_FORBIDDEN, "Not signed in",
                                     "Please sign in again.");
        }
        apr_table_setn(
            r->headers_out, "Location",
            apr_pstrcat(r->pool, c->base_path, "/login?return=",
                        apr_pescape_urlencoded(r->pool, ssomod_acct_path(&a)),
                        NULL));
        return HTTP_SEE_OTHER;
    }
    return r->method_number == M_POST ? ssomod_acct_post(&a)
                                      : ssomod_acct_show(&a, args);
}
