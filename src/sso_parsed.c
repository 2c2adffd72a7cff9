/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_parsed.h"

#include <string.h>
#include "apr_allocator.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

/* One parsed document in a pool of its own, freed as a whole once neither
 * its slot nor any caller holds it. */
typedef struct {
    apr_pool_t *pool;
    const char *name;
    const char *doc; /* the bytes it was parsed from */
    apr_size_t len;
    void *value;
    int refs; /* the slot's, plus one per holding caller */
} sso_parsed_entry;

typedef struct {
    sso_parsed_entry *entry; /* NULL while free */
    apr_uint64_t used;       /* m->clock when last handed out */
} sso_parsed_slot;

/* The entries' pools are created, filled and destroyed under lock only,
 * from an allocator of their own: no other pool's use can race with them. */
struct sso_parsed {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock; /* guards slots, clock, refs, entry pools */
    apr_size_t max_len;
    apr_uint64_t clock;
    sso_parsed_slot slots[SSO_PARSED_SLOTS];
};

/* A caller's hold on an entry, let go by a cleanup on the caller's pool. */
typedef struct {
    sso_parsed *m;
    sso_parsed_entry *entry;
} sso_parsed_hold;

static apr_status_t sso_parsed_pool(apr_pool_t *parent, apr_pool_t **out)
{
    apr_allocator_t *a;
    apr_status_t rv = apr_allocator_create(&a);

    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_pool_create_ex(out, parent, NULL, a);
    if (rv != APR_SUCCESS) {
        apr_allocator_destroy(a);
        return rv;
    }
    apr_allocator_owner_set(a, *out);
    return APR_SUCCESS;
}

apr_status_t sso_parsed_create(apr_pool_t *p, apr_size_t max_len,
                               sso_parsed **out)
{
    apr_pool_t *pool;
    apr_status_t rv = sso_parsed_pool(p, &pool);
    sso_parsed *m;

    *out = NULL;
    if (rv != APR_SUCCESS) {
        return rv;
    }
    m = apr_pcalloc(pool, sizeof(*m));
    m->pool = pool;
    m->max_len = max_len;
    rv = apr_thread_mutex_create(&m->lock, APR_THREAD_MUTEX_DEFAULT, pool);
    if (rv == APR_SUCCESS) {
        *out = m;
    }
    return rv;
}

/* Without the memo: parsed for this caller alone. */
static void *sso_parsed_once(apr_pool_t *user, const char *doc, apr_size_t len,
                             sso_parsed_fn parse, const void *arg,
                             const char **err)
{
    void *value = NULL;

    *err = parse(user, doc, len, arg, &value);
    return *err ? NULL : value;
}

static int sso_parsed_find(const sso_parsed *m, const char *name)
{
    int i;

    for (i = 0; i < SSO_PARSED_SLOTS; i++) {
        if (m->slots[i].entry && !strcmp(m->slots[i].entry->name, name)) {
            return i;
        }
    }
    return -1;
}

/* A free slot, else the least recently used. */
static int sso_parsed_victim(const sso_parsed *m)
{
    int i, pick = 0;

    for (i = 0; i < SSO_PARSED_SLOTS; i++) {
        if (!m->slots[i].entry) {
            return i;
        }
        if (m->slots[i].used < m->slots[pick].used) {
            pick = i;
        }
    }
    return pick;
}

static int sso_parsed_same(const sso_parsed_entry *e, const char *doc,
                           apr_size_t len)
{
    return e->len == len && !memcmp(e->doc, doc, len);
}

/* Under the lock. */
static void sso_parsed_unref(sso_parsed_entry *e)
{
    if (--e->refs == 0) {
        apr_pool_destroy(e->pool);
    }
}

static apr_status_t sso_parsed_release(void *data)
{
    sso_parsed_hold *h = data;

    apr_thread_mutex_lock(h->m->lock);
    sso_parsed_unref(h->entry);
    apr_thread_mutex_unlock(h->m->lock);
    return APR_SUCCESS;
}

/* Under the lock: the entry stays alive at least as long as user. */
static void *sso_parsed_hold_value(sso_parsed *m, sso_parsed_entry *e,
                                   apr_pool_t *user)
{
    sso_parsed_hold *h = apr_palloc(user, sizeof(*h));

    h->m = m;
    h->entry = e;
    e->refs++;
    apr_pool_cleanup_register(user, h, sso_parsed_release,
                              apr_pool_cleanup_null);
    return e->value;
}

/* Under the lock: parsed from a copy of the bytes, in a pool of its own
 * (the value may point into the copy); NULL with *err copied to user. */
static sso_parsed_entry *sso_parsed_build(sso_parsed *m, apr_pool_t *user,
                                          const char *name, const char *doc,
                                          apr_size_t len, sso_parsed_fn parse,
                                          const void *arg, const char **err)
{
    sso_parsed_entry *e;
    apr_pool_t *p;

    if (apr_pool_create(&p, m->pool) != APR_SUCCESS) {
        *err = "out of memory";
        return NULL;
    }
    e = apr_pcalloc(p, sizeof(*e));
    e->pool = p;
    e->name = apr_pstrdup(p, name);
    e->doc = apr_pstrmemdup(p, doc, len);
    e->len = len;
    e->refs = 1;
    if (!(*err = parse(p, e->doc, len, arg, &e->value))) {
        return e;
    }
    *err = apr_pstrdup(user, *err);
    apr_pool_destroy(p);
    return NULL;
}

/* Under the lock: the slot now holds e; the entry it held before lives on
 * while callers still hold it. */
static void sso_parsed_install(sso_parsed *m, int i, sso_parsed_entry *e)
{
    if (m->slots[i].entry) {
        sso_parsed_unref(m->slots[i].entry);
    }
    m->slots[i].entry = e;
}

/* Under the lock: the slot whose entry has these bytes, or -1 (*err set). */
static int sso_parsed_lookup(sso_parsed *m, apr_pool_t *user, const char *name,
                             const char *doc, apr_size_t len,
                             sso_parsed_fn parse, const void *arg,
                             const char **err)
{
    int i = sso_parsed_find(m, name);
    sso_parsed_entry *e;

    *err = NULL;
    if (i >= 0 && sso_parsed_same(m->slots[i].entry, doc, len)) {
        return i;
    }
    if (!(e = sso_parsed_build(m, user, name, doc, len, parse, arg, err))) {
        return -1;
    }
    if (i < 0) {
        i = sso_parsed_victim(m);
    }
    sso_parsed_install(m, i, e);
    return i;
}

void *sso_parsed_get(sso_parsed *m, apr_pool_t *user, const char *name,
                     const char *doc, apr_size_t len, sso_parsed_fn parse,
                     const void *arg, const char **err)
{
    void *value = NULL;
    int i;

    if (!m || len > m->max_len) {
        return sso_parsed_once(user, doc, len, parse, arg, err);
    }
    apr_thread_mutex_lock(m->lock);
    i = sso_parsed_lookup(m, user, name, doc, len, parse, arg, err);
    if (i >= 0) {
        m->slots[i].used = ++m->clock;
        value = sso_parsed_hold_value(m, m->slots[i].entry, user);
    }
    apr_thread_mutex_unlock(m->lock);
    return value;
}
