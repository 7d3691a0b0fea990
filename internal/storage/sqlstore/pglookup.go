package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The session lookup on PostgreSQL: pgx's own interface, and lookups that
// arrive together share one query.
//
// database/sql over pgx's stdlib adapter costs, per lookup, a Row and Rows
// with their locks, every value boxed into a driver.Value and converted
// again by reflection in Scan. pgx's native pool scans the binary values
// straight into the caller's variables and keeps each statement prepared.
//
// On PostgreSQL most of a lookup's cost is not the index probe but the
// round trip around it: a write and a read on a socket on this side, and
// on the server a backend woken to parse the message, take a snapshot and
// start an executor. Every node of a deployment pays it against the one
// shared database. So lookups are batched: one that arrives while fewer
// than maxInFlight batches are out goes at once, alone; one that arrives
// while they are all out waits, and when a batch comes back everything
// that queued meanwhile goes as the next, in one query. An idle server
// adds no delay, and a busy one makes fewer, larger queries. Every lookup
// still runs in a query sent after it arrived, so it sees every session
// change committed before, on any node: nothing is cached.

// pgLookups runs the session lookups on a pgx pool.
type pgLookups struct {
	pool    *pgxpool.Pool
	batches [lookupKinds]*lookupBatcher
}

// maxBatch bounds the lookups of one query.
const maxBatch = 64

// batchTimeout bounds one batch query. It runs without the callers'
// contexts, since one caller going away must not fail the others.
const batchTimeout = 10 * time.Second

func openPGLookups(ctx context.Context, dsn string, inFlight int, cols [lookupKinds]string) (*pgLookups, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("session lookup pool: %w", err)
	}
	cfg.MaxConns = int32(inFlight)
	// This pool runs the lookups and nothing else, whose only good plan is
	// probing the unique secret index and the users' primary key, the same
	// for any number of hashes. Left to itself the planner picks
	// sequential scans and a hash join for an array of hashes while a
	// table is small or has no statistics yet (autovacuum off, a fresh
	// database); and it plans the statement anew on every run, because a
	// plan for the actual array always looks cheaper than the generic one
	// (that doubled a lookup's time). So: index probes only, planned once.
	for k, v := range map[string]string{"enable_seqscan": "off", "enable_hashjoin": "off", "enable_mergejoin": "off",
		"plan_cache_mode": "force_generic_plan"} {
		cfg.ConnConfig.RuntimeParams[k] = v
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("session lookup pool: %w", err)
	}
	p := &pgLookups{pool: pool}
	for k, c := range cols {
		// The session's own hash, project and user come first, to hand
		// each row to the lookups it answers.
		q := `SELECT s.secret_hash, s.project_id, s.user_id, ` + c + `
			FROM sessions s JOIN users u ON u.project_id = s.project_id AND u.id = s.user_id
			WHERE s.secret_hash = ANY($1)`
		p.batches[k] = &lookupBatcher{pool: pool, query: q, maxInFlight: inFlight}
	}
	return p, nil
}

// query runs lookup k into dest, as Row.Scan would (sql.ErrNoRows when
// there is no such session of that user in that project).
func (p *pgLookups) query(k lookupKind, dest []any, secretHash, projectID, userID string) error {
	r := &lookupReq{secretHash: secretHash, projectID: projectID, userID: userID, dest: dest, res: make(chan lookupMsg, 1)}
	return p.batches[k].do(r)
}

func (p *pgLookups) close() { p.pool.Close() }

// lookupReq is one caller's lookup.
type lookupReq struct {
	secretHash, projectID, userID string
	dest                          []any
	res                           chan lookupMsg
}

// lookupMsg tells a waiting lookup its result, or hands it a batch (its
// own among them) to send.
type lookupMsg struct {
	err  error
	lead []*lookupReq
}

// lookupBatcher groups the lookups of one kind.
type lookupBatcher struct {
	pool        *pgxpool.Pool
	query       string
	maxInFlight int

	mu       sync.Mutex
	inFlight int
	queue    []*lookupReq
}

func (b *lookupBatcher) do(r *lookupReq) error {
	b.mu.Lock()
	if b.inFlight < b.maxInFlight {
		b.inFlight++
		b.mu.Unlock()
		b.lead([]*lookupReq{r})
	} else {
		b.queue = append(b.queue, r)
		b.mu.Unlock()
	}
	for {
		m := <-r.res
		if m.lead == nil {
			return m.err
		}
		b.lead(m.lead)
	}
}

// lead sends batch, answers its lookups, and passes the turn on: to the
// first lookup queued meanwhile, with everything queued (up to maxBatch),
// or, with nothing queued, back to the pool of turns.
func (b *lookupBatcher) lead(batch []*lookupReq) {
	b.run(batch)
	b.mu.Lock()
	n := min(len(b.queue), maxBatch)
	next := b.queue[:n:n]
	b.queue = b.queue[n:]
	if len(b.queue) == 0 {
		b.queue = nil
	}
	if n == 0 {
		b.inFlight--
	}
	b.mu.Unlock()
	if n > 0 {
		next[0].res <- lookupMsg{lead: next}
	}
}

// run queries the sessions of batch and answers each lookup.
func (b *lookupBatcher) run(batch []*lookupReq) {
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	hashes := make([]string, len(batch))
	for i, r := range batch {
		hashes[i] = r.secretHash
	}
	errs := make([]error, len(batch))
	for i := range errs {
		errs[i] = sql.ErrNoRows
	}
	err := b.scan(ctx, hashes, batch, errs)
	for i, r := range batch {
		if err != nil {
			errs[i] = err
		}
		r.res <- lookupMsg{err: errs[i]}
	}
}

// scan reads the rows of hashes into the lookups they answer, setting
// their errs to nil (or to a scan error).
func (b *lookupBatcher) scan(ctx context.Context, hashes []string, batch []*lookupReq, errs []error) error {
	rows, err := b.pool.Query(ctx, b.query, hashes)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		raw := rows.RawValues() // text arrives as its UTF-8 bytes
		if len(raw) < 3 {
			return fmt.Errorf("session lookup: %d columns", len(raw))
		}
		for i, r := range batch {
			// The hash is unique, but parallel requests may look up the
			// same session in one batch.
			if string(raw[0]) != r.secretHash || string(raw[1]) != r.projectID || string(raw[2]) != r.userID {
				continue
			}
			errs[i] = rows.Scan(append([]any{nil, nil, nil}, r.dest...)...)
		}
	}
	return rows.Err()
}
