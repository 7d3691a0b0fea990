package sms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// telesign sends through Telesign's SMS API:
//
//	POST https://rest-api.telesign.com/v1/messaging
//	Authorization: Basic base64(CUSTOMER_ID:API_KEY)
//	Content-Type: application/x-www-form-urlencoded
//	phone_number=15557654321&message=...&message_type=OTP
//
// phone_number is the full number without "+". message_type is OTP unless
// ?message_type= says ARN (alerts, reminders, notifications) or MKT.
// Telesign answers 200 with {"reference_id": "...", "status": {"code":
// 290, "description": "Message in progress"}}; failures carry a status
// code of 10000 or more and an "errors" list, usually with a 4xx status.
// Basic authentication is the simpler of the two schemes Telesign
// documents (the other is an HMAC signature).
type telesign struct {
	endpoint    string
	customer    string
	key         string
	messageType string
	http        *http.Client
}

func newTelesign(c config) (SMS, error) {
	if err := c.checkQuery("message_type"); err != nil {
		return nil, err
	}
	if c.user == "" || c.pass == "" {
		return nil, errors.New("sms url: telesign needs CUSTOMER_ID:API_KEY")
	}
	mt := c.query.Get("message_type")
	switch mt {
	case "":
		mt = "OTP"
	case "OTP", "ARN", "MKT":
	default:
		return nil, fmt.Errorf("sms url: telesign message_type %s is not OTP, ARN or MKT", show(mt))
	}
	return &telesign{endpoint: c.origin("https://rest-api.telesign.com") + "/v1/messaging",
		customer: c.user, key: c.pass, messageType: mt, http: c.client}, nil
}

func (p *telesign) Send(ctx context.Context, to, body string) error {
	number, err := digits("telesign", to)
	if err != nil {
		return err
	}
	if err := checkBody("telesign", body); err != nil {
		return err
	}
	form := url.Values{"phone_number": {number}, "message": {body}, "message_type": {p.messageType}}
	r := request{provider: "telesign", client: p.http, url: p.endpoint, form: form,
		user: p.customer, pass: p.key, secrets: []string{p.key, body}}
	status, answer, err := r.do(ctx)
	if err != nil {
		return err
	}
	var a struct {
		Status struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		} `json:"status"`
		Errors []struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		} `json:"errors"`
	}
	_ = json.Unmarshal(answer, &a)
	if status >= 200 && status < 300 && a.Status.Code < 10000 {
		return nil
	}
	code, msg := "", a.Status.Description
	if a.Status.Code != 0 {
		code = strconv.Itoa(a.Status.Code)
	}
	if len(a.Errors) > 0 {
		code, msg = strconv.Itoa(a.Errors[0].Code), a.Errors[0].Description
	}
	return r.fail(status, answer, code, msg, permanentStatus(status) || (status >= 200 && status < 300))
}
