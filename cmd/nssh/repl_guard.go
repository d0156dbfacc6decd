package main

import (
	"bytes"
	"io"

	"github.com/chzyer/readline"
)

// chzyer/readline v1.5.1 has key sequences that crash, hang or spin it.
// The REPL keeps the library and guards it through its Config hooks:
//
//   - a NUL byte (Ctrl-Space) reads as rune 0, which readline takes for end
//     of input: it ends its key loop, and the next key then blocks its
//     terminal reader forever (Terminal.Close hangs). inputFilter drops NUL
//     bytes before readline sees them, so rune 0 only ever means EOF;
//   - the Delete key reads as Ctrl-D and ends the REPL on an empty line;
//     inputFilter and filterKey make it delete a character or nothing;
//   - Ctrl-T on a one-character line moves the cursor past the end, and
//     the next character panics in RuneBuffer.WriteRunes.
//     cursorGuard (the Listener, called after every key) puts the cursor
//     back inside the line;
//   - a terminal reporting 0 (or an unknown) number of columns makes the
//     cursor arithmetic loop forever on Ctrl-A, Home, Left, Ctrl-B.
//     screenWidth (FuncGetWidth) never reports less than one column;
//   - Ctrl-Z sends SIGTSTP to nssh's parent (SuspendMe uses getppid).
//     filterKey (FuncFilterInputRune) takes Ctrl-Z away from readline and
//     suspends nssh itself, as a terminal does for a shell job (suspend.go).
//
// Whatever is left is caught by the copy of readline in
// third_party/readline: its key loop recovers from a panic, drops the line
// and goes on (see NSSH_PATCH.md there).

// deleteSeq is the Delete key. readline reads it as Ctrl-D, which ends the
// REPL on an empty line; inputFilter turns it into deleteKey, and
// filterKey makes that Ctrl-D only on a non-empty line.
const (
	deleteSeq = "\x1b[3~"
	deleteKey = '\ue000' // a private-use character
)

// inputFilter removes NUL bytes from what it reads and replaces the
// Delete key's sequence with deleteKey. A read that ends in the middle of
// that sequence keeps the part for the next read.
type inputFilter struct {
	r       io.Reader
	held    []byte
	scratch []byte
}

func (f *inputFilter) Read(p []byte) (int, error) {
	for {
		if len(f.scratch) < len(p) {
			f.scratch = make([]byte, len(p))
		}
		room := max(len(p)-len(f.held), 1)
		n, err := f.r.Read(f.scratch[:room])
		data := append(f.held, f.scratch[:n]...)
		f.held = nil
		data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte{0}, nil), []byte(deleteSeq), []byte(string(deleteKey)))
		if err == nil {
			for k := len(deleteSeq) - 1; k > 0; k-- {
				if bytes.HasSuffix(data, []byte(deleteSeq[:k])) {
					f.held = append([]byte(nil), data[len(data)-k:]...)
					data = data[:len(data)-k]
					break
				}
			}
		}
		if len(data) > len(p) { // only when p is shorter than what was held
			f.held = append(append([]byte(nil), data[len(p):]...), f.held...)
			data = data[:len(p)]
		}
		copy(p, data)
		if len(data) > 0 || err != nil || n == 0 && len(f.held) == 0 {
			return len(data), err
		}
	}
}

// fallbackWidth is the width used when the terminal reports none.
const fallbackWidth = 80

// screenWidth is the terminal's width in columns, fallbackWidth when it
// reports 0 or cannot be asked.
func (r *repl) screenWidth() int {
	w, _, err := readline.GetSize(r.fd)
	if err != nil || w < 1 {
		return fallbackWidth
	}
	return w
}

// listen is readline's Listener, called after every key: it notes the
// line's length for filterKey and applies cursorGuard.
func (r *repl) listen(line []rune, pos int, key rune) ([]rune, int, bool) {
	r.lineLen.Store(int64(len(line)))
	return cursorGuard(line, pos, key)
}

// cursorGuard moves a cursor that readline left outside the line back to
// its end.
func cursorGuard(line []rune, pos int, _ rune) ([]rune, int, bool) {
	if pos >= 0 && pos <= len(line) {
		return nil, 0, false
	}
	return line, max(0, min(pos, len(line))), true
}

// filterKey is readline's FuncFilterInputRune. Ctrl-Z suspends nssh and
// reaches readline as Ctrl-G, which only leaves search and completion; so
// does the Delete key on an empty line.
// It also brings readline's history up to date before any key uses it.
func (r *repl) filterKey(key rune) (rune, bool) {
	r.hist.sync(r.rl.ResetHistory, r.rl.SaveHistory)
	if key == deleteKey {
		if r.lineLen.Load() == 0 {
			return readline.CharBell, true
		}
		return readline.CharDelete, true
	}
	if key == readline.CharCtrlZ {
		r.rl.Clean()
		r.suspend()
		r.rl.Refresh()
		return readline.CharBell, true
	}
	return key, true
}
