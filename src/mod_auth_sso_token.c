/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* API tokens: a script sends "Authorization: Bearer TOKEN" and is the
 * token's user, with that user's groups from the registry. No session, no
 * cookie. Tokens the registry accepted are kept in a per-process memo for
 * SSOAccountRecheck seconds, so a script's requests cost a hash and a
 * memo look-up, not a registry read; a revoke, disable or delete therefore
 * applies within SSOAccountRecheck. */
#include "mod_auth_sso_token.h"
#include "mod_auth_sso_loginpage.h"
#include "mod_auth_sso_pages.h"
#include "mod_auth_sso_registry.h"
#include "sso_token.h"
#include "mod_auth_sso.h"

#include "http_log.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

/* Per child: worker threads share it under the lock. */
static sso_token_memo *ssomod_token_memo;
static apr_thread_mutex_t *ssomod_token_lock;

void ssomod_token_child_init(apr_pool_t *p, server_rec *s)
{
    ssomod_token_memo = apr_pcalloc(p, sizeof(*ssomod_token_memo));
    apr_thread_mutex_create(&ssomod_token_lock, APR_THREAD_MUTEX_DEFAULT, p);
}

const char *ssomod_token_of(request_rec *r, const ssomod_server_conf *c)
{
    if (c->api_tokens != 1) {
        return NULL;
    }
    return sso_token_from_authorization(
        apr_table_get(r->headers_in, "Authorization"));
}

static ssomod_identity *ssomod_token_identity(request_rec *r, const char *user,
                                              apr_array_header_t *groups)
{
    ssomod_identity *id = apr_pcalloc(r->pool, sizeof(*id));

    id->user = user;
    id->groups = groups;
    id->method = MOD_AUTH_SSO_METHOD_TOKEN;
    return id;
}

/* 401 with RFC 6750's challenge: the same answer for every cause, so a
 * client cannot tell a revoked token from one that never existed. */
static int ssomod_token_refuse(request_rec *r, const char *cause,
                               const char *detail)
{
    ssomod_log_r(r, APLOG_WARNING, 0,
                 SSOLOGNO(00135) "API token refused from %s: %s%s "
                                 "(SSOAPITokens)",
                          r->useragent_ip, cause, detail ? detail : "");
    ssomod_event_note(r, "token-refused", cause);
    ssomod_throttle_fail(r);
    apr_table_setn(r->err_headers_out, "WWW-Authenticate",
                   "Bearer error=\"invalid_token\"");
    return ssomod_page_error(r, HTTP_UNAUTHORIZED, "Invalid token",
                             "The API token is not valid.");
}

static int ssomod_token_unavailable(request_rec *r)
{
    return ssomod_page_error(r, HTTP_SERVICE_UNAVAILABLE, "Service unavailable",
                             "Accounts are temporarily unavailable. Please "
                             "try again in a moment.");
}

static int ssomod_token_throttled(request_rec *r, const sso_throttle *t)
{
    apr_int64_t left = sso_throttle_remaining(t, apr_time_sec(r->request_time));

    ssomod_log_r(
        r, APLOG_WARNING, 0,
        SSOLOGNO(00136) "API token refused: %s is blocked for %" APR_INT64_T_FMT
                        " more seconds after %d "
                        "failed attempts",
                 r->useragent_ip, left, t->failures);
    ssomod_event_note(r, "token-refused", "throttled");
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_psprintf(r->pool, "%" APR_INT64_T_FMT, left));
    return ssomod_page_error(r, HTTP_TOO_MANY_REQUESTS, "Too many attempts",
                             "Too many invalid tokens from your address.");
}

/* last_used, written at most once a minute per token and process. A
 * failure only costs the record: the request goes on. */
static void ssomod_token_touch(request_rec *r, const ssomod_server_conf *c,
                               sso_registry *reg, const unsigned char *hash,
                               apr_int64_t now)
{
    const char *err = NULL;

    if (sso_registry_token_touch(reg, r->pool,
                                 sso_token_hash_hex(r->pool, hash), now, &err)
        != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00137) "cannot record the use of an API "
                                     "token: %s (check SSOUserStore)",
                              err);
    }
}

typedef struct {
    sso_api_token *tok;
    sso_user *user;
    apr_status_t rv;
    const char *err;
} ssomod_token_found;

/* One indexed look-up by hash: a wrong token and a revoked one (its row is
 * gone) cost the same. The index compares hashes, not tokens: how much of
 * a SHA-256 matched tells nothing about a token that hashes to it. */
typedef enum {
    SSO_TOKEN_LOOKED_UP,      /* f->rv says what was found */
    SSO_TOKEN_LOOKUP_NO_STORE /* no registry connection (logged) */
} ssomod_token_lookup_e;

static ssomod_token_lookup_e ssomod_token_lookup(request_rec *r,
                                                 const ssomod_server_conf *c,
                                                 const unsigned char *hash,
                                                 apr_int64_t now,
                                                 ssomod_token_found *f)
{
    sso_registry *reg = ssomod_registry_acquire(r, c);

    if (!reg) {
        return SSO_TOKEN_LOOKUP_NO_STORE;
    }
    f->rv =
        sso_registry_token_find(reg, r->pool, sso_token_hash_hex(r->pool, hash),
                                &f->tok, &f->user, &f->err);
    if (f->rv == APR_SUCCESS
        && sso_token_judge(f->tok, f->user, now) == SSO_TOKEN_VALID
        && sso_token_touch_due(f->tok->last_used, now)) {
        ssomod_token_touch(r, c, reg, hash, now);
        f->tok->last_used = now;
    }
    ssomod_registry_release(r, c, reg,
                            f->rv != APR_SUCCESS && f->rv != APR_NOTFOUND);
    return SSO_TOKEN_LOOKED_UP;
}

/* Not in the memo: counted against the address first (as a wrong
 * password), then looked up; a right token takes its count back. */
static int ssomod_token_verify(request_rec *r, const ssomod_server_conf *c,
                               const unsigned char *hash, apr_int64_t now,
                               ssomod_identity **id)
{
    ssomod_token_found f = { NULL, NULL, APR_SUCCESS, NULL };
    sso_token_state_e state;
    sso_throttle t;

    switch (ssomod_throttle_peek(r, &t)) {
    case SSO_ATTEMPT_BLOCKED:
        return ssomod_token_throttled(r, &t);
    case SSO_ATTEMPT_FAILED:
        return ssomod_token_unavailable(r);
    default:
        break;
    }
    if (ssomod_token_lookup(r, c, hash, now, &f) != SSO_TOKEN_LOOKED_UP) {
        return ssomod_token_unavailable(r);
    }
    if (f.rv == APR_NOTFOUND) {
        return ssomod_token_refuse(r, "invalid", NULL);
    }
    if (f.rv != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_ERR, 0,
                     SSOLOGNO(00138) "user registry error while checking an "
                                     "API token: %s (check SSOUserStore)",
                              f.err);
        return ssomod_token_unavailable(r);
    }
    if ((state = sso_token_judge(f.tok, f.user, now)) != SSO_TOKEN_VALID) {
        return ssomod_token_refuse(r, sso_token_cause(state),
                                   apr_psprintf(r->pool,
                                                " (token '%s' of user %s)",
                                                f.tok->name, f.user->username));
    }
    apr_thread_mutex_lock(ssomod_token_lock);
    sso_token_memo_put(ssomod_token_memo, c->user_store, hash, now,
                       f.tok->expires, f.tok->last_used, f.user->username,
                       f.user->groups);
    apr_thread_mutex_unlock(ssomod_token_lock);
    *id = ssomod_token_identity(r, f.user->username, f.user->groups);
    return OK;
}

/* A memo hit whose last_used is due: one registry write a minute. The
 * memo says "written" first, so the other threads of this process using
 * the token meanwhile do not write too. */
static void ssomod_token_memo_touch(request_rec *r, const ssomod_server_conf *c,
                                    const unsigned char *hash, apr_int64_t now)
{
    sso_registry *reg;

    apr_thread_mutex_lock(ssomod_token_lock);
    sso_token_memo_touched(ssomod_token_memo, c->user_store, hash, now);
    apr_thread_mutex_unlock(ssomod_token_lock);
    if (!(reg = ssomod_registry_acquire(r, c))) {
        return;
    }
    ssomod_token_touch(r, c, reg, hash, now);
    ssomod_registry_release(r, c, reg, 0);
}

int ssomod_token_check(request_rec *r, const ssomod_server_conf *c,
                       const char *token, ssomod_identity **id)
{
    apr_int64_t now = apr_time_sec(r->request_time);
    unsigned char hash[SSO_TOKEN_HASH_BYTES];
    sso_token_memo_slot slot;
    sso_token_memo_e hit;
    int rc;

    if (!sso_token_hash(token, hash)) {
        ssomod_log_r(r, APLOG_ERR, 0,
                     SSOLOGNO(00139) "API token refused: SHA-256 failed "
                                     "(OpenSSL)");
        return ssomod_token_unavailable(r);
    }
    apr_thread_mutex_lock(ssomod_token_lock);
    hit = sso_token_memo_get(ssomod_token_memo, c->user_store, hash, now,
                             c->account_recheck, &slot);
    apr_thread_mutex_unlock(ssomod_token_lock);
    if (hit == SSO_TOKEN_MEMO_HIT) {
        if (sso_token_touch_due(slot.touched, now)) {
            ssomod_token_memo_touch(r, c, hash, now);
        }
        *id = ssomod_token_identity(r, apr_pstrdup(r->pool, slot.user),
                                    sso_token_memo_groups(r->pool, &slot));
        rc = OK;
    }
    else {
        rc = ssomod_token_verify(r, c, hash, now, id);
    }
    if (rc == OK) {
        ssomod_event_note(r, "token", "bearer");
        ssomod_event_user(r, (*id)->user);
    }
    return rc;
}
