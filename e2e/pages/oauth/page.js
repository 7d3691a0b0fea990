// The page under test: the appwrite web SDK configured from the query
// (?endpoint=…&project=…), and a few helpers on window.app for the test,
// which calls them with page.evaluate. The same page answers on /, on the
// success path /ok and on the failure path /fail.
'use strict';

(() => {
  const { Client, Account, OAuthProvider } = Appwrite;
  const query = new URLSearchParams(location.search);
  const endpoint = query.get('endpoint');
  const project = query.get('project');
  const client = new Client().setEndpoint(endpoint).setProject(project);
  const account = new Account(client);

  // here is this page's URL on another path, keeping its configuration.
  const here = (path) => `${location.origin}${path}?${new URLSearchParams({ endpoint, project })}`;

  // outcome turns an SDK call into {ok} or {error} so that a failure
  // reaches the test with Appwrite's code and type.
  const outcome = async (fn) => {
    try {
      return { ok: JSON.parse(JSON.stringify((await fn()) ?? null)) };
    } catch (e) {
      return { error: { code: e.code, type: e.type, message: e.message } };
    }
  };

  window.app = {
    // start leaves for the provider through the SDK, as a sign-in button
    // would; the SDK sets window.location itself.
    start(kind) {
      const success = here('/ok');
      const failure = here('/fail');
      setTimeout(() => {
        if (kind === 'token') account.createOAuth2Token(OAuthProvider.Oidc, success, failure);
        else account.createOAuth2Session(OAuthProvider.Oidc, success, failure);
      });
    },
    // landed is where the browser came back: path and query, with the
    // error parameter parsed (Appwrite sends it as JSON).
    landed() {
      const params = Object.fromEntries(new URLSearchParams(location.search));
      delete params.endpoint;
      delete params.project;
      if (params.error) params.error = JSON.parse(params.error);
      return { path: location.pathname, params };
    },
    me: () => outcome(() => account.get()),
    identities: () => outcome(() => account.listIdentities()),
    // finishToken exchanges the userId and secret of the success URL.
    finishToken() {
      const q = new URLSearchParams(location.search);
      return outcome(() => account.createSession(q.get('userId'), q.get('secret')));
    },
    signIn: (email, password) => outcome(() => account.createEmailPasswordSession(email, password)),
    signOut: () => outcome(() => account.deleteSession('current')),
    // confirmLink confirms a suggested link (docs/linking.md). appwrite 27
    // sends X-Appwrite-Project only from its service methods, not from
    // every client.call, so a raw call names the project itself.
    confirmLink: (linkToken) => outcome(() => client.call('post', new URL(`${endpoint}/account/identities/link`),
      { 'content-type': 'application/json', 'X-Appwrite-Project': project }, { linkToken })),
  };

  document.getElementById('landed').textContent = JSON.stringify(window.app.landed(), null, 2);
  document.body.dataset.ready = 'true';
})();
