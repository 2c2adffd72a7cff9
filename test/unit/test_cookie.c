/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_cookie.h"

#include <string.h>

static sso_cookie_found scan(const char *header)
{
    sso_cookie_found f = { 0 };

    sso_cookie_scan(header, "sso_session", 11, &f);
    return f;
}

static int found_is(const sso_cookie_found *f, const char *want)
{
    return f->count && !f->conflict && f->len == strlen(want)
           && !memcmp(f->value, want, f->len);
}

START_TEST(cookie_found_among_others)
{
    sso_cookie_found f = scan("a=1; sso_session=abc; b=2");

    ck_assert(found_is(&f, "abc"));
    f = scan("sso_session=abc");
    ck_assert(found_is(&f, "abc"));
    f = scan("  \tsso_session=abc,b=2");
    ck_assert(found_is(&f, "abc"));
}
END_TEST

START_TEST(cookie_name_must_match_whole)
{
    sso_cookie_found f = scan("sso_session_login=abc; xsso_session=def; "
                              "SSO_SESSION=ghi; sso_session =jkl; sso_session");

    ck_assert_int_eq(f.count, 0);
    f = scan("");
    ck_assert_int_eq(f.count, 0);
    f = scan(";;;, ;=;=");
    ck_assert_int_eq(f.count, 0);
}
END_TEST

START_TEST(cookie_value_kept_as_sent)
{
    sso_cookie_found f = scan("sso_session=");

    ck_assert(f.count == 1 && f.len == 0);
    f = scan("sso_session==abc ; x=1");
    ck_assert(found_is(&f, "=abc "));
}
END_TEST

START_TEST(cookie_twice)
{
    sso_cookie_found f = scan("sso_session=abc; sso_session=abc");

    ck_assert(found_is(&f, "abc"));
    f = scan("sso_session=abc; sso_session=abd");
    ck_assert(f.conflict);
}
END_TEST

START_TEST(cookie_across_headers)
{
    sso_cookie_found f = { 0 };

    sso_cookie_scan("a=1", "sso_session", 11, &f);
    sso_cookie_scan("sso_session=abc", "sso_session", 11, &f);
    ck_assert(found_is(&f, "abc"));
    sso_cookie_scan("sso_session=xyz", "sso_session", 11, &f);
    ck_assert(f.conflict);
}
END_TEST

/* issue 12: a __Host- login or CSRF cookie with Path=/sso/callback was
 * dropped by browsers. */
START_TEST(cookie_attrs_follow_prefix)
{
    apr_pool_t *p;

    apr_pool_create(&p, NULL);
    ck_assert_str_eq(
        sso_cookie_attrs(p, "sso_session_login", "/sso/callback", 0),
        "HttpOnly;SameSite=Lax;Path=/sso/callback");
    ck_assert_str_eq(sso_cookie_attrs(p, "sso_session_csrf", "/sso/login", 1),
                     "HttpOnly;SameSite=Lax;Path=/sso/login;Secure");
    ck_assert_str_eq(
        sso_cookie_attrs(p, "__Host-sso_login", "/sso/callback", 0),
        "HttpOnly;SameSite=Lax;Path=/;Secure");
    ck_assert_str_eq(sso_cookie_attrs(p, "__host-sso_csrf", "/auth/login", 1),
                     "HttpOnly;SameSite=Lax;Path=/;Secure");
    ck_assert_str_eq(
        sso_cookie_attrs(p, "__Secure-sso_login", "/sso/callback", 0),
        "HttpOnly;SameSite=Lax;Path=/sso/callback;Secure");
    ck_assert_str_eq(sso_cookie_attrs(p, "x__Host-sso", "/sso/login", 0),
                     "HttpOnly;SameSite=Lax;Path=/sso/login");
    ck_assert_int_eq(sso_cookie_prefix("__Host-"),
                     SSO_COOKIE_PREFIX_HOST | SSO_COOKIE_PREFIX_SECURE);
    ck_assert_int_eq(sso_cookie_prefix("__SECURE-a"), SSO_COOKIE_PREFIX_SECURE);
    ck_assert_int_eq(sso_cookie_prefix("__Host"), 0);
    ck_assert_int_eq(sso_cookie_prefix("sso_session"), 0);
    apr_pool_destroy(p);
}
END_TEST

Suite *sso_cookie_suite(void)
{
    Suite *s = suite_create("sso_cookie");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, cookie_found_among_others);
    tcase_add_test(tc, cookie_name_must_match_whole);
    tcase_add_test(tc, cookie_value_kept_as_sent);
    tcase_add_test(tc, cookie_twice);
    tcase_add_test(tc, cookie_across_headers);
    tcase_add_test(tc, cookie_attrs_follow_prefix);
    suite_add_tcase(s, tc);
    return s;
}
