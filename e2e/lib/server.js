'use strict';
// Builds the gatehouse binary once per test process and runs it on a free
// loopback port against a database given by the caller.

const { execFile, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const repoRoot = path.resolve(__dirname, '..', '..');
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-e2e-'));
const running = new Set();

let built;

/** buildOnce compiles ./cmd/gatehouse into the temporary folder, once. */
function buildOnce() {
  if (!built) {
    const bin = path.join(tmpRoot, 'gatehouse');
    built = new Promise((resolve, reject) => {
      execFile('go', ['build', '-o', bin, './cmd/gatehouse'], { cwd: repoRoot, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          if (err) {
            reject(new Error(`go build failed: ${err.message}\n${stdout}${stderr}`));
            return;
          }
          resolve(bin);
        });
    });
  }
  return built;
}

/** tempDir returns a fresh folder inside this process's temporary root. */
function tempDir(prefix) {
  return fs.mkdtempSync(path.join(tmpRoot, prefix));
}

/** randomKey returns a random instance admin key (64 hex characters). */
function randomKey() {
  return crypto.randomBytes(32).toString('hex');
}

// Environment of the child: ours, minus any GATEHOUSE_* setting that
// could change the server under test (GATEHOUSE_TEST_POSTGRES included).
function childEnv(extra) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('GATEHOUSE_')) env[k] = v;
  }
  return Object.assign(env, extra);
}

/**
 * startServer runs `gatehouse serve` with the given GATEHOUSE_DATABASE on
 * 127.0.0.1:0, learns the bound address from the JSON log line
 * "gatehouse listening", and waits for GET /v1/health to answer 200.
 * extraEnv adds settings such as GATEHOUSE_SMTP_URL.
 * It resolves to { url, endpoint, adminKey, pid, logTail(), stop() }.
 */
async function startServer({ database, name = 'server', env: extraEnv = {} }) {
  const bin = await buildOnce();
  const dir = tempDir(`${name}-`);
  const adminKey = randomKey();
  const logPath = path.join(dir, 'server.log');
  const logFile = fs.createWriteStream(logPath);
  const tail = [];
  const remember = (line) => {
    logFile.write(line + '\n');
    tail.push(line);
    if (tail.length > 200) tail.shift();
  };

  const child = spawn(bin, ['serve'], {
    cwd: dir,
    env: childEnv({
      GATEHOUSE_ADDR: '127.0.0.1:0',
      GATEHOUSE_DATABASE: database,
      GATEHOUSE_ADMIN_KEY: adminKey,
      GATEHOUSE_RATE_LIMITS: 'off',
      GATEHOUSE_LOG_FORMAT: 'json',
      ...extraEnv,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let exited = null;
  const exit = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
    });
  });
  const logTail = () => tail.join('\n');

  const addr = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gatehouse did not log its address within 30s\n${logTail()}`)), 30000);
    const done = (fn, v) => { clearTimeout(timer); fn(v); };
    readline.createInterface({ input: child.stdout }).on('line', remember);
    readline.createInterface({ input: child.stderr }).on('line', (line) => {
      remember(line);
      let rec;
      try { rec = JSON.parse(line); } catch { return; }
      if (rec.msg === 'gatehouse listening' && rec.addr) done(resolve, rec.addr);
    });
    child.on('error', (err) => done(reject, err));
    exit.then((e) => done(reject, new Error(`gatehouse exited early (${e.code ?? e.signal})\n${logTail()}`)));
  }).catch(async (err) => {
    child.kill('SIGKILL');
    throw err;
  });

  const url = `http://${addr}`;
  const deadline = Date.now() + 30000;
  for (;;) {
    try {
      const res = await fetch(`${url}/v1/health`);
      if (res.status === 200) break;
    } catch { /* not ready yet */ }
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`GET /v1/health never answered 200\n${logTail()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    endpoint: `${url}/v1`,
    adminKey,
    pid: child.pid,
    logPath,
    logTail,
    /** stop sends SIGTERM to the server's PID and resolves to its exit. */
    async stop() {
      if (!exited) {
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => { if (!exited) process.kill(child.pid, 'SIGKILL'); }, 15000);
        await exit;
        clearTimeout(timer);
      }
      logFile.end();
      return exited;
    },
  };
}

// Never leave a server behind, whatever happens to the test process.
process.on('exit', () => {
  for (const child of running) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

let geoipOnce;

/**
 * geoipDatabase writes the test GeoIP database (Go package
 * internal/geoip/mmdbtest: 203.0.113.0/24 is Germany, 198.51.100.0/24
 * France, 2001:db8:1::/48 Japan, 2001:db8:2::/48 Brazil) once and
 * resolves to its path, for GATEHOUSE_GEOIP_DB.
 */
function geoipDatabase() {
  if (!geoipOnce) {
    geoipOnce = new Promise((resolve, reject) => {
      const file = path.join(tmpRoot, 'countries.mmdb');
      execFile('go', ['run', './internal/geoip/mmdbtest/mkmmdb', '-o', file], { cwd: repoRoot, maxBuffer: 16 << 20 },
        (err, stdout, stderr) => {
          if (err) {
            reject(new Error(`mkmmdb failed: ${err.message}\n${stdout}${stderr}`));
            return;
          }
          resolve(file);
        });
    });
  }
  return geoipOnce;
}

module.exports = { buildOnce, startServer, tempDir, randomKey, geoipDatabase };
