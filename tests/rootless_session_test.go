package tests

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/nssh/nssh/core/nstest"
)

// TestRootlessREPL types into a sandboxed REPL over a pty: a namespace, an
// exec, Ctrl-C at the prompt, Ctrl-C reaching a command on the terminal,
// Ctrl-D. The terminal is restored and nothing is left behind.
func TestRootlessREPL(t *testing.T) {
	mounts := sandboxMounts(t, "")
	name := nstest.Name(t)
	p := startPTY(t, []string{"HOME=" + t.TempDir()}, asUser(t))
	before := p.initial
	p.expect(sandboxNotice)
	p.expect("nssh> ")
	if out := p.lineEvent(fmt.Sprintf(`ns = netns.add(%q)`, name), "[event] add "+name); strings.TrimSpace(out) != "" {
		t.Errorf("add printed %q", out)
	}
	if out := p.line(`print(ns:exec({"ip", "netns", "list"}).stdout)`); !strings.Contains(out, name) {
		t.Errorf("ip netns list inside printed %q", out)
	}
	// Ctrl-C at the prompt drops the line being typed.
	p.send(`print("never")`)
	p.send("\x03")
	p.expect("nssh> ")
	// Ctrl-C reaches a command that shares the terminal; it catches it and
	// the chunk goes on.
	// (The quotes keep the words the shell prints out of the echoed line.)
	p.send(`r = ns:exec({"sh", "-c", "trap 'echo cau\"\"ght; exit 3' INT; echo ar\"\"med; while :; do sleep 0.05; done"}, {inherit = true}); print("after", r.code)` + "\r")
	p.expect(`print("after", r.code)` + "\n")
	p.expect("armed")
	p.send("\x03")
	p.expect("caught")
	if out := p.expect("nssh> "); !strings.Contains(out, "after\t3") {
		t.Errorf("after Ctrl-C of the command, the chunk printed %q", out)
	}
	// Ctrl-C stops a running chunk.
	p.send("while true do end\r")
	p.expect("while true do end\n")
	p.waitCooked()
	p.send("\x03")
	p.expect("interrupted")
	p.expect("nssh> ")
	if out := p.line(`print(#netns.list())`); !strings.Contains(out, "1") {
		t.Errorf("after Ctrl-C, #netns.list() printed %q", out)
	}
	p.send("\x04")
	if code := p.wait(); code != 0 {
		t.Errorf("Ctrl-D: exit status %d, want 0", code)
	}
	after := p.termios()
	if before.Lflag != after.Lflag || before.Iflag != after.Iflag || before.Oflag != after.Oflag {
		t.Errorf("termios not restored: before %+v, after %+v", before, after)
	}
	if m := sandboxMounts(t, name); !slices.Equal(m, mounts) {
		t.Errorf("mounts before %q, after %q", mounts, m)
	}
}

// TestRootlessREPLSignals: SIGTERM and SIGHUP sent to the nssh the user
// started are forwarded into the sandbox; the REPL restores the terminal
// and nssh exits with the sandboxed REPL's status (128 + the signal).
func TestRootlessREPLSignals(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		p := startPTY(t, []string{"HOME=" + t.TempDir()}, asUser(t))
		p.expect("nssh> ")
		p.cmd.Process.Signal(sig)
		if code := p.wait(); code != 128+int(sig) {
			t.Errorf("%v: exit status %d, want %d", sig, code, 128+int(sig))
		}
		if after := p.termios(); p.initial.Lflag != after.Lflag || p.initial.Iflag != after.Iflag {
			t.Errorf("%v: termios not restored: before %+v, after %+v", sig, p.initial, after)
		}
	}
}

// TestRootlessSIGKILL kills the sandboxed nssh with SIGKILL while it runs
// a command and a daemon that left its parent: every process of the
// sandbox dies with it and no mount is left.
func TestRootlessSIGKILL(t *testing.T) {
	mounts := sandboxMounts(t, "")
	name := nstest.Name(t)
	cmd := exec.Command(asUser(t), "tests/testdata/daemon-and-wait.lua", name, "1000")
	cmd.Dir = repoRoot()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		t.Fatalf("first line %q, %v", line, err)
	}
	tree := descendants(t, cmd.Process.Pid)
	var sleepers int
	for _, pid := range tree {
		if strings.HasPrefix(cmdline(pid), "sleep") {
			sleepers++
		}
	}
	if sleepers < 1 || len(tree) < 3 {
		t.Fatalf("sandbox processes %v (%d sleep), want init, nssh and the daemon", tree, sleepers)
	}
	cmd.Process.Kill()
	cmd.Wait()
	for _, pid := range tree {
		if !nstest.WaitExit(t, pid, expectTimeout) {
			t.Errorf("process %d (%s) outlived the SIGKILL of nssh", pid, cmdline(pid))
		}
	}
	if m := sandboxMounts(t, name); !slices.Equal(m, mounts) {
		t.Errorf("mounts before %q, after %q", mounts, m)
	}
}

// descendants lists the processes below pid (children, grandchildren, ...).
func descendants(t *testing.T, pid int) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	parent := map[int]int{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		if len(f) > 1 {
			parent[p], _ = strconv.Atoi(f[1])
		}
	}
	var out []int
	for p := range parent {
		for q := parent[p]; q > 1; q = parent[q] {
			if q == pid {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// cmdline is the command line of pid with spaces between the arguments.
func cmdline(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
}

// TestRootlessREPLCtrlZ: Ctrl-Z at the sandboxed REPL's prompt stops the
// job the shell started (the nssh outside the sandbox) and fg continues it
// with the line typed so far, as without the sandbox (TestREPLCtrlZ).
func TestRootlessREPLCtrlZ(t *testing.T) {
	ctrlZAsShellJob(t, asUser(t))
}
