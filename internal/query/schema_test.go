package query

import (
	"testing"
	"time"
)

var users = Schema{"name": String, "status": Bool, "registration": Datetime, "labels": StringArray}

func TestValidate(t *testing.T) {
	qs, err := Parse([]string{
		`{"method":"equal","attribute":"name","values":["Ann","Bob"]}`,
		`{"method":"between","attribute":"registration","values":["2024-01-01T00:00:00.000+00:00","2025-01-01"]}`,
		`{"method":"or","values":[{"method":"equal","attribute":"status","values":[true]},{"method":"contains","attribute":"labels","values":["vip"]}]}`,
		`{"method":"orderDesc","attribute":"$createdAt"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	v, err := Validate(qs, users)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v[1].Values[0].(time.Time); !ok {
		t.Fatalf("datetime not converted: %#v", v[1].Values[0])
	}
	for _, bad := range []string{
		`{"method":"equal","attribute":"password","values":["x"]}`,
		`{"method":"equal","attribute":"status","values":["true"]}`,
		`{"method":"greaterThan","attribute":"status","values":[true]}`,
		`{"method":"between","attribute":"registration","values":["2024-01-01"]}`,
		`{"method":"equal","attribute":"registration","values":["yesterday"]}`,
		`{"method":"contains","attribute":"status","values":[true]}`,
		`{"method":"equal","attribute":"name","values":[]}`,
		`{"method":"orderAsc","attribute":"labels"}`,
		`{"method":"and","values":[{"method":"equal","attribute":"nope","values":["x"]}]}`,
	} {
		qs, err := Parse([]string{bad})
		if err != nil {
			continue
		}
		if _, err := Validate(qs, users); err == nil {
			t.Errorf("Validate accepted %s", bad)
		}
	}
}
