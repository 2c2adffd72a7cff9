/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* What the module sends the provider in the authorization code flow: the
 * authorization URL and the token request's form. Pure logic: plain
 * strings in, no request_rec. */
#ifndef SSO_OIDC_H
#define SSO_OIDC_H

#include "apr_pools.h"
#include "apr_tables.h"

typedef struct {
    const char *endpoint; /* authorization_endpoint, may hold a query */
    const char *client_id;
    const char *redirect_uri;
    const apr_array_header_t *scopes; /* const char *; NULL for none */
    const char *state;
    const char *nonce;
    const char *code_challenge; /* S256 challenge; NULL without PKCE */
} sso_oidc_authorize;

typedef struct {
    const char *code;
    const char *redirect_uri;
    const char *code_verifier; /* NULL without PKCE */
    int post_auth;             /* client_secret_post: the client's
                                  * credentials go in the form */
    const char *client_id;
    const char *client_secret;
} sso_oidc_token_req;

/* The scope parameter: "openid" first, then the others in order (a
 * configured "openid" is not repeated), separated by spaces. */
const char *sso_oidc_join_scopes(apr_pool_t *p,
                                 const apr_array_header_t *scopes);

/* The URL the browser is sent to: the endpoint with response_type=code,
 * client_id, redirect_uri, scope, state, nonce and, with a challenge,
 * code_challenge and code_challenge_method=S256 added to its query, every
 * value form-encoded. */
const char *sso_oidc_build_authorize_url(apr_pool_t *p,
                                         const sso_oidc_authorize *in);

/* The token request's form as name, value, name, value... (const char *)
 * for sso_http_post_form: grant_type, code, redirect_uri, code_verifier
 * with PKCE, client_id and client_secret with client_secret_post. */
apr_array_header_t *sso_oidc_build_token_form(apr_pool_t *p,
                                              const sso_oidc_token_req *in);

#endif
