'use strict';
// tests/e2e/Services/Users/UsersCustomServerTest.php (Appwrite 1.8.1):
// ProjectCustom + SideServer running the UsersBase trait, split over
// users/ by line range of UsersBase.php.
module.exports = [
  ...require('./users/base1'), // testCreateUser … testCreateUserTypes
  ...require('./users/base2'), // testListUsers … testUserJWT
];
