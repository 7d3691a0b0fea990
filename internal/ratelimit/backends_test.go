package ratelimit_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver, to make the test schema
	"github.com/redis/go-redis/v9"

	"github.com/gatehouse-auth/gatehouse/internal/ratelimit"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
)

func randomHex(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func TestSQLiteCounter(t *testing.T) {
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, "sqlite", filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	testCounter(t, ratelimit.CounterFunc(st.HitCounter))
}

// TestPostgresCounter runs when GATEHOUSE_TEST_POSTGRES holds a DSN, in a
// fresh schema dropped afterwards.
func TestPostgresCounter(t *testing.T) {
	dsn := os.Getenv("GATEHOUSE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("GATEHOUSE_TEST_POSTGRES not set")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "gatehouse_rl_test_" + randomHex(t)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
	})

	st, err := sqlstore.Open(ctx, "postgres", withSearchPath(t, dsn, schema))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() }) // runs before the schema is dropped

	// Make sure the store really works in the test schema.
	var n int
	if err := admin.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'rate_counters'`,
		schema).Scan(&n); err != nil || n != 1 {
		t.Fatalf("rate_counters in %s: %d, %v", schema, n, err)
	}
	testCounter(t, ratelimit.CounterFunc(st.HitCounter))
}

// withSearchPath adds search_path=schema to a URL or key=value DSN; pgx
// sends unknown settings to the server as runtime parameters.
func withSearchPath(t *testing.T, dsn, schema string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("GATEHOUSE_TEST_POSTGRES: %v", err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return dsn + " search_path=" + schema
}

// TestRedisCounter runs against the Redis at GATEHOUSE_TEST_REDIS, which
// .ci/run starts and sets. Without the variable it tries the default
// redis://127.0.0.1:6379/0 and skips when nothing answers there; with it,
// a Redis that does not answer fails the test, so a CI that lost its
// Redis cannot pass without running it.
func TestRedisCounter(t *testing.T) {
	rawURL := os.Getenv("GATEHOUSE_TEST_REDIS")
	configured := rawURL != ""
	if !configured {
		rawURL = "redis://127.0.0.1:6379/0"
	}
	rc, err := ratelimit.NewRedis(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rc.Ping(ctx); err != nil {
		if configured {
			t.Fatalf("GATEHOUSE_TEST_REDIS=%s does not answer: %v", rawURL, err)
		}
		t.Skipf("redis not reachable (set GATEHOUSE_TEST_REDIS to require it): %v", err)
	}

	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	direct := redis.NewClient(opt)
	t.Cleanup(func() { direct.Close() })
	prefix := "rltest-" + randomHex(t) + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := direct.Scan(ctx, 0, "gatehouse:rl:"+prefix+"*", 100).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
		}
		if err := iter.Err(); err != nil {
			t.Errorf("scan: %v", err)
		}
		if len(keys) > 0 {
			if err := direct.Del(ctx, keys...).Err(); err != nil {
				t.Errorf("del: %v", err)
			}
		}
	})

	// The counter prefixes keys with our random prefix so the shared
	// suite's keys are cleaned up with the rest.
	c := prefixed{prefix, rc}
	testCounter(t, c)

	t.Run("key and expiry", func(t *testing.T) {
		bg := context.Background()
		now := time.Now().Unix()
		win := time.Unix(now-now%3600, 0)
		if _, err := c.Hit(bg, "exp", win, 5); err != nil {
			t.Fatal(err)
		}
		key := "gatehouse:rl:" + prefix + "exp:" + strconv.FormatInt(win.Unix(), 10)
		if v, err := direct.Get(bg, key).Int(); err != nil || v != 1 {
			t.Fatalf("GET %s = %d, %v; want 1", key, v, err)
		}
		ttl, err := direct.TTL(bg, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		want := time.Until(win.Add(ratelimit.MaxWindow))
		if ttl <= 0 || ttl > want+2*time.Second || ttl < want-5*time.Second {
			t.Fatalf("TTL %v, want about %v", ttl, want)
		}

		// A stale window still gets a short life rather than none.
		old := win.Add(-24 * time.Hour)
		if _, err := c.Hit(bg, "exp", old, 5); err != nil {
			t.Fatal(err)
		}
		key = "gatehouse:rl:" + prefix + "exp:" + strconv.FormatInt(old.Unix(), 10)
		if ttl, err := direct.TTL(bg, key).Result(); err != nil || ttl <= 0 || ttl > time.Minute {
			t.Fatalf("stale window TTL %v, %v", ttl, err)
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		bad, err := ratelimit.NewRedis("redis://127.0.0.1:1/0?max_retries=-1&dial_timeout=200ms")
		if err != nil {
			t.Fatal(err)
		}
		defer bad.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		l := ratelimit.New(bad, true, nil)
		res, err := l.Check(ctx, []ratelimit.Rule{{Limit: 1, Window: time.Hour, Key: "k"}}, nil)
		if err == nil || res.Exceeded {
			t.Fatalf("Check against a dead Redis: %+v, %v; want an error", res, err)
		}
	})
}

func TestNewRedisBadURL(t *testing.T) {
	_, err := ratelimit.NewRedis("http://user:hunter2@host:6379")
	if err == nil {
		t.Fatal("no error for a non-redis URL")
	}
	_, err = ratelimit.NewRedis("redis://user:hunter2@host:6379/%zz")
	if err == nil {
		t.Fatal("no error for a malformed URL")
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("error %q shows the password", err)
	}
}

type prefixed struct {
	p string
	c ratelimit.Counter
}

func (p prefixed) Hit(ctx context.Context, key string, window time.Time, limit int) (int, error) {
	return p.c.Hit(ctx, p.p+key, window, limit)
}
