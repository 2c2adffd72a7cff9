/* Startup checks: run by check_config, so `apachectl -t` reports them. */
#include "mod_auth_sso.h"
#include "sso_cookie.h"

#include "http_log.h"
#include "http_core.h"
#include "mod_auth.h"
#include "ap_provider.h"
#include "apr_strings.h"

APLOG_USE_MODULE(auth_sso);

static const char *sso_server_label(apr_pool_t *p, server_rec *s)
{
    if (!s->is_virtual)
        return "the main server";
    return apr_psprintf(p, "virtual host %s (%s:%u)",
                        s->server_hostname ? s->server_hostname : "?",
                        s->defn_name ? s->defn_name : "?", s->defn_line_number);
}

static int sso_check_required(apr_pool_t *p, server_rec *s,
                              const sso_server_conf *c)
{
    static const char *const names[] = { "SSOAuthority", "SSOClientID",
                                         "SSOClientSecret" };
    const char *values[] = { c->authority, c->client_id, c->client_secret };
    int i, errors = 0;

    for (i = 0; i < 3; i++) {
        if (values[i])
            continue;
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     "SSOEnable On in %s needs %s", sso_server_label(p, s),
                     names[i]);
        errors++;
    }
    return errors;
}

static int sso_check_local_providers(server_rec *s, const sso_server_conf *c)
{
    int i, errors = 0;

    for (i = 0; c->local_providers && i < c->local_providers->nelts; i++) {
        const char *name = APR_ARRAY_IDX(c->local_providers, i, const char *);
        if (ap_lookup_provider(AUTHN_PROVIDER_GROUP, name, AUTHN_PROVIDER_VERSION))
            continue;
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s, "SSOLocalAuthProvider %s: "
                     "unknown authn provider (is mod_authn_%s loaded?)", name, name);
        errors++;
    }
    return errors;
}

static void sso_check_warnings(apr_pool_t *p, server_rec *s,
                               const sso_server_conf *c)
{
    if (c->group_map->nelts && !sso_groups_contain(c->scopes, "groups"))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "SSOScopes in %s lacks 'groups': the provider will send "
                     "no groups claim and SSOGroupMap will have no effect",
                     sso_server_label(p, s));
    if (c->enable && c->require_mapped_group && !c->group_map->nelts)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "SSORequireMappedGroup is "
                     "On but %s has no SSOGroupMap: every SSO login will be "
                     "refused (add SSOGroupMap lines or set "
                     "SSORequireMappedGroup Off)", sso_server_label(p, s));
    if (sso_cookie_prefix(c->cookie_name) && c->public_url
        && strncasecmp(c->public_url, "https:", 6))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "SSOCookieName %s in %s "
                     "needs HTTPS: browsers drop a %s cookie sent over "
                     "http (check SSOPublicURL %s)", c->cookie_name,
                     sso_server_label(p, s), sso_cookie_prefix(c->cookie_name)
                     & SSO_COOKIE_PREFIX_HOST ? "__Host-" : "__Secure-",
                     c->public_url);
    if (c->session_max_age < c->session_timeout)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "SSOSessionMaxAge (%d) is shorter than SSOSessionTimeout "
                     "(%d) in %s: sessions end after %d seconds",
                     c->session_max_age, c->session_timeout,
                     sso_server_label(p, s), c->session_max_age);
}

int sso_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                     server_rec *s)
{
    const sso_server_conf *main_conf = sso_server_conf_get(s);
    server_rec *vs;
    const char *err;
    int errors = 0;

    for (vs = s; vs; vs = vs->next) {
        sso_server_conf *c = sso_server_conf_get(vs);
        if ((err = sso_server_conf_finalize(pconf, ptemp, c,
                                            vs == s ? NULL : main_conf))) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, vs, "%s", err);
            errors++;
            continue;
        }
        if (c->enable)
            errors += sso_check_required(ptemp, vs, c);
        errors += sso_check_local_providers(vs, c);
        /* `apachectl -t` shows them now; a real start logs them to the
         * error log once it is open (sso_check_post_config). */
        if (ap_state_query(AP_SQ_RUN_MODE) == AP_SQ_RM_CONFIG_TEST)
            sso_check_warnings(ptemp, vs, c);
    }
    return errors ? HTTP_INTERNAL_SERVER_ERROR : OK;
}

int sso_check_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    server_rec *vs;

    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return OK;
    for (vs = s; vs; vs = vs->next)
        sso_check_warnings(ptemp, vs, sso_server_conf_get(vs));
    return OK;
}
