package main

import (
	"bytes"
	"io"
	"strings"
	"sync"
	"testing"
	"testing/iotest"

	"github.com/chzyer/readline"
)

func TestInputFilter(t *testing.T) {
	in := "\x00a\x00\x00b\x1b[3~c\x1b[3x\x1b[3"
	want := "ab\ue000c\x1b[3x\x1b[3"
	// Whole, and one byte per read: a sequence split over reads, and reads
	// of a lone NUL, which must not come back empty.
	for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in))} {
		got, err := io.ReadAll(&inputFilter{r: r})
		if err != nil || string(got) != want {
			t.Errorf("read %q, %v; want %q", got, err, want)
		}
	}
}

func TestCursorGuard(t *testing.T) {
	line := []rune("x")
	for _, tt := range []struct {
		pos, want int
		fix       bool
	}{{0, 0, false}, {1, 1, false}, {2, 1, true}, {-1, 0, true}} {
		_, pos, ok := cursorGuard(line, tt.pos, 0)
		if ok != tt.fix || ok && pos != tt.want {
			t.Errorf("cursorGuard(pos %d) = %d, %v; want %d, %v", tt.pos, pos, ok, tt.want, tt.fix)
		}
	}
	if _, _, ok := cursorGuard(nil, 0, 0); ok { // readline's first call
		t.Error("cursorGuard(nil, 0) changed something")
	}
}

// lockedBuffer is a bytes.Buffer safe for readline's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestReadlineSurvivesPanic checks the patch in third_party/readline: a
// panic in the key loop drops the line being edited and reading goes on.
func TestReadlineSurvivesPanic(t *testing.T) {
	pr, pw := io.Pipe()
	errOut := &lockedBuffer{}
	noop := func() error { return nil }
	rl, err := readline.NewEx(&readline.Config{
		Stdin:              pr,
		Stdout:             io.Discard,
		Stderr:             errOut,
		FuncIsTerminal:     func() bool { return false },
		FuncMakeRaw:        noop,
		FuncExitRaw:        noop,
		FuncGetWidth:       func() int { return 80 },
		FuncOnWidthChanged: func(func()) {},
		FuncFilterInputRune: func(r rune) (rune, bool) {
			if r == '!' {
				panic("boom")
			}
			return r, true
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { pw.Close(); go rl.Close() }()
	go pw.Write([]byte("ab!cd\rok\r"))
	for _, want := range []string{"cd", "ok"} {
		if got, err := rl.Readline(); got != want || err != nil {
			t.Errorf("Readline() = %q, %v; want %q", got, err, want)
		}
	}
	if !strings.Contains(errOut.String(), "readline: internal error: boom (line dropped)") {
		t.Errorf("stderr: %q", errOut.String())
	}
}
