package usersio

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/scrypt"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/config"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// env is a fresh database with the services an import needs.
type env struct {
	store    *sqlstore.Store
	accounts *account.Service
	projects *project.Service
}

// eachEngine runs fn on a fresh SQLite database, and on PostgreSQL when
// GATEHOUSE_TEST_POSTGRES is set.
func eachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, engine := range testdb.Engines() {
		t.Run("db="+engine.Name, func(t *testing.T) {
			cfg := config.Config{Database: engine.New(t)}
			name, dsn, err := cfg.Engine()
			if err != nil {
				t.Fatal(err)
			}
			store, err := sqlstore.Open(context.Background(), name, dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { store.Close() })
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			hasher := password.NewHasher(password.Params{MemoryKiB: 512, Time: 1, Threads: 1}, 0)
			fn(t, &env{store: store, projects: project.New(store, time.Now),
				accounts: account.New(store, hasher, session.NewJWTs([]byte("test key"), time.Now), time.Now, log)})
		})
	}
}

func (e *env) project(t *testing.T, id string) *storage.Project {
	t.Helper()
	p, err := e.projects.Create(context.Background(), id, id, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// result is one import's outcome.
type result struct {
	stats    Stats
	problems []Problem
	err      error
}

// errorsAt lists the positions of the failed rows.
func (r result) errorsAt() []string {
	var out []string
	for _, p := range r.problems {
		if !p.Warning {
			out = append(out, p.Pos)
		}
	}
	return out
}

func (r result) problemAt(pos string) string {
	for _, p := range r.problems {
		if p.Pos == pos && !p.Warning {
			return p.String()
		}
	}
	return ""
}

func (e *env) importData(t *testing.T, p *storage.Project, format, data string, opts Options, verbose bool) result {
	t.Helper()
	src, err := NewSource(format, strings.NewReader(data), opts)
	if err != nil {
		t.Fatalf("NewSource: %v", err)
	}
	var r result
	progress := 0
	im := &Importer{Store: e.store, Accounts: e.accounts, Project: p, Verbose: verbose,
		Actor:    account.Actor{Mode: "admin", Name: "test import"},
		Report:   func(pr Problem) { r.problems = append(r.problems, pr) },
		Progress: func(Stats) { progress++ },
	}
	r.stats, r.err = im.Run(context.Background(), src)
	if r.err == nil && progress != r.stats.Rows {
		t.Errorf("Progress called %d times for %d rows", progress, r.stats.Rows)
	}
	return r
}

// signIn signs in with a password; nil means it verified.
func (e *env) signIn(p *storage.Project, email, pw string) error {
	_, err := e.accounts.SignInEmail(context.Background(), p, email, pw, account.Actor{})
	return err
}

func (e *env) user(t *testing.T, p *storage.Project, id string) *storage.User {
	t.Helper()
	u, err := e.store.GetUser(context.Background(), p.ID, id)
	if err != nil {
		t.Fatalf("user %s: %v", id, err)
	}
	return u
}

func wantStats(t *testing.T, r result, imported, skipped, failed int) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("Run: %v", r.err)
	}
	if s := r.stats; s.Imported != imported || s.Skipped != skipped || s.Failed != failed || s.Rows != imported+skipped+failed {
		t.Fatalf("stats = %+v; want imported %d, skipped %d, failed %d\nproblems: %v", s, imported, skipped, failed, r.problems)
	}
}

func wantErrorsAt(t *testing.T, r result, want ...string) {
	t.Helper()
	if got := r.errorsAt(); !reflect.DeepEqual(got, want) {
		t.Fatalf("errors at %q; want %q\nproblems: %v", got, want, r.problems)
	}
}

func jsonLine(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

// Hashes of known passwords, one per kind the formats carry.

func bcryptOf(t *testing.T, pw string) string {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(h)
}

func scryptOf(t *testing.T, pw, salt string) string {
	k, err := scrypt.Key([]byte(pw), []byte(salt), 16, 8, 1, 32)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(k)
}

// Firebase's project parameters for the tests.
var (
	fbSigner = []byte("the signer key of a test project")
	fbSep    = []byte{0x07}
	fbHash   = FirebaseHash{SignerKey: base64.StdEncoding.EncodeToString(fbSigner),
		SaltSeparator: base64.StdEncoding.EncodeToString(fbSep), Rounds: 8, MemCost: 14}
)

// firebaseOf is Firebase's modified scrypt: AES-256-CTR of the signer
// key under scrypt(pw, salt‖separator, 2^14, 8, 1), base64.
func firebaseOf(t *testing.T, pw string, salt []byte) string {
	k, err := scrypt.Key([]byte(pw), append(append([]byte{}, salt...), fbSep...), 1<<14, 8, 1, 32)
	if err != nil {
		t.Fatal(err)
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, len(fbSigner))
	cipher.NewCTR(block, make([]byte, aes.BlockSize)).XORKeyStream(out, fbSigner)
	return base64.StdEncoding.EncodeToString(out)
}

// appwriteFile is an appwrite-format export with good rows and bad ones;
// it returns the data and the positions of the bad rows.
func appwriteFile(t *testing.T) (string, []string) {
	sha := sha1.Sum([]byte("dave password"))
	argon := password.NewHasher(password.Params{MemoryKiB: 256, Time: 1, Threads: 1}, 1)
	frank, err := argon.Hash(context.Background(), "frank password")
	if err != nil {
		t.Fatal(err)
	}
	salt := []byte("gina salt")
	var b strings.Builder
	b.WriteString(jsonLine(t, map[string]any{"$id": "alice", "email": "Alice@Example.com", "name": "Alice", "password": bcryptOf(t, "alice password"),
		"hash": "bcrypt", "hashOptions": map[string]any{"type": "bcrypt", "cost": 4}, "labels": []string{"vip", "vip", "beta"},
		"prefs": map[string]any{"theme": "dark"}, "status": true, "emailVerification": true,
		"registration": "2020-01-02T03:04:05.678+00:00", "$createdAt": "2021-01-01T00:00:00.000+00:00"})) // line 1
	b.WriteString("{not json\n")                                                                                                     // line 2
	b.WriteString("\n")                                                                                                              // line 3: blank, not a row
	b.WriteString(jsonLine(t, map[string]any{"email": "noid@example.com"}))                                                          // line 4: no $id
	b.WriteString(jsonLine(t, map[string]any{"$id": "bademail", "email": "not-an-email"}))                                           // line 5
	b.WriteString(jsonLine(t, map[string]any{"$id": "badhash", "email": "badhash@example.com", "password": "abc", "hash": "rot13"})) // line 6
	b.WriteString(jsonLine(t, map[string]any{"$id": "bob", "email": "bob@example.com", "password": scryptOf(t, "bob password", "pepper"),
		"hash": "scrypt", "hashOptions": map[string]any{"type": "scrypt", "salt": "pepper", "costCpu": 16, "costMemory": 8, "costParallel": 1, "length": 32},
		"status": false, "$createdAt": "2019-05-06T07:08:09.000+00:00"})) // line 7
	b.WriteString(jsonLine(t, map[string]any{"$id": "carol", "email": "ALICE@example.com"})) // line 8: alice's email
	b.WriteString(jsonLine(t, map[string]any{"$id": "dave", "email": "dave@example.com", "password": hex.EncodeToString(sha[:]),
		"hash": "sha", "hashOptions": map[string]any{"type": "sha", "version": "sha1"}, "prefs": []any{}})) // line 9
	b.WriteString(jsonLine(t, map[string]any{"$id": "erin", "phone": "+15555550100", "password": nil, "hash": "argon2",
		"hashOptions": map[string]any{"type": "argon2"}, "phoneVerification": true})) // line 10: no password
	b.WriteString(jsonLine(t, map[string]any{"$id": "frank", "email": "frank@example.com", "password": frank, "hash": "argon2"})) // line 11
	b.WriteString(jsonLine(t, map[string]any{"$id": "gina", "email": "gina@example.com", "password": firebaseOf(t, "gina password", salt),
		"hash": "scryptMod", "hashOptions": map[string]any{"type": "scryptMod", "salt": base64.StdEncoding.EncodeToString(salt),
			"saltSeparator": fbHash.SaltSeparator, "signerKey": fbHash.SignerKey}})) // line 12
	b.WriteString(jsonLine(t, map[string]any{"$id": "hank", "email": "hank@example.com", "labels": []string{"not ok!"}})) // line 13
	b.WriteString(`{"$id": "ivan", "email": "ivan@example.com", "status": "yes"}` + "\r\n")                               // line 14: wrong type
	b.WriteString(jsonLine(t, map[string]any{"$id": "_judy", "email": "judy@example.com"}))                               // line 15: bad id
	b.WriteString(`{"$id": "kate", "email": "kate@example.com", "prefs": {"a": 1}}`)                                      // line 16: no final newline
	return b.String(), []string{"line 2", "line 4", "line 5", "line 6", "line 8", "line 13", "line 14", "line 15"}
}

func TestImportAppwrite(t *testing.T) {
	data, bad := appwriteFile(t)
	eachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		p := e.project(t, "source")
		r := e.importData(t, p, "appwrite", data, Options{}, false)
		wantStats(t, r, 7, 0, len(bad))
		wantErrorsAt(t, r, bad...)
		for pos, want := range map[string]string{
			"line 2":  "Invalid JSON",
			"line 4":  `"$id"`,
			"line 5":  "user bademail: Invalid `email` param",
			"line 6":  `unknown password hash algorithm "rot13"`,
			"line 8":  "email alice@example.com already belongs to user alice",
			"line 13": "label",
			"line 14": "`status`",
			"line 15": "`$id`",
		} {
			if got := r.problemAt(pos); !strings.Contains(got, want) || !strings.HasPrefix(got, pos+": ") {
				t.Errorf("problem at %s = %q; want it to contain %q", pos, got, want)
			}
		}
		for _, id := range []string{"carol", "bademail", "badhash", "hank", "ivan"} {
			if _, err := e.store.GetUser(ctx, p.ID, id); err == nil {
				t.Errorf("bad row %s was imported", id)
			}
		}

		alice := e.user(t, p, "alice")
		if alice.Email != "alice@example.com" || alice.Name != "Alice" || !reflect.DeepEqual(alice.Labels, []string{"vip", "beta"}) ||
			string(alice.Prefs) != `{"theme":"dark"}` || !alice.EmailVerification || !alice.Status ||
			!alice.Registration.Equal(time.Date(2020, 1, 2, 3, 4, 5, 678e6, time.UTC)) {
			t.Errorf("alice = %+v", alice)
		}
		bob := e.user(t, p, "bob")
		if bob.Status || !bob.Registration.Equal(time.Date(2019, 5, 6, 7, 8, 9, 0, time.UTC)) {
			t.Errorf("bob = %+v; want blocked, registered 2019-05-06", bob)
		}
		erin := e.user(t, p, "erin")
		if erin.PasswordHash != "" || erin.Phone != "+15555550100" || !erin.PhoneVerification {
			t.Errorf("erin = %+v", erin)
		}

		// Every imported hash verifies; bob's is right but bob is blocked.
		for email, pw := range map[string]string{"alice@example.com": "alice password", "dave@example.com": "dave password",
			"frank@example.com": "frank password", "gina@example.com": "gina password"} {
			if err := e.signIn(p, email, pw); err != nil {
				t.Errorf("sign in %s: %v", email, err)
			}
			if err := e.signIn(p, email, "wrong password"); !apperr.Is(err, apperr.UserInvalidCredentials) {
				t.Errorf("sign in %s with a wrong password: %v", email, err)
			}
		}
		if err := e.signIn(p, "bob@example.com", "bob password"); !apperr.Is(err, apperr.UserBlocked) {
			t.Errorf("sign in bob = %v; want user_blocked (the password verified)", err)
		}

		// Running again skips every imported user and fails the same rows.
		again := e.importData(t, p, "appwrite", data, Options{}, false)
		wantStats(t, again, 0, 7, len(bad))
		wantErrorsAt(t, again, bad...)

		// An id already taken by a user with another email is an error,
		// not a skip.
		other := e.importData(t, p, "appwrite", `{"$id": "alice", "email": "someone@example.com"}`, Options{}, false)
		wantStats(t, other, 0, 0, 1)
		if got := other.problemAt("line 1"); !strings.Contains(got, "already exists with another email") {
			t.Errorf("problem = %q", got)
		}
	})
}

func TestExportRoundTrip(t *testing.T) {
	defer func(n int) { exportPage = n }(exportPage)
	exportPage = 3 // several pages, and one that ends exactly on a page boundary
	data, _ := appwriteFile(t)
	eachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		src, dst := e.project(t, "src"), e.project(t, "dst")
		wantStats(t, e.importData(t, src, "appwrite", data, Options{}, false), 7, 0, 8)
		// Alice's sign-in upgrades her hash to argon2id: both a native and
		// imported hashes travel.
		if err := e.signIn(src, "alice@example.com", "alice password"); err != nil {
			t.Fatal(err)
		}
		if u := e.user(t, src, "alice"); u.Hash != "argon2" {
			t.Fatalf("alice's hash not upgraded: %s", u.Hash)
		}
		// Noise in another project must not leak into the export.
		e.importData(t, dst, "appwrite", `{"$id": "zed", "email": "zed@example.com"}`, Options{}, false)

		var out bytes.Buffer
		progress := 0
		n, err := Export(ctx, e.store, src.ID, &out, func(int) { progress++ })
		if err != nil || n != 7 || progress != 7 {
			t.Fatalf("Export = %d, %v (progress %d)", n, err, progress)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if len(lines) != 7 {
			t.Fatalf("%d lines:\n%s", len(lines), out.String())
		}
		var ids []string
		for _, l := range lines {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("line %q: %v", l, err)
			}
			for _, k := range []string{"$id", "$createdAt", "password", "hash", "hashOptions", "labels", "prefs", "targets", "registration"} {
				if _, ok := m[k]; !ok {
					t.Errorf("line %q has no %s", l, k)
				}
			}
			ids = append(ids, m["$id"].(string))
		}
		if want := []string{"alice", "bob", "dave", "erin", "frank", "gina", "kate"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("exported %v; want %v in id order", ids, want)
		}

		r := e.importData(t, dst, "appwrite", out.String(), Options{}, false)
		wantStats(t, r, 7, 0, 0)
		for email, pw := range map[string]string{"alice@example.com": "alice password", "dave@example.com": "dave password",
			"frank@example.com": "frank password", "gina@example.com": "gina password"} {
			if err := e.signIn(dst, email, pw); err != nil {
				t.Errorf("sign in %s after the round trip: %v", email, err)
			}
		}
		if err := e.signIn(dst, "bob@example.com", "bob password"); !apperr.Is(err, apperr.UserBlocked) {
			t.Errorf("bob after the round trip: %v", err)
		}
		a, b := e.user(t, src, "erin"), e.user(t, dst, "erin")
		if a.Phone != b.Phone || a.PhoneVerification != b.PhoneVerification ||
			!a.Registration.Truncate(time.Millisecond).Equal(b.Registration) { // the wire has milliseconds
			t.Errorf("erin changed: %+v -> %+v", a, b)
		}
		a, b = e.user(t, src, "alice"), e.user(t, dst, "alice")
		if !reflect.DeepEqual(a.Labels, b.Labels) || string(a.Prefs) != string(b.Prefs) || a.EmailVerification != b.EmailVerification ||
			!a.Registration.Truncate(time.Millisecond).Equal(b.Registration) {
			t.Errorf("alice changed: %+v -> %+v", a, b)
		}

		// An empty project exports nothing.
		empty := e.project(t, "empty")
		out.Reset()
		if n, err := Export(ctx, e.store, empty.ID, &out, nil); n != 0 || err != nil || out.Len() != 0 {
			t.Errorf("empty export = %d, %v, %q", n, err, out.String())
		}
	})
}

func TestImportStopsOnCancel(t *testing.T) {
	data, _ := appwriteFile(t)
	eachEngine(t, func(t *testing.T, e *env) {
		p := e.project(t, "p")
		src, err := NewSource("appwrite", strings.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		im := &Importer{Store: e.store, Accounts: e.accounts, Project: p, Progress: func(st Stats) {
			if st.Rows == 3 {
				cancel()
			}
		}}
		st, err := im.Run(ctx, src)
		if err != context.Canceled || st.Rows != 3 {
			t.Fatalf("Run = %+v, %v; want 3 rows and context.Canceled", st, err)
		}
	})
}
