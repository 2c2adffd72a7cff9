/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_account.h"

#include <stdarg.h>
#include <string.h>
#include "apr_strings.h"

/* Expected decisions, one letter per switch combination. Column index =
 * SSOAllowSignup * 4 + SSOAllowSignupOnlyForMappedUsers * 2 +
 * SSORequireMappedGroup, i.e. columns 0..7 are
 *   signup:      off off off off on  on  on  on
 *   only-mapped: off off on  on  off off on  on
 *   require:     off on  off on  off on  off on
 * A admit, replace groups   K admit, keep groups   C create
 * D disabled   S signup disabled   U signup unmapped   M no mapped group */
static const struct {
    const char *situation;
    int exists, disabled, map_empty, mapped;
    const char *expect;
} table[] = {
    { "existing, map set, mapped", 1, 0, 0, 2, "AAAAAAAA" },
    { "existing, map set, unmapped", 1, 0, 0, 0, "AMAMAMAM" },
    { "existing, map empty", 1, 0, 1, 0, "KMKMKMKM" },
    { "existing disabled, map set, mapped", 1, 1, 0, 1, "DDDDDDDD" },
    { "existing disabled, map set, none", 1, 1, 0, 0, "DDDDDDDD" },
    { "existing disabled, map empty", 1, 1, 1, 0, "DDDDDDDD" },
    { "new, map set, mapped", 0, 0, 0, 1, "SSSSCCCC" },
    { "new, map set, unmapped", 0, 0, 0, 0, "SMSMCMUM" },
    { "new, map empty", 0, 0, 1, 0, "SMSMCMUM" },
};

static char letter(sso_account_decision d, int replace)
{
    switch (d) {
    case SSO_ACCOUNT_ADMIT_EXISTING:
        return replace ? 'A' : 'K';
    case SSO_ACCOUNT_CREATE:
        return 'C';
    case SSO_ACCOUNT_REFUSE_DISABLED:
        return 'D';
    case SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED:
        return 'S';
    case SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED:
        return 'U';
    case SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP:
        return 'M';
    default:
        return '?';
    }
}

START_TEST(decision_table)
{
    size_t row;
    int col, replace;

    for (row = 0; row < sizeof(table) / sizeof(table[0]); row++) {
        for (col = 0; col < 8; col++) {
            sso_account_facts f = { 0 };
            sso_account_decision d;
            f.allow_signup = (col >> 2) & 1;
            f.signup_only_mapped = (col >> 1) & 1;
            f.require_mapped_group = col & 1;
            f.exists = table[row].exists;
            f.disabled = table[row].disabled;
            f.map_empty = table[row].map_empty;
            f.mapped = table[row].mapped;
            replace = -1;
            d = sso_account_decide(&f, &replace);
            ck_assert_msg(letter(d, replace) == table[row].expect[col],
                          "%s, signup %d, only-mapped %d, require %d: got %c, "
                          "want %c",
                          table[row].situation, f.allow_signup,
                          f.signup_only_mapped, f.require_mapped_group,
                          letter(d, replace), table[row].expect[col]);
            ck_assert_int_ne(replace, -1);
            if (d != SSO_ACCOUNT_ADMIT_EXISTING) {
                ck_assert_int_eq(replace, 0);
            }
            ck_assert_int_eq(sso_account_refused(d),
                             d != SSO_ACCOUNT_ADMIT_EXISTING
                                 && d != SSO_ACCOUNT_CREATE);
        }
    }
}
END_TEST

START_TEST(replace_groups_may_be_null)
{
    sso_account_facts f = { 0 };

    f.exists = 1;
    f.mapped = 1;
    ck_assert_int_eq(sso_account_decide(&f, NULL), SSO_ACCOUNT_ADMIT_EXISTING);
}
END_TEST

START_TEST(reasons_and_causes)
{
    sso_account_facts f = { 0 };
    sso_account_decision d;

    ck_assert_str_eq(sso_account_reason(SSO_ACCOUNT_REFUSE_DISABLED),
                     "User account is disabled.");
    ck_assert_ptr_nonnull(
        strstr(sso_account_reason(SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED),
               "new user sign up is disabled"));
    ck_assert_ptr_nonnull(
        strstr(sso_account_cause(SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED, NULL),
               "SSOAllowSignup is Off"));
    ck_assert_ptr_nonnull(
        strstr(sso_account_cause(SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED, NULL),
               "SSOAllowSignupOnlyForMappedUsers"));
    ck_assert_ptr_nonnull(
        strstr(sso_account_cause(SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP, NULL),
               "SSORequireMappedGroup On"));
    ck_assert_ptr_nonnull(
        strstr(sso_account_cause(SSO_ACCOUNT_REFUSE_NO_USERNAME, NULL),
               "SSOUsernameClaims"));
    ck_assert_ptr_nonnull(sso_account_reason(SSO_ACCOUNT_REFUSE_NO_USERNAME));

    /* Require mapped group with no map at all: the log says how to fix it. */
    f.require_mapped_group = 1;
    f.map_empty = 1;
    f.exists = 1;
    d = sso_account_decide(&f, NULL);
    ck_assert_int_eq(d, SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP);
    ck_assert_ptr_nonnull(
        strstr(sso_account_cause(d, &f), "SSOGroupMap is empty"));

    for (d = SSO_ACCOUNT_REFUSE_DISABLED; d <= SSO_ACCOUNT_REFUSE_NO_USERNAME;
         d++) {
        ck_assert_int_eq(sso_account_refused(d), 1);
        ck_assert_ptr_nonnull(sso_account_reason(d));
        ck_assert_ptr_nonnull(sso_account_cause(d, NULL));
    }
    ck_assert_ptr_null(sso_account_reason(SSO_ACCOUNT_CREATE));
    ck_assert_ptr_null(sso_account_cause(SSO_ACCOUNT_ADMIT_EXISTING, NULL));
}
END_TEST

/* ---- usernames ---- */

typedef struct {
    const char *taken[4];
    int calls;
    int fail;
} taken_list;

static sso_username_e is_taken(void *ctx, const char *username)
{
    taken_list *t = ctx;
    int i;

    t->calls++;
    if (t->fail) {
        return SSO_USERNAME_ERROR;
    }
    for (i = 0; i < 4 && t->taken[i]; i++) {
        if (!strcmp(t->taken[i], username)) {
            return SSO_USERNAME_TAKEN;
        }
    }
    return SSO_USERNAME_FREE;
}

static apr_array_header_t *claims(int n, ...)
{
    apr_array_header_t *a =
        apr_array_make(unit_pool, n ? n : 1, sizeof(const char *));
    va_list ap;
    int i;

    va_start(ap, n);
    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(a, const char *) = va_arg(ap, const char *);
    }
    va_end(ap);
    return a;
}

START_TEST(pick_username)
{
    taken_list t = { { "alice@example.com", NULL } };
    const char *u;

    /* The email is taken: falls through to preferred_username. */
    u = sso_account_pick_username(
        unit_pool, claims(2, "Alice@Example.com", "alice"), is_taken, &t);
    ck_assert_str_eq(u, "alice");
    ck_assert_int_eq(t.calls, 2);

    /* First valid, free one, lower-cased. */
    ck_assert_str_eq(
        sso_account_pick_username(
            unit_pool, claims(2, "Bob@Example.com", "bob"), is_taken, &t),
        "bob@example.com");

    /* Invalid values and missing claims are skipped without a lookup. */
    t.calls = 0;
    ck_assert_str_eq(
        sso_account_pick_username(
            unit_pool, claims(3, NULL, "Carol Smith", "Carol"), is_taken, &t),
        "carol");
    ck_assert_int_eq(t.calls, 1);

    /* None. */
    ck_assert_ptr_null(sso_account_pick_username(
        unit_pool, claims(2, NULL, "not valid!"), is_taken, &t));
    ck_assert_ptr_null(
        sso_account_pick_username(unit_pool, claims(0), is_taken, &t));
    ck_assert_ptr_null(
        sso_account_pick_username(unit_pool, NULL, is_taken, &t));
    ck_assert_ptr_null(sso_account_pick_username(
        unit_pool, claims(1, "alice@example.com"), is_taken, &t));

    /* The lookup fails: stop, pick nothing. */
    t.fail = 1;
    t.calls = 0;
    ck_assert_ptr_null(sso_account_pick_username(
        unit_pool, claims(2, "dave", "dave2"), is_taken, &t));
    ck_assert_int_eq(t.calls, 1);
}
END_TEST

/* issue 12: an unverified email is not a username source. */
START_TEST(drop_unverified_email)
{
    apr_array_header_t *names =
        claims(3, "email", "preferred_username", "email");
    apr_array_header_t *values =
        claims(3, "ceo@example.test", "heidi", "ceo@example.test");
    taken_list t = { 0 };

    sso_account_drop_claim(names, values, "email");
    ck_assert_ptr_null(APR_ARRAY_IDX(values, 0, const char *));
    ck_assert_str_eq(APR_ARRAY_IDX(values, 1, const char *), "heidi");
    ck_assert_ptr_null(APR_ARRAY_IDX(values, 2, const char *));
    ck_assert_str_eq(sso_account_pick_username(unit_pool, values, is_taken, &t),
                     "heidi");

    /* Claim names are case-sensitive JSON keys; other claims stay. */
    names = claims(2, "Email", "name");
    values = claims(2, "a@example.test", "A");
    sso_account_drop_claim(names, values, "email");
    ck_assert_str_eq(APR_ARRAY_IDX(values, 0, const char *), "a@example.test");
    ck_assert_str_eq(APR_ARRAY_IDX(values, 1, const char *), "A");
}
END_TEST

START_TEST(refusals_have_event_causes)
{
    ck_assert_str_eq(sso_account_event_cause(SSO_ACCOUNT_REFUSE_DISABLED),
                     "disabled");
    ck_assert_str_eq(
        sso_account_event_cause(SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED),
        "signup-off");
    ck_assert_str_eq(
        sso_account_event_cause(SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED),
        "no-mapped-group");
    ck_assert_str_eq(
        sso_account_event_cause(SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP),
        "no-mapped-group");
    ck_assert_ptr_null(sso_account_event_cause(SSO_ACCOUNT_CREATE));
}
END_TEST

Suite *sso_account_suite(void)
{
    Suite *s = suite_create("sso_account");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, decision_table);
    tcase_add_test(tc, replace_groups_may_be_null);
    tcase_add_test(tc, reasons_and_causes);
    tcase_add_test(tc, pick_username);
    tcase_add_test(tc, drop_unverified_email);
    tcase_add_test(tc, refusals_have_event_causes);
    suite_add_tcase(s, tc);
    return s;
}
