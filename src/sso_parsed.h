/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* A per-process memo of parsed documents. Every login takes the provider's
 * discovery document and JWKS from the shared login cache as bytes; when
 * the bytes under a name are those this process parsed last, the parsed
 * value (with its imported keys) is used again instead of parsed again.
 * Keyed by the bytes themselves, so a new document (a key rotation, a
 * refetch in another process) is parsed as soon as it is in the cache.
 * Thread-safe. Pure logic: no request_rec. */
#ifndef SSO_PARSED_H
#define SSO_PARSED_H

#include "apr.h"
#include "apr_pools.h"

/* Names kept at once (a discovery document and a JWKS per provider); the
 * least recently used one goes when another name comes. */
#define SSO_PARSED_SLOTS 8

typedef struct sso_parsed sso_parsed;

/* Parses the len bytes at doc (NUL-terminated) into *value, allocated in p,
 * with arg as given to sso_parsed_get. Returns NULL, or why not (in p).
 * The value is shared by threads once returned: nothing may change it. */
typedef const char *(*sso_parsed_fn)(apr_pool_t *p, const char *doc,
                                     apr_size_t len, const void *arg,
                                     void **value);

/* Once per process, before threads use it (child_init). Documents longer
 * than max_len are not kept: they are parsed for each caller. Released
 * with p, which must outlive the callers' pools (pchild and r->pool). */
apr_status_t sso_parsed_create(apr_pool_t *p, apr_size_t max_len,
                               sso_parsed **out);

/* The value of the len bytes at doc under name: the kept one when name's
 * bytes are the same, else parse(...) now, kept in place of name's older
 * value. It stays valid until user is cleared or destroyed, whatever
 * replaces it meanwhile. m may be NULL: then parsed in user each time.
 * NULL when parse fails, with *err (in user). */
void *sso_parsed_get(sso_parsed *m, apr_pool_t *user, const char *name,
                     const char *doc, apr_size_t len, sso_parsed_fn parse,
                     const void *arg, const char **err);

#endif
