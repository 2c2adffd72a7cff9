/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* SSOClientSecret values: literal, file:/path or env:NAME. Pure logic. */
#ifndef SSO_SECRET_H
#define SSO_SECRET_H

#include "apr_pools.h"

/* Resolves spec into *value. Returns NULL on success, else an error that
 * names the file or variable but never contains the secret. */
const char *sso_secret_resolve(apr_pool_t *p, const char *spec,
                               const char **value);

/* Constant-time comparison of two NUL-terminated secrets. */
int sso_secret_equal(const char *a, const char *b);

#endif
