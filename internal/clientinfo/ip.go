package clientinfo

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the peers whose forwarded headers (X-Forwarded-For,
// X-Forwarded-Proto) are believed: the load balancers and reverse proxies
// in front of Gatehouse.
type Proxies []netip.Prefix

// DefaultProxies is loopback only: a proxy on the same host. The private
// networks are not trusted by default, since any client on the same LAN,
// VPN or pod network would then choose its own address (and with it a
// fresh rate-limit counter) and say it came over https; an operator names
// a real proxy's network with GATEHOUSE_TRUSTED_PROXIES.
var DefaultProxies = append(Proxies{}, Loopback...)

// Loopback and Private are the networks the configuration names
// "loopback" and "private".
var (
	Loopback = Proxies{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	Private  = Proxies{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
		netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("fc00::/7")}
)

// ParseProxies reads a comma-separated list of addresses and CIDR prefixes;
// "none" (or "") trusts no proxy.
func ParseProxies(s string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" || strings.EqualFold(f, "none") {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR prefix", f)
		}
		a = a.WithZone("").Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (p Proxies) trusts(a netip.Addr) bool {
	for _, pre := range p {
		if pre.Contains(a) {
			return true
		}
	}
	return false
}

// TrustsPeer reports whether r came straight from a trusted proxy, so
// that its forwarded headers may be believed.
func (p Proxies) TrustsPeer(r *http.Request) bool {
	addr, ok := parseHostIP(remoteHost(r.RemoteAddr))
	return ok && p.trusts(addr)
}

// ClientIP returns the address of the client that sent r. It starts at
// the socket's peer and, while that peer is a trusted proxy, steps to the
// address the proxy recorded: X-Forwarded-For read from its right-most
// entry leftwards. An address a client wrote into the header itself is
// therefore never taken unless every hop after it is trusted, so a client
// cannot pick its own address (and with it, a fresh rate-limit counter).
// Appwrite takes the left-most entry whoever sent it.
func ClientIP(r *http.Request, trusted Proxies) string {
	peer := remoteHost(r.RemoteAddr)
	addr, ok := parseHostIP(peer)
	if !ok || !trusted.trusts(addr) {
		return peer
	}
	var hops []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(line, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		next, ok := parseHostIP(strings.TrimSpace(hops[i]))
		if !ok {
			break // garbage: keep the last address we could vouch for
		}
		addr = next
		if !trusted.trusts(addr) {
			break
		}
	}
	return addr.String()
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
