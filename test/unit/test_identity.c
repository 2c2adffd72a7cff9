/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_identity.h"

START_TEST(owns_the_four_headers)
{
    ck_assert(sso_identity_owns_header("X-SSO-User"));
    ck_assert(sso_identity_owns_header("X-SSO-Groups"));
    ck_assert(sso_identity_owns_header("X-SSO-Email"));
    ck_assert(sso_identity_owns_header("X-SSO-Name"));
}
END_TEST

START_TEST(any_case)
{
    ck_assert(sso_identity_owns_header("x-sso-user"));
    ck_assert(sso_identity_owns_header("X-SSO-USER"));
    ck_assert(sso_identity_owns_header("x-SsO-gRoUpS"));
}
END_TEST

/* CGI maps '-' and '_' to the same HTTP_X_SSO_USER variable. */
START_TEST(underscore_for_dash)
{
    ck_assert(sso_identity_owns_header("X_SSO_USER"));
    ck_assert(sso_identity_owns_header("x_sso-email"));
    ck_assert(sso_identity_owns_header("X-SSO_Name"));
}
END_TEST

START_TEST(near_misses_are_not_ours)
{
    ck_assert(!sso_identity_owns_header("X-SSO-UserX"));
    ck_assert(!sso_identity_owns_header("X-SSO-Use"));
    ck_assert(!sso_identity_owns_header("X-SSO-"));
    ck_assert(!sso_identity_owns_header("X-SSO"));
    ck_assert(!sso_identity_owns_header("X-SSO-User "));
    ck_assert(!sso_identity_owns_header("X-SSO-Other"));
    ck_assert(!sso_identity_owns_header("X-Remote-User"));
    ck_assert(!sso_identity_owns_header("Remote-User"));
    ck_assert(!sso_identity_owns_header("SSO_USER"));
    ck_assert(!sso_identity_owns_header("XX-SSO-User"));
    ck_assert(!sso_identity_owns_header("X-SSOUser"));
    /* Only the prefix takes '_' for '-'. */
    ck_assert(!sso_identity_owns_header("X-SSO-User_"));
    ck_assert(!sso_identity_owns_header(""));
}
END_TEST

Suite *sso_identity_suite(void)
{
    Suite *s = suite_create("sso_identity");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, owns_the_four_headers);
    tcase_add_test(tc, any_case);
    tcase_add_test(tc, underscore_for_dash);
    tcase_add_test(tc, near_misses_are_not_ours);
    suite_add_tcase(s, tc);
    return s;
}
