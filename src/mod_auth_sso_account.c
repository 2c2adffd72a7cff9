/* Who a provider login becomes here: local groups from SSOGroupMap, the
 * SSORequireMappedGroup rule, and the local username. */
#include "mod_auth_sso.h"

#include "http_log.h"
#include "apr_strings.h"

APLOG_USE_MODULE(auth_sso);

static const char *sso_account_username(apr_pool_t *p,
                                        const apr_array_header_t *candidates)
{
    int i;

    for (i = 0; i < candidates->nelts; i++) {
        const char *u = sso_username_normalize(p,
                            APR_ARRAY_IDX(candidates, i, const char *));
        if (u)
            return u;
    }
    return NULL;
}

static int sso_account_refuse(request_rec *r, const sso_login_claims *lc,
                              const char *cause, const char *reason)
{
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r, "login refused for sub %s "
                  "(email %s, groups [%s]): %s", lc->sub,
                  lc->email ? lc->email : "none",
                  sso_groups_join(r->pool, lc->remote_groups), cause);
    return sso_page_refused(r, HTTP_FORBIDDEN, reason);
}

int sso_account_admit(request_rec *r, const sso_server_conf *c,
                      const sso_login_claims *lc, sso_session *s)
{
    apr_array_header_t *local = sso_groups_map(r->pool, c->group_map,
                                               lc->remote_groups);

    if (c->require_mapped_group && !local->nelts)
        return sso_account_refuse(r, lc, "in no group of SSOGroupMap "
                                  "(SSORequireMappedGroup On)",
                                  "You are not a member of any group that may "
                                  "use this site.");
    s->user = sso_account_username(r->pool, lc->username_claims);
    if (!s->user)
        return sso_account_refuse(r, lc, "no claim of SSOUsernameClaims holds a "
                                  "valid username", "No valid username could be "
                                  "derived from your account.");
    s->method = "sso";
    s->issuer = lc->issuer;
    s->sub = lc->sub;
    s->email = lc->email;
    s->name = lc->name;
    s->groups = local;
    return OK;
}
