/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Directives: parsing, per-vhost and per-directory merging, defaults. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_config.h"
#include "sso_url.h"
#include "sso_registry.h"
#include "sso_secret.h"
#include "sso_socache.h"

#include "http_log.h"
#include "ap_provider.h"
#include "apr_strings.h"
#include "apr_file_io.h"
#include "apr_file_info.h"

/* ---- create and merge ---- */

void *ssomod_server_conf_create(apr_pool_t *p, server_rec *s)
{
    ssomod_server_conf *c = apr_pcalloc(p, sizeof(*c));

    c->enable = c->allow_signup = c->signup_only_mapped = SSO_UNSET;
    c->require_mapped_group = c->local_login = c->pkce = SSO_UNSET;
    c->pass_headers = c->token_auth = c->local_totp = SSO_UNSET;
    c->session_timeout = c->session_max_age = c->clock_skew = SSO_UNSET;
    c->http_connect_timeout = c->http_timeout = SSO_UNSET;
    c->account_recheck = SSO_UNSET;
    c->session_cache_reuse = SSO_UNSET;
    c->logout_at_provider = c->group_refresh = SSO_UNSET;
    c->api_tokens = SSO_UNSET;
    return c;
}

static int ssomod_merge_int(int base, int add)
{
    return add != SSO_UNSET ? add : base;
}

static const void *ssomod_merge_ptr(const void *base, const void *add)
{
    return add ? add : base;
}

#define SSO_MERGE_INT(f) m->f = ssomod_merge_int(b->f, a->f)
#define SSO_MERGE_PTR(f) m->f = (void *)ssomod_merge_ptr(b->f, a->f)

void *ssomod_server_conf_merge(apr_pool_t *p, void *basev, void *addv)
{
    const ssomod_server_conf *b = basev, *a = addv;
    ssomod_server_conf *m = apr_pcalloc(p, sizeof(*m));

    SSO_MERGE_INT(enable);
    SSO_MERGE_PTR(authority);
    SSO_MERGE_PTR(metadata_url);
    SSO_MERGE_PTR(client_id);
    SSO_MERGE_PTR(client_secret);
    SSO_MERGE_PTR(client_secret_source);
    SSO_MERGE_PTR(scopes);
    SSO_MERGE_INT(allow_signup);
    SSO_MERGE_INT(signup_only_mapped);
    SSO_MERGE_INT(require_mapped_group);
    SSO_MERGE_PTR(group_map);
    SSO_MERGE_PTR(username_claims);
    SSO_MERGE_PTR(groups_claim);
    SSO_MERGE_PTR(groups_claim_path);
    SSO_MERGE_PTR(base_path);
    SSO_MERGE_PTR(public_url);
    SSO_MERGE_PTR(session_cache);
    SSO_MERGE_INT(session_timeout);
    SSO_MERGE_INT(session_max_age);
    SSO_MERGE_PTR(cookie_name);
    SSO_MERGE_PTR(user_store);
    SSO_MERGE_INT(local_login);
    SSO_MERGE_INT(local_totp);
    SSO_MERGE_INT(pkce);
    SSO_MERGE_INT(token_auth);
    SSO_MERGE_INT(clock_skew);
    SSO_MERGE_INT(pass_headers);
    SSO_MERGE_INT(account_recheck);
    SSO_MERGE_INT(api_tokens);
    SSO_MERGE_INT(session_cache_reuse);
    SSO_MERGE_INT(logout_at_provider);
    SSO_MERGE_INT(group_refresh);
    SSO_MERGE_INT(http_connect_timeout);
    SSO_MERGE_INT(http_timeout);
    SSO_MERGE_PTR(ca_file);
    SSO_MERGE_PTR(login_template);
    SSO_MERGE_PTR(local_providers);
    return m;
}

void *ssomod_dir_conf_create(apr_pool_t *p, char *dir)
{
    ssomod_dir_conf *c = apr_pcalloc(p, sizeof(*c));

    c->unauthenticated = SSO_UNSET;
    return c;
}

void *ssomod_dir_conf_merge(apr_pool_t *p, void *basev, void *addv)
{
    const ssomod_dir_conf *b = basev, *a = addv;
    ssomod_dir_conf *m = apr_pcalloc(p, sizeof(*m));

    SSO_MERGE_INT(unauthenticated);
    return m;
}

ssomod_server_conf *ssomod_server_conf_get(server_rec *s)
{
    return ap_get_module_config(s->module_config, &auth_sso_module);
}

/* ---- defaults, applied once per server after merging ---- */

static apr_array_header_t *ssomod_words(apr_pool_t *p, const char *list)
{
    apr_array_header_t *arr = apr_array_make(p, 4, sizeof(const char *));
    char *last, *copy = apr_pstrdup(p, list);
    const char *w;

    for (w = apr_strtok(copy, " ", &last); w;
         w = apr_strtok(NULL, " ", &last)) {
        APR_ARRAY_PUSH(arr, const char *) = w;
    }
    return arr;
}

static int ssomod_default_int(int value, int dflt)
{
    return value == SSO_UNSET ? dflt : value;
}

static const char *ssomod_default_str(const char *value, const char *dflt)
{
    return value ? value : dflt;
}

static const char *ssomod_cache_conf_default(apr_pool_t *p, apr_pool_t *ptemp,
                                             ssomod_cache_conf **out);

/* Virtual hosts without SSOSessionCache share the main server's cache, so
 * a session is valid on every name the server answers to. */
static const char *ssomod_finalize_cache(apr_pool_t *p, apr_pool_t *ptemp,
                                         ssomod_server_conf *c,
                                         const ssomod_server_conf *main_conf)
{
    if (c->session_cache) {
        return NULL;
    }
    if (main_conf && main_conf->session_cache) {
        c->session_cache = main_conf->session_cache;
        return NULL;
    }
    return ssomod_cache_conf_default(p, ptemp, &c->session_cache);
}

static void ssomod_finalize_flags(ssomod_server_conf *c)
{
    c->enable = ssomod_default_int(c->enable, 0);
    c->allow_signup = ssomod_default_int(c->allow_signup, 0);
    c->signup_only_mapped = ssomod_default_int(c->signup_only_mapped, 1);
    c->require_mapped_group = ssomod_default_int(c->require_mapped_group, 1);
    c->local_login = ssomod_default_int(c->local_login, 1);
    c->local_totp = ssomod_default_int(c->local_totp, SSO_LOCAL_TOTP_OPTIONAL);
    c->pkce = ssomod_default_int(c->pkce, 1);
    c->pass_headers = ssomod_default_int(c->pass_headers, 0);
    c->token_auth = ssomod_default_int(c->token_auth, SSO_PROVIDER_AUTH_AUTO);
    c->logout_at_provider = ssomod_default_int(c->logout_at_provider, 0);
    c->api_tokens = ssomod_default_int(c->api_tokens, 0);
}

static void ssomod_finalize_numbers(ssomod_server_conf *c)
{
    c->session_timeout =
        ssomod_default_int(c->session_timeout, SSO_DEFAULT_TIMEOUT);
    c->session_max_age =
        ssomod_default_int(c->session_max_age, SSO_DEFAULT_MAX_AGE);
    c->clock_skew = ssomod_default_int(c->clock_skew, SSO_DEFAULT_CLOCK_SKEW);
    c->account_recheck =
        ssomod_default_int(c->account_recheck, SSO_DEFAULT_RECHECK);
    c->session_cache_reuse =
        ssomod_default_int(c->session_cache_reuse, SSO_DEFAULT_CACHE_REUSE);
    c->group_refresh = ssomod_default_int(c->group_refresh, 0);
    c->http_connect_timeout = ssomod_default_int(c->http_connect_timeout,
                                                 SSO_DEFAULT_CONNECT_TIMEOUT);
    c->http_timeout =
        ssomod_default_int(c->http_timeout, SSO_DEFAULT_HTTP_TIMEOUT);
}

static void ssomod_finalize_strings(apr_pool_t *p, ssomod_server_conf *c)
{
    if (!c->scopes) {
        c->scopes = ssomod_words(p, SSO_DEFAULT_SCOPES);
    }
    if (!c->username_claims) {
        c->username_claims = ssomod_words(p, SSO_DEFAULT_USERNAME_CLAIMS);
    }
    if (!c->group_map) {
        c->group_map = apr_array_make(p, 1, sizeof(sso_group_map_entry));
    }
    if (!c->groups_claim) {
        c->groups_claim = SSO_DEFAULT_GROUPS_CLAIM;
        c->groups_claim_path = apr_array_make(p, 1, sizeof(const char *));
        APR_ARRAY_PUSH(c->groups_claim_path, const char *) = c->groups_claim;
    }
    c->base_path = ssomod_default_str(c->base_path, SSO_DEFAULT_BASE_PATH);
    c->cookie_name =
        ssomod_default_str(c->cookie_name, SSO_DEFAULT_COOKIE_NAME);
    if (!c->user_store) {
        c->user_store = SSO_REGISTRY_DEFAULT_SPEC;
    }
    /* OpenID Connect Discovery 1.0, section 4: a terminating '/' of the
     * issuer is removed before appending. */
    if (!c->metadata_url && c->authority) {
        c->metadata_url =
            apr_pstrcat(p, sso_url_trim_slash(p, c->authority),
                        "/.well-known/openid-configuration", NULL);
    }
}

const char *ssomod_server_conf_finalize(apr_pool_t *p, apr_pool_t *ptemp,
                                        ssomod_server_conf *c,
                                        const ssomod_server_conf *main_conf)
{
    ssomod_finalize_flags(c);
    ssomod_finalize_numbers(c);
    ssomod_finalize_strings(p, c);
    sso_realm_of_sso(c->authority, c->client_id, c->user_store, c->realm_sso);
    sso_realm_of_local(c->user_store, c->local_providers, c->realm_local);
    return ssomod_finalize_cache(p, ptemp, c, main_conf);
}

/* ---- directive handlers ---- */

static ssomod_server_conf *ssomod_cmd_conf(cmd_parms *cmd)
{
    return ssomod_server_conf_get(cmd->server);
}

/* "SSOnnnnn: SSODirective value: problem"; id is SSOLOGNO(nnnnn). */
static const char *ssomod_cmd_error(cmd_parms *cmd, const char *id,
                                    const char *value, const char *problem)
{
    return apr_psprintf(cmd->pool, "%s%s %s: %s", id, cmd->cmd->name, value,
                        problem);
}

/* A directive error of another shape; fmt starts with SSOLOGNO(n). */
static const char *ssomod_cmd_errorf(cmd_parms *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *ssomod_cmd_errorf(cmd_parms *cmd, const char *fmt, ...)
{
    const char *msg;
    va_list ap;

    va_start(ap, fmt);
    msg = apr_pvsprintf(cmd->pool, fmt, ap);
    va_end(ap);
    return msg;
}

/* Flags and strings are stored by offset, as ap_set_flag_slot does for
 * per-directory config; ours live in the server config. */
static const char *ssomod_set_flag(cmd_parms *cmd, void *dummy, int on)
{
    *(int *)((char *)ssomod_cmd_conf(cmd) + (apr_size_t)cmd->info) = on;
    return NULL;
}

static const char *ssomod_set_string(cmd_parms *cmd, void *dummy,
                                     const char *arg)
{
    if (!*arg) {
        return ssomod_cmd_errorf(cmd, SSOLOGNO(00030) "%s must not be empty",
                                               cmd->cmd->name);
    }
    *(const char **)((char *)ssomod_cmd_conf(cmd) + (apr_size_t)cmd->info) =
        arg;
    return NULL;
}

static const char *ssomod_parse_seconds(cmd_parms *cmd, const char *arg,
                                        int min, int *out)
{
    char *end;
    apr_int64_t v = apr_strtoi64(arg, &end, 10);

    if (!*end && end != arg && v >= min && v <= 365 * 86400) {
        *out = (int)v;
        return NULL;
    }
    if (min > 0) {
        return ssomod_cmd_error(cmd,
                                SSOLOGNO(00031), arg,
                                         "must be a whole number of seconds "
                                         "greater than zero");
    }
    return ssomod_cmd_error(cmd, SSOLOGNO(00032), arg,
                                          "must be a whole number of seconds, "
                                          "zero or more");
}

static const char *ssomod_set_positive_seconds(cmd_parms *cmd, void *d,
                                               const char *arg)
{
    int *slot = (int *)((char *)ssomod_cmd_conf(cmd) + (apr_size_t)cmd->info);
    return ssomod_parse_seconds(cmd, arg, 1, slot);
}

static const char *ssomod_set_seconds(cmd_parms *cmd, void *d, const char *arg)
{
    int *slot = (int *)((char *)ssomod_cmd_conf(cmd) + (apr_size_t)cmd->info);
    return ssomod_parse_seconds(cmd, arg, 0, slot);
}

static const char *ssomod_set_clock_skew(cmd_parms *cmd, void *d,
                                         const char *arg)
{
    return ssomod_parse_seconds(cmd, arg, 0, &ssomod_cmd_conf(cmd)->clock_skew);
}

static const char *ssomod_set_cache_reuse(cmd_parms *cmd, void *d,
                                          const char *arg)
{
    return ssomod_parse_seconds(cmd, arg, 0,
                                &ssomod_cmd_conf(cmd)->session_cache_reuse);
}

static const char *ssomod_set_http_url(cmd_parms *cmd, void *d, const char *arg)
{
    const char *problem = sso_url_check_http(cmd->temp_pool, arg);

    if (problem) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00033), arg, problem);
    }
    return ssomod_set_string(cmd, d, sso_url_trim_slash(cmd->pool, arg));
}

static const char *ssomod_set_authority(cmd_parms *cmd, void *d,
                                        const char *arg)
{
    const char *problem = sso_url_check_http(cmd->temp_pool, arg);

    /* Kept exactly as written: it must equal the discovery issuer. */
    if (problem) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00034), arg, problem);
    }
    ssomod_cmd_conf(cmd)->authority = arg;
    return NULL;
}

static const char *ssomod_set_metadata(cmd_parms *cmd, void *d, const char *arg)
{
    const char *problem = sso_url_check_http(cmd->temp_pool, arg);

    if (problem) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00035), arg, problem);
    }
    ssomod_cmd_conf(cmd)->metadata_url = arg;
    return NULL;
}

static const char *ssomod_set_client_secret(cmd_parms *cmd, void *d,
                                            const char *arg)
{
    ssomod_server_conf *c = ssomod_cmd_conf(cmd);
    const char *problem = sso_secret_resolve(cmd->pool, arg, &c->client_secret);

    /* Errors name the file or variable, never the secret itself. */
    if (problem) {
        return ssomod_cmd_errorf(cmd, SSOLOGNO(00036) "SSOClientSecret: %s",
                                               problem);
    }
    c->client_secret_source =
        strncmp(arg, "file:", 5) && strncmp(arg, "env:", 4) ? "literal" : arg;
    return NULL;
}

static const char *ssomod_push_word(cmd_parms *cmd, apr_array_header_t **arr,
                                    const char *word)
{
    if (!*arr) {
        *arr = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    APR_ARRAY_PUSH(*arr, const char *) = word;
    return NULL;
}

static const char *ssomod_set_scopes(cmd_parms *cmd, void *d, const char *arg)
{
    return ssomod_push_word(cmd, &ssomod_cmd_conf(cmd)->scopes, arg);
}

static const char *ssomod_set_username_claims(cmd_parms *cmd, void *d,
                                              const char *arg)
{
    return ssomod_push_word(cmd, &ssomod_cmd_conf(cmd)->username_claims, arg);
}

static const char *ssomod_set_group_map(cmd_parms *cmd, void *d, int argc,
                                        char *const argv[])
{
    ssomod_server_conf *c = ssomod_cmd_conf(cmd);
    sso_group_map_entry *e;

    if (argc != 2) {
        return ssomod_cmd_errorf(
            cmd,
            SSOLOGNO(00037) "SSOGroupMap needs exactly two arguments, "
                            "REMOTE LOCAL (quote names with spaces), got %d",
                     argc);
    }
    if (!*argv[0] || !*argv[1]) {
        return ssomod_cmd_errorf(
            cmd, SSOLOGNO(00038) "SSOGroupMap: group names must not be empty");
    }
    if (!c->group_map) {
        c->group_map =
            apr_array_make(cmd->pool, 4, sizeof(sso_group_map_entry));
    }
    e = apr_array_push(c->group_map);
    e->remote = argv[0];
    e->local = argv[1];
    return NULL;
}

static const char *ssomod_set_base_path(cmd_parms *cmd, void *d,
                                        const char *arg)
{
    const char *problem = sso_url_check_base_path(arg);

    if (problem) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00039), arg, problem);
    }
    ssomod_cmd_conf(cmd)->base_path = arg;
    return NULL;
}

/* Parsed here, once: the callback only walks the path. */
static const char *ssomod_set_groups_claim(cmd_parms *cmd, void *d,
                                           const char *arg)
{
    ssomod_server_conf *c = ssomod_cmd_conf(cmd);
    const char *err = NULL;

    if (!(c->groups_claim_path = sso_claim_path_parse(cmd->pool, arg, &err))) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00040), arg, err);
    }
    c->groups_claim = arg;
    return NULL;
}

static const char *ssomod_set_cookie_name(cmd_parms *cmd, void *d,
                                          const char *arg)
{
    if (!sso_url_is_cookie_name(arg)) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00041), arg,
                                              "is not a valid cookie name");
    }
    ssomod_cmd_conf(cmd)->cookie_name = arg;
    return NULL;
}

static const char *ssomod_cache_conf_make(apr_pool_t *p, const char *spec,
                                          ssomod_cache_conf **out)
{
    ssomod_cache_conf *cc = apr_pcalloc(p, sizeof(*cc));
    const char *sep = ap_strchr_c(spec, ':');

    cc->spec = spec;
    cc->name = sep ? apr_pstrmemdup(p, spec, sep - spec) : spec;
    cc->arg = sep ? sep + 1 : NULL;
    /* Other servers cannot void a memo here: only a cache on this host. */
    cc->memo = !strcmp(cc->name, "shmcb");
    cc->provider = ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, cc->name,
                                      AP_SOCACHE_PROVIDER_VERSION);
    if (!cc->provider) {
        return apr_psprintf(
            p, SSOLOGNO(00098) "SSOSessionCache %s: unknown session cache "
                               "provider '%s' (is mod_socache_%s loaded?)",
                        spec, cc->name, cc->name);
    }
    *out = cc;
    return NULL;
}

static void ssomod_cache_plan_shards(apr_pool_t *p, ssomod_cache_conf *cc)
{
    sso_socache_shards plan;

    sso_socache_plan_shards(p, cc->name, cc->arg, &plan);
    cc->shards = plan.count;
    cc->shard_args = plan.args;
}

/* Checks the argument with a throwaway instance; the real ones are made
 * in post_config, in the process pool, so that they outlive restarts. */
static const char *ssomod_cache_conf_check(apr_pool_t *p, apr_pool_t *ptemp,
                                           ssomod_cache_conf *cc)
{
    ap_socache_instance_t *probe;
    const char *err = cc->provider->create(&probe, cc->arg, ptemp, ptemp);

    cc->aux_arg = sso_socache_plan_aux(p, cc->name, cc->arg);
    if (!err) {
        ssomod_cache_plan_shards(p, cc);
    }
    return err ? apr_psprintf(
        p, SSOLOGNO(00099) "SSOSessionCache %s: %s", cc->spec, err) : NULL;
}

static const char *ssomod_set_session_cache(cmd_parms *cmd, void *d,
                                            const char *arg)
{
    ssomod_cache_conf *cc;
    const char *err = ssomod_cache_conf_make(cmd->pool, arg, &cc);

    if (!err) {
        err = ssomod_cache_conf_check(cmd->pool, cmd->temp_pool, cc);
    }
    if (err) {
        return err;
    }
    ssomod_cmd_conf(cmd)->session_cache = cc;
    return NULL;
}

static const char *ssomod_cache_conf_default(apr_pool_t *p, apr_pool_t *ptemp,
                                             ssomod_cache_conf **out)
{
    const char *err = ssomod_cache_conf_make(p, SSO_DEFAULT_CACHE, out);

    return err ? err : ssomod_cache_conf_check(p, ptemp, *out);
}

static const char *ssomod_set_user_store(cmd_parms *cmd, void *d,
                                         const char *arg)
{
    const char *sep = ap_strchr_c(arg, ':');

    if (!sep || sep == arg || !sep[1]) {
        return ssomod_cmd_error(
            cmd, SSOLOGNO(00042), arg,
                          "must be DRIVER:PARAMS, e.g. "
                          "sqlite3:/var/lib/apache2/sso/users.db");
    }
    ssomod_cmd_conf(cmd)->user_store = arg;
    return NULL;
}

static const char *ssomod_set_token_auth(cmd_parms *cmd, void *d,
                                         const char *arg)
{
    int *slot = &ssomod_cmd_conf(cmd)->token_auth;

    if (!strcasecmp(arg, "client_secret_basic")) {
        *slot = SSO_PROVIDER_AUTH_BASIC;
    }
    else if (!strcasecmp(arg, "client_secret_post")) {
        *slot = SSO_PROVIDER_AUTH_POST;
    }
    else {
        return ssomod_cmd_error(cmd, SSOLOGNO(00043), arg,
                                              "must be client_secret_basic or "
                                              "client_secret_post");
    }
    return NULL;
}

static const char *ssomod_set_http_timeout(cmd_parms *cmd, void *d,
                                           const char *connect,
                                           const char *total)
{
    ssomod_server_conf *c = ssomod_cmd_conf(cmd);
    const char *err =
        ssomod_parse_seconds(cmd, connect, 1, &c->http_connect_timeout);

    if (!err && total) {
        err = ssomod_parse_seconds(cmd, total, 1, &c->http_timeout);
    }
    return err;
}

/* Read once at startup: the page is built per request from memory. */
static const char *ssomod_set_login_template(cmd_parms *cmd, void *d,
                                             const char *arg)
{
    const char *path = ap_server_root_relative(cmd->temp_pool, arg);
    apr_file_t *f;
    apr_finfo_t fi;
    char *text;
    apr_size_t len;

    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool)
        || apr_file_info_get(&fi, APR_FINFO_SIZE, f) || fi.size > 256 * 1024) {
        return ssomod_cmd_error(
            cmd, SSOLOGNO(00044), arg,
                          "cannot read the template file (at most 256 KiB)");
    }
    len = (apr_size_t)fi.size;
    text = apr_palloc(cmd->pool, len + 1);
    if (apr_file_read_full(f, text, len, &len) != APR_SUCCESS
        && len != (apr_size_t)fi.size) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00045), arg,
                                              "cannot read the template file");
    }
    text[len] = '\0';
    apr_file_close(f);
    ssomod_cmd_conf(cmd)->login_template = text;
    return NULL;
}

static const char *ssomod_set_ca_file(cmd_parms *cmd, void *d, const char *arg)
{
    const char *path = ap_server_root_relative(cmd->pool, arg);
    apr_file_t *f;

    if (!path || apr_file_open(&f, path, APR_FOPEN_READ, 0, cmd->temp_pool)) {
        return ssomod_cmd_error(cmd, SSOLOGNO(00046), arg,
                                              "cannot read the CA file");
    }
    apr_file_close(f);
    ssomod_cmd_conf(cmd)->ca_file = path;
    return NULL;
}

static const char *ssomod_set_local_provider(cmd_parms *cmd, void *d,
                                             const char *arg)
{
    return ssomod_push_word(cmd, &ssomod_cmd_conf(cmd)->local_providers, arg);
}

static const char *ssomod_set_unauthenticated(cmd_parms *cmd, void *dv,
                                              const char *arg)
{
    ssomod_dir_conf *d = dv;

    if (!strcasecmp(arg, "login")) {
        d->unauthenticated = SSO_UNAUTH_LOGIN;
    }
    else if (!strcasecmp(arg, "provider")) {
        d->unauthenticated = SSO_UNAUTH_PROVIDER;
    }
    else if (!strcmp(arg, "401")) {
        d->unauthenticated = SSO_UNAUTH_401;
    }
    else {
        return ssomod_cmd_error(cmd, SSOLOGNO(00047), arg,
                                              "must be login, provider or 401");
    }
    return NULL;
}

static const char *ssomod_set_local_totp(cmd_parms *cmd, void *dummy,
                                         const char *arg)
{
    ssomod_server_conf *c = ssomod_cmd_conf(cmd);

    /* "On" reads as Optional: enrolled accounts give a code. */
    if (!strcasecmp(arg, "off")) {
        c->local_totp = SSO_LOCAL_TOTP_OFF;
    }
    else if (!strcasecmp(arg, "optional") || !strcasecmp(arg, "on")) {
        c->local_totp = SSO_LOCAL_TOTP_OPTIONAL;
    }
    else if (!strcasecmp(arg, "required")) {
        c->local_totp = SSO_LOCAL_TOTP_REQUIRED;
    }
    else {
        return ssomod_cmd_error(
            cmd, SSOLOGNO(00102), arg, "must be Off, Optional or Required");
    }
    return NULL;
}

#define SSO_SLOT(field) (void *)APR_OFFSETOF(ssomod_server_conf, field)

const command_rec ssomod_cmds[] = {
    AP_INIT_FLAG("SSOEnable", ssomod_set_flag, SSO_SLOT(enable), RSRC_CONF,
                 "On to offer single sign-on with the configured provider"),
    AP_INIT_TAKE1("SSOAuthority", ssomod_set_authority, NULL, RSRC_CONF,
                  "the provider's issuer URL, e.g. https://id.example.com"),
    AP_INIT_TAKE1("SSOMetadataAddress", ssomod_set_metadata, NULL, RSRC_CONF,
                  "discovery document URL (default: authority + "
                  "/.well-known/openid-configuration)"),
    AP_INIT_TAKE1("SSOClientID", ssomod_set_string, SSO_SLOT(client_id),
                  RSRC_CONF, "the client ID registered at the provider"),
    AP_INIT_TAKE1("SSOClientSecret", ssomod_set_client_secret, NULL, RSRC_CONF,
                  "client secret: literal, file:/path or env:NAME"),
    AP_INIT_ITERATE("SSOScopes", ssomod_set_scopes, NULL, RSRC_CONF,
                    "scopes to request (openid is always sent)"),
    AP_INIT_FLAG("SSOAllowSignup", ssomod_set_flag, SSO_SLOT(allow_signup),
                 RSRC_CONF, "create a local account on a first SSO login"),
    AP_INIT_FLAG("SSOAllowSignupOnlyForMappedUsers", ssomod_set_flag,
                 SSO_SLOT(signup_only_mapped), RSRC_CONF,
                 "create accounts only for users in a mapped group"),
    AP_INIT_TAKE_ARGV("SSOGroupMap", ssomod_set_group_map, NULL, RSRC_CONF,
                      "REMOTE LOCAL: map a provider group to a local group"),
    AP_INIT_FLAG("SSORequireMappedGroup", ssomod_set_flag,
                 SSO_SLOT(require_mapped_group), RSRC_CONF,
                 "refuse SSO logins of users in no mapped group"),
    AP_INIT_ITERATE("SSOUsernameClaims", ssomod_set_username_claims, NULL,
                    RSRC_CONF,
                    "claims tried in order for a new local username"),
    AP_INIT_TAKE1("SSOGroupsClaim", ssomod_set_groups_claim, NULL, RSRC_CONF,
                  "claim holding the group names; a dotted path for nested "
                  "claims (\\. is a literal dot)"),
    AP_INIT_TAKE1("SSOBasePath", ssomod_set_base_path, NULL, RSRC_CONF,
                  "path prefix of the module's routes (default /sso)"),
    AP_INIT_TAKE1("SSOPublicURL", ssomod_set_http_url, SSO_SLOT(public_url),
                  RSRC_CONF,
                  "public base URL of this site, for the redirect URI"),
    AP_INIT_TAKE1(
        "SSOSessionCache", ssomod_set_session_cache, NULL, RSRC_CONF,
        "socache provider and argument, e.g. shmcb:/run/sso(8388608)"),
    AP_INIT_TAKE1("SSOSessionCacheReuse", ssomod_set_cache_reuse, NULL,
                  RSRC_CONF,
                  "seconds a session read from Redis or memcached is used "
                  "again without asking the cache (0: ask every time)"),
    AP_INIT_TAKE1("SSOSessionTimeout", ssomod_set_positive_seconds,
                  SSO_SLOT(session_timeout), RSRC_CONF,
                  "seconds of inactivity before a session ends"),
    AP_INIT_TAKE1("SSOSessionMaxAge", ssomod_set_positive_seconds,
                  SSO_SLOT(session_max_age), RSRC_CONF,
                  "absolute session lifetime in seconds"),
    AP_INIT_TAKE1("SSOCookieName", ssomod_set_cookie_name, NULL, RSRC_CONF,
                  "name of the session cookie"),
    AP_INIT_TAKE1("SSOUserStore", ssomod_set_user_store, NULL, RSRC_CONF,
                  "user registry as apr_dbd DRIVER:PARAMS"),
    AP_INIT_FLAG("SSOLocalLogin", ssomod_set_flag, SSO_SLOT(local_login),
                 RSRC_CONF,
                 "offer username and password login for local accounts"),
    AP_INIT_TAKE1("SSOLocalTOTP", ssomod_set_local_totp, NULL, RSRC_CONF,
                  "TOTP codes after the password of local accounts: Off, "
                  "Optional (enrolled accounts; the default) or Required"),
    AP_INIT_FLAG("SSOPKCE", ssomod_set_flag, SSO_SLOT(pkce), RSRC_CONF,
                 "send a PKCE S256 challenge when the provider supports it"),
    AP_INIT_TAKE1("SSOTokenAuth", ssomod_set_token_auth, NULL, RSRC_CONF,
                  "client_secret_basic or client_secret_post"),
    AP_INIT_TAKE1("SSOClockSkew", ssomod_set_clock_skew, NULL, RSRC_CONF,
                  "seconds of leeway for token times"),
    AP_INIT_FLAG("SSOPassHeaders", ssomod_set_flag, SSO_SLOT(pass_headers),
                 RSRC_CONF, "also pass identity as X-SSO-* request headers"),
    AP_INIT_TAKE1(
        "SSOAccountRecheck", ssomod_set_positive_seconds,
        SSO_SLOT(account_recheck), RSRC_CONF,
        "seconds between looks at a session's account in the registry"),
    AP_INIT_FLAG("SSOAPITokens", ssomod_set_flag, SSO_SLOT(api_tokens),
                 RSRC_CONF,
                 "accept Authorization: Bearer API tokens (sso-users token) "
                 "under AuthType sso"),
    AP_INIT_FLAG("SSOLogoutAtProvider", ssomod_set_flag,
                 SSO_SLOT(logout_at_provider), RSRC_CONF,
                 "after a logout here, also sign out at the "
                 "provider (its end_session_endpoint)"),
    AP_INIT_TAKE1("SSOGroupRefresh", ssomod_set_seconds,
                  SSO_SLOT(group_refresh), RSRC_CONF,
                  "seconds between re-reads of a session's groups "
                  "from the provider (0: never)"),
    AP_INIT_TAKE12("SSOHTTPTimeout", ssomod_set_http_timeout, NULL, RSRC_CONF,
                   "CONNECT [TOTAL]: seconds for calls to the provider"),
    AP_INIT_TAKE1("SSOCAFile", ssomod_set_ca_file, NULL, RSRC_CONF,
                  "CA bundle for verifying the provider's TLS certificate"),
    AP_INIT_TAKE1("SSOLoginTemplate", ssomod_set_login_template, NULL,
                  RSRC_CONF,
                  "HTML file replacing the login page ({{site}}, {{message}}, "
                  "{{sso_button}}, {{local_form}}, {{reference}})"),
    AP_INIT_ITERATE("SSOLocalAuthProvider", ssomod_set_local_provider, NULL,
                    RSRC_CONF,
                    "httpd authn providers (file, dbm, ldap...) for local "
                    "login instead of the user registry"),
    AP_INIT_TAKE1("SSOUnauthenticated", ssomod_set_unauthenticated, NULL,
                  OR_AUTHCFG, "without a session: login, provider or 401"),
    { NULL }
};
