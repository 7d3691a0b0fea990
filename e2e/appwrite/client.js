'use strict';
// The HTTP client of Appwrite's e2e tests (tests/e2e/Client.php at 1.8.1),
// rebuilt on node:http so the port sends what those tests send:
//
//   - default headers `x-sdk-version: appwrite:php:v1.0.7` and an empty
//     `content-type`; addHeader() lowercases name and value;
//   - curl's User-Agent of the PHP client (a Chrome 70 string) unless a
//     test sets `user-agent`, and curl's `Accept: */*`;
//   - a header whose value is empty is not sent (curl drops `name: `), so
//     an empty content-type means a form-encoded body with no type at all;
//   - bodies: `application/json` is JSON, `multipart/form-data` a flattened
//     multipart form, `text/plain` the string itself, anything else PHP's
//     http_build_query; GET parameters go to the query string the same way;
//   - redirects followed by default (curl's FOLLOWLOCATION), headers and
//     cookies gathered over every hop as curl's header callback does;
//   - the answer is { headers, cookies, body }: header names lowercased,
//     the last of a name winning, `status-code` added; cookies by name, the
//     value URL-decoded (PHP parse_str); a JSON body decoded.

const http = require('node:http');
const https = require('node:https');
const zlib = require('node:zlib');

const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36';
const TIMEOUT_MS = 15000;

/**
 * phpEncode is PHP's urlencode: RFC 1738, spaces as "+", and every byte
 * outside [A-Za-z0-9_.-] percent-encoded.
 */
function phpEncode(s) {
  return encodeURIComponent(s)
    .replace(/[!'()*~]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .replace(/%20/g, '+');
}

function scalar(v) {
  if (v === true) return '1';
  if (v === false) return '0';
  return String(v);
}

/**
 * httpBuildQuery is PHP's http_build_query: nested arrays and objects as
 * key[0]=… / key[sub]=… with the brackets encoded, booleans as 1 and 0,
 * nulls left out.
 */
function httpBuildQuery(params, prefix = '') {
  const out = [];
  const entries = Array.isArray(params) ? params.map((v, i) => [String(i), v]) : Object.entries(params || {});
  for (const [k, v] of entries) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') {
      const inner = httpBuildQuery(v, key);
      if (inner) out.push(inner);
      continue;
    }
    out.push(`${phpEncode(key)}=${phpEncode(scalar(v))}`);
  }
  return out.join('&');
}

/** flatten is Client::flatten: nested keys as key[sub] for multipart. */
function flatten(data, prefix = '') {
  const out = {};
  const entries = Array.isArray(data) ? data.map((v, i) => [String(i), v]) : Object.entries(data || {});
  for (const [k, v] of entries) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === 'object') Object.assign(out, flatten(v, key));
    else out[key] = v;
  }
  return out;
}

function multipart(fields) {
  const boundary = '------------------------' + Math.random().toString(16).slice(2, 18);
  const parts = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === null || v === undefined) continue;
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${scalar(v)}\r\n`);
  }
  parts.push(`--${boundary}--\r\n`);
  return { body: parts.join(''), type: `multipart/form-data; boundary=${boundary}` };
}

/** urldecode is PHP's urldecode: "+" is a space, bad escapes stay as they are. */
function urldecode(s) {
  return s.replace(/\+/g, ' ').replace(/(%[0-9a-fA-F]{2})+/g, (m) => {
    try { return decodeURIComponent(m); } catch { return m; }
  });
}

/**
 * parseCookie is Client::parseCookie: a Set-Cookie value read with PHP's
 * parse_str after "&" and "+" are escaped and ";" made the separator. Only
 * the first pair (the cookie itself) matters to the tests.
 */
function parseCookie(header) {
  const first = header.split(';')[0];
  const eq = first.indexOf('=');
  const rawName = eq < 0 ? first : first.slice(0, eq);
  const rawValue = eq < 0 ? '' : first.slice(eq + 1);
  // parse_str turns spaces and dots in names into underscores, after
  // dropping leading spaces.
  const name = urldecode(rawName).replace(/^ +/, '').replace(/[ .]/g, '_');
  return { [name]: urldecode(rawValue) };
}

function decompress(buf, encoding) {
  switch ((encoding || '').toLowerCase()) {
    case 'gzip': return zlib.gunzipSync(buf);
    case 'deflate': return zlib.inflateSync(buf);
    case 'br': return zlib.brotliDecompressSync(buf);
    default: return buf;
  }
}

function once(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} took more than ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

class Client {
  constructor() {
    this.endpoint = 'https://appwrite.test/v1';
    this.headers = {
      'content-type': '',
      'x-sdk-version': 'appwrite:php:v1.0.7',
    };
  }

  setProject(value) { return this.addHeader('X-Appwrite-Project', value); }
  setKey(value) { return this.addHeader('X-Appwrite-Key', value); }
  setLocale(value) { return this.addHeader('X-Appwrite-Locale', value); }
  setMode(value) { return this.addHeader('X-Appwrite-Mode', value); }
  setResponseFormat(value) { return this.addHeader('X-Appwrite-Response-Format', value); }
  setEndpoint(endpoint) { this.endpoint = endpoint; return this; }
  getEndpoint() { return this.endpoint; }

  addHeader(key, value) {
    this.headers[key.toLowerCase()] = String(value).toLowerCase();
    return this;
  }

  /**
   * call is Client::call(method, path, headers, params, decode,
   * followRedirects).
   */
  async call(method, path = '', headers = {}, params = {}, decode = true, followRedirects = true) {
    const merged = { ...this.headers };
    for (const [k, v] of Object.entries(headers)) merged[k.toLowerCase()] = v;

    const hasParams = params !== null && params !== undefined &&
      (typeof params !== 'object' || Object.keys(params).length > 0);
    let target = this.endpoint + path;
    if (method === Client.METHOD_GET && hasParams) target += '?' + httpBuildQuery(params);

    let body;
    let contentType = merged['content-type'];
    switch (contentType) {
      case 'application/json':
        // json_encode of PHP's empty array is "[]", also for the calls
        // that pass no parameters at all.
        body = hasParams ? JSON.stringify(params) : '[]';
        break;
      case 'multipart/form-data': {
        const m = multipart(flatten(params));
        body = m.body;
        contentType = m.type;
        break;
      }
      case 'application/graphql':
        body = params[0];
        break;
      case 'text/plain':
        body = params;
        break;
      default:
        body = typeof params === 'string' ? params : httpBuildQuery(params);
    }

    const out = { 'user-agent': USER_AGENT, accept: '*/*' };
    let acceptEncoding = null;
    for (const [k, v] of Object.entries(merged)) {
      if (k === 'accept-encoding') { acceptEncoding = v; continue; }
      if (k === 'content-type') continue;
      if (v === '' || v === null || v === undefined) continue; // curl drops "name: "
      out[k] = String(v);
    }
    if (contentType) out['content-type'] = contentType;
    if (acceptEncoding !== null) out['accept-encoding'] = acceptEncoding === '' ? 'deflate, gzip, br' : acceptEncoding;

    const sendBody = method !== Client.METHOD_GET && method !== Client.METHOD_HEAD;
    const responseHeaders = {};
    const cookies = {};
    let url = new URL(target);
    let hopMethod = method;
    let hopBody = sendBody ? Buffer.from(body ?? '') : undefined;
    let result;
    for (let hop = 0; ; hop++) {
      const hopHeaders = { ...out };
      if (hopBody !== undefined) hopHeaders['content-length'] = String(hopBody.length);
      else delete hopHeaders['content-type'];
      result = await once(hopMethod, url, hopHeaders, hopBody);
      const raw = result.res.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) {
        const name = raw[i].toLowerCase();
        const value = raw[i + 1].trim();
        if (name === 'set-cookie') Object.assign(cookies, parseCookie(value));
        responseHeaders[name] = value;
      }
      const status = result.res.statusCode;
      const location = result.res.headers.location;
      if (!followRedirects || !location || ![301, 302, 303, 307, 308].includes(status) || hop >= 10) break;
      url = new URL(location, url);
      if (status === 303 || ((status === 301 || status === 302) && hopMethod === 'POST')) {
        hopMethod = 'GET';
        hopBody = undefined;
      }
    }

    const status = result.res.statusCode;
    let responseBody;
    if (method === Client.METHOD_HEAD) {
      responseBody = '';
    } else {
      const buf = acceptEncoding !== null ? decompress(result.body, result.res.headers['content-encoding']) : result.body;
      responseBody = buf.toString('utf8');
      const type = (responseHeaders['content-type'] || '').split(';')[0];
      if (decode && type === 'application/json') {
        try {
          responseBody = JSON.parse(responseBody);
        } catch {
          throw new Error(`Failed to parse response: ${responseBody}`);
        }
      }
    }
    responseHeaders['status-code'] = status;
    if (status === 500) {
      process.stderr.write(`Server error(${method}: ${path}. Params: ${JSON.stringify(params)}): ${JSON.stringify(responseBody)}\n`);
    }
    return { headers: responseHeaders, cookies, body: responseBody };
  }
}

Client.METHOD_GET = 'GET';
Client.METHOD_POST = 'POST';
Client.METHOD_PUT = 'PUT';
Client.METHOD_PATCH = 'PATCH';
Client.METHOD_DELETE = 'DELETE';
Client.METHOD_HEAD = 'HEAD';
Client.METHOD_OPTIONS = 'OPTIONS';

module.exports = { Client, httpBuildQuery, parseCookie, phpEncode, urldecode, USER_AGENT };
