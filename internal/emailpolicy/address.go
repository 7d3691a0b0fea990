package emailpolicy

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// Address is an email address split for the policies, lower-cased.
type Address struct {
	Local  string
	Domain string
}

func (a Address) String() string { return a.Local + "@" + a.Domain }

// ErrUnparsable is an address the policies cannot judge.
var ErrUnparsable = errors.New("emailpolicy: the address cannot be parsed")

// Parse splits and lower-cases an address. It accepts what the API's
// email validator accepts and that has a domain of at least two labels
// (a public mail domain): a bare host name or an address literal such as
// user@[192.0.2.1] is not judged by the lists, so it is ErrUnparsable.
func Parse(email string) (Address, error) {
	if len(email) > 254 || !utf8.ValidString(email) {
		return Address{}, ErrUnparsable
	}
	email = strings.ToLower(email)
	at := strings.LastIndexByte(email, '@')
	if at < 1 || at > 64 {
		return Address{}, ErrUnparsable
	}
	local, domain := email[:at], email[at+1:]
	if !validLocal(local) || !validDomain(domain) {
		return Address{}, ErrUnparsable
	}
	return Address{Local: local, Domain: domain}, nil
}

// validLocal accepts an unquoted local part: no space, control or special
// character, no leading, trailing or doubled dot.
func validLocal(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || strings.ContainsRune(`"(),:;<>@[\]`, r) {
			return false
		}
	}
	return true
}

// validDomain accepts a host name of two or more labels: letters, digits
// and inner hyphens (or non-ASCII letters of a not yet encoded IDN), and
// a top-level label that is not all digits.
func validDomain(s string) bool {
	labels := strings.Split(s, ".")
	if len(labels) < 2 || len(s) > 253 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			ok := r == '-' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r >= 0xa0
			if !ok {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// provider is how one mail provider aliases addresses.
type provider struct {
	tag        byte   // subaddress separator: the rest of the local part is dropped (0: none)
	dropDots   bool   // dots in the local part are ignored (Gmail)
	dotsAsDash bool   // dots and hyphens are the same character (Yandex)
	domain     string // the domain every domain of the provider delivers for ("": keep)
}

var (
	gmail   = &provider{tag: '+', dropDots: true, domain: "gmail.com"}
	plus    = &provider{tag: '+'}
	icloud  = &provider{tag: '+', domain: "icloud.com"}
	proton  = &provider{tag: '+', domain: "proton.me"}
	yahoo   = &provider{tag: '-'}
	yandex  = &provider{tag: '+', dotsAsDash: true, domain: "yandex.ru"}
	domains = map[string]*provider{
		"gmail.com": gmail, "googlemail.com": gmail,
		"icloud.com": icloud, "me.com": icloud, "mac.com": icloud,
		"proton.me": proton, "protonmail.com": proton, "protonmail.ch": proton, "pm.me": proton,
		"fastmail.com": plus, "fastmail.fm": plus,
		"msn.com": plus, "passport.com": plus,
		"ymail.com": yahoo, "rocketmail.com": yahoo,
		"yandex.ru": yandex, "yandex.com": yandex, "yandex.by": yandex, "yandex.kz": yandex, "yandex.ua": yandex,
		"yandex.com.tr": yandex, "ya.ru": yandex,
	}
	// Microsoft's and Yahoo's regional domains: the brand label followed
	// by a country code, optionally after com or co (hotmail.co.uk,
	// outlook.com.br, yahoo.fr).
	brands = map[string]*provider{"outlook": plus, "hotmail": plus, "live": plus, "yahoo": yahoo}
)

func providerOf(domain string) *provider {
	if p, ok := domains[domain]; ok {
		return p
	}
	brand, rest, _ := strings.Cut(domain, ".")
	p, ok := brands[brand]
	if !ok {
		return nil
	}
	if second, cc, ok := strings.Cut(rest, "."); ok {
		if second != "com" && second != "co" {
			return nil
		}
		rest = cc
	}
	if rest == "com" || (len(rest) == 2 && strings.Trim(rest, "abcdefghijklmnopqrstuvwxyz") == "") {
		return p
	}
	return nil
}

// Canonical is the address with its provider's aliasing removed: the
// mailbox every alias of it delivers to. Addresses of providers without
// known rules are their own canonical form (lower-cased). An alias that
// leaves nothing of the mailbox's name (+tag@gmail.com) is ErrUnparsable.
func (a Address) Canonical() (string, error) {
	p := providerOf(a.Domain)
	if p == nil {
		return a.String(), nil
	}
	local, domain := a.Local, a.Domain
	if p.tag != 0 {
		if i := strings.IndexByte(local, p.tag); i >= 0 {
			local = local[:i]
		}
	}
	if p.dropDots {
		local = strings.ReplaceAll(local, ".", "")
	}
	if p.dotsAsDash {
		local = strings.ReplaceAll(local, ".", "-")
	}
	if p.domain != "" {
		domain = p.domain
	}
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' {
		return "", ErrUnparsable
	}
	return local + "@" + domain, nil
}
