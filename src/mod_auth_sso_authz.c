/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The "sso-group" authorization provider: Require sso-group LOCAL... */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_authz.h"
#include "mod_auth_sso_pages.h"
#include "sso_groups.h"

#include "http_core.h"
#include "http_log.h"
#include "util_filter.h"
#include "http_protocol.h"
#include "http_request.h"
#include "mod_auth.h"
#include "ap_provider.h"
#include "apr_strings.h"

/* Every Require sso-group line of this configuration, for the startup
 * check of group names; reset with each configuration read. */
typedef struct {
    const char *group;
    const char *where; /* "file:line" */
} ssomod_authz_use;

static apr_array_header_t *ssomod_authz_uses;

#define SSO_AUTHZ_FORBIDDEN_NOTE   "auth_sso:forbidden"
#define SSO_AUTHZ_FORBIDDEN_FILTER "AUTH_SSO_FORBIDDEN"

static apr_status_t ssomod_authz_forget(void *unused)
{
    ssomod_authz_uses = NULL;
    return APR_SUCCESS;
}

static void ssomod_authz_remember(cmd_parms *cmd, const char *group)
{
    ssomod_authz_use *u;

    if (!ssomod_authz_uses) {
        ssomod_authz_uses =
            apr_array_make(cmd->pool, 8, sizeof(ssomod_authz_use));
        apr_pool_cleanup_register(cmd->pool, NULL, ssomod_authz_forget,
                                  apr_pool_cleanup_null);
    }
    u = apr_array_push(ssomod_authz_uses);
    u->group = group;
    u->where = apr_psprintf(cmd->pool, "%s:%d", cmd->directive->filename,
                            cmd->directive->line_num);
}

/* The Require line is split once, at config time. */
static const char *ssomod_authz_parse(cmd_parms *cmd, const char *require_line,
                                      const void **parsed)
{
    apr_array_header_t *groups = apr_array_make(cmd->pool, 2, sizeof(char *));
    const char *line = require_line;
    char *word;

    while (*line && *(word = ap_getword_conf(cmd->pool, &line))) {
        APR_ARRAY_PUSH(groups, const char *) = word;
        ssomod_authz_remember(cmd, word);
    }
    if (!groups->nelts) {
        return SSOLOGNO(00097) "Require sso-group needs at least one local group name";
    }
    *parsed = groups;
    return NULL;
}

static int ssomod_authz_has_any(const apr_array_header_t *have,
                                const apr_array_header_t *wanted)
{
    int i;

    for (i = 0; i < wanted->nelts; i++) {
        if (sso_groups_contain(have, APR_ARRAY_IDX(wanted, i, const char *))) {
            return 1;
        }
    }
    return 0;
}

static const char *ssomod_authz_quoted(apr_pool_t *p,
                                       const apr_array_header_t *g)
{
    const char *out = NULL;
    int i;

    for (i = 0; i < g->nelts; i++) {
        out = apr_pstrcat(p, out ? out : "", out ? ", \"" : "\"",
                          APR_ARRAY_IDX(g, i, const char *), "\"", NULL);
    }
    return out ? out : "";
}

/* The 403 page names every group that would have granted access; several
 * Require sso-group lines (RequireAny) add up. */
static void ssomod_authz_denied_page(request_rec *r, const ssomod_identity *id,
                                     const apr_array_header_t *wanted)
{
    void *all = NULL;
    const char *page;

    apr_pool_userdata_get(&all, "auth_sso:wanted", r->pool);
    if (!all) {
        all = apr_array_make(r->pool, 4, sizeof(const char *));
        apr_pool_userdata_setn(all, "auth_sso:wanted", NULL, r->pool);
    }
    apr_array_cat(all, wanted);
    page = ssomod_page_text_html(
        r, "Access denied",
        ssomod_page_refusal_text(
            r, apr_psprintf(r->pool,
                            "You are signed in as %s, but this page "
                            "needs membership in one of: %s.",
                            id->user, ssomod_authz_quoted(r->pool, all))));
    /* 403 with AuthzSendForbiddenOnFailure On, else 401 made 403 below. */
    ap_custom_response(r, HTTP_FORBIDDEN, page);
    ap_custom_response(r, HTTP_UNAUTHORIZED, page);
    apr_table_setn(r->notes, SSO_AUTHZ_FORBIDDEN_NOTE, "1");
}

/* mod_authz_core answers 401 when an authenticated user fails a Require
 * line; a signed-in user who lacks a group is forbidden, not asked to
 * authenticate again. The error response is turned into a 403 before its
 * headers go out. */
static apr_status_t ssomod_authz_forbidden_filter(ap_filter_t *f,
                                                  apr_bucket_brigade *bb)
{
    f->r->status = HTTP_FORBIDDEN;
    f->r->status_line = NULL;
    apr_table_unset(f->r->err_headers_out, "WWW-Authenticate");
    ap_remove_output_filter(f);
    return ap_pass_brigade(f->next, bb);
}

static void ssomod_authz_insert_error_filter(request_rec *r)
{
    if (r->status == HTTP_UNAUTHORIZED
        && apr_table_get(r->notes, SSO_AUTHZ_FORBIDDEN_NOTE)) {
        ap_add_output_filter(SSO_AUTHZ_FORBIDDEN_FILTER, NULL, r,
                             r->connection);
    }
}

static authz_status ssomod_authz_check(request_rec *r, const char *require_line,
                                       const void *parsed)
{
    const ssomod_identity *id = ssomod_identity_get(r);

    if (!r->user) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (!id) {
        ap_log_rerror(
            APLOG_MARK, APLOG_DEBUG, 0, r,
            SSOLOGNO(00007) "Require sso-group: user %s was not authenticated by "
                       "AuthType sso",
                r->user);
        return AUTHZ_DENIED;
    }
    if (ssomod_authz_has_any(id->groups, parsed)) {
        return AUTHZ_GRANTED;
    }
    ssomod_authz_denied_page(r, id, parsed);
    return AUTHZ_DENIED;
}

static const authz_provider ssomod_authz_group_provider = {
    &ssomod_authz_check,
    &ssomod_authz_parse,
};

/* A group that no SSOGroupMap produces and no local user has is likely a
 * typo in a Require line. */
void ssomod_authz_warn_unknown(apr_pool_t *ptemp, server_rec *s,
                               apr_hash_t *known)
{
    int i;

    for (i = 0; ssomod_authz_uses && i < ssomod_authz_uses->nelts; i++) {
        const ssomod_authz_use *u =
            &APR_ARRAY_IDX(ssomod_authz_uses, i, ssomod_authz_use);
        if (!apr_hash_get(known, u->group, APR_HASH_KEY_STRING)) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         SSOLOGNO(00008) "Require sso-group "
                                         "\"%s\" at %s: no SSOGroupMap line "
                                         "produces this group "
                                         "and no local user has it (a typo?)",
                                  u->group, u->where);
        }
    }
}

void ssomod_authz_register(apr_pool_t *p)
{
    ap_register_auth_provider(
        p, AUTHZ_PROVIDER_GROUP, "sso-group", AUTHZ_PROVIDER_VERSION,
        &ssomod_authz_group_provider, AP_AUTH_INTERNAL_PER_CONF);
    ap_register_output_filter(SSO_AUTHZ_FORBIDDEN_FILTER,
                              ssomod_authz_forbidden_filter, NULL,
                              AP_FTYPE_RESOURCE);
    ap_hook_insert_error_filter(ssomod_authz_insert_error_filter, NULL, NULL,
                                APR_HOOK_MIDDLE);
}
