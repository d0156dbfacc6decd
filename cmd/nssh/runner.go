package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/luabind"
)

// runLua is the Lua front end:
//
//	nssh                     REPL when stdin is a terminal, else stdin as one chunk
//	nssh FILE.lua [ARGS...]  run a script (a "#!" first line is skipped)
//	nssh -e CHUNK [ARGS...]  run a chunk
//	nssh - [ARGS...]         run stdin as one chunk
//
// ARGS land in the global arg (arg[0] is FILE, "-e" or "-") and in the
// chunk's "...". An uncaught error prints "FILE:LINE: message" (plus a
// traceback with -v) and exits 1. SIGINT and SIGTERM cancel the script,
// kill its children and exit 130 and 143 (128 + the signal number).
func runLua(g globals, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		if isTerminal(stdin) {
			return runREPL(g, stdin, stdout, stderr)
		}
		return runStdin(g, "-", nil, stdin, stdout, stderr)
	}
	switch a := args[0]; {
	case a == "-e":
		if len(args) < 2 {
			fmt.Fprintln(stderr, "nssh: option -e needs a chunk\nTry 'nssh --help'.")
			return 2
		}
		return runChunk(g, script{chunk: "(command line)", arg0: "-e", src: []byte(args[1])}, args[2:], stdout, stderr)
	case a == "-":
		return runStdin(g, "-", args[1:], stdin, stdout, stderr)
	case a == "--":
		if len(args) < 2 {
			return runLua(g, nil, stdin, stdout, stderr)
		}
		return runFile(g, args[1], args[2:], stdout, stderr)
	case strings.HasPrefix(a, "-"):
		fmt.Fprintf(stderr, "nssh: unknown option %s\nTry 'nssh --help'.\n", a)
		return 2
	default:
		return runFile(g, a, args[1:], stdout, stderr)
	}
}

// script is a chunk to run: its source, the name errors show and arg[0].
type script struct {
	chunk string
	arg0  string
	src   []byte
}

func runFile(g globals, path string, args []string, stdout, stderr io.Writer) int {
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "nssh: cannot open %s: %s\n", path, core.Strerror(err))
		return 1
	}
	return runChunk(g, script{chunk: path, arg0: path, src: src}, args, stdout, stderr)
}

func runStdin(g globals, arg0 string, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	src, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "nssh: cannot read stdin: %s\n", core.Strerror(err))
		return 1
	}
	return runChunk(g, script{chunk: "stdin", arg0: arg0, src: src}, args, stdout, stderr)
}

// runChunk compiles and runs one chunk on this (the main) goroutine, which
// owns the LState for its whole life.
func runChunk(g globals, sc script, args []string, stdout, stderr io.Writer) int {
	src := skipShebang(sc.src)
	s := newLuaSession(g, stdout, stderr)
	defer s.close()
	s.setArgs(sc.arg0, args)

	fn, err := s.L.Load(bytes.NewReader(src), sc.chunk)
	if err != nil {
		fmt.Fprintln(stderr, syntaxText(sc.chunk, err, lineCount(src)))
		return 1
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stop := stopOnSignals(cancel, s.b.Interrupt)
	defer stop.release()
	luabind.SetContext(s.L, ctx)

	vargs := make([]lua.LValue, len(args))
	for i, a := range args {
		vargs[i] = lua.LString(a)
	}
	_, err = s.pcall(fn, vargs...)
	s.L.RemoveContext()
	if sig := stop.signal(); sig != 0 {
		fmt.Fprintf(stderr, "nssh: %s: interrupted by %s\n", sc.chunk, unix.SignalName(sig))
		return 128 + int(sig)
	}
	if err != nil {
		reportFailure(g, err, stderr)
		return 1
	}
	return 0
}

// reportFailure prints an uncaught error, with its traceback under -v.
func reportFailure(g globals, err error, stderr io.Writer) {
	fmt.Fprintln(stderr, err.Error())
	if f, ok := err.(*luaFailure); ok && g.verbose && f.Traceback != "" {
		fmt.Fprintln(stderr, f.Traceback)
	}
}

// skipShebang blanks a "#!" first line, keeping the newline so that line
// numbers stay right.
func skipShebang(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("#")) {
		return src
	}
	if i := bytes.IndexByte(src, '\n'); i >= 0 {
		return src[i:]
	}
	return nil
}

// signalStop cancels a running script on SIGINT or SIGTERM and remembers
// which signal came.
type signalStop struct {
	ch   chan os.Signal
	got  chan syscall.Signal
	done chan struct{}
}

// stopOnSignals routes SIGINT and SIGTERM to cancel. A SIGINT goes
// through interrupt (luabind's Binding.Interrupt), which holds it back
// while a command shares the terminal (inherit=true): that command got
// the Ctrl-C too and decides. A second signal while the script is being
// stopped ends the process at once.
func stopOnSignals(cancel context.CancelFunc, interrupt func(func())) *signalStop {
	s := &signalStop{ch: make(chan os.Signal, 2), got: make(chan syscall.Signal, 1), done: make(chan struct{})}
	signal.Notify(s.ch, syscall.SIGINT, syscall.SIGTERM)
	var mu sync.Mutex
	var first syscall.Signal
	stopWith := func(n syscall.Signal) {
		mu.Lock()
		defer mu.Unlock()
		if first != 0 {
			os.Exit(128 + int(n))
		}
		first = n
		s.got <- n
		cancel()
	}
	go func() {
		for {
			select {
			case sig := <-s.ch:
				n := sig.(syscall.Signal)
				if n == syscall.SIGINT {
					interrupt(func() { stopWith(n) })
				} else {
					stopWith(n)
				}
			case <-s.done:
				return
			}
		}
	}()
	return s
}

// signal returns the signal that stopped the script, or 0.
func (s *signalStop) signal() syscall.Signal {
	select {
	case n := <-s.got:
		s.got <- n
		return n
	default:
		return 0
	}
}

func (s *signalStop) release() {
	signal.Stop(s.ch)
	close(s.done)
}

// isTerminal reports whether r is a terminal.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
