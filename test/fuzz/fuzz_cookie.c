/* The session cookie: sso_id_decode alone, and sso_cookie_scan (the
 * module's reader) over a whole Cookie header. */
#include "fuzz.h"
#include "sso_session.h"
#include "sso_cookie.h"

#include "apr_encode.h"
#include "apr_strings.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_pools_init();
    return 0;
}

/* One spelling per ID: a decoded ID re-encodes to the very token. */
static void check_id(apr_pool_t *p, const char *token)
{
    const unsigned char *raw = sso_id_decode(p, token);
    const char *again;

    if (!raw)
        return;
    FUZZ_ASSERT(strlen(token) == SSO_ID_B64_LEN);
    again = apr_pencode_base64_binary(p, raw, SSO_ID_BYTES,
                                      APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING,
                                      NULL);
    FUZZ_ASSERT(again && !strcmp(again, token));
}

/* The module's own reader over a whole header: what it finds lies within
 * the header, and a value of ID length goes to sso_id_decode as it would
 * in a request. */
static void scan_header(apr_pool_t *p, const char *header)
{
    sso_cookie_found f = { 0 };
    apr_size_t hlen = strlen(header);

    sso_cookie_scan(header, "sso_session", 11, &f);
    if (!f.count)
        return;
    FUZZ_ASSERT(f.value >= header && f.value + f.len <= header + hlen);
    FUZZ_ASSERT(!memchr(f.value, ';', f.len) && !memchr(f.value, ',', f.len));
    if (!f.conflict && f.len == SSO_ID_B64_LEN)
        check_id(p, apr_pstrmemdup(p, f.value, f.len));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;

    check_id(p, fuzz_cstr(p, data, size));
    scan_header(p, fuzz_cstr(p, data, size));
    apr_pool_clear(p);
    return 0;
}
