'use strict';
// tests/e2e/Services/Account/AccountCustomServerTest.php (Appwrite 1.8.1),
// ProjectCustom + SideServer: AccountBase's methods, then the class's own.
module.exports = [
  ...require('./AccountBase'),
  ...require('./account/server'),
];
