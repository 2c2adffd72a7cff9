/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* What the OpenID Provider says: its discovery document, token endpoint
 * and userinfo responses. Pure logic: no request_rec, no network. */
#ifndef SSO_PROVIDER_H
#define SSO_PROVIDER_H

#include <jansson.h>
#include "apr_pools.h"
#include "apr_tables.h"

/* Bigger provider documents are refused rather than parsed. */
#define SSO_PROVIDER_DOC_MAX (1024 * 1024)

/* Longest provider-supplied string echoed in an error message. */
#define SSO_PROVIDER_ECHO_MAX 200

/* SSOTokenAuth: how the client authenticates at the token endpoint. */
typedef enum {
    SSO_PROVIDER_AUTH_AUTO =
        0, /* basic, or post when only post is advertised */
    SSO_PROVIDER_AUTH_BASIC = 1, /* client_secret_basic */
    SSO_PROVIDER_AUTH_POST = 2   /* client_secret_post */
} sso_provider_auth_e;

typedef struct {
    const char *issuer;
    const char *authorization_endpoint;
    const char *token_endpoint;
    const char *jwks_uri;
    const char *userinfo_endpoint;    /* NULL when not advertised */
    const char *end_session_endpoint; /* NULL when not advertised */
    int pkce_s256;  /* S256 in code_challenge_methods_supported */
    int auth_basic; /* token_endpoint_auth_methods_supported: */
    int auth_post;  /* absent means client_secret_basic only */
    apr_array_header_t *signing_algs; /* const char *; empty when absent */
    int iss_parameter; /* RFC 9207 authorization_response_iss_... */
} sso_provider_meta;

typedef enum {
    SSO_TOKEN_OK = 0,
    SSO_TOKEN_INVALID_CLIENT, /* wrong client secret or client ID */
    SSO_TOKEN_OAUTH_ERROR,    /* invalid_grant and the like */
    SSO_TOKEN_BAD_RESPONSE    /* not JSON, or a field missing or wrong */
} sso_token_kind_e;

typedef struct {
    sso_token_kind_e kind;
    const char *id_token;
    const char *access_token;
    const char *refresh_token;     /* NULL when absent */
    apr_int64_t expires_in;        /* seconds; -1 when absent */
    const char *error;             /* OAuth error code, NULL when none */
    const char *error_description; /* shortened, NULL when none */
} sso_token_response;

/* Parses the discovery document json (len bytes, not NUL-terminated
 * necessarily). Its issuer must equal expected_issuer byte for byte.
 * APR_SUCCESS and *out in p, or APR_EGENERAL and *err naming the field. */
apr_status_t sso_provider_parse(apr_pool_t *p, const char *json, size_t len,
                                const char *expected_issuer,
                                sso_provider_meta **out, const char **err);

/* Token endpoint client authentication to use (sso_provider_auth_e):
 * configured wins unless AUTO; AUTO is basic, or post when only post is
 * advertised. */
int sso_provider_token_auth(const sso_provider_meta *meta, int configured);

/* Parses a token endpoint response. APR_SUCCESS when out->kind is
 * SSO_TOKEN_OK; else APR_EGENERAL with out->kind and *err set. Token values
 * never appear in *err; an INVALID_CLIENT error starts with "the client
 * secret (or client ID) was rejected by the provider: check
 * SSOClientSecret". */
apr_status_t sso_provider_parse_token_response(apr_pool_t *p, long http_status,
                                               const char *body, size_t len,
                                               sso_token_response *out,
                                               const char **err);

/* The same for a refresh token grant's response, whose id_token is
 * optional (OpenID Connect Core 1.0 §12.2): out->id_token may be NULL. */
apr_status_t sso_provider_parse_refresh_response(apr_pool_t *p,
                                                 long http_status,
                                                 const char *body, size_t len,
                                                 sso_token_response *out,
                                                 const char **err);

/* Parses a userinfo response: a JSON object whose sub equals expected_sub.
 * *claims is released with p. */
apr_status_t sso_provider_parse_userinfo(apr_pool_t *p, const char *body,
                                         size_t len, const char *expected_sub,
                                         json_t **claims, const char **err);

/* RP-Initiated Logout 1.0 §2: endpoint (which may hold a query already)
 * with id_token_hint, client_id, post_logout_redirect_uri and state, each
 * left out when NULL, URL-encoded. */
const char *sso_provider_end_session_url(apr_pool_t *p, const char *endpoint,
                                         const char *id_token_hint,
                                         const char *client_id,
                                         const char *post_logout_redirect_uri,
                                         const char *state);

/* The refresh token grant (RFC 6749 §6) as name, value pairs for
 * sso_http_post_form; client_id and client_secret go in the form only with
 * post_auth (client_secret_post). */
apr_array_header_t *sso_provider_refresh_form(apr_pool_t *p,
                                              const char *refresh_token,
                                              const char *client_id,
                                              const char *client_secret,
                                              int post_auth);

#endif
