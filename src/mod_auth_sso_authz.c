/* The "sso-group" authorization provider: Require sso-group LOCAL... */
#include "mod_auth_sso.h"

#include "http_log.h"
#include "http_request.h"
#include "mod_auth.h"
#include "ap_provider.h"
#include "apr_strings.h"

APLOG_USE_MODULE(auth_sso);

/* The Require line is split once, at config time. */
static const char *sso_authz_parse(cmd_parms *cmd, const char *require_line,
                                   const void **parsed)
{
    apr_array_header_t *groups = apr_array_make(cmd->pool, 2, sizeof(char *));
    const char *line = require_line;
    char *word;

    while (*line && *(word = ap_getword_conf(cmd->pool, &line)))
        APR_ARRAY_PUSH(groups, const char *) = word;
    if (!groups->nelts)
        return "Require sso-group needs at least one local group name";
    *parsed = groups;
    return NULL;
}

static int sso_authz_has_any(const apr_array_header_t *have,
                             const apr_array_header_t *wanted)
{
    int i, j;

    for (i = 0; i < wanted->nelts; i++) {
        const char *w = APR_ARRAY_IDX(wanted, i, const char *);
        for (j = 0; j < have->nelts; j++) {
            if (!strcmp(w, APR_ARRAY_IDX(have, j, const char *)))
                return 1;
        }
    }
    return 0;
}

static authz_status sso_authz_check(request_rec *r, const char *require_line,
                                    const void *parsed)
{
    const sso_identity *id = sso_identity_get(r);

    if (!r->user)
        return AUTHZ_DENIED_NO_USER;
    if (!id) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      "Require sso-group: user %s was not authenticated by "
                      "AuthType sso", r->user);
        return AUTHZ_DENIED;
    }
    return sso_authz_has_any(id->groups, parsed) ? AUTHZ_GRANTED : AUTHZ_DENIED;
}

static const authz_provider sso_authz_group_provider = {
    &sso_authz_check,
    &sso_authz_parse,
};

void sso_authz_register(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "sso-group",
                              AUTHZ_PROVIDER_VERSION,
                              &sso_authz_group_provider, AP_AUTH_INTERNAL_PER_CONF);
}
