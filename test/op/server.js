#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Test OpenID Provider standing in for Pocket ID. See README.md.
//
// stdout carries exactly one line, "READY http://127.0.0.1:PORT", once the
// OP answers requests; everything else (request log, notices) goes to stderr.

import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import { createKeyRing } from './lib/keys.js';
import { createMemoryAdapterFactory } from './lib/memory_adapter.js';
import { USAGE, UsageError, parseOptions } from './lib/options.js';
import { createProvider } from './lib/provider.js';
import { createUserStore } from './lib/users.js';

// oidc-provider prints notices with console.info (looked up at call time);
// keep stdout for the READY line only.
console.info = console.error;
console.log = console.error;

const HOST = '127.0.0.1';

function log(message) {
  process.stderr.write(`[test-op] ${message}\n`);
}

function loadOptions() {
  try {
    return parseOptions();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
}

async function main() {
  const options = loadOptions();
  if (options.help) {
    process.stdout.write(USAGE);
    return;
  }

  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, resolve);
  });
  // The issuer embeds the port, so the provider is built once it is known.
  const issuer = `http://${HOST}:${server.address().port}`;

  const keys = createKeyRing({ alg: options.alg, file: options.keysFile, rotate: options.rotateKey });
  const deps = {
    issuer,
    options,
    keys,
    users: createUserStore(),
    Adapter: createMemoryAdapterFactory(),
    cookieKeys: [randomBytes(32).toString('base64url')],
    log,
    rotateKey,
  };

  // Rotation swaps in a new Provider built with the new key ring; the shared
  // adapter keeps sessions and tokens, the cookie keys keep cookies valid.
  let handle = createProvider(deps).callback();
  function rotateKey(rotateOptions) {
    const key = keys.rotate(rotateOptions);
    handle = createProvider(deps).callback();
    return key;
  }

  server.on('request', (req, res) => {
    logRequest(req, res);
    handle(req, res);
  });
  installShutdown(server);
  if (options.exitWithParent) watchParent(server);

  log(`issuer ${issuer}, alg ${options.alg}, signing kid ${keys.signingKey().kid}, clients ${options.clients.map((c) => c.clientId).join(', ')}`);
  process.stdout.write(`READY ${issuer}\n`);
}

function logRequest(req, res) {
  const started = Date.now();
  res.on('finish', () => {
    const path = req.url.split('?')[0];
    log(`${req.method} ${path} -> ${res.statusCode} (${Date.now() - started} ms)`);
  });
}

function installShutdown(server) {
  let stopping = false;
  const stop = (signal) => {
    // A repeated signal must not fall back to the default (kill) action.
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
    // Never hang a test harness on a stuck connection.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// A harness killed with SIGKILL cannot stop its children; with
// --exit-with-parent the OP notices it was orphaned and leaves on its own.
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

main().catch((err) => {
  log(`fatal: ${err.stack || err}`);
  process.exit(1);
});
