#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
// The benchmark behind bench/run (see bench/README.md). Starts the test
// provider and one httpd (bench/httpd.conf), signs users in, runs wrk
// against /public, /sso and /oidc in alternation, measures logins and
// memory, prints the table and the targets. Exit status 1 when a target
// (or, with --smoke, a check) fails.
'use strict';

const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');
const { loginOnce, loginMany, request } = require('./login.js');
const { sleep, freePort, waitPort, which } = require('./net.js');

const top = path.resolve(__dirname, '..');

// ---------------------------------------------------------------- options

const opt = {
  mode: 'full',          // full | smoke | soak
  module: null,          // mod_auth_sso.so to load
  dir: null,             // work directory (created, removed on success)
  rounds: 5,
  duration: 3,           // seconds per wrk run
  sessions: 100000,      // seeded mod_auth_sso sessions
  oidcSessions: 10000,   // mod_auth_openidc sessions, by real logins
  logins: 200,           // full-flow logins measured per module
  soakSeconds: 300,
  shmcbBytes: 56 * 1024 * 1024, // bench/README.md: capacity
  mutex: 'default',      // Mutex for auth-sso-cache (bench/README.md: profile)
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const v = () => process.argv[++i];
  if (a === '--smoke') opt.mode = 'smoke';
  else if (a === '--soak') opt.mode = 'soak';
  else if (a === '--module') opt.module = v();
  else if (a === '--dir') opt.dir = v();
  else if (a === '--rounds') opt.rounds = Number(v());
  else if (a === '--duration') opt.duration = Number(v());
  else if (a === '--sessions') opt.sessions = Number(v());
  else if (a === '--oidc-sessions') opt.oidcSessions = Number(v());
  else if (a === '--logins') opt.logins = Number(v());
  else if (a === '--soak-seconds') opt.soakSeconds = Number(v());
  else if (a === '--mutex') opt.mutex = v();
  else if (a === '--only-shared') opt.onlyShared = true;
  else { process.stderr.write(`bench: unknown option ${a}\n`); process.exit(2); }
}
if (!opt.module || !opt.dir) {
  process.stderr.write('bench: --module and --dir are required (use bench/run)\n');
  process.exit(2);
}
const smoke = opt.mode === 'smoke';

// ---------------------------------------------------------------- helpers

const log = (s) => process.stderr.write(`bench: ${s}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n ? (n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2) : NaN;
};
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');

// ------------------------------------------------- httpd's CPU and memory

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    return { ppid: Number(f[1]), utime: Number(f[11]), stime: Number(f[12]),
      cutime: Number(f[13]), cstime: Number(f[14]) };
  } catch { return null; }
}

function childrenOf(ppid) {
  const out = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(e);
    if (st && st.ppid === ppid) out.push(Number(e));
  }
  return out;
}

// Nanoseconds on the CPU of every thread of a live process (schedstat:
// precise, where /proc/PID/stat counts 10 ms ticks).
function taskNs(pid) {
  let ns = 0;
  try {
    for (const t of fs.readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(fs.readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]); } catch { /* gone */ }
    }
  } catch { /* gone */ }
  return ns;
}

// Seconds of CPU (user + system) used by httpd so far: the parent and its
// live children (every thread), plus the children it already reaped
// (the parent's cutime + cstime from /proc/PID/stat).
function httpdCpu(ppid) {
  const p = procStat(ppid);
  if (!p) return NaN;
  let s = (p.cutime + p.cstime) / CLK_TCK + taskNs(ppid) / 1e9;
  for (const c of childrenOf(ppid)) s += taskNs(c) / 1e9;
  return s;
}

// Anonymous resident memory (KiB) of httpd: the heap and stacks, not the
// shared memory caches or mapped files, whose pages only show what was
// touched.
function httpdAnonKiB(ppid) {
  let kib = 0;
  for (const pid of [ppid, ...childrenOf(ppid)]) {
    try {
      const m = /RssAnon:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch { /* exited */ }
  }
  return kib;
}

// The whole machine's idle and total CPU time so far (/proc/stat), to
// tell a CPU-bound run from one where threads wait on a lock.
function machineIdle() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}

// ---------------------------------------------------------------- wrk

// header: another request header (an API token's Authorization).
function wrk(url, cookie, seconds, header) {
  return new Promise((resolve) => {
    const args = ['-t2', '-c32', `-d${seconds}s`, '-H', `Cookie: ${cookie || 'none=1'}`,
      ...(header ? ['-H', header] : []), url];
    const p = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { out += d; });
    p.on('close', () => {
      const num = (re) => { const m = re.exec(out); return m ? Number(m[1]) : NaN; };
      const read = /requests in [\d.]+\w+, ([\d.]+)([KMGT]?B) read/.exec(out);
      const unit = read ? 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(read[2]) : NaN;
      const requests = num(/(\d+) requests in/);
      resolve({
        rps: num(/Requests\/sec:\s+([\d.]+)/),
        requests,
        // wrk counts only statuses >= 400 and socket errors; a redirect to
        // the login page shows as a smaller average response (checked).
        bad: (num(/Non-2xx or 3xx responses:\s+(\d+)/) || 0)
          + (/Socket errors/.test(out) ? num(/timeout (\d+)/) || 0 : 0),
        bytesPerReq: read ? Number(read[1]) * unit / requests : NaN,
        raw: out,
      });
    });
  });
}

// ---------------------------------------------------------------- setup

const S = {
  dir: path.resolve(opt.dir),
  op: null, opUrl: null, port: null, refreshPort: null, httpdPid: null,
  oidc: false, httpd: null, apxs: null, env: null, user: null, group: null,
  // Phase 6: servers A and B share one Redis, M uses memcached.
  shared: { ports: {}, pids: {}, redis: null, memcached: null, redisPort: 0, memcachedPort: 0 },
};

// Stops httpd (and waits up to 10 s for it to go) and the provider.
function stopPid(pid) {
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) Atomics.wait(nap, 0, 0, 100);
}

function sharedCleanup() {
  const sh = S.shared;
  for (const name of Object.keys(sh.pids)) { stopPid(sh.pids[name]); delete sh.pids[name]; }
  for (const k of ['redis', 'memcached']) {
    if (sh[k]) { try { sh[k].kill('SIGTERM'); } catch { /* gone */ } sh[k] = null; }
  }
}

function cleanup() {
  sharedCleanup();
  if (S.httpdPid) {
    const pid = S.httpdPid;
    S.httpdPid = null;
    try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    const nap = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 100 && fs.existsSync(`/proc/${pid}`); i++) Atomics.wait(nap, 0, 0, 100);
  }
  if (S.op) { try { S.op.kill('SIGTERM'); } catch { /* gone */ } S.op = null; }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { cleanup(); process.exit(130); });

function pageHtml() {
  // A 1 KiB static page, the same bytes at every location.
  const body = 'x'.repeat(64).replace(/x/g, 'bench ').slice(0, 64);
  let s = '<!DOCTYPE html><html><head><title>bench</title></head><body><pre>\n';
  while (s.length < 1000) s += `${body}\n`;
  return `${s}</pre></body></html>\n`;
}

async function setup() {
  fs.mkdirSync(S.dir, { recursive: true });
  for (const loc of ['public', 'sso', 'oidc']) {
    fs.mkdirSync(path.join(S.dir, 'site', loc), { recursive: true });
    fs.writeFileSync(path.join(S.dir, 'site', loc, 'file.html'), pageHtml());
  }
  S.httpd = process.env.HTTPD || which('apache2') || which('httpd');
  S.apxs = process.env.APXS || which('apxs') || which('apxs2');
  if (!S.httpd || !S.apxs) throw new Error('no httpd or apxs: run scripts/deps');
  const moddir = spawnSync(S.apxs, ['-q', 'LIBEXECDIR'], { encoding: 'utf8' }).stdout.trim();
  const oidcModule = path.join(moddir, 'mod_auth_openidc.so');
  S.oidc = fs.existsSync(oidcModule) && process.env.BENCH_NO_OIDC !== '1';
  S.port = await freePort();
  S.refreshPort = await freePort();
  for (const name of ['A', 'B', 'M']) S.shared.ports[name] = await freePort();
  const rand = () => require('crypto').randomBytes(12).toString('hex');
  const ssoSecret = `sso-${rand()}`;
  const oidcSecret = `oidc-${rand()}`;

  // One provider, two confidential clients.
  const opConf = path.join(S.dir, 'op.json');
  fs.writeFileSync(opConf, JSON.stringify({ clients: [
    { client_id: 'bench-sso', client_secret: ssoSecret,
      redirect_uris: [S.port, S.refreshPort, ...Object.values(S.shared.ports)].map((p) => `http://127.0.0.1:${p}/auth/callback`) },
    { client_id: 'bench-oidc', client_secret: oidcSecret,
      redirect_uris: [S.port, S.shared.ports.A].map((p) => `http://127.0.0.1:${p}/oidc/redirect_uri`) },
  ] }));
  const opLog = fs.openSync(path.join(S.dir, 'op.log'), 'a');
  // Two tries: a provider has been seen (rarely) to stop after its first
  // line of output and never print READY; a second start works.
  const startOp = () => {
    S.op = spawn('node', [path.join(top, 'test/op/server.js'), '--port', '0',
      '--config', opConf, '--exit-with-parent'], { stdio: ['ignore', 'pipe', opLog] });
    const op = S.op;
    return new Promise((resolve, reject) => {
      let buf = '';
      const t = setTimeout(() => { op.kill('SIGKILL'); reject(new Error(`the test provider did not start: ${S.dir}/op.log`)); }, 20000);
      op.stdout.on('data', (d) => {
        buf += d;
        const m = /READY (\S+)/.exec(buf);
        if (m) { clearTimeout(t); resolve(m[1]); }
      });
      op.on('exit', () => reject(new Error(`the test provider exited: ${S.dir}/op.log`)));
    });
  };
  S.opUrl = await startOp().catch((e) => { console.error(`bench: ${e.message}; starting it again`); return startOp(); });
  // A typical user: three groups, mapped to three local groups.
  const r = await request(`${S.opUrl}/_test/users/alice/groups`, 'PUT',
    { 'content-type': 'application/json' },
    JSON.stringify(['technitium_admins', 'technitium_dns_admins', 'technitium_dhcp_admins']));
  if (r.status !== 200) throw new Error(`cannot set alice's groups: HTTP ${r.status}`);

  if (process.getuid() === 0) {
    S.user = 'www-data'; S.group = 'www-data';
    spawnSync('chown', ['-R', `${S.user}:${S.group}`, S.dir]);
  } else {
    S.user = os.userInfo().username;
    S.group = spawnSync('id', ['-gn'], { encoding: 'utf8' }).stdout.trim();
  }
  S.env = { ...process.env,
    BENCH_DIR: S.dir, BENCH_USER: S.user, BENCH_GROUP: S.group,
    BENCH_PORT: String(S.port), BENCH_REFRESH_PORT: String(S.refreshPort), BENCH_MODDIR: moddir, BENCH_MODULE: path.resolve(opt.module),
    BENCH_OP_URL: S.opUrl, BENCH_SSO_SECRET: ssoSecret,
    BENCH_SHMCB_BYTES: String(opt.shmcbBytes), BENCH_LOGLEVEL: 'core:warn',
    BENCH_MUTEX: opt.mutex,
    BENCH_OIDC_MODULE: oidcModule, BENCH_OIDC_SECRET: oidcSecret,
    BENCH_OIDC_PASSPHRASE: rand(),
    // Each login stores a session and its ID token's jti.
    BENCH_OIDC_SHM_MAX: String(Math.max(1000, 2 * (opt.oidcSessions + opt.logins) + 500)),
  };
  const args = ['-f', path.join(__dirname, 'httpd.conf'), '-k', 'start'];
  if (S.oidc) args.push('-D', 'BENCH_OIDC');
  const h = spawnSync(S.httpd, args, { env: S.env, encoding: 'utf8' });
  if (h.status !== 0) throw new Error(`httpd did not start: ${h.stdout}${h.stderr} (${S.dir}/error.log)`);
  for (let i = 0; i < 100 && !S.httpdPid; i++) {
    try { S.httpdPid = Number(fs.readFileSync(path.join(S.dir, 'httpd.pid'), 'utf8')); } catch { await sleep(100); }
  }
  if (!S.httpdPid || !(await waitPort(S.port, 10000)))
    throw new Error(`httpd did not start: ${S.dir}/error.log`);
}

const base = () => `http://127.0.0.1:${S.port}`;
const ssoLogin = () => ({ start: `${base()}/auth/start?return=/sso/file.html`, cookie: 'sso_session', user: 'alice' });
// The virtual host with SSOGroupRefresh 300: signed in there, so that the
// session has its refresh token kept as in production.
const refreshLogin = () => ({ start: `http://127.0.0.1:${S.refreshPort}/auth/start?return=/sso/file.html`, cookie: 'sso_session', user: 'alice' });
const oidcLogin = () => ({ start: `${base()}/oidc/file.html`, cookie: 'mod_auth_openidc_session', user: 'alice' });

// ---------------------------------------------------------------- phases

// rounds x locations, alternating. Each entry: {name, path, cookie}.
// The size of a 200 answer at path with cookie, on a keep-alive
// connection as wrk's, headers included; throws unless it is a 200.
async function okSize(p, cookie, port = S.port, header = null) {
  const res = await new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.write(`GET ${p} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`
        + `${cookie ? `Cookie: ${cookie}\r\n` : ''}${header ? `${header}\r\n` : ''}\r\n`);
    });
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const head = buf.indexOf('\r\n\r\n');
      if (head < 0) return;
      const len = /\r\ncontent-length: *(\d+)/i.exec(buf.subarray(0, head).toString('latin1'));
      if (len && buf.length >= head + 4 + Number(len[1])) { sock.destroy(); resolve(buf); }
    });
    sock.on('end', () => resolve(buf));
    sock.on('error', reject);
    sock.setTimeout(10000, () => { sock.destroy(); reject(new Error(`GET ${p}: timeout`)); });
  });
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(res.toString('latin1'))?.[1]);
  if (status !== 200) throw new Error(`GET ${p} with ${cookie ? 'its cookie' : 'no cookie'}: HTTP ${status}, not 200`);
  return res.length;
}

async function runRounds(title, locs, rounds, seconds) {
  const res = Object.fromEntries(locs.map((l) => [l.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const l of locs) {
      const port = l.port || S.port;
      const pid = l.pid || S.httpdPid;
      const size = await okSize(l.path, l.cookie, port, l.header);
      const c0 = httpdCpu(pid);
      const m0 = machineIdle();
      const w = await wrk(`http://127.0.0.1:${port}${l.path}`, l.cookie, seconds, l.header);
      const m1 = machineIdle();
      const c1 = httpdCpu(pid);
      await okSize(l.path, l.cookie, port, l.header);
      w.cpuUs = (c1 - c0) / w.requests * 1e6;
      w.idlePct = 100 * (m1.idle - m0.idle) / (m1.total - m0.total);
      // Every answer was that 200 (to wrk's 2-digit MB precision), else
      // the difference counts as bad answers.
      if (!l.anySize && !(Math.abs(w.bytesPerReq - size) <= 0.02 * size)) w.bad += w.requests;
      res[l.name].push(w);
      const why = w.bad ? (/(Socket errors:.*|Non-2xx or 3xx responses:.*)/g.exec(w.raw) || ['bytes per answer'])[0] : '';
      log(`${title} round ${r + 1} ${l.name}: ${fmt(w.rps)} req/s, ${fmt(w.cpuUs, 1)} us CPU/req, machine ${fmt(w.idlePct, 1)}% idle${w.bad ? `, ${w.bad} bad (${why.trim()})` : ''}`);
    }
  }
  return res;
}

async function measureLogins(o, n) {
  const c0 = httpdCpu(S.httpdPid);
  const r = await loginMany(o, n, 2);
  const c1 = httpdCpu(S.httpdPid);
  r.cpuMs = (c1 - c0) / n * 1e3;
  return r;
}

// n logins with each of several flows, in alternating batches so that both
// see the same machine; the sums per flow.
async function measureLoginsAlternating(flows, n, batches) {
  const tot = flows.map(() => ({ logins: 0, failed: 0, seconds: 0, cpu: 0, error: null }));
  for (let b = 0; b < batches; b++) {
    for (let i = 0; i < flows.length; i++) {
      const m = Math.round(n * (b + 1) / batches) - Math.round(n * b / batches);
      const r = await measureLogins(flows[i], m);
      tot[i].logins += m;
      tot[i].failed += r.failed;
      tot[i].seconds += r.seconds;
      tot[i].cpu += r.cpuMs * m;
      tot[i].error ||= r.error;
    }
  }
  return tot.map((t) => ({ ...t, per_second: (t.logins - t.failed) / t.seconds, cpuMs: t.cpu / t.logins }));
}

async function seedSso(cookie) {
  const r = await request(`${base()}/auth/_bench/seed?n=${opt.sessions}`, 'POST',
    { cookie: `sso_session=${cookie}` });
  if (r.status !== 200)
    throw new Error(`seeding failed: HTTP ${r.status} ${r.text.slice(0, 200)} (configure --enable-bench-seed? bench/build)`);
  return JSON.parse(r.text);
}

async function rssWatch(seconds, step, cookie) {
  // wrk on /sso for `seconds`, anon RSS sampled every `step` seconds.
  const samples = [{ t: 0, kib: httpdAnonKiB(S.httpdPid) }];
  let requests = 0;
  let bad = 0;
  for (let t = step; t <= seconds; t += step) {
    const w = await wrk(`${base()}/sso/file.html`, `sso_session=${cookie}`, step);
    requests += w.requests || 0;
    bad += w.bad;
    samples.push({ t, kib: httpdAnonKiB(S.httpdPid) });
    if (opt.mode === 'soak') log(`soak ${t}s: anon RSS ${fmt(samples.at(-1).kib / 1024, 1)} MiB, ${requests} requests`);
  }
  return { samples, requests, bad };
}

// ---------------------------------------------------------------- report

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'));
  return `nproc ${os.cpus().length}, ${cpu ? cpu[1] : 'unknown CPU'}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`;
}

function table(title, res, publicName) {
  const lines = [title];
  const names = Object.keys(res);
  const rounds = res[names[0]].length;
  const head = ['location'.padEnd(22)];
  for (let r = 1; r <= rounds; r++) head.push(`r${r}`.padStart(8));
  head.push('median'.padStart(8), 'us/req'.padStart(8), 'idle%'.padStart(7), 'vs public'.padStart(10));
  lines.push(head.join(''));
  const pub = res[publicName];
  for (const n of names) {
    const row = [n.padEnd(22)];
    for (const w of res[n]) row.push(fmt(w.rps).padStart(8));
    const ratio = median(res[n].map((w, i) => w.rps / pub[i].rps));
    row.push(fmt(median(res[n].map((w) => w.rps))).padStart(8),
      fmt(median(res[n].map((w) => w.cpuUs)), 1).padStart(8),
      fmt(median(res[n].map((w) => w.idlePct)), 1).padStart(7),
      (n === publicName ? '' : fmt(ratio, 2)).padStart(10));
    lines.push(row.join(''));
  }
  return lines.join('\n');
}

// Median over rounds of a/b, each pair from the same round.
const pairRatio = (a, b) => median(a.map((w, i) => w.rps / b[i].rps));

// ------------------------------------------ phase 6: several servers

// Servers A and B alike, sessions in one local Redis; M the same with
// memcached; the registry in PostgreSQL when bench/run started one
// (SSO_TEST_PGSQL, test/with-pgsql), else one SQLite file they share.
const sharedUrl = (name, p) => `http://127.0.0.1:${S.shared.ports[name]}${p}`;
const sharedLogin = (name) => ({ start: sharedUrl(name, '/auth/start?return=/sso/file.html'), cookie: 'sso_session', user: 'alice' });

function spawnQuiet(cmd, args, logName) {
  const fd = fs.openSync(path.join(S.dir, logName), 'w');
  return spawn(cmd, args, { stdio: ['ignore', fd, fd] });
}

async function sharedStart() {
  const sh = S.shared;
  if (!which('redis-server') || !which('memcached')) throw new Error('redis-server or memcached missing: run scripts/deps');
  sh.redisPort = await freePort();
  sh.memcachedPort = await freePort();
  sh.redis = spawnQuiet('redis-server', ['--port', String(sh.redisPort), '--bind', '127.0.0.1',
    '--save', '', '--appendonly', 'no'], 'redis.log');
  sh.memcached = spawnQuiet('memcached', ['-l', '127.0.0.1', '-p', String(sh.memcachedPort), '-U', '0',
    ...(process.getuid() === 0 ? ['-u', 'nobody'] : [])], 'memcached.log');
  if (!(await waitPort(sh.redisPort, 10000)) || !(await waitPort(sh.memcachedPort, 10000)))
    throw new Error(`redis or memcached did not start (${S.dir}/redis.log, memcached.log)`);
  sh.userstore = process.env.SSO_TEST_PGSQL ? `pgsql:${process.env.SSO_TEST_PGSQL}` : `sqlite3:${S.dir}/users-shared.db`;
  const caches = { A: `redis:127.0.0.1:${sh.redisPort}`, B: `redis:127.0.0.1:${sh.redisPort}`,
    M: `memcache:127.0.0.1:${sh.memcachedPort}` };
  for (const name of Object.keys(caches)) {
    fs.mkdirSync(path.join(S.dir, name), { recursive: true });
    if (process.getuid() === 0) spawnSync('chown', ['-R', `${S.user}:${S.group}`, path.join(S.dir, name)]);
    const env = { ...S.env, BENCH_NAME: name, BENCH_PORT: String(sh.ports[name]),
      BENCH_CACHE: caches[name], BENCH_USERSTORE: sh.userstore, BENCH_REDIS_PORT: String(sh.redisPort) };
    const args = ['-f', path.join(__dirname, 'httpd-shared.conf'), '-k', 'start'];
    if (S.oidc && name === 'A') args.push('-D', 'BENCH_OIDC');
    const h = spawnSync(S.httpd, args, { env, encoding: 'utf8' });
    if (h.status !== 0) throw new Error(`httpd ${name} did not start: ${h.stdout}${h.stderr} (${S.dir}/${name}/error.log)`);
    const pidFile = path.join(S.dir, name, 'httpd.pid');
    for (let i = 0; i < 100 && !sh.pids[name]; i++) {
      try { sh.pids[name] = Number(fs.readFileSync(pidFile, 'utf8')); } catch { await sleep(100); }
    }
    if (!sh.pids[name] || !(await waitPort(sh.ports[name], 10000)))
      throw new Error(`httpd ${name} did not start: ${S.dir}/${name}/error.log`);
  }
  log(`phase 6: servers A ${sh.ports.A} and B ${sh.ports.B} (redis ${sh.redisPort}), M ${sh.ports.M} (memcached ${sh.memcachedPort}), registry ${sh.userstore.split(':')[0]}`);
}

// A logout on A, then B polled every 20 ms until it refuses the cookie:
// seconds from the logout's answer to B's first refusal. B keeps
// answering the cookie until the logout, as a busy server would.
async function logoutDelay() {
  const sid = await loginOnce(sharedLogin('A'));
  const onB = () => request(sharedUrl('B', '/sso/file.html'), 'GET', { cookie: `sso_session=${sid}` });
  for (let i = 0; i < 5; i++) {
    const r = await onB();
    if (r.status !== 200) throw new Error(`B did not serve A's session: HTTP ${r.status}`);
    await sleep(20);
  }
  const out = await request(sharedUrl('A', '/auth/logout'), 'POST',
    { cookie: `sso_session=${sid}`, origin: sharedUrl('A', ''), 'content-type': 'application/x-www-form-urlencoded' }, '');
  if (out.status !== 303) throw new Error(`logout on A: HTTP ${out.status}`);
  const t0 = process.hrtime.bigint();
  for (;;) {
    const r = await onB();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 200) return { seconds: s, status: r.status };
    if (s > 10) return { seconds: s, status: 200 };
    await sleep(20);
  }
}

// Logins per second on A alone, then on A and B at once (the same
// concurrency per server, as a load balancer spreads users), in
// alternating batches.
async function sharedLogins(n, batches) {
  const one = { logins: 0, seconds: 0, failed: 0 };
  const two = { logins: 0, seconds: 0, failed: 0 };
  for (let b = 0; b < batches; b++) {
    const r1 = await loginMany(sharedLogin('A'), n, 2);
    one.logins += n; one.seconds += r1.seconds; one.failed += r1.failed;
    const t0 = process.hrtime.bigint();
    const rs = await Promise.all([loginMany(sharedLogin('A'), n / 2, 2), loginMany(sharedLogin('B'), n / 2, 2)]);
    two.logins += n; two.seconds += Number(process.hrtime.bigint() - t0) / 1e9;
    two.failed += rs[0].failed + rs[1].failed;
  }
  one.per_second = (one.logins - one.failed) / one.seconds;
  two.per_second = (two.logins - two.failed) / two.seconds;
  return { one, two };
}

// The throughput locations of phase 6: each on the server that serves it.
async function sharedLocations() {
  const sh = S.shared;
  const sa = await loginOnce(sharedLogin('A'));
  const sm = await loginOnce(sharedLogin('M'));
  const oa = S.oidc ? await loginOnce({ start: sharedUrl('A', '/oidc/file.html'), cookie: 'mod_auth_openidc_session', user: 'alice' }) : null;
  const locs = [
    { name: 'public (A)', path: '/public/file.html', cookie: `sso_session=${sa}`, port: sh.ports.A, pid: sh.pids.A },
    { name: 'sso redis (A)', path: '/sso/file.html', cookie: `sso_session=${sa}`, port: sh.ports.A, pid: sh.pids.A },
    { name: 'sso redis (B)', path: '/sso/file.html', cookie: `sso_session=${sa}`, port: sh.ports.B, pid: sh.pids.B },
    { name: 'sso memcached (M)', path: '/sso/file.html', cookie: `sso_session=${sm}`, port: sh.ports.M, pid: sh.pids.M },
  ];
  // mod_auth_openidc's answers vary in size with sessions in Redis (a
  // first run counted every request of some rounds as "bad" by size
  // alone, none by status): only wrk's status and socket counts apply.
  if (oa) locs.push({ name: 'oidc redis (A)', path: '/oidc/file.html', cookie: `mod_auth_openidc_session=${oa}`, port: sh.ports.A, pid: sh.pids.A, anySize: true });
  return locs;
}

// Redis's GET count so far (INFO commandstats).
function redisGets() {
  const r = spawnSync('redis-cli', ['-p', String(S.shared.redisPort), 'INFO', 'commandstats'], { encoding: 'utf8' });
  const m = /cmdstat_get:calls=(\d+)/.exec(r.stdout || '');
  return m ? Number(m[1]) : 0;
}

// ---------------------------------------------------------------- modes

async function smokeRun() {
  let passed = 0;
  let failed = 0;
  const check = (ok, what) => {
    if (ok) passed++; else failed++;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${what}\n`);
  };
  const sc = await loginOnce(ssoLogin()).catch((e) => { check(false, `sso login: ${e.message}`); return null; });
  if (sc) check(true, 'sso login through the provider form');
  let oc = null;
  if (S.oidc) {
    oc = await loginOnce(oidcLogin()).catch((e) => { check(false, `oidc login: ${e.message}`); return null; });
    if (oc) check(true, 'mod_auth_openidc login through the provider form');
  }
  const locs = [{ name: 'public', path: '/public/file.html' }];
  if (sc) locs.push({ name: 'sso', path: '/sso/file.html', cookie: `sso_session=${sc}` });
  if (oc) locs.push({ name: 'oidc', path: '/oidc/file.html', cookie: `mod_auth_openidc_session=${oc}` });
  const res = await runRounds('smoke', locs, 1, 1);
  for (const l of locs) {
    const w = res[l.name][0];
    check(w.requests >= 300 && w.bad === 0 && Number.isFinite(w.cpuUs),
      `wrk ${l.name}: ${w.requests} requests, ${w.bad} not 200, ${fmt(w.cpuUs, 1)} us CPU/req`);
  }
  await smokeRefresh(check, sc);
  const unauth = await request(`${base()}/sso/file.html`, 'GET', {});
  check(unauth.status === 302 && /\/auth\/login/.test(unauth.location || ''),
    `sso without a cookie: HTTP ${unauth.status} to ${unauth.location}`);
  if (sc) {
    const l = await measureLogins(ssoLogin(), 5);
    check(l.failed === 0 && Number.isFinite(l.cpuMs), `5 sso logins: ${l.per_second}/s, ${fmt(l.cpuMs, 2)} ms httpd CPU each`);
    const seed = await request(`${base()}/auth/_bench/seed?n=1000`, 'POST', { cookie: `sso_session=${sc}` });
    if (seed.status === 404) {
      check(true, 'no seeding route in this build (POST /auth/_bench/seed: 404)');
    } else {
      const j = seed.status === 200 ? JSON.parse(seed.text) : {};
      check(j.seeded === 1000 && j.present === 1000, `seeding route: HTTP ${seed.status} ${seed.text.trim().slice(0, 120)}`);
    }
  }
  if (sc) await smokeTokens(check, sc);
  check(httpdAnonKiB(S.httpdPid) > 0, `httpd anon RSS readable: ${fmt(httpdAnonKiB(S.httpdPid) / 1024, 1)} MiB`);
  await smokeShared(check);
  process.stdout.write(`bench smoke: ${passed} passed, ${failed} failed\n`);
  return failed === 0;
}

// SSOGroupRefresh 300 briefly: /sso on the virtual host with it and on the
// main server without, 5 alternating rounds of 1 s; the ratios (req/s, and
// httpd CPU per request, steadier on a busy machine) are reported, not
// checked: 1 s runs are too noisy for a bound (the full run's target 1r
// holds it to /public).
async function smokeRefresh(check, sc) {
  const sr = await loginOnce(refreshLogin()).catch((e) => { check(false, `sso login on the SSOGroupRefresh 300 host: ${e.message}`); return null; });
  if (!sc || !sr) return;
  const locs = [{ name: 'sso', path: '/sso/file.html', cookie: `sso_session=${sc}` },
    { name: 'sso refresh 300', path: '/sso/file.html', cookie: `sso_session=${sr}`, port: S.refreshPort }];
  const res = await runRounds('smoke refresh', locs, 5, 1);
  const w = res['sso refresh 300'];
  const cpu = (ws) => median(ws.map((x) => x.cpuUs));
  check(w.every((x) => x.requests >= 300 && x.bad === 0),
    `wrk sso with SSOGroupRefresh 300: ${fmt(median(w.map((x) => x.rps)))} req/s (median of 5), `
    + `${fmt(pairRatio(w, res.sso), 2)} of sso without it in the same rounds; `
    + `${fmt(cpu(w), 1)} us CPU/req, ${fmt(cpu(w) / cpu(res.sso), 2)} of sso's; ${w.reduce((n, x) => n + x.bad, 0)} not 200`);
}

// An API token of alice (SSOAPITokens On, sso-users token) against her
// session cookie on the same page: httpd CPU per request, median of 3
// alternating rounds. The issue's target: a token request costs no more
// than about twice a cookie request (reported; the smoke checks it works).
async function addBenchToken() {
  const cli = process.env.BENCH_SSO_USERS || path.join(top, 'sso-users');
  const store = `sqlite3:${S.dir}/users.db`;
  // alice's username here comes from her claims (SSOUsernameClaims).
  const list = spawnSync(cli, ['-s', store, 'list'], { encoding: 'utf8' });
  const user = /^(\S+) +sso /m.exec(list.stdout || '');
  if (!user) throw new Error(`sso-users list: no SSO user: ${(list.stderr || '').trim()}`);
  const r = spawnSync(cli, ['-s', store, 'token', user[1], 'add', 'bench'], { encoding: 'utf8' });
  const token = /^([A-Za-z0-9_-]{43})$/m.exec(r.stdout || '');
  if (r.status !== 0 || !token) throw new Error(`sso-users token add: exit ${r.status}: ${(r.stderr || '').trim()}`);
  return token[1];
}

async function smokeTokens(check, sc) {
  let token;
  try { token = await addBenchToken(); } catch (e) { check(false, `API token: ${e.message}`); return; }
  const bad = await request(`${base()}/sso/file.html`, 'GET', { authorization: 'Bearer wrong' });
  check(bad.status === 401, `a wrong API token: HTTP ${bad.status}`);
  const locs = [{ name: 'cookie', path: '/sso/file.html', cookie: `sso_session=${sc}` },
    { name: 'token', path: '/sso/file.html', header: `Authorization: Bearer ${token}` }];
  const res = await runRounds('smoke tokens', locs, 3, 1);
  const us = (n) => median(res[n].map((w) => w.cpuUs));
  const allOk = res.token.every((w) => w.requests >= 300 && w.bad === 0);
  const ratio = us('token') / us('cookie');
  check(allOk && Number.isFinite(ratio),
    `API token vs cookie: ${fmt(us('token'), 1)} vs ${fmt(us('cookie'), 1)} us CPU/req, ratio ${fmt(ratio, 2)} (target <= 2)`);
}

// Phase 6 briefly: two servers sharing Redis, one with memcached.
async function smokeShared(check) {
  const sh = S.shared;
  try {
    await sharedStart();
    const sid = await loginOnce(sharedLogin('A'));
    const onB = await request(sharedUrl('B', '/sso/file.html'), 'GET', { cookie: `sso_session=${sid}` });
    check(onB.status === 200, `two servers, one Redis: a session made on A is served on B (HTTP ${onB.status})`);
    const g0 = redisGets();
    const res = await runRounds('smoke phase 6', [{ name: 'sso redis (B)', path: '/sso/file.html',
      cookie: `sso_session=${sid}`, port: sh.ports.B, pid: sh.pids.B }], 1, 1);
    const w = res['sso redis (B)'][0];
    const gets = redisGets() - g0;
    check(w.requests >= 300 && w.bad === 0 && gets <= 12,
      `wrk on B: ${w.requests} requests, ${w.bad} not 200, ${gets} Redis GETs (SSOSessionCacheReuse)`);
    const sm = await loginOnce(sharedLogin('M'));
    const onM = await request(sharedUrl('M', '/sso/file.html'), 'GET', { cookie: `sso_session=${sm}` });
    check(onM.status === 200, `memcached: login and page on M (HTTP ${onM.status})`);
    const d = await logoutDelay();
    check(d.status === 302 && d.seconds <= 2.2, `logout on A, refused on B after ${fmt(d.seconds, 2)} s (HTTP ${d.status})`);
    const l = await sharedLogins(4, 1);
    check(l.one.failed === 0 && l.two.failed === 0,
      `logins: ${fmt(l.one.per_second, 1)}/s on A, ${fmt(l.two.per_second, 1)}/s on A and B (registry ${sh.userstore.split(':')[0]})`);
  } catch (e) {
    check(false, `phase 6: ${e.message}`);
  } finally {
    sharedCleanup();
  }
}

// Phase 6 in full: throughput rounds, the logout delay, logins.
async function sharedRun() {
  await sharedStart();
  const locs = await sharedLocations();
  await runRounds('phase 6 warm-up', locs, 1, 1);
  const rounds = await runRounds('phase 6', locs, opt.rounds, opt.duration);
  // Redis's GETs during a wrk run on B's /sso alone (mod_auth_openidc's
  // own GETs on A would count too during the rounds).
  const onB = locs.find((l) => l.name === 'sso redis (B)');
  const mon = process.env.BENCH_MONITOR ? spawnQuiet('redis-cli', ['-p', String(S.shared.redisPort), 'MONITOR'], 'monitor.log') : null;
  const g0 = redisGets();
  const wB = await wrk(`http://127.0.0.1:${onB.port}${onB.path}`, onB.cookie, opt.duration);
  const gets = { gets: redisGets() - g0, requests: wB.requests, seconds: opt.duration };
  if (mon) mon.kill('SIGTERM');
  const delays = [];
  for (let i = 0; i < 3; i++) delays.push(await logoutDelay());
  const logins = await sharedLogins(Math.max(2, Math.round(opt.logins / 4) * 2), 2);
  sharedCleanup();
  return { rounds, gets, delays, logins };
}

// Phase 6's table, readings and targets 6a-6e; returns its rounds.
function reportShared(P6, say, target) {
  const R6 = P6.rounds;
  say('');
  say(table(`phase 6: servers A and B alike, sessions in one Redis (M: memcached), registry ${S.shared.userstore.split(':')[0]}; SSOSessionCacheReuse 2 (default)`, R6, 'public (A)'));
  say(`  Redis GETs during ${P6.gets.seconds} s of wrk on B's /sso alone: ${P6.gets.gets} for ${P6.gets.requests} requests (B has 2 children)`);
  say(`  logout on A -> first refusal on B: ${P6.delays.map((d) => `${fmt(d.seconds, 2)} s (HTTP ${d.status})`).join(', ')}`);
  say(`  logins: ${fmt(P6.logins.one.per_second, 1)}/s on A alone, ${fmt(P6.logins.two.per_second, 1)}/s on A and B at once (2 at a time per server; ${P6.logins.one.failed + P6.logins.two.failed} failed)`);
  target('6a', 'sso redis / public, 1 session', pairRatio(R6['sso redis (A)'], R6['public (A)']), '>=', 0.90);
  target('6b', 'sso memcached / public, 1 session', pairRatio(R6['sso memcached (M)'], R6['public (A)']), '>=', 0.90);
  if (S.oidc) target('6c', 'sso redis / oidc redis, 1 session', pairRatio(R6['sso redis (A)'], R6['oidc redis (A)']), '>=', 3);
  const worst = Math.max(...P6.delays.map((d) => (d.status === 302 ? d.seconds : Infinity)));
  target('6d', 'logout on A -> refused on B (worst of 3)', worst, '<=', 2.2, ' s');
  target('6e', 'logins/s on A and B / on A alone', P6.logins.two.per_second / P6.logins.one.per_second, '>=', 1.6);
  return R6;
}

// Phase 6 alone (bench/run --only-shared): its table and targets.
async function sharedOnlyRun() {
  const t0 = Date.now();
  const say = (s) => process.stdout.write(`${s}\n`);
  say(`mod_auth_sso bench, phase 6 only, ${new Date().toISOString()}; ${machine()}`);
  const P6 = await sharedRun();
  const T = [];
  const target = (id, what, value, cmp, goal, unit = '') => {
    const ok = Number.isFinite(value) && (cmp === '>=' ? value >= goal : value <= goal);
    T.push({ id, what, value, cmp, goal, ok, unit });
  };
  const R6 = reportShared(P6, say, target);
  target('--', 'responses that were not 200 in wrk runs', Object.values(R6).flat().reduce((n, w) => n + w.bad, 0), '<=', 0);
  say('');
  say('targets');
  for (const t of T) {
    say(`  ${t.id.padEnd(3)} ${t.what.padEnd(48)} ${fmt(t.value, t.id === '--' ? 0 : 2).padStart(8)}${t.unit.padEnd(4)} ${t.cmp} ${String(t.goal).padEnd(6)} ${t.ok ? 'PASS' : 'FAIL'}`);
  }
  const failedT = T.filter((t) => !t.ok);
  say(`bench: ${T.length - failedT.length} targets met, ${failedT.length} missed; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  return failedT.length === 0;
}

async function soakRun() {
  const sc = await loginOnce(ssoLogin());
  log(`soak: ${opt.soakSeconds} s of wrk on /sso, anon RSS every 15 s`);
  const w = await rssWatch(opt.soakSeconds, 15, sc);
  // Per-thread pools grow to their high-water mark in the first minute or
  // two; after that the resident heap must stay flat.
  const half = w.samples.find((s) => s.t >= opt.soakSeconds / 2) || w.samples[1];
  const last = w.samples.at(-1);
  const growth = (last.kib - half.kib) / 1024;
  const ok = w.bad === 0 && growth <= 0.5;
  process.stdout.write(`soak: ${w.requests} authenticated requests in ${opt.soakSeconds} s (${w.bad} not 200)\n`);
  process.stdout.write(`soak: anon RSS (MiB) ${w.samples.map((s) => `${s.t}s=${fmt(s.kib / 1024, 1)}`).join(' ')}\n`);
  process.stdout.write(`soak: second half (${half.t} s to ${last.t} s): ${growth >= 0 ? '+' : ''}${fmt(growth, 2)} MiB (target: flat, <= 0.5 MiB) ${ok ? 'PASS' : 'FAIL'}\n`);
  return ok;
}

async function fullRun() {
  const t0 = Date.now();
  const out = [];
  const say = (s) => { out.push(s); process.stdout.write(`${s}\n`); };
  say(`mod_auth_sso bench, ${new Date().toISOString()}; ${machine()}`);
  say(`Mutex ${opt.mutex} auth-sso-cache; wrk -t2 -c32 -d${opt.duration}s per run, ${opt.rounds} rounds, locations alternating; `
    + 'req/s per round and median; us/req = httpd CPU (user+sys, all processes) per request; idle% = the machine\'s idle CPU during the run (median); '
    + 'vs public = median over rounds of location/public in the same round');

  // Phase A: one session each.
  const sc1 = await loginOnce(ssoLogin());
  const sr1 = await loginOnce(refreshLogin());
  const oc1 = S.oidc ? await loginOnce(oidcLogin()) : null;
  // /public gets the sso cookie too: the same request bytes, ignored there.
  const locsA = [{ name: 'public', path: '/public/file.html', cookie: `sso_session=${sc1}` },
    { name: 'sso (1 session)', path: '/sso/file.html', cookie: `sso_session=${sc1}` },
    { name: 'sso refresh 300', path: '/sso/file.html', cookie: `sso_session=${sr1}`, port: S.refreshPort }];
  if (oc1) locsA.push({ name: 'oidc (1 session)', path: '/oidc/file.html', cookie: `mod_auth_openidc_session=${oc1}` });
  await runRounds('warm-up', locsA, 1, 1);
  const A = await runRounds('phase A', locsA, opt.rounds, opt.duration);

  // Logins: full flow through the provider's form, a fresh browser each.
  const [lsso, loidc = null] = await measureLoginsAlternating(
    S.oidc ? [ssoLogin(), oidcLogin()] : [ssoLogin()], opt.logins, 4);
  log(`sso logins: ${JSON.stringify(lsso)}`);
  if (loidc) log(`oidc logins: ${JSON.stringify(loidc)}`);

  // Phase B: 100,000 mod_auth_sso sessions; 10,000 mod_auth_openidc ones.
  const seed = await seedSso(sc1);
  log(`seeded: ${JSON.stringify({ ...seed, oldest: undefined, newest: undefined })}`);
  let oidcSeed = null;
  if (S.oidc) {
    const have = 1 + opt.logins;
    const t = Date.now();
    oidcSeed = await loginMany({ ...oidcLogin(), keepOpSession: true },
      Math.max(0, opt.oidcSessions - have), 4);
    oidcSeed.total = have + oidcSeed.logins - oidcSeed.failed;
    log(`oidc sessions by login: ${JSON.stringify({ ...oidcSeed, cookie: undefined })} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const scNew = await loginOnce(ssoLogin());
  const ocNew = S.oidc ? await loginOnce(oidcLogin()) : null;
  const locsB = [{ name: 'public', path: '/public/file.html', cookie: `sso_session=${scNew}` },
    { name: 'sso newest (100k)', path: '/sso/file.html', cookie: `sso_session=${scNew}` },
    { name: 'sso oldest (100k)', path: '/sso/file.html', cookie: `sso_session=${seed.oldest}` }];
  if (ocNew) locsB.push({ name: 'oidc newest (10k)', path: '/oidc/file.html', cookie: `mod_auth_openidc_session=${ocNew}` });
  const B = await runRounds('phase B', locsB, opt.rounds, opt.duration);

  // Memory: a short check here; bench/run --soak does 5 minutes.
  const rss = await rssWatch(12, 4, scNew);

  // Phase 6: several servers, sessions in Redis or memcached.
  const P6 = await sharedRun();

  say('');
  say(table('phase A: one session per module', A, 'public'));
  say('');
  const nOidc = oidcSeed ? oidcSeed.total + 1 : 0;
  say(table(`phase B: ${seed.seeded + opt.logins + 2} mod_auth_sso sessions in shmcb${S.oidc ? `, ${nOidc} mod_auth_openidc sessions` : ''}`, B, 'public'));
  say('');
  say(`logins: ${opt.logins} each, full flow through the provider's form, fresh browser each, 2 at a time, in 4 alternating batches`);
  say(`  mod_auth_sso      ${fmt(lsso.per_second, 1).padStart(7)} logins/s  ${fmt(lsso.cpuMs, 2).padStart(6)} ms httpd CPU per login  (${lsso.failed} failed)`);
  if (loidc) say(`  mod_auth_openidc  ${fmt(loidc.per_second, 1).padStart(7)} logins/s  ${fmt(loidc.cpuMs, 2).padStart(6)} ms httpd CPU per login  (${loidc.failed} failed)`);
  const perSession = seed.record_bytes + seed.key_bytes + 24;
  say(`shmcb: record ${seed.record_bytes} B + key ${seed.key_bytes} B + index entry 24 B = ${perSession} B per session; `
    + `SSOSessionCache of ${(opt.shmcbBytes / 1048576).toFixed(0)} MiB for ${seed.seeded} = ${fmt(opt.shmcbBytes / seed.seeded)} B per session; `
    + `${seed.present} of ${seed.seeded} seeded sessions still in the cache; seeding took ${seed.ms} ms`);
  const rssGrowth = (rss.samples.at(-1).kib - rss.samples[1].kib) / 1024;
  say(`memory: httpd anon RSS over 12 s of /sso (${rss.requests} requests): `
    + `${rss.samples.map((s) => `${s.t}s=${fmt(s.kib / 1024, 1)}`).join(' ')} MiB`);

  // Targets.
  const T = [];
  const target = (id, what, value, cmp, goal, unit = '') => {
    const ok = Number.isFinite(value) && (cmp === '>=' ? value >= goal : value <= goal);
    T.push({ id, what, value, cmp, goal, ok, unit });
  };
  const sso1 = A['sso (1 session)'];
  target('1', 'sso / public, 1 session', pairRatio(sso1, A.public), '>=', 0.90);
  target('1r', 'sso with SSOGroupRefresh 300 / public, 1 session', pairRatio(A['sso refresh 300'], A.public), '>=', 0.90);
  const rA = pairRatio(sso1, A.public);
  target('2a', 'sso newest at 100k / sso at 1 (each vs public)', pairRatio(B['sso newest (100k)'], B.public) / rA, '>=', 0.90);
  target('2b', 'sso oldest at 100k / sso at 1 (each vs public)', pairRatio(B['sso oldest (100k)'], B.public) / rA, '>=', 0.90);
  if (S.oidc) {
    target('3a', 'sso / oidc, 1 session', pairRatio(sso1, A['oidc (1 session)']), '>=', 2.5);
    target('3b', 'sso newest at 100k / oidc newest at 10k', pairRatio(B['sso newest (100k)'], B['oidc newest (10k)']), '>=', 20);
  }
  target('4a', 'httpd CPU per sso login', lsso.cpuMs, '<=', 1.0, ' ms');
  if (loidc) target('4b', 'sso logins/s / oidc logins/s', lsso.per_second / loidc.per_second, '>=', 1.0);
  target('5a', 'shmcb bytes per session (3 groups)', perSession, '<=', 1024, ' B');
  target('5b', 'seeded sessions still cached', seed.present / seed.seeded, '>=', 1.0);
  target('5c', 'anon RSS growth, 4 s -> 12 s of /sso', rssGrowth, '<=', 1.0, ' MiB');
  const med = (ws) => median(ws.map((w) => w.rps));
  const notes = [
    `2a/2b are each location's ratio to /public in its own phase, divided by sso's in phase A (raw medians: newest ${fmt(med(B['sso newest (100k)']) / med(sso1), 2)}, oldest ${fmt(med(B['sso oldest (100k)']) / med(sso1), 2)} of the phase A sso median)`,
  ];
  if (S.oidc) {
    notes.push(`3a at most ${fmt(pairRatio(A.public, A['oidc (1 session)']), 2)} and 3b at most ${fmt(pairRatio(B.public, B['oidc newest (10k)']), 2)} here: /public itself over mod_auth_openidc`);
  }
  const R6 = reportShared(P6, say, target);
  const cpuA = (ws) => median(ws.map((w) => w.cpuUs));
  notes.push(`1r: sso with SSOGroupRefresh 300 / sso without, same rounds: ${fmt(pairRatio(A['sso refresh 300'], sso1), 2)} req/s, `
    + `${fmt(cpuA(A['sso refresh 300']) / cpuA(sso1), 2)} httpd CPU per request (unchanged is 1.00)`);
  const bad = [...Object.values(A), ...Object.values(B), ...Object.values(R6)].flat().reduce((n, w) => n + w.bad, 0) + rss.bad;
  target('--', 'responses that were not 200 in wrk runs', bad, '<=', 0);
  say('');
  say('targets');
  for (const t of T) {
    say(`  ${t.id.padEnd(3)} ${t.what.padEnd(48)} ${fmt(t.value, t.unit === ' B' || t.id === '--' ? 0 : 2).padStart(8)}${t.unit.padEnd(4)} ${t.cmp} ${String(t.goal).padEnd(6)} ${t.ok ? 'PASS' : 'FAIL'}`);
  }
  for (const n of notes) say(`  note: ${n}`);
  const failedT = T.filter((t) => !t.ok);
  say(`bench: ${T.length - failedT.length} targets met, ${failedT.length} missed; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  fs.mkdirSync(path.join(top, 'bench/out'), { recursive: true });
  fs.writeFileSync(path.join(top, 'bench/out/last-run.txt'), `${out.join('\n')}\n`);
  return failedT.length === 0;
}

async function main() {
  const t0 = Date.now();
  await setup();
  log(`httpd on ${base()}, provider ${S.opUrl}, mod_auth_openidc ${S.oidc ? 'loaded' : 'not installed: /oidc skipped'}`);
  let ok;
  if (smoke) ok = await smokeRun();
  else if (opt.mode === 'soak') ok = await soakRun();
  else if (opt.onlyShared) ok = await sharedOnlyRun();
  else ok = await fullRun();
  log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return ok;
}

main().then((ok) => {
  cleanup();
  process.exit(ok ? 0 : 1);
}, (e) => {
  process.stderr.write(`bench: ${e.stack || e.message}\n`);
  if (smoke) process.stdout.write('bench smoke: 0 passed, 1 failed\n');
  cleanup();
  process.exit(1);
});
