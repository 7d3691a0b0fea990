'use strict';
// Impersonation (Appwrite 1.9): node-appwrite 27 flags an operator with
// users.updateImpersonator; the operator, signed in through appwrite 27
// (web), calls setImpersonateUserId/Email/Phone and account.get() shows
// the target with impersonatorUserId. What the operator may not do as the
// target is refused with user_unauthorized.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  node, web, webClient, consoleClient, newProject, email, rejects, plain,
} = require('../lib/sdk');

const PASSWORD = 'impersonation secret 1';

module.exports = function impersonateSuite(env) {
  const target27 = web.find((w) => w.version.startsWith('27.'));

  describe('impersonation (node-appwrite 27 + appwrite 27)', () => {
    let server;
    let project;
    let users;
    let operator;
    let operatorMail;
    let victim;
    let victimMail;
    const victimPhone = '+14155550142';

    const nodeClient = () => new node.Client().setEndpoint(server.endpoint).setProject(project.$id);

    // The operator signed in, in a fresh "browser".
    async function operatorBrowser() {
      const account = webClient(target27, server, project.$id);
      await account.call('createEmailPasswordSession', { email: operatorMail, password: PASSWORD });
      return account;
    }

    before(async () => {
      server = env.server;
      project = await newProject(server, 'impersonate');
      const { projects } = consoleClient(server);
      const key = await projects.createKey({ projectId: project.$id, name: 'impersonate', scopes: ['users.read', 'users.write'] });
      users = new node.Users(nodeClient().setKey(key.secret));
      operatorMail = email('operator');
      operator = await users.create({ userId: node.ID.unique(), email: operatorMail, password: PASSWORD, name: 'Operator' });
      victimMail = email('target');
      victim = await users.create({ userId: node.ID.unique(), email: victimMail, phone: victimPhone, password: PASSWORD, name: 'Target' });
    });

    test('users.updateImpersonator sets the flag on the User', async () => {
      assert.equal(operator.impersonator, false);
      assert.equal(operator.impersonatorUserId ?? null, null);
      const flagged = await users.updateImpersonator({ userId: operator.$id, impersonator: true });
      assert.equal(flagged.$id, operator.$id);
      assert.equal(flagged.impersonator, true);
      const list = await users.list({ queries: [node.Query.equal('impersonator', true)] });
      assert.deepEqual(list.users.map((u) => u.$id), [operator.$id]);
      await rejects(users.updateImpersonator({ userId: 'nobody', impersonator: true }), node, 404, 'user_not_found');
    });

    test('setImpersonateUserId / Email / Phone: account.get() is the target', async () => {
      await users.updateImpersonator({ userId: operator.$id, impersonator: true });
      const account = await operatorBrowser();
      const self = await account.call('get');
      assert.equal(self.$id, operator.$id);
      assert.equal(self.impersonator, true);
      assert.equal(self.impersonatorUserId ?? null, null);

      for (const [setter, value] of [['setImpersonateUserId', victim.$id],
        ['setImpersonateUserEmail', victimMail.toUpperCase()], ['setImpersonateUserPhone', victimPhone]]) {
        const a = await operatorBrowser();
        a.client[setter](value);
        const me = await a.call('get');
        assert.equal(me.$id, victim.$id, setter);
        assert.equal(me.email, victimMail, setter);
        assert.equal(me.impersonatorUserId, operator.$id, setter);
        assert.equal(me.impersonator, false, setter);
      }
    });

    test('prefs and name change on the target; the log names the operator', async () => {
      const a = await operatorBrowser();
      a.client.setImpersonateUserId(victim.$id);
      const updated = await a.call('updatePrefs', { prefs: { seenBy: 'support' } });
      assert.equal(updated.$id, victim.$id);
      assert.deepEqual(plain(await users.getPrefs({ userId: victim.$id })), { seenBy: 'support' });
      await a.call('updateName', { name: 'Target Renamed' });
      const logs = await users.listLogs({ userId: victim.$id });
      const entry = logs.logs[0];
      assert.equal(entry.userId, operator.$id);
      assert.equal(entry.userEmail, operatorMail);
      assert.equal(entry.userName, 'Operator');
    });

    test('secrets and ways in are refused while impersonating', async () => {
      const a = await operatorBrowser();
      a.client.setImpersonateUserId(victim.$id);
      const sdk = target27.sdk;
      await rejects(a.call('updatePassword', { password: 'taken over 123' }), sdk, 401, 'user_unauthorized');
      await rejects(a.call('updateEmail', { email: email('mallory'), password: PASSWORD }), sdk, 401, 'user_unauthorized');
      await rejects(a.call('createJWT'), sdk, 401, 'user_unauthorized');
      await rejects(a.call('createMfaRecoveryCodes'), sdk, 401, 'user_unauthorized');
      await rejects(a.call('createMfaAuthenticator', { type: 'totp' }), sdk, 401, 'user_unauthorized');
      await rejects(a.call('deleteSession', { sessionId: 'current' }), sdk, 401, 'user_unauthorized');
      // The target still signs in with its own password.
      const t = webClient(target27, server, project.$id);
      const s = await t.call('createEmailPasswordSession', { email: victimMail, password: PASSWORD });
      assert.equal(s.userId, victim.$id);
      // Cleared, the operator is itself again and signs out.
      a.client.setImpersonateUserId('');
      assert.equal((await a.call('get')).$id, operator.$id);
      await a.call('deleteSession', { sessionId: 'current' });
    });

    test('the operator lists users with its session; a plain user cannot', async () => {
      const a = await operatorBrowser();
      // appwrite 27's Users service is server-side only; the session's
      // users.read is reached with the client's own call.
      const res = await a.client.call('get', new URL(`${server.endpoint}/users?search=Target`), { 'X-Appwrite-Project': project.$id });
      assert.ok(res.users.some((u) => u.$id === victim.$id));
      assert.ok(res.users.every((u) => u.password == null));
      const t = webClient(target27, server, project.$id);
      await t.call('createEmailPasswordSession', { email: victimMail, password: PASSWORD });
      t.client.setImpersonateUserId(operator.$id);
      assert.equal((await t.call('get')).$id, victim.$id, 'a non-impersonator header is ignored');
      await rejects(t.client.call('get', new URL(`${server.endpoint}/users`), { 'X-Appwrite-Project': project.$id }), target27.sdk, 401, 'general_unauthorized_scope');
    });
  });
};
