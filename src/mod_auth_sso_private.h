/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* What every mod_auth_sso glue file needs: the module, its log tag and
 * message IDs, the log helper and the identity a request carries */
#ifndef MOD_AUTH_SSO_PRIVATE_H
#define MOD_AUTH_SSO_PRIVATE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "apr_tables.h"

extern module AP_MODULE_DECLARE_DATA auth_sso_module;
APLOG_USE_MODULE(auth_sso);

/* A message ID, as httpd's APLOGNO: SSOLOGNO(nnnnn) is "SSOnnnnn: ".
 * scripts/logno checks that every log line has one and that none repeats. */
#define SSOLOGNO(n) "SSO" #n ": "

/* ap_log_rerror with " [request <UNIQUE_ID>]" appended when mod_unique_id
 * is loaded: the same reference the user's page shows. */
#define ssomod_log_r(r, level, status, ...)                                    \
    ssomod_log_r_(APLOG_MARK, level, status, r, __VA_ARGS__)
void ssomod_log_r_(const char *file, int line, int module_index, int level,
                   apr_status_t status, request_rec *r, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/* Who the request is, as set by AuthType sso for authz and the application. */
typedef struct {
    const char *user;
    apr_array_header_t *groups; /* local group names, const char * */
    const char *email;
    const char *name;
    const char *method; /* "sso", "local" or "token" */
} ssomod_identity;

/* mod_auth_sso.c */
const ssomod_identity *ssomod_identity_get(request_rec *r);
void ssomod_identity_set(request_rec *r, const ssomod_identity *id);

/* Notes sso-event and sso-event-cause (cause may be NULL): the audit
 * trail of the contract. */
void ssomod_event_note(request_rec *r, const char *event, const char *cause);
/* Note sso-event-user: who the event was about, when known (a refused
 * login has no r->user; the audit log's user column reads this note). */
void ssomod_event_user(request_rec *r, const char *user);

#endif
