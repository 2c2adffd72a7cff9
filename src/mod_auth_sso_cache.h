/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The session cache: ap_socache instances, their lock, and the stamps
 * that void per-connection memos */
#ifndef MOD_AUTH_SSO_CACHE_H
#define MOD_AUTH_SSO_CACHE_H

#include "mod_auth_sso_config.h"
#include "sso_memo.h"
#include "sso_reuse.h"

typedef enum { SSO_CACHE_SESSIONS, SSO_CACHE_AUX } ssomod_cache_which;

int ssomod_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp);
int ssomod_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s);
void ssomod_cache_child_init(apr_pool_t *p, server_rec *s);
apr_status_t ssomod_cache_store(server_rec *s, ssomod_cache_which which,
                                const char *key, apr_size_t keylen,
                                apr_time_t expiry, const unsigned char *data,
                                apr_size_t len, apr_pool_t *p);
/* *len is the buffer size on entry, the record size on APR_SUCCESS. */
apr_status_t ssomod_cache_retrieve(server_rec *s, ssomod_cache_which which,
                                   const char *key, apr_size_t keylen,
                                   unsigned char *buf, apr_size_t *len,
                                   apr_pool_t *p);
apr_status_t ssomod_cache_remove(server_rec *s, ssomod_cache_which which,
                                 const char *key, apr_size_t keylen,
                                 apr_pool_t *p);
/* Stores only over a record present under key (APR_NOTFOUND when it is
 * gone); max is the largest record that may be there. One hold of the
 * lock where the provider needs one. */
apr_status_t ssomod_cache_refresh(server_rec *s, ssomod_cache_which which,
                                  const char *key, apr_size_t keylen,
                                  apr_time_t expiry, const unsigned char *data,
                                  apr_size_t len, apr_size_t max,
                                  apr_pool_t *p);
/* Non-zero when the cache's writes are serialised by its lock (shmcb). */
int ssomod_cache_locked(server_rec *s);
/* APR_SUCCESS when the session cache answers; for Redis and memcached,
 * whose clients report a server they hold for dead as "not found", one
 * write to find out. */
apr_status_t ssomod_cache_alive(server_rec *s, apr_pool_t *p);
/* Stores only when key is absent (APR_EEXIST when present): a mark that
 * rate-limits something. One hold of the lock where the provider needs
 * one (shmcb); with Redis or memcached two servers may both store. */
apr_status_t ssomod_cache_add(server_rec *s, ssomod_cache_which which,
                              const char *key, apr_size_t keylen,
                              apr_time_t expiry, const unsigned char *data,
                              apr_size_t len, apr_pool_t *p);
/* Reads the record under key (*len = 0 when absent) and lets fn rewrite
 * it in buf (cap bytes); fn returns the new record's expiry, or 0 to write
 * nothing. One hold of the module's global lock, whatever the provider:
 * atomic among the processes of this server. Servers sharing Redis or
 * memcached do not share that lock: among them it is a read, then a write. */
typedef apr_time_t (*ssomod_cache_update_fn)(void *ctx, unsigned char *buf,
                                             apr_size_t *len, apr_size_t cap);
apr_status_t ssomod_cache_update(server_rec *s, ssomod_cache_which which,
                                 const char *key, apr_size_t keylen,
                                 ssomod_cache_update_fn fn, void *ctx,
                                 apr_pool_t *p);
/* A mark in the login cache until the given time, set with ssomod_cache_add. */
typedef enum {
    SSO_MARK_SET,     /* this caller set it */
    SSO_MARK_PRESENT, /* it was already there */
    SSO_MARK_FAILED   /* the cache failed */
} ssomod_mark_e;
ssomod_mark_e ssomod_cache_mark(server_rec *s, const char *key,
                                apr_size_t keylen, apr_time_t until,
                                apr_pool_t *p);
/* The session cache provider's own status (shmcb: entries, evictions...)
 * of each shard of cc, written to r as mod_status asks (flags), under the
 * lock where the provider needs one. */
void ssomod_cache_status(const ssomod_cache_conf *cc, request_rec *r,
                         int flags);
/* The stamps that void per-connection session memos (stores and removals
 * above bump them); NULL when cc's sessions are not memoised. */
const sso_stamps *ssomod_cache_stamps(const ssomod_cache_conf *cc);
/* This child's table of records read from cc when it is shared (Redis,
 * memcached), with the stamps that void them; NULL when there is none
 * (a cache on this host, SSOSessionCacheReuse 0 everywhere, no shared
 * memory). */
sso_reuse *ssomod_cache_reuse(const ssomod_cache_conf *cc,
                              const sso_stamps **st);

#endif
