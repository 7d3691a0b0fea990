'use strict';
// Passkeys in a real browser: examples/link-accounts in Debian's Chromium
// with a CDP virtual authenticator (CTAP2, internal transport, resident
// keys, user verification). Through the page only: Ann signs up with a
// password and adds a passkey, signs out and back in with the passkey
// alone, turns MFA on and uses the passkey as the second factor of a
// password sign-in; Bob adds a passkey of his own, is linked into Ann
// (his passkey moves with him) and unlinked again (it comes back); last,
// a sign-in through autofill (conditional mediation).
//
// WebAuthn needs a secure context: the page is served on
// http://localhost:<port> (a secure context), which is also the
// project's web platform, so the relying-party id is "localhost". The API
// is on http://127.0.0.1:<port>; the module comes from it (/v1/passkeys.js).

const assert = require('node:assert/strict');
const path = require('node:path');
const { describe, test, before, after } = require('node:test');
const { consoleClient, newProject, email } = require('../lib/sdk');
const chromium = require('../lib/chromium');
const { createServer: createPageServer } = require('../../examples/link-accounts/serve');

const PASSWORD = 'correct horse battery';
const WAIT = 15000;

const sdkPkgPath = require.resolve('appwrite27/package.json');
const sdkFile = path.join(path.dirname(sdkPkgPath), 'dist', 'iife', 'sdk.js');

module.exports = function passkeysSuite(env) {
  const why = chromium.missing();
  const skip = why && !process.env.CI ? why : false;

  describe('passkeys in Chromium (virtual authenticator)', { skip }, () => {
    let project;
    let pages;
    let pageUrl;

    before(async () => {
      assert.equal(why, null, why || '');
      const server = env.server;
      project = await newProject(server, 'passkeys example');
      const { projects } = consoleClient(server);
      await projects.createPlatform({ projectId: project.$id, type: 'web', name: 'example page', hostname: 'localhost' });
      const res = await fetch(`${server.endpoint}/projects/${project.$id}/auth/multi-accounts`, {
        method: 'PATCH',
        headers: { 'X-Appwrite-Project': 'console', 'X-Appwrite-Key': server.adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled: true }),
      });
      assert.equal(res.status, 200, await res.text());
      pages = createPageServer({ sdkFile });
      await new Promise((resolve, reject) => {
        pages.once('error', reject);
        pages.listen(0, '127.0.0.1', resolve);
      });
      const q = new URLSearchParams({ endpoint: server.endpoint, project: project.$id });
      pageUrl = `http://localhost:${pages.address().port}/?${q}`;
    });

    after(async () => {
      if (pages) await new Promise((resolve) => pages.close(resolve));
    });

    test('register, sign in, second factor, link, unlink', { timeout: 120000 }, async (t) => {
      const browser = await chromium.launch();
      t.after(() => browser.close());
      const page = await browser.newPage();
      const pageErrors = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      const consoleLines = [];
      page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') consoleLines.push(m.text()); });
      page.setDefaultTimeout(WAIT);

      // The virtual authenticator: a platform authenticator that keeps
      // discoverable credentials and verifies its user.
      const cdp = await browser.newCDPSession(page);
      await cdp.send('WebAuthn.enable', { enableUI: false });
      const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: {
          protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
          isUserVerified: true, automaticPresenceSimulation: true,
        },
      });
      const stored = async () => (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;

      const act = async (what, fn, { fails = false } = {}) => {
        const before = await page.evaluate(() => Number(document.body.dataset.done || 0));
        await fn();
        await page.waitForFunction((n) => Number(document.body.dataset.done || 0) > n, before);
        const status = await page.locator('#status').evaluate((el) => ({ kind: el.className, text: el.textContent }));
        assert.equal(status.kind, fails ? 'error' : 'ok',
          `${what}: the page says: ${status.text}\nbrowser console:\n${consoleLines.slice(-5).join('\n')}`);
        return status.text;
      };
      const text = (sel) => page.locator(sel).textContent();
      const currentId = () => text('#current-id');
      const passkeyNames = () => page.locator('#passkeys li .who').evaluateAll((els) => els.map((e) => e.firstChild.textContent.trim()));
      const identities = () => page.locator('#identities tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        provider: tr.dataset.provider, providerUid: tr.dataset.providerUid, label: tr.cells[0].textContent,
      })));
      const fill = async (fields) => {
        for (const [name, value] of Object.entries(fields)) await page.fill(`#sign-in-form [name=${name}]`, value);
      };

      await page.goto(pageUrl);
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.isVisible('#passkey-sign-in'), true, 'the page loaded the passkeys module from Gatehouse');

      // 1. Ann signs up with a password and adds a passkey.
      const annMail = email('ann');
      await act('sign up Ann', async () => {
        await fill({ name: 'Ann', email: annMail, password: PASSWORD });
        await page.click('#sign-up-button');
      });
      const annId = await currentId();
      await page.fill('#passkey-name', 'Ann laptop');
      await act('add a passkey', () => page.click('#add-passkey'));
      assert.deepEqual(await passkeyNames(), ['Ann laptop']);
      let creds = await stored();
      assert.equal(creds.length, 1, 'the authenticator holds one passkey');
      assert.equal(creds[0].isResidentCredential, true);
      assert.equal(creds[0].rpId, 'localhost');
      let ids = await identities();
      assert.equal(ids.length, 1, JSON.stringify(ids));
      assert.equal(ids[0].provider, 'passkey');
      assert.match(ids[0].label, /Ann laptop \(platform\)/);

      // 2. Signed out, Ann comes back with the passkey alone (the browser
      //    offers it; no email typed).
      await act('sign out', () => page.click('#sign-out-all'));
      assert.equal(await page.isVisible('#current-account'), false);
      await act('sign in with the passkey', () => page.click('#passkey-sign-in'));
      assert.equal(await currentId(), annId);
      assert.ok((await stored())[0].signCount >= 2, 'the authenticator signed twice');

      // 3. MFA on; a password sign-in then owes the passkey as its second factor.
      await act('turn MFA on', () => page.click('#mfa-toggle'));
      assert.equal(await text('#mfa-state'), 'on');
      await act('sign out', () => page.click('#sign-out-all'));
      await act('sign in with the password', async () => {
        await fill({ email: annMail, password: PASSWORD });
        await page.click('#sign-in-button');
      });
      assert.equal(await page.isVisible('#mfa'), true, 'the page asks for the second factor');
      assert.equal(await page.isVisible('#current-account'), false);
      await act('verify with the passkey', () => page.click('#mfa-passkey'));
      assert.equal(await page.isVisible('#mfa'), false);
      assert.equal(await currentId(), annId);

      // 4. Bob signs up next to Ann and adds a passkey of his own.
      const bobMail = email('bob');
      await act('sign up Bob', async () => {
        await fill({ name: 'Bob', email: bobMail, password: PASSWORD });
        await page.click('#sign-up-button');
      });
      const bobId = await currentId();
      await page.fill('#passkey-name', 'Bob key');
      await act('Bob adds a passkey', () => page.click('#add-passkey'));
      assert.equal((await stored()).length, 2);

      // 5. Ann links Bob: his passkey is among Ann's identities now.
      await act('switch to Ann', () => page.click(`#device-accounts li[data-user-id="${annId}"] button[data-action="switch"]`));
      await page.selectOption('#link-secondary', bobId);
      await act('link Bob into Ann', () => page.click('#link'));
      ids = await identities();
      const bobKey = ids.find((i) => /Bob key/.test(i.label));
      assert.ok(bobKey, `Bob's passkey moved to Ann: ${JSON.stringify(ids)}`);
      assert.deepEqual((await passkeyNames()).sort(), ['Ann laptop', 'Bob key']);
      await act('sign out', () => page.click('#sign-out-all'));
      await fill({ email: bobMail });
      await act("Bob's passkey opens Ann", () => page.click('#passkey-sign-in'));
      assert.equal(await currentId(), annId);

      // 6. Unlink Bob's passkey: Bob is his own account again, with it.
      await act("unlink Bob's passkey", () => page.click(`#identities tbody tr[data-provider-uid="${bobKey.providerUid}"] button[data-action="unlink"]`));
      assert.deepEqual(await passkeyNames(), ['Ann laptop']);
      await act('sign out', () => page.click('#sign-out-all'));
      await fill({ email: bobMail });
      await act("Bob's passkey opens Bob", () => page.click('#passkey-sign-in'));
      assert.equal(await currentId(), bobId);
      assert.deepEqual(await passkeyNames(), ['Bob key']);

      // 7. Autofill (conditional mediation): the browser offers the site's
      //    passkeys in the email field; the virtual authenticator picks one.
      await act('sign out', () => page.click('#sign-out-all'));
      assert.equal(await page.isVisible('#passkey-autofill'), true, 'Chromium offers passkeys in autofill');
      await act('sign in from autofill', () => page.click('#passkey-autofill'));
      assert.ok([annId, bobId].includes(await currentId()), 'a passkey from autofill signed someone in');

      assert.deepEqual(pageErrors, []);
    });
  });
};
