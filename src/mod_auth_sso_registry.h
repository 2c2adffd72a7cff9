/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The user registry's connections, per child */
#ifndef MOD_AUTH_SSO_REGISTRY_H
#define MOD_AUTH_SSO_REGISTRY_H

#include "mod_auth_sso_config.h"

struct sso_registry;
int ssomod_registry_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                apr_pool_t *ptemp, server_rec *s);
void ssomod_registry_child_init(apr_pool_t *p, server_rec *s);
struct sso_registry *ssomod_registry_acquire(request_rec *r,
                                             const ssomod_server_conf *c);
void ssomod_registry_release(request_rec *r, const ssomod_server_conf *c,
                             struct sso_registry *reg, int failed);
/* Adds a sign-in event to the registry's trail (sso-users log), from
 * r's client address; reg is a handle the caller holds, or NULL. A failure
 * is logged, never returned: the login's outcome stands. */
void ssomod_registry_event(request_rec *r, const ssomod_server_conf *c,
                           struct sso_registry *reg, const char *user,
                           const char *method, const char *event,
                           const char *cause);

#endif
