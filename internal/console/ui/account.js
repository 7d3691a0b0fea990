// The signed-in administrator's own account: password, second factor,
// passkeys, sessions and security log (the Account API on project console).
import { get, post, patch, put, del, q } from './api.js';
import { h, field, form, button, mount, say, table, when } from './dom.js';
import { passkeysSection } from './passkeys.js';

export async function accountView() {
  const [me, sessions, logs] = await Promise.all([get('/account'), get('/account/sessions'),
    get('/account/logs' + q([{ method: 'limit', values: [50] }]))]);
  const passkeys = await passkeysSection(accountView);
  const totpBox = h('div', { 'aria-live': 'polite' });
  mount(
    h('h1', {}, 'Your account'),
    h('p', {}, me.name ? me.name + ' · ' : '', me.email),
    h('div', { class: 'grid' },
      form('Change your password', [
        field('Current password', { name: 'oldPassword', type: 'password', autocomplete: 'current-password', required: true }),
        field('New password (10 characters or more)', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 }),
      ], 'Change password', async (v) => {
        await patch('/account/password', v);
        say('Password changed.');
      }),
      h('section', {}, h('h3', {}, 'Second factor'),
        h('p', {}, me.mfa ? 'On: signing in asks for a code from your authenticator app.' : 'Off.'),
        me.mfa
          ? button('Turn off', async () => { await patch('/account/mfa', { mfa: false }); await accountView(); })
          : button('Set up an authenticator app', async () => enrol(totpBox)),
        totpBox)),
    passkeys,
    table('Your sessions', ['Client', 'IP', 'Country', 'Created', ''], sessions.sessions.map((s) => [
      [s.clientName, s.clientVersion, s.osName].filter(Boolean).join(' '), s.ip, s.countryName, when(s.$createdAt),
      s.current ? 'this one' : button('End', async () => { await del('/account/sessions/' + s.$id); await accountView(); },
        { 'aria-label': 'End session ' + s.$id })])),
    table('Your security log (what you did)', ['Event', 'IP', 'Time'], logs.logs.map((l) => [l.event, l.ip, when(l.time)])),
  );
}

async function enrol(box) {
  const a = await post('/account/mfa/authenticators/totp');
  box.replaceChildren(
    h('p', {}, 'Add this key to your authenticator app, then enter the code it shows.'),
    field('Key', { readonly: true, value: a.secret }),
    field('Or this URI', { readonly: true, value: a.uri }),
    form('', [field('Code from the app', { name: 'otp', inputmode: 'numeric', autocomplete: 'one-time-code', required: true })], 'Verify and turn on',
      async (v) => {
        await put('/account/mfa/authenticators/totp', { otp: v.otp.trim() });
        const rc = await post('/account/mfa/recovery-codes');
        await patch('/account/mfa', { mfa: true });
        box.replaceChildren(h('div', { class: 'notice' }, h('p', {}, 'Second factor on. Keep these recovery codes somewhere safe; each works once:'),
          h('pre', {}, rc.recoveryCodes.join('\n'))));
      }));
}
