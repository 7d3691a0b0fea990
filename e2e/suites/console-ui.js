'use strict';
// The Gatehouse console (/console) in headless Chromium: an administrator
// made with `gatehouse admins create` opens its one-time link, sets a
// password, signs in, creates a project, adds a web platform and an API
// key, opens a user made through the API, blocks it and revokes its
// session. Every page must log no CSP violation or other console error,
// and every form control must have a label. Screenshots go to output/.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { describe, test, before } = require('node:test');
const { email, uniqueId, console: consoleSDK } = require('../lib/sdk');
const { attach, MemoryStorage } = require('../lib/browser');
const OTPAuth = require('otpauth');
const { buildOnce } = require('../lib/server');
const chromium = require('../lib/chromium');

const PASSWORD = 'console passphrase 42';
const WAIT = 15000;
// Users made around the one the console must find.
const CROWD = 150;

// refusingSMTP is an SMTP server that answers 550 to every recipient
// while refuse is set, and then takes mail, keeping the recipients.
async function refusingSMTP() {
  const { SMTPServer } = require('smtp-server');
  const state = { refuse: true, received: [] };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session, cb) {
      if (!state.refuse) return cb();
      const err = new Error('no such mailbox');
      err.responseCode = 550;
      return cb(err);
    },
    onData(stream, session, cb) {
      stream.on('data', () => {});
      stream.on('end', () => {
        state.received.push(...session.envelope.rcptTo.map((r) => r.address.toLowerCase()));
        cb();
      });
    },
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = server.server.address().port;
  state.close = () => new Promise((resolve) => server.close(resolve));
  return state;
}

// waitFor polls fn until it returns something truthy, for up to 20 s.
async function waitFor(fn, what) {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out: ${what}`);
}

module.exports = function consoleUISuite(env) {
  const why = chromium.missing();
  const skip = why && !process.env.CI ? why : false;

  // The official console SDK, as Appwrite's console uses it: a session on
  // project console (kept, as in a cross-site browser, in the fallback
  // cookie), the Projects service, and a project's Users in admin mode.
  describe('@appwrite.io/console as an administrator', () => {
    test('sign in, Projects, Users in admin mode, sign out', async () => {
      const server = env.server;
      const headers = { 'X-Appwrite-Project': 'console', 'content-type': 'application/json' };
      const mail = email('sdkadmin');
      const made = await fetch(`${server.endpoint}/console/admins`, { method: 'POST',
        headers: { ...headers, 'X-Appwrite-Key': server.adminKey }, body: JSON.stringify({ email: mail, name: 'SDK Admin' }) });
      assert.equal(made.status, 201);
      const { url } = await made.json();
      const q = new URLSearchParams(url.split('?')[1]);
      const set = await fetch(`${server.endpoint}/account/recovery`, { method: 'PUT', headers,
        body: JSON.stringify({ userId: q.get('userId'), secret: q.get('secret'), password: PASSWORD, passwordAgain: PASSWORD }) });
      assert.equal(set.status, 200, await set.text());

      const browser = new MemoryStorage();
      const con = new consoleSDK.Client().setEndpoint(server.endpoint).setProject('console');
      attach(con, browser);
      const account = new consoleSDK.Account(con);
      await account.createEmailPasswordSession({ email: mail, password: PASSWORD });
      assert.equal((await account.get()).email, mail);
      const projects = new consoleSDK.Projects(con);
      const projectId = uniqueId('s');
      await projects.create({ projectId, name: 'By the console SDK', teamId: 'e2e' });
      assert.ok((await projects.list()).projects.some((p) => p.$id === projectId));
      assert.ok(!(await projects.list()).projects.some((p) => p.$id === 'console'), 'the console is no project of the list');

      const inProject = new consoleSDK.Client().setEndpoint(server.endpoint).setProject(projectId).setMode('admin');
      attach(inProject, browser);
      const users = new consoleSDK.Users(inProject);
      const u = await users.create({ userId: 'unique()', email: email('sdkuser'), password: PASSWORD, name: 'Via SDK' });
      assert.equal((await users.list()).total, 1);
      await users.updateStatus({ userId: u.$id, status: false });
      assert.equal((await users.get({ userId: u.$id })).status, false);
      const logs = await users.listLogs({ userId: u.$id });
      assert.ok(logs.logs.some((l) => l.event === 'user.update' && l.userEmail === mail && l.mode === 'admin'), JSON.stringify(logs.logs));

      await account.deleteSession({ sessionId: 'current' });
      await assert.rejects(projects.list(), (e) => e.code === 401);
      await assert.rejects(users.list(), (e) => e.code === 401);
    });
  });

  describe('the console in Chromium', { skip }, () => {
    let server;
    before(() => {
      assert.equal(why, null, why || '');
      server = env.server;
    });

    // api calls the server as a script would (no Origin).
    const api = async (method, p, { project = 'console', key, session, body } = {}) => {
      const headers = { 'X-Appwrite-Project': project, 'content-type': 'application/json' };
      if (key) headers['X-Appwrite-Key'] = key;
      if (session) headers['X-Appwrite-Session'] = session;
      const res = await fetch(server.endpoint + p, { method, headers, body: body && JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
    };

    test('admin link, sign in, project, platform, key, block a user, revoke its session', { timeout: 180000 }, async (t) => {
      // 1. The CLI makes the administrator and prints its link.
      const adminMail = email('admin');
      const bin = await buildOnce();
      const { stdout } = await promisify(execFile)(bin, ['admins', 'create', '--database', env.db.url, '--email', adminMail,
        '--name', 'Ada Admin', '--public-url', server.url]);
      const link = stdout.match(/https?:\/\/\S+\/console\/#\/welcome\?\S+/);
      assert.ok(link, `no link in: ${stdout}`);

      const browser = await chromium.launch();
      t.after(() => browser.close());
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT);
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__csp = (window.__csp || []).concat(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      const shots = [];
      // expected401 lets a step show the browser's note of a 401 it asked
      // for (the console learns a second factor is due from the API).
      const check = async (what, { expected401 = false } = {}) => {
        if (expected401) {
          const before = problems.length;
          problems.splice(0, problems.length, ...problems.filter((p) => !/status of 401/.test(p)));
          assert.ok(problems.length < before, `${what}: the 401 that asks for a second factor`);
        }
        const csp = await page.evaluate(() => window.__csp || []);
        assert.deepEqual(csp, [], `${what}: CSP violations`);
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
          .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
          .map((el) => el.outerHTML));
        assert.deepEqual(unlabelled, [], `${what}: form controls without a label`);
        assert.deepEqual(problems, [], `${what}: browser console`);
        fs.mkdirSync(chromium.outputDir, { recursive: true });
        const shot = path.join(chromium.outputDir, `console-${what}-${env.engine || 'db'}.png`);
        await page.screenshot({ path: shot, fullPage: true });
        shots.push(path.relative(path.resolve(__dirname, '..'), shot));
      };
      const submit = (formSel) => page.click(`${formSel} button[type=submit]`);

      // 2. The one-time link: set the password.
      await page.goto(link[0]);
      await page.waitForSelector('h1:text("Set your password")');
      await check('welcome');
      await page.getByLabel('New password').fill(PASSWORD);
      await page.getByLabel('Repeat it').fill(PASSWORD);
      await submit('main form');
      await page.waitForSelector('#status:text("Password set")');
      assert.ok(!page.url().includes('secret='), 'the secret leaves the address bar');

      // 3. Sign in.
      await page.waitForSelector('h1:text("Sign in to the console")');
      await check('signin');
      // By keyboard alone: the page puts focus on its content, Tab reaches
      // the email field, then the password, and Enter signs in.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('name')), 'email');
      await page.keyboard.type(adminMail);
      await page.keyboard.press('Tab');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');
      await page.waitForSelector('h1:text("Projects")');
      const cookies = await browser.cookies(server.url);
      const sessionCookie = cookies.find((c) => c.name === 'a_session_console');
      assert.ok(sessionCookie && sessionCookie.httpOnly, 'the console session is an HttpOnly cookie');

      // 4. Create a project.
      const projectId = uniqueId('c');
      await page.fill('#create-project [name=name]', 'Console e2e');
      await page.fill('#create-project [name=projectId]', projectId);
      await submit('#create-project');
      await page.waitForSelector('h1:text("Console e2e")');
      await check('project');
      // Passkeys: an auth method, on by default, and the relying party's
      // settings saved through the console.
      assert.equal(await page.getByLabel('Passkeys', { exact: true }).isChecked(), true);
      await page.selectOption('#passkey-settings [name=userVerification]', 'required');
      await submit('#passkey-settings');
      await waitFor(async () => {
        const shown = await api('GET', `/projects/${projectId}`, { key: server.adminKey });
        assert.equal(shown.status, 200, JSON.stringify(shown.body));
        return shown.body.authPasskeys.userVerification === 'required';
      }, 'the passkey settings saved');

      // 5. A web platform and an API key.
      await page.click('nav.tabs a:text("Platforms")');
      await page.fill('#add-platform [name=name]', 'web app');
      await page.fill('#add-platform [name=hostname]', 'app.example.com');
      await submit('#add-platform');
      await page.waitForSelector('td:text("app.example.com")');
      await check('platforms');
      await page.click('nav.tabs a:text("API keys")');
      await page.fill('#create-key [name=name]', 'backend');
      await page.check('#create-key [name="scope:users.read"]');
      await page.check('#create-key [name="scope:users.write"]');
      await submit('#create-key');
      const secret = await page.locator('#new-key-secret').inputValue();
      assert.match(secret, /^standard_[0-9a-f]+$/);
      await check('keys');
      // The key the console showed works, with its scopes.
      const userMail = email('member');
      const made = await api('POST', '/users', { project: projectId, key: secret,
        body: { userId: 'unique()', email: userMail, password: PASSWORD, name: 'Mo Member' } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const userId = made.body.$id;
      const signIn = await api('POST', '/account/sessions/email', { project: projectId, body: { email: userMail, password: PASSWORD } });
      assert.equal(signIn.status, 201, JSON.stringify(signIn.body));
      const userSession = JSON.parse(signIn.headers.get('x-fallback-cookies'))[`a_session_${projectId}`];
      assert.equal((await api('GET', '/account', { project: projectId, session: userSession })).status, 200);

      // A crowd, so the user is found among many (more than a page).
      for (let i = 0; i < CROWD; i += 25) {
        const made = await Promise.all(Array.from({ length: 25 }, (_, j) => api('POST', '/users', { project: projectId, key: secret,
          body: { userId: 'unique()', email: email(`crowd${i + j}`), name: `Crowd ${i + j}` } })));
        for (const r of made) assert.equal(r.status, 201, JSON.stringify(r.body));
      }

      // 6. Find the user and open its page.
      await page.click('nav.tabs a:text("Users")');
      await page.waitForSelector('button:text("Next page")');
      await page.getByLabel('Search (name, email, phone, id)').fill(userMail);
      await submit('form.filters');
      await page.waitForFunction(() => {
        const rows = document.querySelectorAll('table:has(caption) tbody tr');
        return rows.length === 1 && rows[0].textContent.includes('Mo Member');
      });
      await page.click(`a:text("Mo Member")`);
      await page.waitForSelector('h1:text("Mo Member")');
      assert.equal(await page.locator('#sessions tbody tr').count(), 1, 'the user holds one session');
      await check('user');
      // On a phone: nothing wider than the screen but the tables, which
      // scroll in their own boxes.
      await page.setViewportSize({ width: 390, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than a phone`);
      await check('user-phone');
      await page.setViewportSize({ width: 1100, height: 900 });

      // 7. Block it: its session stops working at once.
      await page.click('#toggle-status');
      await page.waitForSelector('dd[data-fact="Status"]:text("blocked")');
      const blocked = await api('GET', '/account', { project: projectId, session: userSession });
      assert.equal(blocked.status, 403);
      assert.equal(blocked.body.type, 'user_blocked');

      // 8. Revoke its session: gone from the page and from the server.
      await page.click('#sessions button:text("Revoke")');
      await page.waitForSelector('#sessions td:text("Nothing yet.")');
      const left = await api('GET', `/users/${userId}/sessions`, { project: projectId, key: secret });
      assert.equal(left.status, 200);
      assert.equal(left.body.total, 0);
      await check('user-revoked');

      // 9. Merge two users after the preview, then unlink again.
      const mk = async (name) => {
        const mail = email(name.toLowerCase());
        const r = await api('POST', '/users', { project: projectId, key: secret, body: { userId: 'unique()', email: mail, password: PASSWORD, name } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return { id: r.body.$id, mail };
      };
      const prim = await mk('Primo');
      const sec = await mk('Secondo');
      await page.goto(`${server.url}/console/#/p/${projectId}/users/${prim.id}`);
      await page.waitForSelector('h1:text("Primo")');
      await page.fill('#merge [name=other]', sec.id);
      await submit('#merge');
      await page.waitForSelector(`#merge-preview td:text("${sec.mail}")`);
      await check('merge-preview');
      assert.equal((await api('GET', `/users/${sec.id}`, { project: projectId, key: secret })).status, 200, 'the preview changes nothing');
      await page.click('#confirm-merge');
      await page.waitForSelector('#status:text("Merged")');
      await page.waitForSelector(`#identities tbody td:text("${sec.mail}")`);
      assert.equal((await api('GET', `/users/${sec.id}`, { project: projectId, key: secret })).status, 404, 'merged away');
      // Find users by a provider of their identities.
      await page.goto(`${server.url}/console/#/p/${projectId}/users`);
      await page.getByLabel('Signed in with (provider, e.g. github)').fill('email');
      await submit('form.filters');
      await page.waitForSelector(`a:text("${prim.id}")`);
      await check('by-provider');
      await page.click(`a:text("${prim.id}")`);
      await page.waitForSelector('h1:text("Primo")');
      page.once('dialog', (d) => d.accept());
      await page.click(`#identities button[aria-label="Unlink email ${sec.mail}"]`);
      await page.waitForSelector('#status:text("Unlinked")');
      assert.equal((await api('GET', `/users/${sec.id}`, { project: projectId, key: secret })).status, 200, 'split out again');
      await page.waitForSelector('td:text("user.unlink")');
      await check('linking');

      // 10. The other screens load clean.
      await page.goto(`${server.url}/console/#/p/${projectId}/dashboard`);
      await page.waitForSelector('svg.chart');
      assert.equal(await page.locator('#users-total').textContent(), String(3 + CROWD));
      await check('dashboard');
      await page.goto(`${server.url}/console/#/p/${projectId}/templates`);
      await page.waitForSelector('h3:text("Choose a template")');
      await submit('main form');
      await page.waitForSelector('textarea');
      await check('templates');
      await page.goto(`${server.url}/console/#/p/${projectId}/oauth`);
      await page.waitForSelector('summary:text("GitHub")');
      const callbacks = await page.locator('input[readonly]').evaluateAll((els) => els.map((el) => el.value));
      assert.ok(callbacks.includes(`${server.url}/v1/account/sessions/oauth2/callback/github/${projectId}`), callbacks.slice(0, 3).join('\n'));
      await check('oauth');
      await page.goto(`${server.url}/console/#/p/${projectId}/smtp`);
      await page.waitForSelector('h3:text("Send a test mail")');
      await check('smtp');
      await page.goto(`${server.url}/console/#/admins`);
      await page.waitForSelector('h1:text("Administrators")');
      await page.getByLabel('Email', { exact: true }).fill(email('second'));
      await submit('main form');
      assert.match(await page.locator('#admin-link').inputValue(), /\/console\/#\/welcome\?secret=/);
      await check('admins');
      // A mail the project's SMTP server refuses fails for good; the jobs
      // screen retries it once the server takes mail again.
      const smtp = await refusingSMTP();
      t.after(() => smtp.close());
      const smtpSet = await api('PATCH', `/projects/${projectId}/smtp`, { key: server.adminKey, body: {
        enabled: true, senderEmail: 'noreply@example.com', senderName: 'Console e2e', host: '127.0.0.1', port: smtp.port, secure: '' } });
      assert.equal(smtpSet.status, 200, JSON.stringify(smtpSet.body));
      const rec = await api('POST', '/account/recovery', { project: projectId, body: { email: prim.mail, url: 'https://app.example.com/reset' } });
      assert.equal(rec.status, 201, JSON.stringify(rec.body));
      const failed = await waitFor(async () => {
        const r = await api('GET', '/gatehouse/jobs?state=failed', { key: server.adminKey });
        return r.body.jobs.find((j) => j.lastError.includes('refused a recipient'));
      }, 'the refused mail fails');
      await page.goto(`${server.url}/console/#/jobs`);
      await page.waitForSelector('h1:text("Background jobs")');
      await page.waitForSelector(`td:text("${failed.lastError}")`);
      await check('jobs');
      smtp.refuse = false;
      await page.click(`button[aria-label="Retry job ${failed.$id}"]`);
      await page.waitForSelector('#status:text("Queued again")');
      await waitFor(async () => smtp.received.includes(prim.mail.toLowerCase()), 'the retried mail arrives');
      await waitFor(async () => {
        const r = await api('GET', '/gatehouse/jobs?state=done', { key: server.adminKey });
        return r.body.jobs.some((j) => j.$id === failed.$id);
      }, 'the job is done');
      await page.goto(`${server.url}/console/#/account`);
      await page.waitForSelector('h1:text("Your account")');
      await check('account');

      // 11. The administrator's own log names what it did.
      const logs = await api('GET', '/account/logs', { session: decodeURIComponent(sessionCookie.value) });
      assert.equal(logs.status, 200, JSON.stringify(logs.body));
      const events = logs.body.logs.map((l) => l.event);
      for (const ev of ['projects.create', `projects.${projectId}.platforms.create`, `projects.${projectId}.keys.create`,
        `projects.${projectId}.users.${userId}.status.update`, `projects.${projectId}.users.${userId}.sessions.${signIn.body.$id}.delete`]) {
        assert.ok(events.includes(ev), `admin log lacks ${ev}: ${events.join(', ')}`);
      }

      // 12. Turn on TOTP from the account page; the next sign-in asks for
      // a code; sign out: the session ends.
      await page.goto(`${server.url}/console/#/account`);
      await page.click('button:text("Set up an authenticator app")');
      const key = await page.getByLabel('Key', { exact: true }).inputValue();
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30 });
      const step = Math.floor(Date.now() / 30000);
      await page.getByLabel('Code from the app').fill(totp.generate({ timestamp: step * 30000 }));
      await page.click('button:text("Verify and turn on")');
      await page.waitForSelector('.notice pre');
      await check('mfa-on');
      await page.click('#signout');
      await page.waitForSelector('h1:text("Sign in to the console")');
      await page.getByLabel('Email').fill(adminMail);
      await page.getByLabel('Password').fill(PASSWORD);
      await submit('main form');
      await page.waitForSelector('h1:text("Second factor")');
      await check('mfa-challenge', { expected401: true });
      // The next step's code: the enrolment spent this one.
      await page.getByLabel('Code').fill(totp.generate({ timestamp: (step + 1) * 30000 }));
      await submit('main form');
      await page.waitForSelector('h1:text("Projects")');
      const second = (await browser.cookies(server.url)).find((c) => c.name === 'a_session_console');
      assert.equal((await api('GET', '/projects', { session: decodeURIComponent(second.value) })).status, 200);
      await page.click('#signout');
      await page.waitForSelector('h1:text("Sign in to the console")');
      assert.equal((await api('GET', '/projects', { session: decodeURIComponent(second.value) })).status, 401);
      t.diagnostic(`screenshots: ${shots.join(', ')}`);
    });

    // A passkey for an administrator: added on the account page, then
    // the only thing it signs in with. WebAuthn needs a secure context
    // and a domain, so the console is opened on http://localhost:<port>
    // (its relying party is then "localhost").
    test('add a passkey on the account page, sign out, sign in with it', { timeout: 120000 }, async (t) => {
      const headers = { 'X-Appwrite-Project': 'console', 'content-type': 'application/json' };
      const mail = email('pkadmin');
      const made = await api('POST', '/console/admins', { key: server.adminKey, body: { email: mail, name: 'Passkey Admin' } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const q = new URLSearchParams(made.body.url.split('?')[1]);
      const set = await fetch(`${server.endpoint}/account/recovery`, { method: 'PUT', headers,
        body: JSON.stringify({ userId: q.get('userId'), secret: q.get('secret'), password: PASSWORD, passwordAgain: PASSWORD }) });
      assert.equal(set.status, 200, await set.text());
      const local = `http://localhost:${new URL(server.url).port}`;

      const browser = await chromium.launch();
      t.after(() => browser.close());
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT);
      const problems = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
      page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          window.__csp = (window.__csp || []).concat(`${e.violatedDirective} ${e.blockedURI}`);
        });
      });
      const check = async (what) => {
        assert.deepEqual(await page.evaluate(() => window.__csp || []), [], `${what}: CSP violations`);
        const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
          .filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
          .map((el) => el.outerHTML));
        assert.deepEqual(unlabelled, [], `${what}: form controls without a label`);
        assert.deepEqual(problems, [], `${what}: browser console`);
        fs.mkdirSync(chromium.outputDir, { recursive: true });
        await page.screenshot({ path: path.join(chromium.outputDir, `console-${what}-${env.engine || 'db'}.png`), fullPage: true });
      };

      // A platform authenticator that keeps discoverable credentials and
      // verifies its user.
      const cdp = await browser.newCDPSession(page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
          isUserVerified: true, automaticPresenceSimulation: true,
        },
      });

      await page.goto(`${local}/console/#/signin`);
      await page.waitForSelector('h1:text("Sign in to the console")');
      await page.getByLabel('Email').fill(mail);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.click('main form button[type=submit]');
      await page.waitForSelector('h1:text("Projects")');

      // Add one with a name, rename it.
      await page.goto(`${local}/console/#/account`);
      await page.waitForSelector('h1:text("Your account")');
      await page.getByLabel('Name of the new passkey').fill('Laptop');
      await page.click('#passkey-add button[type=submit]');
      await page.waitForSelector('#status:text("Passkey added.")');
      await page.getByLabel('New name of passkey Laptop').fill('Work laptop');
      await page.click('#passkeys form.inline button[type=submit]');
      await page.waitForSelector('#status:text("Passkey renamed.")');
      await page.waitForSelector('#passkeys td:text-is("Work laptop")');
      await check('passkeys');
      const creds = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
      assert.equal(creds.length, 1);
      assert.equal(creds[0].rpId, 'localhost');
      assert.ok(creds[0].isResidentCredential, 'a discoverable credential');

      // Sign out; the passkey button alone signs in again.
      await page.click('#signout');
      await page.waitForSelector('h1:text("Sign in to the console")');
      await check('signin-passkey');
      await page.focus('#passkey-signin');
      await page.keyboard.press('Enter');
      await page.waitForSelector('h1:text("Projects")');
      const cookie = (await browser.cookies(local)).find((c) => c.name === 'a_session_console');
      assert.ok(cookie, 'a console session cookie');
      const me = await api('GET', '/account/sessions/current', { session: decodeURIComponent(cookie.value) });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.equal(me.body.provider, 'passkey');
      assert.equal((await api('GET', '/projects', { session: decodeURIComponent(cookie.value) })).status, 200);
      assert.deepEqual(problems, [], 'browser console');
    });
  });
};
