#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Scripted browser for bench/run: signs a user in through the test
// provider's HTML login form and prints the session cookie.
//
//   node bench/login.js --start URL --cookie NAME --user alice
//       one login; prints {"cookie":"<value>","ms":N}
//   node bench/login.js --start URL --cookie NAME --user alice --count N
//       [--concurrency C] [--keep-op-session]
//       N logins; prints {"logins":N,"failed":F,"seconds":S,"per_second":R,
//       "cookie":"<value of the last one>"}
//
// Each login starts with a fresh cookie jar (a new browser) and follows
// redirects by hand: START -> provider /authorize -> login form (POST
// username, <user>-pw) -> back to the site's callback -> the page. With
// --keep-op-session every login after the first reuses the provider's own
// session cookie, so the provider skips its form (a returning user); the
// site still runs its whole callback: code exchange, ID token check,
// session store.
'use strict';

const http = require('http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

// fetch() would do, but it always sends Sec-Fetch-Mode: cors, and
// mod_auth_openidc answers 401 instead of a redirect to requests that look
// like XHR. This sends what a browser navigating sends.
function request(url, method, headers, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({
        status: res.statusCode,
        location: res.headers.location,
        setCookies: res.headers['set-cookie'] || [],
        text: Buffer.concat(chunks).toString('utf8'),
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

class Jar {
  constructor(from) { this.c = new Map(from ? from.c : []); }
  update(res) {
    for (const line of res.setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((x) => {
        const [k, v = ''] = x.trim().split('=');
        const key = k.toLowerCase();
        return (key === 'max-age' && Number(v) <= 0)
          || (key === 'expires' && Date.parse(v) < Date.now());
      });
      if (gone || value === '') this.c.delete(name); else this.c.set(name, value);
    }
  }
  header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join('; '); }
}

// One login. o: {start, cookie, user, opSession} where opSession is null
// or an object that keeps the provider's session cookies between calls.
async function loginOnce(o) {
  const siteOrigin = new URL(o.start).origin;
  const jar = new Jar(o.opSession && o.opSession.jar);
  let url = o.start;
  let method = 'GET';
  let body;
  let posted = false;
  for (let hop = 0; hop < 25; hop++) {
    const headers = {
      cookie: jar.header(), accept: 'text/html',
      'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document',
    };
    if (body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(url, method, headers, body);
    jar.update(res);
    const text = res.text;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.location, url).href;
      method = 'GET';
      body = undefined;
      continue;
    }
    const form = /<form method="post" action="([^"]*\/login)"/.exec(text);
    if (res.status === 200 && form && !url.startsWith(siteOrigin) && !posted) {
      url = new URL(form[1], url).href;
      method = 'POST';
      body = `username=${encodeURIComponent(o.user)}&password=${encodeURIComponent(o.user + '-pw')}`;
      posted = true;
      continue;
    }
    if (res.status === 200 && url.startsWith(siteOrigin) && jar.c.has(o.cookie)) {
      if (o.opSession && !o.opSession.jar) {
        o.opSession.jar = new Jar();
        for (const [k, v] of jar.c) if (k.startsWith('_session')) o.opSession.jar.c.set(k, v);
      }
      return jar.c.get(o.cookie);
    }
    throw new Error(`login failed: HTTP ${res.status} at ${url}: ${text.slice(0, 300).replace(/\s+/g, ' ')}`);
  }
  throw new Error('login failed: too many redirects');
}

// count logins, concurrency at a time. o as for loginOnce, plus
// keepOpSession: the first login alone, then the others reuse its provider
// session (the provider skips its form).
async function loginMany(o, count, concurrency) {
  const one = { ...o, opSession: o.keepOpSession ? {} : null };
  let next = 0;
  let failed = 0;
  let last = null;
  let error = null;
  if (o.keepOpSession) { last = await loginOnce(one); next = 1; }
  const done0 = next;
  const t0 = process.hrtime.bigint();
  async function worker() {
    while (next < count) {
      next++;
      try { last = await loginOnce(one); } catch (e) { failed++; error ||= e.message; }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    logins: count, failed, seconds: Number(seconds.toFixed(3)),
    per_second: Number(((count - done0 - failed) / seconds).toFixed(1)),
    cookie: last, error,
  };
}

module.exports = { loginOnce, loginMany, request };

function usage() {
  process.stderr.write('usage: login.js --start URL --cookie NAME --user USER '
    + '[--count N] [--concurrency C] [--keep-op-session]\n');
  process.exit(2);
}

async function main() {
  const args = { concurrency: '1', count: '0' };
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    if (!a.startsWith('--')) usage();
    const name = a.slice(2);
    if (name === 'keep-op-session') { args[name] = true; continue; }
    if (i + 1 >= process.argv.length) usage();
    args[name] = process.argv[++i];
  }
  if (!args.start || !args.cookie || !args.user) usage();
  const o = { start: args.start, cookie: args.cookie, user: args.user,
    keepOpSession: !!args['keep-op-session'] };
  const count = Number(args.count);
  if (!count) {
    const t0 = process.hrtime.bigint();
    const cookie = await loginOnce(o);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    process.stdout.write(JSON.stringify({ cookie, ms: Math.round(ms) }) + '\n');
    return;
  }
  const r = await loginMany(o, count, Number(args.concurrency));
  process.stdout.write(JSON.stringify(r) + '\n');
  if (r.failed) process.exitCode = 1;
}

if (require.main === module)
  main().catch((e) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
