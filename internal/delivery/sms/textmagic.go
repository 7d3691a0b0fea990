package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// textmagic sends through the Textmagic REST API v2:
//
//	POST https://rest.textmagic.com/api/v2/messages
//	X-TM-Username: USERNAME
//	X-TM-Key: API_KEY
//	Content-Type: application/x-www-form-urlencoded
//	text=...&phones=15557654321&from=Gatehouse
//
// phones is a comma-separated list of E.164 numbers without "+"; from is
// optional (Textmagic picks a sender otherwise). It answers 201 Created
// with {"id": ..., "href": "...", "type": "message", ...} and errors as
// {"code": 400, "message": "...", "errors": {...}}.
type textmagic struct {
	endpoint string
	user     string
	key      string
	from     string
	http     *http.Client
}

func newTextmagic(c config) (SMS, error) {
	if err := c.checkQuery("from"); err != nil {
		return nil, err
	}
	if c.user == "" || c.pass == "" {
		return nil, errors.New("sms url: textmagic needs USERNAME:API_KEY")
	}
	return &textmagic{endpoint: c.origin("https://rest.textmagic.com") + "/api/v2/messages",
		user: c.user, key: c.pass, from: c.query.Get("from"), http: c.client}, nil
}

func (p *textmagic) Send(ctx context.Context, to, body string) error {
	number, err := digits("textmagic", to)
	if err != nil {
		return err
	}
	if err := checkBody("textmagic", body); err != nil {
		return err
	}
	form := url.Values{"text": {body}, "phones": {number}}
	if p.from != "" {
		form.Set("from", p.from)
	}
	r := request{provider: "textmagic", client: p.http, url: p.endpoint, form: form,
		header:  map[string][]string{"X-Tm-Username": {p.user}, "X-Tm-Key": {p.key}},
		secrets: []string{p.key, body}}
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
