package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/chzyer/readline"
	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/luabind"
)

const (
	prompt     = "nssh> "
	contPrompt = "...> "
)

// repl is the interactive shell. The main goroutine owns the LState and
// runs every chunk and event handler; readline runs on its own goroutine
// and hands over complete lines; a signal goroutine turns SIGINT into
// cancelling the running evaluation.
type repl struct {
	g     globals
	s     *luaSession
	rl    *readline.Instance
	comp  *completer
	fd    int             // the terminal (stdin)
	saved *readline.State // terminal state at start, restored after children and on exit
	stdin *readline.CancelableStdin
	chunk []string // lines of an incomplete chunk
	typed []string // the same lines as typed (before "=x" became "return x")
	hist  *history
	// lineLen is the length of the line being edited (readline's side).
	lineLen atomic.Int64
	quit    bool // .exit was typed

	// out and errOut are where Lua output goes: straight to the terminal
	// while a typed chunk runs, through readline (which redraws the prompt
	// line around it) while handlers run at an idle prompt.
	out, errOut        *switchWriter
	stdout, stderr     io.Writer
	rlStdout, rlStderr io.Writer

	prompts chan string // owner -> reader: read one more line with this prompt
	lines   chan lineIn // reader -> owner

	mu      sync.Mutex
	ctx     context.Context    // the running evaluation's, nil when idle (see rearm)
	cancel  context.CancelFunc // cancels ctx
	ending  bool               // SIGTERM or SIGHUP came: no pcall may catch it
	raw     bool               // readline has the terminal (Ctrl-C is a key, not SIGINT)
	pending bool               // SIGINT came after Enter, before the evaluation started
}

type lineIn struct {
	text string
	err  error
}

// runREPL runs the REPL on the terminal stdin until Ctrl-D (exit 0),
// os.exit, or SIGTERM/SIGHUP (exit 128 + signal).
func runREPL(g globals, stdin io.Reader, stdout, stderr io.Writer) int {
	r := &repl{g: g, fd: int(stdin.(*os.File).Fd()),
		prompts: make(chan string, 1), lines: make(chan lineIn, 1)}
	saved, err := readline.GetState(r.fd)
	if err != nil {
		fmt.Fprintf(stderr, "nssh: terminal: %v\n", err)
		return 1
	}
	r.saved = saved
	r.comp = &completer{names: g.cfg.Names}
	r.hist = loadHistory(historyFile(), stderr)
	// Our own cancelable stdin: readline v1.5.1's Close does not cancel the
	// one it makes itself and then waits forever for its reader.
	r.stdin = readline.NewCancelableStdin(&inputFilter{r: stdin})
	r.rl, err = readline.NewEx(&readline.Config{
		Stdin:                  r.stdin,
		Prompt:                 prompt,
		HistoryLimit:           historyLimit,
		DisableAutoSaveHistory: true, // r.hist records whole chunks
		HistorySearchFold:      true,
		AutoComplete:           r.comp,
		InterruptPrompt:        "^C",
		FuncMakeRaw:            r.makeRaw,
		FuncExitRaw:            r.exitRaw,
		FuncGetWidth:           r.screenWidth,
		FuncFilterInputRune:    r.filterKey,
		Listener:               readline.FuncListener(r.listen),
		Stdout:                 stdout,
		Stderr:                 stderr,
	})
	if err != nil {
		fmt.Fprintf(stderr, "nssh: readline: %v\n", err)
		return 1
	}
	r.stdout, r.stderr = stdout, stderr
	fmt.Fprintln(stdout, banner())
	r.rlStdout, r.rlStderr = r.rl.Stdout(), r.rl.Stderr()
	r.out, r.errOut = &switchWriter{w: r.rlStdout}, &switchWriter{w: r.rlStderr}
	r.s = newLuaSession(g, r.out, r.errOut)
	r.s.b.SetExitNotices(true) // "[exit] pid N ..." at the prompt when no handler takes it
	r.s.onExit = r.restoreTerminal
	r.catchInterrupts()
	if err := r.s.b.WatchLifecycle(); err != nil {
		fmt.Fprintf(stderr, "nssh: no event notices: %v\n", err)
	}
	r.comp.vocab.Store(snapshotVocabulary(r.s.L))
	defer r.s.close()
	return r.loop()
}

// loop is the owner goroutine's select over typed lines, queued events and
// terminating signals.
func (r *repl) loop() int {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	term := make(chan syscall.Signal, 1)
	go func() {
		for sig := range sigs {
			n := sig.(syscall.Signal)
			r.interrupt(n) // Ctrl-C while a chunk or child runs
			if n != syscall.SIGINT {
				select {
				case term <- n:
				default:
				}
			}
		}
	}()
	go r.readLoop()
	defer close(r.prompts)

	r.prompts <- prompt
	var retry <-chan time.Time // events wait for readline to read
	for {
		select {
		case in := <-r.lines:
			if in.err == io.EOF {
				r.restoreTerminal()
				return 0
			}
			if in.err == readline.ErrInterrupt {
				r.chunk, r.typed = nil, nil
			} else if in.err == nil {
				r.handleInput(in.text)
			}
			if r.quit {
				r.restoreTerminal()
				return 0
			}
			r.prompts <- r.nextPrompt()
		case <-r.s.b.Ready():
			retry = r.dispatchIdle()
		case <-retry:
			retry = r.dispatchIdle()
		case n := <-term:
			r.restoreTerminal()
			fmt.Fprintf(os.Stderr, "nssh: %s\n", unix.SignalName(n))
			return 128 + int(n)
		}
	}
}

// readLoop reads one line per prompt received; it is readline's side.
func (r *repl) readLoop() {
	for p := range r.prompts {
		r.rl.SetPrompt(p)
		text, err := r.rl.Readline()
		if err == readline.ErrInterrupt {
			r.cancelRunning() // an event handler may be running
		}
		r.lines <- lineIn{text, err}
		if err == io.EOF {
			return
		}
	}
}

func (r *repl) nextPrompt() string {
	if len(r.chunk) > 0 {
		return contPrompt
	}
	return prompt
}

// run runs f (Lua code) with a fresh context that Ctrl-C cancels, then
// puts the terminal back as it was (a child may have changed it: cooked,
// or raw while readline reads) and
// refreshes the completer's vocabulary. idle is true for event handlers
// run at the prompt: their output then goes through readline. It reports
// whether Ctrl-C came.
func (r *repl) run(idle bool, f func()) (interrupted bool) {
	if !idle {
		r.out.set(r.stdout)
		r.errOut.set(r.stderr)
		defer func() {
			r.out.set(r.rlStdout)
			r.errOut.set(r.rlStderr)
		}()
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.ctx, r.cancel = ctx, cancel
	if r.pending { // Ctrl-C was pressed right after Enter
		r.pending = false
		cancel()
	}
	r.mu.Unlock()
	luabind.SetContext(r.s.L, ctx)
	defer func() {
		r.s.L.RemoveContext()
		r.mu.Lock()
		ctx, cancel := r.ctx, r.cancel // a pcall may have caught a Ctrl-C
		r.ctx, r.cancel = nil, nil
		if r.raw { // handlers ran while readline reads: keep its raw mode
			readline.MakeRaw(r.fd)
		} else {
			readline.Restore(r.fd, r.saved)
		}
		r.mu.Unlock()
		interrupted = ctx.Err() != nil
		cancel()
		r.comp.vocab.Store(snapshotVocabulary(r.s.L))
	}()
	f()
	return
}

// interrupt handles SIGINT: it cancels the running evaluation or, between
// Enter and the start of the evaluation, the one about to start. While
// readline has the terminal, Ctrl-C is a key, so a SIGINT then came from
// kill(1) and is ignored. A command run with inherit=true has the Ctrl-C
// too; the evaluation is then cancelled only if the command dies of it
// (see luabind's Binding.Interrupt). SIGTERM and SIGHUP cancel at once.
func (r *repl) interrupt(sig syscall.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.cancel != nil && sig == syscall.SIGINT:
		r.s.b.Interrupt(r.cancel)
	case r.cancel != nil:
		r.ending = true
		r.cancel()
	case !r.raw:
		r.pending = true
	}
}

// cancelRunning cancels the running evaluation, if any (Ctrl-C typed at
// the prompt while an event handler runs).
func (r *repl) cancelRunning() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// makeRaw and exitRaw switch the terminal for readline. Leaving raw mode
// restores the state saved at start, so a child that left the terminal in
// a bad state does not carry it into the next prompt.
// Both hold mu while they change the terminal, so that run's reset after
// idle handlers cannot undo them.
func (r *repl) makeRaw() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.raw, r.pending = true, false
	_, err := readline.MakeRaw(r.fd)
	return err
}

func (r *repl) exitRaw() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.raw = false
	return readline.Restore(r.fd, r.saved)
}

// restoreTerminal puts the terminal back in its starting state and closes
// readline (Ctrl-D, os.exit, SIGTERM/SIGHUP). It does not wait for
// readline's Close: in v1.5.1 that waits for its terminal reader, which
// can be blocked for good handing a key to a key loop that ended; the
// process exits right after this anyway.
func (r *repl) restoreTerminal() {
	readline.Restore(r.fd, r.saved)
	r.stdin.Close()
	go r.rl.Close()
}

// switchWriter forwards writes to a writer that can be changed.
type switchWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	w := s.w
	s.mu.Unlock()
	return w.Write(p)
}

func (s *switchWriter) set(w io.Writer) {
	s.mu.Lock()
	s.w = w
	s.mu.Unlock()
}
