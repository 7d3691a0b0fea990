package project

import "github.com/gatehouse-auth/gatehouse/internal/storage"

// EmailPolicyIDs are the email policies by their Project API ids, in
// Appwrite's order. The console routes
// (/v1/projects/{id}/auth/<id>) use the same names.
var EmailPolicyIDs = []string{"deny-aliased-email", "deny-disposable-email", "deny-free-email", "deny-corporate-email"}

// emailPolicy is the AuthSettings flag behind a policy id:
// deny-corporate-email is Appwrite's name for denying non-corporate
// addresses, and deny-aliased-email its stored canonicalEmails.
func emailPolicy(a *storage.AuthSettings, id string) *bool {
	switch id {
	case "deny-aliased-email":
		return &a.CanonicalEmails
	case "deny-disposable-email":
		return &a.DisposableEmails
	case "deny-free-email":
		return &a.FreeEmails
	case "deny-corporate-email":
		return &a.CorporateEmails
	}
	return nil
}

// SetEmailPolicy switches the email policy id on or off in a. It reports
// false, changing nothing, for an id that is not an email policy.
func SetEmailPolicy(a *storage.AuthSettings, id string, on bool) bool {
	p := emailPolicy(a, id)
	if p == nil {
		return false
	}
	*p = on
	return true
}

// EmailPolicy reports whether the email policy id is on in a; ok is
// false for an id that is not an email policy.
func EmailPolicy(a storage.AuthSettings, id string) (on, ok bool) {
	p := emailPolicy(&a, id)
	if p == nil {
		return false, false
	}
	return *p, true
}
