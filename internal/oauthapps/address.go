package oauthapps

import (
	"errors"
	"net"
	"net/netip"
	"syscall"
)

// errAddress is a metadata document fetch refused for where it would
// connect.
var errAddress = errors.New("the client ID metadata document's host is not a public address")

// blocked are the networks a metadata document is never fetched from:
// addresses that reach this machine or its private networks, so that a
// client_id URL cannot make the server probe them (SSRF). Loopback is
// let through only for a project with cimdAllowLoopback.
var blocked = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",       // "this network", unspecified
		"10.0.0.0/8",      // private
		"100.64.0.0/10",   // carrier-grade NAT
		"169.254.0.0/16",  // link-local, cloud metadata services
		"172.16.0.0/12",   // private
		"192.0.0.0/24",    // IETF protocol assignments
		"192.0.2.0/24",    // documentation
		"192.168.0.0/16",  // private
		"198.18.0.0/15",   // benchmarking
		"198.51.100.0/24", // documentation
		"203.0.113.0/24",  // documentation
		"224.0.0.0/4",     // multicast
		"240.0.0.0/4",     // reserved, broadcast
		"::/128",          // unspecified
		"100::/64",        // discard
		"2001:db8::/32",   // documentation
		"fc00::/7",        // unique local (private)
		"fe80::/10",       // link-local
		"ff00::/8",        // multicast
		"2001::/32",       // Teredo: tunnels to any IPv4 address
		"2002::/16",       // 6to4: likewise
		"64:ff9b:1::/48",  // local-use NAT64
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

// nat64 is the well-known NAT64 prefix: its addresses carry an IPv4
// address, which is checked instead.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// publicAddr reports whether a document may be fetched from ip; with
// loopback set, loopback addresses are allowed too.
func publicAddr(ip netip.Addr, loopback bool) bool {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:16]))
	}
	if !ip.IsValid() {
		return false
	}
	if ip.IsLoopback() {
		return loopback
	}
	if ip.IsUnspecified() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range blocked {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dialControl checks the address a connection is about to be made to,
// after name resolution: a name that resolves (or is re-bound) to a
// private address is refused here, whatever it resolved to before.
func dialControl(loopback bool) func(network, address string, c syscall.RawConn) error {
	return func(network, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return errAddress
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || !publicAddr(ip, loopback) {
			return errAddress
		}
		return nil
	}
}
