/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
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
    apr_array_header_t *map =
        apr_array_make(unit_pool, 4, sizeof(sso_group_map_entry));
    size_t i;

    for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        APR_ARRAY_PUSH(map, sso_group_map_entry) = entries[i];
    }
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

/* LemonLDAP::NG sends a user's only group as a string. */
START_TEST(claim_single_string)
{
    const char *problem = "unset";
    apr_array_header_t *g = claim_groups("\"technitium_admins\"", &problem);

    ck_assert_ptr_null(problem);
    ck_assert_int_eq(g->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(g, 0, const char *), "technitium_admins");
    /* One name, even with a comma or spaces in it: never split. */
    g = claim_groups("\"DNS Admins,ops\"", &problem);
    ck_assert_ptr_null(problem);
    ck_assert_int_eq(g->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(g, 0, const char *), "DNS Admins,ops");
    ck_assert_int_eq(claim_groups("\"\"", &problem)->nelts, 0);
    ck_assert_ptr_null(problem);
}
END_TEST

START_TEST(claim_wrong_shapes)
{
    const char *problem;
    json_t *nul = json_loadb("\"adm\\u0000ins\"", 14,
                             JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);

    ck_assert_ptr_nonnull(nul);
    ck_assert_int_eq(sso_groups_from_claim(unit_pool, nul, &problem)->nelts, 0);
    ck_assert_ptr_nonnull(strstr(problem, "NUL"));
    json_decref(nul);
    ck_assert_int_eq(claim_groups("{\"a\":1}", &problem)->nelts, 0);
    ck_assert_ptr_nonnull(strstr(problem, "neither an array nor a string"));
    ck_assert_int_eq(claim_groups("42", &problem)->nelts, 0);
    ck_assert_ptr_nonnull(problem);
    ck_assert_int_eq(claim_groups("true", &problem)->nelts, 0);
    ck_assert_ptr_nonnull(problem);
    ck_assert_int_eq(claim_groups("null", &problem)->nelts, 0);
    ck_assert_ptr_nonnull(problem);
    /* Nested arrays are not flattened. */
    ck_assert_int_eq(claim_groups("[[\"admins\"], \"ok\"]", &problem)->nelts,
                     1);
    ck_assert_ptr_nonnull(strstr(problem, "1 entries"));
    ck_assert_int_eq(
        claim_groups("[1, {\"x\":1}, null, \"ok\"]", &problem)->nelts, 1);
    ck_assert_ptr_nonnull(strstr(problem, "3 entries"));
    ck_assert_int_eq(sso_groups_from_claim(unit_pool, NULL, &problem)->nelts,
                     0);
    ck_assert_ptr_null(problem);
}
END_TEST

static const char *path_str(const char *spec, const char **err)
{
    apr_array_header_t *path = sso_claim_path_parse(unit_pool, spec, err);

    return path ? apr_array_pstrcat(unit_pool, path, '|') : NULL;
}

START_TEST(claim_path_parse)
{
    const char *err = NULL;

    ck_assert_str_eq(path_str("groups", &err), "groups");
    ck_assert_str_eq(path_str("realm_access.roles", &err),
                     "realm_access|roles");
    ck_assert_str_eq(path_str("https://example\\.com/groups", &err),
                     "https://example.com/groups");
    ck_assert_str_eq(path_str("a\\\\.b", &err), "a\\|b");
    ck_assert_str_eq(path_str("a\\\\\\..b", &err), "a\\.|b");
    ck_assert_str_eq(path_str("a.b.c.d.e.f.g.h", &err), "a|b|c|d|e|f|g|h");
    ck_assert_ptr_null(path_str("a.b.c.d.e.f.g.h.i", &err));
    ck_assert_ptr_nonnull(strstr(err, "more than 8"));
    ck_assert_ptr_null(path_str("", &err));
    ck_assert_ptr_nonnull(strstr(err, "empty name"));
    ck_assert_ptr_null(path_str(".groups", &err));
    ck_assert_ptr_null(path_str("groups.", &err));
    ck_assert_ptr_null(path_str("a..b", &err));
    ck_assert_ptr_null(path_str("a\\b", &err));
    ck_assert_ptr_nonnull(strstr(err, "backslash"));
    ck_assert_ptr_null(path_str("a\\", &err));
    ck_assert_ptr_nonnull(strstr(err, "backslash"));
}
END_TEST

START_TEST(claim_path_get)
{
    json_t *claims = json_loads(
        "{\"groups\":[\"top\"],"
        "\"realm_access\":{\"roles\":[\"technitium_admins\",\"uma\"]},"
        "\"a.b\":\"dotted\",\"a\":{\"b\":\"nested\"},\"n\":5}",
        0, NULL);
    const char *err, *problem;
    json_t *v;

    ck_assert_ptr_nonnull(claims);
    v = sso_claim_path_get(
        claims, sso_claim_path_parse(unit_pool, "realm_access.roles", &err));
    ck_assert_int_eq(sso_groups_from_claim(unit_pool, v, &problem)->nelts, 2);
    ck_assert_ptr_null(problem);
    v = sso_claim_path_get(claims,
                           sso_claim_path_parse(unit_pool, "a\\.b", &err));
    ck_assert_str_eq(json_string_value(v), "dotted");
    v = sso_claim_path_get(claims,
                           sso_claim_path_parse(unit_pool, "a.b", &err));
    ck_assert_str_eq(json_string_value(v), "nested");
    v = sso_claim_path_get(claims,
                           sso_claim_path_parse(unit_pool, "groups", &err));
    ck_assert(json_is_array(v));
    /* Missing levels, and levels that are not objects. */
    ck_assert_ptr_null(sso_claim_path_get(
        claims, sso_claim_path_parse(unit_pool, "realm_access.x", &err)));
    ck_assert_ptr_null(sso_claim_path_get(
        claims, sso_claim_path_parse(unit_pool, "n.x", &err)));
    ck_assert_ptr_null(sso_claim_path_get(
        claims, sso_claim_path_parse(unit_pool, "groups.0", &err)));
    ck_assert_ptr_null(sso_claim_path_get(
        NULL, sso_claim_path_parse(unit_pool, "groups", &err)));
    json_decref(claims);
}
END_TEST

START_TEST(map_union_exact_case)
{
    const char *problem;
    apr_array_header_t *remote = claim_groups(
        "[\"technitium_dns_admins\",\"ops\",\"technitium_dhcp_admins\","
        "\"Technitium_Admins\",\"unmapped\"]",
        &problem);
    apr_array_header_t *local = sso_groups_map(unit_pool, guide_map(), remote);

    ck_assert_int_eq(local->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(local, 0, const char *),
                     "DNS Administrators");
    ck_assert_str_eq(APR_ARRAY_IDX(local, 1, const char *),
                     "DHCP Administrators");
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
    ck_assert_str_eq(sso_username_normalize(unit_pool, "bob_1.x-y"),
                     "bob_1.x-y");
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
    tcase_add_test(tc, claim_single_string);
    tcase_add_test(tc, claim_wrong_shapes);
    tcase_add_test(tc, claim_path_parse);
    tcase_add_test(tc, claim_path_get);
    tcase_add_test(tc, map_union_exact_case);
    tcase_add_test(tc, map_nothing);
    tcase_add_test(tc, usernames);
    suite_add_tcase(s, tc);
    return s;
}
