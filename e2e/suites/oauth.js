'use strict';
// OAuth2 sign-in end to end: headless Chromium on a small static page
// (e2e/pages/oauth) that uses the official appwrite web SDK's browser
// build, Gatehouse, and a real OpenID provider in a process of its own
// (e2e/oidcprovider, the Go tests' oidctest). The project's `oidc`
// provider is configured with the console SDK; the browser goes to the
// provider and back through real redirects.
//
// The session flow runs with the page and the API on one site
// (app.gatehouse.test and api.gatehouse.test, which Chromium resolves to
// 127.0.0.1): the session cookie set on the callback is the API's own
// first-party cookie. The token flow is the way for an app on another
// site, so it runs with the page on localhost and the API on 127.0.0.1,
// where the SDK then keeps the session in X-Fallback-Cookies.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { describe, test, before, after } = require('node:test');
const { consoleClient, newProject, email, node } = require('../lib/sdk');
const chromium = require('../lib/chromium');
const { startProvider } = require('../lib/oidcprovider');

const PASSWORD = 'correct horse battery';
const WAIT = 15000;
const pageDir = path.resolve(__dirname, '..', 'pages', 'oauth');
const sdkFile = path.join(path.dirname(require.resolve('appwrite27/package.json')), 'dist', 'iife', 'sdk.js');

/** pageServer serves the SDK, page.js, and index.html on every other path. */
function pageServer() {
  const files = {
    '/appwrite.js': sdkFile,
    '/page.js': path.join(pageDir, 'page.js'),
  };
  return http.createServer((req, res) => {
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET' }).end();
      return;
    }
    const { pathname } = new URL(req.url, 'http://page.invalid');
    const file = files[pathname] || path.join(pageDir, 'index.html');
    const type = file.endsWith('.js') ? 'text/javascript' : 'text/html';
    fs.readFile(file, (err, body) => {
      if (err) {
        res.writeHead(500).end(err.message);
        return;
      }
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store' }).end(body);
    });
  });
}

module.exports = function oauthSuite(env) {
  const why = chromium.missing();
  const skip = why && !process.env.CI ? why : false;

  describe('OAuth2 through an OpenID provider, appwrite web SDK in Chromium', { skip }, () => {
    let idp;
    let pages;
    let project; // linking mode: automatic (the default)
    let linkProject; // linking mode: suggested
    const sites = {};

    // setUp makes a project whose `oidc` provider is idp, with both page
    // hosts as web platforms, and the given linking mode.
    const setUp = async (name, mode) => {
      const server = env.server;
      const p = await newProject(server, name);
      const { projects } = consoleClient(server);
      const secret = JSON.stringify({ clientSecret: idp.clientSecret, wellKnownEndpoint: idp.wellKnown });
      const updated = await projects.updateOAuth2({
        projectId: p.$id, provider: 'oidc', appId: idp.clientId, secret, enabled: true,
      });
      const oidc = updated.oAuthProviders.find((o) => o.key === 'oidc');
      assert.ok(oidc && oidc.enabled && oidc.appId === idp.clientId, JSON.stringify(oidc));
      for (const hostname of ['app.gatehouse.test', 'localhost']) {
        await projects.createPlatform({ projectId: p.$id, type: 'web', name: hostname, hostname });
      }
      if (mode) {
        const res = await fetch(`${server.endpoint}/projects/${p.$id}/auth/linking`, {
          method: 'PATCH',
          headers: { 'X-Appwrite-Project': 'console', 'X-Appwrite-Key': server.adminKey, 'content-type': 'application/json' },
          body: JSON.stringify({ mode }),
        });
        const body = await res.text();
        assert.equal(res.status, 200, `PATCH auth/linking: ${body}`);
        assert.equal(JSON.parse(body).authLinkingMode, mode);
      }
      return p;
    };

    before(async () => {
      assert.equal(why, null, why || '');
      pages = pageServer();
      const [provider] = await Promise.all([
        startProvider(),
        new Promise((resolve, reject) => {
          pages.once('error', reject);
          pages.listen(0, '127.0.0.1', resolve);
        }),
      ]);
      idp = provider;
      const port = pages.address().port;
      sites.same = { origin: `http://app.gatehouse.test:${port}`, endpoint: env.server.endpoint.replace('//127.0.0.1:', '//api.gatehouse.test:') };
      sites.cross = { origin: `http://localhost:${port}`, endpoint: env.server.endpoint };
      [project, linkProject] = await Promise.all([setUp('oauth'), setUp('oauth, suggested linking', 'suggested')]);
    }, { timeout: 120000 });

    after(async () => {
      if (pages) await new Promise((resolve) => pages.close(resolve));
      if (idp) {
        const exit = await idp.stop();
        assert.equal(exit.code, 0, `the provider exited with ${exit.code ?? exit.signal}`);
      }
    });

    // open starts a browser on the page, for a project on a site; it is
    // closed when the test ends. navigations lists every page load the
    // browser made, redirects included.
    const open = async (t, p, site) => {
      const browser = await chromium.launch({ loopbackNames: ['*.gatehouse.test'] });
      t.after(() => browser.close());
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT);
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      t.after(() => assert.deepEqual(errors, [], 'errors in the page'));
      const navigations = [];
      page.on('request', (r) => { if (r.isNavigationRequest()) navigations.push(new URL(r.url())); });
      const q = new URLSearchParams({ endpoint: site.endpoint, project: p.$id });
      await page.goto(`${site.origin}/?${q}`);
      await page.waitForSelector('body[data-ready="true"]');
      return { browser, page, navigations };
    };

    // signInWith presses "sign in with the provider" (kind 'session' or
    // 'token') and resolves to where the browser came back.
    const signInWith = async (page, kind) => {
      const back = page.waitForURL((u) => u.pathname === '/ok' || u.pathname === '/fail');
      await page.evaluate((k) => window.app.start(k), kind);
      await back;
      await page.waitForSelector('body[data-ready="true"]');
      return page.evaluate(() => window.app.landed());
    };

    const call = (page, fn, ...args) => page.evaluate(([f, a]) => window.app[f](...a), [fn, args]);
    const ok = (r, what) => {
      assert.ok(r && !r.error, `${what}: ${JSON.stringify(r && r.error)}`);
      return r.ok;
    };
    const failsWith = (r, code, type, what) => {
      assert.ok(r.error, `${what}: expected ${code} ${type}, got ${JSON.stringify(r.ok)}`);
      assert.deepEqual({ code: r.error.code, type: r.error.type }, { code, type }, `${what}: ${r.error.message}`);
    };

    let annId;
    const annMail = email('ann.oidc');

    test('createOAuth2Session: to the provider and back, signed in as its user', { timeout: 60000 }, async (t) => {
      const { browser, page, navigations } = await open(t, project, sites.same);
      await idp.addUser('sub-ann', annMail, true, 'Ann Provider');
      await idp.next('sub-ann');

      const landed = await signInWith(page, 'session');
      assert.deepEqual(landed, { path: '/ok', params: {} });
      // The browser really went API → provider → API callback → page.
      const hops = navigations.map((u) => `${u.host}${u.pathname}`);
      const api = new URL(sites.same.endpoint).host;
      const want = [
        `${api}/v1/account/sessions/oauth2/oidc`,
        `${new URL(idp.url).host}/authorize`,
        `${api}/v1/account/sessions/oauth2/callback/oidc/${project.$id}`,
        `${new URL(sites.same.origin).host}/ok`,
      ];
      assert.deepEqual(hops.slice(-4), want, hops.join('\n'));

      const me = ok(await call(page, 'me'), 'account.get');
      assert.equal(me.email, annMail.toLowerCase());
      assert.equal(me.name, 'Ann Provider');
      assert.equal(me.emailVerification, true, 'verified, as the provider said');
      annId = me.$id;
      const ids = ok(await call(page, 'identities'), 'account.listIdentities');
      assert.equal(ids.total, 1, JSON.stringify(ids));
      assert.equal(ids.identities[0].provider, 'oidc');
      assert.equal(ids.identities[0].providerUid, 'sub-ann');
      assert.equal(ids.identities[0].providerEmail, annMail.toLowerCase());
      assert.equal(ids.identities[0].userId, annId);

      // One site: the API's cookie carries the session, no fallback.
      const cookies = await browser.cookies(sites.same.endpoint);
      assert.ok(cookies.some((c) => c.name === `a_session_${project.$id}`), cookies.map((c) => c.name).join());
      assert.equal(await page.evaluate(() => window.localStorage.getItem('cookieFallback')), null);
    });

    test('createOAuth2Token on another site: userId and secret, then createSession', { timeout: 60000 }, async (t) => {
      const { page } = await open(t, project, sites.cross);
      const boMail = email('bo.oidc');
      await idp.addUser('sub-bo', boMail, false, 'Bo Provider');
      await idp.next('sub-bo');

      const landed = await signInWith(page, 'token');
      assert.equal(landed.path, '/ok');
      assert.deepEqual(Object.keys(landed.params).sort(), ['secret', 'userId']);
      failsWith(await call(page, 'me'), 401, 'general_unauthorized_scope', 'the token alone signs nobody in');

      const session = ok(await call(page, 'finishToken'), 'account.createSession');
      assert.equal(session.userId, landed.params.userId);
      assert.equal(session.provider, 'oauth2');
      const me = ok(await call(page, 'me'), 'account.get');
      assert.equal(me.$id, landed.params.userId);
      assert.equal(me.email, boMail.toLowerCase());
      assert.equal(me.name, 'Bo Provider');
      assert.equal(me.emailVerification, false, 'unverified, as the provider said');
      const ids = ok(await call(page, 'identities'), 'account.listIdentities');
      assert.deepEqual(ids.identities.map((i) => [i.provider, i.providerUid]), [['oidc', 'sub-bo']]);
      // Another site: the SDK keeps the session in its localStorage.
      const fallback = await page.evaluate(() => window.localStorage.getItem('cookieFallback'));
      assert.ok(fallback && fallback.includes(`a_session_${project.$id}`), `cookieFallback: ${fallback}`);

      // The provider's known user comes back to the account made before.
      if (annId) {
        await idp.next('sub-ann');
        const again = await signInWith(page, 'token');
        assert.equal(again.params.userId, annId, 'the identity signs Ann into her account');
      }
    });

    test('the provider refuses: the failure URL with an Appwrite error', { timeout: 60000 }, async (t) => {
      const { page } = await open(t, project, sites.same);
      await idp.next('sub-ann');
      await idp.deny();
      const landed = await signInWith(page, 'session');
      assert.equal(landed.path, '/fail');
      assert.deepEqual(Object.keys(landed.params), ['error']);
      const { error } = landed.params;
      assert.equal(error.type, 'user_oauth2_provider_error');
      assert.equal(error.code, 424);
      assert.match(error.message, /access_denied/);
      failsWith(await call(page, 'me'), 401, 'general_unauthorized_scope', 'no session after a refusal');
    });

    test('suggested linking: user_link_suggested, sign in, confirm with the linkToken', { timeout: 60000 }, async (t) => {
      const { projects } = consoleClient(env.server);
      const key = await projects.createKey({ projectId: linkProject.$id, name: 'users', scopes: ['users.read', 'users.write'] });
      const users = new node.Users(new node.Client().setEndpoint(env.server.endpoint).setProject(linkProject.$id).setKey(key.secret));
      const eveMail = email('eve');
      const eve = await users.create({ userId: node.ID.unique(), email: eveMail, password: PASSWORD, name: 'Eve' });
      await users.updateEmailVerification({ userId: eve.$id, emailVerification: true });
      await idp.addUser('sub-eve', eveMail, true, 'Eve at the provider');
      await idp.next('sub-eve');

      const { page } = await open(t, linkProject, sites.same);
      const landed = await signInWith(page, 'session');
      assert.equal(landed.path, '/fail');
      assert.equal(landed.params.error.type, 'user_link_suggested', JSON.stringify(landed.params.error));
      assert.equal(landed.params.error.code, 409);
      const { linkToken } = landed.params;
      assert.ok(typeof linkToken === 'string' && linkToken.length >= 32, `linkToken ${linkToken}`);
      failsWith(await call(page, 'me'), 401, 'general_unauthorized_scope', 'a suggestion signs nobody in');
      assert.equal((await users.list()).total, 1, 'no user was made');
      assert.equal((await users.listIdentities()).total, 0, 'nothing was linked yet');

      // Eve signs in the way she usually does and confirms.
      assert.equal(ok(await call(page, 'signIn', eveMail, PASSWORD), 'password sign-in').userId, eve.$id);
      const answer = page.waitForResponse((r) => r.url().endsWith('/account/identities/link'));
      const identity = ok(await call(page, 'confirmLink', linkToken), 'confirm the link');
      assert.equal((await answer).status(), 201);
      assert.equal(identity.userId, eve.$id);
      assert.equal(identity.provider, 'oidc');
      assert.equal(identity.providerUid, 'sub-eve');
      assert.equal(identity.providerEmail, eveMail.toLowerCase());
      failsWith(await call(page, 'confirmLink', linkToken), 401, 'user_invalid_token', 'a link token works once');

      // From now on the provider signs Eve into her account.
      ok(await call(page, 'signOut'), 'sign out');
      await idp.next('sub-eve');
      const back = await signInWith(page, 'session');
      assert.deepEqual(back, { path: '/ok', params: {} });
      const me = ok(await call(page, 'me'), 'account.get');
      assert.equal(me.$id, eve.$id);
      assert.equal(me.name, 'Eve');
      const ids = ok(await call(page, 'identities'), 'account.listIdentities');
      assert.deepEqual(ids.identities.map((i) => [i.provider, i.providerUid]), [['oidc', 'sub-eve']]);
      assert.equal((await users.list()).total, 1, 'still one user');
    });
  });
};
