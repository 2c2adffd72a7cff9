/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Pages the module answers with. Each one is the whole response, sent
 * through ap_custom_response so it works from hooks and handlers alike. */
#include "mod_auth_sso_private.h"
#include "mod_auth_sso_pages.h"

#include "http_core.h"
#include "http_protocol.h"
#include "http_log.h"
#include "apr_strings.h"

static const char ssomod_page_style[] =
    "body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;"
    "display:flex;min-height:100vh;align-items:center;justify-content:center}"
    "main{background:#fff;max-width:28rem;width:90%;padding:2rem;"
    "border-radius:8px;box-shadow:0 1px 4px rgba(0,0,0,.15)}"
    "h1{font-size:1.4rem;margin-top:0}"
    ".btn{display:inline-block;padding:.6rem 1.2rem;background:#2f5bea;"
    "color:#fff;border-radius:4px;text-decoration:none;border:0;font-size:1rem}"
    ".ref{color:#666;font-size:.8rem}";

/* The request's mod_unique_id, or the one of the request the page reports
 * on (note "sso-reference", e.g. a failed login before a redirect). */
const char *ssomod_page_reference(request_rec *r)
{
    const char *id = apr_table_get(r->notes, "sso-reference");

    if (!id) {
        id = apr_table_get(r->subprocess_env, "UNIQUE_ID");
    }

    if (!id) {
        return "";
    }
    return apr_pstrcat(r->pool, "<p class=\"ref\">Reference: ",
                       ap_escape_html2(r->pool, id, 1), "</p>", NULL);
}

const char *ssomod_page_html(request_rec *r, const char *title,
                             const char *body_html)
{
    return apr_pstrcat(
        r->pool,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" "
        "content=\"width=device-width,initial-scale=1\">"
        "<title>",
        ap_escape_html2(r->pool, title, 1), "</title><style>",
        ssomod_page_style, "</style></head><body><main><h1>",
        ap_escape_html2(r->pool, title, 1), "</h1>", body_html,
        ssomod_page_reference(r), "</main></body></html>", NULL);
}

const char *ssomod_page_text_html(request_rec *r, const char *title,
                                  const char *text)
{
    return ssomod_page_html(r, title,
                            apr_pstrcat(r->pool, "<p>",
                                        ap_escape_html2(r->pool, text, 1),
                                        "</p>", NULL));
}

int ssomod_page_error(request_rec *r, int status, const char *title,
                      const char *text)
{
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    ap_custom_response(r, status, ssomod_page_text_html(r, title, text));
    return status;
}

const char *ssomod_page_refusal_text(request_rec *r, const char *reason)
{
    return apr_pstrcat(r->pool, reason, " Please contact your administrator.",
                       NULL);
}

int ssomod_page_refused(request_rec *r, int status, const char *reason)
{
    return ssomod_page_error(r, status, "Access denied",
                             ssomod_page_refusal_text(r, reason));
}
