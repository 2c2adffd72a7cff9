/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* QR codes of otpauth:// URIs, made by libqrencode and only drawn here:
 * for a terminal (two rows of modules per line, in half blocks) and as an
 * inline SVG for the account page. Pure logic. */
#ifndef SSO_QR_H
#define SSO_QR_H

#include "apr_pools.h"

/* Modules of light border around the code (the standard's quiet zone). */
#define SSO_QR_QUIET 4

/* Lines of UTF-8 half blocks, light modules drawn, dark ones blank (as
 * qrencode -t UTF8 does, for a dark terminal); NULL when libqrencode
 * fails. */
const char *sso_qr_terminal(apr_pool_t *p, const char *text);

/* An <svg> element, one path of the dark modules, scale pixels per module;
 * NULL when libqrencode fails. */
const char *sso_qr_svg(apr_pool_t *p, const char *text, int scale);

/* The width in modules of the code for text (without quiet zone); 0 when
 * libqrencode fails. For tests. */
int sso_qr_width(const char *text);

#endif
