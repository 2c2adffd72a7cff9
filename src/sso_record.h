/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* A small length-prefixed binary codec for cache records: big-endian
 * integers, strings as a 16-bit length and bytes. Reads are bounds-checked
 * so a corrupt record is refused, never over-read. */
#ifndef SSO_RECORD_H
#define SSO_RECORD_H

#include "apr_pools.h"
#include "apr_tables.h"

typedef struct {
    unsigned char *buf;
    apr_size_t len;
    apr_size_t cap;
    int overflow; /* set once a write did not fit */
} sso_record_writer;

typedef struct {
    const unsigned char *buf;
    apr_size_t len;
    apr_size_t pos;
    int bad;     /* set once a read ran past the end */
    char *arena; /* when set, strings are copied here */
    apr_size_t arena_used;
} sso_record_reader;

void sso_record_writer_init(sso_record_writer *w, unsigned char *buf,
                            apr_size_t cap);
void sso_record_put_u8(sso_record_writer *w, unsigned v);
void sso_record_put_i64(sso_record_writer *w, apr_int64_t v);
void sso_record_put_str(sso_record_writer *w, const char *s); /* NULL ok */
void sso_record_put_strs(sso_record_writer *w, const apr_array_header_t *a);
/* n bytes as they are, no length: for fields of a fixed size. */
void sso_record_put_raw(sso_record_writer *w, const unsigned char *data,
                        apr_size_t n);

void sso_record_reader_init(sso_record_reader *r, const unsigned char *buf,
                            apr_size_t len);
/* Strings read afterwards share one allocation of len bytes from p,
 * instead of one each: a string takes at most the room of its length
 * prefix and bytes in the record. */
void sso_record_reader_arena(sso_record_reader *r, apr_pool_t *p);
unsigned sso_record_get_u8(sso_record_reader *r);
apr_int64_t sso_record_get_i64(sso_record_reader *r);
/* NULL for a NULL string written; copies into p. */
const char *sso_record_get_str(sso_record_reader *r, apr_pool_t *p);
apr_array_header_t *sso_record_get_strs(sso_record_reader *r, apr_pool_t *p);
/* Copies n bytes into out; zeroes it when the record is too short. */
void sso_record_get_raw(sso_record_reader *r, unsigned char *out, apr_size_t n);
/* Non-zero when every byte was consumed and no read failed. */
int sso_record_reader_done(const sso_record_reader *r);

#endif
