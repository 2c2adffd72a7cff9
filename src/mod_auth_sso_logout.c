/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* /sso/logout: GET asks, POST ends the session. The POST is guarded by
 * SameSite=Lax on the session cookie and by an Origin (else Referer) check:
 * a form on another site can neither send the cookie nor pass the check. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_loginpage.h"
#include "mod_auth_sso_logout.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_op.h"
#include "mod_auth_sso_cache.h"
#include "sso_key.h"
#include "sso_random.h"
#include "sso_url.h"

#include "http_log.h"
#include "http_protocol.h"
#include "apr_escape.h"
#include "apr_strings.h"

/* Largest logout form we read; it only carries a return path. */
#define SSO_LOGOUT_FORM_MAX 4096

static const char *ssomod_logout_form_return(request_rec *r)
{
    apr_array_header_t *pairs = NULL;
    int i;

    if (ap_parse_form_data(r, NULL, &pairs, 8, SSO_LOGOUT_FORM_MAX) != OK
        || !pairs) {
        return NULL;
    }
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        if (!strcmp(pair->name, "return")) {
            return ssomod_form_value(r, pair);
        }
    }
    return NULL;
}

/* Same origin as SSOPublicURL: by Origin, else by Referer. */
static int ssomod_logout_same_origin(request_rec *r,
                                     const ssomod_server_conf *c)
{
    return sso_url_match_origin(ssomod_public_base(r, c),
                                apr_table_get(r->headers_in, "Origin"),
                                apr_table_get(r->headers_in, "Referer"));
}

/* Ends the local session; *id_token is the one kept for it when it was an
 * SSO session (NULL otherwise, or when the cache lost it). Non-zero when an
 * SSO session ended. */
static int ssomod_logout_forget(request_rec *r, const ssomod_server_conf *c,
                                const char **id_token)
{
    sso_session s;
    const unsigned char *id;
    int sso = 0;

    *id_token = NULL;
    if (ssomod_session_load(r, c, &s, &id) == SSO_LOAD_OK) {
        if ((sso = !strcmp(s.method, "sso"))) {
            *id_token = ssomod_session_id_token(r, c, id);
        }
        ssomod_session_remove(r, c, id);
        ssomod_log_r(r, APLOG_INFO, 0,
                     SSOLOGNO(00070) "user %s logged out", s.user);
        ssomod_event_note(r, "logout", "user");
        ssomod_event_user(r, s.user);
    }
    ssomod_cookie_clear(r, c, c->cookie_name, "/");
    return sso;
}

static const char *ssomod_logout_state_key(request_rec *r, const char *state)
{
    const unsigned char *raw = sso_id_decode(r->pool, state);
    apr_size_t len;

    return raw ? sso_key_make(r->pool, SSO_KEY_LOGOUT, raw, SSO_ID_BYTES, &len)
               : NULL;
}

/* RP-Initiated Logout 1.0 §2: to the provider's end_session_endpoint, with
 * a state kept here (single use, with the return path) that /logged-out
 * checks. NULL when the provider has no such endpoint or the state cannot
 * be kept: the logout then stays local. */
static const char *ssomod_logout_at_provider(request_rec *r,
                                             const ssomod_server_conf *c,
                                             const char *id_token,
                                             const char *ret)
{
    const sso_provider_meta *meta;
    const char *state, *key;
    apr_status_t rv;

    if (ssomod_op_meta(r, c, &meta) != OK) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00125) "logout at the provider skipped: its "
                                     "discovery document is not available; "
                                     "signed out here only");
        return NULL;
    }
    if (!meta->end_session_endpoint) {
        return NULL;
    }
    if (sso_random_token(r->pool, SSO_ID_BYTES, &state) != APR_SUCCESS
        || !(key = ssomod_logout_state_key(r, state))) {
        return NULL;
    }
    rv = ssomod_cache_store(r->server, SSO_CACHE_AUX, key,
                            SSO_KEY_OVERHEAD + SSO_ID_BYTES,
                            r->request_time + apr_time_from_sec(SSO_TXN_TTL),
                            (const unsigned char *)ret, strlen(ret), r->pool);
    if (rv != APR_SUCCESS) {
        ssomod_log_r(
            r, APLOG_ERR, rv,
            SSOLOGNO(00126) "cannot store a logout in the session "
                       "cache (check SSOSessionCache): signed out here only");
        return NULL;
    }
    return sso_provider_end_session_url(
        r->pool, meta->end_session_endpoint, id_token, c->client_id,
        apr_pstrcat(r->pool, ssomod_public_base(r, c), c->base_path,
                    "/logged-out", NULL),
        state);
}

static int ssomod_logout_post(request_rec *r, const ssomod_server_conf *c,
                              const char *query_return)
{
    const char *ret, *id_token, *to = NULL;
    int sso;

    if (!ssomod_logout_same_origin(r, c)) {
        ssomod_log_r(
            r, APLOG_WARNING, 0,
            SSOLOGNO(00071) "logout refused: the "
                       "request came from another site (Origin/Referer is not "
                       "%s; check SSOPublicURL)",
                ssomod_public_base(r, c));
        return ssomod_page_error(
            r, HTTP_FORBIDDEN, "Logout refused",
            "This logout request did not come from this site.");
    }
    ret = ssomod_logout_form_return(r);
    sso = ssomod_logout_forget(r, c, &id_token);
    ret = ret ? ret : query_return;
    if (sso && c->enable && c->logout_at_provider) {
        to = ssomod_logout_at_provider(
            r, c, id_token, ret ? sso_url_return_path(r->pool, ret) : "");
    }
    if (!to) {
        to = ret ? sso_url_return_path(r->pool, ret)
                 : apr_pstrcat(r->pool, c->base_path, "/login?logged_out=1",
                               NULL);
    }
    apr_table_setn(r->headers_out, "Location", to);
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_SEE_OTHER;
}

/* GET <base>/logged-out?state=...: where the provider sends the browser
 * back (post_logout_redirect_uri). The state must be one this server sent,
 * once: the signed-out page, with the logout's return path for the next
 * sign-in. */
int ssomod_logout_returned(request_rec *r, const ssomod_server_conf *c,
                           apr_table_t *args)
{
    const char *state = apr_table_get(args, "state");
    const char *key = state ? ssomod_logout_state_key(r, state) : NULL;
    unsigned char buf[SSO_RETURN_PATH_MAX + 1];
    apr_size_t len = sizeof(buf) - 1;
    apr_table_t *page = apr_table_make(r->pool, 2);

    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    if (!key
        || ssomod_cache_retrieve(r->server, SSO_CACHE_AUX, key,
                                 SSO_KEY_OVERHEAD + SSO_ID_BYTES, buf, &len,
                                 r->pool)
               != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00127) "return from the provider's logout "
                                     "refused: state %s",
                              !state ? "missing"
                                     : "unknown, expired or already used");
        return ssomod_page_error(r, HTTP_BAD_REQUEST, "Sign-out not confirmed",
                                 "This sign-out confirmation is invalid or has "
                                 "expired.");
    }
    ssomod_cache_remove(r->server, SSO_CACHE_AUX, key,
                        SSO_KEY_OVERHEAD + SSO_ID_BYTES, r->pool);
    buf[len] = '\0';
    apr_table_setn(page, "logged_out", "1");
    if (len) {
        apr_table_setn(page, "return", apr_pstrdup(r->pool, (const char *)buf));
    }
    return ssomod_loginpage_show(r, c, page);
}

static int ssomod_logout_confirm(request_rec *r, const ssomod_server_conf *c,
                                 const char *query_return)
{
    const char *ret = sso_url_return_path(r->pool, query_return);
    const char *action = apr_pstrcat(r->pool, c->base_path, "/logout", NULL);
    const char *form = apr_pstrcat(
        r->pool,
        "<p>Do you want to sign out?</p><form method=\"post\" action=\"",
        ap_escape_html2(r->pool, action, 1),
        "\"><input type=\"hidden\" "
        "name=\"return\" value=\"",
        ap_escape_html2(r->pool, ret, 1),
        "\"><button class=\"btn\" type=\"submit\">Sign out</button></form>",
        NULL);

    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_rputs(ssomod_page_html(r, "Sign out", form), r);
    return OK;
}

int ssomod_logout_handle(request_rec *r, const ssomod_server_conf *c,
                         const char *query_return)
{
    if (r->method_number == M_POST) {
        return ssomod_logout_post(r, c, query_return);
    }
    if (r->method_number == M_GET) {
        return ssomod_logout_confirm(r, c, query_return);
    }
    r->allowed = (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST);
    return HTTP_METHOD_NOT_ALLOWED;
}
