/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_stats.h"

#include "apr_atomic.h"
#include "apr_strings.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *key;   /* ?auto, after "SSO" */
    const char *label; /* HTML */
} sso_stats_name;

/* In sso_stat_e's order. */
static const sso_stats_name sso_stats_names[SSO_STAT_COUNT] = {
    { "SSOLogins", "SSO logins" },
    { "SSOLoginsRefusedNoMappedGroup", "refused: no mapped group" },
    { "SSOLoginsRefusedSignupOff", "refused: signup off" },
    { "SSOLoginsRefusedDisabled", "refused: account disabled" },
    { "SSOLoginsRefusedTokenInvalid", "refused: token invalid" },
    { "SSOLoginsRefusedStateUnknown", "refused: state unknown" },
    { "SSOLoginsRefusedProviderError", "refused: provider error" },
    { "SSOLoginsRefusedWrongSecret", "refused: wrong client secret" },
    { "SSOLoginsRefusedOther", "refused: other causes" },
    { "SSOLocalLogins", "local logins" },
    { "SSOLocalLoginFailures", "local login failures" },
    { "SSOLocalThrottleHits", "local throttle hits" },
    { "SSOLogouts", "logouts" },
    { "SSOSessionsEnded", "sessions ended by the module" },
    { "SSOTokenRequests", "API token requests" },
    { "SSOTokenRefused", "API tokens refused" },
    { "SSOTokenThrottleHits", "API token throttle hits" },
};

static const char *const sso_stats_call_keys[SSO_CALL_COUNT] = {
    "Discovery", "JWKS", "Token", "Userinfo", "Refresh"
};

/* login-refused causes with a counter of their own, in sso_stat_e's order
 * from SSO_STAT_REFUSED_NO_MAPPED_GROUP. */
static const char *const sso_stats_refusals[] = {
    "no-mapped-group", "signup-off",     "disabled",    "token-invalid",
    "state-unknown",   "provider-error", "wrong-secret"
};

static int sso_stats_is(const char *a, const char *b)
{
    return a && !strcmp(a, b);
}

static sso_stat_e sso_stats_refusal(const char *cause)
{
    int i, n = (int)(sizeof(sso_stats_refusals) / sizeof(*sso_stats_refusals));

    for (i = 0; i < n; i++) {
        if (sso_stats_is(cause, sso_stats_refusals[i])) {
            return (sso_stat_e)(SSO_STAT_REFUSED_NO_MAPPED_GROUP + i);
        }
    }
    return SSO_STAT_REFUSED_OTHER;
}

/* A throttled attempt is a failure too: out gets both. */
static int sso_stats_two(sso_stat_e *out, sso_stat_e a, int throttled,
                         sso_stat_e b)
{
    out[0] = a;
    if (!throttled) {
        return 1;
    }
    out[1] = b;
    return 2;
}

int sso_stats_map(const char *event, const char *cause, sso_stat_e *out)
{
    static const struct {
        const char *event;
        sso_stat_e stat;
    } plain[] = { { "login", SSO_STAT_LOGIN },
                  { "local-login", SSO_STAT_LOCAL_LOGIN },
                  { "logout", SSO_STAT_LOGOUT },
                  { "session-ended", SSO_STAT_SESSION_ENDED },
                  { "token", SSO_STAT_TOKEN } };
    int i;

    for (i = 0; i < (int)(sizeof(plain) / sizeof(*plain)); i++) {
        if (sso_stats_is(event, plain[i].event)) {
            out[0] = plain[i].stat;
            return 1;
        }
    }
    if (sso_stats_is(event, "login-refused")) {
        out[0] = sso_stats_refusal(cause);
        return 1;
    }
    if (sso_stats_is(event, "local-login-failed")) {
        return sso_stats_two(out, SSO_STAT_LOCAL_FAILED,
                             sso_stats_is(cause, "throttled")
                                 || sso_stats_is(cause, "totp-throttled"),
                             SSO_STAT_THROTTLED);
    }
    if (sso_stats_is(event, "token-refused")) {
        return sso_stats_two(out, SSO_STAT_TOKEN_REFUSED,
                             sso_stats_is(cause, "throttled"),
                             SSO_STAT_TOKEN_THROTTLED);
    }
    return 0;
}

void sso_stats_event(sso_stats *st, const char *event, const char *cause)
{
    sso_stat_e which[2];
    int i, n;

    if (!st) {
        return;
    }
    n = sso_stats_map(event, cause, which);
    for (i = 0; i < n; i++) {
        apr_atomic_inc32(&st->events[which[i]]);
    }
}

/* Raises *max to v unless another process raised it further meanwhile. */
static void sso_stats_raise(volatile apr_uint32_t *max, apr_uint32_t v)
{
    apr_uint32_t seen = apr_atomic_read32(max);

    while (v > seen) {
        apr_uint32_t was = apr_atomic_cas32(max, v, seen);
        if (was == seen) {
            return;
        }
        seen = was;
    }
}

void sso_stats_call_done(sso_stats *st, sso_call_e call, apr_uint32_t ms,
                         int ok, apr_uint32_t now)
{
    sso_stats_call *c;
    apr_uint32_t slot;

    if (!st || call >= SSO_CALL_COUNT) {
        return;
    }
    c = &st->calls[call];
    slot = apr_atomic_inc32(&c->next) % SSO_STATS_SAMPLES;
    apr_atomic_set32(&c->samples[slot], ms);
    sso_stats_raise(&c->max_ms, ms);
    if (!ok) {
        apr_atomic_inc32(&c->errors);
    }
    else {
        apr_atomic_set32(&c->last_ok, now);
    }
    /* Last: a reader never counts a sample slot not yet written. */
    apr_atomic_inc32(&c->calls);
}

const char *sso_stats_key(sso_stat_e i)
{
    return i < SSO_STAT_COUNT ? sso_stats_names[i].key : NULL;
}

const char *sso_stats_label(sso_stat_e i)
{
    return i < SSO_STAT_COUNT ? sso_stats_names[i].label : NULL;
}

const char *sso_stats_call_key(sso_call_e c)
{
    return c < SSO_CALL_COUNT ? sso_stats_call_keys[c] : NULL;
}

static int sso_stats_cmp(const void *a, const void *b)
{
    apr_uint32_t x = *(const apr_uint32_t *)a, y = *(const apr_uint32_t *)b;

    return x < y ? -1 : x > y;
}

apr_uint32_t sso_stats_median(apr_uint32_t *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), sso_stats_cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void sso_stats_call_read(const sso_stats *st, sso_call_e c,
                         sso_stats_call_view *v)
{
    apr_uint32_t copy[SSO_STATS_SAMPLES];
    const sso_stats_call *k = &st->calls[c];
    int i, n;

    v->calls = apr_atomic_read32((volatile apr_uint32_t *)&k->calls);
    v->errors = apr_atomic_read32((volatile apr_uint32_t *)&k->errors);
    v->max_ms = apr_atomic_read32((volatile apr_uint32_t *)&k->max_ms);
    v->last_ok = apr_atomic_read32((volatile apr_uint32_t *)&k->last_ok);
    n = v->calls < SSO_STATS_SAMPLES ? (int)v->calls : SSO_STATS_SAMPLES;
    for (i = 0; i < n; i++) {
        copy[i] = apr_atomic_read32((volatile apr_uint32_t *)&k->samples[i]);
    }
    v->median_ms = n ? sso_stats_median(copy, n) : 0;
}

/* Non-zero when s is a decimal number. */
static int sso_stats_number(const char *s, apr_uint64_t *n)
{
    char *end;

    if (!*s || strspn(s, "0123456789") != strlen(s)) {
        return 0;
    }
    *n = apr_strtoi64(s, &end, 10);
    return 1;
}

/* Figures of one shard that do not add up over shards: shmcb's ages of
 * its oldest entries and its per-subcache index size. */
static int sso_stats_summable(const char *key)
{
    return !strstr(key, "TimeLeft") && !strstr(key, "Per");
}

static void sso_stats_socache_line(apr_pool_t *p, char *line,
                                   apr_table_t *figures,
                                   apr_array_header_t *keys)
{
    char *colon = strchr(line, ':'), *value;
    const char *had;
    apr_uint64_t a, b;

    if (!colon || colon == line) {
        return;
    }
    *colon = '\0';
    value = colon + 1 + strspn(colon + 1, " \t");
    apr_collapse_spaces(line, line);
    if (!(had = apr_table_get(figures, line))) {
        APR_ARRAY_PUSH(keys, const char *) = apr_pstrdup(p, line);
        apr_table_set(figures, line, value);
    }
    else if (sso_stats_summable(line) && sso_stats_number(had, &a)
             && sso_stats_number(value, &b)) {
        apr_table_set(figures, line,
                      apr_psprintf(p, "%" APR_UINT64_T_FMT, a + b));
    }
}

void sso_stats_socache_add(apr_pool_t *p, const char *text,
                           apr_table_t *figures, apr_array_header_t *keys)
{
    char *copy = apr_pstrdup(p, text), *last, *line;

    for (line = apr_strtok(copy, "\r\n", &last); line;
         line = apr_strtok(NULL, "\r\n", &last)) {
        sso_stats_socache_line(p, line, figures, keys);
    }
}
