/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* SSOLoginTemplate: placeholders replaced in one pass. Pure logic. */
#ifndef SSO_TEMPLATE_H
#define SSO_TEMPLATE_H

#include "apr_pools.h"

/* tpl with each occurrence of names[i] (NULL-terminated list, e.g.
 * "{{site}}") replaced by values[i]. One pass over tpl, left to right:
 * inserted values are copied, never scanned again, so a value that
 * contains a placeholder (a return path, a request ID) stays as it is.
 * Other text, unknown placeholders included, is copied unchanged. */
const char *sso_template_fill(apr_pool_t *p, const char *tpl,
                              const char *const *names,
                              const char *const *values);

#endif
