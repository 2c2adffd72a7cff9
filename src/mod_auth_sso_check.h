/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Startup checks of the configuration */
#ifndef MOD_AUTH_SSO_CHECK_H
#define MOD_AUTH_SSO_CHECK_H

#include "mod_auth_sso_private.h"

int ssomod_check_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s);
int ssomod_check_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                        server_rec *s);

#endif
