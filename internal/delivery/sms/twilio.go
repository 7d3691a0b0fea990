package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// twilio sends through Twilio's Programmable Messaging API:
//
//	POST https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json
//	Authorization: Basic base64(AccountSid:AuthToken)
//	Content-Type: application/x-www-form-urlencoded
//	To=+15557654321&From=+15551234567&Body=...
//
// It answers 201 Created with the message resource, and errors as
// {"code": 21211, "message": "...", "more_info": "...", "status": 400}.
// With an API key (SK...) the basic-auth pair is key SID and secret, and
// the account SID comes from ?account=. A from value starting with "MG" is
// a Messaging Service SID (MG and 32 hex digits) and is sent as
// MessagingServiceSid; anything else (a number, an alphanumeric sender ID)
// is sent as From.
type twilio struct {
	endpoint string
	user     string
	pass     string
	from     string
	http     *http.Client
}

func newTwilio(c config) (SMS, error) {
	if err := c.checkQuery("from", "account"); err != nil {
		return nil, err
	}
	if c.user == "" || c.pass == "" {
		return nil, errors.New("sms url: twilio needs ACCOUNT_SID:AUTH_TOKEN (or API_KEY_SID:SECRET with ?account=)")
	}
	account := c.query.Get("account")
	if account == "" {
		account = c.user
	}
	from := c.query.Get("from")
	if from == "" {
		return nil, errors.New("sms url: twilio needs ?from= (a number in E.164 or a Messaging Service SID)")
	}
	return &twilio{
		endpoint: c.origin("https://api.twilio.com") + "/2010-04-01/Accounts/" + url.PathEscape(account) + "/Messages.json",
		user:     c.user, pass: c.pass, from: from, http: c.client,
	}, nil
}

func (p *twilio) Send(ctx context.Context, to, body string) error {
	if _, err := digits("twilio", to); err != nil {
		return err
	}
	if err := checkBody("twilio", body); err != nil {
		return err
	}
	form := url.Values{"To": {to}, "Body": {body}}
	if strings.HasPrefix(p.from, "MG") && len(p.from) == 34 {
		form.Set("MessagingServiceSid", p.from)
	} else {
		form.Set("From", p.from)
	}
	r := request{provider: "twilio", client: p.http, url: p.endpoint, form: form,
		user: p.user, pass: p.pass, secrets: []string{p.pass, body}}
	status, answer, err := r.do(ctx)
	if err != nil {
		return err
	}
	if status >= 200 && status < 300 {
		return nil
	}
	var e struct {
		Code    json.Number `json:"code"`
		Message string      `json:"message"`
	}
	_ = json.Unmarshal(answer, &e)
	return r.fail(status, answer, e.Code.String(), e.Message, permanentStatus(status))
}
