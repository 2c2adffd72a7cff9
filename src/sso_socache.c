/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_socache.h"

#include <string.h>
#include "apr_strings.h"

/* The size written in "(...)" after the path, 0 without one. */
static apr_int64_t sso_socache_size(const char *paren)
{
    return paren ? apr_atoi64(paren + 1) : 0;
}

const char *sso_socache_plan_aux(apr_pool_t *p, const char *name,
                                 const char *arg)
{
    const char *paren;
    apr_int64_t size;

    if (strcmp(name, "shmcb") || !arg || !*arg) {
        return arg;
    }
    paren = strchr(arg, '(');
    size = sso_socache_size(paren) / 4;
    if (size < SSO_SOCACHE_AUX_MIN) {
        size = SSO_SOCACHE_AUX_MIN;
    }
    return apr_psprintf(p, "%s.login(%" APR_INT64_T_FMT ")",
                        paren ? apr_pstrmemdup(p, arg, paren - arg) : arg,
                        size);
}

void sso_socache_plan_shards(apr_pool_t *p, const char *name, const char *arg,
                             sso_socache_shards *out)
{
    const char *paren = arg ? strchr(arg, '(') : NULL;
    apr_int64_t size = sso_socache_size(paren);
    const char *path;
    int i;

    out->count = 1;
    if (!strcmp(name, "shmcb") && size >= 2 * SSO_SOCACHE_SHARD_SIZE) {
        out->count = size / SSO_SOCACHE_SHARD_SIZE > SSO_SOCACHE_SHARDS_MAX
                         ? SSO_SOCACHE_SHARDS_MAX
                         : (int)(size / SSO_SOCACHE_SHARD_SIZE);
    }
    out->args = apr_pcalloc(p, out->count * sizeof(char *));
    out->args[0] = arg;
    if (out->count == 1) {
        return;
    }
    path = apr_pstrmemdup(p, arg, paren - arg);
    for (i = 0; i < out->count; i++) {
        out->args[i] = apr_psprintf(p, "%s.%d(%" APR_INT64_T_FMT ")", path, i,
                                    size / out->count);
    }
}
