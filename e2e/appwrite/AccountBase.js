'use strict';
// tests/e2e/Services/Account/AccountBase.php (Appwrite 1.8.1): a trait
// both AccountCustomClientTest and AccountCustomServerTest use. Its
// requests name their own headers (none of getHeaders()), so they are
// the same on either side.

const { Client } = require('./client');
const { ID, DatetimeValidator } = require('./phpunit');

// uniqid() of PHP: the 13 hex digits of the clock that ID.unique() starts with.
const uniqid = () => ID.unique().slice(0, 13);

module.exports = [
  {
    name: 'testCreateAccount',
    async fn() {
      const email = `${uniqid()}user@localhost.test`;
      const password = 'password';
      const name = 'User Name';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
      }, {
        userId: ID.unique(),
        email,
        password,
        name,
      });

      const id = response.body.$id;

      this.assertEquals(201, response.headers['status-code']);
      this.assertNotEmpty(response.body);
      this.assertNotEmpty(response.body.$id);
      this.assertEquals(true, new DatetimeValidator().isValid(response.body.registration));
      this.assertEquals(response.body.email, email);
      this.assertEquals(response.body.name, name);
      this.assertEquals(response.body.labels, []);
      this.assertArrayHasKey('accessedAt', response.body);
      this.assertNotEmpty(response.body.accessedAt);
      this.assertArrayHasKey('targets', response.body);
      this.assertEquals(email, response.body.targets[0].identifier);
      // Appwrite 1.9: the Account model shows the email facts its email
      // policies compute (1.8.1 kept them out of the model), and no
      // response filter hides them from older formats.
      this.assertArrayHasKey('emailCanonical', response.body);
      this.assertArrayHasKey('emailIsFree', response.body);
      this.assertArrayHasKey('emailIsDisposable', response.body);
      this.assertArrayHasKey('emailIsCorporate', response.body);
      this.assertArrayHasKey('emailIsCanonical', response.body);

      /**
       * Test for FAILURE
       */
      // Deny request from blocked IP
      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': 'console',
        'x-forwarded-for': '31.6.14.220', // Test IP for denied access region
      }, {
        userId: ID.unique(),
        email,
        password,
        name,
      });

      // Gatehouse: the console project serves only the Projects API (no
      // console users), so Account routes there answer 404
      // project_not_found whatever the address; Appwrite's 451 is its
      // region block on the console, docs/differences.md "Security" ("A
      // missing or empty `X-Appwrite-Project` silently means the console
      // project.").
      this.assertEquals(404, response.headers['status-code']);
      this.assertEquals('project_not_found', response.body.type);

      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
      }, {
        userId: ID.unique(),
        email,
        password,
        name,
      });

      this.assertEquals(response.headers['status-code'], 409);

      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
      }, {
        userId: ID.unique(),
        email: '',
        password: '',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
      }, {
        userId: ID.unique(),
        email,
        password: '',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
        'x-appwrite-dev-key': (await this.getProject()).devKey ?? '',
      }, {
        userId: ID.unique(),
        email: '',
        password,
      });

      this.assertEquals(400, response.headers['status-code']);

      const shortPassword = 'short';
      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
        'x-appwrite-dev-key': (await this.getProject()).devKey ?? '',
      }, {
        userId: ID.unique(),
        email: 'shortpass@appwrite.io',
        password: shortPassword,
      });

      this.assertEquals(400, response.headers['status-code']);

      const longPassword = 'p'.repeat(257); // 256 is the limit

      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': (await this.getProject()).$id,
        'x-appwrite-dev-key': (await this.getProject()).devKey ?? '',
      }, {
        userId: ID.unique(),
        email: 'longpass@appwrite.io',
        password: longPassword,
      });

      this.assertEquals(400, response.headers['status-code']);

      return {
        id,
        email,
        password,
        name,
      };
    },
  },

  {
    name: 'testEmailOTPSession',
    async fn() {
      const project = await this.getProject();
      const isConsoleProject = project.$id === 'console';

      let response = await this.client.call(Client.METHOD_POST, '/account/tokens/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: ID.unique(),
        email: 'otpuser@appwrite.io',
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertNotEmpty(response.body.$id);
      this.assertNotEmpty(response.body.$createdAt);
      this.assertNotEmpty(response.body.userId);
      this.assertNotEmpty(response.body.expire);
      this.assertEmpty(response.body.secret);
      this.assertEmpty(response.body.phrase);

      const userId = response.body.userId;

      let lastEmail = await this.getLastEmail();

      this.assertEquals('otpuser@appwrite.io', lastEmail.to[0].address);
      this.assertEquals(`OTP for ${project.name} Login`, lastEmail.subject);

      // FInd 6 concurrent digits in email text - OTP
      const matches = String(lastEmail.text).match(/\b\d{6}\b/g) || [];
      const code = matches[0] ?? '';

      this.assertNotEmpty(code);
      this.assertStringContainsStringIgnoringCase(`Use OTP ${code} to sign in to ${project.name}. Expires in 15 minutes.`, lastEmail.text);

      // Only Console project has branded logo in email.
      if (isConsoleProject) {
        this.assertStringContainsStringIgnoringCase('Appwrite logo', lastEmail.html);
      } else {
        this.assertStringNotContainsStringIgnoringCase('Appwrite logo', lastEmail.html);
      }

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/token', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId,
        secret: code,
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertEquals(userId, response.body.userId);
      this.assertNotEmpty(response.body.$id);
      this.assertNotEmpty(response.body.expire);
      this.assertEmpty(response.body.secret);

      const session = response.cookies[`a_session_${project.$id}`];

      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertEquals(userId, response.body.$id);
      this.assertEquals(userId, response.body.$id);
      this.assertTrue(response.body.emailVerification);
      this.assertArrayHasKey('targets', response.body);
      this.assertEquals('otpuser@appwrite.io', response.body.targets[0].identifier);

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/token', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId,
        secret: code,
      });

      this.assertEquals(401, response.headers['status-code']);
      this.assertEquals('user_invalid_token', response.body.type);

      response = await this.client.call(Client.METHOD_POST, '/account/tokens/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: ID.unique(),
        email: 'otpuser@appwrite.io',
        phrase: true,
      });

      this.assertEquals(response.headers['status-code'], 201);
      this.assertNotEmpty(response.body.phrase);
      this.assertEmpty(response.body.secret);
      this.assertEquals(userId, response.body.userId);

      const phrase = response.body.phrase;

      lastEmail = await this.getLastEmail();
      this.assertEquals('otpuser@appwrite.io', lastEmail.to[0].address);
      this.assertEquals(`OTP for ${project.name} Login`, lastEmail.subject);
      this.assertStringContainsStringIgnoringCase('security phrase', lastEmail.text);
      this.assertStringContainsStringIgnoringCase(phrase, lastEmail.text);

      response = await this.client.call(Client.METHOD_POST, '/account/tokens/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: ID.unique(),
        email: 'wrongemail',
      });

      this.assertEquals(400, response.headers['status-code']);
      this.assertEquals('general_argument_invalid', response.body.type);

      response = await this.client.call(Client.METHOD_POST, '/account/tokens/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: 'wrongId$',
        email: 'email@appwrite.io',
      });

      this.assertEquals(400, response.headers['status-code']);
      this.assertEquals('general_argument_invalid', response.body.type);

      response = await this.client.call(Client.METHOD_POST, '/account/tokens/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: ID.unique(),
      });

      this.assertEquals(400, response.headers['status-code']);
      this.assertEquals('general_argument_invalid', response.body.type);
    },
  },

  {
    name: 'testDeleteAccount',
    async fn() {
      const email = `${uniqid()}user@localhost.test`;
      const password = 'password';
      const name = 'User Name';
      const project = await this.getProject();

      let response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        'x-appwrite-dev-key': project.devKey ?? '',
      }, {
        userId: ID.unique(),
        email,
        password,
        name,
      });

      this.assertEquals(response.headers['status-code'], 201);

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      this.assertEquals(response.headers['status-code'], 201);

      const session = response.cookies[`a_session_${project.$id}`];

      response = await this.client.call(Client.METHOD_DELETE, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(response.headers['status-code'], 204);
    },
  },
];
