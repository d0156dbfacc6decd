// Package nstest runs a test binary inside its own user, mount and network
// namespaces with private tmpfs directories, so tests never touch the host's
// /run/netns and pass as root and as an unprivileged user.
//
// Use it from TestMain:
//
//	func TestMain(m *testing.M) { nstest.Main(m) }
package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	_ "github.com/nssh/nssh/core" // locks the main thread in init
)

// sandboxEnv marks the re-executed test binary.
const sandboxEnv = "NSSH_TEST_SANDBOX"

// Root is the tmpfs that holds the sandbox's private directories.
const Root = "/run"

// Main re-executes the test binary in fresh user+mount+network namespaces
// (uid and gid 0 mapped to the caller's) and, inside, mounts tmpfs on /run
// so that /run/netns (ip's compiled-in run dir) and /run/nssh are private,
// points NSSH_RUN_DIR, NSSH_ETC_DIR and NSSH_STATE_DIR there, and runs the
// tests. It never returns.
func Main(m *testing.M) {
	os.Exit(Run(m))
}

// Run is Main without the exit: it returns the exit code, so that a
// TestMain can clean up what its tests made outside the sandbox's tmpfs.
// Outside the sandbox it only waits for the re-executed copy.
func Run(m *testing.M) int {
	if os.Getenv(sandboxEnv) == "" {
		return reexec()
	}
	if err := setup(); err != nil {
		fmt.Fprintf(os.Stderr, "nstest: sandbox setup: %v\n", err)
		return 2
	}
	return m.Run()
}

func reexec() int {
	cmd := exec.Command("/proc/self/exe", os.Args[1:]...)
	cmd.Args[0] = os.Args[0]
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), sandboxEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
		Pdeathsig:   syscall.SIGKILL,
	}
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "nstest: cannot start the sandbox (user namespaces needed): %v\n", err)
		return 2
	}
	return 0
}

func setup() error {
	if err := unix.Mount("", "/", "none", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	if err := unix.Mount("nstest", Root, "tmpfs", 0, "mode=0755"); err != nil {
		return fmt.Errorf("tmpfs on %s: %w", Root, err)
	}
	dirs := map[string]string{
		"NSSH_RUN_DIR":   Root + "/netns",
		"NSSH_ETC_DIR":   Root + "/etc-netns",
		"NSSH_STATE_DIR": Root + "/nssh",
	}
	for env, dir := range dirs {
		os.Setenv(env, dir)
	}
	if err := os.MkdirAll(Root+"/etc-netns", 0o755); err != nil {
		return err
	}
	// Bring lo up: tests may connect within the sandbox netns too.
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return err
	}
	return netlink.LinkSetUp(lo)
}

// InSandbox reports whether the test binary runs inside the sandbox.
func InSandbox() bool { return os.Getenv(sandboxEnv) != "" }

// Name returns a unique namespace name for a test ("nssh-test-<hex>").
func Name(t testing.TB) string {
	t.Helper()
	var b [4]byte
	if _, err := unix.Getrandom(b[:], 0); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("nssh-test-%x", b)
}
