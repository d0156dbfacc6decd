package luabind

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// eventKinds are the event names netns.on accepts.
var eventKinds = []string{"add", "del", "link", "addr", "route", "output", "exit"}

// handler is a function registered with netns.on.
type handler struct {
	id   int
	kind string
	ns   string // filter; "" for all
	pid  int    // filter of output and exit handlers: {proc=p}; 0 for all
	key  string // source watcher
	fn   *lua.LFunction
}

// takes reports whether h handles ev coming from the watcher with key.
func (h *handler) takes(key string, ev core.Event) bool {
	if h.key != key || h.kind != ev.Kind {
		return false
	}
	if h.pid != 0 && ev.Attrs["pid"] != h.pid {
		return false
	}
	return h.ns == "" || h.ns == ev.Netns
}

// luaOn: netns.on(event, fn [, filter]) -> id. When it returns, the
// watcher feeding the handler is armed.
func (b *Binding) luaOn(L *lua.LState) int {
	kind := checkString(L, 1)
	if !contains(eventKinds, kind) {
		argError(L, 1, fmt.Sprintf("unknown event %q (expected add, del, link, addr, route, output or exit)", kind))
	}
	fn, ok := L.Get(2).(*lua.LFunction)
	if !ok {
		typeError(L, 2, "function")
	}
	filter := checkOptions(L, 3, "ns", "proc")
	ns := ""
	if v := optField(filter, "ns"); v != lua.LNil {
		if n := toNamespace(v); n != nil {
			ns = n.Name
		} else if s, ok := v.(lua.LString); ok && core.ValidName(string(s)) == nil {
			ns = string(s)
		} else {
			argError(L, 3, "filter \"ns\": namespace name or Namespace expected, got "+lua.LVAsString(v))
		}
	}
	noMoreArgs(L, 4)
	e := b.ev
	h := &handler{kind: kind, ns: ns, fn: fn, pid: procFilter(L, kind, filter)}
	var err error
	switch kind {
	case "output", "exit":
		h.key = procKey
		err = b.startProcEvents()
		if err == nil {
			b.procs.handlerAdded(kind, h.pid, 1)
		}
	case "add", "del":
		h.key = lifecycleKey
		err = e.startLifecycle(false)
	default:
		h.key = netlinkKey(kind, ns)
		err = e.startNetlink(kind, ns)
	}
	if err != nil {
		raiseError(L, "netns.on", ns, err)
	}
	e.nextID++
	h.id = e.nextID
	e.handlers = append(e.handlers, h)
	L.Push(lua.LNumber(h.id))
	return 1
}

// procFilter reads the filter {proc=p} of an output or exit handler: the
// pid of p, 0 without the filter.
func procFilter(L *lua.LState, kind string, filter *lua.LTable) int {
	v := optField(filter, "proc")
	if v == lua.LNil {
		return 0
	}
	pr := toProc(v)
	if pr == nil || kind != "output" && kind != "exit" {
		argError(L, 3, "filter \"proc\": a proc from spawn expected (output and exit events only), got "+describe(v))
	}
	return pr.p.Pid()
}

// luaOff: netns.off(id) -> true if a handler was removed, false if id was
// unknown. The last handler of a netlink subscription stops it.
func (b *Binding) luaOff(L *lua.LState) int {
	id := checkInt(L, 1, math.MinInt32, math.MaxInt32)
	noMoreArgs(L, 2)
	e := b.ev
	for i, h := range e.handlers {
		if int64(h.id) != id {
			continue
		}
		e.handlers = append(e.handlers[:i:i], e.handlers[i+1:]...)
		if h.key == procKey {
			b.procs.handlerAdded(h.kind, h.pid, -1)
		} else if h.key != lifecycleKey && !e.keyUsed(h.key) {
			e.stop(h.key)
		}
		L.Push(lua.LTrue)
		return 1
	}
	L.Push(lua.LFalse)
	return 1
}

func (e *events) keyUsed(key string) bool {
	for _, h := range e.handlers {
		if h.key == key {
			return true
		}
	}
	return false
}

// luaStop: netns.stop() makes the running netns.wait return.
func (b *Binding) luaStop(L *lua.LState) int {
	noMoreArgs(L, 1)
	b.ev.stopped = true
	return 0
}

// luaWait: netns.wait([seconds]) dispatches events to handlers for that
// long (forever when nil) or until a handler calls netns.stop(). It
// returns true when stopped, false when the time ran out.
func (b *Binding) luaWait(L *lua.LState) int {
	d, limited := optDuration(L, 1)
	noMoreArgs(L, 2)
	e := b.ev
	e.stopped = false
	timeout, stop := deadline(d, limited)
	defer stop()
	ctx := b.context(L)
	for {
		if it, ok := e.q.get(); ok {
			b.dispatchItem(L, it, nil)
			if e.stopped {
				e.stopped = false
				L.Push(lua.LTrue)
				return 1
			}
		}
		select {
		case <-timeout:
			L.Push(lua.LFalse)
			return 1
		case <-ctx.Done():
			L.RaiseError("%v", ctx.Err())
		default:
		}
		if e.q.len() > 0 {
			continue
		}
		select {
		case <-e.ready:
		case <-timeout:
			L.Push(lua.LFalse)
			return 1
		case <-ctx.Done():
			L.RaiseError("%v", ctx.Err())
		}
	}
}

// luaNextEvent: netns.next_event([seconds]) -> the next queued event (its
// handlers are not run), or nil when none came in time. It starts the
// add/del watcher if needed, first queueing the adds and dels this script
// made before (so `netns.add("a"); netns.next_event()` reports a); nil
// seconds waits forever, 0 only polls.
func (b *Binding) luaNextEvent(L *lua.LState) int {
	d, limited := optDuration(L, 1)
	noMoreArgs(L, 2)
	if err := b.ev.startLifecycle(true); err != nil {
		raiseError(L, "netns.next_event", "", err)
	}
	timeout, stop := deadline(d, limited)
	defer stop()
	ctx := b.context(L)
	for {
		if it, ok := b.ev.q.get(); ok {
			if it.w.stopped.Load() {
				continue
			}
			L.Push(eventTable(L, it.ev))
			return 1
		}
		select {
		case <-b.ev.ready:
		case <-timeout:
			L.Push(lua.LNil)
			return 1
		case <-ctx.Done():
			L.RaiseError("%v", ctx.Err())
		}
	}
}

// Dispatch runs the handlers of every queued event on the calling
// goroutine (which must own L). Events that no handler takes are passed to
// notice as one line, e.g. "[event] add blue" (notice may be nil to drop
// them). Handler errors are printed with a traceback to errOut; the
// handler stays.
func (b *Binding) Dispatch(L *lua.LState, notice func(line string)) {
	for n := b.ev.q.len(); n > 0; n-- {
		it, ok := b.ev.q.get()
		if !ok {
			return
		}
		b.dispatchItem(L, it, notice)
	}
	if b.ev.q.len() > 0 {
		b.ev.signal()
	}
}

// dispatchItem calls every handler that takes the event.
func (b *Binding) dispatchItem(L *lua.LState, it queued, notice func(string)) {
	if it.w.stopped.Load() {
		return
	}
	taken := false
	for _, h := range append([]*handler(nil), b.ev.handlers...) {
		if !h.takes(it.w.key, it.ev) || !b.ev.registered(h) {
			continue
		}
		taken = true
		b.callHandler(L, h, it.ev)
	}
	if !taken && notice != nil {
		notice(noticeLine(it.ev))
	}
}

func (e *events) registered(h *handler) bool {
	for _, x := range e.handlers {
		if x == h {
			return true
		}
	}
	return false
}

// callHandler runs one handler protected; an error is printed with its
// traceback, except a cancelled context, which is raised on. The message
// handler (which records the traceback) also keeps gopher-lua from closing
// every open upvalue of the state on error, which would cut the handler's
// upvalues off from the locals of the running script.
func (b *Binding) callHandler(L *lua.LState, h *handler, ev core.Event) {
	trace := ""
	msgh := L.NewFunction(func(L *lua.LState) int {
		trace = traceback(L, 1)
		L.Push(L.Get(1))
		return 1
	})
	L.Push(h.fn)
	L.Push(eventTable(L, ev))
	err := L.PCall(1, 0, msgh)
	if err == nil {
		return
	}
	if ctx := L.Context(); ctx != nil && ctx.Err() != nil {
		L.RaiseError("%v", ctx.Err())
	}
	_, errOut := b.writers()
	msg := err.Error()
	var ae *lua.ApiError
	if errors.As(err, &ae) {
		msg = L.ToStringMeta(ae.Object).String()
	}
	fmt.Fprintf(errOut, "netns: error in %q handler %d: %s\n%s\n", h.kind, h.id, msg, trace)
}

// maxTraceback bounds the frames a traceback lists.
const maxTraceback = 20

// traceback describes the call stack from level on, like debug.traceback.
func traceback(L *lua.LState, level int) string {
	var sb strings.Builder
	sb.WriteString("stack traceback:")
	for i := 0; i < maxTraceback; i++ {
		dbg, ok := L.GetStack(level + i)
		if !ok {
			break
		}
		if _, err := L.GetInfo("Sln", dbg, lua.LNil); err != nil {
			break
		}
		name := "?"
		switch {
		case dbg.What != "G" && dbg.LineDefined > 0 && (dbg.Name == "" || dbg.Name == "main chunk"):
			name = fmt.Sprintf("<%s:%d>", dbg.Source, dbg.LineDefined)
		case dbg.Name != "":
			name = "'" + dbg.Name + "'"
		}
		if dbg.What == "G" {
			fmt.Fprintf(&sb, "\n\t[G]: in function %s", name)
			continue
		}
		fmt.Fprintf(&sb, "\n\t%s:%d: in function %s", dbg.Source, dbg.CurrentLine, name)
	}
	return sb.String()
}

// deadline returns a channel that fires after d, or never when !limited,
// and the function that releases its timer.
func deadline(d time.Duration, limited bool) (<-chan time.Time, func()) {
	if !limited {
		return nil, func() {}
	}
	t := time.NewTimer(d)
	return t.C, func() { t.Stop() }
}
