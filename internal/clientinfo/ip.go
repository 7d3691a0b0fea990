package clientinfo

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address of the client that sent r, the way Appwrite
// does: the left-most entry of X-Forwarded-For when it holds an IP address,
// otherwise the host part of the socket's remote address.
//
// X-Forwarded-For is set by whoever sends the request, so the address it
// gives can only be trusted when Gatehouse sits behind a proxy that
// overwrites the header; Appwrite makes the same assumption.
func ClientIP(r *http.Request) string {
	if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
		first, _, _ := strings.Cut(xff, ",")
		if addr, ok := parseHostIP(strings.TrimSpace(first)); ok {
			return addr.String()
		}
	}
	return remoteHost(r.RemoteAddr)
}

// parseHostIP accepts an IP address, optionally in brackets or with a port
// ("203.0.113.7", "2001:db8::1", "[2001:db8::1]", "203.0.113.7:4711",
// "[2001:db8::1]:4711"), and returns the address without zone or IPv4
// mapping.
func parseHostIP(s string) (netip.Addr, bool) {
	if s == "" {
		return netip.Addr{}, false
	}
	addr, err := netip.ParseAddr(s)
	if err != nil {
		if ap, perr := netip.ParseAddrPort(s); perr == nil {
			addr, err = ap.Addr(), nil
		} else if len(s) > 2 && s[0] == '[' && s[len(s)-1] == ']' {
			addr, err = netip.ParseAddr(s[1 : len(s)-1])
		}
	}
	if err != nil {
		return netip.Addr{}, false
	}
	return addr.WithZone("").Unmap(), true
}

// remoteHost strips the port and IPv6 brackets from a socket address. An
// address that is not host:port is returned trimmed, without brackets.
func remoteHost(remote string) string {
	remote = strings.TrimSpace(remote)
	if addr, ok := parseHostIP(remote); ok {
		return addr.String()
	}
	if host, _, err := net.SplitHostPort(remote); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(remote, "["), "]")
}
