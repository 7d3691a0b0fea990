'use strict';
// The server-side rendering pattern with node-appwrite: a server holding an
// API key with sessions.write signs the user in, receives the session
// string as `secret`, and hands it to clients that use setSession().

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  node, web, webClient, consoleClient, newProject, email, rejects, plain,
} = require('../lib/sdk');

const PASSWORD = 'server side secret 1';

module.exports = function ssrSuite(env) {
  describe('node-appwrite SSR', () => {
    let server;
    let project;
    let key;

    const nodeClient = () => new node.Client().setEndpoint(server.endpoint).setProject(project.$id);
    const withKey = (secret = key.secret) => new node.Account(nodeClient().setKey(secret));
    const withSession = (s) => new node.Account(nodeClient().setSession(s));

    // Signs a new user up and in through the API key; returns the session.
    async function ssrSignIn() {
      const mail = email('ssr');
      const user = await withKey().create({ userId: node.ID.unique(), email: mail, password: PASSWORD, name: 'SSR' });
      const session = await withKey().createEmailPasswordSession({ email: mail, password: PASSWORD });
      return { user, session, email: mail };
    }

    before(async () => {
      server = env.server;
      project = await newProject(server, 'ssr');
      const { projects } = consoleClient(server);
      key = await projects.createKey({ projectId: project.$id, name: 'ssr', scopes: ['sessions.write'] });
      assert.ok(key.secret, 'createKey returns the key secret');
    });

    test('client.ping()', async () => {
      const res = await nodeClient().ping();
      assert.equal(typeof res === 'string' ? res : res.message, 'Pong!');
    });

    test('API key signs in and gets the session string as secret', async () => {
      const { user, session, email: mail } = await ssrSignIn();
      assert.equal(session.userId, user.$id);
      assert.equal(session.provider, 'email');
      assert.equal(session.providerUid, mail);
      assert.ok(session.secret.length > 0, 'secret is shown to API-key callers');
      const decoded = JSON.parse(Buffer.from(session.secret, 'base64').toString());
      assert.equal(decoded.id, user.$id);
      assert.ok(decoded.secret);
    });

    test('node-appwrite client with setSession(secret) is the user', async () => {
      const { user, session } = await ssrSignIn();
      const account = withSession(session.secret);
      const me = await account.get();
      assert.equal(me.$id, user.$id);
      assert.equal(me.name, 'SSR');
      const cur = await account.getSession({ sessionId: 'current' });
      assert.equal(cur.$id, session.$id);
      assert.equal(cur.current, true);
      const updated = await account.updatePrefs({ prefs: { rendered: 'server' } });
      assert.deepEqual(plain(updated.prefs), { rendered: 'server' });
    });

    for (const target of web) {
      test(`web appwrite@${target.version} with setSession(secret) is the user`, async () => {
        const { user, session } = await ssrSignIn();
        const account = webClient(target, server, project.$id, { browser: false });
        account.client.setSession(session.secret);
        assert.equal((await account.call('get')).$id, user.$id);
        const list = await account.call('listSessions');
        assert.equal(list.sessions.filter((s) => s.current).map((s) => s.$id)[0], session.$id);
      });
    }

    test('setSession then deleteSession(current) signs out', async () => {
      const { session } = await ssrSignIn();
      const account = withSession(session.secret);
      await account.deleteSession({ sessionId: 'current' });
      await rejects(account.get(), node, 401, 'general_unauthorized_scope');
    });

    test('wrong password through the key is 401 user_invalid_credentials', async () => {
      const { email: mail } = await ssrSignIn();
      await rejects(withKey().createEmailPasswordSession({ email: mail, password: 'nope nope nope' }),
        node, 401, 'user_invalid_credentials');
    });

    test('API key and session together is 403 user_key_and_session_set', async () => {
      const { session } = await ssrSignIn();
      const both = new node.Account(nodeClient().setKey(key.secret).setSession(session.secret));
      await rejects(both.get(), node, 403, 'user_key_and_session_set');
    });

    test('a key without sessions.write is 401 general_unauthorized_scope', async () => {
      const { projects } = consoleClient(server);
      const weak = await projects.createKey({ projectId: project.$id, name: 'weak', scopes: ['users.read'] });
      await rejects(withKey(weak.secret).createEmailPasswordSession({ email: email('weak'), password: PASSWORD }),
        node, 401, 'general_unauthorized_scope');
    });

    test('an unknown key is 401 user_unauthorized', async () => {
      await rejects(withKey('standard_0000000000000000').createEmailPasswordSession({ email: email('x'), password: PASSWORD }),
        node, 401, 'user_unauthorized');
    });
  });
};
