// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Self-test of the test OP: runs server.js as child processes and plays the
// RP with plain fetch and manual redirects. Run: node --test test/op/test/

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPublicKey, createHash, verify as verifySignature } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const SERVER = new URL('../server.js', import.meta.url).pathname;
const CLIENT_ID = 'test-rp';
const CLIENT_SECRET = 'test-rp-secret';
const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/logged-out';
const BASE_ARGS = [
  '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET,
  '--redirect-uri', REDIRECT_URI, '--post-logout-redirect-uri', POST_LOGOUT_URI,
];

// ---------------------------------------------------------------- OP process

const children = new Set();

// Whatever happens in the tests, no OP process outlives the run.
after(() => Promise.all([...children].map(stopOp)));
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

// Two tries: a provider has been seen (rarely) to stop after its first line
// of output and never print READY; a second start works.
async function startOp(extraArgs = [], options = {}) {
  try {
    return await startOpOnce(extraArgs, options);
  } catch (err) {
    if (!/not ready/.test(err.message)) throw err;
    return startOpOnce(extraArgs, options);
  }
}

async function startOpOnce(extraArgs = [], { baseArgs = BASE_ARGS } = {}) {
  const args = [SERVER, '--port', '0', '--exit-with-parent', ...baseArgs, ...extraArgs];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });

  const issuer = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`OP not ready in 15 s:\n${stderr}`)); }, 15_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /^READY (\S+)\n/m.exec(stdout);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`OP exited (${code}):\n${stderr}`)); });
  });
  return { child, issuer, stderr: () => stderr };
}

function stopOp(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return Promise.resolve(child.exitCode);
  }
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', (code) => { clearTimeout(force); children.delete(child); resolve(code); });
    child.kill('SIGTERM');
  });
}

// Starts an OP for one describe() block and stops it after the block.
function opFixture(args, options) {
  const fixture = {};
  const ready = startOp(args, options).then((op) => Object.assign(fixture, op));
  ready.catch(() => {}); // reported by the tests that await ready()
  fixture.ready = () => ready;
  after(() => ready.then((op) => stopOp(op.child), () => {}));
  return fixture;
}

// ------------------------------------------------------------ HTTP, cookies

class Browser {
  cookies = new Map();

  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) {
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  // Path scoping is ignored: the OP's cookie names are distinct enough.
  store(line) {
    const [pair, ...attributes] = line.split(';');
    const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
    const expired = attributes.some((attr) => /^\s*expires=/i.test(attr) && Date.parse(attr.split('=')[1]) < Date.now());
    if (!value || expired) this.cookies.delete(name.trim());
    else this.cookies.set(name.trim(), value);
  }
}

function authorizeUrl(issuer, params = {}) {
  const url = new URL('/authorize', issuer);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    scope: 'openid profile email groups',
    redirect_uri: REDIRECT_URI,
    state: `state-${Math.random()}`,
    nonce: `nonce-${Math.random()}`,
    ...params,
  });
  return url;
}

function location(response, base) {
  assert.ok([302, 303].includes(response.status), `expected a redirect, got ${response.status}`);
  return new URL(response.headers.get('location'), base);
}

// authorize -> login form -> POST credentials -> resume -> redirect_uri.
async function signIn(op, { username = 'alice', password = `${username}-pw`, params = {}, browser = new Browser() } = {}) {
  const request = authorizeUrl(op.issuer, params);
  const toLogin = location(await browser.fetch(request), op.issuer);
  assert.match(toLogin.pathname, /^\/interaction\/[\w-]+$/);

  const form = await browser.fetch(toLogin);
  assert.equal(form.status, 200);
  const html = await form.text();
  const action = /<form method="post" action="([^"]+)">/.exec(html)?.[1];
  assert.equal(action, `${toLogin.pathname}/login`);
  assert.match(html, /<input type="text" name="username"/);
  assert.match(html, /<input type="password" name="password"/);
  assert.match(html, /<button type="submit">Sign in<\/button>/);

  const posted = await browser.fetch(new URL(action, op.issuer), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  if (posted.status === 401) return { status: 401, html: await posted.text(), browser };

  const resume = location(posted, op.issuer);
  const callback = location(await browser.fetch(resume), op.issuer);
  const query = Object.fromEntries(callback.searchParams);
  return { callback, query, request, browser, nonce: request.searchParams.get('nonce'), state: request.searchParams.get('state') };
}

async function tokenRequest(op, params, { auth = 'basic', secret = CLIENT_SECRET } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const body = new URLSearchParams(params);
  if (auth === 'basic') {
    const credentials = `${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(secret)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  } else {
    body.set('client_id', CLIENT_ID);
    body.set('client_secret', secret);
  }
  const response = await fetch(new URL('/api/oidc/token', op.issuer), { method: 'POST', headers, body });
  return { status: response.status, body: await response.json() };
}

async function exchangeCode(op, flow, options) {
  assert.ok(flow.query.code, `no code in ${flow.callback}`);
  return tokenRequest(op, { grant_type: 'authorization_code', code: flow.query.code, redirect_uri: REDIRECT_URI }, options);
}

async function userinfo(op, accessToken) {
  const response = await fetch(new URL('/api/oidc/userinfo', op.issuer), {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

async function getJson(url) {
  const response = await fetch(url);
  assert.equal(response.status, 200, `GET ${url}`);
  return response.json();
}

// ------------------------------------------------------------------- JWT

const VERIFY_PARAMS = {
  RS256: (key) => ['sha256', key],
  ES256: (key) => ['sha256', { key, dsaEncoding: 'ieee-p1363' }],
  EdDSA: (key) => [null, key],
};

// Verifies a compact JWS against the OP's JWKS with node:crypto only.
async function verifyJwt(op, jwt) {
  const [headerB64, payloadB64, signatureB64] = jwt.split('.');
  const header = JSON.parse(Buffer.from(headerB64, 'base64url'));
  const { keys } = await getJson(new URL('/.well-known/jwks.json', op.issuer));
  const jwk = keys.find((key) => key.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} not in JWKS`);
  assert.equal(jwk.alg, header.alg);
  assert.equal(jwk.d, undefined, 'JWKS must not publish private keys');

  const [digest, key] = VERIFY_PARAMS[header.alg](createPublicKey({ key: jwk, format: 'jwk' }));
  const valid = verifySignature(digest, Buffer.from(`${headerB64}.${payloadB64}`), key, Buffer.from(signatureB64, 'base64url'));
  assert.ok(valid, 'ID token signature does not verify');
  return { header, payload: JSON.parse(Buffer.from(payloadB64, 'base64url')) };
}

function assertIdTokenBasics(op, payload, flow) {
  assert.equal(payload.iss, op.issuer);
  assert.equal(payload.aud, CLIENT_ID);
  assert.equal(payload.nonce, flow.nonce);
  assert.ok(payload.exp - payload.iat >= 3600 - 5, 'ID token lifetime about an hour');
  assert.match(payload.sub, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
}

async function signInAndExchange(op, signInOptions, tokenOptions) {
  const flow = await signIn(op, signInOptions);
  const tokens = await exchangeCode(op, flow, tokenOptions);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  const idToken = await verifyJwt(op, tokens.body.id_token);
  assertIdTokenBasics(op, idToken.payload, flow);
  return { flow, tokens: tokens.body, idToken };
}

// ----------------------------------------------------------------- tests

describe('default OP (RS256, Pocket ID defaults)', () => {
  const op = opFixture();

  test('discovery looks like Pocket ID', async () => {
    await op.ready();
    assert.match(op.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    const doc = await getJson(new URL('/.well-known/openid-configuration', op.issuer));
    assert.equal(doc.issuer, op.issuer, 'issuer has no trailing slash');
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
    for (const scope of ['openid', 'profile', 'email', 'groups', 'offline_access']) {
      assert.ok(doc.scopes_supported.includes(scope), scope);
    }
    assert.ok(doc.claims_supported.includes('groups'));
    assert.ok(doc.grant_types_supported.includes('refresh_token'));
    assert.equal(doc.end_session_endpoint, `${op.issuer}/api/oidc/end-session`);
    assert.equal(doc.jwks_uri, `${op.issuer}/.well-known/jwks.json`);
  });

  test('code flow with client_secret_basic, ID token, userinfo, refresh', async () => {
    await op.ready();
    const { flow, tokens, idToken } = await signInAndExchange(op, { username: 'alice' }, { auth: 'basic' });
    assert.equal(flow.callback.origin + flow.callback.pathname, REDIRECT_URI);
    assert.equal(flow.query.state, flow.state);
    assert.equal(flow.query.iss, op.issuer);

    assert.equal(idToken.header.alg, 'RS256');
    assert.ok(idToken.header.kid);
    const claims = idToken.payload;
    assert.equal(claims.sub, '1f6a3a52-7c2e-4d0b-9a51-3c1f0e6b7a01');
    assert.deepEqual(claims.groups, ['technitium_admins']);
    assert.equal(claims.preferred_username, 'alice');
    assert.equal(claims.email, 'alice@example.test');
    assert.equal(claims.email_verified, true);
    assert.equal(claims.name, 'Alice Admin');

    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.ok(tokens.refresh_token, 'refresh token issued without offline_access');

    const info = await userinfo(op, tokens.access_token);
    assert.equal(info.sub, claims.sub);
    assert.deepEqual(info.groups, ['technitium_admins']);

    const refreshed = await tokenRequest(op, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    const again = await verifyJwt(op, refreshed.body.id_token);
    assert.equal(again.payload.sub, claims.sub);
    assert.deepEqual(again.payload.groups, ['technitium_admins']);

    // Rotated on every use, like Pocket ID: the old one is spent.
    assert.ok(refreshed.body.refresh_token);
    assert.notEqual(refreshed.body.refresh_token, tokens.refresh_token);
    const reused = await tokenRequest(op, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(reused.status, 400);
    assert.equal(reused.body.error, 'invalid_grant');
  });

  test('code flow with client_secret_post', async () => {
    await op.ready();
    const { idToken } = await signInAndExchange(op, { username: 'bob' }, { auth: 'post' });
    assert.deepEqual(idToken.payload.groups, ['technitium_dns_admins']);
  });

  test('the other test users', async () => {
    await op.ready();
    const expected = {
      carol: ['technitium_dhcp_admins'],
      dave: ['technitium_dns_admins', 'technitium_dhcp_admins'],
      erin: [],
      frank: ['Technitium_Admins'],
    };
    for (const [username, groups] of Object.entries(expected)) {
      const { idToken } = await signInAndExchange(op, { username });
      assert.deepEqual(idToken.payload.groups, groups, username);
      assert.equal(idToken.payload.email, `${username}@example.test`);
    }
    const grace = await signInAndExchange(op, { username: 'grace' });
    assert.deepEqual(grace.idToken.payload.groups, ['technitium_admins']);
    assert.equal('email' in grace.idToken.payload, false);
    assert.equal('email_verified' in grace.idToken.payload, false);
    const info = await userinfo(op, grace.tokens.access_token);
    assert.equal('email' in info, false);
    const heidi = await signInAndExchange(op, { username: 'heidi' });
    assert.equal(heidi.idToken.payload.email, 'ceo@example.test');
    assert.equal(heidi.idToken.payload.email_verified, false);
    assert.equal(heidi.idToken.payload.preferred_username, 'heidi');
    // One group as a string (LemonLDAP::NG), in the ID token and userinfo.
    const judy = await signInAndExchange(op, { username: 'judy' });
    assert.equal(judy.idToken.payload.groups, 'technitium_dns_admins');
    assert.equal((await userinfo(op, judy.tokens.access_token)).groups, 'technitium_dns_admins');
    // Roles under a nested claim (Keycloak), no top-level groups.
    const ivan = await signInAndExchange(op, { username: 'ivan' });
    assert.deepEqual(ivan.idToken.payload.realm_access, { roles: ['technitium_dhcp_admins'] });
    assert.equal('groups' in ivan.idToken.payload, false);
    assert.deepEqual((await userinfo(op, ivan.tokens.access_token)).realm_access, { roles: ['technitium_dhcp_admins'] });
  });

  test('PKCE is optional, and checked when used', async () => {
    await op.ready();
    const verifier = 'v'.repeat(43);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const flow = await signIn(op, { params: { code_challenge: challenge, code_challenge_method: 'S256' } });
    const wrong = await tokenRequest(op, { grant_type: 'authorization_code', code: flow.query.code, redirect_uri: REDIRECT_URI, code_verifier: 'w'.repeat(43) });
    assert.equal(wrong.body.error, 'invalid_grant');
    const flow2 = await signIn(op, { params: { code_challenge: challenge, code_challenge_method: 'S256' } });
    const right = await tokenRequest(op, { grant_type: 'authorization_code', code: flow2.query.code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    assert.equal(right.status, 200);
  });

  test('wrong client secret -> 401 invalid_client', async () => {
    await op.ready();
    for (const auth of ['basic', 'post']) {
      const flow = await signIn(op);
      const result = await exchangeCode(op, flow, { auth, secret: 'not-the-secret' });
      assert.equal(result.status, 401, auth);
      assert.equal(result.body.error, 'invalid_client', auth);
    }
  });

  test('wrong password -> 401 and the form again', async () => {
    await op.ready();
    const result = await signIn(op, { username: 'alice', password: 'bob-pw' });
    assert.equal(result.status, 401);
    assert.match(result.html, /Invalid username or password/);
    assert.match(result.html, /<form method="post" action="\/interaction\/[\w-]+\/login">/);
  });

  test('end_session logs out with one form POST and redirects back', async () => {
    await op.ready();
    const { flow, tokens } = await signInAndExchange(op, { username: 'alice' });
    const { browser } = flow;
    const endSession = new URL('/api/oidc/end-session', op.issuer);
    endSession.search = new URLSearchParams({
      id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'bye',
    });
    const page = await browser.fetch(endSession);
    assert.equal(page.status, 200);
    const html = await page.text();
    const action = /<form[^>]* method="post" action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && xsrf, html);

    const confirmed = await browser.fetch(new URL(action, op.issuer), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    const back = location(confirmed, op.issuer);
    assert.equal(back.origin + back.pathname, POST_LOGOUT_URI);
    assert.equal(back.searchParams.get('state'), 'bye');

    // The OP session is gone: authorizing again asks for the login form.
    const next = location(await browser.fetch(authorizeUrl(op.issuer)), op.issuer);
    assert.match(next.pathname, /^\/interaction\//);
  });

  test('a live session skips the login form', async () => {
    await op.ready();
    const { browser } = await signIn(op, { username: 'carol' });
    const callback = location(await browser.fetch(authorizeUrl(op.issuer)), op.issuer);
    assert.equal(callback.origin + callback.pathname, REDIRECT_URI);
    assert.ok(callback.searchParams.get('code'));
  });

  test('control API: list users, replace groups', async () => {
    await op.ready();
    const users = await getJson(new URL('/_test/users', op.issuer));
    assert.deepEqual(users.map((user) => user.username), ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'judy', 'ivan']);

    const { tokens } = await signInAndExchange(op, { username: 'erin' });
    const put = await fetch(new URL('/_test/users/erin/groups', op.issuer), {
      method: 'PUT', headers: { 'content-type': 'application/json' }, body: '["technitium_dns_admins"]',
    });
    assert.equal(put.status, 200);
    assert.deepEqual((await put.json()).groups, ['technitium_dns_admins']);

    // Claims are read at issue time: userinfo and refreshed ID tokens follow.
    assert.deepEqual((await userinfo(op, tokens.access_token)).groups, ['technitium_dns_admins']);
    const refreshed = await tokenRequest(op, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.deepEqual((await verifyJwt(op, refreshed.body.id_token)).payload.groups, ['technitium_dns_admins']);

    const bad = await fetch(new URL('/_test/users/erin/groups', op.issuer), { method: 'PUT', body: '{"no":1}' });
    assert.equal(bad.status, 400);
    const unknown = await fetch(new URL('/_test/users/zoe/groups', op.issuer), { method: 'PUT', body: '[]' });
    assert.equal(unknown.status, 404);
  });

  test('control API: key rotation keeps old tokens verifiable', async () => {
    await op.ready();
    const before = await signInAndExchange(op, { username: 'alice' });
    const rotated = await fetch(new URL('/_test/rotate-key', op.issuer), { method: 'POST' });
    assert.equal(rotated.status, 200);
    const { signing } = await rotated.json();
    assert.notEqual(signing.kid, before.idToken.header.kid);
    assert.equal(signing.alg, 'RS256');

    const after = await signInAndExchange(op, { username: 'alice' });
    assert.equal(after.idToken.header.kid, signing.kid);
    await verifyJwt(op, before.tokens.id_token); // old kid still published

    // Tokens and sessions made before the rotation still work.
    assert.deepEqual((await userinfo(op, before.tokens.access_token)).groups, ['technitium_admins']);

    const dropped = await fetch(new URL('/_test/rotate-key', op.issuer), { method: 'POST', body: '{"dropOld":true}' });
    const { keys } = await getJson(new URL('/.well-known/jwks.json', op.issuer));
    assert.deepEqual(keys.map((key) => key.kid), [(await dropped.json()).signing.kid]);
  });
});

describe('back-channel logout (control API)', () => {
  test('ending a user\'s sessions sends a logout token with sid; /_test/sign signs any claims', async (t) => {
    const received = [];
    const rp = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => { received.push(new URLSearchParams(body).get('logout_token')); res.end(); });
    });
    await new Promise((resolve) => rp.listen(0, '127.0.0.1', resolve));
    t.after(() => rp.close());
    const op = await startOp(['--backchannel-logout-uri', `http://127.0.0.1:${rp.address().port}/bcl`]);
    t.after(() => stopOp(op.child));
    const doc = await getJson(new URL('/.well-known/openid-configuration', op.issuer));
    assert.equal(doc.backchannel_logout_session_supported, true);

    const { idToken } = await signInAndExchange(op, { username: 'alice' });
    assert.ok(idToken.payload.sid, 'the ID token carries sid');
    const res = await fetch(new URL('/_test/users/alice/logout', op.issuer), { method: 'POST' });
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).notified, [{ clientId: CLIENT_ID, sid: idToken.payload.sid, ok: true }]);
    assert.equal(received.length, 1);
    const { header, payload } = await verifyJwt(op, received[0]);
    assert.equal(header.typ, 'logout+jwt');
    assert.equal(payload.sid, idToken.payload.sid);
    assert.equal(payload.sub, idToken.payload.sub);
    assert.equal(payload.aud, CLIENT_ID);
    assert.ok(payload.jti);
    assert.equal(payload.nonce, undefined);
    assert.deepEqual(payload.events, { 'http://schemas.openid.net/event/backchannel-logout': {} });

    const signed = await fetch(new URL('/_test/sign', op.issuer), { method: 'POST', body: '{"claims":{"x":1}}' });
    assert.deepEqual((await verifyJwt(op, (await signed.json()).token)).payload, { x: 1 });
    const bad = await fetch(new URL('/_test/sign', op.issuer), { method: 'POST', body: '[]' });
    assert.equal(bad.status, 400);
  });

  test('a deleted user\'s refresh token gets invalid_grant', async (t) => {
    const op = await startOp();
    t.after(() => stopOp(op.child));
    const { tokens } = await signInAndExchange(op, { username: 'bob' });
    const gone = await fetch(new URL('/_test/users/bob', op.issuer), { method: 'DELETE' });
    assert.equal(gone.status, 200);
    const refreshed = await tokenRequest(op, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refreshed.body.error, 'invalid_grant');
    const again = await fetch(new URL('/_test/users/bob', op.issuer), { method: 'DELETE' });
    assert.equal(again.status, 404);
  });
});

describe('signing algorithms', () => {
  for (const alg of ['ES256', 'EdDSA']) {
    test(`--alg ${alg}`, async (t) => {
      const op = await startOp(['--alg', alg]);
      t.after(() => stopOp(op.child));
      const doc = await getJson(new URL('/.well-known/openid-configuration', op.issuer));
      assert.deepEqual(doc.id_token_signing_alg_values_supported, [alg]);
      const { idToken } = await signInAndExchange(op, { username: 'dave' });
      assert.equal(idToken.header.alg, alg);
      assert.deepEqual(idToken.payload.groups, ['technitium_dns_admins', 'technitium_dhcp_admins']);
    });
  }
});

describe('variants', () => {
  test('--groups-in-userinfo-only', async (t) => {
    const op = await startOp(['--groups-in-userinfo-only']);
    t.after(() => stopOp(op.child));
    const { idToken, tokens } = await signInAndExchange(op, { username: 'alice' });
    assert.equal('groups' in idToken.payload, false);
    assert.equal('email' in idToken.payload, false);
    const info = await userinfo(op, tokens.access_token);
    assert.deepEqual(info.groups, ['technitium_admins']);
    assert.equal(info.email, 'alice@example.test');
  });

  test('--token-auth basic / post advertise and accept one method', async (t) => {
    for (const [mode, method, rejected] of [['basic', 'client_secret_basic', 'post'], ['post', 'client_secret_post', 'basic']]) {
      const op = await startOp(['--token-auth', mode]);
      t.after(() => stopOp(op.child));
      const doc = await getJson(new URL('/.well-known/openid-configuration', op.issuer));
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, [method]);
      const refused = await exchangeCode(op, await signIn(op), { auth: rejected });
      assert.equal(refused.status, 401, `${mode}: ${JSON.stringify(refused.body)}`);
      assert.equal(refused.body.error, 'invalid_client');
      await signInAndExchange(op, {}, { auth: mode });
    }
  });

  test('--require-pkce and --no-iss-param', async (t) => {
    const op = await startOp(['--require-pkce', '--no-iss-param']);
    t.after(() => stopOp(op.child));
    const doc = await getJson(new URL('/.well-known/openid-configuration', op.issuer));
    assert.equal(doc.authorization_response_iss_parameter_supported, false);

    const refused = location(await new Browser().fetch(authorizeUrl(op.issuer)), op.issuer);
    assert.equal(refused.searchParams.get('error'), 'invalid_request');
    assert.equal(refused.searchParams.has('iss'), false);

    const verifier = 'x'.repeat(64);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const flow = await signIn(op, { params: { code_challenge: challenge, code_challenge_method: 'S256' } });
    assert.ok(flow.query.code);
    assert.equal('iss' in flow.query, false);
    const tokens = await tokenRequest(op, { grant_type: 'authorization_code', code: flow.query.code, redirect_uri: REDIRECT_URI, code_verifier: verifier });
    assert.equal(tokens.status, 200);
  });

  test('--discovery-no-cache', async (t) => {
    const op = await startOp(['--discovery-no-cache']);
    t.after(() => stopOp(op.child));
    for (const path of ['/.well-known/openid-configuration', '/.well-known/jwks.json']) {
      const res = await fetch(new URL(path, op.issuer));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
    }
    const plain = await startOp();
    t.after(() => stopOp(plain.child));
    const res = await fetch(new URL('/.well-known/openid-configuration', plain.issuer));
    assert.notEqual(res.headers.get('cache-control'), 'no-cache');
  });

  test('--keys persists keys across restarts; --rotate-key adds one', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'test-op-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'keys.json');
    const kidOf = async (op) => (await getJson(new URL('/_test/keys', op.issuer))).signing.kid;

    const first = await startOp(['--keys', file]);
    const kid = await kidOf(first);
    await stopOp(first.child);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.keys[0].kid, kid);
    assert.ok(saved.keys[0].d, 'private part persisted');

    const second = await startOp(['--keys', file]);
    t.after(() => stopOp(second.child));
    assert.equal(await kidOf(second), kid);
    await signInAndExchange(second, { username: 'bob' });
    await stopOp(second.child);

    const third = await startOp(['--keys', file, '--rotate-key']);
    t.after(() => stopOp(third.child));
    assert.notEqual(await kidOf(third), kid);
    const { keys } = await getJson(new URL('/.well-known/jwks.json', third.issuer));
    assert.equal(keys.length, 2);
  });

  test('--config with several clients', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'test-op-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'op.json');
    writeFileSync(file, JSON.stringify({
      alg: 'ES256',
      clients: [
        { client_id: 'other', client_secret: 'other-secret', redirect_uris: ['http://127.0.0.1:9/other'] },
        { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] },
      ],
    }));
    const op = await startOp(['--config', file], { baseArgs: [] });
    t.after(() => stopOp(op.child));
    const { idToken } = await signInAndExchange(op, { username: 'alice' });
    assert.equal(idToken.header.alg, 'ES256');
  });

  test('SIGTERM exits cleanly', async () => {
    const op = await startOp();
    assert.equal(await stopOp(op.child), 0);
  });
});
