/* Internal declarations shared by the mod_auth_sso glue files. */
#ifndef MOD_AUTH_SSO_H
#define MOD_AUTH_SSO_H

#include "httpd.h"
#include "http_config.h"
#include "ap_socache.h"
#include "apr_tables.h"

/* Marks a scalar directive that was not given in this context. */
#define SSO_UNSET (-1)

typedef enum {
    SSO_TOKEN_AUTH_AUTO = 0, /* basic, or post when only post is advertised */
    SSO_TOKEN_AUTH_BASIC,
    SSO_TOKEN_AUTH_POST
} sso_token_auth_e;

typedef enum {
    SSO_UNAUTH_LOGIN = 0,
    SSO_UNAUTH_PROVIDER,
    SSO_UNAUTH_401
} sso_unauth_e;

typedef struct {
    const char *remote;
    const char *local;
} sso_group_map_entry;

/* A socache instance as named by SSOSessionCache. */
typedef struct {
    const char *spec;                 /* as written, e.g. "shmcb:/run/x(512000)" */
    const char *name;                 /* provider name */
    const char *arg;                  /* provider argument, may be NULL */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t *instance;
} sso_cache_conf;

typedef struct {
    int enable;
    const char *authority;
    const char *metadata_url;
    const char *client_id;
    const char *client_secret;        /* resolved value: never log it */
    const char *client_secret_source; /* "literal", "file:/path" or "env:NAME" */
    apr_array_header_t *scopes;       /* const char * */
    int allow_signup;
    int signup_only_mapped;
    int require_mapped_group;
    apr_array_header_t *group_map;    /* sso_group_map_entry */
    apr_array_header_t *username_claims; /* const char * */
    const char *groups_claim;
    const char *base_path;
    const char *public_url;
    sso_cache_conf *session_cache;
    int session_timeout;
    int session_max_age;
    const char *cookie_name;
    const char *user_store;
    int local_login;
    int pkce;
    int token_auth;                   /* sso_token_auth_e, or SSO_UNSET */
    int clock_skew;
    int pass_headers;
    int http_connect_timeout;
    int http_timeout;
    const char *ca_file;
} sso_server_conf;

typedef struct {
    int unauthenticated;              /* sso_unauth_e, or SSO_UNSET */
} sso_dir_conf;

/* Effective values: the defaults of the interface contract. */
#define SSO_DEFAULT_SCOPES          "openid profile email groups"
#define SSO_DEFAULT_USERNAME_CLAIMS "email preferred_username"
#define SSO_DEFAULT_GROUPS_CLAIM    "groups"
#define SSO_DEFAULT_BASE_PATH       "/sso"
#define SSO_DEFAULT_CACHE           "shmcb"
#define SSO_DEFAULT_COOKIE_NAME     "sso_session"
#define SSO_DEFAULT_STORE_FILE      "sso/users.db"
#define SSO_DEFAULT_TIMEOUT         1800
#define SSO_DEFAULT_MAX_AGE         28800
#define SSO_DEFAULT_CLOCK_SKEW      120
#define SSO_DEFAULT_CONNECT_TIMEOUT 5
#define SSO_DEFAULT_HTTP_TIMEOUT    10

/* Who the request is, as set by AuthType sso for authz and the application. */
typedef struct {
    const char *user;
    apr_array_header_t *groups;       /* local group names, const char * */
    const char *email;
    const char *name;
    const char *method;               /* "sso" or "local" */
} sso_identity;

extern module AP_MODULE_DECLARE_DATA auth_sso_module;
extern const command_rec sso_cmds[];

/* mod_auth_sso_config.c */
void *sso_server_conf_create(apr_pool_t *p, server_rec *s);
void *sso_server_conf_merge(apr_pool_t *p, void *base, void *add);
void *sso_dir_conf_create(apr_pool_t *p, char *dir);
void *sso_dir_conf_merge(apr_pool_t *p, void *base, void *add);
sso_server_conf *sso_server_conf_get(server_rec *s);
const char *sso_server_conf_finalize(apr_pool_t *p, apr_pool_t *ptemp,
                                     sso_server_conf *conf,
                                     const sso_server_conf *main_conf);

/* mod_auth_sso.c */
const sso_identity *sso_identity_get(request_rec *r);
void sso_identity_set(request_rec *r, const sso_identity *id);

/* mod_auth_sso_cache.c */
int sso_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp);
int sso_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);
void sso_cache_child_init(apr_pool_t *p, server_rec *s);

/* mod_auth_sso_routes.c */
int sso_routes_quick_handler(request_rec *r, int lookup_uri);

/* mod_auth_sso_check.c */
int sso_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                     apr_pool_t *ptemp, server_rec *s);

/* mod_auth_sso_authz.c */
void sso_authz_register(apr_pool_t *p);

#endif
