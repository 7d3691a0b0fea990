package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestSweepUsesIndexes: every batch of the maintenance sweep finds its rows
// through an index on the date it goes by, so a sweep over millions of
// rows walks the expired ones only. On PostgreSQL sequential scans are
// turned off for the check: with them off the planner still scans only
// when no index serves the query.
func TestSweepUsesIndexes(t *testing.T) {
	for _, e := range testdb.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			dsn := e.New(t)
			if e.Name == "sqlite" {
				dsn = filepath.Clean(strings.TrimPrefix(dsn, "sqlite:"))
			}
			s, err := Open(ctx, e.Name, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			conn, err := s.w.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			explain := "EXPLAIN QUERY PLAN "
			if e.Name == "postgres" {
				explain = "EXPLAIN "
				if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
					t.Fatal(err)
				}
				defer conn.ExecContext(ctx, "RESET enable_seqscan")
			}
			for _, kind := range storage.SweepKinds {
				rows, err := conn.QueryContext(ctx, explain+s.rebind(s.sweepQuery(sweepTables[kind])), int64(1), 10)
				if err != nil {
					t.Fatalf("%s: %v", kind, err)
				}
				var plan []string
				for rows.Next() {
					cols, _ := rows.Columns()
					vals := make([]any, len(cols))
					ptrs := make([]any, len(cols))
					for i := range vals {
						ptrs[i] = &vals[i]
					}
					if err := rows.Scan(ptrs...); err != nil {
						t.Fatal(err)
					}
					plan = append(plan, toString(vals[len(vals)-1]))
				}
				rows.Close()
				// The date's range must be walked on the index made for it:
				// PostgreSQL can also apply it to another index holding the
				// column further in, reading that whole index.
				st := sweepTables[kind]
				ranged := false
				for _, line := range plan {
					if strings.Contains(line, " "+sweepIndexes[kind]+" ") || strings.HasSuffix(line, " "+sweepIndexes[kind]) {
						ranged = true
					}
				}
				if !ranged {
					t.Errorf("%s: %s is not walked by %s on %s:\n%s", kind, st.table, st.date, sweepIndexes[kind], strings.Join(plan, "\n"))
				}
			}
		})
	}
}

// sweepIndexes names the index on each kind's date (migrations 00001,
// 00003, 00006, 00007 and 00011).
var sweepIndexes = map[storage.SweepKind]string{
	storage.SweepSessions:    "sessions_expire",
	storage.SweepTokens:      "tokens_expire",
	storage.SweepOAuthStates: "oauth_states_expire",
	storage.SweepChallenges:  "challenges_expire",
	storage.SweepLinkUndos:   "link_undos_expire",
	storage.SweepRateWindows: "rate_counters_window",
	storage.SweepDoneJobs:    "jobs_state_updated",
	storage.SweepLogs:        "logs_time",
	storage.SweepLinkedLogs:  "linked_logs_time",

	storage.SweepOAuth2Grants:   "oauth2_grants_expires",
	storage.SweepOAuth2PARs:     "oauth2_pars_expires",
	storage.SweepOAuth2Codes:    "oauth2_codes_expires",
	storage.SweepOAuth2Devices:  "oauth2_devices_expires",
	storage.SweepOAuth2Families: "oauth2_families_expires",
	storage.SweepOAuth2Keys:     "oauth2_keys_expires",
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}
