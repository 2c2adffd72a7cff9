/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* URL and path checks: pure logic, no request_rec. */
#ifndef SSO_URL_H
#define SSO_URL_H

#include "apr_pools.h"
#include "apr_tables.h"

/* Longest return path we accept; longer ones fall back to "/". */
#define SSO_RETURN_PATH_MAX 2048

/* NULL when url is an absolute http(s) URL with a host and no user info or
 * fragment; otherwise a sentence saying what is wrong. */
const char *sso_url_check_http(apr_pool_t *p, const char *url);

/* NULL when path is usable as SSOBasePath ("/sso": starts with '/', no
 * trailing '/', no query); otherwise what is wrong. */
const char *sso_url_check_base_path(const char *path);

/* raw itself when it is a same-origin path, else "/". */
const char *sso_url_return_path(apr_pool_t *p, const char *raw);

/* Non-zero when name is an RFC 6265 cookie-name token. */
int sso_url_is_cookie_name(const char *name);

/* Splits a query string into *out (names and values decoded, '+' as
 * space). Returns NULL, or a sentence when a name repeats or an escape is
 * malformed: callers refuse such requests rather than guess. */
const char *sso_url_query_parse(apr_pool_t *p, const char *query,
                                apr_table_t **out);

/* Non-zero when s holds a control character (CR, LF, tab...). */
int sso_url_has_control(const char *s);

/* The host name when url is plain http:// to a host other than localhost,
 * 127.0.0.1 or ::1 (what goes there travels in clear text); else NULL. */
const char *sso_url_cleartext_host(apr_pool_t *p, const char *url);

/* Non-zero when a request came from base (SSOPublicURL's scheme://host[:port],
 * no trailing slash): its Origin header equals base byte for byte, or, with
 * no Origin, its Referer is base followed by '/'. origin and referer are
 * NULL when absent; with neither, the request is not ours. */
int sso_url_match_origin(const char *base, const char *origin,
                         const char *referer);

/* url without trailing slashes, e.g. for SSOPublicURL. */
const char *sso_url_trim_slash(apr_pool_t *p, const char *url);

#endif
