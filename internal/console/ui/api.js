// The console's one way to the server: the public API, with the browser's
// console session cookie. Projects calls name the console project; Users
// API calls name the project and X-Appwrite-Mode: admin.

export class ApiError extends Error {
  constructor(body, status) {
    super(body.message || 'HTTP ' + status);
    this.type = body.type || '';
    this.code = status;
  }
}

// Stale is thrown by a read answered after the console moved on to another
// screen (a visit to a route), so a slow screen never covers the one the
// administrator went to. Whoever renders drops it silently.
export class Stale extends Error {}

let screen = 0;

// nextScreen starts a new screen: reads begun before it become stale.
export function nextScreen() {
  screen++;
}

// call sends a request; project, when given, is a project whose Users API
// the console uses in admin mode.
export async function call(method, path, body, project) {
  const at = screen;
  const headers = { 'X-Appwrite-Project': project || 'console', 'X-Appwrite-Response-Format': '1.8.0' };
  if (project) headers['X-Appwrite-Mode'] = 'admin';
  const init = { method, headers, credentials: 'include' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch('/v1' + path, init);
  if (res.status === 204) return null;
  const data = await res.json().catch(() => ({}));
  if (method === 'GET' && at !== screen) throw new Stale('answered after the console moved on');
  if (!res.ok) throw new ApiError(data, res.status);
  return data;
}

// q builds the query string of Appwrite queries and other parameters.
export function q(queries = [], params = {}) {
  const u = new URLSearchParams();
  for (const x of queries) u.append('queries[]', JSON.stringify(x));
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined) u.append(k, v);
  const s = u.toString();
  return s ? '?' + s : '';
}

export const get = (path, project) => call('GET', path, undefined, project);
export const post = (path, body, project) => call('POST', path, body || {}, project);
export const patch = (path, body, project) => call('PATCH', path, body || {}, project);
export const put = (path, body, project) => call('PUT', path, body || {}, project);
export const del = (path, project) => call('DELETE', path, undefined, project);
