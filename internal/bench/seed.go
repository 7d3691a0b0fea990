package bench

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/password"
	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/session"
	"github.com/gatehouse-auth/gatehouse/internal/storage"
	"github.com/gatehouse-auth/gatehouse/internal/storage/sqlstore"
)

// `gatehouse bench seed` fills a project with generated users, their
// sessions and their security log straight through the store's bulk
// path, and writes a manifest the load tool reads (--seeded): an API key
// of the project, live session strings and values its list scenarios
// query with.

type seedOptions struct {
	database        string
	project         string
	users           int
	sessionsPerUser int
	chunk           int
	samples         int
	manifest        string
	password        string
	seed            uint64
}

// Manifest is what `bench seed` leaves for the load tool.
type Manifest struct {
	Project string `json:"project"`
	// Key is an API key of the project with users.read.
	Key      string `json:"key"`
	Users    int    `json:"users"`
	Sessions int    `json:"sessions"`
	Logs     int    `json:"logs"`
	// SessionStrings are live sessions of active users, spread over the
	// whole table.
	SessionStrings []string `json:"sessionStrings"`
	// Emails, SearchWords and CursorIDs are spread over all users.
	Emails      []string `json:"emails"`
	SearchWords []string `json:"searchWords"`
	CursorIDs   []string `json:"cursorIds"`
	Password    string   `json:"password"`
}

func parseSeedFlags(args []string, out io.Writer) (seedOptions, error) {
	var o seedOptions
	fs := flag.NewFlagSet("bench seed", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&o.database, "database", os.Getenv("GATEHOUSE_DATABASE"), "sqlite:PATH or postgres:// URL (default $GATEHOUSE_DATABASE)")
	fs.StringVar(&o.project, "project", "bench", "project to fill (created if missing)")
	fs.IntVar(&o.users, "users", 1000000, "users to add")
	fs.IntVar(&o.sessionsPerUser, "sessions-per-user", 5, "sessions of each user (each with a session.create log entry)")
	fs.IntVar(&o.chunk, "chunk", 20000, "users written per transaction (with their sessions and logs)")
	fs.IntVar(&o.samples, "samples", 2000, "sessions, emails, search words and cursors kept in the manifest")
	fs.StringVar(&o.manifest, "manifest", "bench-seed.json", "where to write the manifest for `gatehouse bench --seeded`")
	fs.StringVar(&o.password, "password", "Bench-seeded-pw-7Qx!", "password of every user (hashed once, shared)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of names and dates (secrets are always random)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var errs []error
	if _, _, err := engineOf(o.database); err != nil {
		errs = append(errs, err)
	}
	if o.users < 1 || o.users > 100_000_000 {
		errs = append(errs, fmt.Errorf("users: want 1 to 100000000, got %d", o.users))
	}
	if o.sessionsPerUser < 0 || o.sessionsPerUser > storage.DefaultMaxSessions {
		errs = append(errs, fmt.Errorf("sessions-per-user: want 0 to %d, got %d", storage.DefaultMaxSessions, o.sessionsPerUser))
	}
	if o.chunk < 1 || o.chunk > 200000 {
		errs = append(errs, fmt.Errorf("chunk: want 1 to 200000, got %d", o.chunk))
	}
	if o.samples < 1 || o.samples > 100000 {
		errs = append(errs, fmt.Errorf("samples: want 1 to 100000, got %d", o.samples))
	}
	return o, errors.Join(errs...)
}

func engineOf(database string) (engine, dsn string, err error) {
	switch {
	case strings.HasPrefix(database, "sqlite:"):
		return "sqlite", strings.TrimPrefix(strings.TrimPrefix(database, "sqlite:"), "//"), nil
	case strings.HasPrefix(database, "postgres://"), strings.HasPrefix(database, "postgresql://"):
		return "postgres", database, nil
	}
	return "", "", errors.New("database: want sqlite:PATH or a postgres:// URL")
}

// openStore opens (and migrates) the database a bench subcommand works
// on directly, and says which engine it is.
func openStore(ctx context.Context, database string) (*sqlstore.Store, string, error) {
	engine, dsn, err := engineOf(database)
	if err != nil {
		return nil, "", err
	}
	store, err := sqlstore.Open(ctx, engine, dsn)
	return store, engine, err
}

// Seed is `gatehouse bench seed`.
func Seed(args []string, stdout io.Writer) error {
	o, err := parseSeedFlags(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	ctx := context.Background()
	store, _, err := openStore(ctx, o.database)
	if err != nil {
		return err
	}
	defer store.Close()
	svc := project.New(store, time.Now)
	if _, err := store.GetProject(ctx, o.project); errors.Is(err, storage.ErrNotFound) {
		if _, err := svc.Create(ctx, o.project, "Bench", ""); err != nil {
			return fmt.Errorf("create project: %w", err)
		}
	} else if err != nil {
		return err
	}
	_, key, err := svc.CreateKey(ctx, o.project, "unique()", "bench seed", []string{"users.read", "users.write"}, time.Time{})
	if err != nil {
		return fmt.Errorf("create key: %w", err)
	}
	if err := store.PrepareBulk(ctx); err != nil {
		return err
	}
	hasher := password.NewHasher(password.DefaultParams, 1)
	pwHash, err := hasher.Hash(ctx, o.password)
	if err != nil {
		return err
	}
	g := &generator{o: o, rnd: rand.New(rand.NewPCG(o.seed, 0x9e3779b97f4a7c15)), now: time.Now().UTC().Truncate(time.Microsecond),
		pwHash: pwHash, pwOpts: hasher.Options(), man: &Manifest{Project: o.project, Key: key, Password: o.password}}
	g.start = g.now.AddDate(-3, 0, 0)

	// One goroutine generates the next chunk while the store writes this one.
	chunks := make(chan *sqlstore.BulkRows, 1)
	go func() {
		defer close(chunks)
		for from := 0; from < o.users; from += o.chunk {
			chunks <- g.chunk(from, min(from+o.chunk, o.users))
		}
	}()
	began := time.Now()
	var rows int
	last := began
	for c := range chunks {
		if err := store.BulkInsert(ctx, c); err != nil {
			for range chunks { //nolint:revive // drain so the generator ends
			}
			return err
		}
		rows += c.Len()
		g.man.Users += len(c.Users)
		g.man.Sessions += len(c.Sessions)
		g.man.Logs += len(c.Logs)
		if time.Since(last) >= 10*time.Second {
			last = time.Now()
			fmt.Fprintf(stdout, "%d users, %d rows, %.0f rows/s\n", g.man.Users, rows, float64(rows)/time.Since(began).Seconds())
		}
	}
	took := time.Since(began)
	fmt.Fprintf(stdout, "seeded %d users, %d sessions, %d log entries, %d targets: %d rows in %s, %.0f rows/s\n",
		g.man.Users, g.man.Sessions, g.man.Logs, g.man.Users, rows, took.Round(time.Millisecond), float64(rows)/took.Seconds())
	if err := store.AnalyzeAfterBulk(ctx); err != nil {
		return err
	}
	b, err := json.MarshalIndent(g.man, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(o.manifest, b, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "manifest (with an API key and session strings): %s\n", o.manifest)
	return nil
}

// generator makes the rows of users from..to. Names, emails and dates
// come from a seeded generator; secrets from crypto/rand as the server
// makes them.
type generator struct {
	o      seedOptions
	rnd    *rand.Rand
	now    time.Time
	start  time.Time
	pwHash string
	pwOpts []byte
	man    *Manifest
}

// Syllables names are made of: distinct enough that a search for one word
// finds a small share of the users.
var syllables = strings.Fields("ka lo mi ra ve ton sel dar fin gor hal ish jun ke lum nor pa qui ros su tam ur vin wel xa yor zen bel cor")

func (g *generator) word(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[g.rnd.IntN(len(syllables))])
	}
	s := b.String()
	return strings.ToUpper(s[:1]) + s[1:]
}

var clients = []storage.Client{
	{OSCode: "WIN", OSName: "Windows", OSVersion: "10", ClientType: "browser", ClientCode: "CH", ClientName: "Chrome",
		ClientVersion: "131.0", ClientEngine: "Blink", ClientEngineVersion: "131.0", CountryCode: "--"},
	{OSCode: "MAC", OSName: "Mac", OSVersion: "10.15", ClientType: "browser", ClientCode: "SF", ClientName: "Safari",
		ClientVersion: "18.1", ClientEngine: "WebKit", ClientEngineVersion: "605.1", DeviceBrand: "Apple", CountryCode: "--"},
	{OSCode: "AND", OSName: "Android", OSVersion: "14", ClientType: "browser", ClientCode: "CM", ClientName: "Chrome Mobile",
		ClientVersion: "131.0", ClientEngine: "Blink", ClientEngineVersion: "131.0", DeviceName: "smartphone", CountryCode: "--"},
	{OSCode: "IOS", OSName: "iOS", OSVersion: "18.1", ClientType: "browser", ClientCode: "MF", ClientName: "Mobile Safari",
		ClientVersion: "18.1", ClientEngine: "WebKit", ClientEngineVersion: "605.1", DeviceName: "smartphone", DeviceBrand: "Apple", CountryCode: "--"},
	{OSCode: "LIN", OSName: "GNU/Linux", ClientType: "browser", ClientCode: "FF", ClientName: "Firefox",
		ClientVersion: "133.0", ClientEngine: "Gecko", ClientEngineVersion: "133.0", CountryCode: "--"},
}

// idAt is an id shaped like secret.ID's, for a row made at t: ids then
// sort by creation time as the server's do.
func (g *generator) idAt(t time.Time) string {
	head := strconv.FormatInt(t.Unix(), 16) + fmt.Sprintf("%05x", t.Nanosecond()/1000)
	for len(head) < 13 {
		head = "0" + head
	}
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], g.rnd.Uint64())
	return head[len(head)-13:] + hex.EncodeToString(b[:4])[:7]
}

// at is the time of user i: registrations spread evenly over three years,
// with jitter, in order.
func (g *generator) at(i int) time.Time {
	span := g.now.Sub(g.start)
	step := span / time.Duration(g.o.users)
	return g.start.Add(step*time.Duration(i) + time.Duration(g.rnd.Int64N(int64(step)+1))).Truncate(time.Microsecond)
}

func (g *generator) chunk(from, to int) *sqlstore.BulkRows {
	c := &sqlstore.BulkRows{}
	every := max(1, g.o.users/g.o.samples)
	life := time.Duration(storage.DefaultDuration) * time.Second
	for i := from; i < to; i++ {
		reg := g.at(i)
		first, last := g.word(2), g.word(2+g.rnd.IntN(2))
		u := &storage.User{ProjectID: g.o.project, ID: g.idAt(reg), Name: first + " " + last,
			Email:        strings.ToLower(first+"."+last) + "." + strconv.Itoa(i) + "@" + strings.ToLower(g.word(2)) + ".example",
			PasswordHash: g.pwHash, Hash: "argon2", HashOptions: g.pwOpts, PasswordUpdate: reg, Registration: reg,
			Status: g.rnd.IntN(50) != 0, EmailVerification: g.rnd.IntN(10) < 6, Prefs: []byte("{}"),
			AccessedAt: reg, CreatedAt: reg, UpdatedAt: reg}
		u.Targets = []storage.Target{{ProjectID: u.ProjectID, ID: g.idAt(reg), UserID: u.ID, ProviderType: "email",
			Identifier: u.Email, CreatedAt: reg, UpdatedAt: reg}}
		c.Users = append(c.Users, u)
		cl := clients[g.rnd.IntN(len(clients))]
		cl.IP = fmt.Sprintf("10.%d.%d.%d", g.rnd.IntN(256), g.rnd.IntN(256), 1+g.rnd.IntN(254))
		c.Logs = append(c.Logs, &storage.Log{ProjectID: u.ProjectID, ID: g.idAt(reg), UserID: u.ID, Event: "user.create",
			Mode: "default", Actor: u.ID, UserEmail: u.Email, UserName: u.Name, Client: cl, Time: reg})
		sample := i%every == 0 && len(g.man.Emails) < g.o.samples
		if sample {
			g.man.Emails = append(g.man.Emails, u.Email)
			g.man.SearchWords = append(g.man.SearchWords, strings.ToLower(last))
			g.man.CursorIDs = append(g.man.CursorIDs, u.ID)
		}
		// Sessions start between registration and now, most within the
		// last year (so most are live), in order.
		from := reg
		if y := g.now.Add(-life); from.Before(y) && g.rnd.IntN(4) != 0 {
			from = y
		}
		span := g.now.Sub(from)
		var times []time.Time
		for range g.o.sessionsPerUser {
			times = append(times, from.Add(time.Duration(g.rnd.Int64N(int64(span)+1))).Truncate(time.Microsecond))
		}
		sortTimes(times)
		for k, t := range times {
			raw := secret.Hex(32)
			se := &storage.Session{ProjectID: u.ProjectID, ID: g.idAt(t), UserID: u.ID, SecretHash: secret.Hash(raw),
				Provider: "email", ProviderUID: u.Email, Client: cl, Factors: []string{"password"},
				Expire: t.Add(life), CreatedAt: t, UpdatedAt: t}
			c.Sessions = append(c.Sessions, se)
			c.Logs = append(c.Logs, &storage.Log{ProjectID: u.ProjectID, ID: g.idAt(t), UserID: u.ID, Event: "session.create",
				Mode: "default", Actor: u.ID, UserEmail: u.Email, UserName: u.Name, Client: cl, Time: t})
			if sample && u.Status && k == len(times)-1 && se.Expire.After(g.now.Add(time.Hour)) {
				g.man.SessionStrings = append(g.man.SessionStrings, session.Encode(u.ID, raw))
			}
		}
	}
	return c
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}
