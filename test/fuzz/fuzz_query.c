/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The query string of a callback or logout request: sso_url_query_parse
 * on a NUL-terminated copy (httpd's r->args). */
#include "fuzz.h"
#include "sso_url.h"

#include "apr_strings.h"
#include "apr_tables.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;
    char *query = fuzz_cstr(p, data, size);
    apr_table_t *t = NULL;
    const char *problem = sso_url_query_parse(p, query, &t);
    const apr_array_header_t *arr;
    int i, j;

    FUZZ_ASSERT(t);
    /* Input left as it was: callers keep using r->args. */
    FUZZ_ASSERT(!memcmp(query, data, strlen(query)));
    if (problem) {
        FUZZ_ASSERT(*problem && !strpbrk(problem, "\r\n"));
    }
    else {
        /* No name twice, however spelled: apr_table_get is case-blind. */
        arr = apr_table_elts(t);
        for (i = 0; i < arr->nelts; i++) {
            const apr_table_entry_t *a =
                &APR_ARRAY_IDX(arr, i, apr_table_entry_t);

            FUZZ_ASSERT(a->key && a->val);
            for (j = i + 1; j < arr->nelts; j++) {
                FUZZ_ASSERT(strcasecmp(
                    a->key, APR_ARRAY_IDX(arr, j, apr_table_entry_t).key));
            }
        }
        (void)apr_table_get(t, "code");
        (void)apr_table_get(t, "state");
    }
    apr_pool_clear(p);
    return 0;
}
