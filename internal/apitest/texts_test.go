package apitest

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// textStandIn answers like Twilio's Messages API and keeps what it was
// asked to send, so tests read the codes texted to people.
type textStandIn struct {
	url string
	mu  sync.Mutex
	got []text
}

type text struct{ to, body string }

func startTextStandIn(t testing.TB) *textStandIn {
	ts := &textStandIn{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sid, token, ok := r.BasicAuth()
		if !ok || sid != "ACtest" || token != "secret-token" || r.Method != "POST" ||
			r.URL.Path != "/2010-04-01/Accounts/ACtest/Messages.json" || r.ParseForm() != nil {
			http.Error(w, `{"code":20003,"message":"Authenticate"}`, http.StatusUnauthorized)
			return
		}
		ts.mu.Lock()
		ts.got = append(ts.got, text{to: r.PostForm.Get("To"), body: r.PostForm.Get("Body")})
		ts.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`{"sid":"SM0123","status":"queued"}`))
	}))
	t.Cleanup(srv.Close)
	ts.url = "twilio://ACtest:secret-token@" + strings.TrimPrefix(srv.URL, "http://") + "?from=%2B15550001111&insecure=1"
	return ts
}

// waitFor returns the newest text sent to number, waiting a bounded time.
func (ts *textStandIn) waitFor(t testing.TB, number string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		ts.mu.Lock()
		for i := len(ts.got) - 1; i >= 0; i-- {
			if ts.got[i].to == number {
				body := ts.got[i].body
				ts.got = append(ts.got[:i], ts.got[i+1:]...)
				ts.mu.Unlock()
				return body
			}
		}
		ts.mu.Unlock()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no text to %s", number)
	return ""
}

func (ts *textStandIn) count(number string) int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	n := 0
	for _, x := range ts.got {
		if x.to == number {
			n++
		}
	}
	return n
}
