'use strict';
// The Locale service through the official web SDK (appwrite 27), and the
// country GeoIP puts on sessions and logs. The server reads the test
// GeoIP database of lib/server.js geoipDatabase(); the SDK runs on
// loopback, a trusted proxy, so X-Forwarded-For names the client's
// address: 203.0.113.0/24 is Germany, 198.51.100.0/24 France.

const assert = require('node:assert/strict');
const { describe, test, before } = require('node:test');
const { web, webClient, newProject, email, plain } = require('../lib/sdk');

const GERMANY = '203.0.113.9';
const FRANCE = '198.51.100.23';

module.exports = function localeSuite(env) {
  describe('web SDK Locale and GeoIP', () => {
    const target = web.find((t) => t.version.startsWith('27.'));
    let server;
    let project;

    // locale is a Locale service of a fresh web client, sending from ip
    // in the language loc.
    function locale(ip, loc) {
      const account = webClient(target, server, project.$id);
      if (ip) account.client.headers['X-Forwarded-For'] = ip;
      if (loc) account.client.setLocale(loc);
      return new target.sdk.Locale(account.client);
    }

    before(async () => {
      server = env.server;
      project = await newProject(server, 'locale');
    });

    test('get() names the caller\'s country, continent, EU membership and currency', async () => {
      assert.deepEqual(plain(await locale(GERMANY).get()), {
        ip: GERMANY, countryCode: 'DE', country: 'Germany', continentCode: 'EU', continent: 'Europe', eu: true, currency: 'EUR',
      });
      const es = plain(await locale(GERMANY, 'es').get());
      assert.equal(es.country, 'Alemania');
      assert.equal(es.continent, 'Europa');
      assert.deepEqual(plain(await locale('2001:db8:2::1').get()), {
        ip: '2001:db8:2::1', countryCode: 'BR', country: 'Brazil', continentCode: 'SA', continent: 'South America', eu: false, currency: 'BRL',
      });
      const loopback = plain(await locale().get());
      assert.equal(loopback.ip, '127.0.0.1');
      assert.equal(loopback.countryCode, '--');
      assert.equal(loopback.country, 'Unknown');
      assert.equal(loopback.eu, false);
    });

    test('the lists, in English and in Spanish', async () => {
      const en = locale();
      const es = locale(null, 'es');

      const countries = plain(await en.listCountries());
      assert.equal(countries.total, countries.countries.length);
      assert.ok(countries.total >= 240, `${countries.total} countries`);
      assert.deepEqual(countries.countries[0], { name: 'Afghanistan', code: 'AF' });
      assert.deepEqual(plain(await es.listCountries()).countries[0], { name: 'Afganistán', code: 'AF' });

      const eu = plain(await en.listCountriesEU());
      assert.equal(eu.total, 27);
      assert.deepEqual(eu.countries[0], { name: 'Austria', code: 'AT' });
      assert.deepEqual(plain(await es.listCountriesEU()).countries[0], { name: 'Alemania', code: 'DE' });

      const phones = plain(await en.listCountriesPhones());
      assert.equal(phones.total, phones.phones.length);
      assert.equal(phones.phones[0].code, '+1');
      assert.deepEqual(phones.phones.find((p) => p.countryCode === 'DE'), { code: '+49', countryCode: 'DE', countryName: 'Germany' });

      const continents = plain(await en.listContinents());
      assert.equal(continents.total, 7);
      assert.deepEqual(continents.continents[0], { name: 'Africa', code: 'AF' });
      assert.deepEqual(plain(await es.listContinents()).continents[0], { name: 'América del Norte', code: 'NA' });

      const currencies = plain(await en.listCurrencies());
      assert.equal(currencies.total, currencies.currencies.length);
      assert.deepEqual(currencies.currencies.find((c) => c.code === 'USD'), {
        symbol: '$', name: 'US Dollar', symbolNative: '$', decimalDigits: 2, rounding: 0, code: 'USD', namePlural: 'US dollars',
      });

      const languages = plain(await en.listLanguages());
      assert.equal(languages.total, languages.languages.length);
      assert.deepEqual(languages.languages[0], { name: 'Afar', code: 'aa', nativeName: 'Afar' });
      assert.deepEqual(languages.languages.at(-1), { name: 'Zulu', code: 'zu', nativeName: 'isiZulu' });

      const codes = plain(await en.listCodes());
      assert.equal(codes.total, codes.localeCodes.length);
      assert.deepEqual(codes.localeCodes.find((c) => c.code === 'es'), { code: 'es', name: 'Spanish' });
    });

    test('a session and its log entry carry the country of the address', async () => {
      const account = webClient(target, server, project.$id);
      account.client.headers['X-Forwarded-For'] = FRANCE;
      const mail = email('geo');
      await account.call('create', { userId: target.sdk.ID.unique(), email: mail, password: 'correct horse battery' });
      const session = plain(await account.call('createEmailPasswordSession', { email: mail, password: 'correct horse battery' }));
      assert.equal(session.ip, FRANCE);
      assert.equal(session.countryCode, 'fr');
      assert.equal(session.countryName, 'France');

      account.client.setLocale('de');
      const listed = plain(await account.call('listSessions'));
      assert.equal(listed.sessions[0].countryCode, 'fr');
      assert.equal(listed.sessions[0].countryName, 'Frankreich');

      const logs = plain(await account.call('listLogs'));
      const created = logs.logs.find((l) => l.event === 'session.create');
      assert.ok(created, JSON.stringify(logs));
      assert.equal(created.countryCode, 'fr');
      assert.equal(created.countryName, 'Frankreich');
    });
  });
};
