/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_key.h"

#include "apr_hash.h"
#include <string.h>

const char *sso_key_make(apr_pool_t *p, char kind, const void *body,
                         apr_size_t len, apr_size_t *keylen)
{
    char *key = apr_palloc(p, len + SSO_KEY_OVERHEAD);
    apr_ssize_t hlen = (apr_ssize_t)len;
    unsigned int h = apr_hashfunc_default(body, &hlen);

    /* shmcb takes the low bits of the first byte: fold every byte of the
     * hash into it. */
    key[0] = (char)(h ^ (h >> 8) ^ (h >> 16) ^ (h >> 24));
    key[1] = kind;
    memcpy(key + SSO_KEY_OVERHEAD, body, len);
    *keylen = len + SSO_KEY_OVERHEAD;
    return key;
}
