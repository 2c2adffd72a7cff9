#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// A hostile OpenID Provider for mod_auth_sso's integration tests. See
// README.md beside this file.
//
// It misbehaves on purpose, in the way the current *scenario* says; a test
// picks the scenario with PUT /_test/scenario before each login, so one
// running instance serves every case. /authorize answers at once (no login
// form): it redirects to the redirect_uri with a code, the state and iss.
//
// stdout carries exactly one line, "READY http://127.0.0.1:PORT", once it
// answers requests; the request log goes to stderr.

import { createHash, createHmac, createPublicKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

import { SignJWT, exportJWK, generateKeyPair } from 'jose';

console.log = console.error;
console.info = console.error;

const HOST = '127.0.0.1';
const BODY_MAX = 1024 * 1024;
// mod_auth_sso keeps provider documents for an hour unless the answer says
// Cache-Control: no-cache (src/mod_auth_sso_op.c). The discovery document
// says so, so the module fetches it for every login and sees the
// scenario's own jwks_uri and issuer; it is padded past 64 KiB, so a
// large document takes the same path. /_test/requests lets a test check it.
const DISCOVERY_PADDING = 66 * 1024;

const USAGE = `Usage: node test/op/hostile/server.js [options]

  --port N              listen on 127.0.0.1:N (0 = any free port; default 0)
  --client-id ID        the client's id (default mod_auth_sso)
  --client-secret S     the client's secret (default mod_auth_sso-secret)
  --redirect-uri URI    accepted redirect URI (repeatable; none = any)
  --exit-with-parent    exit when the process that started it dies
  -h, --help            this help
`;

const USER = {
  sub: 'hostile-sub-0001',
  email: 'mallory@hostile.test',
  email_verified: true,
  preferred_username: 'mallory',
  name: 'Mallory Hostile',
  groups: ['technitium_admins'],
};

function log(message) {
  process.stderr.write(`[hostile-op] ${message}\n`);
}

function options() {
  let v;
  try {
    v = parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'client-id': { type: 'string', default: 'mod_auth_sso' },
        'client-secret': { type: 'string', default: 'mod_auth_sso-secret' },
        'redirect-uri': { type: 'string', multiple: true, default: [] },
        'exit-with-parent': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const port = Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`error: --port must be 0..65535\n\n${USAGE}`);
    process.exit(2);
  }
  return {
    help: v.help,
    port,
    clientId: v['client-id'],
    clientSecret: v['client-secret'],
    redirectUris: v['redirect-uri'],
    exitWithParent: v['exit-with-parent'],
  };
}

// ---- keys ----

async function makeKey(alg, kid) {
  const { publicKey, privateKey } = await generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { alg, kid, publicKey, privateKey, jwk };
}

async function makeKeys() {
  return {
    rsa: await makeKey('RS256', 'rsa-1'),
    ec: await makeKey('ES256', 'ec-1'),
    ed: await makeKey('EdDSA', 'ed-1'),
    // An attacker's key: never published.
    evil: await makeKey('RS256', 'rsa-1'),
    // Published next to rsa-1 by no-kid-several-keys.
    rsa2: await makeKey('RS256', 'rsa-2'),
    rsa3: await makeKey('RS256', 'rsa-3'),
    // Appears in the JWKS during the rotate scenario.
    rotated: await makeKey('RS256', 'rsa-rotated'),
  };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');
const jsonB64 = (obj) => b64url(JSON.stringify(obj));

// Core §3.1.3.6: left half of the hash of the access token.
function atHash(alg, accessToken) {
  const hash = alg === 'EdDSA' ? 'sha512' : `sha${alg.slice(2)}`;
  const digest = createHash(hash).update(accessToken, 'ascii').digest();
  return b64url(digest.subarray(0, digest.length / 2));
}

// ---- scenarios ----
//
// Each entry may set:
//   alg / key       the signing key (a name in keys), default rsa
//   kid             false: no kid header; a string: this kid header
//   jwks(keys)      the JWKS the scenario's jwks_uri serves
//   claims(c, ctx)  edits the ID token claims in place
//   sign            'none' | 'flip' | 'hs-public': a custom signature
//   token(ctx)      'slow' | 'huge' | 'invalid-json' | 'invalid-client'
//   userinfo(u)     edits the userinfo claims in place
//   discovery(d)    edits the discovery document in place
//   basicAuth       false: the token endpoint skips the client check
//   accept          what mod_auth_sso is expected to do (for the README/tests)

const pub = (...ks) => ({ keys: ks.map((k) => k.jwk) });
const noKid = ({ kid, ...rest }) => rest;
const defaultJwks = (k) => pub(k.rsa, k.ec, k.ed);

const SCENARIOS = {
  'good-rs256': { accept: true },
  'good-es256': { accept: true, key: 'ec' },
  'good-eddsa': { accept: true, key: 'ed' },
  'aud-array-with-azp': {
    accept: true,
    claims: (c, ctx) => { c.aud = [ctx.clientId]; c.azp = ctx.clientId; },
  },
  'no-kid-single-key': {
    accept: true, key: 'ed', kid: false,
    jwks: (k) => ({ keys: [noKid(k.ed.jwk)] }),
  },
  // The first token is signed with rsa-1 and the JWKS holds rsa-1 alone
  // (the module fetches the JWKS after the token, and caches it). Later
  // tokens are signed with rsa-rotated, which the JWKS lists from then on.
  rotate: {
    accept: true,
    key: (st) => (st.tokens > 0 ? 'rotated' : 'rsa'),
    jwks: (k, st) => (st.tokens > 1 ? pub(k.rsa, k.rotated) : pub(k.rsa)),
  },
  'jwks-malformed-plus-good': {
    accept: true,
    jwks: (k) => ({ keys: [{ kty: 'RSA', kid: 'broken-1', use: 'sig', alg: 'RS256', n: '!!not*base64url!!', e: 'AQAB' }, k.rsa.jwk] }),
  },
  'alg-none': { sign: 'none' },
  'bad-signature': { sign: 'flip' },
  'other-key-same-kid': { key: 'evil' },
  'hs256-with-public-key': { sign: 'hs-public' },
  // Three RSA keys, the token names none (signed with the second).
  'no-kid-several-keys': {
    key: 'rsa2', kid: false,
    jwks: (k) => ({ keys: [noKid(k.rsa.jwk), noKid(k.rsa2.jwk), noKid(k.rsa3.jwk)] }),
  },
  'iss-wrong': { claims: (c) => { c.iss = 'https://evil.example'; } },
  'iss-missing': { claims: (c) => { delete c.iss; } },
  'aud-wrong': { claims: (c) => { c.aud = 'some-other-client'; } },
  'aud-missing': { claims: (c) => { delete c.aud; } },
  'aud-extra-untrusted': {
    claims: (c, ctx) => { c.aud = [ctx.clientId, 'untrusted-rp']; c.azp = ctx.clientId; },
  },
  'azp-mismatch': { claims: (c) => { c.azp = 'some-other-client'; } },
  'exp-past': { claims: (c) => { c.exp = c.iat - 3600; c.iat -= 7200; } },
  'exp-missing': { claims: (c) => { delete c.exp; } },
  'iat-missing': { claims: (c) => { delete c.iat; } },
  'iat-future-day': { claims: (c) => { c.iat += 86400; c.exp += 86400; } },
  'sub-missing': { claims: (c) => { delete c.sub; } },
  'nonce-wrong': { claims: (c) => { c.nonce = b64url(randomBytes(32)); } },
  'nonce-missing': { claims: (c) => { delete c.nonce; } },
  'at-hash-wrong': { claims: (c) => { c.at_hash = atHash('RS256', 'not-the-access-token'); } },
  'userinfo-sub-differs': {
    claims: (c) => { delete c.groups; },
    userinfo: (u) => { u.sub = 'someone-else-0002'; },
  },
  // One group as a plain string (LemonLDAP::NG): a one-item list.
  'groups-string': { accept: true, claims: (c) => { c.groups = 'technitium_admins'; } },
  // Neither an array nor a string: no groups, so 403.
  'groups-number': { claims: (c) => { c.groups = 42; } },
  'groups-object': { claims: (c) => { c.groups = { technitium_admins: true }; } },
  // Nothing here but the one plain string may count as a group.
  'groups-numbers-objects': {
    accept: true,
    claims: (c) => {
      c.groups = [42, 1.5, { name: 'technitium_admins' }, ['technitium_admins'], null, true,
        'technitium_dns_admins'];
    },
  },
  // 10,000 groups; where: 'userinfo' moves them out of the ID token.
  'groups-10000': {
    claims: (c, ctx) => {
      if (ctx.scenario.where === 'userinfo') delete c.groups;
      else c.groups = manyGroups();
    },
    userinfo: (u) => { u.groups = manyGroups(); },
  },
  'token-invalid-client': { token: 'invalid-client', basicAuth: false },
  'token-slow': { token: 'slow' },
  'token-50mib': { token: 'huge' },
  'token-invalid-json': { token: 'invalid-json' },
  'discovery-issuer-mismatch': { discovery: (d) => { d.issuer = 'https://evil.example'; } },
};

// Any scenario may also carry "claims" and "userinfo" objects: their
// members replace the ID token's or userinfo's (null removes one).
function mergeClaims(target, extra) {
  if (!extra || typeof extra !== 'object') return;
  for (const [k, v] of Object.entries(extra)) {
    if (v === null) delete target[k];
    else target[k] = v;
  }
}

function manyGroups() {
  const g = Array.from({ length: 9999 }, (_, i) => `group-${String(i).padStart(5, '0')}`);
  g.push('technitium_admins');
  return g;
}

// ---- the provider ----

class HostileOP {
  constructor(opts, keys) {
    this.opts = opts;
    this.keys = keys;
    this.issuer = null;
    this.codes = new Map();        // code -> { nonce, redirectUri, challenge, used }
    this.accessTokens = new Map(); // access token -> userinfo claims
    this.requests = [];            // { method, path, status, ms, scenario }
    this.generation = 0;
    this.setScenario({ name: 'good-rs256' });
  }

  setScenario(body) {
    if (!body || typeof body.name !== 'string' || !Object.hasOwn(SCENARIOS, body.name))
      throw httpError(400, `unknown scenario; known: ${Object.keys(SCENARIOS).join(', ')}`);
    this.generation += 1;
    this.scenario = { ...body };
    this.def = SCENARIOS[body.name];
    this.state = { tokens: 0 };
    log(`scenario ${body.name} (generation ${this.generation})`);
    return this.describe();
  }

  describe() {
    return {
      name: this.scenario.name,
      scenario: this.scenario,
      generation: this.generation,
      jwks_uri: this.jwksUri(),
      accept: Boolean(this.def.accept),
    };
  }

  jwksUri() {
    return `${this.issuer}/jwks/${this.generation}/${this.scenario.name}`;
  }

  // ---- routes ----

  async handle(req, res) {
    const url = new URL(req.url, this.issuer);
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /.well-known/openid-configuration') return this.discovery(res);
    if (req.method === 'GET' && url.pathname.startsWith('/jwks/')) return this.jwks(res, url);
    if (route === 'GET /authorize') return this.authorize(res, url);
    if (route === 'POST /token') return this.token(req, res);
    if (url.pathname === '/userinfo' && (req.method === 'GET' || req.method === 'POST'))
      return this.userinfo(req, res);
    if (route === 'PUT /_test/scenario') return sendJson(res, 200, this.setScenario(await readJson(req)));
    if (route === 'GET /_test/scenario') return sendJson(res, 200, this.describe());
    if (route === 'GET /_test/scenarios')
      return sendJson(res, 200, Object.fromEntries(Object.entries(SCENARIOS).map(([n, d]) => [n, { accept: Boolean(d.accept) }])));
    if (route === 'GET /_test/requests') return sendJson(res, 200, this.requests);
    return sendJson(res, 404, { error: 'not_found' });
  }

  discovery(res) {
    const i = this.issuer;
    const doc = {
      issuer: i,
      authorization_endpoint: `${i}/authorize`,
      token_endpoint: `${i}/token`,
      userinfo_endpoint: `${i}/userinfo`,
      jwks_uri: this.jwksUri(),
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'EdDSA'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
      code_challenge_methods_supported: ['S256'],
      scopes_supported: ['openid', 'profile', 'email', 'groups'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'email', 'name', 'preferred_username', 'groups'],
      authorization_response_iss_parameter_supported: true,
    };
    if (this.def.discovery) this.def.discovery(doc);
    doc.x_hostile_padding = 'p'.repeat(DISCOVERY_PADDING);
    return sendJson(res, 200, doc, { 'Cache-Control': 'no-cache' });
  }

  jwks(res, url) {
    const [, , gen, name] = url.pathname.split('/');
    const def = SCENARIOS[name];
    if (!def) return sendJson(res, 404, { error: 'not_found' });
    // An old generation's URL still answers, as that scenario would.
    const state = Number(gen) === this.generation ? this.state : { tokens: 0 };
    return sendJson(res, 200, def.jwks ? def.jwks(this.keys, state) : defaultJwks(this.keys));
  }

  authorize(res, url) {
    const q = url.searchParams;
    const redirectUri = q.get('redirect_uri');
    if (!redirectUri || q.get('response_type') !== 'code' || q.get('client_id') !== this.opts.clientId
        || (this.opts.redirectUris.length && !this.opts.redirectUris.includes(redirectUri)))
      return sendJson(res, 400, { error: 'invalid_request' });
    const code = b64url(randomBytes(24));
    this.codes.set(code, {
      nonce: q.get('nonce'),
      redirectUri,
      challenge: q.get('code_challenge'),
      used: false,
    });
    const to = new URL(redirectUri);
    to.searchParams.set('code', code);
    if (q.has('state')) to.searchParams.set('state', q.get('state'));
    to.searchParams.set('iss', this.issuer);
    res.writeHead(302, { Location: to.toString(), 'Cache-Control': 'no-store' });
    return res.end();
  }

  clientAuthOk(req) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return false;
    const plain = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon < 0) return false;
    const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } };
    const [id, secret] = [plain.slice(0, colon), plain.slice(colon + 1)];
    const same = (a, b) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
    return (same(id, this.opts.clientId) || same(dec(id), this.opts.clientId))
      && (same(secret, this.opts.clientSecret) || same(dec(secret), this.opts.clientSecret));
  }

  async token(req, res) {
    const form = new URLSearchParams(await readBody(req));
    const def = this.def;
    if (def.token === 'invalid-client')
      return sendJson(res, 401, { error: 'invalid_client' }, { 'WWW-Authenticate': 'Basic realm="hostile"' });
    if (def.basicAuth !== false && !this.clientAuthOk(req))
      return sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
    const entry = this.codes.get(form.get('code') ?? '');
    if (form.get('grant_type') !== 'authorization_code' || !entry || entry.used
        || form.get('redirect_uri') !== entry.redirectUri)
      return sendJson(res, 400, { error: 'invalid_grant' });
    if (entry.challenge) {
      const verifier = form.get('code_verifier') ?? '';
      if (b64url(createHash('sha256').update(verifier).digest()) !== entry.challenge)
        return sendJson(res, 400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
    }
    entry.used = true;

    if (def.token === 'slow') return this.slow(res);
    if (def.token === 'huge') return this.huge(res);
    if (def.token === 'invalid-json') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end('{"access_token": "abc", "token_type": "Bearer", "id_token": ');
    }

    const accessToken = b64url(randomBytes(32));
    const idToken = await this.idToken(entry, accessToken);
    const userinfo = { ...USER };
    if (def.userinfo) def.userinfo(userinfo, this.context());
    mergeClaims(userinfo, this.scenario.userinfo);
    this.accessTokens.set(accessToken, userinfo);
    this.state.tokens += 1;
    return sendJson(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: idToken,
      scope: 'openid profile email groups',
    }, { 'Cache-Control': 'no-store' });
  }

  context() {
    return { clientId: this.opts.clientId, issuer: this.issuer, scenario: this.scenario };
  }

  async idToken(entry, accessToken) {
    const def = this.def;
    const keyName = typeof def.key === 'function' ? def.key(this.state) : (def.key ?? 'rsa');
    const key = this.keys[keyName];
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: this.issuer,
      sub: USER.sub,
      aud: this.opts.clientId,
      exp: now + 3600,
      iat: now,
      auth_time: now,
      nonce: entry.nonce,
      at_hash: atHash(key.alg, accessToken),
      email: USER.email,
      email_verified: USER.email_verified,
      preferred_username: USER.preferred_username,
      name: USER.name,
      groups: [...USER.groups],
    };
    if (def.claims) def.claims(claims, this.context());
    mergeClaims(claims, this.scenario.claims);
    if (entry.nonce === null && claims.nonce === null) delete claims.nonce;

    if (def.sign === 'none')
      return `${jsonB64({ alg: 'none', typ: 'JWT' })}.${jsonB64(claims)}.`;
    if (def.sign === 'hs-public') {
      // The classic confusion: HMAC keyed with the published RSA key.
      const pem = createPublicKey({ key: this.keys.rsa.jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
      const input = `${jsonB64({ alg: 'HS256', typ: 'JWT', kid: this.keys.rsa.kid })}.${jsonB64(claims)}`;
      return `${input}.${b64url(createHmac('sha256', pem).update(input).digest())}`;
    }
    const header = { alg: key.alg, typ: 'JWT' };
    if (def.kid !== false) header.kid = typeof def.kid === 'string' ? def.kid : key.kid;
    const jwt = await new SignJWT(claims).setProtectedHeader(header).sign(key.privateKey);
    if (def.sign !== 'flip') return jwt;
    const [h, p, s] = jwt.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[sig.length >> 1] ^= 0x01;
    return `${h}.${p}.${b64url(sig)}`;
  }

  // Answers after 30 s, unless the client gave up first.
  slow(res) {
    const timer = setTimeout(() => sendJson(res, 400, { error: 'temporarily_unavailable' }), 30000);
    res.on('close', () => clearTimeout(timer));
  }

  // 50 MiB of 'a', streamed in 64 KiB chunks with backpressure;
  // scenario.contentLength: true announces the length up front.
  huge(res) {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const headers = { 'Content-Type': 'application/json' };
    if (this.scenario.contentLength) headers['Content-Length'] = String(total);
    res.writeHead(200, headers);
    let closed = false;
    res.hostileSent = 0;
    res.on('close', () => {
      closed = true;
      log(`token-50mib: ${res.hostileSent} of ${total} bytes written when the connection closed`);
    });
    const pump = () => {
      while (!closed && res.hostileSent < total) {
        const n = Math.min(chunk.length, total - res.hostileSent);
        res.hostileSent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  }

  userinfo(req, res) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const claims = m && this.accessTokens.get(m[1]);
    if (!claims)
      return sendJson(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    return sendJson(res, 200, claims);
  }
}

// ---- HTTP helpers ----

function httpError(status, message) {
  return Object.assign(new Error(message), { status });
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_MAX) throw httpError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req) {
  try {
    return JSON.parse(await readBody(req));
  } catch (err) {
    throw err.status ? err : httpError(400, 'body is not valid JSON');
  }
}

function sendJson(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

// ---- process ----

function watchParent(server) {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      log(`parent ${parent} is gone: shutting down`);
      server.closeAllConnections();
      process.exit(0);
    }
  }, 500).unref();
}

function installShutdown(server) {
  let stopping = false;
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main() {
  const opts = options();
  if (opts.help) {
    process.stdout.write(USAGE);
    return;
  }
  const op = new HostileOP(opts, await makeKeys());
  const server = createServer((req, res) => {
    const started = Date.now();
    const scenario = op.scenario.name;
    const path = req.url.split('?')[0];
    res.on('close', () => {
      const status = res.writableFinished ? res.statusCode : 'aborted';
      const entry = { method: req.method, path, status, ms: Date.now() - started, scenario };
      if (res.hostileSent !== undefined) entry.bodyBytesWritten = res.hostileSent;
      op.requests.push(entry);
      log(`${req.method} ${path} -> ${status} (${Date.now() - started} ms) [${scenario}]`);
    });
    op.handle(req, res).catch((err) => {
      if (!err.status) log(`error: ${err.stack || err}`);
      sendJson(res, err.status || 500, { error: err.status ? 'invalid_request' : 'server_error', error_description: err.message });
    });
  });
  // keep-alive connections must not hold up a stop
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, HOST, resolve);
  });
  op.issuer = `http://${HOST}:${server.address().port}`;
  installShutdown(server);
  if (opts.exitWithParent) watchParent(server);
  log(`issuer ${op.issuer}, client ${opts.clientId}, ${Object.keys(SCENARIOS).length} scenarios`);
  process.stdout.write(`READY ${op.issuer}\n`);
}

main().catch((err) => {
  log(`fatal: ${err.stack || err}`);
  process.exit(1);
});
