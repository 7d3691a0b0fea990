// The app-hosted consent page of Gatehouse's OAuth2 server (Appwrite
// 2.0's flow): the issuer sends the browser here either with grant_id
// (the user is signed in: show the grant, approve or reject) or with the
// raw authorize parameters (sign the user in, then ask /authorize again
// with Accept: application/json). The appwrite 27 web SDK has no OAuth2
// service, so the OAuth2 routes go through its Client.call, which sends
// the user's session the way every other SDK call does.
//
// The page is served at /consent/<projectId>/; /consent/config.json
// names the API endpoint.

import { Client, Account } from '/sdk/appwrite.js';

const $ = (id) => document.getElementById(id);
const projectId = location.pathname.split('/')[2];
const query = new URLSearchParams(location.search);

let client;
let account;

const oauth2 = (path) => new URL(`${client.config.endpoint}/oauth2/${encodeURIComponent(projectId)}${path}`);
const json = { accept: 'application/json', 'content-type': 'application/json' };

function fail(err) {
  $('error').hidden = false;
  $('error').textContent = JSON.stringify({ message: err.message, code: err.code, type: err.type });
  document.body.dataset.ready = 'true';
}

// follow leaves for the client's redirect URI with the result.
function follow(redirectUrl) {
  document.body.dataset.leaving = 'true';
  window.location.assign(redirectUrl);
}

async function showGrant(grantId) {
  const grant = await client.call('get', oauth2(`/grants/${encodeURIComponent(grantId)}`), { accept: 'application/json' });
  $('signin').hidden = true;
  $('client').textContent = grant.appId;
  $('scopes').replaceChildren(...grant.scopes.map((s) => {
    const li = document.createElement('li');
    li.textContent = s;
    li.dataset.scope = s;
    return li;
  }));
  $('consent').hidden = false;
  $('consent').dataset.grant = grant.$id;
  const decide = (route) => async () => {
    $('approve').disabled = true;
    $('reject').disabled = true;
    try {
      const out = await client.call('post', oauth2(route), json, { grant_id: grant.$id });
      follow(out.redirectUrl);
    } catch (err) {
      fail(err);
    }
  };
  $('approve').addEventListener('click', decide('/approve'));
  $('reject').addEventListener('click', decide('/reject'));
  document.body.dataset.ready = 'true';
}

// authorizeAgain asks /authorize with the parameters this page was given,
// now with the user's session, for JSON instead of a redirect.
async function authorizeAgain() {
  const params = {};
  for (const [k, v] of query) params[k] = v;
  const out = await client.call('get', oauth2('/authorize'), { accept: 'application/json' }, params);
  if (out.redirectUrl) {
    follow(out.redirectUrl);
    return;
  }
  await showGrant(out.grantId);
}

async function signedIn() {
  try {
    await account.get();
    return true;
  } catch (err) {
    if (err.code === 401) return false;
    throw err;
  }
}

async function main() {
  const config = await (await fetch('/consent/config.json')).json();
  client = new Client().setEndpoint(config.endpoint).setProject(projectId);
  account = new Account(client);
  if (query.has('grant_id')) {
    await showGrant(query.get('grant_id'));
    return;
  }
  if (!query.has('client_id')) throw new Error('neither grant_id nor client_id in the query');
  if (await signedIn()) {
    await authorizeAgain();
    return;
  }
  $('signin').hidden = false;
  $('signin').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await account.createEmailPasswordSession({ email: $('email').value, password: $('password').value });
      await authorizeAgain();
    } catch (err) {
      fail(err);
    }
  });
  document.body.dataset.ready = 'true';
}

main().catch(fail);
