/* Internal declarations shared by the mod_auth_sso glue files. */
#ifndef MOD_AUTH_SSO_H
#define MOD_AUTH_SSO_H

#include "httpd.h"
#include "http_config.h"
#include "ap_socache.h"
#include "apr_tables.h"
#include "apr_hash.h"
#include "sso_groups.h"
#include "sso_http.h"
#include "sso_jwt.h"
#include "sso_provider.h"
#include "sso_session.h"
#include "sso_memo.h"
#include "sso_cookie.h"

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

typedef struct sso_cache_state sso_cache_state;

/* A socache instance as named by SSOSessionCache. */
typedef struct {
    const char *spec;                 /* as written, e.g. "shmcb:/run/x(512000)" */
    const char *name;                 /* provider name */
    const char *arg;                  /* provider argument, may be NULL */
    const char *aux_arg;              /* argument of the login cache */
    int shards;                       /* session instances (shmcb: by size) */
    const char **shard_args;          /* their arguments */
    const ap_socache_provider_t *provider;
    ap_socache_instance_t **instances; /* sessions only, one per shard */
    ap_socache_instance_t *aux;       /* logins and provider documents, so a
                                       * flood of logins cannot evict sessions */
    int memo;                         /* on this host only (shmcb): keep-alive
                                       * connections may memoise a session */
    sso_cache_state *state;           /* what outlives restarts (its mutex) */
} sso_cache_conf;

typedef enum { SSO_CACHE_SESSIONS, SSO_CACHE_AUX } sso_cache_which;

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
    const char *groups_claim;         /* as written, for log lines */
    apr_array_header_t *groups_claim_path; /* its names, const char * */
    const char *base_path;
    const char *public_url;
    apr_port_t self_port;             /* decided at startup (sso_check_post_config):
                                       * port of URLs back to this server when
                                       * SSOPublicURL is unset; 0: the default */
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
    int account_recheck;              /* seconds between registry re-checks */
    int http_connect_timeout;
    int http_timeout;
    const char *ca_file;
    const char *login_template;       /* SSOLoginTemplate, read at startup */
    apr_array_header_t *local_providers; /* SSOLocalAuthProvider names */
    /* Session realms, computed once at startup (sso_server_conf_finalize):
     * a session is accepted only where its realm is the one of its method. */
    unsigned char realm_sso[SSO_REALM_BYTES];
    unsigned char realm_local[SSO_REALM_BYTES];
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
#define SSO_DEFAULT_RECHECK         30
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
apr_status_t sso_cache_store(server_rec *s, sso_cache_which which,
                             const char *key, apr_size_t keylen,
                             apr_time_t expiry, const unsigned char *data,
                             apr_size_t len, apr_pool_t *p);
/* *len is the buffer size on entry, the record size on APR_SUCCESS. */
apr_status_t sso_cache_retrieve(server_rec *s, sso_cache_which which,
                                const char *key, apr_size_t keylen,
                                unsigned char *buf, apr_size_t *len,
                                apr_pool_t *p);
apr_status_t sso_cache_remove(server_rec *s, sso_cache_which which,
                              const char *key, apr_size_t keylen, apr_pool_t *p);
/* Stores only over a record present under key (APR_NOTFOUND when it is
 * gone); max is the largest record that may be there. One hold of the
 * lock where the provider needs one. */
apr_status_t sso_cache_refresh(server_rec *s, sso_cache_which which,
                               const char *key, apr_size_t keylen,
                               apr_time_t expiry, const unsigned char *data,
                               apr_size_t len, apr_size_t max, apr_pool_t *p);
/* Non-zero when the cache's writes are serialised by its lock (shmcb). */
int sso_cache_locked(server_rec *s);
/* Stores only when key is absent (APR_EEXIST when present): a mark that
 * rate-limits something. One hold of the lock where the provider needs
 * one (shmcb); with Redis or memcached two servers may both store. */
apr_status_t sso_cache_add(server_rec *s, sso_cache_which which,
                           const char *key, apr_size_t keylen,
                           apr_time_t expiry, const unsigned char *data,
                           apr_size_t len, apr_pool_t *p);
/* Reads the record under key (*len = 0 when absent) and lets fn rewrite
 * it in buf (cap bytes); fn returns the new record's expiry, or 0 to write
 * nothing. One hold of the module's global lock, whatever the provider:
 * atomic among the processes of this server. Servers sharing Redis or
 * memcached do not share that lock: among them it is a read, then a write. */
typedef apr_time_t (*sso_cache_update_fn)(void *ctx, unsigned char *buf,
                                          apr_size_t *len, apr_size_t cap);
apr_status_t sso_cache_update(server_rec *s, sso_cache_which which,
                              const char *key, apr_size_t keylen,
                              sso_cache_update_fn fn, void *ctx, apr_pool_t *p);
/* A mark in the login cache until the given time, set with sso_cache_add. */
typedef enum {
    SSO_MARK_SET,     /* this caller set it */
    SSO_MARK_PRESENT, /* it was already there */
    SSO_MARK_FAILED   /* the cache failed */
} sso_mark_e;
sso_mark_e sso_cache_mark(server_rec *s, const char *key, apr_size_t keylen,
                          apr_time_t until, apr_pool_t *p);
/* The stamps that void per-connection session memos (stores and removals
 * above bump them); NULL when cc's sessions are not memoised. */
const sso_stamps *sso_cache_stamps(const sso_cache_conf *cc);

/* mod_auth_sso_routes.c */
int sso_routes_quick_handler(request_rec *r, int lookup_uri);
/* Sends doc (and releases it) as the whole application/json response. */
struct json_t;
int sso_routes_send_json(request_rec *r, struct json_t *doc);

/* ap_log_rerror with " [request <UNIQUE_ID>]" appended when mod_unique_id
 * is loaded: the same reference the user's page shows. */
#define sso_log_r(r, level, status, ...) \
    sso_log_r_(APLOG_MARK, level, status, r, __VA_ARGS__)
void sso_log_r_(const char *file, int line, int module_index, int level,
                apr_status_t status, request_rec *r, const char *fmt, ...)
                __attribute__((format(printf, 7, 8)));

/* mod_auth_sso_pages.c: each returns the status, with the page as the
 * whole response. Text is escaped here. */
const char *sso_page_html(request_rec *r, const char *title, const char *body_html);
int sso_page_error(request_rec *r, int status, const char *title, const char *text);
int sso_page_refused(request_rec *r, int status, const char *reason);
const char *sso_page_text_html(request_rec *r, const char *title, const char *text);
const char *sso_page_refusal_text(request_rec *r, const char *reason);
/* "Reference: <UNIQUE_ID>" when mod_unique_id is loaded, else "". */
const char *sso_page_reference(request_rec *r);

/* mod_auth_sso_loginpage.c */
int sso_loginpage_show(request_rec *r, const sso_server_conf *c, apr_table_t *args);
int sso_loginpage_post(request_rec *r, const sso_server_conf *c);
/* The value of a form field read with ap_parse_form_data. */
const char *sso_form_value(request_rec *r, ap_form_pair_t *pair);

/* mod_auth_sso_session.c */
typedef enum { SSO_LOAD_NONE, SSO_LOAD_OK, SSO_LOAD_EXPIRED, SSO_LOAD_ERROR } sso_load_e;
const char *sso_public_base(request_rec *r, const sso_server_conf *c);
const char *sso_redirect_uri(request_rec *r, const sso_server_conf *c);
const char *sso_public_url_for(apr_pool_t *p, const char *scheme,
                               const char *host, apr_port_t port);
void sso_cookie_set(request_rec *r, const sso_server_conf *c, const char *name,
                    const char *value, long max_age, const char *path);
/* The cookie name across all of the request's Cookie headers. */
void sso_cookie_find(request_rec *r, const char *name, sso_cookie_found *found);
void sso_cookie_clear(request_rec *r, const sso_server_conf *c,
                      const char *name, const char *path);
sso_load_e sso_session_load(request_rec *r, const sso_server_conf *c,
                            sso_session *out, const unsigned char **id);
apr_status_t sso_session_save(request_rec *r, const sso_server_conf *c,
                              const unsigned char *id, const sso_session *s);
void sso_session_touch(request_rec *r, const sso_server_conf *c,
                       const unsigned char *id, sso_session *s, int changed);
apr_status_t sso_session_create(request_rec *r, const sso_server_conf *c,
                                const sso_session *s, const char **token);
void sso_session_remove(request_rec *r, const sso_server_conf *c,
                        const unsigned char *id);
void sso_session_keep_id_token(request_rec *r, const sso_server_conf *c,
                               const char *token, const char *id_token);

/* mod_auth_sso_op.c: each int function returns OK, or the status of the
 * error page it prepared. */
void sso_op_child_init(apr_pool_t *p, server_rec *s);
void sso_op_http_opts(const sso_server_conf *c, sso_http_opts *o);
/* *meta and *keys may be shared with other threads: read them only. */
int sso_op_meta(request_rec *r, const sso_server_conf *c,
                const sso_provider_meta **meta);
int sso_op_jwks(request_rec *r, const sso_server_conf *c,
                const sso_provider_meta *meta, const sso_jwks **keys);
/* For a token signed by a key the copy lacks: a newer copy another child
 * fetched, else a fetch, at most one a minute in every process together. */
typedef enum {
    SSO_REFETCH_OK,      /* *keys is the newer copy */
    SSO_REFETCH_LIMITED, /* a refetch was made less than a minute ago */
    SSO_REFETCH_FAILED   /* logged, with an error page prepared */
} sso_refetch_e;
sso_refetch_e sso_op_jwks_refetch(request_rec *r, const sso_server_conf *c,
                                  const sso_provider_meta *meta,
                                  const sso_jwks **keys);

/* mod_auth_sso_login.c */
int sso_login_start(request_rec *r, const sso_server_conf *c, const char *return_path);
int sso_login_callback(request_rec *r, const sso_server_conf *c);
int sso_login_session(request_rec *r, const sso_server_conf *c,
                      const sso_session *s, const char **token);

/* mod_auth_sso_logout.c */
int sso_logout_handle(request_rec *r, const sso_server_conf *c,
                      const char *query_return);

/* mod_auth_sso_account.c */
typedef struct {
    const char *issuer;
    const char *sub;
    const char *email;                 /* may be NULL */
    const char *name;                  /* may be NULL */
    apr_array_header_t *remote_groups; /* const char * */
    apr_array_header_t *username_claims; /* values in SSOUsernameClaims order */
} sso_login_claims;
int sso_account_admit(request_rec *r, const sso_server_conf *c,
                      const sso_login_claims *lc, sso_session *s);
typedef enum {
    SSO_RECHECK_OK,    /* still there and enabled: s's groups refreshed */
    SSO_RECHECK_GONE,  /* disabled or deleted (logged) */
    SSO_RECHECK_ERROR  /* the registry failed (logged) */
} sso_recheck_e;
sso_recheck_e sso_account_recheck(request_rec *r, const sso_server_conf *c,
                                  sso_session *s);

/* mod_auth_sso_registry.c */
struct sso_registry;
int sso_registry_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s);
void sso_registry_child_init(apr_pool_t *p, server_rec *s);
struct sso_registry *sso_registry_acquire(request_rec *r, const sso_server_conf *c);
void sso_registry_release(request_rec *r, const sso_server_conf *c,
                          struct sso_registry *reg, int failed);

/* mod_auth_sso_authn.c */
void sso_authn_register(apr_pool_t *p);

/* mod_auth_sso_check.c */
int sso_check_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);
int sso_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                     apr_pool_t *ptemp, server_rec *s);

/* mod_auth_sso_authz.c */
void sso_authz_register(apr_pool_t *p);
void sso_authz_warn_unknown(apr_pool_t *ptemp, server_rec *s, apr_hash_t *known);

#endif
