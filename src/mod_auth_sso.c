/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* mod_auth_sso: OpenID Connect single sign-on for Apache httpd 2.4.
 * This file only wires hooks; logic lives in sso_*.c. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_authn.h"
#include "mod_auth_sso_authz.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_check.h"
#include "mod_auth_sso_op.h"
#include "mod_auth_sso_registry.h"
#include "mod_auth_sso_routes.h"
#include "mod_auth_sso_token.h"
#include "mod_auth_sso_status.h"
#include "mod_auth_sso.h"

#include "apr_strings.h"

#include "http_protocol.h"
#include "http_request.h"

void ssomod_log_r_(const char *file, int line, int module_index, int level,
                   apr_status_t status, request_rec *r, const char *fmt, ...)
{
    const char *id, *msg;
    va_list ap;

    if (!APLOG_R_MODULE_IS_LEVEL(r, module_index, level)) {
        return;
    }
    va_start(ap, fmt);
    msg = apr_pvsprintf(r->pool, fmt, ap);
    va_end(ap);
    id = apr_table_get(r->subprocess_env, "UNIQUE_ID");
    if (id) {
        ap_log_rerror_(file, line, module_index, level, status, r,
                       "%s [request %s]", msg, id);
    }
    else {
        ap_log_rerror_(file, line, module_index, level, status, r, "%s", msg);
    }
}

/* On r, on the requests it is a subrequest of, and on those it replaced by
 * internal redirects: CustomLog reads the notes of the last request of the
 * chain and its CustomLog expr= condition those of the first, and an event
 * decided in a subrequest (mod_rewrite's lookups, mod_include) would
 * otherwise never be logged. */
static void ssomod_note_all(request_rec *r, const char *name, const char *value)
{
    request_rec *q;

    for (; r; r = r->main) {
        for (q = r; q; q = q->prev) {
            apr_table_setn(q->notes, name, value);
        }
    }
}

void ssomod_event_note(request_rec *r, const char *event, const char *cause)
{
    ssomod_note_all(r, "sso-event", event);
    if (cause) {
        ssomod_note_all(r, "sso-event-cause", cause);
    }
    ssomod_status_event(r, event, cause);
}

void ssomod_event_user(request_rec *r, const char *user)
{
    if (user) {
        ssomod_note_all(r, "sso-event-user", user);
    }
}

/* An internal redirect (ErrorDocument, ap_internal_redirect) starts a new
 * request with empty notes, and CustomLog's %{...}n reads the last one:
 * the event of the request it replaced is carried over. */
static int ssomod_event_carry(request_rec *r)
{
    static const char *const names[] = { "sso-event", "sso-event-cause",
                                         "sso-event-user" };
    const char *v;
    int i;

    for (i = 0; r->prev && i < 3; i++) {
        if ((v = apr_table_get(r->prev->notes, names[i]))
            && !apr_table_get(r->notes, names[i])) {
            apr_table_setn(r->notes, names[i], v);
        }
    }
    return DECLINED;
}

const ssomod_identity *ssomod_identity_get(request_rec *r)
{
    return ap_get_module_config(r->request_config, &auth_sso_module);
}

void ssomod_identity_set(request_rec *r, const ssomod_identity *id)
{
    ap_set_module_config(r->request_config, &auth_sso_module, (void *)id);
}

/* The optional function of the public header, named as it is exported: a
 * copy, so the internal struct can change without breaking callers. */
static const mod_auth_sso_identity_t *mod_auth_sso_identity(request_rec *r)
{
    const ssomod_identity *id = ssomod_identity_get(r);
    mod_auth_sso_identity_t *pub;

    if (!id) {
        return NULL;
    }
    pub = apr_pcalloc(r->pool, sizeof(*pub));
    pub->version = MOD_AUTH_SSO_IDENTITY_VERSION;
    pub->size = sizeof(*pub);
    pub->user = id->user;
    pub->groups = id->groups ? id->groups
                             : apr_array_make(r->pool, 0, sizeof(const char *));
    pub->email = id->email;
    pub->name = id->name;
    pub->method = id->method;
    return pub;
}

static void ssomod_register_hooks(apr_pool_t *p)
{
    ap_hook_pre_config(ssomod_cache_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(ssomod_check_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(ssomod_cache_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(ssomod_registry_post_config, NULL, NULL,
                        APR_HOOK_MIDDLE);
    ap_hook_post_config(ssomod_check_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(ssomod_status_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(ssomod_cache_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(ssomod_registry_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(ssomod_op_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(ssomod_token_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_quick_handler(ssomod_routes_quick_handler, NULL, NULL,
                          APR_HOOK_FIRST);
    ap_hook_post_read_request(ssomod_event_carry, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
#ifdef SSO_BENCH_SEED
    { /* bench/: POST <SSOBasePath>/_bench/seed, test builds only */
        extern int ssomod_bench_quick_handler(request_rec * r, int lookup_uri);
        ap_hook_quick_handler(ssomod_bench_quick_handler, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    }
#endif
    ssomod_authn_register(p);
    ssomod_authz_register(p);
    ssomod_status_register(p);
    APR_REGISTER_OPTIONAL_FN(mod_auth_sso_identity);
}

/* Not AP_DECLARE_MODULE: mod_auth_sso_private.h already says APLOG_USE_MODULE. */
module AP_MODULE_DECLARE_DATA auth_sso_module = {
    STANDARD20_MODULE_STUFF,   ssomod_dir_conf_create,   ssomod_dir_conf_merge,
    ssomod_server_conf_create, ssomod_server_conf_merge, ssomod_cmds,
    ssomod_register_hooks
};
