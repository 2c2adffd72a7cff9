/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_socache.h"

START_TEST(aux_quarter_of_shmcb_size)
{
    ck_assert_str_eq(
        sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso(8000000)"),
        "/run/sso.login(2000000)");
}
END_TEST

START_TEST(aux_at_least_one_mib)
{
    ck_assert_str_eq(
        sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso(512000)"),
        "/run/sso.login(1048576)");
    ck_assert_str_eq(sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso(1)"),
                     "/run/sso.login(1048576)");
    /* A path without a size, a size that is no number, a negative one. */
    ck_assert_str_eq(sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso"),
                     "/run/sso.login(1048576)");
    ck_assert_str_eq(sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso(big)"),
                     "/run/sso.login(1048576)");
    ck_assert_str_eq(
        sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso(-9000000)"),
        "/run/sso.login(1048576)");
}
END_TEST

START_TEST(aux_huge_size)
{
    ck_assert_str_eq(
        sso_socache_plan_aux(unit_pool, "shmcb", "/run/sso(4000000000000)"),
        "/run/sso.login(1000000000000)");
    /* Beyond 64 bits: strtoll's ceiling, then a quarter of it. */
    ck_assert_str_eq(sso_socache_plan_aux(unit_pool, "shmcb",
                                          "/run/sso(99999999999999999999)"),
                     "/run/sso.login(2305843009213693951)");
}
END_TEST

/* shmcb without an argument makes an anonymous segment: nothing to rename. */
START_TEST(aux_shmcb_without_argument)
{
    ck_assert_ptr_null(sso_socache_plan_aux(unit_pool, "shmcb", NULL));
    ck_assert_str_eq(sso_socache_plan_aux(unit_pool, "shmcb", ""), "");
}
END_TEST

START_TEST(aux_other_providers_share_the_argument)
{
    const char *redis = "127.0.0.1:6379";
    const char *memcache = "127.0.0.1:11211,10.0.0.2:11211";

    ck_assert_ptr_eq(sso_socache_plan_aux(unit_pool, "redis", redis), redis);
    ck_assert_ptr_eq(sso_socache_plan_aux(unit_pool, "memcache", memcache),
                     memcache);
    ck_assert_ptr_null(sso_socache_plan_aux(unit_pool, "dbm", NULL));
}
END_TEST

START_TEST(shards_one_below_two_shard_sizes)
{
    sso_socache_shards s;

    sso_socache_plan_shards(unit_pool, "shmcb", "/run/sso(1048575)", &s);
    ck_assert_int_eq(s.count, 1);
    ck_assert_str_eq(s.args[0], "/run/sso(1048575)");
    sso_socache_plan_shards(unit_pool, "shmcb", "/run/sso", &s);
    ck_assert_int_eq(s.count, 1);
    ck_assert_str_eq(s.args[0], "/run/sso");
    sso_socache_plan_shards(unit_pool, "shmcb", NULL, &s);
    ck_assert_int_eq(s.count, 1);
    ck_assert_ptr_null(s.args[0]);
    sso_socache_plan_shards(unit_pool, "shmcb", "/run/sso(bad)", &s);
    ck_assert_int_eq(s.count, 1);
    ck_assert_str_eq(s.args[0], "/run/sso(bad)");
}
END_TEST

START_TEST(shards_split_by_size)
{
    sso_socache_shards s;

    sso_socache_plan_shards(unit_pool, "shmcb", "/run/sso(1048576)", &s);
    ck_assert_int_eq(s.count, 2);
    ck_assert_str_eq(s.args[0], "/run/sso.0(524288)");
    ck_assert_str_eq(s.args[1], "/run/sso.1(524288)");
    sso_socache_plan_shards(unit_pool, "shmcb", "/run/sso(5000000)", &s);
    ck_assert_int_eq(s.count, 9);
    ck_assert_str_eq(s.args[0], "/run/sso.0(555555)");
    ck_assert_str_eq(s.args[8], "/run/sso.8(555555)");
}
END_TEST

START_TEST(shards_at_most_max)
{
    sso_socache_shards s;

    sso_socache_plan_shards(unit_pool, "shmcb", "/run/sso(33554432)", &s);
    ck_assert_int_eq(s.count, SSO_SOCACHE_SHARDS_MAX);
    sso_socache_plan_shards(unit_pool, "shmcb",
                            "/run/sso(99999999999999999999)", &s);
    ck_assert_int_eq(s.count, SSO_SOCACHE_SHARDS_MAX);
    ck_assert_str_eq(s.args[63], "/run/sso.63(144115188075855871)");
}
END_TEST

START_TEST(shards_one_for_other_providers)
{
    sso_socache_shards s;
    const char *arg = "127.0.0.1:6379(99999999)";

    sso_socache_plan_shards(unit_pool, "redis", arg, &s);
    ck_assert_int_eq(s.count, 1);
    ck_assert_ptr_eq(s.args[0], arg);
    sso_socache_plan_shards(unit_pool, "memcache", "127.0.0.1:11211", &s);
    ck_assert_int_eq(s.count, 1);
    ck_assert_str_eq(s.args[0], "127.0.0.1:11211");
}
END_TEST

Suite *sso_socache_suite(void)
{
    Suite *s = suite_create("sso_socache");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, aux_quarter_of_shmcb_size);
    tcase_add_test(tc, aux_at_least_one_mib);
    tcase_add_test(tc, aux_huge_size);
    tcase_add_test(tc, aux_shmcb_without_argument);
    tcase_add_test(tc, aux_other_providers_share_the_argument);
    tcase_add_test(tc, shards_one_below_two_shard_sizes);
    tcase_add_test(tc, shards_split_by_size);
    tcase_add_test(tc, shards_at_most_max);
    tcase_add_test(tc, shards_one_for_other_providers);
    suite_add_tcase(s, tc);
    return s;
}
