/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Who may sign in through the provider: the decision table for one SSO
 * login (SSOAllowSignup, SSOAllowSignupOnlyForMappedUsers,
 * SSORequireMappedGroup, SSOGroupMap), and the local username of a new
 * user. Pure logic, no database. */
#ifndef SSO_ACCOUNT_H
#define SSO_ACCOUNT_H

#include "apr_pools.h"
#include "apr_tables.h"

/* What is known when the provider has vouched for issuer + sub. */
typedef struct {
    int allow_signup;         /* SSOAllowSignup */
    int signup_only_mapped;   /* SSOAllowSignupOnlyForMappedUsers */
    int require_mapped_group; /* SSORequireMappedGroup */
    int map_empty;            /* SSOGroupMap has no lines */
    int mapped;               /* local groups mapped for this login */
    int exists;               /* issuer + sub is in the registry */
    int disabled;             /* ... and that account is disabled */
} sso_account_facts;

typedef enum {
    SSO_ACCOUNT_ADMIT_EXISTING,
    SSO_ACCOUNT_CREATE,
    SSO_ACCOUNT_REFUSE_DISABLED,
    SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED,
    SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED,
    SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP,
    /* Not from sso_account_decide: CREATE, but no claim gave a valid, free
     * username (sso_account_pick_username returned NULL). */
    SSO_ACCOUNT_REFUSE_NO_USERNAME
} sso_account_decision;

/* Checks, in order: an existing account that is disabled is refused; then
 * SSORequireMappedGroup On refuses a login mapped to no local group (every
 * login, existing user or new); then, for a new user, SSOAllowSignup Off
 * refuses, and SSOAllowSignupOnlyForMappedUsers On refuses one mapped to no
 * group. What is left is admitted (existing) or created (new).
 *
 * SSORequireMappedGroup On with an empty SSOGroupMap: nobody is in a mapped
 * group, so every SSO login is refused. This is the literal rule and fails
 * closed: forgetting the map never opens the site to every account of the
 * provider. The log cause says so and names both directives.
 *
 * *replace_groups (may be NULL) is set for ADMIT_EXISTING: non-zero when
 * SSOGroupMap is not empty, i.e. the user's local groups become exactly the
 * mapped groups of this login; with no map, locally assigned groups stay.
 * A created user always gets the mapped groups (none when the map is
 * empty). */
sso_account_decision sso_account_decide(const sso_account_facts *f,
                                        int *replace_groups);

/* Non-zero for the REFUSE_* decisions. */
int sso_account_refused(sso_account_decision d);

/* For a refusal: one sentence for the user's "Access denied" page (the page
 * adds who to contact), and one for the error log that names the directive
 * (f may be NULL; it only sharpens the wording). NULL for admissions. */
const char *sso_account_reason(sso_account_decision d);
const char *sso_account_cause(sso_account_decision d,
                              const sso_account_facts *f);

/* For a refusal: the cause of its login-refused event (the event
 * vocabulary: kebab-case), NULL for admissions. */
const char *sso_account_event_cause(sso_account_decision d);

typedef enum {
    SSO_USERNAME_FREE,
    SSO_USERNAME_TAKEN,
    SSO_USERNAME_ERROR /* stops the search (e.g. a store error, which the
                         * callback keeps in its ctx) */
} sso_username_e;
typedef sso_username_e (*sso_account_taken_fn)(void *ctx, const char *username);

/* The first of candidates (const char *, claim values in SSOUsernameClaims
 * order; entries may be NULL) that sso_username_normalize accepts and that
 * is not taken, normalized; NULL when there is none or taken() failed. */
const char *sso_account_pick_username(apr_pool_t *p,
                                      const apr_array_header_t *candidates,
                                      sso_account_taken_fn taken, void *ctx);

/* values[i] (the value of claim names[i], both const char *) set to NULL
 * where names[i] is claim: e.g. "email" when email_verified is false, so
 * that an address the user merely typed never becomes a username. */
void sso_account_drop_claim(const apr_array_header_t *names,
                            apr_array_header_t *values, const char *claim);

#endif
