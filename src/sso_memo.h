/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* A per-connection memo of the last session record read from a cache on
 * this host, and the stamps in shared memory that void it. Every write to
 * a session (store or remove, in any process) bumps the stamp of its
 * bucket; a memo is used only while its bucket's stamp is unchanged and it
 * is younger than SSO_MEMO_MAX_AGE. Pure logic: no request_rec. */
#ifndef SSO_MEMO_H
#define SSO_MEMO_H

#include "apr.h"
#include "sso_session.h"

/* Larger records are not memoised: they are read from the cache each time. */
#define SSO_MEMO_REC_MAX 1024
/* Seconds a memo is trusted at most, even with its stamp unchanged: a
 * session the cache dropped for room (which bumps nothing) ends by then. */
#define SSO_MEMO_MAX_AGE 5
/* Buckets, a power of two. */
#define SSO_STAMPS 16384

typedef struct {
    apr_uint32_t bucket[SSO_STAMPS];
} sso_stamps;

typedef struct {
    const void *owner;              /* the session cache the record came from */
    apr_uint32_t stamp;             /* its bucket's stamp before it was read */
    apr_int64_t read_at;            /* seconds since the epoch */
    apr_size_t len;                 /* 0 when empty */
    char token[SSO_ID_B64_LEN];     /* the cookie value it was read for */
    unsigned char id[SSO_ID_BYTES]; /* the ID that value decodes to */
    unsigned char rec[SSO_MEMO_REC_MAX];
} sso_memo;

/* Read a stamp before reading the record it guards; bump one after
 * writing. */
apr_uint32_t sso_stamps_read(const sso_stamps *st, const unsigned char *id);
void sso_stamps_bump(sso_stamps *st, const unsigned char *id);

/* The session ID the memo holds for this cookie value (SSO_ID_B64_LEN
 * characters) from owner's cache, or NULL: saves decoding the value. */
const unsigned char *sso_memo_id(const sso_memo *m, const void *owner,
                                 const char *token);
/* The memoised record, or NULL when it is stale: its bucket's stamp is
 * no longer stamp, or it is too old. */
const unsigned char *sso_memo_record(const sso_memo *m, apr_uint32_t stamp,
                                     apr_int64_t now, apr_size_t *len);
/* Replaces the memo; a record over SSO_MEMO_REC_MAX empties it instead. */
void sso_memo_put(sso_memo *m, const void *owner, const char *token,
                  const unsigned char *id, apr_uint32_t stamp, apr_int64_t now,
                  const unsigned char *rec, apr_size_t len);

#endif
