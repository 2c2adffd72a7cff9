/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_session.h"

#include <string.h>

static sso_session sample_session(void)
{
    sso_session s = { 0 };

    s.created = 1700000000;
    s.last_seen = 1700000100;
    s.verified = 1700000050;
    s.refreshed = 1700000070;
    s.method = "sso";
    s.user = "alice@example.com";
    s.issuer = "http://127.0.0.1:9000";
    s.sub = "6a1f1e8e-1d0c-4e55-9d7c-0d9b1d3c4f00";
    s.email = "alice@example.com";
    s.name = NULL;
    s.groups = apr_array_make(unit_pool, 3, sizeof(const char *));
    APR_ARRAY_PUSH(s.groups, const char *) = "Administrators";
    APR_ARRAY_PUSH(s.groups, const char *) = "DNS Administrators";
    return s;
}

START_TEST(session_round_trip)
{
    sso_session in = sample_session(), out;
    unsigned char buf[SSO_SESSION_MAX];
    apr_size_t len = sso_session_encode(&in, buf, sizeof(buf));

    ck_assert_uint_gt(len, 0);
    ck_assert_ptr_null(sso_session_decode(unit_pool, buf, len, &out));
    ck_assert_int_eq(out.created, in.created);
    ck_assert_int_eq(out.last_seen, in.last_seen);
    ck_assert_int_eq(out.verified, in.verified);
    ck_assert_int_eq(out.refreshed, in.refreshed);
    ck_assert_str_eq(out.user, in.user);
    ck_assert_str_eq(out.sub, in.sub);
    ck_assert_ptr_null(out.name);
    ck_assert_int_eq(out.groups->nelts, 2);
    ck_assert_str_eq(APR_ARRAY_IDX(out.groups, 1, const char *),
                     "DNS Administrators");
}
END_TEST

/* Decoded strings are copies (the buffer is reused by the next request),
 * and empty strings and many groups fit the one allocation. */
START_TEST(session_decode_copies_every_string)
{
    sso_session in = sample_session(), out;
    unsigned char buf[SSO_SESSION_MAX];
    apr_size_t len;
    int i;

    in.email = "";
    for (i = 0; i < 100; i++) {
        APR_ARRAY_PUSH(in.groups, const char *) = i % 2 ? "" : "g";
    }
    len = sso_session_encode(&in, buf, sizeof(buf));
    ck_assert_ptr_null(sso_session_decode(unit_pool, buf, len, &out));
    memset(buf, 'X', sizeof(buf));
    ck_assert_str_eq(out.user, "alice@example.com");
    ck_assert_str_eq(out.method, "sso");
    ck_assert_str_eq(out.email, "");
    ck_assert_int_eq(out.groups->nelts, 102);
    ck_assert_str_eq(APR_ARRAY_IDX(out.groups, 0, const char *),
                     "Administrators");
    ck_assert_str_eq(APR_ARRAY_IDX(out.groups, 101, const char *), "");
    ck_assert_str_eq(APR_ARRAY_IDX(out.groups, 100, const char *), "g");
}
END_TEST

START_TEST(session_every_truncation_refused)
{
    sso_session in = sample_session(), out;
    unsigned char buf[SSO_SESSION_MAX];
    apr_size_t n, len = sso_session_encode(&in, buf, sizeof(buf));

    for (n = 0; n < len; n++) {
        ck_assert_msg(sso_session_decode(unit_pool, buf, n, &out) != NULL,
                      "accepted %u of %u bytes", (unsigned)n, (unsigned)len);
    }
}
END_TEST

START_TEST(session_corruption_refused)
{
    sso_session in = sample_session(), out;
    unsigned char buf[SSO_SESSION_MAX + 1], magic;
    apr_size_t len = sso_session_encode(&in, buf, SSO_SESSION_MAX);

    buf[len] = 'x';
    ck_assert_ptr_nonnull(sso_session_decode(unit_pool, buf, len + 1, &out));
    buf[0] = 'T';
    ck_assert_ptr_nonnull(sso_session_decode(unit_pool, buf, len, &out));
    /* A huge group count must not be believed. */
    len = sso_session_encode(&in, buf, SSO_SESSION_MAX);
    magic = buf[0];
    memset(buf, 0xff, sizeof(buf));
    buf[0] = magic;
    ck_assert_ptr_nonnull(
        sso_session_decode(unit_pool, buf, sizeof(buf), &out));
}
END_TEST

/* The realm is kept; a record of version 2 (before realms: magic 0x73,
 * no realm bytes) counts as no session rather than a session of any realm. */
START_TEST(session_realm_round_trip)
{
    sso_session in = sample_session(), out;
    unsigned char buf[SSO_SESSION_MAX], old[SSO_SESSION_MAX];
    apr_size_t len;

    sso_realm_of_sso("http://op", "client", "sqlite3:/x.db", in.realm);
    len = sso_session_encode(&in, buf, sizeof(buf));
    ck_assert_ptr_null(sso_session_decode(unit_pool, buf, len, &out));
    ck_assert_mem_eq(out.realm, in.realm, SSO_REALM_BYTES);
    old[0] = 0x73;
    memcpy(old + 1, buf + 1 + SSO_REALM_BYTES, len - 1 - SSO_REALM_BYTES);
    ck_assert_str_eq(
        sso_session_decode(unit_pool, old, len - SSO_REALM_BYTES, &out),
        "not a session record of this version");
}
END_TEST

static int realm_eq(const unsigned char *a, const unsigned char *b)
{
    return !memcmp(a, b, SSO_REALM_BYTES);
}

/* Each value of the configuration counts, NULL is not "", and values
 * cannot be shifted from one to the next. */
START_TEST(session_realm_values)
{
    unsigned char a[SSO_REALM_BYTES], b[SSO_REALM_BYTES];
    apr_array_header_t *prov =
        apr_array_make(unit_pool, 2, sizeof(const char *));

    sso_realm_of_sso("http://op", "client", "sqlite3:/x.db", a);
    sso_realm_of_sso("http://op", "client", "sqlite3:/x.db", b);
    ck_assert(realm_eq(a, b));
    sso_realm_of_sso("http://op2", "client", "sqlite3:/x.db", b);
    ck_assert(!realm_eq(a, b));
    sso_realm_of_sso("http://op", "client2", "sqlite3:/x.db", b);
    ck_assert(!realm_eq(a, b));
    sso_realm_of_sso("http://op", "client", "sqlite3:/y.db", b);
    ck_assert(!realm_eq(a, b));
    sso_realm_of_sso("http://opc", "lient", "sqlite3:/x.db", b);
    ck_assert(!realm_eq(a, b));
    sso_realm_of_sso(NULL, "c", "s", a);
    sso_realm_of_sso("", "c", "s", b);
    ck_assert(!realm_eq(a, b));

    /* Local: the store and the provider list; an empty list is none. */
    sso_realm_of_local("sqlite3:/x.db", NULL, a);
    sso_realm_of_local("sqlite3:/x.db", prov, b);
    ck_assert(realm_eq(a, b));
    APR_ARRAY_PUSH(prov, const char *) = "file";
    sso_realm_of_local("sqlite3:/x.db", prov, b);
    ck_assert(!realm_eq(a, b));
    sso_realm_of_local("sqlite3:/x.db", prov, a);
    ck_assert(realm_eq(a, b));
    APR_ARRAY_PUSH(prov, const char *) = "dbm";
    sso_realm_of_local("sqlite3:/x.db", prov, b);
    ck_assert(!realm_eq(a, b));
    sso_realm_of_local("sqlite3:/y.db", NULL, a);
    sso_realm_of_local("sqlite3:/x.db", NULL, b);
    ck_assert(!realm_eq(a, b));
    /* The same store: an SSO realm is never a local one. */
    sso_realm_of_sso(NULL, NULL, "sqlite3:/x.db", a);
    ck_assert(!realm_eq(a, b));
}
END_TEST

START_TEST(session_realm_ok_by_method)
{
    sso_session s = sample_session();
    unsigned char sso[SSO_REALM_BYTES], local[SSO_REALM_BYTES];
    static const unsigned char zero[SSO_REALM_BYTES];

    sso_realm_of_sso("http://op", "client", "sqlite3:/x.db", sso);
    sso_realm_of_local("sqlite3:/x.db", NULL, local);
    memcpy(s.realm, sso, SSO_REALM_BYTES);
    ck_assert(sso_session_realm_ok(&s, sso, local));
    ck_assert(!sso_session_realm_ok(&s, local, sso));
    s.method = "local";
    ck_assert(!sso_session_realm_ok(&s, sso, local));
    memcpy(s.realm, local, SSO_REALM_BYTES);
    ck_assert(sso_session_realm_ok(&s, sso, local));
    s.method = "token";
    ck_assert(!sso_session_realm_ok(&s, local, local));
    /* An all-zero realm (a digest that failed) matches nothing. */
    s.method = "sso";
    memset(s.realm, 0, SSO_REALM_BYTES);
    ck_assert(!sso_session_realm_ok(&s, zero, zero));
}
END_TEST

START_TEST(session_too_big_refused)
{
    sso_session in = sample_session();
    unsigned char buf[SSO_SESSION_MAX];
    int i;

    for (i = 0; i < 500; i++) {
        APR_ARRAY_PUSH(in.groups, const char *) =
            "a rather long local group name";
    }
    ck_assert_uint_eq(sso_session_encode(&in, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(session_expiry)
{
    sso_session s = sample_session();

    /* last_seen 1700000100, created 1700000000 */
    ck_assert(!sso_session_expired(&s, 1700000100 + 1799, 1800, 28800));
    ck_assert(sso_session_expired(&s, 1700000100 + 1800, 1800, 28800));
    ck_assert(sso_session_expired(&s, 1700000000 + 300, 1800, 300));
    s.last_seen = s.created + 100000; /* from the future */
    ck_assert(sso_session_expired(&s, s.created + 10, 1800, 28800));
}
END_TEST

START_TEST(session_touch_and_ttl)
{
    sso_session s = sample_session();

    ck_assert(!sso_session_needs_touch(&s, s.last_seen + 179, 1800));
    ck_assert(sso_session_needs_touch(&s, s.last_seen + 180, 1800));
    ck_assert_int_eq(sso_session_ttl(&s, s.last_seen, 1800, 28800), 1800);
    ck_assert_int_eq(sso_session_ttl(&s, s.last_seen, 1800, 200), 100);
}
END_TEST

START_TEST(session_recheck)
{
    sso_session s = sample_session();

    s.verified = 1000;
    ck_assert(!sso_session_needs_recheck(&s, 1029, 30));
    ck_assert(sso_session_needs_recheck(&s, 1030, 30));
    ck_assert(sso_session_needs_recheck(&s, 1002, 2));
    ck_assert(sso_session_needs_recheck(&s, 900, 30));
}
END_TEST

START_TEST(txn_round_trip_and_expiry)
{
    sso_txn in = { 1700000000, "nonce-value", NULL, "/admin?x=1" }, out;
    unsigned char buf[1024];
    apr_size_t len = sso_txn_encode(&in, buf, sizeof(buf));

    ck_assert_ptr_null(sso_txn_decode(unit_pool, buf, len, &out));
    ck_assert_str_eq(out.nonce, "nonce-value");
    ck_assert_ptr_null(out.pkce_verifier);
    ck_assert_str_eq(out.return_path, "/admin?x=1");
    ck_assert(!sso_txn_expired(&out, in.created + SSO_TXN_TTL - 1));
    ck_assert(sso_txn_expired(&out, in.created + SSO_TXN_TTL));
    ck_assert_ptr_nonnull(sso_txn_decode(unit_pool, buf, len - 1, &out));
}
END_TEST

/* A used login keeps only its return path; the two kinds never mix. */
START_TEST(txn_used)
{
    sso_txn in = { 1700000000, NULL, NULL, "/dns/", 1 }, out;
    unsigned char buf[1024];
    apr_size_t len = sso_txn_encode(&in, buf, sizeof(buf));

    ck_assert_ptr_null(sso_txn_decode(unit_pool, buf, len, &out));
    ck_assert_int_eq(out.used, 1);
    ck_assert_ptr_null(out.nonce);
    ck_assert_str_eq(out.return_path, "/dns/");
    out.used = 0;
    ck_assert_ptr_null(sso_txn_decode(
        unit_pool, buf, sso_txn_encode(&in, buf, sizeof(buf)), &out));
    ck_assert_int_eq(out.used, 1);
    /* A pending login without a nonce, a used one with it: corrupt. */
    in.used = 0;
    len = sso_txn_encode(&in, buf, sizeof(buf));
    ck_assert_ptr_nonnull(sso_txn_decode(unit_pool, buf, len, &out));
    in.used = 1;
    in.nonce = "n";
    len = sso_txn_encode(&in, buf, sizeof(buf));
    ck_assert_ptr_nonnull(sso_txn_decode(unit_pool, buf, len, &out));
}
END_TEST

START_TEST(id_decode)
{
    /* base64url of the bytes 0, 1, ..., 31 */
    static const char good[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    const unsigned char *raw = sso_id_decode(unit_pool, good);

    ck_assert_ptr_nonnull(raw);
    ck_assert_int_eq(raw[0], 0);
    ck_assert_int_eq(raw[31], 31);
    ck_assert_ptr_null(sso_id_decode(unit_pool, NULL));
    ck_assert_ptr_null(sso_id_decode(unit_pool, ""));
    ck_assert_ptr_null(
        sso_id_decode(unit_pool, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh"));
    ck_assert_ptr_null(sso_id_decode(
        unit_pool, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8A"));
    ck_assert_ptr_null(sso_id_decode(
        unit_pool, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh="));
    ck_assert_ptr_null(sso_id_decode(
        unit_pool, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh%"));
    ck_assert_ptr_null(sso_id_decode(
        unit_pool, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd+/8"));
}
END_TEST

static const unsigned char *index_id(int n)
{
    static unsigned char ids[40][SSO_ID_BYTES];

    memset(ids[n], n + 1, SSO_ID_BYTES);
    return ids[n];
}

/* Newest last, each ID once, at most max: the oldest go. */
START_TEST(index_add_bounded)
{
    unsigned char buf[SSO_INDEX_MAX * SSO_ID_BYTES];
    apr_size_t len = 0;
    int i;

    len = sso_index_add(buf, len, index_id(0), 3);
    len = sso_index_add(buf, len, index_id(1), 3);
    ck_assert_uint_eq(len, 2 * SSO_ID_BYTES);
    len = sso_index_add(buf, len, index_id(0), 3);
    ck_assert_uint_eq(len, 2 * SSO_ID_BYTES);
    ck_assert_mem_eq(buf, index_id(1), SSO_ID_BYTES);
    ck_assert_mem_eq(buf + SSO_ID_BYTES, index_id(0), SSO_ID_BYTES);
    len = sso_index_add(buf, len, index_id(2), 3);
    len = sso_index_add(buf, len, index_id(3), 3);
    ck_assert_uint_eq(len, 3 * SSO_ID_BYTES);
    ck_assert_mem_eq(buf, index_id(0), SSO_ID_BYTES);
    ck_assert_mem_eq(buf + 2 * SSO_ID_BYTES, index_id(3), SSO_ID_BYTES);
    for (i = 0; i < 40; i++) {
        len = sso_index_add(buf, len, index_id(i), 100);
    }
    ck_assert_uint_eq(len, SSO_INDEX_MAX * SSO_ID_BYTES);
    ck_assert_mem_eq(buf, index_id(40 - SSO_INDEX_MAX), SSO_ID_BYTES);
    ck_assert_mem_eq(buf + len - SSO_ID_BYTES, index_id(39), SSO_ID_BYTES);
}
END_TEST

/* A record cut short (or foreign) is started afresh, never misread. */
START_TEST(index_add_bad_record)
{
    unsigned char buf[SSO_INDEX_MAX * SSO_ID_BYTES];

    memset(buf, 7, sizeof(buf));
    ck_assert_uint_eq(sso_index_add(buf, SSO_ID_BYTES + 5, index_id(1), 4),
                      SSO_ID_BYTES);
    ck_assert_mem_eq(buf, index_id(1), SSO_ID_BYTES);
}
END_TEST

START_TEST(session_refresh_due)
{
    sso_session s = sample_session();

    s.refreshed = 1000;
    ck_assert(!sso_session_needs_refresh(&s, 5000, 0));
    ck_assert(!sso_session_needs_refresh(&s, 1001, 2));
    ck_assert(sso_session_needs_refresh(&s, 1002, 2));
    ck_assert(sso_session_needs_refresh(&s, 900, 300));
    s.method = "local";
    ck_assert(!sso_session_needs_refresh(&s, 5000, 2));
}
END_TEST

/* A record of version 3 (before SSOGroupRefresh) is still a session: its
 * groups count as read at login. */
START_TEST(session_v3_still_read)
{
    sso_session in = sample_session(), out;
    unsigned char buf[SSO_SESSION_MAX], v3[SSO_SESSION_MAX];
    apr_size_t len = sso_session_encode(&in, buf, sizeof(buf));
    /* magic, realm, created, last_seen, verified: then refreshed (8) */
    apr_size_t head = 1 + SSO_REALM_BYTES + 3 * 8;

    ck_assert_uint_eq(buf[0], 0x34);
    v3[0] = 0x33;
    memcpy(v3 + 1, buf + 1, head - 1);
    memcpy(v3 + head, buf + head + 8, len - head - 8);
    ck_assert_ptr_null(sso_session_decode(unit_pool, v3, len - 8, &out));
    ck_assert_int_eq(out.refreshed, in.created);
    ck_assert_str_eq(out.user, in.user);
    ck_assert_int_eq(out.groups->nelts, 2);
    v3[0] = 0x32;
    ck_assert_ptr_nonnull(sso_session_decode(unit_pool, v3, len - 8, &out));
}
END_TEST

Suite *sso_session_suite(void)
{
    Suite *s = suite_create("sso_session");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, id_decode);
    tcase_add_test(tc, session_round_trip);
    tcase_add_test(tc, session_decode_copies_every_string);
    tcase_add_test(tc, session_every_truncation_refused);
    tcase_add_test(tc, session_corruption_refused);
    tcase_add_test(tc, session_realm_round_trip);
    tcase_add_test(tc, session_realm_values);
    tcase_add_test(tc, session_realm_ok_by_method);
    tcase_add_test(tc, session_too_big_refused);
    tcase_add_test(tc, session_expiry);
    tcase_add_test(tc, session_touch_and_ttl);
    tcase_add_test(tc, session_recheck);
    tcase_add_test(tc, txn_round_trip_and_expiry);
    tcase_add_test(tc, txn_used);
    tcase_add_test(tc, index_add_bounded);
    tcase_add_test(tc, session_refresh_due);
    tcase_add_test(tc, session_v3_still_read);
    tcase_add_test(tc, index_add_bad_record);
    suite_add_tcase(s, tc);
    return s;
}
