// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// A local administrator enrols TOTP on /sso/account by reading the secret
// off the page, signs out, and signs in again with password and code.
// Codes are computed here (RFC 6238, node:crypto HMAC-SHA-1) from that
// secret. Screenshots: the account page, the enrolment, the code step.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { launch, screenshot, stack, withPage } from './lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// RFC 4648 base32, as the page shows the secret.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

// The 6-digit code of the 30 s step that `time` (seconds) falls in.
function totp(secret, time = Date.now() / 1000) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(Math.floor(time / 30)));
  const h = createHmac('sha1', base32Decode(secret)).update(msg).digest();
  const o = h[h.length - 1] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

async function passwordStep(page) {
  const form = page.locator('form', { has: page.locator('input[name="password"]') });
  await form.locator('input[name="username"]').fill(stack.totpUser);
  await form.locator('input[name="password"]').fill(stack.adminPassword);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

test('local admin: enrol TOTP on /sso/account, sign out, sign in with password and code', async () => {
  await withPage(browser, 'totp', async (page) => {
    // Not signed in: the account page sends to the login page and back.
    await page.goto(`${stack.site}/sso/account`);
    assert.equal(new URL(page.url()).pathname, '/sso/login');
    await passwordStep(page);
    await page.waitForURL(`${stack.site}/sso/account`);
    assert.equal(await page.locator('#user').innerText(), stack.totpUser);
    assert.equal(await page.locator('#groups').innerText(), 'Administrators');
    await screenshot(page, 'account-page.png');

    // Enrolment: QR code and secret on the page, confirmed by a first code.
    await page.locator('#totp-setup').click();
    await page.locator('svg[aria-label="QR code"]').waitFor();
    const secret = await page.locator('#totp-secret').innerText();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await screenshot(page, 'account-totp-enrol.png');
    const enrol = page.locator('#form-totp-enrol');
    await enrol.locator('input[name="code"]').fill(totp(secret));
    await enrol.getByRole('button', { name: 'Enable' }).click();
    await page.waitForURL(`${stack.site}/sso/account?done=totp-on`);
    await page.getByText('Two-factor authentication is on.').waitFor();
    assert.match(await page.locator('#totp-state').innerText(), /^On:/);
    await screenshot(page, 'account-totp-on.png');

    // Sign out from the account page.
    await page.locator('#sign-out').click();
    await page.waitForURL((u) => u.pathname === '/sso/login');
    await page.getByText('You have been signed out.').waitFor();

    // Sign in: the password, then the code step, then the site.
    await page.goto(`${stack.site}/sso/login?return=/`);
    await passwordStep(page);
    await page.waitForURL(`${stack.site}/sso/login?step=code`);
    const code = page.locator('input[name="code"]');
    await code.waitFor();
    assert.equal(await code.getAttribute('autocomplete'), 'one-time-code');
    await screenshot(page, 'login-totp-code.png');
    // The enrolment used this step's code: the next step's is taken.
    await code.fill(totp(secret, Date.now() / 1000 + 30));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${stack.site}/`);
    await page.getByRole('heading', { name: `Hello, ${stack.totpUser}` }).waitFor();
    assert.match(await page.locator('body').innerText(), /Signed in with: local/);
  });
});
