// Package usersio moves users into a project in bulk from another server's
// export (Appwrite, Auth0, Firebase) and out of it as JSON lines in the
// Appwrite Users API shape. Files are streamed: one user is in memory at a
// time, however large the file. Each user is created in one transaction,
// so an interrupted import never leaves half a user, and running it again
// skips the users already there.
package usersio

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/account"
	"github.com/gatehouse-auth/gatehouse/internal/apperr"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
)

// Row is one user read from a file.
type Row struct {
	Pos  string          // where the row is, for messages: "line 3", "users[2]"
	User account.NewUser // ready for CreateUser; its ID is never "unique()"
	// Identities counts the row's external sign-in identities (Google,
	// GitHub, SAML...), which are not imported.
	Identities int
	// AdminMetadata is set when the row carries data only the old
	// server's admins could write (Auth0 app_metadata, Firebase custom
	// claims). It is not imported: prefs are writable by the user.
	AdminMetadata bool
	// Err says why the row cannot be imported; User is then incomplete.
	Err error
}

// Source yields a file's rows one at a time. Next returns io.EOF after the
// last row; any other error means the rest of the file cannot be read.
type Source interface {
	Next() (Row, error)
}

// Formats lists the import formats NewSource knows.
var Formats = []string{"appwrite", "auth0", "firebase"}

// Options are what a format needs besides the file.
type Options struct {
	Firebase FirebaseHash
}

// NewSource reads r in one of Formats. It checks the options before
// reading anything.
// A gzip-compressed file (Auth0's export job writes .json.gz) is
// decompressed on the fly.
func NewSource(format string, r io.Reader, opts Options) (Source, error) {
	switch format {
	case "appwrite", "auth0":
	case "firebase":
		if err := opts.Firebase.Check(); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown format %q: want %s", format, strings.Join(Formats, ", "))
	}
	r, err := gunzip(r)
	if err != nil {
		return nil, err
	}
	switch format {
	case "appwrite":
		return &appwriteSource{lines: newLines(r)}, nil
	case "auth0":
		return &auth0Source{lines: newLines(r)}, nil
	}
	return newFirebaseSource(r, opts.Firebase), nil
}

// gunzip returns r's content, decompressed when it starts as gzip does.
func gunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// Stats counts an import's rows as they go.
type Stats struct {
	Rows     int // rows read, good or bad
	Imported int
	Skipped  int // the user was already there
	Failed   int
	// Identities counts the external identities of imported users, which
	// stay behind until Gatehouse has OAuth sign-in.
	Identities int
	// AdminMetadata counts imported users whose admin-only metadata
	// stayed behind.
	AdminMetadata int
}

// String is the one-line summary: "imported 3, skipped 1, failed 2".
func (s Stats) String() string {
	return fmt.Sprintf("imported %d, skipped %d, failed %d", s.Imported, s.Skipped, s.Failed)
}

// Notes explains, one line each, what the imported users had that was
// not carried over.
func (s Stats) Notes() []string {
	var out []string
	if s.Identities > 0 {
		out = append(out, fmt.Sprintf("%d social identities not imported (identities arrive with OAuth support)", s.Identities))
	}
	if s.AdminMetadata > 0 {
		out = append(out, fmt.Sprintf("%d users' app_metadata or custom claims not imported (prefs are writable by the user, so admin-set data stays behind)", s.AdminMetadata))
	}
	return out
}

// Problem is a row that failed, or with Warning a remark about one that
// was imported.
type Problem struct {
	Pos     string
	ID      string // the user id, when the row got that far
	Err     error
	Warning bool
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Warning {
		b.WriteString("warning: ")
	}
	b.WriteString(p.Pos)
	if p.ID != "" {
		b.WriteString(": user " + p.ID)
	}
	b.WriteString(": " + describe(p.Err))
	return b.String()
}

// describe is an error's text for an operator: an *apperr.Error's message
// rather than its type.
func describe(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Message()
	}
	return err.Error()
}

// Importer creates the users of a Source in a project.
type Importer struct {
	Store    storage.Store
	Accounts *account.Service
	Project  *storage.Project
	Actor    account.Actor // written to each user's security log
	// Report, when set, receives every failed row as it happens, and with
	// Verbose a warning for each imported row that lost something.
	Report  func(Problem)
	Verbose bool
	// Progress, when set, is called after every row.
	Progress func(Stats)
}

// outcome of one row.
type outcome int

const (
	imported outcome = iota
	skipped
	failed
)

// Run imports every row of src. A row that cannot be imported is reported
// and counted, and the import goes on. Run stops early, returning an error
// with the stats so far, only when the file cannot be read further, the
// database fails or ctx ends; each user is created in one transaction, so
// running it again carries on where it stopped.
//
// Run holds one row at a time: memory does not grow with the file.
func (im *Importer) Run(ctx context.Context, src Source) (Stats, error) {
	var st Stats
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		out, err := im.one(ctx, &row)
		if err != nil {
			return st, fmt.Errorf("%s: %w", row.Pos, err)
		}
		st.Rows++
		switch out {
		case imported:
			st.Imported++
			st.Identities += row.Identities
			if row.AdminMetadata {
				st.AdminMetadata++
			}
			if im.Verbose {
				im.warnings(row)
			}
		case skipped:
			st.Skipped++
		case failed:
			st.Failed++
		}
		if im.Progress != nil {
			im.Progress(st)
		}
	}
}

// one imports a row. Problems with the row are reported and return
// failed; an error means the import cannot go on.
func (im *Importer) one(ctx context.Context, row *Row) (outcome, error) {
	if row.Err != nil {
		im.report(Problem{Pos: row.Pos, ID: row.User.ID, Err: row.Err})
		return failed, nil
	}
	_, err := im.Accounts.CreateUser(ctx, im.Project, row.User, im.Actor)
	var ae *apperr.Error
	switch {
	case err == nil:
		return imported, nil
	case apperr.Is(err, apperr.UserAlreadyExists):
		why, err := im.conflict(ctx, row.User)
		if err != nil {
			return failed, err
		}
		if why == nil {
			return skipped, nil
		}
		im.report(Problem{Pos: row.Pos, ID: row.User.ID, Err: why})
		return failed, nil
	case errors.As(err, &ae) && ae.Kind.Status < 500:
		im.report(Problem{Pos: row.Pos, ID: row.User.ID, Err: err})
		return failed, nil
	}
	return failed, err
}

// conflict explains a user_already_exists: nil when the user with the
// row's id is already there with the row's email (a re-run), else why the
// row cannot be imported.
func (im *Importer) conflict(ctx context.Context, in account.NewUser) (why, err error) {
	email := strings.ToLower(in.Email)
	u, err := im.Store.GetUser(ctx, im.Project.ID, in.ID)
	switch {
	case err == nil && (email == "" || u.Email == email):
		return nil, nil
	case err == nil:
		return fmt.Errorf("a user with this id already exists with another email (%s); left as it is", orNone(u.Email)), nil
	case !errors.Is(err, storage.ErrNotFound):
		return nil, err
	}
	if email != "" {
		other, err := im.Store.UserByEmail(ctx, im.Project.ID, email)
		if err == nil {
			return fmt.Errorf("email %s already belongs to user %s", email, other.ID), nil
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return nil, err
		}
	}
	return errors.New("the phone number (or, for a deleted user not yet purged, the id) is already taken by another user"), nil
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (im *Importer) report(p Problem) {
	if im.Report != nil {
		im.Report(p)
	}
}

func (im *Importer) warnings(row Row) {
	if row.Identities > 0 {
		im.report(Problem{Pos: row.Pos, ID: row.User.ID, Warning: true,
			Err: fmt.Errorf("%d social identities not imported", row.Identities)})
	}
	if row.AdminMetadata {
		im.report(Problem{Pos: row.Pos, ID: row.User.ID, Warning: true,
			Err: errors.New("app_metadata or custom claims not imported")})
	}
}
