/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The login page: the SSO button and the local form */
#ifndef MOD_AUTH_SSO_LOGINPAGE_H
#define MOD_AUTH_SSO_LOGINPAGE_H

#include "mod_auth_sso_config.h"
#include "util_script.h"

int ssomod_loginpage_show(request_rec *r, const ssomod_server_conf *c, apr_table_t *args);
int ssomod_loginpage_post(request_rec *r, const ssomod_server_conf *c);
/* The value of a form field read with ap_parse_form_data. */
const char *ssomod_form_value(request_rec *r, ap_form_pair_t *pair);

#endif
