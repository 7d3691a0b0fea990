// Package web holds the browser files the Gatehouse binary serves, embedded
// at build time so the binary needs nothing beside it.
package web

import _ "embed"

// PasskeysJS is the passkeys browser module (passkeys/passkeys.js), served
// at /v1/passkeys.js and importable by bundlers from its folder.
//
//go:embed passkeys/passkeys.js
var PasskeysJS []byte
