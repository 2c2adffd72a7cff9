/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_oidc.h"

#include <string.h>
#include "apr_escape.h"
#include "apr_strings.h"
#include "apr_uri.h"

const char *sso_oidc_join_scopes(apr_pool_t *p,
                                 const apr_array_header_t *scopes)
{
    const char *scope = "openid";
    int i;

    for (i = 0; scopes && i < scopes->nelts; i++) {
        const char *s = APR_ARRAY_IDX(scopes, i, const char *);

        if (strcmp(s, "openid")) {
            scope = apr_pstrcat(p, scope, " ", s, NULL);
        }
    }
    return scope;
}

static const char *sso_oidc_param(apr_pool_t *p, const char *name,
                                  const char *value)
{
    return apr_pstrcat(p, "&", name, "=", apr_pescape_urlencoded(p, value),
                       NULL);
}

/* The endpoint's own query stays: ours is appended to it. */
static int sso_oidc_has_query(apr_pool_t *p, const char *url)
{
    apr_uri_t u;

    return apr_uri_parse(p, url, &u) == APR_SUCCESS && u.query;
}

const char *sso_oidc_build_authorize_url(apr_pool_t *p,
                                         const sso_oidc_authorize *in)
{
    const char *url = apr_pstrcat(
        p, in->endpoint, sso_oidc_has_query(p, in->endpoint) ? "&" : "?",
        "response_type=code", sso_oidc_param(p, "client_id", in->client_id),
        sso_oidc_param(p, "redirect_uri", in->redirect_uri),
        sso_oidc_param(p, "scope", sso_oidc_join_scopes(p, in->scopes)),
        sso_oidc_param(p, "state", in->state),
        sso_oidc_param(p, "nonce", in->nonce), NULL);

    if (!in->code_challenge) {
        return url;
    }
    return apr_pstrcat(p, url,
                       sso_oidc_param(p, "code_challenge", in->code_challenge),
                       "&code_challenge_method=S256", NULL);
}

static void sso_oidc_form_add(apr_array_header_t *f, const char *name,
                              const char *value)
{
    APR_ARRAY_PUSH(f, const char *) = name;
    APR_ARRAY_PUSH(f, const char *) = value;
}

apr_array_header_t *sso_oidc_build_token_form(apr_pool_t *p,
                                              const sso_oidc_token_req *in)
{
    apr_array_header_t *f = apr_array_make(p, 12, sizeof(const char *));

    sso_oidc_form_add(f, "grant_type", "authorization_code");
    sso_oidc_form_add(f, "code", in->code);
    sso_oidc_form_add(f, "redirect_uri", in->redirect_uri);
    if (in->code_verifier) {
        sso_oidc_form_add(f, "code_verifier", in->code_verifier);
    }
    if (in->post_auth) {
        sso_oidc_form_add(f, "client_id", in->client_id);
        sso_oidc_form_add(f, "client_secret", in->client_secret);
    }
    return f;
}
