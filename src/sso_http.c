/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_http.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include "apr_strings.h"
#include "apr_escape.h"
#include "apr_lib.h"
#include "apr_thread_mutex.h"

/* First allocation for a body; grows by doubling up to max_body + 1. */
#define SSO_HTTP_BUF_START 4096
/* Finished handles kept per process; more are closed. */
#define SSO_HTTP_IDLE_MAX 8

/* What sso_http_reuse_init keeps per process. Each kept handle holds the
 * connections it opened: a handle is used by one thread at a time, since
 * libcurl does not support one connection cache (CURL_LOCK_DATA_CONNECT)
 * used by concurrent threads. The DNS cache and TLS sessions, which it
 * does support, are shared among the handles. */
typedef struct {
    apr_thread_mutex_t *lock;      /* guards idle and nidle */
    CURL *idle[SSO_HTTP_IDLE_MAX]; /* a stack: the warmest on top */
    int nidle;
    CURLSH *share;
    apr_thread_mutex_t *locks[CURL_LOCK_DATA_LAST];
} sso_http_reuse;

static sso_http_reuse *sso_http_kept; /* NULL: a new handle per call */

/* The body is malloc'd rather than pool-allocated so that growing it never
 * leaves abandoned copies behind: memory stays within max_body + 1. */
typedef struct {
    char *data;
    apr_size_t len;
    apr_size_t cap;
    apr_size_t max;
    int too_large;
    int no_memory;
} sso_http_buf;

typedef struct {
    apr_pool_t *p;
    const sso_http_opts *o;
    const char *method;
    const char *url;
    CURL *curl;
    struct curl_slist *headers;
    int header_failed;
    const char *setup_error; /* refused before any network traffic */
    const char *post_body;   /* NULL for GET */
    sso_http_buf *buf;
    char errbuf[CURL_ERROR_SIZE];
} sso_http_call;

const char *sso_http_global_init(void)
{
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);

    return rc == CURLE_OK ? NULL : curl_easy_strerror(rc);
}

void sso_http_global_cleanup(void)
{
    curl_global_cleanup();
}

static void sso_http_share_lock(CURL *h, curl_lock_data data,
                                curl_lock_access access, void *ud)
{
    sso_http_reuse *k = ud;

    if ((unsigned)data < CURL_LOCK_DATA_LAST) {
        apr_thread_mutex_lock(k->locks[data]);
    }
}

static void sso_http_share_unlock(CURL *h, curl_lock_data data, void *ud)
{
    sso_http_reuse *k = ud;

    if ((unsigned)data < CURL_LOCK_DATA_LAST) {
        apr_thread_mutex_unlock(k->locks[data]);
    }
}

static const char *sso_http_reuse_locks(apr_pool_t *p, sso_http_reuse *k)
{
    int i;

    if (apr_thread_mutex_create(&k->lock, APR_THREAD_MUTEX_DEFAULT, p)) {
        return "cannot create a mutex";
    }
    for (i = 0; i < CURL_LOCK_DATA_LAST; i++) {
        if (apr_thread_mutex_create(&k->locks[i], APR_THREAD_MUTEX_DEFAULT,
                                    p)) {
            return "cannot create a mutex";
        }
    }
    return NULL;
}

static const char *sso_http_reuse_share(sso_http_reuse *k)
{
    CURLSH *sh = curl_share_init();
    CURLSHcode rc = sh ? CURLSHE_OK : CURLSHE_NOMEM;

    if (rc == CURLSHE_OK) {
        rc = curl_share_setopt(sh, CURLSHOPT_USERDATA, k);
    }
    if (rc == CURLSHE_OK) {
        rc = curl_share_setopt(sh, CURLSHOPT_LOCKFUNC, sso_http_share_lock);
    }
    if (rc == CURLSHE_OK) {
        rc = curl_share_setopt(sh, CURLSHOPT_UNLOCKFUNC, sso_http_share_unlock);
    }
    if (rc == CURLSHE_OK) {
        rc = curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    }
    if (rc == CURLSHE_OK) {
        rc = curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    }
    if (rc == CURLSHE_OK) {
        k->share = sh;
        return NULL;
    }
    curl_share_cleanup(sh);
    return curl_share_strerror(rc);
}

/* At child exit, when no thread makes calls any more. */
static apr_status_t sso_http_reuse_cleanup(void *data)
{
    sso_http_reuse *k = data;

    sso_http_kept = NULL;
    while (k->nidle > 0) {
        curl_easy_cleanup(k->idle[--k->nidle]);
    }
    curl_share_cleanup(k->share);
    curl_global_cleanup();
    return APR_SUCCESS;
}

const char *sso_http_reuse_init(apr_pool_t *p)
{
    sso_http_reuse *k;
    const char *why;

    if (sso_http_kept) {
        return "already set up in this process";
    }
    k = apr_pcalloc(p, sizeof(*k));
    if ((why = sso_http_reuse_locks(p, k)) || (why = sso_http_global_init())) {
        return why;
    }
    if ((why = sso_http_reuse_share(k))) {
        curl_global_cleanup();
        return why;
    }
    /* Registered after the mutexes: it runs before they are destroyed. */
    apr_pool_cleanup_register(p, k, sso_http_reuse_cleanup,
                              apr_pool_cleanup_null);
    sso_http_kept = k;
    return NULL;
}

/* The most recently used kept handle (its connections still open), else a
 * new one. */
static CURL *sso_http_take(void)
{
    sso_http_reuse *k = sso_http_kept;
    CURL *h = NULL;

    if (!k) {
        return curl_easy_init();
    }
    apr_thread_mutex_lock(k->lock);
    if (k->nidle > 0) {
        h = k->idle[--k->nidle];
    }
    apr_thread_mutex_unlock(k->lock);
    /* Without the share it still works: only DNS and TLS sessions are
     * not shared then. */
    if (!h && (h = curl_easy_init())) {
        (void)curl_easy_setopt(h, CURLOPT_SHARE, k->share);
    }
    return h;
}

/* curl_easy_reset drops every option of the call (header list, body,
 * error buffer: pointers into the caller's memory) and keeps the open
 * connections, the share and the caches. */
static void sso_http_give_back(CURL *h)
{
    sso_http_reuse *k = sso_http_kept;

    if (h && k) {
        curl_easy_reset(h);
        apr_thread_mutex_lock(k->lock);
        if (k->nidle < SSO_HTTP_IDLE_MAX) {
            k->idle[k->nidle++] = h;
            h = NULL;
        }
        apr_thread_mutex_unlock(k->lock);
    }
    curl_easy_cleanup(h);
}

void sso_http_opts_init(sso_http_opts *o)
{
    o->connect_timeout = SSO_HTTP_DEFAULT_CONNECT_TIMEOUT;
    o->timeout = SSO_HTTP_DEFAULT_TIMEOUT;
    o->max_body = SSO_HTTP_DEFAULT_MAX_BODY;
    o->ca_file = NULL;
}

static apr_status_t sso_http_buf_free(void *data)
{
    sso_http_buf *b = data;

    free(b->data);
    b->data = NULL;
    return APR_SUCCESS;
}

static sso_http_buf *sso_http_buf_make(apr_pool_t *p, apr_size_t max)
{
    sso_http_buf *b = apr_pcalloc(p, sizeof(*b));

    b->max = max;
    apr_pool_cleanup_register(p, b, sso_http_buf_free, apr_pool_cleanup_null);
    return b;
}

static int sso_http_buf_reserve(sso_http_buf *b, apr_size_t need)
{
    apr_size_t cap = b->cap ? b->cap : SSO_HTTP_BUF_START;
    char *d;

    while (cap < need) {
        cap *= 2;
    }
    if (cap > b->max + 1) {
        cap = b->max + 1;
    }
    d = realloc(b->data, cap);
    if (!d) {
        return 0;
    }
    b->data = d;
    b->cap = cap;
    return 1;
}

/* Refuses the chunk that would cross the cap, whatever Content-Length said:
 * returning short makes curl abort with CURLE_WRITE_ERROR. */
static size_t sso_http_write(char *ptr, size_t size, size_t nmemb, void *ud)
{
    sso_http_buf *b = ud;
    size_t n = size * nmemb;

    if (n > b->max - b->len) {
        b->too_large = 1;
        return 0;
    }
    if (b->len + n + 1 > b->cap && !sso_http_buf_reserve(b, b->len + n + 1)) {
        b->no_memory = 1;
        return 0;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    b->data[b->len] = '\0';
    return n;
}

static void sso_http_add_header(sso_http_call *c, const char *header)
{
    struct curl_slist *l = curl_slist_append(c->headers, header);

    if (l) {
        c->headers = l;
    }
    else {
        c->header_failed = 1;
    }
}

/* curl frees the header copies to the heap: wipe the credentials first. */
static void sso_http_free_headers(sso_http_call *c)
{
    struct curl_slist *l;

    for (l = c->headers; l; l = l->next) {
        OPENSSL_cleanse(l->data, strlen(l->data));
    }
    curl_slist_free_all(c->headers);
    c->headers = NULL;
}

static void sso_http_call_init(sso_http_call *c, apr_pool_t *p,
                               const sso_http_opts *o, const char *method,
                               const char *url)
{
    memset(c, 0, sizeof(*c));
    c->p = p;
    c->o = o;
    c->method = method;
    c->url = url;
    c->curl = sso_http_take();
    c->buf = sso_http_buf_make(p, o->max_body ? o->max_body
                                              : SSO_HTTP_DEFAULT_MAX_BODY);
    sso_http_add_header(c, "Accept: application/json");
    /* Small bodies only: skip the 100-continue round trip. */
    sso_http_add_header(c, "Expect:");
}

static CURLcode sso_http_set_protocols(CURL *h)
{
#if LIBCURL_VERSION_NUM >= 0x075500
    return curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    return curl_easy_setopt(h, CURLOPT_PROTOCOLS,
                            (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

static CURLcode sso_http_set_security(CURL *h, const sso_http_opts *o)
{
    CURLcode rc = sso_http_set_protocols(h);

    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (rc == CURLE_OK && o->ca_file && *o->ca_file) {
        rc = curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    }
    return rc;
}

static long sso_http_or_default(int value, long dflt)
{
    return value > 0 ? value : dflt;
}

/* A kept connection outlives the call: a process forked meanwhile (a CGI
 * script) must not inherit it. curl opens its sockets without CLOEXEC. */
static int sso_http_cloexec(void *unused, curl_socket_t fd,
                            curlsocktype purpose)
{
    int flags = fcntl(fd, F_GETFD);

    if (flags < 0 || fcntl(fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
        return CURL_SOCKOPT_ERROR;
    }
    return CURL_SOCKOPT_OK;
}

static CURLcode sso_http_set_limits(CURL *h, const sso_http_opts *o,
                                    apr_size_t max)
{
    CURLcode rc = curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);

    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(
            h, CURLOPT_CONNECTTIMEOUT,
            sso_http_or_default(o->connect_timeout,
                                SSO_HTTP_DEFAULT_CONNECT_TIMEOUT));
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(
            h, CURLOPT_TIMEOUT,
            sso_http_or_default(o->timeout, SSO_HTTP_DEFAULT_TIMEOUT));
    }
    /* Early refusal when Content-Length is honest; the write callback
     * enforces the cap when it is not. */
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)max);
    }
    return rc;
}

static CURLcode sso_http_set_io(sso_http_call *c)
{
    CURL *h = c->curl;
    CURLcode rc = curl_easy_setopt(h, CURLOPT_URL, c->url);

    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, sso_http_write);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_WRITEDATA, c->buf);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_USERAGENT, "mod_auth_sso");
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, sso_http_cloexec);
    }
    if (rc == CURLE_OK && c->post_body) {
        rc = curl_easy_setopt(h, CURLOPT_POSTFIELDS, c->post_body);
    }
    if (rc == CURLE_OK && c->post_body) {
        rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                              (curl_off_t)strlen(c->post_body));
    }
    return rc;
}

static CURLcode sso_http_setup(sso_http_call *c)
{
    CURLcode rc = sso_http_set_security(c->curl, c->o);

    if (rc == CURLE_OK) {
        rc = sso_http_set_limits(c->curl, c->o, c->buf->max);
    }
    if (rc == CURLE_OK) {
        rc = sso_http_set_io(c);
    }
    return rc;
}

static sso_http_status_e sso_http_classify(CURLcode rc, const sso_http_buf *b)
{
    switch (rc) {
    case CURLE_OK:
        return SSO_HTTP_OK;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return SSO_HTTP_CONNECT;
    case CURLE_OPERATION_TIMEDOUT:
        return SSO_HTTP_TIMEOUT;
    case CURLE_FILESIZE_EXCEEDED:
        return SSO_HTTP_TOO_LARGE;
    case CURLE_WRITE_ERROR:
        return b->too_large ? SSO_HTTP_TOO_LARGE : SSO_HTTP_OTHER;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
        return SSO_HTTP_TLS;
    default:
        return SSO_HTTP_OTHER;
    }
}

static const char *sso_http_error(sso_http_call *c, CURLcode rc,
                                  sso_http_status_e status)
{
    if (status == SSO_HTTP_TOO_LARGE) {
        return apr_psprintf(
            c->p, "%s %s: response larger than %" APR_SIZE_T_FMT " bytes",
            c->method, c->url, c->buf->max);
    }
    if (c->buf->no_memory) {
        return apr_psprintf(c->p, "%s %s failed: out of memory", c->method,
                            c->url);
    }
    if (!c->errbuf[0]) {
        return apr_psprintf(c->p, "%s %s failed: %s", c->method, c->url,
                            curl_easy_strerror(rc));
    }
    return apr_psprintf(c->p, "%s %s failed: %s (%s)", c->method, c->url,
                        curl_easy_strerror(rc), c->errbuf);
}

/* The last value of a response header, or NULL. */
static const char *sso_http_header(sso_http_call *c, const char *name)
{
    struct curl_header *h = NULL;

    if (curl_easy_header(c->curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK
        || !h || !h->value) {
        return NULL;
    }
    return apr_pstrdup(c->p, h->value);
}

static void sso_http_fill(sso_http_call *c, CURLcode rc, sso_http_response *r)
{
    char *ctype = NULL;

    memset(r, 0, sizeof(*r));
    r->status = sso_http_classify(rc, c->buf);
    r->body = "";
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &r->http_status);
    if (curl_easy_getinfo(c->curl, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK
        && ctype) {
        r->content_type = apr_pstrdup(c->p, ctype);
    }
    r->cache_control = sso_http_header(c, "Cache-Control");
    if (r->status != SSO_HTTP_OK) {
        r->error = sso_http_error(c, rc, r->status);
        return;
    }
    if (c->buf->data) {
        r->body = c->buf->data;
    }
    r->len = c->buf->len;
}

static sso_http_status_e sso_http_fail(sso_http_call *c, const char *why,
                                       sso_http_response *r)
{
    memset(r, 0, sizeof(*r));
    r->status = SSO_HTTP_OTHER;
    r->body = "";
    r->error = apr_psprintf(c->p, "%s %s failed: %s", c->method, c->url, why);
    return r->status;
}

static sso_http_status_e sso_http_run(sso_http_call *c, sso_http_response *r)
{
    CURLcode rc;

    if (c->setup_error) {
        sso_http_fail(c, c->setup_error, r);
    }
    else if (!c->curl || c->header_failed) {
        sso_http_fail(c, "cannot set up the request (out of memory)", r);
    }
    else if ((rc = sso_http_setup(c)) != CURLE_OK) {
        sso_http_fail(c,
                      apr_pstrcat(c->p, "cannot set up the request: ",
                                  curl_easy_strerror(rc), NULL),
                      r);
    }
    else {
        sso_http_fill(c, curl_easy_perform(c->curl), r);
    }
    sso_http_free_headers(c);
    sso_http_give_back(c->curl);
    return r->status;
}

/* A token from the provider ends up in a header line: refuse anything that
 * could split it. */
static int sso_http_is_header_safe(const char *s)
{
    for (; *s; s++) {
        if (apr_iscntrl((unsigned char)*s)) {
            return 0;
        }
    }
    return 1;
}

sso_http_status_e sso_http_get(apr_pool_t *p, const sso_http_opts *o,
                               const char *url, const char *bearer,
                               sso_http_response *resp)
{
    sso_http_call c;

    sso_http_call_init(&c, p, o, "GET", url);
    if (bearer && !sso_http_is_header_safe(bearer)) {
        c.setup_error = "the access token contains control characters";
    }
    else if (bearer) {
        sso_http_add_header(
            &c, apr_pstrcat(p, "Authorization: Bearer ", bearer, NULL));
    }
    return sso_http_run(&c, resp);
}

/* RFC 6749 §2.3.1: each part is form-urlencoded, then "user:pass" is
 * base64-encoded; plain CURLOPT_USERPWD would skip the first step. */
static const char *sso_http_basic_header(apr_pool_t *p, const char *user,
                                         const char *pass)
{
    const char *raw =
        apr_pstrcat(p, apr_pescape_urlencoded(p, user), ":",
                    apr_pescape_urlencoded(p, pass ? pass : ""), NULL);
    size_t len = strlen(raw);
    unsigned char *b64 = apr_palloc(p, 4 * ((len + 2) / 3) + 1);

    EVP_EncodeBlock(b64, (const unsigned char *)raw, (int)len);
    return apr_pstrcat(p, "Authorization: Basic ", (const char *)b64, NULL);
}

static const char *sso_http_form_body(apr_pool_t *p,
                                      const apr_array_header_t *form)
{
    const char *const *kv = (const char *const *)form->elts;
    apr_array_header_t *parts =
        apr_array_make(p, form->nelts / 2 + 1, sizeof(const char *));
    int i;

    for (i = 0; i + 1 < form->nelts; i += 2) {
        APR_ARRAY_PUSH(parts, const char *) =
            apr_pstrcat(p, apr_pescape_urlencoded(p, kv[i]), "=",
                        apr_pescape_urlencoded(p, kv[i + 1]), NULL);
    }
    return apr_array_pstrcat(p, parts, '&');
}

sso_http_status_e sso_http_post_form(apr_pool_t *p, const sso_http_opts *o,
                                     const char *url,
                                     const apr_array_header_t *form,
                                     const char *basic_user,
                                     const char *basic_pass,
                                     sso_http_response *resp)
{
    sso_http_call c;

    sso_http_call_init(&c, p, o, "POST", url);
    if (form && form->nelts % 2) {
        c.setup_error = "the form has a name without a value";
    }
    else {
        c.post_body = form ? sso_http_form_body(p, form) : "";
    }
    sso_http_add_header(&c, "Content-Type: application/x-www-form-urlencoded");
    if (basic_user) {
        sso_http_add_header(&c,
                            sso_http_basic_header(p, basic_user, basic_pass));
    }
    return sso_http_run(&c, resp);
}
