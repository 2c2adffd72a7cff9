/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_cookie.h"

#include <string.h>
#include "apr_strings.h"

static void sso_cookie_note(sso_cookie_found *f, const char *value,
                            apr_size_t len)
{
    if (f->count++ && (len != f->len || memcmp(value, f->value, len))) {
        f->conflict = 1;
    }
    f->value = value;
    f->len = len;
}

void sso_cookie_scan(const char *header, const char *name, apr_size_t name_len,
                     sso_cookie_found *found)
{
    const char *p = header, *end;

    while (*p) {
        p += strspn(p, " \t");
        end = p + strcspn(p, ";,");
        if ((apr_size_t)(end - p) > name_len && p[name_len] == '='
            && !memcmp(p, name, name_len)) {
            sso_cookie_note(found, p + name_len + 1, end - p - name_len - 1);
        }
        p = *end ? end + 1 : end;
    }
}

int sso_cookie_prefix(const char *name)
{
    if (!strncasecmp(name, "__Host-", 7)) {
        return SSO_COOKIE_PREFIX_HOST | SSO_COOKIE_PREFIX_SECURE;
    }
    if (!strncasecmp(name, "__Secure-", 9)) {
        return SSO_COOKIE_PREFIX_SECURE;
    }
    return 0;
}

const char *sso_cookie_attrs(apr_pool_t *p, const char *name, const char *path,
                             int secure)
{
    int prefix = sso_cookie_prefix(name);

    if (prefix & SSO_COOKIE_PREFIX_HOST) {
        path = "/";
    }
    if (prefix & SSO_COOKIE_PREFIX_SECURE) {
        secure = 1;
    }
    return apr_pstrcat(p, "HttpOnly;SameSite=Lax;Path=", path,
                       secure ? ";Secure" : "", NULL);
}
