package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// vonage sends through the Vonage (formerly Nexmo) SMS API:
//
//	POST https://rest.nexmo.com/sms/json
//	Content-Type: application/x-www-form-urlencoded
//	api_key=...&api_secret=...&from=Gatehouse&to=15557654321&text=...
//
// to is E.164 without "+"; type=unicode is added when the text is not
// plain ASCII. Vonage answers 200 even when it refuses a message, so the
// answer is read: {"message-count": "1", "messages": [{"status": "0",
// ...}]}, where any status other than "0" is a failure with an
// "error-text". Status 1 (throttled) and 5 (internal error) are worth a
// retry; the others (bad credentials, barred number, ...) are not.
type vonage struct {
	endpoint string
	key      string
	secret   string
	from     string
	http     *http.Client
}

func newVonage(c config) (SMS, error) {
	if err := c.checkQuery("from"); err != nil {
		return nil, err
	}
	if c.user == "" || c.pass == "" {
		return nil, errors.New("sms url: vonage needs API_KEY:API_SECRET")
	}
	from := c.query.Get("from")
	if from == "" {
		return nil, errors.New("sms url: vonage needs ?from= (a number or an alphanumeric sender ID)")
	}
	return &vonage{endpoint: c.origin("https://rest.nexmo.com") + "/sms/json",
		key: c.user, secret: c.pass, from: from, http: c.client}, nil
}

func (p *vonage) Send(ctx context.Context, to, body string) error {
	number, err := digits("vonage", to)
	if err != nil {
		return err
	}
	if err := checkBody("vonage", body); err != nil {
		return err
	}
	form := url.Values{"api_key": {p.key}, "api_secret": {p.secret}, "from": {p.from}, "to": {number}, "text": {body}}
	if !isASCII(body) {
		form.Set("type", "unicode")
	}
	r := request{provider: "vonage", client: p.http, url: p.endpoint, form: form, secrets: []string{p.secret, body}}
	status, answer, err := r.do(ctx)
	if err != nil {
		return err
	}
	if status < 200 || status >= 300 {
		return r.fail(status, answer, "", "", permanentStatus(status))
	}
	var a struct {
		Messages []struct {
			Status    string `json:"status"`
			ErrorText string `json:"error-text"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(answer, &a); err != nil || len(a.Messages) == 0 {
		return r.fail(status, answer, "", "unreadable answer: "+string(answer), false)
	}
	for _, m := range a.Messages {
		if m.Status != "0" {
			return r.fail(status, answer, m.Status, m.ErrorText, m.Status != "1" && m.Status != "5")
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
