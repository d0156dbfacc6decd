package tests

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
)

// runNssh runs the built nssh with args and returns stdout, stderr and the
// exit status.
func runNssh(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(nssh(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("nssh %v: %v", args, err)
	}
	return out.String(), errb.String(), cmd.ProcessState.ExitCode()
}

// labScript is a Lua chunk that brings up a lab of n hosts on a switch.
func labScript(name string, n int, temp bool, after string) string {
	return fmt.Sprintf(`
local nodes, links = { sw = { bridge = "br0" } }, {}
for i = 1, %d do
  nodes["h" .. i] = {}
  links[#links + 1] = { "sw:p" .. i, "h" .. i .. ":eth0", addrs = { false, "10.9.0." .. i .. "/16" } }
end
local lab = netns.lab{ name = %q, nodes = nodes, links = links, temp = %v }
lab:up()
%s
`, n, name, temp, after)
}

// snapshot is everything a lab could leave behind, as text.
func snapshot(t *testing.T) string {
	t.Helper()
	cfg := core.DefaultConfig()
	var b strings.Builder
	names, _ := cfg.Names()
	sort.Strings(names)
	fmt.Fprintf(&b, "run dir: %v\n", names)
	filepath.Walk(cfg.StateDir, func(p string, _ os.FileInfo, err error) error {
		if err == nil {
			fmt.Fprintf(&b, "state: %s\n", p)
		}
		return nil
	})
	out, err := exec.Command("ip", "-br", "link").CombinedOutput()
	if err != nil {
		t.Fatalf("ip link: %v\n%s", err, out)
	}
	b.Write(out)
	return b.String()
}

func TestLabCLIListDownAndBadUsage(t *testing.T) {
	before := snapshot(t)
	if _, stderr, code := runNssh(t, labScript("clilab", 3, false, ""), "-"); code != 0 {
		t.Fatalf("script: exit %d\n%s", code, stderr)
	}
	out, stderr, code := runNssh(t, "", "lab", "list")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || !strings.HasPrefix(lines[0], "NAME") ||
		!strings.Contains(lines[0], "STATE") || !strings.Contains(lines[0], "OWNER") || !strings.Contains(lines[0], "NODES") {
		t.Fatalf("lab list: exit %d\n%s%s", code, out, stderr)
	}
	// One word per column: NAME STATE OWNER NODES TEMP OWNER_ALIVE.
	f := strings.Fields(lines[1])
	if len(f) != 6 || f[0] != "clilab" || f[1] != "up" || f[3] != "4" || f[4] != "no" || f[5] != "no" {
		t.Errorf("lab list line = %q, want clilab up PID 4 no no", lines[1])
	} else if pid, err := strconv.Atoi(f[2]); err != nil || pid <= 0 {
		t.Errorf("lab list owner %q is not a pid", f[2])
	}
	// A lab that is up and not temp is kept by gc even though its owner exited.
	if out, _, code := runNssh(t, "", "gc"); code != 0 || out != "" {
		t.Errorf("gc removed an up lab: exit %d: %q", code, out)
	}
	out, stderr, code = runNssh(t, "", "lab", "down", "clilab")
	if code != 0 || strings.Count(out, "del netns clilab-") != 4 {
		t.Errorf("lab down: exit %d\n%s%s", code, out, stderr)
	}
	if after := snapshot(t); after != before {
		t.Errorf("lab down left something:\n--- before\n%s--- after\n%s", before, after)
	}
	for _, c := range []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"lab", "down", "clilab"}, 1, "no such lab"},
		{[]string{"lab"}, 2, "Usage"},
		{[]string{"lab", "frob"}, 2, "unknown lab command"},
		{[]string{"lab", "down"}, 2, "exactly one lab name"},
		{[]string{"lab", "list", "x"}, 2, "no arguments"},
		{[]string{"gc", "x"}, 2, "no arguments"},
	} {
		_, stderr, code := runNssh(t, "", c.args...)
		if code != c.code || !strings.Contains(stderr, c.err) {
			t.Errorf("nssh %v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.err)
		}
	}
}

func TestGCNeverRemovesIPMadeThings(t *testing.T) {
	for _, args := range [][]string{{"netns", "add", "gc-ipmade"}, {"-n", "gc-ipmade", "link", "add", "v0", "type", "veth", "peer", "name", "v1"}} {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %v: %v\n%s", args, err, out)
		}
	}
	defer exec.Command("ip", "netns", "del", "gc-ipmade").Run()
	// A forged state file naming the ip-made namespace as a crashed lab's.
	cfg := core.DefaultConfig()
	dir := filepath.Join(cfg.StateDir, "labs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	state := `{"name":"gc","state":"partial","temp":true,"owner_pid":999999999,"owner_start":1,"namespaces":["gc-ipmade"],"nodes":1}`
	if err := os.WriteFile(filepath.Join(dir, "gc.json"), []byte(state), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runNssh(t, "", "gc")
	if code != 0 || !strings.Contains(out, "removed lab gc") || strings.Contains(out, "del netns") {
		t.Errorf("gc: exit %d\n%s%s", code, out, stderr)
	}
	if !cfg.IsNetns("gc-ipmade") {
		t.Fatal("gc removed the ip-made namespace")
	}
	links, err := exec.Command("ip", "-n", "gc-ipmade", "-br", "link").CombinedOutput()
	if err != nil || !strings.Contains(string(links), "v0@v1") {
		t.Errorf("gc touched the ip-made link: %v\n%s", err, links)
	}
}

func TestGCAfterSIGKILLDuringUpLeavesNothing(t *testing.T) {
	before := snapshot(t)
	// Kill it once it has made a few namespaces, well before 151 exist.
	cmd, _ := startLabScript(t, labScript("killed", 150, false, "netns.wait()"))
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	out, stderr, code := runNssh(t, "", "gc")
	t.Logf("nssh gc:\n%s", out)
	if code != 0 || !strings.Contains(out, "removed lab killed") {
		t.Errorf("gc: exit %d\n%s%s", code, out, stderr)
	}
	if after := snapshot(t); after != before {
		t.Errorf("gc after SIGKILL left something:\n--- before\n%s--- after\n%s", before, after)
	}
}

// TestTempLabVanishes needs the script runner to call lab.CleanupTemp when
// a script ends, fails or is stopped by SIGINT/SIGTERM.
func TestTempLabVanishes(t *testing.T) {
	cases := map[string]struct {
		after string
		sig   syscall.Signal
	}{
		"normal exit": {after: `print("ready")`},
		"lua error":   {after: `print("ready") error("boom")`},
		"os.exit":     {after: `print("ready") os.exit(3)`},
		"SIGINT":      {after: `print("ready") io.stdout:flush() netns.wait()`, sig: syscall.SIGINT},
		"SIGTERM":     {after: `print("ready") io.stdout:flush() netns.wait()`, sig: syscall.SIGTERM},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			before := snapshot(t)
			cmd := exec.Command(nssh(t), "-")
			cmd.Stdin = strings.NewReader(labScript("templab", 4, true, c.after))
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
			if line != "ready\n" {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("script did not get ready: %q\n%s", line, errb.String())
			}
			if c.sig != 0 {
				cmd.Process.Signal(c.sig)
			}
			cmd.Wait()
			if after := snapshot(t); after != before {
				t.Errorf("temp lab left something:\n--- before\n%s--- after\n%s\nstderr: %s", before, after, errb.String())
				runNssh(t, "", "lab", "down", "templab")
			}
		})
	}
}

// TestTempLabVanishesWhenSignalledDuringUp: SIGTERM while up() is still
// creating namespaces interrupts it, and the temp lab is removed all the
// same (needs the runner's lab.CleanupTemp call, like TestTempLabVanishes).
func TestTempLabVanishesWhenSignalledDuringUp(t *testing.T) {
	before := snapshot(t)
	cmd, errb := startLabScript(t, labScript("sigup", 150, true, ""))
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 1 && code != 128+int(syscall.SIGTERM) {
		t.Errorf("exit status %d, want 1 (up interrupted) or 143\n%s", code, errb.String())
	}
	if after := snapshot(t); after != before {
		t.Errorf("temp lab left something:\n--- before\n%s--- after\n%s\nstderr: %s", before, after, errb.String())
		runNssh(t, "", "lab", "down", "sigup")
	}
}

// TestLabCLIGlobalOptionsAfterCommand: `nssh lab list --state-dir D` and
// `nssh lab down NAME --state-dir D` use D, like the options before `lab`.
func TestLabCLIGlobalOptionsAfterCommand(t *testing.T) {
	state := t.TempDir()
	before := snapshot(t)
	if _, stderr, code := runNssh(t, labScript("optlab", 1, false, ""), "--state-dir", state, "-"); code != 0 {
		t.Fatalf("script: exit %d\n%s", code, stderr)
	}
	if out, _, code := runNssh(t, "", "lab", "list"); code != 0 || strings.Contains(out, "optlab") {
		t.Errorf("default state dir lists optlab: exit %d\n%s", code, out)
	}
	out, stderr, code := runNssh(t, "", "lab", "list", "--state-dir", state)
	if code != 0 || !strings.Contains(out, "optlab") {
		t.Errorf("lab list --state-dir: exit %d\n%s%s", code, out, stderr)
	}
	if _, stderr, code := runNssh(t, "", "lab", "down", "optlab", "--state-dir="+state); code != 0 {
		t.Errorf("lab down --state-dir=: exit %d\n%s", code, stderr)
	}
	if _, stderr, code := runNssh(t, "", "lab", "list", "--state-dir"); code != 2 || !strings.Contains(stderr, "needs a directory") {
		t.Errorf("missing value: exit %d\n%s", code, stderr)
	}
	if after := snapshot(t); after != before {
		t.Errorf("left something:\n--- before\n%s--- after\n%s", before, after)
	}
}

// startLabScript runs nssh on script (from stdin) and returns once the run
// dir has a few namespaces, i.e. while the lab's up() is under way.
func startLabScript(t *testing.T, script string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cfg := core.DefaultConfig()
	cmd := exec.Command(nssh(t), "-")
	cmd.Stdin = strings.NewReader(script)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		if names, _ := cfg.Names(); len(names) >= 5 || time.Now().After(deadline) {
			return cmd, &errb
		}
		time.Sleep(time.Millisecond)
	}
}
