// Package emailpolicy classifies email addresses for Appwrite 1.9's email
// policies: deny disposable, aliased (non-canonical), free and
// non-corporate addresses, per project, on sign-up and email change. It
// also computes the email* fields of the user model.
//
// The domain lists are data taken from maintained public lists (see
// data/*.txt for each one's source, licence, commit and date) and are
// refreshed with `go generate ./internal/emailpolicy`, which downloads
// them again; see gen/main.go. A domain counts as listed when it or any
// parent domain below its top-level label is listed.
package emailpolicy

//go:generate go run ./gen -out data

import (
	_ "embed"
	"strings"
	"sync"

	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

//go:embed data/disposable.txt
var disposableData string

//go:embed data/free.txt
var freeData string

type domainSet map[string]struct{}

// parseList reads a generated list: one lower-case domain a line, lines
// starting with # are comments.
func parseList(text string) domainSet {
	set := domainSet{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		set[strings.ToLower(line)] = struct{}{}
	}
	return set
}

var lists = sync.OnceValues(func() (disposable, free domainSet) {
	return parseList(disposableData), parseList(freeData)
})

// listed reports whether domain or one of its parents (never the bare
// top-level label) is in set.
func (set domainSet) listed(domain string) bool {
	for d := domain; strings.Contains(d, "."); {
		if _, ok := set[d]; ok {
			return true
		}
		_, d, _ = strings.Cut(d, ".")
	}
	return false
}

// Classify returns the facts stored with a user's email: nil when email
// is empty or cannot be parsed (see Parse).
func Classify(email string) *storage.EmailFacts {
	a, err := Parse(email)
	if err != nil {
		return nil
	}
	canonical, err := a.Canonical()
	if err != nil {
		return nil
	}
	return classify(a, canonical)
}

func classify(a Address, canonical string) *storage.EmailFacts {
	disposable, free := lists()
	f := &storage.EmailFacts{Canonical: canonical, IsCanonical: canonical == a.String()}
	f.Disposable = disposable.listed(a.Domain)
	// The free-mail list also holds throwaway providers; a domain on both
	// lists is disposable, not free, so the three kinds do not overlap.
	f.Free = !f.Disposable && free.listed(a.Domain)
	f.Corporate = !f.Disposable && !f.Free
	return f
}

// Enabled reports whether any email policy of the project is on.
func Enabled(auth storage.AuthSettings) bool {
	return auth.DisposableEmails || auth.CanonicalEmails || auth.FreeEmails || auth.CorporateEmails
}

// Check applies the project's email policies to an address about to be
// signed up with or changed to, in Appwrite's order: parse
// (general_invalid_email), disposable, aliased, free, non-corporate. With
// every policy off nothing is checked. A throwaway address counts as free
// and as non-corporate too, so a project denying free mail does not let
// disposable mail through when it leaves the disposable policy off.
func Check(auth storage.AuthSettings, email string) error {
	if !Enabled(auth) {
		return nil
	}
	a, err := Parse(email)
	if err != nil {
		return apperr.New(apperr.InvalidEmail)
	}
	canonical, err := a.Canonical()
	if err != nil {
		return apperr.New(apperr.InvalidEmail)
	}
	f := classify(a, canonical)
	switch {
	case auth.DisposableEmails && f.Disposable:
		return apperr.New(apperr.UserEmailDisposable)
	case auth.CanonicalEmails && !f.IsCanonical:
		return apperr.New(apperr.UserEmailNotCanonical)
	case auth.FreeEmails && (f.Free || f.Disposable):
		return apperr.New(apperr.UserEmailFree)
	case auth.CorporateEmails && !f.Corporate:
		return apperr.New(apperr.UserEmailNotCorporate)
	}
	return nil
}
