package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"

	"github.com/gatehouse-auth/gatehouse/web"
)

// passkeysJSTag is the module's ETag: it changes with the binary's copy.
var passkeysJSTag = func() string {
	h := sha256.Sum256(web.PasskeysJS)
	return `"` + hex.EncodeToString(h[:16]) + `"`
}()

// servePasskeysJS serves the passkeys browser module at a stable path. A
// module script is fetched in CORS mode, so any origin may load it (it
// holds no secret and sets no cookie); the type is strict so no browser
// sniffs it as something else.
func (s *Server) servePasskeysJS(c *call) error {
	h := c.w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("ETag", passkeysJSTag)
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if c.r.Header.Get("If-None-Match") == passkeysJSTag {
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Length", strconv.Itoa(len(web.PasskeysJS)))
	c.w.WriteHeader(http.StatusOK)
	if c.r.Method == http.MethodHead {
		return nil
	}
	_, err := c.w.Write(web.PasskeysJS)
	return err
}
