package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// api sends the setup calls of a run: the project, users and sessions the
// measured requests need. These calls are not measured.
type api struct {
	base    string // e.g. http://127.0.0.1:8080
	project string
	tr      *http.Transport
	runID   string // keeps emails unique across runs on one database
}

func newRunID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// benchUser is an account made for a run.
type benchUser struct {
	email, password string
	session         string // session string, when one was made
}

func (a *api) do(ctx context.Context, method, path string, headers map[string]string, body any) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := a.tr.RoundTrip(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, b, err
}

func unexpected(what string, resp *http.Response, body []byte) error {
	if len(body) > 300 {
		body = body[:300]
	}
	return fmt.Errorf("%s: status %d: %s", what, resp.StatusCode, body)
}

// ensureProject creates the project with the admin key; one that already
// exists is used as it is.
func (a *api) ensureProject(ctx context.Context, adminKey string) error {
	h := map[string]string{"X-Appwrite-Project": "console", "X-Appwrite-Key": adminKey}
	resp, body, err := a.do(ctx, http.MethodPost, "/v1/projects", h,
		map[string]string{"projectId": a.project, "name": "Bench"})
	if err != nil {
		return fmt.Errorf("create project: %w", err)
	}
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusConflict {
		return unexpected("create project", resp, body)
	}
	return nil
}

func (a *api) projectHeader() map[string]string {
	return map[string]string{"X-Appwrite-Project": a.project}
}

func (a *api) email(kind string, i int) string {
	return fmt.Sprintf("bench-%s-%s-%d@example.com", a.runID, kind, i)
}

func (a *api) password() string { return "Bench-" + a.runID + "-pw-7Qx!" }

// signupBody is the body of POST /v1/account.
func (a *api) signupBody(email string) map[string]string {
	return map[string]string{"userId": "unique()", "email": email, "password": a.password()}
}

func (a *api) signinBody(email string) map[string]string {
	return map[string]string{"email": email, "password": a.password()}
}

// createUser signs a user up and, if withSession, signs it in.
func (a *api) createUser(ctx context.Context, email string, withSession bool) (benchUser, error) {
	u := benchUser{email: email, password: a.password()}
	resp, body, err := a.do(ctx, http.MethodPost, "/v1/account", a.projectHeader(), a.signupBody(email))
	if err != nil {
		return u, fmt.Errorf("sign up: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		return u, unexpected("sign up", resp, body)
	}
	if !withSession {
		return u, nil
	}
	resp, body, err = a.do(ctx, http.MethodPost, "/v1/account/sessions/email", a.projectHeader(), a.signinBody(email))
	if err != nil {
		return u, fmt.Errorf("sign in: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		return u, unexpected("sign in", resp, body)
	}
	var fallback map[string]string
	if err := json.Unmarshal([]byte(resp.Header.Get("X-Fallback-Cookies")), &fallback); err != nil {
		return u, fmt.Errorf("sign in: X-Fallback-Cookies: %w", err)
	}
	if u.session = fallback["a_session_"+a.project]; u.session == "" {
		return u, fmt.Errorf("sign in: no session in X-Fallback-Cookies")
	}
	return u, nil
}

// createUsers makes users numbered from to n-1, a few at a time (the
// server hashes at most one password per CPU anyway).
func (a *api) createUsers(ctx context.Context, kind string, from, n int, withSession bool) ([]benchUser, error) {
	users := make([]benchUser, n-from)
	errs := make([]error, n-from)
	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for i := range n - from {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			users[i], errs[i] = a.createUser(ctx, a.email(kind, from+i), withSession)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return users, nil
}

// accountBody fetches GET /v1/account once, to check the session works
// and to learn the size of the body the ceiling should send.
func (a *api) accountBody(ctx context.Context, session string) ([]byte, error) {
	h := a.projectHeader()
	h["X-Appwrite-Session"] = session
	resp, body, err := a.do(ctx, http.MethodGet, "/v1/account", h, nil)
	if err != nil {
		return nil, fmt.Errorf("get account: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, unexpected("get account", resp, body)
	}
	return body, nil
}
