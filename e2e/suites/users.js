'use strict';
// The Users service through node-appwrite with an API key (made with the
// console SDK), and its users signing in through the web SDKs: plain and
// imported password hashes, lists and queries, updates, sessions, tokens,
// JWTs, logs, targets and deletion.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { describe, test, before } = require('node:test');
const {
  node, web, webClient, consoleClient, newProject, email, rejects, plain, uniqueId,
} = require('../lib/sdk');
const hashes = require('../lib/hashes');

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;
const SCOPES = ['users.read', 'users.write', 'sessions.write', 'targets.read', 'targets.write'];

module.exports = function usersSuite(env) {
  describe('node-appwrite Users', () => {
    let server;
    let project;
    let users;

    const nodeClient = () => new node.Client().setEndpoint(server.endpoint).setProject(project.$id);
    const usersWith = (secret) => new node.Users(nodeClient().setKey(secret));
    // A web client of each version, in a fresh "browser".
    const browser = (target) => webClient(target, server, project.$id);

    // signsIn asserts that the password works through both web SDKs.
    async function signsIn(user, mail, password) {
      for (const target of web) {
        const account = browser(target);
        const s = await account.call('createEmailPasswordSession', { email: mail, password });
        assert.equal(s.userId, user.$id, `appwrite@${target.version}`);
        assert.equal(s.provider, 'email');
        assert.equal((await account.call('get')).$id, user.$id, `appwrite@${target.version} get()`);
      }
    }

    // refused asserts that a wrong password is 401 user_invalid_credentials.
    async function refused(mail, password) {
      const target = web[0];
      await rejects(browser(target).call('createEmailPasswordSession', { email: mail, password }),
        target.sdk, 401, 'user_invalid_credentials');
    }

    before(async () => {
      server = env.server;
      project = await newProject(server, 'users');
      const { projects } = consoleClient(server);
      const key = await projects.createKey({ projectId: project.$id, name: 'users', scopes: SCOPES });
      assert.deepEqual([...key.scopes].sort(), [...SCOPES].sort());
      users = usersWith(key.secret);
    });

    test('create with a plain password, get, sign in with appwrite 18 and 27', async () => {
      const mail = email('plain');
      const user = await users.create({ userId: node.ID.unique(), email: mail, password: 'plain password 1', name: 'Plain' });
      assert.equal(user.email, mail);
      assert.equal(user.name, 'Plain');
      assert.equal(user.status, true);
      assert.equal(user.hash, 'argon2');
      assert.match(user.password, /^\$argon2id\$/);
      assert.equal(plain(user.hashOptions).type, 'argon2');
      assert.deepEqual(plain(user.labels), []);
      assert.deepEqual(plain(user.prefs), {});
      assert.equal(user.emailVerification, false);
      assert.equal(user.mfa, false);
      assert.match(user.registration, DATETIME);
      assert.match(user.passwordUpdate, DATETIME);
      const targets = plain(user.targets);
      assert.equal(targets.length, 1, 'an email target is made with the user');
      assert.equal(targets[0].providerType, 'email');
      assert.equal(targets[0].identifier, mail);

      const got = await users.get({ userId: user.$id });
      assert.equal(got.$id, user.$id);
      assert.equal(got.email, mail);
      await signsIn(user, mail, 'plain password 1');
      await refused(mail, 'not the password');

      await rejects(users.create({ userId: user.$id, email: email('other') }), node, 409, 'user_already_exists');
      await rejects(users.create({ userId: node.ID.unique(), email: mail }), node, 409, 'user_already_exists');
      await rejects(users.get({ userId: 'nosuchuser' }), node, 404, 'user_not_found');
    });

    test('create without a password: password null, sign-in refused', async () => {
      const mail = email('nopw');
      const user = await users.create({ userId: node.ID.unique(), email: mail, name: 'No password' });
      assert.equal(user.password, null);
      assert.equal(user.passwordUpdate, '');
      await refused(mail, 'any password at all');
    });

    // Each import route, with a hash made here, then sign-in through both
    // web SDKs (the first one re-hashes the password to argon2).
    const imports = [
      {
        name: 'createBcryptUser', hash: 'bcrypt', password: 'bcrypt password 1',
        make: (pw) => ({ password: hashes.bcryptHash(pw) }),
      },
      {
        name: 'createMD5User', hash: 'md5', password: 'md5 password 1',
        make: (pw) => ({ password: hashes.md5Hash(pw) }),
      },
      {
        name: 'createSHAUser', hash: 'sha', label: 'default version (sha256)', password: 'sha password 1',
        make: (pw) => ({ password: hashes.shaHash(pw, 'sha256') }),
      },
      {
        name: 'createSHAUser', hash: 'sha', label: 'sha512', password: 'sha512 password 1',
        make: (pw) => ({ password: hashes.shaHash(pw, 'sha512'), passwordVersion: node.PasswordHash.Sha512 }),
        options: { version: 'sha512' },
      },
      {
        name: 'createSHAUser', hash: 'sha', label: 'sha3-256', password: 'sha3 password 1',
        make: (pw) => ({ password: hashes.shaHash(pw, 'sha3-256'), passwordVersion: node.PasswordHash.Sha3256 }),
        options: { version: 'sha3-256' },
      },
      {
        name: 'createSHAUser', hash: 'sha', label: 'sha512/256', password: 'sha512-256 password 1',
        make: (pw) => ({ password: hashes.shaHash(pw, 'sha512/256'), passwordVersion: node.PasswordHash.Sha512256 }),
        options: { version: 'sha512/256' },
      },
      {
        name: 'createScryptUser', hash: 'scrypt', password: 'scrypt password 1',
        make: (pw) => {
          const salt = crypto.randomBytes(12).toString('hex');
          const opts = { salt, cpu: 16, memory: 8, parallel: 1, length: 32 };
          return {
            password: hashes.scryptHash(pw, opts),
            passwordSalt: salt,
            passwordCpu: opts.cpu,
            passwordMemory: opts.memory,
            passwordParallel: opts.parallel,
            passwordLength: opts.length,
          };
        },
        options: { costCpu: 16, costMemory: 8, costParallel: 1, length: 32 },
      },
      {
        name: 'createScryptModifiedUser', hash: 'scryptMod', password: 'firebase password 1',
        make: (pw) => {
          const fb = {
            salt: crypto.randomBytes(16).toString('base64'),
            saltSeparator: 'Bw==',
            signerKey: crypto.randomBytes(64).toString('base64'),
          };
          return {
            password: hashes.firebaseScryptHash(pw, fb),
            passwordSalt: fb.salt,
            passwordSaltSeparator: fb.saltSeparator,
            passwordSignerKey: fb.signerKey,
          };
        },
      },
      {
        name: 'createArgon2User', hash: 'argon2', password: 'argon2 password 1',
        make: async (pw) => ({ password: await hashes.argon2idHash(pw) }),
      },
      {
        name: 'createPHPassUser', hash: 'phpass', password: hashes.phpassVector.password,
        make: () => ({ password: hashes.phpassVector.hash }),
      },
    ];

    for (const imp of imports) {
      test(`${imp.name}${imp.label ? ` (${imp.label})` : ''}: signs in with appwrite 18 and 27`, async () => {
        const mail = email(imp.hash.toLowerCase());
        const params = await imp.make(imp.password);
        const user = await users[imp.name]({ userId: node.ID.unique(), email: mail, name: `Imported ${imp.hash}`, ...params });
        assert.equal(user.email, mail);
        assert.equal(user.hash, imp.hash);
        assert.equal(user.password, params.password, 'the hash is stored as given');
        for (const [k, v] of Object.entries(imp.options || {})) {
          assert.equal(plain(user.hashOptions)[k], v, `hashOptions.${k}: ${JSON.stringify(user.hashOptions)}`);
        }
        await refused(mail, `${imp.password}x`);
        await signsIn(user, mail, imp.password);
        // The first sign-in moved the password to the server's own hash.
        const after = await users.get({ userId: user.$id });
        assert.equal(after.hash, 'argon2');
        assert.match(after.password, /^\$argon2id\$/);
        await signsIn(user, mail, imp.password);
      });
    }

    test('import routes check their input (400 general_argument_invalid)', async () => {
      await rejects(users.createSHAUser({ userId: node.ID.unique(), email: email('badsha'), password: 'abc', passwordVersion: 'sha42' }),
        node, 400, 'general_argument_invalid');
      await rejects(users.createBcryptUser({ userId: node.ID.unique(), email: 'not-an-email', password: hashes.bcryptHash('x') }),
        node, 400, 'general_argument_invalid');
    });

    test('list: Query.equal, Query.limit, Query.orderDesc, Query.cursorAfter and search', async () => {
      const tag = `zq${crypto.randomBytes(4).toString('hex')}`;
      const made = [];
      for (let i = 0; i < 3; i += 1) {
        made.push(await users.create({ userId: node.ID.unique(), email: email(`list${i}`), name: `${tag} member ${i}` }));
        // Distinct creation times for the ordering below.
        await new Promise((r) => setTimeout(r, 5));
      }

      const one = await users.list({ queries: [node.Query.equal('email', [made[1].email])] });
      assert.equal(one.total, 1);
      assert.equal(one.users[0].$id, made[1].$id);

      const several = await users.list({ queries: [node.Query.equal('$id', made.map((u) => u.$id)), node.Query.orderDesc('$createdAt')] });
      assert.equal(several.total, 3);
      assert.deepEqual(several.users.map((u) => u.$id), made.map((u) => u.$id).reverse());

      const page1 = await users.list({ queries: [node.Query.equal('$id', made.map((u) => u.$id)), node.Query.orderDesc('$createdAt'), node.Query.limit(2)] });
      assert.equal(page1.users.length, 2);
      assert.equal(page1.total, 3, 'total ignores the limit');
      const page2 = await users.list({
        queries: [node.Query.equal('$id', made.map((u) => u.$id)), node.Query.orderDesc('$createdAt'), node.Query.limit(2),
          node.Query.cursorAfter(page1.users[1].$id)],
      });
      assert.deepEqual(page2.users.map((u) => u.$id), [made[0].$id]);

      const found = await users.list({ search: tag });
      assert.deepEqual(found.users.map((u) => u.$id).sort(), made.map((u) => u.$id).sort());
      const byEmail = await users.list({ search: made[2].email });
      assert.ok(byEmail.users.some((u) => u.$id === made[2].$id), 'search finds by email');

      const limited = await users.list({ queries: [node.Query.limit(1)] });
      assert.equal(limited.users.length, 1);
      assert.ok(limited.total >= 3);

      await rejects(users.list({ queries: [node.Query.equal('password', ['x'])] }), node, 400, 'general_argument_invalid');
      await rejects(users.list({ queries: [node.Query.cursorAfter('nosuchuser')] }), node, 400, 'general_cursor_not_found');
    });

    test('updateName, updateEmail, updatePhone, updateStatus, updateLabels, updatePrefs, updateEmailVerification', async () => {
      const mail = email('upd');
      const user = await users.create({ userId: node.ID.unique(), email: mail, password: 'update password 1', name: 'Before' });
      const userId = user.$id;

      assert.equal((await users.updateName({ userId, name: 'After' })).name, 'After');

      const verified = await users.updateEmailVerification({ userId, emailVerification: true });
      assert.equal(verified.emailVerification, true);
      const newMail = email('moved');
      const moved = await users.updateEmail({ userId, email: newMail });
      assert.equal(moved.email, newMail);
      assert.equal(moved.emailVerification, false, 'a new email is not verified');
      assert.equal(plain(moved.targets).find((t) => t.providerType === 'email').identifier, newMail, 'the email target follows');
      await rejects(users.updateEmail({ userId, email: 'not-an-email' }), node, 400, 'general_argument_invalid');

      const phone = `+1555${String(Date.now()).slice(-7)}`;
      const withPhone = await users.updatePhone({ userId, number: phone });
      assert.equal(withPhone.phone, phone);
      assert.equal(withPhone.phoneVerification, false);
      await rejects(users.updatePhone({ userId, number: '12345' }), node, 400, 'general_argument_invalid');

      const labelled = await users.updateLabels({ userId, labels: ['vip', 'beta', 'vip'] });
      assert.deepEqual([...labelled.labels].sort(), ['beta', 'vip']);
      const byLabel = await users.list({ queries: [node.Query.contains('labels', ['vip']), node.Query.equal('$id', [userId])] });
      assert.equal(byLabel.total, 1);
      await rejects(users.updateLabels({ userId, labels: ['not valid!'] }), node, 400, 'general_argument_invalid');

      const prefs = await users.updatePrefs({ userId, prefs: { theme: 'dark', n: 2 } });
      assert.deepEqual(plain(prefs), { theme: 'dark', n: 2 }, 'updatePrefs answers the prefs');
      assert.deepEqual(plain(await users.getPrefs({ userId })), { theme: 'dark', n: 2 });

      // The user signs in with the new email, sees the admin's changes.
      const account = browser(web[1]);
      await account.call('createEmailPasswordSession', { email: newMail, password: 'update password 1' });
      const me = await account.call('get');
      assert.equal(me.name, 'After');
      assert.equal(me.phone, phone);
      assert.deepEqual([...me.labels].sort(), ['beta', 'vip']);
      assert.deepEqual(plain(me.prefs), { theme: 'dark', n: 2 });

      // Blocked: sign-in is refused, and the open session stops working.
      const blocked = await users.updateStatus({ userId, status: false });
      assert.equal(blocked.status, false);
      await rejects(account.call('get'), web[1].sdk, 403, 'user_blocked');
      await rejects(browser(web[0]).call('createEmailPasswordSession', { email: newMail, password: 'update password 1' }),
        web[0].sdk, 403, 'user_blocked');
      assert.equal((await users.updateStatus({ userId, status: true })).status, true);
      const s = await browser(web[0]).call('createEmailPasswordSession', { email: newMail, password: 'update password 1' });
      assert.equal(s.userId, userId);
    });

    test('createSession, listSessions, setSession in the web SDKs, deleteSessions', async () => {
      const user = await users.create({ userId: node.ID.unique(), email: email('sess'), password: 'session password 1' });
      const userId = user.$id;
      const session = await users.createSession({ userId });
      assert.equal(session.userId, userId);
      assert.equal(session.provider, 'server');
      assert.deepEqual(plain(session.factors), ['server']);
      assert.ok(session.secret.length > 0, 'the API key sees the session string');

      for (const target of web) {
        const account = webClient(target, server, project.$id, { browser: false });
        account.client.setSession(session.secret);
        assert.equal((await account.call('get')).$id, userId, `appwrite@${target.version}`);
      }

      await users.createSession({ userId });
      const list = await users.listSessions({ userId });
      assert.equal(list.total, 2);
      for (const s of list.sessions) {
        assert.equal(s.current, false);
        assert.equal(s.userId, userId);
      }

      await users.deleteSession({ userId, sessionId: list.sessions[0].$id });
      assert.equal((await users.listSessions({ userId })).total, 1);
      await users.deleteSessions({ userId });
      assert.equal((await users.listSessions({ userId })).total, 0);
      const gone = webClient(web[0], server, project.$id, { browser: false });
      gone.client.setSession(session.secret);
      await rejects(gone.call('get'), web[0].sdk, 401, 'general_unauthorized_scope');
    });

    for (const target of web) {
      test(`createToken, then appwrite@${target.version} account.createSession(userId, secret)`, async () => {
        const user = await users.create({ userId: node.ID.unique(), email: email('tok') });
        const token = await users.createToken({ userId: user.$id });
        assert.equal(token.userId, user.$id);
        assert.match(token.secret, /^[0-9a-f]{6}$/, 'default: 6 lower-case hex characters');
        assert.match(token.expire, DATETIME);
        const long = await users.createToken({ userId: user.$id, length: 16, expire: 120 });
        assert.match(long.secret, /^[0-9a-f]{16}$/);
        const left = Date.parse(long.expire) - Date.now();
        assert.ok(left > 60000 && left <= 121000, `expires in about 120 s, got ${left} ms`);

        const account = browser(target);
        const s = await account.call('createSession', { userId: user.$id, secret: token.secret });
        assert.equal(s.userId, user.$id);
        assert.equal(s.current, true);
        assert.equal((await account.call('get')).$id, user.$id);

        // A token works once; a wrong one never.
        await rejects(browser(target).call('createSession', { userId: user.$id, secret: token.secret }),
          target.sdk, 401, 'user_invalid_token');
        await rejects(browser(target).call('createSession', { userId: user.$id, secret: 'abcdef0123' }),
          target.sdk, 401, 'user_invalid_token');
        const other = await browser(target).call('createSession', { userId: user.$id, secret: long.secret });
        assert.equal(other.userId, user.$id);
        await rejects(users.createToken({ userId: user.$id, length: 2 }), node, 400, 'general_argument_invalid');
      });
    }

    test('createJWT: for the recent session and without one, used through setJWT', async () => {
      const user = await users.create({ userId: node.ID.unique(), email: email('jwt'), password: 'jwt password 1' });
      const session = await users.createSession({ userId: user.$id });
      const { jwt } = await users.createJWT({ userId: user.$id, sessionId: 'recent', duration: 60 });
      assert.match(jwt, /^[\w-]+\.[\w-]+\.[\w-]+$/);
      const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
      assert.equal(claims.userId, user.$id);
      assert.equal(claims.sessionId, session.$id);

      for (const target of web) {
        const viaJWT = webClient(target, server, project.$id, { browser: false });
        viaJWT.client.setJWT(jwt);
        assert.equal((await viaJWT.call('get')).$id, user.$id, `appwrite@${target.version}`);
      }

      const loose = await users.createJWT({ userId: user.$id });
      const looseClaims = JSON.parse(Buffer.from(loose.jwt.split('.')[1], 'base64url').toString());
      assert.equal(looseClaims.sessionId, '');
      const viaLoose = new node.Account(nodeClient().setJWT(loose.jwt));
      assert.equal((await viaLoose.get()).$id, user.$id);

      // A JWT bound to a session ends with it.
      await users.deleteSession({ userId: user.$id, sessionId: session.$id });
      const dead = webClient(web[0], server, project.$id, { browser: false });
      dead.client.setJWT(jwt);
      await rejects(dead.call('get'), web[0].sdk, 401, 'general_unauthorized_scope');
    });

    test('listLogs', async () => {
      const user = await users.create({ userId: node.ID.unique(), email: email('logs'), password: 'logs password 1' });
      const account = browser(web[0]);
      await account.call('createEmailPasswordSession', { email: user.email, password: 'logs password 1' });
      await users.updateName({ userId: user.$id, name: 'Logged' });
      const logs = await users.listLogs({ userId: user.$id });
      assert.ok(logs.total >= 2, `total ${logs.total}`);
      const events = logs.logs.map((l) => l.event);
      assert.ok(events.includes('session.create'), `events: ${events.join(', ')}`);
      for (const l of logs.logs) {
        assert.equal(l.userId, user.$id);
        assert.match(l.time, DATETIME);
      }
      const one = await users.listLogs({ userId: user.$id, queries: [node.Query.limit(1)] });
      assert.equal(one.logs.length, 1);
      assert.equal(one.total, logs.total);
      const rest = await users.listLogs({ userId: user.$id, queries: [node.Query.offset(1)] });
      assert.equal(rest.logs.length, logs.logs.length - 1);
    });

    test('targets: createTarget, listTargets, getTarget, updateTarget, deleteTarget', async () => {
      const user = await users.create({ userId: node.ID.unique(), email: email('tgt') });
      const userId = user.$id;
      const targetId = uniqueId('t');
      const second = email('second');
      const created = await users.createTarget({
        userId, targetId, providerType: node.MessagingProviderType.Email, identifier: second, name: 'Work',
      });
      assert.equal(created.$id, targetId);
      assert.equal(created.userId, userId);
      assert.equal(created.providerType, 'email');
      assert.equal(created.identifier, second);
      assert.equal(created.name, 'Work');
      assert.equal(created.providerId, null);
      assert.equal(created.expired, false);

      const list = await users.listTargets({ userId });
      assert.equal(list.total, 2, 'the user\'s own email target and the new one');
      assert.ok(list.targets.some((t) => t.$id === targetId));

      const got = await users.getTarget({ userId, targetId });
      assert.equal(got.identifier, second);
      const third = email('third');
      const updated = await users.updateTarget({ userId, targetId, identifier: third, name: 'Home' });
      assert.equal(updated.identifier, third);
      assert.equal(updated.name, 'Home');
      assert.equal((await users.get({ userId })).targets.find((t) => t.$id === targetId).identifier, third);

      await rejects(users.createTarget({ userId, targetId, providerType: 'email', identifier: email('dup') }),
        node, 409, 'user_target_already_exists');
      await users.deleteTarget({ userId, targetId });
      await rejects(users.getTarget({ userId, targetId }), node, 404, 'user_target_not_found');
      assert.equal((await users.listTargets({ userId })).total, 1);
    });

    // Wire doc §5.3: GET /users/{userId}/targets takes queries[] over
    // userId, providerId, identifier and providerType.
    test('listTargets honours queries[] (equal, limit)', async () => {
      const user = await users.create({ userId: node.ID.unique(), email: email('tq') });
      const userId = user.$id;
      const second = email('tq2');
      const t = await users.createTarget({ userId, targetId: node.ID.unique(), providerType: node.MessagingProviderType.Email, identifier: second });
      const filtered = await users.listTargets({ userId, queries: [node.Query.equal('identifier', [second])] });
      assert.deepEqual(filtered.targets.map((x) => x.$id), [t.$id]);
      assert.equal(filtered.total, 1);
      const byType = await users.listTargets({ userId, queries: [node.Query.equal('providerType', ['sms'])] });
      assert.equal(byType.total, 0);
      const limited = await users.listTargets({ userId, queries: [node.Query.limit(1)] });
      assert.equal(limited.targets.length, 1);
      assert.equal(limited.total, 2);
      await rejects(users.listTargets({ userId, queries: [node.Query.equal('password', ['x'])] }), node, 400, 'general_argument_invalid');
    });

    test('delete: get is 404 user_not_found, the email is free again', async () => {
      const mail = email('del');
      const user = await users.create({ userId: node.ID.unique(), email: mail, password: 'delete password 1' });
      const account = browser(web[1]);
      await account.call('createEmailPasswordSession', { email: mail, password: 'delete password 1' });
      await users.delete({ userId: user.$id });
      await rejects(users.get({ userId: user.$id }), node, 404, 'user_not_found');
      await rejects(users.delete({ userId: user.$id }), node, 404, 'user_not_found');
      await rejects(account.call('get'), web[1].sdk, 401, 'general_unauthorized_scope');
      await refused(mail, 'delete password 1');

      // Whatever is left behind goes in a background job: the email (and
      // id) can be used again once it ran. Bounded wait.
      const deadline = Date.now() + 20000;
      let again;
      for (;;) {
        try {
          again = await users.create({ userId: user.$id, email: mail, password: 'second life 1' });
          break;
        } catch (e) {
          if (!(e instanceof node.AppwriteException) || e.code !== 409 || Date.now() > deadline) throw e;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      assert.equal(again.$id, user.$id);
      await signsIn(again, mail, 'second life 1');
    });

    test('scopes: users.read cannot write, and no key is 401', async () => {
      const { projects } = consoleClient(server);
      const readOnly = await projects.createKey({ projectId: project.$id, name: 'read', scopes: ['users.read'] });
      const ro = usersWith(readOnly.secret);
      assert.ok((await ro.list({ queries: [node.Query.limit(1)] })).users.length >= 1);
      await rejects(ro.create({ userId: node.ID.unique(), email: email('ro') }), node, 401, 'general_unauthorized_scope');
      // Appwrite 1.9: the targets routes take users.read/users.write, no
      // longer targets.read/targets.write.
      await rejects(ro.listTargets({ userId: 'anyone' }), node, 404, 'user_not_found');
      const targetsOnly = await projects.createKey({ projectId: project.$id, name: 'targets', scopes: ['targets.read'] });
      await rejects(usersWith(targetsOnly.secret).listTargets({ userId: 'anyone' }), node, 401, 'general_unauthorized_scope');
      await rejects(new node.Users(nodeClient()).list(), node, 401, 'general_unauthorized_scope');
    });
  });
};
