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

/* The group names in claim (may be NULL). Anything but an array of strings
 * gives an empty list and sets *problem to a sentence for the log; string
 * entries of a mixed array are kept. */
apr_array_header_t *sso_groups_from_claim(apr_pool_t *p, json_t *claim,
                                          const char **problem);

/* Local groups for remote ones: the union of map entries whose remote name
 * matches exactly (case-sensitive), each once, in map order. */
apr_array_header_t *sso_groups_map(apr_pool_t *p,
                                   const apr_array_header_t *map,
                                   const apr_array_header_t *remote);

/* Non-zero when list holds name. */
int sso_groups_contain(const apr_array_header_t *list, const char *name);

/* "a,b,c", for SSO_GROUPS. */
const char *sso_groups_join(apr_pool_t *p, const apr_array_header_t *list);

/* value lower-cased when it is a valid username (letters, digits, @._-;
 * 1 to 255 bytes), else NULL. */
const char *sso_username_normalize(apr_pool_t *p, const char *value);

#endif
