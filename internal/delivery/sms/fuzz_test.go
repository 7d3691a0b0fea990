package sms_test

import (
	"strings"
	"testing"

	"github.com/gatehouse-auth/gatehouse/internal/delivery/sms"
)

// FuzzNew: no panic, and no error that repeats the secret.
func FuzzNew(f *testing.F) {
	f.Add("twilio", "AC1", "token-token", "default", "from=%2B1555")
	f.Add("vonage", "k", "s/e@c:ret", "127.0.0.1:1", "from=x&insecure=1")
	f.Add("msg91", "authkeyauthkey", "", "default", "template=t")
	f.Fuzz(func(t *testing.T, scheme, user, secret, host, query string) {
		_, err := sms.New(scheme + "://" + user + ":" + secret + "@" + host + "?" + query)
		if err == nil {
			return
		}
		if len(secret) >= 8 && strings.Contains(err.Error(), secret) &&
			!strings.Contains(scheme+user+host+query+"sms url: unknown provider", secret) {
			t.Errorf("error %q holds the secret %q", err, secret)
		}
	})
}
