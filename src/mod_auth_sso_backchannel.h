/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Back-channel logout (OpenID Connect Back-Channel Logout 1.0). */
#ifndef MOD_AUTH_SSO_BACKCHANNEL_H
#define MOD_AUTH_SSO_BACKCHANNEL_H

#include "mod_auth_sso_config.h"

/* At login: the session token under this sub and (provider) sid. */
void ssomod_backchannel_index(request_rec *r, const ssomod_server_conf *c,
                              const char *token, const char *sub,
                              const char *sid);
/* POST /sso/backchannel-logout. */
int ssomod_backchannel_handle(request_rec *r, const ssomod_server_conf *c);

#endif
