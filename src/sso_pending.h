/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Logins a browser has started and not finished: one cookie each, so that
 * several tabs can sign in at once. A cookie is named from a hash of its
 * login's state, so the callback finds it from the state alone, and holds
 * the state and when the login started, so a new login can drop the
 * oldest beyond SSO_PENDING_MAX. Pure logic. */
#ifndef SSO_PENDING_H
#define SSO_PENDING_H

#include "apr_pools.h"
#include "apr_tables.h"
#include "apr_time.h"

/* Pending logins one browser may have: 8 cookies of about 90 bytes. */
#define SSO_PENDING_MAX 8
/* Most pending-login cookies a start looks at (and so drops): bounds the
 * work and the Set-Cookie lines a hostile Cookie header can cause. */
#define SSO_PENDING_SCAN_MAX 64
/* base64url of the first 9 bytes of SHA-256(state). */
#define SSO_PENDING_HASH_LEN 12

typedef struct {
    const char *name;   /* the whole cookie name */
    apr_time_t started; /* 0 when the value is malformed */
} sso_pending;

/* "<cookie_name>_login_": the start of every pending-login cookie name. */
const char *sso_pending_prefix(apr_pool_t *p, const char *cookie_name);

/* The cookie name of the login with this state: prefix and the state's
 * hash. NULL when OpenSSL fails. */
const char *sso_pending_name(apr_pool_t *p, const char *prefix,
                             const char *state);

/* The cookie value: "<state>.<started, microseconds in hex>". */
const char *sso_pending_value(apr_pool_t *p, const char *state,
                              apr_time_t started);

/* The state in a cookie value of len bytes (copied, NUL-terminated), and
 * when the login started; NULL when the value is not one of ours. */
const char *sso_pending_parse(apr_pool_t *p, const char *value, apr_size_t len,
                              apr_time_t *started);

/* Adds to found (sso_pending) the pending-login cookies of one Cookie
 * header: names of prefix and a hash with a value (an empty one is a
 * removed cookie), each name once, at most SSO_PENDING_SCAN_MAX in all. */
void sso_pending_scan(apr_pool_t *p, const char *header, const char *prefix,
                      apr_array_header_t *found);

/* Sorts found oldest first (malformed values first of all) and returns
 * how many of its first entries to drop so that keep remain. */
int sso_pending_excess(apr_array_header_t *found, int keep);

#endif
