// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Test-only control API under /_test/ (the OP only listens on 127.0.0.1).
//
//   GET  /_test/users                 list users and their groups
//   GET  /_test/users/:name           one user
//   PUT  /_test/users/:name           body: {"groups": [...], "noEmail": bool}
//                                     adds the user (password <name>-pw)
//   DELETE /_test/users/:name         removes the user
//   PUT  /_test/users/:name/groups    body: JSON array of group names
//   GET  /_test/keys                  signing kid + published public keys
//   POST /_test/rotate-key            body (optional): {"dropOld": true}
//   POST /_test/users/:name/logout    ends the user's sessions here and sends
//                                     back-channel logout to their clients
//   POST /_test/sign                  body: {"claims": {...}, "header": {...}}
//                                     -> {"token": JWS signed with the signing key}

import { CompactSign, importJWK } from 'jose';

import { httpError, readJson } from './body.js';

const USER_PATH = /^\/_test\/users\/([^/]+)$/;
const GROUPS_PATH = /^\/_test\/users\/([^/]+)\/groups$/;
const LOGOUT_PATH = /^\/_test\/users\/([^/]+)\/logout$/;

export function controlRoutes({ users, keys, rotateKey, log, getProvider, Adapter }) {
  const routes = [
    ['GET', /^\/_test\/users$/, () => users.list()],
    ['GET', USER_PATH, (ctx, [, name]) => userOr404(users, decodeURIComponent(name))],
    ['PUT', GROUPS_PATH, (ctx, match) => replaceGroups(ctx, match, { users, log })],
    ['PUT', USER_PATH, (ctx, match) => addUser(ctx, match, { users, log })],
    ['DELETE', USER_PATH, (ctx, [, name]) => removeUser(users, decodeURIComponent(name), log)],
    ['GET', /^\/_test\/keys$/, () => ({ signing: keys.signingKey(), keys: keys.publicKeys() })],
    ['POST', /^\/_test\/rotate-key$/, (ctx) => rotate(ctx, { rotateKey, log })],
    ['POST', LOGOUT_PATH, (ctx, match) => logoutUser(match, { users, log, getProvider, Adapter })],
    ['POST', /^\/_test\/sign$/, (ctx) => sign(ctx, { keys })],
  ];

  return async function control(ctx, next) {
    if (!ctx.path.startsWith('/_test/')) return next();
    ctx.set('Cache-Control', 'no-store');
    try {
      const route = routes.find(([method, path]) => method === ctx.method && path.test(ctx.path));
      if (!route) throw httpError(404, `no test route ${ctx.method} ${ctx.path}`);
      ctx.body = await route[2](ctx, route[1].exec(ctx.path));
    } catch (err) {
      if (!err.expose) throw err;
      ctx.status = err.status;
      ctx.body = { error: err.message };
    }
    return undefined;
  };
}

function userOr404(users, name) {
  const user = users.list().find((candidate) => candidate.username === name);
  if (!user) throw httpError(404, `unknown user ${name}`);
  return user;
}

async function replaceGroups(ctx, [, rawName], { users, log }) {
  const name = decodeURIComponent(rawName);
  userOr404(users, name);
  const groups = await readJson(ctx.req);
  if (!Array.isArray(groups) || !groups.every((group) => typeof group === 'string')) {
    throw httpError(400, 'body must be a JSON array of group names');
  }
  log(`groups of ${name} set to ${JSON.stringify(groups)}`);
  return users.setGroups(name, groups);
}

async function addUser(ctx, [, rawName], { users, log }) {
  const username = decodeURIComponent(rawName);
  const body = (await readJson(ctx.req)) ?? {};
  const groups = body.groups ?? [];
  if (!/^[a-z0-9_.-]{1,64}$/.test(username) || !Array.isArray(groups)
      || !groups.every((group) => typeof group === 'string')) {
    throw httpError(400, 'name [a-z0-9_.-]{1,64}, body {"groups": [strings], "noEmail": bool}');
  }
  log(`user ${username} added with groups ${JSON.stringify(groups)}`);
  return users.add({ username, groups, noEmail: body.noEmail === true });
}

async function rotate(ctx, { rotateKey, log }) {
  const body = (await readJson(ctx.req)) ?? {};
  const key = rotateKey({ dropOld: body.dropOld === true });
  log(`signing key rotated: new kid ${key.kid}${body.dropOld === true ? ' (old keys dropped)' : ''}`);
  return { signing: key };
}

// As an administrator ending a user's sessions in the provider: each of
// the user's sessions goes, and every client of it with a
// backchannel_logout_uri gets a logout token (sub and sid).
async function logoutUser([, rawName], { users, log, getProvider, Adapter }) {
  const user = userOr404(users, decodeURIComponent(rawName));
  const provider = getProvider();
  const notified = [];
  for (const [id, session] of Adapter.live('Session')) {
    if (session.accountId !== user.sub) continue;
    for (const [clientId, { sid }] of Object.entries(session.authorizations ?? {})) {
      const client = await provider.Client.find(clientId);
      if (!client?.backchannelLogoutUri) continue;
      try {
        await client.backchannelLogout(user.sub, sid);
        notified.push({ clientId, sid, ok: true });
      } catch (err) {
        notified.push({ clientId, sid, ok: false, error: err.message });
      }
    }
    await new Adapter('Session').destroy(id);
  }
  log(`sessions of ${user.username} ended: ${JSON.stringify(notified)}`);
  return { notified };
}

// Any claims, signed with the current signing key: for tests that need
// tokens the provider itself would never send.
async function sign(ctx, { keys }) {
  const body = (await readJson(ctx.req)) ?? {};
  if (typeof body.claims !== 'object' || body.claims === null) throw httpError(400, 'body {"claims": {...}}');
  const jwk = keys.signingPrivateKey();
  const header = { alg: jwk.alg, kid: jwk.kid, typ: 'logout+jwt', ...(body.header ?? {}) };
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(body.claims)))
    .setProtectedHeader(header)
    .sign(await importJWK(jwk, jwk.alg));
  return { token };
}

function removeUser(users, name, log) {
  const user = userOr404(users, name);
  users.remove(name);
  log(`user ${name} removed`);
  return user;
}
