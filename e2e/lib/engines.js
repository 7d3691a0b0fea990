'use strict';
// The database engines every test runs against: SQLite always, PostgreSQL
// when GATEHOUSE_TEST_POSTGRES holds a DSN (each run gets a schema of its
// own, selected with search_path and dropped afterwards).

const crypto = require('node:crypto');
const path = require('node:path');
const { tempDir } = require('./server');

const EnvPostgres = 'GATEHOUSE_TEST_POSTGRES';

const sqlite = {
  name: 'sqlite',
  async create() {
    const file = path.join(tempDir('sqlite-'), 'gatehouse.db');
    return { url: `sqlite:${file}`, async drop() {} };
  },
};

const postgres = {
  name: 'postgres',
  async create() {
    const { Client } = require('pg');
    const base = process.env[EnvPostgres];
    const schema = `e2e_${crypto.randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
    } finally {
      await admin.end();
    }
    const u = new URL(base);
    u.searchParams.set('search_path', schema);
    return {
      url: u.toString(),
      schema,
      async drop() {
        const c = new Client({ connectionString: base });
        await c.connect();
        try {
          await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await c.end();
        }
      },
    };
  },
};

/** engines lists the engines of this run. */
function engines() {
  const out = [sqlite];
  if (process.env[EnvPostgres]) out.push(postgres);
  return out;
}

module.exports = { engines, EnvPostgres };
