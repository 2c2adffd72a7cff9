/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Claims JSON as the provider sends it (ID token payload or userinfo):
 * sso_groups_from_claim, sso_claim_path_parse/_get (SSOGroupsClaim paths,
 * fixed ones and every string in the input taken as a path),
 * sso_jwt_claim_string, sso_username_normalize and what the module does
 * with their results (group map, join). */
#include "fuzz.h"
#include "sso_groups.h"
#include "sso_jwt.h"

#include "apr_lib.h"
#include "apr_strings.h"

static apr_array_header_t *group_map;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const sso_group_map_entry entries[] = {
        { "admins", "wheel" },
        { "staff", "users" },
        { "dev", "users" },
    };
    size_t i;

    fuzz_pools_init();
    group_map = apr_array_make(fuzz_root, 3, sizeof(sso_group_map_entry));
    for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        APR_ARRAY_PUSH(group_map, sso_group_map_entry) = entries[i];
    }
    return 0;
}

static void check_username(apr_pool_t *p, const char *value)
{
    const char *u = sso_username_normalize(p, value);
    size_t i, len;

    if (!u) {
        return;
    }
    len = strlen(u);
    FUZZ_ASSERT(len >= 1 && len <= SSO_USERNAME_MAX && len == strlen(value));
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)u[i];
        FUZZ_ASSERT((apr_isalnum(c) && !apr_isupper(c)) || strchr("@._-", c));
        FUZZ_ASSERT(apr_tolower((unsigned char)value[i]) == c);
    }
}

static void check_groups(apr_pool_t *p, json_t *claim)
{
    const char *problem = (const char *)1;
    apr_array_header_t *g = sso_groups_from_claim(p, claim, &problem);
    apr_array_header_t *local;
    const char *joined;
    int i;

    FUZZ_ASSERT(g);
    FUZZ_ASSERT(problem != (const char *)1);
    if (json_is_string(claim)) {
        /* One group; none for "" or a string with a NUL (then a problem). */
        FUZZ_ASSERT(g->nelts <= 1
                    && (g->nelts == 1 || json_string_length(claim) == 0
                        || problem != NULL)
                    && (g->nelts == 0
                        || !strcmp(APR_ARRAY_IDX(g, 0, const char *),
                                   json_string_value(claim))));
    }
    else if (!json_is_array(claim)) {
        FUZZ_ASSERT(g->nelts == 0 && (claim ? problem != NULL : !problem));
    }
    else {
        FUZZ_ASSERT((size_t)g->nelts <= json_array_size(claim));
    }
    for (i = 0; i < g->nelts; i++) {
        FUZZ_ASSERT(APR_ARRAY_IDX(g, i, const char *) != NULL);
    }
    local = sso_groups_map(p, group_map, g);
    FUZZ_ASSERT(local && local->nelts <= group_map->nelts);
    joined = sso_groups_join(p, g);
    FUZZ_ASSERT(joined);
    (void)sso_groups_join(p, local);
    (void)sso_groups_contain(g, "admins");
}

/* A string as an SSOGroupsClaim value: a parsed path has 1 to
 * SSO_CLAIM_PATH_MAX non-empty names, no longer in all than the spec;
 * following it in root ends in a value of root or nowhere. */
static void check_path(apr_pool_t *p, json_t *root, const char *spec)
{
    const char *err = NULL;
    apr_array_header_t *path = sso_claim_path_parse(p, spec, &err);
    size_t total = 0;
    int i;

    if (!path) {
        FUZZ_ASSERT(err != NULL);
        return;
    }
    FUZZ_ASSERT(path->nelts >= 1 && path->nelts <= SSO_CLAIM_PATH_MAX);
    for (i = 0; i < path->nelts; i++) {
        size_t len = strlen(APR_ARRAY_IDX(path, i, const char *));
        FUZZ_ASSERT(len >= 1);
        total += len + 1;
    }
    FUZZ_ASSERT(total <= strlen(spec) + 1);
    check_groups(p, sso_claim_path_get(root, path));
}

static void check_fixed_paths(apr_pool_t *p, json_t *root)
{
    static const char *const specs[] = {
        "groups",
        "realm_access.roles",
        "resource_access.app.roles",
        "https://example\\.com/groups",
    };
    size_t i;

    for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
        check_path(p, root, specs[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;
    /* JSON_ALLOW_NUL: the code must cope with "\u0000" in strings itself. */
    json_t *root = json_loadb((const char *)data, size,
                              JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    const char *key;
    json_t *value;

    if (!root) {
        return 0;
    }
    check_groups(p, root);
    check_groups(p, json_object_get(root, "groups"));
    check_fixed_paths(p, root);
    json_object_foreach(root, key, value)
    {
        const char *s = sso_jwt_claim_string(root, key);
        json_t *got = json_object_get(root, key);

        FUZZ_ASSERT(
            !s
            || (json_is_string(got) && strlen(s) == json_string_length(got)));
        check_username(p, s);
        if (s) {
            check_path(p, root, s);
        }
        if (json_is_array(value)) {
            check_groups(p, value);
        }
    }
    if (json_is_string(root)) {
        check_username(p, json_string_value(root));
    }
    json_decref(root);
    apr_pool_clear(p);
    return 0;
}
