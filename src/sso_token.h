/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* API tokens (SSOAPITokens, sso-users token): making one, its hash, the
 * Authorization header that carries it, whether a stored one still holds,
 * and a per-process memo of tokens the registry accepted. Pure logic. */
#ifndef SSO_TOKEN_H
#define SSO_TOKEN_H

#include "apr_pools.h"
#include "apr_tables.h"
#include "sso_registry.h"

/* Random bytes in a token: 256 bits, base64url without padding (43
 * characters). */
#define SSO_TOKEN_BYTES 32
/* SHA-256, raw. */
#define SSO_TOKEN_HASH_BYTES 32
/* A longer Authorization value is refused before any work. */
#define SSO_TOKEN_MAX_LEN 512
/* Most days a token may be made for (about 100 years). */
#define SSO_TOKEN_DAYS_MAX 36500
/* last_used is written at most this often per token and process. */
#define SSO_TOKEN_TOUCH_EVERY 60
/* Slots of the memo (a power of two) and the room of one. */
#define SSO_TOKEN_MEMO_SLOTS      64
#define SSO_TOKEN_MEMO_USER_MAX   (SSO_REGISTRY_NAME_MAX + 1)
#define SSO_TOKEN_MEMO_GROUPS_MAX 2048

/* A new token from the OpenSSL CSPRNG. APR_EGENERAL when it fails. */
apr_status_t sso_token_new(apr_pool_t *p, const char **token);
/* SHA-256 of the token. Non-zero on success. */
int sso_token_hash(const char *token, unsigned char *hash);
/* The hash as the registry keeps it: lower-case hex. */
const char *sso_token_hash_hex(apr_pool_t *p, const unsigned char *hash);

/* The token of an "Authorization: Bearer TOKEN" value (RFC 6750 2.1; the
 * scheme in any case), or NULL when the value is not a Bearer one. An
 * empty or over-long token is "" (a wrong token). */
const char *sso_token_from_authorization(const char *value);

/* Expiry of a token made at now for days (0: never). APR_EINVAL when days
 * is out of 0..SSO_TOKEN_DAYS_MAX. */
apr_status_t sso_token_expiry(apr_int64_t now, int days, apr_int64_t *expires);

typedef enum {
    SSO_TOKEN_VALID,
    SSO_TOKEN_EXPIRED,
    SSO_TOKEN_DISABLED /* its user is disabled */
} sso_token_state_e;
sso_token_state_e sso_token_judge(const sso_api_token *t, const sso_user *u,
                                  apr_int64_t now);
/* The token-refused cause of a state: "expired" or "disabled". */
const char *sso_token_cause(sso_token_state_e state);

/* A token the registry accepted, kept for up to a TTL (SSOAccountRecheck),
 * so a script's requests do not each read the registry. */
typedef struct {
    const void *owner; /* the store it was read from; NULL: empty */
    unsigned char hash[SSO_TOKEN_HASH_BYTES];
    apr_int64_t checked; /* when the registry accepted it */
    apr_int64_t expires; /* the token's; 0: never */
    apr_int64_t touched; /* last_used as last written */
    char user[SSO_TOKEN_MEMO_USER_MAX];
    char groups[SSO_TOKEN_MEMO_GROUPS_MAX]; /* names, '\n' after each */
} sso_token_memo_slot;

typedef struct {
    sso_token_memo_slot slot[SSO_TOKEN_MEMO_SLOTS];
} sso_token_memo;

typedef enum { SSO_TOKEN_MEMO_MISS, SSO_TOKEN_MEMO_HIT } sso_token_memo_e;

/* HIT with *out a copy of the slot when owner's token of this hash was
 * accepted less than ttl seconds ago and has not expired. The hash is
 * compared in constant time. */
sso_token_memo_e sso_token_memo_get(const sso_token_memo *m, const void *owner,
                                    const unsigned char *hash, apr_int64_t now,
                                    int ttl, sso_token_memo_slot *out);
/* Keeps an accepted token, replacing the slot's; a user or groups that do
 * not fit only empty the slot. */
void sso_token_memo_put(sso_token_memo *m, const void *owner,
                        const unsigned char *hash, apr_int64_t now,
                        apr_int64_t expires, apr_int64_t touched,
                        const char *user, const apr_array_header_t *groups);
/* Records that last_used was written at now. */
void sso_token_memo_touched(sso_token_memo *m, const void *owner,
                            const unsigned char *hash, apr_int64_t now);
/* Non-zero when last_used (touched) is due to be written again. */
int sso_token_touch_due(apr_int64_t touched, apr_int64_t now);
/* The slot's groups (const char *). */
apr_array_header_t *sso_token_memo_groups(apr_pool_t *p,
                                          const sso_token_memo_slot *slot);

#endif
