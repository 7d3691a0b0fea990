package apitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/gatehouse-auth/gatehouse/internal/secret"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// buildBinary compiles gatehouse once for the tests that need a real
// process to kill.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gatehouse")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/gatehouse")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// runProcess starts the binary and waits until it answers.
func runProcess(t *testing.T, bin, addr, db, key string, jobWorkers int) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "GATEHOUSE_ADDR="+addr, "GATEHOUSE_DATABASE="+db, "GATEHOUSE_ADMIN_KEY="+key,
		"GATEHOUSE_RATE_LIMITS=off", "GATEHOUSE_LOG_LEVEL=error", "GATEHOUSE_HASH_MEMORY_KIB=512", "GATEHOUSE_HASH_TIME=1",
		fmt.Sprintf("GATEHOUSE_JOB_WORKERS=%d", jobWorkers))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/v1/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return cmd
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestDeletionSurvivesACrash accepts a user deletion on a node that runs
// no jobs, kills it with SIGKILL, and sees a restarted node finish the
// clean-up: the job was stored with the deletion, not held in memory.
func TestDeletionSurvivesACrash(t *testing.T) {
	if testing.Short() {
		t.Skip("short mode: builds and kills a real process")
	}
	bin := buildBinary(t)
	for _, e := range testdb.Engines() {
		t.Run("db="+e.Name, func(t *testing.T) {
			db, key := e.New(t), "crash_admin_key_"+secret.Hex(16)
			addr := freePort(t)
			node := runProcess(t, bin, addr, db, key, 0)
			s := &server{base: "http://" + addr, adminKey: key}
			c := s.newProject(t)
			k := c.with("X-Appwrite-Key", c.key("users.read", "users.write"))
			mail := email()
			expect(t, k.do("POST", "/users", map[string]any{"userId": "doomed", "email": mail, "password": "correct horse"}), 201, "")
			expect(t, k.do("DELETE", "/users/doomed", nil), 204, "")
			expect(t, k.do("GET", "/users/doomed", nil), 404, "user_not_found")
			// No worker ran: the email is still held.
			expect(t, k.do("POST", "/users", map[string]any{"userId": "unique()", "email": mail}), 409, "user_already_exists")
			node.Process.Signal(syscall.SIGKILL)
			node.Wait()

			runProcess(t, bin, addr, db, key, 2)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for {
				r := k.do("POST", "/users", map[string]any{"userId": "unique()", "email": mail})
				if r.status == 201 {
					break
				}
				if ctx.Err() != nil {
					t.Fatalf("the clean-up never ran: %s", r.body)
				}
				time.Sleep(100 * time.Millisecond)
			}
			// The operator sees the job done.
			l := s.admin(t).do("GET", "/gatehouse/jobs?state=done", nil)
			expect(t, l, 200, "")
			if l.obj(t)["total"].(float64) < 1 {
				t.Fatalf("jobs %s", l.body)
			}
			expect(t, s.admin(t).do("GET", "/gatehouse/jobs?state=weird", nil), 400, "general_argument_invalid")
			expect(t, s.admin(t).do("POST", "/gatehouse/jobs/nope/retry", nil), 404, "general_route_not_found")
		})
	}
}
