// Package tests holds end-to-end tests of the built nssh binary: CLI
// compatibility with the real ip, scripts, the REPL through a pty, labs.
// Every test runs inside the nstest sandbox (private user, mount and
// network namespaces, tmpfs on /run), so /run/netns here is private.
package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/nssh/nssh/core/nstest"
)

func TestMain(m *testing.M) {
	code := nstest.Run(m)
	if nsshPath != "" {
		os.RemoveAll(filepath.Dir(nsshPath)) // the binary built by nssh(t)
	}
	os.Exit(code)
}

var (
	buildOnce sync.Once
	nsshPath  string
	buildErr  error
)

// repoRoot is the module root (the parent of this directory).
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// nssh returns the path of an nssh binary built once for the whole run.
func nssh(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "nssh-bin-")
		if err != nil {
			buildErr = err
			return
		}
		nsshPath = filepath.Join(dir, "nssh")
		cmd := exec.Command("go", "build", "-o", nsshPath, "./cmd/nssh")
		cmd.Dir = repoRoot()
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as README builds it
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatalf("building nssh: %v", buildErr)
	}
	return nsshPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }
