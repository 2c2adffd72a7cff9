/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "sso_qr.h"

#include <qrencode.h>
#include "apr_strings.h"
#include "apr_tables.h"

/* Error correction M, byte mode, the smallest version that fits. */
static QRcode *sso_qr_encode(const char *text)
{
    return QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
}

/* Non-zero when module (x, y) is dark; outside the code is quiet zone. */
static int sso_qr_dark(const QRcode *qr, int x, int y)
{
    if (x < 0 || y < 0 || x >= qr->width || y >= qr->width) {
        return 0;
    }
    return qr->data[y * qr->width + x] & 1;
}

int sso_qr_width(const char *text)
{
    QRcode *qr = sso_qr_encode(text);
    int w = qr ? qr->width : 0;

    QRcode_free(qr);
    return w;
}

const char *sso_qr_terminal(apr_pool_t *p, const char *text)
{
    /* Indexed by (top dark) << 1 | (bottom dark). */
    static const char *const cells[4] = { "\xe2\x96\x88", "\xe2\x96\x80",
                                          "\xe2\x96\x84", " " };
    QRcode *qr = sso_qr_encode(text);
    apr_array_header_t *out;
    int x, y;

    if (!qr) {
        return NULL;
    }
    out = apr_array_make(p, 64, sizeof(const char *));
    for (y = -SSO_QR_QUIET; y < qr->width + SSO_QR_QUIET; y += 2) {
        for (x = -SSO_QR_QUIET; x < qr->width + SSO_QR_QUIET; x++) {
            int top = sso_qr_dark(qr, x, y), bottom = sso_qr_dark(qr, x, y + 1);
            APR_ARRAY_PUSH(out, const char *) = cells[top << 1 | bottom];
        }
        APR_ARRAY_PUSH(out, const char *) = "\n";
    }
    QRcode_free(qr);
    return apr_array_pstrcat(p, out, 0);
}

const char *sso_qr_svg(apr_pool_t *p, const char *text, int scale)
{
    QRcode *qr = sso_qr_encode(text);
    apr_array_header_t *path;
    int x, y, size;

    if (!qr) {
        return NULL;
    }
    path = apr_array_make(p, 256, sizeof(const char *));
    for (y = 0; y < qr->width; y++) {
        for (x = 0; x < qr->width; x++) {
            if (sso_qr_dark(qr, x, y)) {
                APR_ARRAY_PUSH(path, const char *) = apr_psprintf(
                    p, "M%d %dh1v1h-1z", x + SSO_QR_QUIET, y + SSO_QR_QUIET);
            }
        }
    }
    size = qr->width + 2 * SSO_QR_QUIET;
    QRcode_free(qr);
    return apr_psprintf(p,
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                        "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        "shape-rendering=\"crispEdges\" role=\"img\" "
                        "aria-label=\"QR code\"><rect width=\"%d\" "
                        "height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" "
                        "d=\"%s\"/></svg>",
                        size * scale, size * scale, size, size, size, size,
                        apr_array_pstrcat(p, path, 0));
}
