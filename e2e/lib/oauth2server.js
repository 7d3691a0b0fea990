'use strict';
// Helpers of suites/oauth2server.js: the test process's own loopback
// servers (the apps' web pages and redirect URIs, the consent page, a
// client ID metadata document over https, an MCP resource server) and a
// small user agent that follows an issuer's redirects with a session
// cookie, as a browser would.

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');
const { loopbackTLS } = require('./tls');

const WAIT = 15000;
const pageDir = path.resolve(__dirname, '..', 'pages', 'consent');
const iife = path.join(path.dirname(require.resolve('appwrite27/package.json')), 'dist', 'iife', 'sdk.js');

/** listen starts server on a free loopback port and resolves to its port. */
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

function close(server) {
  return new Promise((resolve) => {
    if (!server) return resolve();
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * sdkModule is appwrite 27's browser build as an ES module: the IIFE
 * sets `this.Appwrite`, so it runs with `this` bound to a local object
 * whose classes are then exported. (The package's own ESM build imports
 * json-bigint by its bare name, which a browser cannot resolve without a
 * bundler.)
 */
function sdkModule() {
  const names = ['Client', 'Account', 'AppwriteException', 'ID'];
  return [
    'const scope = {};',
    '(function () {',
    fs.readFileSync(iife, 'utf8'),
    '}).call(scope);',
    `export const { ${names.join(', ')} } = scope.Appwrite;`,
    '',
  ].join('\n');
}

/**
 * appServer is the apps' side on http://127.0.0.1:<port>: the consent
 * page (/consent/<projectId>/ with its module script and config, served
 * under a CSP that allows no inline script), the SDK as a module
 * (/sdk/appwrite.js), the redirect URIs (/cb, /mcp-cb), the post-logout
 * page (/bye) and the device flow's verification page (/device). Every
 * request is kept in hits.
 */
async function startAppServer({ apiOrigin }) {
  const hits = [];
  const sdk = sdkModule();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://app.invalid');
    hits.push(url);
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store', ...extra }).end(body);
    };
    if (req.method !== 'GET') return send(405, 'text/plain', 'GET only');
    if (url.pathname === '/sdk/appwrite.js') return send(200, 'text/javascript', sdk);
    if (url.pathname === '/consent/consent.js') {
      return send(200, 'text/javascript', fs.readFileSync(path.join(pageDir, 'consent.js')));
    }
    if (url.pathname === '/consent/config.json') {
      return send(200, 'application/json', JSON.stringify({ endpoint: `${apiOrigin}/v1` }));
    }
    if (/^\/consent\/[^/]+\/$/.test(url.pathname)) {
      const csp = `default-src 'none'; script-src 'self'; connect-src 'self' ${apiOrigin}; base-uri 'none'; form-action 'none'`;
      return send(200, 'text/html', fs.readFileSync(path.join(pageDir, 'index.html')), { 'Content-Security-Policy': csp });
    }
    if (['/cb', '/mcp-cb', '/bye', '/device'].includes(url.pathname)) {
      return send(200, 'text/html', `<!doctype html><title>${url.pathname}</title><p>back at the app</p>`);
    }
    return send(404, 'text/plain', 'not found');
  });
  const port = await listen(server);
  const origin = `http://127.0.0.1:${port}`;
  return { origin, hits, close: () => close(server) };
}

/**
 * startMetadataServer serves a client ID metadata document over https on
 * loopback, at https://localhost:<port>/clients/mcp.json, with the
 * certificate of lib/tls.js; hits counts the fetches.
 */
async function startMetadataServer(metadataFor) {
  const { cert, key } = loopbackTLS();
  const state = { hits: 0 };
  const server = https.createServer({ cert, key }, (req, res) => {
    if (req.method === 'GET' && req.url === '/clients/mcp.json') {
      state.hits += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(metadataFor(state.url)));
      return;
    }
    res.writeHead(404).end();
  });
  const port = await listen(server);
  state.url = `https://localhost:${port}/clients/mcp.json`;
  return { url: state.url, get hits() { return state.hits; }, close: () => close(server) };
}

/**
 * startMcpServer runs a tiny MCP server (one tool, whoami) at
 * http://127.0.0.1:<port>/mcp that is an OAuth protected resource of
 * issuer (RFC 9728 metadata at /.well-known/oauth-protected-resource and
 * /.well-known/oauth-protected-resource/mcp). It checks each bearer token
 * itself against the issuer's JWKS with jose: signature, typ at+jwt,
 * iss, exp, aud equal to its own URL, and the scope.
 */
async function startMcpServer({ issuer, scope }) {
  const jose = await import('jose');
  const { McpServer } = require('@modelcontextprotocol/sdk/server/mcp.js');
  const { StreamableHTTPServerTransport } = require('@modelcontextprotocol/sdk/server/streamableHttp.js');
  const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(WAIT) })).json();
  const jwks = jose.createRemoteJWKSet(new URL(meta.jwks_uri));
  const state = { refused: [] };

  const verify = async (req) => {
    const m = /^Bearer (.+)$/.exec(req.headers.authorization || '');
    if (!m) throw new Error('no bearer token');
    const { payload } = await jose.jwtVerify(m[1], jwks, {
      issuer, audience: state.resource, typ: 'at+jwt', algorithms: ['RS256'],
    });
    const scopes = String(payload.scope || '').split(' ');
    if (!scopes.includes(scope)) throw new Error(`scope ${scope} not granted (${payload.scope})`);
    return { token: m[1], clientId: payload.client_id, scopes, extra: { claims: payload } };
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://mcp.invalid');
    if (url.pathname === '/.well-known/oauth-protected-resource' || url.pathname === '/.well-known/oauth-protected-resource/mcp') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
        resource: state.resource,
        authorization_servers: [issuer],
        scopes_supported: [scope],
        bearer_methods_supported: ['header'],
        resource_name: 'gatehouse e2e MCP server',
      }));
      return;
    }
    if (url.pathname !== '/mcp') {
      res.writeHead(404).end();
      return;
    }
    let auth;
    try {
      auth = await verify(req);
    } catch (err) {
      state.refused.push(err.message);
      res.writeHead(401, {
        'WWW-Authenticate': `Bearer resource_metadata="${state.origin}/.well-known/oauth-protected-resource/mcp", scope="${scope}"`,
        'Content-Type': 'application/json',
      }).end(JSON.stringify({ error: 'invalid_token', error_description: err.message }));
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { Allow: 'POST' }).end();
      return;
    }
    // Stateless: a server and a transport per request.
    const mcp = new McpServer({ name: 'gatehouse-e2e', version: '1.0.0' });
    mcp.registerTool('whoami', { description: 'the user and audience of the access token' }, async (extra) => ({
      content: [{ type: 'text', text: JSON.stringify(extra.authInfo.extra.claims) }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => { transport.close(); mcp.close(); });
    req.auth = auth;
    try {
      await mcp.connect(transport);
      await transport.handleRequest(req, res);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500).end(err.message);
    }
  });
  const port = await listen(server);
  state.origin = `http://127.0.0.1:${port}`;
  state.resource = `${state.origin}/mcp`;
  return { url: state.resource, resource: state.resource, refused: state.refused, close: () => close(server) };
}

/**
 * browse is a user agent: it GETs url and follows redirects (at most 10)
 * with the given Cookie header until it reaches appOrigin. On the consent
 * page with grant_id it calls approve(grantId) (the user's decision, as
 * the page would make it) and follows its redirectUrl. It resolves to
 * { landed: URL, hops: [URL], grantIds: [] }.
 */
async function browse(start, { appOrigin, cookie, approve }) {
  let url = new URL(start);
  const hops = [];
  const grantIds = [];
  for (let i = 0; i < 10; i++) {
    hops.push(url);
    if (url.origin === appOrigin) {
      const grantId = url.searchParams.get('grant_id');
      if (url.pathname.startsWith('/consent/') && grantId && approve) {
        grantIds.push(grantId);
        const out = await approve(grantId);
        assert.ok(out.redirectUrl, `approve gave no redirectUrl: ${JSON.stringify(out)}`);
        url = new URL(out.redirectUrl);
        continue;
      }
      return { landed: url, hops, grantIds };
    }
    const res = await fetch(url, {
      redirect: 'manual', headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(WAIT),
    });
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      url = new URL(location, url);
      continue;
    }
    const body = await res.text();
    const err = new Error(`GET ${url} answered ${res.status} without a redirect: ${body.slice(0, 500)}`);
    err.status = res.status;
    err.body = body;
    err.hops = hops;
    throw err;
  }
  throw new Error(`more than 10 redirects: ${hops.join(' -> ')}`);
}

/**
 * oauthError awaits a promise that must fail the way openid-client
 * reports an OAuth error and resolves to { error, status }.
 */
async function oauthError(promise) {
  let err;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  assert.ok(err, 'expected an OAuth error, but the call succeeded');
  // ResponseBodyError and AuthorizationResponseError carry error;
  // WWWAuthenticateChallengeError the challenges' parameters.
  // A 401 invalid_client comes with a Basic challenge (RFC 6749 5.2),
  // which names no error: then the body does.
  const challenge = Array.isArray(err.cause) && err.cause[0] && err.cause[0].parameters;
  if (err.error) return { error: err.error, status: err.status, description: err.error_description };
  if (challenge) {
    let error = challenge.error;
    if (!error && err.response && !err.response.bodyUsed) {
      error = await err.response.json().then((b) => b.error, () => undefined);
    }
    return { error, status: err.status, scheme: err.cause[0].scheme };
  }
  // Any other answer of the wrong status: openid-client keeps the Response.
  if (err.cause instanceof Response) return { error: undefined, status: err.cause.status };
  assert.fail(`not an OAuth error: ${err.name}: ${err.message}`);
}

/** decodeJwt reads a JWT's header and payload without checking it. */
function decodeJwt(jwt) {
  const [h, p] = String(jwt).split('.');
  const part = (s) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
  return { header: part(h), payload: part(p) };
}

module.exports = {
  WAIT, startAppServer, startMetadataServer, startMcpServer, browse, oauthError, decodeJwt,
};
