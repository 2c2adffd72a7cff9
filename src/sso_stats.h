/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* What server-status shows: counters of identity events and provider
 * calls, kept in one block of shared memory that every child adds to
 * with atomic operations (no lock). Pure logic: no request_rec. */
#ifndef SSO_STATS_H
#define SSO_STATS_H

#include "apr_pools.h"
#include "apr_tables.h"

/* One counter per outcome of the event vocabulary (ssomod_event_note). */
typedef enum {
    SSO_STAT_LOGIN,
    SSO_STAT_REFUSED_NO_MAPPED_GROUP,
    SSO_STAT_REFUSED_SIGNUP_OFF,
    SSO_STAT_REFUSED_DISABLED,
    SSO_STAT_REFUSED_TOKEN_INVALID,
    SSO_STAT_REFUSED_STATE_UNKNOWN,
    SSO_STAT_REFUSED_PROVIDER_ERROR,
    SSO_STAT_REFUSED_WRONG_SECRET,
    SSO_STAT_REFUSED_OTHER,
    SSO_STAT_LOCAL_LOGIN,
    SSO_STAT_LOCAL_FAILED,
    SSO_STAT_THROTTLED, /* local logins (and TOTP codes) refused by the
                         * per-address limit; also in LOCAL_FAILED */
    SSO_STAT_LOGOUT,
    SSO_STAT_SESSION_ENDED,
    SSO_STAT_TOKEN,
    SSO_STAT_TOKEN_REFUSED,
    SSO_STAT_TOKEN_THROTTLED, /* also in TOKEN_REFUSED */
    SSO_STAT_COUNT
} sso_stat_e;

/* The calls the module makes to the provider. */
typedef enum {
    SSO_CALL_DISCOVERY,
    SSO_CALL_JWKS,
    SSO_CALL_TOKEN,
    SSO_CALL_USERINFO,
    SSO_CALL_REFRESH,
    SSO_CALL_COUNT
} sso_call_e;

/* Latency is the median of the last SSO_STATS_SAMPLES calls of a kind,
 * and the largest since start. */
#define SSO_STATS_SAMPLES 64

typedef struct {
    apr_uint32_t calls;
    apr_uint32_t errors;
    apr_uint32_t max_ms;
    apr_uint32_t next;    /* the next sample's slot, modulo SSO_STATS_SAMPLES */
    apr_uint32_t last_ok; /* seconds since the epoch; 0: never */
    apr_uint32_t samples[SSO_STATS_SAMPLES]; /* milliseconds */
} sso_stats_call;

/* The shared block: zeroed once, when it is made. */
typedef struct {
    apr_uint32_t started; /* seconds since the epoch */
    apr_uint32_t events[SSO_STAT_COUNT];
    sso_stats_call calls[SSO_CALL_COUNT];
} sso_stats;

/* The counters an (event, cause) of the vocabulary moves, into out (room
 * for 2); returns how many (0 for events server-status does not count,
 * such as the account page's). */
int sso_stats_map(const char *event, const char *cause, sso_stat_e *out);

/* Adds one to each counter (event, cause) moves. st may be NULL. */
void sso_stats_event(sso_stats *st, const char *event, const char *cause);

/* A finished call to the provider: ok is non-zero when it answered what
 * was asked. now is in seconds since the epoch. st may be NULL. */
void sso_stats_call_done(sso_stats *st, sso_call_e call, apr_uint32_t ms,
                         int ok, apr_uint32_t now);

/* ?auto key and HTML label of a counter and of a call kind. */
const char *sso_stats_key(sso_stat_e i);
const char *sso_stats_label(sso_stat_e i);
const char *sso_stats_call_key(sso_call_e c);

/* A consistent enough copy of one call kind's figures, for display. */
typedef struct {
    apr_uint32_t calls, errors, max_ms, median_ms, last_ok;
} sso_stats_call_view;
void sso_stats_call_read(const sso_stats *st, sso_call_e c,
                         sso_stats_call_view *v);

/* The median of n values (n > 0); v is sorted in place. */
apr_uint32_t sso_stats_median(apr_uint32_t *v, int n);

/* A socache provider's short status ("Key: value" lines, as mod_status's
 * ?auto) added into figures (key -> value): counts and sizes summed, so
 * several shards make one cache; other values (ages, per-subcache sizes,
 * percentages, names) kept as the first shard gives them. Keys in order
 * of first appearance are appended to keys (const char *). */
void sso_stats_socache_add(apr_pool_t *p, const char *text,
                           apr_table_t *figures, apr_array_header_t *keys);

#endif
