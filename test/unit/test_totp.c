/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_totp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "apr_strings.h"

/* RFC 6238 Appendix B: the SHA-1 seed. */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEY_LEN 20

/* ---- RFC 6238 ---- */

/* Appendix B's SHA-1 rows, 8 digits there, their last 6 here. */
START_TEST(rfc6238_sha1_vectors)
{
    static const struct {
        apr_int64_t t;
        const char *code;
    } v[] = {
        { 59LL, "287082" },          /* 94287082 */
        { 1111111109LL, "081804" },  /* 07081804 */
        { 1111111111LL, "050471" },  /* 14050471 */
        { 1234567890LL, "005924" },  /* 89005924 */
        { 2000000000LL, "279037" },  /* 69279037 */
        { 20000000000LL, "353130" }, /* 65353130 */
    };
    char got[8];
    size_t i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        long c = sso_totp_code(rfc_key, RFC_KEY_LEN, sso_totp_step(v[i].t));
        snprintf(got, sizeof(got), "%06ld", c);
        ck_assert_msg(!strcmp(got, v[i].code), "T=%lld: %s, want %s",
                      (long long)v[i].t, got, v[i].code);
    }
    ck_assert_int_eq(sso_totp_step(59), 1);
    ck_assert_int_eq(sso_totp_step(1111111109LL), 37037036);
}
END_TEST

static const char *code_at(apr_int64_t t)
{
    return apr_psprintf(unit_pool, "%06ld",
                        sso_totp_code(rfc_key, RFC_KEY_LEN, sso_totp_step(t)));
}

/* One step either side is accepted, two are not. */
START_TEST(window)
{
    apr_int64_t now = 1234567890LL, step = 0, cur = sso_totp_step(now);

    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now), now, 0, &step),
        SSO_TOTP_OK);
    ck_assert_int_eq(step, cur);
    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now - 30), now, 0, &step),
        SSO_TOTP_OK);
    ck_assert_int_eq(step, cur - 1);
    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now + 30), now, 0, &step),
        SSO_TOTP_OK);
    ck_assert_int_eq(step, cur + 1);
    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now - 60), now, 0, &step),
        SSO_TOTP_WRONG);
    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now + 60), now, 0, &step),
        SSO_TOTP_WRONG);
}
END_TEST

/* A code is good once: its step, and every older one, count as used. */
START_TEST(replay)
{
    apr_int64_t now = 2000000000LL, step = 0, cur = sso_totp_step(now);
    const char *code = code_at(now);

    ck_assert_int_eq(sso_totp_check(rfc_key, RFC_KEY_LEN, code, now, 0, &step),
                     SSO_TOTP_OK);
    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, code, now, step, &step),
        SSO_TOTP_REPLAYED);
    ck_assert_int_eq(step, 0);
    /* The previous step's code, still in the window, is older than the
     * one used. */
    ck_assert_int_eq(sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now - 30),
                                    now, cur, &step),
                     SSO_TOTP_REPLAYED);
    /* The next one is newer. */
    ck_assert_int_eq(sso_totp_check(rfc_key, RFC_KEY_LEN, code_at(now + 30),
                                    now, cur, &step),
                     SSO_TOTP_OK);
    ck_assert_int_eq(step, cur + 1);
}
END_TEST

START_TEST(code_syntax)
{
    apr_int64_t step;

    ck_assert(sso_totp_code_syntax("012345"));
    ck_assert(!sso_totp_code_syntax("12345"));
    ck_assert(!sso_totp_code_syntax("1234567"));
    ck_assert(!sso_totp_code_syntax("12345a"));
    ck_assert(!sso_totp_code_syntax(" 12345"));
    ck_assert(!sso_totp_code_syntax(""));
    ck_assert(!sso_totp_code_syntax(NULL));
    ck_assert_int_eq(sso_totp_check(rfc_key, RFC_KEY_LEN, NULL, 59, 0, &step),
                     SSO_TOTP_WRONG);
    ck_assert_int_eq(
        sso_totp_check(rfc_key, RFC_KEY_LEN, "2870820", 59, 0, &step),
        SSO_TOTP_WRONG);
}
END_TEST

/* ---- base32 (RFC 4648 §10) ---- */

START_TEST(base32_vectors)
{
    static const struct {
        const char *in, *out, *padded;
    } v[] = {
        { "", "", "" },
        { "f", "MY", "MY======" },
        { "fo", "MZXQ", "MZXQ====" },
        { "foo", "MZXW6", "MZXW6===" },
        { "foob", "MZXW6YQ", "MZXW6YQ=" },
        { "fooba", "MZXW6YTB", "MZXW6YTB" },
        { "foobar", "MZXW6YTBOI", "MZXW6YTBOI======" },
    };
    size_t i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        apr_size_t len = 99;
        unsigned char *d;
        ck_assert_str_eq(sso_base32_encode(unit_pool,
                                           (const unsigned char *)v[i].in,
                                           strlen(v[i].in)),
                         v[i].out);
        d = sso_base32_decode(unit_pool, v[i].padded, &len);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(len, strlen(v[i].in));
        ck_assert(!memcmp(d, v[i].in, len));
        d = sso_base32_decode(unit_pool, apr_pstrdup(unit_pool, v[i].out),
                              &len);
        ck_assert_ptr_nonnull(d);
        ck_assert_uint_eq(len, strlen(v[i].in));
    }
    /* Lower case too. */
    {
        apr_size_t len;
        unsigned char *d = sso_base32_decode(unit_pool, "mzxw6ytboi", &len);
        ck_assert_ptr_nonnull(d);
        ck_assert(len == 6 && !memcmp(d, "foobar", 6));
    }
}
END_TEST

START_TEST(base32_refuses)
{
    apr_size_t len;

    ck_assert_ptr_null(sso_base32_decode(unit_pool, "M", &len));
    ck_assert_ptr_null(sso_base32_decode(unit_pool, "MZX", &len));
    ck_assert_ptr_null(sso_base32_decode(unit_pool, "MZXW6Y", &len));
    ck_assert_ptr_null(sso_base32_decode(unit_pool, "MZ1Q", &len));
    ck_assert_ptr_null(sso_base32_decode(unit_pool, "MZ Q", &len));
    /* "MZ" is "f"; "M3" leaves non-zero bits over. */
    ck_assert_ptr_null(sso_base32_decode(unit_pool, "M3", &len));
}
END_TEST

/* ---- the secret ---- */

START_TEST(secret_and_uri)
{
    unsigned char a[SSO_TOTP_SECRET_BYTES], b[SSO_TOTP_SECRET_BYTES];
    const char *uri;

    ck_assert_int_eq(sso_totp_secret_new(a), APR_SUCCESS);
    ck_assert_int_eq(sso_totp_secret_new(b), APR_SUCCESS);
    ck_assert(memcmp(a, b, sizeof(a)));
    ck_assert_uint_eq(strlen(sso_base32_encode(unit_pool, a, sizeof(a))), 32);
    uri = sso_totp_uri(unit_pool, "Example Site", "ad:min",
                       (const unsigned char *)"foobar", 6);
    ck_assert_str_eq(uri, "otpauth://totp/Example%20Site:ad%3amin?"
                          "secret=MZXW6YTBOI&issuer=Example%20Site");
}
END_TEST

static unsigned char test_key[SSO_TOTP_KEY_BYTES];

START_TEST(seal_round_trip)
{
    const char *sealed, *again;
    unsigned char *out;
    apr_size_t len;

    memset(test_key, 7, sizeof(test_key));
    ck_assert_int_eq(sso_totp_seal(unit_pool, test_key, "admin", rfc_key,
                                   RFC_KEY_LEN, &sealed),
                     APR_SUCCESS);
    ck_assert(!strncmp(sealed, "1:", 2));
    ck_assert_ptr_null(strstr(sealed, "12345678901234567890"));
    ck_assert_int_eq(
        sso_totp_open(unit_pool, test_key, "admin", sealed, &out, &len),
        APR_SUCCESS);
    ck_assert_uint_eq(len, RFC_KEY_LEN);
    ck_assert(!memcmp(out, rfc_key, RFC_KEY_LEN));
    /* A fresh nonce each time. */
    ck_assert_int_eq(sso_totp_seal(unit_pool, test_key, "admin", rfc_key,
                                   RFC_KEY_LEN, &again),
                     APR_SUCCESS);
    ck_assert_str_ne(sealed, again);
}
END_TEST

/* Another key, another account, a changed byte, a cut value: refused. */
START_TEST(seal_tamper)
{
    unsigned char other[SSO_TOTP_KEY_BYTES], *out;
    const char *sealed;
    char *bent;
    apr_size_t len, n;

    memset(test_key, 7, sizeof(test_key));
    memset(other, 8, sizeof(other));
    ck_assert_int_eq(sso_totp_seal(unit_pool, test_key, "admin", rfc_key,
                                   RFC_KEY_LEN, &sealed),
                     APR_SUCCESS);
    ck_assert_int_eq(
        sso_totp_open(unit_pool, other, "admin", sealed, &out, &len),
        APR_EGENERAL);
    ck_assert_ptr_null(out);
    ck_assert_int_eq(
        sso_totp_open(unit_pool, test_key, "admin2", sealed, &out, &len),
        APR_EGENERAL);
    n = strlen(sealed);
    bent = apr_pstrdup(unit_pool, sealed);
    bent[n / 2] = bent[n / 2] == 'A' ? 'B' : 'A';
    ck_assert_int_eq(
        sso_totp_open(unit_pool, test_key, "admin", bent, &out, &len),
        APR_EGENERAL);
    ck_assert_int_ne(sso_totp_open(unit_pool, test_key, "admin",
                                   apr_pstrndup(unit_pool, sealed, 20), &out,
                                   &len),
                     APR_SUCCESS);
    ck_assert_int_eq(
        sso_totp_open(unit_pool, test_key, "admin", "2:AAAA", &out, &len),
        APR_EINVAL);
    ck_assert_int_eq(
        sso_totp_open(unit_pool, test_key, "admin", NULL, &out, &len),
        APR_EINVAL);
}
END_TEST

/* ---- the key file ---- */

START_TEST(key_path)
{
    ck_assert_str_eq(sso_totp_key_path(unit_pool, "sqlite3:/var/lib/x/users.db",
                                       "/var/lib/apache2"),
                     "/var/lib/x/totp.key");
    ck_assert_str_eq(sso_totp_key_path(unit_pool, "pgsql:host=db dbname=sso",
                                       "/var/lib/apache2"),
                     "/var/lib/apache2/sso/totp.key");
    ck_assert_ptr_null(sso_totp_key_path(unit_pool, "sqlite3::memory:", "/s"));
    ck_assert_ptr_null(sso_totp_key_path(unit_pool, "nonsense", "/s"));
}
END_TEST

START_TEST(key_file)
{
    char dir[] = "/tmp/sso-totp-XXXXXX";
    const char *path, *link, *err = NULL;
    unsigned char k1[SSO_TOTP_KEY_BYTES], k2[SSO_TOTP_KEY_BYTES];
    struct stat st;
    int created = 0;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    path = apr_pstrcat(unit_pool, dir, "/totp.key", NULL);
    link = apr_pstrcat(unit_pool, dir, "/link.key", NULL);
    ck_assert_int_ne(sso_totp_key_read(unit_pool, path, k1, &err), APR_SUCCESS);
    ck_assert_int_eq(sso_totp_key_create(unit_pool, path, &created, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(created, 1);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, SSO_TOTP_KEY_BYTES);
    ck_assert_int_eq(sso_totp_key_read(unit_pool, path, k1, &err), APR_SUCCESS);
    /* Present: left as it is. */
    ck_assert_int_eq(sso_totp_key_create(unit_pool, path, &created, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(created, 0);
    ck_assert_int_eq(sso_totp_key_read(unit_pool, path, k2, &err), APR_SUCCESS);
    ck_assert(!memcmp(k1, k2, sizeof(k1)));
    /* Never through a symlink, neither made nor read. */
    ck_assert_int_eq(symlink(path, link), 0);
    ck_assert_int_ne(sso_totp_key_read(unit_pool, link, k2, &err), APR_SUCCESS);
    unlink(link);
    ck_assert_int_eq(
        symlink(apr_pstrcat(unit_pool, dir, "/target", NULL), link), 0);
    ck_assert_int_eq(sso_totp_key_create(unit_pool, link, &created, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(created, 0);
    ck_assert_int_ne(access(apr_pstrcat(unit_pool, dir, "/target", NULL), F_OK),
                     0);
    unlink(link);
    /* Readable by others, or of the wrong length: refused. */
    chmod(path, 0640);
    ck_assert_int_ne(sso_totp_key_read(unit_pool, path, k2, &err), APR_SUCCESS);
    ck_assert_ptr_nonnull(strstr(err, "0600"));
    chmod(path, 0600);
    ck_assert_int_eq(truncate(path, 16), 0);
    ck_assert_int_ne(sso_totp_key_read(unit_pool, path, k2, &err), APR_SUCCESS);
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(pending_round_trip)
{
    sso_totp_pending in = { 'e', 1767225600, "admin", "/protected/?a=1",
                            "1:abc" },
                     out;
    unsigned char buf[SSO_TOTP_PENDING_MAX];
    apr_size_t n = sso_totp_pending_encode(&in, buf, sizeof(buf));

    ck_assert_uint_gt(n, 0);
    ck_assert(sso_totp_pending_decode(unit_pool, buf, n, &out));
    ck_assert_int_eq(out.kind, 'e');
    ck_assert_int_eq(out.created, 1767225600);
    ck_assert_str_eq(out.username, "admin");
    ck_assert_str_eq(out.return_path, "/protected/?a=1");
    ck_assert_str_eq(out.sealed, "1:abc");
    /* Cut short, a byte more, another kind: refused. */
    ck_assert(!sso_totp_pending_decode(unit_pool, buf, n - 1, &out));
    buf[n] = 'x';
    ck_assert(!sso_totp_pending_decode(unit_pool, buf, n + 1, &out));
    buf[0] = 'z';
    ck_assert(!sso_totp_pending_decode(unit_pool, buf, n, &out));
    /* Too small a buffer, or no username: nothing. */
    ck_assert_uint_eq(sso_totp_pending_encode(&in, buf, 10), 0);
    in.kind = 'c';
    in.sealed = NULL;
    n = sso_totp_pending_encode(&in, buf, sizeof(buf));
    ck_assert(sso_totp_pending_decode(unit_pool, buf, n, &out));
    ck_assert_str_eq(out.sealed, "");
    in.username = NULL;
    ck_assert_uint_eq(sso_totp_pending_encode(&in, buf, sizeof(buf)), 0);
}
END_TEST

Suite *sso_totp_suite(void)
{
    Suite *s = suite_create("sso_totp");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, rfc6238_sha1_vectors);
    tcase_add_test(tc, window);
    tcase_add_test(tc, replay);
    tcase_add_test(tc, code_syntax);
    tcase_add_test(tc, base32_vectors);
    tcase_add_test(tc, base32_refuses);
    tcase_add_test(tc, secret_and_uri);
    tcase_add_test(tc, seal_round_trip);
    tcase_add_test(tc, seal_tamper);
    tcase_add_test(tc, key_path);
    tcase_add_test(tc, key_file);
    tcase_add_test(tc, pending_round_trip);
    suite_add_tcase(s, tc);
    return s;
}
