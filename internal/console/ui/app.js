// The console's router and its sign-in screens. Every screen is a
// function of the route's parameters that fills the main region.
import { call, get, post, put, del, nextScreen, Stale } from './api.js';
import { h, field, form, button, mount, say } from './dom.js';
import { projectsView, projectView } from './projects.js';
import { usersView, userView } from './users.js';
import { adminsView, jobsView } from './admin.js';
import { accountView } from './account.js';
import { supported, signInWithPasskey } from './passkeys.js';

let me = null; // the signed-in administrator

const routes = [
  [/^#\/signin$/, signIn, false],
  [/^#\/mfa$/, mfa, false],
  [/^#\/welcome$/, welcome, false],
  [/^#\/projects$/, projectsView, true],
  [/^#\/admins$/, adminsView, true],
  [/^#\/jobs$/, jobsView, true],
  [/^#\/account$/, accountView, true],
  [/^#\/p\/([\w.-]+)\/users$/, usersView, true],
  [/^#\/p\/([\w.-]+)\/users\/([\w.-]+)$/, userView, true],
  [/^#\/p\/([\w.-]+)(?:\/(\w+))?$/, projectView, true],
];

// go navigates to a route.
export function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

// params reads the query of the current route (#/welcome?userId=...).
function params() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

// route shows the screen of the current hash. A screen still loading when
// the next one starts is dropped (see Stale).
async function route() {
  nextScreen();
  try {
    await show();
  } catch (x) {
    if (!(x instanceof Stale)) throw x;
  }
}

async function show() {
  const path = (location.hash || '#/projects').split('?')[0];
  document.getElementById('status').textContent = '';
  for (const [re, view, needsMe] of routes) {
    const m = path.match(re);
    if (!m) continue;
    if (needsMe && !(await signedIn())) return;
    nav();
    try {
      await view(...m.slice(1).map((x) => (x === undefined ? undefined : decodeURIComponent(x))));
    } catch (x) {
      if (x instanceof Stale) throw x;
      if (x.code === 401) return go('#/signin');
      mount(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, x.message));
    }
    return;
  }
  go('#/projects');
}

// signedIn loads the administrator, or sends to the right sign-in step.
async function signedIn() {
  if (me) return true;
  try {
    me = await get('/account');
    // The account answers before the second factor; the Projects API
    // tells whether one is still due.
    await get('/projects?queries[]=' + encodeURIComponent(JSON.stringify({ method: 'limit', values: [1] })));
    return true;
  } catch (x) {
    if (x instanceof Stale) throw x;
    me = null;
    go(x.type === 'user_more_factors_required' ? '#/mfa' : '#/signin');
    return false;
  }
}

function nav() {
  const n = document.getElementById('nav');
  if (!me) return n.replaceChildren();
  n.replaceChildren(
    h('a', { href: '#/projects' }, 'Projects'),
    h('a', { href: '#/admins' }, 'Admins'),
    h('a', { href: '#/jobs' }, 'Jobs'),
    h('a', { href: '#/account', class: 'who' }, me.email),
    button('Sign out', async () => {
      await del('/account/sessions/current').catch(() => {});
      me = null;
      go('#/signin');
    }, { id: 'signout' }),
  );
}

function signIn() {
  mount(h('section', { class: 'narrow' },
    h('h1', {}, 'Sign in to the console'),
    form('', [
      field('Email', { name: 'email', type: 'email', autocomplete: 'username', required: true }),
      field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    ], 'Sign in', async (v) => {
      await post('/account/sessions/email', { email: v.email, password: v.password });
      me = null;
      if (await signedIn()) go('#/projects');
    }),
    supported() && h('p', { class: 'or' }, button('Sign in with a passkey', async () => {
      await signInWithPasskey();
      me = null;
      if (await signedIn()) go('#/projects');
    }, { id: 'passkey-signin' }))));
}

async function mfa() {
  const ch = await post('/account/mfa/challenges', { factor: 'totp' });
  mount(h('section', { class: 'narrow' },
    h('h1', {}, 'Second factor'),
    h('p', {}, 'Enter the code your authenticator app shows.'),
    form('', [field('Code', { name: 'otp', inputmode: 'numeric', autocomplete: 'one-time-code', required: true })], 'Verify',
      async (v) => {
        await put('/account/mfa/challenges', { challengeId: ch.$id, otp: v.otp.trim() });
        me = null;
        if (await signedIn()) go('#/projects');
      })));
}

function welcome() {
  const p = params();
  mount(h('section', { class: 'narrow' },
    h('h1', {}, 'Set your password'),
    h('p', {}, 'This link works once. Choose a password of at least 10 characters.'),
    form('', [
      field('New password', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 }),
      field('Repeat it', { name: 'again', type: 'password', autocomplete: 'new-password', required: true }),
    ], 'Set password', async (v) => {
      if (v.password !== v.again) throw new Error('The passwords differ.');
      await put('/account/recovery', { userId: p.get('userId'), secret: p.get('secret'), password: v.password, passwordAgain: v.again });
      // Take the secret out of the address bar and history.
      history.replaceState(null, '', '#/signin');
      say('Password set. Sign in with it.');
      signIn();
    })));
}

window.addEventListener('hashchange', route);
route();

export { call };
