// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Settings from, lowest to highest precedence: defaults, --config FILE.json,
// OP_* environment variables, command-line options.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { SUPPORTED_ALGS } from './keys.js';

const SPEC = {
  port: { type: 'string' },
  alg: { type: 'string' },
  keys: { type: 'string' },
  'rotate-key': { type: 'boolean' },
  'groups-in-userinfo-only': { type: 'boolean' },
  'token-auth': { type: 'string' },
  'require-pkce': { type: 'boolean' },
  'no-iss-param': { type: 'boolean' },
  'discovery-no-cache': { type: 'boolean' },
  'no-refresh-token': { type: 'boolean' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'post-logout-redirect-uri': { type: 'string', multiple: true },
  'backchannel-logout-uri': { type: 'string' },
  config: { type: 'string' },
  'exit-with-parent': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

const DEFAULTS = {
  port: '0',
  alg: 'RS256',
  tokenAuth: 'both',
  clientId: 'mod_auth_sso',
  clientSecret: 'mod_auth_sso-secret',
  redirectUri: [],
  postLogoutRedirectUri: [],
};

// Plural spellings accepted in the JSON config file.
const FILE_ALIASES = { redirectUris: 'redirectUri', postLogoutRedirectUris: 'postLogoutRedirectUri' };

export const USAGE = `Usage: node test/op/server.js [options]

  --port N                        listen on 127.0.0.1:N (0 = any free port; default 0)
  --alg RS256|ES256|EdDSA         ID token signing algorithm (default RS256)
  --keys FILE                     load/persist the private JWKS here (created if missing)
  --rotate-key                    add a fresh signing key (new kid) at startup
  --groups-in-userinfo-only       scope claims (groups, email, ...) only from userinfo
  --token-auth both|basic|post    token endpoint client auth methods (default both)
  --require-pkce                  require PKCE S256 (default: optional)
  --no-iss-param                  omit RFC 9207 iss from authorization responses
  --discovery-no-cache            send discovery and JWKS with Cache-Control: no-cache
  --no-refresh-token              clients may not use the refresh_token grant: no refresh tokens
  --client-id ID                  client id (default mod_auth_sso)
  --client-secret SECRET          client secret (default mod_auth_sso-secret)
  --redirect-uri URI              redirect URI (repeatable; required unless --config has clients)
  --post-logout-redirect-uri URI  post-logout redirect URI (repeatable)
  --backchannel-logout-uri URI    back-channel logout URI of the client (sid required)
  --config FILE.json              same settings as JSON; may hold "clients": [...]
  --exit-with-parent              exit when the process that started the OP dies
  -h, --help                      show this help

Environment: OP_<OPTION> (e.g. OP_PORT, OP_CLIENT_SECRET, OP_REDIRECT_URI="uri1 uri2",
OP_NO_ISS_PARAM=1). Precedence: options > environment > config file > defaults.
`;

export class UsageError extends Error {}

export function parseOptions(argv = process.argv.slice(2), env = process.env) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: SPEC, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err.message);
  }
  if (parsed.help) return { help: true };

  const cli = camelKeys(parsed);
  const fromEnv = envSettings(env);
  const configFile = cli.config ?? fromEnv.config;
  const fromFile = configFile ? fileSettings(configFile) : {};
  const settings = { ...DEFAULTS, ...fromFile, ...fromEnv, ...cli };
  return validate(settings, fromFile.clients ?? []);
}

function envSettings(env) {
  const settings = {};
  for (const [name, spec] of Object.entries(SPEC)) {
    const value = env[`OP_${name.toUpperCase().replaceAll('-', '_')}`];
    if (value === undefined || value === '') continue;
    settings[camel(name)] = parseEnvValue(value, spec);
  }
  return settings;
}

function parseEnvValue(value, spec) {
  if (spec.type === 'boolean') return /^(1|true|yes|on)$/i.test(value);
  if (spec.multiple) return value.split(/[\s,]+/).filter(Boolean);
  return value;
}

function fileSettings(file) {
  let raw;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--config ${file}: ${err.message}`);
  }
  const settings = camelKeys(raw);
  if (settings.clients !== undefined && !Array.isArray(settings.clients)) {
    throw new UsageError(`--config ${file}: "clients" must be an array`);
  }
  settings.clients = settings.clients?.map(camelKeys);
  for (const key of ['redirectUri', 'postLogoutRedirectUri']) {
    if (settings[key] !== undefined) settings[key] = [settings[key]].flat();
  }
  if (settings.port !== undefined) settings.port = String(settings.port);
  return settings;
}

function validate(settings, fileClients) {
  const port = Number(settings.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`invalid --port ${settings.port}`);
  if (!SUPPORTED_ALGS.includes(settings.alg)) throw new UsageError(`--alg must be one of ${SUPPORTED_ALGS.join(', ')}`);
  if (!['both', 'basic', 'post'].includes(settings.tokenAuth)) throw new UsageError('--token-auth must be both, basic or post');

  return {
    port,
    alg: settings.alg,
    keysFile: settings.keys,
    rotateKey: Boolean(settings.rotateKey),
    groupsInUserinfoOnly: Boolean(settings.groupsInUserinfoOnly),
    tokenAuth: settings.tokenAuth,
    requirePkce: Boolean(settings.requirePkce),
    issParam: !settings.noIssParam && settings.issParam !== false,
    discoveryNoCache: Boolean(settings.discoveryNoCache),
    refreshTokens: !settings.noRefreshToken,
    exitWithParent: Boolean(settings.exitWithParent),
    clients: collectClients(settings, fileClients),
  };
}

function collectClients(settings, fileClients) {
  const clients = [];
  if (settings.redirectUri.length || !fileClients.length) {
    clients.push(checkClient({
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      redirectUris: settings.redirectUri,
      postLogoutRedirectUris: settings.postLogoutRedirectUri,
      backchannelLogoutUri: settings.backchannelLogoutUri,
    }));
  }
  for (const client of fileClients) {
    if (clients.some((known) => known.clientId === client.clientId)) {
      throw new UsageError(`client ${client.clientId} is defined twice`);
    }
    clients.push(checkClient({
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      redirectUris: [client.redirectUris ?? client.redirectUri ?? []].flat(),
      postLogoutRedirectUris: [client.postLogoutRedirectUris ?? client.postLogoutRedirectUri ?? []].flat(),
      backchannelLogoutUri: client.backchannelLogoutUri,
    }));
  }
  return clients;
}

function checkClient(client) {
  if (!client.clientId || !client.clientSecret) throw new UsageError('every client needs a client id and a client secret');
  if (!client.redirectUris.length) throw new UsageError(`client ${client.clientId}: at least one --redirect-uri is required`);
  return client;
}

function camel(name) {
  return name.replace(/[-_]([a-z])/g, (_, ch) => ch.toUpperCase());
}

function camelKeys(object) {
  const out = {};
  for (const [key, value] of Object.entries(object ?? {})) {
    const name = camel(key);
    out[FILE_ALIASES[name] ?? name] = value;
  }
  return out;
}
