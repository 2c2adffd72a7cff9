/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The module's configuration: per server, per directory, and its defaults */
#ifndef MOD_AUTH_SSO_CONFIG_H
#define MOD_AUTH_SSO_CONFIG_H

#include "mod_auth_sso_private.h"
#include "ap_socache.h"
#include "apr_tables.h"
#include "sso_groups.h"
#include "sso_session.h"
#include "sso_provider.h"

extern const command_rec ssomod_cmds[];

/* Marks a scalar directive that was not given in this context. */
#define SSO_UNSET (-1)

typedef enum {
    SSO_UNAUTH_LOGIN = 0,
    SSO_UNAUTH_PROVIDER,
    SSO_UNAUTH_401
} ssomod_unauth_e;

/* SSOLocalTOTP */
typedef enum {
    SSO_LOCAL_TOTP_OFF = 0,
    SSO_LOCAL_TOTP_OPTIONAL, /* enrolled accounts give a code */
    SSO_LOCAL_TOTP_REQUIRED  /* and the others must enrol */
} ssomod_local_totp_e;

typedef struct ssomod_cache_state ssomod_cache_state;

/* A socache instance as named by SSOSessionCache. */
typedef struct {
    const char *spec;        /* as written, e.g. "shmcb:/run/x(512000)" */
    const char *name;        /* provider name */
    const char *arg;         /* provider argument, may be NULL */
    const char *aux_arg;     /* argument of the login cache */
    int shards;              /* session instances (shmcb: by size) */
    const char **shard_args; /* their arguments */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t **instances; /* sessions only, one per shard */
    ap_socache_instance_t *aux;        /* logins and provider documents, so a
                                       * flood of logins cannot evict sessions */
    int memo;                          /* on this host only (shmcb): keep-alive
                                       * connections may memoise a session */
    ssomod_cache_state *state;         /* what outlives restarts (its mutex) */
} ssomod_cache_conf;

typedef struct {
    int enable;
    const char *authority;
    const char *metadata_url;
    const char *client_id;
    const char *client_secret; /* resolved value: never log it */
    const char
        *client_secret_source;  /* "literal", "file:/path" or "env:NAME" */
    apr_array_header_t *scopes; /* const char * */
    int allow_signup;
    int signup_only_mapped;
    int require_mapped_group;
    apr_array_header_t *group_map;         /* sso_group_map_entry */
    apr_array_header_t *username_claims;   /* const char * */
    const char *groups_claim;              /* as written, for log lines */
    apr_array_header_t *groups_claim_path; /* its names, const char * */
    const char *base_path;
    const char *public_url;
    apr_port_t self_port; /* decided at startup (ssomod_check_post_config):
                                       * port of URLs back to this server when
                                       * SSOPublicURL is unset; 0: the default */
    ssomod_cache_conf *session_cache;
    int session_timeout;
    int session_max_age;
    const char *cookie_name;
    const char *user_store;
    int local_login;
    int local_totp; /* ssomod_local_totp_e, or SSO_UNSET */
    int pkce;
    int token_auth; /* sso_provider_auth_e, or SSO_UNSET */
    int clock_skew;
    int pass_headers;
    int account_recheck;     /* seconds between registry re-checks */
    int api_tokens;          /* SSOAPITokens: Bearer tokens accepted */
    int logout_at_provider;  /* SSOLogoutAtProvider */
    int group_refresh;       /* SSOGroupRefresh seconds; 0: off */
    int session_cache_reuse; /* seconds a record read from a shared
                                       * cache is reused (sso_reuse.h) */
    int http_connect_timeout;
    int http_timeout;
    const char *ca_file;
    const char *login_template;          /* SSOLoginTemplate, read at startup */
    apr_array_header_t *local_providers; /* SSOLocalAuthProvider names */
    /* Session realms, computed once at startup (ssomod_server_conf_finalize):
     * a session is accepted only where its realm is the one of its method. */
    unsigned char realm_sso[SSO_REALM_BYTES];
    unsigned char realm_local[SSO_REALM_BYTES];
} ssomod_server_conf;

typedef struct {
    int unauthenticated; /* ssomod_unauth_e, or SSO_UNSET */
} ssomod_dir_conf;

/* Effective values: the defaults of the interface contract. */
#define SSO_DEFAULT_SCOPES          "openid profile email groups"
#define SSO_DEFAULT_USERNAME_CLAIMS "email preferred_username"
#define SSO_DEFAULT_GROUPS_CLAIM    "groups"
#define SSO_DEFAULT_BASE_PATH       "/sso"
#define SSO_DEFAULT_CACHE           "shmcb"
#define SSO_DEFAULT_COOKIE_NAME     "sso_session"
#define SSO_DEFAULT_TIMEOUT         1800
#define SSO_DEFAULT_MAX_AGE         28800
#define SSO_DEFAULT_CLOCK_SKEW      120
#define SSO_DEFAULT_RECHECK         30
#define SSO_DEFAULT_CACHE_REUSE     2
#define SSO_DEFAULT_CONNECT_TIMEOUT 5
#define SSO_DEFAULT_HTTP_TIMEOUT    10

void *ssomod_server_conf_create(apr_pool_t *p, server_rec *s);
void *ssomod_server_conf_merge(apr_pool_t *p, void *base, void *add);
void *ssomod_dir_conf_create(apr_pool_t *p, char *dir);
void *ssomod_dir_conf_merge(apr_pool_t *p, void *base, void *add);
ssomod_server_conf *ssomod_server_conf_get(server_rec *s);
const char *ssomod_server_conf_finalize(apr_pool_t *p, apr_pool_t *ptemp,
                                        ssomod_server_conf *conf,
                                        const ssomod_server_conf *main_conf);

#endif
