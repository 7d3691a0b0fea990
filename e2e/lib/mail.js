'use strict';
// A real SMTP server inside the test process (the `smtp-server` package)
// on 127.0.0.1 with a random port, for the server's GATEHOUSE_SMTP_URL.
// Every message is parsed with `mailparser` and kept in a mailbox that
// tests read with bounded waits, per recipient.

const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

const SENDER = 'noreply@gatehouse.test';

/**
 * startMailServer listens on 127.0.0.1:0 without TLS (no STARTTLS is
 * offered, so the Go mailer talks plain SMTP on loopback) and with AUTH
 * optional. It resolves to { url, port, messages, waitFor(), close() }.
 */
async function startMailServer() {
  const messages = [];
  const waiters = new Set();
  const errors = [];

  const deliver = (msg) => {
    messages.push(msg);
    for (const w of [...waiters]) {
      if (w.match(msg)) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(msg);
      }
    }
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    logger: false,
    size: 1 << 20,
    onData(stream, session, callback) {
      simpleParser(stream).then((parsed) => {
        deliver({
          id: String(messages.length + 1),
          envelopeFrom: session.envelope.mailFrom && session.envelope.mailFrom.address,
          envelopeTo: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: parsed.from ? parsed.from.value.map((v) => v.address) : [],
          to: parsed.to ? [].concat(parsed.to).flatMap((t) => t.value.map((v) => v.address.toLowerCase())) : [],
          // maildev's shape, for the Appwrite port: addresses with names.
          toNamed: parsed.to ? [].concat(parsed.to).flatMap((t) => t.value.map((v) => ({ address: v.address, name: v.name }))) : [],
          fromNamed: parsed.from ? parsed.from.value.map((v) => ({ address: v.address, name: v.name })) : [],
          subject: parsed.subject || '',
          text: parsed.text || '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          at: Date.now(),
        });
        callback();
      }, (err) => {
        errors.push(err);
        callback(err);
      });
    },
  });
  server.on('error', (err) => errors.push(err));

  const port = await new Promise((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.server.address().port));
  });

  return {
    port,
    url: `smtp://127.0.0.1:${port}?senderEmail=${encodeURIComponent(SENDER)}`,
    sender: SENDER,
    messages,
    errors,

    /**
     * waitFor resolves to the oldest message to `to` (an address) that
     * satisfies filter and no earlier waitFor returned, or rejects after
     * timeoutMs.
     */
    waitFor(to, { filter = () => true, timeoutMs = 10000 } = {}) {
      const addr = to.toLowerCase();
      const match = (m) => m.envelopeTo.includes(addr) && !m.taken && filter(m);
      const take = (m) => { m.taken = true; return m; };
      const found = messages.find(match);
      if (found) return Promise.resolve(take(found));
      return new Promise((resolve, reject) => {
        const w = {
          match,
          resolve: (m) => resolve(take(m)),
          timer: setTimeout(() => {
            waiters.delete(w);
            const seen = messages.filter((m) => m.envelopeTo.includes(addr)).map((m) => m.subject);
            reject(new Error(`no mail to ${to} within ${timeoutMs} ms (mails to it: ${JSON.stringify(seen)}; smtp errors: ${errors.map(String).join('; ') || 'none'})`));
          }, timeoutMs),
        };
        waiters.add(w);
      });
    },

    /** count is how many messages went to an address so far. */
    count(to) {
      const addr = to.toLowerCase();
      return messages.filter((m) => m.envelopeTo.includes(addr)).length;
    },

    /** close stops listening and ends open connections. */
    close() {
      for (const w of waiters) clearTimeout(w.timer);
      waiters.clear();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** otpOf reads the 6-digit code out of a sign-in code mail. */
function otpOf(msg) {
  // The code stands alone on its line in the text part.
  const m = msg.text.match(/^\s*(\d{6})\s*$/m);
  if (!m) throw new Error(`no 6-digit code in mail "${msg.subject}":\n${msg.text}`);
  return m[1];
}

/** linkOf reads the first link starting with prefix out of a mail's text. */
function linkOf(msg, prefix) {
  const re = new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\s<>"]*`);
  const m = msg.text.match(re);
  if (!m) throw new Error(`no link ${prefix}… in mail "${msg.subject}":\n${msg.text}`);
  return new URL(m[0]);
}

module.exports = { startMailServer, otpOf, linkOf };
