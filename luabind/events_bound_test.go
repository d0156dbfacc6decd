package luabind

import (
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
)

// boundN iterations make about 6 events each: several times what the
// queue holds in memory (queueSize) and the core watchers' channels.
const boundN = 1000

// linkChurn is the Lua side of the tests below: a link handler for every
// namespace, then n times "add NAME, veth to y, del NAME" with no
// netns.wait, then a wait until every deleted namespace reported its lo
// gone (its last link event). seq[ns] lists that namespace's link events
// in delivery order.
const linkChurn = `
local n, reuse = ...
y = netns.add("y")
seq, gone, names = {}, 0, {}
netns.on("link", function(ev)
  if ev.ns == "y" then return end
  local s = seq[ev.ns] or {}
  seq[ev.ns] = s
  s[#s + 1] = ev.action .. " " .. ev.name
  if ev.action == "del" and ev.name == "lo" then
    gone = gone + 1
    if gone == n then netns.stop() end
  end
end)
function churn()
  for i = 1, n do
    local name = reuse and "x" or ("x" .. i)
    names[i] = name
    local x = netns.add(name)
    netns.veth(x, "eth0", y, "v" .. i)
    netns.del(x)
  end
end
`

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

// settles polls cond until it holds; the limit only keeps a broken run
// from hanging (nothing is timed).
func settles(cond func() bool) bool {
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// runChurn runs linkChurn for n iterations and returns the state after the
// loop (before any wait) and the sequences.
func runChurn(t *testing.T, n int, reuse bool) (*lua.LState, *Binding) {
	t.Helper()
	L, b, _, errOut := newTestBinding(t)
	t.Cleanup(func() { L.DoString(`netns.del_all()`) })
	fn, err := L.LoadString(linkChurn)
	if err != nil {
		t.Fatal(err)
	}
	L.Push(fn)
	L.Push(lua.LNumber(n))
	L.Push(lua.LBool(reuse))
	if err := L.PCall(2, 0, nil); err != nil {
		t.Fatal(luaErrorText(L, err))
	}
	runtime.GC()
	fds0, gr0 := openFDs(t), runtime.NumGoroutine()
	doString(t, L, `churn()`)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("after %d iterations: heap %.1f MB, goroutines %d (+%d), fds %d (+%d), queued in memory %d, spilled %d",
		n, float64(ms.HeapInuse)/(1<<20), runtime.NumGoroutine(), runtime.NumGoroutine()-gr0,
		openFDs(t), openFDs(t)-fds0, b.ev.q.inMemory(), b.ev.q.spilled())
	if m := b.ev.q.inMemory(); m > queueSize {
		t.Errorf("%d events held in memory, want at most %d (the rest spilled)", m, queueSize)
	}
	// Before any wait, the subscriptions of the deleted namespaces have
	// ended (they do not wait for Lua): no goroutine, buffer or socket
	// per namespace is held; the spill file is the one extra fd.
	if !settles(func() bool { return openFDs(t) <= fds0+1 && runtime.NumGoroutine() <= gr0+2 }) {
		t.Errorf("before waiting: %d fds (%d before), %d goroutines (%d before)", openFDs(t), fds0, runtime.NumGoroutine(), gr0)
	}
	doString(t, L, `stopped = netns.wait(120)`)
	if L.GetGlobal("stopped") != lua.LTrue {
		t.Errorf("wait ran out with %s of %d lo deletions delivered", L.GetGlobal("gone"), n)
	}
	if errOut.Len() > 0 {
		t.Errorf("stderr: %s", errOut)
	}
	// Every subscription of a deleted namespace ends once drained; the
	// empty spill file stays open (one fd) until Close.
	if !settles(func() bool { return openFDs(t) <= fds0+1 && runtime.NumGoroutine() <= gr0+2 }) {
		t.Errorf("after draining: %d fds (%d before), %d goroutines (%d before)", openFDs(t), fds0, runtime.NumGoroutine(), gr0)
	}
	return L, b
}

// seqOf returns the link events of namespace name, space-joined.
func seqOf(L *lua.LState, name string) []string {
	s, _ := L.GetGlobal("seq").(*lua.LTable).RawGetString(name).(*lua.LTable)
	var out []string
	if s != nil {
		for i := 1; i <= s.Len(); i++ {
			out = append(out, s.RawGetInt(i).String())
		}
	}
	return out
}

// The link events of namespaces deleted while nobody waited all arrive,
// in order, and the events held in memory, the fds and the goroutines
// stay bounded (issue 14).
func TestLinkEventsOfDeletedNamespacesKept(t *testing.T) {
	if testing.Short() {
		t.Skip("kernel test")
	}
	L, b := runChurn(t, boundN, false)
	if b.ev.q.spills() == 0 {
		t.Errorf("the queue never spilled: %d iterations do not exceed the in-memory bound", boundN)
	}
	want := []string{"new lo", "new eth0", "del eth0", "del lo"}
	for i := 1; i <= boundN; i++ {
		if got := seqOf(L, fmt.Sprint("x", i)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("link events of x%d: %q, want %q", i, got, want)
		}
	}
}

// Reusing one name gives each namespace of that name its events, in order.
func TestLinkEventsOfReusedNameKept(t *testing.T) {
	if testing.Short() {
		t.Skip("kernel test")
	}
	const n = 300
	L, _ := runChurn(t, n, true)
	got := seqOf(L, "x")
	want := []string{"new lo", "new eth0", "del eth0", "del lo"}
	for i := 0; i < len(got) && i < 4*n; i++ {
		if got[i] != want[i%4] {
			t.Fatalf("event %d of x is %q, want %q; events %d..: %q", i, got[i], want[i%4], i-i%4, got[i-i%4:min(len(got), i-i%4+8)])
		}
	}
	if len(got) != 4*n {
		t.Fatalf("%d link events of x, want %d", len(got), 4*n)
	}
}
