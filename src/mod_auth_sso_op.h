/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The provider's documents (discovery, JWKS) as a request sees them */
#ifndef MOD_AUTH_SSO_OP_H
#define MOD_AUTH_SSO_OP_H

#include "mod_auth_sso_config.h"
#include "sso_http.h"
#include "sso_jwt.h"
#include "sso_provider.h"

/* mod_auth_sso_op.c: each int function returns OK, or the status of the
 * error page it prepared. */
void ssomod_op_child_init(apr_pool_t *p, server_rec *s);
void ssomod_op_http_opts(const ssomod_server_conf *c, sso_http_opts *o);
/* *meta and *keys may be shared with other threads: read them only. */
int ssomod_op_meta(request_rec *r, const ssomod_server_conf *c,
                   const sso_provider_meta **meta);
int ssomod_op_jwks(request_rec *r, const ssomod_server_conf *c,
                   const sso_provider_meta *meta, const sso_jwks **keys);
/* For a token signed by a key the copy lacks: a newer copy another child
 * fetched, else a fetch, at most one a minute in every process together. */
typedef enum {
    SSO_REFETCH_OK,      /* *keys is the newer copy */
    SSO_REFETCH_LIMITED, /* a refetch was made less than a minute ago */
    SSO_REFETCH_FAILED   /* logged, with an error page prepared */
} ssomod_refetch_e;
ssomod_refetch_e ssomod_op_jwks_refetch(request_rec *r,
                                        const ssomod_server_conf *c,
                                        const sso_provider_meta *meta,
                                        const sso_jwks **keys);

#endif
