package httpapi

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// undoPath is where the "this wasn't me" link of a link or unlink notice
// leads: Gatehouse's own pages, not the app's.
const undoPath = "/v1/account/identities/undo/"

// undoRoutes serve that link to a browser: GET shows what happened and a
// button, and only the POST that button sends undoes anything, so mail
// scanners that open links change nothing.
func (s *Server) undoRoutes() {
	page := route{noProject: true}
	s.handle("GET "+undoPath+"{projectId}", page, s.undoPage)
	s.handle("POST "+undoPath+"{projectId}", page, s.undoChange)
}

// undoURL is the link mailed with a notice, without its secret: under
// GATEHOUSE_PUBLIC_URL, else the address the server listens on. Never the
// request's Host: whoever makes the change chooses that header, and could
// point the victim's undo link, and its secret, at a host of their own.
func (s *Server) undoURL(projectID string) string { return s.pageURL(undoPath, projectID) }

// pageURL is the address of one of Gatehouse's own pages for a project,
// under GATEHOUSE_PUBLIC_URL, else the address the server listens on.
func (s *Server) pageURL(path, projectID string) string {
	base := s.PublicURL
	if base == "" {
		base = s.ListenURL
	}
	return strings.TrimSuffix(base, "/") + path + url.PathEscape(projectID)
}

type undoView struct {
	Project string
	Title   string
	Text    string
	Action  string
	Secret  string
	Done    bool
	Error   *errorBody
}

var undoTmpl = template.Must(template.New("undo").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">
<h1>{{.Title}}</h1>
{{if .Error}}<p>{{.Error.Message}}</p><p><code>{{.Error.Type}}</code> ({{.Error.Code}})</p>
{{else}}<p>{{.Text}}</p>
{{if not .Done}}<form method="post" action="{{.Action}}">
<input type="hidden" name="secret" value="{{.Secret}}">
<button type="submit" style="padding:.6rem 1.2rem;font-size:1rem">Undo this change</button>
</form>
<p style="color:#5b6b7b;font-size:.9rem">If you made this change yourself, close this page: nothing happens until you press the button.</p>{{end}}
{{end}}</body></html>`))

// writeUndo renders one of the undo pages. They hold a secret, must not
// be framed (the button would be a clickjacking target) and must not leak
// their address to anything they link to.
func (c *call) writeUndo(status int, v undoView) error {
	h := c.w.Header()
	h.Set("Content-Type", "text/html; charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.w.WriteHeader(status)
	return undoTmpl.Execute(c.w, v)
}

// undoError renders err as a page, with Appwrite's error fields.
func (s *Server) undoError(c *call, err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		s.Log.ErrorContext(c.ctx(), "undo failed", "err", err)
		ae = apperr.Wrap(apperr.Unknown, err)
	}
	status, msg := ae.Kind.Status, ae.Message()
	if !passThrough[status] {
		status, msg = http.StatusInternalServerError, "Server Error"
	}
	return c.writeUndo(status, undoView{Title: "This link cannot be used",
		Error: &errorBody{Message: msg, Code: status, Type: ae.Kind.Type, Version: Version}})
}

// undoTarget finds the project and reads the secret of an undo request.
func (s *Server) undoTarget(c *call) (*storage.Project, string, error) {
	pid := c.r.PathValue("projectId")
	if pid == "" || len(pid) > 64 {
		return nil, "", apperr.New(apperr.ProjectNotFound)
	}
	snap, err := s.Projects.Lookup(c.ctx(), pid)
	if err != nil {
		return nil, "", err
	}
	c.r.Body = http.MaxBytesReader(c.w, c.r.Body, 64<<10)
	if err := c.r.ParseForm(); err != nil {
		return nil, "", apperr.Newf(apperr.ArgumentInvalid, "The form could not be read.")
	}
	return snap.Project, c.r.Form.Get("secret"), nil
}

func undoText(t *storage.LinkUndo, project string) string {
	at := t.Time.UTC().Format("2 January 2006 at 15:04 UTC")
	if t.Kind == storage.UndoUnlink {
		return "On " + at + ", an account of " + project + " was split in two. Undoing this joins the two accounts again " +
			"and signs out every session of the split-off account."
	}
	if t.Kind == storage.UndoIdentity {
		return "On " + at + ", a " + t.Provider + " account was added as a way into an account of " + project +
			". Undoing this removes it and signs out every session opened on the account since then."
	}
	return "On " + at + ", two accounts of " + project + " were linked into one. Undoing this splits them apart again " +
		"and signs out every session opened on the linked account since then."
}

func (s *Server) undoPage(c *call) error {
	p, raw, err := s.undoTarget(c)
	if err != nil {
		return s.undoError(c, err)
	}
	t, err := s.Accounts.CheckUndo(c.ctx(), p.ID, raw)
	if err != nil {
		return s.undoError(c, err)
	}
	return c.writeUndo(http.StatusOK, undoView{Project: p.Name, Title: "Was this you?", Text: undoText(t, p.Name),
		Action: undoPath + url.PathEscape(p.ID), Secret: raw})
}

func (s *Server) undoChange(c *call) error {
	p, raw, err := s.undoTarget(c)
	if err != nil {
		return s.undoError(c, err)
	}
	a := account.Actor{Client: *c.clientInfo(), Locale: c.r.Header.Get("X-Appwrite-Locale")}
	t, err := s.Accounts.Undo(c.ctx(), p, raw, a)
	if err != nil {
		return s.undoError(c, err)
	}
	text := "The accounts were split apart again, and the sessions opened since the change were signed out."
	if t.Kind == storage.UndoUnlink {
		text = "The accounts were joined again, and the split-off account's sessions were signed out."
	}
	if t.Kind == storage.UndoIdentity {
		text = "The added way in was removed, and the sessions opened since the change were signed out."
	}
	return c.writeUndo(http.StatusOK, undoView{Project: p.Name, Title: "The change was undone", Text: text, Done: true})
}
