/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Accounts at login: the decision table applied, and the re-check */
#ifndef MOD_AUTH_SSO_ACCOUNT_H
#define MOD_AUTH_SSO_ACCOUNT_H

#include "mod_auth_sso_config.h"

typedef struct {
    const char *issuer;
    const char *sub;
    const char *email;                   /* may be NULL */
    const char *name;                    /* may be NULL */
    apr_array_header_t *remote_groups;   /* const char * */
    apr_array_header_t *username_claims; /* values in SSOUsernameClaims order */
} ssomod_login_claims;
int ssomod_account_admit(request_rec *r, const ssomod_server_conf *c,
                         const ssomod_login_claims *lc, sso_session *s);
typedef enum {
    SSO_RECHECK_OK,   /* still there and enabled: s's groups refreshed */
    SSO_RECHECK_GONE, /* disabled or deleted (logged) */
    SSO_RECHECK_ERROR /* the registry failed (logged) */
} ssomod_recheck_e;
ssomod_recheck_e ssomod_account_recheck(request_rec *r,
                                        const ssomod_server_conf *c,
                                        sso_session *s);

#endif
