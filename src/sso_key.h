/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Every cache key the module builds, in one place. Pure logic.
 *
 * A key is [spread][kind][body]: spread is one byte of a hash of the body.
 * shmcb keeps one index list per sub-cache and picks the list by a key's
 * first byte: with the spread byte first, each kind of record (pending
 * logins above all) is spread over every sub-cache, instead of filling the
 * one list its letter picks while the others stay empty.
 *
 * Session keys are the only exception: a session's key is its 32 random
 * bytes, already spread (and SSO_KEY_CANARY lives beside them). */
#ifndef SSO_KEY_H
#define SSO_KEY_H

#include "apr_pools.h"

/* Kinds of record in the login cache (SSO_CACHE_AUX). */
#define SSO_KEY_LOGIN    'T' /* pending login; body: the state's raw bytes */
#define SSO_KEY_ID_TOKEN 'I' /* a session's ID token; body: the session ID */
#define SSO_KEY_THROTTLE 'B' /* failed local logins; body: address or /64 */
#define SSO_KEY_METADATA 'M' /* discovery document; body: its URL */
#define SSO_KEY_JWKS     'J' /* provider's keys; body: jwks_uri */
#define SSO_KEY_JWKS_REFETCH                                                   \
    'R'                       /* a refetch of the keys this minute; jwks_uri */
#define SSO_KEY_MARK      'P' /* a named mark; body: its name */
#define SSO_KEY_TOMBSTONE 'X' /* a removed session; body: the session ID */
#define SSO_KEY_TOTP_PENDING                                                   \
    'O' /* a login awaiting its TOTP code; body: the
                                   * token's raw bytes (sso_totp_pending) */
#define SSO_KEY_TOTP_ENROL                                                     \
    'E' /* a secret offered on /sso/account, not yet
                                   * confirmed; body: the session ID */
#define SSO_KEY_TOTP_THROTTLE                                                  \
    'C' /* wrong TOTP codes of one account; body:
                                   * the username */

/* Bodies of SSO_KEY_MARK keys. */
#define SSO_KEY_MARK_CANARY_PLANTED "sso-canary-planted"
#define SSO_KEY_MARK_CANARY_WARNED  "sso-canary-warned"

/* The session cache's capacity canary, the one key there that is not a
 * session ID: no ID has its length (SSO_ID_BYTES). */
#define SSO_KEY_CANARY "\x01sso-capacity-canary"

#define SSO_KEY_LOGOUT                                                         \
    'L' /* a logout at the provider under way;
                                   * body: the state's raw bytes */

/* The index that back-channel logout reads (up to SSO_INDEX_MAX session
 * IDs each), written at login only, in the login cache too: */
#define SSO_KEY_BY_SUB     'U' /* body: session realm, then the sub */
#define SSO_KEY_BY_SID     'S' /* body: session realm, then the sid */
#define SSO_KEY_LOGOUT_JTI 'Y' /* a logout token seen; body: realm, jti */
/* In the session cache, beside the sessions (SSOGroupRefresh only): */
#define SSO_KEY_REFRESH_TOKEN                                                  \
    'K' /* a session's refresh token; body: the
                                   * session ID */

/* Bytes a key adds to its body. */
#define SSO_KEY_OVERHEAD 2

/* The key of kind for body (len bytes); *keylen is its length. */
const char *sso_key_make(apr_pool_t *p, char kind, const void *body,
                         apr_size_t len, apr_size_t *keylen);

#endif
