package tests

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nssh/nssh/core"
)

// startReady runs nssh on script (stdin) and returns once the script
// printed its first line (space-separated pids, say).
func startReady(t *testing.T, script string, args ...string) (*exec.Cmd, []string, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(nssh(t), append(args, "-")...)
	cmd.Stdin = strings.NewReader(script)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if line == "" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("script did not get ready\n%s", errb.String())
	}
	return cmd, strings.Fields(line), &errb
}

// running reports whether pid is a live process (not a zombie).
func running(pid string) bool {
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z' && s[i+2] != 'X'
}

// netnsOf returns the /proc/PID/ns/net link of pid ("net:[4026532...]").
func netnsOf(t *testing.T, pid string) string {
	t.Helper()
	link, err := os.Readlink("/proc/" + pid + "/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// inNetns lists the live processes whose network namespace link is one of
// links, read from /proc.
func inNetns(links map[string]bool) []string {
	entries, _ := os.ReadDir("/proc")
	var found []string
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		if l, err := os.Readlink("/proc/" + e.Name() + "/ns/net"); err == nil && links[l] && running(e.Name()) {
			found = append(found, e.Name())
		}
	}
	return found
}

func killPid(pid string) {
	if n, err := strconv.Atoi(pid); err == nil {
		syscall.Kill(n, syscall.SIGKILL)
	}
}

// TestSpawnLifetime: however a script ends, what it spawned is stopped
// (a child that ignores SIGTERM too, by the SIGKILL after the grace), and
// a detached process is not.
func TestSpawnLifetime(t *testing.T) {
	const script = `
local ns = netns.add("life")
local p = ns:spawn({ "sleep", "1000" })
local q = ns:spawn({ "sh", "-c", "trap '' TERM; exec sleep 1001" })
local d = ns:spawn({ "sleep", "1002" }, { detach = true })
print(p.pid, q.pid, d.pid) io.stdout:flush()
`
	cases := map[string]struct {
		after string
		sig   syscall.Signal
		code  int
	}{
		"normal end": {},
		"lua error":  {after: `error("boom")`, code: 1},
		"os.exit":    {after: `os.exit(3)`, code: 3},
		"SIGINT":     {after: `netns.wait()`, sig: syscall.SIGINT, code: 130},
		"SIGTERM":    {after: `netns.wait()`, sig: syscall.SIGTERM, code: 143},
	}
	cfg := core.DefaultConfig()
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			cmd, pids, errb := startReady(t, script+c.after)
			defer cfg.Delete("life")
			if len(pids) != 3 {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("pids %q\n%s", pids, errb)
			}
			defer killPid(pids[2])
			if c.sig != 0 {
				cmd.Process.Signal(c.sig)
			}
			cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != c.code {
				t.Errorf("exit status %d, want %d\n%s", code, c.code, errb)
			}
			for i, pid := range pids[:2] {
				if running(pid) {
					t.Errorf("spawned process %d (pid %s) outlived the script", i+1, pid)
					killPid(pid)
				}
			}
			if !running(pids[2]) {
				t.Errorf("the detached process (pid %s) was stopped", pids[2])
			}
		})
	}
}

// TestSpawnGCAfterSIGKILL: after SIGKILL of the script, `nssh gc` removes
// its temp lab and no process is left in any of the lab's namespaces:
// neither a spawned one nor a daemon that forked twice.
func TestSpawnGCAfterSIGKILL(t *testing.T) {
	const script = `
local lab = netns.lab { name = "gck", nodes = { a = {}, b = {} }, temp = true }
lab:up()
local p = netns.spawn("gck-a", { "sleep", "1000" })
netns.exec("gck-b", "(setsid sleep 1001 </dev/null >/dev/null 2>&1 &)")
print(p.pid, netns.pids("gck-b")[1]) io.stdout:flush()
netns.wait()
`
	before := snapshot(t)
	cmd, pids, errb := startReady(t, script)
	if len(pids) != 2 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("pids %q\n%s", pids, errb)
	}
	links := map[string]bool{netnsOf(t, pids[0]): true, netnsOf(t, pids[1]): true}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	if left := inNetns(links); len(left) != 2 {
		t.Errorf("before gc, want the 2 processes still running, got %v", left)
	}
	out, stderr, code := runNssh(t, "", "gc")
	if code != 0 || !strings.Contains(out, "removed lab gck") || !strings.Contains(out, "kill process gck 2") {
		t.Errorf("gc: exit %d\n%s%s", code, out, stderr)
	}
	if left := inNetns(links); len(left) != 0 {
		t.Errorf("processes left in the lab's namespaces after gc: %v", left)
		for _, pid := range left {
			killPid(pid)
		}
	}
	if after := snapshot(t); after != before {
		t.Errorf("gc left something:\n--- before\n%s--- after\n%s", before, after)
	}
}

// TestSpawnLabDownCLI: `nssh lab down NAME` stops the processes in the
// lab's namespaces (here a detached one, which outlived its script) and
// reports how many.
func TestSpawnLabDownCLI(t *testing.T) {
	const script = `
local lab = netns.lab { name = "dn", nodes = { a = {} } }
lab:up()
local d = netns.spawn("dn-a", { "sleep", "1000" }, { detach = true })
print(d.pid)
`
	out, stderr, code := runNssh(t, script, "-")
	pid := strings.TrimSpace(out)
	if code != 0 || !running(pid) {
		t.Fatalf("script: exit %d, pid %q\n%s", code, pid, stderr)
	}
	links := map[string]bool{netnsOf(t, pid): true}
	out, stderr, code = runNssh(t, "", "lab", "down", "dn")
	if code != 0 || !strings.Contains(out, "kill process dn 1\n") || !strings.Contains(out, "del netns dn-a\n") {
		t.Errorf("lab down: exit %d\n%s%s", code, out, stderr)
	}
	if left := inNetns(links); len(left) != 0 {
		t.Errorf("left after lab down: %v", left)
		killPid(pid)
	}
}

// TestSpawnDelKill: netns.del(name, {kill=true}) stops what runs inside
// first; plain del leaves it running, as ip netns del does.
func TestSpawnDelKill(t *testing.T) {
	const script = `
local a, b = netns.add("ka"), netns.add("kb")
a:spawn({ "sh", "-c", "trap '' TERM; exec sleep 1000" })
local d = b:spawn({ "sleep", "1001" }, { detach = true })
local n = netns.del("ka", { kill = true, grace = 0.2 })
netns.del("kb")
print(n, d.pid)
`
	out, stderr, code := runNssh(t, script, "-")
	f := strings.Fields(out)
	if code != 0 || len(f) != 2 || f[0] != "1" {
		t.Fatalf("exit %d, output %q\n%s", code, out, stderr)
	}
	if !running(f[1]) {
		t.Errorf("plain del stopped the process in the namespace")
	}
	killPid(f[1])
}

// TestSpawnREPLExitNotice: in the REPL, the exit of a spawned process that
// no handler takes is printed at the prompt; with an "exit" handler, the
// handler gets it instead.
func TestSpawnREPLExitNotice(t *testing.T) {
	cleanNamespaces(t)
	p, _ := startREPL(t)
	p.lineEvent(`ns = netns.add("rx")`, "[event] add rx")
	p.line(`pr = ns:spawn({"sh", "-c", "read x; exit 5"}, {stdin = "pipe", name = "job"})`)
	// The exit is handled between prompts, before or after the prompt
	// that follows the write: lineEvent waits for both in either order.
	p.lineEvent(`pr:write("go\n")`, "(job) in rx: code 5")
	p.line(`netns.on("exit", function(ev) print("HANDLED " .. ev.code) end)`)
	p.line(`pr2 = ns:spawn({"sh", "-c", "read x; exit 6"}, {stdin = "pipe"})`)
	p.lineEvent(`pr2:write("go\n")`, "HANDLED 6")
	p.line(`ns:del()`)
}

// TestSpawnFloodBoundedMemory: a child writing 100 MB of lines to stdout
// while the script reads nothing finishes, the buffer keeps the last
// 1 MiB, the rest is counted in proc.dropped, and nssh's peak RSS stays
// far below what it wrote.
func TestSpawnFloodBoundedMemory(t *testing.T) {
	const script = `
local ns = netns.add("flood")
local p = ns:spawn("yes 0123456789012345678901234567890123456789012345678 | head -c 100000000; echo last")
local r = p:wait()
local hwm = io.open("/proc/self/status"):read("*a"):match("VmHWM:%s*(%d+) kB")
print(r.code, #r.stdout <= 1048576, r.stdout:sub(-5), p.dropped > 1900000, tonumber(hwm) < 100 * 1024)
ns:del()
`
	out, stderr, code := runNssh(t, script, "-")
	if code != 0 || out != "0\ttrue\tlast\n\ttrue\ttrue\n" {
		t.Errorf("exit %d, output %q\n%s", code, out, stderr)
	}
}

// TestSpawnTempLabRemovalStopsProcesses: when a script with a temp lab
// ends, the lab's removal stops what runs in its namespaces, a detached
// process (which the script's own end leaves alone) included.
func TestSpawnTempLabRemovalStopsProcesses(t *testing.T) {
	const script = `
local lab = netns.lab { name = "tmpk", nodes = { a = {} }, temp = true }
lab:up()
local d = netns.spawn("tmpk-a", { "sh", "-c", "trap '' TERM; exec sleep 1000" }, { detach = true })
print(d.pid)
`
	before := snapshot(t)
	cmd, pids, errb := startReady(t, script)
	if len(pids) != 1 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("pids %q\n%s", pids, errb)
	}
	links := map[string]bool{netnsOf(t, pids[0]): true}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit status %d\n%s", code, errb)
	}
	if left := inNetns(links); len(left) != 0 {
		t.Errorf("left after the temp lab's removal: %v", left)
		killPid(pids[0])
	}
	if after := snapshot(t); after != before {
		t.Errorf("temp lab left something:\n--- before\n%s--- after\n%s", before, after)
	}
}
