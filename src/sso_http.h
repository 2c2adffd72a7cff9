/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Back-channel calls to the OpenID Provider (discovery, JWKS, token,
 * userinfo) through libcurl. Pure logic: no request_rec. */
#ifndef SSO_HTTP_H
#define SSO_HTTP_H

#include "apr_pools.h"
#include "apr_tables.h"

#define SSO_HTTP_DEFAULT_CONNECT_TIMEOUT 5  /* seconds */
#define SSO_HTTP_DEFAULT_TIMEOUT         10 /* seconds */
#define SSO_HTTP_DEFAULT_MAX_BODY        (1024 * 1024)

typedef struct {
    int connect_timeout; /* seconds; <= 0 means the default */
    int timeout;         /* whole transfer, seconds; <= 0 means the default */
    apr_size_t max_body; /* bytes; 0 means the default */
    const char *ca_file; /* PEM bundle; NULL or "" for the system store */
} sso_http_opts;

typedef enum {
    SSO_HTTP_OK = 0,    /* a response arrived, whatever its HTTP status */
    SSO_HTTP_CONNECT,   /* host not resolved or connection refused */
    SSO_HTTP_TIMEOUT,   /* connect or total timeout reached */
    SSO_HTTP_TOO_LARGE, /* body over max_body: transfer aborted */
    SSO_HTTP_TLS,       /* handshake or certificate verification failed */
    SSO_HTTP_OTHER
} sso_http_status_e;

typedef struct {
    sso_http_status_e status;
    long http_status; /* 0 when no response arrived */
    const char *body; /* NUL-terminated; "" on failure */
    apr_size_t len;
    const char *content_type;  /* NULL when the server sent none */
    const char *cache_control; /* the Cache-Control header, or NULL */
    const char *error;         /* NULL on SSO_HTTP_OK; names the URL, never
                                * a secret or the Authorization header */
} sso_http_response;

/* Once per process, before any thread makes a call (curl_global_init is
 * not thread-safe). NULL on success, else curl's error text. */
const char *sso_http_global_init(void);
void sso_http_global_cleanup(void);

/* Once per process, after fork (child_init), before any thread makes a
 * call; it calls sso_http_global_init itself. Afterwards a finished call
 * leaves its handle, with its open keep-alive connections, for the next
 * call (so the token request goes over the connection of an earlier call
 * to the provider), and handles share DNS answers and TLS sessions.
 * Released with p. NULL on success, else why not: then each call opens
 * its own connection, as without it. */
const char *sso_http_reuse_init(apr_pool_t *p);

/* Fills o with the defaults above and the system CA store. */
void sso_http_opts_init(sso_http_opts *o);

/* GET url with Accept: application/json; bearer, when not NULL, is sent as
 * "Authorization: Bearer". TLS is verified, redirects are not followed.
 * resp and its body live in p. Returns resp->status. */
sso_http_status_e sso_http_get(apr_pool_t *p, const sso_http_opts *o,
                               const char *url, const char *bearer,
                               sso_http_response *resp);

/* POST form (const char * name, value, name, value...) as
 * application/x-www-form-urlencoded. With basic_user set, sends RFC 6749
 * §2.3.1 Basic auth (both parts form-urlencoded before base64); both NULL
 * for none. Returns resp->status. */
sso_http_status_e sso_http_post_form(apr_pool_t *p, const sso_http_opts *o,
                                     const char *url,
                                     const apr_array_header_t *form,
                                     const char *basic_user,
                                     const char *basic_pass,
                                     sso_http_response *resp);

#endif
