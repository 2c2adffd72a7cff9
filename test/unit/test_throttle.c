/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_throttle.h"
#include "sso_key.h"

#include <string.h>

START_TEST(five_failures_block_for_300_s)
{
    sso_throttle t = { 0, 0 };
    int i;

    for (i = 0; i < 4; i++) {
        sso_throttle_fail(&t, 1000 + i);
    }
    ck_assert(!sso_throttle_blocked(&t, 1004));
    sso_throttle_fail(&t, 1004);
    ck_assert(sso_throttle_blocked(&t, 1004));
    ck_assert_int_eq(sso_throttle_remaining(&t, 1004), 296);
    ck_assert(sso_throttle_blocked(&t, 1299));
    ck_assert(!sso_throttle_blocked(&t, 1300));
}
END_TEST

START_TEST(old_failures_expire)
{
    sso_throttle t = { 0, 0 };
    int i;

    for (i = 0; i < 4; i++) {
        sso_throttle_fail(&t, 1000);
    }
    sso_throttle_fail(&t, 1000 + SSO_THROTTLE_WINDOW);
    ck_assert_int_eq(t.failures, 1);
    ck_assert(!sso_throttle_blocked(&t, 1000 + SSO_THROTTLE_WINDOW));
}
END_TEST

/* Each attempt counts before it is evaluated: the sixth of six at once is
 * refused, and a refused attempt does not extend the block. */
START_TEST(attempts_count_before_evaluation)
{
    sso_throttle t = { 0, 0 };
    int i, allowed = 0;

    for (i = 0; i < 60; i++) {
        allowed += sso_throttle_attempt(&t, 1000);
    }
    ck_assert_int_eq(allowed, SSO_THROTTLE_MAX_FAILURES);
    ck_assert_int_eq(t.failures, SSO_THROTTLE_MAX_FAILURES);
    ck_assert_int_eq(t.first, 1000);
    ck_assert_int_eq(sso_throttle_remaining(&t, 1000), SSO_THROTTLE_WINDOW);
    ck_assert_int_eq(sso_throttle_attempt(&t, 1000 + SSO_THROTTLE_WINDOW - 1),
                     0);
    /* After the window: a fresh count. */
    ck_assert_int_eq(sso_throttle_attempt(&t, 1000 + SSO_THROTTLE_WINDOW), 1);
    ck_assert_int_eq(t.failures, 1);
    ck_assert_int_eq(t.first, 1000 + SSO_THROTTLE_WINDOW);
}
END_TEST

START_TEST(keys_by_address_and_prefix)
{
    const unsigned char v4[4] = { 192, 0, 2, 7 };
    unsigned char v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1,
                              0,    0,    0,    0,    0, 0, 0, 1 };
    unsigned char v6b[16];
    unsigned char mapped[16] = { 0, 0, 0,    0,    0,   0, 0, 0,
                                 0, 0, 0xff, 0xff, 192, 0, 2, 7 };
    apr_size_t la, lb;
    const char *ka, *kb;

    memcpy(v6b, v6a, 16);
    v6b[15] = 0x99; /* same /64 */
    ka = sso_throttle_key(unit_pool, v6a, 1, &la);
    kb = sso_throttle_key(unit_pool, v6b, 1, &lb);
    ck_assert_uint_eq(la, 8 + SSO_KEY_OVERHEAD);
    ck_assert(la == lb && !memcmp(ka, kb, la));
    v6b[7] = 2; /* another /64 */
    kb = sso_throttle_key(unit_pool, v6b, 1, &lb);
    ck_assert(memcmp(ka, kb, la));
    ka = sso_throttle_key(unit_pool, v4, 0, &la);
    kb = sso_throttle_key(unit_pool, mapped, 1, &lb);
    ck_assert_uint_eq(la, 4 + SSO_KEY_OVERHEAD);
    ck_assert(la == lb && !memcmp(ka, kb, la));
}
END_TEST

START_TEST(record_round_trip)
{
    sso_throttle t = { 1234, 3 }, out;
    unsigned char buf[64];
    apr_size_t len = sso_throttle_encode(&t, buf, sizeof(buf));

    ck_assert(sso_throttle_decode(buf, len, &out));
    ck_assert_int_eq(out.first, 1234);
    ck_assert_int_eq(out.failures, 3);
    ck_assert(!sso_throttle_decode(buf, len - 1, &out));
}
END_TEST

Suite *sso_throttle_suite(void)
{
    Suite *s = suite_create("sso_throttle");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, five_failures_block_for_300_s);
    tcase_add_test(tc, old_failures_expire);
    tcase_add_test(tc, attempts_count_before_evaluation);
    tcase_add_test(tc, keys_by_address_and_prefix);
    tcase_add_test(tc, record_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
