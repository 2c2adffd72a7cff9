/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* API tokens under AuthType sso (SSOAPITokens): Authorization: Bearer */
#ifndef MOD_AUTH_SSO_TOKEN_H
#define MOD_AUTH_SSO_TOKEN_H

#include "mod_auth_sso_private.h"
#include "mod_auth_sso_config.h"

void ssomod_token_child_init(apr_pool_t *p, server_rec *s);
/* The request's Bearer token when SSOAPITokens is on, else NULL ("" for
 * an empty or over-long one). */
const char *ssomod_token_of(request_rec *r, const ssomod_server_conf *c);
/* OK with *id the token's user and current groups, or the status already
 * answered: 401 (wrong, revoked, expired, disabled), 429 (the address is
 * throttled) or 503 (registry or cache down). */
int ssomod_token_check(request_rec *r, const ssomod_server_conf *c,
                       const char *token, ssomod_identity **id);

#endif
