'use strict';
// MFA through the web SDKs: appwrite 18.2.0 (createMfaAuthenticator,
// updateMfaChallenge, ...) and appwrite 27.0.0 (createMFAAuthenticator,
// updateMFAChallenge, ...; lib/sdk.js maps the names). TOTP codes are made
// with the `otpauth` package from the secret the server hands out.
//
// Timing: a TOTP code works once. Enrolment uses the code of the current
// 30-second step; the sign-in challenge then uses the code of the step
// after the last one used (the server accepts the neighbouring steps, so
// nobody waits for the clock). The tests of one SDK run in order and share
// one user.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const OTPAuth = require('otpauth');
const {
  web, webClient, newProject, email, rejects, plain,
} = require('../lib/sdk');
const { otpOf } = require('../lib/mail');

const PASSWORD = 'mfa password 123';
const PERIOD = 30;

/** authenticator makes codes for a Base32 secret (SHA1, 6 digits, 30 s). */
function authenticator(secret) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: PERIOD });
  const stepNow = () => Math.floor(Date.now() / 1000 / PERIOD);
  return {
    stepNow,
    at: (step) => totp.generate({ timestamp: step * PERIOD * 1000 }),
    /** next is the code of the first step after `used` (never older than now). */
    next(used) {
      const step = Math.max(used + 1, stepNow());
      return { step, code: totp.generate({ timestamp: step * PERIOD * 1000 }) };
    },
  };
}

module.exports = function mfaSuite(env) {
  for (const target of web) {
    const { sdk } = target;

    describe(`MFA appwrite@${target.version}`, () => {
      let server;
      let project;
      // Shared by the tests below, in order.
      const st = {};

      const browser = () => webClient(target, server, project.$id);

      // A new browser signs in with the password; MFA still to do.
      async function passwordOnly() {
        const account = browser();
        const session = await account.call('createEmailPasswordSession', { email: st.email, password: PASSWORD });
        assert.deepEqual(plain(session.factors), ['password']);
        await rejects(account.call('get'), sdk, 401, 'user_more_factors_required');
        return account;
      }

      before(async () => {
        server = env.server;
        project = await newProject(server, `MFA ${target.version}`);
      });

      test('SDK enums: AuthenticatorType.Totp and AuthenticationFactor values', () => {
        assert.equal(sdk.AuthenticatorType.Totp, 'totp');
        assert.equal(sdk.AuthenticationFactor.Totp, 'totp');
        assert.equal(sdk.AuthenticationFactor.Recoverycode, 'recoverycode');
        assert.equal(sdk.AuthenticationFactor.Email, 'email');
      });

      test('enrol TOTP, verify it, create recovery codes, turn MFA on', async () => {
        const account = browser();
        st.email = email('mfa');
        st.user = await account.call('create', { userId: sdk.ID.unique(), email: st.email, password: PASSWORD, name: 'Two Factor' });
        await account.call('createEmailPasswordSession', { email: st.email, password: PASSWORD });
        assert.deepEqual(plain(await account.call('listMfaFactors')),
          // passkey: Gatehouse's own factor (docs/passkeys.md).
          { totp: false, phone: false, email: false, recoveryCode: false, passkey: false });

        // MFA needs a verified factor first.
        await rejects(account.call('updateMFA', { mfa: true }), sdk, 400, 'general_argument_invalid');
        await rejects(account.call('updateMfaAuthenticator', { type: sdk.AuthenticatorType.Totp, otp: '123456' }),
          sdk, 404, 'user_authenticator_not_found');

        const type = sdk.AuthenticatorType.Totp;
        const key = await account.call('createMfaAuthenticator', { type });
        assert.match(key.secret, /^[A-Z2-7]+$/, 'Base32 secret');
        const uri = OTPAuth.URI.parse(key.uri);
        assert.ok(uri instanceof OTPAuth.TOTP);
        assert.equal(uri.secret.base32.replace(/=+$/, ''), key.secret);
        assert.equal(uri.issuer, project.name);
        assert.equal(uri.label, st.email);
        assert.equal(uri.digits, 6);
        assert.equal(uri.period, PERIOD);
        assert.equal(uri.algorithm, 'SHA1');
        st.totp = authenticator(key.secret);

        const now = st.totp.stepNow();
        const wrong = st.totp.at(now) === '000000' ? '111111' : '000000';
        await rejects(account.call('updateMfaAuthenticator', { type, otp: wrong }), sdk, 401, 'user_invalid_token');
        st.enrolStep = now;
        st.enrolCode = st.totp.at(now);
        const verified = await account.call('updateMfaAuthenticator', { type, otp: st.enrolCode });
        assert.equal(verified.$id, st.user.$id);
        assert.equal(verified.mfa, false, 'verifying does not turn MFA on');
        await rejects(account.call('createMfaAuthenticator', { type }), sdk, 409, 'user_authenticator_already_verified');

        const { recoveryCodes } = await account.call('createMfaRecoveryCodes');
        assert.equal(recoveryCodes.length, 6);
        for (const c of recoveryCodes) assert.match(c, /^[0-9a-f]{10}$/);
        st.recoveryCodes = [...recoveryCodes];
        await rejects(account.call('createMfaRecoveryCodes'), sdk, 409, 'user_recovery_codes_already_exists');

        const on = await account.call('updateMFA', { mfa: true });
        assert.equal(on.mfa, true);
        // The enrolling session keeps working: its factors were counted.
        assert.equal((await account.call('get')).mfa, true);
        assert.deepEqual(plain(await account.call('listMfaFactors')),
          { totp: true, phone: false, email: false, recoveryCode: true, passkey: false });
        const current = await account.call('getSession', { sessionId: 'current' });
        assert.deepEqual([...current.factors].sort(), ['password', 'totp']);
      });

      test('a new sign-in needs a TOTP challenge; the enrolment code does not work twice', async () => {
        assert.ok(st.totp, 'enrolment ran');
        const account = await passwordOnly();
        assert.deepEqual(plain(await account.call('listMfaFactors')),
          { totp: true, phone: false, email: false, recoveryCode: true, passkey: false });

        const challenge = await account.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Totp });
        assert.ok(challenge.$id);
        assert.equal(challenge.userId, st.user.$id);
        assert.ok(Date.parse(challenge.expire) > Date.now());

        await rejects(account.call('updateMfaChallenge', { challengeId: challenge.$id, otp: st.enrolCode }),
          sdk, 401, 'user_invalid_token');
        await rejects(account.call('updateMfaChallenge', { challengeId: 'nosuchchallenge', otp: st.enrolCode }),
          sdk, 401, 'user_invalid_token');
        await rejects(account.call('get'), sdk, 401, 'user_more_factors_required');

        const { step, code } = st.totp.next(st.enrolStep);
        const session = await account.call('updateMfaChallenge', { challengeId: challenge.$id, otp: code });
        st.lastStep = step;
        assert.equal(session.userId, st.user.$id);
        assert.deepEqual([...session.factors].sort(), ['password', 'totp']);
        assert.equal(session.secret, '');
        assert.notEqual(session.mfaUpdatedAt, '');
        const me = await account.call('get');
        assert.equal(me.$id, st.user.$id);
        assert.equal(me.mfa, true);
        st.verified = account;

        // The same code is spent now.
        const again = await passwordOnly();
        const c2 = await again.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Totp });
        await rejects(again.call('updateMfaChallenge', { challengeId: c2.$id, otp: code }), sdk, 401, 'user_invalid_token');
        await rejects(again.call('get'), sdk, 401, 'user_more_factors_required');
      });

      test('a recovery code passes the challenge once', async () => {
        assert.ok(st.recoveryCodes, 'recovery codes were made');
        const account = await passwordOnly();
        const challenge = await account.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Recoverycode });
        const session = await account.call('updateMfaChallenge', { challengeId: challenge.$id, otp: st.recoveryCodes[0] });
        assert.ok(session.factors.includes('recoverycode'), `factors: ${session.factors}`);
        assert.equal((await account.call('get')).$id, st.user.$id);

        const other = await passwordOnly();
        const c2 = await other.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Recoverycode });
        await rejects(other.call('updateMfaChallenge', { challengeId: c2.$id, otp: st.recoveryCodes[0] }),
          sdk, 401, 'user_invalid_token');
        await rejects(other.call('get'), sdk, 401, 'user_more_factors_required');
        const ok = await other.call('updateMfaChallenge', { challengeId: c2.$id, otp: st.recoveryCodes[1] });
        assert.equal(ok.userId, st.user.$id);
        assert.equal((await other.call('get')).$id, st.user.$id);
      });

      test('read and regenerate recovery codes after a fresh challenge', async () => {
        assert.ok(st.verified, 'a session passed the TOTP challenge');
        const account = st.verified;
        const read = await account.call('getMfaRecoveryCodes');
        assert.deepEqual(plain(read.recoveryCodes), st.recoveryCodes.slice(2), 'the used codes are gone');

        const { recoveryCodes } = await account.call('updateMfaRecoveryCodes');
        assert.equal(recoveryCodes.length, 6);
        for (const c of recoveryCodes) {
          assert.match(c, /^[0-9a-f]{10}$/);
          assert.ok(!st.recoveryCodes.includes(c), 'all new');
        }
        assert.deepEqual(plain((await account.call('getMfaRecoveryCodes')).recoveryCodes), plain(recoveryCodes));

        const signIn = await passwordOnly();
        const challenge = await signIn.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Recoverycode });
        await rejects(signIn.call('updateMfaChallenge', { challengeId: challenge.$id, otp: st.recoveryCodes[2] }),
          sdk, 401, 'user_invalid_token');
        await signIn.call('updateMfaChallenge', { challengeId: challenge.$id, otp: recoveryCodes[0] });
        assert.equal((await signIn.call('get')).$id, st.user.$id);

        // A session that passed no challenge may not read them.
        const stale = browser();
        await stale.call('createEmailPasswordSession', { email: st.email, password: PASSWORD });
        await rejects(stale.call('getMfaRecoveryCodes'), sdk, 401, 'user_more_factors_required');
      });

      test('email as the second factor: the challenge code comes by mail', async () => {
        // A user whose email is verified by a mailed sign-in code.
        const address = email('mfa-mail');
        const account = browser();
        const token = await account.call('createEmailToken', { userId: sdk.ID.unique(), email: address });
        await account.call('createSession', { userId: token.userId, secret: otpOf(await env.mail.waitFor(address)) });
        await account.call('updatePassword', { password: PASSWORD });
        assert.equal((await account.call('listMfaFactors')).email, true);
        assert.equal((await account.call('updateMFA', { mfa: true })).mfa, true);

        const signIn = browser();
        await signIn.call('createEmailPasswordSession', { email: address, password: PASSWORD });
        await rejects(signIn.call('get'), sdk, 401, 'user_more_factors_required');
        const challenge = await signIn.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Email });
        const code = otpOf(await env.mail.waitFor(address));
        await rejects(signIn.call('updateMfaChallenge', { challengeId: challenge.$id, otp: code === '000000' ? '111111' : '000000' }),
          sdk, 401, 'user_invalid_token');
        const session = await signIn.call('updateMfaChallenge', { challengeId: challenge.$id, otp: code });
        assert.deepEqual([...session.factors].sort(), ['email', 'password']);
        assert.equal((await signIn.call('get')).$id, token.userId);
        await rejects(signIn.call('createMfaChallenge', { factor: sdk.AuthenticationFactor.Totp }), sdk, 404, 'user_authenticator_not_found');
      });

      test('turn MFA off: a password alone signs in again', async () => {
        assert.ok(st.verified, 'a session passed the TOTP challenge');
        const off = await st.verified.call('updateMFA', { mfa: false });
        assert.equal(off.mfa, false);
        const account = browser();
        await account.call('createEmailPasswordSession', { email: st.email, password: PASSWORD });
        assert.equal((await account.call('get')).mfa, false);
        // The authenticator is still there until deleted.
        assert.equal((await account.call('listMfaFactors')).totp, true);
        await st.verified.call('deleteMfaAuthenticator', { type: sdk.AuthenticatorType.Totp });
        assert.equal((await account.call('listMfaFactors')).totp, false);
      });
    });
  }
};
