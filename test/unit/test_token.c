/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_token.h"
#include "sso_throttle.h"

#include <string.h>
#include "apr_strings.h"

START_TEST(new_tokens_are_43_base64url_and_differ)
{
    const char *a, *b;

    ck_assert_int_eq(sso_token_new(unit_pool, &a), APR_SUCCESS);
    ck_assert_int_eq(sso_token_new(unit_pool, &b), APR_SUCCESS);
    ck_assert_int_eq(strlen(a), 43);
    ck_assert_int_eq(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
                               "tuvwxyz0123456789-_"),
                     43);
    ck_assert_str_ne(a, b);
}
END_TEST

START_TEST(hash_is_sha256_hex)
{
    unsigned char h[SSO_TOKEN_HASH_BYTES];

    ck_assert(sso_token_hash("abc", h));
    ck_assert_str_eq(sso_token_hash_hex(unit_pool, h),
                     "ba7816bf8f01cfea414140de5dae2223"
                     "b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(authorization_header)
{
    char *big = apr_pcalloc(unit_pool, SSO_TOKEN_MAX_LEN + 10);

    ck_assert_str_eq(sso_token_from_authorization("Bearer abc"), "abc");
    ck_assert_str_eq(sso_token_from_authorization("bearer   abc"), "abc");
    ck_assert_str_eq(sso_token_from_authorization("Bearer"), "");
    ck_assert_str_eq(sso_token_from_authorization("Bearer  "), "");
    ck_assert_str_eq(sso_token_from_authorization("Bearer a b"), "a b");
    ck_assert_str_eq(sso_token_from_authorization("Bearer abc "), "");
    ck_assert_ptr_null(sso_token_from_authorization(NULL));
    ck_assert_ptr_null(sso_token_from_authorization("Basic YTpi"));
    ck_assert_ptr_null(sso_token_from_authorization("Bearerabc"));
    memset(big, 'a', SSO_TOKEN_MAX_LEN + 1);
    ck_assert_str_eq(sso_token_from_authorization(
                         apr_pstrcat(unit_pool, "Bearer ", big, NULL)),
                     "");
}
END_TEST

START_TEST(expiry_and_judgement)
{
    sso_api_token t = { "ci", "h", 100, 0, 0 };
    sso_user u = { 0 };
    apr_int64_t e = -1;

    ck_assert_int_eq(sso_token_expiry(1000, 0, &e), APR_SUCCESS);
    ck_assert(e == 0);
    ck_assert_int_eq(sso_token_expiry(1000, 2, &e), APR_SUCCESS);
    ck_assert(e == 1000 + 2 * 86400);
    ck_assert_int_eq(sso_token_expiry(1000, -1, &e), APR_EINVAL);
    ck_assert_int_eq(sso_token_expiry(1000, SSO_TOKEN_DAYS_MAX + 1, &e),
                     APR_EINVAL);

    ck_assert_int_eq(sso_token_judge(&t, &u, 5000), SSO_TOKEN_VALID);
    t.expires = 5000;
    ck_assert_int_eq(sso_token_judge(&t, &u, 4999), SSO_TOKEN_VALID);
    ck_assert_int_eq(sso_token_judge(&t, &u, 5000), SSO_TOKEN_EXPIRED);
    u.disabled = 1;
    ck_assert_int_eq(sso_token_judge(&t, &u, 10), SSO_TOKEN_DISABLED);
    ck_assert_str_eq(sso_token_cause(SSO_TOKEN_EXPIRED), "expired");
    ck_assert_str_eq(sso_token_cause(SSO_TOKEN_DISABLED), "disabled");
}
END_TEST

static apr_array_header_t *two_groups(void)
{
    apr_array_header_t *g = apr_array_make(unit_pool, 2, sizeof(char *));

    APR_ARRAY_PUSH(g, const char *) = "DNS Administrators";
    APR_ARRAY_PUSH(g, const char *) = "ops";
    return g;
}

START_TEST(memo_keeps_an_accepted_token_for_the_ttl)
{
    sso_token_memo *m = apr_pcalloc(unit_pool, sizeof(*m));
    sso_token_memo_slot s;
    unsigned char h[SSO_TOKEN_HASH_BYTES], other[SSO_TOKEN_HASH_BYTES];
    apr_array_header_t *g;
    int owner, owner2;

    sso_token_hash("t1", h);
    memcpy(other, h, sizeof(other));
    other[31] ^= 1; /* same slot, another token */
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 100, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
    sso_token_memo_put(m, &owner, h, 100, 0, 90, "alice", two_groups());
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 129, 30, &s),
                     SSO_TOKEN_MEMO_HIT);
    ck_assert_str_eq(s.user, "alice");
    ck_assert(s.touched == 90);
    g = sso_token_memo_groups(unit_pool, &s);
    ck_assert_int_eq(g->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(g, 0, const char *), "DNS Administrators");
    ck_assert_str_eq(APR_ARRAY_IDX(g, 1, const char *), "ops");
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 130, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 99, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
    ck_assert_int_eq(sso_token_memo_get(m, &owner2, h, 110, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
    ck_assert_int_eq(sso_token_memo_get(m, &owner, other, 110, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
    sso_token_memo_touched(m, &owner, h, 120);
    sso_token_memo_get(m, &owner, h, 121, 30, &s);
    ck_assert(s.touched == 120);
}
END_TEST

START_TEST(memo_honours_expiry_and_room)
{
    sso_token_memo *m = apr_pcalloc(unit_pool, sizeof(*m));
    sso_token_memo_slot s;
    unsigned char h[SSO_TOKEN_HASH_BYTES];
    apr_array_header_t *g = apr_array_make(unit_pool, 20, sizeof(char *));
    char *name = apr_pcalloc(unit_pool, 256);
    int owner, i;

    sso_token_hash("t2", h);
    sso_token_memo_put(m, &owner, h, 100, 105, 0, "bob", NULL);
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 104, 30, &s),
                     SSO_TOKEN_MEMO_HIT);
    ck_assert_int_eq(sso_token_memo_groups(unit_pool, &s)->nelts, 0);
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 105, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
    memset(name, 'g', 255);
    for (i = 0; i < 9; i++) {
        APR_ARRAY_PUSH(g, const char *) = name;
    }
    sso_token_memo_put(m, &owner, h, 100, 0, 0, "bob", g);
    ck_assert_int_eq(sso_token_memo_get(m, &owner, h, 101, 30, &s),
                     SSO_TOKEN_MEMO_MISS);
}
END_TEST

START_TEST(touch_at_most_once_a_minute)
{
    ck_assert(sso_token_touch_due(0, 1000));
    ck_assert(!sso_token_touch_due(950, 1000));
    ck_assert(sso_token_touch_due(940, 1000));
    ck_assert(sso_token_touch_due(2000, 1000));
}
END_TEST

START_TEST(throttle_refund_takes_back_one)
{
    sso_throttle t = { 0, 0 };

    sso_throttle_attempt(&t, 1000);
    sso_throttle_attempt(&t, 1000);
    sso_throttle_refund(&t);
    ck_assert_int_eq(t.failures, 1);
    sso_throttle_refund(&t);
    sso_throttle_refund(&t);
    ck_assert_int_eq(t.failures, 0);
}
END_TEST

Suite *sso_token_suite(void)
{
    Suite *s = suite_create("sso_token");
    TCase *tc = tcase_create("token");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, new_tokens_are_43_base64url_and_differ);
    tcase_add_test(tc, hash_is_sha256_hex);
    tcase_add_test(tc, authorization_header);
    tcase_add_test(tc, expiry_and_judgement);
    tcase_add_test(tc, memo_keeps_an_accepted_token_for_the_ttl);
    tcase_add_test(tc, memo_honours_expiry_and_room);
    tcase_add_test(tc, touch_at_most_once_a_minute);
    tcase_add_test(tc, throttle_refund_takes_back_one);
    suite_add_tcase(s, tc);
    return s;
}
