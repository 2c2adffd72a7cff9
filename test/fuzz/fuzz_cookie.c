/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The session cookie: sso_id_decode alone, and sso_cookie_scan (the
 * module's reader) over a whole Cookie header; the pending-login cookies:
 * sso_pending_scan over the header, sso_pending_parse on the input. */
#include "fuzz.h"
#include "sso_session.h"
#include "sso_cookie.h"
#include "sso_pending.h"

#include "apr_encode.h"
#include "apr_strings.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

/* One spelling per ID: a decoded ID re-encodes to the very token. */
static void check_id(apr_pool_t *p, const char *token)
{
    const unsigned char *raw = sso_id_decode(p, token);
    const char *again;

    if (!raw) {
        return;
    }
    FUZZ_ASSERT(strlen(token) == SSO_ID_B64_LEN);
    again = apr_pencode_base64_binary(
        p, raw, SSO_ID_BYTES, APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING,
        NULL);
    FUZZ_ASSERT(again && !strcmp(again, token));
}

/* The module's own reader over a whole header: what it finds lies within
 * the header, and a value of ID length goes to sso_id_decode as it would
 * in a request. */
static void scan_header(apr_pool_t *p, const char *header)
{
    sso_cookie_found f = { 0 };
    apr_size_t hlen = strlen(header);

    sso_cookie_scan(header, "sso_session", 11, &f);
    if (!f.count) {
        return;
    }
    FUZZ_ASSERT(f.value >= header && f.value + f.len <= header + hlen);
    FUZZ_ASSERT(!memchr(f.value, ';', f.len) && !memchr(f.value, ',', f.len));
    if (!f.conflict && f.len == SSO_ID_B64_LEN) {
        check_id(p, apr_pstrmemdup(p, f.value, f.len));
    }
}

/* Pending logins: names of the prefix and a hash, each once, bounded;
 * dropping keeps the newest, sorted oldest first. */
static void scan_pending(apr_pool_t *p, const char *header)
{
    apr_array_header_t *found = apr_array_make(p, 4, sizeof(sso_pending));
    int i, n;

    sso_pending_scan(p, header, "sso_session_login_", found);
    FUZZ_ASSERT(found->nelts <= SSO_PENDING_SCAN_MAX);
    for (i = 0; i < found->nelts; i++) {
        const char *name = APR_ARRAY_IDX(found, i, sso_pending).name;
        FUZZ_ASSERT(strlen(name) == 18 + SSO_PENDING_HASH_LEN
                    && !strncmp(name, "sso_session_login_", 18)
                    && strstr(header, name) != NULL
                    && APR_ARRAY_IDX(found, i, sso_pending).started >= 0);
    }
    n = sso_pending_excess(found, SSO_PENDING_MAX - 1);
    FUZZ_ASSERT(n
                == (found->nelts > SSO_PENDING_MAX - 1
                        ? found->nelts - SSO_PENDING_MAX + 1
                        : 0));
    for (i = 1; n && i < found->nelts; i++) {
        FUZZ_ASSERT(APR_ARRAY_IDX(found, i - 1, sso_pending).started
                    <= APR_ARRAY_IDX(found, i, sso_pending).started);
    }
}

/* A parsed value gives back the state, and the value it re-encodes to. */
static void check_pending_value(apr_pool_t *p, const char *value,
                                apr_size_t len)
{
    apr_time_t started = -1;
    const char *state = sso_pending_parse(p, value, len, &started);

    if (!state) {
        return;
    }
    FUZZ_ASSERT(strlen(state) == SSO_ID_B64_LEN && started > 0);
    FUZZ_ASSERT(!memcmp(value, state, SSO_ID_B64_LEN));
    /* Leading zeros aside, one spelling. */
    if (value[SSO_ID_B64_LEN + 1] != '0') {
        FUZZ_ASSERT(!strcmp(sso_pending_value(p, state, started),
                            apr_pstrmemdup(p, value, len)));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;

    check_id(p, fuzz_cstr(p, data, size));
    scan_header(p, fuzz_cstr(p, data, size));
    scan_pending(p, fuzz_cstr(p, data, size));
    check_pending_value(p, (const char *)data, size);
    apr_pool_clear(p);
    return 0;
}
