/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Require sso-group: the authz provider */
#ifndef MOD_AUTH_SSO_AUTHZ_H
#define MOD_AUTH_SSO_AUTHZ_H

#include "mod_auth_sso_private.h"
#include "apr_hash.h"

void ssomod_authz_register(apr_pool_t *p);
void ssomod_authz_warn_unknown(apr_pool_t *ptemp, server_rec *s,
                               apr_hash_t *known);

#endif
