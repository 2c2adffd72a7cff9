/* The module's own routes under SSOBasePath, served from the quick handler
 * so that no AuthType on an enclosing location can lock users out of them. */
#include "mod_auth_sso.h"

#include "http_protocol.h"
#include "http_log.h"
#include "http_request.h"
#include "apr_strings.h"
#include <jansson.h>

APLOG_USE_MODULE(auth_sso);

static int sso_routes_send_json(request_rec *r, json_t *doc)
{
    char *text = json_dumps(doc, JSON_COMPACT);

    json_decref(doc);
    if (!text)
        return HTTP_INTERNAL_SERVER_ERROR;
    ap_set_content_type(r, "application/json");
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    ap_rputs(text, r);
    free(text);
    return OK;
}

static int sso_routes_status(request_rec *r, const sso_server_conf *c)
{
    return sso_routes_send_json(r, json_pack("{s:b}", "ssoEnabled", c->enable));
}

/* The route name after "<base>/", or NULL when the URI is not ours. */
static const char *sso_routes_match(const request_rec *r, const char *base)
{
    size_t len = strlen(base);

    if (strncmp(r->parsed_uri.path ? r->parsed_uri.path : "", base, len)
        || r->parsed_uri.path[len] != '/')
        return NULL;
    return r->parsed_uri.path + len + 1;
}

int sso_routes_quick_handler(request_rec *r, int lookup_uri)
{
    const sso_server_conf *c = sso_server_conf_get(r->server);
    const char *route = sso_routes_match(r, c->base_path);

    if (!route || lookup_uri)
        return DECLINED;
    if (!strcmp(route, "status"))
        return sso_routes_status(r, c);
    return HTTP_NOT_FOUND;
}
