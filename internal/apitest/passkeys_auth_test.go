package apitest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

// softAuthenticator is a software WebAuthn authenticator for the tests:
// a P-256 key, "none" attestation, and a sign counter it keeps itself.
type softAuthenticator struct {
	t       testing.TB
	key     *ecdsa.PrivateKey
	id      []byte
	handle  []byte // the user handle it was made with
	counter uint32
	origin  string // the origin the "browser" reports
	rpID    string // "" takes the options' rp id
	uv      bool   // the authenticator verifies its user
	be, bs  bool   // backup eligible, backed up (a synced passkey)
}

func newSoftAuthenticator(t testing.TB, origin string) *softAuthenticator {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return &softAuthenticator{t: t, key: key, id: id, origin: origin, uv: true}
}

var b64u = base64.RawURLEncoding

func (a *softAuthenticator) flags(attested bool) byte {
	f := byte(0x01) // user present
	if a.uv {
		f |= 0x04
	}
	if a.be {
		f |= 0x08
	}
	if a.bs {
		f |= 0x10
	}
	if attested {
		f |= 0x40
	}
	return f
}

func (a *softAuthenticator) clientData(typ, challenge string) []byte {
	b, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.origin, "crossOrigin": false})
	return b
}

func (a *softAuthenticator) authData(rpID string, attested bool) []byte {
	if a.rpID != "" {
		rpID = a.rpID
	}
	h := sha256.Sum256([]byte(rpID))
	out := append([]byte{}, h[:]...)
	out = append(out, a.flags(attested))
	out = binary.BigEndian.AppendUint32(out, a.counter)
	if attested {
		out = append(out, make([]byte, 16)...) // AAGUID: none
		out = binary.BigEndian.AppendUint16(out, uint16(len(a.id)))
		out = append(out, a.id...)
		x, y := a.key.X.FillBytes(make([]byte, 32)), a.key.Y.FillBytes(make([]byte, 32))
		cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: x, -3: y})
		if err != nil {
			a.t.Fatal(err)
		}
		out = append(out, cose...)
	}
	return out
}

// publicKeyOf reads the publicKey options of a ceremony start.
func publicKeyOf(t testing.TB, r *resp) map[string]any {
	t.Helper()
	pk, ok := r.obj(t)["publicKey"].(map[string]any)
	if !ok {
		t.Fatalf("no publicKey in %s", r.body)
	}
	return pk
}

// create answers navigator.credentials.create() for options.
func (a *softAuthenticator) create(options map[string]any) map[string]any {
	rp := options["rp"].(map[string]any)
	user := options["user"].(map[string]any)
	handle, err := b64u.DecodeString(user["id"].(string))
	if err != nil {
		a.t.Fatalf("user.id %v", user["id"])
	}
	a.handle = handle
	cd := a.clientData("webauthn.create", options["challenge"].(string))
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": a.authData(rp["id"].(string), true)})
	if err != nil {
		a.t.Fatal(err)
	}
	return map[string]any{"id": b64u.EncodeToString(a.id), "rawId": b64u.EncodeToString(a.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(cd), "attestationObject": b64u.EncodeToString(att),
			"transports": []string{"internal"}}}
}

// get answers navigator.credentials.get() for options, counting up.
func (a *softAuthenticator) get(options map[string]any) map[string]any {
	a.counter++
	return a.assert(options)
}

// assert signs options' challenge with the counter as it is.
func (a *softAuthenticator) assert(options map[string]any) map[string]any {
	rpID, _ := options["rpId"].(string)
	cd := a.clientData("webauthn.get", options["challenge"].(string))
	ad := a.authData(rpID, false)
	h := sha256.Sum256(cd)
	digest := sha256.Sum256(append(append([]byte{}, ad...), h[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, digest[:])
	if err != nil {
		a.t.Fatal(err)
	}
	return map[string]any{"id": b64u.EncodeToString(a.id), "rawId": b64u.EncodeToString(a.id), "type": "public-key",
		"authenticatorAttachment": "platform", "clientExtensionResults": map[string]any{},
		"response": map[string]any{"clientDataJSON": b64u.EncodeToString(cd), "authenticatorData": b64u.EncodeToString(ad),
			"signature": b64u.EncodeToString(sig), "userHandle": b64u.EncodeToString(a.handle)}}
}

// addPasskey registers a's passkey for c's signed-in user.
func addPasskey(t *testing.T, c *client, a *softAuthenticator, name string) map[string]any {
	t.Helper()
	o := c.do("POST", "/account/passkeys/registration", nil)
	expect(t, o, 200, "")
	r := c.do("PUT", "/account/passkeys/registration", map[string]any{"name": name, "credential": a.create(publicKeyOf(t, o))})
	expect(t, r, 201, "")
	return r.obj(t)
}

// passkeySignIn signs c in with a's passkey (discoverable) and returns
// the answer.
func passkeySignIn(t *testing.T, c *client, a *softAuthenticator, body map[string]any) *resp {
	t.Helper()
	o := c.do("POST", "/account/sessions/passkey/options", body)
	expect(t, o, 200, "")
	return c.do("POST", "/account/sessions/passkey", map[string]any{"credential": a.get(publicKeyOf(t, o))})
}
