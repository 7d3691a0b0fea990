package bench

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestSeedThenSweep seeds a small database whose oldest sessions and log
// entries are due, times the sweep over it, and checks that a second
// sweep finds nothing left.
func TestSeedThenSweep(t *testing.T) {
	for _, eng := range testdb.Engines() {
		t.Run("db="+eng.Name, func(t *testing.T) {
			database := eng.New(t)
			manifest := filepath.Join(t.TempDir(), "seed.json")
			if err := Seed([]string{"--database", database, "--users", "400", "--sessions-per-user", "3", "--chunk", "100",
				"--samples", "10", "--manifest", manifest}, io.Discard); err != nil {
				t.Fatal(err)
			}
			sweep := func() SweepReport {
				var out bytes.Buffer
				if err := Sweep([]string{"--database", database, "--batch", "50", "--pause", "0"}, &out); err != nil {
					t.Fatal(err)
				}
				var rep SweepReport
				if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
					t.Fatalf("%v: %s", err, out.String())
				}
				return rep
			}
			first := sweep()
			if first.Removed["sessions"] == 0 || first.Removed["logs"] == 0 {
				t.Fatalf("the first sweep removed %v; the seed has expired sessions and old log entries", first.Removed)
			}
			if first.Engine != eng.Name || first.Full == "" || first.Empty == "" {
				t.Errorf("report %+v", first)
			}
			if again := sweep(); again.Total != 0 {
				t.Errorf("a second sweep removed %v", again.Removed)
			}
		})
	}
}

func TestSweepFlags(t *testing.T) {
	for _, args := range [][]string{{"--batch", "0"}, {"--pause", "-1s"}, {"extra"}, {"--database", "mysql://x"}} {
		if err := Sweep(append([]string{"--database", "sqlite:x.db"}, args...), io.Discard); err == nil {
			t.Errorf("bench sweep %v: no error", args)
		}
	}
}
