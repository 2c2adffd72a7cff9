/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_oidc.h"
#include "sso_url.h"

#include <string.h>
#include "apr_strings.h"

static apr_array_header_t *scopes_of(const char *const *names, int n)
{
    apr_array_header_t *a = apr_array_make(unit_pool, n, sizeof(const char *));
    int i;

    for (i = 0; i < n; i++) {
        APR_ARRAY_PUSH(a, const char *) = names[i];
    }
    return a;
}

static void authorize_init(sso_oidc_authorize *a, const char *endpoint)
{
    static const char *const scopes[] = { "openid", "profile", "email" };

    a->endpoint = endpoint;
    a->client_id = "rp";
    a->redirect_uri = "https://rp.example/sso/callback";
    a->scopes = scopes_of(scopes, 3);
    a->state = "st";
    a->nonce = "no";
    a->code_challenge = NULL;
}

/* The query the URL carries after base, decoded. */
static apr_table_t *query_after(const char *url, const char *base)
{
    apr_table_t *t = NULL;

    ck_assert_int_eq(strncmp(url, base, strlen(base)), 0);
    ck_assert_ptr_null(sso_url_query_parse(unit_pool, url + strlen(base), &t));
    return t;
}

START_TEST(authorize_url_plain)
{
    sso_oidc_authorize a;

    authorize_init(&a, "https://op.example/authorize");
    ck_assert_str_eq(
        sso_oidc_build_authorize_url(unit_pool, &a),
        "https://op.example/authorize?response_type=code&client_id=rp"
        "&redirect_uri=https%3a%2f%2frp.example%2fsso%2fcallback"
        "&scope=openid+profile+email&state=st&nonce=no");
}
END_TEST

START_TEST(authorize_url_keeps_endpoint_query)
{
    sso_oidc_authorize a;
    apr_table_t *q;
    const char *url;

    authorize_init(&a, "https://op.example/authorize?tenant=a%20b&x=1");
    url = sso_oidc_build_authorize_url(unit_pool, &a);
    q = query_after(url, "https://op.example/authorize?");
    ck_assert_str_eq(apr_table_get(q, "tenant"), "a b");
    ck_assert_str_eq(apr_table_get(q, "x"), "1");
    ck_assert_str_eq(apr_table_get(q, "response_type"), "code");
    ck_assert_str_eq(apr_table_get(q, "client_id"), "rp");
    ck_assert_int_eq(apr_table_elts(q)->nelts, 8);
    /* One '?' only, the endpoint's. */
    ck_assert_ptr_null(strchr(strchr(url, '?') + 1, '?'));
}
END_TEST

START_TEST(authorize_url_escapes_every_value)
{
    static const char *const scopes[] = { "groups&admin=1", "a+b" };
    sso_oidc_authorize a;
    apr_table_t *q;
    const char *url;

    authorize_init(&a, "https://op.example/authorize");
    a.client_id = "my client&x=y";
    a.redirect_uri = "https://rp.example/sso/callback?next=/a b#f";
    a.scopes = scopes_of(scopes, 2);
    a.state = "s+/=&?";
    a.nonce = "n%20#";
    a.code_challenge = "c+/=&";
    url = sso_oidc_build_authorize_url(unit_pool, &a);
    ck_assert_ptr_null(strchr(url, ' '));
    ck_assert_ptr_null(strchr(url, '#'));
    q = query_after(url, "https://op.example/authorize?");
    ck_assert_int_eq(apr_table_elts(q)->nelts, 8);
    ck_assert_str_eq(apr_table_get(q, "client_id"), a.client_id);
    ck_assert_str_eq(apr_table_get(q, "redirect_uri"), a.redirect_uri);
    ck_assert_str_eq(apr_table_get(q, "scope"), "openid groups&admin=1 a+b");
    ck_assert_str_eq(apr_table_get(q, "state"), a.state);
    ck_assert_str_eq(apr_table_get(q, "nonce"), a.nonce);
    ck_assert_str_eq(apr_table_get(q, "code_challenge"), a.code_challenge);
    ck_assert_ptr_null(apr_table_get(q, "x"));
    ck_assert_ptr_null(apr_table_get(q, "admin"));
}
END_TEST

START_TEST(authorize_url_pkce)
{
    sso_oidc_authorize a;
    apr_table_t *q;

    authorize_init(&a, "https://op.example/authorize");
    a.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    q = query_after(sso_oidc_build_authorize_url(unit_pool, &a),
                    "https://op.example/authorize?");
    ck_assert_str_eq(apr_table_get(q, "code_challenge"), a.code_challenge);
    ck_assert_str_eq(apr_table_get(q, "code_challenge_method"), "S256");
    a.code_challenge = NULL;
    q = query_after(sso_oidc_build_authorize_url(unit_pool, &a),
                    "https://op.example/authorize?");
    ck_assert_ptr_null(apr_table_get(q, "code_challenge"));
    ck_assert_ptr_null(apr_table_get(q, "code_challenge_method"));
}
END_TEST

START_TEST(scopes_openid_first_once)
{
    static const char *const mixed[] = { "profile", "openid", "groups" };
    static const char *const only[] = { "openid" };

    ck_assert_str_eq(sso_oidc_join_scopes(unit_pool, scopes_of(mixed, 3)),
                     "openid profile groups");
    ck_assert_str_eq(sso_oidc_join_scopes(unit_pool, scopes_of(only, 1)),
                     "openid");
    ck_assert_str_eq(sso_oidc_join_scopes(unit_pool, scopes_of(NULL, 0)),
                     "openid");
    ck_assert_str_eq(sso_oidc_join_scopes(unit_pool, NULL), "openid");
}
END_TEST

static void token_init(sso_oidc_token_req *t)
{
    t->code = "the code";
    t->redirect_uri = "https://rp.example/sso/callback";
    t->code_verifier = NULL;
    t->post_auth = 0;
    t->client_id = "rp";
    t->client_secret = "s3cret+/";
}

/* The form as "name=value\n" lines, unescaped: what the test compares. */
static const char *form_text(const apr_array_header_t *f)
{
    const char *s = "";
    int i;

    ck_assert_int_eq(f->nelts % 2, 0);
    for (i = 0; i < f->nelts; i += 2) {
        s = apr_pstrcat(unit_pool, s, APR_ARRAY_IDX(f, i, const char *), "=",
                        APR_ARRAY_IDX(f, i + 1, const char *), "\n", NULL);
    }
    return s;
}

START_TEST(token_form_basic_has_no_credentials)
{
    sso_oidc_token_req t;

    token_init(&t);
    ck_assert_str_eq(form_text(sso_oidc_build_token_form(unit_pool, &t)),
                     "grant_type=authorization_code\ncode=the code\n"
                     "redirect_uri=https://rp.example/sso/callback\n");
}
END_TEST

START_TEST(token_form_post_has_credentials)
{
    sso_oidc_token_req t;

    token_init(&t);
    t.post_auth = 1;
    ck_assert_str_eq(form_text(sso_oidc_build_token_form(unit_pool, &t)),
                     "grant_type=authorization_code\ncode=the code\n"
                     "redirect_uri=https://rp.example/sso/callback\n"
                     "client_id=rp\nclient_secret=s3cret+/\n");
}
END_TEST

START_TEST(token_form_pkce_verifier)
{
    sso_oidc_token_req t;

    token_init(&t);
    t.code_verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    ck_assert_str_eq(
        form_text(sso_oidc_build_token_form(unit_pool, &t)),
        "grant_type=authorization_code\ncode=the code\n"
        "redirect_uri=https://rp.example/sso/callback\n"
        "code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\n");
    t.post_auth = 1;
    ck_assert_str_eq(
        form_text(sso_oidc_build_token_form(unit_pool, &t)),
        "grant_type=authorization_code\ncode=the code\n"
        "redirect_uri=https://rp.example/sso/callback\n"
        "code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk\n"
        "client_id=rp\nclient_secret=s3cret+/\n");
}
END_TEST

Suite *sso_oidc_suite(void)
{
    Suite *s = suite_create("sso_oidc");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, authorize_url_plain);
    tcase_add_test(tc, authorize_url_keeps_endpoint_query);
    tcase_add_test(tc, authorize_url_escapes_every_value);
    tcase_add_test(tc, authorize_url_pkce);
    tcase_add_test(tc, scopes_openid_first_once);
    tcase_add_test(tc, token_form_basic_has_no_credentials);
    tcase_add_test(tc, token_form_post_has_credentials);
    tcase_add_test(tc, token_form_pkce_verifier);
    suite_add_tcase(s, tc);
    return s;
}
