/* The provider's discovery document and keys, fetched on demand and kept
 * for an hour in the login cache, which every child process shares. */
#include "mod_auth_sso.h"
#include "sso_http.h"
#include "sso_key.h"
#include "sso_parsed.h"

#include "http_log.h"
#include "apr_strings.h"

APLOG_USE_MODULE(auth_sso);

#define SSO_OP_DOC_TTL      3600   /* seconds a fetched document is kept */
#define SSO_OP_REFETCH_GAP  60     /* least seconds between JWKS refetches */
#define SSO_OP_CACHED_MAX   (64 * 1024)  /* larger documents are not cached */

/* This process's parsed documents (sso_parsed.h): a login takes the
 * documents from the login cache as bytes and parses them only when they
 * differ from the ones parsed last. NULL before child_init. */
static sso_parsed *sso_op_memo;

static apr_status_t sso_op_memo_gone(void *unused)
{
    sso_op_memo = NULL;
    return APR_SUCCESS;
}

/* After fork: the memo's lock and the curl handles belong to this child. */
void sso_op_child_init(apr_pool_t *p, server_rec *s)
{
    const char *why;
    apr_status_t rv = sso_parsed_create(p, SSO_OP_CACHED_MAX, &sso_op_memo);

    if (rv == APR_SUCCESS)
        apr_pool_cleanup_register(p, NULL, sso_op_memo_gone,
                                  apr_pool_cleanup_null);
    else
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s, "cannot keep the "
                     "provider's documents parsed: each login parses them");
    if ((why = sso_http_reuse_init(p)))
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, "cannot keep connections "
                     "to the provider open: %s", why);
}

void sso_op_http_opts(const sso_server_conf *c, sso_http_opts *o)
{
    sso_http_opts_init(o);
    o->connect_timeout = c->http_connect_timeout;
    o->timeout = c->http_timeout;
    o->ca_file = c->ca_file;
}

static const char *sso_op_cache_key(apr_pool_t *p, char kind, const char *url,
                                    apr_size_t *len)
{
    return sso_key_make(p, kind, url, strlen(url), len);
}

static const char *sso_op_cached(request_rec *r, char kind, const char *url,
                                 apr_size_t *len)
{
    apr_size_t klen, n = SSO_OP_CACHED_MAX;
    const char *key = sso_op_cache_key(r->pool, kind, url, &klen);
    unsigned char *buf = apr_palloc(r->pool, n + 1);

    if (sso_cache_retrieve(r->server, SSO_CACHE_AUX, key, klen, buf, &n,
                           r->pool) != APR_SUCCESS)
        return NULL;
    buf[n] = '\0';
    *len = n;
    return (const char *)buf;
}

static void sso_op_remember(request_rec *r, char kind, const char *url,
                            const char *doc, apr_size_t len, int ttl)
{
    apr_size_t klen;
    const char *key = sso_op_cache_key(r->pool, kind, url, &klen);

    if (len > SSO_OP_CACHED_MAX)
        return;
    sso_cache_store(r->server, SSO_CACHE_AUX, key, klen,
                    apr_time_now() + apr_time_from_sec(ttl),
                    (const unsigned char *)doc, len, r->pool);
}

/* GETs url; on failure sets *fail with the page to show and logs why. */
static const sso_http_response *sso_op_fetch(request_rec *r,
                                             const sso_server_conf *c,
                                             const char *url, const char *what,
                                             const char *directive, int *fail)
{
    sso_http_response *resp = apr_pcalloc(r->pool, sizeof(*resp));
    sso_http_opts o;

    sso_op_http_opts(c, &o);
    if (sso_http_get(r->pool, &o, url, NULL, resp) != SSO_HTTP_OK) {
        sso_log_r(r, APLOG_ERR, 0, "cannot fetch the provider's "
                      "%s: %s (check %s and that the provider is reachable)",
                      what, resp->error, directive);
        *fail = sso_page_error(r, HTTP_SERVICE_UNAVAILABLE, "Sign-in unavailable",
                   "Failed to reach SSO provider. Please try again later.");
        return NULL;
    }
    if (resp->http_status != 200) {
        sso_log_r(r, APLOG_ERR, 0, "the provider's %s at %s "
                      "answered HTTP %ld (check %s)", what, url,
                      resp->http_status, directive);
        *fail = sso_page_error(r, HTTP_BAD_GATEWAY, "Sign-in unavailable",
                   "The SSO provider gave an unexpected answer.");
        return NULL;
    }
    return resp;
}

static const char *sso_op_meta_parse_fn(apr_pool_t *p, const char *doc,
                                        apr_size_t len, const void *issuer,
                                        void **value)
{
    sso_provider_meta *meta;
    const char *err;

    if (sso_provider_parse(p, doc, len, issuer, &meta, &err) != APR_SUCCESS)
        return err;
    *value = meta;
    return NULL;
}

/* The parse depends on SSOAuthority too: it is part of the memo's name. */
static sso_provider_meta *sso_op_meta_read(request_rec *r,
                                           const sso_server_conf *c,
                                           const char *doc, apr_size_t len,
                                           const char **err)
{
    const char *name = apr_pstrcat(r->pool, "M", c->metadata_url, "\n",
                                   c->authority, NULL);

    return sso_parsed_get(sso_op_memo, r->pool, name, doc, len,
                          sso_op_meta_parse_fn, c->authority, err);
}

static int sso_op_meta_parse(request_rec *r, const sso_server_conf *c,
                             const char *doc, apr_size_t len,
                             const sso_provider_meta **meta)
{
    const char *err;

    if ((*meta = sso_op_meta_read(r, c, doc, len, &err)))
        return OK;
    sso_log_r(r, APLOG_ERR, 0, "discovery document %s: %s "
                  "(check SSOAuthority and SSOMetadataAddress)",
                  c->metadata_url, err);
    return sso_page_error(r, HTTP_BAD_GATEWAY, "Sign-in unavailable",
                          "Single sign-on is not configured correctly. "
                          "Please contact your administrator.");
}

int sso_op_meta(request_rec *r, const sso_server_conf *c,
                const sso_provider_meta **meta)
{
    apr_size_t len;
    const char *err, *doc = sso_op_cached(r, SSO_KEY_METADATA, c->metadata_url, &len);
    const sso_http_response *resp;
    int fail = OK;

    if (doc && (*meta = sso_op_meta_read(r, c, doc, len, &err)))
        return OK;
    if (!(resp = sso_op_fetch(r, c, c->metadata_url, "discovery document",
                              "SSOMetadataAddress", &fail)))
        return fail;
    if ((fail = sso_op_meta_parse(r, c, resp->body, resp->len, meta)) == OK)
        sso_op_remember(r, SSO_KEY_METADATA, c->metadata_url, resp->body, resp->len,
                        SSO_OP_DOC_TTL);
    return fail;
}

static void sso_op_log_skipped(request_rec *r, const sso_jwks *keys)
{
    int i;

    for (i = 0; i < sso_jwks_skipped(keys); i++)
        sso_log_r(r, APLOG_WARNING, 0, "provider key skipped: %s",
                      sso_jwks_skipped_reason(keys, i));
}

static const char *sso_op_jwks_parse_fn(apr_pool_t *p, const char *doc,
                                        apr_size_t len, const void *unused,
                                        void **value)
{
    sso_jwks *keys;
    const char *err;

    if (sso_jwks_parse(p, doc, len, &keys, &err) != APR_SUCCESS)
        return err;
    *value = keys;
    return NULL;
}

/* The keys come with their imported EVP_PKEYs: a token is verified with
 * a key imported once per process, not once per login. */
static sso_jwks *sso_op_jwks_read(request_rec *r, const char *jwks_uri,
                                  const char *doc, apr_size_t len,
                                  const char **err)
{
    return sso_parsed_get(sso_op_memo, r->pool,
                          apr_pstrcat(r->pool, "J", jwks_uri, NULL), doc, len,
                          sso_op_jwks_parse_fn, NULL, err);
}

/* At most one refetch a minute, however many unknown kids come in, in
 * every process together. A cache that cannot answer does not block it. */
static int sso_op_may_refetch(request_rec *r, const char *jwks_uri)
{
    apr_size_t klen;
    const char *key = sso_op_cache_key(r->pool, SSO_KEY_JWKS_REFETCH, jwks_uri, &klen);

    return sso_cache_mark(r->server, key, klen,
                          apr_time_now() + apr_time_from_sec(SSO_OP_REFETCH_GAP),
                          r->pool) != 0;
}

int sso_op_jwks(request_rec *r, const sso_server_conf *c,
                const sso_provider_meta *meta, int refetch,
                const sso_jwks **keys)
{
    apr_size_t len;
    const char *err, *doc = refetch ? NULL : sso_op_cached(r, SSO_KEY_JWKS, meta->jwks_uri, &len);
    const sso_http_response *resp;
    int fail = OK;

    if (doc && (*keys = sso_op_jwks_read(r, meta->jwks_uri, doc, len, &err)))
        return OK;
    if (refetch && !sso_op_may_refetch(r, meta->jwks_uri))
        return DECLINED;
    if (!(resp = sso_op_fetch(r, c, meta->jwks_uri, "signing keys (jwks_uri)",
                              "SSOMetadataAddress", &fail)))
        return fail;
    if (!(*keys = sso_op_jwks_read(r, meta->jwks_uri, resp->body, resp->len,
                                   &err))) {
        sso_log_r(r, APLOG_ERR, 0, "the provider's keys at %s "
                      "are unusable: %s", meta->jwks_uri, err);
        return sso_page_error(r, HTTP_BAD_GATEWAY, "Sign-in unavailable",
                              "The SSO provider's signing keys are unusable.");
    }
    sso_op_log_skipped(r, *keys);
    sso_op_remember(r, SSO_KEY_JWKS, meta->jwks_uri, resp->body, resp->len, SSO_OP_DOC_TTL);
    return OK;
}
