/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_random.h"

#include <string.h>

static const char b64url_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

START_TEST(token_length_and_alphabet)
{
    static const size_t sizes[] = { 1, 2, 3, 16, 32, 33, SSO_RANDOM_MAX_BYTES };
    size_t i;

    for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
        const char *t = NULL;

        ck_assert_int_eq(sso_random_token(unit_pool, sizes[i], &t),
                         APR_SUCCESS);
        /* Unpadded base64: 4 characters per 3 bytes, rounded up. */
        ck_assert_uint_eq(strlen(t), (sizes[i] * 4 + 2) / 3);
        ck_assert_uint_eq(strspn(t, b64url_alphabet), strlen(t));
        ck_assert_ptr_null(strchr(t, '='));
    }
}
END_TEST

START_TEST(token_calls_differ)
{
    const char *a, *b;

    ck_assert_int_eq(sso_random_token(unit_pool, 32, &a), APR_SUCCESS);
    ck_assert_int_eq(sso_random_token(unit_pool, 32, &b), APR_SUCCESS);
    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(token_bad_size)
{
    const char *t = "x";

    ck_assert_int_eq(sso_random_token(unit_pool, 0, &t), APR_EINVAL);
    ck_assert_ptr_null(t);
    ck_assert_int_eq(sso_random_token(unit_pool, SSO_RANDOM_MAX_BYTES + 1, &t),
                     APR_EINVAL);
}
END_TEST

START_TEST(pkce_rfc7636_vector)
{
    ck_assert_str_eq(
        sso_pkce_challenge_s256(unit_pool,
                                "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}
END_TEST

/* RFC 4231 test case 2: HMAC-SHA-256("Jefe", "what do ya want for nothing?"),
 * here in base64url. */
START_TEST(derive)
{
    const char *t = sso_random_derive(unit_pool, (const unsigned char *)"Jefe",
                                      4, "what do ya want for nothing?");

    ck_assert_str_eq(t, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
    ck_assert_str_ne(sso_random_derive(unit_pool, (const unsigned char *)"Jefe",
                                       4, "account"),
                     sso_random_derive(unit_pool, (const unsigned char *)"Jeff",
                                       4, "account"));
}
END_TEST

Suite *sso_random_suite(void)
{
    Suite *s = suite_create("sso_random");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, token_length_and_alphabet);
    tcase_add_test(tc, token_calls_differ);
    tcase_add_test(tc, token_bad_size);
    tcase_add_test(tc, pkce_rfc7636_vector);
    tcase_add_test(tc, derive);
    suite_add_tcase(s, tc);
    return s;
}
