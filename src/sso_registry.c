/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_registry.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include "apr_dbd.h"
#include "apr_file_io.h"
#include "apr_hash.h"
#include "apr_lib.h"
#include "apr_md5.h"
#include "apr_strings.h"
#include "apr_time.h"

/* The sqlite3 driver hands back SQLite's own result codes: BUSY and LOCKED
 * mean another connection holds the lock, SCHEMA that another connection
 * changed the schema since this one read it. */
#define SSO_SQLITE_BUSY   5
#define SSO_SQLITE_LOCKED 6
#define SSO_SQLITE_SCHEMA 17

/* A write that still finds the database busy is tried again this many
 * times, as long as less than the busy timeout has passed: SQLite returns
 * some busy results at once, without waiting (e.g. while another process
 * switches a new file to WAL mode, or during WAL recovery). */
#define SSO_REGISTRY_RETRIES 5

/* issuer and sub are provider strings, not ours to shorten; this only
 * keeps a broken provider from storing megabytes. */
#define SSO_REGISTRY_ID_MAX 2048

/* Serialises pgsql schema upgrades of concurrent processes
 * (pg_advisory_xact_lock key: "SSOREG" in ASCII, 0x53534f524547). */
#define SSO_REGISTRY_PG_LOCK "91617278182727"

#define SSO_USER_COLUMNS                                                       \
    "id, username, kind, issuer, sub, disabled, "                              \
    "password_hash, created, last_login, "                                     \
    "last_login_addr, last_login_method, "                                     \
    "totp_secret, totp_last_step, sessions_after"

#define SSO_EVENT_COLUMNS "at, username, addr, method, event, cause"
#define SSO_TOKEN_COLUMNS "token_name, token_hash, issued, expires, last_used"

enum {
    Q_FIND_SUB,
    Q_FIND_USER,
    Q_USER_ID,
    Q_GROUPS,
    Q_ALL_USERS,
    Q_ALL_GROUPS,
    Q_INSERT,
    Q_TOUCH,
    Q_SET_HASH,
    Q_SET_DISABLED,
    Q_DELETE,
    Q_CLEAR_GROUPS,
    Q_ADD_GROUP,
    Q_REMOVE_GROUP,
    Q_SET_TOTP,
    Q_USE_TOTP,
    Q_END_SESSIONS,
    Q_EVENT_ADD,
    Q_EVENT_PRUNE,
    Q_EVENTS,
    Q_EVENTS_USER,
    Q_TOKEN_ADD,
    Q_TOKEN_FIND,
    Q_TOKEN_NAMED,
    Q_TOKEN_LIST,
    Q_TOKEN_REVOKE,
    Q_TOKEN_TOUCH,
    Q_COUNT
};

/* The same text for every driver: apr_dbd turns %s, %d and %lld into the
 * driver's placeholders (? for sqlite3, $n for pgsql). */
static const struct {
    const char *sql;
    const char *what;
} sso_registry_queries[Q_COUNT] = {
    { "SELECT " SSO_USER_COLUMNS " FROM users WHERE issuer = %s AND sub = %s",
      "find user by issuer and sub" },
    { "SELECT " SSO_USER_COLUMNS " FROM users WHERE username = %s",
      "find user by name" },
    { "SELECT id FROM users WHERE username = %s", "look up username" },
    { "SELECT group_name FROM user_groups WHERE user_id = %lld",
      "read groups" },
    { "SELECT " SSO_USER_COLUMNS " FROM users", "list users" },
    { "SELECT user_id, group_name FROM user_groups", "list groups" },
    { "INSERT INTO users (username, kind, issuer, sub, disabled, "
      "password_hash, created, last_login, last_login_addr, "
      "last_login_method) VALUES (%s, %s, %s, %s, 0, %s, %lld, %lld, %s, %s)",
      "insert user" },
    { "UPDATE users SET last_login = %lld, last_login_addr = %s, "
      "last_login_method = %s WHERE id = %lld",
      "record last login" },
    { "UPDATE users SET password_hash = %s WHERE id = %lld", "set password" },
    { "UPDATE users SET disabled = %d WHERE id = %lld", "set disabled" },
    { "DELETE FROM users WHERE id = %lld", "delete user" },
    { "DELETE FROM user_groups WHERE user_id = %lld", "clear groups" },
    { "INSERT INTO user_groups (user_id, group_name) VALUES (%lld, %s)",
      "add group" },
    { "DELETE FROM user_groups WHERE user_id = %lld AND group_name = %s",
      "remove group" },
    { "UPDATE users SET totp_secret = %s, totp_last_step = %lld "
      "WHERE id = %lld",
      "set TOTP" },
    { "UPDATE users SET totp_last_step = %lld WHERE id = %lld "
      "AND totp_secret IS NOT NULL AND totp_last_step < %lld",
      "record TOTP step" },
    { "UPDATE users SET sessions_after = %lld WHERE id = %lld",
      "end sessions" },
    { "INSERT INTO sign_ins (at, username, addr, method, event, cause) "
      "VALUES (%lld, %s, %s, %s, %s, %s)",
      "record sign-in event" },
    /* Keeps the newest rows: those from the OFFSET-th newest on. */
    { "DELETE FROM sign_ins WHERE id < (SELECT id FROM sign_ins "
      "ORDER BY id DESC LIMIT 1 OFFSET %d)",
      "prune sign-in events" },
    { "SELECT " SSO_EVENT_COLUMNS " FROM sign_ins WHERE at >= %lld "
      "ORDER BY id",
      "list sign-in events" },
    { "SELECT " SSO_EVENT_COLUMNS " FROM sign_ins WHERE username = %s "
      "AND at >= %lld ORDER BY id",
      "list sign-in events of a user" },
    { "INSERT INTO api_tokens (token_hash, user_id, token_name, issued, "
      "expires, last_used) VALUES (%s, %lld, %s, %lld, %lld, 0)",
      "add API token" },
    { "SELECT " SSO_USER_COLUMNS ", " SSO_TOKEN_COLUMNS " FROM api_tokens "
      "JOIN users ON users.id = api_tokens.user_id WHERE token_hash = %s",
      "find API token" },
    { "SELECT token_name FROM api_tokens WHERE user_id = %lld "
      "AND token_name = %s",
      "look up API token name" },
    { "SELECT " SSO_TOKEN_COLUMNS " FROM api_tokens WHERE user_id = %lld",
      "list API tokens" },
    { "DELETE FROM api_tokens WHERE user_id = %lld AND token_name = %s",
      "revoke API token" },
    { "UPDATE api_tokens SET last_used = %lld WHERE token_hash = %s "
      "AND last_used < %lld",
      "record API token use" },
};

/* DDL differs only in how ids are generated. Local users have a password
 * and no provider identity; SSO users the reverse: local accounts are never
 * linked to SSO identities. */
#define SSO_USERS_DDL(id)                                                      \
    "CREATE TABLE users (id " id ", "                                          \
    "username TEXT NOT NULL UNIQUE, "                                          \
    "kind TEXT NOT NULL CHECK (kind IN ('local', 'sso')), "                    \
    "issuer TEXT, sub TEXT, "                                                  \
    "disabled INTEGER NOT NULL DEFAULT 0, "                                    \
    "password_hash TEXT, "                                                     \
    "created BIGINT NOT NULL, last_login BIGINT, "                             \
    "UNIQUE (issuer, sub), "                                                   \
    "CHECK ((kind = 'local' AND issuer IS NULL AND sub IS NULL) OR "           \
    "(kind = 'sso' AND issuer IS NOT NULL AND sub IS NOT NULL "                \
    "AND password_hash IS NULL)))"
#define SSO_GROUPS_DDL(ref)                                                    \
    "CREATE TABLE user_groups (user_id " ref " NOT NULL "                      \
    "REFERENCES users (id) ON DELETE CASCADE, "                                \
    "group_name TEXT NOT NULL, PRIMARY KEY (user_id, group_name))"

static const char *const sso_registry_v1_sqlite3[] = {
    SSO_USERS_DDL("INTEGER PRIMARY KEY AUTOINCREMENT"),
    SSO_GROUPS_DDL("INTEGER"), NULL
};
static const char *const sso_registry_v1_pgsql[] = {
    SSO_USERS_DDL("BIGSERIAL PRIMARY KEY"), SSO_GROUPS_DDL("BIGINT"), NULL
};

/* Version 2: where and how each user last logged in (local logins too). */
static const char *const sso_registry_v2[] = {
    "ALTER TABLE users ADD COLUMN last_login_addr TEXT",
    "ALTER TABLE users ADD COLUMN last_login_method TEXT", NULL
};

/* Version 3: TOTP for local users, the secret sealed under a key kept
 * outside the store (sso_totp.h), and the last step used (replay); the
 * time before which the account's sessions have ended (a credential
 * changed on /sso/account). */
static const char *const sso_registry_v3[] = {
    "ALTER TABLE users ADD COLUMN totp_secret TEXT",
    "ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0",
    "ALTER TABLE users ADD COLUMN sessions_after BIGINT NOT NULL DEFAULT 0",
    NULL
};

/* Version 4 (audit): the last sign-in events, successes and refusals,
 * newest kept (sso_registry_event_add prunes). username is text, not a
 * reference: the trail outlives a deleted user, and names refusals of
 * accounts that do not exist. */
#define SSO_SIGN_INS_DDL(id)                                                   \
    "CREATE TABLE sign_ins (id " id ", at BIGINT NOT NULL, "                   \
    "username TEXT, addr TEXT, method TEXT NOT NULL, "                         \
    "event TEXT NOT NULL, cause TEXT)"
#define SSO_SIGN_INS_INDEX                                                     \
    "CREATE INDEX sign_ins_username ON sign_ins (username, id)"
static const char *const sso_registry_v4_audit_sqlite3[] = {
    SSO_SIGN_INS_DDL("INTEGER PRIMARY KEY AUTOINCREMENT"), SSO_SIGN_INS_INDEX,
    NULL
};
static const char *const sso_registry_v4_audit_pgsql[] = {
    SSO_SIGN_INS_DDL("BIGSERIAL PRIMARY KEY"), SSO_SIGN_INS_INDEX, NULL
};
/* Version 5: API tokens (sso-users token). Only a SHA-256 of each token
 * is kept: the token is 256 random bits, so a slow, salted hash would add
 * nothing against guessing it, and an unsalted one lets a request find its
 * token by one indexed lookup. The same text for both drivers: the hash is
 * the key. */
static const char *const sso_registry_v5_tokens[] = {
    "CREATE TABLE api_tokens (token_hash TEXT PRIMARY KEY, "
    "user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE, "
    "token_name TEXT NOT NULL, issued BIGINT NOT NULL, "
    "expires BIGINT NOT NULL DEFAULT 0, last_used BIGINT NOT NULL DEFAULT 0, "
    "UNIQUE (user_id, token_name))",
    NULL
};

/* Upgrade steps: [v] takes a store from version v - 1 to v. Append a step
 * and bump SSO_REGISTRY_SCHEMA_VERSION to change the schema. */
static const struct {
    const char *const *sqlite3;
    const char *const *pgsql;
} sso_registry_steps[SSO_REGISTRY_SCHEMA_VERSION + 1] = {
    { NULL, NULL },
    { sso_registry_v1_sqlite3, sso_registry_v1_pgsql },
    { sso_registry_v2, sso_registry_v2 },
    { sso_registry_v3, sso_registry_v3 },
    { sso_registry_v4_audit_sqlite3, sso_registry_v4_audit_pgsql },
    { sso_registry_v5_tokens, sso_registry_v5_tokens },
};

/* A bcrypt hash (cost 12) of a random string nobody knows: checked against
 * when there is no real hash, so that takes as long as a real check. */
static const char sso_registry_dummy_hash[] =
    "$2y$12$jjYKiaYXmveC4M.vzmHjgeGOMlHp6nt17G/IwnNws32ULC5OlnjPa";

struct sso_registry {
    apr_pool_t *pool;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    const char *spec; /* display form, for messages */
    int sqlite;
    int in_txn; /* inside sso_registry_write */
    apr_dbd_prepared_t *q[Q_COUNT];
};

typedef apr_status_t (*sso_registry_work)(sso_registry *reg, apr_pool_t *p,
                                          void *ctx, const char **err);

static void sso_registry_set_err(const char **err, const char *msg)
{
    if (err) {
        *err = msg;
    }
}

/* ---- specs ---- */

apr_status_t sso_registry_parse_spec(apr_pool_t *p, const char *spec,
                                     const char **driver, const char **params,
                                     const char **err)
{
    const char *colon = spec ? strchr(spec, ':') : NULL;

    if (!colon || colon == spec || !colon[1]) {
        sso_registry_set_err(err,
                             apr_psprintf(p,
                                          "user store '%s' must be "
                                          "DRIVER:PARAMS, e.g. sqlite3:%s",
                                          spec ? spec : "",
                                          "/var/lib/apache2/sso/users.db"));
        return APR_EINVAL;
    }
    *driver = apr_pstrmemdup(p, spec, colon - spec);
    *params = colon + 1;
    return APR_SUCCESS;
}

/* Masks what follows "password=" up to the next space. */
static const char *sso_registry_mask_keyword(apr_pool_t *p, const char *s)
{
    const char *at = strstr(s, "password="), *end;

    if (!at) {
        return s;
    }
    at += strlen("password=");
    end = at + strcspn(at, " \t");
    return apr_pstrcat(p, apr_pstrmemdup(p, s, at - s), "***",
                       sso_registry_mask_keyword(p, end), NULL);
}

/* Masks the password of a URI: scheme://user:PASSWORD@host. */
static const char *sso_registry_mask_uri(apr_pool_t *p, const char *s)
{
    const char *authority = strstr(s, "://"), *colon, *atsign;

    if (!authority) {
        return s;
    }
    authority += 3;
    atsign = strchr(authority, '@');
    colon = strchr(authority, ':');
    if (!atsign || !colon || colon > atsign) {
        return s;
    }
    return apr_pstrcat(p, apr_pstrmemdup(p, s, colon + 1 - s), "***", atsign,
                       NULL);
}

const char *sso_registry_display_spec(apr_pool_t *p, const char *spec)
{
    return sso_registry_mask_uri(
        p, sso_registry_mask_keyword(p, spec ? spec : ""));
}

/* ---- errors and queries ---- */

static const char *sso_registry_dbd_error(sso_registry *reg, apr_pool_t *p,
                                          int rv)
{
    const char *msg =
        reg->handle ? apr_dbd_error(reg->driver, reg->handle, rv) : NULL;
    size_t len = msg ? strlen(msg) : 0, i;
    char *line;

    /* libpq's messages span lines ("LINE 1: ..."): keep log entries on one. */
    while (len && apr_isspace(msg[len - 1])) {
        len--;
    }
    if (!len) {
        return apr_psprintf(p, "driver error %d", rv);
    }
    line = apr_pstrmemdup(p, msg, len);
    for (i = 0; i < len; i++) {
        if (line[i] == '\n' || line[i] == '\r') {
            line[i] = ' ';
        }
    }
    return line;
}

/* APR_EBUSY when another connection held the lock and APR_EAGAIN when it
 * changed the schema (the statements must be prepared again): both are
 * worth a retry. APR_EGENERAL otherwise. The sqlite3 driver reports a lock
 * it gave up waiting for as a plain error, hence the messages. */
static apr_status_t sso_registry_fail(sso_registry *reg, apr_pool_t *p, int rv,
                                      const char *what, const char **err)
{
    const char *msg = sso_registry_dbd_error(reg, p, rv);

    sso_registry_set_err(
        err, apr_psprintf(p, "user store %s: %s: %s", reg->spec, what, msg));
    if (!reg->sqlite) {
        return APR_EGENERAL;
    }
    if (rv == SSO_SQLITE_SCHEMA || strstr(msg, "schema has changed")) {
        return APR_EAGAIN;
    }
    if (rv == SSO_SQLITE_BUSY || rv == SSO_SQLITE_LOCKED
        || strstr(msg, "database is locked")
        || strstr(msg, "table is locked")) {
        return APR_EBUSY;
    }
    return APR_EGENERAL;
}

/* 10 to 100 ms at random, so processes that collided do not collide again
 * in step. */
static void sso_registry_backoff(void)
{
    unsigned char r = 0;

    RAND_bytes(&r, 1);
    apr_sleep(apr_time_from_msec(10 + r % 91));
}

static apr_status_t sso_registry_prepare(sso_registry *reg, const char **err);

/* *nrows (when not NULL): the rows the statement changed. */
static apr_status_t sso_registry_exec_n(sso_registry *reg, apr_pool_t *p, int q,
                                        const void **args, int *nrows,
                                        const char **err)
{
    int n = 0;
    int rv = apr_dbd_pbquery(reg->driver, p, reg->handle, &n, reg->q[q], args);

    if (nrows) {
        *nrows = n;
    }
    return rv ? sso_registry_fail(reg, p, rv, sso_registry_queries[q].what, err)
              : APR_SUCCESS;
}

static apr_status_t sso_registry_exec(sso_registry *reg, apr_pool_t *p, int q,
                                      const void **args, const char **err)
{
    return sso_registry_exec_n(reg, p, q, args, NULL, err);
}

/* apr_dbd_check_conn resets a pgsql connection that broke (the server
 * restarted); non-zero when it is usable again. */
static int sso_registry_reconnect(sso_registry *reg, apr_pool_t *p)
{
    return !reg->sqlite
           && apr_dbd_check_conn(reg->driver, p, reg->handle) == APR_SUCCESS;
}

static apr_status_t sso_registry_select_once(sso_registry *reg, apr_pool_t *p,
                                             int q, const void **args,
                                             apr_dbd_results_t **res,
                                             const char **err)
{
    int rv;

    *res = NULL;
    rv = apr_dbd_pbselect(reg->driver, p, reg->handle, res, reg->q[q], 1, args);
    return rv ? sso_registry_fail(reg, p, rv, sso_registry_queries[q].what, err)
              : APR_SUCCESS;
}

/* Random access: every driver reads all rows at once, so nothing stays
 * pending on the connection. Outside a transaction a changed schema or a
 * lost pgsql connection is handled here by one more try; inside,
 * sso_registry_write decides about the whole transaction. */
static apr_status_t sso_registry_select(sso_registry *reg, apr_pool_t *p, int q,
                                        const void **args,
                                        apr_dbd_results_t **res,
                                        const char **err)
{
    apr_status_t rv = sso_registry_select_once(reg, p, q, args, res, err);

    if (rv == APR_SUCCESS || reg->in_txn) {
        return rv;
    }
    if ((rv == APR_EAGAIN && sso_registry_prepare(reg, err) == APR_SUCCESS)
        || (rv == APR_EGENERAL && sso_registry_reconnect(reg, p))) {
        rv = sso_registry_select_once(reg, p, q, args, res, err);
    }
    return rv;
}

/* Start with *row NULL; the same row is reused (pgsql counts in it). */
static int sso_registry_next(sso_registry *reg, apr_pool_t *p,
                             apr_dbd_results_t *res, apr_dbd_row_t **row)
{
    return apr_dbd_get_row(reg->driver, p, res, row, -1) == 0;
}

/* A copy of column n, NULL for SQL NULL. Copied because pgsql frees the
 * result once the last row has been read. */
static const char *sso_registry_col(sso_registry *reg, apr_pool_t *p,
                                    apr_dbd_row_t *row, int n)
{
    const char *v = NULL;

    if (apr_dbd_datum_get(reg->driver, row, n, APR_DBD_TYPE_STRING, &v)
            != APR_SUCCESS
        || !v) {
        return NULL;
    }
    return apr_pstrdup(p, v);
}

static apr_int64_t sso_registry_col_int(sso_registry *reg, apr_pool_t *p,
                                        apr_dbd_row_t *row, int n)
{
    const char *v = sso_registry_col(reg, p, row, n);

    return v ? apr_atoi64(v) : 0;
}

/* ---- transactions ---- */

/* Plain BEGIN / COMMIT / ROLLBACK rather than apr_dbd's transaction calls:
 * SQLite must take the write lock up front (BEGIN IMMEDIATE), and apr_dbd's
 * pgsql driver crashes when BEGIN fails on a lost connection. */
static int sso_registry_control(sso_registry *reg, const char *sql)
{
    int nrows = 0;

    return apr_dbd_query(reg->driver, reg->handle, &nrows, sql);
}

/* A failed BEGIN on pgsql may mean the server restarted: reconnect and try
 * once more. */
static apr_status_t sso_registry_begin(sso_registry *reg, apr_pool_t *p,
                                       const char **err)
{
    const char *sql = reg->sqlite ? "BEGIN IMMEDIATE" : "BEGIN";
    int drv = sso_registry_control(reg, sql);

    if (drv && sso_registry_reconnect(reg, p)) {
        drv = sso_registry_control(reg, sql);
    }
    return drv ? sso_registry_fail(reg, p, drv, "begin transaction", err)
               : APR_SUCCESS;
}

static apr_status_t sso_registry_commit(sso_registry *reg, apr_pool_t *p,
                                        const char **err)
{
    int drv = sso_registry_control(reg, "COMMIT");
    apr_status_t rv;

    if (!drv) {
        return APR_SUCCESS;
    }
    rv = sso_registry_fail(reg, p, drv, "commit", err);
    /* A failed COMMIT leaves the transaction open in SQLite. */
    sso_registry_control(reg, "ROLLBACK");
    return rv;
}

static apr_status_t sso_registry_write_once(sso_registry *reg, apr_pool_t *p,
                                            sso_registry_work work, void *ctx,
                                            const char **err)
{
    apr_status_t rv = sso_registry_begin(reg, p, err);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    reg->in_txn = 1;
    rv = work(reg, p, ctx, err);
    reg->in_txn = 0;
    if (rv != APR_SUCCESS) {
        sso_registry_control(reg, "ROLLBACK");
        return rv;
    }
    return sso_registry_commit(reg, p, err);
}

/* Runs work in one write transaction. With SQLite the write lock is taken
 * up front (BEGIN IMMEDIATE), so a transaction never has to be abandoned
 * halfway because another process wrote first. */
static apr_status_t sso_registry_write(sso_registry *reg, apr_pool_t *p,
                                       sso_registry_work work, void *ctx,
                                       const char **err)
{
    apr_time_t deadline =
        apr_time_now() + apr_time_from_msec(SSO_REGISTRY_BUSY_TIMEOUT_MS);
    apr_status_t rv;
    int attempt;

    for (attempt = 1;; attempt++) {
        rv = sso_registry_write_once(reg, p, work, ctx, err);
        if ((rv != APR_EBUSY && rv != APR_EAGAIN)
            || attempt > SSO_REGISTRY_RETRIES || apr_time_now() >= deadline) {
            return rv;
        }
        if (rv == APR_EAGAIN && reg->q[0]
            && sso_registry_prepare(reg, err) != APR_SUCCESS) {
            return rv;
        }
        sso_registry_backoff();
    }
}

/* ---- opening ---- */

static apr_status_t sso_registry_load_driver(sso_registry *reg,
                                             const char *name, const char **err)
{
    apr_status_t rv;
    char buf[120];

    if (strcmp(name, "sqlite3") && strcmp(name, "pgsql")) {
        sso_registry_set_err(
            err, apr_psprintf(reg->pool,
                              "user store %s: "
                              "driver '%s' is not supported: use sqlite3 or "
                              "pgsql",
                              reg->spec, name));
        return APR_ENOTIMPL;
    }
    reg->sqlite = !strcmp(name, "sqlite3");
    rv = apr_dbd_init(reg->pool);
    if (rv == APR_SUCCESS) {
        rv = apr_dbd_get_driver(reg->pool, name, &reg->driver);
    }
    if (rv != APR_SUCCESS) {
        sso_registry_set_err(
            err, apr_psprintf(reg->pool,
                              "user store %s: "
                              "apr_dbd driver '%s' is not available (%s): "
                              "install libaprutil1-dbd-%s",
                              reg->spec, name,
                              apr_strerror(rv, buf, sizeof(buf)), name));
    }
    return rv;
}

/* Creates the directory (0750) and an empty database file (0640) when
 * missing, so the password hashes are never world-readable; SQLite gives
 * its -wal and -shm files the database file's mode. */
static apr_status_t sso_registry_sqlite_file(sso_registry *reg,
                                             const char *path, const char **err)
{
    const char *slash = strrchr(path, '/');
    apr_file_t *f;
    apr_status_t rv;
    char buf[120];

    if (!*path || !strcmp(path, ":memory:")) {
        return APR_SUCCESS;
    }
    if (slash && slash != path) {
        rv = apr_dir_make_recursive(
            apr_pstrmemdup(reg->pool, path, slash - path),
            APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_UEXECUTE
                | APR_FPROT_GREAD | APR_FPROT_GEXECUTE,
            reg->pool);
        if (rv != APR_SUCCESS && !APR_STATUS_IS_EEXIST(rv)) {
            sso_registry_set_err(
                err, apr_psprintf(reg->pool,
                                  "user store %s: "
                                  "cannot create the directory of %s: %s",
                                  reg->spec, path,
                                  apr_strerror(rv, buf, sizeof(buf))));
            return rv;
        }
    }
    rv = apr_file_open(
        &f, path, APR_FOPEN_CREATE | APR_FOPEN_EXCL | APR_FOPEN_WRITE,
        APR_FPROT_UREAD | APR_FPROT_UWRITE | APR_FPROT_GREAD, reg->pool);
    if (rv == APR_SUCCESS) {
        return apr_file_close(f);
    }
    if (APR_STATUS_IS_EEXIST(rv)) {
        return APR_SUCCESS;
    }
    sso_registry_set_err(err, apr_psprintf(reg->pool,
                                           "user store %s: cannot "
                                           "create %s: %s",
                                           reg->spec, path,
                                           apr_strerror(rv, buf, sizeof(buf))));
    return rv;
}

/* A statement that may return rows (PRAGMAs, SELECTs); *value gets the
 * first column of the last row when asked. */
static int sso_registry_raw_select(sso_registry *reg, apr_pool_t *p,
                                   const char *sql, const char **value)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv = apr_dbd_select(reg->driver, p, reg->handle, &res, sql, 1);

    if (value) {
        *value = NULL;
    }
    if (rv) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        if (value) {
            *value = sso_registry_col(reg, p, row, 0);
        }
    }
    return 0;
}

static apr_status_t sso_registry_raw(sso_registry *reg, apr_pool_t *p,
                                     const char *sql, const char **err)
{
    int nrows = 0, rv = apr_dbd_query(reg->driver, reg->handle, &nrows, sql);

    return rv ? sso_registry_fail(reg, p, rv, sql, err) : APR_SUCCESS;
}

static apr_status_t sso_registry_pragma(sso_registry *reg, apr_pool_t *p,
                                        const char *sql, const char **value,
                                        const char **err)
{
    int rv = sso_registry_raw_select(reg, p, sql, value);

    return rv ? sso_registry_fail(reg, p, rv, sql, err) : APR_SUCCESS;
}

static apr_status_t sso_registry_pragmas(sso_registry *reg, apr_pool_t *p,
                                         const char **err)
{
    const char *mode = NULL;
    apr_status_t rv;

    /* The busy timeout first: switching to WAL needs a lock. */
    rv = sso_registry_pragma(reg, p,
                             apr_psprintf(p, "PRAGMA busy_timeout = %d",
                                          SSO_REGISTRY_BUSY_TIMEOUT_MS),
                             NULL, err);
    if (rv == APR_SUCCESS) {
        rv = sso_registry_pragma(reg, p, "PRAGMA journal_mode = WAL", &mode,
                                 err);
    }
    if (rv == APR_SUCCESS && mode && strcasecmp(mode, "wal")
        && strcasecmp(mode, "memory")) {
        sso_registry_set_err(
            err, apr_psprintf(p,
                              "user store %s: cannot use "
                              "WAL mode (journal_mode is %s); is the file on a "
                              "network file system?",
                              reg->spec, mode));
        return APR_EGENERAL;
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_pragma(reg, p, "PRAGMA foreign_keys = ON", NULL, err);
    }
    /* In WAL mode NORMAL keeps the database consistent and only syncs at
     * checkpoints: a login does not wait for an fsync. A power cut may
     * lose the last few last_login times, never the database. */
    if (rv == APR_SUCCESS) {
        rv = sso_registry_pragma(reg, p, "PRAGMA synchronous = NORMAL", NULL,
                                 err);
    }
    return rv;
}

/* The stored schema version; -1 when sso_meta has no row. */
static apr_status_t sso_registry_version(sso_registry *reg, apr_pool_t *p,
                                         int *version, const char **err)
{
    const char *v;
    int rv = sso_registry_raw_select(reg, p,
                                     "SELECT schema_version FROM sso_meta", &v);

    *version = v ? atoi(v) : -1;
    return rv ? sso_registry_fail(reg, p, rv, "read schema version", err)
              : APR_SUCCESS;
}

static apr_status_t sso_registry_too_new(sso_registry *reg, apr_pool_t *p,
                                         int version, const char **err)
{
    sso_registry_set_err(
        err, apr_psprintf(p,
                          "user store %s: schema version "
                          "%d is newer than this build supports (%d): upgrade "
                          "mod_auth_sso",
                          reg->spec, version, SSO_REGISTRY_SCHEMA_VERSION));
    return APR_EGENERAL;
}

static apr_status_t sso_registry_step(sso_registry *reg, apr_pool_t *p, int to,
                                      const char **err)
{
    const char *const *ddl = reg->sqlite ? sso_registry_steps[to].sqlite3
                                         : sso_registry_steps[to].pgsql;
    apr_status_t rv = APR_SUCCESS;

    for (; ddl && *ddl && rv == APR_SUCCESS; ddl++) {
        rv = sso_registry_raw(reg, p, *ddl, err);
    }
    return rv;
}

static apr_status_t sso_registry_migrate(sso_registry *reg, apr_pool_t *p,
                                         void *ctx, const char **err)
{
    apr_status_t rv = APR_SUCCESS;
    int version, to;

    if (!reg->sqlite) {
        rv = sso_registry_pragma(
            reg, p, "SELECT pg_advisory_xact_lock(" SSO_REGISTRY_PG_LOCK ")",
            NULL, err);
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_raw(reg, p,
                              "CREATE TABLE IF NOT EXISTS sso_meta "
                              "(schema_version INTEGER NOT NULL)",
                              err);
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_version(reg, p, &version, err);
    }
    if (rv == APR_SUCCESS && version < 0) {
        rv = sso_registry_raw(reg, p,
                              "INSERT INTO sso_meta (schema_version) "
                              "VALUES (0)",
                              err);
        version = 0;
    }
    if (rv != APR_SUCCESS || version == SSO_REGISTRY_SCHEMA_VERSION) {
        return rv;
    }
    if (version > SSO_REGISTRY_SCHEMA_VERSION) {
        return sso_registry_too_new(reg, p, version, err);
    }
    for (to = version + 1; to <= SSO_REGISTRY_SCHEMA_VERSION && !rv; to++) {
        rv = sso_registry_step(reg, p, to, err);
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_raw(reg, p,
                              apr_psprintf(p,
                                           "UPDATE sso_meta SET "
                                           "schema_version = %d",
                                           SSO_REGISTRY_SCHEMA_VERSION),
                              err);
    }
    return rv;
}

/* Creates or upgrades the schema. The common case, a current store, only
 * reads, so read-only users of the store (sso-users list) work too. */
static apr_status_t sso_registry_schema(sso_registry *reg, apr_pool_t *p,
                                        const char **err)
{
    int version;

    if (sso_registry_version(reg, p, &version, NULL) == APR_SUCCESS) {
        if (version == SSO_REGISTRY_SCHEMA_VERSION) {
            return APR_SUCCESS;
        }
        if (version > SSO_REGISTRY_SCHEMA_VERSION) {
            return sso_registry_too_new(reg, p, version, err);
        }
    }
    return sso_registry_write(reg, p, sso_registry_migrate, NULL, err);
}

/* Prepared once per connection (again after a schema change): the sqlite3
 * driver keeps every statement until the handle closes. Without a label
 * the pgsql driver sends the text with each call rather than naming a
 * server-side statement, which a reconnect would lose. */
static apr_status_t sso_registry_prepare(sso_registry *reg, const char **err)
{
    int i, rv;

    for (i = 0; i < Q_COUNT; i++) {
        reg->q[i] = NULL;
        rv = apr_dbd_prepare(reg->driver, reg->pool, reg->handle,
                             sso_registry_queries[i].sql, NULL, &reg->q[i]);
        if (rv) {
            return sso_registry_fail(reg, reg->pool, rv,
                                     apr_pstrcat(reg->pool, "prepare ",
                                                 sso_registry_queries[i].what,
                                                 NULL),
                                     err);
        }
    }
    return APR_SUCCESS;
}

static apr_status_t sso_registry_cleanup(void *data)
{
    sso_registry *reg = data;

    if (reg->handle) {
        apr_dbd_close(reg->driver, reg->handle);
    }
    reg->handle = NULL;
    return APR_SUCCESS;
}

static apr_status_t sso_registry_handle(sso_registry *reg, const char *params,
                                        const char **err)
{
    const char *dbd_err = NULL;
    apr_status_t rv;

    rv =
        apr_dbd_open_ex(reg->driver, reg->pool, params, &reg->handle, &dbd_err);
    if (rv != APR_SUCCESS) {
        reg->handle = NULL;
        sso_registry_set_err(
            err,
            apr_psprintf(reg->pool,
                         "user store %s: "
                         "cannot open: %s",
                         reg->spec,
                         dbd_err ? sso_registry_mask_keyword(reg->pool, dbd_err)
                                 : "the driver gave no reason"));
        return rv;
    }
    apr_pool_cleanup_register(reg->pool, reg, sso_registry_cleanup,
                              apr_pool_cleanup_null);
    return APR_SUCCESS;
}

/* Processes that meet a new store at the same moment collide switching it
 * to WAL mode (SQLite does not wait for that lock) and creating the schema:
 * the losers reconnect after a random pause, within the busy timeout. */
static apr_status_t sso_registry_connect(sso_registry *reg, const char *params,
                                         const char **err)
{
    apr_time_t deadline =
        apr_time_now() + apr_time_from_msec(SSO_REGISTRY_BUSY_TIMEOUT_MS);
    apr_status_t rv;

    if (reg->sqlite && (rv = sso_registry_sqlite_file(reg, params, err))) {
        return rv;
    }
    for (;;) {
        if ((rv = sso_registry_handle(reg, params, err)) != APR_SUCCESS) {
            return rv;
        }
        rv = reg->sqlite ? sso_registry_pragmas(reg, reg->pool, err)
                         : APR_SUCCESS;
        if (rv == APR_SUCCESS) {
            rv = sso_registry_schema(reg, reg->pool, err);
        }
        if (rv == APR_SUCCESS) {
            return sso_registry_prepare(reg, err);
        }
        if ((rv != APR_EBUSY && rv != APR_EAGAIN)
            || apr_time_now() >= deadline) {
            return rv;
        }
        apr_pool_cleanup_run(reg->pool, reg, sso_registry_cleanup);
        sso_registry_backoff();
    }
}

apr_status_t sso_registry_open(apr_pool_t *p, const char *spec,
                               sso_registry **out, const char **err)
{
    const char *name, *params;
    sso_registry *reg;
    apr_pool_t *sub;
    apr_status_t rv;

    *out = NULL;
    if ((rv = sso_registry_parse_spec(p, spec, &name, &params, err))) {
        return rv;
    }
    if ((rv = apr_pool_create(&sub, p)) != APR_SUCCESS) {
        return rv;
    }
    reg = apr_pcalloc(sub, sizeof(*reg));
    reg->pool = sub;
    reg->spec = sso_registry_display_spec(sub, spec);
    rv = sso_registry_load_driver(reg, name, err);
    if (rv == APR_SUCCESS) {
        rv = sso_registry_connect(reg, params, err);
    }
    if (rv != APR_SUCCESS) {
        /* The message lives in sub, which goes now. */
        if (err && *err) {
            *err = apr_pstrdup(p, *err);
        }
        apr_pool_destroy(sub);
        return rv;
    }
    *out = reg;
    return APR_SUCCESS;
}

void sso_registry_close(sso_registry *reg)
{
    if (reg) {
        apr_pool_destroy(reg->pool);
    }
}

const char *sso_registry_driver(const sso_registry *reg)
{
    return reg->sqlite ? "sqlite3" : "pgsql";
}

/* ---- input bounds ---- */

static const char *sso_registry_check_text(apr_pool_t *p, const char *what,
                                           const char *value, size_t max)
{
    size_t len = value ? strlen(value) : 0, i;

    if (len == 0) {
        return apr_psprintf(p, "%s is empty", what);
    }
    if (len > max) {
        return apr_psprintf(p, "%s is longer than %" APR_SIZE_T_FMT " bytes",
                            what, max);
    }
    for (i = 0; i < len; i++) {
        if (apr_iscntrl((unsigned char)value[i])) {
            return apr_psprintf(p, "%s contains a control character", what);
        }
    }
    return NULL;
}

static apr_status_t sso_registry_check(apr_pool_t *p, const char *what,
                                       const char *value, size_t max,
                                       const char **err)
{
    const char *problem = sso_registry_check_text(p, what, value, max);

    if (!problem) {
        return APR_SUCCESS;
    }
    sso_registry_set_err(err, problem);
    return APR_EINVAL;
}

static apr_status_t sso_registry_check_username(apr_pool_t *p,
                                                const char *username,
                                                const char **err)
{
    return sso_registry_check(p, "username", username, SSO_REGISTRY_NAME_MAX,
                              err);
}

static apr_status_t sso_registry_check_identity(apr_pool_t *p,
                                                const char *issuer,
                                                const char *sub,
                                                const char **err)
{
    apr_status_t rv =
        sso_registry_check(p, "issuer", issuer, SSO_REGISTRY_ID_MAX, err);

    return rv ? rv
              : sso_registry_check(p, "sub", sub, SSO_REGISTRY_ID_MAX, err);
}

static apr_status_t sso_registry_check_group(apr_pool_t *p, const char *group,
                                             const char **err)
{
    const char *problem =
        sso_registry_check_text(p, "group name", group, SSO_REGISTRY_NAME_MAX);

    if (!problem) {
        return APR_SUCCESS;
    }
    sso_registry_set_err(
        err, apr_psprintf(p, "%s ('%.40s')", problem, group ? group : ""));
    return APR_EINVAL;
}

static int sso_registry_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorted bytewise, so every driver lists groups in the same order. */
static void sso_registry_sort(apr_array_header_t *names)
{
    if (names->nelts > 1) {
        qsort(names->elts, names->nelts, sizeof(const char *),
              sso_registry_cmp);
    }
}

/* The groups as a checked set: each once, sorted, within the limits. */
static apr_status_t sso_registry_group_set(apr_pool_t *p,
                                           const apr_array_header_t *in,
                                           apr_array_header_t **out,
                                           const char **err)
{
    apr_hash_t *seen = apr_hash_make(p);
    apr_status_t rv;
    int i;

    *out = apr_array_make(p, in && in->nelts ? in->nelts : 1,
                          sizeof(const char *));
    for (i = 0; in && i < in->nelts; i++) {
        const char *g = APR_ARRAY_IDX(in, i, const char *);
        if ((rv = sso_registry_check_group(p, g, err)) != APR_SUCCESS) {
            return rv;
        }
        if (apr_hash_get(seen, g, APR_HASH_KEY_STRING)) {
            continue;
        }
        apr_hash_set(seen, g, APR_HASH_KEY_STRING, g);
        APR_ARRAY_PUSH(*out, const char *) = apr_pstrdup(p, g);
    }
    if ((*out)->nelts > SSO_REGISTRY_GROUPS_MAX) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "%d groups is more than the "
                                               "%d one user may have",
                                               (*out)->nelts,
                                               SSO_REGISTRY_GROUPS_MAX));
        return APR_EINVAL;
    }
    sso_registry_sort(*out);
    return APR_SUCCESS;
}

/* ---- reading users ---- */

static sso_user *sso_registry_user_row(sso_registry *reg, apr_pool_t *p,
                                       apr_dbd_row_t *row)
{
    sso_user *u = apr_pcalloc(p, sizeof(*u));

    u->id = sso_registry_col_int(reg, p, row, 0);
    u->username = sso_registry_col(reg, p, row, 1);
    u->kind = sso_registry_col(reg, p, row, 2);
    u->issuer = sso_registry_col(reg, p, row, 3);
    u->sub = sso_registry_col(reg, p, row, 4);
    u->disabled = sso_registry_col_int(reg, p, row, 5) != 0;
    u->password_hash = sso_registry_col(reg, p, row, 6);
    u->created = sso_registry_col_int(reg, p, row, 7);
    u->last_login = sso_registry_col_int(reg, p, row, 8);
    u->last_login_addr = sso_registry_col(reg, p, row, 9);
    u->last_login_method = sso_registry_col(reg, p, row, 10);
    u->totp_secret = sso_registry_col(reg, p, row, 11);
    u->totp_last_step = sso_registry_col_int(reg, p, row, 12);
    u->sessions_after = sso_registry_col_int(reg, p, row, 13);
    u->groups = apr_array_make(p, 4, sizeof(const char *));
    return u;
}

static apr_status_t sso_registry_load_groups(sso_registry *reg, apr_pool_t *p,
                                             sso_user *u, const char **err)
{
    const void *args[] = { &u->id };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv = sso_registry_select(reg, p, Q_GROUPS, args, &res, err);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        APR_ARRAY_PUSH(u->groups, const char *) =
            sso_registry_col(reg, p, row, 0);
    }
    sso_registry_sort(u->groups);
    return APR_SUCCESS;
}

static apr_status_t sso_registry_find(sso_registry *reg, apr_pool_t *p, int q,
                                      const void **args, sso_user **out,
                                      const char **err)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv = sso_registry_select(reg, p, q, args, &res, err);

    *out = NULL;
    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        if (!*out) {
            *out = sso_registry_user_row(reg, p, row);
        }
    }
    if (!*out) {
        return APR_NOTFOUND;
    }
    return sso_registry_load_groups(reg, p, *out, err);
}

apr_status_t sso_registry_find_sso(sso_registry *reg, apr_pool_t *p,
                                   const char *issuer, const char *sub,
                                   sso_user **out, const char **err)
{
    const void *args[] = { issuer, sub };

    return sso_registry_find(reg, p, Q_FIND_SUB, args, out, err);
}

apr_status_t sso_registry_find_user(sso_registry *reg, apr_pool_t *p,
                                    const char *username, sso_user **out,
                                    const char **err)
{
    const void *args[] = { username };

    return sso_registry_find(reg, p, Q_FIND_USER, args, out, err);
}

/* As sso_registry_find_user, with a message naming the user when absent. */
static apr_status_t sso_registry_need_user(sso_registry *reg, apr_pool_t *p,
                                           const char *username, sso_user **out,
                                           const char **err)
{
    apr_status_t rv = sso_registry_find_user(reg, p, username, out, err);

    if (rv == APR_NOTFOUND) {
        sso_registry_set_err(err, apr_psprintf(p, "no user '%s'", username));
    }
    return rv;
}

apr_status_t sso_registry_username_taken(sso_registry *reg, apr_pool_t *p,
                                         const char *username, int *taken,
                                         const char **err)
{
    const void *args[] = { username };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv = sso_registry_select(reg, p, Q_USER_ID, args, &res, err);

    *taken = 0;
    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        *taken = 1;
    }
    return APR_SUCCESS;
}

static int sso_registry_cmp_user(const void *a, const void *b)
{
    return strcmp((*(sso_user *const *)a)->username,
                  (*(sso_user *const *)b)->username);
}

static apr_status_t sso_registry_list_groups(sso_registry *reg, apr_pool_t *p,
                                             apr_hash_t *by_id,
                                             const char **err)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv =
        sso_registry_select(reg, p, Q_ALL_GROUPS, NULL, &res, err);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        const char *id = sso_registry_col(reg, p, row, 0);
        sso_user *u = id ? apr_hash_get(by_id, id, APR_HASH_KEY_STRING) : NULL;
        if (u) {
            APR_ARRAY_PUSH(u->groups, const char *) =
                sso_registry_col(reg, p, row, 1);
        }
    }
    return APR_SUCCESS;
}

apr_status_t sso_registry_list(sso_registry *reg, apr_pool_t *p,
                               apr_array_header_t **users, const char **err)
{
    apr_hash_t *by_id = apr_hash_make(p);
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv;
    int i;

    *users = apr_array_make(p, 16, sizeof(sso_user *));
    rv = sso_registry_select(reg, p, Q_ALL_USERS, NULL, &res, err);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        sso_user *u = sso_registry_user_row(reg, p, row);
        APR_ARRAY_PUSH(*users, sso_user *) = u;
        apr_hash_set(by_id, apr_psprintf(p, "%" APR_INT64_T_FMT, u->id),
                     APR_HASH_KEY_STRING, u);
    }
    if ((rv = sso_registry_list_groups(reg, p, by_id, err)) != APR_SUCCESS) {
        return rv;
    }
    for (i = 0; i < (*users)->nelts; i++) {
        sso_registry_sort(APR_ARRAY_IDX(*users, i, sso_user *)->groups);
    }
    qsort((*users)->elts, (*users)->nelts, sizeof(sso_user *),
          sso_registry_cmp_user);
    return APR_SUCCESS;
}

/* ---- writing users (inside a transaction) ---- */

static apr_status_t sso_registry_insert_groups(sso_registry *reg, apr_pool_t *p,
                                               sso_user *u,
                                               const apr_array_header_t *groups,
                                               const char **err)
{
    apr_status_t rv = APR_SUCCESS;
    int i;

    for (i = 0; i < groups->nelts && rv == APR_SUCCESS; i++) {
        const void *args[] = { &u->id, APR_ARRAY_IDX(groups, i, const char *) };
        rv = sso_registry_exec(reg, p, Q_ADD_GROUP, args, err);
    }
    if (rv == APR_SUCCESS) {
        u->groups = apr_array_copy(p, groups);
    }
    return rv;
}

static apr_status_t sso_registry_replace_groups(
    sso_registry *reg, apr_pool_t *p, sso_user *u,
    const apr_array_header_t *groups, const char **err)
{
    const void *args[] = { &u->id };
    apr_status_t rv = sso_registry_exec(reg, p, Q_CLEAR_GROUPS, args, err);

    return rv ? rv : sso_registry_insert_groups(reg, p, u, groups, err);
}

/* Inserts the user described by tpl, then its groups; *out is the stored
 * row. APR_EEXIST when the username is taken. */
static apr_status_t sso_registry_insert(sso_registry *reg, apr_pool_t *p,
                                        const sso_user *tpl,
                                        const apr_array_header_t *groups,
                                        sso_user **out, const char **err)
{
    const void *args[] = { tpl->username,
                           tpl->kind,
                           tpl->issuer,
                           tpl->sub,
                           tpl->password_hash,
                           &tpl->created,
                           tpl->last_login ? &tpl->last_login : NULL,
                           tpl->last_login_addr,
                           tpl->last_login_method };
    apr_status_t rv;
    int taken;

    rv = sso_registry_username_taken(reg, p, tpl->username, &taken, err);
    if (rv == APR_SUCCESS && taken) {
        sso_registry_set_err(
            err, apr_psprintf(p, "username '%s' is taken", tpl->username));
        return APR_EEXIST;
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_exec(reg, p, Q_INSERT, args, err);
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_find_user(reg, p, tpl->username, out, err);
    }
    if (rv == APR_NOTFOUND) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "user store %s: user '%s' "
                                               "vanished after insert",
                                               reg->spec, tpl->username));
        rv = APR_EGENERAL;
    }
    return rv ? rv : sso_registry_insert_groups(reg, p, *out, groups, err);
}

/* Seconds since the epoch. */
static apr_int64_t sso_registry_now(void)
{
    return apr_time_sec(apr_time_now());
}

/* ---- SSO login ---- */

typedef struct {
    const sso_registry_login *in;
    apr_array_header_t *groups; /* checked set of in->groups */
    apr_int64_t now;
    sso_user *user;
    int created;
    int inserting;
} sso_login_ctx;

static apr_status_t sso_registry_login_existing(sso_registry *reg,
                                                apr_pool_t *p, sso_login_ctx *c,
                                                const char **err)
{
    sso_user *u = c->user;
    const void *args[] = { &c->now, c->in->addr, "sso", &u->id };
    apr_status_t rv;

    if (u->disabled) {
        sso_registry_set_err(
            err, apr_psprintf(p, "user '%s' is disabled", u->username));
        return APR_EACCES;
    }
    rv = sso_registry_exec(reg, p, Q_TOUCH, args, err);
    if (rv == APR_SUCCESS && c->in->replace_groups) {
        rv = sso_registry_replace_groups(reg, p, u, c->groups, err);
    }
    u->last_login = c->now;
    u->last_login_addr = c->in->addr;
    u->last_login_method = "sso";
    return rv;
}

static apr_status_t sso_registry_login_new(sso_registry *reg, apr_pool_t *p,
                                           sso_login_ctx *c, const char **err)
{
    sso_user tpl = { 0 };

    if (!c->in->username) {
        sso_registry_set_err(err, "no user for this issuer and sub, and no "
                                  "username to create one");
        return APR_NOTFOUND;
    }
    tpl.username = c->in->username;
    tpl.kind = "sso";
    tpl.issuer = c->in->issuer;
    tpl.sub = c->in->sub;
    tpl.created = tpl.last_login = c->now;
    tpl.last_login_addr = c->in->addr;
    tpl.last_login_method = "sso";
    c->inserting = 1;
    c->created = 1;
    return sso_registry_insert(reg, p, &tpl, c->groups, &c->user, err);
}

static apr_status_t sso_registry_login_work(sso_registry *reg, apr_pool_t *p,
                                            void *ctx, const char **err)
{
    sso_login_ctx *c = ctx;
    apr_status_t rv;

    c->created = c->inserting = 0;
    rv =
        sso_registry_find_sso(reg, p, c->in->issuer, c->in->sub, &c->user, err);
    if (rv == APR_SUCCESS) {
        return sso_registry_login_existing(reg, p, c, err);
    }
    return rv == APR_NOTFOUND ? sso_registry_login_new(reg, p, c, err) : rv;
}

static apr_status_t sso_registry_check_login(apr_pool_t *p,
                                             const sso_registry_login *in,
                                             sso_login_ctx *c, const char **err)
{
    apr_status_t rv = sso_registry_check_identity(p, in->issuer, in->sub, err);

    if (rv == APR_SUCCESS && in->username) {
        rv = sso_registry_check_username(p, in->username, err);
    }
    if (rv == APR_SUCCESS) {
        rv = sso_registry_group_set(p, in->groups, &c->groups, err);
    }
    return rv;
}

/* The insert failed although our checks passed: with pgsql another process
 * can insert the same username or identity meanwhile (SQLite's BEGIN
 * IMMEDIATE excludes that). Tell the two apart from other errors. */
static apr_status_t sso_registry_login_race(sso_registry *reg, apr_pool_t *p,
                                            sso_login_ctx *c, apr_status_t rv,
                                            const char **err)
{
    sso_user *u;
    int taken = 0;

    if (sso_registry_find_sso(reg, p, c->in->issuer, c->in->sub, &u, NULL)
        == APR_SUCCESS) {
        return sso_registry_write(reg, p, sso_registry_login_work, c, err);
    }
    if (sso_registry_username_taken(reg, p, c->in->username, &taken, NULL)
            == APR_SUCCESS
        && taken) {
        sso_registry_set_err(
            err, apr_psprintf(p, "username '%s' is taken", c->in->username));
        return APR_EEXIST;
    }
    return rv;
}

apr_status_t sso_registry_sso_login(sso_registry *reg, apr_pool_t *p,
                                    const sso_registry_login *login,
                                    sso_user **out, int *created,
                                    const char **err)
{
    sso_login_ctx c = { 0 };
    apr_status_t rv;

    *out = NULL;
    *created = 0;
    c.in = login;
    c.now = sso_registry_now();
    if ((rv = sso_registry_check_login(p, login, &c, err)) != APR_SUCCESS) {
        return rv;
    }
    rv = sso_registry_write(reg, p, sso_registry_login_work, &c, err);
    if (rv == APR_EGENERAL && c.inserting) {
        rv = sso_registry_login_race(reg, p, &c, rv, err);
    }
    if (rv == APR_SUCCESS || rv == APR_EACCES) {
        *out = c.user;
        *created = rv == APR_SUCCESS && c.created;
    }
    return rv;
}

/* ---- local login ---- */

typedef struct {
    const char *username;
    const char *addr;
    apr_int64_t now;
} sso_local_login_ctx;

static apr_status_t sso_registry_local_login_work(sso_registry *reg,
                                                  apr_pool_t *p, void *ctx,
                                                  const char **err)
{
    sso_local_login_ctx *c = ctx;
    sso_user *u = NULL;
    apr_status_t rv = sso_registry_find_user(reg, p, c->username, &u, err);
    const void *args[] = { &c->now, c->addr, "local", u ? &u->id : NULL };

    if (rv == APR_SUCCESS && strcmp(u->kind, "local")) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "user '%s' is no local "
                                               "user",
                                               c->username));
        return APR_EINVAL;
    }
    return rv ? rv : sso_registry_exec(reg, p, Q_TOUCH, args, err);
}

apr_status_t sso_registry_local_login(sso_registry *reg, apr_pool_t *p,
                                      const char *username, const char *addr,
                                      const char **err)
{
    sso_local_login_ctx c;

    c.username = username;
    c.addr = addr;
    c.now = sso_registry_now();
    return sso_registry_write(reg, p, sso_registry_local_login_work, &c, err);
}

/* ---- administration ---- */

typedef struct {
    const char *username;
    const char *hash;
    const char *issuer;
    const char *sub;
    const char *group;
    apr_array_header_t *groups;
    int flag;
    apr_int64_t step;
} sso_admin_ctx;

static apr_status_t sso_registry_add_local_work(sso_registry *reg,
                                                apr_pool_t *p, void *ctx,
                                                const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user tpl = { 0 }, *u;

    tpl.username = c->username;
    tpl.kind = "local";
    tpl.password_hash = c->hash;
    tpl.created = sso_registry_now();
    return sso_registry_insert(reg, p, &tpl, c->groups, &u, err);
}

apr_status_t sso_registry_add_local(sso_registry *reg, apr_pool_t *p,
                                    const char *username,
                                    const char *password_hash,
                                    const apr_array_header_t *groups,
                                    const char **err)
{
    sso_admin_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    c.hash = password_hash;
    if ((rv = sso_registry_check_username(p, username, err))
        || (rv = sso_registry_check(p, "password hash", password_hash, 1024,
                                    err))
        || (rv = sso_registry_group_set(p, groups, &c.groups, err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_add_local_work, &c, err);
}

static apr_status_t sso_registry_set_password_work(sso_registry *reg,
                                                   apr_pool_t *p, void *ctx,
                                                   const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { c->hash, u ? &u->id : NULL };

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (strcmp(u->kind, "local")) {
        sso_registry_set_err(
            err, apr_psprintf(p,
                              "'%s' is an SSO user; SSO "
                              "users sign in at the provider and have no "
                              "password here",
                              u->username));
        return APR_EINVAL;
    }
    return sso_registry_exec(reg, p, Q_SET_HASH, args, err);
}

apr_status_t sso_registry_set_password(sso_registry *reg, apr_pool_t *p,
                                       const char *username,
                                       const char *password_hash,
                                       const char **err)
{
    sso_admin_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    c.hash = password_hash;
    if ((rv = sso_registry_check(p, "password hash", password_hash, 1024,
                                 err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_set_password_work, &c, err);
}

static apr_status_t sso_registry_set_totp_work(sso_registry *reg, apr_pool_t *p,
                                               void *ctx, const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { c->hash, &c->step, u ? &u->id : NULL };

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (strcmp(u->kind, "local")) {
        sso_registry_set_err(
            err, apr_psprintf(p,
                              "'%s' is an SSO user; its "
                              "provider asks for a second factor, not this "
                              "server",
                              u->username));
        return APR_EINVAL;
    }
    return sso_registry_exec(reg, p, Q_SET_TOTP, args, err);
}

apr_status_t sso_registry_set_totp(sso_registry *reg, apr_pool_t *p,
                                   const char *username, const char *sealed,
                                   apr_int64_t last_step, const char **err)
{
    sso_admin_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    c.hash = sealed;
    c.step = last_step;
    if (sealed
        && (rv = sso_registry_check(p, "TOTP secret", sealed, 1024, err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_set_totp_work, &c, err);
}

static apr_status_t sso_registry_totp_use_work(sso_registry *reg, apr_pool_t *p,
                                               void *ctx, const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { &c->step, u ? &u->id : NULL, &c->step };
    int nrows = 0;

    if (rv != APR_SUCCESS) {
        return rv;
    }
    if (!u->totp_secret) {
        sso_registry_set_err(
            err, apr_psprintf(p, "user '%s' has no TOTP", u->username));
        return APR_NOTFOUND;
    }
    rv = sso_registry_exec_n(reg, p, Q_USE_TOTP, args, &nrows, err);
    if (rv == APR_SUCCESS && nrows == 0) {
        sso_registry_set_err(err, "this TOTP code was used already");
        return APR_EEXIST;
    }
    return rv;
}

apr_status_t sso_registry_totp_use(sso_registry *reg, apr_pool_t *p,
                                   const char *username, apr_int64_t step,
                                   const char **err)
{
    sso_admin_ctx c = { 0 };

    c.username = username;
    c.step = step;
    return sso_registry_write(reg, p, sso_registry_totp_use_work, &c, err);
}

static apr_status_t sso_registry_end_sessions_work(sso_registry *reg,
                                                   apr_pool_t *p, void *ctx,
                                                   const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { &c->step, u ? &u->id : NULL };

    return rv ? rv : sso_registry_exec(reg, p, Q_END_SESSIONS, args, err);
}

apr_status_t sso_registry_end_sessions(sso_registry *reg, apr_pool_t *p,
                                       const char *username, apr_int64_t now,
                                       const char **err)
{
    sso_admin_ctx c = { 0 };

    c.username = username;
    c.step = now;
    return sso_registry_write(reg, p, sso_registry_end_sessions_work, &c, err);
}

static apr_status_t sso_registry_link_work(sso_registry *reg, apr_pool_t *p,
                                           void *ctx, const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user tpl = { 0 }, *u;
    apr_status_t rv = sso_registry_find_sso(reg, p, c->issuer, c->sub, &u, err);

    if (rv == APR_SUCCESS) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "this issuer and sub already "
                                               "belong to user '%s'",
                                               u->username));
        return APR_EEXIST;
    }
    if (rv != APR_NOTFOUND) {
        return rv;
    }
    tpl.username = c->username;
    tpl.kind = "sso";
    tpl.issuer = c->issuer;
    tpl.sub = c->sub;
    tpl.created = sso_registry_now();
    return sso_registry_insert(reg, p, &tpl, c->groups, &u, err);
}

apr_status_t sso_registry_link(sso_registry *reg, apr_pool_t *p,
                               const char *username, const char *issuer,
                               const char *sub,
                               const apr_array_header_t *groups,
                               const char **err)
{
    sso_admin_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    c.issuer = issuer;
    c.sub = sub;
    if ((rv = sso_registry_check_username(p, username, err))
        || (rv = sso_registry_check_identity(p, issuer, sub, err))
        || (rv = sso_registry_group_set(p, groups, &c.groups, err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_link_work, &c, err);
}

static apr_status_t sso_registry_set_groups_work(sso_registry *reg,
                                                 apr_pool_t *p, void *ctx,
                                                 const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);

    return rv ? rv : sso_registry_replace_groups(reg, p, u, c->groups, err);
}

apr_status_t sso_registry_set_groups(sso_registry *reg, apr_pool_t *p,
                                     const char *username,
                                     const apr_array_header_t *groups,
                                     const char **err)
{
    sso_admin_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    if ((rv = sso_registry_group_set(p, groups, &c.groups, err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_set_groups_work, &c, err);
}

static int sso_registry_has(const apr_array_header_t *list, const char *name)
{
    int i;

    for (i = 0; i < list->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(list, i, const char *), name)) {
            return 1;
        }
    }
    return 0;
}

static apr_status_t sso_registry_add_group_work(sso_registry *reg,
                                                apr_pool_t *p, void *ctx,
                                                const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { u ? &u->id : NULL, c->group };

    if (rv != APR_SUCCESS || sso_registry_has(u->groups, c->group)) {
        return rv;
    }
    if (u->groups->nelts >= SSO_REGISTRY_GROUPS_MAX) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "user '%s' already has the "
                                               "%d groups one user may have",
                                               u->username,
                                               SSO_REGISTRY_GROUPS_MAX));
        return APR_EINVAL;
    }
    return sso_registry_exec(reg, p, Q_ADD_GROUP, args, err);
}

apr_status_t sso_registry_add_group(sso_registry *reg, apr_pool_t *p,
                                    const char *username, const char *group,
                                    const char **err)
{
    sso_admin_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    c.group = group;
    if ((rv = sso_registry_check_group(p, group, err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_add_group_work, &c, err);
}

static apr_status_t sso_registry_remove_group_work(sso_registry *reg,
                                                   apr_pool_t *p, void *ctx,
                                                   const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { u ? &u->id : NULL, c->group };

    return rv ? rv : sso_registry_exec(reg, p, Q_REMOVE_GROUP, args, err);
}

apr_status_t sso_registry_remove_group(sso_registry *reg, apr_pool_t *p,
                                       const char *username, const char *group,
                                       const char **err)
{
    sso_admin_ctx c = { 0 };

    c.username = username;
    c.group = group;
    return sso_registry_write(reg, p, sso_registry_remove_group_work, &c, err);
}

static apr_status_t sso_registry_set_disabled_work(sso_registry *reg,
                                                   apr_pool_t *p, void *ctx,
                                                   const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { &c->flag, u ? &u->id : NULL };

    return rv ? rv : sso_registry_exec(reg, p, Q_SET_DISABLED, args, err);
}

apr_status_t sso_registry_set_disabled(sso_registry *reg, apr_pool_t *p,
                                       const char *username, int disabled,
                                       const char **err)
{
    sso_admin_ctx c = { 0 };

    c.username = username;
    c.flag = disabled ? 1 : 0;
    return sso_registry_write(reg, p, sso_registry_set_disabled_work, &c, err);
}

/* The user's groups go with it: ON DELETE CASCADE (foreign_keys is on for
 * every SQLite connection we open). */
static apr_status_t sso_registry_delete_work(sso_registry *reg, apr_pool_t *p,
                                             void *ctx, const char **err)
{
    sso_admin_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { u ? &u->id : NULL };

    return rv ? rv : sso_registry_exec(reg, p, Q_DELETE, args, err);
}

apr_status_t sso_registry_delete(sso_registry *reg, apr_pool_t *p,
                                 const char *username, const char **err)
{
    sso_admin_ctx c = { 0 };

    c.username = username;
    return sso_registry_write(reg, p, sso_registry_delete_work, &c, err);
}

/* ---- API tokens ---- */

typedef struct {
    const char *username;
    const char *name;
    const char *hash;
    apr_int64_t expires;
    apr_int64_t now;
} sso_token_ctx;

static apr_status_t sso_registry_check_token_name(apr_pool_t *p,
                                                  const char *name,
                                                  const char **err)
{
    return sso_registry_check(p, "token name", name, SSO_REGISTRY_NAME_MAX,
                              err);
}

/* Columns from first on: SSO_TOKEN_COLUMNS. */
static sso_api_token *sso_registry_token_row(sso_registry *reg, apr_pool_t *p,
                                             apr_dbd_row_t *row, int first)
{
    sso_api_token *t = apr_pcalloc(p, sizeof(*t));

    t->name = sso_registry_col(reg, p, row, first);
    t->hash = sso_registry_col(reg, p, row, first + 1);
    t->created = sso_registry_col_int(reg, p, row, first + 2);
    t->expires = sso_registry_col_int(reg, p, row, first + 3);
    t->last_used = sso_registry_col_int(reg, p, row, first + 4);
    return t;
}

static apr_status_t sso_registry_token_taken(sso_registry *reg, apr_pool_t *p,
                                             const sso_user *u,
                                             const char *name, int *taken,
                                             const char **err)
{
    const void *args[] = { &u->id, name };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv =
        sso_registry_select(reg, p, Q_TOKEN_NAMED, args, &res, err);

    *taken = 0;
    while (rv == APR_SUCCESS && sso_registry_next(reg, p, res, &row)) {
        *taken = 1;
    }
    return rv;
}

static apr_status_t sso_registry_token_add_work(sso_registry *reg,
                                                apr_pool_t *p, void *ctx,
                                                const char **err)
{
    sso_token_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { c->hash, u ? &u->id : NULL, c->name, &c->now,
                           &c->expires };
    int taken = 0;

    if (rv == APR_SUCCESS) {
        rv = sso_registry_token_taken(reg, p, u, c->name, &taken, err);
    }
    if (rv == APR_SUCCESS && taken) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "user '%s' already has a "
                                               "token named '%s'",
                                               u->username, c->name));
        return APR_EEXIST;
    }
    return rv ? rv : sso_registry_exec(reg, p, Q_TOKEN_ADD, args, err);
}

apr_status_t sso_registry_token_add(sso_registry *reg, apr_pool_t *p,
                                    const char *username, const char *name,
                                    const char *hash, apr_int64_t expires,
                                    const char **err)
{
    sso_token_ctx c = { 0 };
    apr_status_t rv;

    c.username = username;
    c.name = name;
    c.hash = hash;
    c.expires = expires;
    c.now = sso_registry_now();
    if ((rv = sso_registry_check_token_name(p, name, err))
        || (rv = sso_registry_check(p, "token hash", hash, 128, err))) {
        return rv;
    }
    return sso_registry_write(reg, p, sso_registry_token_add_work, &c, err);
}

static int sso_registry_cmp_token(const void *a, const void *b)
{
    return strcmp((*(sso_api_token *const *)a)->name,
                  (*(sso_api_token *const *)b)->name);
}

apr_status_t sso_registry_token_list(sso_registry *reg, apr_pool_t *p,
                                     const char *username,
                                     apr_array_header_t **tokens,
                                     const char **err)
{
    sso_user *u;
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv = sso_registry_need_user(reg, p, username, &u, err);
    const void *args[] = { u ? &u->id : NULL };

    *tokens = apr_array_make(p, 4, sizeof(sso_api_token *));
    if (rv == APR_SUCCESS) {
        rv = sso_registry_select(reg, p, Q_TOKEN_LIST, args, &res, err);
    }
    while (rv == APR_SUCCESS && sso_registry_next(reg, p, res, &row)) {
        APR_ARRAY_PUSH(*tokens, sso_api_token *) =
            sso_registry_token_row(reg, p, row, 0);
    }
    if (rv == APR_SUCCESS && (*tokens)->nelts > 1) {
        qsort((*tokens)->elts, (*tokens)->nelts, sizeof(sso_api_token *),
              sso_registry_cmp_token);
    }
    return rv;
}

static apr_status_t sso_registry_token_revoke_work(sso_registry *reg,
                                                   apr_pool_t *p, void *ctx,
                                                   const char **err)
{
    sso_token_ctx *c = ctx;
    sso_user *u;
    apr_status_t rv = sso_registry_need_user(reg, p, c->username, &u, err);
    const void *args[] = { u ? &u->id : NULL, c->name };
    int nrows = 0;

    if (rv == APR_SUCCESS) {
        rv = sso_registry_exec_n(reg, p, Q_TOKEN_REVOKE, args, &nrows, err);
    }
    if (rv == APR_SUCCESS && nrows == 0) {
        sso_registry_set_err(err, apr_psprintf(p,
                                               "user '%s' has no token "
                                               "named '%s'",
                                               u->username, c->name));
        return APR_NOTFOUND;
    }
    return rv;
}

apr_status_t sso_registry_token_revoke(sso_registry *reg, apr_pool_t *p,
                                       const char *username, const char *name,
                                       const char **err)
{
    sso_token_ctx c = { 0 };

    c.username = username;
    c.name = name;
    return sso_registry_write(reg, p, sso_registry_token_revoke_work, &c, err);
}

/* The user's columns come first (sso_registry_user_row), then the
 * token's. */
#define SSO_TOKEN_FIRST_COLUMN 14

apr_status_t sso_registry_token_find(sso_registry *reg, apr_pool_t *p,
                                     const char *hash, sso_api_token **tok,
                                     sso_user **user, const char **err)
{
    const void *args[] = { hash };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv =
        sso_registry_select(reg, p, Q_TOKEN_FIND, args, &res, err);

    *tok = NULL;
    *user = NULL;
    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        if (!*user) {
            *user = sso_registry_user_row(reg, p, row);
            *tok = sso_registry_token_row(reg, p, row, SSO_TOKEN_FIRST_COLUMN);
        }
    }
    if (!*user) {
        return APR_NOTFOUND;
    }
    return sso_registry_load_groups(reg, p, *user, err);
}

static apr_status_t sso_registry_token_touch_work(sso_registry *reg,
                                                  apr_pool_t *p, void *ctx,
                                                  const char **err)
{
    sso_token_ctx *c = ctx;
    const void *args[] = { &c->now, c->hash, &c->now };

    return sso_registry_exec(reg, p, Q_TOKEN_TOUCH, args, err);
}

apr_status_t sso_registry_token_touch(sso_registry *reg, apr_pool_t *p,
                                      const char *hash, apr_int64_t now,
                                      const char **err)
{
    sso_token_ctx c = { 0 };

    c.hash = hash;
    c.now = now;
    return sso_registry_write(reg, p, sso_registry_token_touch_work, &c, err);
}

/* ---- passwords ---- */

static int sso_registry_is_bcrypt(const char *hash)
{
    return hash && strlen(hash) == 60 && !strncmp(hash, "$2y$", 4);
}

apr_status_t sso_registry_password_hash(apr_pool_t *p, const char *plain,
                                        const char **hash)
{
    unsigned char salt[16];
    char out[128];
    size_t len = plain ? strlen(plain) : 0;
    apr_status_t rv;

    *hash = NULL;
    if (len == 0 || len > SSO_REGISTRY_PASSWORD_MAX) {
        return APR_EINVAL;
    }
    if (RAND_bytes(salt, sizeof(salt)) != 1) {
        return APR_EGENERAL;
    }
    rv = apr_bcrypt_encode(plain, SSO_REGISTRY_BCRYPT_COST, salt, sizeof(salt),
                           out, sizeof(out));
    if (rv == APR_SUCCESS) {
        *hash = apr_pstrdup(p, out);
    }
    OPENSSL_cleanse(salt, sizeof(salt));
    return rv;
}

void sso_registry_password_dummy_check(const char *plain)
{
    apr_password_validate(plain ? plain : "", sso_registry_dummy_hash);
}

int sso_registry_password_check(const char *hash, const char *plain)
{
    /* apr_password_validate also takes crypt(), SHA1 and MD5 forms: only
     * ever trust our own bcrypt hashes. */
    if (!plain || strlen(plain) > SSO_REGISTRY_PASSWORD_MAX
        || !sso_registry_is_bcrypt(hash)) {
        sso_registry_password_dummy_check(plain);
        return 0;
    }
    return apr_password_validate(plain, hash) == APR_SUCCESS;
}

/* ---- sign-in events ---- */

/* Text fit for the trail and a terminal: control characters (a typed
 * username may hold escapes) become '?', and it is cut at max bytes. NULL
 * stays NULL, and so does an empty string. */
const char *sso_registry_event_text(apr_pool_t *p, const char *s,
                                    apr_size_t max)
{
    apr_size_t len = s ? strlen(s) : 0, i;
    char *out;

    if (!len) {
        return NULL;
    }
    out = apr_pstrmemdup(p, s, len > max ? max : len);
    for (i = 0; out[i]; i++) {
        if (apr_iscntrl((unsigned char)out[i])) {
            out[i] = '?';
        }
    }
    return out;
}

typedef struct {
    sso_registry_event ev;
    int keep;
} sso_event_ctx;

static apr_status_t sso_registry_event_work(sso_registry *reg, apr_pool_t *p,
                                            void *ctx, const char **err)
{
    sso_event_ctx *c = ctx;
    const void *add[] = { &c->ev.at,    c->ev.username, c->ev.addr,
                          c->ev.method, c->ev.event,    c->ev.cause };
    int offset = c->keep - 1;
    const void *prune[] = { &offset };
    apr_status_t rv = sso_registry_exec(reg, p, Q_EVENT_ADD, add, err);

    return rv ? rv : sso_registry_exec(reg, p, Q_EVENT_PRUNE, prune, err);
}

apr_status_t sso_registry_event_add(sso_registry *reg, apr_pool_t *p,
                                    const sso_registry_event *ev, int keep,
                                    const char **err)
{
    sso_event_ctx c;
    apr_status_t rv;

    if ((rv = sso_registry_check(p, "event", ev->event, 64, err))
        || (rv = sso_registry_check(p, "method", ev->method, 64, err))) {
        return rv;
    }
    if (keep < 1) {
        sso_registry_set_err(err, "at least one sign-in event must be kept");
        return APR_EINVAL;
    }
    c.ev = *ev;
    c.keep = keep;
    c.ev.at = ev->at ? ev->at : sso_registry_now();
    c.ev.username =
        sso_registry_event_text(p, ev->username, SSO_REGISTRY_NAME_MAX);
    c.ev.addr = sso_registry_event_text(p, ev->addr, 64);
    c.ev.cause = sso_registry_event_text(p, ev->cause, 64);
    return sso_registry_write(reg, p, sso_registry_event_work, &c, err);
}

apr_status_t sso_registry_events(sso_registry *reg, apr_pool_t *p,
                                 const char *username, apr_int64_t since,
                                 apr_array_header_t **events, const char **err)
{
    const void *all[] = { &since };
    const void *one[] = { username, &since };
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    apr_status_t rv =
        username ? sso_registry_select(reg, p, Q_EVENTS_USER, one, &res, err)
                 : sso_registry_select(reg, p, Q_EVENTS, all, &res, err);

    *events = apr_array_make(p, 16, sizeof(sso_registry_event));
    if (rv != APR_SUCCESS) {
        return rv;
    }
    while (sso_registry_next(reg, p, res, &row)) {
        sso_registry_event *ev = apr_array_push(*events);
        ev->at = sso_registry_col_int(reg, p, row, 0);
        ev->username = sso_registry_col(reg, p, row, 1);
        ev->addr = sso_registry_col(reg, p, row, 2);
        ev->method = sso_registry_col(reg, p, row, 3);
        ev->event = sso_registry_col(reg, p, row, 4);
        ev->cause = sso_registry_col(reg, p, row, 5);
    }
    return APR_SUCCESS;
}
