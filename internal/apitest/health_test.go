package apitest

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// TestHealthWhenDatabaseDown: GET /v1/health answers 200 while the
// database answers and 503 general_server_error once it does not,
// so a load balancer takes the node out. The database goes down by
// closing a TCP proxy between the server and PostgreSQL. (An embedded
// SQLite database cannot be unreachable while its process runs, so this
// runs on PostgreSQL only.)
func TestHealthWhenDatabaseDown(t *testing.T) {
	for _, e := range testdb.Engines() {
		if e.Name != "postgres" {
			continue
		}
		t.Run("db="+e.Name, func(t *testing.T) {
			dsn, err := url.Parse(e.New(t))
			if err != nil {
				t.Fatal(err)
			}
			p := startTCPProxy(t, dsn.Host)
			dsn.Host = p.addr()
			s := startServer(t, e, options{database: dsn.String()})
			h := s.client(t, "")
			r := h.do("GET", "/health", nil)
			expect(t, r, 200, "")
			if r.str(t, "status") != "pass" {
				t.Fatalf("health %s", r.body)
			}
			p.close()
			expect(t, h.do("GET", "/health", nil), 503, "general_server_error")
		})
	}
}

// tcpProxy forwards loopback connections to a target until closed.
type tcpProxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startTCPProxy(t *testing.T, target string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln}
	t.Cleanup(p.close)
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, in, out)
			p.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

// close stops accepting and cuts every forwarded connection.
func (p *tcpProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
