/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The return path a login carries (open-redirect guard) and URL checks:
 * sso_url_return_path and sso_url_check_http.
 *
 * Invariant: the result is "/" or the input itself, and it starts with '/'
 * but not with "//" or "/\" (schemeless or backslash host), neither as sent
 * nor once percent-decoded by a browser or a proxy. */
#include "fuzz.h"
#include "sso_url.h"

#include "apr_escape.h"
#include "apr_lib.h"
#include "apr_strings.h"
#include "apr_uri.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

static void check_local(const char *path)
{
    FUZZ_ASSERT(path[0] == '/');
    FUZZ_ASSERT(path[1] != '/' && path[1] != '\\');
}

static void check_return(apr_pool_t *p, const char *raw)
{
    const char *r = sso_url_return_path(p, raw);
    const char *decoded, *s;
    apr_uri_t uri;

    FUZZ_ASSERT(r);
    FUZZ_ASSERT(!strcmp(r, "/") || r == raw);
    check_local(r);
    if (r != raw) {
        return;
    }
    FUZZ_ASSERT(strlen(r) <= SSO_RETURN_PATH_MAX);
    for (s = r; *s; s++) {
        FUZZ_ASSERT(!apr_iscntrl((unsigned char)*s) && *s != '\\');
    }
    decoded = apr_punescape_url(p, r, NULL, NULL, 0);
    FUZZ_ASSERT(decoded);
    check_local(decoded);
    FUZZ_ASSERT(!strchr(decoded, '\\'));
    for (s = decoded; *s; s++) {
        FUZZ_ASSERT(!apr_iscntrl((unsigned char)*s));
    }
    FUZZ_ASSERT(apr_uri_parse(p, r, &uri) == APR_SUCCESS);
    FUZZ_ASSERT(!uri.scheme && !uri.hostname && !uri.hostinfo);
}

static void check_http(apr_pool_t *p, const char *url)
{
    const char *why = sso_url_check_http(p, url);
    apr_uri_t uri;

    if (why) {
        FUZZ_ASSERT(*why);
        return;
    }
    FUZZ_ASSERT(!strncasecmp(url, "http://", 7)
                || !strncasecmp(url, "https://", 8));
    FUZZ_ASSERT(apr_uri_parse(p, url, &uri) == APR_SUCCESS);
    FUZZ_ASSERT(uri.hostname && *uri.hostname && !uri.user && !uri.password
                && !uri.fragment);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;
    const char *s = fuzz_cstr(p, data, size);

    check_return(p, s);
    check_http(p, s);
    apr_pool_clear(p);
    return 0;
}
