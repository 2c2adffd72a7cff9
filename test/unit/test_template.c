/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_template.h"

#include <string.h>

static const char *const names[] = { "{{site}}", "{{local_form}}",
                                     "{{reference}}", NULL };

static const char *fill(const char *tpl, const char *site, const char *form,
                        const char *ref)
{
    const char *values[] = { site, form, ref };

    return sso_template_fill(unit_pool, tpl, names, values);
}

START_TEST(placeholders_replaced)
{
    ck_assert_str_eq(fill("<h1>{{site}}</h1>{{local_form}}<f>{{reference}}</f>",
                          "a.test", "<form>", "<p>R</p>"),
                     "<h1>a.test</h1><form><f><p>R</p></f>");
    ck_assert_str_eq(fill("{{site}}{{site}}{{site}}", "x", "", ""), "xxx");
    ck_assert_str_eq(fill("{{local_form}}", "", "F", ""), "F");
    ck_assert_str_eq(fill("", "x", "y", "z"), "");
}
END_TEST

START_TEST(other_text_kept)
{
    ck_assert_str_eq(
        fill("{{unknown}} {{site} {site}} {{{site}}}", "S", "", ""),
        "{{unknown}} {{site} {site}} {S}");
    ck_assert_str_eq(fill("{{sit", "S", "", ""), "{{sit");
    ck_assert_str_eq(fill("{", "S", "", ""), "{");
}
END_TEST

/* issue 12: the return path inside {{local_form}} carried "{{local_form}}"
 * and the old fill replaced it again, without end. */
START_TEST(inserted_text_not_rescanned)
{
    ck_assert_str_eq(
        fill("<div>{{local_form}}</div>", "", "v=\"/{{local_form}}\"", ""),
        "<div>v=\"/{{local_form}}\"</div>");
    ck_assert_str_eq(fill("{{local_form}}|{{reference}}", "",
                          "value=\"/x{{reference}}\"",
                          "<p class=\"ref\">R</p>"),
                     "value=\"/x{{reference}}\"|<p class=\"ref\">R</p>");
    ck_assert_str_eq(fill("{{site}}", "{{site}}{{site}}", "", ""),
                     "{{site}}{{site}}");
}
END_TEST

Suite *sso_template_suite(void)
{
    Suite *s = suite_create("sso_template");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, placeholders_replaced);
    tcase_add_test(tc, other_text_kept);
    tcase_add_test(tc, inserted_text_not_rescanned);
    suite_add_tcase(s, tc);
    return s;
}
