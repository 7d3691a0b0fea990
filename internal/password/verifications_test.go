package password

import (
	"context"
	"testing"
)

// TestVerificationsCounted: every check that runs is counted, matching or
// not; an empty stored hash runs none.
func TestVerificationsCounted(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(fast, 1)
	stored, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if n := h.Verifications(); n != 0 {
		t.Fatalf("hashing counted %d checks", n)
	}
	for _, pw := range []string{"correct horse", "wrong horse"} {
		h.Verify(ctx, Argon2, stored, nil, pw)
	}
	h.Verify(ctx, Argon2, "", nil, "anything")
	if n := h.Verifications(); n != 2 {
		t.Fatalf("%d checks counted, want 2", n)
	}
}
