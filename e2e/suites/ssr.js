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

    // Appwrite 1.9: a JWT sent beside a valid session is refused. SDKs
    // built for 1.9 or newer (node 27: format 1.9.5, web 27: 2.0.0) get
    // the 403; web 18 (1.7.0) keeps 1.8's answer, where the JWT wins.
    describe('a JWT beside a valid session', () => {
      let jwt;
      let jwtUser;
      let session;

      before(async () => {
        const other = await ssrSignIn();
        jwtUser = other.user;
        ({ jwt } = await withSession(other.session.secret).createJWT());
        ({ session } = await ssrSignIn());
      });

      test('node-appwrite 27 setSession + setJWT is 403 user_jwt_and_cookie_set', async () => {
        const both = new node.Account(nodeClient().setSession(session.secret).setJWT(jwt));
        await rejects(both.get(), node, 403, 'user_jwt_and_cookie_set');
        // Each alone still works.
        assert.equal((await new node.Account(nodeClient().setJWT(jwt)).get()).$id, jwtUser.$id);
        assert.equal((await withSession(session.secret).get()).$id, session.userId);
      });

      for (const target of web) {
        const refused = target.version.startsWith('27.');
        test(`web appwrite@${target.version} setSession + setJWT ${refused ? 'is 403 user_jwt_and_cookie_set' : 'is the JWT\'s user (format 1.7.0)'}`, async () => {
          const account = webClient(target, server, project.$id, { browser: false });
          account.client.setSession(session.secret);
          account.client.setJWT(jwt);
          if (refused) {
            await rejects(account.call('get'), target.sdk, 403, 'user_jwt_and_cookie_set');
          } else {
            assert.equal((await account.call('get')).$id, jwtUser.$id);
          }
        });
      }

      test('web appwrite@27.0.0 signed in in a browser, then setJWT, is 403 user_jwt_and_cookie_set', async () => {
        const target = web.find((w) => w.version.startsWith('27.'));
        const account = webClient(target, server, project.$id);
        const mail = email('jwtbrowser');
        await account.call('create', { userId: target.sdk.ID.unique(), email: mail, password: PASSWORD });
        await account.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
        account.client.setJWT(jwt);
        await rejects(account.call('get'), target.sdk, 403, 'user_jwt_and_cookie_set');
      });

      test('a session that is not valid leaves the JWT alone to decide', async () => {
        const both = new node.Account(nodeClient().setSession('not-a-session').setJWT(jwt));
        assert.equal((await both.get()).$id, jwtUser.$id);
      });
    });

    // Appwrite 1.9: a project key is accepted only with X-Appwrite-Project
    // naming its project. node-appwrite always sends the header; a key
    // whose project comes from the project query parameter while the
    // header names another project is 403 project_id_missing.
    test('a key for ?project=A under X-Appwrite-Project B is 403 project_id_missing', async () => {
      const other = await newProject(server, 'ssr-other');
      const { projects } = consoleClient(server);
      const reader = await projects.createKey({ projectId: project.$id, name: 'reader', scopes: ['users.read'] });
      const right = new node.Users(nodeClient().setKey(reader.secret));
      await right.list();
      // The endpoint carries ?project=A in front of the SDK's path.
      const mixed = new node.Client().setEndpoint(`${server.endpoint}/users?project=${project.$id}&path=`)
        .setProject(other.$id).setKey(reader.secret);
      await rejects(new node.Users(mixed).list(), node, 403, 'project_id_missing');
      // Under the key's own project as header too, the same request passes.
      const same = new node.Client().setEndpoint(`${server.endpoint}/users?project=${project.$id}&path=`)
        .setProject(project.$id).setKey(reader.secret);
      await new node.Users(same).list();
    });

    test('an unknown key is 401 user_unauthorized', async () => {
      await rejects(withKey('standard_0000000000000000').createEmailPasswordSession({ email: email('x'), password: PASSWORD }),
        node, 401, 'user_unauthorized');
    });
  });
};
