'use strict';
// tests/e2e/Services/Users/UsersBase.php (Appwrite 1.8.1), testListUsers
// to testUserJWT, run as UsersCustomServerTest (ProjectCustom +
// SideServer: every Users call carries the project's API key).

const { Client } = require('../client');
const { ID, Query } = require('../phpunit');

/** headers is array_merge(['content-type' => ..., 'x-appwrite-project' => ...], $this->getHeaders()). */
async function headers(scope) {
  return {
    'content-type': 'application/json',
    'x-appwrite-project': (await scope.getProject()).$id,
    ...(await scope.getHeaders()),
  };
}

const sleep = (seconds) => new Promise((r) => setTimeout(r, seconds * 1000));

// userLabelsProvider: [labels, expected status, expected labels], in the
// provider's order (the names are PHPUnit's data set names).
const userLabelsProvider = [
  ['single label', ['admin'], 200, ['admin']],
  ['replace with multiple labels', ['vip', 'pro'], 200, ['vip', 'pro']],
  ['clear labels', [], 200, []],
  ['duplicate labels', ['vip', 'vip', 'pro'], 200, ['vip', 'pro']],
  ['invalid label', ['invalid-label'], 400, []],
  ['too long', ['a'.repeat(129)], 400, []],
  ['too many labels', [Array(101).fill('a')], 400, []],
];

module.exports = [
  { name: 'testListUsers', depends: ['testCreateUser'], async fn(data) {
    const totalUsers = 15;

    /**
     * Test for SUCCESS listUsers
     */
    let response = await this.client.call(Client.METHOD_GET, '/users', await headers(this));

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(totalUsers, response.body.users);

    this.assertEquals(response.body.users[0].$id, data.userId);
    this.assertEquals(response.body.users[1].$id, 'user1');

    const user1 = response.body.users[1];

    // By default, endpoints do not support select queries (Appwrite's
    // comment asks to keep this check somewhere once one does).
    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.select(['name']).toString(),
      ],
    });
    this.assertEquals(response.headers['status-code'], 400);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('name', [user1.name]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].name, user1.name);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('name', [user1.name]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].email, user1.email);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('status', [true]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(totalUsers, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);
    this.assertEquals(response.body.users[0].status, user1.status);
    this.assertEquals(response.body.users[1].$id, user1.$id);
    this.assertEquals(response.body.users[1].status, user1.status);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('status', [false]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertEmpty(response.body.users);
    this.assertCount(0, response.body.users);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('passwordUpdate', [user1.passwordUpdate]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].passwordUpdate, user1.passwordUpdate);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('registration', [user1.registration]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].registration, user1.registration);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('emailVerification', [false]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(totalUsers, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);
    this.assertEquals(response.body.users[0].status, user1.status);
    this.assertEquals(response.body.users[1].$id, user1.$id);
    this.assertEquals(response.body.users[1].status, user1.status);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('emailVerification', [true]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertEmpty(response.body.users);
    this.assertCount(0, response.body.users);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('phoneVerification', [false]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertIsArray(response.body.users);
    this.assertCount(totalUsers, response.body.users);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.equal('phoneVerification', [true]).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertEmpty(response.body.users);
    this.assertCount(0, response.body.users);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.cursorAfter({ $id: data.userId }).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(totalUsers - 1, response.body.users);
    this.assertEquals(response.body.users[0].$id, 'user1');

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.cursorBefore({ $id: 'user1' }).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);

    this.assertEquals(response.body.users[0].$id, data.userId);

    /**
     * Test for SUCCESS searchUsers
     */
    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: 'Ronaldo',
    });
    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: 'cristiano.ronaldo@manchester-united.co.uk',
    });
    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: 'cristiano.ronaldo',
    });
    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: 'manchester',
    });
    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: 'united.co.uk',
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertIsArray(response.body);
    this.assertIsArray(response.body.users);
    this.assertIsInt(response.body.total);
    this.assertEquals(1, response.body.total);
    this.assertCount(1, response.body.users);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: 'man',
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertIsArray(response.body);
    this.assertIsArray(response.body.users);
    this.assertIsInt(response.body.total);
    this.assertEquals(1, response.body.total);
    this.assertCount(1, response.body.users);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: data.userId,
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, data.userId);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: '>',
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertEmpty(response.body.users);
    this.assertCount(0, response.body.users);

    /**
     * Test for FAILURE
     */
    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      queries: [
        Query.cursorAfter({ $id: 'unknown' }).toString(),
      ],
    });

    this.assertEquals(400, response.headers['status-code']);
  } },

  { name: 'testGetUser', depends: ['testCreateUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.name, 'Cristiano Ronaldo');
    this.assertEquals(user.body.email, 'cristiano.ronaldo@manchester-united.co.uk');
    this.assertEquals(user.body.status, true);
    this.assertGreaterThan('2000-01-01 00:00:00', user.body.registration);

    const sessions = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/sessions`, await headers(this));

    this.assertEquals(sessions.headers['status-code'], 200);
    this.assertIsArray(sessions.body);

    const users = await this.client.call(Client.METHOD_GET, '/users', await headers(this));

    this.assertEquals(users.headers['status-code'], 200);
    this.assertIsArray(users.body);
    this.assertIsArray(users.body.users);
    this.assertIsInt(users.body.total);
    this.assertGreaterThan(0, users.body.total);

    /**
     * Test for SUCCESS with total=false
     */
    const usersWithIncludeTotalFalse = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      total: false,
    });

    this.assertEquals(200, usersWithIncludeTotalFalse.headers['status-code']);
    this.assertIsArray(usersWithIncludeTotalFalse.body);
    this.assertIsArray(usersWithIncludeTotalFalse.body.users);
    this.assertIsInt(usersWithIncludeTotalFalse.body.total);
    this.assertEquals(0, usersWithIncludeTotalFalse.body.total);
    this.assertGreaterThan(0, usersWithIncludeTotalFalse.body.users.length);

    /**
     * Test for FAILURE
     */
    user = await this.client.call(Client.METHOD_GET, '/users/non_existent', await headers(this));

    this.assertEquals(user.headers['status-code'], 404);
    this.assertEquals(user.body.code, 404);
    this.assertEquals(user.body.message, 'User with the requested ID could not be found.');
    this.assertEquals(user.body.type, 'user_not_found');

    return data;
  } },

  { name: 'testListUserMemberships', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */

    // Not ported: creating a team and a membership of the user in it
    // (POST /teams, POST /teams/{id}/memberships); Gatehouse has no Teams.

    // list the memberships
    const response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/memberships`, await headers(this));

    // Gatehouse: the route does not exist, docs/differences.md
    // "Restrictions a client can hit" (Teams and
    // GET /v1/users/{userId}/memberships answer 404 general_route_not_found).
    this.assertEquals(response.headers['status-code'], 404);
    this.assertEquals(response.body.type, 'general_route_not_found');
    // Not ported: the membership list's content (memberships[0].$id, its
    // roles, total 1), the second team and membership, the `contains`
    // query on roles and the 400 of an `equal` query on the roles array;
    // they all need Teams.

    return data;
  } },

  { name: 'testUpdateUserName', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.name, 'Cristiano Ronaldo');

    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/name`, await headers(this), {
      name: '',
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.name, '');

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.name, '');

    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/name`, await headers(this), {
      name: 'Updated name',
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.name, 'Updated name');

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.name, 'Updated name');

    return data;
  } },

  { name: 'testUpdateUserNameSearch', depends: ['testUpdateUserName'], async fn(data) {
    const id = data.userId ?? '';
    const newName = 'Updated name';

    /**
     * Test for SUCCESS
     */
    let response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: newName,
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, id);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: id,
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, id);
  } },

  { name: 'testUpdateUserEmail', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.email, 'cristiano.ronaldo@manchester-united.co.uk');

    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/email`, await headers(this), {
      email: '',
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.email, '');

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.email, '');

    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/email`, await headers(this), {
      email: 'users.service@updated.com',
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.email, 'users.service@updated.com');

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.email, 'users.service@updated.com');

    return data;
  } },

  { name: 'testUpdateUserEmailSearch', depends: ['testUpdateUserEmail'], async fn(data) {
    const id = data.userId ?? '';
    const newEmail = '"users.service@updated.com"';

    /**
     * Test for SUCCESS
     */
    let response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: newEmail,
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, id);

    response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: id,
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, id);
  } },

  { name: 'testUpdateUserPassword', depends: ['testUpdateUserEmail'], async fn(data) {
    const project = await this.getProject();
    /**
     * Test for SUCCESS
     */
    let session = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      email: 'users.service@updated.com',
      password: 'password',
    });

    this.assertEquals(session.headers['status-code'], 201);

    let user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/password`, await headers(this), {
      password: '',
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertNotEmpty(user.body.$id);
    this.assertEmpty(user.body.password);
    await sleep(5);

    session = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      email: 'users.service@updated.com',
      password: 'password',
    });

    this.assertEquals(401, session.headers['status-code']);
    await this.updateProjectinvalidateSessionsProperty(true);
    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/password`, await headers(this), {
      password: 'password2',
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertNotEmpty(user.body.$id);
    this.assertNotEmpty(user.body.password);

    const sessions = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/sessions`, await headers(this));

    this.assertEquals(sessions.headers['status-code'], 200);
    this.assertIsArray(sessions.body);
    this.assertEmpty(sessions.body.sessions);

    session = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      email: 'users.service@updated.com',
      password: 'password2',
    });

    this.assertEquals(session.headers['status-code'], 201);
    await this.updateProjectinvalidateSessionsProperty(false);
    return data;
  } },

  // #[Retry(count: 1)] in Appwrite: the port does not retry.
  { name: 'testUpdateUserStatus', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/status`, await headers(this), {
      status: false,
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.status, false);

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.status, false);

    return data;
  } },

  { name: 'testUpdateEmailVerification', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/verification`, await headers(this), {
      emailVerification: true,
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.emailVerification, true);

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.emailVerification, true);

    return data;
  } },

  // #[Retry(count: 1)] in Appwrite: the port does not retry.
  { name: 'testUpdateAndGetUserPrefs', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/prefs`, await headers(this), {
      prefs: {
        funcKey1: 'funcValue1',
        funcKey2: 'funcValue2',
      },
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.funcKey1, 'funcValue1');
    this.assertEquals(user.body.funcKey2, 'funcValue2');

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/prefs`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body, {
      funcKey1: 'funcValue1',
      funcKey2: 'funcValue2',
    });

    /**
     * Test for FAILURE
     */
    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/prefs`, await headers(this), {
      prefs: 'bad-string',
    });

    this.assertEquals(user.headers['status-code'], 400);

    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/prefs`, await headers(this));

    this.assertEquals(user.headers['status-code'], 400);

    return data;
  } },

  { name: 'testUpdateUserNumber', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let updatedNumber = '';
    let user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/phone`, await headers(this), {
      number: updatedNumber,
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.phone, updatedNumber);

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.phone, updatedNumber);

    updatedNumber = '+910000000000'; // dummy number
    user = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/phone`, await headers(this), {
      number: updatedNumber,
    });

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.phone, updatedNumber);

    user = await this.client.call(Client.METHOD_GET, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 200);
    this.assertEquals(user.body.phone, updatedNumber);

    /**
     * Test for FAILURE
     */

    const errorType = 'user_target_already_exists';
    const user1Id = 'user1';
    const statusCodeForUserPhoneAlredyExists = 409;

    // adding same number (updatedNumber) to different user i.e user1
    const response = await this.client.call(Client.METHOD_PATCH, `/users/${user1Id}/phone`, await headers(this), {
      number: updatedNumber,
    });
    this.assertEquals(response.headers['status-code'], statusCodeForUserPhoneAlredyExists);
    this.assertNotEmpty(response.body);
    this.assertEquals(response.body.type, errorType);

    return data;
  } },

  { name: 'testUpdateUserNumberSearch', depends: ['testUpdateUserNumber'], async fn(data) {
    const id = data.userId ?? '';
    const newNumber = '+910000000000'; // dummy number

    /**
     * Test for SUCCESS
     */
    const response = await this.client.call(Client.METHOD_GET, '/users', await headers(this), {
      search: newNumber,
    });

    this.assertEquals(response.headers['status-code'], 200);
    this.assertNotEmpty(response.body);
    this.assertNotEmpty(response.body.users);
    this.assertCount(1, response.body.users);
    this.assertEquals(response.body.users[0].$id, id);
    this.assertEquals(response.body.users[0].phone, newNumber);
  } },

  // @dataProvider userLabelsProvider: one test per data set, named as
  // PHPUnit numbers them (#0 is "single label", ...), each with the
  // return value of testGetUser.
  ...userLabelsProvider.map(([, labels, expectedStatus, expectedLabels], n) => ({
    name: `testUpdateUserLabels with data set #${n}`,
    depends: ['testGetUser'],
    async fn(data) {
      const user = await this.client.call(Client.METHOD_PUT, `/users/${data.userId}/labels`, await headers(this), {
        labels,
      });

      this.assertEquals(expectedStatus, user.headers['status-code']);
      if (expectedStatus === 200) {
        this.assertEquals(user.body.labels, expectedLabels);
      }

      return data;
    },
  })),

  { name: 'testUpdateUserLabelsWithoutLabels', depends: ['testGetUser'], async fn(data) {
    const user = await this.client.call(Client.METHOD_PUT, `/users/${data.userId}/labels`, await headers(this), {});

    this.assertEquals(400, user.headers['status-code']);

    return data;
  } },

  { name: 'testUpdateUserLabelsNonExistentUser', async fn() {
    const user = await this.client.call(Client.METHOD_PUT, '/users/dne/labels', await headers(this), {
      labels: ['admin'],
    });

    this.assertEquals(404, user.headers['status-code']);
  } },

  { name: 'testGetLogs', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let logs = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this));

    this.assertEquals(logs.headers['status-code'], 200);
    this.assertIsArray(logs.body.logs);
    this.assertIsNumeric(logs.body.total);

    logs = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.limit(1).toString(),
      ],
    });

    this.assertEquals(logs.headers['status-code'], 200);
    this.assertIsArray(logs.body.logs);
    this.assertLessThanOrEqual(1, logs.body.logs.length);
    this.assertIsNumeric(logs.body.total);

    logs = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.offset(1).toString(),
      ],
    });

    this.assertEquals(logs.headers['status-code'], 200);
    this.assertIsArray(logs.body.logs);
    this.assertIsNumeric(logs.body.total);

    logs = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.limit(1).toString(),
        Query.offset(1).toString(),
      ],
    });

    this.assertEquals(logs.headers['status-code'], 200);
    this.assertIsArray(logs.body.logs);
    this.assertLessThanOrEqual(1, logs.body.logs.length);
    this.assertIsNumeric(logs.body.total);

    /**
     * Test for FAILURE
     */
    let response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.limit(-1).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 400);

    response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.offset(-1).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 400);

    response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.equal('$id', ['asdf']).toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 400);

    response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        Query.orderAsc('$id').toString(),
      ],
    });

    this.assertEquals(response.headers['status-code'], 400);

    response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/logs`, await headers(this), {
      queries: [
        '{ "method": "cursorAsc", "attribute": "$id" }',
      ],
    });

    this.assertEquals(response.headers['status-code'], 400);
  } },

  { name: 'testCreateUserTarget', depends: ['testGetUser'], async fn(data) {
    // Not ported: creating a Sendgrid provider (POST
    // /messaging/providers/sendgrid) and its 201; Gatehouse has no
    // Messaging, so the target is created without a providerId.
    const response = await this.client.call(Client.METHOD_POST, `/users/${data.userId}/targets`, await headers(this), {
      targetId: ID.unique(),
      providerType: 'email',
      identifier: 'random-email@mail.org',
    });
    this.assertEquals(201, response.headers['status-code']);
    // Not ported: the target's providerId equals the provider's $id.
    this.assertEquals('random-email@mail.org', response.body.identifier);
    return response.body;
  } },

  { name: 'testUpdateUserTarget', depends: ['testCreateUserTarget'], async fn(data) {
    const response = await this.client.call(Client.METHOD_PATCH, `/users/${data.userId}/targets/${data.$id}`, await headers(this), {
      identifier: 'random-email1@mail.org',
    });
    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals('random-email1@mail.org', response.body.identifier);
    this.assertEquals(false, response.body.expired);
    return response.body;
  } },

  { name: 'testListUserTarget', depends: ['testUpdateUserTarget'], async fn(data) {
    const response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/targets`, await headers(this));

    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals(3, response.body.targets.length);
  } },

  { name: 'testGetUserTarget', depends: ['testUpdateUserTarget'], async fn(data) {
    const response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/targets/${data.$id}`, await headers(this));
    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals(data.$id, response.body.$id);
  } },

  { name: 'testDeleteUserTarget', depends: ['testUpdateUserTarget'], async fn(data) {
    let response = await this.client.call(Client.METHOD_DELETE, `/users/${data.userId}/targets/${data.$id}`, await headers(this));

    this.assertEquals(204, response.headers['status-code']);

    response = await this.client.call(Client.METHOD_GET, `/users/${data.userId}/targets`, await headers(this));

    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals(2, response.body.total);
  } },

  { name: 'testDeleteUser', depends: ['testGetUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let user = await this.client.call(Client.METHOD_DELETE, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 204);

    /**
     * Test for FAILURE
     */
    user = await this.client.call(Client.METHOD_DELETE, `/users/${data.userId}`, await headers(this));

    this.assertEquals(user.headers['status-code'], 404);

    return data;
  } },

  { name: 'testUserJWT', async fn() {
    const project = await this.getProject();
    const jwtHeaders = (jwt) => ({
      origin: 'http://localhost',
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
      'x-appwrite-jwt': jwt,
    });

    // Create user
    const userId = ID.unique();
    const user = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId,
      email: 'jwtuser@appwrite.io',
      password: 'password',
    }, false);
    this.assertEquals(user.headers['status-code'], 201);

    // Create JWT 0, with no session available
    let response = await this.client.call(Client.METHOD_POST, `/users/${userId}/jwts`, await headers(this), {});

    this.assertEquals(201, response.headers['status-code']);
    this.assertNotEmpty(response.body.jwt);
    const jwt0 = response.body.jwt;

    // Ensure JWT 0 works
    response = await this.client.call(Client.METHOD_GET, '/account', jwtHeaders(jwt0));

    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals(userId, response.body.$id);

    // Create two sessions
    response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
      origin: 'http://localhost',
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      email: 'jwtuser@appwrite.io',
      password: 'password',
    });

    this.assertEquals(201, response.headers['status-code']);
    this.assertEquals(userId, response.body.userId);
    this.assertNotEmpty(response.body.$id);
    const session1Id = response.body.$id;

    response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
      origin: 'http://localhost',
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      email: 'jwtuser@appwrite.io',
      password: 'password',
    });

    this.assertEquals(201, response.headers['status-code']);
    this.assertEquals(userId, response.body.userId);
    this.assertNotEmpty(response.body.$id);
    const session2Id = response.body.$id;

    // Create JWT 1 for older session by ID
    response = await this.client.call(Client.METHOD_POST, `/users/${userId}/jwts`, await headers(this), {
      sessionId: session1Id,
    });

    this.assertEquals(201, response.headers['status-code']);
    this.assertNotEmpty(response.body.jwt);
    const jwt1 = response.body.jwt;

    // Ensure JWT 1 works
    response = await this.client.call(Client.METHOD_GET, '/account', jwtHeaders(jwt1));

    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals(userId, response.body.$id);

    // Create JWT 2 for latest session using 'current' param
    response = await this.client.call(Client.METHOD_POST, `/users/${userId}/jwts`, await headers(this), {
      duration: 5,
      sessionId: 'current',
    });

    this.assertEquals(201, response.headers['status-code']);
    this.assertNotEmpty(response.body.jwt);
    const jwt2 = response.body.jwt;

    // Ensure JWT 2 works
    response = await this.client.call(Client.METHOD_GET, '/account', jwtHeaders(jwt2));

    this.assertEquals(200, response.headers['status-code']);
    this.assertEquals(userId, response.body.$id);

    // Wait, ensure JWT 2 no longer works because of short duration
    await sleep(10);
    response = await this.client.call(Client.METHOD_GET, '/account', jwtHeaders(jwt2));

    this.assertEquals(401, response.headers['status-code']);

    // Delete session, ensure JWT 1 no longer works because of session missing
    response = await this.client.call(Client.METHOD_DELETE, `/users/${userId}/sessions`, await headers(this), {
      sessionId: session1Id,
    });

    this.assertEquals(204, response.headers['status-code']);

    response = await this.client.call(Client.METHOD_GET, '/account', jwtHeaders(jwt1));

    this.assertEquals(401, response.headers['status-code']);

    // Ensure JWT 0 works still even with no sessions
    response = await this.client.call(Client.METHOD_DELETE, `/users/${userId}/sessions`, await headers(this), {
      sessionId: session2Id,
    });

    this.assertEquals(204, response.headers['status-code']);

    response = await this.client.call(Client.METHOD_GET, '/account', jwtHeaders(jwt0));

    // Gatehouse: a JWT made without a session ends when all of the user's
    // sessions end, and DELETE /users/{id}/sessions ended them all,
    // docs/differences.md "A JWT minted without a session lives until its
    // exp." (Appwrite: 200 and the user's $id.)
    this.assertEquals(401, response.headers['status-code']);

    // Cleanup after test
    response = await this.client.call(Client.METHOD_DELETE, `/users/${userId}`, await headers(this));

    this.assertEquals(response.headers['status-code'], 204);
  } },
];
