'use strict';
// The official SDKs under test, and a thin adapter that calls each web SDK
// in its own style: appwrite 18 takes positional arguments, appwrite 27 one
// object of named parameters. Tests say account.call('updateEmail',
// {email, password}); the adapter turns that into
// account.updateEmail(email, password) on 18 and
// account.updateEmail({email, password}) on 27.

const assert = require('node:assert/strict');
const console_ = require('@appwrite.io/console');
const nodeSDK = require('node-appwrite');
const { attach, MemoryStorage } = require('./browser');

// Every SDK prints each part of an X-Appwrite-Warning answer with
// console.warn('Warning: ' + part) (wire doc §1.1). Gatehouse answers as
// Appwrite 2.0.0, so no SDK under test (formats 1.7.0 to 2.0.0) may see
// one: they are collected here, and test/gatehouse.test.js fails the run
// of an engine that saw any.
const sdkWarnings = { seen: [] };
const warn = console.warn;
console.warn = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('Warning: ')) {
    sdkWarnings.seen.push(args[0]);
  }
  warn(...args);
};

// appwrite 27 (Appwrite 1.8 naming) renamed the MFA and email
// verification methods; tests use the 18 names and each target maps them
// to its own (read from each SDK's dist/cjs/sdk.js).
const renamed27 = {
  listMfaFactors: 'listMFAFactors',
  createMfaAuthenticator: 'createMFAAuthenticator',
  updateMfaAuthenticator: 'updateMFAAuthenticator',
  deleteMfaAuthenticator: 'deleteMFAAuthenticator',
  createMfaChallenge: 'createMFAChallenge',
  updateMfaChallenge: 'updateMFAChallenge',
  createMfaRecoveryCodes: 'createMFARecoveryCodes',
  getMfaRecoveryCodes: 'getMFARecoveryCodes',
  updateMfaRecoveryCodes: 'updateMFARecoveryCodes',
  createVerification: 'createEmailVerification',
  updateVerification: 'updateEmailVerification',
};

const web = [
  { version: '18.2.0', sdk: require('appwrite18'), style: 'positional', names: {} },
  { version: '27.0.0', sdk: require('appwrite27'), style: 'object', names: renamed27 },
];

// Positional order of the parameters of each Account method in appwrite 18
// (read from dist/cjs/sdk.js).
const positional = {
  get: [],
  create: ['userId', 'email', 'password', 'name'],
  createEmailPasswordSession: ['email', 'password'],
  createAnonymousSession: [],
  getPrefs: [],
  updatePrefs: ['prefs'],
  updateName: ['name'],
  updateEmail: ['email', 'password'],
  updatePhone: ['phone', 'password'],
  updateStatus: [],
  updatePassword: ['password', 'oldPassword'],
  listSessions: [],
  deleteSessions: [],
  getSession: ['sessionId'],
  updateSession: ['sessionId'],
  deleteSession: ['sessionId'],
  createJWT: [],
  listLogs: ['queries'],
  createEmailToken: ['userId', 'email', 'phrase'],
  createMagicURLToken: ['userId', 'email', 'url', 'phrase'],
  createSession: ['userId', 'secret'],
  updateMagicURLSession: ['userId', 'secret'],
  createRecovery: ['email', 'url'],
  updateRecovery: ['userId', 'secret', 'password'],
  createVerification: ['url'],
  updateVerification: ['userId', 'secret'],
  updateMFA: ['mfa'],
  listMfaFactors: [],
  createMfaAuthenticator: ['type'],
  updateMfaAuthenticator: ['type', 'otp'],
  deleteMfaAuthenticator: ['type'],
  createMfaChallenge: ['factor'],
  updateMfaChallenge: ['challengeId', 'otp'],
  createMfaRecoveryCodes: [],
  getMfaRecoveryCodes: [],
  updateMfaRecoveryCodes: [],
};

/** WebAccount wraps one web SDK Account service. */
class WebAccount {
  constructor(target, client, account) {
    this.target = target;
    this.client = client;
    this.account = account;
  }

  /**
   * call runs an Account method with named params in the SDK's own style.
   * method is the appwrite 18 name; renamed methods map to the target's.
   */
  call(method, params = {}) {
    const name = this.target.names[method] || method;
    const fn = this.account[name];
    assert.equal(typeof fn, 'function', `Account.${name} missing in appwrite@${this.target.version}`);
    if (this.target.style === 'object') {
      return Object.keys(params).length ? fn.call(this.account, params) : fn.call(this.account);
    }
    const order = positional[method];
    assert.ok(order, `no positional order known for ${method}`);
    for (const k of Object.keys(params)) assert.ok(order.includes(k), `${method}: unknown param ${k}`);
    let args = order.map((k) => params[k]);
    while (args.length && args[args.length - 1] === undefined) args = args.slice(0, -1);
    return fn.apply(this.account, args);
  }

  /** storage is the browser localStorage this client uses, if any. */
  get storage() { return this.client.browserStorage; }
}

/**
 * webClient makes a web SDK client for project on the server.
 * browser: a MemoryStorage (shared = same browser), true for a new one,
 * or false for none (then use setSession/setJWT).
 */
function webClient(target, server, project, { browser = true } = {}) {
  const client = new target.sdk.Client().setEndpoint(server.endpoint).setProject(project);
  if (browser) attach(client, browser === true ? new MemoryStorage() : browser);
  return new WebAccount(target, client, new target.sdk.Account(client));
}

/** consoleClient is the console SDK driven by the instance admin key. */
function consoleClient(server, key = server.adminKey) {
  const client = new console_.Client().setEndpoint(server.endpoint).setProject('console').setKey(key);
  return { client, projects: new console_.Projects(client) };
}

let seq = 0;

/** uniqueId is a valid custom id (≤36 chars of a-z0-9._-, not starting with a symbol). */
function uniqueId(prefix = 'p') {
  seq += 1;
  return `${prefix}${Date.now().toString(36)}${seq}${Math.random().toString(36).slice(2, 8)}`.slice(0, 36);
}

/** newProject creates a project through the console SDK. */
async function newProject(server, name = 'e2e') {
  const { projects } = consoleClient(server);
  const projectId = uniqueId('p');
  const p = await projects.create({ projectId, name, teamId: 'e2e' });
  assert.equal(p.$id, projectId);
  return p;
}

/**
 * plain turns an SDK result into plain JSON values: appwrite 27 and
 * node-appwrite parse with json-bigint, whose objects have a null prototype,
 * which assert.deepStrictEqual tells apart from {}.
 */
function plain(v) {
  return JSON.parse(JSON.stringify(v));
}

/** email returns a fresh address. */
function email(tag = 'user') {
  return `${tag}.${uniqueId('u')}@example.com`;
}

/**
 * rejects asserts that promise fails with an AppwriteException (of the
 * given SDK's class) carrying HTTP status code and error type.
 */
async function rejects(promise, sdk, code, type) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `expected ${code} ${type}, but the call succeeded`);
  assert.ok(err instanceof sdk.AppwriteException,
    `expected an AppwriteException, got ${err && err.constructor && err.constructor.name}: ${err && err.message}`);
  assert.deepEqual({ code: err.code, type: err.type }, { code, type }, `message: ${err.message}`);
  return err;
}

module.exports = {
  sdkWarnings, web, webClient, consoleClient, console: console_, node: nodeSDK,
  newProject, uniqueId, email, rejects, plain, MemoryStorage,
};
