package main

import (
	"slices"
	"testing"
)

func TestParse(t *testing.T) {
	got, err := parse([]byte("# comment\nB.example\n\na.example\r\nb.example\n"), false)
	if err != nil || !slices.Equal(got, []string{"a.example", "b.example"}) {
		t.Fatalf("lines: %q, %v", got, err)
	}
	got, err = parse([]byte(`["z.example","A.example","z.example"]`), true)
	if err != nil || !slices.Equal(got, []string{"a.example", "z.example"}) {
		t.Fatalf("json: %q, %v", got, err)
	}
	for _, bad := range []string{"localhost\n", "a b.example\n", "x@y.example\n", "http://x.example/\n"} {
		if _, err := parse([]byte(bad), false); err == nil {
			t.Errorf("parse accepted %q", bad)
		}
	}
}
