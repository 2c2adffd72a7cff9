/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* SSOGroupRefresh: every so many seconds a session's groups are read from
 * the provider again, with the refresh token kept server-side at login
 * (OpenID Connect Core 1.0 §12, RFC 6749 §6), and re-mapped as at login.
 * A provider that issued no refresh token is asked at userinfo (Core
 * §5.3) with the access token kept instead; once it refuses that token
 * (RFC 6750 §3.1 invalid_token: expired, revoked, or the user is gone)
 * the session ends, as after invalid_grant: its groups can no longer be
 * read, and the user signs in again.
 *
 * Only a request that is due pays: the check is one comparison on the
 * session record already read. One refresh runs at a time per session (a
 * mark in the login cache); other requests meanwhile keep the groups they
 * have. A provider that cannot be reached leaves the session as it was
 * until the next interval. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_refresh.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_op.h"
#include "mod_auth_sso_registry.h"
#include "mod_auth_sso_session.h"
#include "mod_auth_sso_status.h"
#include "sso_jwt.h"
#include "sso_oidc.h"
#include "sso_http.h"
#include "sso_key.h"
#include "sso_registry.h"

#include "http_log.h"
#include "apr_strings.h"

/* Longest token kept; a longer one is not kept (no refresh). */
#define SSO_REFRESH_TOKEN_MAX 4096

/* The record kept beside the session is the refresh token itself, or,
 * when the provider issued none, this prefix and the access token (no
 * token has a newline: RFC 6749 Appendix A). */
#define SSO_REFRESH_ACCESS_PREFIX "access\n"

typedef enum { SSO_KEPT_REFRESH_TOKEN, SSO_KEPT_ACCESS_TOKEN } ssomod_kept_e;

typedef enum {
    SSO_REFRESH_DONE,        /* groups read (changed or not) */
    SSO_REFRESH_UNAVAILABLE, /* provider unreachable, 5xx, or unusable answer */
    SSO_REFRESH_ENDED        /* the session must end */
} ssomod_refresh_e;

typedef struct {
    request_rec *r;
    const ssomod_server_conf *c;
    const unsigned char *sid;
    sso_session *s;
    const sso_provider_meta *meta;
    sso_token_response tok;
    ssomod_kept_e kept; /* which token the session has */
    json_t *claims;     /* of the new ID token; NULL without one */
    json_t *userinfo;
} ssomod_refresh;

static const char *ssomod_refresh_key(apr_pool_t *p, const unsigned char *sid,
                                      apr_size_t *klen)
{
    return sso_key_make(p, SSO_KEY_REFRESH_TOKEN, sid, SSO_ID_BYTES, klen);
}

/* Kept in the session cache, beside the session (never in a cookie). */
static void ssomod_refresh_token_store(request_rec *r,
                                       const ssomod_server_conf *c,
                                       const unsigned char *sid, const char *rt,
                                       apr_time_t until)
{
    apr_size_t klen, len = strlen(rt);
    const char *key = ssomod_refresh_key(r->pool, sid, &klen);

    if (len > SSO_REFRESH_TOKEN_MAX
        || ssomod_cache_store(r->server, SSO_CACHE_SESSIONS, key, klen, until,
                              (const unsigned char *)rt, len, r->pool)
               != APR_SUCCESS) {
        ssomod_log_r(r, APLOG_WARNING, 0,
                     SSOLOGNO(00129) "cannot keep the refresh token of a "
                                     "session (%" APR_SIZE_T_FMT
                                     " bytes; check SSOSessionCache "
                                     "%s): its groups will not be refreshed "
                                     "(SSOGroupRefresh)",
                              len, c->session_cache->spec);
    }
}

void ssomod_refresh_keep_token(request_rec *r, const ssomod_server_conf *c,
                               const char *token, const sso_token_response *tok)
{
    const unsigned char *sid = sso_id_decode(r->pool, token);
    apr_time_t until = r->request_time + apr_time_from_sec(c->session_max_age);

    if (!c->group_refresh || !sid) {
        return;
    }
    if (tok->refresh_token) {
        ssomod_refresh_token_store(r, c, sid, tok->refresh_token, until);
        return;
    }
    /* Kept for the session's whole life: the provider says when it no
     * longer takes it, whatever expires_in said. */
    ssomod_log_r(r, APLOG_INFO, 0,
                 SSOLOGNO(00130) "the provider issued no refresh token: "
                                 "SSOGroupRefresh reads this session's groups "
                                 "from userinfo with its access token "
                                 "(expires_in %" APR_INT64_T_FMT
                                 " s), and the session ends once the "
                                 "provider refuses that token",
                          tok->expires_in);
    ssomod_refresh_token_store(r, c, sid,
                               apr_pstrcat(r->pool, SSO_REFRESH_ACCESS_PREFIX,
                                           tok->access_token, NULL),
                               until);
}

void ssomod_refresh_forget(request_rec *r, const unsigned char *sid)
{
    apr_size_t klen;
    const char *key = ssomod_refresh_key(r->pool, sid, &klen);

    ssomod_cache_remove(r->server, SSO_CACHE_SESSIONS, key, klen, r->pool);
}

/* The token kept with the session, and x->kept says which; NULL when
 * there is none. */
static const char *ssomod_refresh_token_get(ssomod_refresh *x)
{
    static const apr_size_t plen = sizeof(SSO_REFRESH_ACCESS_PREFIX) - 1;
    apr_size_t klen, len = SSO_REFRESH_TOKEN_MAX;
    const char *key = ssomod_refresh_key(x->r->pool, x->sid, &klen);
    unsigned char *buf = apr_palloc(x->r->pool, len + 1);

    if (ssomod_cache_retrieve(x->r->server, SSO_CACHE_SESSIONS, key, klen, buf,
                              &len, x->r->pool)
        != APR_SUCCESS) {
        return NULL;
    }
    buf[len] = '\0';
    if (len > plen && !memcmp(buf, SSO_REFRESH_ACCESS_PREFIX, plen)) {
        x->kept = SSO_KEPT_ACCESS_TOKEN;
        return (const char *)buf + plen;
    }
    x->kept = SSO_KEPT_REFRESH_TOKEN;
    return (const char *)buf;
}

/* One warning a minute for all sessions; the rest at debug level. */
static ssomod_refresh_e ssomod_refresh_unavailable(ssomod_refresh *x,
                                                   const char *why)
{
    request_rec *r = x->r;
    const char *name =
        apr_pstrcat(r->pool, "refresh-warned\n", x->c->authority, NULL);
    apr_size_t klen;
    const char *key =
        sso_key_make(r->pool, SSO_KEY_MARK, name, strlen(name), &klen);
    int first =
        ssomod_cache_mark(r->server, key, klen,
                          r->request_time + apr_time_from_sec(60), r->pool)
        == SSO_MARK_SET;

    ssomod_log_r(
        r, first ? APLOG_WARNING : APLOG_DEBUG, 0,
        SSOLOGNO(00131) "groups of %s not "
                   "refreshed: %s; the session keeps its groups until the next "
                   "try in %d s (SSOGroupRefresh)",
            x->s->user, why, x->c->group_refresh);
    return SSO_REFRESH_UNAVAILABLE;
}

/* event: the audit trail's cause, "refresh-revoked" or "no-mapped-group". */
static ssomod_refresh_e ssomod_refresh_end(ssomod_refresh *x, const char *event,
                                           const char *cause)
{
    ssomod_log_r(x->r, APLOG_NOTICE, 0,
                 SSOLOGNO(00132) "session of %s ended: %s", x->s->user, cause);
    ssomod_event_note(x->r, "session-ended", event);
    ssomod_event_user(x->r, x->s->user);
    return SSO_REFRESH_ENDED;
}

static ssomod_refresh_e ssomod_refresh_grant(ssomod_refresh *x, const char *rt)
{
    int post = sso_provider_token_auth(x->meta, x->c->token_auth)
               == SSO_PROVIDER_AUTH_POST;
    ssomod_status_timer timer = ssomod_status_call_begin(SSO_CALL_REFRESH);
    sso_http_response resp;
    sso_http_status_e sent;
    sso_http_opts o;
    const char *err;

    ssomod_op_http_opts(x->c, &o);
    sent = sso_http_post_form(
        x->r->pool, &o, x->meta->token_endpoint,
        sso_provider_refresh_form(x->r->pool, rt, x->c->client_id,
                                  x->c->client_secret, post),
        post ? NULL : x->c->client_id, post ? NULL : x->c->client_secret,
        &resp);
    /* A refused grant is an answer: the call worked. */
    ssomod_status_call_end(x->r, timer,
                           sent == SSO_HTTP_OK && resp.http_status < 500);
    if (sent != SSO_HTTP_OK) {
        return ssomod_refresh_unavailable(x, resp.error);
    }
    if (resp.http_status >= 500) {
        return ssomod_refresh_unavailable(
            x, apr_psprintf(x->r->pool,
                            "the token "
                            "endpoint answered HTTP %ld",
                            resp.http_status));
    }
    if (sso_provider_parse_refresh_response(x->r->pool, resp.http_status,
                                            resp.body, resp.len, &x->tok, &err)
        == APR_SUCCESS) {
        return SSO_REFRESH_DONE;
    }
    /* RFC 6749 §5.2: the grant is revoked, expired, or the user is gone.
     * access_denied is no §5.2 code, but it is as final: Pocket ID answers
     * it at the token endpoint to a user no longer in the client's Allowed
     * Groups. */
    if (x->tok.kind == SSO_TOKEN_OAUTH_ERROR && x->tok.error
        && (!strcmp(x->tok.error, "invalid_grant")
            || !strcmp(x->tok.error, "access_denied"))) {
        return ssomod_refresh_end(
            x, "refresh-revoked",
            apr_pstrcat(x->r->pool, "the provider refused its refresh token (",
                        err,
                        "): the grant was revoked, or the user is gone "
                        "or no longer allowed to use this client",
                        NULL));
    }
    return ssomod_refresh_unavailable(x, err);
}

static sso_jwt_status ssomod_refresh_verify_with(ssomod_refresh *x,
                                                 const sso_jwks *keys,
                                                 sso_jwt_result *id)
{
    sso_jwt_expect e = { 0 };

    e.issuer = x->c->authority;
    e.client_id = x->c->client_id;
    e.refreshed = 1;
    e.access_token = x->tok.access_token;
    e.now = apr_time_sec(apr_time_now());
    e.clock_skew = x->c->clock_skew;
    return sso_jwt_verify(x->r->pool, x->tok.id_token, keys, &e, id);
}

/* Core §12.2: the new ID token is validated as at login, for the same sub. */
static ssomod_refresh_e ssomod_refresh_id_token(ssomod_refresh *x)
{
    const sso_jwks *keys;
    sso_jwt_result id;
    sso_jwt_status st;

    if (!x->tok.id_token) {
        return SSO_REFRESH_DONE;
    }
    if (ssomod_op_jwks(x->r, x->c, x->meta, &keys) != OK) {
        return ssomod_refresh_unavailable(
            x, "the provider's keys are not available");
    }
    st = ssomod_refresh_verify_with(x, keys, &id);
    if (st == SSO_JWT_UNKNOWN_KID
        && ssomod_op_jwks_refetch(x->r, x->c, x->meta, &keys)
               == SSO_REFETCH_OK) {
        st = ssomod_refresh_verify_with(x, keys, &id);
    }
    if (st != SSO_JWT_OK) {
        return ssomod_refresh_unavailable(
            x, apr_psprintf(x->r->pool,
                            "the "
                            "refreshed ID token was refused (%s): %s",
                            sso_jwt_status_name(st), id.error));
    }
    if (!x->s->sub || strcmp(id.sub, x->s->sub)) {
        return ssomod_refresh_end(x, "refresh-revoked",
                                  "the refreshed ID token names another "
                                  "subject (sub)");
    }
    x->claims = id.claims;
    return SSO_REFRESH_DONE;
}

/* The groups claim from the new ID token, else from userinfo (with the
 * new access token), as at login. */
static ssomod_refresh_e ssomod_refresh_groups_claim(ssomod_refresh *x,
                                                    json_t **groups)
{
    const apr_array_header_t *path = x->c->groups_claim_path;
    ssomod_status_timer timer;
    sso_http_response resp;
    sso_http_status_e st;
    sso_http_opts o;
    const char *err;

    if ((*groups = sso_claim_path_get(x->claims, path))
        || !x->meta->userinfo_endpoint) {
        return SSO_REFRESH_DONE;
    }
    ssomod_op_http_opts(x->c, &o);
    timer = ssomod_status_call_begin(SSO_CALL_USERINFO);
    st = sso_http_get(x->r->pool, &o, x->meta->userinfo_endpoint,
                      x->tok.access_token, &resp);
    ssomod_status_call_end(x->r, timer,
                           st == SSO_HTTP_OK && resp.http_status == 200);
    if (st == SSO_HTTP_OK && resp.http_status == 401
        && x->kept == SSO_KEPT_ACCESS_TOKEN) {
        return ssomod_refresh_end(
            x, "refresh-revoked",
            "the provider refused its access token at userinfo (HTTP "
            "401: expired or revoked, or the user is gone) and issued no "
            "refresh token to get another");
    }
    if (st != SSO_HTTP_OK || resp.http_status != 200) {
        return ssomod_refresh_unavailable(
            x, resp.error
                   ? resp.error
                   : apr_psprintf(x->r->pool, "userinfo answered HTTP %ld",
                                  resp.http_status));
    }
    if (sso_provider_parse_userinfo(x->r->pool, resp.body, resp.len, x->s->sub,
                                    &x->userinfo, &err)
        != APR_SUCCESS) {
        return ssomod_refresh_unavailable(x, err);
    }
    *groups = sso_claim_path_get(x->userinfo, path);
    return SSO_REFRESH_DONE;
}

/* Re-mapped as at login: in the registry and in the session. */
static ssomod_refresh_e ssomod_refresh_apply(ssomod_refresh *x, json_t *groups)
{
    request_rec *r = x->r;
    const ssomod_server_conf *c = x->c;
    const char *problem = NULL, *err = NULL;
    apr_array_header_t *remote =
        sso_groups_from_claim(r->pool, groups, &problem);
    apr_array_header_t *mapped = sso_groups_map(r->pool, c->group_map, remote);
    struct sso_registry *reg;
    apr_status_t rv;

    if (!c->group_map->nelts) {
        return SSO_REFRESH_DONE;
    }
    if (c->require_mapped_group && !mapped->nelts) {
        return ssomod_refresh_end(
            x, "no-mapped-group",
            apr_psprintf(r->pool,
                         "the provider no longer "
                         "puts the user in any mapped group (groups [%s]; "
                         "SSORequireMappedGroup On)",
                         sso_groups_join(r->pool, remote)));
    }
    if (!(reg = ssomod_registry_acquire(r, c))) {
        return ssomod_refresh_unavailable(x,
                                          "the user registry is not available");
    }
    rv = sso_registry_set_groups(reg, r->pool, x->s->user, mapped, &err);
    ssomod_registry_release(r, c, reg, rv != APR_SUCCESS && rv != APR_NOTFOUND);
    if (rv != APR_SUCCESS) {
        return ssomod_refresh_unavailable(
            x, apr_pstrcat(r->pool,
                           "the user "
                           "registry refused the groups: ",
                           err ? err : "no such user", NULL));
    }
    ssomod_log_r(r, APLOG_INFO, 0,
                 SSOLOGNO(00133) "groups of %s refreshed from the provider: "
                                 "[%s] (were [%s])",
                          x->s->user, sso_groups_join(r->pool, mapped),
                          sso_groups_join(r->pool, x->s->groups));
    x->s->groups = mapped;
    return SSO_REFRESH_DONE;
}

/* Without a refresh token: userinfo with the access token of the login. */
static ssomod_refresh_e ssomod_refresh_by_access(ssomod_refresh *x,
                                                 const char *at)
{
    json_t *groups = NULL;
    ssomod_refresh_e e;

    if (!x->meta->userinfo_endpoint) {
        return ssomod_refresh_unavailable(
            x, "the provider issued no refresh token and advertises no "
               "userinfo_endpoint");
    }
    x->tok.access_token = at;
    if ((e = ssomod_refresh_groups_claim(x, &groups)) != SSO_REFRESH_DONE) {
        return e;
    }
    return ssomod_refresh_apply(x, groups);
}

static ssomod_refresh_e ssomod_refresh_run(ssomod_refresh *x)
{
    const char *rt = ssomod_refresh_token_get(x);
    json_t *groups = NULL;
    ssomod_refresh_e e;

    if (!rt) {
        ssomod_log_r(x->r, APLOG_DEBUG, 0,
                     SSOLOGNO(00134) "groups of %s not refreshed: the "
                                     "session has no token kept for it",
                              x->s->user);
        return SSO_REFRESH_UNAVAILABLE;
    }
    if (ssomod_op_meta(x->r, x->c, &x->meta) != OK) {
        return ssomod_refresh_unavailable(x,
                                          "the provider's discovery document "
                                          "is not available");
    }
    if (x->kept == SSO_KEPT_ACCESS_TOKEN) {
        return ssomod_refresh_by_access(x, rt);
    }
    if ((e = ssomod_refresh_grant(x, rt)) != SSO_REFRESH_DONE) {
        return e;
    }
    /* Rotation: the old token is spent once the provider answered. */
    if (x->tok.refresh_token) {
        ssomod_refresh_token_store(
            x->r, x->c, x->sid, x->tok.refresh_token,
            apr_time_from_sec(x->s->created + x->c->session_max_age));
    }
    if ((e = ssomod_refresh_id_token(x)) != SSO_REFRESH_DONE
        || (e = ssomod_refresh_groups_claim(x, &groups)) != SSO_REFRESH_DONE) {
        return e;
    }
    return ssomod_refresh_apply(x, groups);
}

/* The mark that lets one request of the session refresh at a time. */
static const char *ssomod_refresh_mark_key(request_rec *r,
                                           const unsigned char *sid,
                                           apr_size_t *klen)
{
    char *name = apr_palloc(r->pool, 8 + SSO_ID_BYTES);

    memcpy(name, "refresh\n", 8);
    memcpy(name + 8, sid, SSO_ID_BYTES);
    return sso_key_make(r->pool, SSO_KEY_MARK, name, 8 + SSO_ID_BYTES, klen);
}

/* The record as it is in the cache now, into *s when it is still there. */
static int ssomod_refresh_still_due(request_rec *r, const ssomod_server_conf *c,
                                    const unsigned char *sid, sso_session *s)
{
    unsigned char buf[SSO_SESSION_MAX];
    apr_size_t len = sizeof(buf);
    sso_session now;

    if (ssomod_cache_retrieve(r->server, SSO_CACHE_SESSIONS, (const char *)sid,
                              SSO_ID_BYTES, buf, &len, r->pool)
            != APR_SUCCESS
        || sso_session_decode(r->pool, buf, len, &now)) {
        return 1;
    }
    if (sso_session_needs_refresh(&now, apr_time_sec(r->request_time),
                                  c->group_refresh)) {
        return 1;
    }
    *s = now;
    return 0;
}

ssomod_recheck_e ssomod_refresh_due(request_rec *r, const ssomod_server_conf *c,
                                    const unsigned char *sid, sso_session *s)
{
    ssomod_refresh x = { 0 };
    apr_size_t klen;
    const char *mark = ssomod_refresh_mark_key(r, sid, &klen);
    ssomod_refresh_e e;

    /* Held no longer than the calls to the provider may take. */
    if (ssomod_cache_mark(
            r->server, mark, klen,
            r->request_time
                + apr_time_from_sec(2 * c->http_timeout
                                    + 2 * c->http_connect_timeout),
            r->pool)
        != SSO_MARK_SET) {
        return SSO_RECHECK_OK;
    }
    /* Another request may have refreshed and let go of the mark since
     * this one read the record: then this one takes its result. */
    if (!ssomod_refresh_still_due(r, c, sid, s)) {
        ssomod_cache_remove(r->server, SSO_CACHE_AUX, mark, klen, r->pool);
        return SSO_RECHECK_OK;
    }
    x.r = r;
    x.c = c;
    x.sid = sid;
    x.s = s;
    e = ssomod_refresh_run(&x);
    if (e != SSO_REFRESH_ENDED) {
        /* Done or not, the next try is an interval away from now (the
         * calls took time); written before the mark goes, so that the
         * next holder finds it not due. */
        s->refreshed = apr_time_sec(apr_time_now());
        ssomod_session_touch(r, c, sid, s, 1);
    }
    ssomod_cache_remove(r->server, SSO_CACHE_AUX, mark, klen, r->pool);
    return e == SSO_REFRESH_ENDED ? SSO_RECHECK_GONE : SSO_RECHECK_OK;
}
