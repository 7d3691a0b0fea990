package httpapi

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParams(t *testing.T) {
	r := httptest.NewRequest("POST", "/v1/x", strings.NewReader(`{"s":"v","b":true,"n":5,"a":["x","y"],"o":{"k":1},"z":null}`))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	p, err := readParams(httptest.NewRecorder(), r)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok, err := p.str("s"); v != "v" || !ok || err != nil {
		t.Fatalf("str = %q %v %v", v, ok, err)
	}
	if _, _, err := p.str("b"); err == nil {
		t.Fatal("bool accepted as string")
	}
	if v, ok, _ := p.boolean("b"); !v || !ok {
		t.Fatal("boolean")
	}
	if n, ok, err := p.integer("n", 0, 10); n != 5 || !ok || err != nil {
		t.Fatal("integer")
	}
	if _, _, err := p.integer("n", 6, 10); err == nil {
		t.Fatal("range not checked")
	}
	if a, ok, _ := p.strings("a"); len(a) != 2 || !ok {
		t.Fatal("strings")
	}
	if _, ok := p.raw("o"); !ok || p.has("z") || p.has("missing") {
		t.Fatal("raw/has")
	}

	q := httptest.NewRequest("GET", "/v1/x?queries[1]=second&queries[0]=first&scopes[]=a&scopes[]=b&flag=false", nil)
	p, _ = readParams(httptest.NewRecorder(), q)
	if a, _, _ := p.strings("queries"); len(a) != 2 || a[0] != "first" || a[1] != "second" {
		t.Fatalf("indexed array %v", a)
	}
	if a, _, _ := p.strings("scopes"); len(a) != 2 {
		t.Fatalf("bare array %v", a)
	}
	if v, ok, err := p.boolean("flag"); v || !ok || err != nil {
		t.Fatal("query boolean")
	}

	f := httptest.NewRequest("POST", "/v1/x", strings.NewReader("email=a%40b.c&password=x"))
	f.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p, _ = readParams(httptest.NewRecorder(), f)
	if v, _, _ := p.str("email"); v != "a@b.c" {
		t.Fatalf("form %q", v)
	}
}

func FuzzReadParams(f *testing.F) {
	f.Add("application/json", `{"userId":"unique()","email":"a@b.c","prefs":{"x":[1,2]},"n":1e99}`)
	f.Add("application/x-www-form-urlencoded", "queries[0]=a&queries[10]=b&x=%zz")
	f.Add("", `{"a":`)
	f.Fuzz(func(t *testing.T, ct, body string) {
		r := httptest.NewRequest("POST", "/v1/x", strings.NewReader(body))
		r.Header.Set("Content-Type", ct)
		p, err := readParams(httptest.NewRecorder(), r)
		if err != nil {
			return
		}
		for _, name := range []string{"userId", "email", "prefs", "n", "queries", "x", "a"} {
			p.has(name)
			p.str(name)
			p.boolean(name)
			p.integer(name, -5, 5)
			p.strings(name)
			p.raw(name)
		}
	})
}
