package apitest

import (
	"io"
	"net/http"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/project"
	"github.com/gatehouse-auth/gatehouse/internal/testdb"
)

// BenchmarkGetAccount measures the hot path, GET /v1/account with a
// session, through the whole server over loopback HTTP.
func BenchmarkGetAccount(b *testing.B) {
	for _, e := range testdb.Engines() {
		b.Run("db="+e.Name, func(b *testing.B) {
			// The project cache as in production: the tests' default reads
			// the project on every request.
			s := startServer(b, e, options{projectCache: project.CacheTTL})
			c := s.newProject(b)
			mail := email()
			c.signUp(mail, "correct horse")
			_, cred := c.signIn(mail, "correct horse")
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			hc := &http.Client{Transport: tr}
			url := s.base + "/v1/account"
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", url, nil)
					req.Header.Set("X-Appwrite-Project", c.project)
					req.Header.Set("X-Appwrite-Session", cred)
					res, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != 200 {
						b.Fatalf("status %d", res.StatusCode)
					}
				}
			})
		})
	}
}
