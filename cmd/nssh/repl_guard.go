package main

import (
	"io"

	"github.com/chzyer/readline"
)

// chzyer/readline v1.5.1 has key sequences that crash, hang or spin it.
// The REPL keeps the library and guards it through its Config hooks:
//
//   - a NUL byte (Ctrl-Space) reads as rune 0, which readline takes for end
//     of input: it ends its key loop, and the next key then blocks its
//     terminal reader forever (Terminal.Close hangs). nulFilter drops NUL
//     bytes before readline sees them, so rune 0 only ever means EOF;
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

// nulFilter removes NUL bytes from what it reads.
type nulFilter struct{ r io.Reader }

func (f nulFilter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c != 0 {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil || n == 0 {
			return k, err
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

// cursorGuard is readline's Listener: it runs after every key and moves a
// cursor that readline left outside the line back to its end.
func cursorGuard(line []rune, pos int, _ rune) ([]rune, int, bool) {
	if pos >= 0 && pos <= len(line) {
		return nil, 0, false
	}
	return line, max(0, min(pos, len(line))), true
}

// filterKey is readline's FuncFilterInputRune. Ctrl-Z suspends nssh and
// reaches readline as Ctrl-G, which only leaves search and completion.
// It also brings readline's history up to date before any key uses it.
func (r *repl) filterKey(key rune) (rune, bool) {
	r.hist.sync(r.rl.ResetHistory, r.rl.SaveHistory)
	if key == readline.CharCtrlZ {
		r.rl.Clean()
		r.suspend()
		r.rl.Refresh()
		return readline.CharBell, true
	}
	return key, true
}
