/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_docs.h"

#include <stdlib.h>
#include <string.h>
#include "apr_strings.h"
#include "apr_thread_cond.h"
#include "apr_thread_mutex.h"

typedef struct {
    char *url; /* malloc'd; NULL while free */
    char *doc; /* malloc'd; NULL when no good copy */
    apr_size_t len;
    apr_time_t fetched;
    apr_time_t retry_at; /* no fetch before, after a failure */
    int fetching;
} sso_docs_slot;

/* The copies are malloc'd and freed under the lock: no pool is shared by
 * threads. */
struct sso_docs {
    apr_thread_mutex_t *lock;
    apr_thread_cond_t *done; /* a fetch ended */
    sso_docs_slot slots[SSO_DOCS_SLOTS];
};

static void sso_docs_slot_clear(sso_docs_slot *s)
{
    free(s->url);
    free(s->doc);
    memset(s, 0, sizeof(*s));
}

static apr_status_t sso_docs_free(void *data)
{
    sso_docs *d = data;
    int i;

    for (i = 0; i < SSO_DOCS_SLOTS; i++) {
        sso_docs_slot_clear(&d->slots[i]);
    }
    return APR_SUCCESS;
}

apr_status_t sso_docs_create(apr_pool_t *p, sso_docs **out)
{
    sso_docs *d = apr_pcalloc(p, sizeof(*d));
    apr_status_t rv =
        apr_thread_mutex_create(&d->lock, APR_THREAD_MUTEX_DEFAULT, p);

    *out = NULL;
    if (rv == APR_SUCCESS) {
        rv = apr_thread_cond_create(&d->done, p);
    }
    if (rv != APR_SUCCESS) {
        return rv;
    }
    apr_pool_cleanup_register(p, d, sso_docs_free, apr_pool_cleanup_null);
    *out = d;
    return APR_SUCCESS;
}

/* Under the lock. */
static sso_docs_slot *sso_docs_find(sso_docs *d, const char *url)
{
    int i;

    for (i = 0; i < SSO_DOCS_SLOTS; i++) {
        if (d->slots[i].url && !strcmp(d->slots[i].url, url)) {
            return &d->slots[i];
        }
    }
    return NULL;
}

/* Under the lock: url's slot, taking a free one or the one fetched longest
 * ago (never one being fetched); NULL when every slot is being fetched or
 * memory ran out. */
static sso_docs_slot *sso_docs_slot_for(sso_docs *d, const char *url)
{
    sso_docs_slot *s = sso_docs_find(d, url), *pick = NULL;
    int i;

    if (s) {
        return s;
    }
    for (i = 0; i < SSO_DOCS_SLOTS && (!pick || pick->url); i++) {
        s = &d->slots[i];
        if (!s->fetching && (!pick || !s->url || s->fetched < pick->fetched)) {
            pick = s;
        }
    }
    if (!pick) {
        return NULL;
    }
    sso_docs_slot_clear(pick);
    if (!(pick->url = strdup(url))) {
        return NULL;
    }
    return pick;
}

int sso_docs_get(sso_docs *d, apr_pool_t *p, const char *url, const char **doc,
                 apr_size_t *len, apr_time_t *fetched)
{
    sso_docs_slot *s;
    int found = 0;

    apr_thread_mutex_lock(d->lock);
    if ((s = sso_docs_find(d, url)) && s->doc) {
        *doc = apr_pmemdup(p, s->doc, s->len + 1);
        *len = s->len;
        *fetched = s->fetched;
        found = 1;
    }
    apr_thread_mutex_unlock(d->lock);
    return found;
}

void sso_docs_put(sso_docs *d, const char *url, const char *doc, apr_size_t len,
                  apr_time_t fetched)
{
    char *copy = malloc(len + 1);
    sso_docs_slot *s;

    if (!copy) {
        return;
    }
    memcpy(copy, doc, len);
    copy[len] = '\0';
    apr_thread_mutex_lock(d->lock);
    if ((s = sso_docs_slot_for(d, url)) && fetched >= s->fetched) {
        free(s->doc);
        s->doc = copy;
        s->len = len;
        s->fetched = fetched;
        copy = NULL;
    }
    apr_thread_mutex_unlock(d->lock);
    free(copy);
}

int sso_docs_fetch_begin(sso_docs *d, const char *url, apr_time_t now)
{
    sso_docs_slot *s;
    int may = 0;

    apr_thread_mutex_lock(d->lock);
    if ((s = sso_docs_slot_for(d, url)) && !s->fetching && now >= s->retry_at) {
        s->fetching = 1;
        may = 1;
    }
    apr_thread_mutex_unlock(d->lock);
    return may;
}

void sso_docs_fetch_end(sso_docs *d, const char *url, int ok, apr_time_t now,
                        apr_interval_time_t gap)
{
    sso_docs_slot *s;

    apr_thread_mutex_lock(d->lock);
    if ((s = sso_docs_find(d, url))) {
        s->fetching = 0;
        s->retry_at = ok ? 0 : now + gap;
    }
    apr_thread_cond_broadcast(d->done);
    apr_thread_mutex_unlock(d->lock);
}

int sso_docs_fetch_wait(sso_docs *d, const char *url, apr_time_t deadline)
{
    sso_docs_slot *s;
    apr_time_t now;
    int waited = 0;

    apr_thread_mutex_lock(d->lock);
    while ((s = sso_docs_find(d, url)) && s->fetching
           && (now = apr_time_now()) < deadline) {
        apr_thread_cond_timedwait(d->done, d->lock, deadline - now);
        waited = 1;
    }
    waited = waited && !(s && s->fetching);
    apr_thread_mutex_unlock(d->lock);
    return waited;
}
