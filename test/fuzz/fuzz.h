/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Shared by the libFuzzer targets in this directory and by replay.c.
 *
 * Each target keeps one APR pool for the whole run (created by
 * LLVMFuzzerInitialize) and a subpool that is cleared after every input, so
 * leaks across inputs show up as growth, not as noise. */
#ifndef SSO_FUZZ_H
#define SSO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apr_general.h"
#include "apr_pools.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Report a broken invariant the way a crash is reported: libFuzzer saves
 * the input, replay.c counts the file as failed. */
#define FUZZ_ASSERT(cond)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__,   \
                    __LINE__, #cond);                                      \
            abort();                                                       \
        }                                                                  \
    } while (0)

static apr_pool_t *fuzz_root, *fuzz_pool;

/* At exit, before LeakSanitizer looks: APR may keep pool blocks in mmap'ed
 * memory, which LSan does not scan, so objects only a pool cleanup frees
 * (e.g. the EVP_PKEYs of a JWKS parsed at start-up) would read as leaks. */
static inline void fuzz_pools_done(void)
{
    if (fuzz_root)
        apr_pool_destroy(fuzz_root);
    fuzz_root = fuzz_pool = NULL;
}

/* apr_initialize once, the root pool and the per-input subpool. */
static inline void fuzz_pools_init(void)
{
    if (fuzz_root)
        return;
    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&fuzz_root, NULL) != APR_SUCCESS
        || apr_pool_create(&fuzz_pool, fuzz_root) != APR_SUCCESS) {
        fprintf(stderr, "fuzz: APR initialisation failed\n");
        abort();
    }
    atexit(fuzz_pools_done);
}

static inline apr_status_t fuzz_free(void *data)
{
    free(data);
    return APR_SUCCESS;
}

/* The input as a C string, as httpd would hand it over: cut at the first
 * NUL. malloc'ed to the exact size (pool memory would hide over-reads from
 * ASan) and freed when p is cleared. */
static inline char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t n = nul ? (size_t)(nul - data) : size;
    char *s = malloc(n + 1);

    if (!s)
        abort();
    memcpy(s, data, n);
    s[n] = '\0';
    apr_pool_cleanup_register(p, s, fuzz_free, apr_pool_cleanup_null);
    return s;
}

#endif
