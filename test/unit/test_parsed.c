/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_parsed.h"

#include <string.h>
#include "apr_atomic.h"
#include "apr_strings.h"
#include "apr_thread_proc.h"

/* The parsed value of a test document: a copy of its text. */
typedef struct {
    const char *text;
} tval;

static volatile apr_uint32_t parses, frees, wrong;
static apr_pool_t *memo_pool;
static sso_parsed *memo;

static apr_status_t tval_freed(void *unused)
{
    apr_atomic_inc32(&frees);
    return APR_SUCCESS;
}

/* "bad..." fails; anything else parses. arg, when set, is a prefix. */
static const char *tval_parse(apr_pool_t *p, const char *doc, apr_size_t len,
                              const void *arg, void **value)
{
    tval *v;

    apr_atomic_inc32(&parses);
    if (!strncmp(doc, "bad", 3)) {
        return apr_psprintf(p, "bad document: %s", doc);
    }
    v = apr_palloc(p, sizeof(*v));
    v->text = apr_pstrcat(p, arg ? (const char *)arg : "",
                          apr_pstrmemdup(p, doc, len), NULL);
    apr_pool_cleanup_register(p, NULL, tval_freed, apr_pool_cleanup_null);
    *value = v;
    return NULL;
}

static apr_pool_t *user_pool(void)
{
    apr_pool_t *p;

    apr_pool_create(&p, unit_pool);
    return p;
}

/* The value of doc under name, held by user. */
static const tval *get(apr_pool_t *user, const char *name, const char *doc)
{
    const char *err = "unset";
    const tval *v = sso_parsed_get(memo, user, name, doc, strlen(doc),
                                   tval_parse, NULL, &err);

    ck_assert_ptr_nonnull(v);
    ck_assert_ptr_null(err);
    ck_assert_str_eq(v->text, doc);
    return v;
}

static void parsed_setup(void)
{
    unit_pool_setup();
    parses = frees = wrong = 0;
    apr_pool_create(&memo_pool, unit_pool);
    ck_assert_int_eq(sso_parsed_create(memo_pool, 64, &memo), APR_SUCCESS);
}

/* The users' pools, created after memo_pool, are destroyed before it:
 * the memo outlives its holders, as pchild outlives r->pool. */
static void parsed_teardown(void)
{
    unit_pool_teardown();
    memo_pool = NULL;
}

START_TEST(same_bytes_parsed_once)
{
    apr_pool_t *u1 = user_pool(), *u2 = user_pool();
    const tval *a = get(u1, "M", "{\"issuer\":1}");
    const tval *b = get(u2, "M", "{\"issuer\":1}");

    ck_assert_ptr_eq(a, b);
    ck_assert_uint_eq(parses, 1);
}
END_TEST

START_TEST(new_bytes_parsed_again)
{
    apr_pool_t *u = user_pool();
    const tval *a = get(u, "J", "keys-1");
    const tval *b = get(u, "J", "keys-2");

    ck_assert_ptr_ne(a, b);
    ck_assert_uint_eq(parses, 2);
    get(u, "J", "keys-2");
    ck_assert_uint_eq(parses, 2);
    /* Same length, one byte apart. */
    get(u, "J", "keys-3");
    ck_assert_uint_eq(parses, 3);
}
END_TEST

/* A key rotation while a login still verifies with the old keys. */
START_TEST(replaced_value_lives_while_held)
{
    apr_pool_t *u1 = user_pool(), *u2 = user_pool();
    const tval *old = get(u1, "J", "keys-1");

    get(u2, "J", "keys-2");
    ck_assert_uint_eq(frees, 0);
    ck_assert_str_eq(old->text, "keys-1");
    apr_pool_destroy(u1);
    ck_assert_uint_eq(frees, 1);
    apr_pool_destroy(u2);
    ck_assert_uint_eq(frees, 1); /* its slot still holds keys-2 */
    apr_pool_destroy(memo_pool);
    memo_pool = NULL;
    ck_assert_uint_eq(frees, 2);
}
END_TEST

START_TEST(unheld_replaced_value_freed_at_once)
{
    apr_pool_t *u1 = user_pool(), *u2 = user_pool();

    get(u1, "J", "keys-1");
    apr_pool_destroy(u1);
    ck_assert_uint_eq(frees, 0);
    get(u2, "J", "keys-2");
    ck_assert_uint_eq(frees, 1);
}
END_TEST

START_TEST(failure_reported_not_kept)
{
    apr_pool_t *u = user_pool();
    const char *err = NULL;

    get(u, "M", "good");
    ck_assert_ptr_null(
        sso_parsed_get(memo, u, "M", "bad-doc", 7, tval_parse, NULL, &err));
    ck_assert_str_eq(err, "bad document: bad-doc"); /* outlives the entry */
    ck_assert_uint_eq(frees, 0);
    ck_assert_ptr_null(
        sso_parsed_get(memo, u, "M", "bad-doc", 7, tval_parse, NULL, &err));
    ck_assert_uint_eq(parses, 3);
    get(u, "M", "good"); /* the last good one is still kept */
    ck_assert_uint_eq(parses, 3);
}
END_TEST

START_TEST(names_kept_apart)
{
    apr_pool_t *u = user_pool();

    ck_assert_ptr_ne(get(u, "Mhttps://a", "doc"), get(u, "Mhttps://b", "doc"));
    get(u, "Mhttps://a", "doc");
    get(u, "Mhttps://b", "doc");
    ck_assert_uint_eq(parses, 2);
}
END_TEST

/* The parse may depend on arg: callers put it in the name. */
START_TEST(arg_given_to_parse)
{
    apr_pool_t *u = user_pool();
    const char *err;
    const tval *v = sso_parsed_get(memo, u, "M\nissuer", "doc", 3, tval_parse,
                                   "issuer:", &err);

    ck_assert_str_eq(v->text, "issuer:doc");
}
END_TEST

static const char *slot_name(int i)
{
    return apr_psprintf(unit_pool, "name-%d", i);
}

START_TEST(slots_bounded_lru_goes)
{
    apr_pool_t *u = user_pool();
    int i;

    for (i = 0; i < SSO_PARSED_SLOTS; i++) {
        get(u, slot_name(i), "doc");
    }
    get(u, slot_name(0), "doc"); /* name-1 is now the least recent */
    apr_pool_destroy(u);
    u = user_pool();
    get(u, slot_name(SSO_PARSED_SLOTS), "doc");
    ck_assert_uint_eq(parses, SSO_PARSED_SLOTS + 1);
    ck_assert_uint_eq(frees, 1); /* name-1, nobody held it */
    get(u, slot_name(0), "doc");
    ck_assert_uint_eq(parses, SSO_PARSED_SLOTS + 1);
    get(u, slot_name(1), "doc");
    ck_assert_uint_eq(parses, SSO_PARSED_SLOTS + 2);
}
END_TEST

/* Nothing grows across calls: after any number, at most the slots hold. */
START_TEST(memory_bounded)
{
    int i;

    for (i = 0; i < 1000; i++) {
        apr_pool_t *u = user_pool();

        get(u, slot_name(i % (2 * SSO_PARSED_SLOTS)),
            apr_psprintf(u, "doc-%d", i % 3));
        apr_pool_destroy(u);
        ck_assert_uint_le(parses - frees, SSO_PARSED_SLOTS);
    }
}
END_TEST

START_TEST(too_large_parsed_each_time)
{
    static const char big[] = "a document longer than 64 bytes, so the memo "
                              "does not keep it at all..";
    apr_pool_t *u = user_pool();

    ck_assert_uint_gt(strlen(big), 64);
    ck_assert_ptr_ne(get(u, "J", big), get(u, "J", big));
    ck_assert_uint_eq(parses, 2);
    apr_pool_destroy(u);
    ck_assert_uint_eq(frees, 2);
}
END_TEST

START_TEST(no_memo_parses_each_time)
{
    apr_pool_t *u = user_pool();
    const char *err;

    memo = NULL;
    get(u, "J", "doc");
    get(u, "J", "doc");
    ck_assert_uint_eq(parses, 2);
    ck_assert_ptr_null(
        sso_parsed_get(NULL, u, "J", "bad", 3, tval_parse, NULL, &err));
    ck_assert_str_eq(err, "bad document: bad");
}
END_TEST

#define THREADS 6
#define ROUNDS  3000

/* Holders on several threads while the bytes keep changing. */
static void *APR_THREAD_FUNC hammer(apr_thread_t *t, void *data)
{
    static const char *docs[] = { "keys-1", "keys-2", "keys-22" };
    long id = (long)data;
    apr_pool_t *u;
    const tval *v;
    const char *err;
    int i;

    apr_pool_create_unmanaged(&u);
    for (i = 0; i < ROUNDS; i++) {
        const char *doc = docs[(i / (7 + id)) % 3];

        v = sso_parsed_get(memo, u, i % 2 ? "J" : "M", doc, strlen(doc),
                           tval_parse, NULL, &err);
        if (!v || strcmp(v->text, doc)) {
            apr_atomic_inc32(&wrong);
        }
        if (i % 5 == 4) {
            apr_pool_clear(u);
        }
    }
    apr_pool_destroy(u);
    return NULL;
}

START_TEST(threads_share_safely)
{
    apr_thread_t *t[THREADS];
    apr_status_t rv;
    long i;

    for (i = 0; i < THREADS; i++) {
        ck_assert_int_eq(
            apr_thread_create(&t[i], NULL, hammer, (void *)i, unit_pool),
            APR_SUCCESS);
    }
    for (i = 0; i < THREADS; i++) {
        ck_assert_int_eq(apr_thread_join(&rv, t[i]), APR_SUCCESS);
    }
    apr_pool_destroy(memo_pool);
    memo_pool = NULL;
    ck_assert_uint_eq(wrong, 0);
    ck_assert_uint_gt(parses, 2);
    ck_assert_uint_eq(frees, parses);
}
END_TEST

Suite *sso_parsed_suite(void)
{
    Suite *s = suite_create("sso_parsed");
    TCase *tc = tcase_create("memo");

    tcase_add_checked_fixture(tc, parsed_setup, parsed_teardown);
    tcase_add_test(tc, same_bytes_parsed_once);
    tcase_add_test(tc, new_bytes_parsed_again);
    tcase_add_test(tc, replaced_value_lives_while_held);
    tcase_add_test(tc, unheld_replaced_value_freed_at_once);
    tcase_add_test(tc, failure_reported_not_kept);
    tcase_add_test(tc, names_kept_apart);
    tcase_add_test(tc, arg_given_to_parse);
    tcase_add_test(tc, slots_bounded_lru_goes);
    tcase_add_test(tc, memory_bounded);
    tcase_add_test(tc, too_large_parsed_each_time);
    tcase_add_test(tc, no_memo_parses_each_time);
    tcase_add_test(tc, threads_share_safely);
    suite_add_tcase(s, tc);
    return s;
}
