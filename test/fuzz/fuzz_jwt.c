/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* ID tokens: sso_jwt_verify (compact split, base64url and JSON decoding of
 * header and claims, alg and key choice, signature, claim checks) against
 * a fixed JWKS and fixed expectations.
 *
 * Two input forms, chosen by the first byte:
 *   0x01 HEADER-JSON 0x00 CLAIMS-JSON  the target base64url-encodes both
 *       parts and signs them (HS* with the client secret, RS* and PS* with
 *       the RSA key, ES256 with the EC key, by the header's alg), so the
 *       fuzzer reaches the claim checks behind the signature;
 *   anything else: the whole input is the compact token, as sent. */
#include "fuzz.h"
#include "sso_jwt.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>
#include "apr_encode.h"
#include "apr_strings.h"

#define NOW    1700000000
#define ISSUER "https://id.example.com"
#define CLIENT "client-1"
#define NONCE  "n-0S6_WzA2Mj"
#define SECRET "the-client-secret"
#define ACCESS "SlAV32hkKG"

static EVP_PKEY *k_rsa, *k_ec;
static sso_jwks *jwks;
static sso_jwt_expect expect;
/* FUZZ_VERBOSE=1: print each outcome (for checking seeds with replay). */
static int verbose;

static const char *b64(apr_pool_t *p, const unsigned char *in, size_t len)
{
    return apr_pencode_base64_binary(
        p, in, (apr_size_t)len, APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING,
        NULL);
}

static const char *b64_bn(apr_pool_t *p, EVP_PKEY *k, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char buf[512];
    int n;

    if (!EVP_PKEY_get_bn_param(k, name, &bn) || BN_num_bytes(bn) > 512) {
        abort();
    }
    n = BN_bn2bin(bn, buf);
    BN_free(bn);
    return b64(p, buf, (size_t)n);
}

/* {"keys": [RSA "rsa-1", EC P-256 "ec-1"]}, both generated afresh. */
static void make_jwks(apr_pool_t *p)
{
    unsigned char pub[65];
    size_t len = 0;
    const char *doc, *err = NULL;

    k_rsa = EVP_RSA_gen(2048);
    k_ec = EVP_EC_gen("P-256");
    if (!k_rsa || !k_ec
        || !EVP_PKEY_get_octet_string_param(k_ec, OSSL_PKEY_PARAM_PUB_KEY, pub,
                                            sizeof(pub), &len)
        || len != sizeof(pub)) {
        abort();
    }
    doc = apr_psprintf(
        p,
        "{\"keys\":["
        "{\"kty\":\"RSA\",\"kid\":\"rsa-1\",\"use\":\"sig\",\"n\":\"%s\",\"e\":"
        "\"%s\"},"
        "{\"kty\":\"EC\",\"kid\":\"ec-1\",\"use\":\"sig\",\"alg\":\"ES256\","
        "\"crv\":\"P-256\",\"x\":\"%s\",\"y\":\"%s\"}]}",
        b64_bn(p, k_rsa, OSSL_PKEY_PARAM_RSA_N),
        b64_bn(p, k_rsa, OSSL_PKEY_PARAM_RSA_E), b64(p, pub + 1, 32),
        b64(p, pub + 33, 32));
    if (sso_jwks_parse(p, doc, strlen(doc), &jwks, &err) != APR_SUCCESS
        || sso_jwks_count(jwks) != 2) {
        fprintf(stderr, "fuzz_jwt: own JWKS refused: %s\n", err ? err : "");
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    make_jwks(fuzz_root);
    expect.issuer = ISSUER;
    expect.client_id = CLIENT;
    expect.nonce = NONCE;
    expect.access_token = ACCESS;
    expect.now = NOW;
    expect.clock_skew = 60;
    expect.allow_hs = 1;
    expect.client_secret = SECRET;
    return 0;
}

static const EVP_MD *md_of(const char *alg)
{
    if (strstr(alg, "384")) {
        return EVP_sha384();
    }
    return strstr(alg, "512") ? EVP_sha512() : EVP_sha256();
}

/* Signature over input with key by alg, JOSE form; *len 0 when none. */
static unsigned char *sign_pkey(apr_pool_t *p, EVP_PKEY *key, const char *alg,
                                const char *input, size_t *len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char *sig = NULL;
    size_t n = 0;
    int pss = alg[0] == 'P';

    if (md && EVP_DigestSignInit(md, &pctx, md_of(alg), NULL, key) > 0
        && (!pss
            || (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx,
                                                    RSA_PSS_SALTLEN_DIGEST)
                       > 0))
        && EVP_DigestSign(md, NULL, &n, (const unsigned char *)input,
                          strlen(input))
               > 0) {
        sig = apr_palloc(p, n);
        if (EVP_DigestSign(md, sig, &n, (const unsigned char *)input,
                           strlen(input))
            <= 0) {
            n = 0;
        }
    }
    EVP_MD_CTX_free(md);
    if (n && key == k_ec) {
        /* DER ECDSA-Sig-Value to R || S, 32 bytes each. */
        const unsigned char *der = sig;
        ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &der, (long)n);
        unsigned char *rs = apr_pcalloc(p, 64);

        n = 0;
        if (es && BN_bn2binpad(ECDSA_SIG_get0_r(es), rs, 32) == 32
            && BN_bn2binpad(ECDSA_SIG_get0_s(es), rs + 32, 32) == 32) {
            n = 64;
        }
        ECDSA_SIG_free(es);
        sig = rs;
    }
    *len = n;
    return sig;
}

static unsigned char *sign(apr_pool_t *p, const char *alg, const char *input,
                           size_t *len)
{
    unsigned char *mac = apr_palloc(p, EVP_MAX_MD_SIZE);
    unsigned int n = 0;

    if (alg
        && (!strcmp(alg, "RS256") || !strcmp(alg, "RS384")
            || !strcmp(alg, "RS512") || !strcmp(alg, "PS256")
            || !strcmp(alg, "PS384") || !strcmp(alg, "PS512"))) {
        return sign_pkey(p, k_rsa, alg, input, len);
    }
    if (alg && !strcmp(alg, "ES256")) {
        return sign_pkey(p, k_ec, alg, input, len);
    }
    /* HS* by the secret; any other alg gets an HS256 MAC as filler. */
    HMAC(md_of(alg && alg[0] == 'H' ? alg : "HS256"), SECRET, strlen(SECRET),
         (const unsigned char *)input, strlen(input), mac, &n);
    *len = n;
    return mac;
}

/* HEADER 0x00 CLAIMS -> signed compact token. */
static const char *build(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t hlen = nul ? (size_t)(nul - data) : size;
    const uint8_t *claims = nul ? nul + 1 : data + size;
    size_t clen = size - hlen - (nul ? 1 : 0);
    json_t *header = json_loadb((const char *)data, hlen, 0, NULL);
    const char *alg = json_string_value(json_object_get(header, "alg"));
    const char *input =
        apr_pstrcat(p, b64(p, data, hlen), ".", b64(p, claims, clen), NULL);
    size_t sig_len = 0;
    unsigned char *sig = sign(p, alg, input, &sig_len);

    const char *compact =
        apr_pstrcat(p, input, ".", b64(p, sig, sig_len), NULL);

    json_decref(header);
    /* Exactly sized, so that over-reads reach ASan. */
    return fuzz_cstr(p, (const uint8_t *)compact, strlen(compact));
}

static void check_result(sso_jwt_status st, const sso_jwt_result *r)
{
    const char *name = sso_jwt_status_name(st);

    if (verbose) {
        fprintf(stderr, "%s %s\n", name, r->error ? r->error : "");
    }

    FUZZ_ASSERT(strcmp(name, "SSO_JWT_UNKNOWN_STATUS"));
    if (st != SSO_JWT_OK) {
        /* One line for the log, whatever the token holds. */
        FUZZ_ASSERT(r->error && !strpbrk(r->error, "\r\n"));
        FUZZ_ASSERT(!r->claims && !r->sub);
        return;
    }
    FUZZ_ASSERT(json_is_object(r->claims));
    FUZZ_ASSERT(r->sub && *r->sub && strlen(r->sub) <= 255);
    FUZZ_ASSERT(r->iss && !strcmp(r->iss, ISSUER));
    FUZZ_ASSERT(!strcmp(sso_jwt_claim_string(r->claims, "nonce"), NONCE));
    FUZZ_ASSERT(r->alg && strcmp(r->alg, "none"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;
    sso_jwt_result r;
    const char *compact;

    if (size > SSO_JWT_MAX_LEN + 16) {
        return 0;
    }
    if (size && data[0] == 0x01) {
        compact = build(p, data + 1, size - 1);
    }
    else {
        compact = fuzz_cstr(p, data, size);
    }
    check_result(sso_jwt_verify(p, compact, jwks, &expect, &r), &r);
    apr_pool_clear(p);
    return 0;
}
