'use strict';
// PHPUnit's assertions with PHP's meaning, so each ported assertion reads
// as Appwrite wrote it: assertEquals compares loosely (201 == "201",
// arrays key by key), assertEmpty is PHP's empty() (null, false, 0, "",
// "0", an empty array or object), an "array" is a JSON array or object
// (json_decode(..., true) makes both arrays). Also the helpers the tests
// use from PHP and Utopia: ID::unique(), Query, the Datetime validator and
// DateTime::createFromFormat('Y-m-d\TH:i:s.uP').

const crypto = require('node:crypto');
const { inspect } = require('node:util');

class AssertionFailed extends Error {}

function show(v) {
  return inspect(v, { depth: 6, breakLength: 120 });
}

function fail(message, detail) {
  throw new AssertionFailed(message ? `${message}\n${detail}` : detail);
}

function isArrayLike(v) {
  return v !== null && typeof v === 'object';
}

function count(v) {
  if (Array.isArray(v)) return v.length;
  if (isArrayLike(v)) return Object.keys(v).length;
  throw new AssertionFailed(`count() of a non-array: ${show(v)}`);
}

// phpLooseScalar is PHP 8's == on scalars.
function phpLooseScalar(a, b) {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined || b === false || b === '' || b === 0 || (isArrayLike(b) && count(b) === 0);
  if (b === null || b === undefined) return phpLooseScalar(b, a);
  if (typeof a === 'boolean' || typeof b === 'boolean') return toBool(a) === toBool(b);
  if (typeof a === 'number' && typeof b === 'string') return numericString(b) ? a === Number(b) : String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return phpLooseScalar(b, a);
  if (typeof a === 'string' && typeof b === 'string') {
    if (numericString(a) && numericString(b)) return Number(a) === Number(b);
    return false;
  }
  return false;
}

function toBool(v) {
  if (isArrayLike(v)) return count(v) > 0;
  return !(v === null || v === undefined || v === false || v === 0 || v === '' || v === '0');
}

function numericString(s) {
  return typeof s === 'string' && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/.test(s);
}

// looseEqual is PHPUnit's assertEquals comparison: arrays compared key by
// key (so a list's order matters, an object's key order does not).
function looseEqual(a, b) {
  if (isArrayLike(a) && isArrayLike(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && looseEqual(a[k], b[k]));
  }
  if (isArrayLike(a) || isArrayLike(b)) return false;
  return phpLooseScalar(a, b);
}

function strictEqual(a, b) {
  if (isArrayLike(a) && isArrayLike(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
    return ka.every((k) => strictEqual(a[k], b[k]));
  }
  return a === b;
}

function empty(v) {
  if (v === undefined || v === null || v === false || v === 0 || v === '' || v === '0') return true;
  if (isArrayLike(v)) return count(v) === 0;
  return false;
}

const assert = {
  assertEquals(expected, actual, message) {
    if (!looseEqual(expected, actual)) fail(message, `Failed asserting that ${show(actual)} matches expected ${show(expected)}.`);
  },
  assertNotEquals(expected, actual, message) {
    if (looseEqual(expected, actual)) fail(message, `Failed asserting that ${show(actual)} is not equal to ${show(expected)}.`);
  },
  assertSame(expected, actual, message) {
    if (!strictEqual(expected, actual)) fail(message, `Failed asserting that ${show(actual)} is identical to ${show(expected)}.`);
  },
  assertNotSame(expected, actual, message) {
    if (strictEqual(expected, actual)) fail(message, `Failed asserting that ${show(actual)} is not identical to ${show(expected)}.`);
  },
  assertEmpty(actual, message) {
    if (!empty(actual)) fail(message, `Failed asserting that ${show(actual)} is empty.`);
  },
  assertNotEmpty(actual, message) {
    if (empty(actual)) fail(message, `Failed asserting that ${show(actual)} is not empty.`);
  },
  assertTrue(actual, message) {
    if (actual !== true) fail(message, `Failed asserting that ${show(actual)} is true.`);
  },
  assertFalse(actual, message) {
    if (actual !== false) fail(message, `Failed asserting that ${show(actual)} is false.`);
  },
  assertNotFalse(actual, message) {
    if (actual === false) fail(message, 'Failed asserting that false is not false.');
  },
  assertNull(actual, message) {
    if (actual !== null && actual !== undefined) fail(message, `Failed asserting that ${show(actual)} is null.`);
  },
  assertNotNull(actual, message) {
    if (actual === null || actual === undefined) fail(message, 'Failed asserting that null is not null.');
  },
  assertIsArray(actual, message) {
    if (!isArrayLike(actual)) fail(message, `Failed asserting that ${show(actual)} is of type array.`);
  },
  assertIsString(actual, message) {
    if (typeof actual !== 'string') fail(message, `Failed asserting that ${show(actual)} is of type string.`);
  },
  assertIsInt(actual, message) {
    if (!Number.isInteger(actual)) fail(message, `Failed asserting that ${show(actual)} is of type int.`);
  },
  assertIsBool(actual, message) {
    if (typeof actual !== 'boolean') fail(message, `Failed asserting that ${show(actual)} is of type bool.`);
  },
  assertIsNumeric(actual, message) {
    if (!(typeof actual === 'number' && Number.isFinite(actual)) && !numericString(actual)) fail(message, `Failed asserting that ${show(actual)} is numeric.`);
  },
  assertCount(expected, actual, message) {
    const n = count(actual);
    if (n !== expected) fail(message, `Failed asserting that actual size ${n} matches expected size ${expected}: ${show(actual)}`);
  },
  assertArrayHasKey(key, actual, message) {
    if (!isArrayLike(actual) || !Object.prototype.hasOwnProperty.call(actual, key)) fail(message, `Failed asserting that an array has the key ${show(key)}: ${show(actual)}`);
  },
  assertArrayNotHasKey(key, actual, message) {
    if (isArrayLike(actual) && Object.prototype.hasOwnProperty.call(actual, key)) fail(message, `Failed asserting that an array does not have the key ${show(key)}.`);
  },
  assertContains(needle, haystack, message) {
    const values = Array.isArray(haystack) ? haystack : Object.values(haystack || {});
    if (!values.some((v) => strictEqual(v, needle))) fail(message, `Failed asserting that ${show(haystack)} contains ${show(needle)}.`);
  },
  assertNotContains(needle, haystack, message) {
    const values = Array.isArray(haystack) ? haystack : Object.values(haystack || {});
    if (values.some((v) => strictEqual(v, needle))) fail(message, `Failed asserting that ${show(haystack)} does not contain ${show(needle)}.`);
  },
  assertGreaterThan(expected, actual, message) {
    if (!(actual > expected)) fail(message, `Failed asserting that ${show(actual)} is greater than ${show(expected)}.`);
  },
  assertGreaterThanOrEqual(expected, actual, message) {
    if (!(actual >= expected)) fail(message, `Failed asserting that ${show(actual)} is equal to ${show(expected)} or greater.`);
  },
  assertLessThan(expected, actual, message) {
    if (!(actual < expected)) fail(message, `Failed asserting that ${show(actual)} is less than ${show(expected)}.`);
  },
  assertLessThanOrEqual(expected, actual, message) {
    if (!(actual <= expected)) fail(message, `Failed asserting that ${show(actual)} is equal to ${show(expected)} or less.`);
  },
  assertStringContainsString(needle, haystack, message) {
    if (typeof haystack !== 'string' || !haystack.includes(needle)) fail(message, `Failed asserting that ${show(haystack)} contains ${show(needle)}.`);
  },
  assertStringNotContainsString(needle, haystack, message) {
    if (typeof haystack === 'string' && haystack.includes(needle)) fail(message, `Failed asserting that ${show(haystack)} does not contain ${show(needle)}.`);
  },
  assertStringContainsStringIgnoringCase(needle, haystack, message) {
    if (typeof haystack !== 'string' || !haystack.toLowerCase().includes(String(needle).toLowerCase())) fail(message, `Failed asserting that ${show(haystack)} contains ${show(needle)} (ignoring case).`);
  },
  assertStringNotContainsStringIgnoringCase(needle, haystack, message) {
    if (typeof haystack === 'string' && haystack.toLowerCase().includes(String(needle).toLowerCase())) fail(message, `Failed asserting that ${show(haystack)} does not contain ${show(needle)} (ignoring case).`);
  },
  assertStringStartsWith(prefix, actual, message) {
    if (typeof actual !== 'string' || !actual.startsWith(prefix)) fail(message, `Failed asserting that ${show(actual)} starts with ${show(prefix)}.`);
  },
  assertMatchesRegularExpression(re, actual, message) {
    if (typeof actual !== 'string' || !re.test(actual)) fail(message, `Failed asserting that ${show(actual)} matches ${re}.`);
  },
  /**
   * assertEventually retries probe until it stops throwing, for at most
   * timeoutMs, waiting waitMs between tries (Appwrite's Async trait).
   */
  async assertEventually(probe, timeoutMs = 10000, waitMs = 500) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await probe();
      } catch (err) {
        if (!(err instanceof AssertionFailed) || Date.now() + waitMs > deadline) throw err;
      }
      await new Promise((r) => setTimeout(r, waitMs));
    }
  },
};

/**
 * ID is Utopia's ID helper. unique() is PHP's uniqid() (13 hex digits of
 * the clock) and 7 random hex digits, 20 characters as Appwrite makes them.
 */
const ID = {
  unique(padding = 7) {
    const now = BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000)); // microseconds since 1970
    const sec = now / 1000000n;
    const usec = now % 1000000n;
    const uniqid = sec.toString(16).padStart(8, '0') + usec.toString(16).padStart(5, '0');
    return uniqid + crypto.randomBytes(padding).toString('hex').slice(0, padding);
  },
  custom(id) { return id; },
};

/**
 * Query builds Utopia's query strings: JSON with method, attribute (when
 * there is one) and values, as Query::toString() writes them.
 */
function q(method, attribute, values) {
  const o = { method };
  if (attribute) o.attribute = attribute;
  o.values = values;
  return { toString: () => JSON.stringify(o) };
}
const Query = {
  equal: (a, v) => q('equal', a, v),
  notEqual: (a, v) => q('notEqual', a, [v]),
  lessThan: (a, v) => q('lessThan', a, [v]),
  greaterThan: (a, v) => q('greaterThan', a, [v]),
  search: (a, v) => q('search', a, [v]),
  isNull: (a) => q('isNull', a, []),
  isNotNull: (a) => q('isNotNull', a, []),
  between: (a, s, e) => q('between', a, [s, e]),
  startsWith: (a, v) => q('startsWith', a, [v]),
  endsWith: (a, v) => q('endsWith', a, [v]),
  contains: (a, v) => q('contains', a, v),
  select: (attrs) => q('select', '', attrs),
  orderAsc: (a = '') => q('orderAsc', a, []),
  orderDesc: (a = '') => q('orderDesc', a, []),
  limit: (n) => q('limit', '', [n]),
  offset: (n) => q('offset', '', [n]),
  // A Document passed as a cursor is written as its $id.
  cursorAfter: (doc) => q('cursorAfter', '', [typeof doc === 'object' ? doc.$id : doc]),
  cursorBefore: (doc) => q('cursorBefore', '', [typeof doc === 'object' ? doc.$id : doc]),
};

/**
 * DatetimeValidator is Utopia's Datetime validator with its defaults: a
 * string PHP's DateTime can read, with a year from 0 to 9999.
 */
class DatetimeValidator {
  isValid(value) {
    if (typeof value !== 'string' || value === '') return false;
    const t = Date.parse(value);
    if (Number.isNaN(t)) return false;
    const year = new Date(t).getUTCFullYear();
    return year >= 0 && year <= 9999;
  }
}

/**
 * createFromFormat is \DateTime::createFromFormat('Y-m-d\TH:i:s.uP', s):
 * false unless s has exactly that shape (1 to 6 fraction digits, an offset
 * written +hh:mm).
 */
function createFromFormatYmdTHisuP(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{1,6}[+-]\d{2}:\d{2}$/.test(s)) return false;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? false : d;
}

module.exports = { assert, AssertionFailed, ID, Query, DatetimeValidator, createFromFormatYmdTHisuP, empty, looseEqual };
