'use strict';
// The OpenID provider of e2e/oidcprovider (internal/oauth/oidctest in a
// process of its own): built once per test process with `go test -c`,
// started per engine on 127.0.0.1 with a random port, driven through its
// loopback control endpoints, stopped by its PID.

const { execFile, spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');
const { tempDir } = require('./server');

const repoRoot = path.resolve(__dirname, '..', '..');
let built;

/** buildOnce compiles the provider's test binary into a temporary folder, once. */
function buildOnce() {
  if (!built) {
    const bin = path.join(tempDir('oidcprovider-'), 'oidcprovider.test');
    built = new Promise((resolve, reject) => {
      execFile('go', ['test', '-c', '-o', bin, './e2e/oidcprovider'], { cwd: repoRoot, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => (err ? reject(new Error(`go test -c failed: ${err.message}\n${stdout}${stderr}`)) : resolve(bin)));
    });
  }
  return built;
}

/**
 * startProvider runs the provider and resolves to { url, wellKnown,
 * clientId, clientSecret, pid, addUser(), next(), deny(), hits(), stop() }.
 * Its standard input stays open as a pipe: if this process dies, the
 * provider sees the end of it and exits.
 */
async function startProvider() {
  const bin = await buildOnce();
  const child = spawn(bin, [], {
    env: { ...process.env, OIDCPROVIDER_SERVE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderr = [];
  child.stderr.on('data', (b) => stderr.push(String(b)));
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the OpenID provider printed nothing within 10s')), 10000);
    readline.createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try { resolve(JSON.parse(line)); } catch (e) { reject(new Error(`provider said ${line}: ${e.message}`)); }
    });
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    exit.then((e) => { clearTimeout(timer); reject(new Error(`provider exited (${e.code ?? e.signal}): ${stderr.join('')}`)); });
  }).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });

  const control = async (method, route, body) => {
    const res = await fetch(info.control + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`provider control ${method} ${route}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };

  return {
    ...info,
    pid: child.pid,
    /** addUser adds or replaces a provider account. */
    addUser: (sub, email, emailVerified, name) => control('POST', '/users', { sub, email, emailVerified, name }),
    /** next makes /authorize approve sub from now on. */
    next: (sub) => control('POST', '/next', { sub }),
    /** deny makes the next /authorize answer error=access_denied. */
    deny: () => control('POST', '/deny'),
    /** hits is how many requests reached a provider path. */
    hits: async (p) => (await control('GET', `/hits?path=${encodeURIComponent(p)}`)).hits,
    /** stop sends SIGTERM to the provider's PID and resolves to its exit. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGTERM');
      return exit;
    },
  };
}

module.exports = { startProvider, buildOnce };
