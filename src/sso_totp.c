/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_totp.h"
#include "sso_random.h"
#include "sso_registry.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include "apr_encode.h"
#include "apr_escape.h"
#include "apr_strings.h"

#define SSO_TOTP_NONCE_BYTES 12
#define SSO_TOTP_TAG_BYTES   16
#define SSO_TOTP_SEAL_PREFIX "1:"
/* Bound on a sealed value we try to open (a secret is 20 bytes). */
#define SSO_TOTP_SEALED_MAX 512

static const char sso_base32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/* ---- codes ---- */

apr_int64_t sso_totp_step(apr_int64_t now)
{
    return now < 0 ? 0 : now / SSO_TOTP_PERIOD;
}

long sso_totp_code(const unsigned char *key, apr_size_t len, apr_int64_t step)
{
    unsigned char msg[8], md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0, off;
    apr_uint64_t counter = (apr_uint64_t)step;
    unsigned long bin;
    int i;

    for (i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(counter & 0xff);
        counter >>= 8;
    }
    if (!HMAC(EVP_sha1(), key, (int)len, msg, sizeof(msg), md, &md_len)
        || md_len != 20) {
        return -1;
    }
    /* RFC 4226 §5.3, dynamic truncation. */
    off = md[19] & 0x0f;
    bin = ((unsigned long)(md[off] & 0x7f) << 24)
          | ((unsigned long)md[off + 1] << 16)
          | ((unsigned long)md[off + 2] << 8) | md[off + 3];
    OPENSSL_cleanse(md, sizeof(md));
    return (long)(bin % 1000000UL);
}

int sso_totp_code_syntax(const char *code)
{
    int i;

    if (!code) {
        return 0;
    }
    for (i = 0; i < SSO_TOTP_DIGITS; i++) {
        if (code[i] < '0' || code[i] > '9') {
            return 0;
        }
    }
    return code[SSO_TOTP_DIGITS] == '\0';
}

sso_totp_result sso_totp_check(const unsigned char *key, apr_size_t len,
                               const char *code, apr_int64_t now,
                               apr_int64_t last_step, apr_int64_t *step)
{
    apr_int64_t current = sso_totp_step(now), s, found = -1;
    char want[SSO_TOTP_DIGITS + 1];
    int ok = sso_totp_code_syntax(code);

    *step = 0;
    /* Every step is computed whatever matched, so timing says nothing. */
    for (s = current - SSO_TOTP_WINDOW; s <= current + SSO_TOTP_WINDOW; s++) {
        long c = sso_totp_code(key, len, s);
        if (c < 0) {
            return SSO_TOTP_WRONG;
        }
        apr_snprintf(want, sizeof(want), "%06ld", c);
        if (ok && CRYPTO_memcmp(want, code, SSO_TOTP_DIGITS) == 0
            && found < 0) {
            found = s;
        }
    }
    if (found < 0) {
        return SSO_TOTP_WRONG;
    }
    if (found <= last_step) {
        return SSO_TOTP_REPLAYED;
    }
    *step = found;
    return SSO_TOTP_OK;
}

/* ---- base32 ---- */

const char *sso_base32_encode(apr_pool_t *p, const unsigned char *in,
                              apr_size_t len)
{
    char *out = apr_palloc(p, (len * 8 + 4) / 5 + 1), *o = out;
    apr_uint32_t buf = 0;
    int bits = 0;
    apr_size_t i;

    for (i = 0; i < len; i++) {
        buf = (buf << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            *o++ = sso_base32_alphabet[(buf >> (bits - 5)) & 0x1f];
            bits -= 5;
        }
    }
    if (bits > 0) {
        *o++ = sso_base32_alphabet[(buf << (5 - bits)) & 0x1f];
    }
    *o = '\0';
    return out;
}

static int sso_base32_value(char c)
{
    const char *at;

    if (c >= 'a' && c <= 'z') {
        c = (char)(c - 'a' + 'A');
    }
    at = c ? strchr(sso_base32_alphabet, c) : NULL;
    return at ? (int)(at - sso_base32_alphabet) : -1;
}

unsigned char *sso_base32_decode(apr_pool_t *p, const char *in, apr_size_t *len)
{
    apr_size_t n = strlen(in), i;
    unsigned char *out, *o;
    apr_uint32_t buf = 0;
    int bits = 0;

    while (n > 0 && in[n - 1] == '=') {
        n--;
    }
    /* 1, 3 and 6 characters left over encode no whole byte. */
    if (n % 8 == 1 || n % 8 == 3 || n % 8 == 6) {
        return NULL;
    }
    out = o = apr_palloc(p, n * 5 / 8 + 1);
    for (i = 0; i < n; i++) {
        int v = sso_base32_value(in[i]);
        if (v < 0) {
            return NULL;
        }
        buf = (buf << 5) | (apr_uint32_t)v;
        bits += 5;
        if (bits >= 8) {
            *o++ = (unsigned char)(buf >> (bits - 8));
            bits -= 8;
        }
    }
    /* What is left must be the zero bits that filled the last character. */
    if (buf & ((1u << bits) - 1)) {
        return NULL;
    }
    *len = (apr_size_t)(o - out);
    return out;
}

/* ---- the secret ---- */

apr_status_t sso_totp_secret_new(unsigned char *secret)
{
    return sso_random_bytes(secret, SSO_TOTP_SECRET_BYTES);
}

/* Percent-encoded for the URI, a space as %20 (not '+', which apps read
 * literally in the label). */
static const char *sso_totp_uri_part(apr_pool_t *p, const char *s)
{
    const char *enc = apr_pescape_urlencoded(p, s);
    char *sp;

    while ((sp = strchr(enc, '+')) != NULL) {
        enc = apr_pstrcat(p, apr_pstrmemdup(p, enc, sp - enc), "%20", sp + 1,
                          NULL);
    }
    return enc;
}

const char *sso_totp_uri(apr_pool_t *p, const char *issuer, const char *user,
                         const unsigned char *secret, apr_size_t len)
{
    const char *iss = sso_totp_uri_part(p, issuer);

    return apr_pstrcat(
        p, "otpauth://totp/", iss, ":", sso_totp_uri_part(p, user),
        "?secret=", sso_base32_encode(p, secret, len), "&issuer=", iss, NULL);
}

/* ---- sealing ---- */

static const char *sso_totp_aad(apr_pool_t *p, const char *username,
                                int *aad_len)
{
    const char *aad = apr_pstrcat(p, "mod_auth_sso totp ", username, NULL);

    *aad_len = (int)strlen(aad);
    return aad;
}

/* One AES-256-GCM pass: enc 1 seals in into out and writes tag, enc 0
 * opens it and checks tag. Non-zero on success. */
static int sso_totp_gcm(int enc, const unsigned char *key,
                        const unsigned char *nonce, const char *aad,
                        int aad_len, const unsigned char *in, int in_len,
                        unsigned char *out, unsigned char *tag)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int ok, n = 0, fin = 0;

    ok = ctx && EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL, enc)
         && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN,
                                SSO_TOTP_NONCE_BYTES, NULL)
         && EVP_CipherInit_ex(ctx, NULL, NULL, key, nonce, enc)
         && EVP_CipherUpdate(ctx, NULL, &n, (const unsigned char *)aad, aad_len)
         && EVP_CipherUpdate(ctx, out, &n, in, in_len)
         && (enc
             || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
                                    SSO_TOTP_TAG_BYTES, tag))
         && EVP_CipherFinal_ex(ctx, out + n, &fin)
         && (!enc
             || EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
                                    SSO_TOTP_TAG_BYTES, tag));
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

apr_status_t sso_totp_seal(apr_pool_t *p, const unsigned char *key,
                           const char *username, const unsigned char *secret,
                           apr_size_t len, const char **sealed)
{
    apr_size_t total = SSO_TOTP_NONCE_BYTES + len + SSO_TOTP_TAG_BYTES;
    unsigned char *buf = apr_palloc(p, total);
    const char *aad;
    int aad_len;

    *sealed = NULL;
    if (len == 0 || len > 64) {
        return APR_EINVAL;
    }
    aad = sso_totp_aad(p, username, &aad_len);
    if (sso_random_bytes(buf, SSO_TOTP_NONCE_BYTES) != APR_SUCCESS
        || !sso_totp_gcm(1, key, buf, aad, aad_len, secret, (int)len,
                         buf + SSO_TOTP_NONCE_BYTES,
                         buf + SSO_TOTP_NONCE_BYTES + len)) {
        return APR_EGENERAL;
    }
    *sealed = apr_pstrcat(
        p, SSO_TOTP_SEAL_PREFIX,
        apr_pencode_base64_binary(p, buf, total, APR_ENCODE_NONE, NULL), NULL);
    return *sealed ? APR_SUCCESS : APR_EGENERAL;
}

apr_status_t sso_totp_open(apr_pool_t *p, const unsigned char *key,
                           const char *username, const char *sealed,
                           unsigned char **secret, apr_size_t *len)
{
    const unsigned char *buf;
    apr_size_t total = 0;
    const char *aad;
    int aad_len;

    *secret = NULL;
    *len = 0;
    if (!sealed || strncmp(sealed, SSO_TOTP_SEAL_PREFIX, 2)
        || strlen(sealed) > SSO_TOTP_SEALED_MAX) {
        return APR_EINVAL;
    }
    buf = apr_pdecode_base64_binary(p, sealed + 2, APR_ENCODE_STRING,
                                    APR_ENCODE_NONE, &total);
    if (!buf || total <= SSO_TOTP_NONCE_BYTES + SSO_TOTP_TAG_BYTES) {
        return APR_EINVAL;
    }
    *len = total - SSO_TOTP_NONCE_BYTES - SSO_TOTP_TAG_BYTES;
    *secret = apr_palloc(p, *len + 16);
    aad = sso_totp_aad(p, username, &aad_len);
    if (!sso_totp_gcm(0, key, buf, aad, aad_len, buf + SSO_TOTP_NONCE_BYTES,
                      (int)*len, *secret,
                      (unsigned char *)buf + SSO_TOTP_NONCE_BYTES + *len)) {
        OPENSSL_cleanse(*secret, *len);
        *secret = NULL;
        *len = 0;
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

/* ---- the pending second step ---- */

/* Fields, each NUL-terminated: kind, created (decimal), username, return
 * path, sealed secret. */
apr_size_t sso_totp_pending_encode(const sso_totp_pending *pd,
                                   unsigned char *buf, apr_size_t cap)
{
    char created[24];
    const char *fields[5];
    char kind[2] = { pd->kind, '\0' };
    apr_size_t at = 0, n;
    int i;

    if ((pd->kind != 'c' && pd->kind != 'e') || !pd->username
        || !pd->return_path) {
        return 0;
    }
    apr_snprintf(created, sizeof(created), "%" APR_INT64_T_FMT, pd->created);
    fields[0] = kind;
    fields[1] = created;
    fields[2] = pd->username;
    fields[3] = pd->return_path;
    fields[4] = pd->sealed ? pd->sealed : "";
    for (i = 0; i < 5; i++) {
        n = strlen(fields[i]) + 1;
        if (at + n > cap) {
            return 0;
        }
        memcpy(buf + at, fields[i], n);
        at += n;
    }
    return at;
}

int sso_totp_pending_decode(apr_pool_t *p, const unsigned char *buf,
                            apr_size_t len, sso_totp_pending *out)
{
    const char *fields[5];
    apr_size_t at = 0;
    char *end;
    int i;

    memset(out, 0, sizeof(*out));
    for (i = 0; i < 5; i++) {
        const unsigned char *nul =
            at < len ? memchr(buf + at, '\0', len - at) : NULL;
        if (!nul) {
            return 0;
        }
        fields[i] = apr_pstrmemdup(p, (const char *)buf + at,
                                   (apr_size_t)(nul - (buf + at)));
        at = (apr_size_t)(nul - buf) + 1;
    }
    if (at != len || strlen(fields[0]) != 1
        || (fields[0][0] != 'c' && fields[0][0] != 'e') || !*fields[2]) {
        return 0;
    }
    out->kind = fields[0][0];
    out->created = apr_strtoi64(fields[1], &end, 10);
    if (*end || end == fields[1]) {
        return 0;
    }
    out->username = fields[2];
    out->return_path = fields[3];
    out->sealed = fields[4];
    return 1;
}

/* ---- the key file ---- */

const char *sso_totp_key_path(apr_pool_t *p, const char *store_spec,
                              const char *state_dir)
{
    const char *driver, *params, *dir;

    if (sso_registry_parse_spec(p, store_spec, &driver, &params, NULL)
        != APR_SUCCESS) {
        return NULL;
    }
    if (!strcmp(driver, "sqlite3")) {
        dir =
            *params && strcmp(params, ":memory:") ? strrchr(params, '/') : NULL;
        if (!dir) {
            return NULL;
        }
        return apr_pstrcat(p, apr_pstrmemdup(p, params, dir - params + 1),
                           SSO_TOTP_KEY_FILE, NULL);
    }
    return apr_pstrcat(p, state_dir, "/sso/" SSO_TOTP_KEY_FILE, NULL);
}

static apr_status_t sso_totp_key_fail(apr_pool_t *p, const char **err,
                                      const char *path, const char *what, int e)
{
    if (err) {
        *err = apr_psprintf(p, "TOTP key %s: %s%s%s", path, what, e ? ": " : "",
                            e ? strerror(e) : "");
    }
    return e ? APR_FROM_OS_ERROR(e) : APR_EGENERAL;
}

apr_status_t sso_totp_key_create(apr_pool_t *p, const char *path, int *created,
                                 const char **err)
{
    unsigned char key[SSO_TOTP_KEY_BYTES];
    int fd, e = 0;
    ssize_t n;

    *created = 0;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return errno == EEXIST ? APR_SUCCESS
                               : sso_totp_key_fail(p, err, path,
                                                   "cannot "
                                                   "create",
                                                   errno);
    }
    if (sso_random_bytes(key, sizeof(key)) != APR_SUCCESS) {
        e = EIO;
    }
    else if ((n = write(fd, key, sizeof(key))) != (ssize_t)sizeof(key)) {
        e = n < 0 ? errno : EIO;
    }
    else if (fsync(fd) != 0) {
        e = errno;
    }
    OPENSSL_cleanse(key, sizeof(key));
    close(fd);
    if (e) {
        unlink(path);
        return sso_totp_key_fail(p, err, path, "cannot write", e);
    }
    *created = 1;
    return APR_SUCCESS;
}

apr_status_t sso_totp_key_read(apr_pool_t *p, const char *path,
                               unsigned char *key, const char **err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    ssize_t n;

    if (fd < 0) {
        return sso_totp_key_fail(p, err, path, "cannot open", errno);
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return sso_totp_key_fail(p, err, path, "not a regular file", 0);
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        close(fd);
        return sso_totp_key_fail(p, err, path,
                                 "readable by others than its "
                                 "owner (it must be mode 0600)",
                                 0);
    }
    n = st.st_size == SSO_TOTP_KEY_BYTES ? read(fd, key, SSO_TOTP_KEY_BYTES)
                                         : -1;
    close(fd);
    if (n != SSO_TOTP_KEY_BYTES) {
        OPENSSL_cleanse(key, SSO_TOTP_KEY_BYTES);
        return sso_totp_key_fail(p, err, path,
                                 apr_psprintf(p,
                                              "must hold "
                                              "exactly %d bytes",
                                              SSO_TOTP_KEY_BYTES),
                                 0);
    }
    return APR_SUCCESS;
}
