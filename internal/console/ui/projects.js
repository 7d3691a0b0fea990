// Projects: the list, and a project's settings, platforms, API keys,
// OAuth2 providers and SMTP, through the Projects API.
import { get, post, patch, del, q } from './api.js';
import { h, field, form, button, mount, say, table, when } from './dom.js';
import { go } from './app.js';
import { bars } from './charts.js';

export async function projectsView() {
  const list = await get('/projects' + q([{ method: 'limit', values: [100] }]));
  mount(
    h('h1', {}, 'Projects'),
    table('Projects of this instance', ['Name', 'ID', 'Created'], list.projects.map((p) => [
      h('a', { href: '#/p/' + encodeURIComponent(p.$id) }, p.name), p.$id, when(p.$createdAt)])),
    form('Create a project', [
      field('Name', { name: 'name', required: true, maxlength: 128 }),
      field('Project ID (empty: generated)', { name: 'projectId', pattern: '[a-zA-Z0-9][\\w.\\-]{0,35}' }),
    ], 'Create project', async (v) => {
      const p = await post('/projects', { projectId: v.projectId || 'unique()', name: v.name });
      go('#/p/' + encodeURIComponent(p.$id));
    }, { id: 'create-project' }),
  );
}

const tabs = [['', 'Settings'], ['dashboard', 'Dashboard'], ['platforms', 'Platforms'], ['keys', 'API keys'], ['oauth', 'OAuth2 providers'],
  ['smtp', 'SMTP'], ['templates', 'Templates']];

export async function projectView(id, tab = '') {
  const p = await get('/projects/' + encodeURIComponent(id));
  const base = '#/p/' + encodeURIComponent(id);
  const menu = h('nav', { class: 'tabs', 'aria-label': 'Project' },
    tabs.map(([t, label]) => h('a', { href: t ? base + '/' + t : base, 'aria-current': t === tab ? 'page' : null }, label)),
    h('a', { href: base + '/users' }, 'Users'));
  const view = { '': settings, dashboard, platforms, keys, oauth, smtp, templates }[tab];
  if (!view) return go(base);
  mount(h('h1', {}, p.name), h('p', { class: 'muted' }, 'Project ID ', h('code', {}, p.$id)), menu, await view(p));
}

const path = (p, rest) => '/projects/' + encodeURIComponent(p.$id) + rest;

const methods = [['email-password', 'authEmailPassword', 'Email and password'], ['magic-url', 'authUsersAuthMagicURL', 'Magic URL'],
  ['email-otp', 'authEmailOtp', 'Email one-time code'], ['anonymous', 'authAnonymous', 'Anonymous'], ['phone', 'authPhone', 'Phone'],
  ['jwt', 'authJWT', 'JWT'], ['invites', 'authInvites', 'Invites'], ['passkey', 'authPasskey', 'Passkeys']];

const emailPolicies = [['deny-disposable-email', 'authDisposableEmails', 'Refuse disposable addresses'],
  ['deny-aliased-email', 'authCanonicalEmails', 'Refuse aliased addresses (plus tags, dots)'],
  ['deny-free-email', 'authFreeEmails', 'Refuse free mail providers'], ['deny-corporate-email', 'authCorporateEmails', 'Accept company addresses only (refuse non-corporate)']];

// passkeyForm sets the project's relying party (docs/passkeys.md): an
// empty id stands for the one derived from the web platforms.
function passkeyForm(p, saved) {
  const pk = p.authPasskeys || {};
  return form('Passkeys', [
    field('Relying-party id (empty: ' + (pk.defaultRpId || 'from the web platforms') + ')', { name: 'rpId', value: pk.rpId || '' }),
    field('User verification', { name: 'userVerification', value: pk.userVerification || 'preferred' }, 'select',
      [['preferred', 'Preferred'], ['required', 'Required']]),
    field('Attestation', { name: 'attestation', value: pk.attestation || 'none' }, 'select',
      [['none', 'None'], ['indirect', 'Indirect'], ['direct', 'Direct']]),
  ], 'Save passkeys', async (v) => {
    await patch(path(p, '/auth/passkeys'), { rpId: v.rpId.trim(), userVerification: v.userVerification, attestation: v.attestation });
    saved();
  }, { id: 'passkey-settings' });
}

function settings(p) {
  const saved = () => say('Saved.');
  return h('div', { class: 'grid' },
    form('Sign-in methods', methods.map(([, key, label]) => field(label, { type: 'checkbox', name: key, checked: p[key] })), 'Save methods',
      async (v) => {
        for (const [m, key] of methods) if (v[key] !== p[key]) await patch(path(p, '/auth/' + m), { status: v[key] });
        saved();
      }),
    passkeyForm(p, saved),
    form('Limits and sessions', [
      field('Maximum users (0: no limit)', { name: 'limit', type: 'number', min: 0, max: 10000, value: p.authLimit }),
      field('Session length, seconds', { name: 'duration', type: 'number', min: 0, max: 31536000, value: p.authDuration }),
      field('Sessions per user', { name: 'sessions', type: 'number', min: 1, max: 100, value: p.authSessionsLimit }),
      field('Several accounts per device', { type: 'checkbox', name: 'multi', checked: p.authMultiAccounts }),
    ], 'Save limits', async (v) => {
      await patch(path(p, '/auth/limit'), { limit: Number(v.limit) });
      await patch(path(p, '/auth/duration'), { duration: Number(v.duration) });
      await patch(path(p, '/auth/max-sessions'), { limit: Number(v.sessions) });
      await patch(path(p, '/auth/multi-accounts'), { enabled: v.multi });
      saved();
    }),
    form('Passwords', [
      field('Password history (0-20)', { name: 'history', type: 'number', min: 0, max: 20, value: p.authPasswordHistory }),
      field('Refuse common passwords', { type: 'checkbox', name: 'dictionary', checked: p.authPasswordDictionary }),
      field('Refuse passwords with personal data', { type: 'checkbox', name: 'personal', checked: p.authPersonalDataCheck }),
    ], 'Save password rules', async (v) => {
      await patch(path(p, '/auth/password-history'), { limit: Number(v.history) });
      await patch(path(p, '/auth/password-dictionary'), { enabled: v.dictionary });
      await patch(path(p, '/auth/personal-data'), { enabled: v.personal });
      saved();
    }),
    form('Email policies (sign-up and email changes)', emailPolicies.map(([, key, label]) => field(label, { type: 'checkbox', name: key, checked: p[key] })),
      'Save email policies', async (v) => {
        for (const [id, key] of emailPolicies) if (v[key] !== p[key]) await patch(path(p, '/auth/' + id), { enabled: v[key] });
        saved();
      }),
    form('Account linking', [
      field('When a provider sign-in finds the email on another user', { name: 'mode', value: p.authLinkingMode }, 'select',
        [['automatic', 'Link automatically (both verified)'], ['suggested', 'Suggest linking after sign-in'], ['off', 'Refuse']]),
    ], 'Save linking', async (v) => {
      await patch(path(p, '/auth/linking'), { mode: v.mode });
      saved();
    }),
    mockNumbers(p),
  );
}

function mockNumbers(p) {
  let nums = (p.authMockNumbers || []).map((n) => ({ phone: n.phone, otp: n.otp }));
  const box = h('div', {});
  const draw = () => box.replaceChildren(
    table('Mock phone numbers (answer with a fixed code, send nothing)', ['Phone', 'Code', ''], nums.map((n, i) => [n.phone, n.otp,
      button('Remove', async () => { await save(nums.filter((_, j) => j !== i)); }, { 'aria-label': 'Remove ' + n.phone })])),
    form('', [field('Phone (E.164)', { name: 'phone', required: true, placeholder: '+15555550100' }),
      field('Code (6 digits)', { name: 'otp', required: true, pattern: '[0-9]{6}' })], 'Add number',
    async (v) => save([...nums, { phone: v.phone, otp: v.otp }])));
  const save = async (next) => {
    await patch(path(p, '/auth/mock-numbers'), { numbers: next });
    nums = next;
    draw();
    say('Saved.');
  };
  draw();
  return h('section', {}, h('h3', {}, 'Mock numbers'), box);
}

async function platforms(p) {
  const list = await get(path(p, '/platforms'));
  return h('div', {},
    table('Web platforms: their origins may call the project', ['Name', 'Type', 'Hostname', ''], list.platforms.map((pl) => [pl.name, pl.type,
      pl.hostname, button('Delete', async () => { await del(path(p, '/platforms/' + pl.$id)); await projectView(p.$id, 'platforms'); },
        { 'aria-label': 'Delete platform ' + pl.name })])),
    form('Add a web platform', [
      field('Name', { name: 'name', required: true }),
      field('Hostname (e.g. app.example.com)', { name: 'hostname', required: true }),
    ], 'Add platform', async (v) => {
      await post(path(p, '/platforms'), { type: 'web', name: v.name, hostname: v.hostname });
      say('Platform added.');
      await projectView(p.$id, 'platforms');
    }, { id: 'add-platform' }));
}

const scopes = ['users.read', 'users.write', 'sessions.write', 'targets.read', 'targets.write', 'locale.read', 'avatars.read', 'health.read'];

async function keys(p) {
  const list = await get(path(p, '/keys'));
  const secretBox = h('div', { id: 'key-secret', 'aria-live': 'polite' });
  return h('div', {},
    table('API keys', ['Name', 'Scopes', 'Expires', 'Last used', ''], list.keys.map((k) => [k.name, k.scopes.join(', '),
      k.expire ? when(k.expire) : 'never', when(k.accessedAt),
      button('Delete', async () => { await del(path(p, '/keys/' + k.$id)); projectView(p.$id, 'keys'); }, { 'aria-label': 'Delete key ' + k.name })])),
    secretBox,
    form('Create an API key', [
      field('Name', { name: 'name', required: true }),
      h('fieldset', {}, h('legend', {}, 'Scopes'), scopes.map((s) => field(s, { type: 'checkbox', name: 'scope:' + s }))),
      field('Expires (empty: never)', { name: 'expire', type: 'date' }),
    ], 'Create key', async (v) => {
      const chosen = scopes.filter((s) => v['scope:' + s]);
      const body = { name: v.name, scopes: chosen };
      if (v.expire) body.expire = new Date(v.expire + 'T23:59:59Z').toISOString();
      const k = await post(path(p, '/keys'), body);
      await projectView(p.$id, 'keys');
      document.getElementById('key-secret').replaceChildren(h('div', { class: 'notice' },
        h('p', {}, 'The secret of ', h('strong', {}, k.name), ' is shown this once. Copy it now:'),
        field('Secret', { readonly: true, value: k.secret, id: 'new-key-secret' })));
    }, { id: 'create-key' }));
}

async function oauth(p) {
  // The server's own base (GATEHOUSE_PUBLIC_URL), which may differ from
  // the address this console was opened at.
  const { endpoint } = await get('/console/info');
  return h('div', {}, h('p', {}, 'Register the callback URL shown with each provider, then enter its app id and secret.'),
    p.oAuthProviders.map((o) => {
      const cb = endpoint + '/account/sessions/oauth2/callback/' + o.key + '/' + p.$id;
      return h('details', { open: o.enabled || null },
        h('summary', {}, o.name, o.enabled ? ' (on)' : ''),
        form('', [
          field('Callback URL to register at ' + o.name, { readonly: true, value: cb }),
          field('App ID', { name: 'appId', value: o.appId }),
          field('Secret (empty: unchanged)', { name: 'secret', type: 'password', autocomplete: 'off' }),
          field('Enabled', { type: 'checkbox', name: 'enabled', checked: o.enabled }),
        ], 'Save ' + o.name, async (v) => {
          const body = { provider: o.key, appId: v.appId, enabled: v.enabled };
          if (v.secret) body.secret = v.secret;
          await patch(path(p, '/oauth2'), body);
          say(o.name + ' saved.');
        }));
    }));
}

function smtp(p) {
  const fields = () => [
    field('Enabled', { type: 'checkbox', name: 'enabled', checked: p.smtpEnabled }),
    field('Sender name', { name: 'senderName', value: p.smtpSenderName }),
    field('Sender email', { name: 'senderEmail', type: 'email', value: p.smtpSenderEmail }),
    field('Reply-to', { name: 'replyTo', type: 'email', value: p.smtpReplyTo }),
    field('Host', { name: 'host', value: p.smtpHost }),
    field('Port', { name: 'port', type: 'number', min: 0, max: 65535, value: p.smtpPort || 587 }),
    field('Username', { name: 'username', value: p.smtpUsername }),
    field('Password (empty: unchanged)', { name: 'password', type: 'password', autocomplete: 'off' }),
    field('Security', { name: 'secure', value: p.smtpSecure }, 'select', [['', 'None / STARTTLS'], ['tls', 'TLS'], ['ssl', 'SSL']]),
  ];
  const body = (v) => {
    const b = { ...v, port: Number(v.port) };
    if (!b.password) delete b.password;
    return b;
  };
  return h('div', { class: 'grid' },
    form('SMTP server of this project', fields(), 'Save SMTP', async (v) => {
      await patch(path(p, '/smtp'), body(v));
      say('SMTP saved.');
    }),
    form('Send a test mail', [field('To', { name: 'to', type: 'email', required: true })], 'Send test', async (v) => {
      await post(path(p, '/smtp/tests'), { emails: [v.to] });
      say('Test mail sent to ' + v.to + '.');
    }));
}


async function dashboard(p) {
  const st = await get(path(p, '/stats') + q([], { days: 30 }));
  const dates = st.days.map((d) => d.date);
  const sum = (k) => st.days.reduce((n, d) => n + d[k], 0);
  const chart = (title, k, cls) => h('figure', {}, bars(title, dates, st.days.map((d) => d[k]), cls),
    h('figcaption', {}, `${title}: ${sum(k)} in 30 days, ${st.days[st.days.length - 1][k]} today`));
  return h('div', {},
    h('p', { class: 'big' }, h('strong', { id: 'users-total' }, String(st.users)), ' users'),
    h('div', { class: 'grid' },
      chart('Sign-ins per day', 'signIns', 'bar-in'),
      chart('Sign-ups per day', 'signUps', 'bar-up'),
      chart('Failed sign-ins per day', 'failedSignIns', 'bar-fail')));
}

const templateKinds = {
  email: ['verification', 'magicSession', 'recovery', 'invitation', 'mfaChallenge', 'sessionAlert', 'otpSession',
    'accountLinked', 'accountUnlinked', 'accountClaimed'],
  sms: ['verification', 'login', 'invitation', 'mfaChallenge'],
};

function templates(p) {
  const box = h('div', {});
  const pick = form('Choose a template', [
    field('Channel', { name: 'channel', value: 'email' }, 'select', [['email', 'Email'], ['sms', 'SMS']]),
    field('Kind', { name: 'kind', value: 'verification' }, 'select', [...new Set([...templateKinds.email, ...templateKinds.sms])].map((k) => [k, k])),
    field('Locale', { name: 'locale', value: 'en' }),
  ], 'Open', async (v) => {
    const tp = path(p, `/templates/${v.channel}/${encodeURIComponent(v.kind)}/${encodeURIComponent(v.locale)}`);
    const t = await get(tp);
    const email = v.channel === 'email';
    box.replaceChildren(form(`${v.channel} ${v.kind} (${v.locale})`, [
      email ? field('Subject', { name: 'subject', value: t.subject, required: true }) : null,
      email ? field('Sender name', { name: 'senderName', value: t.senderName }) : null,
      email ? field('Sender email', { name: 'senderEmail', type: 'email', value: t.senderEmail }) : null,
      email ? field('Reply-to', { name: 'replyTo', type: 'email', value: t.replyTo }) : null,
      field('Message', { name: 'message', value: t.message, rows: 12, required: true }, 'textarea'),
    ], 'Save template', async (m) => {
      await patch(tp, m);
      say('Template saved.');
    }), button('Back to the default', async () => {
      await del(tp);
      say('Template reset to the default.');
      pick.requestSubmit();
    }));
  });
  return h('div', {}, pick, box);
}
