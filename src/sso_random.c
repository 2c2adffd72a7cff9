/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_random.h"

#include <limits.h>
#include <string.h>
#include <cjose/base64.h>
#include <cjose/util.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include "apr_strings.h"

/* base64url without padding, copied into p; NULL when cjose fails. */
static const char *sso_random_b64url(apr_pool_t *p, const unsigned char *in,
                                     size_t len)
{
    char *enc = NULL;
    size_t enc_len = 0;
    const char *out;
    cjose_err cerr;

    if (!cjose_base64url_encode(in, len, &enc, &enc_len, &cerr)) {
        return NULL;
    }
    out = apr_pstrmemdup(p, enc, enc_len);
    OPENSSL_cleanse(enc, enc_len);
    cjose_get_dealloc()(enc);
    return out;
}

apr_status_t sso_random_token(apr_pool_t *p, size_t nbytes, const char **out)
{
    unsigned char buf[SSO_RANDOM_MAX_BYTES];

    *out = NULL;
    if (nbytes == 0 || nbytes > sizeof(buf)) {
        return APR_EINVAL;
    }
    if (RAND_bytes(buf, (int)nbytes) != 1) {
        return APR_EGENERAL;
    }
    *out = sso_random_b64url(p, buf, nbytes);
    /* The bytes are a secret (state, verifier): don't leave them on the
     * stack. */
    OPENSSL_cleanse(buf, sizeof(buf));
    return *out ? APR_SUCCESS : APR_EGENERAL;
}

apr_status_t sso_random_bytes(unsigned char *buf, size_t nbytes)
{
    if (nbytes > INT_MAX || RAND_bytes(buf, (int)nbytes) != 1) {
        memset(buf, 0, nbytes);
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}

const char *sso_random_derive(apr_pool_t *p, const unsigned char *secret,
                              size_t len, const char *purpose)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    const char *out;

    if (!HMAC(EVP_sha256(), secret, (int)len, (const unsigned char *)purpose,
              strlen(purpose), md, &md_len)) {
        return NULL;
    }
    out = sso_random_b64url(p, md, md_len);
    OPENSSL_cleanse(md, sizeof(md));
    return out;
}

const char *sso_pkce_challenge_s256(apr_pool_t *p, const char *verifier)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;

    if (!EVP_Digest(verifier, strlen(verifier), md, &md_len, EVP_sha256(),
                    NULL)) {
        return NULL;
    }
    return sso_random_b64url(p, md, md_len);
}
