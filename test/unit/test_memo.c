/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_memo.h"

#include <string.h>

static sso_stamps stamps;
static sso_memo memo;
static const int owner_a, owner_b;
static const unsigned char rec[] = "a session record";

static void memo_setup(void)
{
    memset(&stamps, 0, sizeof(stamps));
    memset(&memo, 0, sizeof(memo));
}

static void id_fill(unsigned char *id, unsigned char byte)
{
    memset(id, byte, SSO_ID_BYTES);
}

/* The cookie value of an ID in these tests: its first byte as a letter. */
static const char *token_of(const unsigned char *id)
{
    static char tok[SSO_ID_B64_LEN];

    memset(tok, 'A' + id[0] % 26, sizeof(tok));
    tok[1] = 'a' + id[SSO_ID_BYTES - 1] % 26;
    return tok;
}

static void memo_put(const void *owner, const unsigned char *id,
                     apr_uint32_t stamp, apr_int64_t now,
                     const unsigned char *r, apr_size_t len)
{
    sso_memo_put(&memo, owner, token_of(id), id, stamp, now, r, len);
}

/* What a request would get: the ID by cookie value, then the record. */
static const unsigned char *memo_get(const void *owner, const unsigned char *id,
                                     apr_uint32_t stamp, apr_int64_t now,
                                     apr_size_t *len)
{
    const unsigned char *mid = sso_memo_id(&memo, owner, token_of(id));

    if (!mid) {
        return NULL;
    }
    ck_assert_mem_eq(mid, id, SSO_ID_BYTES);
    return sso_memo_record(&memo, stamp, now, len);
}

START_TEST(memo_returns_what_was_put)
{
    unsigned char id[SSO_ID_BYTES];
    const unsigned char *got;
    apr_size_t len = 0;

    id_fill(id, 7);
    memo_put(&owner_a, id, sso_stamps_read(&stamps, id), 100, rec, sizeof(rec));
    got = memo_get(&owner_a, id, sso_stamps_read(&stamps, id), 104, &len);
    ck_assert_ptr_nonnull(got);
    ck_assert_uint_eq(len, sizeof(rec));
    ck_assert_mem_eq(got, rec, sizeof(rec));
}
END_TEST

START_TEST(memo_is_empty_at_first)
{
    unsigned char id[SSO_ID_BYTES];
    apr_size_t len = 0;

    id_fill(id, 0);
    ck_assert_ptr_null(memo_get(NULL, id, 0, 0, &len));
}
END_TEST

START_TEST(bump_voids_the_memo)
{
    unsigned char id[SSO_ID_BYTES];
    apr_uint32_t before;
    apr_size_t len = 0;

    id_fill(id, 7);
    before = sso_stamps_read(&stamps, id);
    memo_put(&owner_a, id, before, 100, rec, sizeof(rec));
    sso_stamps_bump(&stamps, id);
    ck_assert_uint_ne(sso_stamps_read(&stamps, id), before);
    ck_assert_ptr_null(
        memo_get(&owner_a, id, sso_stamps_read(&stamps, id), 100, &len));
}
END_TEST

/* A write between reading the stamp and reading the record: the memo made
 * from the (possibly old) record must not survive it. */
START_TEST(write_during_read_voids_the_memo)
{
    unsigned char id[SSO_ID_BYTES];
    apr_uint32_t stamp;
    apr_size_t len = 0;

    id_fill(id, 9);
    stamp = sso_stamps_read(&stamps, id);
    sso_stamps_bump(&stamps, id);
    memo_put(&owner_a, id, stamp, 100, rec, sizeof(rec));
    ck_assert_ptr_null(
        memo_get(&owner_a, id, sso_stamps_read(&stamps, id), 100, &len));
}
END_TEST

START_TEST(other_session_or_cache_misses)
{
    unsigned char id[SSO_ID_BYTES], other[SSO_ID_BYTES];
    apr_size_t len = 0;

    id_fill(id, 7);
    memcpy(other, id, SSO_ID_BYTES);
    other[SSO_ID_BYTES - 1] ^= 1;
    memo_put(&owner_a, id, 0, 100, rec, sizeof(rec));
    ck_assert_ptr_null(memo_get(&owner_a, other, 0, 100, &len));
    ck_assert_ptr_null(memo_get(&owner_b, id, 0, 100, &len));
}
END_TEST

START_TEST(memo_ages_out)
{
    unsigned char id[SSO_ID_BYTES];
    apr_size_t len = 0;

    id_fill(id, 7);
    memo_put(&owner_a, id, 0, 100, rec, sizeof(rec));
    ck_assert_ptr_nonnull(
        memo_get(&owner_a, id, 0, 100 + SSO_MEMO_MAX_AGE - 1, &len));
    ck_assert_ptr_null(memo_get(&owner_a, id, 0, 100 + SSO_MEMO_MAX_AGE, &len));
    /* A clock that went back does not stretch it. */
    ck_assert_ptr_null(memo_get(&owner_a, id, 0, 99, &len));
}
END_TEST

START_TEST(large_record_empties_the_memo)
{
    unsigned char id[SSO_ID_BYTES], big[SSO_MEMO_REC_MAX + 1];
    apr_size_t len = 0;

    id_fill(id, 7);
    memset(big, 'x', sizeof(big));
    memo_put(&owner_a, id, 0, 100, rec, sizeof(rec));
    memo_put(&owner_a, id, 0, 101, big, sizeof(big));
    ck_assert_ptr_null(memo_get(&owner_a, id, 0, 101, &len));
    memo_put(&owner_a, id, 0, 101, big, SSO_MEMO_REC_MAX);
    ck_assert_ptr_nonnull(memo_get(&owner_a, id, 0, 101, &len));
    ck_assert_uint_eq(len, SSO_MEMO_REC_MAX);
}
END_TEST

/* A bump voids only memos of sessions in the same bucket. */
START_TEST(bump_is_per_bucket)
{
    unsigned char a[SSO_ID_BYTES], b[SSO_ID_BYTES];
    apr_uint32_t stamp_b;

    id_fill(a, 1);
    id_fill(b, 1);
    b[3] = 2;
    stamp_b = sso_stamps_read(&stamps, b);
    sso_stamps_bump(&stamps, a);
    ck_assert_uint_eq(sso_stamps_read(&stamps, b), stamp_b);
}
END_TEST

Suite *sso_memo_suite(void)
{
    Suite *s = suite_create("sso_memo");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, memo_setup, NULL);
    tcase_add_test(tc, memo_returns_what_was_put);
    tcase_add_test(tc, memo_is_empty_at_first);
    tcase_add_test(tc, bump_voids_the_memo);
    tcase_add_test(tc, write_during_read_voids_the_memo);
    tcase_add_test(tc, other_session_or_cache_misses);
    tcase_add_test(tc, memo_ages_out);
    tcase_add_test(tc, large_record_empties_the_memo);
    tcase_add_test(tc, bump_is_per_bucket);
    suite_add_tcase(s, tc);
    return s;
}
