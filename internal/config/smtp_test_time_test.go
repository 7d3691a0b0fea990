package config

import (
	"testing"
	"time"
)

func TestSMTPTestTime(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "GATEHOUSE_SMTP_TEST_TIME" {
				return v
			}
			return ""
		}
	}
	for v, want := range map[string]time.Duration{"": 15 * time.Second, "3s": 3 * time.Second, "2m": 2 * time.Minute} {
		c, err := Load("gatehouse", nil, env(v))
		if err != nil || c.SMTPTestTime != want {
			t.Errorf("GATEHOUSE_SMTP_TEST_TIME=%q: %v, %v; want %v", v, c.SMTPTestTime, err, want)
		}
	}
	for _, v := range []string{"500ms", "11m", "soon", "-5s"} {
		if _, err := Load("gatehouse", nil, env(v)); err == nil {
			t.Errorf("GATEHOUSE_SMTP_TEST_TIME=%q accepted", v)
		}
	}
}
