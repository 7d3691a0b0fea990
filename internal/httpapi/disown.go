package httpapi

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// disownPath is where the "this wasn't me" link of a verification mail
// leads: Gatehouse's own pages. The link carries the verification
// secret; using it proves the address and takes the account from whoever
// set it up (see account.Disown).
const disownPath = "/v1/account/verification/disown/"

// disownRoutes serve that link to a browser: GET asks, and only the POST
// its button sends changes anything, so mail scanners that open links
// change nothing. The secret's 256 bits need no rate limit.
func (s *Server) disownRoutes() {
	page := route{noProject: true}
	s.handle("GET "+disownPath+"{projectId}", page, s.disownPage)
	s.handle("POST "+disownPath+"{projectId}", page, s.disownAccount)
}

// disownURL is the link's address without its parameters, under
// GATEHOUSE_PUBLIC_URL (never the request's Host: see undoURL).
func (s *Server) disownURL(projectID string) string { return s.pageURL(disownPath, projectID) }

type disownView struct {
	Title, Text, Action, UserID, Secret string
	Done                                bool
}

var disownTmpl = template.Must(template.New("disown").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>{{.Title}}</h1>
<p>{{.Text}}</p>
{{if not .Done}}<form method="post" action="{{.Action}}">
<input type="hidden" name="userId" value="{{.UserID}}">
<input type="hidden" name="secret" value="{{.Secret}}">
<button type="submit" style="padding:.6rem 1.2rem;font-size:1rem">This wasn't me</button>
</form>
<p style="color:#5b6b7b;font-size:.9rem">If you created this account yourself, close this page and use the verification link instead: nothing happens until you press the button.</p>{{end}}
</body></html>`))

func (s *Server) disownPage(c *call) error {
	p, uid, raw, err := s.disownTarget(c)
	if err != nil {
		return s.undoError(c, err)
	}
	return c.writeDisown(http.StatusOK, disownView{Title: "Did you create this account?",
		Text: "An account of " + p.Name + " was set up with your email address. If that was not you, press the button: " +
			"your address is verified as yours, and the password, the sessions and the other ways in that were set up " +
			"for the account are removed. You can then sign in with your email.",
		Action: disownPath + url.PathEscape(c.r.PathValue("projectId")), UserID: uid, Secret: raw})
}

func (s *Server) disownAccount(c *call) error {
	p, uid, raw, err := s.disownTarget(c)
	if err != nil {
		return s.undoError(c, err)
	}
	a := account.Actor{Client: *c.clientInfo(), Locale: c.r.Header.Get("X-Appwrite-Locale")}
	removed, err := s.Accounts.Disown(c.ctx(), p, uid, raw, a)
	if err != nil {
		return s.undoError(c, err)
	}
	text := "Your address is verified. Nothing else had been set up for the account."
	if len(removed) > 0 {
		text = "Your address is verified, and this was removed from the " + p.Name + " account: " + strings.Join(removed, "; ") +
			". You can now sign in with your email."
	}
	return c.writeDisown(http.StatusOK, disownView{Title: "The account is yours", Text: text, Done: true})
}

// disownTarget reads the project, the user id and the secret of a
// disown request.
func (s *Server) disownTarget(c *call) (*storage.Project, string, string, error) {
	p, raw, err := s.undoTarget(c)
	if err != nil {
		return nil, "", "", err
	}
	uid := c.r.Form.Get("userId")
	if err := validate.UID("userId", uid); err != nil {
		return nil, "", "", err
	}
	if raw == "" || len(raw) > 256 {
		return nil, "", "", apperr.Newf(apperr.UserInvalidToken, "This link is not valid. Check that it was copied whole from the mail.")
	}
	return p, uid, raw, nil
}

// writeDisown renders a disown page with the undo pages' protections:
// it holds a secret, must not be framed and must not leak its address.
func (c *call) writeDisown(status int, v disownView) error {
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.w.WriteHeader(status)
	return disownTmpl.Execute(c.w, v)
}
