// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Shared by the browser tests: the stack's addresses, Debian's Chromium
// through playwright-core, a fresh context per test and screenshots.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

// The stack's env file (scripts/stack start DIR): KEY=VALUE lines written
// with printf %q, which leaves URLs and hex passwords unquoted.
function readStackEnv() {
  const file = process.env.E2E_STACK_ENV || join(top, 'test/out/e2e-stack/env');
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`no stack: ${file} is missing (run ./test/run-e2e-tests, or scripts/stack start test/out/e2e-stack)`);
  }
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/\\(.)/g, '$1');
  }
  return env;
}

const fileEnv = process.env.SITE_URL ? process.env : readStackEnv();
export const stack = {
  site: fileEnv.SITE_URL,
  off: fileEnv.OFF_URL,
  // The site over HTTPS, and with SSOCookieName __Host-sso (scripts/stack).
  https: fileEnv.HTTPS_URL,
  host: fileEnv.HOST_URL,
  // base64 SHA-256 of the stack's server key: the one certificate trusted.
  spki: fileEnv.TLS_SPKI,
  op: fileEnv.OP_URL,
  adminUser: fileEnv.ADMIN_USER,
  adminPassword: fileEnv.ADMIN_PASSWORD,
  totpUser: fileEnv.TOTP_USER,
};
for (const [k, v] of Object.entries(stack)) {
  if (!v) throw new Error(`the stack's env has no value for ${k}`);
}

export const shots = process.env.E2E_SCREENSHOTS || join(top, 'test/out/e2e');
mkdirSync(shots, { recursive: true });

// As in /work/.library/env/machines/c.md: without the background-networking
// flags Chromium keeps calling out to a network this machine does not have.
// playwright-core adds --headless, --no-sandbox (chromiumSandbox: false) and a
// fresh temporary --user-data-dir itself.
const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// The stack's HTTPS sites serve a certificate from a CA made for the run
// (scripts/make-test-ca). Chromium trusts that one server key, pinned by
// its SPKI hash; any other certificate error still fails the page.
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [...chromiumArgs, `--ignore-certificate-errors-spki-list=${stack.spki}`],
    timeout: 30_000,
  });
}

// withPage(browser, name, fn): fn(page) in a new context; on failure the
// page as it was is kept as failed-NAME.png.
export async function withPage(browser, name, fn) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  try {
    await fn(page);
  } catch (err) {
    await page.screenshot({ path: join(shots, `failed-${name}.png`) }).catch(() => {});
    err.message += `\n  page: ${page.url()}\n  screenshot: ${join(shots, `failed-${name}.png`)}`;
    throw err;
  } finally {
    await context.close();
  }
}

export function screenshot(page, file) {
  return page.screenshot({ path: join(shots, file), fullPage: true });
}
