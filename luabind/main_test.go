package luabind

import (
	"fmt"
	"os"
	"testing"

	"github.com/nssh/nssh/core"
	"github.com/nssh/nssh/core/nstest"
)

// childEnv makes the test binary run one Lua chunk with the netns module
// and exit, instead of the tests: TestUnprivileged runs it without
// capabilities (under setpriv) inside the sandbox.
const childEnv = "LUABIND_TEST_CHILD_CHUNK"

func TestMain(m *testing.M) {
	if chunk := os.Getenv(childEnv); chunk != "" {
		os.Exit(runChild(chunk))
	}
	nstest.Main(m)
}

// runChild runs chunk in a fresh state; print goes to stdout, an uncaught
// error to stderr with exit status 1.
func runChild(chunk string) int {
	L := NewState()
	defer L.Close()
	b := New(core.DefaultConfig(), os.Stdout, os.Stderr)
	defer b.Close()
	b.Open(L)
	if err := L.DoString(chunk); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
