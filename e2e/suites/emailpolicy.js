'use strict';
// The email policies (Appwrite 1.9's deny-*-email) through appwrite@27.0.0:
// a disposable address refused with user_email_disposable, and the email*
// fields of the Account model. The policy is switched on with Gatehouse's
// console route PATCH /v1/projects/{id}/auth/deny-disposable-email.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const { web, webClient, newProject, email, rejects, uniqueId } = require('../lib/sdk');

const PASSWORD = 'correct horse battery';

module.exports = function emailPolicySuite(env) {
  const target = web.find((w) => w.version === '27.0.0');
  const { sdk } = target;

  describe(`email policies, web appwrite@${target.version}`, () => {
    let server;
    let project;

    const setPolicy = async (id, enabled) => {
      const res = await fetch(`${server.endpoint}/projects/${project.$id}/auth/${id}`, {
        method: 'PATCH',
        headers: { 'X-Appwrite-Project': 'console', 'X-Appwrite-Key': server.adminKey, 'content-type': 'application/json' },
        body: JSON.stringify({ enabled }),
      });
      assert.equal(res.status, 200, `PATCH auth/${id}: ${await res.text()}`);
    };

    before(async () => {
      server = env.server;
      project = await newProject(server, 'email policies');
    });

    test('a disposable address is refused with user_email_disposable', async () => {
      await setPolicy('deny-disposable-email', true);
      try {
        const account = webClient(target, server, project.$id);
        const throwaway = `${uniqueId('u')}@mailinator.com`;
        await rejects(account.call('create', { userId: sdk.ID.unique(), email: throwaway, password: PASSWORD }),
          sdk, 400, 'user_email_disposable');
        await rejects(account.call('createEmailToken', { userId: sdk.ID.unique(), email: throwaway }),
          sdk, 400, 'user_email_disposable');
        // A permanent address signs up.
        const user = await account.call('create', { userId: sdk.ID.unique(), email: email('ann'), password: PASSWORD });
        assert.equal(user.emailIsDisposable, false);
      } finally {
        await setPolicy('deny-disposable-email', false);
      }
    });

    test('account.get() carries the email* fields', async () => {
      const account = webClient(target, server, project.$id);
      const mail = `Ann.Lee+news.${uniqueId('u')}@GMail.com`;
      await account.call('create', { userId: sdk.ID.unique(), email: mail, password: PASSWORD });
      await account.call('createEmailPasswordSession', { email: mail, password: PASSWORD });
      const me = await account.call('get');
      assert.equal(me.email, mail.toLowerCase());
      assert.equal(me.emailCanonical, 'annlee@gmail.com');
      assert.equal(me.emailIsFree, true);
      assert.equal(me.emailIsDisposable, false);
      assert.equal(me.emailIsCorporate, false);
      assert.equal(me.emailIsCanonical, false);
      const keys = Object.keys(me);
      const at = keys.indexOf('emailVerification');
      assert.deepEqual(keys.slice(at, at + 7), ['emailVerification', 'emailCanonical', 'emailIsFree', 'emailIsDisposable',
        'emailIsCorporate', 'emailIsCanonical', 'phoneVerification']);

      // An anonymous account never had an email: the fields are null.
      const anon = webClient(target, server, project.$id);
      await anon.call('createAnonymousSession');
      const a = await anon.call('get');
      assert.equal(a.emailCanonical, null);
      assert.equal(a.emailIsFree, null);
    });
  });
};
