/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_provider.h"
#include "sso_url.h"

#include <stddef.h>
#include <string.h>
#include "apr_strings.h"
#include "apr_lib.h"
#include "apr_escape.h"

#define SSO_PROVIDER_BAD_CLIENT                                                \
    "the client secret (or client ID) was "                                    \
    "rejected by the provider: check SSOClientSecret"

/* Compared by address: sso_provider_load returns this very pointer. */
static const char sso_provider_not_json[] = "invalid JSON";

/* A field of sso_provider_meta that holds an http(s) URL. */
typedef struct {
    const char *name;
    size_t offset;
    int required;
} sso_provider_url_field;

static const sso_provider_url_field sso_provider_urls[] = {
    { "authorization_endpoint",
      offsetof(sso_provider_meta, authorization_endpoint), 1 },
    { "token_endpoint", offsetof(sso_provider_meta, token_endpoint), 1 },
    { "jwks_uri", offsetof(sso_provider_meta, jwks_uri), 1 },
    { "userinfo_endpoint", offsetof(sso_provider_meta, userinfo_endpoint), 0 },
    { "end_session_endpoint", offsetof(sso_provider_meta, end_session_endpoint),
      0 },
};

/* Provider strings end up in the error log: keep them short and on one
 * line so that a hostile document cannot flood or forge log entries. */
static const char *sso_provider_clip(apr_pool_t *p, const char *s)
{
    size_t len = strlen(s);
    char *out = apr_pstrmemdup(
        p, s, len > SSO_PROVIDER_ECHO_MAX ? SSO_PROVIDER_ECHO_MAX : len);
    char *c;

    for (c = out; *c; c++) {
        if (apr_iscntrl((unsigned char)*c)) {
            *c = '?';
        }
    }
    return len > SSO_PROVIDER_ECHO_MAX ? apr_pstrcat(p, out, "...", NULL) : out;
}

/* Duplicate keys are refused: two "sub" or two "issuer" members would be
 * read differently by different parsers. */
static const char *sso_provider_load(apr_pool_t *p, const char *body,
                                     size_t len, json_t **root,
                                     json_error_t *jerr)
{
    *root = NULL;
    if (len > SSO_PROVIDER_DOC_MAX) {
        return apr_psprintf(p, "larger than %d bytes", SSO_PROVIDER_DOC_MAX);
    }
    *root = json_loadb(body ? body : "", body ? len : 0, JSON_REJECT_DUPLICATES,
                       jerr);
    if (!*root) {
        return sso_provider_not_json;
    }
    if (json_is_object(*root)) {
        return NULL;
    }
    json_decref(*root);
    *root = NULL;
    return "not a JSON object";
}

static apr_status_t sso_provider_decref(void *data)
{
    json_decref(data);
    return APR_SUCCESS;
}

/* The member's string value, or NULL when absent, null or not a string. */
static const char *sso_provider_string(json_t *root, const char *name)
{
    return json_string_value(json_object_get(root, name));
}

static const char *sso_provider_issuer(apr_pool_t *p, json_t *root,
                                       const char *expected,
                                       sso_provider_meta *m)
{
    const char *issuer = sso_provider_string(root, "issuer");

    if (!issuer || !*issuer) {
        return "discovery document has no issuer (or it is not a string)";
    }
    if (strcmp(issuer, expected)) {
        return apr_psprintf(p,
                            "discovery issuer '%s' differs from SSOAuthority"
                            " '%s' (they must match exactly, including any "
                            "trailing slash)",
                            sso_provider_clip(p, issuer), expected);
    }
    m->issuer = apr_pstrdup(p, issuer);
    return NULL;
}

static const char *sso_provider_url(apr_pool_t *p, json_t *root,
                                    const sso_provider_url_field *f,
                                    sso_provider_meta *m)
{
    json_t *v = json_object_get(root, f->name);
    const char **slot = (const char **)((char *)m + f->offset);
    const char *why;

    if (!v || json_is_null(v)) {
        return f->required
                   ? apr_psprintf(p, "discovery document has no %s", f->name)
                   : NULL;
    }
    if (!json_is_string(v)) {
        return apr_psprintf(p, "discovery %s is not a string", f->name);
    }
    why = sso_url_check_http(p, json_string_value(v));
    if (why) {
        return apr_psprintf(p, "discovery %s '%s' %s", f->name,
                            sso_provider_clip(p, json_string_value(v)), why);
    }
    *slot = apr_pstrdup(p, json_string_value(v));
    return NULL;
}

/* *out stays NULL when the member is absent: callers need to tell "absent"
 * from "empty". */
static const char *sso_provider_strings(apr_pool_t *p, json_t *root,
                                        const char *name,
                                        apr_array_header_t **out)
{
    json_t *v = json_object_get(root, name), *e;
    size_t i;

    *out = NULL;
    if (!v || json_is_null(v)) {
        return NULL;
    }
    if (!json_is_array(v)) {
        return apr_psprintf(p, "discovery %s is not an array", name);
    }
    *out = apr_array_make(p, (int)json_array_size(v) + 1, sizeof(const char *));
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) {
            return apr_psprintf(p, "discovery %s holds a non-string", name);
        }
        APR_ARRAY_PUSH(*out, const char *) =
            apr_pstrdup(p, json_string_value(e));
    }
    return NULL;
}

static int sso_provider_has(const apr_array_header_t *a, const char *s)
{
    int i;

    for (i = 0; a && i < a->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(a, i, const char *), s)) {
            return 1;
        }
    }
    return 0;
}

static const char *sso_provider_lists(apr_pool_t *p, json_t *root,
                                      sso_provider_meta *m)
{
    apr_array_header_t *pkce, *auth;
    const char *err;

    if ((err = sso_provider_strings(p, root, "code_challenge_methods_supported",
                                    &pkce))
        || (err = sso_provider_strings(
                p, root, "token_endpoint_auth_methods_supported", &auth))
        || (err = sso_provider_strings(p, root,
                                       "id_token_signing_alg_values_supported",
                                       &m->signing_algs))) {
        return err;
    }
    m->pkce_s256 = sso_provider_has(pkce, "S256");
    /* OpenID Connect Discovery 1.0: absent means client_secret_basic. */
    m->auth_basic = !auth || sso_provider_has(auth, "client_secret_basic");
    m->auth_post = sso_provider_has(auth, "client_secret_post");
    if (!m->signing_algs) {
        m->signing_algs = apr_array_make(p, 1, sizeof(const char *));
    }
    return NULL;
}

static const char *sso_provider_iss_flag(json_t *root, sso_provider_meta *m)
{
    json_t *v =
        json_object_get(root, "authorization_response_iss_parameter_supported");

    if (v && !json_is_null(v) && !json_is_boolean(v)) {
        return "discovery authorization_response_iss_parameter_supported is "
               "not a boolean";
    }
    m->iss_parameter = json_is_true(v);
    return NULL;
}

static const char *sso_provider_read_meta(apr_pool_t *p, json_t *root,
                                          const char *expected,
                                          sso_provider_meta *m)
{
    const char *err = sso_provider_issuer(p, root, expected, m);
    size_t i;

    for (i = 0;
         !err && i < sizeof(sso_provider_urls) / sizeof(*sso_provider_urls);
         i++) {
        err = sso_provider_url(p, root, &sso_provider_urls[i], m);
    }
    if (!err) {
        err = sso_provider_lists(p, root, m);
    }
    return err ? err : sso_provider_iss_flag(root, m);
}

apr_status_t sso_provider_parse(apr_pool_t *p, const char *json, size_t len,
                                const char *expected_issuer,
                                sso_provider_meta **out, const char **err)
{
    sso_provider_meta *m = apr_pcalloc(p, sizeof(*m));
    json_error_t jerr;
    json_t *root;

    *out = NULL;
    *err = sso_provider_load(p, json, len, &root, &jerr);
    if (*err == sso_provider_not_json) {
        *err = apr_psprintf(p,
                            "discovery document is invalid JSON: %s "
                            "(line %d)",
                            sso_provider_clip(p, jerr.text), jerr.line);
    }
    else if (*err) {
        *err = apr_pstrcat(p, "discovery document is ", *err, NULL);
    }
    if (*err) {
        return APR_EGENERAL;
    }
    *err = sso_provider_read_meta(p, root, expected_issuer, m);
    json_decref(root);
    if (*err) {
        return APR_EGENERAL;
    }
    *out = m;
    return APR_SUCCESS;
}

int sso_provider_token_auth(const sso_provider_meta *meta, int configured)
{
    if (configured == SSO_PROVIDER_AUTH_BASIC
        || configured == SSO_PROVIDER_AUTH_POST) {
        return configured;
    }
    if (meta->auth_post && !meta->auth_basic) {
        return SSO_PROVIDER_AUTH_POST;
    }
    return SSO_PROVIDER_AUTH_BASIC;
}

static apr_int64_t sso_provider_expires_in(json_t *root)
{
    json_t *v = json_object_get(root, "expires_in");

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        return (apr_int64_t)json_integer_value(v);
    }
    return -1;
}

static const char *sso_provider_token_ok(apr_pool_t *p, json_t *root,
                                         sso_token_response *out, int need_id)
{
    const char *id = sso_provider_string(root, "id_token");
    const char *access = sso_provider_string(root, "access_token");
    const char *type = sso_provider_string(root, "token_type");
    const char *refresh = sso_provider_string(root, "refresh_token");

    if ((!id || !*id) && need_id) {
        return "token response has no id_token (is the openid scope "
               "requested?)";
    }
    if (!access || !*access) {
        return "token response has no access_token";
    }
    if (!type || strcasecmp(type, "Bearer")) {
        return apr_psprintf(p,
                            "token response token_type is '%s', expected "
                            "Bearer",
                            type ? sso_provider_clip(p, type) : "");
    }
    out->id_token = id && *id ? apr_pstrdup(p, id) : NULL;
    out->access_token = apr_pstrdup(p, access);
    out->refresh_token = refresh ? apr_pstrdup(p, refresh) : NULL;
    out->expires_in = sso_provider_expires_in(root);
    out->kind = SSO_TOKEN_OK;
    return NULL;
}

static const char *sso_provider_token_error(apr_pool_t *p, long status,
                                            json_t *root,
                                            sso_token_response *out)
{
    const char *code = sso_provider_string(root, "error");
    const char *desc = sso_provider_string(root, "error_description");

    out->error = code ? sso_provider_clip(p, code) : NULL;
    out->error_description = desc ? sso_provider_clip(p, desc) : NULL;
    /* RFC 6749 §5.2: 401 means client authentication failed. */
    if (status == 401 || (code && !strcmp(code, "invalid_client"))) {
        out->kind = SSO_TOKEN_INVALID_CLIENT;
        return apr_pstrcat(
            p, SSO_PROVIDER_BAD_CLIENT, desc ? " (provider says: " : "",
            desc ? out->error_description : "", desc ? ")" : "", NULL);
    }
    if (!code) {
        return apr_psprintf(p,
                            "token endpoint returned HTTP %ld without an "
                            "OAuth error code",
                            status);
    }
    out->kind = SSO_TOKEN_OAUTH_ERROR;
    return apr_psprintf(p, "token endpoint returned error '%s'%s%s (HTTP %ld)",
                        out->error, desc ? ": " : "",
                        desc ? out->error_description : "", status);
}

static void sso_provider_token_reset(sso_token_response *out)
{
    memset(out, 0, sizeof(*out));
    out->kind = SSO_TOKEN_BAD_RESPONSE;
    out->expires_in = -1;
}

static apr_status_t sso_provider_parse_tokens(apr_pool_t *p, long http_status,
                                              const char *body, size_t len,
                                              sso_token_response *out,
                                              const char **err, int need_id)
{
    json_t *root;
    const char *why;

    sso_provider_token_reset(out);
    why = sso_provider_load(p, body, len, &root, NULL);
    if (why == sso_provider_not_json) {
        *err = apr_psprintf(
            p, "token endpoint returned invalid JSON (HTTP %ld)", http_status);
    }
    else if (why) {
        *err = apr_psprintf(p, "token endpoint response (HTTP %ld) is %s",
                            http_status, why);
    }
    if (why) {
        return APR_EGENERAL;
    }
    /* Some providers answer errors with 200: an "error" member wins. */
    if (http_status == 200 && !json_object_get(root, "error")) {
        *err = sso_provider_token_ok(p, root, out, need_id);
    }
    else {
        *err = sso_provider_token_error(p, http_status, root, out);
    }
    json_decref(root);
    return *err ? APR_EGENERAL : APR_SUCCESS;
}

apr_status_t sso_provider_parse_token_response(apr_pool_t *p, long http_status,
                                               const char *body, size_t len,
                                               sso_token_response *out,
                                               const char **err)
{
    return sso_provider_parse_tokens(p, http_status, body, len, out, err, 1);
}

apr_status_t sso_provider_parse_refresh_response(apr_pool_t *p,
                                                 long http_status,
                                                 const char *body, size_t len,
                                                 sso_token_response *out,
                                                 const char **err)
{
    return sso_provider_parse_tokens(p, http_status, body, len, out, err, 0);
}

apr_status_t sso_provider_parse_userinfo(apr_pool_t *p, const char *body,
                                         size_t len, const char *expected_sub,
                                         json_t **claims, const char **err)
{
    json_t *root;
    const char *sub;

    *claims = NULL;
    *err = sso_provider_load(p, body, len, &root, NULL);
    if (*err) {
        *err = apr_pstrcat(p, "userinfo response is ", *err, NULL);
        return APR_EGENERAL;
    }
    apr_pool_cleanup_register(p, root, sso_provider_decref,
                              apr_pool_cleanup_null);
    sub = sso_provider_string(root, "sub");
    if (!sub) {
        *err = "userinfo response has no sub";
    }
    else if (strcmp(sub, expected_sub)) {
        *err = "userinfo sub differs from the ID token's";
    }
    else {
        *claims = root;
    }
    return *claims ? APR_SUCCESS : APR_EGENERAL;
}

static const char *sso_provider_param(apr_pool_t *p, const char *url,
                                      const char *name, const char *value)
{
    if (!value) {
        return url;
    }
    return apr_pstrcat(p, url, strchr(url, '?') ? "&" : "?", name, "=",
                       apr_pescape_urlencoded(p, value), NULL);
}

const char *sso_provider_end_session_url(apr_pool_t *p, const char *endpoint,
                                         const char *id_token_hint,
                                         const char *client_id,
                                         const char *post_logout_redirect_uri,
                                         const char *state)
{
    const char *url =
        sso_provider_param(p, endpoint, "id_token_hint", id_token_hint);

    url = sso_provider_param(p, url, "client_id", client_id);
    url = sso_provider_param(p, url, "post_logout_redirect_uri",
                             post_logout_redirect_uri);
    return sso_provider_param(p, url, "state", state);
}

apr_array_header_t *sso_provider_refresh_form(apr_pool_t *p,
                                              const char *refresh_token,
                                              const char *client_id,
                                              const char *client_secret,
                                              int post_auth)
{
    apr_array_header_t *f = apr_array_make(p, 8, sizeof(const char *));

    APR_ARRAY_PUSH(f, const char *) = "grant_type";
    APR_ARRAY_PUSH(f, const char *) = "refresh_token";
    APR_ARRAY_PUSH(f, const char *) = "refresh_token";
    APR_ARRAY_PUSH(f, const char *) = refresh_token;
    if (post_auth) {
        APR_ARRAY_PUSH(f, const char *) = "client_id";
        APR_ARRAY_PUSH(f, const char *) = client_id;
        APR_ARRAY_PUSH(f, const char *) = "client_secret";
        APR_ARRAY_PUSH(f, const char *) = client_secret;
    }
    return f;
}
