/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* ID token validation (OpenID Connect Core 1.0 §3.1.3.7) and the provider's
 * JWKS. Pure logic: no request_rec. */
#ifndef SSO_JWT_H
#define SSO_JWT_H

#include <jansson.h>
#include "apr.h"
#include "apr_pools.h"

/* A compact token longer than this is refused without being parsed. */
#define SSO_JWT_MAX_LEN (64 * 1024)
/* Keys beyond this many in one JWKS are skipped: it bounds kid-less tries. */
#define SSO_JWKS_MAX_KEYS 64

typedef struct sso_jwks sso_jwks;
typedef struct sso_jwk sso_jwk;

typedef enum {
    SSO_JWT_OK = 0,
    SSO_JWT_MALFORMED,   /* not a compact JWS with JSON object parts */
    SSO_JWT_UNKNOWN_KID, /* no key for it: refetch the JWKS once, retry */
    SSO_JWT_BAD_ALG,     /* alg not allowed, or does not fit the key */
    SSO_JWT_BAD_SIGNATURE,
    SSO_JWT_BAD_ISS,
    SSO_JWT_BAD_AUD,
    SSO_JWT_BAD_AZP,
    SSO_JWT_EXPIRED, /* also: exp missing or not a NumericDate */
    SSO_JWT_BAD_IAT,
    SSO_JWT_NO_SUB,
    SSO_JWT_BAD_NONCE,
    SSO_JWT_BAD_AT_HASH,
    SSO_JWT_BAD_EVENTS, /* logout token: no backchannel-logout event */
    SSO_JWT_NO_JTI      /* logout token: no jti */
} sso_jwt_status;

/* What the token must match. Strings are not copied. */
typedef struct {
    const char *issuer;       /* SSOAuthority: iss must equal it exactly */
    const char *client_id;    /* SSOClientID: aud, and azp when present */
    const char *nonce;        /* sent with the login request; required
                                * unless refreshed */
    int refreshed;            /* an ID token from a refresh token grant
                                * (Core §12.2): its nonce is not checked */
    const char *access_token; /* NULL: at_hash is not checked */
    apr_int64_t now;          /* seconds since the epoch */
    int clock_skew;           /* SSOClockSkew, seconds */
    int allow_hs;             /* accept HS256/384/512 keyed by client_secret */
    const char *client_secret;
} sso_jwt_expect;

typedef struct {
    json_t *claims;    /* on SSO_JWT_OK only; decref'd by a cleanup on p */
    const char *sub;   /* on SSO_JWT_OK only */
    const char *iss;   /* on SSO_JWT_OK only */
    const char *alg;   /* header alg, once read (printable copy) */
    const char *kid;   /* kid of the key that verified; NULL if it has none */
    const char *sid;   /* logout tokens, on SSO_JWT_OK: NULL when absent */
    const char *jti;   /* logout tokens, on SSO_JWT_OK */
    const char *error; /* one line on failure; never the token or a secret */
} sso_jwt_result;

/* Parses a JWKS document. Keys that are malformed, not for signing or of an
 * unsupported type are skipped and described (sso_jwks_skipped_reason).
 * Returns APR_SUCCESS, or APR_EINVAL with *err set when the document itself
 * is unusable. Keys are freed by a cleanup on p. */
apr_status_t sso_jwks_parse(apr_pool_t *p, const char *json, size_t len,
                            sso_jwks **out, const char **err);

int sso_jwks_count(const sso_jwks *keys);
int sso_jwks_skipped(const sso_jwks *keys);
/* Why the i-th skipped key was skipped, for the log; NULL when out of range. */
const char *sso_jwks_skipped_reason(const sso_jwks *keys, int i);
/* First key with this kid, or NULL. */
const sso_jwk *sso_jwks_find(const sso_jwks *keys, const char *kid);
/* e.g. "kid 'k1', RSA 2048 bits, alg RS256", for the log. */
const char *sso_jwk_describe(apr_pool_t *p, const sso_jwk *key);

/* Validates a compact ID token. keys may be NULL when only HS* is used.
 * Fills *out (see sso_jwt_result) and returns the first problem found. */
sso_jwt_status sso_jwt_verify(apr_pool_t *p, const char *compact,
                              const sso_jwks *keys,
                              const sso_jwt_expect *expect,
                              sso_jwt_result *out);

/* The event a logout token must carry (Back-Channel Logout 1.0 §2.4). */
#define SSO_JWT_LOGOUT_EVENT                                                   \
    "http://schemas.openid.net/event/backchannel-logout"

/* Validates a logout token as Back-Channel Logout 1.0 §2.6 says: signature
 * by the provider's keys, iss, aud, iat within clock_skew either way, exp
 * when present, sid or sub (or both), the events claim with
 * SSO_JWT_LOGOUT_EVENT as a JSON object member, no nonce, and a jti (its
 * replay is the caller's check). expect->nonce and access_token are unused.
 * On SSO_JWT_OK, out->sub may be NULL when out->sid is not. */
sso_jwt_status sso_jwt_verify_logout(apr_pool_t *p, const char *compact,
                                     const sso_jwks *keys,
                                     const sso_jwt_expect *expect,
                                     sso_jwt_result *out);

/* "SSO_JWT_OK", "SSO_JWT_MALFORMED", ... */
const char *sso_jwt_status_name(sso_jwt_status status);

/* The claim's value when it is a string without embedded NULs, else NULL. */
const char *sso_jwt_claim_string(json_t *claims, const char *name);

/* For email_verified: 1 when the value is absent (NULL) or JSON true, 0 for
 * anything else (false, the string "true", null, a number). */
int sso_jwt_claim_vouches(const json_t *verified);

#endif
