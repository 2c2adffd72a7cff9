/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_url.h"

#include <string.h>
#include "apr_strings.h"
#include "apr_uri.h"
#include "apr_lib.h"
#include "apr_escape.h"

static int sso_url_is_http_scheme(const char *scheme)
{
    return scheme
           && (!strcasecmp(scheme, "http") || !strcasecmp(scheme, "https"));
}

const char *sso_url_check_http(apr_pool_t *p, const char *url)
{
    apr_uri_t uri;

    if (!url || !*url) {
        return "is empty";
    }
    if (apr_uri_parse(p, url, &uri) != APR_SUCCESS) {
        return "is not a valid URL";
    }
    if (!sso_url_is_http_scheme(uri.scheme)) {
        return "must start with http:// or https://";
    }
    if (!uri.hostname || !*uri.hostname) {
        return "has no host name";
    }
    if (uri.user || uri.password) {
        return "must not contain user name or password";
    }
    if (uri.fragment) {
        return "must not contain a #fragment";
    }
    return NULL;
}

const char *sso_url_check_base_path(const char *path)
{
    size_t len = strlen(path);

    if (path[0] != '/' || len < 2) {
        return "must start with '/' and name a path, e.g. /sso";
    }
    if (path[len - 1] == '/') {
        return "must not end with '/'";
    }
    if (strpbrk(path, "?#\\ \t") || strstr(path, "//")) {
        return "must be a plain path without query, spaces or '//'";
    }
    return NULL;
}

int sso_url_has_control(const char *s)
{
    for (; *s; s++) {
        if (apr_iscntrl((unsigned char)*s)) {
            return 1;
        }
    }
    return 0;
}

/* Rules shared by the path as sent and the path once percent-decoded: a
 * browser or a proxy behind us may decode it before following it. */
static int sso_url_is_safe_path(const char *path)
{
    if (path[0] != '/' || path[1] == '/' || path[1] == '\\') {
        return 0;
    }
    return !strchr(path, '\\') && !sso_url_has_control(path);
}

static int sso_url_is_same_origin(apr_pool_t *p, const char *raw)
{
    apr_uri_t uri;
    const char *decoded;

    if (strlen(raw) > SSO_RETURN_PATH_MAX || !sso_url_is_safe_path(raw)) {
        return 0;
    }
    decoded = apr_punescape_url(p, raw, NULL, NULL, 0);
    if (!decoded || !sso_url_is_safe_path(decoded)) {
        return 0;
    }
    if (apr_uri_parse(p, raw, &uri) != APR_SUCCESS) {
        return 0;
    }
    return !uri.scheme && !uri.hostname && !uri.hostinfo && uri.path;
}

const char *sso_url_return_path(apr_pool_t *p, const char *raw)
{
    if (raw && sso_url_is_same_origin(p, raw)) {
        return raw;
    }
    return "/";
}

int sso_url_is_cookie_name(const char *name)
{
    static const char separators[] = "()<>@,;:\\\"/[]?={} \t";

    if (!name || !*name) {
        return 0;
    }
    for (; *name; name++) {
        unsigned char c = (unsigned char)*name;
        if (c <= 0x20 || c >= 0x7f || strchr(separators, c)) {
            return 0;
        }
    }
    return 1;
}

const char *sso_url_cleartext_host(apr_pool_t *p, const char *url)
{
    static const char *const loopback[] = { "localhost", "127.0.0.1", "::1",
                                            NULL };
    apr_uri_t uri;
    int i;

    if (apr_uri_parse(p, url, &uri) != APR_SUCCESS || !uri.scheme
        || strcasecmp(uri.scheme, "http") || !uri.hostname) {
        return NULL;
    }
    for (i = 0; loopback[i]; i++) {
        if (!strcasecmp(uri.hostname, loopback[i])) {
            return NULL;
        }
    }
    return uri.hostname;
}

const char *sso_url_trim_slash(apr_pool_t *p, const char *url)
{
    size_t len = strlen(url);

    while (len > 0 && url[len - 1] == '/') {
        len--;
    }
    return apr_pstrmemdup(p, url, len);
}

static const char *sso_url_query_pair(apr_pool_t *p, char *pair, apr_table_t *t)
{
    char *eq = strchr(pair, '=');
    const char *name, *value = "";

    if (eq) {
        *eq = '\0';
        value = apr_punescape_url(p, eq + 1, NULL, NULL, 1);
    }
    name = apr_punescape_url(p, pair, NULL, NULL, 1);
    if (!name || !value) {
        return "a query parameter has a malformed %-escape";
    }
    if (apr_table_get(t, name)) {
        return apr_psprintf(p, "parameter '%s' is duplicated",
                            apr_pescape_echo(p, name, 0));
    }
    apr_table_setn(t, name, value);
    return NULL;
}

const char *sso_url_query_parse(apr_pool_t *p, const char *query,
                                apr_table_t **out)
{
    char *last, *pair, *copy = apr_pstrdup(p, query ? query : "");
    const char *problem = NULL;

    *out = apr_table_make(p, 8);
    for (pair = apr_strtok(copy, "&", &last); pair && !problem;
         pair = apr_strtok(NULL, "&", &last)) {
        problem = sso_url_query_pair(p, pair, *out);
    }
    return problem;
}

/* Compared as strings, not parsed: an Origin is a serialised origin
 * (lower case, no default port), so differently written forms of base
 * do not match. */
int sso_url_match_origin(const char *base, const char *origin,
                         const char *referer)
{
    apr_size_t len = strlen(base);

    if (origin) {
        return !strcmp(origin, base);
    }
    return referer && !strncmp(referer, base, len) && referer[len] == '/';
}
