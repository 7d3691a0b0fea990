package templates

import (
	"html"
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// texts are one locale's default texts. Strings may hold placeholders.
type texts struct {
	code      string // "en"
	direction string // "ltr" or "rtl"
	hello     string // greeting with {{user}}
	helloAnon string // greeting when the user has no name
	signoff   string // "Thanks,"
	team      string // "{{project}} team"
	email     map[string]email
	sms       map[string]string
}

// email is a default email: a subject, a preview, and blocks between the
// greeting and the sign-off. The preview is the line mail clients show
// next to the subject: a hidden first element of the HTML part and the
// first paragraph of the text part.
type email struct {
	subject string
	preview string
	blocks  []block
}

type blockKind int

const (
	para    blockKind = iota // a paragraph
	button                   // a link to {{redirect}}; text is the label
	code                     // {{otp}}, large
	detail                   // one "Label: {{value}}" line of a list
	altLink                  // a link to the URL in ifSet; text is the label
)

// block is one piece of a default email. When ifSet names a placeholder
// whose value is empty, the block is left out; when unless names one
// whose value is set, too.
type block struct {
	kind   blockKind
	text   string
	ifSet  string
	unless string
}

func p(text string) block           { return block{kind: para, text: text} }
func pIf(v, text string) block      { return block{kind: para, text: text, ifSet: v} }
func btn(label string) block        { return block{kind: button, text: label} }
func btnIf(v, label string) block   { return block{kind: button, text: label, ifSet: v} }
func pUnless(v, text string) block  { return block{kind: para, text: text, unless: v} }
func otpBlock() block               { return block{kind: code} }
func line(v, labelled string) block { return block{kind: detail, text: labelled, ifSet: v} }

// linkTo is a plain link to the URL placeholder v, left out when v is
// empty: a second, lesser action next to the button.
func linkTo(v, label string) block { return block{kind: altLink, text: label, ifSet: v} }

// Inline styles: mail clients ignore style sheets.
const (
	styleButton = "display:inline-block;padding:12px 24px;border-radius:6px;background:#2d5bd7;color:#ffffff;text-decoration:none;font-weight:600"
	styleLink   = "font-size:12px;color:#5b6b7b;word-break:break-all"
	// The preview is for the inbox list only: hidden in the opened mail.
	stylePreview = "display:none;max-height:0;overflow:hidden;opacity:0;font-size:1px;line-height:1px;color:#ffffff"
	styleCode    = "font-size:28px;font-weight:700;letter-spacing:6px;font-family:ui-monospace,Menlo,Consolas,monospace"
)

// render builds the default body as an HTML fragment and as text, both
// still holding placeholders. Literal texts are escaped into the HTML
// here; values are escaped later, by expand.
func (e email) render(loc *texts, values map[string]string) (string, string) {
	var h, t strings.Builder
	greeting := loc.hello
	if values["user"] == "" {
		greeting = loc.helloAnon
	}
	if e.preview != "" {
		h.WriteString(`<div style="` + stylePreview + `">` + html.EscapeString(e.preview) + "</div>\n")
		t.WriteString(e.preview + "\n\n")
	}
	h.WriteString("<p>" + html.EscapeString(greeting) + "</p>\n")
	t.WriteString(greeting + "\n\n")
	inList := false
	for _, b := range e.blocks {
		if b.ifSet != "" && values[b.ifSet] == "" || b.unless != "" && values[b.unless] != "" {
			continue
		}
		if inList && b.kind != detail {
			h.WriteString("</ul>\n")
			t.WriteString("\n")
			inList = false
		}
		switch b.kind {
		case para:
			h.WriteString("<p>" + html.EscapeString(b.text) + "</p>\n")
			t.WriteString(b.text + "\n\n")
		case button:
			h.WriteString(`<p><a href="{{redirect}}" style="` + styleButton + `">` + html.EscapeString(b.text) + "</a></p>\n")
			h.WriteString(`<p style="` + styleLink + `"><a href="{{redirect}}" style="color:#5b6b7b">{{redirect}}</a></p>` + "\n")
			t.WriteString(b.text + ":\n{{redirect}}\n\n")
		case altLink:
			h.WriteString(`<p><a href="{{` + b.ifSet + `}}">` + html.EscapeString(b.text) + "</a></p>\n")
			t.WriteString(b.text + ":\n{{" + b.ifSet + "}}\n\n")
		case code:
			h.WriteString(`<p style="` + styleCode + `">{{otp}}</p>` + "\n")
			t.WriteString("    {{otp}}\n\n")
		case detail:
			if !inList {
				h.WriteString("<ul>\n")
				inList = true
			}
			h.WriteString("<li>" + html.EscapeString(b.text) + "</li>\n")
			t.WriteString("  " + b.text + "\n")
		}
	}
	if inList {
		h.WriteString("</ul>\n")
		t.WriteString("\n")
	}
	thanks, team := loc.signoff, loc.team
	h.WriteString("<p>" + html.EscapeString(thanks) + "<br>\n" + html.EscapeString(team) + "</p>\n")
	t.WriteString(thanks + "\n" + team + "\n")
	return h.String(), t.String()
}

// layout wraps a rendered body into a whole HTML document. lang is one of
// ours; dir and subject come escaped or checked.
func layout(lang, dir, subject, body string) string {
	if dir != "rtl" {
		dir = "ltr"
	}
	return `<!DOCTYPE html>
<html lang="` + lang + `" dir="` + dir + `">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>` + html.EscapeString(subject) + `</title>
</head>
<body style="margin:0;padding:0;background:#f4f5f7">
<div style="max-width:560px;margin:0 auto;padding:32px 24px;background:#ffffff;color:#1f2933;font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5">
` + body + `</div>
</body>
</html>
`
}

// customBody turns a project's custom message into an HTML fragment and a
// text version, both still holding placeholders. A message without any
// tag is plain text.
func customBody(msg string) (string, string) {
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	if !strings.Contains(msg, "<") {
		var h strings.Builder
		for _, par := range paragraphBreak.Split(strings.TrimSpace(msg), -1) {
			h.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(par), "\n", "<br>\n") + "</p>\n")
		}
		return h.String(), strings.TrimSpace(msg) + "\n"
	}
	return msg, htmlToText(msg)
}

var (
	blankLines     = regexp.MustCompile(`\n{3,}`)
	paragraphBreak = regexp.MustCompile(`\n\s*\n`)
)

// htmlToText reduces HTML to readable text: blocks become lines, links
// show their target after the label, scripts, styles and the head are
// dropped, entities are decoded.
func htmlToText(src string) string {
	z := xhtml.NewTokenizer(strings.NewReader(src))
	var b strings.Builder
	skip := 0 // depth inside script, style, head, title
	type link struct {
		href  string
		start int
	}
	var links []link
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return tidy(b.String())
		case xhtml.TextToken:
			if skip == 0 {
				b.WriteString(collapse(string(z.Text())))
			}
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template:
				if tt == xhtml.StartTagToken {
					skip++
				}
			case atom.Br:
				b.WriteString("\n")
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Table, atom.Ul, atom.Ol, atom.Blockquote, atom.Section, atom.Pre, atom.Hr:
				b.WriteString("\n\n")
			case atom.Tr:
				b.WriteString("\n")
			case atom.Li:
				b.WriteString("\n- ")
			case atom.Td, atom.Th:
				b.WriteString(" ")
			case atom.A:
				href := ""
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						href = strings.TrimSpace(string(v))
					}
				}
				if tt == xhtml.StartTagToken {
					links = append(links, link{href: href, start: b.Len()})
				}
			case atom.Img:
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "alt" {
						b.WriteString(collapse(string(v)))
					}
				}
			}
		case xhtml.EndTagToken:
			name, _ := z.TagName()
			switch atom.Lookup(name) {
			case atom.Script, atom.Style, atom.Head, atom.Title, atom.Template:
				if skip > 0 {
					skip--
				}
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
				atom.Table, atom.Ul, atom.Ol, atom.Blockquote, atom.Section, atom.Pre:
				b.WriteString("\n\n")
			case atom.Tr, atom.Li:
				b.WriteString("\n")
			case atom.A:
				if len(links) == 0 {
					break
				}
				l := links[len(links)-1]
				links = links[:len(links)-1]
				if l.start > b.Len() {
					break
				}
				label := strings.TrimSpace(b.String()[l.start:])
				if l.href != "" && !strings.HasPrefix(l.href, "#") && label != l.href && "mailto:"+label != l.href {
					if label == "" {
						b.WriteString(l.href)
					} else {
						b.WriteString(" (" + l.href + ")")
					}
				}
			}
		}
	}
}

// collapse turns runs of white space into one space.
func collapse(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// tidy trims every line and keeps at most one blank line in a row.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	s = blankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n")
	return strings.TrimSpace(s) + "\n"
}
