// Package clientinfo turns an HTTP request into the device and address
// fields Appwrite puts on sessions and logs: the client IP, the operating
// system, the client (browser or HTTP library), the device and the country.
//
// Appwrite fills these fields with Matomo device-detector. Gatehouse parses
// the User-Agent with github.com/mileusna/useragent and maps its result onto
// Matomo's vocabulary (two-letter browser codes, three-letter OS codes,
// device type names such as "desktop" or "smartphone"). Where Matomo's
// answer cannot be derived from the User-Agent alone (for instance Samsung
// marketing names for model codes) the raw model code is reported, and where
// the value is not known at all the field is left empty, as Appwrite does.
package clientinfo

import (
	"net/netip"
	"strings"
	"unicode/utf8"

	"github.com/mileusna/useragent"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

const (
	// MaxUserAgent is the number of bytes of a User-Agent that are parsed;
	// anything longer is cut before parsing.
	MaxUserAgent = 1024
	// MaxField is the largest number of bytes any output field may hold.
	MaxField = 256
	// UnknownCountry is the country code used when the country is not known.
	// Gatehouse ships no GeoIP database, so it is always used.
	UnknownCountry = "--"
)

// Client types, device names and engines as Matomo device-detector names them.
const (
	typeBrowser   = "browser"
	typeLibrary   = "library"
	typeMobileApp = "mobile app"
	typeDesktop   = "desktop"

	deviceDesktop    = "desktop"
	deviceSmartphone = "smartphone"
	deviceTablet     = "tablet"

	engineBlink    = "Blink"
	engineGecko    = "Gecko"
	engineWebKit   = "WebKit"
	engineTrident  = "Trident"
	engineEdgeHTML = "EdgeHTML"
	enginePresto   = "Presto"
)

// Parse reads a User-Agent header and the client's IP address into the
// record Appwrite stores on sessions. It never fails: what it cannot
// recognise is left empty. Every field of the result is valid UTF-8 without
// control characters and at most MaxField bytes long.
func Parse(userAgent, ip string) storage.Client {
	c := storage.Client{
		IP:          normalizeIP(ip),
		CountryCode: UnknownCountry,
	}

	ua := truncate(strings.TrimSpace(userAgent), MaxUserAgent)
	if ua == "" {
		return c
	}

	if !parseNonBrowser(ua, &c) {
		parseBrowser(ua, &c)
	}
	// Matomo cuts every version it builds to major.minor (its default
	// truncation, which Appwrite keeps); engine versions it does not cut,
	// and Appwrite reads its CLI's version itself, whole.
	c.OSVersion = majorMinor(c.OSVersion)
	if c.ClientCode != "cli" {
		c.ClientVersion = majorMinor(c.ClientVersion)
	}

	clean(&c.OSCode)
	clean(&c.OSName)
	clean(&c.OSVersion)
	clean(&c.ClientType)
	clean(&c.ClientCode)
	clean(&c.ClientName)
	clean(&c.ClientVersion)
	clean(&c.ClientEngine)
	clean(&c.ClientEngineVersion)
	clean(&c.DeviceName)
	clean(&c.DeviceBrand)
	clean(&c.DeviceModel)
	return c
}

// normalizeIP returns ip in canonical form, without zone, when it is an IP
// address, or otherwise the trimmed text, made safe to store.
func normalizeIP(ip string) string {
	ip = strings.TrimSpace(ip)
	if addr, err := netip.ParseAddr(ip); err == nil {
		// The zone is free text and meaningless off this host; drop it.
		return addr.WithZone("").Unmap().String()
	}
	clean(&ip)
	return ip
}

// parseNonBrowser recognises the Appwrite CLI and HTTP libraries and SDKs
// from the first product token of the User-Agent. It reports whether it
// filled c.
func parseNonBrowser(ua string, c *storage.Client) bool {
	product, version := firstProduct(ua)
	if product == "" {
		return false
	}
	if product == "AppwriteCLI" {
		// Appwrite special-cases its own CLI before asking Matomo.
		c.ClientType = typeDesktop
		c.ClientCode = "cli"
		c.ClientName = "Appwrite CLI"
		c.ClientVersion = version
		return true
	}
	if name := appwriteSDKName(product); name != "" {
		c.ClientType = typeLibrary
		c.ClientName = name
		c.ClientVersion = version
		return true
	}
	for _, lib := range libraries {
		if strings.EqualFold(product, lib.token) {
			c.ClientType = typeLibrary
			c.ClientName = lib.name
			c.ClientVersion = version
			return true
		}
	}
	return false
}

// library maps the product token an HTTP library sends to its display name.
type library struct{ token, name string }

var libraries = [...]library{
	{"curl", "curl"},
	{"Wget", "Wget"},
	{"Go-http-client", "Go-http-client"},
	{"node-fetch", "Node Fetch"},
	{"undici", "undici"},
	{"node", "Node.js"},
	{"axios", "Axios"},
	{"python-requests", "Python Requests"},
	{"Python-urllib", "Python urllib"},
	{"python-httpx", "HTTPX"},
	{"Python", "Python"},
	{"aiohttp", "aiohttp"},
	{"okhttp", "OkHttp"},
	{"Java", "Java"},
	{"Apache-HttpClient", "Apache HTTP Client"},
	{"Dart", "Dart"},
	{"PostmanRuntime", "Postman"},
	{"insomnia", "Insomnia"},
	{"HTTPie", "HTTPie"},
	{"GuzzleHttp", "Guzzle"},
	{"libwww-perl", "Perl"},
	{"Ruby", "Ruby"},
	{"Faraday", "Faraday"},
	{"Deno", "Deno"},
	{"Bun", "Bun"},
	{"reqwest", "reqwest"},
}

// appwriteSDKName turns an Appwrite server SDK product token such as
// "AppwriteNodeJSSDK" into "Appwrite Node.js SDK". It returns "" for other
// tokens.
func appwriteSDKName(product string) string {
	const prefix, suffix = "Appwrite", "SDK"
	if len(product) <= len(prefix)+len(suffix) ||
		!strings.HasPrefix(product, prefix) || !strings.HasSuffix(product, suffix) {
		return ""
	}
	lang := product[len(prefix) : len(product)-len(suffix)]
	switch lang {
	case "NodeJS":
		lang = "Node.js"
	case "DotNet":
		lang = ".NET"
	}
	return prefix + " " + lang + " " + suffix
}

// firstProduct splits the leading "name/version" token off a User-Agent.
// The version is empty when the token has none.
func firstProduct(ua string) (product, version string) {
	end := strings.IndexAny(ua, "/ ;(")
	if end < 0 {
		return ua, ""
	}
	product = ua[:end]
	if ua[end] != '/' {
		return product, ""
	}
	rest := ua[end+1:]
	if stop := strings.IndexAny(rest, " ;()"); stop >= 0 {
		rest = rest[:stop]
	}
	return product, rest
}

// parseBrowser fills the OS, client and device fields of c from a browser
// or browser-like User-Agent.
func parseBrowser(ua string, c *storage.Client) {
	m := useragent.Parse(ua)
	if m.Bot && m.Name != useragent.HeadlessChrome {
		// Matomo stops at bot detection and reports no client, OS or device.
		return
	}

	fillOS(ua, &m, c)
	fillClient(ua, &m, c)
	fillDevice(ua, &m, c)
}

// fillOS maps the library's OS onto Matomo's OS codes and names.
func fillOS(ua string, m *useragent.UserAgent, c *storage.Client) {
	version := numericVersion(m.OSVersion)
	switch m.OS {
	case useragent.Windows:
		c.OSCode, c.OSName, c.OSVersion = "WIN", "Windows", windowsVersion(version)
	case useragent.WindowsPhone:
		c.OSCode, c.OSName, c.OSVersion = "WPH", "Windows Phone", version
	case useragent.MacOS:
		c.OSCode, c.OSName, c.OSVersion = "MAC", "Mac", version
	case useragent.IOS:
		if strings.Contains(ua, "iPad") {
			c.OSCode, c.OSName, c.OSVersion = "IPA", "iPadOS", version
		} else {
			c.OSCode, c.OSName, c.OSVersion = "IOS", "iOS", version
		}
	case useragent.Android:
		c.OSCode, c.OSName, c.OSVersion = "AND", "Android", version
	case useragent.Linux:
		if strings.Contains(ua, "Ubuntu") {
			c.OSCode, c.OSName = "UBT", "Ubuntu"
		} else {
			c.OSCode, c.OSName = "LIN", "GNU/Linux"
		}
	case useragent.ChromeOS:
		c.OSCode, c.OSName, c.OSVersion = "COS", "Chrome OS", chromeOSVersion(ua)
	case useragent.FreeBSD:
		c.OSCode, c.OSName, c.OSVersion = "BSD", "FreeBSD", version
	}
}

// windowsVersion turns an NT kernel version into the Windows release name
// Matomo reports.
func windowsVersion(nt string) string {
	switch nt {
	case "10.0", "10":
		return "10"
	case "6.3":
		return "8.1"
	case "6.2":
		return "8"
	case "6.1":
		return "7"
	case "6.0":
		return "Vista"
	case "5.1", "5.2":
		return "XP"
	case "5.0":
		return "2000"
	}
	return ""
}

// chromeOSVersion reads the platform version from "CrOS <arch> <version>".
func chromeOSVersion(ua string) string {
	i := strings.Index(ua, "CrOS ")
	if i < 0 {
		return ""
	}
	rest := ua[i+len("CrOS "):]
	sp := strings.IndexByte(rest, ' ')
	if sp < 0 {
		return ""
	}
	return leadingVersion(rest[sp+1:])
}

// browserInfo is Matomo's code and name for a browser.
type browserInfo struct{ code, name string }

// fillClient maps the library's browser name onto Matomo's client fields
// and derives the rendering engine from the User-Agent.
func fillClient(ua string, m *useragent.UserAgent, c *storage.Client) {
	mobile := hasMobileToken(ua)
	ios := m.OS == useragent.IOS
	android := m.OS == useragent.Android

	var b browserInfo
	version := m.Version
	switch m.Name {
	case useragent.Chrome:
		switch {
		case ios:
			b = browserInfo{"CI", "Chrome Mobile iOS"}
		case android && mobile:
			b = browserInfo{"CM", "Chrome Mobile"}
		default:
			b = browserInfo{"CH", "Chrome"}
		}
	case useragent.Firefox:
		switch {
		case ios:
			b = browserInfo{"", "Firefox Mobile iOS"}
		case android:
			b = browserInfo{"FM", "Firefox Mobile"}
		default:
			b = browserInfo{"FF", "Firefox"}
		}
	case useragent.Safari:
		if ios {
			b = browserInfo{"MF", "Mobile Safari"}
		} else {
			b = browserInfo{"SF", "Safari"}
		}
	case useragent.Edge:
		b = browserInfo{"PS", "Microsoft Edge"}
	case useragent.Opera:
		b = browserInfo{"OP", "Opera"}
	case useragent.OperaMini:
		b = browserInfo{"", "Opera Mini"}
	case useragent.OperaTouch:
		b = browserInfo{"", "Opera Touch"}
	case useragent.SamsungBrowser:
		b = browserInfo{"SB", "Samsung Browser"}
	case useragent.InternetExplorer:
		b = browserInfo{"IE", "Internet Explorer"}
	case "Trident":
		// IE 11 drops "MSIE" and is only recognisable by its engine token.
		b = browserInfo{"IE", "Internet Explorer"}
		version = afterMarker(ua, "rv:")
	case useragent.Vivaldi:
		b = browserInfo{"", "Vivaldi"}
	case useragent.HeadlessChrome:
		b = browserInfo{"", "Headless Chrome"}
	case "Android browser":
		b = browserInfo{"", "Android Browser"}
	case useragent.FacebookApp, useragent.InstagramApp, useragent.TiktokApp:
		c.ClientType = typeMobileApp
		c.ClientName = m.Name
		c.ClientVersion = numericVersion(version)
		return
	default:
		// Chromium-based browsers that add their own product token, such as
		// "YaBrowser/24.1" after Chrome and Safari, are still browsers.
		if m.Name == "" || !strings.Contains(ua, "Chrome/") || !strings.Contains(ua, "Safari/") {
			return
		}
		b = browserInfo{"", m.Name}
	}

	c.ClientType = typeBrowser
	c.ClientCode = b.code
	c.ClientName = b.name
	c.ClientVersion = numericVersion(version)
	c.ClientEngine, c.ClientEngineVersion = engine(ua, m, ios)
}

// engine derives the rendering engine and its version from the User-Agent.
func engine(ua string, m *useragent.UserAgent, ios bool) (name, version string) {
	switch {
	case ios:
		// Every browser on iOS renders with WebKit.
		return engineWebKit, afterMarker(ua, "AppleWebKit/")
	case strings.Contains(ua, "Trident/"):
		return engineTrident, afterMarker(ua, "Trident/")
	case m.Name == useragent.Edge && strings.Contains(ua, "Edge/"):
		// Edge before version 79 ran on EdgeHTML.
		return engineEdgeHTML, afterMarker(ua, "Edge/")
	case strings.Contains(ua, "Presto/"):
		return enginePresto, afterMarker(ua, "Presto/")
	case strings.Contains(ua, "Gecko/") && strings.Contains(ua, "Firefox/"):
		return engineGecko, afterMarker(ua, "rv:")
	case strings.Contains(ua, "Chrome/"):
		v := afterMarker(ua, "Chrome/")
		if major(v) >= 28 {
			return engineBlink, v
		}
		return engineWebKit, afterMarker(ua, "AppleWebKit/")
	case strings.Contains(ua, "AppleWebKit/"):
		return engineWebKit, afterMarker(ua, "AppleWebKit/")
	}
	return "", ""
}

// fillDevice sets the device type, brand and model.
func fillDevice(ua string, m *useragent.UserAgent, c *storage.Client) {
	switch m.OS {
	case useragent.IOS:
		c.DeviceBrand = "Apple"
		if strings.Contains(ua, "iPad") {
			c.DeviceName, c.DeviceModel = deviceTablet, "iPad"
		} else if strings.Contains(ua, "iPod") {
			c.DeviceName, c.DeviceModel = "portable media player", "iPod Touch"
		} else {
			c.DeviceName, c.DeviceModel = deviceSmartphone, "iPhone"
		}
	case useragent.MacOS:
		c.DeviceName, c.DeviceBrand = deviceDesktop, "Apple"
	case useragent.Windows, useragent.Linux, useragent.ChromeOS, useragent.FreeBSD:
		c.DeviceName = deviceDesktop
	case useragent.WindowsPhone, useragent.BlackBerry, useragent.Harmony:
		c.DeviceName = deviceSmartphone
	case useragent.Android:
		if m.Tablet || !hasMobileToken(ua) {
			c.DeviceName = deviceTablet
		} else {
			c.DeviceName = deviceSmartphone
		}
		c.DeviceBrand, c.DeviceModel = androidDevice(m.Device)
	}
}

// androidDevice splits the device token of an Android User-Agent into a
// brand and a model. Chrome's reduced User-Agent sends the placeholder "K",
// and Firefox sends a form factor instead of a model; neither names a device.
func androidDevice(device string) (brand, model string) {
	model = strings.TrimSpace(device)
	if model == "" || model == "K" || strings.EqualFold(model, "Mobile") || strings.EqualFold(model, "Tablet") {
		return "", ""
	}
	for _, p := range brandPrefixes {
		if len(model) < len(p.prefix) || !strings.EqualFold(model[:len(p.prefix)], p.prefix) {
			continue
		}
		if p.strip {
			model = strings.TrimSpace(model[len(p.prefix):])
		}
		return p.brand, model
	}
	return "", model
}

// brandPrefix recognises a device brand from the start of an Android model
// token. strip removes the prefix from the model when it is the brand name
// itself rather than part of the model code.
type brandPrefix struct {
	prefix, brand string
	strip         bool
}

var brandPrefixes = [...]brandPrefix{
	{"SAMSUNG ", "Samsung", true},
	{"SM-", "Samsung", false},
	{"GT-", "Samsung", false},
	{"SCH-", "Samsung", false},
	{"SGH-", "Samsung", false},
	{"Galaxy", "Samsung", false},
	{"Pixel", "Google", false},
	{"Nexus", "Google", false},
	{"HUAWEI ", "Huawei", true},
	{"Redmi", "Xiaomi", false},
	{"POCO", "Xiaomi", false},
	{"Xiaomi ", "Xiaomi", true},
	{"Mi ", "Xiaomi", false},
	{"ONEPLUS ", "OnePlus", true},
	{"OnePlus", "OnePlus", false},
	{"moto", "Motorola", false},
	{"Motorola ", "Motorola", true},
	{"LG-", "LG", false},
	{"LM-", "LG", false},
	{"Nokia", "Nokia", false},
	{"CPH", "OPPO", false},
	{"RMX", "Realme", false},
	{"vivo ", "Vivo", true},
	{"XQ-", "Sony", false},
	{"KF", "Amazon", false},
}

// hasMobileToken reports whether the User-Agent carries the "Mobile" token
// browsers use to ask for phone-sized pages.
func hasMobileToken(ua string) bool {
	return strings.Contains(ua, "Mobile")
}

// afterMarker returns the version number that directly follows marker in ua.
func afterMarker(ua, marker string) string {
	i := strings.Index(ua, marker)
	if i < 0 {
		return ""
	}
	return leadingVersion(ua[i+len(marker):])
}

// leadingVersion returns the dotted number at the start of s.
func leadingVersion(s string) string {
	n := 0
	for n < len(s) && (s[n] >= '0' && s[n] <= '9' || s[n] == '.') {
		n++
	}
	return strings.TrimRight(s[:n], ".")
}

// numericVersion returns v when it looks like a version number (digits,
// dots and underscores, starting with a digit) and "" otherwise; the parser
// sometimes reports an architecture such as "x86_64" as a version.
func numericVersion(v string) string {
	if v == "" || v[0] < '0' || v[0] > '9' {
		return ""
	}
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < '0' || b > '9') && b != '.' && b != '_' {
			return ""
		}
	}
	return strings.ReplaceAll(v, "_", ".")
}

// majorMinor cuts a dotted version after its second part: "70.0.3538.77"
// is "70.0", "10" stays "10".
func majorMinor(v string) string {
	first := strings.IndexByte(v, '.')
	if first < 0 {
		return v
	}
	if second := strings.IndexByte(v[first+1:], '.'); second >= 0 {
		return v[:first+1+second]
	}
	return v
}

// major returns the leading integer of a dotted version, or 0.
func major(v string) int {
	n := 0
	for i := 0; i < len(v) && v[i] >= '0' && v[i] <= '9'; i++ {
		n = n*10 + int(v[i]-'0')
		if n > 1_000_000 {
			break
		}
	}
	return n
}

// truncate cuts s to at most limit bytes without splitting a UTF-8 sequence.
func truncate(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

// clean makes *s safe to store: valid UTF-8, no control characters, no
// surrounding space, and at most MaxField bytes. It allocates only when the
// value needs changing beyond slicing.
func clean(s *string) {
	v := *s
	if needsRewrite(v) {
		var b strings.Builder
		b.Grow(len(v))
		for _, r := range v {
			if r == utf8.RuneError || isControl(r) {
				continue
			}
			b.WriteRune(r)
		}
		v = b.String()
	}
	*s = strings.TrimSpace(truncate(v, MaxField))
}

// needsRewrite reports whether v holds invalid UTF-8 or control characters.
func needsRewrite(v string) bool {
	for i := 0; i < len(v); {
		b := v[i]
		if b < utf8.RuneSelf {
			if b < 0x20 || b == 0x7f {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(v[i:])
		if r == utf8.RuneError || isControl(r) {
			return true
		}
		i += size
	}
	return false
}

// isControl reports whether r is an ASCII or Latin-1 control character.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0)
}
