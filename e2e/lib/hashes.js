'use strict';
// Password hashes made in Node, for the Users API's import routes. Each
// returns what the matching node-appwrite create*User call needs.

const crypto = require('node:crypto');
const bcrypt = require('bcryptjs');

/** bcryptHash is a $2b$ string at a low cost (the cost is in the string). */
function bcryptHash(password) {
  return bcrypt.hashSync(password, 6);
}

function md5Hash(password) {
  return crypto.createHash('md5').update(password).digest('hex');
}

// Appwrite's passwordVersion names → node:crypto's.
const shaNames = {
  sha1: 'sha1',
  sha224: 'sha224',
  sha256: 'sha256',
  sha384: 'sha384',
  'sha512/224': 'sha512-224',
  'sha512/256': 'sha512-256',
  sha512: 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

/** shaHash is the lowercase hex digest of password with Appwrite's version name. */
function shaHash(password, version = 'sha256') {
  return crypto.createHash(shaNames[version]).update(password).digest('hex');
}

/**
 * scryptHash is php-scrypt's scrypt(password, salt, N=cpu, r=memory,
 * p=parallel, length) as hex; the salt is used as the raw string given.
 */
function scryptHash(password, { salt, cpu = 8, memory = 14, parallel = 1, length = 64 }) {
  return crypto.scryptSync(password, Buffer.from(salt, 'utf8'), length, { N: cpu, r: memory, p: parallel }).toString('hex');
}

/**
 * firebaseScryptHash is Firebase's modified scrypt: key = scrypt(password,
 * salt ‖ separator, N=2^14, r=8, p=1, 64 bytes); hash = AES-256-CTR of the
 * signer key with key[0:32] and a zero IV. Every value is base64.
 */
function firebaseScryptHash(password, { salt, saltSeparator, signerKey }) {
  const key = crypto.scryptSync(password,
    Buffer.concat([Buffer.from(salt, 'base64'), Buffer.from(saltSeparator, 'base64')]),
    64, { N: 16384, r: 8, p: 1, maxmem: 64 << 20 });
  const cipher = crypto.createCipheriv('aes-256-ctr', key.subarray(0, 32), Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.from(signerKey, 'base64')), cipher.final()]).toString('base64');
}

/**
 * argon2idHash is a PHC string made with @noble/hashes' pure-JS argon2id
 * (ESM only, so imported dynamically); small parameters keep it fast, and
 * the verifier reads them from the string.
 */
async function argon2idHash(password, { m = 4096, t = 2, p = 1 } = {}) {
  const { argon2idAsync } = await import('@noble/hashes/argon2.js');
  const salt = crypto.randomBytes(16);
  const out = await argon2idAsync(password, salt, { m, t, p, dkLen: 32 });
  const b64 = (b) => Buffer.from(b).toString('base64').replace(/=+$/, '');
  return `$argon2id$v=19$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(out)}`;
}

/** The phpass project's own test vector (test.php): password test12345. */
const phpassVector = { hash: '$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0', password: 'test12345' };

module.exports = {
  bcryptHash, md5Hash, shaHash, scryptHash, firebaseScryptHash, argon2idHash, phpassVector,
};
