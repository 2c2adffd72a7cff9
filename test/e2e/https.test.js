// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Browser tests over HTTPS (issue 12, items 5 and 7): the stack's site
// behind mod_ssl with an https SSOPublicURL and its own HSTS header, and
// the same with SSOCookieName __Host-sso. Chromium trusts the stack's
// server key only (lib/browser.js). Every cookie the site sets must be
// Secure, __Host- cookies Path=/ (else Chromium drops them and the login
// breaks), and the site's HSTS header must reach the browser untouched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, screenshot, stack, withPage } from './lib/browser.js';

const HSTS = 'max-age=31536000';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// Records the site's answers (origin `base` only, not the provider's): the
// Set-Cookie lines and the HSTS header of each.
function recordSite(page, base) {
  const seen = [];
  page.on('response', (r) => {
    if (!r.url().startsWith(`${base}/`)) return;
    seen.push((async () => ({
      url: r.url(),
      status: r.status(),
      cookies: await r.headerValues('set-cookie'),
      hsts: await r.headerValues('strict-transport-security'),
    }))());
  });
  return async () => Promise.all(seen);
}

// One Set-Cookie line: its name and attributes (lower-case keys).
function parseCookie(line) {
  const [pair, ...attrs] = line.split(/;\s*/);
  const name = pair.slice(0, pair.indexOf('='));
  const a = {};
  for (const attr of attrs) {
    const i = attr.indexOf('=');
    a[(i < 0 ? attr : attr.slice(0, i)).toLowerCase()] = i < 0 ? true : attr.slice(i + 1);
  }
  return { name, a };
}

async function assertSecureSite(answers, base, prefix) {
  const lines = answers.flatMap((x) => x.cookies);
  assert.ok(lines.length > 0, 'the site set cookies');
  for (const line of lines) {
    const { name, a } = parseCookie(line);
    assert.ok(a.secure, `cookie ${name} is Secure: ${line}`);
    if (prefix) {
      assert.ok(name.startsWith(prefix), `cookie ${name} keeps the ${prefix} prefix`);
      assert.equal(a.path, '/', `${prefix} cookie ${name} has Path=/`);
      assert.equal(a.domain, undefined, `${prefix} cookie ${name} has no Domain`);
    }
  }
  for (const x of answers) {
    assert.deepEqual(x.hsts, [HSTS], `HSTS untouched on ${x.status} ${new URL(x.url).pathname}`);
  }
}

// The module's cookies in the browser's jar for this origin: all Secure.
async function assertJarSecure(page, base, namePrefix) {
  const mine = (await page.context().cookies(base)).filter((c) => c.name.startsWith(namePrefix));
  assert.ok(mine.length > 0, `the browser holds ${namePrefix}* cookies`);
  for (const c of mine) assert.ok(c.secure, `${c.name} is Secure in the browser`);
  return mine;
}

async function ssoLogin(page, base, target, user) {
  const start = await page.goto(`${base}${target}`);
  assert.equal(start.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/sso/login');
  assert.equal((await start.securityDetails())?.subjectName, '127.0.0.1', 'served over TLS with the test certificate');
  await page.getByText('Login with SSO', { exact: true }).click();
  await page.waitForURL((u) => u.href.startsWith(`${stack.op}/interaction/`));
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(`${user}-pw`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}${target}`);
}

async function localLogin(page, base, target) {
  await page.goto(`${base}${target}`);
  const form = page.locator('form', { has: page.locator('input[name="password"]') });
  await form.locator('input[name="username"]').fill(stack.adminUser);
  await form.locator('input[name="password"]').fill(stack.adminPassword);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}${target}`);
}

// Logs out with the home page's button; the old session cookie, put back
// into the browser, no longer opens /admin/.
async function logout(page, base, cookieName) {
  const old = (await page.context().cookies(base)).find((c) => c.name === cookieName);
  assert.ok(old, `signed in with cookie ${cookieName}`);
  await page.goto(`${base}/`);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL((u) => u.pathname === '/sso/login');
  await page.getByText('You have been signed out.').waitFor();
  assert.equal((await page.context().cookies(base)).some((c) => c.name === cookieName), false,
    `logout removed ${cookieName} from the browser`);
  await page.context().addCookies([old]);
  await page.goto(`${base}/admin/`);
  assert.equal(new URL(page.url()).pathname, '/sso/login', 'the old session is over on the server');
  await page.context().clearCookies();
}

test('HTTPS: SSO login, every cookie Secure, HSTS untouched, logout', async () => {
  await withPage(browser, 'https-sso', async (page) => {
    const answers = recordSite(page, stack.https);
    await ssoLogin(page, stack.https, '/admin/', 'alice');
    await page.getByRole('heading', { name: 'admin area' }).waitFor();
    await screenshot(page, 'https-admin-page.png');
    await assertJarSecure(page, stack.https, 'sso_session');
    await logout(page, stack.https, 'sso_session');
    await assertSecureSite(await answers(), stack.https);
  });
});

test('HTTPS: local login, every cookie Secure, logout', async () => {
  await withPage(browser, 'https-local', async (page) => {
    const answers = recordSite(page, stack.https);
    await localLogin(page, stack.https, '/admin/');
    await page.getByRole('heading', { name: 'admin area' }).waitFor();
    await assertJarSecure(page, stack.https, 'sso_session');
    await logout(page, stack.https, 'sso_session');
    await assertSecureSite(await answers(), stack.https);
  });
});

test('SSOCookieName __Host-sso: SSO login, local login, logout', async () => {
  await withPage(browser, 'host-prefix', async (page) => {
    const answers = recordSite(page, stack.host);
    await ssoLogin(page, stack.host, '/admin/', 'alice');
    await page.getByRole('heading', { name: 'admin area' }).waitFor();
    await page.goto(`${stack.host}/`);
    await page.getByRole('heading', { name: /^Hello, alice/ }).waitFor();
    await screenshot(page, 'host-prefix-home.png');
    const jar = await assertJarSecure(page, stack.host, '__Host-sso');
    assert.ok(jar.some((c) => c.name === '__Host-sso' && c.path === '/'), 'the session cookie __Host-sso, Path=/');
    await logout(page, stack.host, '__Host-sso');

    await localLogin(page, stack.host, '/admin/');
    await page.getByRole('heading', { name: 'admin area' }).waitFor();
    await logout(page, stack.host, '__Host-sso');
    await assertSecureSite(await answers(), stack.host, '__Host-');
  });
});
