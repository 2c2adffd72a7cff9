/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The module's own routes under SSOBasePath */
#ifndef MOD_AUTH_SSO_ROUTES_H
#define MOD_AUTH_SSO_ROUTES_H

#include "mod_auth_sso_config.h"

int ssomod_routes_quick_handler(request_rec *r, int lookup_uri);
/* Sends doc (and releases it) as the whole application/json response. */
struct json_t;
int ssomod_routes_send_json(request_rec *r, struct json_t *doc);

#endif
