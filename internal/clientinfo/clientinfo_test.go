package clientinfo

import (
	"net/http/httptest"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const testIP = "203.0.113.7"

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		ua   string
		want storage.Client
	}{
		{
			name: "chrome on macOS",
			ua:   "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			want: storage.Client{
				OSCode: "MAC", OSName: "Mac", OSVersion: "10.15",
				ClientType: "browser", ClientCode: "CH", ClientName: "Chrome", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.0.0",
				DeviceName: "desktop", DeviceBrand: "Apple",
			},
		},
		{
			name: "firefox on windows",
			ua:   "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
			want: storage.Client{
				OSCode: "WIN", OSName: "Windows", OSVersion: "10",
				ClientType: "browser", ClientCode: "FF", ClientName: "Firefox", ClientVersion: "125.0",
				ClientEngine: "Gecko", ClientEngineVersion: "125.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "safari on iphone",
			ua:   "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
			want: storage.Client{
				OSCode: "IOS", OSName: "iOS", OSVersion: "17.4",
				ClientType: "browser", ClientCode: "MF", ClientName: "Mobile Safari", ClientVersion: "17.4",
				ClientEngine: "WebKit", ClientEngineVersion: "605.1.15",
				DeviceName: "smartphone", DeviceBrand: "Apple", DeviceModel: "iPhone",
			},
		},
		{
			name: "chrome on samsung android",
			ua:   "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
			want: storage.Client{
				OSCode: "AND", OSName: "Android", OSVersion: "14",
				ClientType: "browser", ClientCode: "CM", ClientName: "Chrome Mobile", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.6367.82",
				DeviceName: "smartphone", DeviceBrand: "Samsung", DeviceModel: "SM-S918B",
			},
		},
		{
			name: "samsung browser",
			ua:   "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/21.0 Chrome/110.0.5481.154 Mobile Safari/537.36",
			want: storage.Client{
				OSCode: "AND", OSName: "Android", OSVersion: "13",
				ClientType: "browser", ClientCode: "SB", ClientName: "Samsung Browser", ClientVersion: "21.0",
				ClientEngine: "Blink", ClientEngineVersion: "110.0.5481.154",
				DeviceName: "smartphone", DeviceBrand: "Samsung", DeviceModel: "SM-S918B",
			},
		},
		{
			name: "chrome on pixel",
			ua:   "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
			want: storage.Client{
				OSCode: "AND", OSName: "Android", OSVersion: "14",
				ClientType: "browser", ClientCode: "CM", ClientName: "Chrome Mobile", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.0.0",
				DeviceName: "smartphone", DeviceBrand: "Google", DeviceModel: "Pixel 8",
			},
		},
		{
			name: "chrome reduced android user agent",
			ua:   "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
			want: storage.Client{
				OSCode: "AND", OSName: "Android", OSVersion: "10",
				ClientType: "browser", ClientCode: "CM", ClientName: "Chrome Mobile", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.0.0",
				DeviceName: "smartphone",
			},
		},
		{
			name: "firefox on android tablet",
			ua:   "Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0",
			want: storage.Client{
				OSCode: "AND", OSName: "Android", OSVersion: "14",
				ClientType: "browser", ClientCode: "FM", ClientName: "Firefox Mobile", ClientVersion: "125.0",
				ClientEngine: "Gecko", ClientEngineVersion: "125.0",
				DeviceName: "tablet",
			},
		},
		{
			name: "edge on windows",
			ua:   "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
			want: storage.Client{
				OSCode: "WIN", OSName: "Windows", OSVersion: "10",
				ClientType: "browser", ClientCode: "PS", ClientName: "Microsoft Edge", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.0.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "legacy edge",
			ua:   "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19582",
			want: storage.Client{
				OSCode: "WIN", OSName: "Windows", OSVersion: "10",
				ClientType: "browser", ClientCode: "PS", ClientName: "Microsoft Edge", ClientVersion: "18.19582",
				ClientEngine: "EdgeHTML", ClientEngineVersion: "18.19582",
				DeviceName: "desktop",
			},
		},
		{
			name: "safari on macOS",
			ua:   "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
			want: storage.Client{
				OSCode: "MAC", OSName: "Mac", OSVersion: "10.15",
				ClientType: "browser", ClientCode: "SF", ClientName: "Safari", ClientVersion: "17.4",
				ClientEngine: "WebKit", ClientEngineVersion: "605.1.15",
				DeviceName: "desktop", DeviceBrand: "Apple",
			},
		},
		{
			name: "opera on windows 7",
			ua:   "Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/109.0.0.0 Safari/537.36 OPR/95.0.0.0",
			want: storage.Client{
				OSCode: "WIN", OSName: "Windows", OSVersion: "7",
				ClientType: "browser", ClientCode: "OP", ClientName: "Opera", ClientVersion: "95.0",
				ClientEngine: "Blink", ClientEngineVersion: "109.0.0.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "internet explorer 11",
			ua:   "Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko",
			want: storage.Client{
				OSCode: "WIN", OSName: "Windows", OSVersion: "8.1",
				ClientType: "browser", ClientCode: "IE", ClientName: "Internet Explorer", ClientVersion: "11.0",
				ClientEngine: "Trident", ClientEngineVersion: "7.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "chrome on iPad",
			ua:   "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1",
			want: storage.Client{
				OSCode: "IPA", OSName: "iPadOS", OSVersion: "17.4",
				ClientType: "browser", ClientCode: "CI", ClientName: "Chrome Mobile iOS", ClientVersion: "124.0",
				ClientEngine: "WebKit", ClientEngineVersion: "605.1.15",
				DeviceName: "tablet", DeviceBrand: "Apple", DeviceModel: "iPad",
			},
		},
		{
			name: "firefox on ubuntu",
			ua:   "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
			want: storage.Client{
				OSCode: "UBT", OSName: "Ubuntu",
				ClientType: "browser", ClientCode: "FF", ClientName: "Firefox", ClientVersion: "125.0",
				ClientEngine: "Gecko", ClientEngineVersion: "125.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "chrome on linux",
			ua:   "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			want: storage.Client{
				OSCode: "LIN", OSName: "GNU/Linux",
				ClientType: "browser", ClientCode: "CH", ClientName: "Chrome", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.0.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "chrome on chromebook",
			ua:   "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
			want: storage.Client{
				OSCode: "COS", OSName: "Chrome OS", OSVersion: "14541.0",
				ClientType: "browser", ClientCode: "CH", ClientName: "Chrome", ClientVersion: "124.0",
				ClientEngine: "Blink", ClientEngineVersion: "124.0.0.0",
				DeviceName: "desktop",
			},
		},
		{
			name: "appwrite node sdk",
			ua:   "AppwriteNodeJSSDK/27.1.0 (Node.js/v20.11.1; linux; x64)",
			want: storage.Client{ClientType: "library", ClientName: "Appwrite Node.js SDK", ClientVersion: "27.1"},
		},
		{
			name: "appwrite dotnet sdk",
			ua:   "AppwriteDotNetSDK/0.10.0 (Linux; X64)",
			want: storage.Client{ClientType: "library", ClientName: "Appwrite .NET SDK", ClientVersion: "0.10"},
		},
		{
			name: "appwrite cli",
			ua:   "AppwriteCLI/6.1.0 (darwin; arm64)",
			want: storage.Client{ClientType: "desktop", ClientCode: "cli", ClientName: "Appwrite CLI", ClientVersion: "6.1.0"},
		},
		{
			name: "curl",
			ua:   "curl/8.4.0",
			want: storage.Client{ClientType: "library", ClientName: "curl", ClientVersion: "8.4"},
		},
		{
			name: "go http client",
			ua:   "Go-http-client/2.0",
			want: storage.Client{ClientType: "library", ClientName: "Go-http-client", ClientVersion: "2.0"},
		},
		{
			name: "node-fetch with url",
			ua:   "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
			want: storage.Client{ClientType: "library", ClientName: "Node Fetch", ClientVersion: "1.0"},
		},
		{
			name: "undici without version",
			ua:   "undici",
			want: storage.Client{ClientType: "library", ClientName: "undici"},
		},
		{
			name: "python requests",
			ua:   "python-requests/2.31.0",
			want: storage.Client{ClientType: "library", ClientName: "Python Requests", ClientVersion: "2.31"},
		},
		{
			name: "crawler",
			ua:   "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
			want: storage.Client{},
		},
		{
			name: "unknown product",
			ua:   "SomeInternalTool/1.0",
			want: storage.Client{},
		},
		{
			name: "empty",
			ua:   "",
			want: storage.Client{},
		},
		{
			name: "blank",
			ua:   "   ",
			want: storage.Client{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := tt.want
			want.IP = testIP
			want.CountryCode = "--"
			got := Parse(tt.ua, testIP)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(%q)\n got %+v\nwant %+v", tt.ua, got, want)
			}
		})
	}
}

func TestParseIP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"203.0.113.7", "203.0.113.7"},
		{" 203.0.113.7 ", "203.0.113.7"},
		{"2001:DB8::1", "2001:db8::1"},
		{"::ffff:203.0.113.7", "203.0.113.7"},
		{"fe80::1%eth0", "fe80::1"},
		{"", ""},
		{"not-an-ip", "not-an-ip"},
		{"bad\x00ip\xff", "badip"},
	}
	for _, tt := range tests {
		if got := Parse("", tt.in).IP; got != tt.want {
			t.Errorf("Parse(_, %q).IP = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseLongUserAgent(t *testing.T) {
	chrome := "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"

	// Padding after the browser tokens is cut; the browser is still found.
	got := Parse(chrome+" "+strings.Repeat("x", 4000), testIP)
	if got.ClientName != "Chrome" || got.OSName != "Mac" {
		t.Errorf("long user agent: got %+v", got)
	}

	// A token pushed past the limit is not parsed.
	got = Parse("Mozilla/5.0 ("+strings.Repeat("a", MaxUserAgent)+") Firefox/125.0", testIP)
	if got.ClientName == "Firefox" {
		t.Errorf("token beyond %d bytes was parsed: %+v", MaxUserAgent, got)
	}

	// An unknown product name longer than a field is never echoed in full.
	got = Parse("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 "+strings.Repeat("é", 600)+"/1.0 Safari/537.36", testIP)
	checkFields(t, got)
}

func TestTruncateKeepsRunes(t *testing.T) {
	s := strings.Repeat("a", MaxUserAgent-1) + "é" // é straddles the limit
	got := truncate(s, MaxUserAgent)
	if len(got) != MaxUserAgent-1 || !utf8.ValidString(got) {
		t.Errorf("truncate: len %d, valid %v", len(got), utf8.ValidString(got))
	}
}

func TestClientIP(t *testing.T) {
	// Proxies in a private network, as GATEHOUSE_TRUSTED_PROXIES=loopback,private.
	lan := append(append(Proxies{}, Loopback...), Private...)
	tests := []struct {
		name   string
		xff    []string
		remote string
		want   string
	}{
		{name: "socket ipv4", remote: "192.0.2.10:54321", want: "192.0.2.10"},
		{name: "socket ipv6", remote: "[2001:db8::5]:443", want: "2001:db8::5"},
		{name: "socket ipv6 zone", remote: "[fe80::1%eth0]:443", want: "fe80::1"},
		{name: "socket mapped ipv4", remote: "[::ffff:192.0.2.10]:80", want: "192.0.2.10"},
		{name: "socket without port", remote: "192.0.2.10", want: "192.0.2.10"},
		{name: "socket ipv6 brackets without port", remote: "[2001:db8::5]", want: "2001:db8::5"},
		{name: "socket not an address", remote: "@", want: "@"},
		{name: "socket hostname", remote: "localhost:8080", want: "localhost"},
		{name: "empty", remote: "", want: ""},
		{name: "xff single", xff: []string{"198.51.100.1"}, remote: "10.0.0.1:1", want: "198.51.100.1"},
		{name: "xff through trusted hops", xff: []string{"198.51.100.1, 10.0.0.2, 10.0.0.3"}, remote: "10.0.0.1:1", want: "198.51.100.1"},
		{name: "xff forged left of a client", xff: []string{"203.0.113.66, 198.51.100.1, 10.0.0.2"}, remote: "10.0.0.1:1", want: "198.51.100.1"},
		{name: "xff spaces", xff: []string{"   198.51.100.1  ,10.0.0.2"}, remote: "10.0.0.1:1", want: "198.51.100.1"},
		{name: "xff ipv6", xff: []string{"2001:DB8::7, 10.0.0.2"}, remote: "10.0.0.1:1", want: "2001:db8::7"},
		{name: "xff bracketed ipv6 with port", xff: []string{"[2001:db8::7]:8443"}, remote: "10.0.0.1:1", want: "2001:db8::7"},
		{name: "xff ipv4 with port", xff: []string{"198.51.100.1:8443"}, remote: "10.0.0.1:1", want: "198.51.100.1"},
		{name: "xff header lines read as one list", xff: []string{"198.51.100.1", "198.51.100.2"}, remote: "10.0.0.1:1", want: "198.51.100.2"},
		{name: "xff garbage stops the walk", xff: []string{"198.51.100.1, unknown"}, remote: "10.0.0.1:1", want: "10.0.0.1"},
		{name: "xff garbage left of a client", xff: []string{"unknown, 198.51.100.1"}, remote: "10.0.0.1:1", want: "198.51.100.1"},
		{name: "xff empty entry", xff: []string{"198.51.100.1, "}, remote: "[fd00::5]:443", want: "fd00::5"},
		{name: "xff empty header", xff: []string{""}, remote: "10.0.0.1:1", want: "10.0.0.1"},
		{name: "xff from a stranger is ignored", xff: []string{"198.51.100.1"}, remote: "192.0.2.10:1", want: "192.0.2.10"},
		{name: "xff all trusted", xff: []string{"10.0.0.9, 10.0.0.2"}, remote: "127.0.0.1:1", want: "10.0.0.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/v1/account", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, lan); got != tt.want {
				t.Errorf("ClientIP = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDefaultProxiesLoopbackOnly: by default only a proxy on the same host
// is believed; a peer in a private network (a LAN, VPN or pod neighbour)
// is a client like any other and cannot pick its address.
func TestDefaultProxiesLoopbackOnly(t *testing.T) {
	for remote, trusted := range map[string]bool{
		"127.0.0.1:1": true, "[::1]:1": true, "10.0.0.1:1": false, "172.16.0.1:1": false,
		"192.168.1.1:1": false, "[fd00::5]:1": false, "203.0.113.9:1": false,
	} {
		r := httptest.NewRequest("GET", "/v1/account", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-For", "198.51.100.1")
		if got := DefaultProxies.TrustsPeer(r); got != trusted {
			t.Errorf("%s: TrustsPeer %v, want %v", remote, got, trusted)
		}
		want := "198.51.100.1"
		if !trusted {
			want = remoteHost(remote)
		}
		if got := ClientIP(r, DefaultProxies); got != want {
			t.Errorf("%s: ClientIP %q, want %q", remote, got, want)
		}
	}
}

// checkFields fails t when a field of c is not valid UTF-8, holds a control
// character or is longer than MaxField bytes.
func checkFields(t *testing.T, c storage.Client) {
	t.Helper()
	v := reflect.ValueOf(c)
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Name
		s := v.Field(i).String()
		if !utf8.ValidString(s) {
			t.Errorf("%s is not valid UTF-8: %q", name, s)
		}
		if len(s) > MaxField {
			t.Errorf("%s is %d bytes, more than %d", name, len(s), MaxField)
		}
		if strings.ContainsFunc(s, isControl) {
			t.Errorf("%s holds a control character: %q", name, s)
		}
	}
	if c.CountryCode != UnknownCountry {
		t.Errorf("CountryCode = %q, want %q", c.CountryCode, UnknownCountry)
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"curl/8.4.0",
		"AppwriteNodeJSSDK/27.1.0 (Node.js/v20.11.1; linux; x64)",
		"AppwriteCLI/6.1.0 (darwin; arm64)",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (Windows NT 6.3; Trident/7.0; rv:11.0) like Gecko",
		"Mozilla/5.0 (Linux; Android 13; \xff\x00bad) Chrome/1 Mobile Safari/1",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"Mozilla/5.0 (Windows NT 10.0) Chrome/124.0.0.0 " + strings.Repeat("ü", 300) + "/1.0 Safari/537.36",
	}
	for _, s := range seeds {
		f.Add(s, "203.0.113.7")
	}
	f.Add("curl/8", "[::1]:80\x00\xfe")
	f.Fuzz(func(t *testing.T, ua, ip string) {
		checkFields(t, Parse(ua, ip))
	})
}

func BenchmarkParse(b *testing.B) {
	const ua = "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36"
	b.ReportAllocs()
	for b.Loop() {
		Parse(ua, testIP)
	}
}

func TestParseProxies(t *testing.T) {
	p, err := ParseProxies(" 203.0.113.0/24, 2001:db8::1 ,none")
	if err != nil || len(p) != 2 || !p.trusts(netip.MustParseAddr("203.0.113.9")) || !p.trusts(netip.MustParseAddr("2001:db8::1")) ||
		p.trusts(netip.MustParseAddr("2001:db8::2")) {
		t.Fatalf("ParseProxies = %v, %v", p, err)
	}
	if p, err := ParseProxies("none"); err != nil || len(p) != 0 {
		t.Fatalf("none = %v, %v", p, err)
	}
	if _, err := ParseProxies("10.0.0.0/8, proxy.internal"); err == nil {
		t.Fatal("a host name was accepted")
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.0.0.1:1"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	if got := ClientIP(r, nil); got != "10.0.0.1" {
		t.Fatalf("no trusted proxies: %s", got)
	}
}
