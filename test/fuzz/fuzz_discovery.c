/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Provider documents, each parser on the same bytes (not NUL-terminated):
 * sso_provider_parse (discovery, fixed expected issuer), sso_jwks_parse,
 * sso_provider_parse_token_response (HTTP status from the first byte, the
 * rest as body) and sso_provider_parse_userinfo. */
#include "fuzz.h"
#include "sso_jwt.h"
#include "sso_provider.h"

#define ISSUER "https://id.example.com"
#define SUB    "248289761001"
#define BAD_CLIENT                                                             \
    "the client secret (or client ID) was rejected by the "                    \
    "provider: check SSOClientSecret"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

static void one_line(const char *err)
{
    FUZZ_ASSERT(err && !strpbrk(err, "\r\n"));
}

static void discovery(apr_pool_t *p, const uint8_t *data, size_t size)
{
    sso_provider_meta *m = (sso_provider_meta *)1;
    const char *err = (const char *)1;

    if (sso_provider_parse(p, (const char *)data, size, ISSUER, &m, &err)
        != APR_SUCCESS) {
        FUZZ_ASSERT(!m);
        one_line(err);
        return;
    }
    FUZZ_ASSERT(m && m != (sso_provider_meta *)1);
    FUZZ_ASSERT(!strcmp(m->issuer, ISSUER));
    FUZZ_ASSERT(m->authorization_endpoint && m->token_endpoint && m->jwks_uri);
    FUZZ_ASSERT(m->signing_algs);
    (void)sso_provider_token_auth(m, SSO_PROVIDER_AUTH_AUTO);
}

static void jwks(apr_pool_t *p, const uint8_t *data, size_t size)
{
    sso_jwks *keys = (sso_jwks *)1;
    const char *err = (const char *)1;
    int i;

    if (sso_jwks_parse(p, (const char *)data, size, &keys, &err)
        != APR_SUCCESS) {
        FUZZ_ASSERT(!keys);
        one_line(err);
        return;
    }
    FUZZ_ASSERT(keys && keys != (sso_jwks *)1 && !err);
    FUZZ_ASSERT(sso_jwks_count(keys) <= SSO_JWKS_MAX_KEYS);
    for (i = 0; i < sso_jwks_skipped(keys); i++) {
        one_line(sso_jwks_skipped_reason(keys, i));
    }
    FUZZ_ASSERT(!sso_jwks_skipped_reason(keys, i));
    (void)sso_jwks_find(keys, "rsa-1");
}

static void token_response(apr_pool_t *p, const uint8_t *data, size_t size)
{
    static const long statuses[] = { 200, 400, 401, 403, 500, 302, 0, 599 };
    long status = size ? statuses[data[0] % 8] : 200;
    sso_token_response t;
    const char *err = NULL;

    if (size) {
        data++;
        size--;
    }
    if (sso_provider_parse_token_response(p, status, (const char *)data, size,
                                          &t, &err)
        != APR_SUCCESS) {
        FUZZ_ASSERT(t.kind != SSO_TOKEN_OK);
        one_line(err);
        if (t.kind == SSO_TOKEN_INVALID_CLIENT) {
            FUZZ_ASSERT(!strncmp(err, BAD_CLIENT, sizeof(BAD_CLIENT) - 1));
        }
        return;
    }
    FUZZ_ASSERT(status == 200 && t.kind == SSO_TOKEN_OK);
    FUZZ_ASSERT(t.id_token && *t.id_token && t.access_token && *t.access_token);
    FUZZ_ASSERT(t.expires_in >= -1);
}

static void userinfo(apr_pool_t *p, const uint8_t *data, size_t size)
{
    json_t *claims = (json_t *)1;
    const char *err = NULL;

    if (sso_provider_parse_userinfo(p, (const char *)data, size, SUB, &claims,
                                    &err)
        != APR_SUCCESS) {
        FUZZ_ASSERT(!claims);
        one_line(err);
        return;
    }
    FUZZ_ASSERT(json_is_object(claims));
    FUZZ_ASSERT(
        !strcmp(json_string_value(json_object_get(claims, "sub")), SUB));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;

    discovery(p, data, size);
    jwks(p, data, size);
    token_response(p, data, size);
    userinfo(p, data, size);
    apr_pool_clear(p);
    return 0;
}
