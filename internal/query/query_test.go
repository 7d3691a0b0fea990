package query

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	qs, err := Parse([]string{
		`{"method":"equal","attribute":"email","values":["a@b.c"]}`,
		`{"method":"limit","values":[10]}`,
		`{"method":"orderDesc","attribute":"$createdAt"}`,
		`{"method":"or","values":[{"method":"equal","attribute":"name","values":["x"]},{"method":"isNull","attribute":"phone"}]}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	if qs[0].Attribute != "email" || qs[0].Values[0] != "a@b.c" || len(qs[3].Nested) != 2 {
		t.Fatalf("%+v", qs)
	}
	p, rest, err := Paging(qs)
	if err != nil || p.Limit != 10 || len(rest) != 3 {
		t.Fatalf("Paging = %+v %d %v", p, len(rest), err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		``, `[]`, `equal("email", ["x"])`, `{"method":"drop"}`, `{"method":"equal","attribute":1}`,
		`{"method":"equal","values":[{"a":1}]}`, `{"method":"and","values":[{"method":"limit","values":[1]}]}`,
		`{"method":"or","values":[{"method":"or","values":[{"method":"or","values":[{"method":"or","values":[]}]}]}]}`,
	} {
		if _, err := Parse([]string{s}); err == nil {
			t.Errorf("Parse(%q) accepted", s)
		}
	}
	for _, s := range []string{`{"method":"limit","values":[0]}`, `{"method":"limit","values":[1.5]}`, `{"method":"offset","values":[-1]}`, `{"method":"limit","values":["5"]}`} {
		qs, err := Parse([]string{s})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := Paging(qs); err == nil {
			t.Errorf("Paging(%s) accepted", s)
		}
	}
	if _, err := OnlyPaging([]string{`{"method":"equal","attribute":"event","values":["x"]}`}); err == nil {
		t.Error("OnlyPaging accepted a filter")
	}
	if _, err := Parse(strings.Split(strings.Repeat(`{"method":"limit","values":[1]}|`, 101), "|")); err == nil {
		t.Error("too many queries accepted")
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"method":"equal","attribute":"email","values":["a@b.c"]}`)
	f.Add(`{"method":"and","values":[{"method":"between","attribute":"x","values":[1,2]}]}`)
	f.Add(`{"method":"cursorAfter","values":["abc"]}`)
	f.Fuzz(func(t *testing.T, s string) {
		qs, err := Parse([]string{s})
		if err != nil {
			return
		}
		Paging(qs)
	})
}
