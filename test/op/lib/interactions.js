// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Our replacement for oidc-provider's devInteractions: a scriptable login
// form and automatic consent, so the RP sees authorize -> login form ->
// redirect with code, like Pocket ID with a remembered consent.
//
//   GET  /interaction/:uid        login page (or auto-consent)
//   POST /interaction/:uid/login  username + password

import { readForm } from './body.js';
import { errorPage, loginPage } from './pages.js';

const SHOW_PATH = /^\/interaction\/([\w-]+)$/;
const LOGIN_PATH = /^\/interaction\/([\w-]+)\/login$/;

export function interactionRoutes({ getProvider, users, log }) {
  return async function interactions(ctx, next) {
    const show = ctx.method === 'GET' && SHOW_PATH.exec(ctx.path);
    const login = ctx.method === 'POST' && LOGIN_PATH.exec(ctx.path);
    if (!show && !login) return next();

    ctx.set('Cache-Control', 'no-store');
    const provider = getProvider();
    const details = await loadInteraction(ctx, provider, (show || login)[1]);
    if (!details) return undefined;

    if (show) return showInteraction(ctx, provider, details);
    return submitLogin(ctx, provider, details, { users, log });
  };
}

async function loadInteraction(ctx, provider, uid) {
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (err) {
    renderError(ctx, 400, err.error || 'invalid_request', err.error_description || err.message);
    return undefined;
  }
  // The interaction is found through its cookie; make sure it is the one in the URL.
  if (details.uid !== uid) {
    renderError(ctx, 400, 'invalid_request', 'interaction cookie does not match the URL');
    return undefined;
  }
  return details;
}

async function showInteraction(ctx, provider, details) {
  if (details.prompt.name === 'login') {
    ctx.type = 'html';
    ctx.body = loginPage({ uid: details.uid, clientId: details.params.client_id });
    return;
  }
  // Any other prompt is consent (e.g. prompt=consent was requested): grant
  // it without asking. loadExistingGrant adds the requested scopes.
  await finish(ctx, provider, { consent: {} });
}

async function submitLogin(ctx, provider, details, { users, log }) {
  const { username = '', password = '' } = await readForm(ctx.req);
  const user = users.checkPassword(username, password);
  if (!user) {
    log(`login failed for "${username}"`);
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = loginPage({
      uid: details.uid,
      clientId: details.params.client_id,
      username,
      error: 'Invalid username or password.',
    });
    return;
  }
  log(`login ok: ${user.username} (${user.sub})`);
  await finish(ctx, provider, { login: { accountId: user.sub } });
}

async function finish(ctx, provider, result) {
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, result);
  ctx.status = 303;
  ctx.redirect(returnTo);
}

function renderError(ctx, status, error, description) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = errorPage({ error, error_description: description });
}
