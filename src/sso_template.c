/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_template.h"

#include <string.h>

/* The index of the name that starts at s, or -1. */
static int sso_template_match(const char *s, const char *const *names)
{
    int i;

    for (i = 0; names[i]; i++) {
        if (*names[i] == *s && !strncmp(s, names[i], strlen(names[i]))) {
            return i;
        }
    }
    return -1;
}

/* Walks tpl once; with out NULL only counts the bytes. */
static apr_size_t sso_template_walk(const char *tpl, const char *const *names,
                                    const char *const *values, char *out)
{
    apr_size_t len = 0;
    const char *s = tpl;

    while (*s) {
        int i = sso_template_match(s, names);
        const char *from = i < 0 ? s : values[i];
        apr_size_t n = i < 0 ? 1 : strlen(values[i]);

        if (out) {
            memcpy(out + len, from, n);
        }
        len += n;
        s += i < 0 ? 1 : strlen(names[i]);
    }
    return len;
}

const char *sso_template_fill(apr_pool_t *p, const char *tpl,
                              const char *const *names,
                              const char *const *values)
{
    apr_size_t len = sso_template_walk(tpl, names, values, NULL);
    char *out = apr_palloc(p, len + 1);

    sso_template_walk(tpl, names, values, out);
    out[len] = '\0';
    return out;
}
