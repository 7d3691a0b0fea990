'use strict';
// The server-side Project API (/v1/project...) through node-appwrite 27.1's
// Project service (response format 1.9.5) with a project key made by the
// console SDK: the project, labels, toggles, keys (an ephemeral key then
// calls Users) and one platform of each kind.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  node, consoleClient, newProject, rejects, plain, uniqueId,
} = require('../lib/sdk');

const SCOPES = ['project.read', 'project.write', 'keys.read', 'keys.write', 'platforms.read', 'platforms.write',
  'users.read', 'users.write'];

module.exports = function projectSuite(env) {
  describe('node-appwrite Project', () => {
    let server;
    let project;
    let api;
    let projects;

    const nodeClient = () => new node.Client().setEndpoint(server.endpoint).setProject(project.$id);
    const byId = (list) => Object.fromEntries(list.map((x) => [x.$id, x.enabled]));

    before(async () => {
      server = env.server;
      project = await newProject(server, 'project');
      ({ projects } = consoleClient(server));
      const key = await projects.createKey({ projectId: project.$id, name: 'project', scopes: SCOPES });
      api = new node.Project(nodeClient().setKey(key.secret));
    });

    test('get: the 1.9.5 Project model', async () => {
      const p = plain(await api.get());
      assert.equal(p.$id, project.$id);
      assert.equal(p.name, 'project');
      assert.equal(p.status, 'active');
      assert.equal(p.smtpPassword, '');
      assert.deepEqual(p.labels, []);
      assert.equal(byId(p.authMethods)['email-password'], true);
      // Appwrite's seven and Gatehouse's passkey (docs/passkeys.md).
      assert.equal(p.authMethods.length, 8);
      assert.equal(byId(p.authMethods).passkey, true);
      assert.equal(byId(p.services).users, true);
      assert.deepEqual(p.protocols.map((x) => x.$id), ['rest', 'graphql', 'websocket']);
      assert.equal(p.authEmailPassword, undefined);
    });

    test('updateLabels', async () => {
      const p = await api.updateLabels({ labels: ['gold', 'eu1'] });
      assert.deepEqual([...p.labels], ['gold', 'eu1']);
      assert.deepEqual([...(await api.get()).labels], ['gold', 'eu1']);
      await rejects(api.updateLabels({ labels: ['not valid'] }), node, 400, 'general_argument_invalid');
    });

    test('updateAuthMethod, updateService, updateProtocol', async () => {
      let p = await api.updateAuthMethod({ methodId: node.ProjectAuthMethodId.Anonymous, enabled: false });
      assert.equal(byId(p.authMethods).anonymous, false);
      // The console SDK (format 1.8.0) sees the flat field.
      assert.equal((await projects.get({ projectId: project.$id })).authAnonymous, false);
      p = await api.updateAuthMethod({ methodId: node.ProjectAuthMethodId.Anonymous, enabled: true });
      assert.equal(byId(p.authMethods).anonymous, true);

      p = await api.updateService({ serviceId: node.ProjectServiceId.Teams, enabled: false });
      assert.equal(byId(p.services).teams, false);
      p = await api.updateProtocol({ protocolId: node.ProjectProtocolId.Websocket, enabled: false });
      assert.equal(byId(p.protocols).websocket, false);
      p = await api.updateProtocol({ protocolId: node.ProjectProtocolId.Websocket, enabled: true });
      assert.equal(byId(p.protocols).websocket, true);
    });

    test('keys: list, get, update, delete; no key creates a key', async () => {
      const made = await projects.createKey({ projectId: project.$id, name: 'worker', scopes: ['users.read'] });
      const list = await api.listKeys({ queries: [node.Query.equal('name', 'worker')] });
      assert.equal(list.total, 1);
      assert.equal(list.keys[0].$id, made.$id);
      assert.equal(list.keys[0].secret, '');
      const got = await api.getKey({ keyId: made.$id });
      assert.equal(got.name, 'worker');
      assert.equal(got.secret, '');
      const updated = await api.updateKey({ keyId: made.$id, name: 'worker2', scopes: ['users.read', 'users.write'] });
      assert.equal(updated.name, 'worker2');
      assert.deepEqual([...updated.scopes].sort(), ['users.read', 'users.write']);
      await rejects(api.updateKey({ keyId: made.$id, name: 'w', scopes: ['teams.write'] }), node, 403, 'key_creation_denied');
      await rejects(api.createKey({ keyId: node.ID.unique(), name: 'mine', scopes: ['users.read'] }), node, 403, 'key_creation_denied');
      assert.equal((await api.listKeys({ total: false })).total, 0);
      await api.deleteKey({ keyId: made.$id });
      await rejects(api.getKey({ keyId: made.$id }), node, 404, 'key_not_found');
    });

    test('createEphemeralKey: a key for Users that ends with its duration', async () => {
      const eph = await api.createEphemeralKey({ scopes: ['users.read'], duration: 120 });
      assert.match(eph.secret, /^ephemeral_/);
      assert.equal(eph.name, '');
      const left = Date.parse(eph.expire) - Date.now();
      assert.ok(left > 100000 && left <= 120000, `expire ${eph.expire}`);
      const users = new node.Users(nodeClient().setKey(eph.secret));
      const list = await users.list();
      assert.equal(typeof list.total, 'number');
      await rejects(users.create({ userId: node.ID.unique(), email: `${uniqueId('e')}@example.com` }), node, 401, 'general_unauthorized_scope');
      // Not in another project.
      const other = await newProject(server, 'other');
      const foreign = new node.Users(new node.Client().setEndpoint(server.endpoint).setProject(other.$id).setKey(eph.secret));
      await rejects(foreign.list(), node, 401, 'user_unauthorized');
      // Only scopes the calling key holds.
      await rejects(api.createEphemeralKey({ scopes: ['teams.read'], duration: 60 }), node, 403, 'key_creation_denied');
      await rejects(api.createEphemeralKey({ scopes: ['users.read'], duration: 3601 }), node, 400, 'general_argument_invalid');
    });

    test('platforms: one of each kind, list, get, update, delete', async () => {
      const made = [
        await api.createWebPlatform({ platformId: node.ID.unique(), name: 'Web', hostname: 'shop.example.com' }),
        await api.createApplePlatform({ platformId: node.ID.unique(), name: 'iOS', bundleIdentifier: 'com.example.shop' }),
        await api.createAndroidPlatform({ platformId: node.ID.unique(), name: 'Android', applicationId: 'com.example.shop' }),
        await api.createWindowsPlatform({ platformId: node.ID.unique(), name: 'Windows', packageIdentifierName: 'Example.Shop' }),
        await api.createLinuxPlatform({ platformId: node.ID.unique(), name: 'Linux', packageName: 'example-shop' }),
      ];
      assert.deepEqual(made.map((p) => p.type), ['web', 'apple', 'android', 'windows', 'linux']);
      assert.equal(made[0].hostname, 'shop.example.com');
      assert.equal(made[1].bundleIdentifier, 'com.example.shop');
      assert.equal(made[2].applicationId, 'com.example.shop');
      assert.equal(made[3].packageIdentifierName, 'Example.Shop');
      assert.equal(made[4].packageName, 'example-shop');

      const list = await api.listPlatforms();
      assert.equal(list.total, 5);
      const apple = await api.listPlatforms({ queries: [node.Query.equal('type', 'apple')] });
      assert.deepEqual(apple.platforms.map((p) => p.$id), [made[1].$id]);
      assert.equal((await api.getPlatform({ platformId: made[2].$id })).applicationId, 'com.example.shop');

      const web = await api.updateWebPlatform({ platformId: made[0].$id, name: 'Web 2', hostname: 'www.example.com' });
      assert.equal(web.hostname, 'www.example.com');
      const linux = await api.updateLinuxPlatform({ platformId: made[4].$id, name: 'Linux 2', packageName: 'example-shop2' });
      assert.equal(linux.packageName, 'example-shop2');
      await rejects(api.updateApplePlatform({ platformId: made[2].$id, name: 'x', bundleIdentifier: 'x' }), node, 400, 'platform_method_unsupported');
      await rejects(api.createWebPlatform({ platformId: made[0].$id, name: 'again', hostname: 'x.example.com' }), node, 409, 'platform_already_exists');

      // The console SDK (1.8.0) reads them in its model: the identifier as key.
      const consoleList = await projects.listPlatforms({ projectId: project.$id });
      const android = consoleList.platforms.find((p) => p.$id === made[2].$id);
      assert.equal(android.key, 'com.example.shop');

      await api.deletePlatform({ platformId: made[3].$id });
      await rejects(api.getPlatform({ platformId: made[3].$id }), node, 404, 'platform_not_found');
    });

    test('the console project is not served; a guest has no scope', async () => {
      const con = new node.Project(new node.Client().setEndpoint(server.endpoint).setProject('console').setKey(server.adminKey));
      await rejects(con.get(), node, 401, 'general_access_forbidden');
      const guest = new node.Project(nodeClient());
      await rejects(guest.get(), node, 401, 'general_unauthorized_scope');
    });

    test('delete: the project goes, with its key', async () => {
      const doomed = await newProject(server, 'doomed');
      const key = await projects.createKey({ projectId: doomed.$id, name: 'k', scopes: ['project.write'] });
      const p = new node.Project(new node.Client().setEndpoint(server.endpoint).setProject(doomed.$id).setKey(key.secret));
      await p.delete();
      await rejects(projects.get({ projectId: doomed.$id }), require('@appwrite.io/console'), 404, 'project_not_found');
    });
  });
};
