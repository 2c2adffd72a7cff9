// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Signing keys: generated with node:crypto, optionally persisted to a JWKS
// file (private parts included) so a restarted OP keeps its keys and kids.
// The first key of the ring is the signing key; the others stay published in
// the JWKS so tokens signed before a rotation still verify.

import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const KEY_PARAMS = {
  RS256: ['rsa', { modulusLength: 2048 }],
  ES256: ['ec', { namedCurve: 'P-256' }],
  EdDSA: ['ed25519', {}],
};

export const SUPPORTED_ALGS = Object.keys(KEY_PARAMS);

export function generateSigningKey(alg) {
  const [type, options] = KEY_PARAMS[alg];
  // PEM first, then a key object of its own for the JWK export: exporting
  // the generated key object itself can deadlock Node 20 for good, when a
  // garbage collection during the export destroys the key generation job,
  // which takes the lock the export holds (seen: the provider hung before
  // READY, main thread in ~KeyGenJob under ExportJWKRsaKey).
  const { privateKey: pem } = generateKeyPairSync(type, {
    ...options,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const jwk = createPrivateKey(pem).export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg, use: 'sig' };
}

export function createKeyRing({ alg, file, rotate = false }) {
  let keys = file && existsSync(file) ? readKeys(file) : [];

  const current = keys.find((key) => key.alg === alg);
  if (!current || rotate) {
    keys.unshift(generateSigningKey(alg));
  } else {
    keys = [current, ...keys.filter((key) => key !== current)];
  }
  save();

  function save() {
    if (file) writeKeys(file, keys);
  }

  return {
    // A deep copy: oidc-provider takes ownership of the objects it is given.
    jwks: () => ({ keys: keys.map((key) => ({ ...key })) }),
    signingKey: () => publicPart(keys[0]),
    signingPrivateKey: () => ({ ...keys[0] }),
    publicKeys: () => keys.map(publicPart),
    rotate({ dropOld = false } = {}) {
      const fresh = generateSigningKey(alg);
      keys = dropOld ? [fresh] : [fresh, ...keys];
      save();
      return publicPart(fresh);
    },
  };
}

function readKeys(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed?.keys)) {
    throw new Error(`${file}: expected a JWKS object {"keys": [...]}`);
  }
  return parsed.keys.map((key) => {
    if (!key.kid || !SUPPORTED_ALGS.includes(key.alg) || !key.d) {
      throw new Error(`${file}: every key needs kid, a private part and alg in ${SUPPORTED_ALGS.join('/')}`);
    }
    return key;
  });
}

// Write through a temp file so a crash never leaves a half-written key file.
function writeKeys(file, keys) {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}

const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi']);

function publicPart(key) {
  return Object.fromEntries(Object.entries(key).filter(([name]) => !PRIVATE_MEMBERS.has(name)));
}
