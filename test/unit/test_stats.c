/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_stats.h"

#include <string.h>

static int mapped(const char *event, const char *cause, sso_stat_e *out)
{
    return sso_stats_map(event, cause, out);
}

START_TEST(login_refusals_map_by_cause)
{
    static const struct {
        const char *cause;
        sso_stat_e stat;
    } cases[] = {
        { "no-mapped-group", SSO_STAT_REFUSED_NO_MAPPED_GROUP },
        { "signup-off", SSO_STAT_REFUSED_SIGNUP_OFF },
        { "disabled", SSO_STAT_REFUSED_DISABLED },
        { "token-invalid", SSO_STAT_REFUSED_TOKEN_INVALID },
        { "state-unknown", SSO_STAT_REFUSED_STATE_UNKNOWN },
        { "provider-error", SSO_STAT_REFUSED_PROVIDER_ERROR },
        { "wrong-secret", SSO_STAT_REFUSED_WRONG_SECRET },
        { "issuer-mismatch", SSO_STAT_REFUSED_OTHER },
        { NULL, SSO_STAT_REFUSED_OTHER },
    };
    sso_stat_e out[2];
    int i;

    for (i = 0; i < (int)(sizeof(cases) / sizeof(*cases)); i++) {
        ck_assert_int_eq(mapped("login-refused", cases[i].cause, out), 1);
        ck_assert_int_eq(out[0], cases[i].stat);
    }
}
END_TEST

START_TEST(throttled_counts_twice)
{
    sso_stat_e out[2];

    ck_assert_int_eq(mapped("local-login-failed", "password-wrong", out), 1);
    ck_assert_int_eq(out[0], SSO_STAT_LOCAL_FAILED);
    ck_assert_int_eq(mapped("local-login-failed", "throttled", out), 2);
    ck_assert_int_eq(out[0], SSO_STAT_LOCAL_FAILED);
    ck_assert_int_eq(out[1], SSO_STAT_THROTTLED);
    ck_assert_int_eq(mapped("local-login-failed", "totp-throttled", out), 2);
    ck_assert_int_eq(out[1], SSO_STAT_THROTTLED);
    ck_assert_int_eq(mapped("token-refused", "throttled", out), 2);
    ck_assert_int_eq(out[0], SSO_STAT_TOKEN_REFUSED);
    ck_assert_int_eq(out[1], SSO_STAT_TOKEN_THROTTLED);
    ck_assert_int_eq(mapped("token-refused", "expired", out), 1);
}
END_TEST

START_TEST(plain_events_and_unknown_ones)
{
    sso_stat_e out[2];

    ck_assert_int_eq(mapped("login", "sso", out), 1);
    ck_assert_int_eq(out[0], SSO_STAT_LOGIN);
    ck_assert_int_eq(mapped("local-login", "totp", out), 1);
    ck_assert_int_eq(out[0], SSO_STAT_LOCAL_LOGIN);
    ck_assert_int_eq(mapped("logout", "user", out), 1);
    ck_assert_int_eq(out[0], SSO_STAT_LOGOUT);
    ck_assert_int_eq(mapped("session-ended", "expired", out), 1);
    ck_assert_int_eq(out[0], SSO_STAT_SESSION_ENDED);
    ck_assert_int_eq(mapped("token", "bearer", out), 1);
    ck_assert_int_eq(out[0], SSO_STAT_TOKEN);
    ck_assert_int_eq(mapped("account", "password", out), 0);
    ck_assert_int_eq(mapped("account-refused", "csrf", out), 0);
    ck_assert_int_eq(mapped(NULL, NULL, out), 0);
}
END_TEST

START_TEST(events_count_in_the_block)
{
    sso_stats st;

    memset(&st, 0, sizeof(st));
    sso_stats_event(&st, "login", "sso");
    sso_stats_event(&st, "login", "sso");
    sso_stats_event(&st, "local-login-failed", "throttled");
    sso_stats_event(&st, "account", "totp-enrolled");
    sso_stats_event(NULL, "login", "sso");
    ck_assert_uint_eq(st.events[SSO_STAT_LOGIN], 2);
    ck_assert_uint_eq(st.events[SSO_STAT_LOCAL_FAILED], 1);
    ck_assert_uint_eq(st.events[SSO_STAT_THROTTLED], 1);
    ck_assert_str_eq(sso_stats_key(SSO_STAT_THROTTLED), "SSOLocalThrottleHits");
    ck_assert_ptr_null(sso_stats_key(SSO_STAT_COUNT));
}
END_TEST

START_TEST(calls_keep_median_max_errors)
{
    sso_stats st;
    sso_stats_call_view v;
    apr_uint32_t i;

    memset(&st, 0, sizeof(st));
    sso_stats_call_read(&st, SSO_CALL_TOKEN, &v);
    ck_assert_uint_eq(v.calls, 0);
    ck_assert_uint_eq(v.median_ms, 0);
    sso_stats_call_done(&st, SSO_CALL_TOKEN, 30, 1, 1000);
    sso_stats_call_done(&st, SSO_CALL_TOKEN, 10, 1, 1001);
    sso_stats_call_done(&st, SSO_CALL_TOKEN, 500, 0, 1002);
    sso_stats_call_read(&st, SSO_CALL_TOKEN, &v);
    ck_assert_uint_eq(v.calls, 3);
    ck_assert_uint_eq(v.errors, 1);
    ck_assert_uint_eq(v.median_ms, 30);
    ck_assert_uint_eq(v.max_ms, 500);
    ck_assert_uint_eq(v.last_ok, 1001); /* the failed call is no fetch */
    /* Past the window the oldest samples go; the max stays. */
    for (i = 0; i < SSO_STATS_SAMPLES; i++) {
        sso_stats_call_done(&st, SSO_CALL_TOKEN, 7, 1, 2000);
    }
    sso_stats_call_read(&st, SSO_CALL_TOKEN, &v);
    ck_assert_uint_eq(v.median_ms, 7);
    ck_assert_uint_eq(v.max_ms, 500);
    ck_assert_uint_eq(v.calls, 3 + SSO_STATS_SAMPLES);
}
END_TEST

START_TEST(median_of_even_and_odd)
{
    apr_uint32_t odd[] = { 9, 1, 5 }, even[] = { 4, 1, 10, 2 };

    ck_assert_uint_eq(sso_stats_median(odd, 3), 5);
    ck_assert_uint_eq(sso_stats_median(even, 4), 3);
}
END_TEST

START_TEST(socache_status_of_shards_summed)
{
    apr_table_t *f = apr_table_make(unit_pool, 8);
    apr_array_header_t *keys = apr_array_make(unit_pool, 8, sizeof(char *));
    const char *shard1 = "CacheType: SHMCB\nCacheCurrentEntries: 3\n"
                         "CacheIndexUsage: 1%\nCacheDiscardCount: 2\n"
                         "CacheTimeLeftOldestAvg: 100\n";
    const char *shard2 = "CacheType: SHMCB\r\nCacheCurrentEntries: 4\r\n"
                         "CacheIndexUsage: 2%\r\nCacheDiscardCount: 0\r\n"
                         "CacheTimeLeftOldestAvg: 300\r\n"
                         "no colon here\n: no key\n";

    sso_stats_socache_add(unit_pool, shard1, f, keys);
    sso_stats_socache_add(unit_pool, shard2, f, keys);
    ck_assert_int_eq(keys->nelts, 5);
    ck_assert_str_eq(APR_ARRAY_IDX(keys, 0, const char *), "CacheType");
    ck_assert_str_eq(apr_table_get(f, "CacheType"), "SHMCB");
    ck_assert_str_eq(apr_table_get(f, "CacheCurrentEntries"), "7");
    ck_assert_str_eq(apr_table_get(f, "CacheDiscardCount"), "2");
    ck_assert_str_eq(apr_table_get(f, "CacheIndexUsage"), "1%");
    ck_assert_str_eq(apr_table_get(f, "CacheTimeLeftOldestAvg"), "100");
}
END_TEST

Suite *sso_stats_suite(void)
{
    Suite *s = suite_create("sso_stats");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, login_refusals_map_by_cause);
    tcase_add_test(tc, throttled_counts_twice);
    tcase_add_test(tc, plain_events_and_unknown_ones);
    tcase_add_test(tc, events_count_in_the_block);
    tcase_add_test(tc, calls_keep_median_max_errors);
    tcase_add_test(tc, median_of_even_and_odd);
    tcase_add_test(tc, socache_status_of_shards_summed);
    suite_add_tcase(s, tc);
    return s;
}
