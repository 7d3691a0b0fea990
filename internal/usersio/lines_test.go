package usersio

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

func TestLines(t *testing.T) {
	long := strings.Repeat("x", MaxLine+10)
	data := "\xef\xbb\xbf{\"a\":1}\r\n\n   \n" + long + "\n{\"b\":2}\n" + long + "\n{\"c\":3}"
	// One byte at a time exercises every buffer boundary.
	l := newLines(iotest.OneByteReader(strings.NewReader(data)))
	type got struct {
		line, pos string
		long      bool
	}
	var all []got
	for {
		line, pos, rowErr, err := l.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, got{string(line), pos, errors.Is(rowErr, errLineTooLong)})
	}
	want := []got{{`{"a":1}`, "line 1", false}, {"", "line 4", true}, {`{"b":2}`, "line 5", false}, {"", "line 6", true}, {`{"c":3}`, "line 7", false}}
	if len(all) != len(want) {
		t.Fatalf("lines = %+v", all)
	}
	for i := range want {
		if all[i] != want[i] {
			t.Errorf("line %d = %+v; want %+v", i, all[i], want[i])
		}
	}
	if len(l.buf) > 2*MaxLine {
		t.Errorf("buffer grew to %d bytes", len(l.buf))
	}
}

func TestLinesReadError(t *testing.T) {
	l := newLines(io.MultiReader(strings.NewReader("{}\n{"), iotest.ErrReader(errors.New("disk on fire"))))
	if _, _, _, err := l.next(); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := l.next(); err == nil || !strings.Contains(err.Error(), "line 2: disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestMeter(t *testing.T) {
	now := time.Unix(0, 0)
	clock := func() time.Time { return now }
	var w bytes.Buffer
	m := NewMeter(&w, true, clock)
	calls := 0
	status := func() string { calls++; return "working" }
	now = now.Add(time.Second)
	m.Show(10, status) // first: drawn
	now = now.Add(50 * time.Millisecond)
	m.Show(11, status) // too soon
	now = now.Add(60 * time.Millisecond)
	m.Show(22, status) // due
	m.Println("line 3: bad")
	m.Show(23, status) // too soon, even after a message
	if d := m.Done(); d != 1110*time.Millisecond {
		t.Errorf("Done = %v", d)
	}
	want := "\r\x1b[Kworking  10/s" + "\r\x1b[Kworking  20/s" + "\r\x1b[Kline 3: bad\n"
	if w.String() != want || calls != 2 {
		t.Errorf("terminal output %q (%d calls); want %q", w.String(), calls, want)
	}

	w.Reset()
	m = NewMeter(&w, false, clock)
	m.Show(1, func() string { t.Error("status called off a terminal"); return "" })
	m.Println("line 1: bad")
	m.Done()
	if w.String() != "line 1: bad\n" {
		t.Errorf("plain output %q", w.String())
	}
}

// FuzzSources feeds any bytes to every format: rows come back good or with
// an error, never a panic, and reading ends.
func FuzzSources(f *testing.F) {
	f.Add([]byte(`{"$id":"a","email":"a@example.com","password":"x","hash":"scrypt","hashOptions":{"salt":"s","costCpu":3}}`))
	f.Add([]byte(`{"user_id":"auth0|x","custom_password_hash":{"algorithm":"md5","hash":{"value":"AA==","encoding":"base64"}}}`))
	f.Add([]byte(`{"users":[{"localId":"a","passwordHash":"AAAA","salt":"AA==","createdAt":"12"}],"x":[{}]}`))
	f.Add([]byte("\x1f\x8b\x08\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range Formats {
			src, err := NewSource(format, bytes.NewReader(data), Options{Firebase: fbHash})
			if err != nil {
				continue
			}
			for i := 0; ; i++ {
				if i > 1<<20 {
					t.Fatalf("%s: reading does not end", format)
				}
				row, err := src.Next()
				if err != nil {
					break
				}
				if row.Err == nil && (row.User.ID == "" || row.Pos == "") {
					t.Fatalf("%s: good row without id or position: %+v", format, row)
				}
			}
		}
	})
}
