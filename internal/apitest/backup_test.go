package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestBackupDuringSignUps takes a backup with the real binary
// (gatehouse backup) of a SQLite database while sign-ups keep arriving,
// starts a fresh server on the backup file, and finds there every account
// whose sign-up was answered 201 before the backup started, able to sign
// in with its password.
func TestBackupDuringSignUps(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: builds the binary")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "gatehouse.db")
	s := startServer(t, testdb.Engine{Name: "sqlite", New: testdb.SQLite}, options{database: db})
	app := s.newProject(t)
	key := app.key("users.read")

	// Writers sign up until told to stop; each records its answered
	// sign-ups. Nothing here may call t.Fatal (not the test's goroutine).
	type account struct{ id, email string }
	const writers = 4
	const password = "backup password 1"
	var (
		mu       sync.Mutex
		acked    []account
		failures []string
		wg       sync.WaitGroup
	)
	stop := make(chan struct{})
	hc := &http.Client{Timeout: 30 * time.Second}
	signUp := func(w, n int) {
		email := fmt.Sprintf("w%d-%d@example.test", w, n)
		body, _ := json.Marshal(map[string]string{"userId": "unique()", "email": email, "password": password})
		req, _ := http.NewRequest("POST", s.base+"/v1/account", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Appwrite-Project", app.project)
		res, err := hc.Do(req)
		if err != nil {
			mu.Lock()
			failures = append(failures, err.Error())
			mu.Unlock()
			return
		}
		defer res.Body.Close()
		var u struct {
			ID string `json:"$id"`
		}
		if res.StatusCode != 201 || json.NewDecoder(res.Body).Decode(&u) != nil {
			mu.Lock()
			failures = append(failures, fmt.Sprintf("%s: status %d", email, res.StatusCode))
			mu.Unlock()
			return
		}
		mu.Lock()
		acked = append(acked, account{u.ID, email})
		mu.Unlock()
	}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				signUp(w, n)
			}
		}()
	}
	ackedNow := func() []account {
		mu.Lock()
		defer mu.Unlock()
		return append([]account(nil), acked...)
	}
	// Let some sign-ups be answered first.
	for len(ackedNow()) < 40 {
		time.Sleep(10 * time.Millisecond)
	}

	backupFile := filepath.Join(dir, "backup.db")
	before := ackedNow() // answered before the backup starts
	cmd := exec.Command(bin, "backup", "--database", db, "--to", backupFile)
	cmd.Env = append(os.Environ(), "GATEHOUSE_DATABASE=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	during := len(ackedNow()) - len(before)
	// More sign-ups after the backup, then stop.
	for target := len(ackedNow()) + 20; len(ackedNow()) < target; {
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("gatehouse backup: %v\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	if len(failures) > 0 {
		t.Fatalf("%d sign-ups failed, the first: %s", len(failures), failures[0])
	}
	if !strings.HasPrefix(stdout.String(), "backup written to "+backupFile+" (") {
		t.Fatalf("stdout: %q", stdout.String())
	}
	t.Logf("%d sign-ups answered before the backup, %d while it ran, %d in all; %s",
		len(before), during, len(ackedNow()), strings.TrimSpace(stdout.String()))
	if st, err := os.Stat(backupFile); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v", st, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".backup.db.tmp-*"))
	if len(leftovers) > 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}

	// Restore: a fresh server on the backup file.
	r := startServer(t, testdb.Engine{Name: "sqlite", New: testdb.SQLite}, options{database: "sqlite:" + backupFile})
	users := r.client(t, app.project)
	users.headers["X-Appwrite-Key"] = key
	for _, a := range before {
		res := users.do("GET", "/users/"+a.id, nil)
		if res.status != 200 || res.str(t, "email") != a.email {
			t.Fatalf("acknowledged user %s (%s) missing from the backup: %d %s", a.id, a.email, res.status, res.body)
		}
	}
	total := users.do("GET", "/users?queries[]="+url.QueryEscape(`{"method":"limit","values":[1]}`), nil)
	expect(t, total, 200, "")
	n := int(total.obj(t)["total"].(float64))
	if n < len(before) || n > len(ackedNow()) {
		t.Fatalf("the backup holds %d users: want from %d to %d", n, len(before), len(ackedNow()))
	}
	// The accounts work: the first and the last acknowledged sign in.
	for _, a := range []account{before[0], before[len(before)-1]} {
		r.client(t, app.project).signIn(a.email, password)
	}
	// The source server kept running through it all.
	expect(t, s.client(t, "").do("GET", "/health", nil), 200, "")
}
