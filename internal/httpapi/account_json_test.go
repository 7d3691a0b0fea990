package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// reflectAccount has accountModel's fields without its MarshalJSON, so
// encoding/json writes it by reflection: the reference output.
type reflectAccount accountModel

func checkAccountJSON(t *testing.T, m accountModel) {
	t.Helper()
	want, werr := json.Marshal(reflectAccount(m))
	got, gerr := m.appendJSON(nil)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("errors differ: encoding/json %v, appendJSON %v", werr, gerr)
	}
	if werr == nil && !bytes.Equal(got, want) {
		t.Fatalf("appendJSON:\n%s\nencoding/json:\n%s", got, want)
	}
	// Through json.Marshal (as a field of another model) it is the same.
	if nested, err := json.Marshal(struct{ A accountModel }{m}); werr == nil && (err != nil || !bytes.Equal(nested, []byte(`{"A":`+string(want)+`}`))) {
		t.Fatalf("nested: %s, %v", nested, err)
	}
}

func TestAccountJSONMatchesEncodingJSON(t *testing.T) {
	now := time.Date(2026, 11, 22, 4, 5, 6, 789_000_000, time.UTC)
	u := &storage.User{ProjectID: "p", ID: "u1", Name: "Ann", Email: "ann@example.com", Status: true,
		Labels: []string{"vip", "beta"}, Prefs: json.RawMessage(`{"theme":"dark","n":[1,2.5e3,null,true]}`),
		Registration: now, CreatedAt: now, UpdatedAt: now, PasswordUpdate: now, AccessedAt: now, MFA: true,
		Targets: []storage.Target{{ID: "t1", UserID: "u1", ProviderType: "email", Identifier: "ann@example.com", CreatedAt: now, UpdatedAt: now},
			{ID: "t2", UserID: "u1", ProviderID: "prov", ProviderType: "sms", Identifier: "+15550100", Expired: true}}}
	checkAccountJSON(t, accountOf(u))
	checkAccountJSON(t, accountOf(&storage.User{ID: "x"}))
	u.EmailFacts = &storage.EmailFacts{Canonical: "a<nn>@example.com", Corporate: true}
	checkAccountJSON(t, accountOf(u))
	op := accountOf(&storage.User{ID: "y", Impersonator: true})
	op.ImpersonatorUserID = json.RawMessage(`"op1"`)
	checkAccountJSON(t, op)
	checkAccountJSON(t, accountModel{})
	checkAccountJSON(t, accountModel{Prefs: json.RawMessage(`{ "a" : "<b>&\u2028" }`), Name: "Ünï <&> \"q\" \\ \x01\n\u2028 \xff"})
	checkAccountJSON(t, accountModel{Prefs: json.RawMessage(`{"a":`)})
	checkAccountJSON(t, accountModel{Prefs: json.RawMessage(``)})
}

func FuzzAccountJSON(f *testing.F) {
	f.Add("u1", "Ann", "ann@example.com", "vip", `{"theme":"dark"}`, "email", true)
	f.Add("", "<script>", "a&b@example.com", "", `{"a": "b"}`, "", false)
	f.Add("\xff", "\u2028", "\t", "x\"y", `[]`, "\\", true)
	f.Fuzz(func(t *testing.T, id, name, email, label, prefs, target string, flag bool) {
		m := accountModel{ID: id, Name: name, Email: email, Phone: target, Labels: []string{label, name},
			Prefs: json.RawMessage(prefs), Status: flag, MFA: !flag, CreatedAt: label,
			Targets: []targetModel{{ID: target, Name: name, Identifier: email, Expired: flag}}}
		if flag {
			m.Targets[0].ProviderID = &label
		}
		if !flag {
			m.emailFields = emailFieldsOf(&storage.EmailFacts{Canonical: email, Free: flag, Corporate: !flag})
		}
		checkAccountJSON(t, m)
	})
}
