// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Browser tests of the demo stack (scripts/stack): SSO through the test
// provider, group checks, local accounts, logout and a site with SSO off.
// Run by ./test/run-e2e-tests; screenshots land in test/out/e2e/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, stack, withPage } from './lib/browser.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const path = (url) => new URL(url).pathname;

// The provider's own form (test/op: inputs username and password, "Sign in").
async function providerLogin(page, user) {
  await page.waitForURL((u) => u.href.startsWith(`${stack.op}/interaction/`));
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(`${user}-pw`);
}

// A new visitor at `target` is sent to the module's login page.
async function openLoginPage(page, base, target) {
  const answer = await page.goto(`${base}${target}`);
  assert.equal(answer.status(), 200);
  assert.equal(path(page.url()), '/sso/login');
  assert.equal(new URL(page.url()).searchParams.get('return'), target);
}

// Clicks "Login with SSO", signs in at the provider as `user`, and returns
// the answer to the first request for `until` (a path on the site) that
// follows the provider's redirect.
async function ssoLogin(page, user, until) {
  await page.getByText('Login with SSO', { exact: true }).click();
  await providerLogin(page, user);
  const answer = page.waitForResponse((r) => r.url().startsWith(`${stack.site}${until}`)
    && r.request().isNavigationRequest());
  await page.getByRole('button', { name: 'Sign in' }).click();
  const r = await answer;
  await page.waitForLoadState();
  return r;
}

// The module's local login form (fields username and password, "Sign in").
async function localLogin(page, user, password) {
  const form = page.locator('form', { has: page.locator('input[name="password"]') });
  await form.locator('input[name="username"]').fill(user);
  await form.locator('input[name="password"]').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
}

test('alice: /admin/ -> login page -> provider -> admin page', async () => {
  await withPage(browser, 'alice', async (page) => {
    await openLoginPage(page, stack.site, '/admin/');
    await page.getByText('Login with SSO', { exact: true }).waitFor();
    await screenshot(page, 'login-page.png');

    const answer = await ssoLogin(page, 'alice', '/admin/');
    assert.equal(answer.status(), 200);
    assert.equal(page.url(), `${stack.site}/admin/`);
    await page.getByRole('heading', { name: 'admin area' }).waitFor();
    await screenshot(page, 'admin-page.png');

    // The session holds: the home page greets alice by her new local name.
    await page.goto(`${stack.site}/`);
    await page.getByRole('heading', { name: /^Hello, alice/ }).waitFor();
    assert.match(await page.locator('body').innerText(), /Signed in with: sso/);
  });
});

test('bob (DNS Administrators): refused /admin/ with 403, admitted to /dns/', async () => {
  await withPage(browser, 'bob', async (page) => {
    await openLoginPage(page, stack.site, '/admin/');
    const answer = await ssoLogin(page, 'bob', '/admin/');
    assert.equal(answer.status(), 403);
    assert.equal(page.url(), `${stack.site}/admin/`);
    await page.getByRole('heading', { name: 'Access denied' }).waitFor();
    await screenshot(page, 'access-denied.png');

    const dns = await page.goto(`${stack.site}/dns/`);
    assert.equal(dns.status(), 200);
    await page.getByRole('heading', { name: 'dns area' }).waitFor();
  });
});

test('erin (no group): "Access denied" at login', async () => {
  await withPage(browser, 'erin', async (page) => {
    await openLoginPage(page, stack.site, '/');
    const answer = await ssoLogin(page, 'erin', '/sso/callback');
    assert.equal(answer.status(), 403);
    assert.equal(path(page.url()), '/sso/callback');
    await page.getByRole('heading', { name: 'Access denied' }).waitFor();
    assert.match(await page.locator('main').innerText(), /contact your administrator/);
    await screenshot(page, 'access-denied-at-login.png');

    // Refused means no session: the site still asks to log in.
    await openLoginPage(page, stack.site, '/');
  });
});

test('local admin: login form, then "Log out", then asked to log in again', async () => {
  await withPage(browser, 'local-admin', async (page) => {
    await openLoginPage(page, stack.site, '/');
    await screenshot(page, 'login-page-local.png');
    await localLogin(page, stack.adminUser, stack.adminPassword);
    await page.waitForURL(`${stack.site}/`);
    await page.getByRole('heading', { name: `Hello, ${stack.adminUser}` }).waitFor();
    assert.match(await page.locator('body').innerText(), /Signed in with: local/);

    const admin = await page.goto(`${stack.site}/admin/`);
    assert.equal(admin.status(), 200);
    await page.getByRole('heading', { name: 'admin area' }).waitFor();

    await page.goto(`${stack.site}/`);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((u) => u.pathname === '/sso/login');
    await page.getByText('You have been signed out.').waitFor();
    await screenshot(page, 'logged-out.png');

    // What the browser shows, HTTP cache included: a protected page must not
    // come back from the cache once the session is gone.
    const server = await page.request.get(`${stack.site}/admin/`, { maxRedirects: 0 });
    assert.equal(server.status(), 302, 'the server still admits the logged-out session');
    const again = await page.goto(`${stack.site}/admin/`);
    assert.equal(path(page.url()), '/sso/login',
      `after logout the browser showed /admin/ (HTTP ${again.status()}) from its cache, though `
      + `the server answers 302: the protected response had Cache-Control `
      + `"${again.headers()['cache-control'] ?? '(none)'}", so Chromium reused it without asking`);
    await page.getByText('Login with SSO', { exact: true }).waitFor();
  });
});

test('local admin: a wrong password is refused', async () => {
  await withPage(browser, 'local-wrong-password', async (page) => {
    await openLoginPage(page, stack.site, '/admin/');
    await localLogin(page, stack.adminUser, `${stack.adminPassword}-wrong`);
    await page.waitForURL((u) => u.pathname === '/sso/login' && u.search.includes('error'));
    await page.getByText('The username or password is incorrect.').waitFor();
    await openLoginPage(page, stack.site, '/admin/');
  });
});

test('SSOEnable Off: no "Login with SSO", local login still works', async () => {
  await withPage(browser, 'sso-off', async (page) => {
    await openLoginPage(page, stack.off, '/admin/');
    await page.locator('input[name="password"]').waitFor();
    assert.equal(await page.getByText('Login with SSO').count(), 0);
    await screenshot(page, 'sso-off-login-page.png');

    const start = await page.request.get(`${stack.off}/sso/start?return=%2F`, { maxRedirects: 0 });
    assert.equal(start.status(), 404);

    await localLogin(page, stack.adminUser, stack.adminPassword);
    await page.waitForURL(`${stack.off}/admin/`);
    await page.getByRole('heading', { name: 'admin area' }).waitFor();
  });
});

// Issue 19: two tabs of one browser at the login form of the provider at
// once (restored tabs, a double click). Each pending login has its own
// cookie, so both tabs land on their own pages, whichever finishes first.
for (const first of ['/admin/', '/dns/']) {
  test(`two tabs sign in at once, ${first} finishing first: both land on their own pages`, async () => {
    await withPage(browser, `two-tabs-${first.replace(/\//g, '')}`, async (page) => {
      const tabs = { '/admin/': page, '/dns/': await page.context().newPage() };
      for (const [target, tab] of Object.entries(tabs)) {
        await openLoginPage(tab, stack.site, target);
        await tab.getByText('Login with SSO', { exact: true }).click();
        await providerLogin(tab, 'alice');
      }
      const order = first === '/admin/' ? ['/admin/', '/dns/'] : ['/dns/', '/admin/'];
      for (const target of order) {
        const tab = tabs[target];
        const answer = tab.waitForResponse((r) => r.url().startsWith(`${stack.site}${target}`)
          && r.request().isNavigationRequest());
        await tab.getByRole('button', { name: 'Sign in' }).click();
        assert.equal((await answer).status(), 200, `${target}: HTTP status of the page`);
        await tab.waitForLoadState();
        assert.equal(tab.url(), `${stack.site}${target}`);
        await tab.getByRole('heading', { name: `${target.replace(/\//g, '')} area` }).waitFor();
      }
      await screenshot(tabs[order[0]], `two-tabs-${first.replace(/\//g, '')}-first.png`);
      // No pending-login cookie is left behind.
      const left = (await page.context().cookies(stack.site)).filter((c) => /_login_/.test(c.name));
      assert.deepEqual(left.map((c) => c.name), []);
    });
  });
}
