'use strict';
// One release of every supported major of the official SDKs: web
// `appwrite` 16 to 27 and `node-appwrite` 14 to 27, each sending the
// response format it was built for (1.6.0 to 2.0.0). Each signs up, signs
// in and reads its account (web), or creates, reads, lists and deletes a
// user (node), and gets the model of its format: the 1.9 user fields
// `impersonator` and `impersonatorUserId` only from 1.9.0, the email facts
// in every format. None may see X-Appwrite-Warning (the SDKs print it;
// lib/sdk.js collects what they print).

const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { describe, test, before } = require('node:test');
const { consoleClient, newProject, email, sdkWarnings } = require('../lib/sdk');
const { attach, MemoryStorage } = require('../lib/browser');

const PASSWORD = 'matrix password 9';

const webMajors = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];
const nodeMajors = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27];

// load requires an installed SDK and reads its version (some releases
// export no package.json, so it is read from the folder).
function load(name) {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8'));
  return { sdk: require(name), version: pkg.version };
}

// olderThan compares dotted versions: is a older than b?
function olderThan(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] || 0) !== (pb[i] || 0)) return (pa[i] || 0) < (pb[i] || 0);
  }
  return false;
}

// checkUserModel asserts the fields a format's User or Account carries.
// formatOf reads the response format a client sends.
function formatOf(client) {
  const k = Object.keys(client.headers).find((h) => h.toLowerCase() === 'x-appwrite-response-format');
  assert.ok(k, 'the client sends no X-Appwrite-Response-Format');
  return client.headers[k];
}

function checkUserModel(m, format, what) {
  const has19 = !olderThan(format, '1.9.0');
  assert.equal('impersonator' in m, has19, `${what} (format ${format}): impersonator ${has19 ? 'missing' : 'present'}`);
  assert.equal('impersonatorUserId' in m, has19, `${what} (format ${format}): impersonatorUserId`);
  for (const k of ['emailCanonical', 'emailIsFree', 'emailIsDisposable', 'emailIsCorporate', 'emailIsCanonical']) {
    assert.ok(k in m, `${what} (format ${format}): ${k} missing`);
  }
  assert.equal(m.emailIsCanonical, true, `${what}: ${JSON.stringify(m)}`);
}

module.exports = function sdkMatrixSuite(env) {
  describe('every SDK major (appwrite 16-27, node-appwrite 14-27)', () => {
    let server;
    let project;
    let key;

    before(async () => {
      server = env.server;
      project = await newProject(server, 'sdkmatrix');
      const { projects } = consoleClient(server);
      key = (await projects.createKey({ projectId: project.$id, name: 'matrix', scopes: ['users.read', 'users.write'] })).secret;
    });

    for (const major of webMajors) {
      const { sdk, version } = load(`appwrite${major}`);
      test(`appwrite ${version}: sign up, sign in, account, JWT, sessions`, async () => {
        const warned = sdkWarnings.seen.length;
        const client = new sdk.Client().setEndpoint(server.endpoint).setProject(project.$id);
        attach(client, new MemoryStorage());
        const format = formatOf(client);
        assert.match(format, /^\d+\.\d+\.\d+$/);
        const account = new sdk.Account(client);
        const mail = email(`web${major}`);
        const created = await account.create(sdk.ID.unique(), mail, PASSWORD, `Web ${major}`);
        assert.equal(created.email, mail);
        checkUserModel(created, format, 'create');
        await account.createEmailPasswordSession(mail, PASSWORD);
        const me = await account.get();
        assert.equal(me.$id, created.$id);
        checkUserModel(me, format, 'get');
        const { jwt } = await account.createJWT();
        assert.equal(jwt.split('.').length, 3);
        const sessions = await account.listSessions();
        assert.equal(sessions.total, 1);
        await account.deleteSession('current');
        assert.deepEqual(sdkWarnings.seen.slice(warned), [], `appwrite ${version} (format ${format}) was warned`);
      });
    }

    for (const major of nodeMajors) {
      const { sdk, version } = load(major === 27 ? 'node-appwrite' : `node-appwrite${major}`);
      test(`node-appwrite ${version}: create, get, list and delete a user`, async () => {
        const warned = sdkWarnings.seen.length;
        const client = new sdk.Client().setEndpoint(server.endpoint).setProject(project.$id).setKey(key);
        const format = formatOf(client);
        assert.match(format, /^\d+\.\d+\.\d+$/);
        const users = new sdk.Users(client);
        const mail = email(`node${major}`);
        const created = await users.create(sdk.ID.unique(), mail, undefined, PASSWORD, `Node ${major}`);
        checkUserModel(created, format, 'create');
        const got = await users.get(created.$id);
        assert.equal(got.email, mail);
        checkUserModel(got, format, 'get');
        const list = await users.list([sdk.Query.equal('email', [mail])]);
        assert.equal(list.total, 1);
        checkUserModel(list.users[0], format, 'list');
        await users.delete(created.$id);
        assert.deepEqual(sdkWarnings.seen.slice(warned), [], `node-appwrite ${version} (format ${format}) was warned`);
      });
    }
  });
};
