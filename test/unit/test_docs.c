/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_docs.h"

#include <string.h>
#include "apr_strings.h"
#include "apr_thread_proc.h"

static sso_docs *docs;
static const apr_interval_time_t gap = 5 * APR_USEC_PER_SEC;

static void docs_setup(void)
{
    unit_pool_setup();
    ck_assert_int_eq(sso_docs_create(unit_pool, &docs), APR_SUCCESS);
}

START_TEST(no_copy_at_first)
{
    const char *doc = NULL;
    apr_size_t len = 0;
    apr_time_t at = 0;

    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/a", &doc, &len, &at), 0);
}
END_TEST

START_TEST(copy_kept_and_replaced_by_newer)
{
    const char *doc;
    apr_size_t len;
    apr_time_t at;

    sso_docs_put(docs, "https://op/a", "{\"v\":1}", 7, 100);
    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/a", &doc, &len, &at), 1);
    ck_assert_str_eq(doc, "{\"v\":1}");
    ck_assert_uint_eq(len, 7);
    ck_assert_int_eq(at, 100);
    sso_docs_put(docs, "https://op/a", "{\"v\":2}", 7, 200);
    sso_docs_put(docs, "https://op/a", "{\"v\":0}", 7, 50); /* older: ignored */
    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/a", &doc, &len, &at), 1);
    ck_assert_str_eq(doc, "{\"v\":2}");
    ck_assert_int_eq(at, 200);
    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/b", &doc, &len, &at), 0);
}
END_TEST

START_TEST(one_fetch_at_a_time)
{
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", 1000), 1);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", 1000), 0);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/b", 1000), 1);
    sso_docs_fetch_end(docs, "https://op/a", 1, 2000, gap);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", 2000), 1);
}
END_TEST

START_TEST(no_fetch_for_a_while_after_a_failure)
{
    apr_time_t t = apr_time_from_sec(1000);

    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", t), 1);
    sso_docs_fetch_end(docs, "https://op/a", 0, t, gap);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", t + gap - 1),
                     0);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", t + gap), 1);
    sso_docs_fetch_end(docs, "https://op/a", 1, t + gap, gap);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", t + gap), 1);
}
END_TEST

START_TEST(failed_fetch_keeps_the_copy)
{
    const char *doc;
    apr_size_t len;
    apr_time_t at;

    sso_docs_put(docs, "https://op/a", "good", 4, 100);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", 200), 1);
    sso_docs_fetch_end(docs, "https://op/a", 0, 200, gap);
    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/a", &doc, &len, &at), 1);
    ck_assert_str_eq(doc, "good");
}
END_TEST

START_TEST(slots_bounded_oldest_goes)
{
    const char *doc;
    apr_size_t len;
    apr_time_t at;
    int i;

    for (i = 0; i <= SSO_DOCS_SLOTS; i++) {
        sso_docs_put(docs, apr_psprintf(unit_pool, "https://op/%d", i), "d", 1,
                     i + 1);
    }
    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/0", &doc, &len, &at), 0);
    for (i = 1; i <= SSO_DOCS_SLOTS; i++) {
        ck_assert_int_eq(
            sso_docs_get(docs, unit_pool,
                         apr_psprintf(unit_pool, "https://op/%d", i), &doc,
                         &len, &at),
            1);
    }
}
END_TEST

START_TEST(slot_being_fetched_not_taken)
{
    int i;

    for (i = 0; i < SSO_DOCS_SLOTS; i++) {
        ck_assert_int_eq(
            sso_docs_fetch_begin(
                docs, apr_psprintf(unit_pool, "https://op/%d", i), 1),
            1);
    }
    /* Every slot is being fetched: a new URL gets none, and may not fetch. */
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/new", 1), 0);
    sso_docs_fetch_end(docs, "https://op/3", 1, 2, gap);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/new", 2), 1);
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/0", 2), 0);
}
END_TEST

/* The fetching thread: ends its fetch with a good copy after 100 ms. */
static void *APR_THREAD_FUNC fetch_then_end(apr_thread_t *t, void *data)
{
    apr_sleep(100 * 1000);
    sso_docs_put(docs, "https://op/a", "{}", 2, apr_time_now());
    sso_docs_fetch_end(docs, "https://op/a", 1, apr_time_now(), gap);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

START_TEST(waits_for_the_fetch_under_way)
{
    apr_thread_t *t;
    apr_status_t rv;
    apr_time_t start = apr_time_now();
    const char *doc;
    apr_size_t len;
    apr_time_t at;

    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", start), 1);
    ck_assert_int_eq(
        apr_thread_create(&t, NULL, fetch_then_end, NULL, unit_pool),
        APR_SUCCESS);
    ck_assert_int_eq(sso_docs_fetch_wait(docs, "https://op/a",
                                         start + 10 * APR_USEC_PER_SEC),
                     1);
    ck_assert_int_lt(apr_time_now() - start, 5 * APR_USEC_PER_SEC);
    ck_assert_int_eq(
        sso_docs_get(docs, unit_pool, "https://op/a", &doc, &len, &at), 1);
    apr_thread_join(&rv, t);
}
END_TEST

START_TEST(wait_ends_at_the_deadline)
{
    apr_time_t start = apr_time_now();

    /* Nothing under way: no wait at all. */
    ck_assert_int_eq(
        sso_docs_fetch_wait(docs, "https://op/a", start + APR_USEC_PER_SEC), 0);
    ck_assert_int_lt(apr_time_now() - start, APR_USEC_PER_SEC / 2);
    /* A fetch that never ends: back at the deadline, not before. */
    ck_assert_int_eq(sso_docs_fetch_begin(docs, "https://op/a", start), 1);
    ck_assert_int_eq(
        sso_docs_fetch_wait(docs, "https://op/a", start + 200 * 1000), 0);
    ck_assert_int_ge(apr_time_now() - start, 200 * 1000);
}
END_TEST

Suite *sso_docs_suite(void)
{
    Suite *s = suite_create("sso_docs");
    TCase *tc = tcase_create("docs");

    tcase_add_checked_fixture(tc, docs_setup, unit_pool_teardown);
    tcase_add_test(tc, no_copy_at_first);
    tcase_add_test(tc, copy_kept_and_replaced_by_newer);
    tcase_add_test(tc, one_fetch_at_a_time);
    tcase_add_test(tc, no_fetch_for_a_while_after_a_failure);
    tcase_add_test(tc, failed_fetch_keeps_the_copy);
    tcase_add_test(tc, slots_bounded_oldest_goes);
    tcase_add_test(tc, slot_being_fetched_not_taken);
    tcase_add_test(tc, waits_for_the_fetch_under_way);
    tcase_add_test(tc, wait_ends_at_the_deadline);
    suite_add_tcase(s, tc);
    return s;
}
