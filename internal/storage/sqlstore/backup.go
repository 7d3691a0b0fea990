package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// BackupInfo describes a backup just written.
type BackupInfo struct {
	Path          string // where it is, absolute
	Bytes         int64  // its size
	SchemaVersion int64  // the last migration applied in it
	Users         int64  // users it holds, over all projects
}

// ErrBackupExists means the backup's destination is already there and
// overwriting was not asked for.
var ErrBackupExists = errors.New("the destination exists")

// BackupSQLite writes a consistent copy of the SQLite database at src to
// dest while servers keep using src. The copy is VACUUM INTO's: one read
// transaction sees the database as it was at its start (every transaction
// committed before then, none after), and in WAL mode it neither blocks
// writers nor waits for them. It is written to a temporary file in dest's
// folder, checked (quick_check, the migration version, the user count),
// synced, and only then renamed to dest, so dest is a whole backup or
// absent. An existing dest is refused unless overwrite is set. The source
// is never migrated or otherwise written to.
func BackupSQLite(ctx context.Context, src, dest string, overwrite bool) (BackupInfo, error) {
	var info BackupInfo
	if st, err := os.Stat(src); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			where, _ := filepath.Abs(src)
			return info, fmt.Errorf("no database at %s", where)
		}
		return info, err
	} else if !st.Mode().IsRegular() {
		return info, fmt.Errorf("%s is not a database file", src)
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return info, err
	}
	info.Path = abs
	if same, err := sameFile(src, abs); err != nil {
		return info, err
	} else if same {
		return info, errors.New("the destination is the database itself")
	}
	if !overwrite {
		if _, err := os.Lstat(abs); err == nil {
			return info, fmt.Errorf("%s: %w (pass --force to replace it)", abs, ErrBackupExists)
		}
	}
	// VACUUM INTO accepts an empty file; CreateTemp makes one that no one
	// else can read, which the copy, holding password hashes and sealed
	// secrets, must not be either.
	tmp, err := os.CreateTemp(filepath.Dir(abs), "."+filepath.Base(abs)+".tmp-*")
	if err != nil {
		return info, fmt.Errorf("temporary file: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()

	// Read-only: the backup never writes to the source. (SQLite may still
	// make its -wal and -shm files when no server has them open; run as
	// root it gives them the database file's owner, as it does for a
	// server.)
	db, err := sql.Open("sqlite", sqliteURI(src, "mode=ro&_pragma=busy_timeout(10000)"))
	if err != nil {
		return info, err
	}
	db.SetMaxOpenConns(1)
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, tmpName)
	db.Close()
	if err != nil {
		return info, fmt.Errorf("copy: %w", err)
	}
	if err := checkBackup(ctx, tmpName, &info); err != nil {
		return info, err
	}
	if err := syncFile(tmpName); err != nil {
		return info, err
	}
	st, err := os.Stat(tmpName)
	if err != nil {
		return info, err
	}
	info.Bytes = st.Size()
	if overwrite {
		err = os.Rename(tmpName, abs)
	} else {
		err = renameNoReplace(tmpName, abs)
	}
	if err != nil {
		return info, err
	}
	done = true
	// The rename is durable once the folder is synced.
	return info, syncFile(filepath.Dir(abs))
}

// checkBackup opens the copy read-only and reads what BackupInfo reports;
// a damaged copy, or a source that is not a Gatehouse database, fails.
func checkBackup(ctx context.Context, path string, info *BackupInfo) error {
	db, err := sql.Open("sqlite", sqliteURI(path, "mode=ro"))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return fmt.Errorf("check the copy: %w", err)
	}
	if check != "ok" {
		return fmt.Errorf("the copy fails its check: %s", check)
	}
	var version sql.NullInt64
	if err := db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&version); err != nil ||
		!version.Valid {
		return errors.New("the source is not a Gatehouse database (it has no migration table)")
	}
	info.SchemaVersion = version.Int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&info.Users); err != nil {
		return fmt.Errorf("count users in the copy: %w", err)
	}
	return nil
}

// sqliteURI is the driver's file: URI for path with a query; the path is
// escaped, since "?" and "#" would end it.
func sqliteURI(path, query string) string {
	escaped := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(path)
	return "file:" + escaped + "?" + query
}

// sameFile reports whether a and b name one file; b may not exist.
func sameFile(a, b string) (bool, error) {
	sa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	sb, err := os.Stat(b)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return os.SameFile(sa, sb), nil
}

// renameNoReplace moves from to to unless to exists, atomically where
// the file system allows hard links.
func renameNoReplace(from, to string) error {
	err := os.Link(from, to)
	switch {
	case err == nil:
		return os.Remove(from)
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s: %w (pass --force to replace it)", to, ErrBackupExists)
	}
	// No hard links here: check, then rename.
	if _, serr := os.Lstat(to); serr == nil {
		return fmt.Errorf("%s: %w (pass --force to replace it)", to, ErrBackupExists)
	}
	return os.Rename(from, to)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}
