// Passkeys for administrators: signing in with one, and the account
// page's list of one's own. The WebAuthn encoding comes from the module
// Gatehouse serves at /v1/passkeys.js: the same origin, so the console's
// script-src 'self' admits it. Requests go through api.js as all others.
import { creationOptions, requestOptions, credentialJSON } from '/v1/passkeys.js';
import { get, post, put, patch, del } from './api.js';
import { h, field, form, button, say, table, when } from './dom.js';

// supported reports whether this browser can use passkeys at all.
export function supported() {
  return typeof globalThis.PublicKeyCredential === 'function' && !!navigator.credentials;
}

// signInWithPasskey asks the browser for any passkey of the console
// (discoverable: no email typed) and signs in with it.
export async function signInWithPasskey() {
  const o = await post('/account/sessions/passkey/options');
  const cred = await navigator.credentials.get({ publicKey: requestOptions(o.publicKey) });
  if (!cred) throw new Error('The browser returned no passkey.');
  return post('/account/sessions/passkey', { credential: credentialJSON(cred) });
}

async function addPasskey(name) {
  const o = await post('/account/passkeys/registration');
  const cred = await navigator.credentials.create({ publicKey: creationOptions(o.publicKey) });
  if (!cred) throw new Error('The browser made no passkey.');
  return put('/account/passkeys/registration', { name, credential: credentialJSON(cred) });
}

// passkeysSection is the account page's Passkeys: add one with a name,
// list, rename, delete. reload redraws the page.
export async function passkeysSection(reload) {
  const list = await get('/account/passkeys');
  const add = supported()
    ? form('Add a passkey', [field('Name of the new passkey', { name: 'name', required: true, maxlength: 128, placeholder: 'Laptop' })],
      'Add passkey', async (v) => {
        await addPasskey(v.name.trim());
        say('Passkey added.');
        await reload();
      }, { id: 'passkey-add' })
    : h('p', {}, 'This browser cannot make passkeys.');
  return h('section', { id: 'passkeys' }, h('h3', {}, 'Passkeys'),
    h('p', {}, 'A passkey signs you in on its own, without your password.'),
    table('Your passkeys', ['Name', 'Added', 'Last used', 'Rename', ''], list.passkeys.map((p) => [
      p.name,
      when(p.$createdAt),
      when(p.lastUsedAt),
      form('', [field('New name of passkey ' + p.name, { name: 'name', required: true, maxlength: 128, value: p.name })], 'Rename',
        async (v) => {
          await patch('/account/passkeys/' + p.$id, { name: v.name.trim() });
          say('Passkey renamed.');
          await reload();
        }, { class: 'inline' }),
      button('Delete', async () => {
        await del('/account/passkeys/' + p.$id);
        say('Passkey deleted.');
        await reload();
      }, { 'aria-label': 'Delete passkey ' + p.name }),
    ])),
    add);
}
