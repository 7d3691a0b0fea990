'use strict';
// Headless Chromium for the example pages: Debian's `chromium` package,
// driven by playwright-core (which downloads no browser of its own here).

const fs = require('node:fs');
const path = require('node:path');
const { tempDir } = require('./server');

const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** outputDir is e2e/output (git-ignored), made on demand. */
const outputDir = path.resolve(__dirname, '..', 'output');

/**
 * missing says why no browser test can run, or null. Under CI a missing
 * browser is a failure, not a skip: .ci/run installs it.
 */
function missing() {
  try {
    fs.accessSync(executablePath, fs.constants.X_OK);
    return null;
  } catch {
    return `no Chromium at ${executablePath} (apt-get install chromium, or set CHROMIUM_PATH)`;
  }
}

/**
 * launch starts Chromium with a fresh profile of its own and resolves to a
 * playwright BrowserContext; close() it to stop the browser.
 * loopbackNames lists host names (wildcards allowed, e.g. '*.gatehouse.test')
 * that the browser resolves to 127.0.0.1, so a test can give the page and
 * the API names of one site while every request stays on loopback.
 */
async function launch({ loopbackNames = [] } = {}) {
  const { chromium } = require('playwright-core');
  const extra = loopbackNames.length
    ? [`--host-resolver-rules=${loopbackNames.map((n) => `MAP ${n} 127.0.0.1`).join(', ')}`]
    : [];
  return chromium.launchPersistentContext(tempDir('chromium-'), {
    executablePath,
    headless: true,
    args: [...args, ...extra],
    viewport: { width: 1100, height: 900 },
  });
}

module.exports = { launch, missing, outputDir, executablePath };
