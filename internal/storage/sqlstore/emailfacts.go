package sqlstore

import (
	"database/sql"
	"strconv"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// userEmailCols hold a user's storage.EmailFacts (migration 00013). They
// are NULL together: for a user whose email was set before the email
// policies, or who has none.
const userEmailCols = `, email_canonical, email_is_free, email_is_disposable, email_is_corporate, email_is_canonical`

// userValues is the VALUES list of an INSERT of userCols.
var userValues = placeholders(len(splitCols(userCols)))

func placeholders(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	return b.String()
}

// emailFactsDest holds the scan targets of userEmailCols (listed in
// userDest.targets and the lite lookup, in the columns' order).
type emailFactsDest struct {
	canonical                                sql.NullString
	free, disposable, corporate, isCanonical sql.NullBool
}

func (d *emailFactsDest) record() *storage.EmailFacts {
	if !d.canonical.Valid {
		return nil
	}
	return &storage.EmailFacts{Canonical: d.canonical.String, Free: d.free.Bool, Disposable: d.disposable.Bool,
		Corporate: d.corporate.Bool, IsCanonical: d.isCanonical.Bool}
}

// emailFactsArgs are the values of userEmailCols.
func emailFactsArgs(f *storage.EmailFacts) []any {
	if f == nil {
		return []any{nil, nil, nil, nil, nil}
	}
	return []any{f.Canonical, f.Free, f.Disposable, f.Corporate, f.IsCanonical}
}
