/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* AuthType sso: the check_authn hook */
#ifndef MOD_AUTH_SSO_AUTHN_H
#define MOD_AUTH_SSO_AUTHN_H

#include "mod_auth_sso_private.h"

void ssomod_authn_register(apr_pool_t *p);

#endif
