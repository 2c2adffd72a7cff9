/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Sessions of a request: the cookie, the cache record, public URLs */
#ifndef MOD_AUTH_SSO_SESSION_H
#define MOD_AUTH_SSO_SESSION_H

#include "mod_auth_sso_config.h"
#include "sso_cookie.h"

typedef enum {
    SSO_LOAD_NONE,
    SSO_LOAD_OK,
    SSO_LOAD_EXPIRED,
    SSO_LOAD_ERROR
} ssomod_load_e;
const char *ssomod_public_base(request_rec *r, const ssomod_server_conf *c);
const char *ssomod_public_url_for(apr_pool_t *p, const char *scheme,
                                  const char *host, apr_port_t port);
void ssomod_cookie_set(request_rec *r, const ssomod_server_conf *c,
                       const char *name, const char *value, long max_age,
                       const char *path);
/* The cookie name across all of the request's Cookie headers. */
void ssomod_cookie_find(request_rec *r, const char *name,
                        sso_cookie_found *found);
void ssomod_cookie_clear(request_rec *r, const ssomod_server_conf *c,
                         const char *name, const char *path);
ssomod_load_e ssomod_session_load(request_rec *r, const ssomod_server_conf *c,
                                  sso_session *out, const unsigned char **id);
apr_status_t ssomod_session_save(request_rec *r, const ssomod_server_conf *c,
                                 const unsigned char *id, const sso_session *s);
/* Zero when another request of this child is writing the same reused
 * session record back: serve it as it is (sso_reuse_claim). */
int ssomod_session_may_write(request_rec *r, const ssomod_server_conf *c);
void ssomod_session_touch(request_rec *r, const ssomod_server_conf *c,
                          const unsigned char *id, sso_session *s, int changed);
apr_status_t ssomod_session_create(request_rec *r, const ssomod_server_conf *c,
                                   const sso_session *s, const char **token);
void ssomod_session_remove(request_rec *r, const ssomod_server_conf *c,
                           const unsigned char *id);
void ssomod_session_keep_id_token(request_rec *r, const ssomod_server_conf *c,
                                  const char *token, const char *id_token);

/* Longest ID token kept for id_token_hint; a longer one is not sent. */
#define SSO_ID_TOKEN_MAX 16384
const char *ssomod_session_id_token(request_rec *r, const ssomod_server_conf *c,
                                    const unsigned char *id);

#endif
