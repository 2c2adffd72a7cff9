// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Request body reading for our own routes. oidc-provider parses bodies only
// on its own routes, so ours read the raw stream themselves.

const MAX_BODY_BYTES = 64 * 1024;

export async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw httpError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readForm(req) {
  return Object.fromEntries(new URLSearchParams(await readBody(req)));
}

export async function readJson(req) {
  const text = await readBody(req);
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw httpError(400, 'body is not valid JSON');
  }
}

export function httpError(status, message) {
  return Object.assign(new Error(message), { status, expose: true });
}
