/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_groups.h"

#include <string.h>
#include "apr_strings.h"
#include "apr_lib.h"

static apr_array_header_t *sso_groups_empty(apr_pool_t *p)
{
    return apr_array_make(p, 1, sizeof(const char *));
}

/* A string without an embedded NUL (jansson allows "\u0000"). */
static int sso_groups_name_ok(json_t *item)
{
    return json_is_string(item)
           && json_string_length(item) == strlen(json_string_value(item));
}

/* LemonLDAP::NG's "array mode" sends one group as a plain string. */
static apr_array_header_t *sso_groups_from_string(apr_pool_t *p, json_t *claim,
                                                  const char **problem)
{
    apr_array_header_t *out = sso_groups_empty(p);

    if (!sso_groups_name_ok(claim)) {
        *problem = "the groups claim is a string with a NUL byte; treated as "
                   "no groups";
    }
    else if (json_string_length(claim)) {
        APR_ARRAY_PUSH(out, const char *) =
            apr_pstrdup(p, json_string_value(claim));
    }
    return out;
}

apr_array_header_t *sso_groups_from_claim(apr_pool_t *p, json_t *claim,
                                          const char **problem)
{
    apr_array_header_t *out = sso_groups_empty(p);
    size_t i, skipped = 0;
    json_t *item;

    *problem = NULL;
    if (!claim) {
        return out;
    }
    if (json_is_string(claim)) {
        return sso_groups_from_string(p, claim, problem);
    }
    if (!json_is_array(claim)) {
        *problem = "the groups claim is neither an array nor a string; "
                   "treated as no groups";
        return out;
    }
    json_array_foreach(claim, i, item)
    {
        if (sso_groups_name_ok(item)) {
            APR_ARRAY_PUSH(out, const char *) =
                apr_pstrdup(p, json_string_value(item));
        }
        else {
            skipped++;
        }
    }
    if (skipped) {
        *problem =
            apr_psprintf(p,
                         "the groups claim has %" APR_SIZE_T_FMT
                         " entries that are not strings; they were ignored",
                         skipped);
    }
    return out;
}

apr_array_header_t *sso_claim_path_parse(apr_pool_t *p, const char *spec,
                                         const char **err)
{
    apr_array_header_t *path = apr_array_make(p, 2, sizeof(const char *));
    char *seg = apr_palloc(p, strlen(spec) + 1), *w = seg;
    const char *s;

    for (s = spec;; s++) {
        if (*s == '\\') {
            if (s[1] != '.' && s[1] != '\\') {
                *err = "a backslash must be followed by '.' or '\\'";
                return NULL;
            }
            *w++ = *++s;
            continue;
        }
        if (*s && *s != '.') {
            *w++ = *s;
            continue;
        }
        if (w == seg) {
            *err = "an empty name (two dots, or a dot at either end)";
            return NULL;
        }
        *w++ = '\0';
        APR_ARRAY_PUSH(path, const char *) = seg;
        if (path->nelts > SSO_CLAIM_PATH_MAX) {
            *err = apr_psprintf(p, "more than %d names", SSO_CLAIM_PATH_MAX);
            return NULL;
        }
        if (!*s) {
            return path;
        }
        seg = w;
    }
}

json_t *sso_claim_path_get(json_t *claims, const apr_array_header_t *path)
{
    json_t *v = claims;
    int i;

    for (i = 0; v && i < path->nelts; i++) {
        v = json_is_object(v)
                ? json_object_get(v, APR_ARRAY_IDX(path, i, const char *))
                : NULL;
    }
    return v;
}

int sso_groups_contain(const apr_array_header_t *list, const char *name)
{
    int i;

    for (i = 0; list && i < list->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(list, i, const char *), name)) {
            return 1;
        }
    }
    return 0;
}

apr_array_header_t *sso_groups_map(apr_pool_t *p, const apr_array_header_t *map,
                                   const apr_array_header_t *remote)
{
    apr_array_header_t *local = sso_groups_empty(p);
    int i;

    for (i = 0; map && i < map->nelts; i++) {
        const sso_group_map_entry *e =
            &APR_ARRAY_IDX(map, i, sso_group_map_entry);
        if (sso_groups_contain(remote, e->remote)
            && !sso_groups_contain(local, e->local)) {
            APR_ARRAY_PUSH(local, const char *) = e->local;
        }
    }
    return local;
}

const char *sso_groups_join(apr_pool_t *p, const apr_array_header_t *list)
{
    return list && list->nelts ? apr_array_pstrcat(p, list, ',') : "";
}

const char *sso_username_normalize(apr_pool_t *p, const char *value)
{
    size_t i, len = value ? strlen(value) : 0;
    char *out;

    if (len == 0 || len > SSO_USERNAME_MAX) {
        return NULL;
    }
    out = apr_pstrmemdup(p, value, len);
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)out[i];
        if (!apr_isalnum(c) && !strchr("@._-", c)) {
            return NULL;
        }
        out[i] = (char)apr_tolower(c);
    }
    return out;
}
