package account

import "github.com/gatehouse-auth/gatehouse/internal/secret"

// longSecret is the length from which a hex secret carries 128 random
// bits: every secret Gatehouse makes for links (64 hex characters) and a
// server-made token of 32 or more. Those stay plain SHA-256, like session
// secrets: no search can reach a value with that many bits. Anything
// shorter (six-digit codes, short server-made tokens, mock codes) is
// hashed under the instance's code key.
const longSecret = 32

// codeKeyLabel names the key short secrets are hashed with; changing it
// withdraws every outstanding short secret.
const codeKeyLabel = "short secrets v1"

// SetInstanceKey gives the service the instance key (GATEHOUSE_SECRET_KEY,
// else the one kept in the instance table), from which it derives the key
// short secrets are hashed with. Without it, New's random key serves the
// process alone: enough for tools that issue no codes.
func (s *Service) SetInstanceKey(key []byte) error {
	k, err := secret.NewKeyed(key, codeKeyLabel)
	if err != nil {
		return err
	}
	s.codeKey = k
	return nil
}

// tokenHash is the stored form of a token's secret, decided by its length
// alone, so issuing and redeeming agree without knowing the token's type.
func (s *Service) tokenHash(raw string) string {
	if len(raw) >= longSecret {
		return secret.Hash(raw)
	}
	return s.codeKey.Hash(raw)
}
