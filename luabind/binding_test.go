package luabind

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	lua "github.com/yuin/gopher-lua"
	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core"
)

func TestParseDuration(t *testing.T) {
	good := []struct {
		in   lua.LValue
		want time.Duration
	}{
		{lua.LNumber(0.1), 100 * time.Millisecond},
		{lua.LNumber(2), 2 * time.Second},
		{lua.LNumber(0), 0},
		{lua.LString("100ms"), 100 * time.Millisecond},
		{lua.LString("2s"), 2 * time.Second},
		{lua.LString("1m"), time.Minute},
		{lua.LString("1h30m"), 90 * time.Minute},
		{lua.LString("1.5"), 1500 * time.Millisecond},
		{lua.LString(" 3 "), 3 * time.Second},
	}
	for _, c := range good {
		got, err := parseDuration(c.in)
		if err != nil || got != c.want {
			t.Errorf("parseDuration(%v) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	bad := []lua.LValue{lua.LNumber(-1), lua.LString("-1s"), lua.LString("soon"), lua.LString(""),
		lua.LString("NaN"), lua.LString("1e400"), lua.LNumber(1e300), lua.LBool(true), lua.LNil, lua.LString("5 parsecs")}
	for _, v := range bad {
		if d, err := parseDuration(v); err == nil {
			t.Errorf("parseDuration(%v) = %v, want an error", v, d)
		}
	}
}

func TestNewStateLimits(t *testing.T) {
	L := NewState()
	defer L.Close()
	chunk := `
		local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
		assert(depth(1000) == 1000)
		local t = {}
		for i = 1, 20000 do t[i] = i end
		assert(select("#", unpack(t)) == 20000)
		assert(string and table and math and os and io and coroutine and debug and package)`
	if err := L.DoString(chunk); err != nil {
		t.Fatal(err)
	}
}

func TestHelp(t *testing.T) {
	index, ok := Help("")
	if !ok {
		t.Fatal("no index")
	}
	for name := range moduleFuncs {
		text, ok := Help("netns." + name)
		if !ok || !strings.HasPrefix(text, "netns."+name) {
			t.Errorf("Help(netns.%s) = %q, %v", name, text, ok)
		}
		if !strings.Contains(index, "netns."+name) {
			t.Errorf("index lacks netns.%s", name)
		}
	}
	for name := range methodFuncs {
		if _, ok := Help("ns:" + name); !ok {
			t.Errorf("no help for ns:%s", name)
		}
	}
	if _, ok := Help("netns.nosuch"); ok {
		t.Error("Help of an unknown name must fail")
	}
	if text, _ := Help("add"); !strings.HasPrefix(text, "netns.add") {
		t.Errorf("Help(add) = %q", text)
	}

	L, _, out, _ := newTestBinding(t)
	doString(t, L, `help(netns.exec_all); help("ns:exec"); help(help)`)
	for _, want := range []string{"netns.exec_all(cmd", "netns.exec(name_or_ns", "help([fn_or_name])"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help output lacks %q", want)
		}
	}
	out.Reset()
	doString(t, L, `local ns = netns.add("h"); help(ns.pids); ns:del()`)
	if !strings.HasPrefix(out.String(), "netns.pids") {
		t.Errorf("help(ns.pids) printed %q", out.String())
	}
	for _, chunk := range []string{`help("nosuch")`, `help(print)`, `help(1)`} {
		err := L.DoString(chunk)
		if err == nil || !strings.Contains(err.Error(), "bad argument #1 to 'help'") {
			t.Errorf("%s: %v", chunk, err)
		}
	}
}

// Extensions registered by other files get the module and method tables;
// their functions are named in argument errors and found by help().
func TestExtension(t *testing.T) {
	Register(func(b *Binding, L *lua.LState, mod, methods *lua.LTable) {
		f := L.NewFunction(func(L *lua.LState) int {
			checkNamespace(L, 1)
			L.Push(lua.LString("ext"))
			return 1
		})
		mod.RawSetString("zz_test_ext", f)
		methods.RawSetString("zz_test_ext", f)
	})
	RegisterHelp(map[string]string{"netns.zz_test_ext": "netns.zz_test_ext(ns) -> \"ext\"\ntest only"})
	L, _, out, _ := newTestBinding(t)
	doString(t, L, `local ns = netns.add("e")
		assert(ns:zz_test_ext() == "ext" and netns.zz_test_ext("e") == "ext")
		ns:del()
		local ok, err = pcall(ns.zz_test_ext, ns)
		assert(not ok and err.code == "ENOENT" and err.op == "netns.zz_test_ext", tostring(err))
		ok, err = pcall(netns.zz_test_ext, 5)
		assert(err:find("bad argument #1 to 'zz_test_ext' %(Namespace or string expected, got number%)"), err)
		help(netns.zz_test_ext)`)
	if !strings.Contains(out.String(), "test only") {
		t.Errorf("help of an extension: %q", out.String())
	}
}

// Ctrl-C (the state's context cancelled) kills a running child and the
// call returns with ECANCELED.
func TestExecCancelled(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	cfg := b.config()
	if _, err := cfg.Add("c"); err != nil {
		t.Fatal(err)
	}
	defer cfg.Delete("c")
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	go func() { // cancel once the child runs (synchronisation, no timing)
		for {
			if pids, _ := cfg.Pids("c"); len(pids) > 0 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	err := L.DoString(`netns.exec("c", {"sleep", "3600"})`)
	var ae *lua.ApiError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want an error", err)
	}
	tbl, ok := ae.Object.(*lua.LTable)
	if !ok || tbl.RawGetString("code").String() != "ECANCELED" {
		t.Fatalf("got %s, want code ECANCELED", luaErrorText(L, err))
	}
	if pids, _ := cfg.Pids("c"); len(pids) != 0 {
		t.Errorf("child still running: %v", pids)
	}
}

// Close kills children of exec_all still running.
func TestCloseKillsExecAll(t *testing.T) {
	L, b, _, _ := newTestBinding(t)
	cfg := b.config()
	for _, n := range []string{"k1", "k2"} {
		if _, err := cfg.Add(n); err != nil {
			t.Fatal(err)
		}
		defer cfg.Delete(n)
	}
	go func() {
		for {
			p1, _ := cfg.Pids("k1")
			p2, _ := cfg.Pids("k2")
			if len(p1) > 0 && len(p2) > 0 {
				b.Close()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	err := L.DoString(`netns.exec_all({"sleep", "3600"})`)
	if err == nil || !strings.Contains(luaErrorText(L, err), "netns.exec_all: Operation canceled") {
		t.Fatalf("got %v", err)
	}
}

// Without capabilities every operation fails with EPERM naming what was
// needed. The chunk runs in a child of the test binary under setpriv,
// inside the sandbox, with an empty bounding set.
func TestUnprivileged(t *testing.T) {
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("needs setpriv(1) to drop capabilities")
	}
	cfg := core.DefaultConfig()
	if _, err := cfg.Add("priv"); err != nil {
		t.Fatal(err)
	}
	defer cfg.Delete("priv")
	chunk := `
		local function code(f, ...)
			local ok, err = pcall(f, ...)
			assert(not ok, "expected a failure")
			return err.code .. " " .. err.msg
		end
		print(code(netns.add, "x"))
		print(code(netns.del, "priv"))
		print(code(netns.set_id, "priv", 5))
		print(code(netns.exec, "priv", {"true"}))
		local r = netns.exec_all({"true"})
		print(r.priv.error)`
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(setpriv, "--bounding-set=-all", "--inh-caps=-all", "--", self)
	cmd.Env = append(os.Environ(), childEnv+"="+chunk)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := `EPERM Operation not permitted (needs CAP_SYS_ADMIN)
EPERM Operation not permitted (needs CAP_SYS_ADMIN)
EPERM Operation not permitted (needs CAP_NET_ADMIN)
EPERM Operation not permitted (needs CAP_SYS_ADMIN)
netns.exec: priv: Operation not permitted (needs CAP_SYS_ADMIN)
`
	if string(out) != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if cfg.Get("x") != nil {
		t.Error("a denied add left x behind")
	}
}

// TestExecChildSIGINTWaitsForInterrupt: Ctrl-C at a terminal reaches nssh
// and the child together. When the child dies of SIGINT first, exec waits
// briefly for nssh's own interruption and raises ECANCELED instead of
// returning a result the chunk would run on with. A child killed by SIGINT
// from elsewhere (no interruption follows) still gives a result.
func TestExecChildSIGINTWaitsForInterrupt(t *testing.T) {
	addTestNamespace(t, "sigint-race")
	L, _, _, _ := newTestBinding(t)
	chunk := `r = netns.exec("sigint-race", {"sh", "-c", "kill -INT $$"}); after = true`

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	L.SetContext(ctx)
	time.AfterFunc(sigintGrace/5, cancel) // the signal handler, running late
	err := L.DoString(chunk)
	L.RemoveContext()
	if err == nil || !strings.Contains(luaErrorText(L, err), "canceled") {
		t.Fatalf("child died of SIGINT, then the chunk was interrupted: err = %v", err)
	}
	if L.GetGlobal("after") != lua.LNil {
		t.Fatal("the chunk ran on after the interrupted exec")
	}

	if err := L.DoString(chunk); err != nil {
		t.Fatalf("SIGINT from elsewhere: %v", err)
	}
	if sig := L.GetField(L.GetGlobal("r"), "signal"); sig != lua.LNumber(2) {
		t.Fatalf("signal = %v, want 2", sig)
	}
}

// TestInterruptWithTerminalChild: a Ctrl-C reaches a command run with
// inherit=true directly from the terminal. Binding.Interrupt then holds the
// cancellation back and applies it only if the command dies of the SIGINT
// (a shell's rule): bash or a trapping script goes on, sleep stops the
// chunk. Without such a command, Interrupt cancels at once.
func TestInterruptWithTerminalChild(t *testing.T) {
	c := addTestNamespace(t, "term-child")
	L, b, _, _ := newTestBinding(t)

	called := false
	b.Interrupt(func() { called = true })
	if !called {
		t.Fatal("no command on the terminal: Interrupt did not cancel at once")
	}

	// run starts chunk with a cancellable context; once a process is in
	// the namespace, it interrupts (as the terminal would: the binding,
	// then the child, gets SIGINT) and reports whether cancel was called.
	run := func(chunk string) (error, bool) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var mu sync.Mutex
		cancelled := false
		go func() {
			for {
				pids, _ := c.Pids("term-child")
				if len(pids) > 0 {
					time.Sleep(100 * time.Millisecond) // let sh set its trap
					b.Interrupt(func() { mu.Lock(); cancelled = true; mu.Unlock(); cancel() })
					for _, p := range pids {
						unix.Kill(p, unix.SIGINT)
					}
					return
				}
				time.Sleep(5 * time.Millisecond)
			}
		}()
		L.SetContext(ctx)
		err := L.DoString(chunk)
		L.RemoveContext()
		mu.Lock()
		defer mu.Unlock()
		return err, cancelled
	}

	err, cancelled := run(`r = netns.exec("term-child", {"sh", "-c", "trap 'exit 3' INT; while :; do sleep 0.05; done"}, {inherit = true})`)
	if err != nil || cancelled {
		t.Fatalf("a command that handles Ctrl-C: err = %v, cancelled = %v", err, cancelled)
	}
	if code := L.GetField(L.GetGlobal("r"), "code"); code != lua.LNumber(3) {
		t.Fatalf("code = %v, want 3 (the trap's exit)", code)
	}

	err, cancelled = run(`netns.exec("term-child", {"sleep", "30"}, {inherit = true}); after = true`)
	if err == nil || !cancelled || !strings.Contains(luaErrorText(L, err), "canceled") {
		t.Fatalf("a command that dies of Ctrl-C: err = %v, cancelled = %v", err, cancelled)
	}
	if L.GetGlobal("after") != lua.LNil {
		t.Fatal("the chunk ran on after the command died of Ctrl-C")
	}
}

// addTestNamespace adds the namespace name for the test and deletes it when
// the test ends.
func addTestNamespace(t *testing.T, name string) core.Config {
	t.Helper()
	c := core.DefaultConfig()
	if _, err := c.Add(name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Delete(name) })
	return c
}
