package project

import (
	"context"
	"errors"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// ConsoleSessionSeconds is how long a console administrator's session
// lasts: a working day, not a project's default year, since it holds
// every project's keys and users.
const ConsoleSessionSeconds = 12 * 3600

// consoleMethodsOff are the sign-in methods the console project refuses:
// administrators sign in with email and password or a passkey (and a
// second factor where they enabled one). Sign-up is not a method: the
// console serves no sign-up route at all, passkey sign-up included (see
// httpapi's consoleAccountRoutes).
var consoleMethodsOff = []string{"usersAuthMagicURL", "anonymous", "phone", "invites", "JWT", "emailOtp"}

// ConsoleSettings are the console project's fixed auth settings. They are
// written when the row is made and again at every start, so no edit made
// to the row outside Gatehouse outlives a restart; the Projects API
// refuses to change them.
func ConsoleSettings() storage.ProjectSettings {
	a := storage.NewAuthSettings()
	a.Duration = ConsoleSessionSeconds
	a.MaxSessions = 10
	a.PasswordDictionary = true
	a.PersonalDataCheck = true
	a.PasswordStrength.Min = 10
	a.LinkingMode = "off"
	for _, m := range consoleMethodsOff {
		a.Methods[m] = false
	}
	// Passkeys are on, with the user verified on every use: a passkey
	// alone signs an administrator in. The relying party is no setting:
	// it is the host the console is served from (passkey.WithConsole).
	a.Methods["passkey"] = true
	a.Passkeys = storage.PasskeySettings{UserVerification: "required", Attestation: "none"}
	return storage.ProjectSettings{Auth: a}
}

// EnsureConsole makes the console project's row when it is missing and
// resets its settings to ConsoleSettings. Every start runs it, and the
// admins CLI before it writes, so a database of any age gets the row.
func (s *Service) EnsureConsole(ctx context.Context) (*storage.Project, error) {
	now := s.now().UTC()
	p := &storage.Project{ID: Console, Name: "Console", CreatedAt: now, UpdatedAt: now, Settings: ConsoleSettings()}
	err := s.store.CreateProject(ctx, p)
	if err == nil {
		s.Forget(Console)
		return p, nil
	}
	if !errors.Is(err, storage.ErrConflict) {
		return nil, err
	}
	p, err = s.store.UpdateProject(ctx, Console, func(p *storage.Project) error {
		p.Settings = ConsoleSettings()
		return nil
	})
	s.Forget(Console)
	return p, err
}
