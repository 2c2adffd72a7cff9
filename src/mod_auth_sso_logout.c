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

    if (ap_parse_form_data(r, NULL, &pairs, 8, SSO_LOGOUT_FORM_MAX) != OK || !pairs)
        return NULL;
    for (i = 0; i < pairs->nelts; i++) {
        ap_form_pair_t *pair = &APR_ARRAY_IDX(pairs, i, ap_form_pair_t);
        if (!strcmp(pair->name, "return"))
            return ssomod_form_value(r, pair);
    }
    return NULL;
}

/* Same origin as SSOPublicURL: by Origin, else by Referer. */
static int ssomod_logout_same_origin(request_rec *r, const ssomod_server_conf *c)
{
    return sso_url_match_origin(ssomod_public_base(r, c),
                                apr_table_get(r->headers_in, "Origin"),
                                apr_table_get(r->headers_in, "Referer"));
}

static void ssomod_logout_forget(request_rec *r, const ssomod_server_conf *c)
{
    sso_session s;
    const unsigned char *id;

    if (ssomod_session_load(r, c, &s, &id) == SSO_LOAD_OK) {
        ssomod_session_remove(r, c, id);
        ssomod_log_r(r, APLOG_INFO, 0, SSOLOGNO(00070) "user %s logged out", s.user);
    }
    ssomod_cookie_clear(r, c, c->cookie_name, "/");
}

static int ssomod_logout_post(request_rec *r, const ssomod_server_conf *c,
                           const char *query_return)
{
    const char *ret;

    if (!ssomod_logout_same_origin(r, c)) {
        ssomod_log_r(r, APLOG_WARNING, 0, SSOLOGNO(00071) "logout refused: the "
                      "request came from another site (Origin/Referer is not "
                      "%s; check SSOPublicURL)", ssomod_public_base(r, c));
        return ssomod_page_error(r, HTTP_FORBIDDEN, "Logout refused",
                              "This logout request did not come from this site.");
    }
    ret = ssomod_logout_form_return(r);
    ssomod_logout_forget(r, c);
    ret = ret ? ret : query_return;
    apr_table_setn(r->headers_out, "Location", ret
                   ? sso_url_return_path(r->pool, ret)
                   : apr_pstrcat(r->pool, c->base_path, "/login?logged_out=1", NULL));
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_SEE_OTHER;
}

static int ssomod_logout_confirm(request_rec *r, const ssomod_server_conf *c,
                              const char *query_return)
{
    const char *ret = sso_url_return_path(r->pool, query_return);
    const char *action = apr_pstrcat(r->pool, c->base_path, "/logout", NULL);
    const char *form = apr_pstrcat(r->pool,
        "<p>Do you want to sign out?</p><form method=\"post\" action=\"",
        ap_escape_html2(r->pool, action, 1), "\"><input type=\"hidden\" "
        "name=\"return\" value=\"", ap_escape_html2(r->pool, ret, 1),
        "\"><button class=\"btn\" type=\"submit\">Sign out</button></form>", NULL);

    ap_set_content_type(r, "text/html; charset=utf-8");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_rputs(ssomod_page_html(r, "Sign out", form), r);
    return OK;
}

int ssomod_logout_handle(request_rec *r, const ssomod_server_conf *c,
                      const char *query_return)
{
    if (r->method_number == M_POST)
        return ssomod_logout_post(r, c, query_return);
    if (r->method_number == M_GET)
        return ssomod_logout_confirm(r, c, query_return);
    r->allowed = (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST);
    return HTTP_METHOD_NOT_ALLOWED;
}
