/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The login page: the SSO button and the local form */
#ifndef MOD_AUTH_SSO_LOGINPAGE_H
#define MOD_AUTH_SSO_LOGINPAGE_H

#include "mod_auth_sso_config.h"
#include "util_script.h"
#include "sso_registry.h"
#include "sso_throttle.h"

int ssomod_loginpage_show(request_rec *r, const ssomod_server_conf *c,
                          apr_table_t *args);
int ssomod_loginpage_post(request_rec *r, const ssomod_server_conf *c);
/* The value of a form field read with ap_parse_form_data. */
const char *ssomod_form_value(request_rec *r, ap_form_pair_t *pair);

/* <SSOBasePath>/login: the login page, also the TOTP step's. */
const char *ssomod_login_path(request_rec *r, const ssomod_server_conf *c);
/* The login form's CSRF token (set as a pre-login cookie when missing),
 * and whether a posted token matches that cookie. */
const char *ssomod_login_csrf_token(request_rec *r,
                                    const ssomod_server_conf *c);
int ssomod_login_csrf_match(request_rec *r, const ssomod_server_conf *c,
                            const char *csrf);
/* The per-address throttle of local logins (sso_throttle.h): the attempt
 * counted. _key: under another key (an account's wrong TOTP codes). */
typedef enum {
    SSO_ATTEMPT_ALLOWED, /* counted: go on */
    SSO_ATTEMPT_BLOCKED,
    SSO_ATTEMPT_FAILED /* the cache failed (logged) */
} ssomod_attempt_e;
ssomod_attempt_e ssomod_throttle_take(request_rec *r, sso_throttle *t);
ssomod_attempt_e ssomod_throttle_take_key(request_rec *r, const char *key,
                                          apr_size_t klen, sso_throttle *t);
/* For API tokens: whether the address is blocked, counting nothing; and
 * one failure counted, once a token is refused. */
ssomod_attempt_e ssomod_throttle_peek(request_rec *r, sso_throttle *t);
void ssomod_throttle_fail(request_rec *r);
/* Forgets the address's failures (a success). */
void ssomod_throttle_clear(request_rec *r);
/* The 429 page of a blocked attempt. */
int ssomod_login_blocked(request_rec *r, const sso_throttle *t);
/* A local user of the registry is in: last login recorded, throttle
 * cleared, session made, redirect to ret; the audit trail's local-login
 * with cause ("password", "totp", "totp-enrolled"). */
int ssomod_login_finish(request_rec *r, const ssomod_server_conf *c,
                        const sso_user *u, const char *ret, const char *cause);
/* A local sign-in event: the request notes (sso-event, sso-event-cause,
 * sso-event-user) and a row of the registry's trail. */
void ssomod_local_event(request_rec *r, const ssomod_server_conf *c,
                        const char *user, const char *event, const char *cause);

#endif
