/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* AuthType sso: one cache lookup turns the session cookie into REMOTE_USER,
 * the SSO_* environment and the identity Require sso-group reads. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_account.h"
#include "mod_auth_sso_authn.h"
#include "mod_auth_sso_login.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_refresh.h"
#include "mod_auth_sso_token.h"
#include "sso_identity.h"
#include "sso_url.h"

#include "http_core.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"
#include "util_filter.h"
#include "apr_escape.h"
#include "apr_strings.h"

#define SSO_AUTHN_CACHE_FILTER "AUTH_SSO_PRIVATE"

/* By handle: adding a filter by name costs a lookup on every request. */
static ap_filter_rec_t *ssomod_authn_cache_filter_handle;

static int ssomod_strip_one(void *rec, const char *key, const char *value)
{
    apr_array_header_t *doomed = rec;

    if (sso_identity_owns_header(key)) {
        APR_ARRAY_PUSH(doomed, const char *) = key;
    }
    return 1;
}

int ssomod_authn_strip_headers(request_rec *r)
{
    apr_array_header_t *doomed = apr_array_make(r->pool, 1, sizeof(char *));
    int i;

    apr_table_do(ssomod_strip_one, doomed, r->headers_in, NULL);
    for (i = 0; i < doomed->nelts; i++) {
        apr_table_unset(r->headers_in, APR_ARRAY_IDX(doomed, i, const char *));
    }
    return DECLINED;
}

static void ssomod_export(request_rec *r, const char *env, const char *header,
                          const char *value, int pass_header)
{
    if (!value) {
        return;
    }
    if (sso_url_has_control(value)) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00006) "%s of user %s holds "
                                     "control characters: not passed on",
                              env, r->user);
        return;
    }
    apr_table_setn(r->subprocess_env, env, value);
    if (pass_header) {
        apr_table_setn(r->headers_in, header, value);
    }
}

static ssomod_identity *ssomod_identity_from(request_rec *r,
                                             const sso_session *s)
{
    ssomod_identity *id = apr_pcalloc(r->pool, sizeof(*id));

    id->user = s->user;
    id->groups = s->groups;
    id->email = s->email;
    id->name = s->name;
    id->method = s->method;
    return id;
}

static void ssomod_identity_apply(request_rec *r, const ssomod_server_conf *c,
                                  const ssomod_identity *id)
{
    int ph = c->pass_headers;

    r->user = (char *)id->user;
    r->ap_auth_type = "sso";
    ssomod_identity_set(r, id);
    ssomod_export(r, "SSO_USER", "X-SSO-User", id->user, ph);
    ssomod_export(r, "SSO_GROUPS", "X-SSO-Groups",
                  sso_groups_join(r->pool, id->groups), ph);
    ssomod_export(r, "SSO_EMAIL", "X-SSO-Email", id->email, ph);
    ssomod_export(r, "SSO_NAME", "X-SSO-Name", id->name, ph);
    ssomod_export(r, "SSO_AUTH_METHOD", NULL, id->method, 0);
}

/* GET and HEAD: other methods would lose their body on a redirect. */
static int ssomod_authn_is_read(const request_rec *r)
{
    return r->method_number == M_GET;
}

static int ssomod_authn_unauthenticated(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const ssomod_dir_conf *d, int expired)
{
    int action =
        d->unauthenticated == SSO_UNSET ? SSO_UNAUTH_LOGIN : d->unauthenticated;
    const char *login;

    if (action == SSO_UNAUTH_401 || !ssomod_authn_is_read(r)) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                       apr_psprintf(r->pool, "SSO realm=\"%s\"",
                                    r->server->server_hostname));
        return ssomod_page_error(r, HTTP_UNAUTHORIZED, "Sign-in required",
                                 "You need to sign in to see this page.");
    }
    if (action == SSO_UNAUTH_PROVIDER && c->enable) {
        return ssomod_login_start(r, c, r->unparsed_uri);
    }
    login = apr_pstrcat(r->pool, c->base_path, "/login?return=",
                        apr_pescape_urlencoded(r->pool, r->unparsed_uri),
                        expired ? "&expired=1" : "", NULL);
    apr_table_setn(r->headers_out, "Location", login);
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    return HTTP_MOVED_TEMPORARILY;
}

static int ssomod_authn_unavailable(request_rec *r)
{
    return ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE, "Service unavailable",
                             "Sessions are temporarily unavailable. Please try "
                             "again in a moment.");
}

/* Every SSOAccountRecheck seconds the account is looked up again, so a
 * disabled or deleted account stops working without a registry read on
 * every request. */
static int ssomod_authn_accept(request_rec *r, const ssomod_server_conf *c,
                               const unsigned char *sid, sso_session *s)
{
    apr_int64_t now = apr_time_sec(r->request_time);
    int rechecked = sso_session_needs_recheck(s, now, c->account_recheck)
                    && ssomod_session_may_write(r, c);
    ssomod_recheck_e rc =
        rechecked ? ssomod_account_recheck(r, c, s) : SSO_RECHECK_OK;

    /* SSOGroupRefresh: after the re-check, whose registry groups it
     * replaces. A request not due pays one comparison. */
    if (rc == SSO_RECHECK_OK
        && sso_session_needs_refresh(s, now, c->group_refresh)) {
        rc = ssomod_refresh_due(r, c, sid, s);
    }
    if (rc == SSO_RECHECK_GONE) {
        ssomod_session_remove(r, c, sid);
        return ssomod_authn_unauthenticated(
            r, c, ap_get_module_config(r->per_dir_config, &auth_sso_module), 1);
    }
    if (rc != SSO_RECHECK_OK) {
        return ssomod_authn_unavailable(r);
    }
    ssomod_session_touch(r, c, sid, s, rechecked);
    ssomod_identity_apply(r, c, ssomod_identity_from(r, s));
    return OK;
}

/* A subrequest or internal redirect reuses the identity already found. */
static const ssomod_identity *ssomod_authn_inherited(request_rec *r)
{
    const ssomod_identity *id = r->main ? ssomod_identity_get(r->main) : NULL;

    return id ? id : r->prev ? ssomod_identity_get(r->prev) : NULL;
}

/* SSOAPITokens: a Bearer token decides alone, whatever cookie comes
 * with it. */
static int ssomod_authn_token(request_rec *r, const ssomod_server_conf *c,
                              const char *token)
{
    ssomod_identity *id = NULL;
    int rc = ssomod_token_check(r, c, token, &id);

    if (rc == OK) {
        ssomod_identity_apply(r, c, id);
    }
    return rc;
}

static int ssomod_authn_check(request_rec *r)
{
    const char *type = ap_auth_type(r), *token;
    const ssomod_server_conf *c;
    const ssomod_identity *inherited;
    const unsigned char *sid;
    sso_session s;

    if (!type || strcasecmp(type, "sso")) {
        return DECLINED;
    }
    c = ssomod_server_conf_get(r->server);
    if ((inherited = ssomod_authn_inherited(r))) {
        ssomod_identity_apply(r, c, inherited);
        return OK;
    }
    if ((token = ssomod_token_of(r, c))) {
        return ssomod_authn_token(r, c, token);
    }
    switch (ssomod_session_load(r, c, &s, &sid)) {
    case SSO_LOAD_OK:
        return ssomod_authn_accept(r, c, sid, &s);
    case SSO_LOAD_ERROR:
        return ssomod_authn_unavailable(r);
    case SSO_LOAD_EXPIRED:
        return ssomod_authn_unauthenticated(
            r, c, ap_get_module_config(r->per_dir_config, &auth_sso_module), 1);
    default:
        return ssomod_authn_unauthenticated(
            r, c, ap_get_module_config(r->per_dir_config, &auth_sso_module), 0);
    }
}

/* Pages behind AuthType sso are private: without this a browser may show
 * one again from its cache after logout. A Cache-Control the page sets
 * itself wins. */
static apr_status_t ssomod_authn_cache_filter(ap_filter_t *f,
                                              apr_bucket_brigade *bb)
{
    request_rec *r = f->r;

    if (!apr_table_get(r->headers_out, "Cache-Control")
        && !apr_table_get(r->err_headers_out, "Cache-Control")) {
        apr_table_setn(r->headers_out, "Cache-Control", "private, no-cache");
    }
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void ssomod_authn_insert_filter(request_rec *r)
{
    if (ssomod_identity_get(r)) {
        ap_add_output_filter_handle(ssomod_authn_cache_filter_handle, NULL, r,
                                    r->connection);
    }
}

void ssomod_authn_register(apr_pool_t *p)
{
    ssomod_authn_cache_filter_handle = ap_register_output_filter(
        SSO_AUTHN_CACHE_FILTER, ssomod_authn_cache_filter, NULL,
        AP_FTYPE_CONTENT_SET);
    ap_hook_insert_filter(ssomod_authn_insert_filter, NULL, NULL,
                          APR_HOOK_MIDDLE);
    ap_hook_post_read_request(ssomod_authn_strip_headers, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    ap_hook_check_authn(ssomod_authn_check, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
}
