package usersio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxLine bounds one line of a JSON lines file. A user with the largest
// prefs Gatehouse stores (64 KiB) fits many times over; a longer line is
// reported as a bad row and skipped.
const MaxLine = 1 << 20

// errLineTooLong is the row error of a line over MaxLine.
var errLineTooLong = fmt.Errorf("line longer than %d bytes", MaxLine)

// lines reads a JSON lines file one non-blank line at a time, reusing one
// buffer.
type lines struct {
	r   *bufio.Reader
	n   int // number of the line last returned
	buf []byte
}

func newLines(r io.Reader) *lines {
	return &lines{r: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next non-blank line without its line ending, valid
// until the following call, and its position. A line over MaxLine comes
// back as errLineTooLong in rowErr, its content dropped. err is io.EOF at
// the end, or a read error.
func (l *lines) next() (line []byte, pos string, rowErr, err error) {
	for {
		l.buf = l.buf[:0]
		long, eof := false, false
		for {
			chunk, err := l.r.ReadSlice('\n')
			if !long && len(l.buf)+len(chunk) > MaxLine+2 { // +2: the line ending
				long, l.buf = true, l.buf[:0]
			}
			if !long {
				l.buf = append(l.buf, chunk...)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				if len(chunk) == 0 && len(l.buf) == 0 && !long {
					return nil, "", nil, io.EOF
				}
				eof = true
			} else if err != nil {
				return nil, "", nil, fmt.Errorf("line %d: %w", l.n+1, err)
			}
			break
		}
		l.n++
		pos = fmt.Sprintf("line %d", l.n)
		if long {
			return nil, pos, errLineTooLong, nil
		}
		line = bytes.TrimSpace(l.buf)
		if l.n == 1 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
		}
		if len(line) > 0 {
			return line, pos, nil, nil
		}
		if eof {
			return nil, "", nil, io.EOF
		}
	}
}
