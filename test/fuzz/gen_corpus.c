/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
/* Writes the binary seeds of corpus/session with the real encoders:
 *
 *   cc -I src $(apr-1-config --cppflags --includes) test/fuzz/gen_corpus.c \
 *      src/sso_session.c src/sso_record.c $(apr-1-config --link-ld --libs) -lcrypto \
 *      -o gen_corpus && ./gen_corpus test/fuzz/corpus/session
 *
 * Run once; the files are committed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "apr_general.h"
#include "apr_strings.h"
#include "sso_session.h"

static const char *dir;

static void put(const char *name, const unsigned char *buf, apr_size_t len)
{
    char path[1024];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (!len || !(f = fopen(path, "wb")) || fwrite(buf, 1, len, f) != len
        || fclose(f)) {
        fprintf(stderr, "gen_corpus: cannot write %s\n", path);
        exit(1);
    }
}

static apr_array_header_t *groups(apr_pool_t *p, const char *csv)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    char *last, *g, *copy = apr_pstrdup(p, csv);

    for (g = apr_strtok(copy, ",", &last); g;
         g = apr_strtok(NULL, ",", &last)) {
        APR_ARRAY_PUSH(a, const char *) = g;
    }
    return a;
}

int main(int argc, char **argv)
{
    unsigned char buf[SSO_SESSION_MAX];
    apr_pool_t *p;
    sso_session s;
    sso_txn t;

    if (argc != 2) {
        fprintf(stderr, "usage: gen_corpus DIR\n");
        return 2;
    }
    dir = argv[1];
    apr_initialize();
    apr_pool_create(&p, NULL);

    memset(&s, 0, sizeof(s));
    s.created = 1700000000;
    s.last_seen = 1700000900;
    s.verified = 1700000890;
    s.method = "sso";
    s.user = "alice";
    s.issuer = "https://id.example.com";
    s.sub = "5f0c7a52-3c1e-4b4e-9d62-6a0e6a3c2f11";
    s.email = "alice@example.com";
    s.name = "Alice Example";
    s.groups = groups(p, "staff,admins,dev");
    put("session-sso", buf, sso_session_encode(&s, buf, sizeof(buf)));

    s.method = "local";
    s.user = "bob";
    s.issuer = s.sub = s.email = s.name = NULL;
    s.groups = groups(p, "users");
    put("session-local", buf, sso_session_encode(&s, buf, sizeof(buf)));

    s.method = "sso";
    s.user = "carol@example.org";
    s.issuer = "https://pocket-id.example.org";
    s.sub = "c2b1";
    s.email = NULL;
    s.name = "Carol \xc3\x89lise";
    s.groups = groups(p, "");
    put("session-nogroups", buf, sso_session_encode(&s, buf, sizeof(buf)));

    memset(&t, 0, sizeof(t));
    t.created = 1700000000;
    t.nonce = "Qm9uY2Utbm9uY2Utbm9uY2Utbm9uY2Utbm9uY2Utbm8";
    t.pkce_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    t.return_path = "/app/reports?year=2024&q=a%20b";
    put("txn-pkce", buf, sso_txn_encode(&t, buf, sizeof(buf)));

    t.pkce_verifier = NULL;
    t.return_path = "/";
    put("txn-nopkce", buf, sso_txn_encode(&t, buf, sizeof(buf)));
    return 0;
}
