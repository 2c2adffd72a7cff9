/* The session cookie value: sso_id_decode, alone and on every value of a
 * whole Cookie header split the way a cookie reader would. */
#include "fuzz.h"
#include "sso_session.h"
#include "sso_url.h"

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

/* "a=1; sso_session=XYZ; b" split on ';' and on the first '=' of each
 * pair, optional whitespace trimmed and one pair of double quotes removed
 * (RFC 6265 §4.1.1 cookie-value). Every value goes to sso_id_decode, as
 * the module would for whichever name is configured. */
static void split_header(apr_pool_t *p, char *header)
{
    char *last = NULL, *pair;

    for (pair = apr_strtok(header, ";", &last); pair;
         pair = apr_strtok(NULL, ";", &last)) {
        char *eq, *name = pair, *value, *end;

        while (*name == ' ' || *name == '\t')
            name++;
        if (!(eq = strchr(name, '=')))
            continue;
        *eq = '\0';
        value = eq + 1;
        while (*value == ' ' || *value == '\t')
            value++;
        end = value + strlen(value);
        while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
            *--end = '\0';
        if (end - value >= 2 && *value == '"' && end[-1] == '"') {
            end[-1] = '\0';
            value++;
        }
        (void)sso_url_is_cookie_name(name);
        check_id(p, value);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_pool_t *p = fuzz_pool;

    check_id(p, fuzz_cstr(p, data, size));
    split_header(p, fuzz_cstr(p, data, size));
    apr_pool_clear(p);
    return 0;
}
