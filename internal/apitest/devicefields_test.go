package apitest

import "testing"

// TestDeviceFieldVersions checks the versions a session and a log carry:
// client and OS versions cut to major.minor, as Matomo's device detector
// cuts them for Appwrite, the engine version whole.
func TestDeviceFieldVersions(t *testing.T) {
	const chrome70 = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36"
	eachEngine(t, func(t *testing.T, s *server) {
		c := s.newProject(t).with("User-Agent", chrome70)
		mail := email()
		c.signUp(mail, "correct horse")
		c.signIn(mail, "correct horse")

		r := c.do("GET", "/account/sessions/current", nil)
		expect(t, r, 200, "")
		sess := r.obj(t)
		want := map[string]string{
			"osName": "Windows", "osVersion": "10",
			"clientName": "Chrome", "clientVersion": "70.0",
			"clientEngine": "Blink", "clientEngineVersion": "70.0.3538.77",
		}
		for k, v := range want {
			if sess[k] != v {
				t.Errorf("session %s = %v, want %q", k, sess[k], v)
			}
		}

		r = c.do("GET", "/account/logs", nil)
		expect(t, r, 200, "")
		for _, x := range r.obj(t)["logs"].([]any) {
			if l := x.(map[string]any); l["clientVersion"] != "70.0" || l["osVersion"] != "10" {
				t.Errorf("log %v: clientVersion %v, osVersion %v", l["event"], l["clientVersion"], l["osVersion"])
			}
		}

		cli := s.client(t, c.project).with("User-Agent", "AppwriteCLI/6.1.0 (linux; x64)")
		cli.signIn(mail, "correct horse")
		r = cli.do("GET", "/account/sessions/current", nil)
		expect(t, r, 200, "")
		if v := r.obj(t)["clientVersion"]; v != "6.1.0" {
			t.Errorf("Appwrite CLI clientVersion = %v, want 6.1.0 (Appwrite reads it whole)", v)
		}
	})
}
