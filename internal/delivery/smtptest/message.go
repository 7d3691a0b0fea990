package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

// Message is one message as the server received it.
type Message struct {
	From       string   // envelope sender (MAIL FROM)
	To         []string // envelope recipients (RCPT TO)
	Raw        []byte   // the DATA as sent, headers and body
	AuthUser   string   // the user that authenticated, if any
	TLS        bool     // whether the session ran over TLS
	ReceivedAt time.Time

	// Parsed from Raw. Subject is decoded from RFC 2047 words; Text and
	// HTML are the first text/plain and text/html parts, transfer
	// encoding undone. ParseError says why parsing failed, if it did.
	Header     mail.Header
	Subject    string
	Text       string
	HTML       string
	ParseError string
}

// HeaderAddress returns the first address of the header key (e.g. "From",
// "Reply-To"), decoded, or nil.
func (m Message) HeaderAddress(key string) *mail.Address {
	list, err := m.Header.AddressList(key)
	if err != nil || len(list) == 0 {
		return nil
	}
	return list[0]
}

func (m Message) clone() Message {
	c := m
	c.To = append([]string(nil), m.To...)
	c.Raw = bytes.Clone(m.Raw)
	c.Header = make(mail.Header, len(m.Header))
	for k, v := range m.Header {
		c.Header[k] = append([]string(nil), v...)
	}
	return c
}

func (m *Message) parse() error {
	pm, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	m.Header = pm.Header
	dec := new(mime.WordDecoder)
	if subj, err := dec.DecodeHeader(pm.Header.Get("Subject")); err == nil {
		m.Subject = subj
	} else {
		m.Subject = pm.Header.Get("Subject")
	}
	return m.walk(pm.Header.Get("Content-Type"), pm.Header.Get("Content-Transfer-Encoding"), pm.Body, 0)
}

// walk finds the text parts of a body with the given headers.
func (m *Message) walk(contentType, encoding string, body io.Reader, depth int) error {
	if depth > 10 {
		return fmt.Errorf("MIME nesting deeper than 10")
	}
	if contentType == "" {
		contentType = "text/plain"
	}
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		boundary := params["boundary"]
		if boundary == "" {
			return errNoBoundary
		}
		mr := multipart.NewReader(body, boundary)
		for {
			// NextRawPart leaves the transfer encoding alone, so both
			// quoted-printable and base64 go through decode below.
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := m.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1); err != nil {
				return err
			}
		}
	}
	if mediaType != "text/plain" && mediaType != "text/html" {
		return nil
	}
	text, err := decode(encoding, body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mediaType, err)
	}
	if depth == 0 {
		// The line break before the final "." ends the last line of
		// DATA; the sender could not have left it out.
		text = strings.TrimSuffix(text, "\n")
	}
	if mediaType == "text/plain" && m.Text == "" {
		m.Text = text
	}
	if mediaType == "text/html" && m.HTML == "" {
		m.HTML = text
	}
	return nil
}

// decode undoes a Content-Transfer-Encoding. Parts are taken as UTF-8, the
// only charset Gatehouse sends.
func decode(encoding string, r io.Reader) (string, error) {
	var b []byte
	var err error
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		b, err = io.ReadAll(quotedprintable.NewReader(r))
	case "base64":
		var raw []byte
		raw, err = io.ReadAll(r)
		if err == nil {
			b, err = base64.StdEncoding.DecodeString(strings.Map(func(c rune) rune {
				if c == '\r' || c == '\n' || c == ' ' || c == '\t' {
					return -1
				}
				return c
			}, string(raw)))
		}
	default: // 7bit, 8bit, binary
		b, err = io.ReadAll(r)
	}
	if err != nil {
		return "", err
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n"), nil
}
