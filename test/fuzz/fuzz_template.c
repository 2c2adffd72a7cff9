/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* SSOLoginTemplate filling: sso_template_fill.
 *
 * Invariants: filling with each placeholder as its own value gives back the
 * template (values are never scanned again); filling with values that are
 * themselves placeholders grows the text at most by the longest value per
 * placeholder found, and leaves no byte of the template before the first
 * "{{" changed. */
#include "fuzz.h"
#include "sso_template.h"

static const char *const names[] = { "{{site}}",       "{{message}}",
                                     "{{sso_button}}", "{{local_form}}",
                                     "{{reference}}",  NULL };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

static void check_identity(apr_pool_t *p, const char *tpl)
{
    FUZZ_ASSERT(!strcmp(sso_template_fill(p, tpl, names, names), tpl));
}

static void check_growth(apr_pool_t *p, const char *tpl)
{
    /* Each value holds placeholders: a second pass would grow without end. */
    static const char *const values[] = {
        "{{local_form}}{{local_form}}",     "",
        "<a href=\"{{reference}}\">",       "{{site}}",
        "<p class=\"ref\">{{message}}</p>",
    };
    size_t len = strlen(tpl), max = 0, i;
    const char *out = sso_template_fill(p, tpl, names, values);
    const char *brace = strstr(tpl, "{{");
    size_t head = brace ? (size_t)(brace - tpl) : len;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        max = strlen(values[i]) > max ? strlen(values[i]) : max;
    }
    /* The shortest placeholder is 8 bytes ("{{site}}"). */
    FUZZ_ASSERT(strlen(out) <= len + (len / 8) * max);
    FUZZ_ASSERT(!strncmp(out, tpl, head));
    if (!brace) {
        FUZZ_ASSERT(!strcmp(out, tpl));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;
    const char *tpl = fuzz_cstr(p, data, size);

    check_identity(p, tpl);
    check_growth(p, tpl);
    apr_pool_clear(p);
    return 0;
}
