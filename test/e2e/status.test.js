// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// server-status in the browser: an administrator signs in with SSO and
// sees the mod_auth_sso section (docs/operating.md, whose picture this
// takes: docs/img/server-status.png).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, stack, withPage } from './lib/browser.js';

const docsImg = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'docs/img');

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('alice (Administrators) signs in and sees the mod_auth_sso section of server-status', async () => {
  await withPage(browser, 'server-status', async (page) => {
    await page.goto(`${stack.site}/server-status`);
    await page.getByText('Login with SSO', { exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(`${stack.op}/interaction/`));
    await page.locator('input[name="username"]').fill('alice');
    await page.locator('input[name="password"]').fill('alice-pw');
    const answer = page.waitForResponse((r) => r.url().startsWith(`${stack.site}/server-status`)
      && r.request().isNavigationRequest());
    await page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal((await answer).status(), 200);
    await page.waitForLoadState();

    const section = page.locator('#mod_auth_sso');
    await section.getByRole('heading', { name: 'mod_auth_sso' }).waitFor();
    const text = await section.innerText();
    assert.match(text, /SSO logins\s+[1-9]/);
    assert.match(text, /sessions in the cache\s+[1-9]/);
    assert.match(text, new RegExp(`issuer\\s+${stack.op.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    mkdirSync(docsImg, { recursive: true });
    await section.screenshot({ path: join(docsImg, 'server-status.png') });
  });
});
