/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The TOTP step of local logins (SSOLocalTOTP), and what the account page
 * shares with it. */
#ifndef MOD_AUTH_SSO_TOTP_H
#define MOD_AUTH_SSO_TOTP_H

#include "mod_auth_sso_config.h"
#include "mod_auth_sso_loginpage.h"

/* After the right password: SSO_TOTP_STEP_NONE when no code is due (go on
 * and sign in), else SSO_TOTP_STEP_ASKED with *status the response that
 * asks for one (or for enrolment). */
typedef enum { SSO_TOTP_STEP_NONE, SSO_TOTP_STEP_ASKED } ssomod_totpstep_e;
ssomod_totpstep_e ssomod_totpstep_after_password(request_rec *r,
                                                 const ssomod_server_conf *c,
                                                 const sso_user *u,
                                                 const char *ret, int *status);
/* GET /sso/login?step=...: the code or enrolment form. */
int ssomod_totpstep_show(request_rec *r, const ssomod_server_conf *c,
                         apr_table_t *args);
/* POST of that form (CSRF checked, the address's attempt counted). */
int ssomod_totpstep_post(request_rec *r, const ssomod_server_conf *c,
                         const char *step, const char *code);
/* Wrong TOTP codes of one account (at most SSO_THROTTLE_MAX_FAILURES a
 * window): the attempt counted; with clear, the count is forgotten
 * instead (SSO_ATTEMPT_ALLOWED). */
ssomod_attempt_e ssomod_totpstep_account_take(request_rec *r,
                                              const char *username,
                                              sso_throttle *t, int clear);
/* The TOTP key beside the store; 0 (logged) when it cannot be read. */
int ssomod_totp_key_load(request_rec *r, const ssomod_server_conf *c,
                         unsigned char *key);
/* The secret inside a sealed value, or NULL (logged). */
const unsigned char *ssomod_totp_secret_of(request_rec *r,
                                           const ssomod_server_conf *c,
                                           const char *username,
                                           const char *sealed, apr_size_t *len);
/* HTML: the QR code (inline SVG) and base32 secret to enrol with. */
const char *ssomod_totp_enrol_html(request_rec *r, const char *username,
                                   const unsigned char *secret, apr_size_t len);

#endif
