// Package storagetest is the conformance suite for storage.Store: every
// engine must pass it, so capability packages can rely on the contracts
// written in package storage whatever database sits underneath.
//
// Besides what store.go states, the suite pins down what callers assume:
//   - times come back in UTC at microsecond precision; the zero time stays
//     zero;
//   - nil and empty slices are the same value; JSON documents keep their
//     value;
//   - the record an Update method returns is the one it saved, though its
//     times may be finer than those stored;
//   - platforms, keys, projects and sessions list oldest first, logs
//     newest first;
//   - project search is case-insensitive and takes % and _ literally.
package storagetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Run runs the suite. open must return a new, empty store that lives until
// t ends; it is called once for every subtest.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	groups := []struct {
		name  string
		tests []test
	}{
		{"Store", storeTests},
		{"Projects", projectTests},
		{"Platforms", platformTests},
		{"Keys", keyTests},
		{"Variables", variableTests},
		{"OAuth2", oauth2Tests},
		{"Apps", appTests},
		{"OAuth2Merge", oauth2MergeTests},
		{"Users", userTests},
		{"UsersByPhone", userPhoneTests},
		{"ListUsers", listUserTests},
		{"SearchUsers", searchUserTests},
		{"Targets", targetTests},
		{"Tokens", tokenTests},
		{"ShortTokens", shortTokenTests},
		{"TokenFailures", failTokenTests},
		{"Proofs", proofTests},
		{"Sessions", sessionTests},
		{"SessionLimit", sessionLimitTests},
		{"Logs", logTests},
		{"HitCounter", counterTests},
		{"Concurrency", concurrencyTests},
		{"Linking", linkTests},
		{"OAuthStates", oauthStateTests},
		{"IdentityLinks", identityLinkTests},
		{"IdentityLists", identityListTests},
		{"Identities", identityTests},
		{"Authenticators", authenticatorTests},
		{"Challenges", challengeTests},
		{"Admission", admitTests},
		{"Sweep", sweepTests},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, open(t))
				})
			}
		})
	}
}

// test is one named case run on a fresh store.
type test struct {
	name string
	run  func(t *testing.T, s storage.Store)
}

var storeTests = []test{
	{"PingEngine", func(t *testing.T, s storage.Store) {
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
		if s.Engine() == "" {
			t.Error("Engine() is empty")
		}
	}},
	{"InstanceValue", func(t *testing.T, s storage.Store) {
		ctx := t.Context()
		for _, c := range []struct{ key, def, want string }{
			{"jwt-secret", "first", "first"},
			{"jwt-secret", "second", "first"},
			{"jwt-secret", "", "first"},
			{"other", "", ""},
			{"other", "later", ""},
			{"third", "x", "x"},
		} {
			got, err := s.InstanceValue(ctx, c.key, c.def)
			if err != nil {
				t.Fatalf("InstanceValue(%q, %q): %v", c.key, c.def, err)
			}
			if got != c.want {
				t.Errorf("InstanceValue(%q, %q) = %q, want %q", c.key, c.def, got, c.want)
			}
		}
	}},
}

// t0 is the suite's clock: nanoseconds and a zone other than UTC check
// that engines truncate to microseconds and return UTC.
var t0 = time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 2*60*60))

// at returns t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

var errAbort = errors.New("storagetest: fn refused the change")

// noErr fails the test at once when err is not nil.
func noErr(t *testing.T, err error, what string) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// isErr fails the test when err does not wrap target.
func isErr(t *testing.T, err, target error, what string) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error %v, want %v", what, err, target)
	}
}

// same reports every difference between got and want, see diff.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	for _, d := range diff(got, want) {
		t.Errorf("%s: %s", what, d)
	}
}

// sameResult is same for the record an Update method returns: it is the
// record as fn left it, so its times may still be finer than microseconds
// or in another zone.
func sameResult(t *testing.T, what string, got, want any) {
	t.Helper()
	same(t, what, normalised(got), want)
}

// normalised returns a copy of the record p points to with its times
// truncated to microseconds, in UTC.
func normalised(p any) any {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return p
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	normalise(c.Elem())
	return c.Interface()
}

// normalise truncates the times in the struct v to microseconds, in UTC,
// copying slices of structs before it changes them.
func normalise(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		switch {
		case f.Type() == timeType:
			if tm := f.Interface().(time.Time); !tm.IsZero() {
				f.Set(reflect.ValueOf(tm.Truncate(time.Microsecond).UTC()))
			}
		case f.Kind() == reflect.Struct:
			normalise(f)
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Struct && !f.IsNil():
			c := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			reflect.Copy(c, f)
			for j := range c.Len() {
				normalise(c.Index(j))
			}
			f.Set(c)
		}
	}
}

var (
	timeType = reflect.TypeFor[time.Time]()
	jsonType = reflect.TypeFor[json.RawMessage]()
)

// diff lists the fields in which got differs from want. Times are equal
// when they are the same instant at microsecond precision, and non-zero
// times must come back in UTC; nil and empty slices and maps are equal;
// JSON documents are equal when they decode to the same value.
func diff(got, want any) []string {
	var out []string
	g, w := reflect.ValueOf(got), reflect.ValueOf(want)
	if g.Type() != w.Type() {
		return []string{fmt.Sprintf("got a %v, want a %v", g.Type(), w.Type())}
	}
	diffValue(&out, w.Type().String(), g, w)
	return out
}

func diffValue(out *[]string, path string, g, w reflect.Value) {
	switch {
	case w.Type() == timeType:
		gt, wt := g.Interface().(time.Time), w.Interface().(time.Time)
		switch {
		case wt.IsZero():
			if !gt.IsZero() {
				*out = append(*out, fmt.Sprintf("%s = %v, want the zero time", path, gt))
			}
		case !gt.Equal(wt.Truncate(time.Microsecond)):
			*out = append(*out, fmt.Sprintf("%s = %v, want %v", path, gt, wt.Truncate(time.Microsecond).UTC()))
		case gt.Location() != time.UTC:
			*out = append(*out, fmt.Sprintf("%s is in %v, want UTC", path, gt.Location()))
		}
		return
	case w.Type() == jsonType:
		gb, wb := g.Bytes(), w.Bytes()
		if len(gb) == 0 && len(wb) == 0 {
			return
		}
		var gv, wv any
		if json.Unmarshal(gb, &gv) != nil || json.Unmarshal(wb, &wv) != nil || !reflect.DeepEqual(gv, wv) {
			*out = append(*out, fmt.Sprintf("%s = %s, want %s", path, gb, wb))
		}
		return
	}
	switch w.Kind() {
	case reflect.Pointer:
		if g.IsNil() || w.IsNil() {
			if g.IsNil() != w.IsNil() {
				*out = append(*out, fmt.Sprintf("%s = %v, want %v", path, g, w))
			}
			return
		}
		diffValue(out, path, g.Elem(), w.Elem())
	case reflect.Struct:
		for i := range w.NumField() {
			diffValue(out, path+"."+w.Type().Field(i).Name, g.Field(i), w.Field(i))
		}
	case reflect.Slice:
		if g.Len() != w.Len() {
			if g.Len() != 0 || w.Len() != 0 {
				*out = append(*out, fmt.Sprintf("%s = %#v, want %#v", path, g.Interface(), w.Interface()))
			}
			return
		}
		for i := range w.Len() {
			diffValue(out, fmt.Sprintf("%s[%d]", path, i), g.Index(i), w.Index(i))
		}
	case reflect.Map:
		if g.Len() == 0 && w.Len() == 0 {
			return
		}
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			*out = append(*out, fmt.Sprintf("%s = %#v, want %#v", path, g.Interface(), w.Interface()))
		}
	default:
		if !reflect.DeepEqual(g.Interface(), w.Interface()) {
			*out = append(*out, fmt.Sprintf("%s = %#v, want %#v", path, g.Interface(), w.Interface()))
		}
	}
}

// ids returns the ids of a list, for compact comparisons.
func ids[T any](list []T, id func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = id(v)
	}
	return out
}

func sameIDs(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}

// Fixtures. Every record gets values in every field so a column that is
// not written or not read shows up as a difference.

func newProject(id string, created time.Time) *storage.Project {
	auth := storage.NewAuthSettings()
	auth.Limit = 100
	auth.Duration = 3600
	auth.MaxSessions = 3
	auth.PasswordHistory = 5
	auth.PasswordDictionary = true
	auth.PersonalDataCheck = true
	auth.SessionAlerts = true
	auth.InvalidateSessions = false
	auth.MockNumbers = []storage.MockNumber{{Phone: "+15550100", OTP: "123456"}}
	auth.Methods = map[string]bool{"anonymous": false, "jwt": true}
	auth.MembershipsUserName = true
	auth.MembershipsUserEmail = true
	auth.MembershipsMFA = true
	return &storage.Project{
		ID:          id,
		Name:        "Project " + id,
		TeamID:      "team-" + id,
		Description: "The project called " + id + ".",
		Settings: storage.ProjectSettings{
			Logo:         "logo.png",
			URL:          "https://example.com",
			LegalName:    "Example Ltd",
			LegalCountry: "ie",
			LegalState:   "Leinster",
			LegalCity:    "Dublin",
			LegalAddress: "1 Main Street",
			LegalTaxID:   "IE123",
			Auth:         auth,
			Services:     map[string]bool{"account": true, "teams": false},
			APIs:         map[string]bool{"graphql": false},
		},
		CreatedAt: created,
		UpdatedAt: created.Add(time.Second),
	}
}

func newUser(projectID, id, email string) *storage.User {
	return &storage.User{
		ProjectID:         projectID,
		ID:                id,
		Name:              "User " + id,
		Email:             email,
		Phone:             "",
		PasswordHash:      "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
		Hash:              "argon2",
		HashOptions:       json.RawMessage(`{"memoryCost":65536,"timeCost":3,"threads":4}`),
		PasswordUpdate:    at(time.Minute),
		PasswordHistory:   []string{"old-hash-1", "old-hash-2"},
		Registration:      t0,
		Status:            true,
		Labels:            []string{"vip", "beta"},
		EmailVerification: true,
		PhoneVerification: false,
		MFA:               false,
		Reset:             false,
		Impersonator:      true,
		Prefs:             json.RawMessage(`{"theme":"dark","n":1,"nested":{"a":[1,2]}}`),
		AccessedAt:        at(2 * time.Minute),
		CreatedAt:         t0,
		UpdatedAt:         at(3 * time.Minute),
	}
}

func newClient(ip string) storage.Client {
	return storage.Client{
		IP: ip, OSCode: "LIN", OSName: "Linux", OSVersion: "6.1",
		ClientType: "browser", ClientCode: "FF", ClientName: "Firefox", ClientVersion: "128.0",
		ClientEngine: "Gecko", ClientEngineVersion: "128.0",
		DeviceName: "desktop", DeviceBrand: "Dell", DeviceModel: "XPS", CountryCode: "ie",
	}
}

// secretHash gives every session a hash unique across projects.
func secretHash(projectID, id string) string { return "hash:" + projectID + ":" + id }

func newSession(projectID, userID, id string, created time.Time) *storage.Session {
	return &storage.Session{
		ProjectID:                 projectID,
		ID:                        id,
		UserID:                    userID,
		SecretHash:                secretHash(projectID, id),
		Provider:                  "email",
		ProviderUID:               "uid-" + userID,
		ProviderAccessToken:       "access-" + id,
		ProviderAccessTokenExpiry: created.Add(time.Hour),
		ProviderRefreshToken:      "refresh-" + id,
		Client:                    newClient("203.0.113.7"),
		Factors:                   []string{"password", "email"},
		MFAUpdatedAt:              created.Add(time.Second),
		Expire:                    created.Add(365 * 24 * time.Hour),
		CreatedAt:                 created,
		UpdatedAt:                 created.Add(2 * time.Second),
	}
}

func newLog(projectID, userID, id string, when time.Time) *storage.Log {
	return &storage.Log{
		ProjectID: projectID,
		ID:        id,
		UserID:    userID,
		Event:     "session.create",
		Mode:      "default",
		Actor:     userID,
		UserEmail: userID + "@example.com",
		UserName:  "User " + userID,
		Client:    newClient("198.51.100.4"),
		Time:      when,
	}
}

func newKey(projectID, id string, created time.Time) *storage.Key {
	return &storage.Key{
		ID:         id,
		ProjectID:  projectID,
		Name:       "Key " + id,
		Scopes:     []string{"users.read", "users.write"},
		Expire:     created.Add(30 * 24 * time.Hour),
		SecretHash: "keyhash:" + projectID + ":" + id,
		Prefix:     "standard_" + id,
		AccessedAt: created.Add(time.Hour),
		SDKs:       []string{"web/16.0.0"},
		CreatedAt:  created,
		UpdatedAt:  created.Add(time.Second),
	}
}

func newPlatform(projectID, id string, created time.Time) *storage.Platform {
	return &storage.Platform{
		ID:        id,
		ProjectID: projectID,
		Type:      "web",
		Name:      "Platform " + id,
		Key:       "com.example." + id,
		Store:     "store-" + id,
		Hostname:  id + ".example.com",
		CreatedAt: created,
		UpdatedAt: created.Add(time.Second),
	}
}

// Creation helpers fail the test on any error.

func mustProject(t *testing.T, s storage.Store, id string, created time.Time) *storage.Project {
	t.Helper()
	p := newProject(id, created)
	noErr(t, s.CreateProject(t.Context(), p), "CreateProject "+id)
	return p
}

func mustUser(t *testing.T, s storage.Store, projectID, id, email string) *storage.User {
	t.Helper()
	u := newUser(projectID, id, email)
	noErr(t, s.CreateUser(t.Context(), u), "CreateUser "+id)
	return u
}

func mustSession(t *testing.T, s storage.Store, projectID, userID, id string, created time.Time) *storage.Session {
	t.Helper()
	sess := newSession(projectID, userID, id, created)
	removed, err := s.CreateSession(t.Context(), sess, 0, nil)
	noErr(t, err, "CreateSession "+id)
	if len(removed) != 0 {
		t.Fatalf("CreateSession %s with no limit removed %q", id, removed)
	}
	return sess
}

func mustLog(t *testing.T, s storage.Store, projectID, userID, id string, when time.Time) *storage.Log {
	t.Helper()
	l := newLog(projectID, userID, id, when)
	noErr(t, s.AddLog(t.Context(), l), "AddLog "+id)
	return l
}

func mustKey(t *testing.T, s storage.Store, projectID, id string, created time.Time) *storage.Key {
	t.Helper()
	k := newKey(projectID, id, created)
	noErr(t, s.CreateKey(t.Context(), k), "CreateKey "+id)
	return k
}

func mustPlatform(t *testing.T, s storage.Store, projectID, id string, created time.Time) *storage.Platform {
	t.Helper()
	p := newPlatform(projectID, id, created)
	noErr(t, s.CreatePlatform(t.Context(), p), "CreatePlatform "+id)
	return p
}
