/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Startup checks: run by check_config, so `apachectl -t` reports them. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_check.h"
#include "mod_auth_sso_session.h"
#include "sso_cookie.h"

#include "http_log.h"
#include "http_core.h"
#include "mod_auth.h"
#include "ap_provider.h"
#include "ap_listen.h"
#include "apr_strings.h"
#include "sso_url.h"

static const char *ssomod_server_label(apr_pool_t *p, server_rec *s)
{
    if (!s->is_virtual) {
        return "the main server";
    }
    return apr_psprintf(p, "virtual host %s (%s:%u)",
                        s->server_hostname ? s->server_hostname : "?",
                        s->defn_name ? s->defn_name : "?", s->defn_line_number);
}

static int ssomod_check_required(apr_pool_t *p, server_rec *s,
                                 const ssomod_server_conf *c)
{
    static const char *const names[] = { "SSOAuthority", "SSOClientID",
                                         "SSOClientSecret" };
    const char *values[] = { c->authority, c->client_id, c->client_secret };
    int i, errors = 0;

    for (i = 0; i < 3; i++) {
        if (values[i]) {
            continue;
        }
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     SSOLOGNO(00018) "SSOEnable On in %s needs %s",
                              ssomod_server_label(p, s), names[i]);
        errors++;
    }
    return errors;
}

static int ssomod_check_local_providers(server_rec *s,
                                        const ssomod_server_conf *c)
{
    int i, errors = 0;

    for (i = 0; c->local_providers && i < c->local_providers->nelts; i++) {
        const char *name = APR_ARRAY_IDX(c->local_providers, i, const char *);
        if (ap_lookup_provider(AUTHN_PROVIDER_GROUP, name,
                               AUTHN_PROVIDER_VERSION)) {
            continue;
        }
        ap_log_error(
            APLOG_MARK, APLOG_EMERG, 0, s,
            SSOLOGNO(00019) "SSOLocalAuthProvider %s: "
                            "unknown authn provider (is mod_authn_%s loaded?)",
                     name, name);
        errors++;
    }
    return errors;
}

/* The mistakes in SSOAuthority that configtest cannot refuse: a trailing
 * '/' (some issuers do end with one) and plain http to another host. */
static void ssomod_check_authority(apr_pool_t *p, server_rec *s,
                                   const ssomod_server_conf *c)
{
    const char *a = c->authority, *host;

    if (!c->enable || !a) {
        return;
    }
    if (a[strlen(a) - 1] == '/') {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00020) "SSOAuthority %s in %s "
                       "ends with '/': it must equal the provider's issuer "
                       "exactly, which seldom does (Pocket ID's never): write "
                       "SSOAuthority %s",
                a, ssomod_server_label(p, s), sso_url_trim_slash(p, a));
    }
    if ((host = sso_url_cleartext_host(p, a))) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00021) "SSOAuthority %s in %s "
                       "is plain http to %s: the client secret and the tokens "
                       "would travel in clear text (use https://)",
                a, ssomod_server_label(p, s), host);
    }
}

static void ssomod_check_warnings(apr_pool_t *p, server_rec *s,
                                  const ssomod_server_conf *c)
{
    ssomod_check_authority(p, s, c);
    if (c->group_map->nelts && !sso_groups_contain(c->scopes, "groups")) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00022) "SSOScopes in %s lacks 'groups': the provider will send "
                       "no groups claim and SSOGroupMap will have no effect",
                ssomod_server_label(p, s));
    }
    if (c->enable && c->require_mapped_group && !c->group_map->nelts) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00023) "SSORequireMappedGroup is "
                       "On but %s has no SSOGroupMap: every SSO login will be "
                       "refused (add SSOGroupMap lines or set "
                       "SSORequireMappedGroup Off)",
                ssomod_server_label(p, s));
    }
    if (sso_cookie_prefix(c->cookie_name) && c->public_url
        && strncasecmp(c->public_url, "https:", 6)) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00024) "SSOCookieName %s in %s "
                            "needs HTTPS: browsers drop a %s cookie sent over "
                            "http (check SSOPublicURL %s)",
                     c->cookie_name, ssomod_server_label(p, s),
                     sso_cookie_prefix(c->cookie_name) & SSO_COOKIE_PREFIX_HOST
                         ? "__Host-"
                         : "__Secure-",
                     c->public_url);
    }
    if (c->session_max_age < c->session_timeout) {
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00025) "SSOSessionMaxAge (%d) is shorter than "
                            "SSOSessionTimeout "
                            "(%d) in %s: sessions end after %d seconds",
                     c->session_max_age, c->session_timeout,
                     ssomod_server_label(p, s), c->session_max_age);
    }
}

int ssomod_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s)
{
    const ssomod_server_conf *main_conf = ssomod_server_conf_get(s);
    server_rec *vs;
    const char *err;
    int errors = 0;

    for (vs = s; vs; vs = vs->next) {
        ssomod_server_conf *c = ssomod_server_conf_get(vs);
        if ((err = ssomod_server_conf_finalize(pconf, ptemp, c,
                                               vs == s ? NULL : main_conf))) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, vs,
                         SSOLOGNO(00026) "%s", err);
            errors++;
            continue;
        }
        if (c->enable) {
            errors += ssomod_check_required(ptemp, vs, c);
        }
        errors += ssomod_check_local_providers(vs, c);
        /* `apachectl -t` shows them now; a real start logs them to the
         * error log once it is open (ssomod_check_post_config). */
        if (ap_state_query(AP_SQ_RUN_MODE) == AP_SQ_RM_CONFIG_TEST) {
            ssomod_check_warnings(ptemp, vs, c);
        }
    }
    return errors ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

/* The port of URLs back to s, as httpd builds them with UseCanonicalName
 * On (never from the Host header): ServerName's, else the virtual host's
 * own address, else the only Listen; 0: the scheme's default. */
static apr_port_t ssomod_check_self_port(server_rec *s)
{
    server_addr_rec *a;

    if (s->port) {
        return s->port;
    }
    for (a = s->addrs; a; a = a->next) {
        if (a->host_port) {
            return a->host_port;
        }
    }
    if (ap_listeners && !ap_listeners->next && ap_listeners->bind_addr) {
        return ap_listeners->bind_addr->port;
    }
    return 0;
}

/* The scheme of s when the configuration tells it: ServerName's, or no
 * mod_ssl, or a well-known port. NULL: only a request can tell. */
static const char *ssomod_check_self_scheme(server_rec *s, apr_port_t port)
{
    if (s->server_scheme) {
        return s->server_scheme;
    }
    if (!ap_find_linked_module("mod_ssl.c") || port == 80) {
        return "http";
    }
    return port == 443 ? "https" : NULL;
}

/* One notice per SSO server, whatever the LogLevel: the callback URL to
 * register at the provider, so a wrong one is seen here, not there. */
static void ssomod_check_log_redirect(apr_pool_t *p, server_rec *s,
                                      const ssomod_server_conf *c)
{
    const char *path = apr_pstrcat(p, c->base_path, "/callback", NULL);
    const char *scheme = ssomod_check_self_scheme(s, c->self_port);
    const char *host = s->server_hostname ? s->server_hostname : "localhost";

    if (c->public_url) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s,
                     SSOLOGNO(00027) "redirect URI of %s: "
                                     "%s%s (from SSOPublicURL)",
                              ssomod_server_label(p, s), c->public_url, path);
    }
    else if (scheme) {
        ap_log_error(
            APLOG_MARK, APLOG_NOTICE, 0, s,
            SSOLOGNO(00028) "redirect URI of %s: "
                       "%s%s (from ServerName and the port; set SSOPublicURL "
                       "if clients use another address)",
                ssomod_server_label(p, s),
                ssomod_public_url_for(p, scheme, host, c->self_port), path);
    }
    else {
        ap_log_error(
            APLOG_MARK, APLOG_NOTICE, 0, s,
            SSOLOGNO(00029) "redirect URI of %s: "
                       "%s%s with SSLEngine on, else %s%s (set SSOPublicURL to "
                       "say which)",
                ssomod_server_label(p, s),
                ssomod_public_url_for(p, "https", host, c->self_port), path,
                ssomod_public_url_for(p, "http", host, c->self_port), path);
    }
}

int ssomod_check_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s)
{
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        ssomod_server_conf_get(vs)->self_port = ssomod_check_self_port(vs);
    }
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG) {
        return OK;
    }
    for (vs = s; vs; vs = vs->next) {
        ssomod_server_conf *c = ssomod_server_conf_get(vs);
        ssomod_check_warnings(ptemp, vs, c);
        if (c->enable) {
            ssomod_check_log_redirect(ptemp, vs, c);
        }
    }
    return OK;
}
