/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The user registry in httpd: created at startup (as root) and handed to
 * the User httpd serves as; in children, a pool of connections shared by
 * the threads of each process. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_authz.h"
#include "mod_auth_sso_registry.h"
#include "sso_registry.h"
#include "sso_owner.h"
#include "sso_totp.h"

#include "http_log.h"
#include "mpm_common.h"
#include "unixd.h"
#include "apr_hash.h"
#include "apr_reslist.h"
#include "apr_thread_mutex.h"
#include "apr_strings.h"
#include <unistd.h>

/* One connection pool per store spec, per child process. */
static apr_hash_t *ssomod_registry_pools;
static apr_thread_mutex_t *ssomod_registry_pools_lock;
static apr_pool_t *ssomod_registry_child_pool;

static const char *ssomod_registry_sqlite_file(apr_pool_t *p, const char *spec)
{
    const char *driver, *params, *err;

    if (sso_registry_parse_spec(p, spec, &driver, &params, &err) != APR_SUCCESS
        || strcmp(driver, "sqlite3")) {
        return NULL;
    }
    return params;
}

/* SQLite's files beside the database. */
static const char *const ssomod_registry_suffixes[] = { "", "-wal", "-shm",
                                                        "-journal" };
#define SSO_REGISTRY_FILES 4

/* What was there before the store was opened: only what the module then
 * creates is handed to the User httpd serves as. */
typedef struct {
    const char *db;
    const char *dir;
    int dir_existed;
    const char *files[SSO_REGISTRY_FILES];
    int existed[SSO_REGISTRY_FILES];
} ssomod_registry_files;

/* The User and Group children serve as: when httpd does not start as
 * root, itself. */
static void ssomod_registry_httpd_ids(uid_t *uid, gid_t *gid)
{
    *uid = geteuid() == 0 ? ap_unixd_config.user_id : geteuid();
    *gid = geteuid() == 0 ? ap_unixd_config.group_id : getegid();
}

static int ssomod_registry_store_error(server_rec *s, const char *spec,
                                       const char *what)
{
    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                 SSOLOGNO(00081) "SSOUserStore %s: %s", spec, what);
    return 500;
}

/* Before opening: a directory others can write is refused (they could
 * plant the files root opens next), and a symlink under one of SQLite's
 * names is never SQLite's own: the database's is refused, the others'
 * removed (unlink does not follow it). */
static int ssomod_registry_files_check(apr_pool_t *p, server_rec *s,
                                       const char *spec,
                                       ssomod_registry_files *f)
{
    const char *unsafe;
    uid_t uid;
    gid_t gid;
    int i;

    ssomod_registry_httpd_ids(&uid, &gid);
    f->dir_existed = f->dir && sso_path_lkind(f->dir) != SSO_PATH_ABSENT;
    if (f->dir_existed
        && (unsafe = sso_owner_dir_unsafe(p, f->dir, uid, gid))) {
        return ssomod_registry_store_error(
            s, spec,
            apr_psprintf(
                p,
                "the directory "
                "%s is %s: it must be writable only by root and the User httpd "
                "serves as (uid %ld)",
                f->dir, unsafe, (long)uid));
    }
    for (i = 0; i < SSO_REGISTRY_FILES; i++) {
        f->files[i] = apr_pstrcat(p, f->db, ssomod_registry_suffixes[i], NULL);
        if (sso_path_lkind(f->files[i]) != SSO_PATH_LINK) {
            continue;
        }
        if (i == 0) {
            return ssomod_registry_store_error(
                s, spec,
                apr_psprintf(p,
                             "%s is a "
                             "symbolic link: give the database's real path",
                             f->db));
        }
        if (unlink(f->files[i]) != 0) {
            return ssomod_registry_store_error(
                s, spec,
                apr_psprintf(p,
                             "%s is a "
                             "symbolic link and cannot be removed",
                             f->files[i]));
        }
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00082) "SSOUserStore %s: %s was "
                            "a symbolic link, not SQLite's file: removed",
                     spec, f->files[i]);
    }
    for (i = 0; i < SSO_REGISTRY_FILES; i++) {
        f->existed[i] = sso_path_lkind(f->files[i]) != SSO_PATH_ABSENT;
    }
    return OK;
}

static void ssomod_registry_give(server_rec *s, const char *path, int want_dir)
{
    uid_t uid;
    gid_t gid;
    int err;

    ssomod_registry_httpd_ids(&uid, &gid);
    if ((err = sso_owner_give(path, want_dir, 0, uid, gid))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, err, s,
                     SSOLOGNO(00083) "cannot give %s to "
                                     "the server's User (check SSOUserStore)",
                              path);
    }
}

/* After opening, as root: what the module created (the directory, the
 * database, SQLite's files) belongs to the User httpd serves as, so that
 * children can write it. Nothing that was there before is touched. */
static void ssomod_registry_hand_over(server_rec *s,
                                      const ssomod_registry_files *f)
{
    int i;

    if (geteuid() != 0) {
        return;
    }
    if (f->dir && !f->dir_existed) {
        ssomod_registry_give(s, f->dir, 1);
    }
    for (i = 0; i < SSO_REGISTRY_FILES; i++) {
        if (!f->existed[i] && sso_path_lkind(f->files[i]) != SSO_PATH_ABSENT) {
            ssomod_registry_give(s, f->files[i], 0);
        }
    }
}

static void ssomod_registry_add_known(apr_pool_t *p, sso_registry *reg,
                                      apr_hash_t *known)
{
    apr_array_header_t *users;
    const char *err;
    int i, j;

    if (sso_registry_list(reg, p, &users, &err) != APR_SUCCESS) {
        return;
    }
    for (i = 0; i < users->nelts; i++) {
        const sso_user *u = APR_ARRAY_IDX(users, i, sso_user *);
        for (j = 0; j < u->groups->nelts; j++) {
            apr_hash_set(known, APR_ARRAY_IDX(u->groups, j, const char *),
                         APR_HASH_KEY_STRING, "1");
        }
    }
}

static void ssomod_registry_add_mapped(const ssomod_server_conf *c,
                                       apr_hash_t *known)
{
    int i;

    for (i = 0; i < c->group_map->nelts; i++) {
        apr_hash_set(known,
                     APR_ARRAY_IDX(c->group_map, i, sso_group_map_entry).local,
                     APR_HASH_KEY_STRING, "1");
    }
}

/* The key that seals TOTP secrets (sso_totp.h) lives beside the store, not
 * in it: created here, as root, when missing, and given to the User httpd
 * serves as, who alone may read it (and root: sso-users). A symlink in
 * its place is refused, never followed. */
static int ssomod_registry_totp_key(apr_pool_t *p, server_rec *s,
                                    const char *spec)
{
    const char *path = sso_totp_key_path(p, spec, SSO_STATE_DIR);
    const char *dir = path ? sso_owner_dir_of(p, path) : NULL, *err;
    uid_t uid;
    gid_t gid;
    int created;

    if (!path || !dir) {
        return OK;
    }
    if (sso_path_lkind(path) == SSO_PATH_LINK) {
        return ssomod_registry_store_error(
            s, spec,
            apr_psprintf(p,
                         "%s is a "
                         "symbolic link: the TOTP key must be a plain file",
                         path));
    }
    ssomod_registry_httpd_ids(&uid, &gid);
    if (sso_path_lkind(dir) != SSO_PATH_DIR
        || sso_owner_dir_unsafe(p, dir, uid, gid)) {
        /* pgsql: the state directory is not ours to create; TOTP codes
         * are then refused until it is there. */
        ap_log_error(
            APLOG_MARK, APLOG_WARNING, 0, s,
            SSOLOGNO(00112) "SSOUserStore %s: no "
                       "safe directory %s for the TOTP key: local accounts "
                       "with TOTP cannot log in",
                spec, dir);
        return OK;
    }
    if (sso_totp_key_create(p, path, &created, &err) != APR_SUCCESS) {
        return ssomod_registry_store_error(s, spec, err);
    }
    /* Also one sso-users made as root before the server first started:
     * sso_owner_give hands over only root's own file. */
    if (geteuid() == 0) {
        ssomod_registry_give(s, path, 0);
    }
    return OK;
}

/* Opens one store: its files checked before, handed over after. */
static int ssomod_registry_prepare(apr_pool_t *ptemp, server_rec *vs,
                                   const ssomod_server_conf *c,
                                   apr_hash_t *known)
{
    ssomod_registry_files files = { NULL };
    sso_registry *reg;
    const char *err;
    int rc;

    files.db = ssomod_registry_sqlite_file(ptemp, c->user_store);
    if (files.db && (!*files.db || !strcmp(files.db, ":memory:"))) {
        files.db = NULL;
    }
    if (files.db) {
        files.dir = sso_owner_dir_of(ptemp, files.db);
        if ((rc = ssomod_registry_files_check(ptemp, vs, c->user_store,
                                              &files))) {
            return rc;
        }
    }
    if (sso_registry_open(ptemp, c->user_store, &reg, &err) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, vs,
                     SSOLOGNO(00084) "%s (check SSOUserStore)", err);
        return 500;
    }
    ssomod_registry_add_known(ptemp, reg, known);
    sso_registry_close(reg);
    if (files.db) {
        ssomod_registry_hand_over(vs, &files);
    }
    return ssomod_registry_totp_key(ptemp, vs, c->user_store);
}

/* Creates or upgrades the store once, in the parent, so that a broken
 * SSOUserStore is reported at startup. */
int ssomod_registry_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *done = apr_hash_make(ptemp), *known = apr_hash_make(ptemp);
    server_rec *vs;
    int rc;

    for (vs = s; vs; vs = vs->next) {
        const ssomod_server_conf *c = ssomod_server_conf_get(vs);
        ssomod_registry_add_mapped(c, known);
        if (apr_hash_get(done, c->user_store, APR_HASH_KEY_STRING)) {
            continue;
        }
        apr_hash_set(done, c->user_store, APR_HASH_KEY_STRING, "1");
        if ((rc = ssomod_registry_prepare(ptemp, vs, c, known))) {
            return rc;
        }
    }
    ssomod_authz_warn_unknown(ptemp, s, known);
    return OK;
}

/* apr_reslist's own cleanup runs after the child pool's subpools, where
 * each handle lives, are gone: close the handles before that. */
static apr_status_t ssomod_registry_pools_destroy(void *unused)
{
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(NULL, ssomod_registry_pools); hi;
         hi = apr_hash_next(hi)) {
        apr_reslist_destroy(apr_hash_this_val(hi));
    }
    apr_hash_clear(ssomod_registry_pools);
    return APR_SUCCESS;
}

void ssomod_registry_child_init(apr_pool_t *p, server_rec *s)
{
    ssomod_registry_child_pool = p;
    ssomod_registry_pools = apr_hash_make(p);
    apr_thread_mutex_create(&ssomod_registry_pools_lock,
                            APR_THREAD_MUTEX_DEFAULT, p);
    apr_pool_pre_cleanup_register(p, NULL, ssomod_registry_pools_destroy);
}

typedef struct {
    const char *spec;
    server_rec *s;
} ssomod_registry_target;

static apr_status_t ssomod_registry_construct(void **res, void *params,
                                              apr_pool_t *p)
{
    ssomod_registry_target *t = params;
    const char *err;
    apr_status_t rv = sso_registry_open(p, t->spec, (sso_registry **)res, &err);

    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, t->s,
                     SSOLOGNO(00085) "%s (check SSOUserStore)", err);
    }
    return rv;
}

static apr_status_t ssomod_registry_destruct(void *res, void *params,
                                             apr_pool_t *p)
{
    sso_registry_close(res);
    return APR_SUCCESS;
}

static apr_reslist_t *ssomod_registry_pool_for(server_rec *s, const char *spec)
{
    apr_reslist_t *list;
    ssomod_registry_target *t;
    int max = 1;

    apr_thread_mutex_lock(ssomod_registry_pools_lock);
    list = apr_hash_get(ssomod_registry_pools, spec, APR_HASH_KEY_STRING);
    if (!list) {
        ap_mpm_query(AP_MPMQ_MAX_THREADS, &max);
        t = apr_pcalloc(ssomod_registry_child_pool, sizeof(*t));
        t->spec = apr_pstrdup(ssomod_registry_child_pool, spec);
        t->s = s;
        if (apr_reslist_create(
                &list, 0, 1, max > 0 ? max : 1, 0, ssomod_registry_construct,
                ssomod_registry_destruct, t, ssomod_registry_child_pool)
            == APR_SUCCESS) {
            apr_hash_set(ssomod_registry_pools, t->spec, APR_HASH_KEY_STRING,
                         list);
        }
        else {
            list = NULL;
        }
    }
    apr_thread_mutex_unlock(ssomod_registry_pools_lock);
    return list;
}

sso_registry *ssomod_registry_acquire(request_rec *r,
                                      const ssomod_server_conf *c)
{
    apr_reslist_t *list = ssomod_registry_pool_for(r->server, c->user_store);
    void *reg = NULL;

    if (!list || apr_reslist_acquire(list, &reg) != APR_SUCCESS) {
        ssomod_log_r(
            r, APLOG_ERR, 0,
            SSOLOGNO(00086) "the user registry %s is "
                            "unavailable (check SSOUserStore)",
                     sso_registry_display_spec(r->pool, c->user_store));
        return NULL;
    }
    return reg;
}

/* A handle whose last use failed is dropped rather than reused. */
void ssomod_registry_release(request_rec *r, const ssomod_server_conf *c,
                             sso_registry *reg, int failed)
{
    apr_reslist_t *list = ssomod_registry_pool_for(r->server, c->user_store);

    if (failed) {
        apr_reslist_invalidate(list, reg);
    }
    else {
        apr_reslist_release(list, reg);
    }
}

/* The sign-in trail (sso-users log). Best effort: a store that cannot take
 * the row does not change the login's outcome; it is logged. reg is a
 * handle the caller holds, or NULL to take one here. */
void ssomod_registry_event(request_rec *r, const ssomod_server_conf *c,
                           sso_registry *reg, const char *user,
                           const char *method, const char *event,
                           const char *cause)
{
    sso_registry_event ev = { 0, user, r->useragent_ip, method, event, cause };
    sso_registry *own = reg ? NULL : ssomod_registry_acquire(r, c);
    const char *err = NULL;
    apr_status_t rv;

    if (!reg && !(reg = own)) {
        return;
    }
    rv = sso_registry_event_add(reg, r->pool, &ev, SSO_REGISTRY_EVENTS_KEEP,
                                &err);
    if (own) {
        ssomod_registry_release(r, c, own, rv != APR_SUCCESS);
    }
    if (rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_WARNING, rv,
                     SSOLOGNO(00140) "sign-in event %s (%s) of %s was not "
                                     "recorded: %s (check SSOUserStore)",
                              event, cause ? cause : "-",
                              user ? ap_escape_logitem(r->pool, user) : "-",
                              err ? err : "store error");
    }
}
