/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_url.h"

#include <string.h>

START_TEST(http_urls_accepted)
{
    ck_assert_ptr_null(sso_url_check_http(unit_pool, "https://id.example.com"));
    ck_assert_ptr_null(sso_url_check_http(unit_pool, "http://127.0.0.1:8080"));
    ck_assert_ptr_null(
        sso_url_check_http(unit_pool, "HTTPS://id.example.com/x/"));
}
END_TEST

START_TEST(non_http_urls_refused)
{
    static const char *const bad[] = {
        "",
        "id.example.com",
        "ftp://id.example.com",
        "https://",
        "https://user:pw@id.example.com",
        "https://id.example.com/#frag",
        "/relative",
        "javascript:alert(1)",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(sso_url_check_http(unit_pool, bad[i]) != NULL,
                      "accepted %s", bad[i]);
    }
}
END_TEST

START_TEST(return_path_kept)
{
    static const char *const good[] = {
        "/", "/admin", "/a/b?x=1&y=2", "/dns#zone", "/%7Euser", "/a//b",
    };
    size_t i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        ck_assert_str_eq(sso_url_return_path(unit_pool, good[i]), good[i]);
    }
}
END_TEST

START_TEST(return_path_falls_back)
{
    static const char *const bad[] = {
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/\tevil",
        "/a\r\nSet-Cookie: x=1",
        "/%0d%0aSet-Cookie:x",
        "/%zz",
        "\\/\\/evil.example",
        "/\\/evil.example",
        " /x",
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!strcmp(sso_url_return_path(unit_pool, bad[i]), "/"),
                      "kept %s", bad[i]);
    }
    ck_assert_str_eq(sso_url_return_path(unit_pool, NULL), "/");
}
END_TEST

START_TEST(return_path_too_long)
{
    char path[SSO_RETURN_PATH_MAX + 2];

    memset(path, 'a', sizeof(path) - 1);
    path[0] = '/';
    path[sizeof(path) - 1] = '\0';
    ck_assert_str_eq(sso_url_return_path(unit_pool, path), "/");
    path[SSO_RETURN_PATH_MAX] = '\0';
    ck_assert_str_eq(sso_url_return_path(unit_pool, path), path);
}
END_TEST

START_TEST(base_path_rules)
{
    ck_assert_ptr_null(sso_url_check_base_path("/sso"));
    ck_assert_ptr_null(sso_url_check_base_path("/auth/sso"));
    ck_assert_ptr_nonnull(sso_url_check_base_path("sso"));
    ck_assert_ptr_nonnull(sso_url_check_base_path("/sso/"));
    ck_assert_ptr_nonnull(sso_url_check_base_path("/"));
    ck_assert_ptr_nonnull(sso_url_check_base_path("/s?x"));
    ck_assert_ptr_nonnull(sso_url_check_base_path("//sso"));
}
END_TEST

START_TEST(cookie_names)
{
    ck_assert(sso_url_is_cookie_name("sso_session"));
    ck_assert(sso_url_is_cookie_name("__Host-sso"));
    ck_assert(!sso_url_is_cookie_name(""));
    ck_assert(!sso_url_is_cookie_name("a b"));
    ck_assert(!sso_url_is_cookie_name("a;b"));
    ck_assert(!sso_url_is_cookie_name("a=b"));
}
END_TEST

START_TEST(trim_slash)
{
    ck_assert_str_eq(sso_url_trim_slash(unit_pool, "https://x/"), "https://x");
    ck_assert_str_eq(sso_url_trim_slash(unit_pool, "https://x//"), "https://x");
    ck_assert_str_eq(sso_url_trim_slash(unit_pool, "https://x"), "https://x");
}
END_TEST

START_TEST(cleartext_host)
{
    ck_assert_str_eq(sso_url_cleartext_host(unit_pool, "http://id.example.com"),
                     "id.example.com");
    ck_assert_str_eq(
        sso_url_cleartext_host(unit_pool, "HTTP://10.0.0.5:8080/x"),
        "10.0.0.5");
    ck_assert_ptr_null(
        sso_url_cleartext_host(unit_pool, "https://id.example.com"));
    ck_assert_ptr_null(
        sso_url_cleartext_host(unit_pool, "http://localhost:1411"));
    ck_assert_ptr_null(
        sso_url_cleartext_host(unit_pool, "http://127.0.0.1:3000/"));
    ck_assert_ptr_null(sso_url_cleartext_host(unit_pool, "http://[::1]:3000"));
}
END_TEST

START_TEST(query_parse)
{
    apr_table_t *t;

    ck_assert_ptr_null(sso_url_query_parse(unit_pool, "a=1&b=x+y%2Fz&c", &t));
    ck_assert_str_eq(apr_table_get(t, "a"), "1");
    ck_assert_str_eq(apr_table_get(t, "b"), "x y/z");
    ck_assert_str_eq(apr_table_get(t, "c"), "");
    ck_assert_ptr_null(sso_url_query_parse(unit_pool, NULL, &t));
    ck_assert_int_eq(apr_table_elts(t)->nelts, 0);
    ck_assert_ptr_nonnull(
        strstr(sso_url_query_parse(unit_pool, "code=1&code=2", &t),
               "'code' is duplicated"));
    ck_assert_ptr_nonnull(sso_url_query_parse(unit_pool, "c=1&%63=2", &t));
    ck_assert_ptr_nonnull(sso_url_query_parse(unit_pool, "state&state=", &t));
    ck_assert_ptr_nonnull(sso_url_query_parse(unit_pool, "a=%zz", &t));
}
END_TEST

START_TEST(origin_exact)
{
    const char *base = "https://app.example";

    ck_assert(sso_url_match_origin(base, "https://app.example", NULL));
    ck_assert(sso_url_match_origin("http://127.0.0.1:8529",
                                   "http://127.0.0.1:8529", NULL));
    ck_assert(
        sso_url_match_origin("http://[::1]:8080", "http://[::1]:8080", NULL));
    ck_assert(!sso_url_match_origin(base, "https://app.example:8443", NULL));
    ck_assert(!sso_url_match_origin(base, "http://app.example", NULL));
    ck_assert(!sso_url_match_origin(base, "https://app.example.evil", NULL));
    ck_assert(!sso_url_match_origin(base, "https://evil.example", NULL));
    ck_assert(!sso_url_match_origin(base, "https://app.example/", NULL));
    ck_assert(!sso_url_match_origin(base, "null", NULL));
    ck_assert(!sso_url_match_origin(base, "", NULL));
    ck_assert(
        !sso_url_match_origin("http://[::1]:8080", "http://[::1]:8081", NULL));
}
END_TEST

/* Strings, not parsed origins: what a browser would not send is refused. */
START_TEST(origin_written_otherwise)
{
    const char *base = "https://app.example";

    ck_assert(!sso_url_match_origin(base, "https://APP.example", NULL));
    ck_assert(!sso_url_match_origin(base, "HTTPS://app.example", NULL));
    ck_assert(!sso_url_match_origin(base, "https://app.example:443", NULL));
    ck_assert(!sso_url_match_origin("http://app.example",
                                    "http://app.example:80", NULL));
    ck_assert(!sso_url_match_origin(base, "https://user@app.example", NULL));
}
END_TEST

START_TEST(origin_by_referer)
{
    const char *base = "https://app.example";

    ck_assert(sso_url_match_origin(base, NULL, "https://app.example/"));
    ck_assert(
        sso_url_match_origin(base, NULL, "https://app.example/sso/logout?x=1"));
    ck_assert(!sso_url_match_origin(base, NULL, "https://app.example"));
    ck_assert(!sso_url_match_origin(base, NULL, "https://app.example.evil/"));
    ck_assert(!sso_url_match_origin(base, NULL, "https://app.example:8443/"));
    ck_assert(!sso_url_match_origin(base, NULL, "https://app.example@evil/"));
    ck_assert(!sso_url_match_origin(base, NULL, "https://user@app.example/"));
    ck_assert(!sso_url_match_origin(base, NULL, "http://app.example/"));
    ck_assert(!sso_url_match_origin(base, NULL, "https://APP.example/"));
    ck_assert(!sso_url_match_origin(base, NULL, "/sso/logout"));
    ck_assert(
        sso_url_match_origin("http://[::1]:8080", NULL, "http://[::1]:8080/a"));
    ck_assert(
        !sso_url_match_origin("http://[::1]:8080", NULL, "http://[::1]/a"));
}
END_TEST

/* Origin, when sent, decides alone; with neither header, not ours. */
START_TEST(origin_first_then_nothing)
{
    const char *base = "https://app.example";

    ck_assert(!sso_url_match_origin(base, "https://evil.example",
                                    "https://app.example/"));
    ck_assert(sso_url_match_origin(base, "https://app.example",
                                   "https://evil.example/"));
    ck_assert(!sso_url_match_origin(base, "null", "https://app.example/"));
    ck_assert(!sso_url_match_origin(base, NULL, NULL));
}
END_TEST

Suite *sso_url_suite(void)
{
    Suite *s = suite_create("sso_url");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, http_urls_accepted);
    tcase_add_test(tc, non_http_urls_refused);
    tcase_add_test(tc, return_path_kept);
    tcase_add_test(tc, return_path_falls_back);
    tcase_add_test(tc, return_path_too_long);
    tcase_add_test(tc, base_path_rules);
    tcase_add_test(tc, cookie_names);
    tcase_add_test(tc, trim_slash);
    tcase_add_test(tc, cleartext_host);
    tcase_add_test(tc, query_parse);
    tcase_add_test(tc, origin_exact);
    tcase_add_test(tc, origin_written_otherwise);
    tcase_add_test(tc, origin_by_referer);
    tcase_add_test(tc, origin_first_then_nothing);
    suite_add_tcase(s, tc);
    return s;
}
