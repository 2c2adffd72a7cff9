// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// oidc-provider configured to look like Pocket ID to a confidential client.

import Provider from 'oidc-provider';

import { controlRoutes } from './control_api.js';
import { interactionRoutes } from './interactions.js';
import { errorPage, loggedOutPage, logoutPage } from './pages.js';
import { userClaims } from './users.js';

// Pocket ID's endpoint paths, so URLs in logs and configs look familiar.
export const ROUTES = {
  authorization: '/authorize',
  token: '/api/oidc/token',
  userinfo: '/api/oidc/userinfo',
  end_session: '/api/oidc/end-session',
  jwks: '/.well-known/jwks.json',
  introspection: '/api/oidc/introspect',
  revocation: '/api/oidc/revoke',
  pushed_authorization_request: '/api/oidc/par',
};

const HOUR = 60 * 60;
const DAY = 24 * HOUR;

const TOKEN_AUTH_METHODS = {
  both: ['client_secret_basic', 'client_secret_post'],
  basic: ['client_secret_basic'],
  post: ['client_secret_post'],
};

const ERROR_EVENTS = [
  'authorization.error', 'grant.error', 'userinfo.error', 'end_session.error',
  'end_session_confirm.error', 'introspection.error', 'revocation.error', 'jwks.error',
  'discovery.error',
];

// deps: { issuer, options, keys, users, Adapter, cookieKeys, rotateKey, log }
export function createProvider(deps) {
  const provider = new Provider(deps.issuer, buildConfiguration(deps));
  const getProvider = () => provider;

  // provider.use() runs these before oidc-provider's own routing.
  provider.use(requestAdjustments(deps));
  provider.use(interactionRoutes({ getProvider, users: deps.users, log: deps.log }));
  provider.use(controlRoutes({ ...deps, getProvider }));

  logErrors(provider, deps.log);
  return provider;
}

function buildConfiguration({ options, keys, users, Adapter, cookieKeys }) {
  return {
    adapter: Adapter,
    jwks: keys.jwks(),
    clients: options.clients.map((client) => clientMetadata(client, options)),
    clientAuthMethods: TOKEN_AUTH_METHODS[options.tokenAuth],
    cookies: { keys: cookieKeys },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups', 'realm_access'],
      acr: null,
      sid: null,
      auth_time: null,
      iss: null,
    },
    scopes: ['openid', 'offline_access'], // profile/email/groups come from `claims`
    responseTypes: ['code'],
    subjectTypes: ['public'],
    enabledJWA: { idTokenSigningAlgValues: [options.alg] },
    // true = scope claims only at userinfo when an access token is issued.
    conformIdTokenClaims: options.groupsInUserinfoOnly,
    pkce: { required: () => options.requirePkce },
    // Pocket ID returns a refresh token for every code exchange; the
    // library default wants offline_access.
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed('refresh_token'),
    // Pocket ID replaces the refresh token on every use.
    rotateRefreshToken: true,
    loadExistingGrant: grantEverythingRequested,
    findAccount: (ctx, sub) => findAccount(users, sub),
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    routes: ROUTES,
    features: {
      devInteractions: { enabled: false },
      dPoP: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      // Like Pocket ID's "Back-channel logout URL" (sid always sent).
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => { ctx.body = logoutPage(form); },
        postLogoutSuccessSource: async (ctx) => { ctx.body = loggedOutPage(); },
      },
    },
    ttl: {
      AccessToken: HOUR,
      IdToken: HOUR,
      AuthorizationCode: 5 * 60,
      RefreshToken: 30 * DAY,
      Interaction: HOUR,
      Session: DAY,
      Grant: 30 * DAY,
    },
    clientBasedCORS: () => false,
    // Back-channel logout goes to test servers on 127.0.0.1, which the
    // library's SSRF guard (its dispatcher) refuses.
    fetch: (url, { dispatcher, ...options }) => globalThis.fetch(url, options),
    renderError: async (ctx, out) => { ctx.type = 'html'; ctx.body = errorPage(out); },
  };
}

function clientMetadata(client, options) {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    // Without refresh_token, issueRefreshToken below issues none.
    grant_types: options.refreshTokens ? ['authorization_code', 'refresh_token'] : ['authorization_code'],
    response_types: ['code'],
    // oidc-provider accepts basic and post alike for a client registered with
    // either one, as long as both methods are enabled server-wide.
    token_endpoint_auth_method: TOKEN_AUTH_METHODS[options.tokenAuth][0],
    id_token_signed_response_alg: options.alg,
    ...(client.backchannelLogoutUri ? {
      backchannel_logout_uri: client.backchannelLogoutUri,
      backchannel_logout_session_required: true,
    } : {}),
  };
}

function findAccount(users, sub) {
  const user = users.bySub(sub);
  if (!user) return undefined;
  // Claims are read at issue time, so a group change shows up in the next
  // ID token or userinfo response without logging in again.
  return { accountId: sub, claims: async () => userClaims(user) };
}

// Auto-consent: the grant always covers every scope and claim requested, so
// the consent prompt never fires (no consent page, like a remembered consent).
async function grantEverythingRequested(ctx) {
  const { oidc } = ctx;
  const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
  let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  grant ??= new oidc.provider.Grant({ accountId: oidc.session.accountId, clientId: oidc.client.clientId });
  grant.addOIDCScope(oidc.requestParamOIDCScopes);
  if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
  await grant.save();
  return grant;
}

// Small deviations from the library's behaviour that our options ask for.
function requestAdjustments({ options, issuer }) {
  return async function adjust(ctx, next) {
    if (options.tokenAuth === 'post' && usesBasicAuthAtToken(ctx)) {
      // The library still accepts Basic when only client_secret_post is
      // advertised; reject it so an RP that ignores discovery is caught.
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: 'client_secret_basic is not enabled, use client_secret_post' };
      return;
    }
    await next();
    omitDiscoveryFields(ctx);
    if (!options.issParam) stripIssParam(ctx, issuer);
    if (options.discoveryNoCache && [ROUTES.jwks, '/.well-known/openid-configuration'].includes(ctx.path)) {
      ctx.set('Cache-Control', 'no-cache');
    }
  };
}

function usesBasicAuthAtToken(ctx) {
  return ctx.method === 'POST'
    && [ROUTES.token, ROUTES.introspection, ROUTES.revocation].includes(ctx.path)
    && /^basic /i.test(ctx.get('authorization'));
}

// GET /.well-known/openid-configuration?omit=NAME[,NAME...]: the discovery
// document without those fields, for an RP pointed at it (SSOMetadataAddress)
// to meet a provider lacking a feature (e.g. omit=end_session_endpoint: no
// RP-initiated logout) while signing in at this same provider.
function omitDiscoveryFields(ctx) {
  const omit = ctx.query.omit;
  if (ctx.path !== '/.well-known/openid-configuration' || typeof omit !== 'string') return;
  if (!ctx.body || typeof ctx.body !== 'object') return;
  const body = { ...ctx.body };
  for (const name of omit.split(',')) delete body[name];
  ctx.body = body;
}

// oidc-provider always adds RFC 9207 `iss` to authorization responses and
// always advertises it; --no-iss-param removes both, for RPs tested against
// an OP without RFC 9207. Only query-mode redirects carry it for this client.
function stripIssParam(ctx, issuer) {
  if (ctx.path === '/.well-known/openid-configuration' && ctx.body && typeof ctx.body === 'object') {
    ctx.body = { ...ctx.body, authorization_response_iss_parameter_supported: false };
    return;
  }
  const location = ctx.response.get('Location');
  if (!location || !URL.canParse(location)) return;
  const url = new URL(location);
  if (url.searchParams.get('iss') !== issuer) return;
  url.searchParams.delete('iss');
  ctx.set('Location', url.href);
}

function logErrors(provider, log) {
  provider.on('server_error', (ctx, err) => log(`server_error: ${err.stack}`));
  for (const event of ERROR_EVENTS) {
    provider.on(event, (ctx, err) => {
      log(`${event}: ${err.error || err.name}${err.error_description ? ` (${err.error_description})` : ''}`);
    });
  }
}
