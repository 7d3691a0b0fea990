#!/usr/bin/env node
// A tiny static server for the example page, with no dependencies of its
// own: it serves the page's three files and, as /appwrite.js, the browser
// build of the official appwrite web SDK (dist/iife/sdk.js) from the npm
// package installed beside it. No bundler, no copy of the SDK in the repo.
//
//   node serve.js [--port 5173] [--host 127.0.0.1] [--endpoint URL] [--project ID]
//
// The end-to-end test uses createServer() with the SDK file of its own
// node_modules.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const pageFiles = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

/** sdkBrowserBuild finds dist/iife/sdk.js of the appwrite package installed here. */
function sdkBrowserBuild(from = __dirname) {
  // The package's "exports" hide dist/, but its package.json is public.
  const pkg = require.resolve('appwrite/package.json', { paths: [from] });
  return path.join(path.dirname(pkg), 'dist', 'iife', 'sdk.js');
}

/**
 * createServer answers GET and HEAD for the page's files and the SDK; any
 * other path is 404. sdkFile defaults to the SDK installed beside this file.
 */
function createServer({ sdkFile } = {}) {
  const files = { ...pageFiles };
  files['/appwrite.js'] = [sdkFile || sdkBrowserBuild(), 'text/javascript; charset=utf-8'];
  return http.createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://page.invalid');
    const entry = files[pathname];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (!entry) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const [file, type] = entry;
    fs.readFile(path.resolve(__dirname, file), (err, body) => {
      if (err) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${err.message}\n`);
        return;
      }
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store', 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
}

function args(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`unknown argument ${argv[i]}`);
    out[m[1]] = m[2] !== undefined ? m[2] : argv[(i += 1)];
  }
  return out;
}

if (require.main === module) {
  const opt = args(process.argv.slice(2));
  const host = opt.host || '127.0.0.1';
  const port = Number(opt.port || 5173);
  let sdkFile;
  try {
    sdkFile = sdkBrowserBuild();
    fs.accessSync(sdkFile);
  } catch {
    console.error('The appwrite package is not installed here: run `npm install` in this folder first.');
    process.exit(1);
  }
  const server = createServer({ sdkFile });
  server.listen(port, host, () => {
    const { port: bound } = server.address();
    const q = new URLSearchParams({
      endpoint: opt.endpoint || 'http://localhost:8080/v1',
      ...(opt.project ? { project: opt.project } : {}),
    });
    console.log(`serving the example on http://localhost:${bound}/?${q}`);
  });
}

module.exports = { createServer, sdkBrowserBuild };
