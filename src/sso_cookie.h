/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Reads one cookie from Cookie headers without copying them: the session
 * cookie is read on every authenticated request. Pure logic. */
#ifndef SSO_COOKIE_H
#define SSO_COOKIE_H

#include "apr.h"
#include "apr_pools.h"

typedef struct {
    const char *value; /* into the header; not NUL-terminated */
    apr_size_t len;
    int count;    /* times the cookie was seen */
    int conflict; /* seen with two different values */
} sso_cookie_found;

/* Adds what one Cookie header says of the cookie called name (pairs split
 * on ';' and ',', leading blanks skipped, as httpd's ap_cookie_read). */
void sso_cookie_scan(const char *header, const char *name, apr_size_t name_len,
                     sso_cookie_found *found);

/* What a cookie's name prefix demands (RFC 6265bis, matched case-blind as
 * browsers do): "__Host-" Secure, Path=/ and no Domain; "__Secure-" Secure. */
#define SSO_COOKIE_PREFIX_SECURE 1
#define SSO_COOKIE_PREFIX_HOST   2
int sso_cookie_prefix(const char *name);

/* Set-Cookie attributes for a cookie of the module (HttpOnly, SameSite=Lax,
 * never Domain): Path is path, or "/" when the name is "__Host-"; Secure
 * when secure (an https site) or the name's prefix demands it. */
const char *sso_cookie_attrs(apr_pool_t *p, const char *name, const char *path,
                             int secure);

#endif
