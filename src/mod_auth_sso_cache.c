/* Session cache instances: created at config time, initialised in
 * post_config under one global mutex, re-attached in each child. */
#include "mod_auth_sso.h"

#include "http_log.h"
#include "util_mutex.h"
#include "apr_global_mutex.h"
#include "apr_strings.h"
#include "apr_hash.h"
#include "sso_session.h"

APLOG_USE_MODULE(auth_sso);

#define SSO_CACHE_MUTEX_TYPE "auth-sso-cache"
#define SSO_CACHE_NAMESPACE  "auth_sso"
#define SSO_CACHE_AUX_NAMESPACE "auth_sso_login"

static apr_global_mutex_t *sso_cache_mutex;

int sso_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    apr_status_t rv = ap_mutex_register(pconf, SSO_CACHE_MUTEX_TYPE, NULL,
                                        APR_LOCK_DEFAULT, 0);

    if (rv != APR_SUCCESS) {
        ap_log_perror(APLOG_MARK, APLOG_CRIT, rv, plog,
                      "failed to register the %s mutex", SSO_CACHE_MUTEX_TYPE);
        return 500;
    }
    return OK;
}

static int sso_cache_needs_mutex(const sso_cache_conf *cc)
{
    return cc->provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE;
}

static apr_status_t sso_cache_destroy(void *data)
{
    sso_cache_conf *cc = data;

    cc->provider->destroy(cc->instance, NULL);
    cc->provider->destroy(cc->aux, NULL);
    return APR_SUCCESS;
}

static int sso_cache_init_instance(apr_pool_t *pconf, server_rec *s,
                                   sso_cache_conf *cc,
                                   ap_socache_instance_t *inst,
                                   const char *namespace)
{
    struct ap_socache_hints hints = { 0 };
    apr_status_t rv;

    hints.avg_id_len = SSO_ID_BYTES;
    hints.avg_obj_size = 256;
    hints.expiry_interval = 60;
    rv = cc->provider->init(inst, namespace, &hints, s, pconf);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "SSOSessionCache %s: cannot initialise the %s cache",
                     cc->spec, inst == cc->aux ? "login" : "session");
    return rv == APR_SUCCESS ? OK : 500;
}

static int sso_cache_init_one(apr_pool_t *pconf, server_rec *s,
                              sso_cache_conf *cc)
{
    int rc = sso_cache_init_instance(pconf, s, cc, cc->instance,
                                     SSO_CACHE_NAMESPACE);

    if (!rc)
        rc = sso_cache_init_instance(pconf, s, cc, cc->aux,
                                     SSO_CACHE_AUX_NAMESPACE);
    if (!rc)
        apr_pool_cleanup_register(pconf, cc, sso_cache_destroy,
                                  apr_pool_cleanup_null);
    return rc;
}

static int sso_cache_create_mutex(apr_pool_t *pconf, server_rec *s)
{
    apr_status_t rv;

    if (sso_cache_mutex)
        return OK;
    rv = ap_global_mutex_create(&sso_cache_mutex, NULL, SSO_CACHE_MUTEX_TYPE,
                                NULL, s, pconf, 0);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     "cannot create the %s mutex", SSO_CACHE_MUTEX_TYPE);
        return 500;
    }
    return OK;
}

static apr_status_t sso_cache_forget_mutex(void *unused)
{
    sso_cache_mutex = NULL;
    return APR_SUCCESS;
}

int sso_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *done = apr_hash_make(ptemp);
    server_rec *vs;
    int rc;

    apr_pool_cleanup_register(pconf, NULL, sso_cache_forget_mutex,
                              apr_pool_cleanup_null);
    for (vs = s; vs; vs = vs->next) {
        sso_cache_conf *cc = sso_server_conf_get(vs)->session_cache;
        if (!cc || apr_hash_get(done, &cc, sizeof(cc)))
            continue;
        apr_hash_set(done, apr_pmemdup(ptemp, &cc, sizeof(cc)), sizeof(cc), cc);
        if (sso_cache_needs_mutex(cc) && (rc = sso_cache_create_mutex(pconf, s)))
            return rc;
        if ((rc = sso_cache_init_one(pconf, vs, cc)))
            return rc;
    }
    return OK;
}

void sso_cache_child_init(apr_pool_t *p, server_rec *s)
{
    apr_status_t rv;

    if (!sso_cache_mutex)
        return;
    rv = apr_global_mutex_child_init(&sso_cache_mutex,
                                     apr_global_mutex_lockfile(sso_cache_mutex), p);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "cannot re-attach the %s mutex in this child",
                     SSO_CACHE_MUTEX_TYPE);
}

/* ---- access, under the mutex where the provider needs one ---- */

typedef struct {
    const sso_cache_conf *cc;
    ap_socache_instance_t *inst;
} sso_cache_target;

static sso_cache_target sso_cache_target_of(server_rec *s, sso_cache_which which)
{
    const sso_cache_conf *cc = sso_server_conf_get(s)->session_cache;
    sso_cache_target t = { cc, which == SSO_CACHE_AUX ? cc->aux : cc->instance };

    return t;
}

static int sso_cache_lock(const sso_cache_conf *cc, server_rec *s)
{
    apr_status_t rv;

    if (!sso_cache_needs_mutex(cc))
        return 0;
    rv = apr_global_mutex_lock(sso_cache_mutex);
    if (rv != APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s, "cannot lock the %s mutex",
                     SSO_CACHE_MUTEX_TYPE);
    return rv == APR_SUCCESS ? 1 : -1;
}

static void sso_cache_unlock(int locked)
{
    if (locked == 1)
        apr_global_mutex_unlock(sso_cache_mutex);
}

apr_status_t sso_cache_store(server_rec *s, sso_cache_which which,
                             const char *key, apr_size_t keylen,
                             apr_time_t expiry, const unsigned char *data,
                             apr_size_t len, apr_pool_t *p)
{
    sso_cache_target t = sso_cache_target_of(s, which);
    int locked = sso_cache_lock(t.cc, s);
    apr_status_t rv;

    if (locked < 0)
        return APR_EGENERAL;
    rv = t.cc->provider->store(t.inst, s, (const unsigned char *)key,
                               (unsigned)keylen, expiry, (unsigned char *)data,
                               (unsigned)len, p);
    sso_cache_unlock(locked);
    return rv;
}

apr_status_t sso_cache_retrieve(server_rec *s, sso_cache_which which,
                                const char *key, apr_size_t keylen,
                                unsigned char *buf, apr_size_t *len,
                                apr_pool_t *p)
{
    sso_cache_target t = sso_cache_target_of(s, which);
    int locked = sso_cache_lock(t.cc, s);
    unsigned int n = (unsigned int)*len;
    apr_status_t rv;

    if (locked < 0)
        return APR_EGENERAL;
    rv = t.cc->provider->retrieve(t.inst, s, (const unsigned char *)key,
                                  (unsigned)keylen, buf, &n, p);
    sso_cache_unlock(locked);
    *len = n;
    return rv;
}

apr_status_t sso_cache_remove(server_rec *s, sso_cache_which which,
                              const char *key, apr_size_t keylen, apr_pool_t *p)
{
    sso_cache_target t = sso_cache_target_of(s, which);
    int locked = sso_cache_lock(t.cc, s);
    apr_status_t rv;

    if (locked < 0)
        return APR_EGENERAL;
    rv = t.cc->provider->remove(t.inst, s, (const unsigned char *)key,
                                (unsigned)keylen, p);
    sso_cache_unlock(locked);
    return rv;
}
