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
	"testing"

	"golang.org/x/sys/unix"

	"github.com/nssh/nssh/core" // also locks the main thread in init
)

// sandboxEnv marks the re-executed test binary.
const sandboxEnv = "NSSH_TEST_SANDBOX"

// Root is the tmpfs that holds the sandbox's private directories.
const Root = core.SandboxRoot

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
		code, err := core.RunSandboxed(core.SandboxOptions{Env: []string{sandboxEnv + "=1"}})
		if err != nil {
			fmt.Fprintf(os.Stderr, "nstest: %s\n", err.(*core.OpError).Text)
			return 2
		}
		return code
	}
	if err := core.SetupSandbox(); err != nil {
		fmt.Fprintf(os.Stderr, "nstest: sandbox setup: %v\n", err)
		return 2
	}
	return m.Run()
}

// Name returns a unique namespace name for a test ("nssh-test-<hex>").
func Name(t testing.TB) string {
	t.Helper()
	var b [4]byte
	if _, err := unix.Getrandom(b[:], 0); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("nssh-test-%x", b)
}
