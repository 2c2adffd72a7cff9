/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* mod_auth_sso: the public header, for other modules.
 *
 * Another module reads who the current request is through an APR optional
 * function, as with mod_ssl's ssl_var_lookup or mod_session's
 * ap_session_get:
 *
 *     #include "mod_auth_sso.h"
 *     static APR_OPTIONAL_FN_TYPE(mod_auth_sso_identity) *sso_identity;
 *
 *     static void my_optional_fn_retrieve(void)
 *     {
 *         sso_identity = APR_RETRIEVE_OPTIONAL_FN(mod_auth_sso_identity);
 *     }
 *
 *     ... in a fixup or handler, after authentication:
 *     const mod_auth_sso_identity_t *id = sso_identity ? sso_identity(r) : NULL;
 *     if (id) { use id->user, id->groups, ... }
 *
 * The function pointer is NULL when mod_auth_sso is not loaded; the call
 * returns NULL when this module did not authenticate the request (no
 * AuthType sso, no session, or before check_user_id has run).
 */
#ifndef MOD_AUTH_SSO_PUBLIC_H
#define MOD_AUTH_SSO_PUBLIC_H

#include "httpd.h"
#include "apr_optional.h"
#include "apr_tables.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped when fields are appended. Fields are never removed or reordered:
 * a caller built against an older header reads a prefix of the struct. */
#define MOD_AUTH_SSO_IDENTITY_VERSION 1

/* How the user authenticated. More values may be added; treat an unknown
 * one as authenticated by some other means. */
#define MOD_AUTH_SSO_METHOD_SSO   "sso"
#define MOD_AUTH_SSO_METHOD_LOCAL "local"
/* An API token (SSOAPITokens): no session behind the request. */
#define MOD_AUTH_SSO_METHOD_TOKEN "token"

/* Who the request is. Everything is read-only and lives in r->pool. */
typedef struct {
    int version;                      /* MOD_AUTH_SSO_IDENTITY_VERSION of
                                       * the module that filled it in */
    apr_size_t size;                  /* sizeof this struct in that module:
                                       * check it before reading a field
                                       * appended after your header's version */
    const char *user;                 /* local username, as r->user */
    const apr_array_header_t *groups; /* local group names, const char *;
                                       * never NULL, may be empty */
    const char *email;                /* NULL when unknown */
    const char *name;                 /* display name, NULL when unknown */
    const char *method;               /* MOD_AUTH_SSO_METHOD_* */
} mod_auth_sso_identity_t;

/* True when the identity filled in by the loaded module has FIELD, for a
 * field added after version 1. */
#define MOD_AUTH_SSO_IDENTITY_HAS(id, field)                                   \
    ((id)->size                                                                \
     >= APR_OFFSETOF(mod_auth_sso_identity_t, field) + sizeof((id)->field))

/* The identity mod_auth_sso set on r, or NULL when it did not authenticate
 * r. Call it from fixups or a handler: authentication has run by then. */
APR_DECLARE_OPTIONAL_FN(const mod_auth_sso_identity_t *, mod_auth_sso_identity,
                        (request_rec * r));

#ifdef __cplusplus
}
#endif

#endif /* MOD_AUTH_SSO_PUBLIC_H */
