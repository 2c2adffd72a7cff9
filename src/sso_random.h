/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Unguessable values (state, nonce, PKCE verifier, session IDs) and the
 * PKCE S256 challenge. Pure logic. */
#ifndef SSO_RANDOM_H
#define SSO_RANDOM_H

#include <stddef.h>
#include "apr_pools.h"

/* Most random bytes one call hands out. */
#define SSO_RANDOM_MAX_BYTES 256

/* *out = base64url, without padding, of nbytes (1..SSO_RANDOM_MAX_BYTES)
 * from the OpenSSL CSPRNG. APR_EINVAL for a bad nbytes, APR_EGENERAL when
 * the generator fails: *out is then NULL and the caller must fail closed. */
apr_status_t sso_random_token(apr_pool_t *p, size_t nbytes, const char **out);

/* Fills buf with nbytes from the OpenSSL CSPRNG (keys, TOTP secrets).
 * APR_EGENERAL when the generator fails: buf is then zeroed. */
apr_status_t sso_random_bytes(unsigned char *buf, size_t nbytes);

/* base64url(HMAC-SHA-256(secret, purpose)) without padding: a token bound
 * to a secret that the client cannot compute without it (the account
 * page's CSRF token, from the session ID). NULL when OpenSSL fails. */
const char *sso_random_derive(apr_pool_t *p, const unsigned char *secret,
                              size_t len, const char *purpose);

/* RFC 7636 §4.2: base64url(SHA-256(ASCII(verifier))), or NULL when
 * OpenSSL fails. */
const char *sso_pkce_challenge_s256(apr_pool_t *p, const char *verifier);

#endif
