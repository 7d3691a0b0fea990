'use strict';
// tests/e2e/Services/Account/AccountBase.php (Appwrite 1.8.1): a trait
// both AccountCustomClientTest and AccountCustomServerTest use.
module.exports = [];
