'use strict';
// Mail flows through the web SDKs (appwrite 18.2.0 and 27.0.0): email
// sign-in codes, magic URLs, password recovery and email verification.
// The server mails an SMTP server inside this process (lib/mail.js); the
// tests read the code or link from the parsed mail, as a person would.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  web, webClient, consoleClient, newProject, email, rejects, plain,
} = require('../lib/sdk');
const { otpOf, linkOf } = require('../lib/mail');

const PASSWORD = 'mail flow password 1';
const APP = 'https://app.example.test';

module.exports = function passwordlessSuite(env) {
  for (const target of web) {
    const { sdk } = target;

    describe(`mail flows appwrite@${target.version}`, () => {
      let server;
      let mail;
      let project;

      const browser = () => webClient(target, server, project.$id);

      // A new user signed up and in with a password.
      async function signedIn(tag = 'mail') {
        const account = browser();
        const address = email(tag);
        const user = await account.call('create', { userId: sdk.ID.unique(), email: address, password: PASSWORD, name: 'Mail Person' });
        await account.call('createEmailPasswordSession', { email: address, password: PASSWORD });
        return { account, user, email: address };
      }

      before(async () => {
        server = env.server;
        mail = env.mail;
        project = await newProject(server, `mail ${target.version}`);
        const { projects } = consoleClient(server);
        const platform = await projects.createPlatform({ projectId: project.$id, type: 'web', name: 'App', hostname: 'app.example.test' });
        assert.equal(platform.hostname, 'app.example.test');
      });

      test('createEmailToken: the 6-digit code from the mail signs in with createSession', async () => {
        const address = email('otp');
        const account = browser();
        const token = await account.call('createEmailToken', { userId: sdk.ID.unique(), email: address });
        assert.ok(token.userId, 'the token names the (new) user');
        assert.equal(token.secret, '', 'clients never see the secret');
        assert.equal(token.phrase, '');

        const msg = await mail.waitFor(address);
        assert.deepEqual(msg.from, [mail.sender]);
        assert.ok(msg.subject.includes(project.name), `subject: ${msg.subject}`);
        assert.ok(msg.html.length > 0, 'the mail has an HTML part too');
        const code = otpOf(msg);

        await rejects(browser().call('createSession', { userId: token.userId, secret: code === '000000' ? '111111' : '000000' }),
          sdk, 401, 'user_invalid_token');
        const session = await account.call('createSession', { userId: token.userId, secret: code });
        assert.equal(session.userId, token.userId);
        assert.equal(session.current, true);
        assert.equal(session.secret, '');
        assert.equal(session.provider, 'token', 'email-code sessions have provider token');
        assert.deepEqual(plain(session.factors), ['email']);
        const me = await account.call('get');
        assert.equal(me.$id, token.userId);
        assert.equal(me.email, address);
        assert.equal(me.emailVerification, true, 'redeeming a mailed code verifies the email');

        // A code works once.
        await rejects(browser().call('createSession', { userId: token.userId, secret: code }), sdk, 401, 'user_invalid_token');
      });

      test('createEmailToken for a known email signs into that user; phrase is in the mail', async () => {
        const { user, email: address } = await signedIn('otp-known');
        const account = browser();
        const token = await account.call('createEmailToken', { userId: sdk.ID.unique(), email: address, phrase: true });
        assert.equal(token.userId, user.$id, 'the given userId is ignored for a known email');
        assert.match(token.phrase, /^\S+ \S+$/);
        const msg = await mail.waitFor(address);
        assert.ok(msg.text.includes(token.phrase), `the mail shows the phrase "${token.phrase}"`);
        const session = await account.call('createSession', { userId: user.$id, secret: otpOf(msg) });
        assert.equal(session.userId, user.$id);
        assert.equal((await account.call('get')).$id, user.$id);
      });

      test('createMagicURLToken: the link in the mail signs in', async () => {
        const address = email('magic');
        const account = browser();
        const token = await account.call('createMagicURLToken', { userId: sdk.ID.unique(), email: address, url: `${APP}/magic?from=e2e` });
        assert.equal(token.secret, '');
        const msg = await mail.waitFor(address);
        const link = linkOf(msg, `${APP}/magic`);
        assert.equal(link.origin + link.pathname, `${APP}/magic`);
        assert.equal(link.searchParams.get('from'), 'e2e', 'the app\'s own query is kept');
        assert.equal(link.searchParams.get('userId'), token.userId);
        assert.equal(link.searchParams.get('project'), project.$id);
        assert.ok(!Number.isNaN(Date.parse(link.searchParams.get('expire'))), 'expire is a date');
        const secret = link.searchParams.get('secret');
        assert.match(secret, /^[0-9a-f]{32,}$/);

        // appwrite 18 still has updateMagicURLSession (PUT
        // /account/sessions/magic-url); 27 redeems every token with
        // createSession (POST /account/sessions/token).
        const redeem = target.version.startsWith('18.') ? 'updateMagicURLSession' : 'createSession';
        const session = await account.call(redeem, { userId: token.userId, secret });
        assert.equal(session.userId, token.userId);
        assert.equal(session.provider, 'magic-url');
        const me = await account.call('get');
        assert.equal(me.email, address);
        assert.equal(me.emailVerification, true);

        await rejects(browser().call('createSession', { userId: token.userId, secret }), sdk, 401, 'user_invalid_token');
        await rejects(browser().call(redeem, { userId: token.userId, secret: 'f'.repeat(64) }), sdk, 401, 'user_invalid_token');
      });

      test('createMagicURLToken to a URL off the platform list is 400 general_argument_invalid', async () => {
        const address = email('magic-off');
        await rejects(browser().call('createMagicURLToken', { userId: sdk.ID.unique(), email: address, url: 'https://evil.example.test/magic' }),
          sdk, 400, 'general_argument_invalid');
        await rejects(browser().call('createMagicURLToken', { userId: sdk.ID.unique(), email: address, url: 'javascript:alert(1)' }),
          sdk, 400, 'general_argument_invalid');
      });

      test('createRecovery + updateRecovery, then the new password signs in', async () => {
        const { user, email: address } = await signedIn('recover');
        const guest = browser();
        const token = await guest.call('createRecovery', { email: address, url: `${APP}/recover` });
        assert.equal(token.userId, user.$id);
        assert.equal(token.secret, '');
        const msg = await mail.waitFor(address);
        const link = linkOf(msg, `${APP}/recover`);
        assert.equal(link.searchParams.get('userId'), user.$id);
        const secret = link.searchParams.get('secret');
        assert.ok(secret && secret.length >= 32, 'a long secret');

        await rejects(guest.call('updateRecovery', { userId: user.$id, secret: 'f'.repeat(secret.length), password: 'new password 22' }),
          sdk, 401, 'user_invalid_token');
        const done = await guest.call('updateRecovery', { userId: user.$id, secret, password: 'new password 22' });
        assert.equal(done.userId, user.$id);
        assert.equal(done.secret, '');
        await rejects(guest.call('updateRecovery', { userId: user.$id, secret, password: 'third password 3' }),
          sdk, 401, 'user_invalid_token');

        await rejects(browser().call('createEmailPasswordSession', { email: address, password: PASSWORD }),
          sdk, 401, 'user_invalid_credentials');
        const account = browser();
        const s = await account.call('createEmailPasswordSession', { email: address, password: 'new password 22' });
        assert.equal(s.userId, user.$id);
        assert.equal((await account.call('get')).emailVerification, true, 'recovery proves the email');
      });

      test('createRecovery errors: unknown email 404, off-list URL 400', async () => {
        await rejects(browser().call('createRecovery', { email: email('nobody'), url: `${APP}/recover` }),
          sdk, 404, 'user_not_found');
        const { email: address } = await signedIn('recover-off');
        await rejects(browser().call('createRecovery', { email: address, url: 'https://evil.example.test/recover' }),
          sdk, 400, 'general_argument_invalid');
      });

      test('createVerification + updateVerification: account.get().emailVerification', async () => {
        const { account, user, email: address } = await signedIn('verify');
        assert.equal((await account.call('get')).emailVerification, false);
        const before = mail.count(address);
        const token = await account.call('createVerification', { url: `${APP}/verify` });
        assert.equal(token.userId, user.$id);
        assert.equal(token.secret, '');
        const msg = await mail.waitFor(address);
        assert.equal(mail.count(address), before + 1);
        const link = linkOf(msg, `${APP}/verify`);
        assert.equal(link.searchParams.get('userId'), user.$id);
        const secret = link.searchParams.get('secret');

        await rejects(account.call('updateVerification', { userId: user.$id, secret: 'f'.repeat(secret.length) }),
          sdk, 401, 'user_invalid_token');
        const done = await account.call('updateVerification', { userId: user.$id, secret });
        assert.equal(done.userId, user.$id);
        const me = await account.call('get');
        assert.equal(me.emailVerification, true);
        assert.deepEqual(plain(me.prefs), {});
        await rejects(account.call('updateVerification', { userId: user.$id, secret }), sdk, 401, 'user_invalid_token');
      });

      test('createVerification to a URL off the platform list is 400 general_argument_invalid', async () => {
        const { account } = await signedIn('verify-off');
        await rejects(account.call('createVerification', { url: 'https://evil.example.test/verify' }),
          sdk, 400, 'general_argument_invalid');
        // A guest cannot ask for a verification mail.
        await rejects(browser().call('createVerification', { url: `${APP}/verify` }), sdk, 401, 'general_unauthorized_scope');
      });
    });
  }
};
