#include "sso_cookie.h"

#include <string.h>

static void sso_cookie_note(sso_cookie_found *f, const char *value,
                            apr_size_t len)
{
    if (f->count++ && (len != f->len || memcmp(value, f->value, len)))
        f->conflict = 1;
    f->value = value;
    f->len = len;
}

void sso_cookie_scan(const char *header, const char *name, apr_size_t name_len,
                     sso_cookie_found *found)
{
    const char *p = header, *end;

    while (*p) {
        p += strspn(p, " \t");
        end = p + strcspn(p, ";,");
        if ((apr_size_t)(end - p) > name_len && p[name_len] == '='
            && !memcmp(p, name, name_len))
            sso_cookie_note(found, p + name_len + 1, end - p - name_len - 1);
        p = *end ? end + 1 : end;
    }
}
