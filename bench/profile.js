#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// Instructions per request and per login, counted by callgrind (bench/README.md,
// "Profile"): one `httpd -X` of bench/httpd.conf under
// `valgrind --tool=callgrind --toggle-collect=ap_process_async_request`, so
// only request processing counts, not start-up or connection handling.
// Each phase ends with a request that makes callgrind dump its counters, so
// each phase's figure is its own. Instruction counts do not depend on the
// machine's load: run it before and after a change. About 90 s.
//
//   node bench/profile.js --module .libs/mod_auth_sso.so [--requests N] [--logins N]
//
// Prints one line per phase and keeps the dumps (callgrind_annotate them)
// in the work directory it names.
'use strict';

const { spawn, spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { loginOnce, loginMany, request } = require('./login.js');
const { freePort, waitPort, which } = require('./net.js');

const top = path.resolve(__dirname, '..');
const opt = { module: path.join(top, '.libs/mod_auth_sso.so'), requests: 500, logins: 20 };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in opt)) { console.error(`unknown option ${process.argv[i]}`); process.exit(2); }
  opt[key] = key === 'module' ? path.resolve(process.argv[i + 1]) : Number(process.argv[i + 1]);
}

const children = [];
process.on('exit', () => children.forEach((c) => { try { c.kill('SIGTERM'); } catch { /* gone */ } }));

async function startProvider(dir, port, secret) {
  fs.writeFileSync(path.join(dir, 'op.json'), JSON.stringify({ clients: [
    { client_id: 'bench-sso', client_secret: secret,
      redirect_uris: [`http://127.0.0.1:${port}/auth/callback`] }] }));
  const op = spawn('node', [path.join(top, 'test/op/server.js'), '--port', '0', '--config',
    path.join(dir, 'op.json'), '--exit-with-parent'],
  { stdio: ['ignore', 'pipe', fs.openSync(path.join(dir, 'op.log'), 'w')] });
  children.push(op);
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    op.stdout.on('data', (d) => { buf += d; const m = /READY (\S+)/.exec(buf); if (m) resolve(m[1]); });
    op.on('exit', () => reject(new Error(`the provider exited: ${dir}/op.log`)));
  });
  await request(`${url}/_test/users/alice/groups`, 'PUT', { 'content-type': 'application/json' },
    JSON.stringify(['technitium_admins', 'technitium_dns_admins', 'technitium_dhcp_admins']));
  return url;
}

function startHttpd(dir, port, opUrl, secret) {
  const root = process.getuid() === 0;
  const user = root ? 'www-data' : os.userInfo().username;
  const group = root ? 'www-data' : spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  const apxs = which('apxs') || which('apxs2');
  const env = { ...process.env, BENCH_DIR: dir, BENCH_USER: user, BENCH_GROUP: group,
    BENCH_PORT: String(port), BENCH_MODULE: opt.module, BENCH_OP_URL: opUrl,
    BENCH_MODDIR: spawnSync(apxs, ['-q', 'LIBEXECDIR'], { encoding: 'utf8' }).stdout.trim(),
    BENCH_SSO_SECRET: secret, BENCH_SHMCB_BYTES: String(8 * 1024 * 1024),
    BENCH_LOGLEVEL: 'core:warn', BENCH_MUTEX: 'default' };
  const httpd = which('apache2') || which('httpd');
  if (root) spawnSync('chown', ['-R', `${user}:${group}`, dir]);
  const vg = ['valgrind', '--tool=callgrind', '--toggle-collect=ap_process_async_request',
    '--dump-before=ap_send_error_response',
    `--callgrind-out-file=${dir}/cg/callgrind.out`, httpd, '-X', '-f', path.join(__dirname, 'httpd.conf')];
  const cmd = root ? ['runuser', '-u', user, '--', ...vg] : vg;
  const h = spawn(cmd[0], cmd.slice(1), { env, stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, 'valgrind.log'), 'w')] });
  children.push(h);
  return h;
}

// Phases are cut by a request for a missing page: callgrind dumps its
// counters whenever an error response starts (--dump-before, below), so the
// dumps since the previous cut add up to the phase. Redirects during logins
// dump too, and are added up the same way. The cut's own request after the
// dump point lands in the next phase: a few thousand instructions, the same
// for every phase.
let counted = 0;
async function phaseInstructions(port, dir) {
  const before = fs.readdirSync(path.join(dir, 'cg')).length;
  await new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/profile-phase-end' }, (res) => {
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
  const files = fs.readdirSync(path.join(dir, 'cg'))
    .map((f) => ({ f, n: Number((/\.(\d+)$/.exec(f) || [])[1]) }))
    .filter((x) => x.n > counted).sort((a, b) => a.n - b.n);
  if (files.length === 0 || fs.readdirSync(path.join(dir, 'cg')).length <= before) throw new Error(`no callgrind dump in ${dir}/cg`);
  let ir = 0;
  for (const { f } of files) {
    const m = /^(?:summary|totals): (\d+)/m.exec(fs.readFileSync(path.join(dir, 'cg', f), 'utf8'));
    ir += m ? Number(m[1]) : 0;
  }
  counted = files[files.length - 1].n;
  return { ir, file: path.join(dir, 'cg', files[files.length - 1].f) };
}

// GETs path count times, on one keep-alive connection or a new one each.
async function hit(port, p, cookie, count, keepAlive) {
  const agent = new http.Agent({ keepAlive, maxSockets: 1 });
  for (let i = 0; i < count; i++) {
    const status = await new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: p, agent, headers: { cookie } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', reject);
    });
    if (status !== 200) throw new Error(`GET ${p}: HTTP ${status}`);
  }
  agent.destroy();
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mod_auth_sso-profile.'));
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'cg'), { mode: 0o777 });
  fs.chmodSync(path.join(dir, 'cg'), 0o777);
  for (const loc of ['public', 'sso']) {
    fs.mkdirSync(path.join(dir, 'site', loc), { recursive: true });
    fs.writeFileSync(path.join(dir, 'site', loc, 'file.html'), 'x'.repeat(1000));
  }
  const port = await freePort();
  const secret = `sso-${crypto.randomBytes(8).toString('hex')}`;
  const opUrl = await startProvider(dir, port, secret);
  const h = startHttpd(dir, port, opUrl, secret);
  if (!(await waitPort(port, 60000))) throw new Error(`httpd did not start: ${dir}`);
  const login = { start: `http://127.0.0.1:${port}/auth/start?return=/sso/file.html`,
    cookie: 'sso_session', user: 'alice' };
  const cookie = await loginOnce(login);
  const header = `sso_session=${cookie}`;
  await hit(port, '/public/file.html', header, 20, true);
  await hit(port, '/sso/file.html', header, 20, true);
  await phaseInstructions(port, dir);

  const n = opt.requests;
  const rows = [];
  const phase = async (label, count, fn) => {
    await fn();
    const { ir, file } = await phaseInstructions(port, dir);
    rows.push({ label, count, per: ir / count, file });
  };
  await phase('/public, keep-alive', n, () => hit(port, '/public/file.html', header, n, true));
  await phase('/sso, keep-alive (memo)', n, () => hit(port, '/sso/file.html', header, n, true));
  await phase('/public, new connection each', n, () => hit(port, '/public/file.html', header, n, false));
  await phase('/sso, new connection each', n, () => hit(port, '/sso/file.html', header, n, false));
  await phase('full login (3 requests)', opt.logins, async () => {
    const r = await loginMany(login, opt.logins, 1);
    if (r.failed) throw new Error(`${r.failed} logins failed: ${r.error}`);
  });
  h.kill('SIGTERM');

  console.log(`instructions in ap_process_async_request (callgrind), module ${opt.module}`);
  for (const r of rows) console.log(`${r.label.padEnd(32)} ${String(Math.round(r.per)).padStart(10)} per ${r.label.startsWith('full') ? 'login' : 'request'} (${r.count})`);
  const per = (label) => rows.find((r) => r.label === label).per;
  console.log(`sso - public, keep-alive          ${Math.round(per('/sso, keep-alive (memo)') - per('/public, keep-alive'))}`);
  console.log(`sso - public, new connection each ${Math.round(per('/sso, new connection each') - per('/public, new connection each'))}`);
  console.log(`dumps in ${dir}/cg (callgrind_annotate FILE)`);
}

main().then(() => process.exit(0), (e) => { console.error(`bench/profile: ${e.stack}`); process.exit(1); });
