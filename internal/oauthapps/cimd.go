package oauthapps

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Client ID metadata documents (draft-ietf-oauth-client-id-metadata-
// document): a client names itself by the https URL of a JSON document
// holding its RFC 7591 metadata, and the server fetches it.
const (
	// MaxDocument bounds a document; the draft suggests 5 kB.
	MaxDocument = 5 << 10
	// FetchTimeout bounds a whole fetch, connection to last byte.
	FetchTimeout = 5 * time.Second
	// The cache keeps a document as its Cache-Control max-age says,
	// within these bounds; defaultCache when it says nothing.
	maxCache     = time.Hour
	defaultCache = 5 * time.Minute
	// maxCached bounds the documents kept, per node.
	maxCached = 1000
)

// fetcher fetches and caches metadata documents. It keeps two
// transports, so a connection opened under a project's cimdAllowLoopback
// is never reused for a project without it.
type fetcher struct {
	now    func() time.Time
	strict *http.Client
	dev    *http.Client

	mu       sync.Mutex
	cache    map[cacheKey]cached
	inflight map[cacheKey]*flight
}

// flight is a fetch under way; others asking for the same document wait
// for it instead of fetching again, so a burst of requests naming one
// client_id makes one request to its host.
type flight struct {
	done chan struct{}
	doc  *Document
	err  error
}

type cacheKey struct {
	project  string
	url      string
	loopback bool
}

type cached struct {
	doc    *Document
	expire time.Time
}

func newFetcher(now func() time.Time) *fetcher {
	return &fetcher{now: now, strict: docClient(false), dev: docClient(true), cache: map[cacheKey]cached{},
		inflight: map[cacheKey]*flight{}}
}

// docClient is the HTTP client of document fetches: no proxy (a proxy
// would connect for us, past the address check), the address check on
// every connection, the system's trust store (SSL_CERT_FILE and
// SSL_CERT_DIR are honoured by crypto/x509), no redirects (the draft
// forbids following them), and a time limit on the whole exchange.
func docClient(loopback bool) *http.Client {
	d := &net.Dialer{Timeout: FetchTimeout, Control: dialControl(loopback)}
	t := &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		TLSHandshakeTimeout:    FetchTimeout,
		ResponseHeaderTimeout:  FetchTimeout,
		MaxResponseHeaderBytes: 16 << 10,
		MaxIdleConns:           16,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{Transport: t, Timeout: FetchTimeout, CheckRedirect: func(*http.Request, []*http.Request) error {
		return errRedirect
	}}
}

var errRedirect = errors.New("the client ID metadata document's URL redirects; redirects are not followed")

// DocError is why a metadata document could not be used; its text is
// safe to show to the client's developer.
type DocError struct{ Why string }

func (e *DocError) Error() string { return e.Why }

func docErr(format string, args ...any) error { return &DocError{Why: fmt.Sprintf(format, args...)} }

// IsURL reports whether a client_id is a URL (a metadata document)
// rather than an app id, which never holds a colon.
func IsURL(clientID string) bool { return strings.Contains(clientID, "://") }

// checkClientIDURL applies the draft's rules to a client_id URL: https,
// a path, no dot segments, no fragment, no user name or password. With
// loopback (a project's cimdAllowLoopback) an http URL on a loopback
// host is also accepted, for development.
func checkClientIDURL(raw string, loopback bool) (*url.URL, error) {
	if len(raw) > maxURL {
		return nil, docErr("The client_id URL is longer than 2048 characters.")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" {
		return nil, docErr("The client_id is not an absolute URL.")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback && loopbackHost(u.Hostname()):
	default:
		return nil, docErr("A client_id URL must use https.")
	}
	if u.User != nil {
		return nil, docErr("A client_id URL must not hold a user name or password.")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, docErr("A client_id URL must not have a fragment.")
	}
	if u.Path == "" || u.Path == "/" {
		return nil, docErr("A client_id URL must have a path.")
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if s, _ := url.PathUnescape(seg); s == "." || s == ".." {
			return nil, docErr("A client_id URL must not have . or .. path segments.")
		}
	}
	return u, nil
}

// get returns the document at raw for a project, from the cache while
// it is fresh.
func (f *fetcher) get(ctx context.Context, projectID, raw string, loopback bool) (*Document, error) {
	u, err := checkClientIDURL(raw, loopback)
	if err != nil {
		return nil, err
	}
	// The project and its allowance are part of the key: projects
	// differ in what they allow, and a document fetched under an
	// allowance must not be served from the cache once it is withdrawn,
	// nor to another project.
	key := cacheKey{project: projectID, url: raw, loopback: loopback}
	now := f.now()
	f.mu.Lock()
	if c, ok := f.cache[key]; ok && now.Before(c.expire) {
		f.mu.Unlock()
		return c.doc, nil
	}
	if fl, ok := f.inflight[key]; ok {
		f.mu.Unlock()
		select {
		case <-fl.done:
			return fl.doc, fl.err
		case <-ctx.Done():
			return nil, fetchError(ctx.Err())
		}
	}
	fl := &flight{done: make(chan struct{})}
	f.inflight[key] = fl
	f.mu.Unlock()

	hc := f.strict
	if loopback {
		hc = f.dev
	}
	// The fetch is not the first asker's alone: its own time limit
	// bounds it, not that request's end.
	doc, life, err := fetch(context.WithoutCancel(ctx), hc, u, raw)
	fl.doc, fl.err = doc, err
	f.mu.Lock()
	delete(f.inflight, key)
	f.mu.Unlock()
	close(fl.done)
	if err != nil {
		return nil, err
	}
	if life > 0 {
		f.put(key, cached{doc: doc, expire: now.Add(life)})
	}
	return doc, nil
}

func (f *fetcher) put(key cacheKey, c cached) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.cache) >= maxCached {
		now := f.now()
		for k, v := range f.cache {
			if !now.Before(v.expire) {
				delete(f.cache, k)
			}
		}
		// Still full: drop any one (map order is random).
		for k := range f.cache {
			if len(f.cache) < maxCached {
				break
			}
			delete(f.cache, k)
		}
	}
	f.cache[key] = c
}

// fetch requests the document and checks it; life is how long it may be
// cached.
func fetch(ctx context.Context, hc *http.Client, u *url.URL, raw string) (*Document, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, 0, docErr("The client_id is not a URL that can be fetched.")
	}
	req.Header.Set("Accept", "application/json")
	res, err := hc.Do(req)
	if err != nil {
		return nil, 0, fetchError(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, 0, docErr("The client ID metadata document's URL answered %d, not 200.", res.StatusCode)
	}
	ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if ct != "application/json" && !(strings.HasPrefix(ct, "application/") && strings.HasSuffix(ct, "+json")) {
		return nil, 0, docErr("The client ID metadata document is not served as application/json.")
	}
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxDocument+1))
	if err != nil {
		return nil, 0, fetchError(err)
	}
	if len(body) > MaxDocument {
		return nil, 0, docErr("The client ID metadata document is larger than %d bytes.", MaxDocument)
	}
	doc, err := ParseDocument(raw, body)
	if err != nil {
		return nil, 0, err
	}
	return doc, cacheLife(res.Header.Get("Cache-Control")), nil
}

// fetchError names why a fetch failed without the details of the
// network (which would tell a prober about the server's surroundings).
func fetchError(err error) error {
	switch {
	case errors.Is(err, errAddress):
		return docErr("%s.", errAddress.Error())
	case errors.Is(err, errRedirect):
		return docErr("%s.", errRedirect.Error())
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return docErr("The client ID metadata document did not arrive within %s.", FetchTimeout)
	}
	return docErr("The client ID metadata document could not be fetched.")
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// cacheLife reads max-age from Cache-Control: no-store or no-cache mean
// no caching, max-age is kept within maxCache, and no directive means
// defaultCache.
func cacheLife(cc string) time.Duration {
	life := defaultCache
	for _, d := range strings.Split(cc, ",") {
		name, val, _ := strings.Cut(strings.TrimSpace(strings.ToLower(d)), "=")
		switch name {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			n, err := strconv.Atoi(strings.Trim(val, `"`))
			if err != nil || n < 0 {
				return 0
			}
			life = time.Duration(n) * time.Second
		}
	}
	return min(life, maxCache)
}
