package sqlstore

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

func FuzzDecodeStrings(f *testing.F) {
	for _, s := range []string{`[]`, ``, `["a"]`, `["a","b"]`, `["password","totp"]`, `["a\"b"]`, `["a","b\u0041"]`,
		`["",""]`, `["a" ,"b"]`, `["\xff"]`, "[\"\x01\"]", `["a","b"`, `[1]`, `["a"]]`, `["a",""b"]`, `null`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		var got, want []string
		gerr := decodeStrings(raw, &got)
		var werr error
		if raw != "" && raw != "[]" {
			werr = json.Unmarshal([]byte(raw), &want)
		}
		if (gerr != nil) != (werr != nil) || gerr == nil && len(got)+len(want) > 0 && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: got %q (%v), want %q (%v)", raw, got, gerr, want, werr)
		}
	})
}

func TestDecodeTargetsMemo(t *testing.T) {
	raw := `[{"id":"t1","userId":"u1","providerType":"email","identifier":"a@example.com","expired":false,` +
		`"createdAt":"2026-01-02T03:04:05.000006Z","updatedAt":"2026-01-02T03:04:05.000006Z"}]`
	var want []storage.Target
	if err := json.Unmarshal([]byte(raw), &want); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ { // decoded, then remembered
		var got []storage.Target
		if err := decodeTargets(raw, &got); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: %+v, %v", i, got, err)
		}
		got[0].ProjectID, got[0].Identifier = "changed", "changed" // the caller's copy
	}
	var bad []storage.Target
	if err := decodeTargets(`[{"id":1}]`, &bad); err == nil {
		t.Error("a malformed list decoded")
	}
}
