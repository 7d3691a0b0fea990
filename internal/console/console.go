// Package console serves the Gatehouse console: a browser app, embedded
// in the binary, that administers the instance through the public API
// only (docs/console.md). The sources under ui/ are the files served;
// there is no build step. This package sets the security headers every
// console file is served with.
package console

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed ui
var files embed.FS

// Prefix is where the console is served.
const Prefix = "/console/"

// CSP lets the console load its own scripts, styles and images and talk
// to its own origin, and nothing else: no inline script or style, no
// framing (clickjacking), no plugins, no form posts or base URLs
// elsewhere.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// types are the content types of the console's files, fixed here rather
// than read from the host's MIME tables.
var types = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".svg":  "image/svg+xml",
	".ico":  "image/x-icon",
}

// Handler serves the console under Prefix: the app's page at Prefix
// itself and its files below it.
func Handler() http.Handler {
	ui, _ := fs.Sub(files, "ui")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", CSP)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		// Always revalidated: a new binary's console replaces the old
		// one at the next load.
		h.Set("Cache-Control", "no-cache")
		name := strings.TrimPrefix(path.Clean(r.URL.Path), strings.TrimSuffix(Prefix, "/"))
		name = strings.TrimPrefix(name, "/")
		if name == "" {
			name = "index.html"
		}
		b, err := fs.ReadFile(ui, name)
		ext := path.Ext(name)
		ct, known := types[ext]
		if err != nil || !known {
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte("404 not found\n"))
			return
		}
		h.Set("Content-Type", ct)
		w.Write(b)
	})
}
