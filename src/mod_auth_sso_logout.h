/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Logout */
#ifndef MOD_AUTH_SSO_LOGOUT_H
#define MOD_AUTH_SSO_LOGOUT_H

#include "mod_auth_sso_config.h"

int ssomod_logout_handle(request_rec *r, const ssomod_server_conf *c,
                         const char *query_return);

/* /sso/logged-out: back from the provider's logout, state checked. */
int ssomod_logout_returned(request_rec *r, const ssomod_server_conf *c,
                           apr_table_t *args);

#endif
