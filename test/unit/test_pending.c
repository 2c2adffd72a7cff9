/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_pending.h"
#include "sso_session.h"

#include <string.h>
#include "apr_strings.h"

#define STATE_A "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
#define STATE_B "HxweHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE"

static const char *prefix(void)
{
    return sso_pending_prefix(unit_pool, "sso_session");
}

/* The name is the prefix and 12 base64url characters of SHA-256(state):
 * the same state gives the same name, another state another. */
START_TEST(pending_name_from_state)
{
    const char *a = sso_pending_name(unit_pool, prefix(), STATE_A);
    const char *b = sso_pending_name(unit_pool, prefix(), STATE_B);

    ck_assert_str_eq(prefix(), "sso_session_login_");
    ck_assert_int_eq(strlen(a),
                     strlen("sso_session_login_") + SSO_PENDING_HASH_LEN);
    ck_assert_int_eq(strncmp(a, "sso_session_login_", 18), 0);
    ck_assert_int_eq(
        strspn(a + 18, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789-_"),
        SSO_PENDING_HASH_LEN);
    ck_assert_str_eq(a, sso_pending_name(unit_pool, prefix(), STATE_A));
    ck_assert_str_ne(a, b);
    /* echo -n STATE_A | sha256sum: 9 bytes, base64url. */
    ck_assert_str_eq(a + 18, "6oZqdX5MOLq_");
}
END_TEST

START_TEST(pending_value_round_trip)
{
    apr_time_t started = 0;
    const char *v =
        sso_pending_value(unit_pool, STATE_A, APR_INT64_C(1733445296123456));
    const char *state = sso_pending_parse(unit_pool, v, strlen(v), &started);

    ck_assert_str_eq(v, STATE_A ".6288f2f1cee40");
    ck_assert_str_eq(state, STATE_A);
    ck_assert(started == APR_INT64_C(1733445296123456));
}
END_TEST

static int parses(const char *v)
{
    apr_time_t t;

    return sso_pending_parse(unit_pool, v, strlen(v), &t) != NULL;
}

START_TEST(pending_value_malformed)
{
    ck_assert(parses(STATE_A ".1"));
    ck_assert(!parses(""));
    ck_assert(!parses(STATE_A)); /* the old cookie */
    ck_assert(!parses(STATE_A "."));
    ck_assert(!parses(STATE_A ".0"));
    ck_assert(!parses(STATE_A ".12345678901234567")); /* 17 digits */
    ck_assert(!parses(STATE_A ".ffffffffffffffff"));  /* beyond apr_time_t */
    ck_assert(parses(STATE_A ".7fffffffffffffff"));
    ck_assert(!parses(STATE_A ".-1"));
    ck_assert(!parses(STATE_A ". 1"));
    ck_assert(!parses(STATE_A ".ABC")); /* upper-case hex */
    ck_assert(!parses(STATE_A ".12x"));
    ck_assert(!parses(STATE_A "x.12"));
    ck_assert(!parses("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH+8.12"));
    ck_assert(!parses("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdH/8.12"));
    /* Only len bytes are read: a value cut off before its end. */
    {
        apr_time_t t;
        const char *v = STATE_A ".1234";
        ck_assert_ptr_null(
            sso_pending_parse(unit_pool, v, SSO_ID_B64_LEN + 1, &t));
    }
}
END_TEST

static apr_array_header_t *scan(const char *header)
{
    apr_array_header_t *found =
        apr_array_make(unit_pool, 4, sizeof(sso_pending));

    sso_pending_scan(unit_pool, header, prefix(), found);
    return found;
}

#define NAME(i)    APR_ARRAY_IDX(found, i, sso_pending).name
#define STARTED(i) APR_ARRAY_IDX(found, i, sso_pending).started

START_TEST(pending_scan)
{
    apr_array_header_t *found = scan(
        "a=1; sso_session=x; sso_session_login_AAAAAAAAAAAA=" STATE_A ".20; "
        "sso_session_login=" STATE_B "; sso_session_login_BBBBBBBBBBBB=junk,"
        "sso_session_login_CCCCCCCCCCCC=; "
        "sso_session_login_DDDDDDDDDDD=" STATE_A ".1; "
        "sso_session_login_EEEEEEEEEEEEE=" STATE_A
        ".1; sso_session_login_FFFFFFFFFF+/=" STATE_A ".1;"
        "sso_session_login_AAAAAAAAAAAA=" STATE_B
        ".30; x_sso_session_login_GGGGGGGGGGGG=" STATE_A ".1");

    /* Ours: prefix + 12 base64url characters with a value, each once. */
    ck_assert_int_eq(found->nelts, 2);
    ck_assert_str_eq(NAME(0), "sso_session_login_AAAAAAAAAAAA");
    ck_assert(STARTED(0) == 0x20);
    ck_assert_str_eq(NAME(1), "sso_session_login_BBBBBBBBBBBB");
    ck_assert(STARTED(1) == 0); /* malformed value */
}
END_TEST

/* Nine pending logins and a tenth starting: keep SSO_PENDING_MAX - 1,
 * so the two oldest go. */
START_TEST(pending_oldest_dropped)
{
    apr_array_header_t *found =
        apr_array_make(unit_pool, 4, sizeof(sso_pending));
    static const char *const names[] = { "n5", "n1", "n9", "n3", "n7",
                                         "n2", "n8", "n4", "n6" };
    static const apr_time_t times[] = { 5, 1, 9, 3, 7, 2, 8, 4, 6 };
    int i;

    for (i = 0; i < 9; i++) {
        sso_pending *e = apr_array_push(found);
        e->name = names[i];
        e->started = times[i];
    }
    ck_assert_int_eq(sso_pending_excess(found, SSO_PENDING_MAX - 1), 2);
    ck_assert_str_eq(NAME(0), "n1");
    ck_assert_str_eq(NAME(1), "n2");
    ck_assert_str_eq(NAME(8), "n9");
    ck_assert_int_eq(sso_pending_excess(found, 9), 0);
    ck_assert_int_eq(sso_pending_excess(found, 20), 0);
    /* Malformed (started 0) go first; ties by name. */
    APR_ARRAY_IDX(found, 8, sso_pending).started = 0;
    APR_ARRAY_IDX(found, 7, sso_pending).started = 0;
    APR_ARRAY_IDX(found, 7, sso_pending).name = "m";
    ck_assert_int_eq(sso_pending_excess(found, 8), 1);
    ck_assert_str_eq(NAME(0), "m");
    ck_assert_str_eq(NAME(1), "n9");
}
END_TEST

/* A hostile Cookie header: at most SSO_PENDING_SCAN_MAX entries. */
START_TEST(pending_scan_bounded)
{
    apr_array_header_t *found =
        apr_array_make(unit_pool, 4, sizeof(sso_pending));
    int i;

    for (i = 0; i < 200; i++) {
        const char *h = apr_psprintf(unit_pool, "sso_session_login_%012d=%s.%x",
                                     i, STATE_A, i + 1);
        sso_pending_scan(unit_pool, h, prefix(), found);
    }
    ck_assert_int_eq(found->nelts, SSO_PENDING_SCAN_MAX);
    ck_assert_int_eq(sso_pending_excess(found, SSO_PENDING_MAX - 1),
                     SSO_PENDING_SCAN_MAX - SSO_PENDING_MAX + 1);
}
END_TEST

Suite *sso_pending_suite(void)
{
    Suite *s = suite_create("sso_pending");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, pending_name_from_state);
    tcase_add_test(tc, pending_value_round_trip);
    tcase_add_test(tc, pending_value_malformed);
    tcase_add_test(tc, pending_scan);
    tcase_add_test(tc, pending_oldest_dropped);
    tcase_add_test(tc, pending_scan_bounded);
    suite_add_tcase(s, tc);
    return s;
}
