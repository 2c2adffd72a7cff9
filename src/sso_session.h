/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Session and login-transaction records as kept in the socache, and the
 * rules for their lifetimes. Pure logic. */
#ifndef SSO_SESSION_H
#define SSO_SESSION_H

#include "apr_pools.h"
#include "apr_tables.h"

/* Largest encoded session; a login whose record is bigger is refused. */
#define SSO_SESSION_MAX 8192
/* Raw random bytes in a session ID or state; base64url in cookies. */
#define SSO_ID_BYTES 32
/* Length of its base64url form, without padding. */
#define SSO_ID_B64_LEN 43
/* Bytes of a session realm: a digest of the configuration a session was
 * made under (SHA-256, cut short: it tells configurations apart, it is not
 * a secret). */
#define SSO_REALM_BYTES 16
/* Pending logins expire after this many seconds. */
#define SSO_TXN_TTL 600

typedef struct {
    apr_int64_t created;   /* seconds since the epoch */
    apr_int64_t last_seen; /* refreshed at most every timeout / 10 */
    apr_int64_t verified;  /* account last found enabled in the registry */
    apr_int64_t refreshed; /* groups last read from the provider
                                 * (SSOGroupRefresh); the login's time first */
    const char *method;    /* "sso" or "local" */
    const char *user;
    const char *issuer;                   /* NULL for local users */
    const char *sub;                      /* NULL for local users */
    const char *email;                    /* may be NULL */
    const char *name;                     /* may be NULL */
    apr_array_header_t *groups;           /* local groups, const char * */
    unsigned char realm[SSO_REALM_BYTES]; /* where it was made */
} sso_session;

typedef struct {
    apr_int64_t created;
    const char *nonce;         /* NULL once used */
    const char *pkce_verifier; /* NULL when PKCE was not used, or once used */
    const char *return_path;
    int used; /* kept after the callback took it, with
                                 * the return path only: a second callback
                                 * of the browser that signed in lands there */
} sso_txn;

/* The SSO_ID_BYTES raw bytes behind a base64url session ID or state, or
 * NULL when token is not exactly that. */
const unsigned char *sso_id_decode(apr_pool_t *p, const char *token);

/* The realm of SSO sessions made under these SSOAuthority, SSOClientID
 * and SSOUserStore values (NULL allowed). */
void sso_realm_of_sso(const char *authority, const char *client_id,
                      const char *user_store, unsigned char *out);
/* The realm of local sessions made under this SSOUserStore and this
 * SSOLocalAuthProvider list (NULL: none). */
void sso_realm_of_local(const char *user_store,
                        const apr_array_header_t *providers,
                        unsigned char *out);
/* Non-zero when s was made under this configuration: its realm is the
 * one given for its method ("sso" or "local"). */
int sso_session_realm_ok(const sso_session *s, const unsigned char *sso_realm,
                         const unsigned char *local_realm);

/* Encodes into buf (cap bytes). Returns the length, or 0 when it does not
 * fit in cap. */
apr_size_t sso_session_encode(const sso_session *s, unsigned char *buf,
                              apr_size_t cap);
/* NULL on success, else why the record was refused. */
const char *sso_session_decode(apr_pool_t *p, const unsigned char *buf,
                               apr_size_t len, sso_session *out);

/* Non-zero when the session has ended by inactivity or by age. */
int sso_session_expired(const sso_session *s, apr_int64_t now, int timeout,
                        int max_age);
/* Non-zero when last_seen is old enough to be written back. */
int sso_session_needs_touch(const sso_session *s, apr_int64_t now, int timeout);
/* Non-zero when the account should be looked up again: every interval
 * seconds (SSOAccountRecheck), so a disabled or deleted account stops
 * working within it. */
int sso_session_needs_recheck(const sso_session *s, apr_int64_t now,
                              int interval);
/* Non-zero when the groups should be read from the provider again: every
 * interval seconds (SSOGroupRefresh; 0: never), SSO sessions only. */
int sso_session_needs_refresh(const sso_session *s, apr_int64_t now,
                              int interval);
/* Seconds the cache should keep the record from now. */
apr_int64_t sso_session_ttl(const sso_session *s, apr_int64_t now, int timeout,
                            int max_age);

/* The logout index (back-channel logout): a record of session IDs of one
 * subject or provider session, oldest first, at most this many. */
#define SSO_INDEX_MAX 16
/* Adds id (SSO_ID_BYTES) to the index record in buf (len bytes; room for
 * SSO_INDEX_MAX IDs): it becomes the newest, once; beyond max the oldest
 * go. A record of a length that is no multiple of an ID counts as empty.
 * Returns the new length. */
apr_size_t sso_index_add(unsigned char *buf, apr_size_t len,
                         const unsigned char *id, int max);

apr_size_t sso_txn_encode(const sso_txn *t, unsigned char *buf, apr_size_t cap);
const char *sso_txn_decode(apr_pool_t *p, const unsigned char *buf,
                           apr_size_t len, sso_txn *out);
int sso_txn_expired(const sso_txn *t, apr_int64_t now);

#endif
