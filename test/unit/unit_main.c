/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"

#include <stdlib.h>
#include "apr_general.h"

apr_pool_t *unit_pool;

void unit_pool_setup(void)
{
    apr_pool_create(&unit_pool, NULL);
}

void unit_pool_teardown(void)
{
    apr_pool_destroy(unit_pool);
    unit_pool = NULL;
}

int main(void)
{
    SRunner *sr;
    int failed;

    apr_initialize();
    sr = srunner_create(sso_url_suite());
    srunner_add_suite(sr, sso_secret_suite());
    srunner_add_suite(sr, sso_throttle_suite());
    srunner_add_suite(sr, sso_token_suite());
    srunner_add_suite(sr, sso_key_suite());
    srunner_add_suite(sr, sso_groups_suite());
    srunner_add_suite(sr, sso_http_suite());
    srunner_add_suite(sr, sso_provider_suite());
    srunner_add_suite(sr, sso_parsed_suite());
    srunner_add_suite(sr, sso_docs_suite());
    srunner_add_suite(sr, sso_random_suite());
    srunner_add_suite(sr, sso_session_suite());
    srunner_add_suite(sr, sso_memo_suite());
    srunner_add_suite(sr, sso_reuse_suite());
    srunner_add_suite(sr, sso_cookie_suite());
    srunner_add_suite(sr, sso_pending_suite());
    srunner_add_suite(sr, sso_jwt_suite());
    srunner_add_suite(sr, sso_registry_suite());
    srunner_add_suite(sr, sso_account_suite());
    srunner_add_suite(sr, sso_template_suite());
    srunner_add_suite(sr, sso_owner_suite());
    srunner_add_suite(sr, sso_identity_suite());
    srunner_add_suite(sr, sso_socache_suite());
    srunner_add_suite(sr, sso_oidc_suite());
    srunner_add_suite(sr, sso_totp_suite());
    srunner_add_suite(sr, sso_qr_suite());
    srunner_add_suite(sr, sso_stats_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
