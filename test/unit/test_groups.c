#include "unit.h"
#include "sso_groups.h"

#include <string.h>

static apr_array_header_t *guide_map(void)
{
    static const sso_group_map_entry entries[] = {
        { "technitium_admins", "Administrators" },
        { "technitium_dns_admins", "DNS Administrators" },
        { "technitium_dhcp_admins", "DHCP Administrators" },
        { "ops", "DNS Administrators" },
    };
    apr_array_header_t *map = apr_array_make(unit_pool, 4, sizeof(sso_group_map_entry));
    size_t i;

    for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++)
        APR_ARRAY_PUSH(map, sso_group_map_entry) = entries[i];
    return map;
}

static apr_array_header_t *claim_groups(const char *json, const char **problem)
{
    json_t *claim = json_loads(json, JSON_DECODE_ANY, NULL);
    apr_array_header_t *out = sso_groups_from_claim(unit_pool, claim, problem);

    json_decref(claim);
    return out;
}

START_TEST(claim_array_of_strings)
{
    const char *problem;
    apr_array_header_t *g = claim_groups("[\"a\",\"b c\"]", &problem);

    ck_assert_ptr_null(problem);
    ck_assert_int_eq(g->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(g, 1, const char *), "b c");
}
END_TEST

START_TEST(claim_wrong_shapes)
{
    const char *problem;

    ck_assert_int_eq(claim_groups("\"technitium_admins\"", &problem)->nelts, 0);
    ck_assert_ptr_nonnull(problem);
    ck_assert_int_eq(claim_groups("{\"a\":1}", &problem)->nelts, 0);
    ck_assert_ptr_nonnull(problem);
    ck_assert_int_eq(claim_groups("[1, {\"x\":1}, null, \"ok\"]", &problem)->nelts, 1);
    ck_assert_ptr_nonnull(strstr(problem, "3 entries"));
    ck_assert_int_eq(sso_groups_from_claim(unit_pool, NULL, &problem)->nelts, 0);
    ck_assert_ptr_null(problem);
}
END_TEST

START_TEST(map_union_exact_case)
{
    const char *problem;
    apr_array_header_t *remote = claim_groups(
        "[\"technitium_dns_admins\",\"ops\",\"technitium_dhcp_admins\","
        "\"Technitium_Admins\",\"unmapped\"]", &problem);
    apr_array_header_t *local = sso_groups_map(unit_pool, guide_map(), remote);

    ck_assert_int_eq(local->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(local, 0, const char *), "DNS Administrators");
    ck_assert_str_eq(APR_ARRAY_IDX(local, 1, const char *), "DHCP Administrators");
    ck_assert(!sso_groups_contain(local, "Administrators"));
    ck_assert_str_eq(sso_groups_join(unit_pool, local),
                     "DNS Administrators,DHCP Administrators");
}
END_TEST

START_TEST(map_nothing)
{
    const char *problem;
    apr_array_header_t *remote = claim_groups("[]", &problem);

    ck_assert_int_eq(sso_groups_map(unit_pool, guide_map(), remote)->nelts, 0);
    ck_assert_int_eq(sso_groups_map(unit_pool, NULL, remote)->nelts, 0);
    ck_assert_str_eq(sso_groups_join(unit_pool, remote), "");
}
END_TEST

START_TEST(usernames)
{
    char longname[SSO_USERNAME_MAX + 2];

    ck_assert_str_eq(sso_username_normalize(unit_pool, "Alice@Example.COM"),
                     "alice@example.com");
    ck_assert_str_eq(sso_username_normalize(unit_pool, "bob_1.x-y"), "bob_1.x-y");
    ck_assert_ptr_null(sso_username_normalize(unit_pool, ""));
    ck_assert_ptr_null(sso_username_normalize(unit_pool, NULL));
    ck_assert_ptr_null(sso_username_normalize(unit_pool, "a b"));
    ck_assert_ptr_null(sso_username_normalize(unit_pool, "a/b"));
    ck_assert_ptr_null(sso_username_normalize(unit_pool, "j\xc3\xb6rg"));
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    ck_assert_ptr_null(sso_username_normalize(unit_pool, longname));
    longname[SSO_USERNAME_MAX] = '\0';
    ck_assert_ptr_nonnull(sso_username_normalize(unit_pool, longname));
}
END_TEST

Suite *sso_groups_suite(void)
{
    Suite *s = suite_create("sso_groups");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, claim_array_of_strings);
    tcase_add_test(tc, claim_wrong_shapes);
    tcase_add_test(tc, map_union_exact_case);
    tcase_add_test(tc, map_nothing);
    tcase_add_test(tc, usernames);
    suite_add_tcase(s, tc);
    return s;
}
