// A project's users through its Users API in admin mode: the list with
// search, filters and cursor paging, and a user's page.
import { get, post, patch, put, del, q } from './api.js';
import { h, field, form, button, mount, say, table, when } from './dom.js';
import { go } from './app.js';

const pageSize = 25;

export async function usersView(pid, state = {}) {
  if (state.provider) return byProvider(pid, state);
  const queries = [{ method: 'limit', values: [pageSize] }, { method: 'orderDesc', attribute: '$createdAt' }];
  if (state.status) queries.push({ method: 'equal', attribute: 'status', values: [state.status === 'active'] });
  if (state.verified) queries.push({ method: 'equal', attribute: 'emailVerification', values: [state.verified === 'yes'] });
  if (state.label) queries.push({ method: 'contains', attribute: 'labels', values: [state.label] });
  if (state.after) queries.push({ method: 'cursorAfter', values: [state.after] });
  const list = await get('/users' + q(queries, { search: state.search || '', total: 'false' }), pid);
  const base = '#/p/' + encodeURIComponent(pid);
  const filters = form('Find users', [
    field('Search (name, email, phone, id)', { name: 'search', type: 'search', value: state.search || '' }),
    field('Status', { name: 'status', value: state.status || '' }, 'select', [['', 'Any'], ['active', 'Active'], ['blocked', 'Blocked']]),
    field('Email verified', { name: 'verified', value: state.verified || '' }, 'select', [['', 'Any'], ['yes', 'Verified'], ['no', 'Not verified']]),
    field('Label', { name: 'label', value: state.label || '' }),
    field('Signed in with (provider, e.g. github)', { name: 'provider', value: state.provider || '' }),
  ], 'Search', (v) => usersView(pid, v), { class: 'filters', role: 'search' });
  const last = list.users[list.users.length - 1];
  mount(filtersHead(pid, filters),
    table('Users', ['Name', 'Email', 'Phone', 'Status', 'Verified', 'Labels', 'Created'], list.users.map((u) => [
      h('a', { href: base + '/users/' + encodeURIComponent(u.$id) }, u.name || u.email || u.phone || u.$id), u.email, u.phone,
      u.status ? 'active' : 'blocked', u.emailVerification ? 'yes' : 'no', u.labels.join(', '), when(u.$createdAt)])),
    h('div', { class: 'actions' },
      state.after ? button('First page', () => usersView(pid, { ...state, after: '' })) : null,
      list.users.length === pageSize ? button('Next page', () => usersView(pid, { ...state, after: last.$id })) : null),
    form('Create a user', [
      field('Name', { name: 'name' }), field('Email', { name: 'email', type: 'email' }),
      field('Password (empty: none)', { name: 'password', type: 'password', autocomplete: 'new-password' }),
    ], 'Create user', async (v) => {
      const body = { userId: 'unique()', name: v.name, email: v.email || undefined };
      if (v.password) body.password = v.password;
      const u = await post('/users', body, pid);
      go(base + '/users/' + encodeURIComponent(u.$id));
    }),
  );
}

export async function userView(pid, uid) {
  const u0 = '/users/' + encodeURIComponent(uid);
  const [u, sessions, logs, factors, idents] = await Promise.all([
    get(u0, pid), get(u0 + '/sessions', pid), get(u0 + '/logs' + q([{ method: 'limit', values: [100] }]), pid),
    get(u0 + '/mfa/factors', pid),
    get('/users/identities' + q([{ method: 'equal', attribute: 'userId', values: [uid] }]), pid),
  ]);
  const again = () => userView(pid, uid);
  const act = (label, fn, attrs = {}) => button(label, async () => { await fn(); say(label + ': done.'); await again(); }, attrs);
  mount(
    h('p', {}, h('a', { href: '#/p/' + encodeURIComponent(pid) + '/users' }, '← Users')),
    h('h1', {}, u.name || u.email || u.$id),
    h('dl', { class: 'facts' },
      [['ID', u.$id], ['Email', u.email + (u.email ? (u.emailVerification ? ' (verified)' : ' (not verified)') : '')],
        ['Phone', u.phone], ['Status', u.status ? 'active' : 'blocked'], ['MFA', u.mfa ? 'on' : 'off'],
        ['Registered', when(u.registration)], ['Last seen', when(u.accessedAt)]].map(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, v || '—')])),
    h('div', { class: 'actions', id: 'user-actions' },
      act(u.status ? 'Block' : 'Unblock', () => patch(u0 + '/status', { status: !u.status }, pid), { id: 'toggle-status' }),
      u.email && !u.emailVerification ? act('Mark email verified', () => patch(u0 + '/verification', { emailVerification: true }, pid)) : null,
      act('Sign out everywhere', () => del(u0 + '/sessions', pid)),
      button('Delete user', async () => {
        if (!confirm('Delete ' + (u.email || u.$id) + '? This cannot be undone.')) return;
        await del(u0, pid);
        go('#/p/' + encodeURIComponent(pid) + '/users');
      }, { class: 'danger' })),
    h('div', { class: 'grid' },
      form('Labels', [field('Labels, comma-separated', { name: 'labels', value: u.labels.join(', ') })], 'Save labels', async (v) => {
        await put(u0 + '/labels', { labels: v.labels.split(',').map((s) => s.trim()).filter(Boolean) }, pid);
        await again();
      }),
      form('Set a new password', [field('New password', { name: 'password', type: 'password', autocomplete: 'new-password', required: true })],
        'Set password', async (v) => { await patch(u0 + '/password', { password: v.password }, pid); say('Password set.'); }),
      h('section', {}, h('h3', {}, 'Preferences'), h('pre', {}, JSON.stringify(u.prefs, null, 2))),
      h('section', {}, h('h3', {}, 'MFA factors'), h('ul', {}, Object.entries(factors).map(([k, v]) => h('li', {}, k + ': ' + (v ? 'yes' : 'no'))))),
    ),
    h('section', { id: 'sessions' }, table('Sessions', ['Device', 'Client', 'IP', 'Country', 'Provider', 'Expires', ''], sessions.sessions.map((s) => [
      [s.deviceName, s.deviceBrand, s.deviceModel, s.osName].filter(Boolean).join(' ') || '—', [s.clientName, s.clientVersion].filter(Boolean).join(' '),
      s.ip, s.countryName, s.provider, when(s.expire),
      button('Revoke', async () => { await del(u0 + '/sessions/' + s.$id, pid); await again(); }, { 'aria-label': 'Revoke session ' + s.$id })]))),
    h('section', { id: 'identities' },
      table('Identities', ['Provider', 'Account', 'Email', 'Profile data', ''], idents.identities.map((i) => [i.provider, i.providerUid, i.providerEmail,
        i.profileData ? h('details', {}, h('summary', {}, 'Linked account'), h('pre', {}, JSON.stringify(i.profileData, null, 2))) : '—',
        button('Unlink', async () => {
          if (!confirm('Split ' + i.provider + ' ' + i.providerUid + ' out into a user of its own?')) return;
          await del(u0 + '/identities/' + encodeURIComponent(i.provider) + '/' + encodeURIComponent(i.providerUid), pid);
          say('Unlinked ' + i.providerUid + '.');
          await again();
        }, { 'aria-label': 'Unlink ' + i.provider + ' ' + i.providerUid })])),
      mergeForm(pid, u, again)),
    table('Link history', ['Event', 'By', 'Time'], logs.logs.filter((l) => /^user\.(un)?link/.test(l.event)).map((l) => [l.event,
      (l.userEmail || l.userId) + ' (' + l.mode + ')', when(l.time)])),
    table('Security log', ['Event', 'By', 'IP', 'Country', 'Time'], logs.logs.map((l) => [l.event, (l.userEmail || l.userId) + ' (' + l.mode + ')',
      l.ip, l.countryName, when(l.time)])),
  );
}

// mergeForm merges another user into u after showing the preview of the
// result: nothing changes until the administrator confirms.
function mergeForm(pid, u, again) {
  const out = h('div', { id: 'merge-preview', 'aria-live': 'polite' });
  const u0 = '/users/' + encodeURIComponent(u.$id);
  return h('div', {},
    form('Merge another user into this one', [field('ID of the user to merge in', { name: 'other', required: true })], 'Preview merge', async (v) => {
      const other = v.other.trim();
      const p = await get(u0 + '/identities/preview' + q([], { userId: other }), pid);
      out.replaceChildren(h('div', { class: 'notice' },
        h('h3', {}, 'After the merge'),
        h('p', {}, 'User ', h('strong', {}, p.user.name || p.user.email || p.user.$id), ' (', p.user.$id, ') keeps its id, email, name and prefs; ',
          other, ' leaves the users list, its sessions end, and these become its ways in:'),
        table('Identities after the merge', ['Provider', 'Account', 'Email'], p.identities.map((i) => [i.provider, i.providerUid, i.providerEmail])),
        h('div', { class: 'actions' },
          button('Confirm merge', async () => {
            await post(u0 + '/identities', { userId: other }, pid);
            say('Merged ' + other + ' into ' + u.$id + '.');
            await again();
          }, { id: 'confirm-merge' }),
          button('Cancel', async () => out.replaceChildren()))));
    }, { id: 'merge' }),
    out);
}

function filtersHead(pid, filters) {
  const base = '#/p/' + encodeURIComponent(pid);
  return [h('h1', {}, 'Users of ', pid),
    h('nav', { class: 'tabs', 'aria-label': 'Project' }, h('a', { href: base }, 'Settings'), h('a', { href: base + '/users', 'aria-current': 'page' }, 'Users')),
    filters];
}

// byProvider lists the users holding an identity of a provider: the
// project's identities list, filtered, with a link to each user.
async function byProvider(pid, state) {
  const queries = [{ method: 'equal', attribute: 'provider', values: [state.provider.trim().toLowerCase()] }, { method: 'limit', values: [pageSize] }];
  if (state.after) queries.push({ method: 'cursorAfter', values: [state.after] });
  const list = await get('/users/identities' + q(queries, { total: 'false' }), pid);
  const base = '#/p/' + encodeURIComponent(pid);
  const last = list.identities[list.identities.length - 1];
  mount(filtersHead(pid, form('Find users', [
    field('Signed in with (provider, e.g. github)', { name: 'provider', value: state.provider }),
  ], 'Search', (v) => usersView(pid, v), { class: 'filters', role: 'search' })),
  h('p', {}, h('a', { href: base + '/users' }, 'All users')),
  table('Users with a ' + state.provider + ' identity', ['User', 'Account at the provider', 'Email there', 'Linked'], list.identities.map((i) => [
    h('a', { href: base + '/users/' + encodeURIComponent(i.userId) }, i.userId), i.providerUid, i.providerEmail, when(i.$createdAt)])),
  h('div', { class: 'actions' },
    state.after ? button('First page', () => byProvider(pid, { ...state, after: '' })) : null,
    list.identities.length === pageSize ? button('Next page', () => byProvider(pid, { ...state, after: last.$id })) : null));
}
