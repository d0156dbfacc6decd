package luabind

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// gopher-lua has no allocation hook, so the memory limit watches the Go
// heap instead: while Lua runs, a watchdog samples the bytes in heap
// objects every memSampleEvery. Over the limit it forces a collection
// (what is over may be garbage) and, if the heap is still over, trips the
// guard. The state's context (see SetContext) then reports done, and
// gopher-lua, which checks the context before every instruction, raises
// "not enough memory (limit 1 GiB, --mem-limit)" in whatever thread runs.
//
// pcall catches the error, as in Lua 5.1. When it does, it collects at
// once: if what the failed function made was garbage the guard resets and
// the caller goes on; otherwise every following instruction raises again,
// so no loop of pcalls can keep growing. Go functions that can build one
// huge value in a single call check its size first (see memchecks.go).

// memSampleEvery is the watchdog's period: at a few hundred MB/s of Lua
// allocation, a few MB past the limit.
const memSampleEvery = 2 * time.Millisecond

// heapMetric is the live-and-unswept bytes of heap objects: a cheap
// reading (no stop-the-world, unlike runtime.ReadMemStats).
const heapMetric = "/memory/classes/heap/objects:bytes"

// memLimitKey is the registry key of the state's *memGuard.
const memLimitKey = "nssh.mem_limit"

// memGuard is the memory limit of one LState and its threads.
type memGuard struct {
	limit   uint64
	tripped atomic.Bool
	// threshold is the limit, or more when an evaluation started with the
	// heap already over it (REPL globals): that evaluation may then still
	// run, to free them, and may add an eighth of the limit.
	threshold atomic.Uint64

	mu      sync.Mutex
	watched context.Context // the context the watchdog runs for
}

// LimitMemory gives L (made by NewState) a memory limit of limit bytes; 0
// removes it. The limit counts the whole Go heap of the process, which in
// nssh is almost all Lua's. It takes effect with SetContext.
func LimitMemory(L *lua.LState, limit uint64) {
	if limit == 0 {
		L.G.Registry.RawSetString(memLimitKey, lua.LNil)
		return
	}
	g := &memGuard{limit: limit}
	g.threshold.Store(limit)
	ud := L.NewUserData()
	ud.Value = g
	L.G.Registry.RawSetString(memLimitKey, ud)
}

// SetContext sets ctx as L's context, as L.SetContext does, and with a
// memory limit (LimitMemory) watches the heap until ctx is done. Every
// context nssh gives a state must go through here.
func SetContext(L *lua.LState, ctx context.Context) {
	g := guardOf(L)
	if g == nil {
		L.SetContext(ctx)
		return
	}
	if mc, ok := ctx.(memCtx); ok {
		ctx = mc.Context
	}
	g.watch(ctx)
	L.SetContext(memCtx{ctx, g})
}

func guardOf(L *lua.LState) *memGuard {
	if ud, ok := L.G.Registry.RawGetString(memLimitKey).(*lua.LUserData); ok {
		g, _ := ud.Value.(*memGuard)
		return g
	}
	return nil
}

// watch starts the watchdog for a new context (a new evaluation). The
// guard starts untripped, with the threshold set from the heap now.
func (g *memGuard) watch(ctx context.Context) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.watched == ctx {
		return
	}
	g.watched = ctx
	h := heapBytes()
	if h > g.limit {
		runtime.GC()
		h = heapBytes()
	}
	g.threshold.Store(max(g.limit, h+g.limit/8))
	g.tripped.Store(false)
	go func() {
		tick := time.NewTicker(memSampleEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if !g.tripped.Load() && g.over() {
					g.tripped.Store(true)
				}
			}
		}
	}()
}

// over reports whether the heap is over the threshold even after a
// collection. Twice over needs no collection (which first has to wait for
// the running Lua to reach a safe point): the soft memory limit set with
// the limit (see cmd/nssh) keeps garbage from piling up that high.
func (g *memGuard) over() bool {
	h, t := heapBytes(), g.threshold.Load()
	if h <= t {
		return false
	}
	if h > 2*t {
		return true
	}
	runtime.GC()
	return heapBytes() > g.threshold.Load()
}

// caught runs when pcall or xpcall caught an error: if the guard had
// tripped and a collection brings the heap back under the threshold, Lua
// goes on.
func (g *memGuard) caught() {
	if g.tripped.Load() && !g.over() {
		g.tripped.Store(false)
	}
}

// available is how many more bytes the heap may take.
func (g *memGuard) available() uint64 {
	h, t := heapBytes(), g.threshold.Load()
	if h >= t {
		return 0
	}
	return t - h
}

func (g *memGuard) message() string {
	return fmt.Sprintf("not enough memory (limit %s, --mem-limit)", FormatSize(g.limit))
}

// memCtx is a state's context under a memory limit: done, with the memory
// error, while the guard is tripped. Done is asked again before every
// instruction, so it may change; contexts derived from a memCtx follow
// only the context inside it (threads get the memCtx itself, see
// pcall.go and limits.go).
type memCtx struct {
	context.Context
	g *memGuard
}

// closedDone is the Done channel of a tripped guard.
var closedDone = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

func (c memCtx) Done() <-chan struct{} {
	if c.g.tripped.Load() {
		return closedDone
	}
	return c.Context.Done()
}

func (c memCtx) Err() error {
	if err := c.Context.Err(); err != nil {
		return err
	}
	if c.g.tripped.Load() {
		return memError{c.g.message()}
	}
	return nil
}

// memError is the error a tripped guard's context reports.
type memError struct{ text string }

func (e memError) Error() string { return e.text }

// heapBytes reads heapMetric.
func heapBytes() uint64 {
	s := [1]metrics.Sample{{Name: heapMetric}}
	metrics.Read(s[:])
	return s[0].Value.Uint64()
}

// FormatSize writes a byte count as "1 GiB", "512 MiB", "64 KiB" when it
// is a whole number of those, else as "N bytes".
func FormatSize(n uint64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
