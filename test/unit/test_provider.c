/* SPDX-License-Identifier: Apache-2.0
 * Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE. */
#include "unit.h"
#include "sso_provider.h"

#include <stdlib.h>
#include <string.h>
#include "apr_strings.h"

#define ISSUER "https://id.example.com"

/* Shaped like Pocket ID's /.well-known/openid-configuration. */
static const char pocket_id_doc[] =
    "{\"issuer\":\"https://id.example.com\","
    "\"authorization_endpoint\":\"https://id.example.com/authorize\","
    "\"token_endpoint\":\"https://id.example.com/api/oidc/token\","
    "\"userinfo_endpoint\":\"https://id.example.com/api/oidc/userinfo\","
    "\"end_session_endpoint\":\"https://id.example.com/api/oidc/end-session\","
    "\"introspection_endpoint\":\"https://id.example.com/api/oidc/introspect\","
    "\"jwks_uri\":\"https://id.example.com/.well-known/jwks.json\","
    "\"grant_types_supported\":[\"authorization_code\",\"refresh_token\"],"
    "\"scopes_supported\":[\"openid\",\"profile\",\"email\",\"groups\"],"
    "\"claims_supported\":[\"sub\",\"given_name\",\"family_name\",\"name\","
    "\"email\",\"email_verified\",\"preferred_username\",\"picture\","
    "\"groups\"],"
    "\"response_types_supported\":[\"code\",\"id_token\"],"
    "\"subject_types_supported\":[\"public\"],"
    "\"id_token_signing_alg_values_supported\":[\"RS256\"],"
    "\"code_challenge_methods_supported\":[\"plain\",\"S256\"],"
    "\"token_endpoint_auth_methods_supported\":[\"client_secret_basic\","
    "\"client_secret_post\",\"none\"],"
    "\"authorization_response_iss_parameter_supported\":true}";

static const char *parse_err(const char *doc, const char *issuer)
{
    sso_provider_meta *m;
    const char *err = NULL;

    ck_assert_int_ne(
        sso_provider_parse(unit_pool, doc, strlen(doc), issuer, &m, &err),
        APR_SUCCESS);
    ck_assert_ptr_null(m);
    ck_assert_ptr_nonnull(err);
    return err;
}

static sso_provider_meta *parse_ok(const char *doc)
{
    sso_provider_meta *m = NULL;
    const char *err = NULL;

    ck_assert_msg(
        sso_provider_parse(unit_pool, doc, strlen(doc), ISSUER, &m, &err)
            == APR_SUCCESS,
        "refused: %s", err);
    return m;
}

/* A minimal valid document plus extra members. */
static const char *doc_with(const char *extra)
{
    return apr_pstrcat(unit_pool,
                       "{\"issuer\":\"" ISSUER "\","
                       "\"authorization_endpoint\":\"" ISSUER "/auth\","
                       "\"token_endpoint\":\"" ISSUER "/token\","
                       "\"jwks_uri\":\"" ISSUER "/jwks\"",
                       extra, "}", NULL);
}

START_TEST(pocket_id_doc_accepted)
{
    sso_provider_meta *m = parse_ok(pocket_id_doc);

    ck_assert_str_eq(m->issuer, ISSUER);
    ck_assert_str_eq(m->token_endpoint, ISSUER "/api/oidc/token");
    ck_assert_str_eq(m->authorization_endpoint, ISSUER "/authorize");
    ck_assert_str_eq(m->jwks_uri, ISSUER "/.well-known/jwks.json");
    ck_assert_str_eq(m->userinfo_endpoint, ISSUER "/api/oidc/userinfo");
    ck_assert_str_eq(m->end_session_endpoint, ISSUER "/api/oidc/end-session");
    ck_assert(m->pkce_s256);
    ck_assert(m->auth_basic);
    ck_assert(m->auth_post);
    ck_assert(m->iss_parameter);
    ck_assert_int_eq(m->signing_algs->nelts, 1);
    ck_assert_str_eq(APR_ARRAY_IDX(m->signing_algs, 0, const char *), "RS256");
}
END_TEST

START_TEST(minimal_doc_defaults)
{
    sso_provider_meta *m = parse_ok(doc_with(""));

    ck_assert_ptr_null(m->userinfo_endpoint);
    ck_assert_ptr_null(m->end_session_endpoint);
    ck_assert(!m->pkce_s256);
    ck_assert(m->auth_basic); /* OIDC Discovery default */
    ck_assert(!m->auth_post);
    ck_assert(!m->iss_parameter);
    ck_assert_int_eq(m->signing_algs->nelts, 0);
}
END_TEST

START_TEST(issuer_trailing_slash_mismatch)
{
    const char *err = parse_err(pocket_id_doc, ISSUER "/");

    ck_assert_msg(strstr(err, "'" ISSUER "'") && strstr(err, "'" ISSUER "/'"),
                  "%s", err);
    ck_assert_msg(strstr(err, "trailing slash"), "%s", err);
    ck_assert_ptr_nonnull(
        strstr(parse_err(doc_with(""), "https://ID.example.com"),
               "https://ID.example.com"));
}
END_TEST

START_TEST(issuer_with_slash_in_doc)
{
    const char *doc = "{\"issuer\":\"http://x/\",\"authorization_endpoint\":"
                      "\"http://x/a\",\"token_endpoint\":\"http://x/t\","
                      "\"jwks_uri\":\"http://x/j\"}";

    ck_assert_str_eq(parse_err(doc, "http://x"),
                     "discovery issuer 'http://x/' differs from SSOAuthority "
                     "'http://x' (they must match exactly, including any "
                     "trailing slash)");
}
END_TEST

START_TEST(missing_fields_named)
{
    static const char *const fields[] = {
        "issuer",
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
    };
    size_t i;

    for (i = 0; i < sizeof(fields) / sizeof(*fields); i++) {
        /* Replace the field's name so that it is absent. */
        char *doc = apr_pstrdup(unit_pool, doc_with(""));
        char *at =
            strstr(doc, apr_pstrcat(unit_pool, "\"", fields[i], "\"", NULL));
        const char *err;

        at[1] = 'X';
        err = parse_err(doc, ISSUER);
        ck_assert_msg(strstr(err, fields[i]), "%s: %s", fields[i], err);
    }
}
END_TEST

START_TEST(non_http_endpoints_refused)
{
    const char *err;

    err = parse_err(apr_pstrcat(unit_pool,
                                "{\"issuer\":\"" ISSUER "\","
                                "\"authorization_endpoint\":\"" ISSUER "/a\","
                                "\"token_endpoint\":\"file:///etc/passwd\","
                                "\"jwks_uri\":\"" ISSUER "/j\"}",
                                NULL),
                    ISSUER);
    ck_assert_msg(strstr(err, "token_endpoint") && strstr(err, "http"), "%s",
                  err);
    err =
        parse_err(doc_with(",\"userinfo_endpoint\":\"javascript:x\""), ISSUER);
    ck_assert_msg(strstr(err, "userinfo_endpoint"), "%s", err);
    err = parse_err(doc_with(",\"end_session_endpoint\":42"), ISSUER);
    ck_assert_msg(strstr(err, "end_session_endpoint"), "%s", err);
}
END_TEST

START_TEST(wrong_types_refused)
{
    const char *err;

    err = parse_err(doc_with(",\"code_challenge_methods_supported\":\"S256\""),
                    ISSUER);
    ck_assert_msg(strstr(err, "code_challenge_methods_supported"), "%s", err);
    err = parse_err(doc_with(",\"token_endpoint_auth_methods_supported\":[1]"),
                    ISSUER);
    ck_assert_msg(strstr(err, "token_endpoint_auth_methods_supported"), "%s",
                  err);
    err =
        parse_err(doc_with(",\"authorization_response_iss_parameter_supported\""
                           ":\"yes\""),
                  ISSUER);
    ck_assert_msg(strstr(err, "authorization_response_iss_parameter_supported"),
                  "%s", err);
    ck_assert_ptr_nonnull(
        strstr(parse_err("[1]", ISSUER), "not a JSON object"));
    ck_assert_ptr_nonnull(strstr(parse_err("{oops", ISSUER), "invalid JSON"));
    ck_assert_ptr_nonnull(
        strstr(parse_err(doc_with(",\"issuer\":\"x\""), ISSUER),
               "invalid JSON")); /* duplicate key */
}
END_TEST

START_TEST(oversize_doc_refused)
{
    size_t len = SSO_PROVIDER_DOC_MAX + 1;
    char *doc = apr_palloc(unit_pool, len + 1);
    sso_provider_meta *m;
    const char *err = NULL;

    memset(doc, ' ', len);
    memcpy(doc, pocket_id_doc, strlen(pocket_id_doc));
    doc[len] = '\0';
    ck_assert_int_ne(sso_provider_parse(unit_pool, doc, len, ISSUER, &m, &err),
                     APR_SUCCESS);
    ck_assert_msg(strstr(err, "larger than"), "%s", err);
    /* The same document just under the cap is fine. */
    ck_assert_int_eq(
        sso_provider_parse(unit_pool, doc, len - 1, ISSUER, &m, &err),
        APR_SUCCESS);
}
END_TEST

START_TEST(long_provider_strings_clipped)
{
    char *issuer = apr_palloc(unit_pool, 5001);
    const char *err;

    memset(issuer, 'a', 5000);
    issuer[5000] = '\0';
    err = parse_err(
        apr_pstrcat(unit_pool, "{\"issuer\":\"", issuer, "\\n\"}", NULL),
        ISSUER);
    ck_assert_msg(strlen(err) < 400, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(token_auth_choice)
{
    static const struct {
        int basic, post, configured, expected;
    } table[] = {
        { 1, 0, SSO_PROVIDER_AUTH_AUTO, SSO_PROVIDER_AUTH_BASIC },
        { 1, 1, SSO_PROVIDER_AUTH_AUTO, SSO_PROVIDER_AUTH_BASIC },
        { 0, 1, SSO_PROVIDER_AUTH_AUTO, SSO_PROVIDER_AUTH_POST },
        { 0, 0, SSO_PROVIDER_AUTH_AUTO, SSO_PROVIDER_AUTH_BASIC },
        { 0, 1, SSO_PROVIDER_AUTH_BASIC, SSO_PROVIDER_AUTH_BASIC },
        { 1, 0, SSO_PROVIDER_AUTH_POST, SSO_PROVIDER_AUTH_POST },
        { 1, 1, SSO_PROVIDER_AUTH_POST, SSO_PROVIDER_AUTH_POST },
    };
    sso_provider_meta m;
    size_t i;

    for (i = 0; i < sizeof(table) / sizeof(*table); i++) {
        memset(&m, 0, sizeof(m));
        m.auth_basic = table[i].basic;
        m.auth_post = table[i].post;
        ck_assert_msg(sso_provider_token_auth(&m, table[i].configured)
                          == table[i].expected,
                      "row %zu", i);
    }
}
END_TEST

START_TEST(token_auth_from_doc)
{
    sso_provider_meta *m = parse_ok(doc_with(
        ",\"token_endpoint_auth_methods_supported\":[\"client_secret_post\"]"));

    ck_assert(!m->auth_basic);
    ck_assert(m->auth_post);
    ck_assert_int_eq(sso_provider_token_auth(m, SSO_PROVIDER_AUTH_AUTO),
                     SSO_PROVIDER_AUTH_POST);
}
END_TEST

static apr_status_t token(long status, const char *body, sso_token_response *t,
                          const char **err)
{
    *err = NULL;
    return sso_provider_parse_token_response(unit_pool, status, body,
                                             strlen(body), t, err);
}

START_TEST(token_success)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_eq(token(200,
                           "{\"id_token\":\"eyJ.x.y\",\"access_token\":"
                           "\"at1\",\"token_type\":\"bearer\",\"expires_in\":"
                           "3600,\"refresh_token\":\"rt1\"}",
                           &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_OK);
    ck_assert_str_eq(t.id_token, "eyJ.x.y");
    ck_assert_str_eq(t.access_token, "at1");
    ck_assert_str_eq(t.refresh_token, "rt1");
    ck_assert_int_eq(t.expires_in, 3600);
    ck_assert_int_eq(token(200,
                           "{\"id_token\":\"i\",\"access_token\":\"a\","
                           "\"token_type\":\"Bearer\"}",
                           &t, &err),
                     APR_SUCCESS);
    ck_assert_ptr_null(t.refresh_token);
    ck_assert_int_eq(t.expires_in, -1);
}
END_TEST

static const char bad_client[] =
    "the client secret (or client ID) was "
    "rejected by the provider: check SSOClientSecret";

START_TEST(token_invalid_client_401)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_ne(token(401,
                           "{\"error\":\"invalid_client\","
                           "\"error_description\":\"bad secret\"}",
                           &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_INVALID_CLIENT);
    ck_assert_msg(!strncmp(err, bad_client, strlen(bad_client)), "%s", err);
    ck_assert_msg(strstr(err, "bad secret"), "%s", err);
    /* 401 means client authentication failed even with another code. */
    ck_assert_int_ne(token(401, "{\"error\":\"unauthorized\"}", &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_INVALID_CLIENT);
    ck_assert_str_eq(err, bad_client);
}
END_TEST

START_TEST(token_invalid_client_400)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_ne(token(400, "{\"error\":\"invalid_client\"}", &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_INVALID_CLIENT);
    ck_assert_str_eq(err, bad_client);
    ck_assert_str_eq(t.error, "invalid_client");
}
END_TEST

START_TEST(token_invalid_grant)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_ne(token(400,
                           "{\"error\":\"invalid_grant\","
                           "\"error_description\":\"code expired\"}",
                           &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_OAUTH_ERROR);
    ck_assert_str_eq(t.error, "invalid_grant");
    ck_assert_str_eq(t.error_description, "code expired");
    ck_assert_msg(strstr(err, "invalid_grant") && strstr(err, "code expired"),
                  "%s", err);
    ck_assert_ptr_null(t.id_token);
}
END_TEST

START_TEST(token_not_json)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_ne(token(500, "<html>oops</html>", &t, &err), APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_BAD_RESPONSE);
    ck_assert_str_eq(err, "token endpoint returned invalid JSON (HTTP 500)");
    ck_assert_int_ne(token(200, "", &t, &err), APR_SUCCESS);
    ck_assert_str_eq(err, "token endpoint returned invalid JSON (HTTP 200)");
    ck_assert_int_ne(token(400, "{}", &t, &err), APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_BAD_RESPONSE);
}
END_TEST

START_TEST(token_missing_id_token)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_ne(token(200,
                           "{\"access_token\":\"secret-at\","
                           "\"token_type\":\"Bearer\"}",
                           &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_BAD_RESPONSE);
    ck_assert_msg(strstr(err, "id_token"), "%s", err);
    ck_assert_ptr_null(strstr(err, "secret-at"));
    ck_assert_ptr_null(t.access_token);
    ck_assert_int_ne(
        token(200, "{\"id_token\":\"i\",\"token_type\":\"Bearer\"}", &t, &err),
        APR_SUCCESS);
    ck_assert_msg(strstr(err, "access_token"), "%s", err);
}
END_TEST

START_TEST(token_wrong_type)
{
    sso_token_response t;
    const char *err;

    ck_assert_int_ne(token(200,
                           "{\"id_token\":\"secret-id\",\"access_token\":"
                           "\"secret-at\",\"token_type\":\"DPoP\"}",
                           &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_BAD_RESPONSE);
    ck_assert_msg(strstr(err, "DPoP"), "%s", err);
    ck_assert_ptr_null(strstr(err, "secret"));
    ck_assert_int_ne(
        token(200, "{\"id_token\":\"i\",\"access_token\":\"a\"}", &t, &err),
        APR_SUCCESS);
    ck_assert_msg(strstr(err, "token_type"), "%s", err);
}
END_TEST

START_TEST(token_oversize)
{
    size_t len = SSO_PROVIDER_DOC_MAX + 1;
    char *body = apr_palloc(unit_pool, len);
    sso_token_response t;
    const char *err;

    memset(body, ' ', len);
    body[0] = '{';
    body[len - 1] = '}';
    ck_assert_int_ne(
        sso_provider_parse_token_response(unit_pool, 200, body, len, &t, &err),
        APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_BAD_RESPONSE);
    ck_assert_msg(strstr(err, "larger than"), "%s", err);
}
END_TEST

START_TEST(userinfo_checked)
{
    const char ok[] = "{\"sub\":\"u1\",\"email\":\"a@example.com\"}";
    const char other[] = "{\"sub\":\"u2\"}";
    json_t *claims;
    const char *err;

    ck_assert_int_eq(sso_provider_parse_userinfo(unit_pool, ok, strlen(ok),
                                                 "u1", &claims, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(json_string_value(json_object_get(claims, "email")),
                     "a@example.com");
    ck_assert_int_ne(sso_provider_parse_userinfo(
                         unit_pool, other, strlen(other), "u1", &claims, &err),
                     APR_SUCCESS);
    ck_assert_ptr_null(claims);
    ck_assert_str_eq(err, "userinfo sub differs from the ID token's");
    ck_assert_int_ne(
        sso_provider_parse_userinfo(unit_pool, "{}", 2, "u1", &claims, &err),
        APR_SUCCESS);
    ck_assert_int_ne(sso_provider_parse_userinfo(unit_pool, "eyJ.x.y", 7, "u1",
                                                 &claims, &err),
                     APR_SUCCESS);
    ck_assert_msg(strstr(err, "invalid JSON"), "%s", err);
}
END_TEST

/* RP-Initiated Logout 1.0 §2: every parameter URL-encoded, the endpoint's
 * own query kept. */
START_TEST(end_session_url_built)
{
    const char *u = sso_provider_end_session_url(
        unit_pool, ISSUER "/api/oidc/end-session", "h.p.s", "client 1&x=y",
        "https://app.example.com/sso/logged-out?a=1", "st_-8");

    ck_assert_str_eq(u, ISSUER
                     "/api/oidc/end-session?id_token_hint=h.p.s"
                     "&client_id=client+1%26x%3dy"
                     "&post_logout_redirect_uri=https%3a%2f%2fapp.example.com"
                     "%2fsso%2flogged-out%3fa%3d1&state=st_-8");
    u = sso_provider_end_session_url(unit_pool, ISSUER "/logout?tenant=a", NULL,
                                     "c", NULL, NULL);
    ck_assert_str_eq(u, ISSUER "/logout?tenant=a&client_id=c");
    u = sso_provider_end_session_url(unit_pool, ISSUER "/logout", NULL, NULL,
                                     NULL, NULL);
    ck_assert_str_eq(u, ISSUER "/logout");
}
END_TEST

static const char *form_get(const apr_array_header_t *f, const char *name)
{
    int i;

    ck_assert_int_eq(f->nelts % 2, 0);
    for (i = 0; i < f->nelts; i += 2) {
        if (!strcmp(APR_ARRAY_IDX(f, i, const char *), name)) {
            return APR_ARRAY_IDX(f, i + 1, const char *);
        }
    }
    return NULL;
}

START_TEST(refresh_form_built)
{
    apr_array_header_t *f =
        sso_provider_refresh_form(unit_pool, "rt&1", "c", "s3cret", 0);

    ck_assert_int_eq(f->nelts, 4);
    ck_assert_str_eq(form_get(f, "grant_type"), "refresh_token");
    ck_assert_str_eq(form_get(f, "refresh_token"), "rt&1");
    ck_assert_ptr_null(form_get(f, "client_secret"));
    f = sso_provider_refresh_form(unit_pool, "rt", "c", "s3cret", 1);
    ck_assert_int_eq(f->nelts, 8);
    ck_assert_str_eq(form_get(f, "client_id"), "c");
    ck_assert_str_eq(form_get(f, "client_secret"), "s3cret");
}
END_TEST

/* Core §12.2: a refresh response may lack id_token; a login's may not. */
START_TEST(refresh_response_id_token_optional)
{
    const char *body = "{\"access_token\":\"a2\",\"token_type\":\"Bearer\","
                       "\"refresh_token\":\"r2\",\"expires_in\":3600}";
    sso_token_response t;
    const char *err = NULL;

    ck_assert_int_eq(sso_provider_parse_refresh_response(
                         unit_pool, 200, body, strlen(body), &t, &err),
                     APR_SUCCESS);
    ck_assert_ptr_null(t.id_token);
    ck_assert_str_eq(t.access_token, "a2");
    ck_assert_str_eq(t.refresh_token, "r2");
    ck_assert_int_ne(sso_provider_parse_token_response(unit_pool, 200, body,
                                                       strlen(body), &t, &err),
                     APR_SUCCESS);
    body = "{\"error\":\"invalid_grant\",\"error_description\":\"grant request "
           "is invalid\"}";
    ck_assert_int_ne(sso_provider_parse_refresh_response(
                         unit_pool, 400, body, strlen(body), &t, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(t.kind, SSO_TOKEN_OAUTH_ERROR);
    ck_assert_str_eq(t.error, "invalid_grant");
}
END_TEST

Suite *sso_provider_suite(void)
{
    Suite *s = suite_create("sso_provider");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, unit_pool_setup, unit_pool_teardown);
    tcase_add_test(tc, pocket_id_doc_accepted);
    tcase_add_test(tc, minimal_doc_defaults);
    tcase_add_test(tc, issuer_trailing_slash_mismatch);
    tcase_add_test(tc, issuer_with_slash_in_doc);
    tcase_add_test(tc, missing_fields_named);
    tcase_add_test(tc, non_http_endpoints_refused);
    tcase_add_test(tc, wrong_types_refused);
    tcase_add_test(tc, oversize_doc_refused);
    tcase_add_test(tc, long_provider_strings_clipped);
    tcase_add_test(tc, token_auth_choice);
    tcase_add_test(tc, token_auth_from_doc);
    tcase_add_test(tc, token_success);
    tcase_add_test(tc, token_invalid_client_401);
    tcase_add_test(tc, token_invalid_client_400);
    tcase_add_test(tc, token_invalid_grant);
    tcase_add_test(tc, token_not_json);
    tcase_add_test(tc, token_missing_id_token);
    tcase_add_test(tc, token_wrong_type);
    tcase_add_test(tc, token_oversize);
    tcase_add_test(tc, userinfo_checked);
    tcase_add_test(tc, end_session_url_built);
    tcase_add_test(tc, refresh_form_built);
    tcase_add_test(tc, refresh_response_id_token_optional);
    suite_add_tcase(s, tc);
    return s;
}
