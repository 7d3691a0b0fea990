'use strict';
// Gatehouse as an OAuth 2.1 / OpenID Connect provider (Appwrite 2.0's
// OAuth2 server), end to end with clients written by others:
//
// - openid-client 6 (an OpenID-certified relying party): discovery, code
//   + PKCE for a public app, client_secret_basic for a confidential one,
//   ID token checks, refresh rotation and reuse detection, userinfo,
//   introspection, revocation, RP-initiated logout, the device flow;
// - node-appwrite 27.1's Project (updateOAuth2Server), Apps and Oauth2
//   services, and appwrite 27's Account consents;
// - the consent page an app hosts (pages/consent, appwrite 27 as an ES
//   module) in headless Chromium;
// - @modelcontextprotocol/sdk's OAuth client authorizing against Gatehouse
//   for an MCP server of this process, with a client ID metadata document
//   and a resource indicator.
//
// The user's browser is played by lib/oauth2server.js's browse (redirects
// followed with the session cookie; on the consent page the user approves
// through node-appwrite) except in the Chromium tests.

const assert = require('node:assert/strict');
const { describe, test, before, after } = require('node:test');
const {
  node, web, consoleClient, newProject, uniqueId, email, rejects, plain,
} = require('../lib/sdk');
const chromium = require('../lib/chromium');
const {
  WAIT, startAppServer, startMetadataServer, startMcpServer, browse, oauthError, decodeJwt,
} = require('../lib/oauth2server');

const PASSWORD = 'correct horse battery';
const KEY_SCOPES = ['project.read', 'project.write', 'platforms.read', 'platforms.write', 'users.read', 'users.write',
  'sessions.write'];
const web27 = web.find((w) => w.version === '27.0.0').sdk;

// refused asserts that an SDK call fails with one of the HTTP statuses
// codes (for errors whose Appwrite type the reference leaves open).
async function refused(promise, codes, what) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, `${what}: expected ${codes.join(' or ')}, but the call succeeded`);
  assert.ok(codes.includes(err.code), `${what}: got ${err.code} ${err.type}: ${err.message}`);
  return err;
}

module.exports = function oauth2serverSuite(env) {
  describe('OAuth2 / OpenID Connect provider with independent clients', () => {
    let oc; // openid-client
    let app; // the test process's app pages and redirect URIs
    let cimd; // the MCP client's metadata document, https on loopback
    let mcp; // the MCP resource server
    const A = {}; // project A: openid-client, node-appwrite, Chromium
    const B = {}; // project B: the MCP server's authorization server

    const nodeClient = (p) => new node.Client().setEndpoint(env.server.endpoint).setProject(p.id);
    const issuerOf = (p) => `${env.server.endpoint}/oauth2/${p.id}`;
    const insecure = () => ({ execute: [oc.allowInsecureRequests] });

    // newUser makes a user of project p with a password and a session.
    const newUser = async (p, tag = 'rp') => {
      const mail = email(tag);
      const user = await p.users.create({ userId: node.ID.unique(), email: mail, password: PASSWORD, name: `User ${tag}` });
      const session = await p.users.createSession({ userId: user.$id });
      assert.ok(session.secret, 'users.createSession with a key shows the secret');
      return {
        id: user.$id,
        email: mail.toLowerCase(),
        secret: session.secret,
        cookie: `a_session_${p.id.toLowerCase()}=${encodeURIComponent(session.secret)}`,
        oauth2: new node.Oauth2(nodeClient(p).setSession(session.secret)),
      };
    };

    // asUser are browse's options for user's browser: the session cookie,
    // and on the consent page the user approves (with scope, when given,
    // narrowing the request).
    const asUser = (user, scope) => ({
      appOrigin: app.origin,
      cookie: user.cookie,
      approve: (grantId) => user.oauth2.approve(scope ? { grantId, scope } : { grantId }),
    });

    // codeFlow runs the authorization-code flow with openid-client for
    // config's client, with PKCE, state and nonce, the user approving.
    const codeFlow = async (config, user, { scope = 'openid email profile notes.read', redirect = `${app.origin}/cb` } = {}) => {
      const verifier = oc.randomPKCECodeVerifier();
      const state = oc.randomState();
      const nonce = oc.randomNonce();
      const url = oc.buildAuthorizationUrl(config, {
        redirect_uri: redirect, scope, state, nonce,
        code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const { landed, grantIds } = await browse(url, asUser(user));
      assert.equal(landed.pathname, new URL(redirect).pathname, `landed at ${landed}`);
      const tokens = await oc.authorizationCodeGrant(config, landed, {
        pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: scope.includes('openid'),
      });
      return { tokens, landed, verifier, state, nonce, grantIds };
    };

    // userinfoStatus asks project p's userinfo with a bearer token and
    // resolves to the HTTP status.
    const userinfoStatus = async (p, token) => {
      const res = await fetch(`${issuerOf(p)}/userinfo`, {
        headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(WAIT),
      });
      await res.arrayBuffer();
      return res.status;
    };

    // setUpProject makes a project with a key, a web platform, its apps'
    // users API and (with the node SDK) the OAuth2 server settings.
    const setUpProject = async (p, name) => {
      const made = await newProject(env.server, name);
      p.id = made.$id;
      const { projects } = consoleClient(env.server);
      const key = await projects.createKey({ projectId: p.id, name: 'oauth2', scopes: KEY_SCOPES });
      p.key = key.secret;
      p.users = new node.Users(nodeClient(p).setKey(p.key));
      p.project = new node.Project(nodeClient(p).setKey(p.key));
      for (const hostname of ['127.0.0.1', 'localhost']) {
        await p.project.createWebPlatform({ platformId: node.ID.unique(), name: hostname, hostname });
      }
      p.issuer = issuerOf(p);
      p.consentUrl = `${app.origin}/consent/${p.id}/`;
    };

    // once memoizes a set-up step, so a step the server cannot do yet
    // fails the tests that need it, not the whole suite.
    const once = (fn) => {
      let p;
      return () => { p = p || fn(); return p; };
    };

    // setUpA: the OAuth2 server of project A through node-appwrite 27.1's
    // Project, two apps through its Apps service, a user, and
    // openid-client configurations of both apps.
    const setUpA = once(async () => {
      A.settings = await A.project.updateOAuth2Server({
        enabled: true,
        authorizationUrl: A.consentUrl,
        scopes: ['notes.read', 'notes.write'],
        verificationUrl: `${app.origin}/device`,
        userCodeLength: 8,
      });
      const { projects } = consoleClient(env.server);
      const key = await projects.createKey({ projectId: A.id, name: 'apps', scopes: ['apps.read', 'apps.write'] });
      A.apps = new node.Apps(nodeClient(A).setKey(key.secret));
      A.pub = await A.apps.create({
        appId: uniqueId('pub'), name: 'Public notes app', type: 'public', deviceFlow: true,
        redirectUris: [`${app.origin}/cb`], postLogoutRedirectUris: [`${app.origin}/bye`],
      });
      A.conf = await A.apps.create({
        appId: uniqueId('conf'), name: 'Confidential notes app', type: 'confidential',
        redirectUris: [`${app.origin}/cb`], postLogoutRedirectUris: [`${app.origin}/bye`],
      });
      A.secret = await A.apps.createSecret({ appId: A.conf.$id });
      A.user = await newUser(A, 'ann');
      A.pubConfig = await oc.discovery(new URL(A.issuer), A.pub.$id, undefined, oc.None(), insecure());
      A.confConfig = await oc.discovery(new URL(A.issuer), A.conf.$id, A.secret.secret,
        oc.ClientSecretBasic(A.secret.secret), insecure());
    });

    // setUpB: project B's OAuth2 server for the MCP server, which allows
    // client ID metadata documents on loopback and dynamic registration.
    // node-appwrite has no parameter for cimdAllowLoopback or
    // dynamicRegistration (Gatehouse settings), so the same route is
    // called directly.
    const setUpB = once(async () => {
      const res = await fetch(`${env.server.endpoint}/project/oauth2-server`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': B.id, 'x-appwrite-key': B.key },
        body: JSON.stringify({
          enabled: true, authorizationUrl: B.consentUrl, scopes: ['mcp:tools'], cimdAllowLoopback: true, dynamicRegistration: true,
        }),
        signal: AbortSignal.timeout(WAIT),
      });
      const text = await res.text();
      assert.equal(res.status, 200, `PUT /v1/project/oauth2-server: ${text}`);
      B.user = await newUser(B, 'mcp');
      mcp = await startMcpServer({ issuer: B.issuer, scope: 'mcp:tools' });
    });

    before(async () => {
      oc = await import('openid-client');
      app = await startAppServer({ apiOrigin: env.server.url });
      cimd = await startMetadataServer((url) => ({
        client_id: url,
        client_name: 'gatehouse e2e MCP client',
        redirect_uris: [`${app.origin}/mcp-cb`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }));
      await Promise.all([setUpProject(A, 'oauth2 server'), setUpProject(B, 'oauth2 server for MCP')]);
    }, { timeout: 60000 });

    after(async () => {
      await Promise.all([app && app.close(), cimd && cimd.close(), mcp && mcp.close()]);
    });

    test('set-up: updateOAuth2Server, Apps.create and a secret shown once', { timeout: 30000 }, async () => {
      await setUpA();
      const p = plain(A.settings);
      assert.equal(p.oAuth2ServerEnabled, true, JSON.stringify(p));
      assert.equal(p.oAuth2ServerAuthorizationUrl, A.consentUrl);
      assert.deepEqual(p.oAuth2ServerScopes, ['notes.read', 'notes.write']);
      assert.equal(p.oAuth2ServerVerificationUrl, `${app.origin}/device`);
      assert.equal(p.oAuth2ServerDiscoveryUrl, `${A.issuer}/.well-known/openid-configuration`);

      assert.equal(A.pub.type, 'public');
      assert.equal(A.pub.deviceFlow, true);
      assert.deepEqual([...A.pub.redirectUris], [`${app.origin}/cb`]);
      assert.equal(A.conf.type, 'confidential');
      assert.equal(A.secret.appId, A.conf.$id);
      assert.ok(A.secret.secret.length >= 32, 'createSecret shows the secret');
      const listed = await A.apps.listSecrets({ appId: A.conf.$id });
      assert.equal(listed.total, 1);
      assert.equal(listed.secrets[0].$id, A.secret.$id);
      assert.equal(listed.secrets[0].secret, '', 'never shown again');
      assert.ok(A.secret.secret.endsWith(listed.secrets[0].hint), `hint ${listed.secrets[0].hint}`);
      const again = await A.apps.getSecret({ appId: A.conf.$id, secretId: A.secret.$id });
      assert.equal(again.secret, '');
    });

    test('discovery and JWKS through openid-client', { timeout: 30000 }, async () => {
      await setUpA();
      const m = A.pubConfig.serverMetadata();
      assert.equal(m.issuer, A.issuer);
      for (const [k, path] of Object.entries({
        authorization_endpoint: '/authorize', token_endpoint: '/token', userinfo_endpoint: '/userinfo',
        revocation_endpoint: '/revoke', introspection_endpoint: '/introspect', end_session_endpoint: '/logout',
        device_authorization_endpoint: '/device_authorization', pushed_authorization_request_endpoint: '/par',
        jwks_uri: '/.well-known/jwks.json',
      })) assert.equal(m[k], A.issuer + path, k);
      assert.deepEqual(m.code_challenge_methods_supported, ['S256']);
      assert.ok(m.scopes_supported.includes('openid') && m.scopes_supported.includes('notes.read'), String(m.scopes_supported));
      assert.ok(m.grant_types_supported.includes('urn:ietf:params:oauth:grant-type:device_code'));
      assert.deepEqual(m.id_token_signing_alg_values_supported, ['RS256']);
      assert.equal(m.client_id_metadata_document_supported, true);

      const oauthDoc = await (await fetch(`${A.issuer}/.well-known/oauth-authorization-server`)).json();
      assert.deepEqual(oauthDoc, JSON.parse(JSON.stringify(m)), 'both documents say the same');
      const jwks = await (await fetch(m.jwks_uri)).json();
      assert.ok(jwks.keys.length >= 1);
      for (const k of jwks.keys) {
        assert.deepEqual([k.kty, k.use, k.alg, k.e], ['RSA', 'sig', 'RS256', 'AQAB']);
        assert.ok(k.kid && k.n, 'a key id and a modulus');
        assert.equal(k.d, undefined, 'no private part');
      }
    });

    test('openid-client: code + PKCE for the public app, ID token with nonce, userinfo, code replay', { timeout: 30000 }, async () => {
      await setUpA();
      const { tokens, landed, nonce, verifier, state } = await codeFlow(A.pubConfig, A.user);
      const claims = tokens.claims();
      assert.equal(claims.sub, A.user.id);
      assert.equal(claims.nonce, nonce);
      assert.equal(claims.iss, A.issuer);
      assert.equal(claims.aud, A.pub.$id);
      assert.equal(typeof claims.auth_time, 'number');
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(tokens.refresh_token, 'a refresh token');
      const at = decodeJwt(tokens.access_token);
      assert.equal(at.header.typ, 'at+jwt');
      assert.equal(at.payload.sub, A.user.id);
      assert.equal(at.payload.client_id, A.pub.$id);
      assert.deepEqual(at.payload.scope.split(' ').sort(), ['email', 'notes.read', 'openid', 'profile']);

      const info = await oc.fetchUserInfo(A.pubConfig, tokens.access_token, A.user.id);
      assert.equal(info.sub, A.user.id);
      assert.equal(info.email, A.user.email);
      assert.equal(info.name, 'User ann');

      // The code was used: a second exchange is invalid_grant.
      const replay = await oauthError(oc.authorizationCodeGrant(A.pubConfig, landed, {
        pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
      }));
      assert.equal(replay.error, 'invalid_grant');
    });

    test('openid-client: refresh rotates; the old refresh token kills the family', { timeout: 30000 }, async () => {
      await setUpA();
      const { tokens } = await codeFlow(A.pubConfig, A.user);
      const first = tokens.refresh_token;
      const next = await oc.refreshTokenGrant(A.pubConfig, first);
      assert.ok(next.refresh_token && next.refresh_token !== first, 'a new refresh token');
      assert.ok(next.access_token && next.access_token !== tokens.access_token);
      assert.equal(await userinfoStatus(A, next.access_token), 200);

      const reuse = await oauthError(oc.refreshTokenGrant(A.pubConfig, first));
      assert.equal(reuse.error, 'invalid_grant', 'the rotated-out token is refused');
      const newest = await oauthError(oc.refreshTokenGrant(A.pubConfig, next.refresh_token));
      assert.equal(newest.error, 'invalid_grant', 'reuse revoked the whole family');
    });

    test('openid-client: confidential app with client_secret_basic, introspection, revocation', { timeout: 30000 }, async () => {
      await setUpA();
      const { tokens } = await codeFlow(A.confConfig, A.user);
      assert.equal(tokens.claims().aud, A.conf.$id);
      const intro = await oc.tokenIntrospection(A.confConfig, tokens.access_token);
      assert.equal(intro.active, true);
      assert.equal(intro.sub, A.user.id);
      assert.equal(intro.client_id, A.conf.$id);
      assert.deepEqual(intro.scope.split(' ').sort(), ['email', 'notes.read', 'openid', 'profile']);
      assert.ok(intro.exp > Date.now() / 1000);

      await oc.tokenRevocation(A.confConfig, tokens.access_token);
      assert.equal(await userinfoStatus(A, tokens.access_token), 401, 'a revoked token is refused at userinfo');
      assert.equal((await oc.tokenIntrospection(A.confConfig, tokens.access_token)).active, false);

      // Revoking the refresh token ends it too.
      await oc.tokenRevocation(A.confConfig, tokens.refresh_token, { token_type_hint: 'refresh_token' });
      assert.equal((await oauthError(oc.refreshTokenGrant(A.confConfig, tokens.refresh_token))).error, 'invalid_grant');

      // client_secret_post works as well as Basic.
      const post = await oc.discovery(new URL(A.issuer), A.conf.$id, A.secret.secret, oc.ClientSecretPost(A.secret.secret), insecure());
      const viaPost = await codeFlow(post, A.user);
      assert.equal(viaPost.tokens.claims().aud, A.conf.$id);
      assert.equal((await oc.tokenIntrospection(post, viaPost.tokens.access_token)).active, true);

      // A wrong secret is invalid_client.
      const wrong = await oc.discovery(new URL(A.issuer), A.conf.$id, 'not-the-secret', oc.ClientSecretBasic('not-the-secret'), insecure());
      const bad = await oauthError(oc.tokenIntrospection(wrong, tokens.access_token));
      assert.deepEqual([bad.error, bad.status], ['invalid_client', 401], JSON.stringify(bad));
    });

    test('openid-client: RP-initiated logout goes to a registered post-logout URI only', { timeout: 30000 }, async () => {
      await setUpA();
      // A user of its own: logging out may end the user's session.
      const user = await newUser(A, 'out');
      const { tokens } = await codeFlow(A.confConfig, user);
      const evil = oc.buildEndSessionUrl(A.confConfig, {
        id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://evil.example/bye',
      });
      let where;
      try {
        where = (await browse(evil, { appOrigin: app.origin, cookie: user.cookie })).hops;
      } catch (err) {
        assert.ok(err.hops, err.message);
        where = err.hops;
      }
      assert.ok(!where.some((u) => u.host === 'evil.example'), `sent to ${where.join(' -> ')}`);

      const state = oc.randomState();
      const url = oc.buildEndSessionUrl(A.confConfig, {
        id_token_hint: tokens.id_token, post_logout_redirect_uri: `${app.origin}/bye`, state,
      });
      const { landed } = await browse(url, { appOrigin: app.origin, cookie: user.cookie });
      assert.equal(`${landed.origin}${landed.pathname}`, `${app.origin}/bye`);
      assert.equal(landed.searchParams.get('state'), state);
    });

    test('openid-client: device authorization grant, approved with createGrant + approve', { timeout: 60000 }, async () => {
      await setUpA();
      const da = await oc.initiateDeviceAuthorization(A.pubConfig, { scope: 'openid notes.read' });
      assert.match(da.user_code, /^[A-Z0-9-]{8,9}$/);
      assert.equal(da.verification_uri, `${app.origin}/device`);
      assert.ok(da.expires_in > 0 && da.expires_in <= 600);
      const polling = oc.pollDeviceAuthorizationGrant(A.pubConfig, da, undefined, { signal: AbortSignal.timeout(45000) });
      // The user, on the verification page, signed in.
      const grant = await A.user.oauth2.createGrant({ userCode: da.user_code });
      assert.equal(grant.userId, A.user.id);
      assert.equal(grant.appId, A.pub.$id);
      assert.deepEqual([...grant.scopes].sort(), ['notes.read', 'openid']);
      await A.user.oauth2.approve({ grantId: grant.$id });
      const tokens = await polling;
      assert.equal(tokens.claims().sub, A.user.id);
      const info = await oc.fetchUserInfo(A.pubConfig, tokens.access_token, A.user.id);
      assert.equal(info.sub, A.user.id);

      await rejects(A.user.oauth2.createGrant({ userCode: 'ZZZZ-ZZZZ' }), node, 400, 'oauth2_invalid_user_code');
      // A user code works once.
      await rejects(A.user.oauth2.createGrant({ userCode: da.user_code }), node, 400, 'oauth2_invalid_user_code');

      // The user says no: the device hears access_denied.
      const no = await oc.initiateDeviceAuthorization(A.pubConfig, { scope: 'openid' });
      const refused = oauthError(oc.pollDeviceAuthorizationGrant(A.pubConfig, no, undefined, { signal: AbortSignal.timeout(45000) }));
      const g = await A.user.oauth2.createGrant({ userCode: no.user_code });
      await A.user.oauth2.reject({ grantId: g.$id });
      assert.equal((await refused).error, 'access_denied');
    });

    test('openid-client: prompt=none answers login_required or consent_required at the client', { timeout: 30000 }, async () => {
      await setUpA();
      const ask = async (cookie) => {
        const verifier = oc.randomPKCECodeVerifier();
        const state = oc.randomState();
        const url = oc.buildAuthorizationUrl(A.pubConfig, {
          redirect_uri: `${app.origin}/cb`, scope: 'openid notes.write', state, prompt: 'none',
          code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
        });
        const { landed } = await browse(url, { appOrigin: app.origin, cookie });
        assert.equal(`${landed.origin}${landed.pathname}`, `${app.origin}/cb`, 'no consent page under prompt=none');
        assert.equal(landed.searchParams.get('state'), state);
        return (await oauthError(oc.authorizationCodeGrant(A.pubConfig, landed, { pkceCodeVerifier: verifier, expectedState: state }))).error;
      };
      assert.equal(await ask(undefined), 'login_required', 'nobody signed in');
      const user = await newUser(A, 'none');
      assert.equal(await ask(user.cookie), 'consent_required', 'signed in, never asked');
    });

    test('a blocked user: tokens die at userinfo and refresh', { timeout: 30000 }, async () => {
      await setUpA();
      const user = await newUser(A, 'blk');
      const { tokens } = await codeFlow(A.pubConfig, user);
      assert.equal(await userinfoStatus(A, tokens.access_token), 200);
      await A.users.updateStatus({ userId: user.id, status: false });
      assert.equal(await userinfoStatus(A, tokens.access_token), 401, 'the access token of a blocked user');
      assert.equal((await oauthError(oc.refreshTokenGrant(A.pubConfig, tokens.refresh_token))).error, 'invalid_grant');
    });

    test('node-appwrite Oauth2: authorize (JSON), getGrant, approve narrowed, reject, createToken, revoke', { timeout: 30000 }, async () => {
      await setUpA();
      const user = await newUser(A, 'nia');
      const verifier = oc.randomPKCECodeVerifier();
      const challenge = await oc.calculatePKCECodeChallenge(verifier);
      const request = {
        clientId: A.pub.$id, redirectUri: `${app.origin}/cb`, responseType: 'code', scope: 'openid notes.read notes.write',
        state: 'st-1', codeChallenge: challenge, codeChallengeMethod: 'S256',
      };
      const auth = await user.oauth2.authorize(request);
      assert.ok(auth.grantId && !auth.redirectUrl, `consent needed: ${JSON.stringify(auth)}`);
      const grant = await user.oauth2.getGrant({ grantId: auth.grantId });
      assert.equal(grant.$id, auth.grantId);
      assert.equal(grant.userId, user.id);
      assert.equal(grant.appId, A.pub.$id);
      assert.equal(grant.redirectUri, `${app.origin}/cb`);
      assert.deepEqual([...grant.scopes].sort(), ['notes.read', 'notes.write', 'openid']);
      // Someone else's session cannot read it.
      await refused(A.user.oauth2.getGrant({ grantId: auth.grantId }), [403, 404], 'another user reads the grant');

      const approved = await user.oauth2.approve({ grantId: grant.$id, scope: 'notes.read' });
      const back = new URL(approved.redirectUrl);
      assert.equal(`${back.origin}${back.pathname}`, `${app.origin}/cb`);
      assert.equal(back.searchParams.get('state'), 'st-1');
      const tokens = await user.oauth2.createToken({
        grantType: 'authorization_code', code: back.searchParams.get('code'), clientId: A.pub.$id,
        codeVerifier: verifier, redirectUri: `${app.origin}/cb`,
      });
      assert.deepEqual(tokens.scope.split(' ').sort(), ['notes.read', 'openid'], 'notes.write was not approved; openid stays');
      assert.ok(tokens.id_token && tokens.refresh_token);

      const refreshed = await user.oauth2.createToken({ grantType: 'refresh_token', refreshToken: tokens.refresh_token, clientId: A.pub.$id });
      assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
      await user.oauth2.revoke({ token: refreshed.access_token, clientId: A.pub.$id });
      assert.equal(await userinfoStatus(A, refreshed.access_token), 401);

      // Reject: access_denied with the state, on the client's redirect URI.
      const again = await user.oauth2.authorize({ ...request, scope: 'openid notes.write', state: 'st-2' });
      assert.ok(again.grantId, 'notes.write was never consented');
      const rejected = await user.oauth2.reject({ grantId: again.grantId });
      const denied = new URL(rejected.redirectUrl);
      assert.equal(`${denied.origin}${denied.pathname}`, `${app.origin}/cb`);
      assert.equal(denied.searchParams.get('error'), 'access_denied');
      assert.equal(denied.searchParams.get('state'), 'st-2');
      assert.equal(denied.searchParams.get('code'), null);
      await refused(user.oauth2.approve({ grantId: again.grantId }), [400, 404], 'a rejected grant approved');
    });

    test('node-appwrite Oauth2: createPAR, then authorize with only client_id and request_uri', { timeout: 30000 }, async () => {
      await setUpA();
      const user = await newUser(A, 'par');
      const verifier = oc.randomPKCECodeVerifier();
      const par = await user.oauth2.createPAR({
        clientId: A.pub.$id, redirectUri: `${app.origin}/cb`, responseType: 'code', scope: 'openid notes.read',
        state: 'par-1', codeChallenge: await oc.calculatePKCECodeChallenge(verifier), codeChallengeMethod: 'S256',
      });
      assert.match(par.request_uri, /^urn:ietf:params:oauth:request_uri:/);
      assert.ok(par.expires_in > 0 && par.expires_in <= 600);
      const auth = await user.oauth2.authorize({ clientId: A.pub.$id, requestUri: par.request_uri });
      assert.ok(auth.grantId && !auth.redirectUrl, JSON.stringify(auth));
      const { redirectUrl } = await user.oauth2.approve({ grantId: auth.grantId });
      const back = new URL(redirectUrl);
      assert.equal(back.searchParams.get('state'), 'par-1');
      const tokens = await user.oauth2.createToken({
        grantType: 'authorization_code', code: back.searchParams.get('code'), clientId: A.pub.$id,
        codeVerifier: verifier, redirectUri: `${app.origin}/cb`,
      });
      assert.equal(decodeJwt(tokens.access_token).payload.sub, user.id);
      // The handle works once.
      await rejects(user.oauth2.authorize({ clientId: A.pub.$id, requestUri: par.request_uri }), node, 400, 'oauth2_invalid_request');

      // createDeviceAuthorization through the SDK, snake_case model.
      const da = await user.oauth2.createDeviceAuthorization({ clientId: A.pub.$id, scope: 'openid' });
      assert.match(da.device_code, /^\S{32,}$/);
      assert.equal(da.verification_uri_complete, `${app.origin}/device?user_code=${encodeURIComponent(da.user_code)}`);
      assert.ok(da.interval >= 1);
    });

    test('appwrite 27 Account consents: list, get, tokens; deleting kills the tokens at once', { timeout: 30000 }, async () => {
      await setUpA();
      const user = await newUser(A, 'con');
      const one = await codeFlow(A.pubConfig, user); // consent + family 1
      const two = await codeFlow(A.pubConfig, user); // family 2, no new consent
      assert.deepEqual(two.grantIds, [], 'already consented: no consent screen the second time');

      const client = new web27.Client().setEndpoint(env.server.endpoint).setProject(A.id).setSession(user.secret);
      const account = new web27.Account(client);
      const list = await account.listConsents();
      assert.equal(list.total, 1, JSON.stringify(plain(list)));
      const consent = list.consents[0];
      assert.equal(consent.userId, user.id);
      assert.equal(consent.appId, A.pub.$id);
      assert.equal(consent.cimdUrl, '');
      assert.deepEqual([...consent.scopes].sort(), ['email', 'notes.read', 'openid', 'profile']);
      assert.equal((await account.getConsent({ consentId: consent.$id })).$id, consent.$id);

      const families = await account.listConsentTokens({ consentId: consent.$id });
      assert.equal(families.total, 2, JSON.stringify(plain(families)));
      for (const f of families.tokens) {
        assert.equal(f.consentId, consent.$id);
        assert.equal(f.appId, A.pub.$id);
        assert.equal(JSON.stringify(f).includes(one.tokens.refresh_token), false, 'no secret in the model');
      }
      // Deleting one family ends its tokens only (the model does not say
      // which family is which flow's, so the test learns it from userinfo).
      const victim = families.tokens[0].$id;
      assert.equal((await account.getConsentToken({ consentId: consent.$id, tokenId: victim })).$id, victim);
      await account.deleteConsentToken({ consentId: consent.$id, tokenId: victim });
      const flows = [one, two];
      const alive = [];
      for (const f of flows) alive.push(await userinfoStatus(A, f.tokens.access_token));
      assert.deepEqual([...alive].sort(), [200, 401], `one family died, the other lives: ${alive}`);
      const survivor = flows[alive.indexOf(200)];
      assert.equal((await account.listConsentTokens({ consentId: consent.$id })).total, 1);

      await account.deleteConsent({ consentId: consent.$id });
      assert.equal(await userinfoStatus(A, survivor.tokens.access_token), 401, 'the consent took the other family with it');
      assert.equal((await oauthError(oc.refreshTokenGrant(A.pubConfig, survivor.tokens.refresh_token))).error, 'invalid_grant');
      assert.equal((await account.listConsents()).total, 0);
      await refused(account.getConsent({ consentId: consent.$id }), [404], 'a deleted consent');
      // The app must ask again.
      const three = await codeFlow(A.pubConfig, user);
      assert.equal(three.grantIds.length, 1, 'consent screen again');
    });

    test('refused: unregistered redirect_uri, PKCE mismatch, a token at another project', { timeout: 30000 }, async () => {
      await Promise.all([setUpA(), setUpB()]);
      // An unregistered redirect URI: the issuer never sends the browser there.
      const url = oc.buildAuthorizationUrl(A.pubConfig, {
        redirect_uri: 'https://evil.example/cb', scope: 'openid', state: 's',
        code_challenge: await oc.calculatePKCECodeChallenge(oc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
      });
      const res = await fetch(url, { redirect: 'manual', headers: { cookie: A.user.cookie }, signal: AbortSignal.timeout(WAIT) });
      await res.arrayBuffer();
      assert.equal(res.status, 400, `GET ${url}`);
      assert.equal(res.headers.get('location'), null);
      await rejects(A.user.oauth2.authorize({
        clientId: A.pub.$id, redirectUri: `${app.origin}/cb/../evil`, responseType: 'code', scope: 'openid',
        codeChallenge: 'x'.repeat(43), codeChallengeMethod: 'S256',
      }), node, 400, 'oauth2_invalid_request');

      // The PKCE verifier of another request: invalid_grant.
      const verifier = oc.randomPKCECodeVerifier();
      const auth = oc.buildAuthorizationUrl(A.pubConfig, {
        redirect_uri: `${app.origin}/cb`, scope: 'openid notes.read', state: 'pk',
        code_challenge: await oc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      const { landed } = await browse(auth, asUser(A.user));
      const mismatch = await oauthError(oc.authorizationCodeGrant(A.pubConfig, landed, {
        pkceCodeVerifier: oc.randomPKCECodeVerifier(), expectedState: 'pk', idTokenExpected: true,
      }));
      assert.equal(mismatch.error, 'invalid_grant');

      // A token of project A at project B's userinfo: refused.
      const { tokens } = await codeFlow(A.pubConfig, A.user);
      assert.equal(await userinfoStatus(A, tokens.access_token), 200);
      assert.equal(await userinfoStatus(B, tokens.access_token), 401);
      const bConfig = await oc.discovery(new URL(B.issuer), 'any-client', undefined, oc.None(), insecure());
      const foreign = await oauthError(oc.fetchUserInfo(bConfig, tokens.access_token, oc.skipSubjectCheck));
      assert.equal(foreign.status, 401);
    });

    test('MCP SDK: discovery through the resource, a client ID metadata document, resource in aud', { timeout: 60000 }, async () => {
      await setUpB();
      const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
      const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
      const { UnauthorizedError } = require('@modelcontextprotocol/sdk/client/auth.js');
      const saved = {};
      const provider = {
        get redirectUrl() { return `${app.origin}/mcp-cb`; },
        clientMetadataUrl: cimd.url,
        get clientMetadata() {
          return {
            client_name: 'gatehouse e2e MCP client', redirect_uris: [`${app.origin}/mcp-cb`],
            grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
          };
        },
        state: () => 'mcp-state',
        clientInformation: () => saved.client,
        saveClientInformation: (c) => { saved.client = c; },
        tokens: () => saved.tokens,
        saveTokens: (t) => { saved.tokens = t; },
        redirectToAuthorization: (u) => { saved.authorizationUrl = u; },
        saveCodeVerifier: (v) => { saved.verifier = v; },
        codeVerifier: () => saved.verifier,
      };
      const connect = async () => {
        const client = new Client({ name: 'gatehouse-e2e', version: '1.0.0' });
        await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }));
        return client;
      };

      const first = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
      await assert.rejects(new Client({ name: 'gatehouse-e2e', version: '1.0.0' }).connect(first), UnauthorizedError);
      const asked = saved.authorizationUrl;
      assert.ok(asked, 'the SDK sent the user to the authorization server');
      assert.equal(`${asked.origin}${asked.pathname}`, `${B.issuer}/authorize`);
      assert.equal(asked.searchParams.get('client_id'), cimd.url, 'the metadata document URL is the client_id');
      assert.equal(asked.searchParams.get('resource'), mcp.resource);
      assert.equal(asked.searchParams.get('code_challenge_method'), 'S256');
      assert.equal(asked.searchParams.get('scope'), 'mcp:tools');

      const { landed } = await browse(asked, asUser(B.user));
      assert.equal(landed.pathname, '/mcp-cb', `landed at ${landed}`);
      assert.equal(landed.searchParams.get('state'), 'mcp-state');
      assert.ok(cimd.hits >= 1, 'Gatehouse fetched the metadata document');
      await first.finishAuth(landed.searchParams.get('code'));
      const at = decodeJwt(saved.tokens.access_token).payload;
      assert.equal(at.aud === mcp.resource || (Array.isArray(at.aud) && at.aud.includes(mcp.resource)), true, `aud ${JSON.stringify(at.aud)}`);

      const client = await connect();
      try {
        const out = await client.callTool({ name: 'whoami', arguments: {} });
        const claims = JSON.parse(out.content[0].text);
        assert.equal(claims.sub, B.user.id);
        assert.equal(claims.iss, B.issuer);
        assert.equal(claims.client_id, cimd.url);
      } finally {
        await client.close();
      }

      // The consent names the document, not an app.
      const account = new web27.Account(new web27.Client().setEndpoint(env.server.endpoint).setProject(B.id).setSession(B.user.secret));
      const consents = await account.listConsents();
      assert.equal(consents.total, 1);
      assert.deepEqual([consents.consents[0].appId, consents.consents[0].cimdUrl], ['', cimd.url]);
      assert.deepEqual([...consents.consents[0].resources], [mcp.resource]);

      // A token of another issuer is refused by the MCP server's own check.
      await setUpA();
      const { tokens: foreign } = await codeFlow(A.pubConfig, A.user);
      const res = await fetch(mcp.url, {
        method: 'POST', headers: { authorization: `Bearer ${foreign.access_token}`, 'content-type': 'application/json' }, body: '{}',
      });
      await res.arrayBuffer();
      assert.equal(res.status, 401);
    });

    test('MCP SDK: dynamic client registration when the client has no metadata document', { timeout: 60000 }, async () => {
      await setUpB();
      const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
      const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
      const { UnauthorizedError } = require('@modelcontextprotocol/sdk/client/auth.js');
      const saved = {};
      const provider = {
        get redirectUrl() { return `${app.origin}/mcp-cb`; },
        get clientMetadata() {
          return {
            client_name: 'gatehouse e2e MCP client (registered)', redirect_uris: [`${app.origin}/mcp-cb`],
            grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none',
          };
        },
        state: () => 'dcr-state',
        clientInformation: () => saved.client,
        saveClientInformation: (c) => { saved.client = c; },
        tokens: () => saved.tokens,
        saveTokens: (t) => { saved.tokens = t; },
        redirectToAuthorization: (u) => { saved.authorizationUrl = u; },
        saveCodeVerifier: (v) => { saved.verifier = v; },
        codeVerifier: () => saved.verifier,
      };
      const first = new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider });
      await assert.rejects(new Client({ name: 'gatehouse-e2e', version: '1.0.0' }).connect(first), UnauthorizedError);
      assert.ok(saved.client && saved.client.client_id, 'the SDK registered a client');
      assert.equal(saved.client.client_secret, undefined, 'a public client: no secret');
      assert.equal(saved.authorizationUrl.searchParams.get('client_id'), saved.client.client_id);

      const { landed } = await browse(saved.authorizationUrl, asUser(B.user));
      assert.equal(landed.pathname, '/mcp-cb', `landed at ${landed}`);
      await first.finishAuth(landed.searchParams.get('code'));
      const client = new Client({ name: 'gatehouse-e2e', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(mcp.url), { authProvider: provider }));
      try {
        const claims = JSON.parse((await client.callTool({ name: 'whoami', arguments: {} })).content[0].text);
        assert.equal(claims.sub, B.user.id);
        assert.equal(claims.client_id, saved.client.client_id);
      } finally {
        await client.close();
      }

      // Project A did not open registration.
      await setUpA();
      const res = await fetch(`${A.issuer}/register`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(provider.clientMetadata),
        signal: AbortSignal.timeout(WAIT),
      });
      const body = await res.json();
      assert.ok(res.status >= 400 && res.status < 500, `registration closed: ${res.status} ${JSON.stringify(body)}`);
      assert.equal(body.client_id, undefined);
      assert.equal(A.pubConfig.serverMetadata().registration_endpoint, undefined, 'closed: not advertised');
    });

    describe('the consent page in headless Chromium', { skip: chromium.missing() && !process.env.CI ? chromium.missing() : false }, () => {
      // open starts a fresh browser on the issuer's authorize URL for the
      // public app; it is closed when the test ends.
      const open = async (t) => {
        const browser = await chromium.launch();
        t.after(() => browser.close());
        const page = await browser.newPage();
        page.setDefaultTimeout(WAIT);
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        // A 401 the page expects (account.get() signed out) is logged by
        // Chromium as "Failed to load resource"; the page shows any error
        // it did not expect in #error, which the tests look at.
        page.on('console', (m) => {
          if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
        });
        t.after(() => assert.deepEqual(errors, [], 'errors in the page'));
        return page;
      };

      const authorizeIn = async (page, scope) => {
        const flow = { verifier: oc.randomPKCECodeVerifier(), state: oc.randomState(), nonce: oc.randomNonce() };
        const url = oc.buildAuthorizationUrl(A.pubConfig, {
          redirect_uri: `${app.origin}/cb`, scope, state: flow.state, nonce: flow.nonce,
          code_challenge: await oc.calculatePKCECodeChallenge(flow.verifier), code_challenge_method: 'S256',
        });
        await page.goto(url.href);
        await page.waitForSelector('body[data-ready="true"]');
        return flow;
      };

      const signIn = async (page, user) => {
        assert.equal(await page.isVisible('#signin'), true, `signed out: the page asks to sign in (${await pageError(page)})`);
        await page.fill('#email', user.email);
        await page.fill('#password', PASSWORD);
        await page.click('#signin-button');
        await page.waitForSelector('#consent:not([hidden]), #error:not([hidden])');
        assert.equal(await page.isVisible('#consent'), true, `the consent after signing in (${await pageError(page)})`);
      };

      // pageError is what the page showed in #error, if anything.
      const pageError = async (page) => (await page.isVisible('#error') ? page.textContent('#error') : 'no error shown');

      const shownScopes = (page) => page.$$eval('#scopes li', (lis) => lis.map((li) => li.dataset.scope).sort());

      test('sign in on the page, approve, back at the app with a code openid-client exchanges', { timeout: 60000 }, async (t) => {
        await setUpA();
        const user = await newUser(A, 'chr');
        const page = await open(t);
        const flow = await authorizeIn(page, 'openid email notes.read');
        assert.equal(new URL(page.url()).pathname, `/consent/${A.id}/`);
        assert.equal(new URL(page.url()).searchParams.get('client_id'), A.pub.$id, 'signed out: the raw parameters');
        await signIn(page, user);
        assert.deepEqual(await shownScopes(page), ['email', 'notes.read', 'openid']);
        await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.click('#approve')]);
        const tokens = await oc.authorizationCodeGrant(A.pubConfig, new URL(page.url()), {
          pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
        });
        assert.equal(tokens.claims().sub, user.id);
        assert.equal((await oc.fetchUserInfo(A.pubConfig, tokens.access_token, user.id)).email, user.email);

        // Signed in now: asking for one scope more shows the consent again.
        const more = await authorizeIn(page, 'openid email notes.read notes.write');
        assert.deepEqual(await shownScopes(page), ['email', 'notes.read', 'notes.write', 'openid']);
        await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.click('#approve')]);
        const t2 = await oc.authorizationCodeGrant(A.pubConfig, new URL(page.url()), {
          pkceCodeVerifier: more.verifier, expectedState: more.state, expectedNonce: more.nonce, idTokenExpected: true,
        });
        assert.ok(t2.scope.split(' ').includes('notes.write'));
      });

      test('reject on the page: access_denied at the app', { timeout: 60000 }, async (t) => {
        await setUpA();
        const user = await newUser(A, 'rej');
        const page = await open(t);
        const flow = await authorizeIn(page, 'openid notes.read');
        await signIn(page, user);
        await Promise.all([page.waitForURL((u) => u.pathname === '/cb'), page.click('#reject')]);
        const back = new URL(page.url());
        assert.equal(back.searchParams.get('error'), 'access_denied');
        assert.equal(back.searchParams.get('state'), flow.state);
        const err = await oauthError(oc.authorizationCodeGrant(A.pubConfig, back, {
          pkceCodeVerifier: flow.verifier, expectedState: flow.state,
        }));
        assert.equal(err.error, 'access_denied');
      });
    });
  });
};
