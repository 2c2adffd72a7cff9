/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The identity headers the module sets (X-SSO-User...): pure logic, no
 * request_rec. */
#ifndef SSO_IDENTITY_H
#define SSO_IDENTITY_H

/* Non-zero when the request header name is one of ours, in any case and
 * with '_' for '-' ("x-sso-user", "X_SSO_USER"): a client must not send
 * what the module passes on as the identity. */
int sso_identity_owns_header(const char *name);

#endif
