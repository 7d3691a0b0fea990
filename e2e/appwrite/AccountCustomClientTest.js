'use strict';
// tests/e2e/Services/Account/AccountCustomClientTest.php (Appwrite 1.8.1),
// ProjectCustom + SideClient: AccountBase's methods, then the class's own
// in file order (split over account/ by line range of the PHP file).
module.exports = [
  ...require('./AccountBase'),
  ...require('./account/client1'), // testCreateAccountSession … testUpdateAccountRecovery
  ...require('./account/client2'), // testSessionAlert … testUpdatePhoneVerification
  ...require('./account/client3'), // testCreateMagicUrl … testUpdatePushTarget
];
