'use strict';
// The console Projects API through @appwrite.io/console, driven by the
// instance admin key.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const { console: consoleSDK, consoleClient, uniqueId, rejects } = require('../lib/sdk');

module.exports = function consoleSuite(env) {
  describe('console Projects', () => {
    let server;
    let projects;

    before(() => {
      server = env.server;
      ({ projects } = consoleClient(server));
    });

    test('create and get a project', async () => {
      const projectId = uniqueId('c');
      const p = await projects.create({ projectId, name: 'Console made', teamId: 'e2e' });
      assert.equal(p.$id, projectId);
      assert.equal(p.name, 'Console made');
      assert.equal(p.authEmailPassword, true);
      assert.equal(p.authAnonymous, true);
      assert.equal(p.authSessionsLimit, 10);
      const got = await projects.get({ projectId });
      assert.equal(got.$id, projectId);
      await rejects(projects.create({ projectId, name: 'again', teamId: 'e2e' }), consoleSDK, 409, 'project_already_exists');
    });

    test('createPlatform (web) and createKey', async () => {
      const projectId = uniqueId('c');
      await projects.create({ projectId, name: 'Platforms', teamId: 'e2e' });
      const platform = await projects.createPlatform({ projectId, type: 'web', name: 'Local', hostname: 'localhost' });
      assert.equal(platform.type, 'web');
      assert.equal(platform.hostname, 'localhost');
      const list = await projects.listPlatforms({ projectId });
      assert.equal(list.total, 1);

      const key = await projects.createKey({ projectId, name: 'server', scopes: ['sessions.write', 'users.read'] });
      assert.equal(key.name, 'server');
      assert.deepEqual([...key.scopes].sort(), ['sessions.write', 'users.read']);
      assert.ok(key.secret.length >= 32);
    });

    test('updateAuthStatus toggles a method', async () => {
      const projectId = uniqueId('c');
      await projects.create({ projectId, name: 'Auth', teamId: 'e2e' });
      const off = await projects.updateAuthStatus({ projectId, method: consoleSDK.AuthMethod.Jwt, status: false });
      assert.equal(off.authJWT, false);
      assert.equal((await projects.get({ projectId })).authJWT, false);
      const on = await projects.updateAuthStatus({ projectId, method: consoleSDK.AuthMethod.Jwt, status: true });
      assert.equal(on.authJWT, true);
    });

    test('a wrong admin key is 401 user_unauthorized', async () => {
      const { projects: wrong } = consoleClient(server, 'x'.repeat(64));
      await rejects(wrong.create({ projectId: uniqueId('c'), name: 'nope', teamId: 'e2e' }), consoleSDK, 401, 'user_unauthorized');
    });
  });
};
