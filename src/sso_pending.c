/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_pending.h"
#include "sso_session.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "apr_encode.h"
#include "apr_strings.h"

#define SSO_PENDING_HASH_BYTES 9
/* Hex digits of the start time: an apr_time_t. */
#define SSO_PENDING_TIME_MAX 16

static const char sso_pending_b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789-_";

const char *sso_pending_prefix(apr_pool_t *p, const char *cookie_name)
{
    return apr_pstrcat(p, cookie_name, "_login_", NULL);
}

const char *sso_pending_name(apr_pool_t *p, const char *prefix,
                             const char *state)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    const char *hash;

    if (!EVP_Digest(state, strlen(state), md, &md_len, EVP_sha256(), NULL)) {
        return NULL;
    }
    hash = apr_pencode_base64_binary(p, md, SSO_PENDING_HASH_BYTES,
                                     APR_ENCODE_BASE64URL, NULL);
    return hash ? apr_pstrcat(p, prefix, hash, NULL) : NULL;
}

const char *sso_pending_value(apr_pool_t *p, const char *state,
                              apr_time_t started)
{
    return apr_psprintf(p, "%s.%" APR_UINT64_T_HEX_FMT, state,
                        (apr_uint64_t)started);
}

/* len lower-case hex digits, as sso_pending_value writes them. */
static int sso_pending_hex(const char *s, apr_size_t len, apr_time_t *out)
{
    char digits[SSO_PENDING_TIME_MAX + 1];
    char *end;

    if (len < 1 || len > SSO_PENDING_TIME_MAX) {
        return 0;
    }
    memcpy(digits, s, len);
    digits[len] = '\0';
    if (strspn(digits, "0123456789abcdef") != len) {
        return 0;
    }
    errno = 0;
    *out = (apr_time_t)apr_strtoi64(digits, &end, 16);
    return errno != ERANGE && *out > 0;
}

const char *sso_pending_parse(apr_pool_t *p, const char *value, apr_size_t len,
                              apr_time_t *started)
{
    if (len < SSO_ID_B64_LEN + 2 || value[SSO_ID_B64_LEN] != '.') {
        return NULL;
    }
    if (!sso_pending_hex(value + SSO_ID_B64_LEN + 1, len - SSO_ID_B64_LEN - 1,
                         started)) {
        return NULL;
    }
    if (strspn(value, sso_pending_b64url) < SSO_ID_B64_LEN) {
        return NULL;
    }
    return apr_pstrmemdup(p, value, SSO_ID_B64_LEN);
}

/* Non-zero when name (len bytes) is prefix and a hash: only such names
 * are ever echoed back in a Set-Cookie line. */
static int sso_pending_is_name(const char *name, apr_size_t len,
                               const char *prefix, apr_size_t prefix_len)
{
    apr_size_t i;

    if (len != prefix_len + SSO_PENDING_HASH_LEN
        || memcmp(name, prefix, prefix_len)) {
        return 0;
    }
    for (i = prefix_len; i < len; i++) {
        if (!name[i] || !strchr(sso_pending_b64url, name[i])) {
            return 0;
        }
    }
    return 1;
}

static int sso_pending_known(const apr_array_header_t *found, const char *name,
                             apr_size_t len)
{
    int i;

    for (i = 0; i < found->nelts; i++) {
        const char *n = APR_ARRAY_IDX(found, i, sso_pending).name;
        if (strlen(n) == len && !memcmp(n, name, len)) {
            return 1;
        }
    }
    return 0;
}

/* One "name=value" pair of a Cookie header, end excluded. */
static void sso_pending_pair(apr_pool_t *p, const char *pair, const char *end,
                             const char *prefix, apr_size_t prefix_len,
                             apr_array_header_t *found)
{
    const char *eq = memchr(pair, '=', end - pair);
    sso_pending *e;

    /* An empty value is a removed cookie that a client kept. */
    if (!eq || eq + 1 == end
        || !sso_pending_is_name(pair, eq - pair, prefix, prefix_len)
        || sso_pending_known(found, pair, eq - pair)) {
        return;
    }
    e = apr_array_push(found);
    e->name = apr_pstrmemdup(p, pair, eq - pair);
    if (!sso_pending_parse(p, eq + 1, end - eq - 1, &e->started)) {
        e->started = 0;
    }
}

void sso_pending_scan(apr_pool_t *p, const char *header, const char *prefix,
                      apr_array_header_t *found)
{
    apr_size_t prefix_len = strlen(prefix);
    const char *s = header, *end;

    while (*s && found->nelts < SSO_PENDING_SCAN_MAX) {
        s += strspn(s, " \t");
        end = s + strcspn(s, ";,");
        sso_pending_pair(p, s, end, prefix, prefix_len, found);
        s = *end ? end + 1 : end;
    }
}

static int sso_pending_older(const void *a, const void *b)
{
    const sso_pending *x = a, *y = b;

    if (x->started != y->started) {
        return x->started < y->started ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

int sso_pending_excess(apr_array_header_t *found, int keep)
{
    if (found->nelts <= keep) {
        return 0;
    }
    qsort(found->elts, found->nelts, sizeof(sso_pending), sso_pending_older);
    return found->nelts - keep;
}
