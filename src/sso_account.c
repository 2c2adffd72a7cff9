/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_account.h"
#include "sso_groups.h"

static sso_account_decision sso_account_existing(const sso_account_facts *f,
                                                 int *replace_groups)
{
    if (f->disabled) {
        return SSO_ACCOUNT_REFUSE_DISABLED;
    }
    if (f->require_mapped_group && f->mapped <= 0) {
        return SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP;
    }
    if (replace_groups) {
        *replace_groups = !f->map_empty;
    }
    return SSO_ACCOUNT_ADMIT_EXISTING;
}

static sso_account_decision sso_account_new(const sso_account_facts *f)
{
    if (f->require_mapped_group && f->mapped <= 0) {
        return SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP;
    }
    if (!f->allow_signup) {
        return SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED;
    }
    if (f->signup_only_mapped && f->mapped <= 0) {
        return SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED;
    }
    return SSO_ACCOUNT_CREATE;
}

sso_account_decision sso_account_decide(const sso_account_facts *f,
                                        int *replace_groups)
{
    if (replace_groups) {
        *replace_groups = 0;
    }
    return f->exists ? sso_account_existing(f, replace_groups)
                     : sso_account_new(f);
}

int sso_account_refused(sso_account_decision d)
{
    return d != SSO_ACCOUNT_ADMIT_EXISTING && d != SSO_ACCOUNT_CREATE;
}

/* The first two quote the contract's wording ("User account is disabled",
 * "new user sign up is disabled"), which tests and admins search for. */
const char *sso_account_reason(sso_account_decision d)
{
    switch (d) {
    case SSO_ACCOUNT_REFUSE_DISABLED:
        return "User account is disabled.";
    case SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED:
        return "You have no account here yet, and new user sign up is "
               "disabled.";
    case SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED:
        return "You have no account here yet, and new accounts are only "
               "created for members of a group that may use this site.";
    case SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP:
        return "You are not a member of any group that may use this site.";
    case SSO_ACCOUNT_REFUSE_NO_USERNAME:
        return "No valid, free username could be derived from your account.";
    default:
        return NULL;
    }
}

/* Signup limited to mapped users counts as no-mapped-group: the user's
 * groups, not the signup switch, decided it. */
const char *sso_account_event_cause(sso_account_decision d)
{
    switch (d) {
    case SSO_ACCOUNT_REFUSE_DISABLED:
        return "disabled";
    case SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED:
        return "signup-off";
    case SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED:
    case SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP:
        return "no-mapped-group";
    case SSO_ACCOUNT_REFUSE_NO_USERNAME:
        return "no-username";
    default:
        return NULL;
    }
}

const char *sso_account_cause(sso_account_decision d,
                              const sso_account_facts *f)
{
    switch (d) {
    case SSO_ACCOUNT_REFUSE_DISABLED:
        return "the local account is disabled (sso-users enable USER)";
    case SSO_ACCOUNT_REFUSE_SIGNUP_DISABLED:
        return "no local account for this issuer and sub, and SSOAllowSignup "
               "is Off";
    case SSO_ACCOUNT_REFUSE_SIGNUP_UNMAPPED:
        if (f && f->map_empty) {
            return "no local account, and SSOAllowSignupOnlyForMappedUsers is "
                   "On but SSOGroupMap is empty, so no signup can qualify";
        }
        return "no local account, and in no group of SSOGroupMap "
               "(SSOAllowSignupOnlyForMappedUsers On)";
    case SSO_ACCOUNT_REFUSE_NO_MAPPED_GROUP:
        if (f && f->map_empty) {
            return "SSORequireMappedGroup is On but SSOGroupMap is empty, so "
                   "no login can qualify: add SSOGroupMap lines or set "
                   "SSORequireMappedGroup Off";
        }
        return "in no group of SSOGroupMap (SSORequireMappedGroup On)";
    case SSO_ACCOUNT_REFUSE_NO_USERNAME:
        return "no claim of SSOUsernameClaims holds a valid, free username";
    default:
        return NULL;
    }
}

const char *sso_account_pick_username(apr_pool_t *p,
                                      const apr_array_header_t *candidates,
                                      sso_account_taken_fn taken, void *ctx)
{
    int i;

    for (i = 0; candidates && i < candidates->nelts; i++) {
        const char *u = sso_username_normalize(
            p, APR_ARRAY_IDX(candidates, i, const char *));
        sso_username_e t;

        if (!u) {
            continue;
        }
        t = taken(ctx, u);
        if (t == SSO_USERNAME_ERROR) {
            return NULL;
        }
        if (t == SSO_USERNAME_FREE) {
            return u;
        }
    }
    return NULL;
}

void sso_account_drop_claim(const apr_array_header_t *names,
                            apr_array_header_t *values, const char *claim)
{
    int i;

    for (i = 0; i < names->nelts && i < values->nelts; i++) {
        if (!strcmp(APR_ARRAY_IDX(names, i, const char *), claim)) {
            APR_ARRAY_IDX(values, i, const char *) = NULL;
        }
    }
}
