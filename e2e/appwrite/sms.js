'use strict';
// A stand-in Twilio inside the test process, in the place of the request
// catcher that Appwrite's mock SMS provider posts to. The server sends its
// texts here through its real Twilio sender (GATEHOUSE_SMS_URL with
// insecure=1 on loopback); every request is kept in the shape the
// catcher's __last_request__ has: { method, headers, data, time }, data
// being { from, to, message }.

const http = require('node:http');

const SID = 'ACe2e0000000000000000000000000000';
const TOKEN = 'e2e-twilio-token';
const FROM = '+123456789';

async function startTextServer() {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const auth = Buffer.from((req.headers.authorization || '').replace(/^Basic /, ''), 'base64').toString();
      requests.push({
        method: req.method,
        url: req.url,
        headers: { ...req.headers },
        auth,
        data: { from: form.get('From'), to: form.get('To'), message: form.get('Body') },
        time: new Date().toISOString(),
      });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ sid: `SM${requests.length}`, status: 'queued' }));
    });
  });
  const port = await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
  return {
    port,
    from: FROM,
    sid: SID,
    token: TOKEN,
    url: `twilio://${SID}:${TOKEN}@127.0.0.1:${port}?from=${encodeURIComponent(FROM)}&insecure=1`,
    requests,
    last: () => requests[requests.length - 1],
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

module.exports = { startTextServer };
