'use strict';
// The settings half of Appwrite 1.9's server-side Project API through
// node-appwrite 27.1 (Project service, response format 1.9.5), driven by a
// project API key: policies, mock phones (then a mock-phone sign-in with
// appwrite 27 web), OAuth2 provider settings, the SMTP test, email
// templates and variables.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const {
  web, webClient, consoleClient, newProject, rejects, plain, node,
} = require('../lib/sdk');

module.exports = function projectSettingsSuite(env) {
  describe('project settings node-appwrite@27.1', () => {
    let server;
    let project;
    let api;

    before(async () => {
      server = env.server;
      project = await newProject(server, 'project settings');
      const { projects } = consoleClient(server);
      await projects.createPlatform({ projectId: project.$id, type: 'web', name: 'App', hostname: 'app.example.test' });
      const key = await projects.createKey({
        projectId: project.$id,
        name: 'settings',
        scopes: ['project.read', 'project.write', 'project.policies.read', 'project.policies.write', 'mocks.read',
          'mocks.write', 'project.oauth2.read', 'project.oauth2.write', 'templates.read', 'templates.write'],
      });
      const client = new node.Client().setEndpoint(server.endpoint).setProject(project.$id).setKey(key.secret);
      api = new node.Project(client);
    });

    test('policies: list, read and update, password strength returns its own model', async () => {
      const list = await api.listPolicies();
      assert.equal(list.total, 14);
      assert.deepEqual(plain(list.policies.find((p) => p.$id === 'session-invalidation')), { $id: 'session-invalidation', enabled: true });
      const updated = await api.updateSessionLimitPolicy({ total: 5 });
      assert.equal(updated.$id, project.$id, 'a Project comes back');
      assert.deepEqual(plain(await api.getPolicy({ policyId: 'session-limit' })), { $id: 'session-limit', total: 5 });
      await api.updatePasswordDictionaryPolicy({ enabled: true });
      assert.equal((await api.getPolicy({ policyId: 'password-dictionary' })).enabled, true);
      await api.updateDenyFreeEmailPolicy({ enabled: false });
      const strength = await api.updatePasswordStrengthPolicy({ min: 10, number: true });
      assert.deepEqual(plain(strength), { $id: 'password-strength', min: 10, uppercase: false, lowercase: false, number: true, symbols: false });
      await rejects(api.updatePasswordStrengthPolicy({ min: 4 }), node, 400, 'general_argument_invalid');
      const privacy = await api.updateMembershipPrivacyPolicy({ userName: true });
      assert.equal(privacy.$id, project.$id);
      assert.equal((await api.getPolicy({ policyId: 'membership-privacy' })).userName, true);
    });

    test('mock phones: create, read, update, list, delete; then sign in with one through appwrite 27 web', async () => {
      const created = await api.createMockPhone({ number: '+15555550123', otp: '123456' });
      assert.equal(created.number, '+15555550123');
      assert.equal(created.otp, '123456');
      assert.ok(created.$createdAt);
      await rejects(api.createMockPhone({ number: '+15555550123', otp: '123456' }), node, 409, 'mock_number_already_exists');
      await rejects(api.createMockPhone({ number: '+15555550124', otp: '12' }), node, 400, 'general_argument_invalid');
      assert.equal((await api.updateMockPhone({ number: '+15555550123', otp: '654321' })).otp, '654321');
      assert.equal((await api.getMockPhone({ number: '+15555550123' })).otp, '654321');
      assert.equal((await api.listMockPhones()).total, 1);

      const target = web.find((t) => t.version.startsWith('27'));
      const account = webClient(target, server, project.$id);
      const token = await account.call('createPhoneToken', { userId: target.sdk.ID.unique(), phone: '+15555550123' });
      const session = await account.call('createSession', { userId: token.userId, secret: '654321' });
      assert.equal(session.userId, token.userId);
      assert.equal((await account.call('get')).phone, '+15555550123');

      await api.deleteMockPhone({ number: '+15555550123' });
      await rejects(api.getMockPhone({ number: '+15555550123' }), node, 404, 'mock_number_not_found');
    });

    test('OAuth2 providers: credentials enable, secrets read back empty', async () => {
      const list = await api.listOAuth2Providers();
      assert.ok(list.total >= 30, `providers: ${list.total}`);
      const gh = await api.updateOAuth2GitHub({ clientId: 'gh-client', clientSecret: 'gh-secret' });
      assert.deepEqual(plain(gh), { $id: 'github', enabled: true, clientId: 'gh-client', clientSecret: '' });
      const read = await api.getOAuth2Provider({ providerId: 'github' });
      assert.equal(read.clientSecret, '');
      const ms = await api.updateOAuth2Microsoft({ applicationId: 'ms', applicationSecret: 's', tenant: 'contoso' });
      assert.equal(ms.tenant, 'contoso');
      assert.equal(ms.applicationSecret, '');
      await rejects(api.updateOAuth2Discord({ clientId: 'd', enabled: true }), node, 400, 'general_argument_invalid');
      const off = await api.updateOAuth2GitHub({ enabled: false });
      assert.equal(off.enabled, false);
    });

    test('SMTP: the update checks the server and enables it; the test mail arrives', async () => {
      const p = await api.updateSMTP({ host: '127.0.0.1', port: env.mail.port, senderEmail: 'shop@example.com', senderName: 'Shop',
        replyToEmail: 'help@example.com', replyToName: 'Help' });
      assert.equal(p.smtpEnabled, true);
      assert.equal(p.smtpPassword, '');
      await api.createSMTPTest({ emails: ['smtp.test@example.com'] });
      const msg = await env.mail.waitFor('smtp.test@example.com');
      assert.ok(msg.subject.includes('project settings'), msg.subject);
      await rejects(api.createSMTPTest({ emails: [] }), node, 400, 'general_argument_invalid');
      const off = await api.updateSMTP({ enabled: false });
      assert.equal(off.smtpEnabled, false);
    });

    test('email templates: defaults filled in, a partial update, the list', async () => {
      const t = await api.getEmailTemplate({ templateId: 'magicSession', locale: 'de' });
      assert.equal(t.templateId, 'magicSession');
      assert.ok(t.message.length > 0 && t.subject.length > 0);
      const u = await api.updateEmailTemplate({ templateId: 'magicSession', locale: 'de', subject: 'Anmelden', replyToName: 'Hilfe' });
      assert.equal(u.subject, 'Anmelden');
      assert.equal(u.replyToName, 'Hilfe');
      assert.equal(u.message, t.message, 'what is not sent stays');
      const list = await api.listEmailTemplates();
      assert.equal(list.total, 1);
      assert.equal(list.templates[0].templateId, 'magicSession');
    });

    test('variables: secret values never come back', async () => {
      const v = await api.createVariable({ variableId: 'apiurl', key: 'API_URL', value: 'https://api.example.com', secret: false });
      assert.equal(v.value, 'https://api.example.com');
      const s = await api.createVariable({ variableId: node.ID.unique(), key: 'TOKEN', value: 'hush' });
      assert.equal(s.secret, true);
      assert.equal(s.value, '');
      assert.equal((await api.getVariable({ variableId: s.$id })).value, '');
      await rejects(api.updateVariable({ variableId: s.$id, secret: false }), node, 400, 'variable_cannot_unset_secret');
      await rejects(api.createVariable({ variableId: 'apiurl', key: 'X', value: 'y' }), node, 409, 'variable_already_exists');
      assert.equal((await api.updateVariable({ variableId: 'apiurl', value: 'https://v2.example.com' })).value, 'https://v2.example.com');
      assert.equal((await api.listVariables()).total, 2);
      await api.deleteVariable({ variableId: 'apiurl' });
      await rejects(api.getVariable({ variableId: 'apiurl' }), node, 404, 'variable_not_found');
    });

    test('the console project and a user session are refused', async () => {
      const consoleApi = new node.Project(new node.Client().setEndpoint(server.endpoint).setProject('console').setKey(server.adminKey));
      await rejects(consoleApi.listPolicies(), node, 401, 'general_access_forbidden');
      const noKey = new node.Project(new node.Client().setEndpoint(server.endpoint).setProject(project.$id));
      await rejects(noKey.listPolicies(), node, 401, 'general_unauthorized_scope');
    });
  });
};
