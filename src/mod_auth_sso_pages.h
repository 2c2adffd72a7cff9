/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* The pages the module generates: each is the whole response */
#ifndef MOD_AUTH_SSO_PAGES_H
#define MOD_AUTH_SSO_PAGES_H

#include "mod_auth_sso_private.h"

/* mod_auth_sso_pages.c: each returns the status, with the page as the
 * whole response. Text is escaped here. */
const char *ssomod_page_html(request_rec *r, const char *title,
                             const char *body_html);
int ssomod_page_error(request_rec *r, int status, const char *title,
                      const char *text);
int ssomod_page_refused(request_rec *r, int status, const char *reason);
const char *ssomod_page_text_html(request_rec *r, const char *title,
                                  const char *text);
const char *ssomod_page_refusal_text(request_rec *r, const char *reason);
/* "Reference: <UNIQUE_ID>" when mod_unique_id is loaded, else "". */
const char *ssomod_page_reference(request_rec *r);

#endif
