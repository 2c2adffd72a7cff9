/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_identity.h"

#include <string.h>
#include "apr_lib.h"
#include "apr_strings.h"

#define SSO_IDENTITY_PREFIX     "x-sso-"
#define SSO_IDENTITY_PREFIX_LEN (sizeof(SSO_IDENTITY_PREFIX) - 1)

/* What follows the prefix in the headers sso_export sets. */
static const char *const sso_identity_suffixes[] = { "User", "Groups", "Email",
                                                     "Name" };

/* '_' stands for '-' because CGI turns both into the same HTTP_X_SSO_USER
 * variable. */
int sso_identity_owns_header(const char *name)
{
    apr_size_t i;

    for (i = 0; i < SSO_IDENTITY_PREFIX_LEN; i++) {
        char want = SSO_IDENTITY_PREFIX[i];
        char ch = (char)apr_tolower((unsigned char)name[i]);

        if (ch != want && !(want == '-' && ch == '_')) {
            return 0;
        }
    }
    name += SSO_IDENTITY_PREFIX_LEN;
    for (i = 0;
         i < sizeof(sso_identity_suffixes) / sizeof(*sso_identity_suffixes);
         i++) {
        if (!strcasecmp(name, sso_identity_suffixes[i])) {
            return 1;
        }
    }
    return 0;
}
