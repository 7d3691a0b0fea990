'use strict';
// Appwrite's own e2e tests of the Account and Users services (appwrite/
// appwrite at tag 1.8.1), ported to run against Gatehouse: one node:test
// test per PHPUnit test method, named after it, in one describe block per
// PHPUnit class. See README.md in this folder for the rules of the port.

const { defineClass } = require('./scope');

const classes = [
  ['AccountCustomClientTest', 'client', require('./AccountCustomClientTest')],
  ['AccountCustomServerTest', 'server', require('./AccountCustomServerTest')],
  ['UsersCustomServerTest', 'server', require('./UsersCustomServerTest')],
];

module.exports = function appwriteSuite(env) {
  for (const [name, side, methods] of classes) defineClass(env, name, side, methods);
};
