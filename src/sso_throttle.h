/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Failed local logins per client address: the record kept in the shared
 * cache and the rule that blocks an address. Pure logic. */
#ifndef SSO_THROTTLE_H
#define SSO_THROTTLE_H

#include "apr_pools.h"

/* Failures that block an address, and for how long (seconds). */
#define SSO_THROTTLE_MAX_FAILURES 5
#define SSO_THROTTLE_WINDOW       300

typedef struct {
    apr_int64_t first; /* time of the first failure counted */
    int failures;
} sso_throttle;

/* Cache key for an address (sso_key.h): the IPv4 address, or the /64 prefix of
 * an IPv6 one (a host owns a whole /64). addr is in network order; an
 * IPv4-mapped IPv6 address counts as IPv4. *len is the key length. */
const char *sso_throttle_key(apr_pool_t *p, const unsigned char *addr, int ipv6,
                             apr_size_t *len);

/* Non-zero when t blocks logins at now. */
int sso_throttle_blocked(const sso_throttle *t, apr_int64_t now);
/* Counts one more failure; a failure after the window starts a new one. */
void sso_throttle_fail(sso_throttle *t, apr_int64_t now);
/* An attempt about to be evaluated: 0 when t blocks it (t unchanged),
 * else 1 with the attempt counted as a failure already, so that
 * attempts in flight at once count (a success clears the record). */
int sso_throttle_attempt(sso_throttle *t, apr_int64_t now);
/* Takes back one attempt counted by sso_throttle_attempt that turned out
 * right (an API token), without forgetting the other failures. */
void sso_throttle_refund(sso_throttle *t);
/* Seconds until the block ends (0 when not blocked). */
apr_int64_t sso_throttle_remaining(const sso_throttle *t, apr_int64_t now);

/* An encoded record's size at most: a tag and two 64-bit numbers, with
 * room to spare. */
#define SSO_THROTTLE_RECORD_MAX 32
apr_size_t sso_throttle_encode(const sso_throttle *t, unsigned char *buf,
                               apr_size_t cap);
/* Non-zero on success. */
int sso_throttle_decode(const unsigned char *buf, apr_size_t len,
                        sso_throttle *out);

#endif
