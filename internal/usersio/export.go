package usersio

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/query"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// exportPage is how many users Export reads per query.
var exportPage = 1000

// Export writes the project's users to w as JSON lines, one Users API
// User each, with the password hash, hash and hashOptions, ordered by id:
// the appwrite import format, so an export imports back with passwords
// that still verify. It reads a page at a time, keyed on the last id
// written, so memory stays flat and users deleted meanwhile do not break
// the paging. progress, when set, gets the running count after each user.
func Export(ctx context.Context, store storage.Store, projectID string, w io.Writer, progress func(n int)) (int, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n, last := 0, ""
	for {
		q := storage.UserQuery{
			Orders: []query.Query{{Method: "orderAsc", Attribute: "$id"}},
			Page:   query.Page{Limit: exportPage},
		}
		if last != "" {
			q.Filters = []query.Query{{Method: "greaterThan", Attribute: "$id", Values: []any{last}}}
		}
		users, _, err := store.ListUsers(ctx, projectID, q)
		if err != nil {
			return n, fmt.Errorf("list users after %q: %w", last, err)
		}
		for _, u := range users {
			if err := enc.Encode(userLine(u)); err != nil {
				return n, fmt.Errorf("write user %s: %w", u.ID, err)
			}
			n++
			if progress != nil {
				progress(n)
			}
		}
		if len(users) < exportPage {
			break
		}
		last = users[len(users)-1].ID
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("write: %w", err)
	}
	return n, nil
}

// timeFormat is the Users API's: milliseconds and an explicit UTC offset.
const timeFormat = "2006-01-02T15:04:05.000+00:00"

func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeFormat)
}
