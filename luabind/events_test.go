package luabind

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"

	"github.com/nssh/nssh/core"
)

// fakeSource replaces the core watchers of a binding with channels the
// test feeds.
type fakeSource struct {
	mu      sync.Mutex
	started []string
	chans   map[string]chan core.Event
	ctxs    map[string]context.Context
}

func newFakeSource(b *Binding) *fakeSource {
	f := &fakeSource{chans: map[string]chan core.Event{}, ctxs: map[string]context.Context{}}
	open := func(key string, ctx context.Context) (<-chan core.Event, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.started = append(f.started, key)
		ch := make(chan core.Event) // unbuffered: a send returns once pumped
		f.chans[key], f.ctxs[key] = ch, ctx
		return ch, nil
	}
	b.ev.watch = func(ctx context.Context) (<-chan core.Event, error) { return open("netns", ctx) }
	b.ev.watchNetlink = func(ctx context.Context, kind, ns string) (<-chan core.Event, error) {
		return open(kind+":"+ns, ctx)
	}
	return f
}

func (f *fakeSource) ch(key string) chan core.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chans[key]
}

func (f *fakeSource) ctx(key string) context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ctxs[key]
}

// send feeds ev to the fake watcher key and waits until the binding has
// queued it (synchronisation, not a timing assertion).
func (f *fakeSource) send(b *Binding, key string, ev core.Event) {
	before := b.ev.q.len()
	f.ch(key) <- ev
	for b.ev.q.len() <= before {
		time.Sleep(time.Millisecond)
	}
}

func newTestBinding(t *testing.T) (*lua.LState, *Binding, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var out, errOut bytes.Buffer
	L := NewState()
	b := New(core.DefaultConfig(), &out, &errOut)
	b.Open(L)
	t.Cleanup(func() { b.Close(); L.Close() })
	return L, b, &out, &errOut
}

func doString(t *testing.T, L *lua.LState, chunk string) {
	t.Helper()
	if err := L.DoString(chunk); err != nil {
		t.Fatalf("%s: %s", chunk, luaErrorText(L, err))
	}
}

func TestWatchersStartLazily(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	if n := b.ev.running(); n != 0 {
		t.Fatalf("watchers before any on(): %d", n)
	}
	doString(t, L, `a = netns.on("add", function() end); b = netns.on("del", function() end)`)
	doString(t, L, `l1 = netns.on("link", function() end, {ns="r1"}); l2 = netns.on("link", function() end, {ns="r1"})`)
	doString(t, L, `r = netns.on("route", function() end)`)
	if got, want := strings.Join(f.started, ","), "netns,link:r1,route:"; got != want {
		t.Errorf("started %q, want %q (one watcher per source)", got, want)
	}
	doString(t, L, `netns.off(l1)`)
	if f.ctx("link:r1").Err() != nil {
		t.Error("watcher stopped while a handler still uses it")
	}
	doString(t, L, `netns.off(l2); netns.off(r)`)
	if f.ctx("link:r1").Err() == nil || f.ctx("route:").Err() == nil {
		t.Error("last off() must stop the netlink watcher")
	}
	b.Close()
	if f.ctx("netns").Err() == nil {
		t.Error("Close must stop the add/del watcher")
	}
}

// Beyond queueSize the queue spills to its file: the producer never
// blocks, memory holds queueSize events at most, and Dispatch delivers
// everything in order once the owner gets to it.
func TestQueueSpillsNoLoss(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	doString(t, L, `got = {}; netns.on("add", function(ev) got[#got+1] = ev.name end)`)
	const total = 3*queueSize + 500
	for i := 0; i < total; i++ { // the owner dispatches nothing meanwhile
		f.ch("netns") <- core.Event{Kind: "add", Netns: fmt.Sprint("n", i)}
	}
	for b.ev.q.len() < total { // the pump queues the last one
		time.Sleep(time.Millisecond)
	}
	if m, s := b.ev.q.inMemory(), b.ev.q.spilled(); m != queueSize || s != total-queueSize {
		t.Errorf("%d events in memory and %d spilled, want %d and %d", m, s, queueSize, total-queueSize)
	}
	b.Dispatch(L, nil)
	got := L.GetGlobal("got").(*lua.LTable)
	if got.Len() != total {
		t.Fatalf("delivered %d events, want %d", got.Len(), total)
	}
	for i := 1; i <= total; i++ {
		if want := fmt.Sprint("n", i-1); got.RawGetInt(i).String() != want {
			t.Fatalf("event %d is %s, want %s", i, got.RawGetInt(i), want)
		}
	}
	if s := b.ev.q.spilled(); s != 0 {
		t.Errorf("%d events left in the spill file", s)
	}
}

func TestDispatchNotice(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	doString(t, L, `netns.on("add", function() end, {ns="taken"}); netns.on("link", function() end, {ns="r1"})`)
	f.send(b, "netns", core.Event{Kind: "add", Netns: "taken"})
	f.send(b, "netns", core.Event{Kind: "add", Netns: "blue"})
	f.send(b, "netns", core.Event{Kind: "del", Netns: "blue"})
	f.send(b, "link:r1", core.Event{Kind: "link", Netns: "r1", Action: "new", Attrs: map[string]any{"name": "eth0", "index": 2, "up": true}})
	var lines []string
	b.Dispatch(L, func(line string) { lines = append(lines, line) })
	want := "[event] add blue|[event] del blue"
	if got := strings.Join(lines, "|"); got != want {
		t.Errorf("notices %q, want %q", got, want)
	}
	b.Dispatch(L, nil) // nothing left, no panic
}

func TestEventTables(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	doString(t, L, `evs = {}; netns.on("addr", function(ev) evs[#evs+1] = ev end)`)
	f.send(b, "addr:", core.Event{Kind: "addr", Netns: "r1", Action: "del", Attrs: map[string]any{"dev": "eth0", "addr": "10.0.0.1/24", "via": nil}})
	b.Dispatch(L, nil)
	doString(t, L, `local e = evs[1]
		assert(e.event == "addr" and e.action == "del" and e.ns == "r1", e.event)
		assert(e.dev == "eth0" and e.addr == "10.0.0.1/24" and e.via == nil)`)
}

// Events queued by a watcher that off() stopped are not delivered.
func TestStoppedWatcherEventsDropped(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	doString(t, L, `n = 0; id = netns.on("route", function() n = n + 1 end)`)
	f.send(b, "route:", core.Event{Kind: "route", Netns: "x", Action: "new"})
	doString(t, L, `netns.off(id)`)
	var lines []string
	b.Dispatch(L, func(l string) { lines = append(lines, l) })
	if len(lines) != 0 || L.GetGlobal("n").String() != "0" {
		t.Errorf("events of a removed subscription delivered: %v n=%s", lines, L.GetGlobal("n"))
	}
}

func TestHandlerErrorTraceback(t *testing.T) {
	L, b, _, errOut := newTestBinding(t)
	f := newFakeSource(b)
	doString(t, L, `n = 0
		local function inner(name) error("bad " .. name) end
		netns.on("add", function(ev) n = n + 1; inner(ev.name) end)`)
	f.send(b, "netns", core.Event{Kind: "add", Netns: "a"})
	f.send(b, "netns", core.Event{Kind: "add", Netns: "b"})
	b.Dispatch(L, nil)
	if n := L.GetGlobal("n").String(); n != "2" {
		t.Errorf("handler ran %s times, want 2 (it stays registered)", n)
	}
	got := errOut.String()
	for _, want := range []string{`error in "add" handler 1:`, "bad a", "bad b", "stack traceback:", "in function 'inner'"} {
		if !strings.Contains(got, want) {
			t.Errorf("handler error output lacks %q:\n%s", want, got)
		}
	}
}

// wait and next_event return promptly when the context is cancelled
// (Ctrl-C), raising the context's error.
func TestWaitCancelled(t *testing.T) {
	for _, chunk := range []string{`netns.wait()`, `netns.next_event()`, `netns.wait(3600)`} {
		L, b, _, _ := newTestBinding(t)
		newFakeSource(b)
		ctx, cancel := context.WithCancel(context.Background())
		L.SetContext(ctx)
		go func() {
			time.Sleep(20 * time.Millisecond)
			cancel()
		}()
		err := L.DoString(chunk)
		if err == nil || !strings.Contains(err.Error(), "context canceled") {
			t.Errorf("%s: got %v, want context canceled", chunk, err)
		}
	}
}

// Close from another goroutine ends a blocked wait.
func TestCloseEndsWait(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	newFakeSource(b)
	go func() {
		time.Sleep(20 * time.Millisecond)
		b.Close()
	}()
	if err := L.DoString(`netns.wait()`); err == nil {
		t.Error("wait returned without error after Close")
	}
}

func TestStopOutsideWait(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	newFakeSource(b)
	doString(t, L, `netns.stop(); assert(netns.wait(0.01) == false, "a stale stop does not end the next wait")`)
}

func TestSetOutput(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	var out2, err2 bytes.Buffer
	b.SetOutput(&out2, &err2)
	doString(t, L, `netns.on("add", function() error("x") end)`)
	f.send(b, "netns", core.Event{Kind: "add", Netns: "a"})
	b.Dispatch(L, nil)
	doString(t, L, `help("netns.add")`)
	if !strings.Contains(err2.String(), "handler 1") || !strings.Contains(out2.String(), "netns.add(name)") {
		t.Errorf("output not redirected: out=%q err=%q", out2.String(), err2.String())
	}
}

// Two watchers stamp their events on their own goroutines, so the queue can
// hold a later stamp before an earlier one; Lua still sees times go forward.
func TestEventTimesGoForwardInDeliveryOrder(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	f := newFakeSource(b)
	doString(t, L, `evs = {}
		local function rec(ev) evs[#evs+1] = ev end
		netns.on("link", rec, {ns="a"}); netns.on("link", rec, {ns="b"})`)
	now := time.Now()
	f.send(b, "link:a", core.Event{Kind: "link", Netns: "a", Action: "new", Time: now.Add(time.Second)})
	f.send(b, "link:b", core.Event{Kind: "link", Netns: "b", Action: "new", Time: now})
	b.Dispatch(L, nil)
	doString(t, L, `local e1, e2 = evs[1], evs[2]
		assert(e1.ns == "a" and e2.ns == "b", "delivery order")
		assert(e2.time >= e1.time, "event times go back: " .. e1.time .. " then " .. e2.time)`)
}
