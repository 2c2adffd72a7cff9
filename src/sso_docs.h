/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Per-process copies of the provider's last good documents (discovery,
 * JWKS) and the gate on fetching them: while the provider is down or
 * hangs, a process makes at most one fetch of a URL at a time, and none
 * for a while after one failed; the other requests answer from the last
 * good copy or fail at once. Thread-safe. Pure logic: no request_rec. */
#ifndef SSO_DOCS_H
#define SSO_DOCS_H

#include "apr.h"
#include "apr_pools.h"
#include "apr_time.h"

/* URLs kept at once; the one fetched longest ago goes when another comes. */
#define SSO_DOCS_SLOTS 16

typedef struct sso_docs sso_docs;

/* Once per process (child_init), before threads use it; released with p. */
apr_status_t sso_docs_create(apr_pool_t *p, sso_docs **out);

/* A copy (in p, NUL-terminated) of url's last good document and when it
 * was fetched; 0 when there is none. */
int sso_docs_get(sso_docs *d, apr_pool_t *p, const char *url, const char **doc,
                 apr_size_t *len, apr_time_t *fetched);
/* Keeps doc (copied) as url's last good document, fetched at fetched. */
void sso_docs_put(sso_docs *d, const char *url, const char *doc, apr_size_t len,
                  apr_time_t fetched);

/* Non-zero when the caller may fetch url now: no other fetch of it is under
 * way in this process and the last one did not fail less than gap ago.
 * A caller that got non-zero calls sso_docs_fetch_end. */
int sso_docs_fetch_begin(sso_docs *d, const char *url, apr_time_t now);
void sso_docs_fetch_end(sso_docs *d, const char *url, int ok, apr_time_t now,
                        apr_interval_time_t gap);
/* Waits, until deadline at the latest, while another thread of this
 * process fetches url: a cold start with many requests at once makes one
 * fetch, and the others take its result instead of failing. Non-zero when
 * it waited for a fetch that then ended. */
int sso_docs_fetch_wait(sso_docs *d, const char *url, apr_time_t deadline);

#endif
