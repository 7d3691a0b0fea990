'use strict';
// Appwrite's test scopes (tests/e2e/Scopes: Scope, ProjectCustom,
// SideClient, SideServer at 1.8.1) over a Gatehouse server, and a runner
// that gives PHPUnit's @depends meaning to node:test.
//
// Where Appwrite's scope needs something Gatehouse does not have, the
// harness does the nearest thing and says so here:
//   - There are no console users (docs/differences.md, Security): the
//     console calls Appwrite makes with a root session cookie are made with
//     the instance admin key (consoleHeaders()).
//   - The project gets a web platform for `localhost`: Appwrite admits
//     localhost to every project through the console project's own
//     platforms, Gatehouse only a project's platforms (differences.md).
//   - No dev key (differences.md: X-Appwrite-Dev-Key is not supported) and
//     no webhook (Gatehouse has no webhooks): project.devKey stays unset,
//     so the tests send an empty dev-key header, which curl, and this
//     client, leave out.
//   - Mail: the project's SMTP points at the test process's SMTP server,
//     as Appwrite's points at maildev. getLastEmail() waits for the
//     server's message queue to be idle (a positive marker) instead of
//     sleeping three seconds, then returns the newest mail in maildev's
//     JSON shape.
//   - Texts: Appwrite's mock SMS provider posts to a request catcher; the
//     server here sends through its Twilio sender to a stand-in Twilio
//     inside the test process (sms.js). A request reads as the catcher's:
//     { method, headers, data: { from, to, message }, time }.

const { describe, test, before } = require('node:test');
const { Client } = require('./client');
const { assert, ID } = require('./phpunit');

const KEY_SCOPES = [
  'users.read', 'users.write', 'teams.read', 'teams.write', 'databases.read', 'databases.write',
  'collections.read', 'collections.write', 'tables.read', 'tables.write', 'documents.read',
  'documents.write', 'rows.read', 'rows.write', 'files.read', 'files.write', 'buckets.read',
  'buckets.write', 'sites.read', 'sites.write', 'functions.read', 'functions.write', 'sites.read',
  'sites.write', 'execution.read', 'execution.write', 'log.read', 'log.write', 'locale.read',
  'avatars.read', 'health.read', 'rules.read', 'rules.write', 'sessions.write', 'targets.read',
  'targets.write', 'providers.read', 'providers.write', 'messages.read', 'messages.write',
  'topics.write', 'topics.read', 'subscribers.write', 'subscribers.read', 'migrations.write',
  'migrations.read', 'tokens.read', 'tokens.write',
];

// The users each project's getUser() made; Scope::$user is static in the
// abstract Scope, keyed by project, so it is shared the same way here.
const users = new Map();

class Scope {
  /**
   * env is the engine's { server, mail, sms }; side is 'client' or
   * 'server'.
   */
  constructor(env, side) {
    this.env = env;
    this.side = side;
    this.client = new Client();
    this.client.setEndpoint(env.server.endpoint);
    this.project = null;
    for (const [name, fn] of Object.entries(assert)) this[name] = fn;
  }

  getSide() { return this.side; }

  /** consoleHeaders stand for Appwrite's root session on the console project. */
  consoleHeaders() {
    return {
      origin: 'http://localhost',
      'content-type': 'application/json',
      'x-appwrite-project': 'console',
      'x-appwrite-key': this.env.server.adminKey,
    };
  }

  async getProject(fresh = false) {
    if (this.project && !fresh) return this.project;

    const project = await this.client.call(Client.METHOD_POST, '/projects', this.consoleHeaders(), {
      projectId: ID.unique(),
      region: 'default',
      name: 'Demo Project',
      teamId: ID.unique(),
      description: 'Demo Project Description',
      url: 'https://appwrite.io',
    });
    this.assertEquals(201, project.headers['status-code'], JSON.stringify(project.body));
    this.assertNotEmpty(project.body);
    const projectId = project.body.$id;

    const platform = await this.client.call(Client.METHOD_POST, `/projects/${projectId}/platforms`, this.consoleHeaders(), {
      type: 'web', name: 'Localhost', hostname: 'localhost',
    });
    this.assertEquals(201, platform.headers['status-code'], JSON.stringify(platform.body));

    const key = await this.client.call(Client.METHOD_POST, `/projects/${projectId}/keys`, this.consoleHeaders(), {
      name: 'Demo Project Key',
      scopes: KEY_SCOPES,
    });
    this.assertEquals(201, key.headers['status-code'], JSON.stringify(key.body));
    this.assertNotEmpty(key.body);
    this.assertNotEmpty(key.body.secret);

    const smtp = await this.client.call(Client.METHOD_PATCH, `/projects/${projectId}/smtp`, this.consoleHeaders(), {
      enabled: true,
      senderEmail: 'mailer@appwrite.io',
      senderName: 'Mailer',
      host: '127.0.0.1',
      port: this.env.mail.port,
      username: '',
      password: '',
    });
    this.assertEquals(200, smtp.headers['status-code'], JSON.stringify(smtp.body));

    const made = {
      $id: projectId,
      name: project.body.name,
      apiKey: key.body.secret,
    };
    if (fresh) return made;
    this.project = made;
    return made;
  }

  async getNewKey(scopes) {
    const key = await this.client.call(Client.METHOD_POST, `/projects/${this.project.$id}/keys`, this.consoleHeaders(), {
      name: 'Demo Project Key',
      scopes,
    });
    this.assertEquals(201, key.headers['status-code']);
    this.assertNotEmpty(key.body);
    this.assertNotEmpty(key.body.secret);
    return key.body.secret;
  }

  async updateProjectinvalidateSessionsProperty(value) {
    const response = await this.client.call(Client.METHOD_PATCH, `/projects/${this.project.$id}/auth/session-invalidation`, this.consoleHeaders(), {
      enabled: value,
    });
    return response.headers['status-code'];
  }

  async getUser(fresh = false) {
    const project = await this.getProject();
    if (!fresh && users.has(project.$id)) return users.get(project.$id);

    const email = `${ID.unique().slice(0, 13)}user@localhost.test`;
    const password = 'password';
    const name = 'User Name';

    const user = await this.client.call(Client.METHOD_POST, '/account', {
      origin: 'http://localhost',
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      userId: ID.unique(),
      email,
      password,
      name,
    });
    this.assertEquals(201, user.headers['status-code'], JSON.stringify(user.body));

    const session = await this.client.call(Client.METHOD_POST, '/account/sessions/email', {
      origin: 'http://localhost',
      'content-type': 'application/json',
      'x-appwrite-project': project.$id,
    }, {
      email,
      password,
    });

    const made = {
      $id: user.body.$id,
      name: user.body.name,
      email: user.body.email,
      session: session.cookies[`a_session_${project.$id}`],
      sessionId: session.body.$id,
    };
    users.set(project.$id, made);
    return made;
  }

  async getHeaders(devKey) {
    const project = await this.getProject();
    if (this.side === 'server') {
      return { 'x-appwrite-key': project.apiKey };
    }
    const headers = {
      origin: 'http://localhost',
      cookie: `a_session_${project.$id}=${(await this.getUser()).session}`,
    };
    if ((devKey ?? true) && project.devKey !== undefined) headers['x-appwrite-dev-key'] = project.devKey;
    return headers;
  }

  /**
   * waitForIdleQueue waits until the server has no message job due: every
   * mail and text queued by the requests made so far has been handed to
   * its provider.
   */
  async waitForIdleQueue(timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let pending = [];
    for (;;) {
      pending = [];
      for (const state of ['queued', 'running']) {
        const res = await this.client.call(Client.METHOD_GET, '/gatehouse/jobs', {
          'x-appwrite-project': 'console',
          'x-appwrite-key': this.env.server.adminKey,
        }, { state, queries: ['{"method":"limit","values":[100]}'] });
        if (res.headers['status-code'] !== 200) throw new Error(`GET /v1/gatehouse/jobs: ${res.headers['status-code']} ${JSON.stringify(res.body)}`);
        const now = Date.now();
        pending.push(...res.body.jobs.filter((j) => j.kind === 'messages.send' && Date.parse(j.runAt) <= now + 1000));
      }
      if (pending.length === 0) return;
      if (Date.now() > deadline) throw new Error(`messages still queued after ${timeoutMs} ms: ${JSON.stringify(pending)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** getLastEmail returns the newest mail (or the newest limit mails) as maildev shows them. */
  async getLastEmail(limit = 1) {
    await this.waitForIdleQueue();
    const all = this.env.mail.messages.map(maildevShape);
    if (limit === 1) return all.length ? all[all.length - 1] : [];
    return all.slice(-limit);
  }

  /** extractQueryParamsFromEmailLink is Scope::extractQueryParamsFromEmailLink. */
  extractQueryParamsFromEmailLink(html) {
    for (const prefix of ['/join-us?', '/verification?', '/recovery?']) {
      const linkStart = html.indexOf(prefix);
      if (linkStart < 0) continue;
      let hrefStart = html.slice(0, linkStart).lastIndexOf('href="');
      if (hrefStart < 0) continue;
      hrefStart += 6;
      const hrefEnd = html.indexOf('"', hrefStart);
      if (hrefEnd < 0 || hrefStart >= hrefEnd) continue;
      const link = html.slice(hrefStart, hrefEnd).split('#')[0];
      const queryStart = link.indexOf('?');
      if (queryStart < 0) continue;
      const query = decodeEntities(link.slice(queryStart + 1));
      return Object.fromEntries(new URLSearchParams(query));
    }
    return {};
  }

  /**
   * assertLastRequest polls the last request the text stand-in caught
   * until probe accepts it (Scope::assertLastRequest).
   */
  async assertLastRequest(probe, type, timeoutMs = 20000, waitMs = 500) {
    if (type !== 'sms') throw new Error('Invalid request catcher type.');
    let request;
    await this.assertEventually(async () => {
      await this.waitForIdleQueue();
      request = this.env.sms.last();
      if (!request) assert.assertNotEmpty(request, 'no text was sent');
      await probe(request);
    }, timeoutMs, waitMs);
    return request;
  }
}

function maildevShape(m) {
  return {
    id: m.id,
    subject: m.subject,
    text: m.text,
    html: m.html,
    to: m.toNamed,
    from: m.fromNamed,
  };
}

function decodeEntities(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27|apos);/g, (_, e) => ({
    amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", apos: "'",
  })[e]);
}

/**
 * defineClass registers one Appwrite test class as a describe block. Its
 * methods run in the order given, as PHPUnit runs them; a method listing
 * depends gets their return values as arguments and is skipped when one
 * of them did not pass, as PHPUnit's @depends does. Each method is called
 * with `this` a Scope of the class's side, so a port reads like the PHP
 * it comes from.
 */
function defineClass(env, name, side, methods) {
  describe(`Appwrite 1.8.1 ${name}`, () => {
    let scope;
    const results = new Map();
    before(() => { scope = new Scope(env, side); });
    for (const m of methods) {
      test(m.name, async (t) => {
        const missing = (m.depends || []).filter((d) => !results.has(d));
        if (missing.length) {
          t.skip(`depends on ${missing.join(', ')}, which did not pass`);
          return;
        }
        const value = await m.fn.apply(scope, (m.depends || []).map((d) => results.get(d)));
        results.set(m.name, value);
      });
    }
  });
}

module.exports = { Scope, defineClass, KEY_SCOPES };
