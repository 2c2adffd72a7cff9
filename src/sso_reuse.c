/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_reuse.h"

#include <stdlib.h>
#include <string.h>
#include "apr_thread_mutex.h"
#include <openssl/crypto.h>

typedef struct {
    const void *owner;  /* the session cache the record came from */
    apr_uint32_t stamp; /* its session's stamp before it was read */
    apr_time_t read_at;
    apr_time_t claimed_until; /* a write-back of it is under way */
    apr_time_t reading_until; /* a new read of it is under way */
    apr_size_t len;           /* 0: empty, or only a read under way */
    int pending;              /* a first read of it is under way */
    char token[SSO_ID_B64_LEN];
    unsigned char id[SSO_ID_BYTES];
    unsigned char rec[SSO_REUSE_REC_MAX];
} sso_reuse_slot;

struct sso_reuse {
    sso_reuse_slot slot[SSO_REUSE_SETS][SSO_REUSE_WAYS];
#if APR_HAS_THREADS
    apr_thread_mutex_t *lock[SSO_REUSE_LOCKS];
#endif
};

/* calloc, not a pool: a large calloc maps fresh zero pages that cost no
 * memory until a slot is written, and a pool would touch them all. */
static apr_status_t sso_reuse_free(void *t)
{
    free(t);
    return APR_SUCCESS;
}

apr_status_t sso_reuse_create(sso_reuse **out, apr_pool_t *p)
{
    sso_reuse *t = calloc(1, sizeof(*t));
    apr_status_t rv = APR_SUCCESS;
    int i;

    if (!t) {
        return APR_ENOMEM;
    }
    apr_pool_cleanup_register(p, t, sso_reuse_free, apr_pool_cleanup_null);
#if APR_HAS_THREADS
    for (i = 0; i < SSO_REUSE_LOCKS && rv == APR_SUCCESS; i++) {
        rv = apr_thread_mutex_create(&t->lock[i], APR_THREAD_MUTEX_DEFAULT, p);
    }
#else
    (void)i;
#endif
    *out = t;
    return rv;
}

/* FNV-1a over the cookie value: its characters are random, any mix of
 * them spreads sessions over the sets. */
static apr_size_t sso_reuse_set_of(const char *token)
{
    apr_uint32_t h = 2166136261u;
    int i;

    for (i = 0; i < SSO_ID_B64_LEN; i++) {
        h = (h ^ (unsigned char)token[i]) * 16777619u;
    }
    return h & (SSO_REUSE_SETS - 1);
}

static void sso_reuse_lock(sso_reuse *t, apr_size_t set)
{
#if APR_HAS_THREADS
    apr_thread_mutex_lock(t->lock[set & (SSO_REUSE_LOCKS - 1)]);
#endif
}

static void sso_reuse_unlock(sso_reuse *t, apr_size_t set)
{
#if APR_HAS_THREADS
    apr_thread_mutex_unlock(t->lock[set & (SSO_REUSE_LOCKS - 1)]);
#endif
}

/* The cookie value is a secret: compared in constant time. */
static int sso_reuse_matches(const sso_reuse_slot *s, const void *owner,
                             const char *token)
{
    return (s->len || s->pending) && s->owner == owner
           && !CRYPTO_memcmp(s->token, token, SSO_ID_B64_LEN);
}

/* Whether a copy may be used. Past the age limit, or once its session
 * was written or removed here, the first caller reads the record again
 * (MISS) and the others, until that read ends (SSO_REUSE_GRACE at most),
 * keep using a copy just past the limit, or WAIT for the new one: one
 * round trip, not one per thread. */
static int sso_reuse_usable(sso_reuse_slot *s, const sso_stamps *st,
                            apr_time_t now, apr_time_t max_age)
{
    int valid =
        s->len && sso_stamps_read(st, s->id) == s->stamp && now >= s->read_at;

    if (valid && now - s->read_at < max_age) {
        return SSO_REUSE_HIT;
    }
    if (now < s->reading_until) {
        return valid && now - s->read_at < max_age + SSO_REUSE_GRACE
                   ? SSO_REUSE_HIT
                   : SSO_REUSE_WAIT;
    }
    s->reading_until = now + SSO_REUSE_GRACE;
    return SSO_REUSE_MISS;
}

static sso_reuse_slot *sso_reuse_victim(sso_reuse_slot *set, const void *owner,
                                        const char *token);

/* The first read of a session in this child: a slot says it is under way,
 * so that the child's other requests for it wait instead of all reading. */
static void sso_reuse_pending(sso_reuse_slot *set, const void *owner,
                              const char *token, apr_time_t now)
{
    sso_reuse_slot *s = sso_reuse_victim(set, owner, token);

    s->len = 0;
    s->pending = 1;
    s->owner = owner;
    s->read_at = now;
    s->reading_until = now + SSO_REUSE_GRACE;
    memcpy(s->token, token, SSO_ID_B64_LEN);
}

int sso_reuse_get(sso_reuse *t, const sso_stamps *st, const void *owner,
                  const char *token, apr_time_t now, apr_time_t max_age,
                  unsigned char *id, unsigned char *rec, apr_size_t *len,
                  apr_time_t *age)
{
    apr_size_t set = sso_reuse_set_of(token);
    int w, found = SSO_REUSE_MISS;

    if (max_age <= 0) {
        return SSO_REUSE_MISS;
    }
    sso_reuse_lock(t, set);
    for (w = 0; w < SSO_REUSE_WAYS; w++) {
        sso_reuse_slot *s = &t->slot[set][w];
        if (!sso_reuse_matches(s, owner, token)) {
            continue;
        }
        found = sso_reuse_usable(s, st, now, max_age);
        if (found == SSO_REUSE_HIT) {
            memcpy(id, s->id, SSO_ID_BYTES);
            memcpy(rec, s->rec, s->len);
            *len = s->len;
            *age = now - s->read_at;
        }
        break;
    }
    if (w == SSO_REUSE_WAYS) {
        sso_reuse_pending(t->slot[set], owner, token, now);
    }
    sso_reuse_unlock(t, set);
    return found;
}

/* The session's own slot, else an empty one, else the oldest. */
static sso_reuse_slot *sso_reuse_victim(sso_reuse_slot *set, const void *owner,
                                        const char *token)
{
    sso_reuse_slot *pick = &set[0];
    int w;

    for (w = 0; w < SSO_REUSE_WAYS; w++) {
        if (sso_reuse_matches(&set[w], owner, token)) {
            return &set[w];
        }
    }
    for (w = 0; w < SSO_REUSE_WAYS; w++) {
        if (!set[w].len && !set[w].pending) {
            return &set[w];
        }
        if (set[w].read_at < pick->read_at) {
            pick = &set[w];
        }
    }
    return pick;
}

void sso_reuse_put(sso_reuse *t, const void *owner, const char *token,
                   const unsigned char *id, apr_uint32_t stamp,
                   apr_time_t read_at, const unsigned char *rec, apr_size_t len)
{
    apr_size_t set = sso_reuse_set_of(token);
    sso_reuse_slot *s;

    sso_reuse_lock(t, set);
    s = sso_reuse_victim(t->slot[set], owner, token);
    s->len = 0;
    s->pending = 0;
    if (len && len <= SSO_REUSE_REC_MAX) {
        s->owner = owner;
        s->stamp = stamp;
        s->read_at = read_at;
        s->claimed_until = s->reading_until = 0;
        memcpy(s->token, token, SSO_ID_B64_LEN);
        memcpy(s->id, id, SSO_ID_BYTES);
        memcpy(s->rec, rec, len);
        s->len = len;
    }
    sso_reuse_unlock(t, set);
}

void sso_reuse_forget(sso_reuse *t, const void *owner, const char *token)
{
    apr_size_t set = sso_reuse_set_of(token);
    int w;

    sso_reuse_lock(t, set);
    for (w = 0; w < SSO_REUSE_WAYS; w++) {
        if (sso_reuse_matches(&t->slot[set][w], owner, token)) {
            t->slot[set][w].len = 0;
            t->slot[set][w].pending = 0;
        }
    }
    sso_reuse_unlock(t, set);
}

int sso_reuse_claim(sso_reuse *t, const void *owner, const char *token,
                    apr_time_t now, apr_time_t hold)
{
    apr_size_t set = sso_reuse_set_of(token);
    int w, mine = 1;

    sso_reuse_lock(t, set);
    for (w = 0; w < SSO_REUSE_WAYS; w++) {
        sso_reuse_slot *s = &t->slot[set][w];
        if (!sso_reuse_matches(s, owner, token)) {
            continue;
        }
        if (now < s->claimed_until) {
            mine = 0;
        }
        else {
            s->claimed_until = now + hold;
        }
        break;
    }
    sso_reuse_unlock(t, set);
    return mine;
}

apr_size_t sso_reuse_count(sso_reuse *t)
{
    apr_size_t set, n = 0;
    int w;

    for (set = 0; set < SSO_REUSE_SETS; set++) {
        sso_reuse_lock(t, set);
        for (w = 0; w < SSO_REUSE_WAYS; w++) {
            n += t->slot[set][w].len != 0;
        }
        sso_reuse_unlock(t, set);
    }
    return n;
}
