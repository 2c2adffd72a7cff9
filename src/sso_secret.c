/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_secret.h"

#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "apr_strings.h"
#include "apr_file_io.h"

/* A secret file holds one line; anything bigger is a mistake. */
#define SSO_SECRET_FILE_MAX 4096

static const char *sso_secret_first_line(apr_pool_t *p, char *buf)
{
    buf[strcspn(buf, "\r\n")] = '\0';
    return apr_pstrdup(p, buf);
}

static const char *sso_secret_from_file(apr_pool_t *p, const char *path,
                                        const char **value)
{
    apr_file_t *f;
    char buf[SSO_SECRET_FILE_MAX + 1];
    apr_size_t len = SSO_SECRET_FILE_MAX;
    apr_status_t rv;
    char errbuf[120];

    rv = apr_file_open(&f, path, APR_FOPEN_READ, APR_FPROT_OS_DEFAULT, p);
    if (rv != APR_SUCCESS) {
        return apr_psprintf(p, "cannot read secret file %s: %s", path,
                            apr_strerror(rv, errbuf, sizeof(errbuf)));
    }
    rv = apr_file_read(f, buf, &len);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        return apr_psprintf(p, "cannot read secret file %s: %s", path,
                            apr_strerror(rv, errbuf, sizeof(errbuf)));
    }
    buf[len] = '\0';
    *value = sso_secret_first_line(p, buf);
    OPENSSL_cleanse(buf, sizeof(buf));
    return **value ? NULL
                   : apr_psprintf(p, "secret file %s has an empty first line",
                                  path);
}

static const char *sso_secret_from_env(apr_pool_t *p, const char *name,
                                       const char **value)
{
    const char *v = getenv(name);

    if (!*name) {
        return "env: needs a variable name, e.g. env:SSO_CLIENT_SECRET";
    }
    if (!v || !*v) {
        return apr_psprintf(p, "environment variable %s is not set or empty",
                            name);
    }
    *value = apr_pstrdup(p, v);
    return NULL;
}

const char *sso_secret_resolve(apr_pool_t *p, const char *spec,
                               const char **value)
{
    *value = NULL;
    if (!strncmp(spec, "file:", 5)) {
        return sso_secret_from_file(p, spec + 5, value);
    }
    if (!strncmp(spec, "env:", 4)) {
        return sso_secret_from_env(p, spec + 4, value);
    }
    if (!*spec) {
        return "the secret is empty";
    }
    *value = spec;
    return NULL;
}

int sso_secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    /* Compare equal lengths only, so the time depends on lengths alone. */
    return la == lb && CRYPTO_memcmp(a, b, la) == 0;
}
