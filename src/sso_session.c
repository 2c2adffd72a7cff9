/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_session.h"
#include "sso_record.h"

#include <string.h>
#include "apr_encode.h"
#include <openssl/evp.h>

/* First byte of each record: kind and format version together. A record
 * of an older version is refused, so it counts as no session. */
#define SSO_SESSION_MAGIC    0x34 /* version 4: with the refresh time */
#define SSO_SESSION_MAGIC_V3 0x33 /* still read: refreshed = created */
#define SSO_TXN_MAGIC        0x74 /* 't', version 2: with the used mark */
/* 9999-12-31T23:59:59Z. A corrupt record's times are refused beyond it (or
 * below 0) so that the lifetime arithmetic below cannot overflow. */
#define SSO_SESSION_TIME_MAX APR_INT64_C(253402300799)

static int sso_session_time_ok(apr_int64_t t)
{
    return t >= 0 && t <= SSO_SESSION_TIME_MAX;
}

const unsigned char *sso_id_decode(apr_pool_t *p, const char *token)
{
    apr_size_t len = 0;
    const unsigned char *raw;

    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "abcdefghijklmnopqrstuvwxyz0123456789-_";

    /* One spelling per ID: APR's decoder would also take '+' and '/', and
     * ignores the two unused low bits of the last character. */
    if (!token || strlen(token) != SSO_ID_B64_LEN
        || strspn(token, alphabet) != SSO_ID_B64_LEN
        || !strchr("AEIMQUYcgkosw048", token[SSO_ID_B64_LEN - 1])) {
        return NULL;
    }
    raw = apr_pdecode_base64_binary(p, token, SSO_ID_B64_LEN,
                                    APR_ENCODE_BASE64URL, &len);
    return raw && len == SSO_ID_BYTES ? raw : NULL;
}

/* Each value with its length (or a NULL mark) before it, so that no two
 * lists of values give the same input to the digest. */
static void sso_realm_add(EVP_MD_CTX *md, const char *value)
{
    apr_size_t n = value ? strlen(value) : 0;
    unsigned char len[9];
    int i;

    len[0] = value ? 1 : 0;
    for (i = 8; i >= 1; i--, n >>= 8) {
        len[i] = (unsigned char)n;
    }
    EVP_DigestUpdate(md, len, sizeof(len));
    if (value) {
        EVP_DigestUpdate(md, value, strlen(value));
    }
}

static void sso_realm_digest(const char *kind, const char *const *values, int n,
                             const apr_array_header_t *more, unsigned char *out)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char full[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int i;

    memset(out, 0, SSO_REALM_BYTES);
    if (!md) {
        return;
    }
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
        sso_realm_add(md, "mod_auth_sso session realm");
        sso_realm_add(md, kind);
        for (i = 0; i < n; i++) {
            sso_realm_add(md, values[i]);
        }
        for (i = 0; more && i < more->nelts; i++) {
            sso_realm_add(md, APR_ARRAY_IDX(more, i, const char *));
        }
        if (EVP_DigestFinal_ex(md, full, &len) && len >= SSO_REALM_BYTES) {
            memcpy(out, full, SSO_REALM_BYTES);
        }
    }
    EVP_MD_CTX_free(md);
}

void sso_realm_of_sso(const char *authority, const char *client_id,
                      const char *user_store, unsigned char *out)
{
    const char *values[] = { authority, client_id, user_store };

    sso_realm_digest("sso", values, 3, NULL, out);
}

void sso_realm_of_local(const char *user_store,
                        const apr_array_header_t *providers, unsigned char *out)
{
    const char *values[] = { user_store };

    sso_realm_digest("local", values, 1, providers, out);
}

int sso_session_realm_ok(const sso_session *s, const unsigned char *sso_realm,
                         const unsigned char *local_realm)
{
    static const unsigned char unset[SSO_REALM_BYTES];
    const unsigned char *want = !strcmp(s->method, "sso")     ? sso_realm
                                : !strcmp(s->method, "local") ? local_realm
                                                              : NULL;

    /* All zero: the digest failed; nothing matches it. */
    return want && memcmp(want, unset, SSO_REALM_BYTES)
           && !memcmp(s->realm, want, SSO_REALM_BYTES);
}

apr_size_t sso_session_encode(const sso_session *s, unsigned char *buf,
                              apr_size_t cap)
{
    sso_record_writer w;

    sso_record_writer_init(&w, buf, cap);
    sso_record_put_u8(&w, SSO_SESSION_MAGIC);
    sso_record_put_raw(&w, s->realm, SSO_REALM_BYTES);
    sso_record_put_i64(&w, s->created);
    sso_record_put_i64(&w, s->last_seen);
    sso_record_put_i64(&w, s->verified);
    sso_record_put_i64(&w, s->refreshed);
    sso_record_put_str(&w, s->method);
    sso_record_put_str(&w, s->user);
    sso_record_put_str(&w, s->issuer);
    sso_record_put_str(&w, s->sub);
    sso_record_put_str(&w, s->email);
    sso_record_put_str(&w, s->name);
    sso_record_put_strs(&w, s->groups);
    return w.overflow ? 0 : w.len;
}

const char *sso_session_decode(apr_pool_t *p, const unsigned char *buf,
                               apr_size_t len, sso_session *out)
{
    sso_record_reader r;
    unsigned magic;

    sso_record_reader_init(&r, buf, len);
    /* Read on every request: one allocation for all the strings. */
    sso_record_reader_arena(&r, p);
    magic = sso_record_get_u8(&r);
    if (magic != SSO_SESSION_MAGIC && magic != SSO_SESSION_MAGIC_V3) {
        return "not a session record of this version";
    }
    sso_record_get_raw(&r, out->realm, SSO_REALM_BYTES);
    out->created = sso_record_get_i64(&r);
    out->last_seen = sso_record_get_i64(&r);
    out->verified = sso_record_get_i64(&r);
    /* Sessions made before an upgrade keep working. */
    out->refreshed =
        magic == SSO_SESSION_MAGIC ? sso_record_get_i64(&r) : out->created;
    out->method = sso_record_get_str(&r, p);
    out->user = sso_record_get_str(&r, p);
    out->issuer = sso_record_get_str(&r, p);
    out->sub = sso_record_get_str(&r, p);
    out->email = sso_record_get_str(&r, p);
    out->name = sso_record_get_str(&r, p);
    out->groups = sso_record_get_strs(&r, p);
    if (!sso_record_reader_done(&r) || !out->user || !out->method
        || !sso_session_time_ok(out->created)
        || !sso_session_time_ok(out->last_seen)
        || !sso_session_time_ok(out->verified)
        || !sso_session_time_ok(out->refreshed)) {
        return "session record is truncated or corrupt";
    }
    return NULL;
}

int sso_session_expired(const sso_session *s, apr_int64_t now, int timeout,
                        int max_age)
{
    return now >= s->last_seen + timeout || now >= s->created + max_age
           || s->last_seen > now + 60 || s->created > s->last_seen;
}

int sso_session_needs_touch(const sso_session *s, apr_int64_t now, int timeout)
{
    apr_int64_t step = timeout / 10 > 0 ? timeout / 10 : 1;

    return now - s->last_seen >= step;
}

int sso_session_needs_recheck(const sso_session *s, apr_int64_t now,
                              int interval)
{
    return now - s->verified >= interval || s->verified > now + 60;
}

int sso_session_needs_refresh(const sso_session *s, apr_int64_t now,
                              int interval)
{
    if (interval <= 0 || !s->method || strcmp(s->method, "sso")) {
        return 0;
    }
    return now - s->refreshed >= interval || s->refreshed > now + 60;
}

apr_int64_t sso_session_ttl(const sso_session *s, apr_int64_t now, int timeout,
                            int max_age)
{
    apr_int64_t idle_end = s->last_seen + timeout;
    apr_int64_t age_end = s->created + max_age;

    return (idle_end < age_end ? idle_end : age_end) - now;
}

apr_size_t sso_txn_encode(const sso_txn *t, unsigned char *buf, apr_size_t cap)
{
    sso_record_writer w;

    sso_record_writer_init(&w, buf, cap);
    sso_record_put_u8(&w, SSO_TXN_MAGIC);
    sso_record_put_i64(&w, t->created);
    sso_record_put_u8(&w, t->used ? 1 : 0);
    sso_record_put_str(&w, t->nonce);
    sso_record_put_str(&w, t->pkce_verifier);
    sso_record_put_str(&w, t->return_path);
    return w.overflow ? 0 : w.len;
}

const char *sso_txn_decode(apr_pool_t *p, const unsigned char *buf,
                           apr_size_t len, sso_txn *out)
{
    sso_record_reader r;

    sso_record_reader_init(&r, buf, len);
    if (sso_record_get_u8(&r) != SSO_TXN_MAGIC) {
        return "not a login transaction record of this version";
    }
    out->created = sso_record_get_i64(&r);
    out->used = sso_record_get_u8(&r);
    out->nonce = sso_record_get_str(&r, p);
    out->pkce_verifier = sso_record_get_str(&r, p);
    out->return_path = sso_record_get_str(&r, p);
    if (!sso_record_reader_done(&r) || out->used > 1
        || (out->used ? out->nonce != NULL : out->nonce == NULL)
        || !out->return_path || !sso_session_time_ok(out->created)) {
        return "login transaction record is truncated or corrupt";
    }
    return NULL;
}

int sso_txn_expired(const sso_txn *t, apr_int64_t now)
{
    return now >= t->created + SSO_TXN_TTL || t->created > now + 60;
}

apr_size_t sso_index_add(unsigned char *buf, apr_size_t len,
                         const unsigned char *id, int max)
{
    apr_size_t i, keep;

    if (max < 1 || max > SSO_INDEX_MAX) {
        max = SSO_INDEX_MAX;
    }
    if (len % SSO_ID_BYTES || len > SSO_INDEX_MAX * SSO_ID_BYTES) {
        len = 0;
    }
    for (i = 0; i < len; i += SSO_ID_BYTES) {
        if (!memcmp(buf + i, id, SSO_ID_BYTES)) {
            memmove(buf + i, buf + i + SSO_ID_BYTES, len - i - SSO_ID_BYTES);
            len -= SSO_ID_BYTES;
            break;
        }
    }
    keep = (apr_size_t)(max - 1) * SSO_ID_BYTES;
    if (len > keep) {
        memmove(buf, buf + len - keep, keep);
        len = keep;
    }
    memcpy(buf + len, id, SSO_ID_BYTES);
    return len + SSO_ID_BYTES;
}
