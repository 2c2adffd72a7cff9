/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_registry.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "apr_dbd.h"
#include "apr_strings.h"
#include "apr_time.h"

#define ISSUER "https://id.example.com"

/* The store under test: a fresh sqlite3 file under /tmp, or, when
 * SSO_TEST_PGSQL holds a libpq conninfo, that database with our tables
 * dropped first. */
static char base_dir[64];  /* per test case, removed even on failure */
static char store_dir[96]; /* per test, inside base_dir */
static const char *store_spec;
static const char *store_file; /* sqlite3 only */

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    struct dirent *e;
    char child[4096];

    if (!d) {
        unlink(path);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
            remove_tree(child);
        }
    }
    closedir(d);
    rmdir(path);
}

/* ---- direct access, to build old stores and look behind the API ---- */

static apr_dbd_t *raw_open(const apr_dbd_driver_t **driver)
{
    const char *name, *params;
    apr_dbd_t *handle = NULL;

    ck_assert_int_eq(
        sso_registry_parse_spec(unit_pool, store_spec, &name, &params, NULL),
        APR_SUCCESS);
    ck_assert_int_eq(apr_dbd_init(unit_pool), APR_SUCCESS);
    ck_assert_int_eq(apr_dbd_get_driver(unit_pool, name, driver), APR_SUCCESS);
    ck_assert_int_eq(apr_dbd_open(*driver, unit_pool, params, &handle),
                     APR_SUCCESS);
    return handle;
}

static void raw_exec(const char *sql)
{
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle = raw_open(&driver);
    int nrows, rv = apr_dbd_query(driver, handle, &nrows, sql);

    ck_assert_msg(rv == 0, "%s: %s", sql, apr_dbd_error(driver, handle, rv));
    apr_dbd_close(driver, handle);
}

/* The first column of the first row, as a number. */
static long raw_number(const char *sql)
{
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle = raw_open(&driver);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    long n = -1;
    int rv = apr_dbd_select(driver, unit_pool, handle, &res, sql, 1);

    ck_assert_msg(rv == 0, "%s: %s", sql, apr_dbd_error(driver, handle, rv));
    while (apr_dbd_get_row(driver, unit_pool, res, &row, -1) == 0) {
        if (n < 0) {
            n = atol(apr_dbd_get_entry(driver, row, 0));
        }
    }
    apr_dbd_close(driver, handle);
    return n;
}

/* ---- fixtures ---- */

/* Unchecked: runs once around the whole test case, in the runner, so the
 * files go even when a test fails. */
static void base_setup(void)
{
    strcpy(base_dir, "/tmp/sso-registry-XXXXXX");
    if (!mkdtemp(base_dir)) {
        base_dir[0] = '\0';
    }
}

static void base_teardown(void)
{
    if (base_dir[0]) {
        remove_tree(base_dir);
    }
}

static void sqlite_setup(void)
{
    unit_pool_setup();
    ck_assert_msg(base_dir[0], "cannot create a directory under /tmp");
    snprintf(store_dir, sizeof(store_dir), "%s/t-XXXXXX", base_dir);
    ck_assert_ptr_nonnull(mkdtemp(store_dir));
    /* "state" does not exist yet: open must create it. */
    store_file = apr_pstrcat(unit_pool, store_dir, "/state/users.db", NULL);
    store_spec = apr_pstrcat(unit_pool, "sqlite3:", store_file, NULL);
}

static void sqlite_teardown(void)
{
    remove_tree(store_dir);
    unit_pool_teardown();
}

static void pgsql_setup(void)
{
    unit_pool_setup();
    store_file = NULL;
    store_spec =
        apr_pstrcat(unit_pool, "pgsql:", getenv("SSO_TEST_PGSQL"), NULL);
    raw_exec("DROP TABLE IF EXISTS api_tokens, user_groups, users, sso_meta, "
             "notes, sign_ins");
}

/* Where a test builds an old store by hand, the directory must exist. */
static void store_prepare(void)
{
    if (store_file) {
        mkdir(apr_pstrcat(unit_pool, store_dir, "/state", NULL), 0750);
    }
}

/* ---- helpers ---- */

static sso_registry *store_open(void)
{
    sso_registry *reg = NULL;
    const char *err = NULL;
    apr_status_t rv = sso_registry_open(unit_pool, store_spec, &reg, &err);

    ck_assert_msg(rv == APR_SUCCESS, "open %s: %s", store_spec,
                  err ? err : "(no message)");
    return reg;
}

/* groups("a", "b", NULL) */
static apr_array_header_t *groups(const char *first, ...)
{
    apr_array_header_t *a = apr_array_make(unit_pool, 4, sizeof(const char *));
    const char *g;
    va_list ap;

    va_start(ap, first);
    for (g = first; g; g = va_arg(ap, const char *)) {
        APR_ARRAY_PUSH(a, const char *) = g;
    }
    va_end(ap);
    return a;
}

static const char *joined(const apr_array_header_t *a)
{
    return apr_array_pstrcat(unit_pool, a, ',');
}

static apr_array_header_t *many_groups(int n)
{
    apr_array_header_t *a = apr_array_make(unit_pool, n, sizeof(const char *));
    int i;

    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(a, const char *) = apr_psprintf(unit_pool, "g%04d", i);
    }
    return a;
}

static apr_status_t login(sso_registry *reg, const char *sub,
                          const char *username, apr_array_header_t *g,
                          int replace, sso_user **u, int *created)
{
    sso_registry_login in = {
        ISSUER, sub, username, g, replace, "198.51.100.1"
    };
    const char *err = NULL;

    return sso_registry_sso_login(reg, unit_pool, &in, u, created, &err);
}

static sso_user *must_find(sso_registry *reg, const char *username)
{
    sso_user *u = NULL;
    const char *err = NULL;
    apr_status_t rv =
        sso_registry_find_user(reg, unit_pool, username, &u, &err);

    ck_assert_msg(rv == APR_SUCCESS, "find %s: %s", username, err ? err : "");
    return u;
}

static void add_local(sso_registry *reg, const char *username,
                      apr_array_header_t *g)
{
    const char *err = NULL;
    apr_status_t rv = sso_registry_add_local(reg, unit_pool, username,
                                             "$2y$12$hash", g, &err);

    ck_assert_msg(rv == APR_SUCCESS, "add %s: %s", username, err ? err : "");
}

/* ---- schema ---- */

START_TEST(schema_create_and_reopen)
{
    sso_registry *reg = store_open();
    struct stat st;

    ck_assert_int_eq(raw_number("SELECT schema_version FROM sso_meta"),
                     SSO_REGISTRY_SCHEMA_VERSION);
    if (store_file) {
        ck_assert_int_eq(
            stat(apr_pstrcat(unit_pool, store_dir, "/state", NULL), &st), 0);
        ck_assert_int_eq(st.st_mode & 0777, 0750);
        ck_assert_int_eq(stat(store_file, &st), 0);
        ck_assert_int_eq(st.st_mode & 0777, 0640);
        ck_assert_str_eq(sso_registry_driver(reg), "sqlite3");
    }
    add_local(reg, "alice", groups("admins", NULL));
    sso_registry_close(reg);

    reg = store_open();
    ck_assert_str_eq(joined(must_find(reg, "alice")->groups), "admins");
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM sso_meta"), 1);
    sso_registry_close(reg);
}
END_TEST

/* A version-0 store: sso_meta says 0 and an older table of someone's is
 * there. Opening creates our tables, bumps the version, keeps the rest. */
START_TEST(upgrade_from_version_0)
{
    sso_registry *reg;

    store_prepare();
    raw_exec("CREATE TABLE sso_meta (schema_version INTEGER NOT NULL)");
    raw_exec("INSERT INTO sso_meta (schema_version) VALUES (0)");
    raw_exec("CREATE TABLE notes (body TEXT)");
    raw_exec("INSERT INTO notes (body) VALUES ('kept')");
    reg = store_open();
    ck_assert_int_eq(raw_number("SELECT schema_version FROM sso_meta"),
                     SSO_REGISTRY_SCHEMA_VERSION);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM sso_meta"), 1);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM notes"), 1);
    add_local(reg, "alice", NULL);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM users"), 1);
    sso_registry_close(reg);
}
END_TEST

/* Before versioning: no sso_meta at all. */
START_TEST(upgrade_without_meta)
{
    sso_registry *reg;

    store_prepare();
    raw_exec("CREATE TABLE notes (body TEXT)");
    reg = store_open();
    ck_assert_int_eq(raw_number("SELECT schema_version FROM sso_meta"),
                     SSO_REGISTRY_SCHEMA_VERSION);
    add_local(reg, "alice", NULL);
    sso_registry_close(reg);
}
END_TEST

/* A version-1 store (before last_login_addr and last_login_method): its
 * users and their last logins are kept, and the new columns start empty. */
START_TEST(upgrade_from_version_1)
{
    sso_registry *reg;
    sso_user *u;
    const char *err = NULL;

    store_prepare();
    raw_exec("CREATE TABLE sso_meta (schema_version INTEGER NOT NULL)");
    raw_exec("INSERT INTO sso_meta (schema_version) VALUES (1)");
    raw_exec(
        store_file
            ? "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, "
              "username TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, issuer TEXT, "
              "sub TEXT, disabled INTEGER NOT NULL DEFAULT 0, password_hash "
              "TEXT, "
              "created BIGINT NOT NULL, last_login BIGINT, UNIQUE (issuer, "
              "sub))"
            : "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, "
              "username TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, issuer TEXT, "
              "sub TEXT, disabled INTEGER NOT NULL DEFAULT 0, password_hash "
              "TEXT, "
              "created BIGINT NOT NULL, last_login BIGINT, UNIQUE (issuer, "
              "sub))");
    raw_exec(store_file ? "CREATE TABLE user_groups (user_id INTEGER NOT NULL "
                          "REFERENCES users "
                          "(id) ON DELETE CASCADE, group_name TEXT NOT NULL, "
                          "PRIMARY KEY (user_id, group_name))"
                        : "CREATE TABLE user_groups (user_id BIGINT NOT NULL "
                          "REFERENCES users "
                          "(id) ON DELETE CASCADE, group_name TEXT NOT NULL, "
                          "PRIMARY KEY (user_id, group_name))");
    raw_exec("INSERT INTO users (username, kind, password_hash, created, "
             "last_login) VALUES ('old', 'local', '$2y$12$x', 1, 5)");
    reg = store_open();
    ck_assert_int_eq(raw_number("SELECT schema_version FROM sso_meta"),
                     SSO_REGISTRY_SCHEMA_VERSION);
    u = must_find(reg, "old");
    ck_assert_int_eq(u->last_login, 5);
    ck_assert_ptr_null(u->last_login_addr);
    ck_assert_ptr_null(u->last_login_method);
    ck_assert_int_eq(
        sso_registry_local_login(reg, unit_pool, "old", "192.0.2.7", &err),
        APR_SUCCESS);
    ck_assert_str_eq(must_find(reg, "old")->last_login_addr, "192.0.2.7");
    sso_registry_close(reg);
}
END_TEST

/* A version-2 store (before TOTP): users kept, no TOTP, last step 0. */
START_TEST(upgrade_from_version_2)
{
    sso_registry *reg;
    sso_user *u;
    const char *err = NULL;

    store_prepare();
    raw_exec("CREATE TABLE sso_meta (schema_version INTEGER NOT NULL)");
    raw_exec("INSERT INTO sso_meta (schema_version) VALUES (2)");
    raw_exec(
        store_file
            ? "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, "
              "username TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, issuer TEXT, "
              "sub TEXT, disabled INTEGER NOT NULL DEFAULT 0, password_hash "
              "TEXT, "
              "created BIGINT NOT NULL, last_login BIGINT, last_login_addr "
              "TEXT, "
              "last_login_method TEXT, UNIQUE (issuer, sub))"
            : "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, "
              "username TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, issuer TEXT, "
              "sub TEXT, disabled INTEGER NOT NULL DEFAULT 0, password_hash "
              "TEXT, "
              "created BIGINT NOT NULL, last_login BIGINT, last_login_addr "
              "TEXT, "
              "last_login_method TEXT, UNIQUE (issuer, sub))");
    raw_exec(store_file ? "CREATE TABLE user_groups (user_id INTEGER NOT NULL "
                          "REFERENCES users "
                          "(id) ON DELETE CASCADE, group_name TEXT NOT NULL, "
                          "PRIMARY KEY (user_id, group_name))"
                        : "CREATE TABLE user_groups (user_id BIGINT NOT NULL "
                          "REFERENCES users "
                          "(id) ON DELETE CASCADE, group_name TEXT NOT NULL, "
                          "PRIMARY KEY (user_id, group_name))");
    raw_exec("INSERT INTO users (username, kind, password_hash, created, "
             "last_login, last_login_addr, last_login_method) VALUES "
             "('old', 'local', '$2y$12$x', 1, 5, '192.0.2.1', 'local')");
    reg = store_open();
    ck_assert_int_eq(raw_number("SELECT schema_version FROM sso_meta"),
                     SSO_REGISTRY_SCHEMA_VERSION);
    u = must_find(reg, "old");
    ck_assert_str_eq(u->last_login_addr, "192.0.2.1");
    ck_assert_ptr_null(u->totp_secret);
    ck_assert_int_eq(u->totp_last_step, 0);
    ck_assert_int_eq(u->sessions_after, 0);
    ck_assert_int_eq(
        sso_registry_set_totp(reg, unit_pool, "old", "1:abc", 7, &err),
        APR_SUCCESS);
    ck_assert_str_eq(must_find(reg, "old")->totp_secret, "1:abc");
    /* Version 4 on top: API tokens of the users kept. */
    ck_assert_int_eq(
        sso_registry_token_add(reg, unit_pool, "old", "ci", "abcd", 0, &err),
        APR_SUCCESS);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM api_tokens"), 1);
    sso_registry_close(reg);
}
END_TEST

/* The TOTP columns: set, each step used once and only forward, removed;
 * SSO users have none. */
START_TEST(totp_secret_and_steps)
{
    sso_registry *reg = store_open();
    sso_user *u;
    const char *err = NULL;
    int created;

    add_local(reg, "admin", NULL);
    u = must_find(reg, "admin");
    ck_assert_ptr_null(u->totp_secret);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "admin", 5, &err),
                     APR_NOTFOUND);
    ck_assert_int_eq(
        sso_registry_set_totp(reg, unit_pool, "admin", "1:sealed", 100, &err),
        APR_SUCCESS);
    u = must_find(reg, "admin");
    ck_assert_str_eq(u->totp_secret, "1:sealed");
    ck_assert_int_eq(u->totp_last_step, 100);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "admin", 100, &err),
                     APR_EEXIST);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "admin", 99, &err),
                     APR_EEXIST);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "admin", 101, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, "admin")->totp_last_step, 101);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "admin", 101, &err),
                     APR_EEXIST);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "nobody", 200, &err),
                     APR_NOTFOUND);
    /* Removed: no secret, and no step to use. */
    ck_assert_int_eq(
        sso_registry_set_totp(reg, unit_pool, "admin", NULL, 0, &err),
        APR_SUCCESS);
    u = must_find(reg, "admin");
    ck_assert_ptr_null(u->totp_secret);
    ck_assert_int_eq(u->totp_last_step, 0);
    ck_assert_int_eq(sso_registry_totp_use(reg, unit_pool, "admin", 300, &err),
                     APR_NOTFOUND);
    ck_assert_int_eq(login(reg, "s1", "sam", NULL, 0, &u, &created),
                     APR_SUCCESS);
    ck_assert_int_eq(
        sso_registry_set_totp(reg, unit_pool, "sam", "1:x", 0, &err),
        APR_EINVAL);
    ck_assert_int_eq(
        sso_registry_set_totp(reg, unit_pool, "ghost", "1:x", 0, &err),
        APR_NOTFOUND);
    /* Sessions made before a change end: the time is kept. */
    ck_assert_int_eq(must_find(reg, "admin")->sessions_after, 0);
    ck_assert_int_eq(
        sso_registry_end_sessions(reg, unit_pool, "admin", 1767225600, &err),
        APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, "admin")->sessions_after, 1767225600);
    ck_assert_int_eq(
        sso_registry_end_sessions(reg, unit_pool, "ghost", 1, &err),
        APR_NOTFOUND);
    sso_registry_close(reg);
}
END_TEST

START_TEST(newer_schema_refused)
{
    sso_registry *reg;
    const char *err = NULL;

    store_prepare();
    raw_exec("CREATE TABLE sso_meta (schema_version INTEGER NOT NULL)");
    raw_exec("INSERT INTO sso_meta (schema_version) VALUES (99)");
    ck_assert_int_ne(sso_registry_open(unit_pool, store_spec, &reg, &err),
                     APR_SUCCESS);
    ck_assert_ptr_null(reg);
    ck_assert_ptr_nonnull(strstr(err, "schema version 99 is newer"));
}
END_TEST

START_TEST(bad_specs)
{
    sso_registry *reg;
    const char *err = NULL;

    ck_assert_int_eq(sso_registry_open(unit_pool, "users.db", &reg, &err),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "DRIVER:PARAMS"));
    ck_assert_int_eq(sso_registry_open(unit_pool, "sqlite3:", &reg, &err),
                     APR_EINVAL);
    ck_assert_int_eq(sso_registry_open(unit_pool, "mysql:host=db", &reg, &err),
                     APR_ENOTIMPL);
    ck_assert_ptr_nonnull(strstr(err, "'mysql' is not supported"));
    ck_assert_int_ne(sso_registry_open(unit_pool,
                                       "sqlite3:/proc/no/such/dir/users.db",
                                       &reg, &err),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "sqlite3:/proc/no/such/dir/users.db"));
    /* Whether or not the pgsql driver is installed: a clear error that
     * names the store and never shows its password. */
    ck_assert_int_ne(sso_registry_open(unit_pool,
                                       "pgsql:host=/nonexistent "
                                       "dbname=x password=hunter2",
                                       &reg, &err),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "pgsql:host=/nonexistent"));
    ck_assert_ptr_null(strstr(err, "hunter2"));
    ck_assert_ptr_null(reg);
}
END_TEST

START_TEST(display_spec_masks_passwords)
{
    ck_assert_str_eq(sso_registry_display_spec(
                         unit_pool, "pgsql:host=db password=s3cr3t dbname=sso"),
                     "pgsql:host=db password=*** dbname=sso");
    ck_assert_str_eq(sso_registry_display_spec(
                         unit_pool, "pgsql:postgresql://sso:s3cr3t@db/sso"),
                     "pgsql:postgresql://sso:***@db/sso");
    ck_assert_str_eq(sso_registry_display_spec(
                         unit_pool, "sqlite3:/var/lib/apache2/sso/users.db"),
                     "sqlite3:/var/lib/apache2/sso/users.db");
}
END_TEST

/* ---- records ---- */

START_TEST(find_insert_update)
{
    sso_registry *reg = store_open();
    apr_array_header_t *users;
    const char *err = NULL;
    sso_user *u;
    int taken;

    add_local(reg, "alice", groups("b", "a", "a", NULL));
    u = must_find(reg, "alice");
    ck_assert_str_eq(u->kind, "local");
    ck_assert_str_eq(u->password_hash, "$2y$12$hash");
    ck_assert_str_eq(joined(u->groups), "a,b");
    ck_assert_ptr_null(u->issuer);
    ck_assert_ptr_null(u->sub);
    ck_assert_int_eq(u->disabled, 0);
    ck_assert_int_eq(u->last_login, 0);
    ck_assert_int_ge(u->created, apr_time_sec(apr_time_now()) - 60);
    ck_assert_int_eq(
        sso_registry_add_local(reg, unit_pool, "alice", "x", NULL, &err),
        APR_EEXIST);

    ck_assert_int_eq(
        sso_registry_username_taken(reg, unit_pool, "alice", &taken, &err),
        APR_SUCCESS);
    ck_assert_int_eq(taken, 1);
    sso_registry_username_taken(reg, unit_pool, "bob", &taken, &err);
    ck_assert_int_eq(taken, 0);

    ck_assert_int_eq(
        sso_registry_find_sso(reg, unit_pool, ISSUER, "s1", &u, &err),
        APR_NOTFOUND);
    ck_assert_int_eq(sso_registry_link(reg, unit_pool, "bob", ISSUER, "s1",
                                       groups("ops", NULL), &err),
                     APR_SUCCESS);
    ck_assert_int_eq(
        sso_registry_find_sso(reg, unit_pool, ISSUER, "s1", &u, &err),
        APR_SUCCESS);
    ck_assert_str_eq(u->username, "bob");
    ck_assert_str_eq(u->kind, "sso");
    ck_assert_str_eq(u->issuer, ISSUER);
    ck_assert_ptr_null(u->password_hash);
    ck_assert_str_eq(joined(u->groups), "ops");
    /* Same issuer, other sub: another user. */
    ck_assert_int_eq(
        sso_registry_find_sso(reg, unit_pool, ISSUER, "s2", &u, &err),
        APR_NOTFOUND);
    ck_assert_int_eq(
        sso_registry_link(reg, unit_pool, "carol", ISSUER, "s1", NULL, &err),
        APR_EEXIST);
    ck_assert_ptr_nonnull(strstr(err, "'bob'"));
    ck_assert_int_eq(
        sso_registry_link(reg, unit_pool, "alice", ISSUER, "s2", NULL, &err),
        APR_EEXIST);

    ck_assert_int_eq(
        sso_registry_set_password(reg, unit_pool, "alice", "h2", &err),
        APR_SUCCESS);
    ck_assert_str_eq(must_find(reg, "alice")->password_hash, "h2");
    ck_assert_int_eq(
        sso_registry_set_password(reg, unit_pool, "bob", "h2", &err),
        APR_EINVAL);
    ck_assert_int_eq(
        sso_registry_set_password(reg, unit_pool, "nobody", "h2", &err),
        APR_NOTFOUND);

    ck_assert_int_eq(sso_registry_add_group(reg, unit_pool, "alice", "c", &err),
                     APR_SUCCESS);
    ck_assert_int_eq(sso_registry_add_group(reg, unit_pool, "alice", "c", &err),
                     APR_SUCCESS);
    ck_assert_str_eq(joined(must_find(reg, "alice")->groups), "a,b,c");
    ck_assert_int_eq(
        sso_registry_remove_group(reg, unit_pool, "alice", "a", &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        sso_registry_remove_group(reg, unit_pool, "alice", "zzz", &err),
        APR_SUCCESS);
    ck_assert_str_eq(joined(must_find(reg, "alice")->groups), "b,c");
    ck_assert_int_eq(sso_registry_set_groups(reg, unit_pool, "alice",
                                             groups("DNS Administrators", NULL),
                                             &err),
                     APR_SUCCESS);
    ck_assert_str_eq(joined(must_find(reg, "alice")->groups),
                     "DNS Administrators");
    ck_assert_int_eq(
        sso_registry_set_groups(reg, unit_pool, "alice", NULL, &err),
        APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, "alice")->groups->nelts, 0);
    ck_assert_int_eq(
        sso_registry_add_group(reg, unit_pool, "nobody", "c", &err),
        APR_NOTFOUND);
    ck_assert_int_eq(
        sso_registry_set_groups(reg, unit_pool, "nobody", NULL, &err),
        APR_NOTFOUND);

    add_local(reg, "aaron", NULL);
    ck_assert_int_eq(sso_registry_list(reg, unit_pool, &users, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(users->nelts, 3);
    ck_assert_str_eq(APR_ARRAY_IDX(users, 0, sso_user *)->username, "aaron");
    ck_assert_str_eq(APR_ARRAY_IDX(users, 1, sso_user *)->username, "alice");
    ck_assert_str_eq(APR_ARRAY_IDX(users, 2, sso_user *)->username, "bob");
    ck_assert_str_eq(joined(APR_ARRAY_IDX(users, 2, sso_user *)->groups),
                     "ops");
    sso_registry_close(reg);
}
END_TEST

/* ---- local logins ---- */

/* A local login records when, from where and how, as an SSO login does. */
START_TEST(local_login_recorded)
{
    sso_registry *reg = store_open();
    apr_int64_t now = apr_time_sec(apr_time_now());
    const char *err = NULL;
    sso_user *u;
    int created;

    add_local(reg, "alice", NULL);
    u = must_find(reg, "alice");
    ck_assert_int_eq(u->last_login, 0);
    ck_assert_ptr_null(u->last_login_addr);
    ck_assert_int_eq(
        sso_registry_local_login(reg, unit_pool, "alice", "2001:db8::7", &err),
        APR_SUCCESS);
    u = must_find(reg, "alice");
    ck_assert_int_ge(u->last_login, now - 5);
    ck_assert_str_eq(u->last_login_addr, "2001:db8::7");
    ck_assert_str_eq(u->last_login_method, "local");
    ck_assert_int_eq(
        sso_registry_local_login(reg, unit_pool, "nobody", "192.0.2.1", &err),
        APR_NOTFOUND);
    ck_assert_int_eq(login(reg, "s1", "sam", NULL, 1, &u, &created),
                     APR_SUCCESS);
    ck_assert_str_eq(must_find(reg, "sam")->last_login_method, "sso");
    ck_assert_str_eq(must_find(reg, "sam")->last_login_addr, "198.51.100.1");
    ck_assert_int_eq(
        sso_registry_local_login(reg, unit_pool, "sam", "192.0.2.1", &err),
        APR_EINVAL);
    ck_assert_str_eq(must_find(reg, "sam")->last_login_addr, "198.51.100.1");
    sso_registry_close(reg);
}
END_TEST

/* ---- sign-in events ---- */

static void add_event(sso_registry *reg, apr_int64_t at, const char *user,
                      const char *event, const char *cause, int keep)
{
    sso_registry_event ev = { at, user, "192.0.2.9", "local", event, cause };
    const char *err = NULL;
    apr_status_t rv = sso_registry_event_add(reg, unit_pool, &ev, keep, &err);

    ck_assert_msg(rv == APR_SUCCESS, "event: %s", err ? err : "");
}

static apr_array_header_t *events(sso_registry *reg, const char *user,
                                  apr_int64_t since)
{
    apr_array_header_t *out = NULL;
    const char *err = NULL;
    apr_status_t rv =
        sso_registry_events(reg, unit_pool, user, since, &out, &err);

    ck_assert_msg(rv == APR_SUCCESS, "events: %s", err ? err : "");
    return out;
}

#define EVENT(a, i) (&APR_ARRAY_IDX(a, i, sso_registry_event))

/* Oldest first, by user and by time; every field comes back. */
START_TEST(events_recorded_and_listed)
{
    sso_registry *reg = store_open();
    apr_int64_t now = apr_time_sec(apr_time_now());
    apr_array_header_t *a;

    ck_assert_int_eq(events(reg, NULL, 0)->nelts, 0);
    add_event(reg, 100, "alice", "local-login", "password", 10);
    add_event(reg, 200, "bob", "local-login-failed", "password-wrong", 10);
    add_event(reg, 0, "alice", "login-refused", NULL, 10);
    a = events(reg, NULL, 0);
    ck_assert_int_eq(a->nelts, 3);
    ck_assert_int_eq(EVENT(a, 0)->at, 100);
    ck_assert_str_eq(EVENT(a, 0)->username, "alice");
    ck_assert_str_eq(EVENT(a, 0)->addr, "192.0.2.9");
    ck_assert_str_eq(EVENT(a, 0)->method, "local");
    ck_assert_str_eq(EVENT(a, 0)->event, "local-login");
    ck_assert_str_eq(EVENT(a, 0)->cause, "password");
    ck_assert_str_eq(EVENT(a, 1)->cause, "password-wrong");
    ck_assert_int_ge(EVENT(a, 2)->at, now - 5);
    ck_assert_ptr_null(EVENT(a, 2)->cause);

    a = events(reg, "alice", 0);
    ck_assert_int_eq(a->nelts, 2);
    ck_assert_str_eq(EVENT(a, 1)->event, "login-refused");
    a = events(reg, NULL, 150);
    ck_assert_int_eq(a->nelts, 2);
    ck_assert_str_eq(EVENT(a, 0)->username, "bob");
    ck_assert_int_eq(events(reg, "carol", 0)->nelts, 0);
    sso_registry_close(reg);
}
END_TEST

/* Bounded: each insert keeps the newest keep events; the trail outlives
 * a deleted user. */
START_TEST(events_pruned)
{
    sso_registry *reg = store_open();
    const char *err = NULL;
    sso_registry_event ev = { 0, "x", NULL, "sso", "login", "sso" };
    apr_array_header_t *a;
    int i;

    add_local(reg, "alice", NULL);
    for (i = 1; i <= 7; i++) {
        add_event(reg, i, i % 2 ? "alice" : "bob", "local-login", "password",
                  3);
    }
    a = events(reg, NULL, 0);
    ck_assert_int_eq(a->nelts, 3);
    ck_assert_int_eq(EVENT(a, 0)->at, 5);
    ck_assert_int_eq(EVENT(a, 2)->at, 7);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM sign_ins"), 3);
    ck_assert_int_eq(sso_registry_delete(reg, unit_pool, "alice", &err),
                     APR_SUCCESS);
    ck_assert_int_eq(events(reg, "alice", 0)->nelts, 2);
    ck_assert_int_eq(sso_registry_event_add(reg, unit_pool, &ev, 0, &err),
                     APR_EINVAL);
    ev.event = NULL;
    ck_assert_int_eq(sso_registry_event_add(reg, unit_pool, &ev, 3, &err),
                     APR_EINVAL);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM sign_ins"), 3);
    sso_registry_close(reg);
}
END_TEST

/* A typed username may hold anything: no control character reaches the
 * store (and sso-users' terminal), and no megabytes either. */
START_TEST(events_text_sanitised)
{
    sso_registry *reg = store_open();
    apr_array_header_t *a;
    char big[600];

    ck_assert_str_eq(sso_registry_event_text(unit_pool, "a\x1b[2Jb\n", 64),
                     "a?[2Jb?");
    ck_assert_str_eq(sso_registry_event_text(unit_pool, "abcdef", 3), "abc");
    ck_assert_ptr_null(sso_registry_event_text(unit_pool, "", 3));
    ck_assert_ptr_null(sso_registry_event_text(unit_pool, NULL, 3));
    memset(big, 'u', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    add_event(reg, 1, big, "local-login-failed", "unknown-user", 10);
    add_event(reg, 2, "evil\x07", "local-login-failed", "unknown-user", 10);
    a = events(reg, NULL, 0);
    ck_assert_int_eq(strlen(EVENT(a, 0)->username), SSO_REGISTRY_NAME_MAX);
    ck_assert_str_eq(EVENT(a, 1)->username, "evil?");
    sso_registry_close(reg);
}
END_TEST

/* A version-3 store gains the trail at open, its users kept. */
START_TEST(upgrade_from_version_3)
{
    sso_registry *reg = store_open();

    add_local(reg, "kept", NULL);
    sso_registry_close(reg);
    raw_exec("DROP TABLE api_tokens");
    raw_exec("DROP TABLE sign_ins");
    raw_exec("UPDATE sso_meta SET schema_version = 3");
    reg = store_open();
    ck_assert_int_eq(raw_number("SELECT schema_version FROM sso_meta"),
                     SSO_REGISTRY_SCHEMA_VERSION);
    must_find(reg, "kept");
    add_event(reg, 1, "kept", "local-login", "password", 10);
    ck_assert_int_eq(events(reg, "kept", 0)->nelts, 1);
    sso_registry_close(reg);
}
END_TEST

/* ---- SSO logins ---- */

START_TEST(sso_login_new_user)
{
    sso_registry *reg = store_open();
    apr_int64_t now = apr_time_sec(apr_time_now());
    sso_user *u;
    int created;

    ck_assert_int_eq(
        login(reg, "n1", "newbie", groups("g2", "g1", NULL), 1, &u, &created),
        APR_SUCCESS);
    ck_assert_int_eq(created, 1);
    ck_assert_str_eq(u->username, "newbie");
    ck_assert_str_eq(u->kind, "sso");
    ck_assert_str_eq(u->sub, "n1");
    ck_assert_str_eq(joined(u->groups), "g1,g2");
    ck_assert_int_ge(u->last_login, now - 5);
    ck_assert_int_ge(u->created, now - 5);
    ck_assert_str_eq(joined(must_find(reg, "newbie")->groups), "g1,g2");
    /* Unknown identity and no username to create it with. */
    ck_assert_int_eq(login(reg, "n2", NULL, NULL, 1, &u, &created),
                     APR_NOTFOUND);
    ck_assert_ptr_null(u);
    sso_registry_close(reg);
}
END_TEST

START_TEST(sso_login_existing_replaces_groups)
{
    sso_registry *reg = store_open();
    sso_user *u;
    const char *err;
    int created;

    ck_assert_int_eq(
        login(reg, "e1", "erin", groups("old", NULL), 1, &u, &created),
        APR_SUCCESS);
    raw_exec("UPDATE users SET last_login = 1");
    ck_assert_int_eq(login(reg, "e1", "ignored", groups("new2", "new1", NULL),
                           1, &u, &created),
                     APR_SUCCESS);
    ck_assert_int_eq(created, 0);
    ck_assert_str_eq(u->username, "erin");
    ck_assert_str_eq(joined(u->groups), "new1,new2");
    u = must_find(reg, "erin");
    ck_assert_str_eq(joined(u->groups), "new1,new2");
    ck_assert_int_gt(u->last_login, 1);
    ck_assert_int_eq(
        sso_registry_find_user(reg, unit_pool, "ignored", &u, &err),
        APR_NOTFOUND);
    /* An empty mapping replaces with nothing. */
    ck_assert_int_eq(login(reg, "e1", NULL, NULL, 1, &u, &created),
                     APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, "erin")->groups->nelts, 0);
    sso_registry_close(reg);
}
END_TEST

START_TEST(sso_login_existing_keeps_groups)
{
    sso_registry *reg = store_open();
    const char *err;
    sso_user *u;
    int created;

    ck_assert_int_eq(sso_registry_link(reg, unit_pool, "frank", ISSUER, "f1",
                                       groups("local1", NULL), &err),
                     APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, "frank")->last_login, 0);
    ck_assert_int_eq(
        login(reg, "f1", NULL, groups("mapped", NULL), 0, &u, &created),
        APR_SUCCESS);
    ck_assert_int_eq(created, 0);
    ck_assert_str_eq(joined(u->groups), "local1");
    u = must_find(reg, "frank");
    ck_assert_str_eq(joined(u->groups), "local1");
    ck_assert_int_gt(u->last_login, 0);
    sso_registry_close(reg);
}
END_TEST

START_TEST(sso_login_username_taken)
{
    sso_registry *reg = store_open();
    const char *err;
    sso_user *u;
    int created;

    add_local(reg, "alice", NULL);
    ck_assert_int_eq(login(reg, "a2", "alice", NULL, 1, &u, &created),
                     APR_EEXIST);
    ck_assert_ptr_null(u);
    ck_assert_int_eq(
        sso_registry_find_sso(reg, unit_pool, ISSUER, "a2", &u, &err),
        APR_NOTFOUND);
    ck_assert_str_eq(must_find(reg, "alice")->kind, "local");
    ck_assert_int_eq(login(reg, "a2", "alice2", NULL, 1, &u, &created),
                     APR_SUCCESS);
    ck_assert_int_eq(created, 1);
    sso_registry_close(reg);
}
END_TEST

START_TEST(sso_login_disabled)
{
    sso_registry *reg = store_open();
    const char *err;
    sso_user *u;
    int created;

    ck_assert_int_eq(
        login(reg, "g1", "gina", groups("a", NULL), 1, &u, &created),
        APR_SUCCESS);
    ck_assert_int_eq(sso_registry_set_disabled(reg, unit_pool, "gina", 1, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, "gina")->disabled, 1);
    raw_exec("UPDATE users SET last_login = 1");
    ck_assert_int_eq(login(reg, "g1", NULL, groups("b", NULL), 1, &u, &created),
                     APR_EACCES);
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(u->disabled, 1);
    u = must_find(reg, "gina");
    ck_assert_int_eq(u->last_login, 1);
    ck_assert_str_eq(joined(u->groups), "a");
    ck_assert_int_eq(sso_registry_set_disabled(reg, unit_pool, "gina", 0, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(login(reg, "g1", NULL, groups("b", NULL), 1, &u, &created),
                     APR_SUCCESS);
    ck_assert_str_eq(joined(u->groups), "b");
    ck_assert_int_eq(
        sso_registry_set_disabled(reg, unit_pool, "nobody", 1, &err),
        APR_NOTFOUND);
    sso_registry_close(reg);
}
END_TEST

START_TEST(delete_cascades_groups)
{
    sso_registry *reg = store_open();
    const char *err;
    apr_int64_t old_id;
    sso_user *u;
    int created;

    add_local(reg, "henry", groups("a", "b", "c", NULL));
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM user_groups"), 3);
    ck_assert_int_eq(sso_registry_delete(reg, unit_pool, "henry", &err),
                     APR_SUCCESS);
    ck_assert_int_eq(sso_registry_find_user(reg, unit_pool, "henry", &u, &err),
                     APR_NOTFOUND);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM user_groups"), 0);
    ck_assert_int_eq(sso_registry_delete(reg, unit_pool, "henry", &err),
                     APR_NOTFOUND);

    /* A deleted SSO user signs up afresh, with a new id. */
    ck_assert_int_eq(
        login(reg, "i1", "ida", groups("x", NULL), 1, &u, &created),
        APR_SUCCESS);
    old_id = u->id;
    ck_assert_int_eq(sso_registry_delete(reg, unit_pool, "ida", &err),
                     APR_SUCCESS);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM user_groups"), 0);
    ck_assert_int_eq(login(reg, "i1", "ida", NULL, 1, &u, &created),
                     APR_SUCCESS);
    ck_assert_int_eq(created, 1);
    ck_assert_int_ne(u->id, old_id);
    sso_registry_close(reg);
}
END_TEST

START_TEST(limits)
{
    sso_registry *reg = store_open();
    char name[SSO_REGISTRY_NAME_MAX + 2];
    const char *err = NULL;
    sso_user *u;
    int created;

    memset(name, 'a', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    ck_assert_int_eq(
        sso_registry_add_local(reg, unit_pool, name, "h", NULL, &err),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "longer than 255"));
    ck_assert_int_eq(sso_registry_add_group(reg, unit_pool, "x", name, &err),
                     APR_EINVAL);
    ck_assert_int_eq(login(reg, "l1", name, NULL, 1, &u, &created), APR_EINVAL);
    name[SSO_REGISTRY_NAME_MAX] = '\0';
    add_local(reg, name, groups(name, NULL));
    ck_assert_str_eq(joined(must_find(reg, name)->groups), name);

    ck_assert_int_eq(
        sso_registry_add_local(reg, unit_pool, "", "h", NULL, &err),
        APR_EINVAL);
    ck_assert_int_eq(sso_registry_add_local(reg, unit_pool, "x", "h",
                                            groups("bad\nname", NULL), &err),
                     APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "control character"));
    ck_assert_int_eq(sso_registry_add_local(reg, unit_pool, "x", "h",
                                            groups("", NULL), &err),
                     APR_EINVAL);
    ck_assert_int_eq(login(reg, "", "x", NULL, 1, &u, &created), APR_EINVAL);

    ck_assert_int_eq(
        sso_registry_set_groups(reg, unit_pool, name,
                                many_groups(SSO_REGISTRY_GROUPS_MAX + 1), &err),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(err, "1001 groups"));
    ck_assert_int_eq(login(reg, "l2", "lara",
                           many_groups(SSO_REGISTRY_GROUPS_MAX + 1), 1, &u,
                           &created),
                     APR_EINVAL);
    ck_assert_int_eq(
        sso_registry_set_groups(reg, unit_pool, name,
                                many_groups(SSO_REGISTRY_GROUPS_MAX), &err),
        APR_SUCCESS);
    ck_assert_int_eq(must_find(reg, name)->groups->nelts,
                     SSO_REGISTRY_GROUPS_MAX);
    ck_assert_int_eq(
        sso_registry_add_group(reg, unit_pool, name, "one-more", &err),
        APR_EINVAL);
    /* Already there: nothing to add, so no limit to hit. */
    ck_assert_int_eq(
        sso_registry_add_group(reg, unit_pool, name, "g0000", &err),
        APR_SUCCESS);
    sso_registry_close(reg);
}
END_TEST

/* ---- passwords ---- */

static apr_interval_time_t time_check(const char *hash, const char *plain,
                                      int *ok)
{
    apr_time_t t0 = apr_time_now();

    *ok = sso_registry_password_check(hash, plain);
    return apr_time_now() - t0;
}

START_TEST(passwords)
{
    char longpw[SSO_REGISTRY_PASSWORD_MAX + 2];
    const char *h1, *h2;
    apr_interval_time_t real, dummy;
    apr_time_t t0;
    int ok;

    ck_assert_int_eq(
        sso_registry_password_hash(unit_pool, "correct horse", &h1),
        APR_SUCCESS);
    ck_assert_int_eq(strncmp(h1, "$2y$12$", 7), 0);
    ck_assert_int_eq(strlen(h1), 60);
    real = time_check(h1, "correct horse", &ok);
    ck_assert_int_eq(ok, 1);
    time_check(h1, "correct horsE", &ok);
    ck_assert_int_eq(ok, 0);
    ck_assert_int_eq(
        sso_registry_password_hash(unit_pool, "correct horse", &h2),
        APR_SUCCESS);
    ck_assert_str_ne(h1, h2);

    ck_assert_int_eq(sso_registry_password_hash(unit_pool, "", &h2),
                     APR_EINVAL);
    memset(longpw, 'p', sizeof(longpw) - 1);
    longpw[sizeof(longpw) - 1] = '\0';
    ck_assert_int_eq(sso_registry_password_hash(unit_pool, longpw, &h2),
                     APR_EINVAL);
    ck_assert_int_eq(sso_registry_password_check(h1, longpw), 0);

    /* Only our bcrypt hashes count: not crypt(), not plain text. */
    ck_assert_int_eq(sso_registry_password_check(NULL, "x"), 0);
    ck_assert_int_eq(sso_registry_password_check("plain", "plain"), 0);
    ck_assert_int_eq(
        sso_registry_password_check("$apr1$salt$abcdefghijklmnopqrstuv", "x"),
        0);

    /* The dummy check does the same work: at least a good part of a real
     * check's time (loose, to stay stable on a busy machine). */
    t0 = apr_time_now();
    sso_registry_password_dummy_check("guess");
    dummy = apr_time_now() - t0;
    ck_assert_msg(dummy * 4 >= real, "dummy %ld us, real %ld us", (long)dummy,
                  (long)real);
    ck_assert_msg(time_check(NULL, "guess", &ok) * 4 >= real,
                  "a check without a hash must cost as much as a real one");
}
END_TEST

/* ---- many processes at once ---- */

#define WORKERS     8
#define LOGINS_EACH 25

/* What one worker process does with its own connection; the result is its
 * exit status (0..255). */
typedef int (*worker_fn)(apr_pool_t *p, sso_registry *reg, int n, int count);

static void worker(worker_fn fn, int n, int count, int start_fd)
{
    apr_pool_t *p;
    sso_registry *reg;
    const char *err = NULL;
    char c;
    int rc;

    (void)!read(start_fd, &c, 1);
    apr_pool_create(&p, NULL);
    if (sso_registry_open(p, store_spec, &reg, &err) != APR_SUCCESS) {
        fprintf(stderr, "worker %d: %s\n", n, err);
        _exit(255);
    }
    rc = fn(p, reg, n, count);
    apr_pool_destroy(p);
    _exit(rc);
}

/* Forks the workers, lets them all go at the same moment, and collects
 * their exit statuses. */
static void run_workers(worker_fn fn, int count, int *codes)
{
    pid_t pids[WORKERS];
    int go[2], i, status;

    ck_assert_int_eq(pipe(go), 0);
    for (i = 0; i < WORKERS; i++) {
        pids[i] = fork();
        ck_assert_int_ge(pids[i], 0);
        if (pids[i] == 0) {
            close(go[1]);
            worker(fn, i, count, go[0]);
        }
    }
    close(go[0]);
    close(go[1]);
    for (i = 0; i < WORKERS; i++) {
        ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
        ck_assert_msg(WIFEXITED(status), "worker %d died (status %d)", i,
                      status);
        codes[i] = WEXITSTATUS(status);
    }
}

/* count new users each; exits with the number of failed logins. */
static int many_logins(apr_pool_t *p, sso_registry *reg, int n, int count)
{
    const char *err = NULL;
    sso_user *u;
    int i, created, failed = 0;

    for (i = 0; i < count; i++) {
        sso_registry_login in = { ISSUER, apr_psprintf(p, "w%d-%d", n, i),
                                  apr_psprintf(p, "user%d-%d", n, i),
                                  groups("workers", NULL), 1 };
        if (sso_registry_sso_login(reg, p, &in, &u, &created, &err)
                != APR_SUCCESS
            || !created) {
            fprintf(stderr, "worker %d login %d: %s\n", n, i, err);
            failed++;
        }
    }
    return failed;
}

static void expect_users(int n)
{
    sso_registry *reg = store_open();
    apr_array_header_t *users;
    const char *err = NULL;

    ck_assert_int_eq(sso_registry_list(reg, unit_pool, &users, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(users->nelts, n);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM user_groups"), n);
    sso_registry_close(reg);
}

static void expect_all_zero(const int *codes)
{
    int i;

    for (i = 0; i < WORKERS; i++) {
        ck_assert_msg(codes[i] == 0, "worker %d: %d logins failed", i,
                      codes[i]);
    }
}

START_TEST(parallel_logins)
{
    int codes[WORKERS];

    sso_registry_close(store_open());
    run_workers(many_logins, LOGINS_EACH, codes);
    expect_all_zero(codes);
    expect_users(WORKERS * LOGINS_EACH);
}
END_TEST

/* The processes also race to create the directory, the file, WAL mode and
 * the schema. */
START_TEST(parallel_fresh_store)
{
    int codes[WORKERS];

    run_workers(many_logins, 5, codes);
    expect_all_zero(codes);
    expect_users(WORKERS * 5);
}
END_TEST

/* Every worker at once: a new identity under one wanted username (one
 * wins, the others must hear APR_EEXIST), then one shared identity under
 * its own username (one creates it, the others log into it). Exit bits:
 * 1 won the username, 2 created the shared user, 4 anything else. */
static int same_names(apr_pool_t *p, sso_registry *reg, int n, int count)
{
    sso_registry_login a = { ISSUER, apr_psprintf(p, "race-%d", n), "wanted",
                             groups("x", NULL), 1 };
    sso_registry_login b = { ISSUER, "shared", apr_psprintf(p, "shared-%d", n),
                             groups("x", NULL), 1 };
    const char *err = NULL;
    sso_user *u;
    int created, rc = 0;
    apr_status_t rv = sso_registry_sso_login(reg, p, &a, &u, &created, &err);

    if (rv == APR_SUCCESS && created) {
        rc |= 1;
    }
    else if (rv != APR_EEXIST) {
        fprintf(stderr, "worker %d, wanted: %d %s\n", n, rv, err);
        rc |= 4;
    }
    rv = sso_registry_sso_login(reg, p, &b, &u, &created, &err);
    if (rv != APR_SUCCESS) {
        fprintf(stderr, "worker %d, shared: %d %s\n", n, rv, err);
        rc |= 4;
    }
    return rc | (rv == APR_SUCCESS && created ? 2 : 0);
}

START_TEST(parallel_same_names)
{
    int codes[WORKERS], i, won = 0, made = 0;

    sso_registry_close(store_open());
    run_workers(same_names, 1, codes);
    for (i = 0; i < WORKERS; i++) {
        ck_assert_msg(!(codes[i] & 4), "worker %d failed (%d)", i, codes[i]);
        won += codes[i] & 1;
        made += (codes[i] & 2) >> 1;
    }
    ck_assert_int_eq(won, 1);
    ck_assert_int_eq(made, 1);
    expect_users(2);
}
END_TEST

/* API tokens: only the hash kept, one name per user, found by hash with
 * the user's groups, last_used written only when older, revoke and delete
 * remove the row. */
START_TEST(api_tokens)
{
    sso_registry *reg = store_open();
    apr_array_header_t *list;
    sso_api_token *t;
    sso_user *u;
    const char *err = NULL;
    const char *h1 =
        "1111111111111111111111111111111111111111111111111111111111111111";
    const char *h2 =
        "2222222222222222222222222222222222222222222222222222222222222222";

    ck_assert_int_eq(sso_registry_add_local(reg, unit_pool, "alice", "x",
                                            groups("b", "a", NULL), &err),
                     APR_SUCCESS);
    ck_assert_int_eq(
        sso_registry_token_add(reg, unit_pool, "nobody", "ci", h1, 0, &err),
        APR_NOTFOUND);
    ck_assert_int_eq(
        sso_registry_token_add(reg, unit_pool, "alice", "ci", h1, 0, &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        sso_registry_token_add(reg, unit_pool, "alice", "ci", h2, 0, &err),
        APR_EEXIST);
    ck_assert_int_eq(
        sso_registry_token_add(reg, unit_pool, "alice", "", h2, 0, &err),
        APR_EINVAL);
    ck_assert_int_eq(sso_registry_token_add(reg, unit_pool, "alice", "backup",
                                            h2, 4000000000LL, &err),
                     APR_SUCCESS);

    ck_assert_int_eq(
        sso_registry_token_list(reg, unit_pool, "alice", &list, &err),
        APR_SUCCESS);
    ck_assert_int_eq(list->nelts, 2);
    t = APR_ARRAY_IDX(list, 0, sso_api_token *);
    ck_assert_str_eq(t->name, "backup");
    ck_assert(t->expires == 4000000000LL);
    ck_assert(t->last_used == 0);
    ck_assert(t->created > 0);

    ck_assert_int_eq(sso_registry_token_find(reg, unit_pool, h1, &t, &u, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(t->name, "ci");
    ck_assert_str_eq(u->username, "alice");
    ck_assert_str_eq(joined(u->groups), "a,b");
    ck_assert_int_eq(
        sso_registry_token_find(reg, unit_pool, "33", &t, &u, &err),
        APR_NOTFOUND);

    ck_assert_int_eq(sso_registry_token_touch(reg, unit_pool, h1, 500, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(sso_registry_token_touch(reg, unit_pool, h1, 400, &err),
                     APR_SUCCESS);
    sso_registry_token_find(reg, unit_pool, h1, &t, &u, &err);
    ck_assert(t->last_used == 500);

    ck_assert_int_eq(
        sso_registry_token_revoke(reg, unit_pool, "alice", "ci", &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        sso_registry_token_revoke(reg, unit_pool, "alice", "ci", &err),
        APR_NOTFOUND);
    ck_assert_int_eq(sso_registry_token_find(reg, unit_pool, h1, &t, &u, &err),
                     APR_NOTFOUND);

    ck_assert_int_eq(sso_registry_delete(reg, unit_pool, "alice", &err),
                     APR_SUCCESS);
    ck_assert_int_eq(sso_registry_token_find(reg, unit_pool, h2, &t, &u, &err),
                     APR_NOTFOUND);
    ck_assert_int_eq(raw_number("SELECT COUNT(*) FROM api_tokens"), 0);
    sso_registry_close(reg);
}
END_TEST

static void add_store_tests(TCase *tc)
{
    tcase_add_test(tc, api_tokens);
    tcase_add_test(tc, schema_create_and_reopen);
    tcase_add_test(tc, upgrade_from_version_0);
    tcase_add_test(tc, upgrade_without_meta);
    tcase_add_test(tc, newer_schema_refused);
    tcase_add_test(tc, find_insert_update);
    tcase_add_test(tc, upgrade_from_version_1);
    tcase_add_test(tc, upgrade_from_version_2);
    tcase_add_test(tc, totp_secret_and_steps);
    tcase_add_test(tc, local_login_recorded);
    tcase_add_test(tc, events_recorded_and_listed);
    tcase_add_test(tc, events_pruned);
    tcase_add_test(tc, events_text_sanitised);
    tcase_add_test(tc, upgrade_from_version_3);
    tcase_add_test(tc, sso_login_new_user);
    tcase_add_test(tc, sso_login_existing_replaces_groups);
    tcase_add_test(tc, sso_login_existing_keeps_groups);
    tcase_add_test(tc, sso_login_username_taken);
    tcase_add_test(tc, sso_login_disabled);
    tcase_add_test(tc, delete_cascades_groups);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, parallel_logins);
    tcase_add_test(tc, parallel_same_names);
}

Suite *sso_registry_suite(void)
{
    Suite *s = suite_create("sso_registry");
    TCase *sqlite = tcase_create("sqlite3");
    TCase *plain = tcase_create("no store");

    /* bcrypt at cost 12 and 200 concurrent transactions take seconds, more
     * under valgrind. */
    tcase_set_timeout(sqlite, 120);
    tcase_add_unchecked_fixture(sqlite, base_setup, base_teardown);
    tcase_add_checked_fixture(sqlite, sqlite_setup, sqlite_teardown);
    add_store_tests(sqlite);
    tcase_add_test(sqlite, parallel_fresh_store);
    tcase_add_test(sqlite, bad_specs);
    suite_add_tcase(s, sqlite);

    tcase_set_timeout(plain, 120);
    tcase_add_checked_fixture(plain, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(plain, display_spec_masks_passwords);
    tcase_add_test(plain, passwords);
    suite_add_tcase(s, plain);

    if (getenv("SSO_TEST_PGSQL") && *getenv("SSO_TEST_PGSQL")) {
        TCase *pgsql = tcase_create("pgsql");
        tcase_set_timeout(pgsql, 120);
        tcase_add_checked_fixture(pgsql, pgsql_setup, unit_pool_teardown);
        add_store_tests(pgsql);
        suite_add_tcase(s, pgsql);
    }
    return s;
}
