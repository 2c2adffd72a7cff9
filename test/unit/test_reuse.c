/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_reuse.h"

#include <stdio.h>
#include <string.h>
#include "apr_thread_proc.h"

#define SEC APR_USEC_PER_SEC

static sso_reuse *table;
static sso_stamps stamps;
static const int owner_a, owner_b;

static void reuse_setup(void)
{
    unit_pool_setup();
    memset(&stamps, 0, sizeof(stamps));
    ck_assert_int_eq(sso_reuse_create(&table, unit_pool), APR_SUCCESS);
}

/* Session n: its ID bytes and cookie value both derived from n. */
static void session_of(int n, unsigned char *id, char *tok)
{
    char buf[SSO_ID_B64_LEN + 1];
    int i;

    for (i = 0; i < SSO_ID_BYTES; i++) {
        id[i] = (unsigned char)(n * 31 + i * 7 + (n >> 8));
    }
    snprintf(buf, sizeof(buf), "%043d", n);
    memcpy(tok, buf, SSO_ID_B64_LEN);
}

static void put(const void *owner, int n, apr_time_t at, const char *rec)
{
    unsigned char id[SSO_ID_BYTES];
    char tok[SSO_ID_B64_LEN];

    session_of(n, id, tok);
    sso_reuse_put(table, owner, tok, id, sso_stamps_read(&stamps, id), at,
                  (const unsigned char *)rec, strlen(rec) + 1);
}

/* What the last get() was told. */
static int last;

/* The record kept for session n at time now, or NULL. */
static const char *get(const void *owner, int n, apr_time_t now,
                       apr_time_t max_age)
{
    static unsigned char rec[SSO_REUSE_REC_MAX];
    unsigned char id[SSO_ID_BYTES], got_id[SSO_ID_BYTES];
    char tok[SSO_ID_B64_LEN];
    apr_size_t len = 0;
    apr_time_t age;

    session_of(n, id, tok);
    last = sso_reuse_get(table, &stamps, owner, tok, now, max_age, got_id, rec,
                         &len, &age);
    if (last != SSO_REUSE_HIT) {
        return NULL;
    }
    ck_assert_mem_eq(got_id, id, SSO_ID_BYTES);
    ck_assert_uint_eq(len, strlen((char *)rec) + 1);
    ck_assert_int_lt(age, max_age + SSO_REUSE_GRACE);
    return (const char *)rec;
}

START_TEST(reuse_within_the_limit)
{
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_str_eq(get(&owner_a, 1, 100 * SEC, 2 * SEC), "alice");
    ck_assert_str_eq(get(&owner_a, 1, 100 * SEC + 1999999, 2 * SEC), "alice");
    ck_assert_uint_eq(sso_reuse_count(table), 1);
}
END_TEST

START_TEST(too_old_is_not_reused)
{
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_ptr_null(get(&owner_a, 1, 102 * SEC, 2 * SEC));
    /* ... by the first caller, who reads it again; meanwhile the others
     * use the copy, for SSO_REUSE_GRACE at most. */
    ck_assert_str_eq(get(&owner_a, 1, 102 * SEC + 1000, 2 * SEC), "alice");
    ck_assert_ptr_null(get(&owner_a, 1, 102 * SEC + SSO_REUSE_GRACE, 2 * SEC));
    /* The new read replaces it. */
    put(&owner_a, 1, 102 * SEC, "alice2");
    ck_assert_str_eq(get(&owner_a, 1, 102 * SEC + 1000, 2 * SEC), "alice2");
    /* A new read that finds nothing ends the grace at once. */
    ck_assert_ptr_null(get(&owner_a, 1, 104 * SEC, 2 * SEC));
    ck_assert_str_eq(get(&owner_a, 1, 104 * SEC + 1000, 2 * SEC), "alice2");
    {
        unsigned char id[SSO_ID_BYTES];
        char tok[SSO_ID_B64_LEN];
        session_of(1, id, tok);
        sso_reuse_forget(table, &owner_a, tok);
    }
    ck_assert_ptr_null(get(&owner_a, 1, 104 * SEC + 2000, 2 * SEC));
    /* Far too old: the first caller reads, the others wait for it. */
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_ptr_null(get(&owner_a, 1, 110 * SEC, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_MISS);
    ck_assert_ptr_null(get(&owner_a, 1, 110 * SEC + 1000, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_WAIT);
    put(&owner_a, 1, 110 * SEC, "alice3");
    ck_assert_str_eq(get(&owner_a, 1, 110 * SEC + 2000, 2 * SEC), "alice3");
    /* A reader that never answers: after the grace, another reads. */
    ck_assert_ptr_null(get(&owner_a, 1, 120 * SEC, 2 * SEC));
    ck_assert_ptr_null(get(&owner_a, 1, 120 * SEC + SSO_REUSE_GRACE, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_MISS);
    /* A clock that went back voids the copy. */
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_ptr_null(get(&owner_a, 1, 99 * SEC, 2 * SEC));
    /* A limit of 0 never reuses, not even in the grace. */
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC, 0));
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC + 1, 0));
}
END_TEST

START_TEST(a_bump_voids_it)
{
    unsigned char id[SSO_ID_BYTES];
    char tok[SSO_ID_B64_LEN];

    put(&owner_a, 1, 100 * SEC, "alice");
    put(&owner_a, 2, 100 * SEC, "bob");
    session_of(1, id, tok);
    sso_stamps_bump(&stamps, id);
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_MISS);
    /* The others wait for the new read, never take the void copy. */
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC + 1, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_WAIT);
    ck_assert_str_eq(get(&owner_a, 2, 100 * SEC, 2 * SEC), "bob");
}
END_TEST

/* A store or removal between the stamp's read and the record's: the kept
 * record is void from the start. */
START_TEST(a_write_during_the_read_voids_it)
{
    unsigned char id[SSO_ID_BYTES];
    char tok[SSO_ID_B64_LEN];
    apr_uint32_t stamp;

    session_of(1, id, tok);
    stamp = sso_stamps_read(&stamps, id);
    sso_stamps_bump(&stamps, id);
    sso_reuse_put(table, &owner_a, tok, id, stamp, 100 * SEC,
                  (const unsigned char *)"old", 4);
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC, 2 * SEC));
}
END_TEST

START_TEST(other_cache_or_session_misses)
{
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_ptr_null(get(&owner_b, 1, 100 * SEC, 2 * SEC));
    ck_assert_ptr_null(get(&owner_a, 2, 100 * SEC, 2 * SEC));
    ck_assert_str_eq(get(&owner_a, 1, 100 * SEC, 2 * SEC), "alice");
}
END_TEST

START_TEST(a_new_read_replaces_the_old)
{
    put(&owner_a, 1, 100 * SEC, "alice");
    put(&owner_a, 1, 101 * SEC, "alice2");
    ck_assert_str_eq(get(&owner_a, 1, 102 * SEC + 500000, 2 * SEC), "alice2");
    ck_assert_uint_eq(sso_reuse_count(table), 1);
}
END_TEST

START_TEST(large_records_are_not_kept)
{
    unsigned char id[SSO_ID_BYTES], big[SSO_REUSE_REC_MAX + 1];
    char tok[SSO_ID_B64_LEN];

    memset(big, 'x', sizeof(big));
    session_of(1, id, tok);
    put(&owner_a, 1, 100 * SEC, "alice");
    sso_reuse_put(table, &owner_a, tok, id, 0, 100 * SEC, big, sizeof(big));
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC, 2 * SEC));
    ck_assert_uint_eq(sso_reuse_count(table), 0);
}
END_TEST

/* However many sessions pass, the table holds at most its slots, and the
 * most recent reads are still there. */
START_TEST(bounded_and_keeps_the_newest)
{
    int n, kept = 0;

    for (n = 0; n < 20000; n++) {
        put(&owner_a, n, 100 * SEC + n, "someone");
    }
    ck_assert_uint_le(sso_reuse_count(table), SSO_REUSE_SETS * SSO_REUSE_WAYS);
    ck_assert_uint_ge(sso_reuse_count(table),
                      SSO_REUSE_SETS * SSO_REUSE_WAYS * 9 / 10);
    for (n = 19990; n < 20000; n++) {
        kept += get(&owner_a, n, 100 * SEC + 20000, 2 * SEC) != NULL;
    }
    ck_assert_int_eq(kept, 10);
}
END_TEST

/* The first read of a session in the child: the others wait for it. */
START_TEST(first_read_others_wait)
{
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_MISS);
    ck_assert_ptr_null(get(&owner_a, 1, 100 * SEC + 1, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_WAIT);
    ck_assert_uint_eq(sso_reuse_count(table), 0);
    put(&owner_a, 1, 100 * SEC, "alice");
    ck_assert_str_eq(get(&owner_a, 1, 100 * SEC + 2, 2 * SEC), "alice");
    /* A first reader that never answers: after the grace, another reads. */
    ck_assert_ptr_null(get(&owner_a, 2, 100 * SEC, 2 * SEC));
    ck_assert_ptr_null(get(&owner_a, 2, 100 * SEC + SSO_REUSE_GRACE, 2 * SEC));
    ck_assert_int_eq(last, SSO_REUSE_MISS);
}
END_TEST

/* One write-back at a time per session: the others keep serving. */
START_TEST(one_claim_at_a_time)
{
    char tok1[SSO_ID_B64_LEN], tok2[SSO_ID_B64_LEN];
    unsigned char id[SSO_ID_BYTES];

    session_of(1, id, tok1);
    session_of(2, id, tok2);
    /* No copy: whoever read the cache may write. */
    ck_assert_int_eq(sso_reuse_claim(table, &owner_a, tok1, 100 * SEC, SEC), 1);
    put(&owner_a, 1, 100 * SEC, "alice");
    put(&owner_a, 2, 100 * SEC, "bob");
    ck_assert_int_eq(sso_reuse_claim(table, &owner_a, tok1, 100 * SEC, SEC), 1);
    ck_assert_int_eq(sso_reuse_claim(table, &owner_a, tok1, 100 * SEC + 1, SEC),
                     0);
    ck_assert_int_eq(sso_reuse_claim(table, &owner_a, tok2, 100 * SEC + 1, SEC),
                     1);
    /* The claim lapses... */
    ck_assert_int_eq(sso_reuse_claim(table, &owner_a, tok1, 101 * SEC, SEC), 1);
    /* ... and a new read ends it. */
    put(&owner_a, 1, 101 * SEC, "alice2");
    ck_assert_int_eq(sso_reuse_claim(table, &owner_a, tok1, 101 * SEC, SEC), 1);
    /* Claims do not void the copy. */
    ck_assert_str_eq(get(&owner_a, 1, 101 * SEC, 2 * SEC), "alice2");
}
END_TEST

#if APR_HAS_THREADS
/* Threads putting and getting the same sessions: a record read back is
 * always whole and the one of its session. */
static void *APR_THREAD_FUNC hammer(apr_thread_t *th, void *data)
{
    long me = (long)data, bad = 0;
    char want[32];
    int i;

    for (i = 0; i < 200000; i++) {
        int n = i % 64;
        const char *got;
        snprintf(want, sizeof(want), "session-%d-%0*d", n, (int)(me + 3), n);
        put(&owner_a, n, 100 * SEC, want);
        /* get() uses a static buffer: only for this check, copy out. */
        {
            unsigned char id[SSO_ID_BYTES], gid[SSO_ID_BYTES],
                rec[SSO_REUSE_REC_MAX];
            char tok[SSO_ID_B64_LEN], prefix[16];
            apr_size_t len;
            apr_time_t age;
            session_of(n, id, tok);
            if (SSO_REUSE_HIT
                == sso_reuse_get(table, &stamps, &owner_a, tok, 100 * SEC, SEC,
                                 gid, rec, &len, &age)) {
                got = (const char *)rec;
                snprintf(prefix, sizeof(prefix), "session-%d-", n);
                bad += len != strlen(got) + 1
                       || strncmp(got, prefix, strlen(prefix))
                       || memcmp(gid, id, SSO_ID_BYTES);
            }
        }
    }
    apr_thread_exit(th, bad ? APR_EGENERAL : APR_SUCCESS);
    return NULL;
}

START_TEST(threads_see_whole_records)
{
    apr_thread_t *th[4];
    apr_status_t rv;
    long i;

    for (i = 0; i < 4; i++) {
        ck_assert_int_eq(
            apr_thread_create(&th[i], NULL, hammer, (void *)i, unit_pool),
            APR_SUCCESS);
    }
    for (i = 0; i < 4; i++) {
        apr_thread_join(&rv, th[i]);
        ck_assert_int_eq(rv, APR_SUCCESS);
    }
}
END_TEST
#endif

Suite *sso_reuse_suite(void)
{
    Suite *s = suite_create("sso_reuse");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, reuse_setup, unit_pool_teardown);
    tcase_add_test(tc, reuse_within_the_limit);
    tcase_add_test(tc, too_old_is_not_reused);
    tcase_add_test(tc, a_bump_voids_it);
    tcase_add_test(tc, a_write_during_the_read_voids_it);
    tcase_add_test(tc, other_cache_or_session_misses);
    tcase_add_test(tc, a_new_read_replaces_the_old);
    tcase_add_test(tc, large_records_are_not_kept);
    tcase_add_test(tc, bounded_and_keeps_the_newest);
    tcase_add_test(tc, one_claim_at_a_time);
    tcase_add_test(tc, first_read_others_wait);
#if APR_HAS_THREADS
    tcase_add_test(tc, threads_see_whole_records);
#endif
    suite_add_tcase(s, tc);
    return s;
}
