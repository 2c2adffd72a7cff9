/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* server-status: the module's section (mod_status's status hook), the
 * shared counters behind it, and the timing of calls to the provider */
#ifndef MOD_AUTH_SSO_STATUS_H
#define MOD_AUTH_SSO_STATUS_H

#include "httpd.h"
#include "sso_stats.h"

/* Hooks: the status hook (when mod_status is loaded) and the filter that
 * reads the session cache's own status. */
void ssomod_status_register(apr_pool_t *p);
/* Makes the shared counters once per parent process: they outlive
 * graceful and plain restarts. */
int ssomod_status_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                              apr_pool_t *ptemp, server_rec *s);
/* Counts an identity event (ssomod_event_note). */
void ssomod_status_event(request_rec *r, const char *event, const char *cause);

/* A call to the provider, timed from ssomod_status_call_begin to
 * ssomod_status_call_end; ok when it answered what was asked. */
typedef struct {
    sso_call_e call;
    apr_time_t start;
} ssomod_status_timer;
ssomod_status_timer ssomod_status_call_begin(sso_call_e call);
void ssomod_status_call_end(request_rec *r, ssomod_status_timer t, int ok);

#endif
