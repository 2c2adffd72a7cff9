/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The module's own routes under SSOBasePath, served from the quick handler
 * so that no AuthType on an enclosing location can lock users out of them. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_login.h"
#include "mod_auth_sso_loginpage.h"
#include "mod_auth_sso_logout.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_routes.h"
#include "mod_auth_sso_accountpage.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_backchannel.h"

#include "http_protocol.h"
#include "http_log.h"
#include "http_request.h"
#include "apr_escape.h"
#include "apr_strings.h"
#include "sso_url.h"
#include <jansson.h>

int ssomod_routes_send_json(request_rec *r, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);

    json_decref(doc);
    if (!text) {
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_rputs(text, r);
    free(text);
    return OK;
}

static int ssomod_routes_status(request_rec *r, const ssomod_server_conf *c,
                                apr_table_t *args)
{
    if (!c->enable) {
        return ssomod_routes_send_json(r, json_pack("{s:b}", "ssoEnabled", 0));
    }
    const char *base =
        apr_pstrcat(r->pool, ssomod_public_base(r, c), c->base_path, NULL);

    /* What to register at the provider: public anyway. Back-Channel Logout
     * 1.0 §2.2: this receiver needs sid (session_required), so a logout
     * ends the provider session's sessions here and not all of the user's. */
    return ssomod_routes_send_json(
        r, json_pack("{s:b,s:s,s:s,s:s,s:b}", "ssoEnabled", 1, "redirectUri",
                     ssomod_redirect_uri(r, c), "postLogoutRedirectUri",
                     apr_pstrcat(r->pool, base, "/logged-out", NULL),
                     "backchannelLogoutUri",
                     apr_pstrcat(r->pool, base, "/backchannel-logout", NULL),
                     "backchannelLogoutSessionRequired", 1));
}

static int ssomod_routes_callback(request_rec *r, const ssomod_server_conf *c,
                                  apr_table_t *args)
{
    return ssomod_login_callback(r, c);
}

static int ssomod_routes_login(request_rec *r, const ssomod_server_conf *c,
                               apr_table_t *args)
{
    if (r->method_number == M_POST) {
        return ssomod_loginpage_post(r, c);
    }
    return ssomod_loginpage_show(r, c, args);
}

static int ssomod_routes_logout(request_rec *r, const ssomod_server_conf *c,
                                apr_table_t *args)
{
    return ssomod_logout_handle(r, c, apr_table_get(args, "return"));
}

static int ssomod_routes_backchannel(request_rec *r,
                                     const ssomod_server_conf *c,
                                     apr_table_t *args)
{
    return ssomod_backchannel_handle(r, c);
}

static int ssomod_routes_start(request_rec *r, const ssomod_server_conf *c,
                               apr_table_t *args)
{
    return ssomod_login_start(r, c, apr_table_get(args, "return"));
}

typedef enum {
    SSO_ROUTE_GET,      /* GET (and HEAD) only */
    SSO_ROUTE_GET_POST, /* GET or POST */
    SSO_ROUTE_ANY       /* the handler answers every method itself */
} ssomod_route_methods;

/* args is NULL unless the route parses the query. */
typedef int (*ssomod_route_fn)(request_rec *r, const ssomod_server_conf *c,
                               apr_table_t *args);

/* The checks run in this order: query (400), SSOEnable (404), method
 * (405). The callback parses its own query and answers a bad one with
 * its own page; status answers with SSO off too; login and logout serve
 * local logins and the end of any session, so SSOEnable Off leaves them
 * up. */
typedef struct {
    const char *name;
    ssomod_route_methods methods;
    int needs_enable;
    int parses_query;
    ssomod_route_fn handler;
} ssomod_route;

static const ssomod_route ssomod_routes[] = {
    { "status", SSO_ROUTE_GET, 0, 0, ssomod_routes_status },
    { "callback", SSO_ROUTE_GET, 1, 0, ssomod_routes_callback },
    { "login", SSO_ROUTE_GET_POST, 0, 1, ssomod_routes_login },
    { "logout", SSO_ROUTE_ANY, 0, 1, ssomod_routes_logout },
    { "start", SSO_ROUTE_GET, 1, 1, ssomod_routes_start },
    { "account", SSO_ROUTE_GET_POST, 0, 1, ssomod_accountpage_handle },
    { "logged-out", SSO_ROUTE_GET, 1, 1, ssomod_logout_returned },
    { "backchannel-logout", SSO_ROUTE_ANY, 1, 1, ssomod_routes_backchannel },
};

/* The 405 names GET alone, for login too: its POST is the form's own. */
static int ssomod_routes_method_ok(request_rec *r, ssomod_route_methods methods)
{
    if (methods == SSO_ROUTE_ANY || r->method_number == M_GET
        || (methods == SSO_ROUTE_GET_POST && r->method_number == M_POST)) {
        return OK;
    }
    r->allowed = AP_METHOD_BIT << M_GET;
    return HTTP_METHOD_NOT_ALLOWED;
}

static int ssomod_routes_bad_query(request_rec *r)
{
    return ssomod_page_error(
        r, HTTP_BAD_REQUEST, "Bad request",
        "The address has a repeated or malformed parameter.");
}

static const ssomod_route *ssomod_routes_find(const char *name)
{
    apr_size_t i;

    for (i = 0; i < sizeof(ssomod_routes) / sizeof(ssomod_routes[0]); i++) {
        if (!strcmp(name, ssomod_routes[i].name)) {
            return &ssomod_routes[i];
        }
    }
    return NULL;
}

static int ssomod_routes_dispatch(request_rec *r, const ssomod_server_conf *c,
                                  const char *name)
{
    const ssomod_route *route = ssomod_routes_find(name);
    apr_table_t *args = NULL;
    int rc;

    /* An unknown route's query is checked too: a bad one is a 400. */
    if ((!route || route->parses_query)
        && sso_url_query_parse(r->pool, r->args, &args)) {
        return ssomod_routes_bad_query(r);
    }
    if (!route || (route->needs_enable && !c->enable)) {
        return HTTP_NOT_FOUND;
    }
    if ((rc = ssomod_routes_method_ok(r, route->methods)) != OK) {
        return rc;
    }
    return route->handler(r, c, args);
}

/* The route name after "<base>/", or NULL when the URI is not ours. */
static const char *ssomod_routes_match(const request_rec *r, const char *base)
{
    size_t len = strlen(base);

    if (strncmp(r->parsed_uri.path ? r->parsed_uri.path : "", base, len)
        || r->parsed_uri.path[len] != '/') {
        return NULL;
    }
    return r->parsed_uri.path + len + 1;
}

/* httpd runs the init functions of inserted filters for handlers only
 * (ap_invoke_handler); mod_filter's harness (AddOutputFilterByType, on in
 * Debian's deflate.conf) dereferences what its init sets up. */
static int ssomod_routes_filters_init(ap_filter_t *f)
{
    int rc;

    for (; f; f = f->next) {
        if (f->frec->filter_init_func
            && (rc = f->frec->filter_init_func(f)) != OK) {
            return rc;
        }
    }
    return OK;
}

int ssomod_routes_quick_handler(request_rec *r, int lookup_uri)
{
    int rc;

    const ssomod_server_conf *c = ssomod_server_conf_get(r->server);
    const char *route = ssomod_routes_match(r, c->base_path);

    if (!route || lookup_uri) {
        return DECLINED;
    }
    /* httpd inserts the site's output filters (mod_headers: HSTS, CSP) for
     * handlers only; our pages get them too, as mod_cache does. Error
     * answers get the error filters instead (ap_send_error_response). */
    ap_run_insert_filter(r);
    if ((rc = ssomod_routes_filters_init(r->input_filters)) != OK
        || (rc = ssomod_routes_filters_init(r->output_filters)) != OK) {
        return rc;
    }
    return ssomod_routes_dispatch(r, c, route);
}
