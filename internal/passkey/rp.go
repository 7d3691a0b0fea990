package passkey

import (
	"context"
	"net"
	"net/url"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Projects finds a project with its platforms; *project.Service is one.
type Projects interface {
	Lookup(ctx context.Context, id string) (*project.Snapshot, error)
}

// RP is a project's relying party as one ceremony sees it.
type RP struct {
	ID               string // relying-party id (a domain)
	Name             string // shown by the browser
	UserVerification string // "required" or "preferred"
	Attestation      string // "none", "indirect" or "direct"
	snap             *project.Snapshot
	// console: the console project's relying party, whose only sites
	// are origins (console.go), not the project's platforms.
	console bool
	origins []string
}

// DefaultRPID is the relying-party id a project without its own gets:
// the hostname of its first web platform that names one ("*.example.com"
// gives example.com); "" when it has none.
func DefaultRPID(platforms []*storage.Platform) string {
	for _, p := range platforms {
		if project.Kind(p.Type) != project.PlatformWeb || p.Type == project.PlatformScheme {
			continue
		}
		h := strings.ToLower(strings.TrimPrefix(p.Hostname, "*."))
		if h == "" || h == "*" || strings.Contains(h, "*") {
			continue
		}
		return h
	}
	return ""
}

func (s *Service) rp(ctx context.Context, projectID string) (*RP, error) {
	snap, err := s.projects.Lookup(ctx, projectID)
	if err != nil {
		return nil, err
	}
	set := snap.Settings.Auth.Passkeys
	rp := &RP{ID: set.RPID, Name: snap.Name, UserVerification: set.UserVerification, Attestation: set.Attestation, snap: snap}
	if projectID == project.Console {
		// Fixed in code, whatever the row says (project.ConsoleSettings).
		site, ok := consoleSiteOf(ctx)
		if !ok {
			return nil, apperr.New(apperr.PasskeyRPMissing)
		}
		if net.ParseIP(site.rpID) != nil {
			// WebAuthn's relying party is a domain; browsers refuse an IP.
			return nil, apperr.Newf(apperr.PasskeyRPMissing, "Passkeys on the console need it served from a domain name (localhost, or GATEHOUSE_PUBLIC_URL's host), not an IP address.")
		}
		rp.ID, rp.UserVerification, rp.Attestation = site.rpID, "required", "none"
		rp.console, rp.origins = true, site.origins
	}
	if rp.ID == "" {
		rp.ID = DefaultRPID(snap.Platforms)
	}
	if rp.ID == "" {
		return nil, apperr.New(apperr.PasskeyRPMissing)
	}
	if rp.Name == "" {
		rp.Name = rp.ID
	}
	if rp.UserVerification == "" {
		rp.UserVerification = "preferred"
	}
	if rp.Attestation == "" {
		rp.Attestation = "none"
	}
	return rp, nil
}

// checkOrigin accepts the origin the browser put in the client data only
// when it is a secure context (https, or http on a loopback name), its
// hostname is one of the project's web platforms (on the console: it is
// one of the console's own origins), and it lies within the relying
// party's domain (the id itself or a subdomain of it). It
// returns the origin for the library to compare exactly.
func (rp *RP) checkOrigin(origin string) (string, error) {
	bad := apperr.New(apperr.PasskeyOriginInvalid)
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || u.Path != "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", bad
	}
	host := strings.ToLower(u.Hostname())
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback(host) {
			return "", bad
		}
	default:
		return "", bad
	}
	if host != rp.ID && !strings.HasSuffix(host, "."+rp.ID) {
		return "", bad
	}
	if rp.console {
		if !rp.consoleOrigin(origin) {
			return "", bad
		}
		return origin, nil
	}
	if rp.snap == nil || !rp.snap.HostAllowed(host) {
		return "", bad
	}
	return origin, nil
}

// loopback names are secure contexts over plain http.
func loopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
