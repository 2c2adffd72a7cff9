/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* /sso/login: the page with "Login with SSO" and the local account form,
 * and the form's POST (local login: CSRF token, per-address throttle). */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_login.h"
#include "mod_auth_sso_loginpage.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_registry.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_totp.h"
#include "sso_random.h"
#include "sso_registry.h"
#include "sso_secret.h"
#include "sso_template.h"
#include "sso_throttle.h"
#include "sso_url.h"

#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"
#include "util_cookies.h"
#include "ap_provider.h"
#include "apr_escape.h"
#include "apr_strings.h"

#define SSO_FORM_MAX 8192

static const char *ssomod_csrf_cookie(request_rec *r,
                                      const ssomod_server_conf *c)
{
    return apr_pstrcat(r->pool, c->cookie_name, "_csrf", NULL);
}

const char *ssomod_login_path(request_rec *r, const ssomod_server_conf *c)
{
    return apr_pstrcat(r->pool, c->base_path, "/login", NULL);
}

/* The pre-login cookie the form's token must match (double submit). */
const char *ssomod_login_csrf_token(request_rec *r, const ssomod_server_conf *c)
{
    const char *token = NULL;

    if (ap_cookie_read(r, ssomod_csrf_cookie(r, c), &token, 0) == APR_SUCCESS
        && sso_id_decode(r->pool, token)) {
        return token;
    }
    if (sso_random_token(r->pool, SSO_ID_BYTES, &token) != APR_SUCCESS) {
        return NULL;
    }
    ssomod_cookie_set(r, c, ssomod_csrf_cookie(r, c), token, 0,
                      ssomod_login_path(r, c));
    return token;
}

static const char *ssomod_login_message(apr_table_t *args)
{
    if (apr_table_get(args, "expired")) {
        return "Your session has expired. Please sign in again.";
    }
    if (apr_table_get(args, "logged_out")) {
        return "You have been signed out.";
    }
    if (apr_table_get(args, "error")) {
        return "The username or password is incorrect.";
    }
    return NULL;
}

static const char *ssomod_login_sso_button(request_rec *r,
                                           const ssomod_server_conf *c,
                                           const char *ret)
{
    const char *start;

    if (!c->enable) {
        return "";
    }
    start = apr_pstrcat(r->pool, c->base_path,
                        "/start?return=", apr_pescape_urlencoded(r->pool, ret),
                        NULL);
    return apr_pstrcat(r->pool, "<p><a class=\"btn\" href=\"",
                       ap_escape_html2(r->pool, start, 1),
                       "\">Login with SSO</a></p>", NULL);
}

static const char *ssomod_login_local_form(request_rec *r,
                                           const ssomod_server_conf *c,
                                           const char *ret, const char *csrf)
{
    if (!c->local_login || !csrf) {
        return "";
    }
    return apr_pstrcat(
        r->pool, "<form method=\"post\" action=\"",
        ap_escape_html2(r->pool, ssomod_login_path(r, c), 1),
        "\"><p><label>Username<br><input name=\""
        "username\" autocomplete=\"username\" required></label></p><p><label>"
        "Password<br><input type=\"password\" name=\"password\" autocomplete="
        "\"current-password\" required></label></p><input type=\"hidden\" "
        "name=\"csrf\" value=\"",
        csrf,
        "\"><input type=\"hidden\" name=\""
        "return\" value=\"",
        ap_escape_html2(r->pool, ret, 1),
        "\"><p><button "
        "class=\"btn\" type=\"submit\">Sign in</button></p></form>",
        NULL);
}

/* After a failed local login, the page shows the reference of the POST
 * that failed (its log line's), carried in ?ref=: mod_unique_id's
 * alphabet only, so nothing else can be made to appear. */
static void ssomod_login_reference_carry(request_rec *r, apr_table_t *args)
{
    const char *ref = apr_table_get(args, "ref");
    size_t len = ref ? strlen(ref) : 0;

    if (apr_table_get(args, "error") && len && len <= 64
        && strspn(ref, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789@-_")
               == len) {
        apr_table_setn(r->notes, "sso-reference", ref);
    }
}

static const char *ssomod_login_render(request_rec *r,
                                       const ssomod_server_conf *c,
                                       apr_table_t *args)
{
    const char *ret =
        sso_url_return_path(r->pool, apr_table_get(args, "return"));
    const char *msg = ssomod_login_message(args);
    const char *site = ap_escape_html2(r->pool, r->server->server_hostname, 1);
    const char *msg_html =
        msg ? apr_pstrcat(r->pool, "<p class=\"msg\">", msg, "</p>", NULL) : "";
    const char *button = ssomod_login_sso_button(r, c, ret);
    const char *form =
        ssomod_login_local_form(r, c, ret, ssomod_login_csrf_token(r, c));
    /* SSOLoginTemplate: each placeholder becomes ready, escaped HTML. */
    static const char *const names[] = { "{{site}}",       "{{message}}",
                                         "{{sso_button}}", "{{local_form}}",
                                         "{{reference}}",  NULL };
    const char *values[] = { site, msg_html, button, form,
                             ssomod_page_reference(r) };

    if (c->login_template) {
        return sso_template_fill(r->pool, c->login_template, names, values);
    }
    if (!*button && !*form) {
        form = "<p>No sign-in method is enabled on this site.</p>";
    }
    return ssomod_page_html(
        r,
        apr_pstrcat(r->pool, "Sign in to ", r->server->server_hostname, NULL),
        apr_pstrcat(r->pool, msg_html, button, form, NULL));
}

int ssomod_loginpage_show(request_rec *r, const ssomod_server_conf *c,
                          apr_table_t *args)
{
    if (apr_table_get(args, "step") && c->local_login) {
        return ssomod_totpstep_show(r, c, args);
    }
    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ssomod_login_reference_carry(r, args);
    ap_rputs(ssomod_login_render(r, c, args), r);
    return OK;
}

/* ---- POST: local accounts ---- */

typedef struct {
    const char *username;
    const char *password;
    const char *csrf;
    const char *ret;
    const char *step; /* the TOTP step's form: "code" or "enrol" */
    const char *code;
} ssomod_login_form;

const char *ssomod_form_value(request_rec *r, ap_form_pair_t *pair)
{
    apr_off_t len;
    apr_size_t size;
    char *value;

    apr_brigade_length(pair->value, 1, &len);
    size = (apr_size_t)len;
    value = apr_palloc(r->pool, size + 1);
    apr_brigade_flatten(pair->value, value, &size);
    value[size] = '\0';
    return value;
}

static int ssomod_login_form_read(request_rec *r, ssomod_login_form *f)
{
    apr_array_header_t *pairs = NULL;
    int i;

    memset(f, 0, sizeof(*f));
    if (ap_parse_form_data(r, NULL, &pairs, 8, SSO_FORM_MAX) != OK || !pairs) {
        return HTTP_BAD_REQUEST;
    }
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        const char **slot = !strcmp(pair->name, "username")   ? &f->username
                            : !strcmp(pair->name, "password") ? &f->password
                            : !strcmp(pair->name, "csrf")     ? &f->csrf
                            : !strcmp(pair->name, "return")   ? &f->ret
                            : !strcmp(pair->name, "step")     ? &f->step
                            : !strcmp(pair->name, "code")     ? &f->code
                                                              : NULL;
        if (slot && *slot) {
            return HTTP_BAD_REQUEST;
        }
        if (slot) {
            *slot = ssomod_form_value(r, pair);
        }
    }
    if (f->step) {
        return f->code && f->csrf ? OK : HTTP_BAD_REQUEST;
    }
    return f->username && f->password && f->csrf ? OK : HTTP_BAD_REQUEST;
}

int ssomod_login_csrf_match(request_rec *r, const ssomod_server_conf *c,
                            const char *csrf)
{
    const char *cookie = NULL;

    ap_cookie_read(r, ssomod_csrf_cookie(r, c), &cookie, 0);
    return cookie && *cookie && csrf && sso_secret_equal(cookie, csrf);
}

static const char *ssomod_throttle_key_of(request_rec *r, apr_size_t *len)
{
    apr_sockaddr_t *sa = r->useragent_addr;
    int v6 = sa->family == APR_INET6;

    return sso_throttle_key(r->pool, (const unsigned char *)sa->ipaddr_ptr, v6,
                            len);
}

typedef struct {
    apr_int64_t now;
    sso_throttle t;
    int allowed;
} ssomod_throttle_step;

/* The record in buf, or none (a new or unreadable record). */
static void ssomod_throttle_read(const unsigned char *buf, apr_size_t len,
                                 sso_throttle *t)
{
    if (!len || !sso_throttle_decode(buf, len, t)) {
        t->first = t->failures = 0;
    }
}

/* Writes t back into buf; the expiry for ssomod_cache_update. */
static apr_time_t ssomod_throttle_write(const sso_throttle *t,
                                        unsigned char *buf, apr_size_t *len,
                                        apr_size_t cap)
{
    *len = sso_throttle_encode(t, buf, cap);
    return *len ? apr_time_from_sec(t->first + SSO_THROTTLE_WINDOW) : 0;
}

static apr_time_t ssomod_throttle_count(void *ctx, unsigned char *buf,
                                        apr_size_t *len, apr_size_t cap)
{
    ssomod_throttle_step *st = ctx;

    ssomod_throttle_read(buf, *len, &st->t);
    if (!(st->allowed = sso_throttle_attempt(&st->t, st->now))) {
        return 0;
    }
    return ssomod_throttle_write(&st->t, buf, len, cap);
}

/* Counts the attempt before any password work, in one step with the test
 * of the block (ssomod_cache_update): attempts sent at once cannot all read
 * the count before any of them has raised it. key: the address's, or
 * another (an account's). */
ssomod_attempt_e ssomod_throttle_take_key(request_rec *r, const char *key,
                                          apr_size_t klen, sso_throttle *t)
{
    ssomod_throttle_step st = { apr_time_sec(r->request_time), { 0, 0 }, 0 };
    apr_status_t rv = ssomod_cache_update(r->server, SSO_CACHE_AUX, key, klen,
                                          ssomod_throttle_count, &st, r->pool);

    *t = st.t;
    if (rv != APR_SUCCESS) {
        ssomod_log_r(
            r, APLOG_ERR, rv,
            SSOLOGNO(00063) "local login refused: the session cache "
                       "%s failed to count the attempt (check SSOSessionCache)",
                ssomod_server_conf_get(r->server)->session_cache->spec);
        return SSO_ATTEMPT_FAILED;
    }
    return st.allowed ? SSO_ATTEMPT_ALLOWED : SSO_ATTEMPT_BLOCKED;
}

ssomod_attempt_e ssomod_throttle_take(request_rec *r, sso_throttle *t)
{
    apr_size_t klen;
    const char *key = ssomod_throttle_key_of(r, &klen);

    return ssomod_throttle_take_key(r, key, klen, t);
}

/* The address's record as it stands, counting nothing: for API tokens,
 * whose 256 random bits no parallel guessing can find, so that requests
 * with a right token sent at once are never counted against the address
 * (counting first and taking back, as for passwords, blocked a script's
 * parallel requests). */
ssomod_attempt_e ssomod_throttle_peek(request_rec *r, sso_throttle *t)
{
    apr_size_t klen, len = SSO_THROTTLE_RECORD_MAX;
    const char *key = ssomod_throttle_key_of(r, &klen);
    unsigned char buf[SSO_THROTTLE_RECORD_MAX];
    apr_status_t rv = ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, key, klen,
                                            buf, &len, r->pool);

    ssomod_throttle_read(buf, rv == APR_SUCCESS ? len : 0, t);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        ssomod_log_r(
            r, APLOG_ERR, rv,
            SSOLOGNO(00142) "API token refused: the session cache "
                            "%s failed to read the address's "
                            "failures (check SSOSessionCache)",
                     ssomod_server_conf_get(r->server)->session_cache->spec);
        return SSO_ATTEMPT_FAILED;
    }
    return sso_throttle_blocked(t, apr_time_sec(r->request_time))
               ? SSO_ATTEMPT_BLOCKED
               : SSO_ATTEMPT_ALLOWED;
}

static apr_time_t ssomod_throttle_add(void *ctx, unsigned char *buf,
                                      apr_size_t *len, apr_size_t cap)
{
    ssomod_throttle_step *st = ctx;

    ssomod_throttle_read(buf, *len, &st->t);
    sso_throttle_fail(&st->t, st->now);
    return ssomod_throttle_write(&st->t, buf, len, cap);
}

void ssomod_throttle_fail(request_rec *r)
{
    ssomod_throttle_step st = { apr_time_sec(r->request_time), { 0, 0 }, 0 };
    apr_size_t klen;
    const char *key = ssomod_throttle_key_of(r, &klen);

    ssomod_cache_update(r->server, SSO_CACHE_AUX, key, klen,
                        ssomod_throttle_add, &st, r->pool);
}

void ssomod_throttle_clear(request_rec *r)
{
    apr_size_t klen;
    const char *key = ssomod_throttle_key_of(r, &klen);

    ssomod_cache_remove(r->server, SSO_CACHE_AUX, key, klen, r->pool);
}

int ssomod_login_blocked(request_rec *r, const sso_throttle *t)
{
    apr_int64_t left = sso_throttle_remaining(t, apr_time_sec(r->request_time));

    ssomod_log_r(r, APLOG_WARNING, 0,
                 SSOLOGNO(00064) "local login refused: %s is "
                                 "blocked for %" APR_INT64_T_FMT
                                 " more seconds after %d failed "
                                 "logins",
                          r->useragent_ip, left, t->failures);
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, left));
    return ssomod_page_error(
        r, HTTP_TOO_MANY_REQUESTS, "Too many attempts",
        apr_psprintf(r->pool,
                     "Too many failed sign-in attempts "
                     "from your address. Try again in %" APR_INT64_T_FMT
                     " minutes.",
                     (left + 59) / 60));
}

/* cause: "password-wrong" or "unknown-user" (no local account of that
 * name); the page says the same for both. */
static int ssomod_login_failed(request_rec *r, const ssomod_server_conf *c,
                               const ssomod_login_form *f, sso_throttle *t,
                               const char *ret, const char *cause)
{
    const char *ref;

    /* Counted already, by ssomod_throttle_take. */
    ssomod_log_r(
        r, APLOG_WARNING, 0,
        SSOLOGNO(00065) "local login failed for "
                        "user '%s' from %s (%d of %d before a %d s block)",
                 ap_escape_logitem(r->pool, f->username), r->useragent_ip,
                 t->failures, SSO_THROTTLE_MAX_FAILURES, SSO_THROTTLE_WINDOW);
    ssomod_local_event(r, c, f->username, "local-login-failed", cause);
    ref = apr_table_get(r->subprocess_env, "UNIQUE_ID");
    apr_table_setn(
        r->headers_out, "Location",
        apr_pstrcat(r->pool, ssomod_login_path(r, c),
                    "?error=credentials&return=",
                    apr_pescape_urlencoded(r->pool, ret), ref ? "&ref=" : "",
                    ref ? apr_pescape_urlencoded(r->pool, ref) : "", NULL));
    return HTTP_SEE_OTHER;
}

/* httpd's own authn providers (SSOLocalAuthProvider), as AuthBasicProvider.
 * They read their settings (AuthUserFile...) from <Location SSOBasePath/login>,
 * which the quick handler has not walked yet. */
static int ssomod_login_check_providers(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const ssomod_login_form *f)
{
    int i;

    if (ap_location_walk(r) != OK) {
        return 0;
    }
    for (i = 0; i < c->local_providers->nelts; i++) {
        const char *name = APR_ARRAY_IDX(c->local_providers, i, const char *);
        const authn_provider *p = ap_lookup_provider(AUTHN_PROVIDER_GROUP, name,
                                                     AUTHN_PROVIDER_VERSION);
        if (p && p->check_password
            && p->check_password(r, f->username, f->password) == AUTH_GRANTED) {
            return 1;
        }
    }
    return 0;
}

typedef enum {
    SSO_PASSWORD_GOOD,
    SSO_PASSWORD_BAD,        /* or no such local account */
    SSO_PASSWORD_UNAVAILABLE /* the registry failed */
} ssomod_password_e;

/* *u is the account. */
static ssomod_password_e ssomod_login_check_registry(
    request_rec *r, const ssomod_server_conf *c, const ssomod_login_form *f,
    sso_user **u)
{
    const char *name = sso_username_normalize(r->pool, f->username), *err;
    sso_registry *reg = ssomod_registry_acquire(r, c);
    apr_status_t rv = APR_NOTFOUND;

    if (!reg) {
        return SSO_PASSWORD_UNAVAILABLE;
    }
    if (name) {
        rv = sso_registry_find_user(reg, r->pool, name, u, &err);
    }
    ssomod_registry_release(r, c, reg, rv != APR_SUCCESS && rv != APR_NOTFOUND);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return SSO_PASSWORD_UNAVAILABLE;
    }
    /* SSO accounts have no password: same answer and same work as a
     * wrong one, so the page does not tell which accounts exist. */
    if (rv != APR_SUCCESS || strcmp((*u)->kind, "local")) {
        sso_registry_password_dummy_check(f->password);
        return SSO_PASSWORD_BAD;
    }
    return sso_registry_password_check((*u)->password_hash, f->password)
               ? SSO_PASSWORD_GOOD
               : SSO_PASSWORD_BAD;
}

/* "last login" in sso-users, for local users too. A store that cannot be
 * written must not lock out the emergency account: logged, not refused. */
static void ssomod_login_record(request_rec *r, const ssomod_server_conf *c,
                                const char *username)
{
    sso_registry *reg = ssomod_registry_acquire(r, c);
    const char *err = NULL;
    apr_status_t rv = APR_EGENERAL;

    if (reg) {
        rv = sso_registry_local_login(reg, r->pool, username, r->useragent_ip,
                                      &err);
        ssomod_registry_release(r, c, reg,
                                rv != APR_SUCCESS && rv != APR_NOTFOUND
                                    && rv != APR_EINVAL);
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(
            r, APLOG_WARNING, rv,
            SSOLOGNO(00066) "local user %s logged in, but its "
                       "last login was not recorded: %s (check SSOUserStore)",
                username, err ? err : "the user store is unavailable");
    }
}

void ssomod_local_event(request_rec *r, const ssomod_server_conf *c,
                        const char *user, const char *event, const char *cause)
{
    ssomod_event_note(r, event, cause);
    ssomod_event_user(r, user);
    ssomod_registry_event(r, c, NULL, user, "local", event, cause);
}

/* cause: the audit trail's "password", "totp" or "totp-enrolled". */
static int ssomod_login_succeed(request_rec *r, const ssomod_server_conf *c,
                                const char *user, apr_array_header_t *groups,
                                const char *source, const char *ret,
                                const char *cause)
{
    sso_session s = { 0 };
    const char *token;
    int rc;

    s.created = s.last_seen = s.verified = s.refreshed =
        apr_time_sec(r->request_time);
    s.method = "local";
    s.user = user;
    s.issuer = source;
    s.groups = groups ? groups : apr_array_make(r->pool, 1, sizeof(char *));
    ssomod_throttle_clear(r);
    if ((rc = ssomod_login_session(r, c, &s, &token)) != OK) {
        return rc;
    }
    ssomod_log_r(r, APLOG_INFO, 0,
                 SSOLOGNO(00067) "local user %s logged in", user);
    ssomod_local_event(r, c, user, "local-login", cause);
    apr_table_setn(r->headers_out, "Location", ret);
    return HTTP_SEE_OTHER;
}

static int ssomod_login_verify(request_rec *r, const ssomod_server_conf *c,
                               const ssomod_login_form *f, sso_throttle *t,
                               const char *ret)
{
    sso_user *u = NULL;
    ssomod_password_e pw;
    int rc;

    if (c->local_providers && ssomod_login_check_providers(r, c, f)) {
        return ssomod_login_succeed(r, c, f->username, NULL, "authn", ret,
                                    "password");
    }
    pw = ssomod_login_check_registry(r, c, f, &u);
    if (pw == SSO_PASSWORD_UNAVAILABLE) {
        return ssomod_page_error(
            r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
            "Accounts are temporarily unavailable. Please try again.");
    }
    if (pw == SSO_PASSWORD_BAD) {
        return ssomod_login_failed(
            r, c, f, t, ret,
            u && !strcmp(u->kind, "local") ? "password-wrong" : "unknown-user");
    }
    if (u->disabled) {
        ssomod_log_r(
            r, APLOG_WARNING, 0,
            SSOLOGNO(00068) "local login refused for "
                            "%s: the account is disabled (sso-users enable)",
                     u->username);
        ssomod_local_event(r, c, u->username, "local-login-failed", "disabled");
        return ssomod_page_refused(r, HTTP_FORBIDDEN,
                                   "User account is disabled.");
    }
    /* The password was right: a code may still be due. No session yet,
     * and the address's count stays until the code is right. */
    if (ssomod_totpstep_after_password(r, c, u, ret, &rc)
        == SSO_TOTP_STEP_ASKED) {
        return rc;
    }
    return ssomod_login_finish(r, c, u, ret, "password");
}

int ssomod_login_finish(request_rec *r, const ssomod_server_conf *c,
                        const sso_user *u, const char *ret, const char *cause)
{
    ssomod_login_record(r, c, u->username);
    return ssomod_login_succeed(r, c, u->username, u->groups, NULL, ret, cause);
}

int ssomod_loginpage_post(request_rec *r, const ssomod_server_conf *c)
{
    ssomod_login_form f;
    sso_throttle t;
    const char *ret;

    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (!c->local_login) {
        return HTTP_NOT_FOUND;
    }
    if (ssomod_login_form_read(r, &f) != OK) {
        return ssomod_page_error(r, HTTP_BAD_REQUEST, "Bad request",
                                 "The sign-in form was incomplete.");
    }
    if (!ssomod_login_csrf_match(r, c, f.csrf)) {
        ssomod_log_r(
            r, APLOG_WARNING, 0,
            SSOLOGNO(00069) "local login refused: "
                       "the form's token does not match this browser's cookie");
        ssomod_event_note(r, "local-login-failed", "csrf");
        return ssomod_page_error(
            r, HTTP_FORBIDDEN, "Sign-in failed",
            "This sign-in form has expired or did not come from "
            "this site. Please reload the page and try again.");
    }
    ret = sso_url_return_path(r->pool, f.ret);
    switch (ssomod_throttle_take(r, &t)) {
    case SSO_ATTEMPT_ALLOWED:
        return f.step ? ssomod_totpstep_post(r, c, f.step, f.code)
                      : ssomod_login_verify(r, c, &f, &t, ret);
    case SSO_ATTEMPT_BLOCKED:
        ssomod_event_note(r, "local-login-failed", "throttled");
        return ssomod_login_blocked(r, &t);
    default:
        return ssomod_page_error(
            r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
            "Sign-in is temporarily unavailable. Please try again.");
    }
}
