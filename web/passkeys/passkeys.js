// Gatehouse passkeys for the browser: a small ES module with no
// dependencies. It wraps navigator.credentials (base64url <-> ArrayBuffer)
// and calls Gatehouse's passkey routes through an Appwrite web SDK Client,
// so the requests carry the same project, session cookie, X-Fallback-Cookies
// or JWT as every other SDK call.
//
//   import { Passkeys } from 'https://api.example.com/v1/passkeys.js';
//   const passkeys = new Passkeys(client); // an Appwrite.Client, endpoint and project set
//   await passkeys.register({ name: 'Laptop' }); // signed in: add a passkey
//   await passkeys.signIn();                     // a guest: sign in with one
//
// The routes and their bodies are documented in docs/passkeys.md.

/** toBuffer decodes base64url (padded or not) to an ArrayBuffer. */
export function toBuffer(value) {
  const b64 = String(value).replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

/** toBase64url encodes an ArrayBuffer or typed array as unpadded base64url. */
export function toBase64url(buf) {
  const bytes = buf instanceof ArrayBuffer ? new Uint8Array(buf) : new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 1) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const descriptors = (list) => (list || []).map((d) => ({ ...d, id: toBuffer(d.id) }));

/** creationOptions turns the server's JSON options into what create() takes. */
export function creationOptions(publicKey) {
  return {
    ...publicKey,
    challenge: toBuffer(publicKey.challenge),
    user: { ...publicKey.user, id: toBuffer(publicKey.user.id) },
    excludeCredentials: descriptors(publicKey.excludeCredentials),
  };
}

/** requestOptions turns the server's JSON options into what get() takes. */
export function requestOptions(publicKey) {
  const out = { ...publicKey, challenge: toBuffer(publicKey.challenge) };
  if (publicKey.allowCredentials) out.allowCredentials = descriptors(publicKey.allowCredentials);
  return out;
}

/** credentialJSON is a PublicKeyCredential as the server reads it. */
export function credentialJSON(cred) {
  const r = cred.response;
  const response = { clientDataJSON: toBase64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toBase64url(r.attestationObject);
    if (typeof r.getTransports === 'function') response.transports = r.getTransports();
  } else {
    response.authenticatorData = toBase64url(r.authenticatorData);
    response.signature = toBase64url(r.signature);
    if (r.userHandle) response.userHandle = toBase64url(r.userHandle);
  }
  return {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    clientExtensionResults: typeof cred.getClientExtensionResults === 'function' ? cred.getClientExtensionResults() : {},
    response,
  };
}

/** Passkeys calls Gatehouse's passkey routes with an Appwrite web SDK Client. */
export class Passkeys {
  constructor(client, { credentials = globalThis.navigator && globalThis.navigator.credentials } = {}) {
    if (!client || typeof client.call !== 'function' || !client.config) {
      throw new TypeError('Passkeys needs an Appwrite Client (new Appwrite.Client().setEndpoint(...).setProject(...))');
    }
    this.client = client;
    this.credentials = credentials;
  }

  /** isSupported reports whether this browser can use passkeys at all. */
  static isSupported() {
    return typeof globalThis.PublicKeyCredential === 'function' && !!(globalThis.navigator && globalThis.navigator.credentials);
  }

  /** conditionalAvailable reports whether the browser offers passkeys in autofill. */
  static async conditionalAvailable() {
    const pkc = globalThis.PublicKeyCredential;
    return !!(pkc && typeof pkc.isConditionalMediationAvailable === 'function' && await pkc.isConditionalMediationAvailable());
  }

  call(method, path, params) {
    const headers = { 'content-type': 'application/json' };
    if (this.client.config.project) headers['X-Appwrite-Project'] = this.client.config.project;
    return this.client.call(method, new URL(this.client.config.endpoint + path), headers, params || {});
  }

  async create(publicKey) {
    const cred = await this.credentials.create({ publicKey: creationOptions(publicKey) });
    if (!cred) throw new Error('The browser made no passkey.');
    return credentialJSON(cred);
  }

  async get(publicKey, { mediation, signal } = {}) {
    const opts = { publicKey: requestOptions(publicKey) };
    if (mediation) opts.mediation = mediation;
    if (signal) opts.signal = signal;
    const cred = await this.credentials.get(opts);
    if (!cred) throw new Error('The browser returned no passkey.');
    return credentialJSON(cred);
  }

  /** register adds a passkey to the signed-in account; resolves to the Passkey. */
  async register({ name } = {}) {
    const options = await this.call('post', '/account/passkeys/registration');
    const credential = await this.create(options.publicKey);
    return this.call('put', '/account/passkeys/registration', name ? { name, credential } : { credential });
  }

  /** list resolves to { total, passkeys } of the signed-in account. */
  list() { return this.call('get', '/account/passkeys'); }

  rename(passkeyId, name) { return this.call('patch', `/account/passkeys/${encodeURIComponent(passkeyId)}`, { name }); }

  delete(passkeyId) { return this.call('delete', `/account/passkeys/${encodeURIComponent(passkeyId)}`); }

  /**
   * signIn signs a guest in with a passkey and resolves to the Session.
   * Without email the browser offers the passkeys it holds for the site;
   * mediation 'conditional' waits for the person to pick one in an input's
   * autofill (autocomplete="username webauthn"); pass an AbortSignal to
   * stop waiting.
   */
  async signIn({ email, mediation, signal } = {}) {
    const options = await this.call('post', '/account/sessions/passkey/options', email ? { email } : {});
    const credential = await this.get(options.publicKey, { mediation, signal });
    return this.call('post', '/account/sessions/passkey', { credential });
  }

  /** signUp makes an account whose way in is a new passkey; resolves to the Session. */
  async signUp({ userId, name, email, passkeyName } = {}) {
    const body = {};
    if (userId) body.userId = userId;
    if (name) body.name = name;
    if (email) body.email = email;
    const options = await this.call('post', '/account/passkeys/signup', body);
    const credential = await this.create(options.publicKey);
    return this.call('put', '/account/passkeys/signup', passkeyName ? { passkeyName, credential } : { credential });
  }

  /** verifyMfa completes the second factor with a passkey; resolves to the Session. */
  async verifyMfa() {
    const challenge = await this.call('post', '/account/mfa/challenge', { factor: 'passkey' });
    const credential = await this.get(challenge.publicKey);
    return this.call('put', '/account/mfa/challenge', { challengeId: challenge.$id, otp: JSON.stringify(credential) });
  }
}

export default Passkeys;
