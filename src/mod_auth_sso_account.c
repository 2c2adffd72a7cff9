/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Who a provider login becomes here: local groups from SSOGroupMap, the
 * account rules (sso_account_decide), and the registry row, written in one
 * transaction. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_account.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_registry.h"
#include "sso_account.h"
#include "sso_registry.h"

#include "http_log.h"
#include "apr_strings.h"

/* Username candidates tried before giving up on races with other logins. */
#define SSO_ACCOUNT_CREATE_TRIES 4

typedef struct {
    request_rec *r;
    const ssomod_server_conf *c;
    const ssomod_login_claims *lc;
    sso_registry *reg;
    apr_array_header_t *mapped;
    apr_array_header_t *tried; /* usernames taken by a race */
    const char *store_error;
} ssomod_admission;

static int ssomod_account_refuse(ssomod_admission *a, sso_account_decision d,
                                 const char *cause)
{
    const ssomod_login_claims *lc = a->lc;

    ssomod_event_note(a->r, "login-refused", sso_account_event_cause(d));
    ssomod_log_r(a->r, APLOG_WARNING, 0,
                 SSOLOGNO(00001) "login refused for sub %s "
                                 "(email %s, groups [%s]): %s",
                          lc->sub, lc->email ? lc->email : "none",
                          sso_groups_join(a->r->pool, lc->remote_groups),
                          cause);
    return ssomod_page_refused(a->r, HTTP_FORBIDDEN, sso_account_reason(d));
}

static int ssomod_account_store_failed(ssomod_admission *a, const char *err)
{
    ssomod_log_r(a->r, APLOG_ERR, 0,
                 SSOLOGNO(00002) "user registry error at login "
                                 "of sub %s: %s (check SSOUserStore)",
                          a->lc->sub, err);
    return ssomod_page_error(
        a->r, HTTP_SERVICE_UNAVAILABLE, "Sign-in failed",
        "Accounts are temporarily unavailable. Please try again.");
}

static sso_username_e ssomod_account_taken(void *ctx, const char *username)
{
    ssomod_admission *a = ctx;
    int taken = 0;

    if (sso_groups_contain(a->tried, username)) {
        return SSO_USERNAME_TAKEN;
    }
    if (sso_registry_username_taken(a->reg, a->r->pool, username, &taken,
                                    &a->store_error)
        != APR_SUCCESS) {
        return SSO_USERNAME_ERROR;
    }
    return taken ? SSO_USERNAME_TAKEN : SSO_USERNAME_FREE;
}

static void ssomod_account_fill(sso_session *s, const ssomod_admission *a,
                                const sso_user *u)
{
    s->method = "sso";
    s->user = u->username;
    s->issuer = a->lc->issuer;
    s->sub = a->lc->sub;
    s->email = a->lc->email;
    s->name = a->lc->name;
    s->groups = u->groups;
}

static apr_status_t ssomod_account_write(ssomod_admission *a,
                                         const char *username, int replace,
                                         sso_user **u)
{
    sso_registry_login login = {
        a->lc->issuer, a->lc->sub, username,
        a->mapped,     replace,    a->r->useragent_ip
    };
    int created;

    return sso_registry_sso_login(a->reg, a->r->pool, &login, u, &created,
                                  &a->store_error);
}

static int ssomod_account_create(ssomod_admission *a, sso_session *s)
{
    sso_user *u;
    int i;

    for (i = 0; i < SSO_ACCOUNT_CREATE_TRIES; i++) {
        const char *name = sso_account_pick_username(
            a->r->pool, a->lc->username_claims, ssomod_account_taken, a);
        apr_status_t rv;
        if (!name) {
            break;
        }
        rv = ssomod_account_write(a, name, 1, &u);
        if (rv == APR_SUCCESS) {
            ssomod_log_r(a->r, APLOG_NOTICE, 0,
                         SSOLOGNO(00003) "new SSO user %s "
                                         "created for sub %s, groups [%s]",
                                  u->username, a->lc->sub,
                                  sso_groups_join(a->r->pool, u->groups));
            ssomod_account_fill(s, a, u);
            return OK;
        }
        if (rv != APR_EEXIST) {
            return ssomod_account_store_failed(a, a->store_error);
        }
        APR_ARRAY_PUSH(a->tried, const char *) = name;
    }
    if (a->store_error) {
        return ssomod_account_store_failed(a, a->store_error);
    }
    return ssomod_account_refuse(
        a, SSO_ACCOUNT_REFUSE_NO_USERNAME,
        sso_account_cause(SSO_ACCOUNT_REFUSE_NO_USERNAME, NULL));
}

static int ssomod_account_existing(ssomod_admission *a, int replace,
                                   sso_session *s)
{
    sso_user *u;
    apr_status_t rv = ssomod_account_write(a, NULL, replace, &u);

    if (rv == APR_EACCES) {
        return ssomod_account_refuse(
            a, SSO_ACCOUNT_REFUSE_DISABLED,
            sso_account_cause(SSO_ACCOUNT_REFUSE_DISABLED, NULL));
    }
    if (rv != APR_SUCCESS) {
        return ssomod_account_store_failed(a, a->store_error);
    }
    ssomod_account_fill(s, a, u);
    return OK;
}

static int ssomod_account_decide_and_write(ssomod_admission *a, sso_session *s)
{
    sso_account_facts f = { 0 };
    sso_user *u = NULL;
    sso_account_decision d;
    int replace = 0;
    apr_status_t rv = sso_registry_find_sso(a->reg, a->r->pool, a->lc->issuer,
                                            a->lc->sub, &u, &a->store_error);

    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        return ssomod_account_store_failed(a, a->store_error);
    }
    f.allow_signup = a->c->allow_signup;
    f.signup_only_mapped = a->c->signup_only_mapped;
    f.require_mapped_group = a->c->require_mapped_group;
    f.map_empty = a->c->group_map->nelts == 0;
    f.mapped = a->mapped->nelts;
    f.exists = u != NULL;
    f.disabled = u && u->disabled;
    d = sso_account_decide(&f, &replace);
    if (sso_account_refused(d)) {
        return ssomod_account_refuse(a, d, sso_account_cause(d, &f));
    }
    return d == SSO_ACCOUNT_CREATE ? ssomod_account_create(a, s)
                                   : ssomod_account_existing(a, replace, s);
}

int ssomod_account_admit(request_rec *r, const ssomod_server_conf *c,
                         const ssomod_login_claims *lc, sso_session *s)
{
    ssomod_admission a = { r, c, lc, NULL, NULL, NULL, NULL };
    int rc;

    a.mapped = sso_groups_map(r->pool, c->group_map, lc->remote_groups);
    a.tried = apr_array_make(r->pool, 2, sizeof(const char *));
    if (!(a.reg = ssomod_registry_acquire(r, c))) {
        return ssomod_page_error(
            r, HTTP_SERVICE_UNAVAILABLE, "Sign-in failed",
            "Accounts are temporarily unavailable. Please try again.");
    }
    rc = ssomod_account_decide_and_write(&a, s);
    ssomod_registry_release(r, c, a.reg, a.store_error != NULL && rc != OK);
    return rc;
}

/* The issuer is this virtual host's SSOAuthority, never the one the
 * record names: the realm already tied the session to it. */
static apr_status_t ssomod_account_lookup(sso_registry *reg, request_rec *r,
                                          const ssomod_server_conf *c,
                                          const sso_session *s, sso_user **u,
                                          const char **err)
{
    if (!strcmp(s->method, "sso")) {
        return c->authority && s->sub ? sso_registry_find_sso(
                   reg, r->pool, c->authority, s->sub, u, err)
                                      : APR_NOTFOUND;
    }
    return sso_registry_find_user(reg, r->pool, s->user, u, err);
}

ssomod_recheck_e ssomod_account_recheck(request_rec *r,
                                        const ssomod_server_conf *c,
                                        sso_session *s)
{
    sso_registry *reg;
    const char *err = NULL;
    sso_user *u = NULL;
    apr_status_t rv;

    /* Accounts of httpd's authn providers are not in the registry, and
     * those providers cannot be asked about an account without its
     * password: such a session holds while this virtual host still has
     * SSOLocalAuthProvider (its realm says which ones). */
    if (!strcmp(s->method, "local") && s->issuer && c->local_providers
        && c->local_providers->nelts) {
        s->verified = apr_time_sec(r->request_time);
        return SSO_RECHECK_OK;
    }
    if (!(reg = ssomod_registry_acquire(r, c))) {
        return SSO_RECHECK_ERROR;
    }
    rv = ssomod_account_lookup(reg, r, c, s, &u, &err);
    ssomod_registry_release(r, c, reg, rv != APR_SUCCESS && rv != APR_NOTFOUND);
    if (rv != APR_SUCCESS && rv != APR_NOTFOUND) {
        ssomod_log_r(
            r, APLOG_ERR, 0,
            SSOLOGNO(00004) "user registry error while "
                       "checking the session of %s: %s (check SSOUserStore)",
                s->user, err);
        return SSO_RECHECK_ERROR;
    }
    if (u && strcmp(s->method, "sso")
        && (s->issuer || strcmp(u->kind, "local"))) {
        u = NULL;
    }
    if (!u || u->disabled) {
        ssomod_log_r(r, APLOG_NOTICE, 0,
                     SSOLOGNO(00005) "session of %s ended: the "
                                     "account is %s",
                              s->user, u ? "disabled" : "deleted");
        return SSO_RECHECK_GONE;
    }
    /* A credential changed on /sso/account after this session began. */
    if (s->created < u->sessions_after) {
        ssomod_log_r(
            r, APLOG_NOTICE, 0,
            SSOLOGNO(00103) "session of %s ended: the account "
                            "changed on the account page after it began",
                     s->user);
        ssomod_event_note(r, "session-ended", "account-changed");
        return DECLINED;
    }
    s->groups = u->groups;
    s->verified = apr_time_sec(r->request_time);
    return SSO_RECHECK_OK;
}
