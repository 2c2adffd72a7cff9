/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_qr.h"

#include <string.h>
#include "apr_strings.h"

#define URI                                                                    \
    "otpauth://totp/"                                                          \
    "Example:admin?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example"

static int count(const char *s, const char *needle)
{
    int n = 0;

    while ((s = strstr(s, needle)) != NULL) {
        n++;
        s += strlen(needle);
    }
    return n;
}

/* The terminal form covers the code and its quiet zone: two module rows a
 * line, one cell a module column; the border is all light. */
START_TEST(terminal_shape)
{
    int w = sso_qr_width(URI), lines, cells;
    const char *t = sso_qr_terminal(unit_pool, URI);
    const char *first_nl;

    ck_assert_int_gt(w, 20);
    ck_assert_ptr_nonnull(t);
    lines = count(t, "\n");
    ck_assert_int_eq(lines, (w + 2 * SSO_QR_QUIET + 1) / 2);
    first_nl = strchr(t, '\n');
    /* The first line is quiet zone: full blocks (3 bytes each) only. */
    cells = (int)(first_nl - t) / 3;
    ck_assert_int_eq(cells, w + 2 * SSO_QR_QUIET);
    ck_assert_int_eq(
        count(apr_pstrmemdup(unit_pool, t, first_nl - t), "\xe2\x96\x88"),
        cells);
    /* The code has dark modules: blanks or half blocks somewhere. */
    ck_assert_int_gt(count(t, " ") + count(t, "\xe2\x96\x80"), 0);
}
END_TEST

START_TEST(svg_shape)
{
    int w = sso_qr_width(URI), size = w + 2 * SSO_QR_QUIET;
    const char *svg = sso_qr_svg(unit_pool, URI, 4);

    ck_assert_ptr_nonnull(svg);
    ck_assert(!strncmp(svg, "<svg ", 5));
    ck_assert_ptr_nonnull(strstr(
        svg, apr_psprintf(unit_pool, "viewBox=\"0 0 %d %d\"", size, size)));
    ck_assert_ptr_nonnull(
        strstr(svg, apr_psprintf(unit_pool, "width=\"%d\"", size * 4)));
    /* The three finder patterns' corners are dark. */
    ck_assert_ptr_nonnull(strstr(svg, "M4 4h1v1h-1z"));
    ck_assert_ptr_nonnull(
        strstr(svg, apr_psprintf(unit_pool, "M%d 4h1v1h-1z", w + 3)));
    ck_assert_ptr_nonnull(
        strstr(svg, apr_psprintf(unit_pool, "M4 %dh1v1h-1z", w + 3)));
    ck_assert_int_eq(count(svg, "<"), 4); /* svg, rect, path, /svg */
}
END_TEST

Suite *sso_qr_suite(void)
{
    Suite *s = suite_create("sso_qr");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, terminal_shape);
    tcase_add_test(tc, svg_shape);
    suite_add_tcase(s, tc);
    return s;
}
