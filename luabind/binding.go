// Package luabind is the Lua API of nssh: the `netns` module for
// gopher-lua. It only translates: it checks arguments, converts between Go
// and Lua values and maps core errors to structured Lua errors. Every
// namespace operation itself lives in package core.
//
// A Binding belongs to one *lua.LState and to the goroutine that owns it.
// Watchers and child processes run on other goroutines, but they only ever
// send Go values to the binding's queue; Lua tables are built and Lua
// handlers are called on the owner goroutine alone (Dispatch, netns.wait,
// netns.next_event).
package luabind

import (
	"context"
	"io"
	"sync"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// Binding is the netns Lua module for one LState and the goroutine that owns it.
type Binding struct {
	cfg core.Config

	outMu       sync.Mutex
	out, errOut io.Writer

	start time.Time // when the binding (the script) started: events' time is relative to it

	// lastEventAt is the time of the last event handed to Lua (owner
	// goroutine only): watchers of different namespaces stamp their events
	// on their own goroutines, so the queue order and the stamps can
	// disagree by microseconds; eventTable keeps the times Lua sees in
	// delivery order non-decreasing.
	lastEventAt time.Time

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc

	ev    *events          // queue, watchers and handlers
	term  terminalChildren // commands run with inherit=true, for Interrupt
	procs *procTable       // processes started by spawn

	mod, methods *lua.LTable               // set by Open, read by help()
	fnames       map[*lua.LFunction]string // function -> name, for messages
	methodOnly   map[string]bool           // methods with no module function: errors say "ns:NAME"
}

// New creates a binding. out/errOut receive print() output of handlers'
// tracebacks and notices.
func New(cfg core.Config, out, errOut io.Writer) *Binding {
	if out == nil {
		out = io.Discard
	}
	if errOut == nil {
		errOut = io.Discard
	}
	ctx, cancel := context.WithCancel(context.Background())
	b := &Binding{cfg: cfg, out: out, errOut: errOut, ctx: ctx, cancel: cancel, start: time.Now()}
	b.ev = newEvents(b)
	b.procs = newProcTable()
	return b
}

// SetOutput changes where handler output, tracebacks and event notices go
// (the REPL passes readline's Stdout so lines do not corrupt the prompt).
func (b *Binding) SetOutput(out, errOut io.Writer) {
	b.outMu.Lock()
	defer b.outMu.Unlock()
	if out != nil {
		b.out = out
	}
	if errOut != nil {
		b.errOut = errOut
	}
}

func (b *Binding) writers() (out, errOut io.Writer) {
	b.outMu.Lock()
	defer b.outMu.Unlock()
	return b.out, b.errOut
}

// Ready is signalled (non-blocking send on a chan of cap 1) whenever
// events are queued.
func (b *Binding) Ready() <-chan struct{} { return b.ev.ready }

// Close stops every watcher/subscription this binding started, kills
// children still running (their context is cancelled) and stops the
// processes spawned without detach (SIGTERM to each process group, SIGKILL
// after 2 s). It may be called from any goroutine, more than once.
func (b *Binding) Close() {
	b.cancel()
	b.ev.stopAll()
	b.procs.stopAll()
}

// config returns the directories the binding works in.
func (b *Binding) config() core.Config { return b.cfg }

// context returns the context blocking Go functions must honour: L's
// context (cancelled on Ctrl-C by the REPL and runner) or, when L has none,
// the binding's own, which Close cancels.
func (b *Binding) context(L *lua.LState) context.Context {
	if ctx := L.Context(); ctx != nil {
		return ctx
	}
	return b.ctx
}

// opContext is context(L) that is also cancelled by Close; call cancel
// when the operation is over.
func (b *Binding) opContext(L *lua.LState) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(b.context(L))
	stop := context.AfterFunc(b.ctx, cancel)
	return ctx, func() { stop(); cancel() }
}

// Extension adds functions to the module table mod and methods to the
// Namespace method table methods.
type Extension func(b *Binding, L *lua.LState, mod, methods *lua.LTable)

var (
	extMu      sync.Mutex
	extensions []Extension
)

// Register adds an extension; call it from an init() in the file that
// defines the extension.
func Register(ext Extension) {
	extMu.Lock()
	defer extMu.Unlock()
	extensions = append(extensions, ext)
}

func registeredExtensions() []Extension {
	extMu.Lock()
	defer extMu.Unlock()
	return append([]Extension(nil), extensions...)
}
