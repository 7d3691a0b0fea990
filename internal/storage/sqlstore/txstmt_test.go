package sqlstore

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestTxStatementsPrepared: on SQLite a statement run in a transaction is
// prepared once that transaction ends and reused by later ones, and no
// more than maxTxStmts are kept however many distinct texts run.
func TestTxStatementsPrepared(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite", filepath.Join(t.TempDir(), "tx.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const q = `SELECT count(*) FROM projects WHERE id = $1`
	count := func() (n int) {
		err := s.inTx(ctx, func(tq querier) error {
			return tq.QueryRowContext(ctx, q, "none").Scan(&n)
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	count()
	s.mu.Lock()
	_, ok := s.stmts[q]
	s.mu.Unlock()
	if !ok {
		t.Fatal("the statement was not prepared after its transaction")
	}
	if n := count(); n != 0 {
		t.Fatalf("prepared statement counted %d", n)
	}
	for i := range maxTxStmts + 20 {
		err := s.inTx(ctx, func(tq querier) error {
			_, err := tq.ExecContext(ctx, fmt.Sprintf(`UPDATE projects SET name = name WHERE id = 'p%d'`, i))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	n := len(s.stmts)
	s.mu.Unlock()
	if n > maxTxStmts+1 {
		t.Fatalf("%d statements kept, bound %d", n, maxTxStmts)
	}
}
