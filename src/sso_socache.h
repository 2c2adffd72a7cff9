/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* How SSOSessionCache becomes socache instances: the shards of the session
 * cache and the argument of the login cache. Pure logic: plain strings in,
 * plain strings out. */
#ifndef SSO_SOCACHE_H
#define SSO_SOCACHE_H

#include "apr_pools.h"

/* shmcb scans one of at most 256 index lists per lookup: a large cache is
 * split into shards of about 512 KiB, so each list stays short however many
 * sessions there are. Other providers look up by hash: one shard. */
#define SSO_SOCACHE_SHARD_SIZE (512 * 1024)
#define SSO_SOCACHE_SHARDS_MAX 64

/* The login cache's shmcb size: a quarter of the session cache's, at least
 * this much, since pending logins scale with the users. */
#define SSO_SOCACHE_AUX_MIN (1024 * 1024)

typedef struct {
    int count;         /* session instances, at least 1 */
    const char **args; /* their provider arguments; args[0] may be NULL */
} sso_socache_shards;

/* The argument of the login cache for provider name with argument arg
 * (NULL when none). shmcb names its segment after the path in its
 * argument, so "/run/x(4000000)" gives "/run/x.login(1000000)"; other
 * providers share arg as it is. */
const char *sso_socache_plan_aux(apr_pool_t *p, const char *name,
                                 const char *arg);

/* The session cache's shards: shmcb with a size of two shards or more is
 * split into "path.N(size/count)", at most SSO_SOCACHE_SHARDS_MAX of them;
 * anything else is one instance with arg itself. */
void sso_socache_plan_shards(apr_pool_t *p, const char *name, const char *arg,
                             sso_socache_shards *out);

#endif
