// Several accounts on one device, and linking them, with the official
// appwrite web SDK (the global `Appwrite` from its browser build).
//
// The SDK's own methods cover sign-up, sign-in and the identities list.
// Gatehouse's endpoints beyond Appwrite (the device's accounts, linking and
// unlinking) go through the SDK's client.call(), so they use the same
// session, cookies or X-Fallback-Cookies, as every other request.
//
// Passkeys come from Gatehouse's browser module, loaded from the server
// itself (GET /v1/passkeys.js): it wraps navigator.credentials and calls
// the passkey routes through the same SDK client.
'use strict';

const params = new URLSearchParams(location.search);
const config = {
  endpoint: (params.get('endpoint') || '').replace(/\/+$/, ''),
  project: params.get('project') || '',
};

const $ = (id) => document.getElementById(id);

const client = new Appwrite.Client();
let account = null;
let passkeys = null; // a Passkeys of the browser module, once loaded
// A sign-in waiting in the email field's autofill (conditional
// mediation): its AbortController and its promise.
let autofill = null;

// One round of state, as last read from the server.
let state = { me: null, device: [], identities: [], passkeys: [], mfaPending: false };

// api calls a Gatehouse endpoint through the SDK's client. as names the
// device account to act as (X-Gatehouse-Account) instead of the current one.
function api(method, path, { body, as } = {}) {
  const headers = { 'X-Appwrite-Project': config.project, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (as) headers['X-Gatehouse-Account'] = as;
  return client.call(method, new URL(config.endpoint + path), headers, body || {});
}

// The extra endpoints, one function each.
const device = {
  list: () => api('GET', '/account/device/accounts'),
  switchTo: (userId) => api('PATCH', `/account/device/accounts/${encodeURIComponent(userId)}`),
  signOut: (userId) => api('DELETE', `/account/device/accounts/${encodeURIComponent(userId)}`),
  signOutAll: () => api('DELETE', '/account/device/accounts'),
};

const linking = {
  // Merges the device account secondaryId into primaryId. Both are named:
  // the server checks that this device holds both and picks nothing itself.
  link: (primaryId, secondaryId) => api('POST', `/users/${encodeURIComponent(primaryId)}/identities`,
    { body: { deviceAccount: secondaryId } }),
  unlink: (primaryId, provider, providerUid) => api('DELETE',
    `/users/${encodeURIComponent(primaryId)}/identities/${encodeURIComponent(provider)}/${encodeURIComponent(providerUid)}`),
};

function say(text, kind = 'ok') {
  const el = $('status');
  el.textContent = text;
  el.className = kind;
}

// explain turns an error into one line a person can act on.
function explain(err) {
  if (err && err.type === 'user_session_already_exists') {
    return 'This project keeps one account per browser. Turn on several accounts ' +
      '(PATCH /v1/projects/{projectId}/auth/multi-accounts) to add another.';
  }
  if (err && err.type) return `${err.message} (${err.type})`;
  return String(err && err.message ? err.message : err);
}

// busy runs one user action: buttons off, errors shown, state re-read.
async function busy(action) {
  // A browser runs one WebAuthn request at a time: a waiting autofill
  // sign-in ends before anything else starts.
  await stopAutofill();
  const buttons = [...document.querySelectorAll('button')];
  buttons.forEach((b) => { b.disabled = true; });
  document.body.setAttribute('aria-busy', 'true');
  try {
    const message = await action();
    await refresh();
    if (message) say(message);
  } catch (err) {
    say(explain(err), 'error');
    await refresh().catch(() => {});
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    $('link').disabled = !state.device.some((a) => !a.current);
    document.body.removeAttribute('aria-busy');
    // Counts finished actions, so a script driving the page can wait for one.
    document.body.dataset.done = String(Number(document.body.dataset.done || 0) + 1);
  }
}

const label = (a) => a.name || a.email || `anonymous ${a.userId || a.$id}`;

async function refresh() {
  let me = null;
  let mfaPending = false;
  try {
    me = await account.get();
  } catch (err) {
    if (err.code !== 401) throw err;
    // Signed in, but the second factor is still owed.
    mfaPending = err.type === 'user_more_factors_required';
  }
  // The device list is read even with no current account: when the current
  // account's session ended elsewhere, the others are still here to switch to.
  const [deviceAccounts, identities, keys] = await Promise.all([
    device.list().then((r) => r.accounts, (err) => {
      // A server without Gatehouse's device accounts (Appwrite itself, or
      // an older Gatehouse): the one signed-in account is all there is.
      if (err.code !== 404) throw err;
      return me ? [{ userId: me.$id, name: me.name, email: me.email, current: true }] : [];
    }),
    me ? account.listIdentities().then((r) => r.identities) : [],
    me && passkeys ? passkeys.list().then((r) => r.passkeys) : [],
  ]);
  state = { me, device: deviceAccounts, identities, passkeys: keys, mfaPending };
  render();
}

function render() {
  const { me, device: accounts, identities } = state;

  $('current-account').hidden = !me;
  $('mfa').hidden = !state.mfaPending;
  if (me) {
    $('mfa-state').textContent = me.mfa ? 'on' : 'off';
    $('mfa-toggle').textContent = me.mfa ? 'Turn MFA off' : 'Turn MFA on';
    $('mfa-toggle').dataset.on = String(!!me.mfa);
  }
  // The passkeys, each with its own delete button.
  $('passkeys').replaceChildren(...state.passkeys.map((k) => {
    const li = document.createElement('li');
    li.dataset.passkeyId = k.$id;
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = `${k.name} `;
    const small = document.createElement('small');
    small.className = 'muted';
    small.textContent = `${k.authenticatorType || 'authenticator'}, added ${new Date(k.$createdAt).toLocaleString()}`;
    who.append(small);
    li.append(who, button('Delete', 'delete-passkey', () => busy(async () => {
      await passkeys.delete(k.$id);
      return `Deleted the passkey ${k.name}.`;
    })));
    return li;
  }));
  $('passkeys-empty').hidden = state.passkeys.length > 0;
  $('sign-in-title').textContent = me ? 'Add another account' : 'Sign in';
  if (me) {
    $('current-name').textContent = me.name || (me.email ? '' : 'Anonymous');
    $('current-email').textContent = me.email || '(no email)';
    $('current-id').textContent = me.$id;
  }

  // The device's accounts, the current one marked.
  const list = $('device-accounts');
  list.replaceChildren(...accounts.map((a) => {
    const li = document.createElement('li');
    li.dataset.userId = a.userId;
    li.dataset.current = String(a.current);
    const who = document.createElement('span');
    who.className = 'who';
    who.textContent = label(a);
    if (a.email && a.name) {
      const small = document.createElement('small');
      small.className = 'muted';
      small.textContent = ` ${a.email}`;
      who.append(small);
    }
    li.append(who);
    if (a.current) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = 'current';
      li.append(badge);
    } else {
      li.append(button('Switch', 'switch', () => busy(async () => {
        const now = await device.switchTo(a.userId);
        return `Now acting as ${label({ ...now, userId: now.$id })}.`;
      })));
    }
    li.append(button('Sign out', 'sign-out', () => busy(async () => {
      await device.signOut(a.userId);
      return `Signed ${label(a)} out of this device.`;
    })));
    return li;
  }));
  $('device-empty').hidden = accounts.length > 0;
  $('sign-out-all').hidden = accounts.length === 0;

  // Accounts that could be merged into the current one.
  const others = accounts.filter((a) => !a.current);
  // No account is preselected: merging one in is a choice the person makes.
  const select = $('link-secondary');
  const none = document.createElement('option');
  none.value = '';
  none.textContent = 'Choose an account';
  select.replaceChildren(none, ...others.map((a) => {
    const o = document.createElement('option');
    o.value = a.userId;
    o.textContent = label(a);
    return o;
  }));
  $('link').disabled = others.length === 0;

  // The identities, with the profile each linked account brought along.
  const rows = $('identities').querySelector('tbody');
  rows.replaceChildren(...identities.map((i) => {
    const tr = document.createElement('tr');
    tr.dataset.provider = i.provider;
    tr.dataset.providerUid = i.providerUid;
    // A passkey identity carries its passkey's name and authenticator type.
    const provider = i.passkey ? `passkey: ${i.passkey.name} (${i.passkey.authenticatorType || '?'})` : i.provider;
    tr.append(cell(provider), cell(i.providerUid), profileCell(i.profileData));
    const td = document.createElement('td');
    if (i.profileData) {
      td.append(button('Unlink', 'unlink', () => busy(async () => {
        const split = await linking.unlink(me.$id, i.provider, i.providerUid);
        return `Unlinked: ${label({ ...split, userId: split.$id })} is an account of its own again (${split.$id}).`;
      })));
    }
    tr.append(td);
    return tr;
  }));
  $('identities').hidden = identities.length === 0;
  $('identities-empty').hidden = identities.length > 0;
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

// profileCell shows who the linked account was, and all of its profile.
function profileCell(profile) {
  const td = document.createElement('td');
  td.className = 'profile';
  if (!profile) {
    td.textContent = '—';
    return td;
  }
  const summary = [profile.name, profile.email, profile.phone].filter(Boolean).join(' · ') || 'anonymous';
  const details = document.createElement('details');
  const s = document.createElement('summary');
  s.textContent = `${summary} (was ${profile.userId})`;
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(profile, null, 2);
  details.append(s, pre);
  td.append(details);
  return td;
}

function button(text, action, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = text;
  b.dataset.action = action;
  b.addEventListener('click', onClick);
  return b;
}

// stopAutofill ends a waiting autofill sign-in, and waits until it has.
async function stopAutofill() {
  const pending = autofill;
  autofill = null;
  if (!pending) return;
  pending.ac.abort();
  await pending.done.catch(() => {});
}

function wire() {
  $('sign-in-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const email = String(form.get('email')).trim();
    const password = String(form.get('password'));
    const name = String(form.get('name')).trim();
    const signUp = ev.submitter && ev.submitter.value === 'sign-up';
    busy(async () => {
      if (signUp) {
        await account.create({ userId: Appwrite.ID.unique(), email, password, name: name || undefined });
      }
      await account.createEmailPasswordSession({ email, password });
      ev.target.reset();
      return signUp ? `Welcome, ${name || email}.` : `Signed in as ${email}.`;
    });
  });

  $('anonymous-button').addEventListener('click', () => busy(async () => {
    await account.createAnonymousSession();
    return 'Signed in anonymously.';
  }));

  // Passkeys. The email field, when filled, asks for that account's
  // passkeys (the usernamed flow); empty, the browser offers its own.
  $('passkey-sign-in').addEventListener('click', () => busy(async () => {
    const email = $('sign-in-form').elements.email.value.trim();
    await passkeys.signIn(email ? { email } : {});
    $('sign-in-form').reset();
    return 'Signed in with a passkey.';
  }));
  // Autofill: the browser offers the site's passkeys among the email
  // field's suggestions (autocomplete="username webauthn") until one is
  // picked or another action starts.
  $('passkey-autofill').addEventListener('click', async () => {
    await stopAutofill();
    const entry = { ac: new AbortController() };
    const finish = () => { if (autofill === entry) autofill = null; };
    // The callbacks do not wait for busy(): busy() waits for this one.
    entry.done = passkeys.signIn({ mediation: 'conditional', signal: entry.ac.signal }).then(
      () => { finish(); busy(async () => 'Signed in with a passkey from autofill.'); },
      (err) => { finish(); if (!entry.ac.signal.aborted) busy(async () => { throw err; }); });
    autofill = entry;
    say('Pick a passkey among the email field\'s suggestions.');
    $('sign-in-form').elements.email.focus();
  });
  $('passkey-sign-up').addEventListener('click', () => busy(async () => {
    const form = $('sign-in-form').elements;
    const name = form.name.value.trim();
    const email = form.email.value.trim();
    await passkeys.signUp({ name: name || undefined, email: email || undefined, passkeyName: 'First passkey' });
    $('sign-in-form').reset();
    return `Welcome${name ? `, ${name}` : ''}: your passkey is your way in.`;
  }));
  $('passkey-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const name = $('passkey-name').value.trim();
    busy(async () => {
      const k = await passkeys.register({ name: name || undefined });
      ev.target.reset();
      return `Added the passkey ${k.name}.`;
    });
  });
  $('mfa-toggle').addEventListener('click', () => busy(async () => {
    const on = $('mfa-toggle').dataset.on !== 'true';
    await account.updateMFA({ mfa: on });
    return on ? 'MFA is on.' : 'MFA is off.';
  }));
  $('mfa-passkey').addEventListener('click', () => busy(async () => {
    await passkeys.verifyMfa();
    return 'Second factor done.';
  }));

  $('link-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const secondary = state.device.find((a) => !a.current && a.userId === $('link-secondary').value);
    if (!secondary) {
      say('Choose the account to merge into this one.', 'error');
      return;
    }
    busy(async () => {
      await linking.link(state.me.$id, secondary.userId);
      return `Linked ${label(secondary)} into this account.`;
    });
  });

  $('sign-out-all').addEventListener('click', () => busy(async () => {
    await device.signOutAll();
    return 'Signed every account out of this device.';
  }));

  $('settings-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const next = new URLSearchParams({ endpoint: form.get('endpoint'), project: form.get('project') });
    location.search = next.toString();
  });
}

async function main() {
  wire();
  $('cfg-endpoint').textContent = config.endpoint || '?';
  $('cfg-project').textContent = config.project || '?';
  if (!config.endpoint || !config.project) {
    $('settings').hidden = false;
    $('device').hidden = true;
    $('sign-in').hidden = true;
    say('Tell the page where Gatehouse runs and which project to use.');
    document.body.dataset.ready = 'true';
    return;
  }
  client.setEndpoint(config.endpoint).setProject(config.project);
  account = new Appwrite.Account(client);
  try {
    const { Passkeys } = await import(`${config.endpoint}/passkeys.js`);
    if (Passkeys.isSupported()) passkeys = new Passkeys(client);
  } catch (err) {
    console.warn('passkeys unavailable:', err);
  }
  for (const id of ['passkey-sign-in', 'passkey-sign-up', 'passkey-form']) $(id).hidden = !passkeys;
  $('passkey-autofill').hidden = !passkeys || !(await passkeys.constructor.conditionalAvailable());
  try {
    await refresh();
  } catch (err) {
    say(explain(err), 'error');
  }
  document.body.dataset.ready = 'true';
}

main();
