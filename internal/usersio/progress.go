package usersio

import (
	"fmt"
	"io"
	"time"
)

// Redraw is how often, at most, a Meter redraws its line.
const Redraw = 100 * time.Millisecond

// Meter shows a one-line progress report on a terminal, redrawn in place
// at most every Redraw, and keeps lines printed through it from tangling
// with that line. When w is not a terminal it draws nothing, and Println
// just prints.
type Meter struct {
	w     io.Writer
	tty   bool
	now   func() time.Time
	start time.Time
	last  time.Time // of the last redraw
	shown bool      // a progress line is on screen
}

// NewMeter starts a meter writing to w; tty says whether w is a terminal.
func NewMeter(w io.Writer, tty bool, now func() time.Time) *Meter {
	t := now()
	return &Meter{w: w, tty: tty, now: now, start: t}
}

// Show redraws the line when it is due: status() followed by the rate of
// n items since the start. status is only called when the line is drawn.
func (m *Meter) Show(n int, status func() string) {
	if !m.tty {
		return
	}
	t := m.now()
	if !m.last.IsZero() && t.Sub(m.last) < Redraw {
		return
	}
	m.last, m.shown = t, true
	fmt.Fprintf(m.w, "\r\x1b[K%s  %s", status(), Rate(n, t.Sub(m.start)))
}

// Println prints a line of its own above the progress line.
func (m *Meter) Println(s string) {
	m.clear()
	fmt.Fprintln(m.w, s)
}

// Done removes the progress line and returns the time since the start.
func (m *Meter) Done() time.Duration {
	m.clear()
	return m.now().Sub(m.start)
}

func (m *Meter) clear() {
	if m.shown {
		fmt.Fprint(m.w, "\r\x1b[K")
		m.shown = false
	}
}

// Rate formats n items over d as "1234/s".
func Rate(n int, d time.Duration) string {
	if d <= 0 {
		return "-/s"
	}
	return fmt.Sprintf("%.0f/s", float64(n)/d.Seconds())
}
