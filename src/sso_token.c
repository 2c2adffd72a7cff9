/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_token.h"
#include "sso_random.h"

#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "apr_escape.h"
#include "apr_lib.h"
#include "apr_strings.h"

apr_status_t sso_token_new(apr_pool_t *p, const char **token)
{
    return sso_random_token(p, SSO_TOKEN_BYTES, token);
}

int sso_token_hash(const char *token, unsigned char *hash)
{
    unsigned int len = 0;

    return EVP_Digest(token, strlen(token), hash, &len, EVP_sha256(), NULL) == 1
           && len == SSO_TOKEN_HASH_BYTES;
}

const char *sso_token_hash_hex(apr_pool_t *p, const unsigned char *hash)
{
    return apr_pescape_hex(p, hash, SSO_TOKEN_HASH_BYTES, 0);
}

const char *sso_token_from_authorization(const char *value)
{
    static const char scheme[] = "Bearer";
    size_t n = sizeof(scheme) - 1, len;

    if (!value || strncasecmp(value, scheme, n)
        || (value[n] && value[n] != ' ')) {
        return NULL;
    }
    for (value += n; *value == ' '; value++) {
    }
    len = strlen(value);
    while (len && value[len - 1] == ' ') {
        len--;
    }
    /* Trailing spaces only: the caller's string stays as it is, and a
     * token never holds a space, so a value with them is a wrong token. */
    if (len == 0 || len > SSO_TOKEN_MAX_LEN || value[len]) {
        return "";
    }
    return value;
}

apr_status_t sso_token_expiry(apr_int64_t now, int days, apr_int64_t *expires)
{
    if (days < 0 || days > SSO_TOKEN_DAYS_MAX) {
        return APR_EINVAL;
    }
    *expires = days ? now + (apr_int64_t)days * 86400 : 0;
    return APR_SUCCESS;
}

sso_token_state_e sso_token_judge(const sso_api_token *t, const sso_user *u,
                                  apr_int64_t now)
{
    if (u->disabled) {
        return SSO_TOKEN_DISABLED;
    }
    if (t->expires && now >= t->expires) {
        return SSO_TOKEN_EXPIRED;
    }
    return SSO_TOKEN_VALID;
}

const char *sso_token_cause(sso_token_state_e state)
{
    switch (state) {
    case SSO_TOKEN_EXPIRED:
        return "expired";
    case SSO_TOKEN_DISABLED:
        return "disabled";
    default:
        return "invalid";
    }
}

/* The hash is uniformly random: its first byte picks the slot. */
static apr_size_t sso_token_memo_index(const unsigned char *hash)
{
    return hash[0] & (SSO_TOKEN_MEMO_SLOTS - 1);
}

sso_token_memo_e sso_token_memo_get(const sso_token_memo *m, const void *owner,
                                    const unsigned char *hash, apr_int64_t now,
                                    int ttl, sso_token_memo_slot *out)
{
    const sso_token_memo_slot *s = &m->slot[sso_token_memo_index(hash)];

    if (!s->owner || s->owner != owner
        || CRYPTO_memcmp(s->hash, hash, SSO_TOKEN_HASH_BYTES)
        || now < s->checked || now - s->checked >= ttl
        || (s->expires && now >= s->expires)) {
        return SSO_TOKEN_MEMO_MISS;
    }
    *out = *s;
    return SSO_TOKEN_MEMO_HIT;
}

/* The groups, each followed by '\n' (a group name holds no control
 * character); 0 when they do not fit in cap bytes. */
static int sso_token_memo_join(char *buf, apr_size_t cap,
                               const apr_array_header_t *groups)
{
    apr_size_t used = 0, len;
    int i;

    for (i = 0; groups && i < groups->nelts; i++) {
        const char *g = APR_ARRAY_IDX(groups, i, const char *);
        len = strlen(g);
        if (used + len + 2 > cap) {
            return 0;
        }
        memcpy(buf + used, g, len);
        used += len;
        buf[used++] = '\n';
    }
    buf[used] = '\0';
    return 1;
}

void sso_token_memo_put(sso_token_memo *m, const void *owner,
                        const unsigned char *hash, apr_int64_t now,
                        apr_int64_t expires, apr_int64_t touched,
                        const char *user, const apr_array_header_t *groups)
{
    sso_token_memo_slot *s = &m->slot[sso_token_memo_index(hash)];

    s->owner = NULL;
    if (strlen(user) >= sizeof(s->user)
        || !sso_token_memo_join(s->groups, sizeof(s->groups), groups)) {
        return;
    }
    memcpy(s->hash, hash, SSO_TOKEN_HASH_BYTES);
    memcpy(s->user, user, strlen(user) + 1);
    s->checked = now;
    s->expires = expires;
    s->touched = touched;
    s->owner = owner;
}

void sso_token_memo_touched(sso_token_memo *m, const void *owner,
                            const unsigned char *hash, apr_int64_t now)
{
    sso_token_memo_slot *s = &m->slot[sso_token_memo_index(hash)];

    if (s->owner == owner
        && !CRYPTO_memcmp(s->hash, hash, SSO_TOKEN_HASH_BYTES)) {
        s->touched = now;
    }
}

int sso_token_touch_due(apr_int64_t touched, apr_int64_t now)
{
    return now - touched >= SSO_TOKEN_TOUCH_EVERY || touched > now;
}

apr_array_header_t *sso_token_memo_groups(apr_pool_t *p,
                                          const sso_token_memo_slot *slot)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    const char *at = slot->groups, *nl;

    while ((nl = strchr(at, '\n'))) {
        APR_ARRAY_PUSH(a, const char *) = apr_pstrmemdup(p, at, nl - at);
        at = nl + 1;
    }
    return a;
}
