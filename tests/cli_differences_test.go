package tests

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The four deliberate differences from ip 6.1 (README: "CLI reference"), each asserted
// on nssh's own behaviour; where cheap, ip's buggy behaviour is shown too.

// lineGuard only keeps a broken build from hanging the suite; it is not a
// speed assertion (a correct monitor answers at once).
const lineGuard = 30 * time.Second

// cliRunDir makes a private run dir under the sandbox's /run and removes
// it, with everything mounted on or below it, at the end of the test.
func cliRunDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("/run", "cli-rundir-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cliCleanRunDir(t, dir) })
	return dir
}

// cliCleanRunDir lazily unmounts every mount on or below dir until none is
// left (add turns the run dir into a self-bind mount), then removes it.
func cliCleanRunDir(t *testing.T, dir string) {
	for i := 0; i < 1000; i++ {
		mounts := mountsUnder(dir)
		if len(mounts) == 0 {
			break
		}
		for _, m := range mounts {
			_ = unix.Unmount(m, unix.MNT_DETACH)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Errorf("cleaning %s: %v", dir, err)
	}
}

func mountsUnder(dir string) []string {
	data, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
			out = append(out, f[4])
		}
	}
	return out
}

func TestCLIMonitorWritesEachLineAtOnce(t *testing.T) {
	bin := nssh(t)
	dir := cliRunDir(t)
	env := append(os.Environ(), "NSSH_RUN_DIR="+dir)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var stderr bytes.Buffer
	mon := exec.Command(bin, "netns", "monitor")
	mon.Env, mon.Stdout, mon.Stderr = env, w, &stderr
	if err := mon.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	killed := false
	defer func() {
		if !killed {
			mon.Process.Kill()
			mon.Wait()
		}
	}()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	syncMonitor(t, dir, lines)

	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("nssh %v: %v\n%s", args, err, out)
		}
	}
	run("netns", "add", "x")
	expectLine(t, lines, "add x")
	if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	expectLine(t, lines, "add plain")
	if err := os.Chmod(filepath.Join(dir, "plain"), 0); err != nil { // a placeholder, which delete removes
		t.Fatal(err)
	}
	run("netns", "delete", "x")
	expectLine(t, lines, "delete x")
	run("netns", "delete", "plain")
	expectLine(t, lines, "delete plain")

	// Killed by a signal: nothing was waiting in a buffer, so nothing is
	// lost and nothing more arrives.
	mon.Process.Signal(syscall.SIGKILL)
	mon.Wait()
	killed = true
	for l := range lines {
		t.Errorf("unexpected line after kill: %q", l)
	}
	if stderr.Len() != 0 {
		t.Errorf("monitor stderr: %q", stderr.String())
	}
}

// syncMonitor creates probe files until the monitor reports one, so that
// its inotify watch is known to be in place. The reports of earlier
// probes may arrive after the next probe was made (a loaded machine delays
// the monitor), so once one arrived, one last probe "synced" is made and
// every line up to its two is consumed: all of them must be probe lines.
func syncMonitor(t *testing.T, dir string, lines <-chan string) {
	t.Helper()
	probe := func(name string) {
		name = filepath.Join(dir, name)
		if err := os.WriteFile(name, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		os.Remove(name)
	}
	isProbe := regexp.MustCompile(`^(add|delete) sync\d+$`).MatchString
	deadline := time.Now().Add(lineGuard)
	for i := 0; time.Now().Before(deadline); i++ {
		probe(fmt.Sprintf("sync%d", i))
		select {
		case l := <-lines:
			if !isProbe(l) {
				t.Fatalf("first monitor line %q, want one for a probe file", l)
			}
			probe("synced")
			for l := nextLine(t, lines, "add synced"); l != "add synced"; l = nextLine(t, lines, "add synced") {
				if !isProbe(l) {
					t.Fatalf("monitor line %q among the probe files' lines", l)
				}
			}
			expectLine(t, lines, "delete synced")
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatal("monitor never reported a probe file")
}

// nextLine returns the next monitor line, failing the test when none comes
// (while waiting for want).
func nextLine(t *testing.T, lines <-chan string, want string) string {
	t.Helper()
	select {
	case l, ok := <-lines:
		if !ok {
			t.Fatalf("monitor output ended, want %q", want)
		}
		return l
	case <-time.After(lineGuard):
		t.Fatalf("monitor line %q not written while the monitor runs (buffered?)", want)
	}
	return ""
}

func expectLine(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	if l := nextLine(t, lines, want); l != want {
		t.Fatalf("monitor line %q, want %q", l, want)
	}
}

func TestCLIAllExecStaleEntryRunsEachCommandOnce(t *testing.T) {
	requireOracle(t)
	script := `
$IP netns add a; touch /run/netns/st; $IP netns add b
$IP -all netns exec echo run; echo "rc=$?"`
	got := cliRun(t, nssh(t), script)
	want := cliResult{
		stdout: "\nnetns: b\nrun\n\nnetns: st\n\nnetns: a\nrun\nrc=0\n",
		stderr: "setting the network namespace \"st\" failed: Invalid argument\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("nssh -all exec (-want +got):\n%s", diff)
	}
	// ip 6.1 runs the command for "a" twice: the failed child returns
	// into the loop.
	ip := cliRun(t, "ip", script)
	if n := strings.Count(ip.stdout, "run\n"); n <= 2 {
		t.Errorf("ip ran the command %d times (6.1 is expected to run it 3 times)", n)
	}
}

func TestCLIIdentifyPrintsEveryName(t *testing.T) {
	requireOracle(t)
	script := `
$IP netns add a
$IP netns exec a sh -c 'touch /run/w/ready; exec sleep 1000' & P=$!
waitfile /run/w/ready
$IP netns attach a2 $P; $IP netns add other; $IP netns attach a3 $P
echo "order: $(ls -f /run/netns | grep -v '^\.' | tr '\n' ' ')"
$IP netns identify $P; echo "rc=$?"
$IP netns exec a3 $IP netns identify; echo "rc=$?"
kill $P; wait $P 2>/dev/null; true`
	got := cliRun(t, nssh(t), script)
	want := cliResult{stdout: "order: a3 other a2 a \n" +
		"a3\na2\na\nrc=0\n" +
		"a3\na2\na\nrc=0\n"}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("nssh identify (-want +got):\n%s", diff)
	}
	ip := cliRun(t, "ip", script)
	if !strings.Contains(ip.stdout, "\na\nrc=0\na\nrc=0\n") {
		t.Errorf("ip 6.1 is expected to print only the last name, got %q", ip.stdout)
	}
}

func TestCLIFailedAddLeavesNoPlaceholder(t *testing.T) {
	requireOracle(t)
	// In a nested user namespace that may not create network namespaces,
	// unshare fails after the placeholder exists; ip 6.1 then cannot setns
	// back and exits leaving the mode-0000 file behind.
	script := `
unshare -U -r -m --propagation unchanged sh -c \
	'echo 0 > /proc/sys/user/max_net_namespaces && '"$IP"' netns add x; echo "rc=$?"'
ls -A /run/netns
r $U $IP netns add y
r $IP netns attach z 999999999
ls -A /run/netns
$IP netns add a; r $IP netns add a; ls -A /run/netns`
	got := cliRun(t, nssh(t), script)
	want := cliResult{
		stdout: "rc=1\n" + "rc=1\n" + "rc=1\n" + "rc=1\n" + "a\n",
		stderr: "Failed to create a new network namespace \"x\": No space left on device\n" +
			"mount --make-shared /run/netns failed: Operation not permitted\n" +
			"Bind /proc/999999999/ns/net -> /run/netns/z failed: No such file or directory\n" +
			"Cannot create namespace file \"/run/netns/a\": File exists\n",
	}
	if diff := cliDiff(want, got); diff != "" {
		t.Errorf("nssh failed adds (-want +got):\n%s", diff)
	}
	ip := cliRun(t, "ip", script)
	if !strings.HasPrefix(ip.stdout, "rc=1\nx\n") {
		t.Errorf("ip 6.1 is expected to leave the placeholder x, got %q", ip.stdout)
	}
}
