/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* /sso/account: the signed-in user's own page. */
#ifndef MOD_AUTH_SSO_ACCOUNTPAGE_H
#define MOD_AUTH_SSO_ACCOUNTPAGE_H

#include "mod_auth_sso_config.h"

/* GET and POST. */
int ssomod_accountpage_handle(request_rec *r, const ssomod_server_conf *c,
                              apr_table_t *args);

#endif
