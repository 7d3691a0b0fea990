'use strict';
// examples/link-accounts in headless Chromium: a person signs in three
// ways on one browser, switches between the accounts, links two of them
// into one, unlinks one again, and signs out. The page uses the official
// appwrite web SDK (its browser build, served from node_modules); this
// drives it through the DOM only and saves a screenshot to e2e/output/.
//
// Two ways a browser app reaches Gatehouse, one per engine:
// - db=sqlite: page on http://localhost:<port>, API on http://127.0.0.1:<port>,
//   another site: the browser keeps no cookies for the API and the SDK
//   carries the sessions in X-Fallback-Cookies (its localStorage).
// - db=postgres: page on http://app.gatehouse.test:<port>, API on
//   http://api.gatehouse.test:<port>, one site (Chromium resolves both names
//   to 127.0.0.1): the browser's cookies carry the sessions, and the server
//   sends no fallback.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test, before, after } = require('node:test');
const { consoleClient, newProject, email } = require('../lib/sdk');
const chromium = require('../lib/chromium');
const { createServer: createPageServer } = require('../../examples/link-accounts/serve');

const PASSWORD = 'correct horse battery';
const WAIT = 15000;

// The example pins its own appwrite; the test serves the one of e2e/,
// which must be the same version.
const examplePkg = require('../../examples/link-accounts/package.json');
const sdkPkgPath = require.resolve('appwrite27/package.json');
const sdkFile = path.join(path.dirname(sdkPkgPath), 'dist', 'iife', 'sdk.js');

module.exports = function linkPageSuite(env) {
  const why = chromium.missing();
  const skip = why && !process.env.CI ? why : false;

  describe('examples/link-accounts in Chromium', { skip }, () => {
    let project;
    let singleProject;
    let pages;
    let pageUrl;
    let endpoint;
    let sameSite;

    before(async () => {
      assert.equal(why, null, why || '');
      const server = env.server;
      sameSite = env.engine === 'postgres';
      endpoint = sameSite ? server.endpoint.replace('//127.0.0.1:', '//api.gatehouse.test:') : server.endpoint;
      const pageHost = sameSite ? 'app.gatehouse.test' : 'localhost';

      project = await newProject(server, 'link-accounts example');
      const { projects } = consoleClient(server);
      await projects.createPlatform({ projectId: project.$id, type: 'web', name: 'example page', hostname: pageHost });
      const res = await fetch(`${server.endpoint}/projects/${project.$id}/auth/multi-accounts`, {
        method: 'PATCH',
        headers: {
          'X-Appwrite-Project': 'console',
          'X-Appwrite-Key': server.adminKey,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ enabled: true }),
      });
      const body = await res.text();
      assert.equal(res.status, 200, `PATCH auth/multi-accounts: ${body}`);
      assert.equal(JSON.parse(body).authMultiAccounts, true);

      singleProject = await newProject(server, 'one account per browser');
      await projects.createPlatform({ projectId: singleProject.$id, type: 'web', name: 'example page', hostname: pageHost });
      assert.equal(singleProject.authMultiAccounts, false, 'several accounts are off by default');

      pages = createPageServer({ sdkFile });
      await new Promise((resolve, reject) => {
        pages.once('error', reject);
        pages.listen(0, '127.0.0.1', resolve);
      });
      const q = new URLSearchParams({ endpoint, project: project.$id });
      pageUrl = `http://${pageHost}:${pages.address().port}/?${q}`;
    });

    after(async () => {
      if (pages) await new Promise((resolve) => pages.close(resolve));
    });

    test('the example pins the appwrite version e2e serves it', () => {
      assert.equal(examplePkg.dependencies.appwrite, require(sdkPkgPath).version);
    });

    test('sign in three ways, switch, link, unlink, sign out', { timeout: 120000 }, async (t) => {
      const started = Date.now();
      const browser = await chromium.launch({ loopbackNames: ['*.gatehouse.test'] });
      t.after(() => browser.close());
      const page = await browser.newPage();
      const pageErrors = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));
      const consoleLines = [];
      page.on('console', (m) => { if (m.type() === 'error') consoleLines.push(m.text()); });
      page.setDefaultTimeout(WAIT);
      t.diagnostic(`chromium up in ${Date.now() - started} ms; API ${sameSite ? 'same-site (cookies)' : 'cross-site (X-Fallback-Cookies)'}`);

      // act clicks (or does) something that starts one action of the page
      // and waits for the page to finish it; it fails on an error shown.
      const act = async (what, fn, { fails = false } = {}) => {
        const before = await page.evaluate(() => Number(document.body.dataset.done || 0));
        await fn();
        await page.waitForFunction((n) => Number(document.body.dataset.done || 0) > n, before);
        const status = await page.locator('#status').evaluate((el) => ({ kind: el.className, text: el.textContent }));
        assert.equal(status.kind, fails ? 'error' : 'ok',
          `${what}: the page says: ${status.text}\nbrowser console errors:\n${consoleLines.slice(-5).join('\n')}`);
        return status.text;
      };
      const text = (sel) => page.locator(sel).textContent();
      const currentId = () => text('#current-id');
      const deviceAccounts = () => page.locator('#device-accounts li').evaluateAll((lis) => lis.map((li) => ({
        userId: li.dataset.userId, current: li.dataset.current === 'true', label: li.querySelector('.who').textContent,
      })));
      const identities = () => page.locator('#identities tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        provider: tr.dataset.provider, providerUid: tr.dataset.providerUid, profile: tr.querySelector('.profile').textContent,
      })));
      const signUp = (name, mail, opts) => act(`sign up ${name}`, async () => {
        await page.fill('#sign-in-form [name=name]', name);
        await page.fill('#sign-in-form [name=email]', mail);
        await page.fill('#sign-in-form [name=password]', PASSWORD);
        await page.click('#sign-up-button');
      }, opts);
      const onRow = (userId, action) => page.click(`#device-accounts li[data-user-id="${userId}"] button[data-action="${action}"]`);

      await page.goto(pageUrl);
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.isVisible('#device-empty'), true, 'a new browser holds no account');
      assert.equal(await page.isVisible('#current-account'), false);

      // 1. A guest, then Ann, then Bob, all on this browser.
      await act('continue anonymously', () => page.click('#anonymous-button'));
      const guestId = await currentId();
      assert.equal(await text('#current-email'), '(no email)');

      const annMail = email('ann');
      await signUp('Ann', annMail);
      const annId = await currentId();
      assert.equal(await text('#current-name'), 'Ann');
      assert.deepEqual((await deviceAccounts()).map((a) => [a.userId, a.current]).sort(), [[guestId, false], [annId, true]].sort(),
        'the guest stays signed in next to Ann, who is current');

      const bobMail = email('bob');
      await signUp('Bob', bobMail);
      const bobId = await currentId();
      assert.equal(await text('#current-name'), 'Bob');
      let device = await deviceAccounts();
      assert.equal(device.length, 3, JSON.stringify(device));
      assert.deepEqual(device.filter((a) => a.current).map((a) => a.userId), [bobId]);
      assert.deepEqual(new Set(device.map((a) => a.userId)), new Set([guestId, annId, bobId]));

      // Where the browser keeps the three sessions.
      const fallback = await page.evaluate(() => window.localStorage.getItem('cookieFallback'));
      const cookies = (await browser.cookies(endpoint)).filter((c) => c.name.startsWith(`a_session_${project.$id}`));
      if (sameSite) {
        assert.ok(cookies.length > 0, 'same-site: the browser holds the session cookies');
        assert.equal(fallback, null, 'same-site: no X-Fallback-Cookies, the cookies do it all');
      } else {
        assert.ok(fallback && fallback.includes(`a_session_${project.$id}`), 'cross-site: the SDK keeps X-Fallback-Cookies');
        assert.equal(cookies.length, 0, 'cross-site: no cookie is stored for the API');
      }

      // 2. Switch to the guest and to Ann.
      await act('switch to the guest', () => onRow(guestId, 'switch'));
      assert.equal(await currentId(), guestId);
      await act('switch to Ann', () => onRow(annId, 'switch'));
      assert.equal(await currentId(), annId);
      assert.deepEqual((await deviceAccounts()).filter((a) => a.current).map((a) => a.userId), [annId]);
      // What the browser holds now, Ann current, to be replayed at the end.
      const held = sameSite
        ? await browser.cookies(endpoint)
        : await page.evaluate(() => window.localStorage.getItem('cookieFallback'));

      // 3. Ann links Bob: Bob's email becomes a way into Ann, with his profile.
      assert.deepEqual(await identities(), [], 'a password account starts with no identities');
      await page.selectOption('#link-secondary', bobId);
      const linked = await act('link Bob into Ann', () => page.click('#link'));
      assert.match(linked, /Linked Bob/);
      assert.equal(await currentId(), annId, 'Ann stays the current account');
      let ids = await identities();
      assert.equal(ids.length, 1, JSON.stringify(ids));
      assert.equal(ids[0].provider, 'email');
      assert.equal(ids[0].providerUid, bobMail.toLowerCase());
      assert.match(ids[0].profile, /Bob/);
      assert.match(ids[0].profile, new RegExp(`was ${bobId}`));
      device = await deviceAccounts();
      assert.deepEqual(new Set(device.map((a) => a.userId)), new Set([guestId, annId]),
        `Bob's session ended with the link: ${JSON.stringify(device)}`);

      await page.click('#identities tbody tr details summary');
      await page.locator('#device').scrollIntoViewIfNeeded();
      fs.mkdirSync(chromium.outputDir, { recursive: true });
      const shot = path.join(chromium.outputDir, `link-accounts-${env.engine || 'db'}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      t.diagnostic(`screenshot: ${path.relative(path.resolve(__dirname, '..'), shot)}`);

      // 4. Ann links the guest too: what it had is kept in an anonymous identity.
      await page.selectOption('#link-secondary', guestId);
      await act('link the guest into Ann', () => page.click('#link'));
      ids = await identities();
      assert.deepEqual(ids.map((i) => i.provider).sort(), ['anonymous', 'email']);
      assert.equal(ids.find((i) => i.provider === 'anonymous').providerUid, guestId);
      assert.deepEqual((await deviceAccounts()).map((a) => a.userId), [annId]);

      // 5. Unlink Bob: he is an account of his own again, same id, same password.
      const unlinked = await act('unlink Bob', () => page.click('#identities tbody tr[data-provider="email"] button[data-action="unlink"]'));
      assert.match(unlinked, new RegExp(bobId));
      assert.deepEqual((await identities()).map((i) => i.provider), ['anonymous']);
      await act('sign Bob in again', async () => {
        await page.fill('#sign-in-form [name=email]', bobMail);
        await page.fill('#sign-in-form [name=password]', PASSWORD);
        await page.click('#sign-in-button');
      });
      assert.equal(await currentId(), bobId);
      assert.deepEqual((await identities()), [], 'Bob took nothing of Ann with him');
      device = await deviceAccounts();
      assert.deepEqual(device.map((a) => [a.userId, a.current]).sort(), [[annId, false], [bobId, true]].sort());

      // 6. Sign Bob out of this browser alone, then everyone.
      await act('sign Bob out', () => onRow(bobId, 'sign-out'));
      assert.equal(await currentId(), annId, 'Ann becomes current when Bob leaves');
      assert.deepEqual((await deviceAccounts()).map((a) => a.userId), [annId]);
      await act('sign out of all', () => page.click('#sign-out-all'));
      assert.equal(await page.isVisible('#current-account'), false);
      assert.equal(await page.isVisible('#device-empty'), true);

      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.isVisible('#current-account'), false, 'still signed out after a reload');

      // What the browser held before the links, put back, opens none of the
      // accounts: every one of those sessions has ended.
      if (sameSite) {
        await browser.addCookies(held);
      } else {
        await page.evaluate((v) => window.localStorage.setItem('cookieFallback', v), held);
      }
      await page.reload();
      await page.waitForSelector('body[data-ready="true"]');
      assert.equal(await page.isVisible('#current-account'), false, 'old cookies replayed: still signed out');
      assert.equal(await page.isVisible('#device-empty'), true);

      // 7. A project that keeps Appwrite's one account per browser: the page
      //    explains the refusal of a second sign-in.
      await page.goto(pageUrl.replace(project.$id, singleProject.$id));
      await page.waitForSelector('body[data-ready="true"]');
      await act('continue anonymously (one account per browser)', () => page.click('#anonymous-button'));
      const refused = await signUp('Cy', email('cy'), { fails: true });
      assert.match(refused, /user_session_already_exists|several accounts/);
      assert.equal((await deviceAccounts()).length, 1);

      assert.deepEqual(pageErrors, []);
      t.diagnostic(`flow done in ${Date.now() - started} ms`);
    });
  });
};
