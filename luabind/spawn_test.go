package luabind

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSpawnManyNoLeak: 1000 spawns from Lua, with output and exit
// handlers, leave fds, threads and goroutines as they were once the
// processes are gone and their events dispatched.
func TestSpawnManyNoLeak(t *testing.T) {
	if testing.Short() {
		t.Skip("1000 processes")
	}
	addTestNamespace(t, "many")
	L, b, _, _ := newTestBinding(t)
	doString(t, L, `
		lines, exits = 0, 0
		netns.on("output", function() lines = lines + 1 end)
		netns.on("exit", function() exits = exits + 1 end)
		function run(n)
			for i = 1, n do
				local p = netns.spawn("many", { "echo", "x" })
				assert(p:wait().stdout == "x\n")
			end
			while exits < n do netns.wait(1) end
		end
		run(20)`) // warm up: the runtime's threads, the event watcher
	fds, threads := countEntries("/proc/self/fd"), countEntries("/proc/self/task")
	goroutines := runtime.NumGoroutine()
	doString(t, L, `exits, lines = 0, 0; run(1000)
		assert(exits == 1000 and lines == 1000, "dispatched: " .. exits .. " exits, " .. lines .. " lines")`)
	// The readers of the last process close their ends just after its
	// exit; the forwarders end once both streams reached EOF.
	for i := 0; i < 500 && (countEntries("/proc/self/fd") > fds || runtime.NumGoroutine() > goroutines); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if f := countEntries("/proc/self/fd"); f > fds {
		t.Errorf("fds %d -> %d", fds, f)
	}
	if th := countEntries("/proc/self/task"); th > threads+2 {
		t.Errorf("threads %d -> %d", threads, th)
	}
	if g := runtime.NumGoroutine(); g > goroutines {
		t.Errorf("goroutines %d -> %d", goroutines, g)
	}
	if n := len(b.procs.running()); n != 0 {
		t.Errorf("%d processes still listed", n)
	}
}

func countEntries(dir string) int {
	entries, _ := os.ReadDir(dir)
	return len(entries)
}

// TestProcHelpAndMessages: help(p.wait) finds the proc method's entry and
// its argument errors name it.
func TestProcHelpAndMessages(t *testing.T) {
	addTestNamespace(t, "ph")
	L, _, out, _ := newTestBinding(t)
	doString(t, L, `
		local p = netns.spawn("ph", { "true" })
		help(p.wait); help(p.close)
		local ok, err = pcall(p.kill, p, "NOPE")
		assert(not ok and err:find("bad argument #2 to 'proc:kill'", 1, true), err)
		p:wait()
		ok, err = pcall(p.write, p, "x")
		assert(not ok and err.op == "proc:write" and err.code == "EINVAL", tostring(err))`)
	if s := out.String(); !strings.HasPrefix(s, "proc:wait([timeout])") || !strings.Contains(s, "proc:close()") {
		t.Errorf("help printed %q", s)
	}
}
