// Package templates renders the messages Gatehouse sends: emails with a
// subject, an HTML part and a plain-text part, and SMS texts.
//
// Kinds and placeholders are Appwrite's, so a project's custom templates
// carry over: {{user}}, {{project}}, {{redirect}}, {{otp}} and so on (see
// Vars). Defaults ship in English, with German, Spanish and French for
// some kinds; a kind missing from a locale is rendered whole in English.
//
// Values are user-controlled (a user's name, a team's name) and are
// escaped wherever they land in HTML; in the text part and the SMS text
// they are inserted as they are. Substitution is a single pass, so a value
// that itself reads "{{otp}}" stays literal. Unknown placeholders are left
// as they are, as Appwrite does.
package templates

import (
	"errors"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/gatehouse-auth/gatehouse/internal/validate"
)

// Email kinds (Appwrite's names).
const (
	Verification = "verification"
	MagicSession = "magicSession"
	Recovery     = "recovery"
	Invitation   = "invitation"
	MFAChallenge = "mfaChallenge"
	SessionAlert = "sessionAlert"
	OTPSession   = "otpSession"
	// Gatehouse's own: the notices mailed after accounts are linked or
	// unlinked, with the link that undoes the change.
	AccountLinked   = "accountLinked"
	AccountUnlinked = "accountUnlinked"
	// AccountClaimed tells the owner who just proved an address what was
	// removed from the account set up with it before.
	AccountClaimed = "accountClaimed"
)

// Login is the SMS kind for phone sign-in codes; the SMS kinds are
// Verification, Login, Invitation and MFAChallenge.
const Login = "login"

// ErrUnknownKind is returned for a kind the channel does not have.
var ErrUnknownKind = errors.New("unknown template kind")

// EmailKinds lists the email kinds, for validating a project's templates.
func EmailKinds() []string {
	return []string{Verification, MagicSession, Recovery, Invitation, MFAChallenge, SessionAlert, OTPSession, AccountLinked, AccountUnlinked,
		AccountClaimed}
}

// SMSKinds lists the SMS kinds.
func SMSKinds() []string { return []string{Verification, Login, Invitation, MFAChallenge} }

// Vars are the values of the placeholders. Empty values are allowed; the
// default templates leave out what an empty value would make pointless
// (the security phrase, a line of the session alert, the name in the
// greeting).
type Vars struct {
	User        string // {{user}}: the user's name
	Project     string // {{project}}: the project's name
	Redirect    string // {{redirect}}: the link to follow
	OTP         string // {{otp}} and {{secret}}: the one-time code
	Phrase      string // {{phrase}}: the security phrase, when asked for
	Team        string // {{team}}: the team's name (invitations)
	Direction   string // {{direction}}: "ltr" or "rtl"; empty takes the locale's
	AgentDevice string // {{agentDevice}}
	AgentClient string // {{agentClient}}
	AgentOS     string // {{agentOs}}
	IPAddress   string // {{ipAddress}}
	Country     string // {{country}}
	Time        string // {{time}}: when, in UTC ("15:04:05"), for the session alert
	Date        string // {{date}}: the day ("January 2")
	Year        string // {{year}}
	Account     string // {{account}}: the other account of a link notice
	// Gatehouse's own, for the pre-hijacking defence: {{disown}}, the
	// "this wasn't me" link of a verification mail, and {{removed}}, what
	// proving an address removed from the account.
	Disown  string
	Removed string
}

// Custom is a project's own template for one kind and locale. Empty fields
// fall back to the default template and the project's SMTP settings.
// Message is HTML for email (Appwrite's editor writes HTML; text without
// any tag is taken as plain text, one paragraph per blank-line block) and
// plain text for SMS.
type Custom struct {
	Subject     string `json:"subject"`
	Message     string `json:"message"`
	SenderName  string `json:"senderName"`
	SenderEmail string `json:"senderEmail"`
	ReplyTo     string `json:"replyTo"`
}

// Sender applies the custom template's sender fields over the given ones.
// A nil Custom changes nothing.
func (c *Custom) Sender(name, email, replyTo string) (string, string, string) {
	if c == nil {
		return name, email, replyTo
	}
	return or(c.SenderName, name), or(c.SenderEmail, email), or(c.ReplyTo, replyTo)
}

// NormalizeLocale reduces a locale tag to its lower-case primary language:
// "de-DE", "de_DE" and "de-DE,de;q=0.9" give "de". Anything that is not a
// plausible language code gives "en". Regional variants are folded into
// the language.
func NormalizeLocale(locale string) string {
	l := strings.TrimSpace(locale)
	if i := strings.IndexAny(l, ",;"); i >= 0 {
		l = l[:i]
	}
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	l = strings.ToLower(l)
	if len(l) < 2 || len(l) > 3 {
		return "en"
	}
	for _, c := range l {
		if c < 'a' || c > 'z' {
			return "en"
		}
	}
	return l
}

// Locales lists the locales with default texts.
func Locales() []string {
	out := make([]string, 0, len(locales))
	for l := range locales {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// Render renders an email of the given kind. custom, when not nil,
// replaces the default subject and message, each when not empty; the
// result is wrapped in the same page layout either way.
func Render(kind, locale string, custom *Custom, vars Vars) (subject, htmlPart, textPart string, err error) {
	if !slices.Contains(EmailKinds(), kind) {
		return "", "", "", fmt.Errorf("%w %q for email", ErrUnknownKind, kind)
	}
	loc := lookup(locale, func(l *texts) bool { _, ok := l.email[kind]; return ok })
	def := loc.email[kind]
	values := vars.values(loc)

	subjectTmpl := def.subject
	if custom != nil && custom.Subject != "" {
		subjectTmpl = custom.Subject
	}
	subject = oneLine(expand(subjectTmpl, values, false))

	var bodyHTML, bodyText string
	if custom != nil && strings.TrimSpace(custom.Message) != "" {
		bodyHTML, bodyText = customBody(custom.Message)
	} else {
		bodyHTML, bodyText = def.render(loc, values)
	}
	htmlPart = layout(loc.code, values["direction"], subject, expand(bodyHTML, values, true))
	textPart = expand(bodyText, values, false)
	return subject, htmlPart, textPart, nil
}

// RenderSMS renders an SMS text of the given kind; custom.Message, when
// set, replaces the default.
func RenderSMS(kind, locale string, custom *Custom, vars Vars) (string, error) {
	if !slices.Contains(SMSKinds(), kind) {
		return "", fmt.Errorf("%w %q for SMS", ErrUnknownKind, kind)
	}
	loc := lookup(locale, func(l *texts) bool { _, ok := l.sms[kind]; return ok })
	tmpl := loc.sms[kind]
	if custom != nil && strings.TrimSpace(custom.Message) != "" {
		tmpl = custom.Message
	}
	return strings.TrimSpace(expand(tmpl, vars.values(loc), false)), nil
}

// lookup finds the locale's texts if they have what is needed, else
// English.
func lookup(locale string, has func(*texts) bool) *texts {
	if l, ok := locales[NormalizeLocale(locale)]; ok && has(l) {
		return l
	}
	return locales["en"]
}

// values maps placeholder names to values.
func (v Vars) values(loc *texts) map[string]string {
	dir := v.Direction
	if dir != "ltr" && dir != "rtl" {
		dir = loc.direction
	}
	m := map[string]string{
		"user":        v.User,
		"project":     v.Project,
		"redirect":    v.Redirect,
		"otp":         v.OTP,
		"secret":      v.OTP,
		"phrase":      v.Phrase,
		"team":        v.Team,
		"direction":   dir,
		"agentDevice": v.AgentDevice,
		"agentClient": v.AgentClient,
		"agentOs":     v.AgentOS,
		"ipAddress":   v.IPAddress,
		"country":     v.Country,
		"time":        v.Time,
		"date":        v.Date,
		"year":        v.Year,
		"account":     v.Account,
		"disown":      v.Disown,
		"removed":     v.Removed,
	}
	// What a person typed (a name, a project's name) or a client sent (its
	// User-Agent) may have reached storage without a request's checks (an
	// import, an older row): no line break or control character of it
	// reaches a mail or a text, where it could pass for the project's own
	// paragraphs.
	// The redirect is a URL the request already checked, shown as given.
	for k, s := range m {
		if k == "redirect" {
			m[k] = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
		} else {
			m[k] = validate.Strip(s)
		}
	}
	return m
}

// expand replaces {{name}} (spaces inside the braces allowed) with the
// value of name, HTML-escaped when escape is set, in one pass. Unknown
// names stay as they are.
func expand(tmpl string, values map[string]string, escape bool) string {
	var b strings.Builder
	b.Grow(len(tmpl))
	for {
		open := strings.Index(tmpl, "{{")
		if open < 0 {
			break
		}
		end := strings.Index(tmpl[open+2:], "}}")
		if end < 0 {
			break
		}
		name := strings.TrimSpace(tmpl[open+2 : open+2+end])
		v, ok := values[name]
		if !ok {
			// Not a placeholder: keep "{{" and look again after it.
			b.WriteString(tmpl[:open+2])
			tmpl = tmpl[open+2:]
			continue
		}
		b.WriteString(tmpl[:open])
		if escape {
			if name == "redirect" || name == "disown" {
				v = safeURL(v)
			}
			v = html.EscapeString(v)
		}
		b.WriteString(v)
		tmpl = tmpl[open+2+end+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// safeURL keeps a link that would run script out of the HTML part. The
// endpoints only accept redirect URLs of the project's platforms; this is
// the second line of defence.
func safeURL(u string) string {
	t := strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1 // browsers ignore these inside a scheme
		}
		return r
	}, u)
	scheme, _, ok := strings.Cut(t, ":")
	if !ok || strings.ContainsAny(scheme, "/?#") {
		return u
	}
	switch strings.ToLower(scheme) {
	case "javascript", "vbscript", "data":
		return "about:invalid#unsafe-url"
	}
	return u
}

// oneLine makes a subject one line without control characters.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
