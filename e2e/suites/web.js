'use strict';
// The Account API through the official web SDK (appwrite 18.2.0 and
// 27.0.0), each in its own calling style, with the session kept the way a
// cross-site browser app keeps it: X-Fallback-Cookies in localStorage.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  web, webClient, consoleClient, newProject, email, rejects, plain, MemoryStorage,
} = require('../lib/sdk');

const PASSWORD = 'correct horse battery';

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;

module.exports = function webSuite(env) {
  for (const target of web) {
    const { sdk } = target;

    describe(`web appwrite@${target.version}`, () => {
      let server;
      let project;

      // A fresh client in a fresh "browser" (its own localStorage).
      const browser = (storage = new MemoryStorage()) => webClient(target, server, project.$id, { browser: storage });

      // Signs a new user up and in; returns the client and what it made.
      async function signedIn(opts = {}) {
        const account = browser();
        const mail = email(opts.tag);
        const user = await account.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD, name: opts.name });
        const session = await account.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
        return { account, user, session, email: mail };
      }

      before(async () => {
        server = env.server;
        project = await newProject(server, `web ${target.version}`);
      });

      test('client.ping() answers Pong!', async () => {
        const account = browser();
        const res = await account.client.ping();
        assert.equal(typeof res === 'string' ? res : res.message, 'Pong!');
      });

      test('create, sign in through X-Fallback-Cookies, get', async () => {
        const account = browser();
        const mail = email('Ann');
        const user = await account.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD, name: 'Ann' });
        assert.match(user.$id, /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,35}$/);
        assert.equal(user.email, mail.toLowerCase());
        assert.equal(user.name, 'Ann');
        assert.equal(user.status, true);
        assert.deepEqual(plain(user.prefs), {});
        assert.equal(user.password, undefined, 'the Account model has no password');
        assert.match(user.registration, DATETIME);
        assert.equal(account.storage.getItem('cookieFallback'), null, 'sign-up makes no session');

        const session = await account.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
        assert.equal(session.userId, user.$id);
        assert.equal(session.provider, 'email');
        assert.equal(session.providerUid, mail.toLowerCase());
        assert.equal(session.current, true);
        assert.equal(session.secret, '', 'secret is blanked for clients');
        assert.deepEqual(plain(session.factors), ['password']);
        assert.match(session.expire, DATETIME);

        const fallback = JSON.parse(account.storage.getItem('cookieFallback'));
        const key = `a_session_${project.$id}`;
        assert.deepEqual(Object.keys(fallback), [key], 'X-Fallback-Cookies is keyed by a_session_<projectId>');
        const decoded = JSON.parse(Buffer.from(fallback[key], 'base64').toString());
        assert.equal(decoded.id, user.$id);
        assert.match(decoded.secret, /^.{16,}$/);

        const me = await account.call('get');
        assert.equal(me.$id, user.$id);
        assert.equal(me.email, mail.toLowerCase());
        assert.equal(me.name, 'Ann');
      });

      test('updatePrefs then getPrefs', async () => {
        const { account } = await signedIn();
        assert.deepEqual(plain(await account.call('getPrefs')), {});
        const prefs = { theme: 'dark', fontSize: 14, beta: true, tags: ['a', 'b'], nested: { k: 'v' } };
        const user = await account.call('updatePrefs', { prefs });
        assert.deepEqual(plain(user.prefs), prefs);
        assert.deepEqual(plain(await account.call('getPrefs')), prefs);
        // updatePrefs replaces the whole object.
        await account.call('updatePrefs', { prefs: { only: 'this' } });
        assert.deepEqual(plain(await account.call('getPrefs')), { only: 'this' });
      });

      test('updateName', async () => {
        const { account, user } = await signedIn({ name: 'Before' });
        const updated = await account.call('updateName', { name: 'After' });
        assert.equal(updated.$id, user.$id);
        assert.equal(updated.name, 'After');
        assert.equal((await account.call('get')).name, 'After');
      });

      test('listSessions flags the current one; getSession and updateSession on current', async () => {
        const first = await signedIn();
        // The same user signs in again from a second browser.
        const second = browser();
        const other = await second.call('createEmailPasswordSession', { email: first.email, password: PASSWORD });

        const list = await first.account.call('listSessions');
        assert.equal(list.total, 2);
        assert.equal(list.sessions.length, 2);
        const current = list.sessions.filter((s) => s.current);
        assert.equal(current.length, 1, 'exactly one session is current');
        assert.equal(current[0].$id, first.session.$id);
        assert.equal(list.sessions.find((s) => s.$id === other.$id).current, false);
        for (const s of list.sessions) assert.equal(s.secret, '');

        const cur = await first.account.call('getSession', { sessionId: 'current' });
        assert.equal(cur.$id, first.session.$id);
        assert.equal(cur.current, true);
        const byId = await first.account.call('getSession', { sessionId: other.$id });
        assert.equal(byId.$id, other.$id);
        assert.equal(byId.current, false);

        const extended = await first.account.call('updateSession', { sessionId: 'current' });
        assert.equal(extended.$id, first.session.$id);
        assert.ok(Date.parse(extended.expire) >= Date.parse(first.session.expire), 'expiry does not move back');
        assert.match(extended.expire, DATETIME);

        await rejects(first.account.call('getSession', { sessionId: 'nosuchsession' }), sdk, 404, 'user_session_not_found');
      });

      test('createJWT, then a second client with setJWT reads the account', async () => {
        const { account, user } = await signedIn();
        const { jwt } = await account.call('createJWT');
        assert.match(jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/);

        const viaJWT = webClient(target, server, project.$id, { browser: false });
        viaJWT.client.setJWT(jwt);
        const me = await viaJWT.call('get');
        assert.equal(me.$id, user.$id);

        const guest = webClient(target, server, project.$id, { browser: false });
        await rejects(guest.call('get'), sdk, 401, 'general_unauthorized_scope');

        const bad = webClient(target, server, project.$id, { browser: false });
        bad.client.setJWT(`${jwt.slice(0, -4)}AAAA`);
        await rejects(bad.call('get'), sdk, 401, 'user_jwt_invalid');

        // The JWT dies with the session it was made from.
        await account.call('deleteSession', { sessionId: 'current' });
        await rejects(viaJWT.call('get'), sdk, 401, 'general_unauthorized_scope');
      });

      test('anonymous session, then updateEmail and updatePassword convert it', async () => {
        const account = browser();
        const session = await account.call('createAnonymousSession');
        assert.equal(session.provider, 'anonymous');
        assert.equal(session.current, true);
        assert.deepEqual(plain(session.factors), ['anonymous']);
        const anon = await account.call('get');
        assert.equal(anon.email, '');
        assert.equal(anon.passwordUpdate, '', 'an anonymous user has no password');

        const mail = email('convert');
        const withEmail = await account.call('updateEmail', { email: mail, password: 'first password 1' });
        assert.equal(withEmail.$id, anon.$id);
        assert.equal(withEmail.email, mail);
        assert.equal(withEmail.emailVerification, false);
        assert.notEqual(withEmail.passwordUpdate, '', 'the given password became the password');

        await rejects(account.call('updatePassword', { password: 'second password 2', oldPassword: 'wrong one!' }),
          sdk, 401, 'user_invalid_credentials');
        const withPassword = await account.call('updatePassword', { password: 'second password 2', oldPassword: 'first password 1' });
        assert.equal(withPassword.$id, anon.$id);

        // The converted user signs in with the new credentials elsewhere.
        const elsewhere = browser();
        await rejects(elsewhere.call('createEmailPasswordSession', { email: mail, password: 'first password 1' }),
          sdk, 401, 'user_invalid_credentials');
        const s = await elsewhere.call('createEmailPasswordSession', { email: mail, password: 'second password 2' });
        assert.equal(s.userId, anon.$id);
        assert.equal((await elsewhere.call('get')).$id, anon.$id);
      });

      test('listLogs', async () => {
        const { account, user } = await signedIn();
        await account.call('updateName', { name: 'Logged' });
        const logs = await account.call('listLogs');
        assert.ok(logs.total >= 1, `total ${logs.total}`);
        assert.ok(logs.logs.length >= 1);
        const events = logs.logs.map((l) => l.event);
        assert.ok(events.includes('session.create'), `events: ${events.join(', ')}`);
        for (const l of logs.logs) {
          assert.equal(typeof l.event, 'string');
          assert.equal(l.userId, user.$id);
          assert.match(l.time, DATETIME);
        }
        const one = await account.call('listLogs', { queries: [sdk.Query.limit(1)] });
        assert.equal(one.logs.length, 1);
        assert.equal(one.total, logs.total, 'total ignores the limit');
      });

      test('deleteSession(current) signs out: get() is 401 general_unauthorized_scope', async () => {
        const { account } = await signedIn();
        await account.call('deleteSession', { sessionId: 'current' });
        assert.equal(account.storage.getItem('cookieFallback'), '[]', 'logout answers X-Fallback-Cookies: []');
        const err = await rejects(account.call('get'), sdk, 401, 'general_unauthorized_scope');
        assert.ok(err.message.length > 0);
      });

      test('deleteSessions signs out every browser', async () => {
        const first = await signedIn();
        const second = browser();
        await second.call('createEmailPasswordSession', { email: first.email, password: PASSWORD });
        await first.account.call('deleteSessions');
        await rejects(first.account.call('get'), sdk, 401, 'general_unauthorized_scope');
        await rejects(second.call('get'), sdk, 401, 'general_unauthorized_scope');
      });

      test('wrong password is 401 user_invalid_credentials', async () => {
        const { email: mail } = await signedIn();
        await rejects(browser().call('createEmailPasswordSession', { email: mail, password: 'not the password' }),
          sdk, 401, 'user_invalid_credentials');
        await rejects(browser().call('createEmailPasswordSession', { email: email('nobody'), password: PASSWORD }),
          sdk, 401, 'user_invalid_credentials');
      });

      test('duplicate account is 409 user_already_exists', async () => {
        const account = browser();
        const mail = email('dup');
        const user = await account.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD });
        await rejects(account.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD }),
          sdk, 409, 'user_already_exists');
        await rejects(account.call('create', { userId: user.$id, email: email('other'), password: PASSWORD }),
          sdk, 409, 'user_already_exists');
      });

      test('invalid email is 400 general_argument_invalid', async () => {
        const account = browser();
        await rejects(account.call('create', { userId: sdk.ID.unique(), email: 'not-an-email', password: PASSWORD }),
          sdk, 400, 'general_argument_invalid');
        await rejects(account.call('createEmailPasswordSession', { email: 'not-an-email', password: PASSWORD }),
          sdk, 400, 'general_argument_invalid');
      });

      test('a new session while signed in is 401 user_session_already_exists', async () => {
        const { account, email: mail } = await signedIn();
        await rejects(account.call('createEmailPasswordSession', { email: mail, password: PASSWORD }),
          sdk, 401, 'user_session_already_exists');
        await rejects(account.call('createAnonymousSession'), sdk, 401, 'user_session_already_exists');
        // Still signed in with the first session.
        assert.equal((await account.call('listSessions')).total, 1);
      });

      test('emailPassword turned off in the console is 501 user_auth_method_unsupported', async () => {
        const own = await newProject(server, `auth off ${target.version}`);
        const { projects } = consoleClient(server);
        const account = webClient(target, server, own.$id);
        const mail = email('gate');
        await account.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD });

        const off = await projects.updateAuthStatus({ projectId: own.$id, method: 'email-password', status: false });
        assert.equal(off.authEmailPassword, false);
        await rejects(account.call('createEmailPasswordSession', { email: mail, password: PASSWORD }),
          sdk, 501, 'user_auth_method_unsupported');
        await rejects(account.call('create', { userId: sdk.ID.unique(), email: email('gate'), password: PASSWORD }),
          sdk, 501, 'user_auth_method_unsupported');
        // Other methods are unaffected.
        await account.call('createAnonymousSession');
        await account.call('deleteSession', { sessionId: 'current' });

        const on = await projects.updateAuthStatus({ projectId: own.$id, method: 'email-password', status: true });
        assert.equal(on.authEmailPassword, true);
        const s = await account.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
        assert.equal(s.current, true);
      });

      test('anonymous turned off is 501 user_auth_method_unsupported', async () => {
        const own = await newProject(server, `anon off ${target.version}`);
        const { projects } = consoleClient(server);
        await projects.updateAuthStatus({ projectId: own.$id, method: 'anonymous', status: false });
        const account = webClient(target, server, own.$id);
        await rejects(account.call('createAnonymousSession'), sdk, 501, 'user_auth_method_unsupported');
      });

      test('setSession with a session string works like the fallback cookie', async () => {
        const { account, user } = await signedIn();
        const fallback = JSON.parse(account.storage.getItem('cookieFallback'));
        const viaHeader = webClient(target, server, project.$id, { browser: false });
        viaHeader.client.setSession(fallback[`a_session_${project.$id}`]);
        assert.equal((await viaHeader.call('get')).$id, user.$id);
        const cur = await viaHeader.call('getSession', { sessionId: 'current' });
        assert.equal(cur.current, true);
      });

      test('updatePhone sets the phone; a bad number is 400 general_argument_invalid', async () => {
        const { account } = await signedIn();
        const phone = `+1555${String(Date.now()).slice(-7)}`;
        const user = await account.call('updatePhone', { phone, password: PASSWORD });
        assert.equal(user.phone, phone);
        assert.equal(user.phoneVerification, false);
        await rejects(account.call('updatePhone', { phone: '12345', password: PASSWORD }), sdk, 400, 'general_argument_invalid');
        await rejects(account.call('updatePhone', { phone: '+15550000000', password: 'wrong password' }),
          sdk, 401, 'user_invalid_credentials');
      });

      test('updatePassword ends the other sessions, keeps the current one', async () => {
        const first = await signedIn();
        const second = browser();
        await second.call('createEmailPasswordSession', { email: first.email, password: PASSWORD });
        await first.account.call('updatePassword', { password: 'brand new password', oldPassword: PASSWORD });
        assert.equal((await first.account.call('get')).$id, first.user.$id);
        await rejects(second.call('get'), sdk, 401, 'general_unauthorized_scope');
        assert.equal((await first.account.call('listSessions')).total, 1);
      });

      test('updateStatus blocks the account: signed out, then 403 user_blocked (Appwrite 1.9)', async () => {
        const { account, email: mail } = await signedIn();
        const user = await account.call('updateStatus');
        assert.equal(user.status, false);
        assert.equal(account.storage.getItem('cookieFallback'), '[]');
        await rejects(account.call('get'), sdk, 401, 'general_unauthorized_scope');
        await rejects(browser().call('createEmailPasswordSession', { email: mail, password: PASSWORD }),
          sdk, 403, 'user_blocked');
      });

      // Appwrite 1.9: createJWT takes a duration (web 27 sends it; 18 has
      // no such parameter).
      test('createJWT({ duration }) sets the lifetime; over 3600 is 400', { skip: target.version !== '27.0.0' }, async () => {
        const { account } = await signedIn();
        const lifetime = async (params) => {
          const { jwt } = await account.call('createJWT', params);
          const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
          return claims.exp - Math.floor(claims.iat);
        };
        assert.ok(Math.abs(await lifetime({ duration: 60 }) - 60) <= 1);
        assert.ok(Math.abs(await lifetime({}) - 900) <= 1, 'default 900 s');
        await rejects(account.call('createJWT', { duration: 3601 }), sdk, 400, 'general_argument_invalid');
      });

      // Appwrite 2.0: a JWT cannot mint another (1.8: 404
      // user_session_not_found), for every SDK.
      test('a JWT-only caller cannot make a JWT (403 user_jwt_creation_denied)', async () => {
        const { account } = await signedIn();
        const { jwt } = await account.call('createJWT');
        const viaJWT = webClient(target, server, project.$id, { browser: false });
        viaJWT.client.setJWT(jwt);
        await rejects(viaJWT.call('createJWT'), sdk, 403, 'user_jwt_creation_denied');
      });

      // Wire doc §1.7 (5): a caller authenticated only by a JWT has no
      // current session, so sessions/current is 404 user_session_not_found.
      test('a JWT-only caller has no current session (404 user_session_not_found)', async () => {
        const { account } = await signedIn();
        const { jwt } = await account.call('createJWT');
        const viaJWT = webClient(target, server, project.$id, { browser: false });
        viaJWT.client.setJWT(jwt);
        await rejects(viaJWT.call('getSession', { sessionId: 'current' }), sdk, 404, 'user_session_not_found');
        await rejects(viaJWT.call('updateSession', { sessionId: 'current' }), sdk, 404, 'user_session_not_found');
        await rejects(viaJWT.call('deleteSession', { sessionId: 'current' }), sdk, 404, 'user_session_not_found');
        assert.ok(await account.call('get'), 'the browser session survives');
      });

      test('console limits: JWT off (501), sessions limit keeps the newest, users limit (400)', async () => {
        const own = await newProject(server, `limits ${target.version}`);
        const { projects } = consoleClient(server);
        const mail = email('limits');
        const first = webClient(target, server, own.$id);
        await first.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD });
        await first.call('createEmailPasswordSession', { email: mail, password: PASSWORD });

        await projects.updateAuthStatus({ projectId: own.$id, method: 'jwt', status: false });
        await rejects(first.call('createJWT'), sdk, 501, 'user_auth_method_unsupported');

        await projects.updateAuthSessionsLimit({ projectId: own.$id, limit: 2 });
        const second = webClient(target, server, own.$id);
        const s2 = await second.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
        const third = webClient(target, server, own.$id);
        const s3 = await third.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
        const list = await third.call('listSessions');
        assert.deepEqual(list.sessions.map((s) => s.$id).sort(), [s2.$id, s3.$id].sort(), 'the oldest session went');
        await rejects(first.call('get'), sdk, 401, 'general_unauthorized_scope');

        await projects.updateAuthLimit({ projectId: own.$id, limit: 1 });
        await rejects(webClient(target, server, own.$id).call('create', { userId: sdk.ID.unique(), email: email('over'), password: PASSWORD }),
          sdk, 501, 'user_count_exceeded');
        await rejects(webClient(target, server, own.$id).call('createAnonymousSession'), sdk, 501, 'user_count_exceeded');
      });

      test('unknown project is 404 project_not_found', async () => {
        const account = webClient(target, server, 'nosuchproject');
        await rejects(account.call('get'), sdk, 404, 'project_not_found');
      });
    });
  }
};
