'use strict';
// A self-signed certificate for https servers of the test process on
// loopback (localhost and 127.0.0.1), made once per run with the openssl
// command. Each Gatehouse server gets it as SSL_CERT_FILE (Go then reads
// that file instead of the system's CA file), so it can fetch a client ID metadata document from the test
// process over https (the MCP SDK only sends https URLs as client_id).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { tempDir } = require('./server');

let made;

/** loopbackTLS resolves to { certFile, keyFile, cert, key }, made once. */
function loopbackTLS() {
  if (!made) {
    const dir = tempDir('tls-');
    const certFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    made = { certFile, keyFile, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
  }
  return made;
}

module.exports = { loopbackTLS };
