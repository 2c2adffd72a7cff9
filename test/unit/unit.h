/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#ifndef SSO_UNIT_H
#define SSO_UNIT_H

#include <check.h>
#include "apr_pools.h"

/* Each suite file provides one of these; unit_main.c runs them all. */
Suite *sso_url_suite(void);
Suite *sso_secret_suite(void);
Suite *sso_throttle_suite(void);
Suite *sso_key_suite(void);
Suite *sso_groups_suite(void);
Suite *sso_http_suite(void);
Suite *sso_provider_suite(void);
Suite *sso_parsed_suite(void);
Suite *sso_docs_suite(void);
Suite *sso_random_suite(void);
Suite *sso_session_suite(void);
Suite *sso_memo_suite(void);
Suite *sso_reuse_suite(void);
Suite *sso_cookie_suite(void);
Suite *sso_pending_suite(void);
Suite *sso_jwt_suite(void);
Suite *sso_registry_suite(void);
Suite *sso_account_suite(void);
Suite *sso_template_suite(void);
Suite *sso_owner_suite(void);
Suite *sso_identity_suite(void);
Suite *sso_socache_suite(void);
Suite *sso_oidc_suite(void);
Suite *sso_totp_suite(void);
Suite *sso_qr_suite(void);
Suite *sso_token_suite(void);
Suite *sso_stats_suite(void);

/* A pool per test, destroyed in teardown. */
extern apr_pool_t *unit_pool;
void unit_pool_setup(void);
void unit_pool_teardown(void);

#endif
