/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The login with the provider: start and callback */
#ifndef MOD_AUTH_SSO_LOGIN_H
#define MOD_AUTH_SSO_LOGIN_H

#include "mod_auth_sso_config.h"

/* The callback URL of this server, as sent to the provider. */
const char *ssomod_redirect_uri(request_rec *r, const ssomod_server_conf *c);
int ssomod_login_start(request_rec *r, const ssomod_server_conf *c,
                       const char *return_path);
int ssomod_login_callback(request_rec *r, const ssomod_server_conf *c);
int ssomod_login_session(request_rec *r, const ssomod_server_conf *c,
                         const sso_session *s, const char **token);

#endif
