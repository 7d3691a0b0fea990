package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Counter kept in Redis, for deployments that would rather not
// write a row per limited request to the database. Counters live under
// "gatehouse:rl:<key>:<window start, Unix seconds>" and expire MaxWindow
// after their window starts.
type Redis struct {
	c *redis.Client
}

var _ Counter = (*Redis)(nil)

// NewRedis returns a Redis counter for url, in the form go-redis parses:
// redis://[user:password@]host:port[/db] or rediss:// for TLS. It does not
// connect; use Ping to check the server is reachable.
func NewRedis(rawURL string) (*Redis, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		// url.Error quotes the whole URL, password included.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("ratelimit: redis url: %w", err)
	}
	return &Redis{c: redis.NewClient(opt)}, nil
}

// Ping checks that the Redis server answers.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.c.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ratelimit: redis: %w", err)
	}
	return nil
}

// Close releases the connections.
func (r *Redis) Close() error { return r.c.Close() }

// hitScript counts one hit unless the counter has reached the limit and
// returns the count before the hit, in one atomic step.
// KEYS[1] counter, ARGV[1] limit, ARGV[2] expiry (Unix seconds).
var hitScript = redis.NewScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  return n
end
redis.call('INCR', KEYS[1])
redis.call('EXPIREAT', KEYS[1], ARGV[2])
return n
`)

// Hit implements Counter.
func (r *Redis) Hit(ctx context.Context, key string, window time.Time, limit int) (int, error) {
	k := "gatehouse:rl:" + key + ":" + strconv.FormatInt(window.Unix(), 10)
	exp := window.Add(MaxWindow)
	// An expiry already past would delete the counter at once; keep it for
	// a while even if this node's clock is off or the window is stale.
	if floor := time.Now().Add(time.Minute); exp.Before(floor) {
		exp = floor
	}
	n, err := hitScript.Run(ctx, r.c, []string{k}, limit, exp.Unix()).Int()
	if err != nil {
		return 0, fmt.Errorf("ratelimit: redis hit: %w", err)
	}
	return n, nil
}
