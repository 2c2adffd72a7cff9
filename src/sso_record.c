/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_record.h"

#include <string.h>
#include "apr_strings.h"

/* Strings longer than this are not written: a length of 0xFFFF marks NULL. */
#define SSO_RECORD_STR_MAX 0xFFFE
#define SSO_RECORD_NULL    0xFFFF

void sso_record_writer_init(sso_record_writer *w, unsigned char *buf,
                            apr_size_t cap)
{
    w->buf = buf;
    w->len = 0;
    w->cap = cap;
    w->overflow = 0;
}

static void sso_record_put(sso_record_writer *w, const void *data, apr_size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
}

void sso_record_put_u8(sso_record_writer *w, unsigned v)
{
    unsigned char b = (unsigned char)v;

    sso_record_put(w, &b, 1);
}

static void sso_record_put_u16(sso_record_writer *w, unsigned v)
{
    unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

    sso_record_put(w, b, 2);
}

void sso_record_put_i64(sso_record_writer *w, apr_int64_t v)
{
    unsigned char b[8];
    apr_uint64_t u = (apr_uint64_t)v;
    int i;

    for (i = 7; i >= 0; i--, u >>= 8) {
        b[i] = (unsigned char)u;
    }
    sso_record_put(w, b, 8);
}

void sso_record_put_str(sso_record_writer *w, const char *s)
{
    apr_size_t n = s ? strlen(s) : 0;

    if (!s) {
        sso_record_put_u16(w, SSO_RECORD_NULL);
        return;
    }
    if (n > SSO_RECORD_STR_MAX) {
        w->overflow = 1;
        return;
    }
    sso_record_put_u16(w, (unsigned)n);
    sso_record_put(w, s, n);
}

void sso_record_put_strs(sso_record_writer *w, const apr_array_header_t *a)
{
    int i, n = a ? a->nelts : 0;

    if (n > SSO_RECORD_STR_MAX) {
        w->overflow = 1;
        return;
    }
    sso_record_put_u16(w, (unsigned)n);
    for (i = 0; i < n; i++) {
        sso_record_put_str(w, APR_ARRAY_IDX(a, i, const char *));
    }
}

void sso_record_put_raw(sso_record_writer *w, const unsigned char *data,
                        apr_size_t n)
{
    sso_record_put(w, data, n);
}

void sso_record_reader_init(sso_record_reader *r, const unsigned char *buf,
                            apr_size_t len)
{
    r->buf = buf;
    r->len = len;
    r->pos = 0;
    r->bad = 0;
    r->arena = NULL;
    r->arena_used = 0;
}

static const unsigned char *sso_record_take(sso_record_reader *r, apr_size_t n)
{
    const unsigned char *at;

    if (r->bad || n > r->len - r->pos) {
        r->bad = 1;
        return NULL;
    }
    at = r->buf + r->pos;
    r->pos += n;
    return at;
}

unsigned sso_record_get_u8(sso_record_reader *r)
{
    const unsigned char *b = sso_record_take(r, 1);

    return b ? b[0] : 0;
}

static unsigned sso_record_get_u16(sso_record_reader *r)
{
    const unsigned char *b = sso_record_take(r, 2);

    return b ? ((unsigned)b[0] << 8) | b[1] : 0;
}

apr_int64_t sso_record_get_i64(sso_record_reader *r)
{
    const unsigned char *b = sso_record_take(r, 8);
    apr_uint64_t u = 0;
    int i;

    for (i = 0; b && i < 8; i++) {
        u = (u << 8) | b[i];
    }
    return (apr_int64_t)u;
}

void sso_record_reader_arena(sso_record_reader *r, apr_pool_t *p)
{
    r->arena = apr_palloc(p, r->len + 1);
    r->arena_used = 0;
}

static const char *sso_record_copy(sso_record_reader *r, apr_pool_t *p,
                                   const char *b, apr_size_t n)
{
    char *s;

    if (!r->arena || n + 1 > r->len + 1 - r->arena_used) {
        return apr_pstrmemdup(p, b, n);
    }
    s = r->arena + r->arena_used;
    memcpy(s, b, n);
    s[n] = '\0';
    r->arena_used += n + 1;
    return s;
}

const char *sso_record_get_str(sso_record_reader *r, apr_pool_t *p)
{
    unsigned n = sso_record_get_u16(r);
    const unsigned char *b;

    if (r->bad || n == SSO_RECORD_NULL) {
        return NULL;
    }
    b = sso_record_take(r, n);
    if (!b || memchr(b, '\0', n)) {
        r->bad = 1;
        return NULL;
    }
    return sso_record_copy(r, p, (const char *)b, n);
}

apr_array_header_t *sso_record_get_strs(sso_record_reader *r, apr_pool_t *p)
{
    unsigned i, n = sso_record_get_u16(r);
    apr_array_header_t *a;

    /* Each string takes at least two bytes: bounds n before allocating. */
    if (r->bad || n > (r->len - r->pos) / 2) {
        r->bad = 1;
        return NULL;
    }
    a = apr_array_make(p, n ? (int)n : 1, sizeof(const char *));
    /* A NULL entry is refused: readers of the list strcmp every entry. */
    for (i = 0; i < n && !r->bad; i++) {
        const char *s = sso_record_get_str(r, p);

        if (!s) {
            r->bad = 1;
        }
        else {
            APR_ARRAY_PUSH(a, const char *) = s;
        }
    }
    return r->bad ? NULL : a;
}

void sso_record_get_raw(sso_record_reader *r, unsigned char *out, apr_size_t n)
{
    const unsigned char *b = sso_record_take(r, n);

    if (b) {
        memcpy(out, b, n);
    }
    else {
        memset(out, 0, n);
    }
}

int sso_record_reader_done(const sso_record_reader *r)
{
    return !r->bad && r->pos == r->len;
}
