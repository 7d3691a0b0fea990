package apitest

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

var verificationsMetric = regexp.MustCompile(`(?m)^gatehouse_password_verifications_total (\S+)$`)

// passwordChecks reads gatehouse_password_verifications_total from s's
// metrics listener.
func passwordChecks(t *testing.T, s *server) float64 {
	t.Helper()
	res, err := http.Get("http://" + s.srv.MetricsAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	m := verificationsMetric.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no gatehouse_password_verifications_total in\n%s", body)
	}
	n, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUnknownEmailSpendsAPasswordCheck: signing in with an unknown email
// runs one password check (on a dummy hash), as a known email with a
// wrong password does, so the time taken does not tell which emails have
// accounts (docs/differences.md). Counted, not timed.
func TestUnknownEmailSpendsAPasswordCheck(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			s := startServer(t, e, options{metrics: true})
			c := s.newProject(t)
			mail := email()
			c.signUp(mail, "correct horse")

			before := passwordChecks(t, s)
			expect(t, c.do("POST", "/account/sessions/email", map[string]any{"email": mail, "password": "wrong horse"}), 401, "user_invalid_credentials")
			known := passwordChecks(t, s)
			if known != before+1 {
				t.Fatalf("a wrong password ran %v checks, want 1", known-before)
			}
			for i := 0; i < 2; i++ { // the first builds the dummy hash; both check it
				expect(t, c.do("POST", "/account/sessions/email", map[string]any{"email": email(), "password": "wrong horse"}), 401, "user_invalid_credentials")
				after := passwordChecks(t, s)
				if after != known+1 {
					t.Fatalf("an unknown email ran %v checks, want 1 as a known one does", after-known)
				}
				known = after
			}
		})
	}
}
