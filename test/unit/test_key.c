/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_key.h"

#include <string.h>

/* shmcb picks a sub-cache by the first byte: keys of one kind with
 * bodies that differ little must still start with many different bytes. */
START_TEST(first_byte_spreads_one_kind)
{
    int seen[256] = { 0 }, distinct = 0, i;
    unsigned char body[4] = { 192, 0, 2, 0 };
    apr_size_t len;

    for (i = 0; i < 256; i++) {
        const char *key;
        body[3] = (unsigned char)i;
        key =
            sso_key_make(unit_pool, SSO_KEY_THROTTLE, body, sizeof(body), &len);
        ck_assert_uint_eq(len, sizeof(body) + SSO_KEY_OVERHEAD);
        seen[(unsigned char)key[0]]++;
    }
    for (i = 0; i < 256; i++) {
        distinct += seen[i] > 0;
    }
    /* 32 sub-caches take the low 5 bits: all 32 must be used. */
    for (i = 0; i < 32; i++) {
        int j, n = 0;
        for (j = i; j < 256; j += 32) {
            n += seen[j];
        }
        ck_assert_int_gt(n, 0);
    }
    ck_assert_int_gt(distinct, 128);
}
END_TEST

START_TEST(kinds_never_collide)
{
    const char body[] = "https://op.example/.well-known/openid-configuration";
    apr_size_t la, lb;
    const char *a =
        sso_key_make(unit_pool, SSO_KEY_METADATA, body, strlen(body), &la);
    const char *b =
        sso_key_make(unit_pool, SSO_KEY_JWKS, body, strlen(body), &lb);

    ck_assert_uint_eq(la, lb);
    ck_assert(memcmp(a, b, la) != 0);
    ck_assert_int_eq(a[1], SSO_KEY_METADATA);
    ck_assert(!memcmp(a + SSO_KEY_OVERHEAD, body, strlen(body)));
    /* The same body and kind: the same key, in every process. */
    b = sso_key_make(unit_pool, SSO_KEY_METADATA, body, strlen(body), &lb);
    ck_assert(!memcmp(a, b, la));
}
END_TEST

Suite *sso_key_suite(void)
{
    Suite *s = suite_create("sso_key");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, first_byte_spreads_one_kind);
    tcase_add_test(tc, kinds_never_collide);
    suite_add_tcase(s, tc);
    return s;
}
