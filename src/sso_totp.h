/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Time-based one-time passwords for local accounts (RFC 6238 over RFC 4226
 * HOTP: HMAC-SHA-1, 6 digits, 30-second steps), the base32 form the secret
 * is shown in (RFC 4648, no padding), and the secret's encryption at rest
 * (AES-256-GCM under a key file that is kept outside the registry). Pure
 * logic: OpenSSL and file system calls, no request_rec. */
#ifndef SSO_TOTP_H
#define SSO_TOTP_H

#include "apr_pools.h"

/* 160 bits, as RFC 4226 recommends. */
#define SSO_TOTP_SECRET_BYTES 20
#define SSO_TOTP_PERIOD       30
#define SSO_TOTP_DIGITS       6
/* Codes of this many steps either side of now are accepted too (clock
 * drift, a code typed as it changes). */
#define SSO_TOTP_WINDOW 1
/* The key file's length: an AES-256 key. */
#define SSO_TOTP_KEY_BYTES 32
/* The key file's name, beside the store (or in the state directory). */
#define SSO_TOTP_KEY_FILE "totp.key"

typedef enum {
    SSO_TOTP_OK,      /* right, and newer than the last step used */
    SSO_TOTP_WRONG,   /* no step in the window gives this code */
    SSO_TOTP_REPLAYED /* right for a step already used (or older) */
} sso_totp_result;

/* The 30-second step now (seconds since the epoch) falls in. */
apr_int64_t sso_totp_step(apr_int64_t now);

/* The HOTP value of key for counter step, reduced to SSO_TOTP_DIGITS
 * digits; -1 when OpenSSL fails. */
long sso_totp_code(const unsigned char *key, apr_size_t len, apr_int64_t step);

/* Non-zero when code is exactly SSO_TOTP_DIGITS ASCII digits. */
int sso_totp_code_syntax(const char *code);

/* Checks code against the steps around now (SSO_TOTP_WINDOW either side).
 * A code is good once: a step not after last_step (the last one used; 0
 * for none) counts as replayed. On SSO_TOTP_OK, *step is the step matched,
 * to be recorded as the new last step. Every step in the window is
 * computed and compared in constant time, whatever matches. */
sso_totp_result sso_totp_check(const unsigned char *key, apr_size_t len,
                               const char *code, apr_int64_t now,
                               apr_int64_t last_step, apr_int64_t *step);

/* RFC 4648 base32, upper case, without padding. */
const char *sso_base32_encode(apr_pool_t *p, const unsigned char *in,
                              apr_size_t len);
/* Decodes base32 in either case; trailing '=' padding is allowed. NULL for
 * anything else (a foreign character, an impossible length, stray bits). */
unsigned char *sso_base32_decode(apr_pool_t *p, const char *in,
                                 apr_size_t *len);

/* A new secret: SSO_TOTP_SECRET_BYTES from the CSPRNG. APR_EGENERAL when
 * the generator fails. */
apr_status_t sso_totp_secret_new(unsigned char *secret);

/* otpauth://totp/ISSUER:USER?secret=...&issuer=... (Key Uri Format), the
 * labels percent-encoded. */
const char *sso_totp_uri(apr_pool_t *p, const char *issuer, const char *user,
                         const unsigned char *secret, apr_size_t len);

/* The secret sealed for the registry: "1:" and the base64 of nonce (12
 * bytes), ciphertext and GCM tag (16 bytes). username is authenticated with
 * it, so a sealed secret copied to another account does not open. */
apr_status_t sso_totp_seal(apr_pool_t *p, const unsigned char *key,
                           const char *username, const unsigned char *secret,
                           apr_size_t len, const char **sealed);
/* The reverse: APR_EINVAL for a malformed value, APR_EGENERAL when it does
 * not authenticate under key and username (another key, tampering). */
apr_status_t sso_totp_open(apr_pool_t *p, const unsigned char *key,
                           const char *username, const char *sealed,
                           unsigned char **secret, apr_size_t *len);

/* The record that ties the two steps of a login: the password was right,
 * a code is still due. Kept in the login cache under a random token the
 * browser holds in a cookie, for SSO_TOTP_PENDING_TTL seconds, removed when
 * the code is right. No session exists until then. */
#define SSO_TOTP_PENDING_TTL 300
#define SSO_TOTP_PENDING_MAX 2048
typedef struct {
    char kind;           /* 'c': give a code; 'e': enrol first */
    apr_int64_t created; /* seconds since the epoch */
    const char *username;
    const char *return_path;
    const char *sealed; /* 'e': the new secret, sealed; else "" */
} sso_totp_pending;

/* Into buf (cap bytes): the length, or 0 when it does not fit or a field
 * is missing. */
apr_size_t sso_totp_pending_encode(const sso_totp_pending *pd,
                                   unsigned char *buf, apr_size_t cap);
/* Non-zero on success; the strings are copied into p. */
int sso_totp_pending_decode(apr_pool_t *p, const unsigned char *buf,
                            apr_size_t len, sso_totp_pending *out);

/* Where the key file of a store lives: beside an sqlite3 database, else
 * (pgsql) state_dir/sso/. NULL for a spec that names no place. */
const char *sso_totp_key_path(apr_pool_t *p, const char *store_spec,
                              const char *state_dir);

/* Creates the key file when it is absent: SSO_TOTP_KEY_BYTES random bytes,
 * mode 0600, opened O_EXCL | O_NOFOLLOW. *created says whether it did.
 * On failure *err says why. */
apr_status_t sso_totp_key_create(apr_pool_t *p, const char *path, int *created,
                                 const char **err);
/* Reads the key: a regular file (never through a symlink) of exactly
 * SSO_TOTP_KEY_BYTES bytes, which nobody but its owner can read. */
apr_status_t sso_totp_key_read(apr_pool_t *p, const char *path,
                               unsigned char *key, const char **err);

#endif
