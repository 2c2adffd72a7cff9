/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Cache records: sso_session_decode and sso_txn_decode on arbitrary bytes
 * (a corrupt or planted socache entry). A record that decodes must
 * re-encode to the same bytes and decode again to the same fields, and be
 * usable the way the module uses it (groups joined and searched). */
#include "fuzz.h"
#include "sso_groups.h"
#include "sso_session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

static int str_eq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Room for a record of the previous version written in the current one,
 * which adds a time. */
#define FUZZ_SESSION_GROWTH 64

static void check_session(apr_pool_t *p, const sso_session *x,
                          const uint8_t *data, size_t size)
{
    unsigned char *buf = malloc(size + FUZZ_SESSION_GROWTH);
    apr_size_t len;
    sso_session y;
    int i;

    if (!buf) {
        abort();
    }
    len = sso_session_encode(x, buf, size + FUZZ_SESSION_GROWTH);
    /* The format has one spelling per record. A record of the previous
     * version (still read) is written in the current one. */
    FUZZ_ASSERT(
        len > 0
        && (buf[0] != data[0] || (len == size && !memcmp(buf, data, size))));
    memset(&y, 0, sizeof(y));
    FUZZ_ASSERT(!sso_session_decode(p, buf, len, &y));
    free(buf);
    FUZZ_ASSERT(x->created == y.created && x->last_seen == y.last_seen
                && x->verified == y.verified);
    FUZZ_ASSERT(str_eq(x->method, y.method) && str_eq(x->user, y.user)
                && str_eq(x->issuer, y.issuer) && str_eq(x->sub, y.sub)
                && str_eq(x->email, y.email) && str_eq(x->name, y.name));
    FUZZ_ASSERT(x->groups && y.groups && x->groups->nelts == y.groups->nelts);
    for (i = 0; i < x->groups->nelts; i++) {
        FUZZ_ASSERT(str_eq(APR_ARRAY_IDX(x->groups, i, const char *),
                           APR_ARRAY_IDX(y.groups, i, const char *)));
    }
    /* What authn and authz do with a loaded session. */
    FUZZ_ASSERT(sso_groups_join(p, x->groups));
    (void)sso_groups_contain(x->groups, "admins");
    (void)sso_session_expired(x, 1700000000, 3600, 86400);
    (void)sso_session_needs_touch(x, 1700000000, 3600);
    (void)sso_session_needs_recheck(x, 1700000000, 30);
    (void)sso_session_ttl(x, 1700000000, 3600, 86400);
}

static void check_txn(apr_pool_t *p, const sso_txn *x, const uint8_t *data,
                      size_t size)
{
    unsigned char *buf = malloc(size + 1);
    apr_size_t len;
    sso_txn y;

    if (!buf) {
        abort();
    }
    len = sso_txn_encode(x, buf, size + 1);
    FUZZ_ASSERT(len == size && !memcmp(buf, data, size));
    memset(&y, 0, sizeof(y));
    FUZZ_ASSERT(!sso_txn_decode(p, buf, len, &y));
    free(buf);
    FUZZ_ASSERT(x->created == y.created && str_eq(x->nonce, y.nonce)
                && str_eq(x->pkce_verifier, y.pkce_verifier)
                && str_eq(x->return_path, y.return_path));
    (void)sso_txn_expired(x, 1700000000);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;
    sso_session s;
    sso_txn t;

    memset(&s, 0, sizeof(s));
    if (!sso_session_decode(p, data, size, &s)) {
        check_session(p, &s, data, size);
    }
    memset(&t, 0, sizeof(t));
    if (!sso_txn_decode(p, data, size, &t)) {
        check_txn(p, &t, data, size);
    }
    apr_pool_clear(p);
    return 0;
}
