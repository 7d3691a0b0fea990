'use strict';
// Appwrite 2.0's Apps API (registered OAuth2 clients) through node-appwrite
// 27.1's Apps service: with an API key (apps.read, apps.write) made by the
// console SDK, and with a user's session (setSession), where a user sees
// only the apps it made. Secrets are shown once.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  node, consoleClient, newProject, email, rejects, plain,
} = require('../lib/sdk');

const PASSWORD = 'apps e2e password 1';

module.exports = function appsSuite(env) {
  describe('node-appwrite Apps', () => {
    let server;
    let project;
    let apps; // with the API key
    let keySecret;

    const nodeClient = () => new node.Client().setEndpoint(server.endpoint).setProject(project.$id);

    // A new user's Apps service, through its session.
    async function userApps() {
      const { projects } = consoleClient(server);
      const k = await projects.createKey({ projectId: project.$id, name: 'ssr', scopes: ['sessions.write'] });
      const account = new node.Account(nodeClient().setKey(k.secret));
      const mail = email('apps');
      const user = await account.create({ userId: node.ID.unique(), email: mail, password: PASSWORD, name: 'Dev' });
      const session = await account.createEmailPasswordSession({ email: mail, password: PASSWORD });
      return { user, apps: new node.Apps(nodeClient().setSession(session.secret)) };
    }

    before(async () => {
      server = env.server;
      project = await newProject(server, 'apps');
      const { projects } = consoleClient(server);
      const key = await projects.createKey({ projectId: project.$id, name: 'apps', scopes: ['apps.read', 'apps.write'] });
      keySecret = key.secret;
      apps = new node.Apps(nodeClient().setKey(keySecret));
    });

    test('create, get, list, update, labels, delete', async () => {
      const a = plain(await apps.create({
        appId: 'notes', name: 'Notes', redirectUris: ['https://notes.example/cb', 'http://127.0.0.1:8080/cb'],
        description: 'Takes notes', type: 'public', deviceFlow: true, postLogoutRedirectUris: ['com.notes.app:/bye'],
      }));
      assert.equal(a.$id, 'notes');
      assert.equal(a.type, 'public');
      assert.equal(a.enabled, true);
      assert.equal(a.deviceFlow, true);
      assert.equal(a.userId, '');
      assert.deepEqual(a.secrets, []);
      assert.deepEqual(a.redirectUris, ['https://notes.example/cb', 'http://127.0.0.1:8080/cb']);
      await rejects(apps.create({ appId: 'notes', name: 'again', redirectUris: [] }), node, 409, 'app_already_exists');
      await rejects(apps.create({ appId: node.ID.unique(), name: 'bad', redirectUris: ['https://a.example/cb#frag'] }),
        node, 400, 'general_argument_invalid');
      await rejects(apps.create({ appId: node.ID.unique(), name: 'bad', redirectUris: ['http://a.example/cb'] }),
        node, 400, 'general_argument_invalid');
      const other = await apps.create({ appId: node.ID.unique(), name: 'Other', redirectUris: ['com.example.other:/cb'] });
      assert.equal(other.type, 'confidential');

      assert.equal((await apps.get({ appId: 'notes' })).description, 'Takes notes');
      const list = await apps.list({ queries: [node.Query.equal('name', 'Other')] });
      assert.equal(list.total, 1);
      assert.equal(list.apps[0].$id, other.$id);
      assert.equal((await apps.list()).total, 2);

      const up = await apps.update({ appId: 'notes', name: 'Notes 2', enabled: false });
      assert.equal(up.name, 'Notes 2');
      assert.equal(up.enabled, false);
      assert.equal(up.description, 'Takes notes');
      const labelled = await apps.updateLabels({ appId: 'notes', labels: ['vip'] });
      assert.deepEqual([...labelled.labels], ['vip']);

      await apps.delete({ appId: 'notes' });
      await rejects(apps.get({ appId: 'notes' }), node, 404, 'app_not_found');
    });

    test('secrets and keys: shown once', async () => {
      const a = await apps.create({ appId: node.ID.unique(), name: 'Confidential', redirectUris: ['https://c.example/cb'] });
      const s = await apps.createSecret({ appId: a.$id });
      assert.ok(s.secret.length >= 32);
      assert.equal(s.hint, s.secret.slice(-4));
      assert.equal(s.appId, a.$id);
      const listed = await apps.listSecrets({ appId: a.$id });
      assert.equal(listed.total, 1);
      assert.equal(listed.secrets[0].secret, '');
      assert.equal((await apps.getSecret({ appId: a.$id, secretId: s.$id })).secret, '');
      const got = await apps.get({ appId: a.$id });
      assert.equal(got.secrets.length, 1);
      assert.equal(got.secrets[0].secret, '');
      await apps.deleteSecret({ appId: a.$id, secretId: s.$id });
      await rejects(apps.getSecret({ appId: a.$id, secretId: s.$id }), node, 404, 'app_secret_not_found');

      const k = await apps.createKey({ appId: a.$id });
      assert.ok(k.secret);
      const keys = await apps.listKeys({ appId: a.$id });
      assert.equal(keys.total, 1);
      assert.equal(keys.keys[0].secret, '');
      assert.equal((await apps.getKey({ appId: a.$id, keyId: k.$id })).secret, '');
      await apps.deleteKey({ appId: a.$id, keyId: k.$id });
      assert.equal((await apps.listKeys({ appId: a.$id })).total, 0);
    });

    test('a user manages only its own apps', async () => {
      const ann = await userApps();
      const bob = await userApps();
      const mine = await ann.apps.create({ appId: node.ID.unique(), name: 'Ann app', redirectUris: ['https://ann.example/cb'] });
      assert.equal(mine.userId, ann.user.$id);
      await ann.apps.createSecret({ appId: mine.$id });
      await rejects(bob.apps.get({ appId: mine.$id }), node, 404, 'app_not_found');
      await rejects(bob.apps.update({ appId: mine.$id, name: 'Bob now' }), node, 404, 'app_not_found');
      await rejects(bob.apps.listSecrets({ appId: mine.$id }), node, 404, 'app_not_found');
      assert.equal((await bob.apps.list()).total, 0);
      assert.equal((await ann.apps.list()).total, 1);
      await rejects(ann.apps.updateLabels({ appId: mine.$id, labels: ['x'] }), node, 401, 'general_unauthorized_scope');
      // The key sees it.
      assert.equal((await apps.get({ appId: mine.$id })).userId, ann.user.$id);
      await ann.apps.delete({ appId: mine.$id });
    });

    test('scopes; teams and installations are not built', async () => {
      const scopes = await apps.listOAuth2Scopes();
      assert.deepEqual(scopes.scopes.map((s) => s.value).slice(0, 4), ['openid', 'profile', 'email', 'phone']);
      const a = await apps.create({ appId: node.ID.unique(), name: 'T', redirectUris: ['https://t.example/cb'] });
      await rejects(apps.updateTeam({ appId: a.$id, teamId: 'team' }), node, 400, 'general_feature_unsupported');
      await rejects(apps.listInstallations({ appId: a.$id }), node, 400, 'general_feature_unsupported');
    });
  });
};
