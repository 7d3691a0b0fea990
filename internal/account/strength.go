package account

import (
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// PasswordStrength is the project's password-strength policy (Appwrite
// 1.9.5's password-strength), as the password package checks it.
func PasswordStrength(p *storage.Project) password.Strength {
	ps := p.Settings.Auth.PasswordStrength
	return password.Strength{Min: ps.Min, Uppercase: ps.Uppercase, Lowercase: ps.Lowercase, Number: ps.Number, Symbols: ps.Symbols}
}

// CheckPasswordPolicy is the validator of a new password in parameter
// param: the project's strength policy and, when on, its dictionary of
// common passwords. A refusal is general_argument_invalid whose message
// lists every requirement, so a client can show it as is.
func CheckPasswordPolicy(p *storage.Project, param, pw string) error {
	st := PasswordStrength(p)
	common := p.Settings.Auth.PasswordDictionary
	if !st.Check(pw) || common && isCommonPassword(pw) {
		return apperr.Invalid(param, st.Describe(common))
	}
	return nil
}
