/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* ID token validation and JWKS parsing. Pure logic: no request_rec.
 *
 * cjose 0.6.2.1 has no OKP (Ed25519) keys and exposes RSA/EC keys only as
 * deprecated RSA / EC_KEY structures, so keys are built from the JWK
 * parameters with OpenSSL 3 EVP_PKEY_fromdata and every alg verifies through
 * EVP: one code path for all algs. cjose supplies base64url, jansson JSON. */
#include "sso_jwt.h"
#include "sso_secret.h"

#include <string.h>
#include <cjose/base64.h>
#include <cjose/util.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include "apr_lib.h"
#include "apr_strings.h"
#include "apr_tables.h"

#define SSO_JWT_B64URL_CHARS                                                   \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
/* RFC 7518 §3.3 asks for 2048 bits; 16384 bounds the verification cost. */
#define SSO_JWK_RSA_MIN_BITS  2048
#define SSO_JWK_RSA_MAX_BYTES (16384 / 8)
/* 9999-12-31T23:59:59Z: later NumericDates are nonsense, not "never". */
#define SSO_JWT_DATE_MAX 253402300799.0
/* OpenID Connect Core §2: sub is at most 255 ASCII characters. */
#define SSO_JWT_SUB_MAX 255
/* Strings from tokens and JWKS go to the error log: keep them short. */
#define SSO_JWT_LOG_MAX 80

typedef enum {
    SSO_JWT_FAM_RSA,
    SSO_JWT_FAM_PSS,
    SSO_JWT_FAM_EC,
    SSO_JWT_FAM_ED,
    SSO_JWT_FAM_HMAC
} sso_jwt_family;

typedef struct {
    const char *name;
    sso_jwt_family family;
    const EVP_MD *(*md)(void); /* signature hash; for EdDSA only at_hash's */
    const char *crv;           /* JWK curve the key must have */
    size_t coord;              /* ES*: bytes in each of R and S */
} sso_jwt_alg;

/* The allow-list. "none" is absent on purpose; HS* needs expect->allow_hs. */
static const sso_jwt_alg sso_jwt_algs[] = {
    { "RS256", SSO_JWT_FAM_RSA, EVP_sha256, NULL, 0 },
    { "RS384", SSO_JWT_FAM_RSA, EVP_sha384, NULL, 0 },
    { "RS512", SSO_JWT_FAM_RSA, EVP_sha512, NULL, 0 },
    { "PS256", SSO_JWT_FAM_PSS, EVP_sha256, NULL, 0 },
    { "PS384", SSO_JWT_FAM_PSS, EVP_sha384, NULL, 0 },
    { "PS512", SSO_JWT_FAM_PSS, EVP_sha512, NULL, 0 },
    { "ES256", SSO_JWT_FAM_EC, EVP_sha256, "P-256", 32 },
    { "ES384", SSO_JWT_FAM_EC, EVP_sha384, "P-384", 48 },
    { "ES512", SSO_JWT_FAM_EC, EVP_sha512, "P-521", 66 },
    { "EdDSA", SSO_JWT_FAM_ED, EVP_sha512, "Ed25519", 0 },
    { "HS256", SSO_JWT_FAM_HMAC, EVP_sha256, NULL, 0 },
    { "HS384", SSO_JWT_FAM_HMAC, EVP_sha384, NULL, 0 },
    { "HS512", SSO_JWT_FAM_HMAC, EVP_sha512, NULL, 0 },
};

struct sso_jwk {
    const char *kid; /* NULL when the JWK has none */
    const char *kty; /* "RSA", "EC" or "OKP" */
    const char *crv; /* EC and OKP only */
    const char *alg; /* NULL when the JWK does not pin one */
    EVP_PKEY *pkey;
};

struct sso_jwks {
    apr_array_header_t *keys;    /* sso_jwk */
    apr_array_header_t *skipped; /* const char *: why */
};

/* One verification in progress. */
typedef struct {
    apr_pool_t *p;
    const char *compact;
    size_t signing_len; /* header.payload, the signed bytes */
    const sso_jwks *keys;
    const sso_jwt_expect *expect;
    sso_jwt_result *out;
    json_t *header, *claims;
    const sso_jwt_alg *alg;
    const char *kid;
    unsigned char *sig;
    size_t sig_len;
} sso_jwt_ctx;

/* ---- small helpers ---- */

static const char *sso_jwt_printable(apr_pool_t *p, const char *s)
{
    size_t len = strlen(s), n = len > SSO_JWT_LOG_MAX ? SSO_JWT_LOG_MAX : len;
    char *r = apr_pstrmemdup(p, s, n);
    size_t i;

    for (i = 0; i < n; i++) {
        if (!apr_isprint(r[i]) || r[i] == '\'') {
            r[i] = '?';
        }
    }
    return n < len ? apr_pstrcat(p, r, "...", NULL) : r;
}

/* The string, unless it is not one or hides a NUL that would fool strcmp
 * (jansson refuses \u0000 today; this keeps it so under JSON_ALLOW_NUL). */
static const char *sso_jwt_json_cstr(json_t *v)
{
    const char *s = json_string_value(v);

    return s && strlen(s) == json_string_length(v) ? s : NULL;
}

const char *sso_jwt_claim_string(json_t *claims, const char *name)
{
    return sso_jwt_json_cstr(json_object_get(claims, name));
}

static apr_status_t sso_jwt_json_cleanup(void *data)
{
    json_decref(data);
    return APR_SUCCESS;
}

static json_t *sso_jwt_json_keep(apr_pool_t *p, json_t *j)
{
    if (j) {
        apr_pool_cleanup_register(p, j, sso_jwt_json_cleanup,
                                  apr_pool_cleanup_null);
    }
    return j;
}

/* Strict base64url: cjose alone would also accept '=' padding. */
static int sso_jwt_b64_decode(apr_pool_t *p, const char *s, size_t len,
                              unsigned char **out, size_t *out_len)
{
    uint8_t *raw = NULL;
    cjose_err err;
    char *copy = apr_pstrmemdup(p, s, len);

    if (strspn(copy, SSO_JWT_B64URL_CHARS) != len
        || !cjose_base64url_decode(copy, len, &raw, out_len, &err)) {
        return 0;
    }
    *out = apr_pmemdup(p, raw ? (void *)raw : "", *out_len + 1);
    cjose_get_dealloc()(raw);
    return 1;
}

static const char *sso_jwt_b64_encode(apr_pool_t *p, const unsigned char *in,
                                      size_t len)
{
    char *enc = NULL;
    size_t enc_len = 0;
    cjose_err err;
    const char *r;

    if (!cjose_base64url_encode(in, len, &enc, &enc_len, &err)) {
        return NULL;
    }
    r = apr_pstrmemdup(p, enc, enc_len);
    cjose_get_dealloc()(enc);
    return r;
}

static const sso_jwt_alg *sso_jwt_alg_find(const char *name)
{
    size_t i;

    for (i = 0; name && i < sizeof(sso_jwt_algs) / sizeof(sso_jwt_algs[0]);
         i++) {
        if (!strcmp(sso_jwt_algs[i].name, name)) {
            return &sso_jwt_algs[i];
        }
    }
    return NULL;
}

/* ---- JWK import ---- */

static apr_status_t sso_jwk_cleanup(void *data)
{
    EVP_PKEY_free(data);
    return APR_SUCCESS;
}

/* A base64url member of the JWK, e.g. RSA "n"; NULL or why not. */
static const char *sso_jwk_bytes(apr_pool_t *p, json_t *jwk, const char *name,
                                 unsigned char **out, size_t *len)
{
    const char *s = sso_jwt_json_cstr(json_object_get(jwk, name));

    if (!s) {
        return apr_psprintf(p, "'%s' is missing or not a string", name);
    }
    if (!*s || !sso_jwt_b64_decode(p, s, strlen(s), out, len)) {
        return apr_psprintf(p, "'%s' is not base64url", name);
    }
    return NULL;
}

static EVP_PKEY *sso_jwk_fromdata(const char *type, const OSSL_PARAM *params)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
    EVP_PKEY *pkey = NULL;

    if (ctx && EVP_PKEY_fromdata_init(ctx) > 0) {
        EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY,
                          (OSSL_PARAM *)params);
    }
    EVP_PKEY_CTX_free(ctx);
    return pkey;
}

static EVP_PKEY *sso_jwk_rsa_pkey(const unsigned char *n, size_t n_len,
                                  const unsigned char *e, size_t e_len)
{
    BIGNUM *bn_n = BN_bin2bn(n, (int)n_len, NULL);
    BIGNUM *bn_e = BN_bin2bn(e, (int)e_len, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *pkey = NULL;

    if (bn_n && bn_e && bld
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n)
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
        params = OSSL_PARAM_BLD_to_param(bld);
    }
    if (params) {
        pkey = sso_jwk_fromdata("RSA", params);
    }
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
    return pkey;
}

static const char *sso_jwk_rsa(apr_pool_t *p, json_t *jwk, sso_jwk *k)
{
    unsigned char *n, *e;
    size_t n_len, e_len;
    const char *why;

    if ((why = sso_jwk_bytes(p, jwk, "n", &n, &n_len))
        || (why = sso_jwk_bytes(p, jwk, "e", &e, &e_len))) {
        return why;
    }
    if (n_len > SSO_JWK_RSA_MAX_BYTES || e_len > 8) {
        return "RSA key is implausibly large";
    }
    if (!(k->pkey = sso_jwk_rsa_pkey(n, n_len, e, e_len))) {
        return "OpenSSL refused the RSA key";
    }
    if (EVP_PKEY_get_bits(k->pkey) < SSO_JWK_RSA_MIN_BITS) {
        return apr_psprintf(p, "RSA key has %d bits, fewer than %d",
                            EVP_PKEY_get_bits(k->pkey), SSO_JWK_RSA_MIN_BITS);
    }
    return NULL;
}

static const sso_jwt_alg *sso_jwk_ec_curve(const char *crv)
{
    size_t i;

    for (i = 0; crv && i < sizeof(sso_jwt_algs) / sizeof(sso_jwt_algs[0]);
         i++) {
        if (sso_jwt_algs[i].family == SSO_JWT_FAM_EC
            && !strcmp(sso_jwt_algs[i].crv, crv)) {
            return &sso_jwt_algs[i];
        }
    }
    return NULL;
}

/* Point validity matters for ECDSA: OpenSSL checks it on import and in
 * EVP_PKEY_public_check; ask explicitly rather than rely on the former. */
static int sso_jwk_ec_valid(EVP_PKEY *pkey)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pkey, NULL);
    int ok = ctx && EVP_PKEY_public_check(ctx) == 1;

    EVP_PKEY_CTX_free(ctx);
    return ok;
}

static EVP_PKEY *sso_jwk_ec_pkey(const char *crv, unsigned char *point,
                                 size_t len)
{
    OSSL_PARAM params[3];
    EVP_PKEY *pkey;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME,
                                                 (char *)crv, 0);
    params[1] =
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, point, len);
    params[2] = OSSL_PARAM_construct_end();
    pkey = sso_jwk_fromdata("EC", params);
    if (pkey && !sso_jwk_ec_valid(pkey)) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    return pkey;
}

static const char *sso_jwk_ec(apr_pool_t *p, json_t *jwk, sso_jwk *k)
{
    const sso_jwt_alg *curve = sso_jwk_ec_curve(k->crv);
    unsigned char *x, *y, *point;
    size_t x_len, y_len, n;
    const char *why;

    if (!curve) {
        return "EC curve is missing or not P-256, P-384 or P-521";
    }
    if ((why = sso_jwk_bytes(p, jwk, "x", &x, &x_len))
        || (why = sso_jwk_bytes(p, jwk, "y", &y, &y_len))) {
        return why;
    }
    n = curve->coord;
    if (x_len != n || y_len != n) {
        return apr_psprintf(p, "EC coordinates are not %d bytes long", (int)n);
    }
    /* Uncompressed SEC1 point: 0x04 || x || y. */
    point = apr_palloc(p, 1 + 2 * n);
    point[0] = 0x04;
    memcpy(point + 1, x, n);
    memcpy(point + 1 + n, y, n);
    if (!(k->pkey = sso_jwk_ec_pkey(k->crv, point, 1 + 2 * n))) {
        return "EC point is not on the curve";
    }
    return NULL;
}

static const char *sso_jwk_okp(apr_pool_t *p, json_t *jwk, sso_jwk *k)
{
    unsigned char *x;
    size_t x_len;
    const char *why;

    if (!k->crv || strcmp(k->crv, "Ed25519")) {
        return "OKP curve is missing or not Ed25519";
    }
    if ((why = sso_jwk_bytes(p, jwk, "x", &x, &x_len))) {
        return why;
    }
    if (x_len != 32) {
        return "Ed25519 key is not 32 bytes long";
    }
    k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_len);
    return k->pkey ? NULL : "OpenSSL refused the Ed25519 key";
}

/* An optional string member, copied: the JSON document does not outlive
 * sso_jwks_parse. NULL or why it is unusable. */
static const char *sso_jwk_opt_string(apr_pool_t *p, json_t *jwk,
                                      const char *name, const char **out)
{
    json_t *v = json_object_get(jwk, name);
    const char *s = sso_jwt_json_cstr(v);

    *out = s ? apr_pstrdup(p, s) : NULL;
    if (v && !s) {
        return apr_psprintf(p, "'%s' is not a string", name);
    }
    return NULL;
}

static int sso_jwk_ops_verify(json_t *ops)
{
    size_t i;
    json_t *op;

    json_array_foreach(ops, i,
                       op) if (json_is_string(op)
                               && !strcmp(json_string_value(op), "verify"))
    {
        return 1;
    }
    return 0;
}

/* kty, kid, crv, alg, use and key_ops: the members every JWK shares. */
static const char *sso_jwk_common(apr_pool_t *p, json_t *jwk, sso_jwk *k)
{
    const char *use, *why;
    json_t *ops = json_object_get(jwk, "key_ops");

    if ((why = sso_jwk_opt_string(p, jwk, "kty", &k->kty))
        || (why = sso_jwk_opt_string(p, jwk, "kid", &k->kid))
        || (why = sso_jwk_opt_string(p, jwk, "crv", &k->crv))
        || (why = sso_jwk_opt_string(p, jwk, "alg", &k->alg))
        || (why = sso_jwk_opt_string(p, jwk, "use", &use))) {
        return why;
    }
    if (!k->kty) {
        return "'kty' is missing";
    }
    if (use && strcmp(use, "sig")) {
        return apr_psprintf(p, "'use' is '%s', not 'sig'",
                            sso_jwt_printable(p, use));
    }
    if (ops && !sso_jwk_ops_verify(ops)) {
        return "'key_ops' does not include 'verify'";
    }
    if (k->alg && !sso_jwt_alg_find(k->alg)) {
        return apr_psprintf(p, "alg '%s' is not a supported signature alg",
                            sso_jwt_printable(p, k->alg));
    }
    return NULL;
}

static const char *sso_jwk_load(apr_pool_t *p, json_t *jwk, sso_jwk *k)
{
    const char *why;

    if (!json_is_object(jwk)) {
        return "not a JSON object";
    }
    if ((why = sso_jwk_common(p, jwk, k))) {
        return why;
    }
    if (!strcmp(k->kty, "RSA")) {
        return sso_jwk_rsa(p, jwk, k);
    }
    if (!strcmp(k->kty, "EC")) {
        return sso_jwk_ec(p, jwk, k);
    }
    if (!strcmp(k->kty, "OKP")) {
        return sso_jwk_okp(p, jwk, k);
    }
    /* kty "oct" lands here too: a shared secret has no place in a JWKS. */
    return apr_psprintf(p, "kty '%s' is not supported",
                        sso_jwt_printable(p, k->kty));
}

static void sso_jwks_add(apr_pool_t *p, sso_jwks *keys, json_t *jwk, size_t i)
{
    sso_jwk k = { NULL, NULL, NULL, NULL, NULL };
    const char *why = keys->keys->nelts >= SSO_JWKS_MAX_KEYS
                          ? "too many keys in the JWKS"
                          : sso_jwk_load(p, jwk, &k);

    if (k.pkey) {
        apr_pool_cleanup_register(p, k.pkey, sso_jwk_cleanup,
                                  apr_pool_cleanup_null);
    }
    if (!why) {
        APR_ARRAY_PUSH(keys->keys, sso_jwk) = k;
        return;
    }
    APR_ARRAY_PUSH(keys->skipped, const char *) = apr_psprintf(
        p, "JWKS key #%d%s%s%s: %s", (int)i, k.kid ? " (kid '" : "",
        k.kid ? sso_jwt_printable(p, k.kid) : "", k.kid ? "')" : "", why);
    ERR_clear_error();
}

apr_status_t sso_jwks_parse(apr_pool_t *p, const char *json, size_t len,
                            sso_jwks **out, const char **err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *list = json_object_get(doc, "keys"), *jwk;
    sso_jwks *keys;
    size_t i;

    *out = NULL;
    if (!json_is_array(list)) {
        *err = doc ? "JWKS has no \"keys\" array"
                   : apr_psprintf(p, "JWKS is not JSON: %s", jerr.text);
        json_decref(doc);
        return APR_EINVAL;
    }
    keys = apr_pcalloc(p, sizeof(*keys));
    keys->keys = apr_array_make(p, 4, sizeof(sso_jwk));
    keys->skipped = apr_array_make(p, 1, sizeof(const char *));
    json_array_foreach(list, i, jwk) sso_jwks_add(p, keys, jwk, i);
    json_decref(doc);
    *out = keys;
    *err = NULL;
    return APR_SUCCESS;
}

int sso_jwks_count(const sso_jwks *keys)
{
    return keys ? keys->keys->nelts : 0;
}

int sso_jwks_skipped(const sso_jwks *keys)
{
    return keys ? keys->skipped->nelts : 0;
}

const char *sso_jwks_skipped_reason(const sso_jwks *keys, int i)
{
    if (i < 0 || i >= sso_jwks_skipped(keys)) {
        return NULL;
    }
    return APR_ARRAY_IDX(keys->skipped, i, const char *);
}

static const sso_jwk *sso_jwks_at(const sso_jwks *keys, int i)
{
    return &APR_ARRAY_IDX(keys->keys, i, sso_jwk);
}

const sso_jwk *sso_jwks_find(const sso_jwks *keys, const char *kid)
{
    const sso_jwk *k;
    int i;

    for (i = 0; kid && i < sso_jwks_count(keys); i++) {
        k = sso_jwks_at(keys, i);
        if (k->kid && !strcmp(k->kid, kid)) {
            return k;
        }
    }
    return NULL;
}

const char *sso_jwk_describe(apr_pool_t *p, const sso_jwk *k)
{
    const char *type =
        strcmp(k->kty, "RSA")
            ? apr_pstrcat(p, k->kty, " ", k->crv, NULL)
            : apr_psprintf(p, "RSA %d bits", EVP_PKEY_get_bits(k->pkey));

    return apr_psprintf(p, "kid '%s', %s%s%s",
                        k->kid ? sso_jwt_printable(p, k->kid) : "(none)", type,
                        k->alg ? ", alg " : "", k->alg ? k->alg : "");
}

/* ---- signature ---- */

static sso_jwt_status sso_jwt_fail(sso_jwt_ctx *c, sso_jwt_status status,
                                   const char *error)
{
    c->out->error = error;
    return status;
}

static int sso_jwk_fits(const sso_jwk *k, const sso_jwt_alg *alg)
{
    if (k->alg && strcmp(k->alg, alg->name)) {
        return 0;
    }
    switch (alg->family) {
    case SSO_JWT_FAM_RSA:
    case SSO_JWT_FAM_PSS:
        return !strcmp(k->kty, "RSA");
    case SSO_JWT_FAM_EC:
    case SSO_JWT_FAM_ED:
        return !strcmp(k->kty, alg->family == SSO_JWT_FAM_EC ? "EC" : "OKP")
               && !strcmp(k->crv, alg->crv);
    default:
        return 0;
    }
}

/* RFC 7518 §3.5: PSS with MGF1 over the same hash, salt as long as it. */
static int sso_jwt_pss_setup(const sso_jwt_alg *alg, EVP_PKEY_CTX *pctx)
{
    if (alg->family != SSO_JWT_FAM_PSS) {
        return 1;
    }
    return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0
           && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0
           && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, alg->md()) > 0;
}

static int sso_jwt_evp_ok(const sso_jwt_ctx *c, EVP_PKEY *pkey,
                          const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    /* Ed25519 hashes internally: EVP wants no digest for it. */
    const EVP_MD *digest =
        c->alg->family == SSO_JWT_FAM_ED ? NULL : c->alg->md();
    int ok =
        md && EVP_DigestVerifyInit(md, &pctx, digest, NULL, pkey) > 0
        && sso_jwt_pss_setup(c->alg, pctx)
        && EVP_DigestVerify(md, sig, sig_len, (const unsigned char *)c->compact,
                            c->signing_len)
               == 1;

    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

/* JOSE sends R || S (RFC 7518 §3.4); OpenSSL verifies DER. */
static int sso_jwt_ecdsa_ok(const sso_jwt_ctx *c, EVP_PKEY *pkey)
{
    size_t n = c->alg->coord;
    ECDSA_SIG *sig = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(c->sig, (int)n, NULL);
    BIGNUM *s = BN_bin2bn(c->sig + n, (int)n, NULL);
    unsigned char *der = NULL;
    int der_len = 0, ok;

    if (sig && r && s && ECDSA_SIG_set0(sig, r, s)) {
        r = s = NULL; /* sig owns them now */
        der_len = i2d_ECDSA_SIG(sig, &der);
    }
    ok = der_len > 0 && sso_jwt_evp_ok(c, pkey, der, (size_t)der_len);
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    OPENSSL_free(der);
    return ok;
}

static int sso_jwt_sig_ok(const sso_jwt_ctx *c, const sso_jwk *k)
{
    if (c->alg->family != SSO_JWT_FAM_EC) {
        return sso_jwt_evp_ok(c, k->pkey, c->sig, c->sig_len);
    }
    return c->sig_len == 2 * c->alg->coord && sso_jwt_ecdsa_ok(c, k->pkey);
}

static sso_jwt_status sso_jwt_check_hmac(sso_jwt_ctx *c)
{
    const char *secret = c->expect->client_secret;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int mac_len = 0;
    int ok;

    ok = HMAC(c->alg->md(), secret, (int)strlen(secret),
              (const unsigned char *)c->compact, c->signing_len, mac, &mac_len)
         && mac_len == c->sig_len && CRYPTO_memcmp(mac, c->sig, mac_len) == 0;
    OPENSSL_cleanse(mac, sizeof(mac));
    if (!ok) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_SIGNATURE,
            apr_psprintf(c->p,
                         "ID token %s signature does not match SSOClientSecret",
                         c->alg->name));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_keys_failed(sso_jwt_ctx *c, int named, int tried,
                                          const sso_jwk *misfit)
{
    const char *kid = c->kid ? sso_jwt_printable(c->p, c->kid) : NULL;

    if (tried) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_SIGNATURE,
            apr_psprintf(c->p,
                         "ID token %s signature does not verify with %s%s%s "
                         "(%d key%s tried)",
                         c->alg->name, kid ? "key '" : "any key",
                         kid ? kid : "", kid ? "'" : "", tried,
                         tried == 1 ? "" : "s"));
    }
    if (misfit) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_ALG,
            apr_psprintf(c->p, "ID token alg %s does not fit its key (%s)",
                         c->alg->name, sso_jwk_describe(c->p, misfit)));
    }
    if (kid && !named) {
        return sso_jwt_fail(
            c, SSO_JWT_UNKNOWN_KID,
            apr_psprintf(
                c->p,
                "ID token key '%s' is not in the provider's JWKS (%d keys)",
                kid, sso_jwks_count(c->keys)));
    }
    return sso_jwt_fail(c, SSO_JWT_UNKNOWN_KID,
                        apr_psprintf(c->p,
                                     "ID token has no kid and the provider's "
                                     "JWKS (%d keys) has none for %s",
                                     sso_jwks_count(c->keys), c->alg->name));
}

static int sso_jwt_fitting_keys(const sso_jwt_ctx *c)
{
    int i, n = 0;

    for (i = 0; i < sso_jwks_count(c->keys); i++) {
        n += sso_jwk_fits(sso_jwks_at(c->keys, i), c->alg) ? 1 : 0;
    }
    return n;
}

/* With a kid, only keys carrying it are candidates. Without one, the token
 * is accepted only when exactly one key fits the alg: OpenID Connect Core
 * 10.1 requires a kid when the JWKS holds several, and guessing among them
 * is refused. */
static sso_jwt_status sso_jwt_check_keys(sso_jwt_ctx *c)
{
    const sso_jwk *k, *misfit = NULL;
    int i, named = 0, tried = 0, fitting;

    if (!c->kid && (fitting = sso_jwt_fitting_keys(c)) > 1) {
        return sso_jwt_fail(
            c, SSO_JWT_UNKNOWN_KID,
            apr_psprintf(c->p,
                         "ID token has no kid, but the provider publishes %d "
                         "keys for %s "
                         "(OpenID Connect Core 10.1 requires a kid then)",
                         fitting, c->out->alg));
    }

    for (i = 0; i < sso_jwks_count(c->keys); i++) {
        k = sso_jwks_at(c->keys, i);
        if (c->kid && (!k->kid || strcmp(k->kid, c->kid))) {
            continue;
        }
        named++;
        if (!sso_jwk_fits(k, c->alg)) {
            misfit = k;
            continue;
        }
        tried++;
        if (sso_jwt_sig_ok(c, k)) {
            /* Copied: the JWKS may be replaced before p goes away. */
            c->out->kid = apr_pstrdup(c->p, k->kid);
            return SSO_JWT_OK;
        }
    }
    return sso_jwt_keys_failed(c, named, tried, c->kid ? misfit : NULL);
}

static sso_jwt_status sso_jwt_check_signature(sso_jwt_ctx *c)
{
    if (c->alg->family == SSO_JWT_FAM_HMAC) {
        return sso_jwt_check_hmac(c);
    }
    return sso_jwt_check_keys(c);
}

/* ---- parsing ---- */

static sso_jwt_status sso_jwt_part_json(sso_jwt_ctx *c, const char *b64,
                                        size_t len, const char *what,
                                        json_t **out)
{
    unsigned char *raw;
    size_t raw_len;
    json_error_t jerr;

    if (!len || !sso_jwt_b64_decode(c->p, b64, len, &raw, &raw_len)) {
        return sso_jwt_fail(
            c, SSO_JWT_MALFORMED,
            apr_psprintf(c->p, "ID token %s is not base64url", what));
    }
    /* The decoder's message would quote the token: give the offset only. */
    *out = sso_jwt_json_keep(c->p, json_loadb((const char *)raw, raw_len,
                                              JSON_REJECT_DUPLICATES, &jerr));
    if (!*out) {
        return sso_jwt_fail(
            c, SSO_JWT_MALFORMED,
            apr_psprintf(c->p, "ID token %s is not JSON (error at byte %d)",
                         what, (int)jerr.position));
    }
    if (!json_is_object(*out)) {
        return sso_jwt_fail(
            c, SSO_JWT_MALFORMED,
            apr_psprintf(c->p, "ID token %s is not a JSON object", what));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_alg_allowed(sso_jwt_ctx *c, const char *name)
{
    const char *secret = c->expect->client_secret;

    c->alg = sso_jwt_alg_find(name);
    if (!c->alg) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_ALG,
            apr_psprintf(
                c->p, "ID token alg '%s' is not allowed (RS*, PS*, ES*, EdDSA)",
                c->out->alg));
    }
    if (c->alg->family == SSO_JWT_FAM_HMAC
        && (!c->expect->allow_hs || !secret || !*secret)) {
        return sso_jwt_fail(c, SSO_JWT_BAD_ALG,
                            apr_psprintf(c->p,
                                         "ID token alg %s (shared secret) is "
                                         "not enabled for this client",
                                         c->alg->name));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_read_header(sso_jwt_ctx *c)
{
    json_t *alg = json_object_get(c->header, "alg");
    json_t *kid = json_object_get(c->header, "kid");

    if (!sso_jwt_json_cstr(alg)) {
        return sso_jwt_fail(c, SSO_JWT_MALFORMED, "ID token header has no alg");
    }
    c->out->alg = sso_jwt_printable(c->p, json_string_value(alg));
    /* RFC 7515 §4.1.11: extensions we do not know must not be ignored. */
    if (json_object_get(c->header, "crit")) {
        return sso_jwt_fail(
            c, SSO_JWT_MALFORMED,
            "ID token header has critical extensions (crit), none supported");
    }
    if (kid && !(c->kid = sso_jwt_json_cstr(kid))) {
        return sso_jwt_fail(c, SSO_JWT_MALFORMED,
                            "ID token header kid is not a string");
    }
    return sso_jwt_alg_allowed(c, json_string_value(alg));
}

static const char *sso_jwt_too_long(apr_pool_t *p, const char *compact)
{
    if (!compact || !*compact) {
        return "ID token is empty";
    }
    if (!memchr(compact, '\0', SSO_JWT_MAX_LEN + 1)) {
        return apr_psprintf(p, "ID token is longer than %d bytes",
                            SSO_JWT_MAX_LEN);
    }
    return NULL;
}

/* Splits header.payload.signature and decodes all three. */
static sso_jwt_status sso_jwt_parse(sso_jwt_ctx *c)
{
    const char *s = c->compact, *why = sso_jwt_too_long(c->p, s);
    const char *dot1 = why ? NULL : strchr(s, '.');
    const char *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    const char *sig = dot2 ? dot2 + 1 : NULL;
    sso_jwt_status st;

    if (why) {
        return sso_jwt_fail(c, SSO_JWT_MALFORMED, why);
    }
    if (!dot2 || strchr(sig, '.')) {
        return sso_jwt_fail(
            c, SSO_JWT_MALFORMED,
            "ID token is not a compact JWS (three dot-separated parts)");
    }
    c->signing_len = (size_t)(dot2 - s);
    if ((st = sso_jwt_part_json(c, s, dot1 - s, "header", &c->header))
        || (st = sso_jwt_read_header(c))
        || (st = sso_jwt_part_json(c, dot1 + 1, dot2 - dot1 - 1, "payload",
                                   &c->claims))) {
        return st;
    }
    if (!*sig
        || !sso_jwt_b64_decode(c->p, sig, strlen(sig), &c->sig, &c->sig_len)) {
        return sso_jwt_fail(c, SSO_JWT_MALFORMED,
                            "ID token signature is missing or not base64url");
    }
    return SSO_JWT_OK;
}

/* ---- claims ---- */

static int sso_jwt_numeric_date(json_t *claims, const char *name,
                                apr_int64_t *out)
{
    json_t *v = json_object_get(claims, name);
    double d = json_number_value(v);

    if (!json_is_number(v) || d < 0 || d > SSO_JWT_DATE_MAX) {
        return 0;
    }
    *out = (apr_int64_t)d;
    return 1;
}

static int sso_jwt_skew(const sso_jwt_ctx *c)
{
    return c->expect->clock_skew > 0 ? c->expect->clock_skew : 0;
}

static sso_jwt_status sso_jwt_check_iss(sso_jwt_ctx *c)
{
    const char *iss = sso_jwt_claim_string(c->claims, "iss");
    const char *want = c->expect->issuer ? c->expect->issuer : "";

    if (!*want) {
        return sso_jwt_fail(c, SSO_JWT_BAD_ISS, "SSOAuthority is not set");
    }
    if (!iss) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_ISS,
            apr_psprintf(c->p,
                         "ID token has no issuer (iss); SSOAuthority is '%s'",
                         sso_jwt_printable(c->p, want)));
    }
    if (strcmp(iss, want)) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_ISS,
            apr_psprintf(
                c->p, "ID token issuer '%s' differs from SSOAuthority '%s'",
                sso_jwt_printable(c->p, iss), sso_jwt_printable(c->p, want)));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_aud_one(sso_jwt_ctx *c, json_t *v)
{
    const char *aud = sso_jwt_json_cstr(v);

    if (!aud) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_AUD,
            "ID token audience (aud) holds a value that is not a string");
    }
    if (strcmp(aud, c->expect->client_id)) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_AUD,
            apr_psprintf(c->p, "ID token audience '%s' is not SSOClientID '%s'",
                         sso_jwt_printable(c->p, aud),
                         sso_jwt_printable(c->p, c->expect->client_id)));
    }
    return SSO_JWT_OK;
}

/* Every audience must be us: an array naming anyone else is refused, since
 * that party could replay the token here (Core §3.1.3.7 step 3). */
static sso_jwt_status sso_jwt_check_aud(sso_jwt_ctx *c)
{
    json_t *aud = json_object_get(c->claims, "aud"), *v;
    sso_jwt_status st;
    size_t i;

    if (!c->expect->client_id || !*c->expect->client_id) {
        return sso_jwt_fail(c, SSO_JWT_BAD_AUD, "SSOClientID is not set");
    }
    if (!json_is_array(aud)) {
        return aud ? sso_jwt_aud_one(c, aud)
                   : sso_jwt_fail(c, SSO_JWT_BAD_AUD,
                                  "ID token has no audience (aud)");
    }
    if (!json_array_size(aud)) {
        return sso_jwt_fail(c, SSO_JWT_BAD_AUD,
                            "ID token audience list is empty");
    }
    json_array_foreach(aud, i, v) if ((st = sso_jwt_aud_one(c, v)))
    {
        return st;
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_check_azp(sso_jwt_ctx *c)
{
    json_t *azp = json_object_get(c->claims, "azp");
    size_t n = json_array_size(json_object_get(c->claims, "aud"));
    const char *party = sso_jwt_json_cstr(azp);

    if (!azp && n > 1) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_AZP,
            apr_psprintf(
                c->p, "ID token has %d audiences but no authorized party (azp)",
                (int)n));
    }
    if (azp && (!party || strcmp(party, c->expect->client_id))) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_AZP,
            apr_psprintf(
                c->p,
                "ID token authorized party (azp) '%s' is not SSOClientID '%s'",
                party ? sso_jwt_printable(c->p, party) : "(not a string)",
                sso_jwt_printable(c->p, c->expect->client_id)));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_check_exp(sso_jwt_ctx *c)
{
    apr_int64_t exp;

    if (!sso_jwt_numeric_date(c->claims, "exp", &exp)) {
        return sso_jwt_fail(c, SSO_JWT_EXPIRED,
                            "ID token has no valid expiry time (exp)");
    }
    if (c->expect->now > exp + sso_jwt_skew(c)) {
        return sso_jwt_fail(c, SSO_JWT_EXPIRED,
                            apr_psprintf(c->p,
                                         "ID token expired %" APR_INT64_T_FMT
                                         " s ago (SSOClockSkew %d)",
                                         c->expect->now - exp,
                                         sso_jwt_skew(c)));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_check_iat(sso_jwt_ctx *c)
{
    apr_int64_t iat;

    if (!sso_jwt_numeric_date(c->claims, "iat", &iat)) {
        return sso_jwt_fail(c, SSO_JWT_BAD_IAT,
                            "ID token has no valid issue time (iat)");
    }
    if (iat > c->expect->now + sso_jwt_skew(c)) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_IAT,
            apr_psprintf(c->p,
                         "ID token issued %" APR_INT64_T_FMT " s in the future "
                         "(SSOClockSkew %d)",
                         iat - c->expect->now, sso_jwt_skew(c)));
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_check_sub(sso_jwt_ctx *c)
{
    const char *sub = sso_jwt_claim_string(c->claims, "sub");

    if (!sub || !*sub) {
        return sso_jwt_fail(
            c, SSO_JWT_NO_SUB,
            "ID token has no subject (sub), or it is not a non-empty string");
    }
    if (strlen(sub) > SSO_JWT_SUB_MAX) {
        return sso_jwt_fail(
            c, SSO_JWT_NO_SUB,
            apr_psprintf(c->p,
                         "ID token subject is %d bytes long, more than %d",
                         (int)strlen(sub), SSO_JWT_SUB_MAX));
    }
    return SSO_JWT_OK;
}

/* The nonce ties the token to this browser's login: it is not logged. */
static sso_jwt_status sso_jwt_check_nonce(sso_jwt_ctx *c)
{
    const char *got = sso_jwt_claim_string(c->claims, "nonce");
    const char *want = c->expect->nonce;

    /* Core §12.2: a refreshed ID token carries the original nonce, if any,
     * which was used up at login. */
    if (c->expect->refreshed) {
        return SSO_JWT_OK;
    }
    if (!want || !*want) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_NONCE,
            "ID token nonce cannot be checked: no nonce was sent");
    }
    if (!got) {
        return sso_jwt_fail(c, SSO_JWT_BAD_NONCE, "ID token has no nonce");
    }
    if (!sso_secret_equal(got, want)) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_NONCE,
            "ID token nonce differs from the one sent with the login request");
    }
    return SSO_JWT_OK;
}

/* Core §3.1.3.6: base64url of the left half of the access token's hash,
 * with the alg's hash (SHA-512 for Ed25519). */
static const char *sso_jwt_half_hash(apr_pool_t *p, const EVP_MD *md,
                                     const char *token)
{
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(token, strlen(token), h, &n, md, NULL)) {
        return NULL;
    }
    return sso_jwt_b64_encode(p, h, n / 2);
}

static sso_jwt_status sso_jwt_check_at_hash(sso_jwt_ctx *c)
{
    json_t *claim = json_object_get(c->claims, "at_hash");
    const char *got = sso_jwt_json_cstr(claim), *want;

    if (!claim || !c->expect->access_token) {
        return SSO_JWT_OK;
    }
    want = sso_jwt_half_hash(c->p, c->alg->md(), c->expect->access_token);
    if (!got || !want || !sso_secret_equal(got, want)) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_AT_HASH,
            apr_psprintf(
                c->p, "ID token at_hash does not match the access token (%s)",
                EVP_MD_get0_name(c->alg->md())));
    }
    return SSO_JWT_OK;
}

typedef sso_jwt_status (*sso_jwt_check_fn)(sso_jwt_ctx *c);

/* In the order of Core §3.1.3.7, so the first problem is the one reported. */
static const sso_jwt_check_fn sso_jwt_claim_checks[] = {
    sso_jwt_check_iss,   sso_jwt_check_aud,     sso_jwt_check_azp,
    sso_jwt_check_exp,   sso_jwt_check_iat,     sso_jwt_check_sub,
    sso_jwt_check_nonce, sso_jwt_check_at_hash,
};

/* ---- logout tokens (Back-Channel Logout 1.0) ---- */

/* §2.6 step 2 asks iat to be checked as for ID tokens; a token much older
 * than the skew is refused too, so a replay mark (jti) need only live for
 * twice the skew. */
static sso_jwt_status sso_jwt_check_logout_iat(sso_jwt_ctx *c)
{
    apr_int64_t iat;
    sso_jwt_status st = sso_jwt_check_iat(c);

    if (st || !sso_jwt_numeric_date(c->claims, "iat", &iat)) {
        return st;
    }
    if (iat < c->expect->now - sso_jwt_skew(c)) {
        return sso_jwt_fail(c, SSO_JWT_BAD_IAT,
                            apr_psprintf(c->p,
                                         "ID token issued %" APR_INT64_T_FMT
                                         " s ago (SSOClockSkew %d)",
                                         c->expect->now - iat,
                                         sso_jwt_skew(c)));
    }
    return SSO_JWT_OK;
}

/* exp is optional in a logout token (§2.4), checked when present. */
static sso_jwt_status sso_jwt_check_logout_exp(sso_jwt_ctx *c)
{
    return json_object_get(c->claims, "exp") ? sso_jwt_check_exp(c)
                                             : SSO_JWT_OK;
}

/* §2.6 step 3: sub or sid, or both; each a non-empty string when there. */
static sso_jwt_status sso_jwt_check_sid_or_sub(sso_jwt_ctx *c)
{
    json_t *sub = json_object_get(c->claims, "sub");
    json_t *sid = json_object_get(c->claims, "sid");
    const char *v = sso_jwt_json_cstr(sid);

    if (!sub && !sid) {
        return sso_jwt_fail(c, SSO_JWT_NO_SUB,
                            "ID token has neither sid nor sub");
    }
    if (sid && (!v || !*v || strlen(v) > SSO_JWT_SUB_MAX)) {
        return sso_jwt_fail(
            c, SSO_JWT_NO_SUB,
            "ID token sid is not a non-empty string of at most 255 bytes");
    }
    return sub ? sso_jwt_check_sub(c) : SSO_JWT_OK;
}

/* §2.6 step 4: events holds the backchannel-logout member, an object. */
static sso_jwt_status sso_jwt_check_events(sso_jwt_ctx *c)
{
    json_t *events = json_object_get(c->claims, "events");

    if (!json_is_object(events)) {
        return sso_jwt_fail(c, SSO_JWT_BAD_EVENTS,
                            "ID token has no events claim (a JSON object)");
    }
    if (!json_is_object(json_object_get(events, SSO_JWT_LOGOUT_EVENT))) {
        return sso_jwt_fail(c, SSO_JWT_BAD_EVENTS,
                            "ID token events claim has no " SSO_JWT_LOGOUT_EVENT
                            " member that is a JSON object");
    }
    return SSO_JWT_OK;
}

/* §2.6 step 5: a nonce would let an ID token pass for a logout token. */
static sso_jwt_status sso_jwt_check_no_nonce(sso_jwt_ctx *c)
{
    if (json_object_get(c->claims, "nonce")) {
        return sso_jwt_fail(
            c, SSO_JWT_BAD_NONCE,
            "ID token has a nonce, which a logout token must not have");
    }
    return SSO_JWT_OK;
}

static sso_jwt_status sso_jwt_check_jti(sso_jwt_ctx *c)
{
    const char *jti = sso_jwt_claim_string(c->claims, "jti");

    if (!jti || !*jti || strlen(jti) > SSO_JWT_SUB_MAX) {
        return sso_jwt_fail(
            c, SSO_JWT_NO_JTI,
            "ID token has no jti, or it is not a non-empty string of at "
            "most 255 bytes");
    }
    return SSO_JWT_OK;
}

/* In the order of Back-Channel Logout 1.0 §2.6. */
static const sso_jwt_check_fn sso_jwt_logout_checks[] = {
    sso_jwt_check_iss,        sso_jwt_check_aud,
    sso_jwt_check_logout_iat, sso_jwt_check_logout_exp,
    sso_jwt_check_sid_or_sub, sso_jwt_check_events,
    sso_jwt_check_no_nonce,   sso_jwt_check_jti,
};

/* ---- public ---- */

static sso_jwt_status sso_jwt_run(sso_jwt_ctx *c, apr_pool_t *p,
                                  const char *compact, const sso_jwks *keys,
                                  const sso_jwt_expect *expect,
                                  sso_jwt_result *out,
                                  const sso_jwt_check_fn *checks, size_t n)
{
    sso_jwt_status st;
    size_t i;

    memset(out, 0, sizeof(*out));
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->compact = compact;
    c->keys = keys;
    c->expect = expect;
    c->out = out;
    if ((st = sso_jwt_parse(c)) || (st = sso_jwt_check_signature(c))) {
        return st;
    }
    for (i = 0; !st && i < n; i++) {
        st = checks[i](c);
    }
    if (st) {
        return st;
    }
    out->claims = c->claims;
    out->sub = sso_jwt_claim_string(c->claims, "sub");
    out->iss = sso_jwt_claim_string(c->claims, "iss");
    out->alg = c->alg->name;
    return SSO_JWT_OK;
}

sso_jwt_status sso_jwt_verify(apr_pool_t *p, const char *compact,
                              const sso_jwks *keys,
                              const sso_jwt_expect *expect, sso_jwt_result *out)
{
    sso_jwt_ctx c;

    return sso_jwt_run(&c, p, compact, keys, expect, out, sso_jwt_claim_checks,
                       sizeof(sso_jwt_claim_checks)
                           / sizeof(sso_jwt_claim_checks[0]));
}

sso_jwt_status sso_jwt_verify_logout(apr_pool_t *p, const char *compact,
                                     const sso_jwks *keys,
                                     const sso_jwt_expect *expect,
                                     sso_jwt_result *out)
{
    sso_jwt_ctx c;
    sso_jwt_status st = sso_jwt_run(
        &c, p, compact, keys, expect, out, sso_jwt_logout_checks,
        sizeof(sso_jwt_logout_checks) / sizeof(sso_jwt_logout_checks[0]));

    /* The shared checks speak of ID tokens. */
    if (st && out->error && !strncmp(out->error, "ID token", 8)) {
        out->error = apr_pstrcat(p, "logout token", out->error + 8, NULL);
    }
    if (st) {
        return st;
    }
    out->sid = sso_jwt_claim_string(c.claims, "sid");
    out->jti = sso_jwt_claim_string(c.claims, "jti");
    return SSO_JWT_OK;
}

const char *sso_jwt_status_name(sso_jwt_status status)
{
    static const char *const names[] = {
        "SSO_JWT_OK",          "SSO_JWT_MALFORMED",     "SSO_JWT_UNKNOWN_KID",
        "SSO_JWT_BAD_ALG",     "SSO_JWT_BAD_SIGNATURE", "SSO_JWT_BAD_ISS",
        "SSO_JWT_BAD_AUD",     "SSO_JWT_BAD_AZP",       "SSO_JWT_EXPIRED",
        "SSO_JWT_BAD_IAT",     "SSO_JWT_NO_SUB",        "SSO_JWT_BAD_NONCE",
        "SSO_JWT_BAD_AT_HASH", "SSO_JWT_BAD_EVENTS",    "SSO_JWT_NO_JTI",
    };

    if ((unsigned)status >= sizeof(names) / sizeof(names[0])) {
        return "SSO_JWT_UNKNOWN_STATUS";
    }
    return names[status];
}

int sso_jwt_claim_vouches(const json_t *verified)
{
    return !verified || json_is_true(verified);
}
