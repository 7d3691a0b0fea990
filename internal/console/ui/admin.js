// The instance: its administrators and background jobs.
import { get, post, patch, del, q } from './api.js';
import { h, field, form, button, mount, say, table, when } from './dom.js';

export async function adminsView(created) {
  const list = await get('/console/admins' + q([{ method: 'limit', values: [100] }]));
  const linkBox = h('div', { 'aria-live': 'polite' });
  const showLink = (r) => linkBox.replaceChildren(h('div', { class: 'notice' },
    h('p', {}, 'Give ', h('strong', {}, r.admin.email), ' this one-time link (good until ', when(r.expire), '):'),
    field('Sign-in link', { readonly: true, value: r.url, id: 'admin-link' })));
  mount(
    h('h1', {}, 'Administrators'),
    table('Console administrators', ['Name', 'Email', 'Status', 'Password', 'MFA', 'Last seen', ''], list.admins.map((a) => [a.name, a.email,
      a.status ? 'active' : 'blocked', a.passwordSet ? 'set' : 'not yet', a.mfa ? 'on' : 'off', when(a.accessedAt),
      h('div', { class: 'actions' },
        button('New link', async () => showLink(await post('/console/admins/' + a.$id + '/link')), { 'aria-label': 'New link for ' + a.email }),
        button(a.status ? 'Block' : 'Unblock', async () => { await patch('/console/admins/' + a.$id + '/status', { status: !a.status }); await adminsView(); },
          { 'aria-label': (a.status ? 'Block ' : 'Unblock ') + a.email }),
        button('Delete', async () => {
          if (confirm('Delete administrator ' + a.email + '?')) { await del('/console/admins/' + a.$id); await adminsView(); }
        }, { class: 'danger', 'aria-label': 'Delete ' + a.email }))])),
    linkBox,
    form('Add an administrator', [field('Email', { name: 'email', type: 'email', required: true }), field('Name', { name: 'name' })],
      'Add administrator', async (v) => {
        await adminsView(await post('/console/admins', v));
      }),
  );
  if (created && created.url) showLink(created);
}

export async function jobsView(state = 'failed') {
  const list = await get('/gatehouse/jobs' + q([{ method: 'limit', values: [50] }], { state }));
  mount(
    h('h1', {}, 'Background jobs'),
    form('', [field('State', { name: 'state', value: state }, 'select',
      [['failed', 'Failed'], ['queued', 'Queued'], ['running', 'Running'], ['done', 'Done'], ['', 'Any']])], 'Show', (v) => jobsView(v.state)),
    table('Jobs (' + list.total + ')', ['Kind', 'State', 'Attempts', 'Last error', 'Updated', ''], list.jobs.map((j) => [j.kind, j.state,
      j.attempts + ' / ' + j.maxAttempts, j.lastError, when(j.$updatedAt),
      j.state === 'failed' ? button('Retry', async () => { await post('/gatehouse/jobs/' + j.$id + '/retry'); say('Queued again.'); await jobsView(state); },
        { 'aria-label': 'Retry job ' + j.$id }) : ''])),
  );
}
