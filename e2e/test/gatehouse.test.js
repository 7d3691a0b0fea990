'use strict';
// One test process: the gatehouse binary is built once, then every suite
// runs against a fresh server per database engine (db=sqlite always,
// db=postgres when GATEHOUSE_TEST_POSTGRES is set). Each engine's server
// sends mail to an SMTP server of its own inside this process.

const { describe, before, after } = require('node:test');
const { engines } = require('../lib/engines');
const { startServer, geoipDatabase } = require('../lib/server');
const { startMailServer } = require('../lib/mail');
const { startTextServer } = require('../appwrite/sms');
const { sdkWarnings } = require('../lib/sdk');
const { loopbackTLS } = require('../lib/tls');
const fs = require('node:fs');

// expectedErrors are the ERROR lines a suite provokes on purpose, each
// with the suite that does; any other ERROR line the server logs fails
// the run, since a 500 an SDK shrugs off is still a bug.
const expectedErrors = [
  // console-ui: a mail the project's SMTP server refuses (550) fails for
  // good, so the jobs screen can retry it.
  { suite: 'console-ui', pattern: /"msg":"job failed".*"kind":"messages.send".*refused a recipient address/ },
];

function unexpectedErrors(log) {
  return log.split('\n')
    .filter((l) => /"level":"ERROR"/.test(l))
    .filter((l) => !expectedErrors.some(({ pattern }) => pattern.test(l)));
}

const allSuites = {
  console: require('../suites/console'),
  web: require('../suites/web'),
  ssr: require('../suites/ssr'),
  users: require('../suites/users'),
  project: require('../suites/project'),
  passwordless: require('../suites/passwordless'),
  mfa: require('../suites/mfa'),
  linkpage: require('../suites/linkpage'),
  'console-ui': require('../suites/console-ui'),
  passkeys: require('../suites/passkeys'),
  locale: require('../suites/locale'),
  oauth: require('../suites/oauth'),
  emailpolicy: require('../suites/emailpolicy'),
  impersonate: require('../suites/impersonate'),
  projectsettings: require('../suites/projectsettings'),
  account19: require('../suites/account19'),
  sdkmatrix: require('../suites/sdkmatrix'),
  oauth2server: require('../suites/oauth2server'),
  apps: require('../suites/apps'),
  appwrite: require('../appwrite'),
};

// E2E_SUITES=appwrite,web runs only the named suites (while working on
// them); CI runs every suite.
const only = (process.env.E2E_SUITES || '').split(',').filter(Boolean);
for (const name of only) {
  if (!allSuites[name]) throw new Error(`E2E_SUITES: no suite ${name} (have ${Object.keys(allSuites).join(', ')})`);
}
const suites = Object.entries(allSuites).filter(([name]) => !only.length || only.includes(name)).map(([, s]) => s);

for (const engine of engines()) {
  describe(`db=${engine.name}`, () => {
    const env = { engine: engine.name };

    before(async () => {
      sdkWarnings.seen.length = 0;
      env.mail = await startMailServer();
      env.sms = await startTextServer();
      env.db = await engine.create();
      env.server = await startServer({
        database: env.db.url,
        name: engine.name,
        env: {
          GATEHOUSE_SMTP_URL: env.mail.url,
          GATEHOUSE_SMS_URL: env.sms.url,
          GATEHOUSE_GEOIP_DB: await geoipDatabase(),
          // The server's CA file (Go reads SSL_CERT_FILE instead of the
          // system's): the loopback certificate of the test process, for
          // client ID metadata documents (suites/oauth2server.js).
          SSL_CERT_FILE: loopbackTLS().certFile,
        },
      });
    }, { timeout: 180000 });

    after(async () => {
      try {
        if (env.server) {
          const exit = await env.server.stop();
          if (exit.code !== 0) {
            throw new Error(`gatehouse exited with ${exit.code ?? exit.signal} on SIGTERM\n${env.server.logTail()}`);
          }
          const errors = unexpectedErrors(fs.readFileSync(env.server.logPath, 'utf8'));
          if (errors.length) {
            throw new Error(`the server logged ${errors.length} unexpected ERROR line(s) (db=${engine.name}):\n${errors.join('\n')}`);
          }
          // No SDK may be told to downgrade (X-Appwrite-Warning).
          if (sdkWarnings.seen.length) {
            throw new Error(`the SDKs printed ${sdkWarnings.seen.length} X-Appwrite-Warning(s) (db=${engine.name}):\n` +
              [...new Set(sdkWarnings.seen)].join('\n'));
          }
        }
      } finally {
        try {
          if (env.db) await env.db.drop();
        } finally {
          if (env.mail) await env.mail.close();
          if (env.sms) await env.sms.close();
        }
      }
    });

    for (const suite of suites) suite(env);
  });
}
