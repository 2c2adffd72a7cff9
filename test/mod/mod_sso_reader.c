/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* mod_sso_reader: a module of another author, built only for the tests. It
 * finds mod_auth_sso's optional function through the public header and, as
 * the handler "sso-reader", prints what it returns as text/plain:
 *   optional-fn: absent            mod_auth_sso is not loaded
 *   identity: none                 the request is not authenticated by it
 *   user: ... groups: a|b ... method: sso|local
 */
#include "httpd.h"
#include "http_config.h"
#include "http_protocol.h"
#include "apr_strings.h"
#include "mod_auth_sso.h"

static APR_OPTIONAL_FN_TYPE(mod_auth_sso_identity) * reader_identity_fn;

static void reader_optional_fn_retrieve(void)
{
    reader_identity_fn = APR_RETRIEVE_OPTIONAL_FN(mod_auth_sso_identity);
}

static const char *reader_or_none(const char *s)
{
    return s ? s : "(none)";
}

static void reader_print(request_rec *r, const mod_auth_sso_identity_t *id)
{
    int i;

    ap_rprintf(r, "version: %d\n", id->version);
    ap_rprintf(r, "size-ok: %s\n", id->size >= sizeof(*id) ? "yes" : "no");
    ap_rprintf(r, "user: %s\n", reader_or_none(id->user));
    ap_rputs("groups: ", r);
    for (i = 0; i < id->groups->nelts; i++) {
        ap_rprintf(r, "%s%s", i ? "|" : "",
                   APR_ARRAY_IDX(id->groups, i, const char *));
    }
    ap_rprintf(r, "\nemail: %s\n", reader_or_none(id->email));
    ap_rprintf(r, "name: %s\n", reader_or_none(id->name));
    ap_rprintf(r, "method: %s\n", reader_or_none(id->method));
    ap_rprintf(r, "remote-user: %s\n", reader_or_none(r->user));
}

static int reader_handler(request_rec *r)
{
    const mod_auth_sso_identity_t *id;

    if (!r->handler || strcmp(r->handler, "sso-reader")) {
        return DECLINED;
    }
    ap_set_content_type(r, "text/plain");
    if (!reader_identity_fn) {
        ap_rputs("optional-fn: absent\n", r);
        return OK;
    }
    id = reader_identity_fn(r);
    if (!id) {
        ap_rputs("identity: none\n", r);
        return OK;
    }
    reader_print(r, id);
    return OK;
}

static void reader_register_hooks(apr_pool_t *p)
{
    ap_hook_optional_fn_retrieve(reader_optional_fn_retrieve, NULL, NULL,
                                 APR_HOOK_MIDDLE);
    ap_hook_handler(reader_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(sso_reader) = {
    STANDARD20_MODULE_STUFF, NULL, NULL, NULL, NULL, NULL, reader_register_hooks
};
