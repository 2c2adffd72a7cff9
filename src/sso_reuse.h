/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Reuse of session records read from a shared cache (Redis, memcached):
 * one small table per child process, so that a record read less than
 * SSOSessionCacheReuse seconds ago is used again without a round trip,
 * by every connection and thread of the child.
 *
 * Bounded: SSO_REUSE_SETS sets of SSO_REUSE_WAYS slots, chosen by a hash
 * of the cookie value; a new record replaces the same session's slot,
 * else an empty one, else the set's oldest. An entry is used only while
 * it is younger than the caller's limit and the stamp of its session
 * (sso_memo.h) is the one read before the record was: a store or removal
 * on this server bumps that stamp, so a logout here applies in every
 * child at once. Thread-safe: a set is read and written under one of
 * SSO_REUSE_LOCKS mutexes. Pure logic: no request_rec. */
#ifndef SSO_REUSE_H
#define SSO_REUSE_H

#include "apr.h"
#include "apr_pools.h"
#include "apr_time.h"
#include "sso_memo.h"

#define SSO_REUSE_SETS  256 /* a power of two */
#define SSO_REUSE_WAYS  2
#define SSO_REUSE_LOCKS 16 /* a power of two, at most SSO_REUSE_SETS */
/* At the age limit one request per child reads the record again; the
 * others keep using the copy until that read ends, at most this much
 * longer, instead of all asking the cache at once. */
#define SSO_REUSE_GRACE (APR_USEC_PER_SEC / 10)
/* Larger records are read from the cache every time. */
#define SSO_REUSE_REC_MAX SSO_MEMO_REC_MAX

typedef struct sso_reuse sso_reuse;

#define SSO_REUSE_MISS 0 /* read the cache, then sso_reuse_put */
#define SSO_REUSE_HIT  1 /* the copy was returned */
#define SSO_REUSE_WAIT                                                         \
    2 /* another caller is reading it: ask again
                                 * in a moment */

/* The table lives until p is cleared; its memory is taken from the system
 * untouched, so only the slots in use become resident. */
apr_status_t sso_reuse_create(sso_reuse **out, apr_pool_t *p);

/* The record of the session whose cookie value is token (SSO_ID_B64_LEN
 * characters), read from owner's cache less than max_age ago (or less
 * than max_age + SSO_REUSE_GRACE ago while another caller reads it again)
 * with its stamp unchanged: copied into rec (room for
 * SSO_REUSE_REC_MAX bytes) with its length in *len, its ID into id
 * (SSO_ID_BYTES), and how long ago it was read into *age: SSO_REUSE_HIT.
 * Otherwise nothing is copied: SSO_REUSE_MISS, the caller reads the
 * cache; SSO_REUSE_WAIT, another caller of this table is reading it
 * (for SSO_REUSE_GRACE at most). */
int sso_reuse_get(sso_reuse *t, const sso_stamps *st, const void *owner,
                  const char *token, apr_time_t now, apr_time_t max_age,
                  unsigned char *id, unsigned char *rec, apr_size_t *len,
                  apr_time_t *age);

/* Keeps a record read at read_at, stamp being its session's stamp read
 * before the read. A record over SSO_REUSE_REC_MAX is not kept (and
 * voids an older copy of it). */
void sso_reuse_put(sso_reuse *t, const void *owner, const char *token,
                   const unsigned char *id, apr_uint32_t stamp,
                   apr_time_t read_at, const unsigned char *rec,
                   apr_size_t len);

/* Drops the copy of token: its new read found no record, or failed (the
 * others stop using it at once, not at the end of SSO_REUSE_GRACE). */
void sso_reuse_forget(sso_reuse *t, const void *owner, const char *token);

/* Non-zero for the one caller in this child that may write the reused
 * record of token back now (the last-seen refresh, the account re-check):
 * the others keep serving the copy meanwhile, which is no older than the
 * reuse limit, instead of all writing at once. The claim lapses after
 * hold, and with the next read of the record. Without a copy of the
 * record, every caller may write. */
int sso_reuse_claim(sso_reuse *t, const void *owner, const char *token,
                    apr_time_t now, apr_time_t hold);

/* Slots in use (for tests and status). */
apr_size_t sso_reuse_count(sso_reuse *t);

#endif
