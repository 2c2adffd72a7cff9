/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Groups: reading the provider's claim and mapping it onto local groups;
 * local usernames. Pure logic. */
#ifndef SSO_GROUPS_H
#define SSO_GROUPS_H

#include <jansson.h>
#include "apr_pools.h"
#include "apr_tables.h"

/* One SSOGroupMap line. */
typedef struct {
    const char *remote;
    const char *local;
} sso_group_map_entry;

/* Longest local username (SSOUsernameClaims). */
#define SSO_USERNAME_MAX 255

/* The group names in claim (may be NULL): an array of strings, or one
 * string as a one-item list ("" as none). Other shapes (numbers, objects)
 * give an empty list and set *problem to a sentence for the log; string
 * entries of a mixed array are kept, the others (nested arrays too)
 * skipped and counted in *problem. */
apr_array_header_t *sso_groups_from_claim(apr_pool_t *p, json_t *claim,
                                          const char **problem);

/* Most names in an SSOGroupsClaim path. */
#define SSO_CLAIM_PATH_MAX 8

/* SSOGroupsClaim, parsed once at startup: names separated by dots, each
 * one level deeper into nested objects (Keycloak's realm_access.roles).
 * "\." is a literal dot and "\\" a backslash within a name. The names,
 * or NULL with *err when a name is empty, a backslash escapes anything
 * else, or there are more than SSO_CLAIM_PATH_MAX names. */
apr_array_header_t *sso_claim_path_parse(apr_pool_t *p, const char *spec,
                                         const char **err);

/* The value at path in claims, or NULL when a level is missing or not an
 * object. Borrowed from claims. */
json_t *sso_claim_path_get(json_t *claims, const apr_array_header_t *path);

/* Local groups for remote ones: the union of map entries whose remote name
 * matches exactly (case-sensitive), each once, in map order. */
apr_array_header_t *sso_groups_map(apr_pool_t *p, const apr_array_header_t *map,
                                   const apr_array_header_t *remote);

/* Non-zero when list holds name. */
int sso_groups_contain(const apr_array_header_t *list, const char *name);

/* "a,b,c", for SSO_GROUPS. */
const char *sso_groups_join(apr_pool_t *p, const apr_array_header_t *list);

/* value lower-cased when it is a valid username (letters, digits, @._-;
 * 1 to 255 bytes), else NULL. */
const char *sso_username_normalize(apr_pool_t *p, const char *value);

#endif
