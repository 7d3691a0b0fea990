package sms

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
)

// msg91 sends through MSG91's Flow API, which sends a template approved
// beforehand (in India, registered under DLT), filling in its variables:
//
//	POST https://control.msg91.com/api/v5/flow/
//	authkey: AUTH_KEY
//	Content-Type: application/json
//	{"template_id": "...", "sender": "GATEHS", "short_url": "0",
//	 "recipients": [{"mobiles": "919812345678", "message": "...", "otp": "123456"}]}
//
// This is the shape MSG91's current Flow API reference documents (the
// recipients array); the older flat shape with "flow_id" and a top-level
// "mobiles" is not used. Two template variables are filled in: "message",
// the whole rendered text, and "otp", the first run of 4 to 10 digits in
// it (the whole text when there is none). So the MSG91 template should read
// like "##otp## is your verification code" or just "##message##".
//
// MSG91 answers {"type": "success", "message": "<request id>"}, and
// {"type": "error", "message": "..."} on failure, sometimes with status
// 200; both are read.
type msg91 struct {
	endpoint string
	key      string
	template string
	sender   string
	http     *http.Client
}

func newMSG91(c config) (SMS, error) {
	if err := c.checkQuery("template", "sender"); err != nil {
		return nil, err
	}
	if c.user == "" || c.pass != "" {
		return nil, errors.New("sms url: msg91 needs AUTH_KEY@ (the key as the user name, no password)")
	}
	template := c.query.Get("template")
	if template == "" {
		return nil, errors.New("sms url: msg91 needs ?template= (the Flow template ID)")
	}
	return &msg91{endpoint: c.origin("https://control.msg91.com") + "/api/v5/flow/",
		key: c.user, template: template, sender: c.query.Get("sender"), http: c.client}, nil
}

type msg91Request struct {
	TemplateID string            `json:"template_id"`
	Sender     string            `json:"sender,omitempty"`
	ShortURL   string            `json:"short_url"`
	Recipients []msg91Recipients `json:"recipients"`
}

type msg91Recipients struct {
	Mobiles string `json:"mobiles"`
	Message string `json:"message"`
	OTP     string `json:"otp"`
}

func (p *msg91) Send(ctx context.Context, to, body string) error {
	number, err := digits("msg91", to)
	if err != nil {
		return err
	}
	if err := checkBody("msg91", body); err != nil {
		return err
	}
	otp := firstCode(body)
	if otp == "" {
		otp = body
	}
	r := request{provider: "msg91", client: p.http, url: p.endpoint,
		json: msg91Request{
			TemplateID: p.template, Sender: p.sender, ShortURL: "0",
			Recipients: []msg91Recipients{{Mobiles: number, Message: body, OTP: otp}},
		},
		header: map[string][]string{"Authkey": {p.key}}, secrets: []string{p.key, body}}
	status, answer, err := r.do(ctx)
	if err != nil {
		return err
	}
	var a struct {
		Type    string `json:"type"`
		Message string `json:"message"`
		Code    any    `json:"code"`
	}
	_ = json.Unmarshal(answer, &a)
	if status >= 200 && status < 300 && !strings.EqualFold(a.Type, "error") {
		return nil
	}
	code := ""
	if a.Code != nil {
		b, _ := json.Marshal(a.Code)
		code = strings.Trim(string(b), `"`)
	}
	perm := permanentStatus(status) || (status >= 200 && status < 300)
	return r.fail(status, answer, code, a.Message, perm)
}
