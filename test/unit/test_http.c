/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* strcasestr */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "unit.h"
#include "sso_http.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <openssl/evp.h>
#include "apr_escape.h"
#include "apr_strings.h"
#include "apr_time.h"

/* A one-thread HTTP server on 127.0.0.1, just enough to exercise libcurl
 * the way the provider calls do. */
typedef enum {
    SRV_JSON,     /* 200 {"ok":true} */
    SRV_ECHO,     /* 200 with the raw request as body */
    SRV_BODY,     /* 200 with body_len bytes, Content-Length optional */
    SRV_SILENT,   /* reads the request, never answers */
    SRV_REDIRECT, /* 302 to /elsewhere */
    SRV_NOT_TLS,  /* answers a TLS ClientHello with plain HTTP */
    SRV_KEEPALIVE /* 200 echo of each request, connection kept open */
} srv_mode;

#define SRV_REQUEST_MAX 16384
#define SRV_CHUNK       65536

typedef struct {
    int lfd;
    int port;
    srv_mode mode;
    size_t body_len;
    int with_length;
    pthread_t thread;
    int running;
    atomic_int stop;
    atomic_int connections;
    atomic_int requests; /* SRV_KEEPALIVE: answered so far */
    atomic_size_t sent;  /* body bytes the kernel accepted */
    char request[SRV_REQUEST_MAX];
    size_t request_len;
} test_server;

static test_server srv;

static int srv_wait(int fd, short events, int ms)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    return poll(&pfd, 1, ms) == 1;
}

static const char *srv_find_length(const char *req)
{
    const char *h = strcasestr(req, "\r\nContent-Length:");

    return h ? h + strlen("\r\nContent-Length:") : NULL;
}

/* Reads headers, then as much body as Content-Length announces. */
static void srv_read_request(int fd)
{
    size_t want = 0;
    char *end = NULL;
    ssize_t n;

    srv.request_len = 0;
    while (srv.request_len < SRV_REQUEST_MAX - 1
           && srv_wait(fd, POLLIN, 3000)) {
        n = recv(fd, srv.request + srv.request_len,
                 SRV_REQUEST_MAX - 1 - srv.request_len, 0);
        if (n <= 0) {
            break;
        }
        srv.request_len += (size_t)n;
        srv.request[srv.request_len] = '\0';
        if (!end && (end = strstr(srv.request, "\r\n\r\n")) != NULL) {
            want = (size_t)(end + 4 - srv.request)
                   + (srv_find_length(srv.request)
                          ? strtoul(srv_find_length(srv.request), NULL, 10)
                          : 0);
        }
        if (end && srv.request_len >= want) {
            break;
        }
    }
}

static void srv_send(int fd, const char *s, size_t len)
{
    ssize_t n;

    while (len > 0 && (n = send(fd, s, len, MSG_NOSIGNAL)) > 0) {
        s += n;
        len -= (size_t)n;
    }
}

static void srv_send_str(int fd, const char *s)
{
    srv_send(fd, s, strlen(s));
}

static void srv_reply(int fd, const char *status, const char *ctype,
                      const char *body, size_t len)
{
    char head[256];

    snprintf(head, sizeof(head),
             "HTTP/1.1 %s\r\nContent-Type: %s\r\n"
             "Content-Length: %zu\r\nConnection: close\r\n\r\n",
             status, ctype, len);
    srv_send_str(fd, head);
    srv_send(fd, body, len);
}

/* Streams body_len bytes until the client hangs up. */
static void srv_body(int fd)
{
    static char chunk[SRV_CHUNK];
    char head[160];
    size_t left = srv.body_len;
    ssize_t n = 1;

    memset(chunk, 'x', sizeof(chunk));
    if (srv.with_length) {
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
                 "Connection: close\r\n\r\n",
                 srv.body_len);
    }
    else {
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    }
    srv_send_str(fd, head);
    while (left > 0 && n > 0 && !srv.stop) {
        n = send(fd, chunk, left < SRV_CHUNK ? left : SRV_CHUNK, MSG_NOSIGNAL);
        if (n > 0) {
            left -= (size_t)n;
            srv.sent += (size_t)n;
        }
    }
}

/* Holds the connection open until the client gives up. */
static void srv_silent(int fd)
{
    char c;

    while (!srv.stop) {
        if (srv_wait(fd, POLLIN, 100) && recv(fd, &c, 1, 0) <= 0) {
            return;
        }
    }
}

/* Until the client hangs up or the test ends. */
static void srv_keepalive(int fd)
{
    char head[160];

    for (;;) {
        while (!srv.stop && !srv_wait(fd, POLLIN, 50)) {
            ;
        }
        if (srv.stop) {
            return;
        }
        srv_read_request(fd);
        if (!srv.request_len) {
            return;
        }
        srv.requests++;
        snprintf(head, sizeof(head),
                 "HTTP/1.1 200 OK\r\nContent-Type: "
                 "text/plain\r\nContent-Length: %zu\r\n\r\n",
                 srv.request_len);
        srv_send_str(fd, head);
        srv_send(fd, srv.request, srv.request_len);
    }
}

static void srv_handle(int fd)
{
    char c[512];

    if (srv.mode == SRV_KEEPALIVE) {
        srv_keepalive(fd);
        return;
    }

    if (srv.mode == SRV_NOT_TLS) {
        (void)!recv(fd, c, sizeof(c), 0);
        srv_send_str(fd,
                     "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
        return;
    }
    srv_read_request(fd);
    if (srv.mode == SRV_JSON) {
        srv_reply(fd, "200 OK", "application/json; charset=utf-8",
                  "{\"ok\":true}", 11);
    }
    else if (srv.mode == SRV_ECHO) {
        srv_reply(fd, "200 OK", "text/plain", srv.request, srv.request_len);
    }
    else if (srv.mode == SRV_BODY) {
        srv_body(fd);
    }
    else if (srv.mode == SRV_SILENT) {
        srv_silent(fd);
    }
    else if (srv.mode == SRV_REDIRECT) {
        srv_send_str(fd, "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n"
                         "Content-Length: 0\r\nConnection: close\r\n\r\n");
    }
}

static void *srv_main(void *unused)
{
    struct timeval tv = { .tv_sec = 5 };
    int fd;

    while (!srv.stop) {
        if (!srv_wait(srv.lfd, POLLIN, 50)) {
            continue;
        }
        fd = accept(srv.lfd, NULL, NULL);
        if (fd < 0) {
            continue;
        }
        srv.connections++;
        /* A stuck client must not hang the test run. */
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        srv_handle(fd);
        close(fd);
    }
    return NULL;
}

/* A socket bound to 127.0.0.1 on a free port; listening when asked. */
static int srv_bind(int listening, int *port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    if (listening) {
        ck_assert_int_eq(listen(fd, 8), 0);
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

static void srv_start(srv_mode mode)
{
    srv.mode = mode;
    srv.lfd = srv_bind(1, &srv.port);
    ck_assert_int_eq(pthread_create(&srv.thread, NULL, srv_main, NULL), 0);
    srv.running = 1;
}

static void srv_stop(void)
{
    if (!srv.running) {
        return;
    }
    srv.stop = 1;
    pthread_join(srv.thread, NULL);
    close(srv.lfd);
    srv.running = 0;
}

static const char *srv_url(const char *path)
{
    return apr_psprintf(unit_pool, "http://127.0.0.1:%d%s", srv.port, path);
}

static sso_http_opts opts;

static void http_setup(void)
{
    unit_pool_setup();
    memset(&srv, 0, sizeof(srv));
    srv.lfd = -1;
    sso_http_opts_init(&opts);
    opts.connect_timeout = 2;
    opts.timeout = 5;
}

static void http_teardown(void)
{
    srv_stop();
    unit_pool_teardown();
}

/* As in a child process after sso_http_reuse_init (child_init). */
static void http_setup_reuse(void)
{
    http_setup();
    ck_assert_ptr_null(sso_http_reuse_init(unit_pool));
}

static void http_global_setup(void)
{
    ck_assert_ptr_null(sso_http_global_init());
}

static void http_global_teardown(void)
{
    sso_http_global_cleanup();
}

/* The value of a request header, up to the end of its line. */
static const char *request_header(const char *name)
{
    const char *h = strcasestr(
        srv.request, apr_pstrcat(unit_pool, "\r\n", name, ": ", NULL));

    if (!h) {
        return NULL;
    }
    h += strlen(name) + 4;
    return apr_pstrmemdup(unit_pool, h, strcspn(h, "\r\n"));
}

START_TEST(get_json)
{
    sso_http_response r;

    srv_start(SRV_JSON);
    ck_assert_int_eq(
        sso_http_get(unit_pool, &opts, srv_url("/.well-known/x"), NULL, &r),
        SSO_HTTP_OK);
    ck_assert_ptr_null(r.error);
    ck_assert_int_eq(r.http_status, 200);
    ck_assert_str_eq(r.body, "{\"ok\":true}");
    ck_assert_uint_eq(r.len, 11);
    ck_assert_str_eq(r.content_type, "application/json; charset=utf-8");
    srv_stop();
    ck_assert_str_eq(request_header("Accept"), "application/json");
    ck_assert_ptr_null(request_header("Authorization"));
    ck_assert_ptr_nonnull(
        strstr(srv.request, "GET /.well-known/x HTTP/1.1\r\n"));
}
END_TEST

START_TEST(body_at_cap_accepted)
{
    sso_http_response r;

    opts.max_body = 100000;
    srv.body_len = 100000;
    srv.with_length = 1;
    srv_start(SRV_BODY);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/"), NULL, &r),
                     SSO_HTTP_OK);
    ck_assert_uint_eq(r.len, 100000);
    ck_assert_uint_eq(strlen(r.body), 100000);
}
END_TEST

/* No Content-Length: only the write callback can stop it. The server
 * offers 256 MiB; the client must hang up long before. */
START_TEST(body_over_cap_streamed)
{
    sso_http_response r;

    opts.max_body = 100000;
    srv.body_len = 256u * 1024 * 1024;
    srv_start(SRV_BODY);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/big"), NULL, &r),
                     SSO_HTTP_TOO_LARGE);
    ck_assert_msg(strstr(r.error, "response larger than 100000 bytes")
                      && strstr(r.error, srv_url("/big")),
                  "%s", r.error);
    ck_assert_uint_eq(r.len, 0);
    ck_assert_str_eq(r.body, "");
    srv_stop();
    ck_assert_msg(srv.sent < srv.body_len / 4, "server sent %zu bytes",
                  (size_t)srv.sent);
}
END_TEST

START_TEST(body_over_cap_announced)
{
    sso_http_response r;

    opts.max_body = 100000;
    srv.body_len = 100001;
    srv.with_length = 1;
    srv_start(SRV_BODY);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/"), NULL, &r),
                     SSO_HTTP_TOO_LARGE);
    ck_assert_msg(strstr(r.error, "larger than 100000 bytes"), "%s", r.error);
}
END_TEST

START_TEST(silent_server_times_out)
{
    sso_http_response r;
    apr_time_t start;

    opts.timeout = 1;
    srv_start(SRV_SILENT);
    start = apr_time_now();
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/slow"), NULL, &r),
                     SSO_HTTP_TIMEOUT);
    ck_assert_msg(apr_time_now() - start < apr_time_from_sec(3),
                  "took %" APR_TIME_T_FMT " us", apr_time_now() - start);
    ck_assert_msg(strstr(r.error, srv_url("/slow")), "%s", r.error);
    ck_assert_int_eq(r.http_status, 0);
}
END_TEST

START_TEST(closed_port_connect_error)
{
    apr_array_header_t *form = apr_array_make(unit_pool, 2, sizeof(char *));
    sso_http_response r;
    const char *url;
    int port, fd = srv_bind(0, &port); /* bound, not listening: refused */

    url = apr_psprintf(unit_pool, "http://127.0.0.1:%d/token", port);
    APR_ARRAY_PUSH(form, const char *) = "code";
    APR_ARRAY_PUSH(form, const char *) = "the-code";
    ck_assert_int_eq(sso_http_post_form(unit_pool, &opts, url, form, "client",
                                        "s3cret-value", &r),
                     SSO_HTTP_CONNECT);
    close(fd);
    ck_assert_msg(strstr(r.error, url) && strstr(r.error, "POST"), "%s",
                  r.error);
    ck_assert_ptr_null(strstr(r.error, "s3cret"));
    ck_assert_ptr_null(strstr(r.error, "Basic"));
    ck_assert_ptr_null(strstr(r.error, "the-code"));
}
END_TEST

/* Splits "user:pass" at the one unescaped ':' and form-decodes both. */
static void check_basic(const char *header, const char *user, const char *pass)
{
    unsigned char raw[256];
    const char *b64, *colon;
    int n;

    ck_assert_ptr_nonnull(header);
    ck_assert_msg(!strncmp(header, "Basic ", 6), "%s", header);
    b64 = header + 6;
    n = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)strlen(b64));
    ck_assert_int_gt(n, 0);
    raw[n - (int)(strlen(b64) - strcspn(b64, "="))] = '\0';
    colon = strchr((char *)raw, ':');
    ck_assert_ptr_nonnull(colon);
    ck_assert_ptr_null(strchr(colon + 1, ':'));
    ck_assert_ptr_null(strpbrk((char *)raw, " @&="));
    ck_assert_str_eq(apr_punescape_url(unit_pool,
                                       apr_pstrmemdup(unit_pool, (char *)raw,
                                                      colon - (char *)raw),
                                       NULL, NULL, 1),
                     user);
    ck_assert_str_eq(apr_punescape_url(unit_pool, colon + 1, NULL, NULL, 1),
                     pass);
    ck_assert_int_eq(
        strcasecmp((char *)raw, "a+b%3Ac:p%40ss+w%3Ard%26%3D%25%2B"), 0);
}

START_TEST(post_basic_form_encoded)
{
    apr_array_header_t *form = apr_array_make(unit_pool, 6, sizeof(char *));
    sso_http_response r;
    const char *body;

    APR_ARRAY_PUSH(form, const char *) = "grant_type";
    APR_ARRAY_PUSH(form, const char *) = "authorization_code";
    APR_ARRAY_PUSH(form, const char *) = "code";
    APR_ARRAY_PUSH(form, const char *) = "a b&c=d";
    APR_ARRAY_PUSH(form, const char *) = "redirect_uri";
    APR_ARRAY_PUSH(form, const char *) = "https://app/cb?x=1";
    srv_start(SRV_ECHO);
    ck_assert_int_eq(sso_http_post_form(unit_pool, &opts, srv_url("/token"),
                                        form, "a b:c", "p@ss w:rd&=%+", &r),
                     SSO_HTTP_OK);
    ck_assert_int_eq(r.http_status, 200);
    srv_stop();
    ck_assert_ptr_nonnull(strstr(srv.request, "POST /token HTTP/1.1\r\n"));
    check_basic(request_header("Authorization"), "a b:c", "p@ss w:rd&=%+");
    ck_assert_str_eq(request_header("Content-Type"),
                     "application/x-www-form-urlencoded");
    ck_assert_str_eq(request_header("Accept"), "application/json");
    body = strstr(srv.request, "\r\n\r\n") + 4;
    ck_assert_int_eq(
        strcasecmp(body, "grant_type=authorization_code&code=a+b%26c"
                         "%3Dd&redirect_uri=https%3A%2F%2Fapp%2Fcb%3Fx%3D1"),
        0);
}
END_TEST

START_TEST(post_without_basic)
{
    apr_array_header_t *form = apr_array_make(unit_pool, 2, sizeof(char *));
    sso_http_response r;

    APR_ARRAY_PUSH(form, const char *) = "client_secret";
    APR_ARRAY_PUSH(form, const char *) = "x y";
    srv_start(SRV_ECHO);
    ck_assert_int_eq(sso_http_post_form(unit_pool, &opts, srv_url("/token"),
                                        form, NULL, NULL, &r),
                     SSO_HTTP_OK);
    srv_stop();
    ck_assert_ptr_null(request_header("Authorization"));
    ck_assert_str_eq(strstr(srv.request, "\r\n\r\n") + 4, "client_secret=x+y");
}
END_TEST

START_TEST(post_odd_form_refused)
{
    apr_array_header_t *form = apr_array_make(unit_pool, 1, sizeof(char *));
    sso_http_response r;

    APR_ARRAY_PUSH(form, const char *) = "code";
    srv_start(SRV_ECHO);
    ck_assert_int_eq(sso_http_post_form(unit_pool, &opts, srv_url("/token"),
                                        form, NULL, NULL, &r),
                     SSO_HTTP_OTHER);
    srv_stop();
    ck_assert_int_eq(srv.connections, 0);
}
END_TEST

START_TEST(bearer_header_only)
{
    static const char tok[] = "at.Zm9v-bar_baz";
    sso_http_response r;
    const char *line;

    srv_start(SRV_ECHO);
    ck_assert_int_eq(
        sso_http_get(unit_pool, &opts, srv_url("/userinfo"), tok, &r),
        SSO_HTTP_OK);
    srv_stop();
    ck_assert_str_eq(request_header("Authorization"),
                     apr_pstrcat(unit_pool, "Bearer ", tok, NULL));
    line = apr_pstrmemdup(unit_pool, srv.request, strcspn(srv.request, "\r\n"));
    ck_assert_str_eq(line, "GET /userinfo HTTP/1.1");
    ck_assert_ptr_nonnull(strstr(r.body, tok)); /* the echo got it */
}
END_TEST

START_TEST(bearer_with_newline_refused)
{
    sso_http_response r;

    srv_start(SRV_ECHO);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/userinfo"),
                                  "SECRETTOK\r\nX-Evil: 1", &r),
                     SSO_HTTP_OTHER);
    srv_stop();
    ck_assert_int_eq(srv.connections, 0);
    ck_assert_ptr_null(strstr(r.error, "SECRETTOK"));
}
END_TEST

START_TEST(redirect_not_followed)
{
    sso_http_response r;

    srv_start(SRV_REDIRECT);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/"), NULL, &r),
                     SSO_HTTP_OK);
    ck_assert_int_eq(r.http_status, 302);
    srv_stop();
    ck_assert_int_eq(srv.connections, 1);
}
END_TEST

START_TEST(other_protocols_refused)
{
    sso_http_response r;

    ck_assert_int_eq(
        sso_http_get(unit_pool, &opts, "file:///etc/passwd", NULL, &r),
        SSO_HTTP_OTHER);
    ck_assert_msg(strstr(r.error, "file:///etc/passwd"), "%s", r.error);
    ck_assert_str_eq(r.body, "");
}
END_TEST

START_TEST(tls_failure_classified)
{
    sso_http_response r;

    srv_start(SRV_NOT_TLS);
    ck_assert_int_eq(
        sso_http_get(unit_pool, &opts,
                     apr_psprintf(unit_pool, "https://127.0.0.1:%d/", srv.port),
                     NULL, &r),
        SSO_HTTP_TLS);
    ck_assert_msg(strstr(r.error, "https://127.0.0.1:"), "%s", r.error);
}
END_TEST

static apr_array_header_t *token_form(void)
{
    apr_array_header_t *form = apr_array_make(unit_pool, 2, sizeof(char *));

    APR_ARRAY_PUSH(form, const char *) = "code";
    APR_ARRAY_PUSH(form, const char *) = "c1";
    return form;
}

/* Without sso_http_reuse_init, every call opens its own connection. */
START_TEST(no_reuse_connection_per_call)
{
    sso_http_response r;

    srv_start(SRV_KEEPALIVE);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/a"), NULL, &r),
                     SSO_HTTP_OK);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/b"), NULL, &r),
                     SSO_HTTP_OK);
    srv_stop();
    ck_assert_int_eq(srv.connections, 2);
}
END_TEST

/* The token request goes over the connection of the discovery call; no
 * option of one call (method, body, Authorization) leaks into the next. */
START_TEST(reuse_one_connection)
{
    sso_http_response r;

    srv_start(SRV_KEEPALIVE);
    ck_assert_int_eq(
        sso_http_get(unit_pool, &opts, srv_url("/.well-known/x"), "at-1", &r),
        SSO_HTTP_OK);
    ck_assert_ptr_nonnull(strstr(r.body, "Authorization: Bearer at-1\r\n"));
    ck_assert_int_eq(sso_http_post_form(unit_pool, &opts, srv_url("/token"),
                                        token_form(), "client", "s3cret", &r),
                     SSO_HTTP_OK);
    ck_assert_ptr_nonnull(strstr(r.body, "POST /token HTTP/1.1\r\n"));
    ck_assert_ptr_null(strstr(r.body, "Bearer"));
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/jwks"), NULL, &r),
                     SSO_HTTP_OK);
    ck_assert_ptr_nonnull(strstr(r.body, "GET /jwks HTTP/1.1\r\n"));
    ck_assert_ptr_null(strstr(r.body, "Authorization"));
    ck_assert_ptr_null(strstr(r.body, "code=c1"));
    ck_assert_ptr_null(strstr(r.body, "Content-Type"));
    srv_stop();
    ck_assert_int_eq(srv.requests, 3);
    ck_assert_int_eq(srv.connections, 1);
}
END_TEST

/* A kept connection does not carry over a lower limit of the next call. */
START_TEST(reuse_keeps_the_cap)
{
    sso_http_response r;

    srv_start(SRV_KEEPALIVE);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/a"), NULL, &r),
                     SSO_HTTP_OK);
    opts.max_body = 16;
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/b"), NULL, &r),
                     SSO_HTTP_TOO_LARGE);
    ck_assert_msg(strstr(r.error, "response larger than 16 bytes"), "%s",
                  r.error);
    opts.max_body = 0;
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/c"), NULL, &r),
                     SSO_HTTP_OK);
    srv_stop();
    ck_assert_int_eq(srv.connections, 2); /* the aborted one was closed */
}
END_TEST

/* The socket of this process connected to the test server, or -1. */
static int kept_socket(void)
{
    struct sockaddr_in sa;
    socklen_t len;
    int fd;

    for (fd = 3; fd < 1024; fd++) {
        len = sizeof(sa);
        if (srv.lfd != fd && getpeername(fd, (struct sockaddr *)&sa, &len) == 0
            && sa.sin_family == AF_INET && ntohs(sa.sin_port) == srv.port) {
            return fd;
        }
    }
    return -1;
}

/* A kept connection is not inherited by a process forked later (CGI). */
START_TEST(reuse_connection_closed_on_exec)
{
    sso_http_response r;
    int fd;

    srv_start(SRV_KEEPALIVE);
    ck_assert_int_eq(sso_http_get(unit_pool, &opts, srv_url("/a"), NULL, &r),
                     SSO_HTTP_OK);
    fd = kept_socket();
    ck_assert_int_ge(fd, 0);
    ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}
END_TEST

static void http_add_common(TCase *tc)
{
    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, http_global_setup, http_global_teardown);
    tcase_add_test(tc, get_json);
    tcase_add_test(tc, body_at_cap_accepted);
    tcase_add_test(tc, body_over_cap_streamed);
    tcase_add_test(tc, body_over_cap_announced);
    tcase_add_test(tc, silent_server_times_out);
    tcase_add_test(tc, closed_port_connect_error);
    tcase_add_test(tc, post_basic_form_encoded);
    tcase_add_test(tc, post_without_basic);
    tcase_add_test(tc, post_odd_form_refused);
    tcase_add_test(tc, bearer_header_only);
    tcase_add_test(tc, bearer_with_newline_refused);
    tcase_add_test(tc, redirect_not_followed);
    tcase_add_test(tc, other_protocols_refused);
    tcase_add_test(tc, tls_failure_classified);
}

Suite *sso_http_suite(void)
{
    Suite *s = suite_create("sso_http");
    TCase *tc = tcase_create("loopback");
    TCase *reuse = tcase_create("loopback, handles kept");

    tcase_add_checked_fixture(tc, http_setup, http_teardown);
    http_add_common(tc);
    tcase_add_test(tc, no_reuse_connection_per_call);
    suite_add_tcase(s, tc);
    /* Every test again, as in httpd's children. */
    tcase_add_checked_fixture(reuse, http_setup_reuse, http_teardown);
    http_add_common(reuse);
    tcase_add_test(reuse, reuse_one_connection);
    tcase_add_test(reuse, reuse_keeps_the_cap);
    tcase_add_test(reuse, reuse_connection_closed_on_exec);
    suite_add_tcase(s, reuse);
    return s;
}
