'use strict';
// Appwrite 1.9's Account and Users changes through the 27 SDKs: the
// password-strength policy set with node-appwrite 27's Project service and
// enforced on appwrite 27's sign-up and password change, the Log model's
// userType, and GET /users filtered and ordered on accessedAt.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  node, web, webClient, consoleClient, newProject, email, rejects,
} = require('../lib/sdk');

const STRONG = 'Strong-passw0rd!';

module.exports = function account19Suite(env) {
  const target27 = web.find((w) => w.version.startsWith('27.'));

  describe('Appwrite 1.9 Account and Users (node-appwrite 27 + appwrite 27)', () => {
    let server;
    let project;
    let policies;
    let users;

    before(async () => {
      server = env.server;
      project = await newProject(server, 'account19');
      const { projects } = consoleClient(server);
      const key = await projects.createKey({
        projectId: project.$id, name: 'account19',
        scopes: ['project.policies.read', 'project.policies.write', 'users.read', 'users.write'],
      });
      const client = new node.Client().setEndpoint(server.endpoint).setProject(project.$id).setKey(key.secret);
      policies = new node.Project(client);
      users = new node.Users(client);
    });

    test('the password-strength policy holds on sign-up and password change', async () => {
      const policy = await policies.updatePasswordStrengthPolicy({ min: 12, uppercase: true, number: true, symbols: true });
      assert.equal(policy.$id, 'password-strength');
      assert.equal(policy.min, 12);
      assert.equal(policy.uppercase, true);
      assert.equal(policy.lowercase, false);

      const mail = email('strength');
      const account = webClient(target27, server, project.$id);
      const weak = await rejects(account.call('create', { userId: 'unique()', email: mail, password: 'longbutweakpassword' }),
        target27.sdk, 400, 'general_argument_invalid');
      assert.match(weak.message, /12/);
      // A server-side create is held to the same rule.
      await rejects(users.create({ userId: node.ID.unique(), email: email('strength'), password: 'Short1!' }),
        node, 400, 'general_argument_invalid');

      await account.call('create', { userId: 'unique()', email: mail, password: STRONG });
      await account.call('createEmailPasswordSession', { email: mail, password: STRONG });
      await rejects(account.call('updatePassword', { password: 'NoSymbolsHere123', oldPassword: STRONG }),
        target27.sdk, 400, 'general_argument_invalid');
      await account.call('updatePassword', { password: 'An0ther-Strong-one', oldPassword: STRONG });

      // Relaxed again, the earlier refusal passes.
      await policies.updatePasswordStrengthPolicy({ min: 8, uppercase: false, number: false, symbols: false });
      await webClient(target27, server, project.$id).call('create', { userId: 'unique()', email: email('strength'), password: 'longbutweakpassword' });
    });

    test('logs carry userType, and users are listed by accessedAt', async () => {
      const mail = email('logs');
      const created = await users.create({ userId: node.ID.unique(), email: mail, password: STRONG, name: 'Logs' });
      const account = webClient(target27, server, project.$id);
      await account.call('createEmailPasswordSession', { email: mail, password: STRONG });
      await account.call('get');

      const { logs } = await users.listLogs({ userId: created.$id });
      const byEvent = Object.fromEntries(logs.map((l) => [l.event, l]));
      assert.equal(byEvent['user.create'].userType, 'keyProject');
      assert.equal(byEvent['session.create'].userType, 'user');
      const ownLogs = await account.call('listLogs');
      assert.ok(ownLogs.logs.every((l) => typeof l.userType === 'string' && l.userType !== ''));

      const never = await users.create({ userId: node.ID.unique(), email: email('never'), password: STRONG });
      const recent = await users.list({ queries: [node.Query.orderDesc('accessedAt'), node.Query.limit(1)] });
      assert.equal(recent.users[0].$id, created.$id);
      const unseen = await users.list({ queries: [node.Query.isNull('accessedAt')] });
      assert.ok(unseen.users.some((u) => u.$id === never.$id));
      assert.ok(!unseen.users.some((u) => u.$id === created.$id));
    });
  });
};
