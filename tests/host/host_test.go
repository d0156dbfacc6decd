// Package host tests nssh's rootless mode (nssh.md §4.8) where users meet
// it: in the host's initial user namespace, as a real unprivileged user.
// Unlike every other test package it does not sandbox itself (a sandbox
// would make the test user privileged); instead, run as root it starts
// nssh as the user nobody, and run as a normal user it starts nssh as
// itself. Either way nssh cannot touch the host's /run/netns, and the
// tests check that it left nothing on the host: no mount, no process.
package host

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
)

const notice = "nssh: not root: running in a private sandbox; namespaces vanish when nssh exits"

// env is where the tests run nssh: a directory the test user can read,
// holding the binary and a copy of scripts/, and that user's credentials.
type env struct {
	dir  string
	bin  string
	cred *syscall.Credential // nil: the test's own user
}

// setup builds nssh for an unprivileged user, or skips when the test does
// not run in the initial user namespace.
func setup(t *testing.T) *env {
	t.Helper()
	e := &env{}
	switch {
	case os.Geteuid() == 0 && initialUserNS():
		u, err := user.Lookup("nobody")
		if err != nil {
			t.Fatalf("no user nobody: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		e.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}
	case core.CanAdmin():
		t.Skip("needs the host's initial user namespace (root there, or an unprivileged user)")
	}
	buildOnce.Do(func() { built, buildErr = build() })
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	e.dir, e.bin = built, filepath.Join(built, "nssh")
	return e
}

var (
	buildOnce sync.Once
	built     string // the directory with nssh and scripts/, removed by TestMain
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(built)
	}
	os.Exit(code)
}

// build makes a directory any user can read with a static nssh and a copy
// of scripts/ in it.
func build() (string, error) {
	dir, err := os.MkdirTemp("", "nssh-host-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "nssh")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/nssh")
	cmd.Dir = repoRoot()
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, fmt.Errorf("go build: %w\n%s", err, out)
	}
	if err := os.CopyFS(filepath.Join(dir, "scripts"), os.DirFS(filepath.Join(repoRoot(), "scripts"))); err != nil {
		return dir, err
	}
	victim, err := os.ReadFile(filepath.Join(repoRoot(), "tests", "testdata", "daemon-and-wait.lua"))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "daemon-and-wait.lua"), victim, 0o644)
	}
	if err != nil {
		return dir, err
	}
	// Directories and the binary 0755, files 0644.
	return dir, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		mode := os.FileMode(0o644)
		if err == nil && (d.IsDir() || p == bin) {
			mode = 0o755
		}
		if err == nil {
			err = os.Chmod(p, mode)
		}
		return err
	})
}

// initialUserNS reports whether this process runs in the initial user
// namespace (its uid map is the identity over the whole range).
func initialUserNS() bool {
	b, err := os.ReadFile("/proc/self/uid_map")
	f := strings.Fields(string(b))
	return err == nil && len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// command is nssh with args, run as the test user from e.dir.
func (e *env) command(args ...string) *exec.Cmd {
	cmd := exec.Command(e.bin, args...)
	cmd.Dir = e.dir
	cmd.Env = append(os.Environ(), "HOME="+e.dir)
	if e.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: e.cred}
	}
	return cmd
}

// hostMounts lists the mounts of the host's mount table that a sandbox
// makes (its tmpfs is called nssh-sandbox).
func hostMounts(t *testing.T) []string {
	t.Helper()
	return nstest.MountsWith(t, "nssh-sandbox")
}

// TestDemoAsUser runs the README's demo command as the unprivileged user.
func TestDemoAsUser(t *testing.T) {
	e := setup(t)
	cmd := e.command("scripts/demo.lua")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("demo: %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errb.String())
	}
	if errb.String() != notice+"\n" {
		t.Errorf("stderr %q, want the notice once", errb.String())
	}
	src, err := os.ReadFile(filepath.Join(e.dir, "scripts", "demo.lua"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, _ := strings.Cut(string(src), "\n-- Output:\n")
	var want strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(block, "\n"), "\n") {
		want.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "--"), " ") + "\n")
	}
	if out.String() != want.String() {
		t.Errorf("stdout differs from demo.lua's output block\n--- want\n%s--- got\n%s", want.String(), out.String())
	}
	if m := hostMounts(t); len(m) > 0 {
		t.Errorf("sandbox mounts on the host: %q", m)
	}
}

// TestSIGKILLLeavesNothing kills the unprivileged nssh with SIGKILL while
// its sandbox runs a command and an orphaned daemon
// (tests/testdata/daemon-and-wait.lua): both die with it and no mount is
// left on the host.
func TestSIGKILLLeavesNothing(t *testing.T) {
	e := setup(t)
	marker := fmt.Sprintf("1000.%d", time.Now().UnixNano()%1000000) // a unique sleep argument
	cmd := e.command("daemon-and-wait.lua", "host-kill", marker)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	buf := make([]byte, 6)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("first output %q, %v", buf, err)
	}
	procs := withArg(t, marker)
	if len(procs) == 0 {
		t.Fatal("the daemon is not running")
	}
	cmd.Process.Kill()
	cmd.Wait()
	for _, pid := range procs {
		if !nstest.WaitExit(t, pid, time.Minute) {
			t.Errorf("process %d (sleep %s) outlived the SIGKILL of nssh", pid, marker)
		}
	}
	if t.Failed() { // do not leave them running: the rest ends with them
		for _, pid := range withArg(t, marker) {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if m := hostMounts(t); len(m) > 0 {
		t.Errorf("sandbox mounts on the host: %q", m)
	}
}

// withArg lists the processes that have arg among their arguments.
func withArg(t *testing.T, arg string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		for _, a := range strings.Split(string(b), "\x00") {
			if a == arg {
				pids = append(pids, pid)
			}
		}
	}
	return pids
}

// TestNoSandboxRefuses: with --no-sandbox the unprivileged user gets the
// EPERM of ip, and nothing is made.
func TestNoSandboxRefuses(t *testing.T) {
	e := setup(t)
	cmd := e.command("--no-sandbox", "-e", `netns.add("host-refused")`)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(errb.String(), "netns.add: host-refused: Operation not permitted (needs CAP_SYS_ADMIN)") {
		t.Errorf("--no-sandbox: %v, stderr:\n%s", err, errb.String())
	}
	if _, err := os.Stat(core.DefaultConfig().Path("host-refused")); !os.IsNotExist(err) {
		t.Errorf("host run dir has host-refused: %v", err)
	}
}

// TestDoctorFixNeedsRoot: nssh doctor never sandboxes, so --fix as the
// unprivileged user changes nothing and says that raising a limit needs
// root.
func TestDoctorFixNeedsRoot(t *testing.T) {
	e := setup(t)
	// A million hosts: more than any machine's limits are raised for, so
	// there is always something --fix would have to change.
	cmd := e.command("doctor", "--hosts", "1000000", "--fix")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(errb.String(), "needs root") || strings.Contains(errb.String(), "sandbox") {
		t.Errorf("doctor --fix: %v, stderr:\n%s", err, errb.String())
	}
}
