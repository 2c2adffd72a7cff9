/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_memo.h"

#include <string.h>
#include "apr_atomic.h"
#include <openssl/crypto.h>

/* Bytes 0 and 1 of an ID pick shmcb's index list and the shard: the
 * bucket comes from the next two, so buckets spread evenly within both. */
static apr_size_t sso_stamps_index(const unsigned char *id)
{
    return ((apr_size_t)id[2] << 8 | id[3]) & (SSO_STAMPS - 1);
}

apr_uint32_t sso_stamps_read(const sso_stamps *st, const unsigned char *id)
{
    return apr_atomic_read32(
        (volatile apr_uint32_t *)&st->bucket[sso_stamps_index(id)]);
}

void sso_stamps_bump(sso_stamps *st, const unsigned char *id)
{
    apr_atomic_inc32(&st->bucket[sso_stamps_index(id)]);
}

/* The cookie value is a secret: compared in constant time. */
const unsigned char *sso_memo_id(const sso_memo *m, const void *owner,
                                 const char *token)
{
    if (!m->len || m->owner != owner
        || CRYPTO_memcmp(m->token, token, SSO_ID_B64_LEN)) {
        return NULL;
    }
    return m->id;
}

const unsigned char *sso_memo_record(const sso_memo *m, apr_uint32_t stamp,
                                     apr_int64_t now, apr_size_t *len)
{
    if (!m->len || m->stamp != stamp || now < m->read_at
        || now - m->read_at >= SSO_MEMO_MAX_AGE) {
        return NULL;
    }
    *len = m->len;
    return m->rec;
}

void sso_memo_put(sso_memo *m, const void *owner, const char *token,
                  const unsigned char *id, apr_uint32_t stamp, apr_int64_t now,
                  const unsigned char *rec, apr_size_t len)
{
    m->len = 0;
    if (len > SSO_MEMO_REC_MAX) {
        return;
    }
    m->owner = owner;
    m->stamp = stamp;
    m->read_at = now;
    memcpy(m->token, token, SSO_ID_B64_LEN);
    memcpy(m->id, id, SSO_ID_BYTES);
    memcpy(m->rec, rec, len);
    m->len = len;
}
