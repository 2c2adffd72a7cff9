/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Benchmark-only route, compiled only with ./configure --enable-bench-seed
 * (which defines SSO_BENCH_SEED); `make install` refuses such a build.
 *
 *   POST <SSOBasePath>/_bench/seed?n=N[&user=NAME]
 *
 * From a loopback client that holds a valid session: stores N more
 * sessions of the caller's account, each a copy of the caller's own record
 * (same fields and sizes: method, username, issuer, sub, email, name and
 * local groups, with fresh times) under a fresh random 32-byte ID, through
 * the same ssomod_session_save path as a login. So the records are exactly
 * the size and shape of real ones, and they stay valid when the account is
 * re-checked in the registry (SSOAccountRecheck). `user`, when given, must
 * be the caller's username. The answer is JSON:
 *
 *   {"seeded":N,"user":"alice","record_bytes":196,"key_bytes":32,
 *    "oldest":"<cookie value of the first seeded session>",
 *    "newest":"<cookie value of the last>","present":N,"ms":1234}
 *
 * "present" counts the seeded sessions the cache still holds once all are
 * stored: fewer than N means the cache is too small and dropped some.
 */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_cache.h"
#include "mod_auth_sso_routes.h"
#include "mod_auth_sso_session.h"
#include "sso_random.h"
#include "sso_url.h"

#include "http_protocol.h"
#include "http_log.h"
#include "http_connection.h"
#include "apr_strings.h"
#include <jansson.h>

#define SSO_BENCH_ROUTE "/_bench/seed"
#define SSO_BENCH_MAX   1000000

int ssomod_bench_quick_handler(request_rec *r, int lookup_uri);

static int ssomod_bench_is_loopback(const request_rec *r)
{
    const char *ip = r->connection->client_ip;

    return ip
           && (!strncmp(ip, "127.", 4) || !strcmp(ip, "::1")
               || !strncasecmp(ip, "::ffff:127.", 11));
}

static int ssomod_bench_fail(request_rec *r, int status, const char *why)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  SSOLOGNO(00009) "bench seed refused: %s", why);
    r->status = status;
    ssomod_routes_send_json(r, json_pack("{s:s}", "error", why));
    return OK;
}

/* One session: a fresh ID as at login (ssomod_session_create), the record
 * stored by ssomod_session_save. */
static apr_status_t ssomod_bench_store_one(request_rec *r,
                                           const ssomod_server_conf *c,
                                           const sso_session *s, apr_pool_t *p,
                                           const char **token,
                                           unsigned char *id_out)
{
    const unsigned char *id;
    apr_status_t rv;

    if ((rv = sso_random_token(p, SSO_ID_BYTES, token)) != APR_SUCCESS) {
        return rv;
    }
    if (!(id = sso_id_decode(p, *token))) {
        return APR_EGENERAL;
    }
    memcpy(id_out, id, SSO_ID_BYTES);
    return ssomod_session_save(r, c, id, s);
}

static long ssomod_bench_count_present(request_rec *r, const unsigned char *ids,
                                       long n)
{
    unsigned char buf[SSO_SESSION_MAX];
    long i, present = 0;

    for (i = 0; i < n; i++) {
        apr_size_t len = sizeof(buf);
        if (ssomod_cache_retrieve(r->server, SSO_CACHE_SESSIONS,
                                  (const char *)ids + i * SSO_ID_BYTES,
                                  SSO_ID_BYTES, buf, &len, r->pool)
            == APR_SUCCESS) {
            present++;
        }
    }
    return present;
}

static int ssomod_bench_seed(request_rec *r, const ssomod_server_conf *c)
{
    apr_table_t *args;
    const char *n_arg, *user, *first = NULL, *last = NULL, *token;
    const unsigned char *caller_id;
    unsigned char buf[SSO_SESSION_MAX];
    apr_time_t start = apr_time_now();
    apr_pool_t *scratch;
    unsigned char *ids;
    apr_time_t seeded_ms;
    sso_session s;
    long n, i, present;

    if (r->method_number != M_POST) {
        r->allowed = AP_METHOD_BIT << M_POST;
        return HTTP_METHOD_NOT_ALLOWED;
    }
    if (!ssomod_bench_is_loopback(r)) {
        return ssomod_bench_fail(r, HTTP_FORBIDDEN, "loopback clients only");
    }
    if (sso_url_query_parse(r->pool, r->args, &args)
        || !(n_arg = apr_table_get(args, "n"))) {
        return ssomod_bench_fail(r, HTTP_BAD_REQUEST,
                                 "usage: ?n=N[&user=NAME]");
    }
    n = strtol(n_arg, NULL, 10);
    if (n < 1 || n > SSO_BENCH_MAX) {
        return ssomod_bench_fail(r, HTTP_BAD_REQUEST, "n must be 1..1000000");
    }
    if (ssomod_session_load(r, c, &s, &caller_id) != SSO_LOAD_OK) {
        return ssomod_bench_fail(r, HTTP_UNAUTHORIZED,
                                 "sign in first: the "
                                 "caller's session is the template");
    }
    user = apr_table_get(args, "user");
    if (user && strcmp(user, s.user)) {
        return ssomod_bench_fail(r, HTTP_BAD_REQUEST,
                                 "user is not the caller's "
                                 "username");
    }

    s.created = s.last_seen = s.verified = s.refreshed =
        apr_time_sec(r->request_time);
    ids = apr_palloc(r->pool, (apr_size_t)n * SSO_ID_BYTES);
    apr_pool_create(&scratch, r->pool);
    for (i = 0; i < n; i++) {
        apr_pool_clear(scratch);
        if (ssomod_bench_store_one(r, c, &s, scratch, &token,
                                   ids + i * SSO_ID_BYTES)
            != APR_SUCCESS) {
            return ssomod_bench_fail(r, HTTP_INTERNAL_SERVER_ERROR,
                                     "the session cache refused a record");
        }
        if (!first) {
            first = apr_pstrdup(r->pool, token);
        }
        if (i == n - 1) {
            last = apr_pstrdup(r->pool, token);
        }
    }
    apr_pool_destroy(scratch);
    seeded_ms = apr_time_as_msec(apr_time_now() - start);
    present = ssomod_bench_count_present(r, ids, n);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                  SSOLOGNO(00010) "bench: seeded %ld sessions "
                                  "of %s in %ld ms, %ld still present",
                           n, s.user, (long)seeded_ms, present);
    return ssomod_routes_send_json(
        r,
        json_pack("{s:I,s:s,s:I,s:i,s:s,s:s,s:I,s:I}", "seeded", (json_int_t)n,
                  "user", s.user, "record_bytes",
                  (json_int_t)sso_session_encode(&s, buf, sizeof(buf)),
                  "key_bytes", SSO_ID_BYTES, "oldest", first, "newest", last,
                  "present", (json_int_t)present, "ms", (json_int_t)seeded_ms));
}

int ssomod_bench_quick_handler(request_rec *r, int lookup_uri)
{
    const ssomod_server_conf *c = ssomod_server_conf_get(r->server);
    const char *path = r->parsed_uri.path;
    size_t len = strlen(c->base_path);

    if (lookup_uri || !path || strncmp(path, c->base_path, len)
        || strcmp(path + len, SSO_BENCH_ROUTE)) {
        return DECLINED;
    }
    return ssomod_bench_seed(r, c);
}
