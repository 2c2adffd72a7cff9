/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* SSOGroupRefresh: the provider's groups read again with the refresh
 * token kept server-side. */
#ifndef MOD_AUTH_SSO_REFRESH_H
#define MOD_AUTH_SSO_REFRESH_H

#include "mod_auth_sso_config.h"
#include "mod_auth_sso_account.h"
#include "sso_provider.h"

/* At login: keeps the refresh token of the token response with the
 * session token's session, else its access token. */
void ssomod_refresh_keep_token(request_rec *r, const ssomod_server_conf *c,
                               const char *token,
                               const sso_token_response *tok);
void ssomod_refresh_forget(request_rec *r, const unsigned char *sid);
/* For a session due a refresh: SSO_RECHECK_OK (s may have new groups, and
 * the record is written), SSO_RECHECK_GONE when the session must end. */
ssomod_recheck_e ssomod_refresh_due(request_rec *r, const ssomod_server_conf *c,
                                    const unsigned char *sid, sso_session *s);

#endif
