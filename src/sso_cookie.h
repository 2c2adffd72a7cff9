/* Reads one cookie from Cookie headers without copying them: the session
 * cookie is read on every authenticated request. Pure logic. */
#ifndef SSO_COOKIE_H
#define SSO_COOKIE_H

#include "apr.h"

typedef struct {
    const char *value;   /* into the header; not NUL-terminated */
    apr_size_t len;
    int count;           /* times the cookie was seen */
    int conflict;        /* seen with two different values */
} sso_cookie_found;

/* Adds what one Cookie header says of the cookie called name (pairs split
 * on ';' and ',', leading blanks skipped, as httpd's ap_cookie_read). */
void sso_cookie_scan(const char *header, const char *name, apr_size_t name_len,
                     sso_cookie_found *found);

#endif
