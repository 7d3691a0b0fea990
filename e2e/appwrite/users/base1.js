'use strict';
// tests/e2e/Services/Users/UsersBase.php (Appwrite 1.8.1), testCreateUser
// to testCreateUserTypes, run as UsersCustomServerTest (ProjectCustom +
// SideServer: every Users call carries the project's API key).

const { Client } = require('../client');
const { ID } = require('../phpunit');

/** headers is array_merge(['content-type' => ..., 'x-appwrite-project' => ...], $this->getHeaders()). */
async function headers(scope) {
  return {
    'content-type': 'application/json',
    'x-appwrite-project': (await scope.getProject()).$id,
    ...(await scope.getHeaders()),
  };
}

module.exports = [
  { name: 'testCreateUser', async fn() {
    /**
     * Test for SUCCESS
     */
    const user = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: ID.unique(),
      email: 'cristiano.ronaldo@manchester-united.co.uk',
      password: 'password',
      name: 'Cristiano Ronaldo',
    }, false);
    this.assertEquals(user.headers['status-code'], 201);

    // Test empty prefs is object not array
    const bodyString = user.body;
    const at = bodyString.indexOf('"prefs":');
    const prefs = bodyString.substr(at + 8, 2);
    this.assertEquals('{}', prefs);

    const body = JSON.parse(bodyString);

    this.assertEquals(user.headers['status-code'], 201);
    this.assertEquals(body.name, 'Cristiano Ronaldo');
    this.assertEquals(body.email, 'cristiano.ronaldo@manchester-united.co.uk');
    this.assertEquals(body.status, true);
    this.assertGreaterThan('2000-01-01 00:00:00', body.registration);
    this.assertEquals(body.labels, []);

    /**
     * Test Create with Custom ID for SUCCESS
     */
    let res = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: ID.custom('user1'),
      email: 'lionel.messi@psg.fr',
      password: 'password',
      name: 'Lionel Messi',
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.$id, 'user1');
    this.assertEquals(res.body.name, 'Lionel Messi');
    this.assertEquals(res.body.email, 'lionel.messi@psg.fr');
    this.assertEquals(true, res.body.status);
    this.assertGreaterThan('2000-01-01 00:00:00', res.body.registration);

    /**
     * Test Create with hashed passwords
     */
    res = await this.client.call(Client.METHOD_POST, '/users/md5', await headers(this), {
      userId: 'md5',
      email: 'md5@appwrite.io',
      password: '144fa7eaa4904e8ee120651997f70dcc', // appwrite
      name: 'MD5 User',
    });

    res = await this.client.call(Client.METHOD_POST, '/users/bcrypt', await headers(this), {
      userId: 'bcrypt',
      email: 'bcrypt@appwrite.io',
      password: '$2a$15$xX/myGbFU.ZSKHSi6EHdBOySTdYm8QxBLXmOPHrYMwV0mHRBBSBOq', // appwrite (15 rounds)
      name: 'Bcrypt User',
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.password, '$2a$15$xX/myGbFU.ZSKHSi6EHdBOySTdYm8QxBLXmOPHrYMwV0mHRBBSBOq');
    this.assertEquals(res.body.hash, 'bcrypt');

    res = await this.client.call(Client.METHOD_POST, '/users/argon2', await headers(this), {
      userId: 'argon2',
      email: 'argon2@appwrite.io',
      password: '$argon2i$v=19$m=20,t=3,p=2$YXBwd3JpdGU$A/54i238ed09ZR4NwlACU5XnkjNBZU9QeOEuhjLiexI', // appwrite (salt appwrite, parallel 2, memory 20, iterations 3, length 32)
      name: 'Argon2 User',
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.password, '$argon2i$v=19$m=20,t=3,p=2$YXBwd3JpdGU$A/54i238ed09ZR4NwlACU5XnkjNBZU9QeOEuhjLiexI');
    this.assertEquals(res.body.hash, 'argon2');

    res = await this.client.call(Client.METHOD_POST, '/users/sha', await headers(this), {
      userId: 'sha512',
      email: 'sha512@appwrite.io',
      password: '4243da0a694e8a2f727c8060fe0507c8fa01ca68146c76d2c190805b638c20c6bf6ba04e21f11ae138785d0bff63c416e6f87badbffad37f6dee50094cc38c70', // appwrite (sha512)
      name: 'SHA512 User',
      passwordVersion: 'sha512',
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.password, '4243da0a694e8a2f727c8060fe0507c8fa01ca68146c76d2c190805b638c20c6bf6ba04e21f11ae138785d0bff63c416e6f87badbffad37f6dee50094cc38c70');
    this.assertEquals(res.body.hash, 'sha');
    this.assertEquals(res.body.hashOptions.version, 'sha512');

    res = await this.client.call(Client.METHOD_POST, '/users/scrypt', await headers(this), {
      userId: 'scrypt',
      email: 'scrypt@appwrite.io',
      password: '3fdef49701bc4cfaacd551fe017283513284b4731e6945c263246ef948d3cf63b5d269c31fd697246085111a428245e24a4ddc6b64c687bc60a8910dbafc1d5b', // appwrite (salt appwrite, cpu 16384, memory 13, parallel 2, length 64)
      name: 'Scrypt User',
      passwordSalt: 'appwrite',
      passwordCpu: 16384,
      passwordMemory: 13,
      passwordParallel: 2,
      passwordLength: 64,
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.password, '3fdef49701bc4cfaacd551fe017283513284b4731e6945c263246ef948d3cf63b5d269c31fd697246085111a428245e24a4ddc6b64c687bc60a8910dbafc1d5b');
    this.assertEquals(res.body.hash, 'scrypt');
    this.assertEquals(res.body.hashOptions.salt, 'appwrite');
    this.assertEquals(res.body.hashOptions.costCpu, 16384);
    this.assertEquals(res.body.hashOptions.costMemory, 13);
    this.assertEquals(res.body.hashOptions.costParallel, 2);
    this.assertEquals(res.body.hashOptions.length, 64);

    res = await this.client.call(Client.METHOD_POST, '/users/phpass', await headers(this), {
      userId: 'phpass',
      email: 'phpass@appwrite.io',
      password: '$P$Br387rwferoKN7uwHZqNMu98q3U8RO.',
      name: 'PHPass User',
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.password, '$P$Br387rwferoKN7uwHZqNMu98q3U8RO.');

    res = await this.client.call(Client.METHOD_POST, '/users/scrypt-modified', await headers(this), {
      userId: 'scrypt-modified',
      email: 'scrypt-modified@appwrite.io',
      password: 'UlM7JiXRcQhzAGlaonpSqNSLIz475WMddOgLjej5De9vxTy48K6WtqlEzrRFeK4t0COfMhWCb8wuMHgxOFCHFQ==', // appwrite
      name: 'Scrypt Modified User',
      passwordSalt: 'UxLMreBr6tYyjQ==',
      passwordSaltSeparator: 'Bw==',
      passwordSignerKey: 'XyEKE9RcTDeLEsL/RjwPDBv/RqDl8fb3gpYEOQaPihbxf1ZAtSOHCjuAAa7Q3oHpCYhXSN9tizHgVOwn6krflQ==',
    });

    this.assertEquals(res.headers['status-code'], 201);
    this.assertEquals(res.body.password, 'UlM7JiXRcQhzAGlaonpSqNSLIz475WMddOgLjej5De9vxTy48K6WtqlEzrRFeK4t0COfMhWCb8wuMHgxOFCHFQ==');
    this.assertEquals(res.body.hash, 'scryptMod');
    this.assertEquals(res.body.hashOptions.salt, 'UxLMreBr6tYyjQ==');
    this.assertEquals(res.body.hashOptions.signerKey, 'XyEKE9RcTDeLEsL/RjwPDBv/RqDl8fb3gpYEOQaPihbxf1ZAtSOHCjuAAa7Q3oHpCYhXSN9tizHgVOwn6krflQ==');
    this.assertEquals(res.body.hashOptions.saltSeparator, 'Bw==');

    return { userId: body.$id };
  } },

  /** Tries to sign in to every account created with a hashed password: the hash checks and the re-hash. */
  { name: 'testCreateUserSessionHashed', depends: ['testCreateUser'], async fn() {
    const userIds = ['md5', 'bcrypt', 'argon2', 'sha512', 'scrypt', 'phpass', 'scrypt-modified'];
    const project = await this.getProject();

    for (const userId of userIds) {
      // Ensure sessions can be created with hashed passwords
      const response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email: `${userId}@appwrite.io`,
        password: 'appwrite',
      });

      this.assertEquals(201, response.headers['status-code'], `${userId}: ${JSON.stringify(response.body)}`);
      this.assertEquals(userId, response.body.userId);
    }

    for (const userId of userIds) {
      // Ensure all passwords were re-hashed
      const response = await this.client.call(Client.METHOD_GET, `/users/${userId}`, await headers(this), {});

      this.assertEquals(200, response.headers['status-code']);
      this.assertEquals(userId, response.body.$id);
      this.assertEquals(`${userId}@appwrite.io`, response.body.email);
      this.assertEquals('argon2', response.body.hash, userId);
      this.assertStringStartsWith('$argon2', response.body.password, userId);
    }

    for (const userId of userIds) {
      // Ensure sessions can be created after re-hashing of passwords
      const response = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
        origin: 'http://localhost',
        'content-type': 'application/json',
        'x-appwrite-project': project.$id,
      }, {
        email: `${userId}@appwrite.io`,
        password: 'appwrite',
      });

      this.assertEquals(201, response.headers['status-code'], `${userId}: ${JSON.stringify(response.body)}`);
      this.assertEquals(userId, response.body.userId);
    }
  } },

  { name: 'testCreateToken', depends: ['testCreateUser'], async fn(data) {
    /**
     * Test for SUCCESS
     */
    let token = await this.client.call(Client.METHOD_POST, `/users/${data.userId}/tokens`, await headers(this));

    this.assertEquals(201, token.headers['status-code']);
    this.assertEquals(data.userId, token.body.userId);
    this.assertNotEmpty(token.body.secret);
    this.assertNotEmpty(token.body.expire);

    token = await this.client.call(Client.METHOD_POST, `/users/${data.userId}/tokens`, await headers(this), {
      length: 15,
      expire: 60,
    });

    this.assertEquals(201, token.headers['status-code']);
    this.assertEquals(data.userId, token.body.userId);
    this.assertEquals(15, token.body.secret.length);
    this.assertNotEmpty(token.body.expire);

    /**
     * Test for FAILURE
     */
    token = await this.client.call(Client.METHOD_POST, `/users/${data.userId}/tokens`, await headers(this), {
      length: 1,
      expire: 1,
    });

    this.assertEquals(400, token.headers['status-code']);
    this.assertArrayNotHasKey('userId', token.body);
    this.assertArrayNotHasKey('secret', token.body);

    token = await this.client.call(Client.METHOD_POST, `/users/${data.userId}/tokens`, await headers(this), {
      expire: 999999999999999,
    });

    this.assertEquals(400, token.headers['status-code']);
    this.assertArrayNotHasKey('userId', token.body);
    this.assertArrayNotHasKey('secret', token.body);
  } },

  { name: 'testCreateSession', depends: ['testCreateUser'], async fn(data) {
    const project = await this.getProject();
    /**
     * Test for SUCCESS
     */
    let response = await this.client.call(Client.METHOD_POST, `/users/${data.userId}/sessions`, await headers(this));

    this.assertEquals(201, response.headers['status-code']);

    const session = response.body;
    this.assertEquals(data.userId, session.userId);
    this.assertNotEmpty(session.secret);
    this.assertNotEmpty(session.expire);
    this.assertEquals('server', session.provider);

    response = await this.client.call(Client.METHOD_GET, '/account', {
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
      'x-appwrite-session': session.secret,
    });

    this.assertEquals(200, response.headers['status-code']);

    response = await this.client.call(Client.METHOD_DELETE, '/account/sessions/current', {
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
      'x-appwrite-session': session.secret,
    });

    this.assertEquals(204, response.headers['status-code']);
  } },

  /** Every optional parameter of createUser (email, phone, anonymous, ...). */
  { name: 'testCreateUserTypes', depends: ['testCreateUser'], async fn() {
    /**
     * Test for SUCCESS
     */

    // Email + password
    let response = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: 'unique()',
      email: 'emailuser@appwrite.io',
      password: 'emailUserPassword',
    });

    this.assertNotEmpty(response.body.email);
    this.assertNotEmpty(response.body.password);
    this.assertEmpty(response.body.phone);

    // Phone
    response = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: 'unique()',
      phone: '+123456789012',
    });

    this.assertEmpty(response.body.email);
    this.assertEmpty(response.body.password);
    this.assertNotEmpty(response.body.phone);

    // Anonymous
    response = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: 'unique()',
    });

    this.assertEmpty(response.body.email);
    this.assertEmpty(response.body.password);
    this.assertEmpty(response.body.phone);

    // Email-only
    response = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: 'unique()',
      email: 'emailonlyuser@appwrite.io',
    });

    this.assertNotEmpty(response.body.email);
    this.assertEmpty(response.body.password);
    this.assertEmpty(response.body.phone);

    // Password-only
    response = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: 'unique()',
      password: 'passwordOnlyUser',
    });

    this.assertEmpty(response.body.email);
    this.assertNotEmpty(response.body.password);
    this.assertEmpty(response.body.phone);

    // Password and phone
    response = await this.client.call(Client.METHOD_POST, '/users', await headers(this), {
      userId: 'unique()',
      password: 'passwordOnlyUser',
      phone: '+123456789013',
    });

    this.assertEmpty(response.body.email);
    this.assertNotEmpty(response.body.password);
    this.assertNotEmpty(response.body.phone);
  } },
];
