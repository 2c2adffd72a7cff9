/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The local user registry (SSOUserStore): local and SSO users and their
 * local groups, through apr_dbd. sqlite3 by default, pgsql with the same
 * queries. Pure logic.
 *
 * Threads: a handle is one database connection; use it from one thread at
 * a time. Callers serving many threads keep a pool of handles (one per
 * thread or an apr_reslist). Never use a handle in a process forked after
 * it was opened.
 *
 * Processes: any number may open the same store at once. SQLite runs in WAL
 * mode with a busy timeout; every write is one transaction that takes the
 * write lock when it starts (BEGIN IMMEDIATE) and is
 * retried a few times if the database is still busy. */
#ifndef SSO_REGISTRY_H
#define SSO_REGISTRY_H

#include "apr_pools.h"
#include "apr_tables.h"

typedef struct sso_registry sso_registry;

/* Longest username and longest group name, in bytes. */
#define SSO_REGISTRY_NAME_MAX 255
/* Most local groups one user may have. */
#define SSO_REGISTRY_GROUPS_MAX 1000
/* The default store, under the server's state directory (SSO_STATE_DIR,
 * from configure): the module's when SSOUserStore is unset, and the one
 * sso-users opens when httpd.conf names none. */
#define SSO_REGISTRY_DEFAULT_FILE "sso/users.db"
#define SSO_REGISTRY_DEFAULT_SPEC                                              \
    "sqlite3:" SSO_STATE_DIR "/" SSO_REGISTRY_DEFAULT_FILE
/* The schema this build writes; older stores are upgraded at open. */
#define SSO_REGISTRY_SCHEMA_VERSION 5
/* How long SQLite waits for another process's lock, in milliseconds. */
#define SSO_REGISTRY_BUSY_TIMEOUT_MS 5000
/* bcrypt cost of new password hashes; bcrypt reads at most 72 bytes. */
#define SSO_REGISTRY_BCRYPT_COST  12
#define SSO_REGISTRY_PASSWORD_MAX 72

typedef struct {
    apr_int64_t id;
    const char *username;
    const char *kind;   /* "local" or "sso" */
    const char *issuer; /* sso users; NULL for local ones */
    const char *sub;
    int disabled;
    const char *password_hash;     /* local users; NULL for sso ones */
    apr_int64_t created;           /* seconds since the epoch */
    apr_int64_t last_login;        /* seconds since the epoch; 0: never */
    const char *last_login_addr;   /* client address of that login, or NULL */
    const char *last_login_method; /* "sso" or "local", or NULL */
    const char *totp_secret;       /* sealed TOTP secret (sso_totp_seal), or
                                   * NULL: the account has no TOTP */
    apr_int64_t totp_last_step;    /* the last TOTP step used; 0: none */
    apr_int64_t sessions_after;    /* sessions made before this time (seconds
                                   * since the epoch) have ended: the
                                   * account's credentials changed */
    apr_array_header_t *groups;    /* const char *, sorted by name */
} sso_user;

/* An API token of a user (sso-users token). The registry keeps only the
 * token's hash (sso_token_hash): the token itself is shown once. */
typedef struct {
    const char *name;      /* unique per user */
    const char *hash;      /* SHA-256 of the token, lower-case hex */
    apr_int64_t created;   /* seconds since the epoch */
    apr_int64_t expires;   /* seconds since the epoch; 0: never */
    apr_int64_t last_used; /* seconds since the epoch; 0: never */
} sso_api_token;

/* One SSO login, for sso_registry_sso_login. */
typedef struct {
    const char *issuer;
    const char *sub;
    const char *username;             /* for a new user; may be NULL */
    const apr_array_header_t *groups; /* mapped local groups (const char *) */
    int replace_groups;               /* existing user: groups := groups */
    const char *addr;                 /* client address; may be NULL */
} sso_registry_login;

/* Splits spec ("sqlite3:/path/users.db", "pgsql:host=... dbname=...") into
 * driver and params. APR_EINVAL with *err when either is missing. */
apr_status_t sso_registry_parse_spec(apr_pool_t *p, const char *spec,
                                     const char **driver, const char **params,
                                     const char **err);

/* spec fit for messages: any password=... in the params is masked. */
const char *sso_registry_display_spec(apr_pool_t *p, const char *spec);

/* Connects, creates or upgrades the schema, prepares the queries. For
 * sqlite3 the file's directory is created (0750) and the file (0640) when
 * missing. The handle lives in p and is closed when p is destroyed. On
 * failure *err names the store and carries the driver's message. */
apr_status_t sso_registry_open(apr_pool_t *p, const char *spec,
                               sso_registry **out, const char **err);

/* Closes now rather than with the pool. */
void sso_registry_close(sso_registry *reg);

/* "sqlite3" or "pgsql". */
const char *sso_registry_driver(const sso_registry *reg);

/* The lookups below: APR_SUCCESS with *out (groups included, allocated in
 * p), APR_NOTFOUND, or another status with *err. */
apr_status_t sso_registry_find_sso(sso_registry *reg, apr_pool_t *p,
                                   const char *issuer, const char *sub,
                                   sso_user **out, const char **err);
apr_status_t sso_registry_find_user(sso_registry *reg, apr_pool_t *p,
                                    const char *username, sso_user **out,
                                    const char **err);
apr_status_t sso_registry_username_taken(sso_registry *reg, apr_pool_t *p,
                                         const char *username, int *taken,
                                         const char **err);

/* An SSO login, in one transaction. Existing user (issuer + sub): updates
 * last_login and, with replace_groups, sets its groups to the given ones.
 * New user: inserts it as login->username with the given groups.
 * APR_SUCCESS: *out is the user afterwards, *created says which case.
 * APR_EEXIST: new user, but the username is taken (also when another process
 *             took it a moment ago): try the next candidate.
 * APR_NOTFOUND: new user and login->username is NULL.
 * APR_EACCES: the account is disabled; nothing was changed, *out is set.
 * APR_EINVAL: a name or the group list is out of bounds (*err says which).
 * Anything else: store error, *err. */
apr_status_t sso_registry_sso_login(sso_registry *reg, apr_pool_t *p,
                                    const sso_registry_login *login,
                                    sso_user **out, int *created,
                                    const char **err);

/* A local user logged in with its password from addr: records the time,
 * the address and the method "local", in one transaction. APR_NOTFOUND
 * when absent, APR_EINVAL for an SSO user. */
apr_status_t sso_registry_local_login(sso_registry *reg, apr_pool_t *p,
                                      const char *username, const char *addr,
                                      const char **err);

/* Administration, each one transaction. APR_NOTFOUND when the user is
 * absent, APR_EEXIST when a username (or, for link, issuer + sub) is
 * taken, APR_EINVAL for bad input; *err says which. */
apr_status_t sso_registry_add_local(sso_registry *reg, apr_pool_t *p,
                                    const char *username,
                                    const char *password_hash,
                                    const apr_array_header_t *groups,
                                    const char **err);
/* Local users only: an SSO user has no password (APR_EINVAL). */
apr_status_t sso_registry_set_password(sso_registry *reg, apr_pool_t *p,
                                       const char *username,
                                       const char *password_hash,
                                       const char **err);
/* TOTP of a local user: sealed is the sealed secret (NULL removes TOTP),
 * last_step the step already used (the code that confirmed the enrolment;
 * 0 for none). APR_EINVAL for an SSO user. */
apr_status_t sso_registry_set_totp(sso_registry *reg, apr_pool_t *p,
                                   const char *username, const char *sealed,
                                   apr_int64_t last_step, const char **err);
/* Records step as the last TOTP step used, only when it is newer than the
 * one stored (one transaction; also against another process using the
 * same code at the same moment). APR_EEXIST when it is not newer: the code
 * was used already. APR_NOTFOUND when the user is absent or has no TOTP. */
apr_status_t sso_registry_totp_use(sso_registry *reg, apr_pool_t *p,
                                   const char *username, apr_int64_t step,
                                   const char **err);
/* Ends the account's sessions made before now (seconds since the epoch):
 * its sessions are dropped when next checked (SSOAccountRecheck). */
apr_status_t sso_registry_end_sessions(sso_registry *reg, apr_pool_t *p,
                                       const char *username, apr_int64_t now,
                                       const char **err);
/* Pre-creates an SSO user, so its first login finds it (and is not subject
 * to the signup rules). */
apr_status_t sso_registry_link(sso_registry *reg, apr_pool_t *p,
                               const char *username, const char *issuer,
                               const char *sub,
                               const apr_array_header_t *groups,
                               const char **err);
apr_status_t sso_registry_set_groups(sso_registry *reg, apr_pool_t *p,
                                     const char *username,
                                     const apr_array_header_t *groups,
                                     const char **err);
/* Adding a group the user has, or removing one it lacks, changes nothing
 * and succeeds. */
apr_status_t sso_registry_add_group(sso_registry *reg, apr_pool_t *p,
                                    const char *username, const char *group,
                                    const char **err);
apr_status_t sso_registry_remove_group(sso_registry *reg, apr_pool_t *p,
                                       const char *username, const char *group,
                                       const char **err);
apr_status_t sso_registry_set_disabled(sso_registry *reg, apr_pool_t *p,
                                       const char *username, int disabled,
                                       const char **err);
/* Removes the user and its groups. */
apr_status_t sso_registry_delete(sso_registry *reg, apr_pool_t *p,
                                 const char *username, const char **err);
/* Every user (sso_user *), groups included, ordered by username. */
apr_status_t sso_registry_list(sso_registry *reg, apr_pool_t *p,
                               apr_array_header_t **users, const char **err);

/* ---- sign-in events (the audit trail) ---- */

/* How many sign-in events a store keeps: each insert removes the older
 * ones. Logins and refusals alike; the CustomLog audit log has them all. */
#define SSO_REGISTRY_EVENTS_KEEP 1000

/* One sign-in event, as in the request notes sso-event / sso-event-cause. */
typedef struct {
    apr_int64_t at;       /* seconds since the epoch; 0 when adding: now */
    const char *username; /* account, or the name tried (may be NULL) */
    const char *addr;     /* client address (may be NULL) */
    const char *method;   /* "sso" or "local" */
    const char *event;    /* "login", "login-refused", "local-login", ... */
    const char *cause;    /* "sso", "no-mapped-group", ... (may be NULL) */
} sso_registry_event;

/* Records ev and removes all but the newest keep events, in one
 * transaction. username, addr and cause are stored through
 * sso_registry_event_text. */
apr_status_t sso_registry_event_add(sso_registry *reg, apr_pool_t *p,
                                    const sso_registry_event *ev, int keep,
                                    const char **err);
/* The stored events (sso_registry_event), oldest first: of username only
 * when not NULL, from since (seconds since the epoch; 0 for all) on. */
apr_status_t sso_registry_events(sso_registry *reg, apr_pool_t *p,
                                 const char *username, apr_int64_t since,
                                 apr_array_header_t **events, const char **err);
/* s with control characters replaced by '?', cut at max bytes; NULL for
 * NULL or "". */
const char *sso_registry_event_text(apr_pool_t *p, const char *s,
                                    apr_size_t max);

/* API tokens. add: APR_EEXIST when the user has a token of that name,
 * APR_NOTFOUND when the user is absent. revoke removes the row, so a
 * revoked token is looked up exactly as one that never existed.
 * find: one indexed lookup by hash; APR_SUCCESS with *tok and *user (its
 * groups included) whatever the token's expiry or the user's state, which
 * the caller judges; APR_NOTFOUND when no token has this hash.
 * touch: records last_used = now unless it is that recent already. */
apr_status_t sso_registry_token_add(sso_registry *reg, apr_pool_t *p,
                                    const char *username, const char *name,
                                    const char *hash, apr_int64_t expires,
                                    const char **err);
apr_status_t sso_registry_token_list(sso_registry *reg, apr_pool_t *p,
                                     const char *username,
                                     apr_array_header_t **tokens,
                                     const char **err);
apr_status_t sso_registry_token_revoke(sso_registry *reg, apr_pool_t *p,
                                       const char *username, const char *name,
                                       const char **err);
apr_status_t sso_registry_token_find(sso_registry *reg, apr_pool_t *p,
                                     const char *hash, sso_api_token **tok,
                                     sso_user **user, const char **err);
apr_status_t sso_registry_token_touch(sso_registry *reg, apr_pool_t *p,
                                      const char *hash, apr_int64_t now,
                                      const char **err);

/* bcrypt (cost SSO_REGISTRY_BCRYPT_COST, 16 salt bytes from OpenSSL).
 * APR_EINVAL for an empty password or one longer than
 * SSO_REGISTRY_PASSWORD_MAX bytes, APR_EGENERAL if the RNG fails. */
apr_status_t sso_registry_password_hash(apr_pool_t *p, const char *plain,
                                        const char **hash);
/* Non-zero when plain matches hash. Anything that is not one of our bcrypt
 * hashes (NULL included) fails after the same work as a real check. */
int sso_registry_password_check(const char *hash, const char *plain);
/* The work of a check against a fixed hash: call it for unknown users and
 * SSO users, so timing does not tell which usernames exist. */
void sso_registry_password_dummy_check(const char *plain);

#endif
