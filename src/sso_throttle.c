/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_throttle.h"
#include "sso_record.h"
#include "sso_key.h"

#include <string.h>

static const unsigned char sso_throttle_v4_mapped[12] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

const char *sso_throttle_key(apr_pool_t *p, const unsigned char *addr, int ipv6,
                             apr_size_t *len)
{
    if (ipv6 && !memcmp(addr, sso_throttle_v4_mapped, 12)) {
        addr += 12;
        ipv6 = 0;
    }
    return sso_key_make(p, SSO_KEY_THROTTLE, addr, ipv6 ? 8 : 4, len);
}

static int sso_throttle_in_window(const sso_throttle *t, apr_int64_t now)
{
    return t->failures > 0 && now >= t->first
           && now < t->first + SSO_THROTTLE_WINDOW;
}

int sso_throttle_blocked(const sso_throttle *t, apr_int64_t now)
{
    return sso_throttle_in_window(t, now)
           && t->failures >= SSO_THROTTLE_MAX_FAILURES;
}

void sso_throttle_fail(sso_throttle *t, apr_int64_t now)
{
    if (!sso_throttle_in_window(t, now)) {
        t->first = now;
        t->failures = 0;
    }
    t->failures++;
}

int sso_throttle_attempt(sso_throttle *t, apr_int64_t now)
{
    if (sso_throttle_blocked(t, now)) {
        return 0;
    }
    sso_throttle_fail(t, now);
    return 1;
}

void sso_throttle_refund(sso_throttle *t)
{
    if (t->failures > 0) {
        t->failures--;
    }
}

apr_int64_t sso_throttle_remaining(const sso_throttle *t, apr_int64_t now)
{
    return sso_throttle_blocked(t, now) ? t->first + SSO_THROTTLE_WINDOW - now
                                        : 0;
}

apr_size_t sso_throttle_encode(const sso_throttle *t, unsigned char *buf,
                               apr_size_t cap)
{
    sso_record_writer w;

    sso_record_writer_init(&w, buf, cap);
    sso_record_put_u8(&w, 'F');
    sso_record_put_i64(&w, t->first);
    sso_record_put_i64(&w, t->failures);
    return w.overflow ? 0 : w.len;
}

int sso_throttle_decode(const unsigned char *buf, apr_size_t len,
                        sso_throttle *out)
{
    sso_record_reader r;
    apr_int64_t failures;

    sso_record_reader_init(&r, buf, len);
    if (sso_record_get_u8(&r) != 'F') {
        return 0;
    }
    out->first = sso_record_get_i64(&r);
    failures = sso_record_get_i64(&r);
    out->failures =
        failures < 0 || failures > 1000000 ? 1000000 : (int)failures;
    return sso_record_reader_done(&r);
}
