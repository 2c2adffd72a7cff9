/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Session cache instances: created at config time, initialised in
 * post_config under one global mutex, re-attached in each child. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_cache.h"

#include "http_log.h"
#include "util_mutex.h"
#include "apr_global_mutex.h"
#include "apr_strings.h"
#include "apr_hash.h"
#include "apr_shm.h"
#include <dlfcn.h>
#include "sso_session.h"
#include "sso_key.h"

#define SSO_CACHE_MUTEX_TYPE    "auth-sso-cache"
#define SSO_CACHE_NAMESPACE     "auth_sso"
#define SSO_CACHE_AUX_NAMESPACE "auth_sso_login"

int ssomod_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp)
{
    apr_status_t rv = ap_mutex_register(pconf, SSO_CACHE_MUTEX_TYPE, NULL,
                                        APR_LOCK_DEFAULT, 0);

    if (rv != APR_SUCCESS) {
        ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, plog,
                      SSOLOGNO(00011) "failed to register the %s mutex",
                               SSO_CACHE_MUTEX_TYPE);
        return 500;
    }
    return OK;
}

static int ssomod_cache_needs_mutex(const ssomod_cache_conf *cc)
{
    return cc->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE;
}

/* One cache as named by an SSOSessionCache spec, with its own pool so that
 * letting it go frees everything it took. */
typedef struct {
    apr_pool_t *pool;
    ap_socache_instance_t **sessions; /* one per shard */
    int shards;
    ap_socache_instance_t *aux;
    const ap_socache_provider_t *provider;
    apr_uint64_t generation; /* last generation that used it */
} ssomod_cache_kept;

/* Everything that outlives a restart, in the process pool's userdata:
 * httpd unloads the module at every restart, so statics start again. The
 * parent survives graceful and plain restarts, and so do sessions, as
 * long as the SSOSessionCache spec is unchanged. Every generation of
 * children locks the one mutex: during a graceful restart old and new
 * children share a cache. */
struct ssomod_cache_state {
    apr_hash_t *caches;        /* spec -> ssomod_cache_kept */
    apr_uint64_t generation;   /* post_config runs so far */
    apr_global_mutex_t *mutex; /* made when a cache first needs it */
    sso_stamps *stamps;        /* NULL: no anonymous shared memory */
    sso_reuse *reuse;          /* in a child: records read from
                                       * Redis or memcached, reused */
};

static ssomod_cache_state *ssomod_cache_state_get(server_rec *s)
{
    apr_pool_t *pp = s->process->pool;
    void *state = NULL;

    apr_pool_userdata_get(&state, "auth_sso_cache_state", pp);
    if (!state) {
        ssomod_cache_state *st = apr_pcalloc(pp, sizeof(*st));
        st->caches = apr_hash_make(pp);
        apr_pool_userdata_set(st, "auth_sso_cache_state", apr_pool_cleanup_null,
                              pp);
        state = st;
    }
    return state;
}

/* shmcb sizes its index from the hints: sessions are about 200 bytes;
 * the login cache holds mostly pending logins of about 110 bytes, keyed as
 * in sso_key.h, so it gets twice as many index entries per MiB. */
static apr_status_t ssomod_cache_new_instance(server_rec *s, apr_pool_t *ptemp,
                                              const ssomod_cache_conf *cc,
                                              apr_pool_t *pool, const char *arg,
                                              ssomod_cache_which which,
                                              ap_socache_instance_t **inst)
{
    struct ap_socache_hints hints = { 0 };
    int aux = which == SSO_CACHE_AUX;

    hints.avg_id_len = aux ? SSO_KEY_OVERHEAD + SSO_ID_BYTES : SSO_ID_BYTES;
    hints.avg_obj_size = aux ? 128 : 256;
    hints.expiry_interval = 60;
    if (cc->provider->create(inst, arg, ptemp, pool)) {
        return APR_EINVAL;
    }
    return cc->provider->init(
        *inst, aux ? SSO_CACHE_AUX_NAMESPACE : SSO_CACHE_NAMESPACE, &hints, s,
        pool);
}

/* The instances live in the process pool, and providers register pool
 * cleanups there (shmcb frees its segment): their module must stay mapped
 * after httpd unloads modules at a restart or stop, or those cleanups (and
 * the kept instances) would point at unmapped code. */
static void ssomod_cache_pin_provider(const ap_socache_provider_t *provider)
{
    Dl_info info;

    if (dladdr(provider, &info) && info.dli_fname) {
        dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
    }
}

static ssomod_cache_kept *ssomod_cache_keep(server_rec *s, apr_pool_t *ptemp,
                                            const ssomod_cache_conf *cc)
{
    apr_pool_t *pool;
    ssomod_cache_kept *k;
    apr_status_t rv = apr_pool_create(&pool, s->process->pool);
    int i;

    if (rv == APR_SUCCESS) {
        ssomod_cache_pin_provider(cc->provider);
        k = apr_pcalloc(pool, sizeof(*k));
        k->pool = pool;
        k->provider = cc->provider;
        k->shards = cc->shards;
        k->sessions = apr_pcalloc(pool, k->shards * sizeof(*k->sessions));
        for (i = 0; i < k->shards && rv == APR_SUCCESS; i++) {
            rv =
                ssomod_cache_new_instance(s, ptemp, cc, pool, cc->shard_args[i],
                                          SSO_CACHE_SESSIONS, &k->sessions[i]);
        }
    }
    if (rv == APR_SUCCESS) {
        rv = ssomod_cache_new_instance(s, ptemp, cc, pool, cc->aux_arg,
                                       SSO_CACHE_AUX, &k->aux);
    }
    if (rv == APR_SUCCESS) {
        return k;
    }
    ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                 SSOLOGNO(00012) "SSOSessionCache %s: cannot "
                                 "initialise the session cache",
                          cc->spec);
    return NULL;
}

static int ssomod_cache_attach(server_rec *s, apr_pool_t *ptemp,
                               ssomod_cache_conf *cc, ssomod_cache_state *st)
{
    ssomod_cache_kept *k =
        apr_hash_get(st->caches, cc->spec, APR_HASH_KEY_STRING);

    if (!k || k->provider != cc->provider || k->shards != cc->shards) {
        if (!(k = ssomod_cache_keep(s, ptemp, cc))) {
            return 500;
        }
        apr_hash_set(st->caches, apr_pstrdup(k->pool, cc->spec),
                     APR_HASH_KEY_STRING, k);
    }
    k->generation = st->generation;
    cc->instances = k->sessions;
    cc->aux = k->aux;
    cc->state = st;
    return OK;
}

/* A cache no longer named by any SSOSessionCache is let go: its segments
 * are unmapped in the parent (old children keep their own mapping until
 * they exit). */
static void ssomod_cache_release_unused(server_rec *s, ssomod_cache_state *st)
{
    apr_hash_index_t *hi;
    int i;

    for (hi = apr_hash_first(NULL, st->caches); hi; hi = apr_hash_next(hi)) {
        const char *spec = apr_hash_this_key(hi);
        ssomod_cache_kept *k = apr_hash_this_val(hi);
        if (k->generation == st->generation) {
            continue;
        }
        for (i = 0; i < k->shards; i++) {
            k->provider->destroy(k->sessions[i], s);
        }
        k->provider->destroy(k->aux, s);
        apr_hash_set(st->caches, spec, APR_HASH_KEY_STRING, NULL);
        apr_pool_destroy(k->pool);
    }
}

static int ssomod_cache_create_mutex(server_rec *s, ssomod_cache_state *st)
{
    apr_status_t rv;

    if (st->mutex) {
        return OK;
    }
    rv = ap_global_mutex_create(&st->mutex, NULL, SSO_CACHE_MUTEX_TYPE, NULL, s,
                                s->process->pool, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     SSOLOGNO(00013) "cannot create the %s mutex",
                              SSO_CACHE_MUTEX_TYPE);
        st->mutex = NULL;
        return 500;
    }
    return OK;
}

/* Anonymous shared memory made once in the parent: children inherit it,
 * and it outlives restarts as the caches do. Without it there are no
 * memos and no reuse, only cache lookups. */
static void ssomod_cache_stamps_create(server_rec *s, ssomod_cache_state *st)
{
    apr_shm_t *shm;
    apr_status_t rv;

    if (st->stamps) {
        return;
    }
    if ((rv = apr_shm_create(&shm, sizeof(sso_stamps), NULL,
                             s->process->pool))) {
        ap_log_error(
            APLOG_MARK, APLOG_INFO, rv, s,
            SSOLOGNO(00014) "no anonymous shared "
                       "memory: sessions are not memoised per connection nor "
                       "reused (SSOSessionCacheReuse)");
        return;
    }
    st->stamps = apr_shm_baseaddr_get(shm);
    memset(st->stamps, 0, sizeof(sso_stamps));
}

const sso_stamps *ssomod_cache_stamps(const ssomod_cache_conf *cc)
{
    return cc->memo && cc->state ? cc->state->stamps : NULL;
}

sso_reuse *ssomod_cache_reuse(const ssomod_cache_conf *cc,
                              const sso_stamps **st)
{
    if (cc->memo || !cc->state || !cc->state->stamps) {
        return NULL;
    }
    *st = cc->state->stamps;
    return cc->state->reuse;
}

/* After a session's record changed or went: memos of it, and copies kept
 * for reuse in every child, are void. */
static void ssomod_cache_stamps_bump(const ssomod_cache_conf *cc,
                                     ssomod_cache_which which,
                                     apr_size_t keylen, const char *key)
{
    if (which == SSO_CACHE_SESSIONS && keylen >= 4 && cc->state
        && cc->state->stamps) {
        sso_stamps_bump(cc->state->stamps, (const unsigned char *)key);
    }
}

int ssomod_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                             apr_pool_t *ptemp, server_rec *s)
{
    ssomod_cache_state *st = ssomod_cache_state_get(s);
    server_rec *vs;
    int rc;

    st->generation++;
    for (vs = s; vs; vs = vs->next) {
        ssomod_cache_conf *cc = ssomod_server_conf_get(vs)->session_cache;
        if (!cc || cc->instances) {
            continue;
        }
        /* Every provider: read-modify-writes (ssomod_cache_update) take it. */
        if ((rc = ssomod_cache_create_mutex(s, st))) {
            return rc;
        }
        if ((rc = ssomod_cache_attach(vs, ptemp, cc, st))) {
            return rc;
        }
        /* Also for shared caches: stamps void the records reused. */
        ssomod_cache_stamps_create(s, st);
    }
    ssomod_cache_release_unused(s, st);
    return OK;
}

/* Non-zero when some server reads a shared cache and may reuse what it
 * read (SSOSessionCacheReuse). */
static int ssomod_cache_reuse_wanted(server_rec *s)
{
    server_rec *vs;

    for (vs = s; vs; vs = vs->next) {
        const ssomod_server_conf *c = ssomod_server_conf_get(vs);
        if (c->session_cache && !c->session_cache->memo
            && c->session_cache_reuse > 0) {
            return 1;
        }
    }
    return 0;
}

/* One table per child, shared by its threads and virtual hosts: a session
 * read on one connection is reused on every other one of the child. */
static void ssomod_cache_reuse_create(apr_pool_t *p, server_rec *s,
                                      ssomod_cache_state *st)
{
    apr_status_t rv;

    st->reuse = NULL;
    if (!st->stamps || !ssomod_cache_reuse_wanted(s)) {
        return;
    }
    if ((rv = sso_reuse_create(&st->reuse, p)) != APR_SUCCESS) {
        ap_log_error(
            APLOG_MARK, APLOG_ERR, rv, s,
            SSOLOGNO(00100) "cannot make the table of "
                       "reused sessions: every request asks the session cache");
        st->reuse = NULL;
    }
}

/* The child's copy of the state takes the child's handle on the mutex. */
void ssomod_cache_child_init(apr_pool_t *p, server_rec *s)
{
    ssomod_cache_state *st = ssomod_cache_state_get(s);
    apr_status_t rv;

    ssomod_cache_reuse_create(p, s, st);
    if (!st->mutex) {
        return;
    }
    rv = apr_global_mutex_child_init(&st->mutex,
                                     apr_global_mutex_lockfile(st->mutex), p);
    if (rv != APR_SUCCESS) {
        ap_log_error(
            APLOG_MARK, APLOG_CRIT, rv, s,
            SSOLOGNO(00015) "cannot re-attach the %s mutex in this child",
                     SSO_CACHE_MUTEX_TYPE);
    }
}

/* ---- access, under the mutex where the provider needs one ---- */

typedef struct {
    const ssomod_cache_conf *cc;
    ap_socache_instance_t *inst;
} ssomod_cache_target;

/* Session keys are random bytes: the second one picks the shard (shmcb
 * uses the first to pick its index list). Other keys of the session cache
 * (sso_key.h: refresh tokens) have their kind second: their spread byte,
 * first, picks the shard, so they do not all land in one. */
static ssomod_cache_target ssomod_cache_target_of(server_rec *s,
                                                  ssomod_cache_which which,
                                                  const char *key,
                                                  apr_size_t keylen)
{
    const ssomod_cache_conf *cc = ssomod_server_conf_get(s)->session_cache;
    ssomod_cache_target t = { cc, cc->aux };
    const unsigned char *k = (const unsigned char *)key;

    int indexed = keylen > SSO_KEY_OVERHEAD && keylen != SSO_ID_BYTES
                  && k[1] == SSO_KEY_REFRESH_TOKEN;

    if (which == SSO_CACHE_SESSIONS) {
        t.inst = cc->instances[k[indexed ? 0 : 1] % cc->shards];
    }
    return t;
}

typedef enum {
    SSO_LOCK_NONE,  /* the provider needs no lock: nothing held */
    SSO_LOCK_HELD,  /* held: give it back with ssomod_cache_unlock */
    SSO_LOCK_FAILED /* logged; the caller gives up */
} ssomod_lock_e;

static ssomod_lock_e ssomod_cache_lock_always(const ssomod_cache_conf *cc,
                                              server_rec *s)
{
    apr_status_t rv = apr_global_mutex_lock(cc->state->mutex);

    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     SSOLOGNO(00016) "cannot lock the %s mutex",
                              SSO_CACHE_MUTEX_TYPE);
    }
    return rv == APR_SUCCESS ? SSO_LOCK_HELD : SSO_LOCK_FAILED;
}

static ssomod_lock_e ssomod_cache_lock(const ssomod_cache_conf *cc,
                                       server_rec *s)
{
    if (!ssomod_cache_needs_mutex(cc)) {
        return SSO_LOCK_NONE;
    }
    return ssomod_cache_lock_always(cc, s);
}

static void ssomod_cache_unlock(const ssomod_cache_conf *cc,
                                ssomod_lock_e locked)
{
    if (locked == SSO_LOCK_HELD) {
        apr_global_mutex_unlock(cc->state->mutex);
    }
}

void ssomod_cache_status(const ssomod_cache_conf *cc, request_rec *r, int flags)
{
    int i;

    if (!cc->instances || !cc->provider->status) {
        return;
    }
    for (i = 0; i < cc->shards; i++) {
        ssomod_lock_e locked = ssomod_cache_lock(cc, r->server);
        if (locked == SSO_LOCK_FAILED) {
            return;
        }
        cc->provider->status(cc->instances[i], r, flags);
        ssomod_cache_unlock(cc, locked);
    }
}

static apr_status_t ssomod_cache_put(ssomod_cache_target t, server_rec *s,
                                     const char *key, apr_size_t keylen,
                                     apr_time_t expiry,
                                     const unsigned char *data, apr_size_t len,
                                     apr_pool_t *p)
{
    return t.cc->provider->store(t.inst, s, (const unsigned char *)key,
                                 (unsigned)keylen, expiry,
                                 (unsigned char *)data, (unsigned)len, p);
}

apr_status_t ssomod_cache_store(server_rec *s, ssomod_cache_which which,
                                const char *key, apr_size_t keylen,
                                apr_time_t expiry, const unsigned char *data,
                                apr_size_t len, apr_pool_t *p)
{
    ssomod_cache_target t = ssomod_cache_target_of(s, which, key, keylen);
    ssomod_lock_e locked = ssomod_cache_lock(t.cc, s);
    apr_status_t rv;

    if (locked == SSO_LOCK_FAILED) {
        return APR_EGENERAL;
    }
    rv = ssomod_cache_put(t, s, key, keylen, expiry, data, len, p);
    ssomod_cache_unlock(t.cc, locked);
    ssomod_cache_stamps_bump(t.cc, which, keylen, key);
    return rv;
}

apr_status_t ssomod_cache_retrieve(server_rec *s, ssomod_cache_which which,
                                   const char *key, apr_size_t keylen,
                                   unsigned char *buf, apr_size_t *len,
                                   apr_pool_t *p)
{
    ssomod_cache_target t = ssomod_cache_target_of(s, which, key, keylen);
    ssomod_lock_e locked = ssomod_cache_lock(t.cc, s);
    unsigned int n = (unsigned int)*len;
    apr_status_t rv;

    if (locked == SSO_LOCK_FAILED) {
        return APR_EGENERAL;
    }
    rv = t.cc->provider->retrieve(t.inst, s, (const unsigned char *)key,
                                  (unsigned)keylen, buf, &n, p);
    ssomod_cache_unlock(t.cc, locked);
    *len = n;
    return rv;
}

/* Marks are a byte or two: a larger record under the key still counts. */
#define SSO_CACHE_ADD_PROBE 64

apr_status_t ssomod_cache_add(server_rec *s, ssomod_cache_which which,
                              const char *key, apr_size_t keylen,
                              apr_time_t expiry, const unsigned char *data,
                              apr_size_t len, apr_pool_t *p)
{
    ssomod_cache_target t = ssomod_cache_target_of(s, which, key, keylen);
    ssomod_lock_e locked = ssomod_cache_lock(t.cc, s);
    unsigned char probe[SSO_CACHE_ADD_PROBE];
    unsigned int n = sizeof(probe);
    apr_status_t rv;

    if (locked == SSO_LOCK_FAILED) {
        return APR_EGENERAL;
    }
    rv = t.cc->provider->retrieve(t.inst, s, (const unsigned char *)key,
                                  (unsigned)keylen, probe, &n, p);
    if (rv == APR_NOTFOUND) {
        rv = ssomod_cache_put(t, s, key, keylen, expiry, data, len, p);
    }
    else if (rv == APR_SUCCESS) {
        rv = APR_EEXIST;
    }
    ssomod_cache_unlock(t.cc, locked);
    ssomod_cache_stamps_bump(t.cc, which, keylen, key);
    return rv;
}

ssomod_mark_e ssomod_cache_mark(server_rec *s, const char *key,
                                apr_size_t keylen, apr_time_t until,
                                apr_pool_t *p)
{
    apr_status_t rv = ssomod_cache_add(s, SSO_CACHE_AUX, key, keylen, until,
                                       (const unsigned char *)"1", 1, p);

    return rv == APR_SUCCESS  ? SSO_MARK_SET
           : rv == APR_EEXIST ? SSO_MARK_PRESENT
                              : SSO_MARK_FAILED;
}

/* Records read and rewritten in one step are small (throttle counts, the
 * back-channel logout index: SSO_INDEX_MAX session IDs). */
#define SSO_CACHE_UPDATE_MAX 640

apr_status_t ssomod_cache_update(server_rec *s, ssomod_cache_which which,
                                 const char *key, apr_size_t keylen,
                                 ssomod_cache_update_fn fn, void *ctx,
                                 apr_pool_t *p)
{
    ssomod_cache_target t = ssomod_cache_target_of(s, which, key, keylen);
    /* Under the lock whatever the provider: atomic among this server's
     * processes also with Redis or memcached (not among servers). */
    ssomod_lock_e locked = ssomod_cache_lock_always(t.cc, s);
    unsigned char buf[SSO_CACHE_UPDATE_MAX];
    unsigned int n = sizeof(buf);
    apr_size_t len;
    apr_time_t expiry;
    apr_status_t rv;

    if (locked == SSO_LOCK_FAILED) {
        return APR_EGENERAL;
    }
    rv = t.cc->provider->retrieve(t.inst, s, (const unsigned char *)key,
                                  (unsigned)keylen, buf, &n, p);
    if (rv == APR_SUCCESS || rv == APR_NOTFOUND) {
        len = rv == APR_SUCCESS ? n : 0;
        expiry = fn(ctx, buf, &len, sizeof(buf));
        rv = expiry ? ssomod_cache_put(t, s, key, keylen, expiry, buf, len, p)
                    : APR_SUCCESS;
    }
    ssomod_cache_unlock(t.cc, locked);
    ssomod_cache_stamps_bump(t.cc, which, keylen, key);
    return rv;
}

/* A refresh writes only over a record that is still there: under the lock
 * (shmcb) a removal that came first is final. Without a lock (Redis,
 * memcached) the check and the write are two round trips apart. */
apr_status_t ssomod_cache_refresh(server_rec *s, ssomod_cache_which which,
                                  const char *key, apr_size_t keylen,
                                  apr_time_t expiry, const unsigned char *data,
                                  apr_size_t len, apr_size_t max, apr_pool_t *p)
{
    ssomod_cache_target t = ssomod_cache_target_of(s, which, key, keylen);
    ssomod_lock_e locked = ssomod_cache_lock(t.cc, s);
    unsigned int n = (unsigned int)max;
    unsigned char *probe = apr_palloc(p, max);
    apr_status_t rv;

    if (locked == SSO_LOCK_FAILED) {
        return APR_EGENERAL;
    }
    rv = t.cc->provider->retrieve(t.inst, s, (const unsigned char *)key,
                                  (unsigned)keylen, probe, &n, p);
    if (rv == APR_SUCCESS) {
        rv = ssomod_cache_put(t, s, key, keylen, expiry, data, len, p);
    }
    ssomod_cache_unlock(t.cc, locked);
    /* Gone too: a reused copy would ask for the same refresh again. */
    if (rv == APR_SUCCESS || rv == APR_NOTFOUND) {
        ssomod_cache_stamps_bump(t.cc, which, keylen, key);
    }
    return rv;
}

/* Redis's and memcached's clients answer "not found" for every key while
 * they hold their server for dead: after a miss, a write of a small mark
 * tells an absent record from a cache that is down. A cache on this host
 * (shmcb) always answers. */
#define SSO_CACHE_ALIVE_MARK "sso-cache-alive"

apr_status_t ssomod_cache_alive(server_rec *s, apr_pool_t *p)
{
    const ssomod_cache_conf *cc = ssomod_server_conf_get(s)->session_cache;
    apr_size_t klen;
    const char *key;
    apr_status_t rv;

    if (cc->memo) {
        return APR_SUCCESS;
    }
    key = sso_key_make(p, SSO_KEY_MARK, SSO_CACHE_ALIVE_MARK,
                       strlen(SSO_CACHE_ALIVE_MARK), &klen);
    rv = ssomod_cache_store(s, SSO_CACHE_AUX, key, klen,
                            apr_time_now() + apr_time_from_sec(60),
                            (const unsigned char *)"1", 1, p);
    return rv == APR_NOTFOUND ? APR_ECONNREFUSED : rv;
}

/* Non-zero when removals are final without a tombstone: the provider's
 * writes are serialised by the cache lock. */
int ssomod_cache_locked(server_rec *s)
{
    return ssomod_cache_needs_mutex(ssomod_server_conf_get(s)->session_cache);
}

apr_status_t ssomod_cache_remove(server_rec *s, ssomod_cache_which which,
                                 const char *key, apr_size_t keylen,
                                 apr_pool_t *p)
{
    ssomod_cache_target t = ssomod_cache_target_of(s, which, key, keylen);
    ssomod_lock_e locked = ssomod_cache_lock(t.cc, s);
    apr_status_t rv;

    if (locked == SSO_LOCK_FAILED) {
        return APR_EGENERAL;
    }
    rv = t.cc->provider->remove(t.inst, s, (const unsigned char *)key,
                                (unsigned)keylen, p);
    ssomod_cache_unlock(t.cc, locked);
    ssomod_cache_stamps_bump(t.cc, which, keylen, key);
    return rv;
}
