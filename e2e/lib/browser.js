'use strict';
// A minimal stand-in for the browser globals the web SDK looks at.
//
// The compiled web SDK (dist/cjs/sdk.js of appwrite 18 and 27) does, on
// every request:
//   if (typeof window !== 'undefined' && window.localStorage)
//     send localStorage.getItem('cookieFallback') as X-Fallback-Cookies;
// and after every successful response that carries X-Fallback-Cookies:
//   window.console.warn(...); window.localStorage.setItem('cookieFallback', value)
// Node has no cookie jar for fetch, so this is the only way the SDK keeps a
// session, exactly as in a cross-site browser app.
//
// window.localStorage is resolved per request from an AsyncLocalStorage, so
// several "browsers" (each its own storage) can live in one process; a client
// not attached to a browser sees no localStorage and behaves like a server.

const { AsyncLocalStorage } = require('node:async_hooks');

const active = new AsyncLocalStorage();

class MemoryStorage {
  constructor() { this.items = new Map(); this.warnings = []; }
  get length() { return this.items.size; }
  key(i) { return [...this.items.keys()][i] ?? null; }
  getItem(k) { return this.items.has(String(k)) ? this.items.get(String(k)) : null; }
  setItem(k, v) { this.items.set(String(k), String(v)); }
  removeItem(k) { this.items.delete(String(k)); }
  clear() { this.items.clear(); }
}

function install() {
  if (globalThis.window) return;
  const quiet = {
    // The SDK warns on every fallback cookie; keep it with the storage.
    warn: (...args) => { const s = active.getStore(); if (s) s.warnings.push(args.join(' ')); },
    log: console.log,
    error: console.error,
  };
  const win = {};
  Object.defineProperty(win, 'localStorage', { get: () => active.getStore(), enumerable: true });
  Object.defineProperty(win, 'console', { value: quiet, enumerable: true });
  globalThis.window = win;
}

/**
 * attach makes every request of an SDK client run "in a browser" whose
 * localStorage is storage. It wraps the client's call method, which every
 * service and ping() go through.
 */
function attach(client, storage = new MemoryStorage()) {
  install();
  const call = client.call.bind(client);
  client.call = (...args) => active.run(storage, () => call(...args));
  client.browserStorage = storage;
  return storage;
}

module.exports = { MemoryStorage, attach, install };
