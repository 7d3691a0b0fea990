'use strict';
// tests/e2e/Services/Account/AccountCustomClientTest.php (Appwrite 1.8.1),
// lines 22-1370: testCreateAccountSession … testUpdateAccountRecovery.
//
// PHP passes the @depends arrays by value; each method here starts from a
// copy of what it was given, so a change it makes reaches only the
// methods that depend on it, as in PHPUnit.
//
// #[Retry(count: 1)] on testUpdateAccountPassword and
// testUpdateAccountRecovery (a retry of a failed run) has no counterpart:
// each method runs once.

const net = require('node:net');
const { Client } = require('../client');
const { ID, Query, DatetimeValidator, createFromFormatYmdTHisuP } = require('../phpunit');

const sleep = (seconds) => new Promise((r) => setTimeout(r, seconds * 1000));

/** uniqid is PHP's uniqid(): 13 hex digits of the clock. */
const uniqid = () => ID.unique().slice(0, 13);

/** filterValidateIp is filter_var($ip, FILTER_VALIDATE_IP): the address or false. */
const filterValidateIp = (ip) => (typeof ip === 'string' && net.isIP(ip) ? ip : false);

/**
 * formatTz is Utopia's DateTime::formatTz: the date PHP's DateTime reads
 * from s, written 'Y-m-d\TH:i:s.vP' (milliseconds, the offset of s, UTC
 * when s has none); s itself when it is no date.
 */
function formatTz(s) {
  if (s === null || s === undefined) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(String(s));
  if (!m) return s;
  const ms = (m[3] || '').padEnd(3, '0').slice(0, 3);
  let offset = m[4] || '+00:00';
  if (offset === 'Z') offset = '+00:00';
  if (!offset.includes(':')) offset = `${offset.slice(0, 3)}:${offset.slice(3)}`;
  return `${m[1]}T${m[2]}.${ms}${offset}`;
}

module.exports = [
  {
    name: 'testCreateAccountSession',
    depends: ['testCreateAccount'],
    async fn(data) {
      const project = await this.getProject();
      const email = data.email ?? '';
      const password = data.password ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertNotFalse(createFromFormatYmdTHisuP(response.body.expire));

      const sessionId = response.body.$id;
      const session = response.cookies[`a_session_${project.$id}`];

      // apiKey is only available in custom client test
      const apiKey = project.apiKey;
      if (apiKey) {
        const userId = response.body.userId;
        response = await this.client.call(Client.METHOD_GET, `/users/${userId}`, {
          origin: 'http://localhost',
          'content-type': 'application/json',
          'x-appwrite-project': project.$id,
          'x-appwrite-key': apiKey,
        });
        this.assertEquals(200, response.headers['status-code']);
        this.assertArrayHasKey('accessedAt', response.body);
        this.assertNotEmpty(response.body.accessedAt);
      }

      response = await this.client.call(Client.METHOD_POST, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertEmpty(response.body.secret);
      this.assertNotFalse(createFromFormatYmdTHisuP(response.body.expire));

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        cookie: `a_session_${project.$id}=${session}`,
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email: email + 'x',
        password,
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password: password + 'x',
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email: '',
        password: '',
      });

      this.assertEquals(400, response.headers['status-code']);

      return {
        ...data,
        sessionId,
        session,
      };
    },
  },

  {
    name: 'testGetAccount',
    depends: ['testCreateAccountSession'],
    async fn(data) {
      const project = await this.getProject();
      const email = data.email ?? '';
      const name = data.name ?? '';
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertNotEmpty(response.body);
      this.assertNotEmpty(response.body.$id);
      this.assertTrue(new DatetimeValidator().isValid(response.body.registration));
      this.assertEquals(response.body.email, email);
      this.assertEquals(response.body.name, name);
      this.assertArrayHasKey('accessedAt', response.body);
      this.assertNotEmpty(response.body.accessedAt);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account', {
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_GET, '/account', {
        'content-type': 'application/json',
        cookie: `a_session_${project.$id}=${session}xx`,
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testGetAccountPrefs',
    depends: ['testCreateAccountSession'],
    async fn(data) {
      const project = await this.getProject();
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_GET, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertIsArray(response.body);
      this.assertEmpty(response.body);
      this.assertCount(0, response.body);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testGetAccountSessions',
    depends: ['testCreateAccountSession'],
    async fn(data) {
      const project = await this.getProject();
      const session = data.session ?? '';
      const sessionId = data.sessionId ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_GET, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertEquals(2, response.body.total);
      this.assertEquals(sessionId, response.body.sessions[0].$id);
      this.assertEmpty(response.body.sessions[0].secret);

      this.assertEquals('Windows', response.body.sessions[0].osName);
      this.assertEquals('WIN', response.body.sessions[0].osCode);
      this.assertEquals('10', response.body.sessions[0].osVersion);

      this.assertEquals('browser', response.body.sessions[0].clientType);
      this.assertEquals('Chrome', response.body.sessions[0].clientName);
      this.assertEquals('CH', response.body.sessions[0].clientCode);
      this.assertEquals('70.0', response.body.sessions[0].clientVersion);
      this.assertEquals('Blink', response.body.sessions[0].clientEngine);
      this.assertEquals('desktop', response.body.sessions[0].deviceName);
      this.assertEquals('', response.body.sessions[0].deviceBrand);
      this.assertEquals('', response.body.sessions[0].deviceModel);
      this.assertEquals(response.body.sessions[0].ip, filterValidateIp(response.body.sessions[0].ip));

      this.assertEquals('--', response.body.sessions[0].countryCode);
      this.assertEquals('Unknown', response.body.sessions[0].countryName);

      this.assertEquals(true, response.body.sessions[0].current);

      this.assertNotFalse(createFromFormatYmdTHisuP(response.body.sessions[0].expire));
      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testGetAccountLogs',
    depends: ['testCreateAccountSession'],
    async fn(data) {
      await sleep(5);
      const project = await this.getProject();
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_GET, '/account/logs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertIsArray(response.body.logs);
      this.assertNotEmpty(response.body.logs);
      this.assertCount(3, response.body.logs);
      this.assertIsNumeric(response.body.total);
      this.assertEquals('user.create', response.body.logs[2].event);
      this.assertEquals(filterValidateIp(response.body.logs[2].ip), response.body.logs[2].ip);
      this.assertTrue(new DatetimeValidator().isValid(response.body.logs[2].time));

      this.assertEquals('Windows', response.body.logs[1].osName);
      this.assertEquals('WIN', response.body.logs[1].osCode);
      this.assertEquals('10', response.body.logs[1].osVersion);

      this.assertEquals('browser', response.body.logs[1].clientType);
      this.assertEquals('Chrome', response.body.logs[1].clientName);
      this.assertEquals('CH', response.body.logs[1].clientCode);
      this.assertEquals('70.0', response.body.logs[1].clientVersion);
      this.assertEquals('Blink', response.body.logs[1].clientEngine);

      this.assertEquals('desktop', response.body.logs[1].deviceName);
      this.assertEquals('', response.body.logs[1].deviceBrand);
      this.assertEquals('', response.body.logs[1].deviceModel);
      this.assertEquals(filterValidateIp(response.body.logs[1].ip), response.body.logs[1].ip);

      this.assertEquals('--', response.body.logs[1].countryCode);
      this.assertEquals('Unknown', response.body.logs[1].countryName);

      this.assertEquals('Windows', response.body.logs[2].osName);
      this.assertEquals('WIN', response.body.logs[2].osCode);
      this.assertEquals('10', response.body.logs[2].osVersion);

      this.assertEquals('browser', response.body.logs[2].clientType);
      this.assertEquals('Chrome', response.body.logs[2].clientName);
      this.assertEquals('CH', response.body.logs[2].clientCode);
      this.assertEquals('70.0', response.body.logs[2].clientVersion);
      this.assertEquals('Blink', response.body.logs[2].clientEngine);

      this.assertEquals('desktop', response.body.logs[2].deviceName);
      this.assertEquals('', response.body.logs[2].deviceBrand);
      this.assertEquals('', response.body.logs[2].deviceModel);

      this.assertEquals('--', response.body.logs[2].countryCode);
      this.assertEquals('Unknown', response.body.logs[2].countryName);

      const responseLimit = await this.client.call(Client.METHOD_GET, '/account/logs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        queries: [
          Query.limit(1).toString(),
        ],
      });

      this.assertEquals(200, responseLimit.headers['status-code']);
      this.assertIsArray(responseLimit.body.logs);
      this.assertNotEmpty(responseLimit.body.logs);
      this.assertCount(1, responseLimit.body.logs);
      this.assertIsNumeric(responseLimit.body.total);

      this.assertEquals(response.body.logs[0], responseLimit.body.logs[0]);

      const responseOffset = await this.client.call(Client.METHOD_GET, '/account/logs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        queries: [
          Query.offset(1).toString(),
        ],
      });

      this.assertEquals(responseOffset.headers['status-code'], 200);
      this.assertIsArray(responseOffset.body.logs);
      this.assertNotEmpty(responseOffset.body.logs);
      this.assertCount(2, responseOffset.body.logs);
      this.assertIsNumeric(responseOffset.body.total);

      this.assertEquals(response.body.logs[1], responseOffset.body.logs[0]);

      const responseLimitOffset = await this.client.call(Client.METHOD_GET, '/account/logs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        queries: [
          Query.offset(1).toString(),
          Query.limit(1).toString(),
        ],
      });

      this.assertEquals(200, responseLimitOffset.headers['status-code']);
      this.assertIsArray(responseLimitOffset.body.logs);
      this.assertNotEmpty(responseLimitOffset.body.logs);
      this.assertCount(1, responseLimitOffset.body.logs);
      this.assertIsNumeric(responseLimitOffset.body.total);

      this.assertEquals(response.body.logs[1], responseLimitOffset.body.logs[0]);

      /**
       * Test for total=false
       */
      const logsWithIncludeTotalFalse = await this.client.call(Client.METHOD_GET, '/account/logs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        total: false,
      });

      this.assertEquals(200, logsWithIncludeTotalFalse.headers['status-code']);
      this.assertIsArray(logsWithIncludeTotalFalse.body);
      this.assertIsArray(logsWithIncludeTotalFalse.body.logs);
      this.assertIsInt(logsWithIncludeTotalFalse.body.total);
      this.assertEquals(0, logsWithIncludeTotalFalse.body.total);
      this.assertGreaterThan(0, logsWithIncludeTotalFalse.body.logs.length);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account/logs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  // TODO Add tests for OAuth2 session creation (Appwrite's own TODO)

  {
    name: 'testUpdateAccountName',
    depends: ['testCreateAccountSession'],
    async fn(given) {
      const data = { ...given };
      const project = await this.getProject();
      const email = data.email ?? '';
      const session = data.session ?? '';
      const newName = 'Lorem';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_PATCH, '/account/name', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        name: newName,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertIsArray(response.body);
      this.assertNotEmpty(response.body);
      this.assertNotEmpty(response.body.$id);
      this.assertTrue(new DatetimeValidator().isValid(response.body.registration));
      this.assertEquals(response.body.email, email);
      this.assertEquals(response.body.name, newName);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/name', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PATCH, '/account/name', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {});

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PATCH, '/account/name', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        name: 'ocSRq1d3QphHivJyUmYY7WMnrxyjdk5YvVwcDqx2zS0coxESN8RmsQwLWw5Whnf0WbVohuFWTRAaoKgCOO0Y0M7LwgFnZmi8881Y72222222222222222222222222222',
      });

      this.assertEquals(400, response.headers['status-code']);

      data.name = newName;

      return data;
    },
  },

  {
    name: 'testUpdateAccountPassword',
    depends: ['testUpdateAccountName'],
    async fn(given) {
      const data = { ...given };
      const project = await this.getProject();
      const email = data.email ?? '';
      const password = data.password ?? '';
      const session = data.session ?? '';

      let response;
      for (let i = 0; i < 5; i++) {
        response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
          origin: 'http://localhost',
          'content-type': 'application/json',
          'x-appwrite-project': project.$id,
        }, {
          email,
          password,
        });

        this.assertEquals(201, response.headers['status-code']);
        await sleep(1);
      }

      response = await this.client.call(Client.METHOD_GET, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      let allSessions = response.body.sessions.map((sessionDetails) => sessionDetails.$id);

      /**
       * Test for SUCCESS
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        password: 'new-password',
        oldPassword: password,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertIsArray(response.body);
      this.assertNotEmpty(response.body);
      this.assertNotEmpty(response.body.$id);
      this.assertTrue(new DatetimeValidator().isValid(response.body.registration));
      this.assertEquals(response.body.email, email);

      const currentSessionId = data.sessionId ?? '';
      response = await this.client.call(Client.METHOD_GET, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertEquals(1, response.body.total);
      // checking the current session or not
      this.assertEquals(currentSessionId, response.body.sessions[0].$id);
      this.assertTrue(response.body.sessions[0].current);

      // checking for all non active sessions are cleared
      for (const sessionId of allSessions) {
        if (currentSessionId === sessionId) {
          response = await this.client.call(Client.METHOD_GET, '/account/sessions/current', {
            origin: 'http://localhost',
            'content-type': 'application/json',
            'x-appwrite-project': project.$id,
            cookie: `a_session_${project.$id}=${session}`,
          });

          this.assertEquals(200, response.headers['status-code']);
        } else {
          response = await this.client.call(Client.METHOD_GET, `/account/sessions/${sessionId}`, {
            origin: 'http://localhost',
            'content-type': 'application/json',
            'x-appwrite-project': project.$id,
            cookie: `a_session_${project.$id}=${session}`,
          });

          this.assertEquals(404, response.headers['status-code']);
        }
      }

      const newPassword = 'new-password';
      // updating the invalidateSession to false to check sessions are not invalidated
      await this.updateProjectinvalidateSessionsProperty(false);
      for (let i = 0; i < 5; i++) {
        response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
          origin: 'http://localhost',
          'content-type': 'application/json',
          'x-appwrite-project': project.$id,
        }, {
          email,
          password: newPassword,
        });

        this.assertEquals(201, response.headers['status-code']);
        await sleep(1);
      }

      response = await this.client.call(Client.METHOD_GET, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      allSessions = response.body.sessions.map((sessionDetails) => sessionDetails.$id);

      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        password: newPassword,
        oldPassword: newPassword,
      });

      this.assertEquals(200, response.headers['status-code']);

      for (const sessionId of allSessions) {
        response = await this.client.call(Client.METHOD_GET, `/account/sessions/${sessionId}`, {
          origin: 'http://localhost',
          'content-type': 'application/json',
          'x-appwrite-project': project.$id,
          cookie: `a_session_${project.$id}=${session}`,
        });

        this.assertEquals(200, response.headers['status-code']);
      }

      // setting invalidateSession to true to check the sessions are cleared or not
      await this.updateProjectinvalidateSessionsProperty(true);
      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        password: newPassword,
        oldPassword: newPassword,
      });

      this.assertEquals(200, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_GET, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      allSessions = response.body.sessions.map((sessionDetails) => sessionDetails.$id);

      for (const sessionId of allSessions) {
        if (currentSessionId !== sessionId) {
          response = await this.client.call(Client.METHOD_GET, `/account/sessions/${sessionId}`, {
            origin: 'http://localhost',
            'content-type': 'application/json',
            'x-appwrite-project': project.$id,
            cookie: `a_session_${project.$id}=${session}`,
          });

          this.assertEquals(404, response.headers['status-code']);
        }
      }

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password: newPassword,
      });

      this.assertEquals(201, response.headers['status-code']);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);
      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {});

      this.assertEquals(400, response.headers['status-code']);

      /**
       * Existing user tries to update password by passing wrong old password -> SHOULD FAIL
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        password: 'new-password',
        oldPassword: password,
      });
      this.assertEquals(401, response.headers['status-code']);

      /**
       * Existing user tries to update password without passing old password -> SHOULD FAIL
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/password', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        password: 'new-password',
      });
      this.assertEquals(401, response.headers['status-code']);

      data.password = 'new-password';

      return data;
    },
  },

  {
    name: 'testUpdateAccountEmail',
    depends: ['testUpdateAccountPassword'],
    async fn(given) {
      const data = { ...given };
      const project = await this.getProject();
      const newEmail = `${uniqid()}new@localhost.test`;
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_PATCH, '/account/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        email: newEmail,
        password: 'new-password',
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertIsArray(response.body);
      this.assertNotEmpty(response.body);
      this.assertNotEmpty(response.body.$id);
      this.assertTrue(new DatetimeValidator().isValid(response.body.registration));
      this.assertEquals(response.body.email, newEmail);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PATCH, '/account/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {});

      this.assertEquals(400, response.headers['status-code']);

      // Test if we can create a new account with the old email

      /**
       * Test for SUCCESS
       */
      response = await this.client.call(Client.METHOD_POST, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        'x-appwrite-dev-key': project.devKey ?? '',
      }, {
        userId: ID.unique(),
        email: data.email,
        password: data.password,
        name: data.name,
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertNotEmpty(response.body);
      this.assertNotEmpty(response.body.$id);
      this.assertTrue(new DatetimeValidator().isValid(response.body.registration));
      this.assertEquals(response.body.email, data.email);
      this.assertEquals(response.body.name, data.name);

      data.email = newEmail;

      return data;
    },
  },

  {
    name: 'testUpdateAccountPrefs',
    depends: ['testUpdateAccountEmail'],
    async fn(data) {
      const project = await this.getProject();
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        prefs: {
          prefKey1: 'prefValue1',
          prefKey2: 'prefValue2',
        },
      });

      this.assertEquals(200, response.headers['status-code']);
      this.assertIsArray(response.body);
      this.assertNotEmpty(response.body);
      this.assertEquals('prefValue1', response.body.prefs.prefKey1);
      this.assertEquals('prefValue2', response.body.prefs.prefKey2);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        prefs: '{}',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        prefs: '[]',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        prefs: '{"test": "value"}',
      });

      this.assertEquals(400, response.headers['status-code']);

      /**
       * Prefs size exceeded
       */
      let prefsObject = { longValue: '🍰'.repeat(100000) };

      response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        prefs: prefsObject,
      });

      this.assertEquals(400, response.headers['status-code']);

      // Now let's test the same thing, but with normal symbol instead of multi-byte cake emoji
      prefsObject = { longValue: '-'.repeat(100000) };

      response = await this.client.call(Client.METHOD_PATCH, '/account/prefs', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        prefs: prefsObject,
      });

      this.assertEquals(400, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testCreateAccountVerification',
    depends: ['testUpdateAccountPrefs'],
    async fn(given) {
      const data = { ...given };
      const project = await this.getProject();
      const email = data.email ?? '';
      const name = data.name ?? '';
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_POST, '/account/verification', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        url: 'http://localhost/verification',
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertNotEmpty(response.body.$id);
      this.assertEmpty(response.body.secret);
      this.assertTrue(new DatetimeValidator().isValid(response.body.expire));

      const lastEmail = await this.getLastEmail();

      this.assertEquals(email, lastEmail.to[0].address);
      this.assertEquals(name, lastEmail.to[0].name);
      this.assertEquals(`Account Verification for ${project.name}`, lastEmail.subject);
      this.assertStringContainsStringIgnoringCase(`Verify your email to activate your ${project.name} account.`, lastEmail.text);

      const tokens = this.extractQueryParamsFromEmailLink(lastEmail.html);
      const verification = tokens.secret;
      const expectedExpire = formatTz(response.body.expire);
      this.assertEquals(expectedExpire, tokens.expire);

      // Secret check
      this.assertArrayHasKey('secret', tokens);
      this.assertNotEmpty(tokens.secret);

      // User ID check
      this.assertArrayHasKey('userId', tokens);
      this.assertNotEmpty(tokens.userId);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_POST, '/account/verification', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        url: 'localhost/verification',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account/verification', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        url: 'http://remotehost/verification',
      });

      this.assertEquals(400, response.headers['status-code']);

      data.verification = verification;

      return data;
    },
  },

  {
    name: 'testUpdateAccountVerification',
    depends: ['testCreateAccountVerification'],
    async fn(data) {
      const project = await this.getProject();
      const id = data.id ?? '';
      const session = data.session ?? '';
      const verification = data.verification ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_PUT, '/account/verification', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        userId: id,
        secret: verification,
      });

      this.assertEquals(200, response.headers['status-code']);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_PUT, '/account/verification', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        userId: ID.custom('ewewe'),
        secret: verification,
      });

      this.assertEquals(404, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PUT, '/account/verification', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      }, {
        userId: id,
        secret: 'sdasdasdasd',
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testDeleteAccountSession',
    depends: ['testUpdateAccountVerification'],
    async fn(data) {
      const project = await this.getProject();
      const email = data.email ?? '';
      const password = data.password ?? '';
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      const sessionNewId = response.body.$id;
      const sessionNew = response.cookies[`a_session_${project.$id}`];

      this.assertEquals(201, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${sessionNew}`,
      });

      this.assertEquals(200, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_DELETE, `/account/sessions/${sessionNewId}`, {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${sessionNew}`,
      });

      this.assertEquals(204, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(200, response.headers['status-code']);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${sessionNew}`,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testDeleteAccountSessionCurrent',
    depends: ['testUpdateAccountVerification'],
    async fn(data) {
      const project = await this.getProject();
      const email = data.email ?? '';
      const password = data.password ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      const sessionNew = response.cookies[`a_session_${project.$id}`];

      this.assertEquals(201, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        cookie: `a_session_${project.$id}=${sessionNew}`,
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(200, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_DELETE, '/account/sessions/current', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        cookie: `a_session_${project.$id}=${sessionNew}`,
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(204, response.headers['status-code']);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        cookie: `a_session_${project.$id}=${sessionNew}`,
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },

  {
    name: 'testDeleteAccountSessions',
    depends: ['testUpdateAccountVerification'],
    async fn(given) {
      const data = { ...given };
      const project = await this.getProject();
      const session = data.session ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_DELETE, '/account/sessions', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
        cookie: `a_session_${project.$id}=${session}`,
      });

      this.assertEquals(204, response.headers['status-code']);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_GET, '/account', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      });

      this.assertEquals(401, response.headers['status-code']);

      /**
       * Create new fallback session
       */
      const email = data.email ?? '';
      const password = data.password ?? '';

      response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        password,
      });

      data.session = response.cookies[`a_session_${project.$id}`];

      return data;
    },
  },

  {
    name: 'testCreateAccountRecovery',
    depends: ['testDeleteAccountSession'],
    async fn(given) {
      const data = { ...given };
      const project = await this.getProject();
      const email = data.email ?? '';
      const name = data.name ?? '';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_POST, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        url: 'http://localhost/recovery',
      });

      this.assertEquals(201, response.headers['status-code']);
      this.assertNotEmpty(response.body.$id);
      this.assertEmpty(response.body.secret);
      this.assertTrue(new DatetimeValidator().isValid(response.body.expire));

      const lastEmail = await this.getLastEmail();

      this.assertEquals(email, lastEmail.to[0].address);
      this.assertEquals(name, lastEmail.to[0].name);
      this.assertEquals(`Password Reset for ${project.name}`, lastEmail.subject);
      this.assertStringContainsStringIgnoringCase(`Reset your ${project.name} password using the link.`, lastEmail.text);

      const tokens = this.extractQueryParamsFromEmailLink(lastEmail.html);

      // Secret check
      this.assertArrayHasKey('secret', tokens);
      this.assertNotEmpty(tokens.secret);
      this.assertNotFalse(response.body.secret);

      // User ID check
      this.assertArrayHasKey('userId', tokens);
      this.assertNotEmpty(tokens.userId);
      this.assertNotFalse(response.body.userId);

      // Expire check
      this.assertArrayHasKey('expire', tokens);
      this.assertNotEmpty(tokens.expire);
      this.assertEquals(
        formatTz(response.body.expire),
        tokens.expire,
      );

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_POST, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        url: 'localhost/recovery',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email,
        url: 'http://remotehost/recovery',
      });

      this.assertEquals(400, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_POST, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email: 'not-found@localhost.test',
        url: 'http://localhost/recovery',
      });

      this.assertEquals(404, response.headers['status-code']);

      data.recovery = tokens.secret;

      return data;
    },
  },

  {
    name: 'testUpdateAccountRecovery',
    depends: ['testCreateAccountRecovery'],
    async fn(data) {
      const project = await this.getProject();
      const id = data.id ?? '';
      const recovery = data.recovery ?? '';
      const newPassword = 'test-recovery';

      /**
       * Test for SUCCESS
       */
      let response = await this.client.call(Client.METHOD_PUT, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: id,
        secret: recovery,
        password: newPassword,
      });

      this.assertEquals(200, response.headers['status-code']);

      /**
       * Test for FAILURE
       */
      response = await this.client.call(Client.METHOD_PUT, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: ID.custom('ewewe'),
        secret: recovery,
        password: newPassword,
      });

      this.assertEquals(404, response.headers['status-code']);

      response = await this.client.call(Client.METHOD_PUT, '/account/recovery', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        userId: id,
        secret: 'sdasdasdasd',
        password: newPassword,
      });

      this.assertEquals(401, response.headers['status-code']);

      return { ...data };
    },
  },
];
