/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_secret.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "apr_strings.h"

static char secret_path[64];

static void write_secret_file(const char *content)
{
    FILE *f;
    int fd;

    strcpy(secret_path, "/tmp/sso-secret-XXXXXX");
    fd = mkstemp(secret_path);
    ck_assert_int_ge(fd, 0);
    f = fdopen(fd, "w");
    fputs(content, f);
    fclose(f);
}

START_TEST(literal_secret)
{
    const char *v;

    ck_assert_ptr_null(sso_secret_resolve(unit_pool, "s3cr3t", &v));
    ck_assert_str_eq(v, "s3cr3t");
    ck_assert_ptr_nonnull(sso_secret_resolve(unit_pool, "", &v));
}
END_TEST

START_TEST(file_secret_first_line)
{
    const char *v;

    write_secret_file("from-file\r\nsecond line\n");
    ck_assert_ptr_null(sso_secret_resolve(
        unit_pool, apr_pstrcat(unit_pool, "file:", secret_path, NULL), &v));
    ck_assert_str_eq(v, "from-file");
    unlink(secret_path);
}
END_TEST

START_TEST(file_secret_unreadable)
{
    const char *v, *err;

    err = sso_secret_resolve(unit_pool, "file:/nonexistent/secret", &v);
    ck_assert_ptr_nonnull(err);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/secret"));
    ck_assert_ptr_null(v);
}
END_TEST

START_TEST(file_secret_empty)
{
    const char *v;

    write_secret_file("\nlater\n");
    ck_assert_ptr_nonnull(sso_secret_resolve(
        unit_pool, apr_pstrcat(unit_pool, "file:", secret_path, NULL), &v));
    unlink(secret_path);
}
END_TEST

START_TEST(env_secret)
{
    const char *v, *err;

    setenv("SSO_UNIT_SECRET", "from-env", 1);
    ck_assert_ptr_null(
        sso_secret_resolve(unit_pool, "env:SSO_UNIT_SECRET", &v));
    ck_assert_str_eq(v, "from-env");
    unsetenv("SSO_UNIT_SECRET");
    err = sso_secret_resolve(unit_pool, "env:SSO_UNIT_SECRET", &v);
    ck_assert_ptr_nonnull(strstr(err, "SSO_UNIT_SECRET"));
}
END_TEST

START_TEST(constant_time_equal)
{
    ck_assert(sso_secret_equal("abc", "abc"));
    ck_assert(!sso_secret_equal("abc", "abd"));
    ck_assert(!sso_secret_equal("abc", "abcd"));
    ck_assert(sso_secret_equal("", ""));
}
END_TEST

Suite *sso_secret_suite(void)
{
    Suite *s = suite_create("sso_secret");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, literal_secret);
    tcase_add_test(tc, file_secret_first_line);
    tcase_add_test(tc, file_secret_unreadable);
    tcase_add_test(tc, file_secret_empty);
    tcase_add_test(tc, env_secret);
    tcase_add_test(tc, constant_time_equal);
    suite_add_tcase(s, tc);
    return s;
}
