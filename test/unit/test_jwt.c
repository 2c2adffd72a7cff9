/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_jwt.h"

#include <string.h>
#include <cjose/base64.h>
#include <cjose/util.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include "apr_strings.h"

#define NOW    1700000000
#define ISSUER "https://id.example.com"
#define CLIENT "client-1"
#define NONCE  "n-0S6_WzA2Mj"
#define SECRET "the-client-secret"

/* Keys are slow to make: once per run, shared by the forked tests. */
static EVP_PKEY *k_rsa, *k_rsa2, *k_ec256, *k_ec384, *k_ec521, *k_ed;

static sso_jwks *jwks;
static sso_jwt_expect expect;

/* ---- test-side JOSE: encoding, JWKs and signing ---- */

static const char *b64(const unsigned char *in, size_t len)
{
    char *enc = NULL;
    size_t enc_len = 0;
    cjose_err err;
    const char *r;

    ck_assert(cjose_base64url_encode(in, len, &enc, &enc_len, &err));
    r = apr_pstrmemdup(unit_pool, enc, enc_len);
    cjose_get_dealloc()(enc);
    return r;
}

static const char *b64_json(json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT);
    const char *r = b64((const unsigned char *)s, strlen(s));

    free(s);
    return r;
}

static const char *b64_bn(EVP_PKEY *k, const char *name)
{
    BIGNUM *bn = NULL;
    unsigned char buf[1024];
    int n;

    ck_assert(EVP_PKEY_get_bn_param(k, name, &bn));
    n = BN_bn2bin(bn, buf);
    BN_free(bn);
    return b64(buf, (size_t)n);
}

static json_t *jwk_rsa(EVP_PKEY *k)
{
    return json_pack("{s:s, s:s, s:s}", "kty", "RSA", "n",
                     b64_bn(k, OSSL_PKEY_PARAM_RSA_N), "e",
                     b64_bn(k, OSSL_PKEY_PARAM_RSA_E));
}

static json_t *jwk_ec(EVP_PKEY *k, const char *crv, size_t n)
{
    unsigned char pub[1 + 2 * 66];
    size_t len = 0;

    ck_assert(EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pub,
                                              sizeof(pub), &len));
    ck_assert_uint_eq(len, 1 + 2 * n);
    return json_pack("{s:s, s:s, s:s, s:s}", "kty", "EC", "crv", crv, "x",
                     b64(pub + 1, n), "y", b64(pub + 1 + n, n));
}

static json_t *jwk_ed(EVP_PKEY *k)
{
    unsigned char pub[32];
    size_t len = sizeof(pub);

    ck_assert(EVP_PKEY_get_raw_public_key(k, pub, &len));
    return json_pack("{s:s, s:s, s:s}", "kty", "OKP", "crv", "Ed25519", "x",
                     b64(pub, len));
}

static json_t *jwk_of(EVP_PKEY *k)
{
    if (EVP_PKEY_is_a(k, "RSA")) {
        return jwk_rsa(k);
    }
    if (EVP_PKEY_is_a(k, "ED25519")) {
        return jwk_ed(k);
    }
    if (k == k_ec256) {
        return jwk_ec(k, "P-256", 32);
    }
    return k == k_ec384 ? jwk_ec(k, "P-384", 48) : jwk_ec(k, "P-521", 66);
}

static json_t *jwk_kid(EVP_PKEY *k, const char *kid)
{
    json_t *jwk = jwk_of(k);

    if (kid) {
        json_object_set_new(jwk, "kid", json_string(kid));
    }
    return jwk;
}

/* Parses {"keys": [...]} made of the given JWKs (stolen). */
static sso_jwks *jwks_from(json_t *list)
{
    json_t *doc = json_pack("{s:o}", "keys", list);
    char *text = json_dumps(doc, JSON_COMPACT);
    sso_jwks *keys = NULL;
    const char *err = NULL;

    ck_assert_int_eq(sso_jwks_parse(unit_pool, text, strlen(text), &keys, &err),
                     APR_SUCCESS);
    ck_assert_ptr_null(err);
    free(text);
    json_decref(doc);
    return keys;
}

static const EVP_MD *md_of(const char *alg)
{
    if (strstr(alg, "384")) {
        return EVP_sha384();
    }
    return strstr(alg, "512") ? EVP_sha512() : EVP_sha256();
}

static size_t ec_coord(const char *alg)
{
    if (strstr(alg, "384")) {
        return 48;
    }
    return strstr(alg, "512") ? 66 : 32;
}

/* JOSE wants R || S, OpenSSL gives DER. */
static size_t der_to_jose(const unsigned char *der, size_t der_len, size_t n,
                          unsigned char *out)
{
    ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &der, (long)der_len);

    ck_assert_ptr_nonnull(sig);
    ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_r(sig), out, (int)n), n);
    ck_assert_int_eq(BN_bn2binpad(ECDSA_SIG_get0_s(sig), out + n, (int)n), n);
    ECDSA_SIG_free(sig);
    return 2 * n;
}

static const char *sign(EVP_PKEY *key, const char *alg, const char *input)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    unsigned char sig[1024], raw[2 * 66];
    size_t len = sizeof(sig);
    const EVP_MD *digest = strcmp(alg, "EdDSA") ? md_of(alg) : NULL;

    ck_assert(EVP_DigestSignInit(md, &pctx, digest, NULL, key) > 0);
    if (alg[0] == 'P') {
        ck_assert(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING));
        ck_assert(
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST));
    }
    ck_assert(EVP_DigestSign(md, sig, &len, (const unsigned char *)input,
                             strlen(input))
              == 1);
    EVP_MD_CTX_free(md);
    if (alg[0] != 'E' || !strcmp(alg, "EdDSA")) {
        return b64(sig, len);
    }
    len = der_to_jose(sig, len, ec_coord(alg), raw);
    return b64(raw, len);
}

static const char *sign_hs(const char *secret, const char *alg,
                           const char *input)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;

    ck_assert_ptr_nonnull(HMAC(md_of(alg), secret, (int)strlen(secret),
                               (const unsigned char *)input, strlen(input), mac,
                               &len));
    return b64(mac, len);
}

/* header and claims are stolen. key NULL: HS* with hs_secret, or no
 * signature at all when hs_secret is NULL too. */
static const char *token_raw(EVP_PKEY *key, const char *hs_secret,
                             json_t *header, json_t *claims)
{
    const char *alg = json_string_value(json_object_get(header, "alg"));
    const char *input =
        apr_pstrcat(unit_pool, b64_json(header), ".", b64_json(claims), NULL);
    const char *sig = key         ? sign(key, alg, input)
                      : hs_secret ? sign_hs(hs_secret, alg, input)
                                  : "";

    json_decref(header);
    json_decref(claims);
    return apr_pstrcat(unit_pool, input, ".", sig, NULL);
}

static json_t *header(const char *alg, const char *kid)
{
    json_t *h = json_pack("{s:s, s:s}", "alg", alg, "typ", "JWT");

    if (kid) {
        json_object_set_new(h, "kid", json_string(kid));
    }
    return h;
}

static json_t *claims(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "iss", ISSUER, "aud",
                     CLIENT, "sub", "alice", "nonce", NONCE, "exp",
                     (json_int_t)NOW + 300, "iat", (json_int_t)NOW);
}

static const char *token(EVP_PKEY *key, const char *alg, const char *kid,
                         json_t *c)
{
    return token_raw(key, NULL, header(alg, kid), c);
}

/* Most claim tests only vary the claims. */
static const char *rs256(json_t *c)
{
    return token(k_rsa, "RS256", "rsa1", c);
}

/* claims() with one member replaced (value stolen) or, for NULL, removed. */
static json_t *claims_with(const char *name, json_t *value)
{
    json_t *c = claims();

    if (value) {
        json_object_set_new(c, name, value);
    }
    else {
        json_object_del(c, name);
    }
    return c;
}

/* ---- verification with checks that hold for every outcome ---- */

static sso_jwt_status verify_r(const char *tok, sso_jwt_result *r)
{
    sso_jwt_status st = sso_jwt_verify(unit_pool, tok, jwks, &expect, r);
    const char *last_dot = tok ? strrchr(tok, '.') : NULL;

    ck_assert_int_eq(st == SSO_JWT_OK, r->error == NULL);
    if (r->error) {
        ck_assert_ptr_null(strchr(r->error, '\n'));
        ck_assert_ptr_null(strstr(r->error, SECRET));
        if (last_dot && strlen(last_dot) > 8) {
            ck_assert_ptr_null(strstr(r->error, last_dot + 1));
        }
    }
    return st;
}

#define ck_assert_jwt(tok, want)                                               \
    do {                                                                       \
        sso_jwt_result r_;                                                     \
        sso_jwt_status st_ = verify_r((tok), &r_);                             \
        ck_assert_msg(st_ == (want), "got %s (%s), want %s",                   \
                      sso_jwt_status_name(st_), r_.error ? r_.error : "-",     \
                      sso_jwt_status_name(want));                              \
    } while (0)

static void keys_setup(void)
{
    k_rsa = EVP_RSA_gen(2048);
    k_rsa2 = EVP_RSA_gen(2048);
    k_ec256 = EVP_EC_gen("P-256");
    k_ec384 = EVP_EC_gen("P-384");
    k_ec521 = EVP_EC_gen("P-521");
    k_ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
    ck_assert(k_rsa && k_rsa2 && k_ec256 && k_ec384 && k_ec521 && k_ed);
}

static void keys_teardown(void)
{
    EVP_PKEY_free(k_rsa);
    EVP_PKEY_free(k_rsa2);
    EVP_PKEY_free(k_ec256);
    EVP_PKEY_free(k_ec384);
    EVP_PKEY_free(k_ec521);
    EVP_PKEY_free(k_ed);
}

static void jwt_setup(void)
{
    unit_pool_setup();
    jwks = jwks_from(
        json_pack("[o, o, o, o, o]", jwk_kid(k_rsa, "rsa1"),
                  jwk_kid(k_ec256, "ec256"), jwk_kid(k_ec384, "ec384"),
                  jwk_kid(k_ec521, "ec521"), jwk_kid(k_ed, "ed1")));
    memset(&expect, 0, sizeof(expect));
    expect.issuer = ISSUER;
    expect.client_id = CLIENT;
    expect.nonce = NONCE;
    expect.now = NOW;
    expect.clock_skew = 120;
}

/* ---- algorithms ---- */

START_TEST(rs256_accepted)
{
    sso_jwt_result r;

    ck_assert_int_eq(verify_r(rs256(claims()), &r), SSO_JWT_OK);
    ck_assert_str_eq(r.sub, "alice");
    ck_assert_str_eq(r.iss, ISSUER);
    ck_assert_str_eq(r.alg, "RS256");
    ck_assert_str_eq(r.kid, "rsa1");
    ck_assert_str_eq(sso_jwt_claim_string(r.claims, "nonce"), NONCE);
    ck_assert_jwt(token(k_rsa, "RS384", "rsa1", claims()), SSO_JWT_OK);
    ck_assert_jwt(token(k_rsa, "RS512", "rsa1", claims()), SSO_JWT_OK);
}
END_TEST

START_TEST(ps256_accepted)
{
    ck_assert_jwt(token(k_rsa, "PS256", "rsa1", claims()), SSO_JWT_OK);
    ck_assert_jwt(token(k_rsa, "PS512", "rsa1", claims()), SSO_JWT_OK);
}
END_TEST

START_TEST(es_accepted)
{
    ck_assert_jwt(token(k_ec256, "ES256", "ec256", claims()), SSO_JWT_OK);
    ck_assert_jwt(token(k_ec384, "ES384", "ec384", claims()), SSO_JWT_OK);
    ck_assert_jwt(token(k_ec521, "ES512", "ec521", claims()), SSO_JWT_OK);
}
END_TEST

START_TEST(eddsa_accepted)
{
    ck_assert_jwt(token(k_ed, "EdDSA", "ed1", claims()), SSO_JWT_OK);
}
END_TEST

START_TEST(alg_none_refused)
{
    static const char *const algs[] = { "none", "None", "NONE", "" };
    size_t i;

    for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
        ck_assert_jwt(token_raw(NULL, NULL, header(algs[i], "rsa1"), claims()),
                      SSO_JWT_BAD_ALG);
    }
    /* Even with a signature attached. */
    ck_assert_jwt(
        apr_pstrcat(unit_pool,
                    token_raw(NULL, NULL, header("none", NULL), claims()),
                    "c2ln", NULL),
        SSO_JWT_BAD_ALG);
}
END_TEST

static const char *rsa_public_pem(void)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long len;
    const char *pem;

    ck_assert(PEM_write_bio_PUBKEY(bio, k_rsa));
    len = BIO_get_mem_data(bio, &data);
    pem = apr_pstrmemdup(unit_pool, data, (apr_size_t)len);
    BIO_free(bio);
    return pem;
}

/* The classic confusion: HMAC keyed with the provider's public key. */
START_TEST(hs256_with_public_key_refused)
{
    const char *pem = rsa_public_pem();
    const char *tok = token_raw(NULL, pem, header("HS256", "rsa1"), claims());

    ck_assert_jwt(tok, SSO_JWT_BAD_ALG);
    expect.client_secret = SECRET;
    ck_assert_jwt(tok, SSO_JWT_BAD_ALG);
    expect.allow_hs = 1;
    ck_assert_jwt(tok, SSO_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(hs_allowed_with_secret)
{
    sso_jwt_result r;

    expect.allow_hs = 1;
    ck_assert_jwt(token_raw(NULL, SECRET, header("HS256", NULL), claims()),
                  SSO_JWT_BAD_ALG); /* allowed, but no secret configured */
    expect.client_secret = SECRET;
    ck_assert_int_eq(
        verify_r(token_raw(NULL, SECRET, header("HS256", NULL), claims()), &r),
        SSO_JWT_OK);
    ck_assert_ptr_null(r.kid);
    ck_assert_jwt(token_raw(NULL, SECRET, header("HS512", "x"), claims()),
                  SSO_JWT_OK);
    ck_assert_jwt(token_raw(NULL, "wrong", header("HS384", NULL), claims()),
                  SSO_JWT_BAD_SIGNATURE);
}
END_TEST

/* ---- signatures and key selection ---- */

static const char *flip_last_sig_char(const char *tok)
{
    char *t = apr_pstrdup(unit_pool, tok);
    char *c = strrchr(t, '.') + 3;

    *c = *c == 'A' ? 'B' : 'A';
    return t;
}

START_TEST(bad_signature)
{
    ck_assert_jwt(flip_last_sig_char(rs256(claims())), SSO_JWT_BAD_SIGNATURE);
    ck_assert_jwt(
        flip_last_sig_char(token(k_ec256, "ES256", "ec256", claims())),
        SSO_JWT_BAD_SIGNATURE);
    ck_assert_jwt(flip_last_sig_char(token(k_ed, "EdDSA", "ed1", claims())),
                  SSO_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(payload_changed_after_signing)
{
    const char *tok = rs256(claims());
    const char *dot = strchr(tok, '.'), *sig = strrchr(tok, '.');
    json_t *c = claims_with("sub", json_string("admin"));

    ck_assert_jwt(apr_pstrcat(unit_pool,
                              apr_pstrmemdup(unit_pool, tok, dot - tok), ".",
                              b64_json(c), sig, NULL),
                  SSO_JWT_BAD_SIGNATURE);
    json_decref(c);
}
END_TEST

/* A DER signature where JOSE wants R || S must not slip through. */
START_TEST(ecdsa_der_signature_refused)
{
    json_t *h = header("ES256", "ec256"), *c = claims();
    const char *input =
        apr_pstrcat(unit_pool, b64_json(h), ".", b64_json(c), NULL);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[128];
    size_t len = sizeof(der);

    json_decref(h);
    json_decref(c);
    ck_assert(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k_ec256) > 0);
    ck_assert(EVP_DigestSign(md, der, &len, (const unsigned char *)input,
                             strlen(input))
              == 1);
    EVP_MD_CTX_free(md);
    ck_assert_jwt(apr_pstrcat(unit_pool, input, ".", b64(der, len), NULL),
                  SSO_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(other_key_same_kid)
{
    ck_assert_jwt(token(k_rsa2, "RS256", "rsa1", claims()),
                  SSO_JWT_BAD_SIGNATURE);
}
END_TEST

START_TEST(no_kid_one_key)
{
    jwks = jwks_from(json_pack("[o]", jwk_kid(k_rsa, "rsa1")));
    ck_assert_jwt(token(k_rsa, "RS256", NULL, claims()), SSO_JWT_OK);
    jwks = jwks_from(json_pack("[o]", jwk_kid(k_ed, NULL)));
    ck_assert_jwt(token(k_ed, "EdDSA", NULL, claims()), SSO_JWT_OK);
}
END_TEST

/* Documented choice: without a kid every key fitting the alg is tried. */
START_TEST(no_kid_several_keys)
{
    sso_jwt_result r;
    EVP_PKEY *stranger;

    jwks =
        jwks_from(json_pack("[o, o, o]", jwk_kid(k_rsa2, "rsa2"),
                            jwk_kid(k_ec256, "ec256"), jwk_kid(k_rsa, "rsa1")));
    /* Two RSA keys fit RS256 and PS256: without a kid, refused. */
    ck_assert_int_eq(verify_r(token(k_rsa, "RS256", NULL, claims()), &r),
                     SSO_JWT_UNKNOWN_KID);
    ck_assert_ptr_nonnull(strstr(r.error, "no kid"));
    ck_assert_int_eq(verify_r(token(k_rsa2, "PS256", NULL, claims()), &r),
                     SSO_JWT_UNKNOWN_KID);
    /* Not signed by any of them. */
    stranger = EVP_EC_gen("P-256");
    ck_assert_jwt(token(stranger, "ES256", NULL, claims()),
                  SSO_JWT_BAD_SIGNATURE);
    EVP_PKEY_free(stranger);
    /* No key of the kind the alg needs: the JWKS may be stale. */
    ck_assert_jwt(token(k_ed, "EdDSA", NULL, claims()), SSO_JWT_UNKNOWN_KID);
}
END_TEST

START_TEST(unknown_kid)
{
    sso_jwt_result r;

    ck_assert_int_eq(verify_r(token(k_rsa, "RS256", "rsa-next", claims()), &r),
                     SSO_JWT_UNKNOWN_KID);
    ck_assert_ptr_nonnull(strstr(r.error, "rsa-next"));
    ck_assert_jwt(rs256(claims()), SSO_JWT_OK);
    jwks = NULL;
    ck_assert_jwt(rs256(claims()), SSO_JWT_UNKNOWN_KID);
}
END_TEST

START_TEST(key_type_mismatch)
{
    /* RSA key named, EC signature; EC key named for RS; wrong curve. */
    ck_assert_jwt(token(k_ec256, "ES256", "rsa1", claims()), SSO_JWT_BAD_ALG);
    ck_assert_jwt(token(k_rsa, "RS256", "ec256", claims()), SSO_JWT_BAD_ALG);
    ck_assert_jwt(token(k_ec384, "ES384", "ec256", claims()), SSO_JWT_BAD_ALG);
    ck_assert_jwt(token(k_ec256, "ES256", "ed1", claims()), SSO_JWT_BAD_ALG);
    ck_assert_jwt(token(k_ed, "EdDSA", "ec256", claims()), SSO_JWT_BAD_ALG);
}
END_TEST

START_TEST(key_alg_must_equal_header_alg)
{
    json_t *jwk = jwk_kid(k_rsa, "rsa1");

    json_object_set_new(jwk, "alg", json_string("PS256"));
    jwks = jwks_from(json_pack("[o]", jwk));
    ck_assert_jwt(token(k_rsa, "PS256", "rsa1", claims()), SSO_JWT_OK);
    ck_assert_jwt(rs256(claims()), SSO_JWT_BAD_ALG);
    ck_assert_jwt(token(k_rsa, "RS256", NULL, claims()), SSO_JWT_UNKNOWN_KID);
}
END_TEST

START_TEST(same_kid_twice_tries_both)
{
    jwks = jwks_from(
        json_pack("[o, o]", jwk_kid(k_rsa2, "k"), jwk_kid(k_rsa, "k")));
    ck_assert_jwt(token(k_rsa, "RS256", "k", claims()), SSO_JWT_OK);
    ck_assert_jwt(token(k_ec256, "ES256", "k", claims()), SSO_JWT_BAD_ALG);
}
END_TEST

START_TEST(crit_header_refused)
{
    json_t *h = header("RS256", "rsa1");

    json_object_set_new(h, "crit", json_pack("[s]", "exp"));
    ck_assert_jwt(token_raw(k_rsa, NULL, h, claims()), SSO_JWT_MALFORMED);
}
END_TEST

START_TEST(embedded_keys_ignored)
{
    /* A header "jwk" naming the attacker's own key must not be used. */
    json_t *h = header("RS256", NULL);

    json_object_set_new(h, "jwk", jwk_kid(k_rsa2, NULL));
    jwks = jwks_from(json_pack("[o]", jwk_kid(k_rsa, "rsa1")));
    ck_assert_jwt(token_raw(k_rsa2, NULL, h, claims()), SSO_JWT_BAD_SIGNATURE);
}
END_TEST

/* ---- claims ---- */

START_TEST(iss_checked)
{
    sso_jwt_result r;

    expect.issuer = "https://b";
    ck_assert_int_eq(
        verify_r(rs256(claims_with("iss", json_string("https://a"))), &r),
        SSO_JWT_BAD_ISS);
    ck_assert_str_eq(r.error, "ID token issuer 'https://a' differs from "
                              "SSOAuthority 'https://b'");
    expect.issuer = ISSUER;
    ck_assert_jwt(rs256(claims_with("iss", NULL)), SSO_JWT_BAD_ISS);
    ck_assert_jwt(rs256(claims_with("iss", json_string(ISSUER "/"))),
                  SSO_JWT_BAD_ISS);
    ck_assert_jwt(rs256(claims_with("iss", json_pack("[s]", ISSUER))),
                  SSO_JWT_BAD_ISS);
    /* A NUL would end a C comparison early: jansson refuses \u0000. */
    ck_assert_jwt(rs256(claims_with("iss", json_stringn(ISSUER "\0.evil",
                                                        sizeof(ISSUER) + 5))),
                  SSO_JWT_MALFORMED);
}
END_TEST

START_TEST(aud_checked)
{
    ck_assert_jwt(rs256(claims_with("aud", json_string("client-2"))),
                  SSO_JWT_BAD_AUD);
    ck_assert_jwt(rs256(claims_with("aud", NULL)), SSO_JWT_BAD_AUD);
    ck_assert_jwt(rs256(claims_with("aud", json_array())), SSO_JWT_BAD_AUD);
    ck_assert_jwt(rs256(claims_with("aud", json_integer(1))), SSO_JWT_BAD_AUD);
    ck_assert_jwt(rs256(claims_with("aud", json_pack("[s]", CLIENT))),
                  SSO_JWT_OK);
}
END_TEST

START_TEST(aud_array_with_azp)
{
    json_t *c = claims_with("aud", json_pack("[s, s]", CLIENT, CLIENT));

    ck_assert_jwt(rs256(json_deep_copy(c)), SSO_JWT_BAD_AZP);
    json_object_set_new(c, "azp", json_string(CLIENT));
    ck_assert_jwt(rs256(c), SSO_JWT_OK);
    c = claims_with("aud", json_pack("[s]", CLIENT));
    json_object_set_new(c, "azp", json_string(CLIENT));
    ck_assert_jwt(rs256(c), SSO_JWT_OK);
}
END_TEST

START_TEST(aud_array_untrusted_refused)
{
    json_t *c = claims_with("aud", json_pack("[s, s]", CLIENT, "other-rp"));

    json_object_set_new(c, "azp", json_string(CLIENT));
    ck_assert_jwt(rs256(c), SSO_JWT_BAD_AUD);
    c = claims_with("aud", json_pack("[s, i]", CLIENT, 1));
    json_object_set_new(c, "azp", json_string(CLIENT));
    ck_assert_jwt(rs256(c), SSO_JWT_BAD_AUD);
}
END_TEST

START_TEST(azp_mismatch)
{
    ck_assert_jwt(rs256(claims_with("azp", json_string("other-rp"))),
                  SSO_JWT_BAD_AZP);
    ck_assert_jwt(rs256(claims_with("azp", json_true())), SSO_JWT_BAD_AZP);
    ck_assert_jwt(rs256(claims_with("azp", json_string(CLIENT))), SSO_JWT_OK);
}
END_TEST

START_TEST(exp_checked)
{
    sso_jwt_result r;

    ck_assert_int_eq(
        verify_r(rs256(claims_with("exp", json_integer(NOW - 300))), &r),
        SSO_JWT_EXPIRED);
    ck_assert_str_eq(r.error, "ID token expired 300 s ago (SSOClockSkew 120)");
    ck_assert_jwt(rs256(claims_with("exp", json_integer(NOW - 120))),
                  SSO_JWT_OK);
    ck_assert_jwt(rs256(claims_with("exp", json_integer(NOW - 121))),
                  SSO_JWT_EXPIRED);
    ck_assert_jwt(rs256(claims_with("exp", json_real(NOW + 10.5))), SSO_JWT_OK);
    ck_assert_jwt(rs256(claims_with("exp", NULL)), SSO_JWT_EXPIRED);
    ck_assert_jwt(rs256(claims_with("exp", json_string("2100-01-01"))),
                  SSO_JWT_EXPIRED);
    ck_assert_jwt(rs256(claims_with("exp", json_real(1e300))), SSO_JWT_EXPIRED);
}
END_TEST

START_TEST(iat_checked)
{
    sso_jwt_result r;

    ck_assert_jwt(rs256(claims_with("iat", NULL)), SSO_JWT_BAD_IAT);
    ck_assert_int_eq(
        verify_r(rs256(claims_with("iat", json_integer(NOW + 86400))), &r),
        SSO_JWT_BAD_IAT);
    ck_assert_str_eq(
        r.error, "ID token issued 86400 s in the future (SSOClockSkew 120)");
    ck_assert_jwt(rs256(claims_with("iat", json_integer(NOW + 120))),
                  SSO_JWT_OK);
    ck_assert_jwt(rs256(claims_with("iat", json_integer(-1))), SSO_JWT_BAD_IAT);
}
END_TEST

START_TEST(sub_required)
{
    char long_sub[300];

    ck_assert_jwt(rs256(claims_with("sub", NULL)), SSO_JWT_NO_SUB);
    ck_assert_jwt(rs256(claims_with("sub", json_string(""))), SSO_JWT_NO_SUB);
    ck_assert_jwt(rs256(claims_with("sub", json_integer(7))), SSO_JWT_NO_SUB);
    memset(long_sub, 'a', sizeof(long_sub) - 1);
    long_sub[sizeof(long_sub) - 1] = '\0';
    ck_assert_jwt(rs256(claims_with("sub", json_string(long_sub))),
                  SSO_JWT_NO_SUB);
}
END_TEST

START_TEST(nonce_checked)
{
    ck_assert_jwt(rs256(claims_with("nonce", json_string("n-other"))),
                  SSO_JWT_BAD_NONCE);
    ck_assert_jwt(rs256(claims_with("nonce", NULL)), SSO_JWT_BAD_NONCE);
    ck_assert_jwt(rs256(claims_with("nonce", json_string(NONCE "x"))),
                  SSO_JWT_BAD_NONCE);
    expect.nonce = NULL;
    ck_assert_jwt(rs256(claims()), SSO_JWT_BAD_NONCE);
}
END_TEST

/* Core §3.2.2.9 example: this access token and at_hash are from the spec. */
#define SPEC_AT      "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
#define SPEC_AT_HASH "77QmUPtjPfzWtF2AnpK9RQ"

START_TEST(at_hash_checked)
{
    ck_assert_jwt(rs256(claims_with("at_hash", json_string(SPEC_AT_HASH))),
                  SSO_JWT_OK);
    expect.access_token = SPEC_AT;
    ck_assert_jwt(rs256(claims_with("at_hash", json_string(SPEC_AT_HASH))),
                  SSO_JWT_OK);
    ck_assert_jwt(
        rs256(claims_with("at_hash", json_string("77QmUPtjPfzWtF2AnpK9RA"))),
        SSO_JWT_BAD_AT_HASH);
    /* The hash follows the alg: SHA-512 for RS512, so the SHA-256 one fails. */
    ck_assert_jwt(token(k_rsa, "RS512", "rsa1",
                        claims_with("at_hash", json_string(SPEC_AT_HASH))),
                  SSO_JWT_BAD_AT_HASH);
    ck_assert_jwt(rs256(claims_with("at_hash", json_integer(1))),
                  SSO_JWT_BAD_AT_HASH);
    /* at_hash is optional in the code flow. */
    ck_assert_jwt(rs256(claims()), SSO_JWT_OK);
}
END_TEST

/* ---- hostile input ---- */

START_TEST(oversize_refused)
{
    char *big = apr_palloc(unit_pool, SSO_JWT_MAX_LEN + 2);
    const char *tok = rs256(claims());
    size_t n = strlen(tok);

    memset(big, 'A', SSO_JWT_MAX_LEN + 1);
    big[SSO_JWT_MAX_LEN + 1] = '\0';
    memcpy(big, tok, n); /* a valid token followed by junk */
    ck_assert_jwt(big, SSO_JWT_MALFORMED);
}
END_TEST

START_TEST(garbage_malformed)
{
    static const char *const bad[] = {
        "",
        ".",
        "..",
        "...",
        "a.b",
        "a.b.c.d",
        "a.b.c.d.e",
        "eyJhbGciOiJSUzI1NiJ9",
        "!!!.eyJ9.c2ln",
        "eyJ9=.eyJ9.c2ln",
        "W10.e30.c2ln",                     /* header [] */
        "ImEi.e30.c2ln",                    /* header "a" */
        "e30.e30.c2ln",                     /* header {} : no alg */
        "eyJhbGciOjF9.e30.c2ln",            /* alg 1 */
        "eyJhbGciOiJSUzI1NiJ9.W10.c2ln",    /* payload [] */
        "eyJhbGciOiJSUzI1NiJ9.bnVsbA.c2ln", /* payload null */
        "eyJhbGciOiJSUzI1NiJ9.e30.",        /* no signature */
        "eyJhbGciOiJSUzI1NiJ9..c2ln",
        "eyJhbGciOiJSUzI1NiJ9.e30.c2ln$",
        "eyJhbGciOiJSUzI1NiIsImFsZyI6Im5vbmUifQ.e30.c2ln", /* duplicate alg */
        "eyJhbGciOiJSUzI1NiIsImtpZCI6MX0.e30.c2ln",        /* kid 1 */
        "eyJhbGciOiJSUzI1NiJ9.eyJhIjo.c2ln",               /* truncated JSON */
    };
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        sso_jwt_result r;
        sso_jwt_status st = verify_r(bad[i], &r);

        ck_assert_msg(st == SSO_JWT_MALFORMED, "%s: got %s (%s)", bad[i],
                      sso_jwt_status_name(st), r.error ? r.error : "-");
    }
    ck_assert_jwt(NULL, SSO_JWT_MALFORMED);
}
END_TEST

/* ---- JWKS ---- */

START_TEST(jwks_skips_bad_key)
{
    sso_jwks *keys;
    json_t *bad = json_pack("{s:s, s:s, s:s, s:s}", "kty", "RSA", "kid",
                            "broken", "n", "not base64!", "e", "AQAB");

    keys = jwks_from(json_pack("[o, o]", bad, jwk_kid(k_rsa, "rsa1")));
    ck_assert_int_eq(sso_jwks_count(keys), 1);
    ck_assert_int_eq(sso_jwks_skipped(keys), 1);
    ck_assert_ptr_nonnull(strstr(sso_jwks_skipped_reason(keys, 0), "broken"));
    ck_assert_ptr_null(sso_jwks_skipped_reason(keys, 1));
    ck_assert_ptr_nonnull(sso_jwks_find(keys, "rsa1"));
    ck_assert_ptr_null(sso_jwks_find(keys, "broken"));
    jwks = keys;
    ck_assert_jwt(rs256(claims()), SSO_JWT_OK);
    ck_assert_jwt(token(k_rsa, "RS256", "broken", claims()),
                  SSO_JWT_UNKNOWN_KID);
}
END_TEST

static json_t *jwk_member(EVP_PKEY *k, const char *name, json_t *value)
{
    json_t *jwk = jwk_kid(k, "k");

    json_object_set_new(jwk, name, value);
    return jwk;
}

static json_t *ec_off_curve(void)
{
    json_t *jwk = jwk_kid(k_ec256, "k");
    const char *x = json_string_value(json_object_get(jwk, "x"));
    char *y = apr_pstrdup(unit_pool, x); /* (x, x) is not on the curve */

    json_object_set_new(jwk, "y", json_string(y));
    return jwk;
}

START_TEST(jwks_skips_unusable_keys)
{
    EVP_PKEY *small = EVP_RSA_gen(1024);
    sso_jwks *keys;
    int i;

    ck_assert_ptr_nonnull(small);
    keys = jwks_from(json_pack(
        "[o, o, o, o, o, o, o, o, o, o, o]",
        jwk_member(k_rsa, "use", json_string("enc")),
        jwk_member(k_rsa, "key_ops", json_pack("[s]", "encrypt")),
        jwk_member(k_rsa, "alg", json_string("RSA-OAEP")),
        json_pack("{s:s, s:s}", "kty", "oct", "k", "c2VjcmV0"),
        jwk_member(k_ec256, "crv", json_string("P-384")),
        jwk_member(k_ed, "crv", json_string("Ed448")), jwk_kid(small, "small"),
        ec_off_curve(), json_string("not an object"),
        json_pack("{s:s}", "kid", "no-kty"),
        jwk_member(k_rsa, "use", json_string("sig"))));
    EVP_PKEY_free(small);
    ck_assert_int_eq(sso_jwks_count(keys), 1);
    ck_assert_int_eq(sso_jwks_skipped(keys), 10);
    for (i = 0; i < 10; i++) {
        ck_assert_ptr_nonnull(sso_jwks_skipped_reason(keys, i));
    }
    ck_assert_str_eq(sso_jwk_describe(unit_pool, sso_jwks_find(keys, "k")),
                     "kid 'k', RSA 2048 bits");
}
END_TEST

START_TEST(jwks_document_refused)
{
    static const char *const bad[] = {
        "", "{", "[]", "{}", "{\"keys\": {}}", "{\"keys\": [], \"keys\": []}",
    };
    sso_jwks *keys;
    const char *err;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_int_eq(
            sso_jwks_parse(unit_pool, bad[i], strlen(bad[i]), &keys, &err),
            APR_EINVAL);
        ck_assert_ptr_null(keys);
        ck_assert_ptr_nonnull(err);
    }
    ck_assert_int_eq(
        sso_jwks_parse(unit_pool, "{\"keys\": []}", 12, &keys, &err),
        APR_SUCCESS);
    ck_assert_int_eq(sso_jwks_count(keys), 0);
}
END_TEST

/* ---- logout tokens (Back-Channel Logout 1.0 §2.6) ---- */

static json_t *logout_claims(void)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:{s:{}}}", "iss", ISSUER,
                     "aud", CLIENT, "sub", "alice", "sid", "sid-1", "jti",
                     "jti-1", "iat", (json_int_t)NOW, "events",
                     SSO_JWT_LOGOUT_EVENT);
}

static json_t *logout_with(const char *name, json_t *value)
{
    json_t *c = logout_claims();

    if (value) {
        json_object_set_new(c, name, value);
    }
    else {
        json_object_del(c, name);
    }
    return c;
}

static sso_jwt_status logout_r(const char *tok, sso_jwt_result *r)
{
    sso_jwt_status st = sso_jwt_verify_logout(unit_pool, tok, jwks, &expect, r);

    ck_assert_int_eq(st == SSO_JWT_OK, r->error == NULL);
    if (r->error) {
        ck_assert_msg(!strncmp(r->error, "logout token", 12), "%s", r->error);
    }
    return st;
}

#define ck_assert_logout(tok, want)                                            \
    do {                                                                       \
        sso_jwt_result r_;                                                     \
        sso_jwt_status st_ = logout_r((tok), &r_);                             \
        ck_assert_msg(st_ == (want), "got %s (%s), want %s",                   \
                      sso_jwt_status_name(st_), r_.error ? r_.error : "-",     \
                      sso_jwt_status_name(want));                              \
    } while (0)

START_TEST(logout_token_accepted)
{
    sso_jwt_result r;

    ck_assert_int_eq(logout_r(rs256(logout_claims()), &r), SSO_JWT_OK);
    ck_assert_str_eq(r.sub, "alice");
    ck_assert_str_eq(r.sid, "sid-1");
    ck_assert_str_eq(r.jti, "jti-1");
    /* sid alone, sub alone, an exp in the future, EC keys */
    ck_assert_int_eq(logout_r(rs256(logout_with("sub", NULL)), &r), SSO_JWT_OK);
    ck_assert_ptr_null(r.sub);
    ck_assert_str_eq(r.sid, "sid-1");
    ck_assert_int_eq(logout_r(rs256(logout_with("sid", NULL)), &r), SSO_JWT_OK);
    ck_assert_ptr_null(r.sid);
    ck_assert_logout(rs256(logout_with("exp", json_integer(NOW + 120))),
                     SSO_JWT_OK);
    ck_assert_logout(token(k_ec256, "ES256", "ec256", logout_claims()),
                     SSO_JWT_OK);
}
END_TEST

START_TEST(logout_token_bad_signature)
{
    const char *tok = rs256(logout_claims());
    const char *other = token(k_rsa2, "RS256", "rsa1", logout_claims());

    ck_assert_logout(other, SSO_JWT_BAD_SIGNATURE);
    ck_assert_logout(
        apr_pstrcat(unit_pool,
                    apr_pstrndup(unit_pool, tok, strrchr(tok, '.') - tok), ".",
                    NULL),
        SSO_JWT_MALFORMED);
    ck_assert_logout(
        token_raw(NULL, NULL, header("none", NULL), logout_claims()),
        SSO_JWT_BAD_ALG);
}
END_TEST

START_TEST(logout_token_nonce_refused)
{
    ck_assert_logout(rs256(logout_with("nonce", json_string(NONCE))),
                     SSO_JWT_BAD_NONCE);
    /* an ID token is no logout token */
    ck_assert_logout(rs256(claims()), SSO_JWT_BAD_EVENTS);
}
END_TEST

START_TEST(logout_token_events_checked)
{
    ck_assert_logout(rs256(logout_with("events", NULL)), SSO_JWT_BAD_EVENTS);
    ck_assert_logout(
        rs256(logout_with("events", json_string(SSO_JWT_LOGOUT_EVENT))),
        SSO_JWT_BAD_EVENTS);
    ck_assert_logout(
        rs256(logout_with("events", json_pack("[s]", SSO_JWT_LOGOUT_EVENT))),
        SSO_JWT_BAD_EVENTS);
    ck_assert_logout(
        rs256(logout_with(
            "events",
            json_pack("{s:{}}", "http://schemas.openid.net/event/other"))),
        SSO_JWT_BAD_EVENTS);
    ck_assert_logout(
        rs256(
            logout_with("events", json_pack("{s:b}", SSO_JWT_LOGOUT_EVENT, 1))),
        SSO_JWT_BAD_EVENTS);
}
END_TEST

START_TEST(logout_token_iss_aud_checked)
{
    ck_assert_logout(rs256(logout_with("aud", json_string("other-client"))),
                     SSO_JWT_BAD_AUD);
    ck_assert_logout(rs256(logout_with("aud", NULL)), SSO_JWT_BAD_AUD);
    ck_assert_logout(
        rs256(logout_with("aud", json_pack("[s, s]", CLIENT, "other"))),
        SSO_JWT_BAD_AUD);
    ck_assert_logout(rs256(logout_with("iss", json_string(ISSUER "/"))),
                     SSO_JWT_BAD_ISS);
}
END_TEST

START_TEST(logout_token_sid_or_sub)
{
    json_t *c = logout_with("sub", NULL);

    json_object_del(c, "sid");
    ck_assert_logout(rs256(c), SSO_JWT_NO_SUB);
    ck_assert_logout(rs256(logout_with("sid", json_integer(7))),
                     SSO_JWT_NO_SUB);
    ck_assert_logout(rs256(logout_with("sid", json_string(""))),
                     SSO_JWT_NO_SUB);
    ck_assert_logout(rs256(logout_with("sub", json_string(""))),
                     SSO_JWT_NO_SUB);
}
END_TEST

START_TEST(logout_token_iat_in_skew)
{
    ck_assert_logout(rs256(logout_with("iat", json_integer(NOW - 120))),
                     SSO_JWT_OK);
    ck_assert_logout(rs256(logout_with("iat", json_integer(NOW + 120))),
                     SSO_JWT_OK);
    ck_assert_logout(rs256(logout_with("iat", json_integer(NOW - 121))),
                     SSO_JWT_BAD_IAT);
    ck_assert_logout(rs256(logout_with("iat", json_integer(NOW + 121))),
                     SSO_JWT_BAD_IAT);
    ck_assert_logout(rs256(logout_with("iat", NULL)), SSO_JWT_BAD_IAT);
    ck_assert_logout(rs256(logout_with("exp", json_integer(NOW - 121))),
                     SSO_JWT_EXPIRED);
}
END_TEST

START_TEST(logout_token_jti_required)
{
    ck_assert_logout(rs256(logout_with("jti", NULL)), SSO_JWT_NO_JTI);
    ck_assert_logout(rs256(logout_with("jti", json_integer(1))),
                     SSO_JWT_NO_JTI);
}
END_TEST

/* Core §12.2: a refreshed ID token's nonce was used up at login. */
START_TEST(refreshed_id_token_nonce_not_checked)
{
    expect.nonce = NULL;
    ck_assert_jwt(rs256(claims()), SSO_JWT_BAD_NONCE);
    expect.refreshed = 1;
    ck_assert_jwt(rs256(claims()), SSO_JWT_OK);
    ck_assert_jwt(rs256(claims_with("nonce", NULL)), SSO_JWT_OK);
    ck_assert_jwt(rs256(claims_with("aud", json_string("x"))), SSO_JWT_BAD_AUD);
}
END_TEST

START_TEST(status_names)
{
    ck_assert_str_eq(sso_jwt_status_name(SSO_JWT_OK), "SSO_JWT_OK");
    ck_assert_str_eq(sso_jwt_status_name(SSO_JWT_UNKNOWN_KID),
                     "SSO_JWT_UNKNOWN_KID");
    ck_assert_str_eq(sso_jwt_status_name(SSO_JWT_BAD_AT_HASH),
                     "SSO_JWT_BAD_AT_HASH");
    ck_assert_str_eq(sso_jwt_status_name(SSO_JWT_NO_JTI), "SSO_JWT_NO_JTI");
    ck_assert_str_eq(sso_jwt_status_name((sso_jwt_status)99),
                     "SSO_JWT_UNKNOWN_STATUS");
}
END_TEST

/* email_verified: only JSON true vouches; absent means nothing was said. */
START_TEST(claim_vouches)
{
    json_t *c = json_pack("{s:b, s:b, s:s, s:n, s:i}", "t", 1, "f", 0, "s",
                          "true", "n", "one", 1);

    ck_assert_int_eq(sso_jwt_claim_vouches(NULL), 1);
    ck_assert_int_eq(sso_jwt_claim_vouches(json_object_get(c, "t")), 1);
    ck_assert_int_eq(sso_jwt_claim_vouches(json_object_get(c, "f")), 0);
    ck_assert_int_eq(sso_jwt_claim_vouches(json_object_get(c, "s")), 0);
    ck_assert_int_eq(sso_jwt_claim_vouches(json_object_get(c, "n")), 0);
    ck_assert_int_eq(sso_jwt_claim_vouches(json_object_get(c, "one")), 0);
    json_decref(c);
}
END_TEST

Suite *sso_jwt_suite(void)
{
    Suite *s = suite_create("sso_jwt");
    TCase *tc = tcase_create("core");

    tcase_add_unchecked_fixture(tc, keys_setup, keys_teardown);
    tcase_add_checked_fixture(tc, jwt_setup, unit_pool_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, rs256_accepted);
    tcase_add_test(tc, ps256_accepted);
    tcase_add_test(tc, es_accepted);
    tcase_add_test(tc, eddsa_accepted);
    tcase_add_test(tc, alg_none_refused);
    tcase_add_test(tc, hs256_with_public_key_refused);
    tcase_add_test(tc, hs_allowed_with_secret);
    tcase_add_test(tc, bad_signature);
    tcase_add_test(tc, payload_changed_after_signing);
    tcase_add_test(tc, ecdsa_der_signature_refused);
    tcase_add_test(tc, other_key_same_kid);
    tcase_add_test(tc, no_kid_one_key);
    tcase_add_test(tc, no_kid_several_keys);
    tcase_add_test(tc, unknown_kid);
    tcase_add_test(tc, key_type_mismatch);
    tcase_add_test(tc, key_alg_must_equal_header_alg);
    tcase_add_test(tc, same_kid_twice_tries_both);
    tcase_add_test(tc, crit_header_refused);
    tcase_add_test(tc, embedded_keys_ignored);
    tcase_add_test(tc, iss_checked);
    tcase_add_test(tc, aud_checked);
    tcase_add_test(tc, aud_array_with_azp);
    tcase_add_test(tc, aud_array_untrusted_refused);
    tcase_add_test(tc, azp_mismatch);
    tcase_add_test(tc, exp_checked);
    tcase_add_test(tc, iat_checked);
    tcase_add_test(tc, sub_required);
    tcase_add_test(tc, nonce_checked);
    tcase_add_test(tc, at_hash_checked);
    tcase_add_test(tc, oversize_refused);
    tcase_add_test(tc, garbage_malformed);
    tcase_add_test(tc, jwks_skips_bad_key);
    tcase_add_test(tc, jwks_skips_unusable_keys);
    tcase_add_test(tc, jwks_document_refused);
    tcase_add_test(tc, status_names);
    tcase_add_test(tc, claim_vouches);
    tcase_add_test(tc, logout_token_accepted);
    tcase_add_test(tc, logout_token_bad_signature);
    tcase_add_test(tc, logout_token_nonce_refused);
    tcase_add_test(tc, logout_token_events_checked);
    tcase_add_test(tc, logout_token_iss_aud_checked);
    tcase_add_test(tc, logout_token_sid_or_sub);
    tcase_add_test(tc, logout_token_iat_in_skew);
    tcase_add_test(tc, logout_token_jti_required);
    tcase_add_test(tc, refreshed_id_token_nonce_not_checked);
    suite_add_tcase(s, tc);
    return s;
}
